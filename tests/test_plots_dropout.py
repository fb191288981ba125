"""plots.dropout: the network of one mini-batch, the expectation over masks, overfitting with and
without dropout, and step 5 read literally."""

import re

import numpy as np
import pytest

from lecture5 import experiments, plots
from lecture5.datasets import load_mnist

#: a small version of notebook 07's problem, so that the tests train in a fraction of a second
SMALL = {"sizes": (784, 30, 10), "n_train": 300, "epochs": 4, "n_test": 500}


def _deleted(caption):
    """{layer: [nodes]} from the caption of dropout_network_figure."""
    out = {}
    for layer, nodes in re.findall(r"layer (\d+): nodes ([\d, ]+|none)", caption):
        out[int(layer)] = [] if nodes == "none" else [int(v) for v in nodes.split(", ")]
    return out


def test_dropout_network_figure_deletes_half_of_each_hidden_layer():
    fig, caption = plots.dropout_network_figure(mini_batch=3, p_drop=0.5, sizes=(5, 8, 8, 3))
    deleted = _deleted(caption)
    assert sorted(deleted) == [2, 3] and all(len(v) == 4 for v in deleted.values())
    # crossed-out circles: one dashed patch per deleted node, none in the full network
    dashed = [p for p in fig.axes[1].patches if p.get_linestyle() == "--"]
    assert len(dashed) == 8 and not [p for p in fig.axes[0].patches if p.get_linestyle() == "--"]
    assert "8 of 16 hidden nodes deleted" in fig.axes[1].get_title()
    # the same mini-batch gives the same nodes, another one (almost surely) others
    assert plots.dropout_network_figure(mini_batch=3)[1] == caption
    others = {plots.dropout_network_figure(mini_batch=b)[1] for b in range(4, 9)}
    assert len(others - {caption}) == 5


def test_dropout_network_figure_extremes_and_errors():
    assert _deleted(plots.dropout_network_figure(1, p_drop=0.0)[1]) == {2: [], 3: []}
    with pytest.raises(ValueError, match="hidden layer"):
        plots.dropout_network_figure(1, sizes=(3, 2))
    with pytest.raises(ValueError, match="p_drop"):
        plots.dropout_network_figure(1, p_drop=1.0)


def _numbers(caption):
    return [float(v) for v in re.findall(r"-?\d+\.\d+", caption)]


@pytest.mark.parametrize("p_drop", [0.25, 0.5])
def test_dropout_expectation_average_over_masks_is_the_test_time_input(p_drop):
    net = experiments.trained_network(experiments.dropout_run(0.5, **SMALL), SMALL["sizes"])
    test = load_mnist(n_train=1, n_test=SMALL["n_test"])
    _, caption = plots.dropout_expectation_figure(net, test, p_drop, samples=3000)
    slides_mean, slides_test, inv_mean, inv_test, unscaled = _numbers(caption)
    assert inv_test == unscaled  # inverted dropout: the network is used as trained
    assert abs(slides_mean - slides_test) < 0.15 and abs(inv_mean - inv_test) < 0.3
    assert abs(slides_test - unscaled) > 0.5  # scaling w^3 by 1 - p matters


def test_dropout_overfitting_figure_reports_both_runs():
    base, run = experiments.dropout_run(0.0, **SMALL), experiments.dropout_run(0.5, **SMALL)
    fig, caption = plots.dropout_overfitting_figure(base, run, SMALL["n_train"], 0.5)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 4
    assert f"test {base.history['eval_accuracy'][-1]:.3f}" in caption
    assert f"training {run.history['train_accuracy'][-1]:.3f}" in caption
    np.testing.assert_array_equal(fig.axes[0].lines[3].get_ydata(), run.history["eval_accuracy"])
    # dropout slows the fit of the training data
    assert run.history["train_accuracy"][-1] < base.history["train_accuracy"][-1]
    # without dropout the two modes are one and the same run
    assert experiments.dropout_run(0.0, "inverted", **SMALL) is base


def test_step5_literal_halving_keeps_weights_small_and_costs_accuracy():
    res = experiments.step5_runs(0.5, halvings=8, **SMALL)
    assert len(res.literal_norm) == len(res.correct_norm) == SMALL["epochs"]
    assert max(res.literal_norm) < 0.5 * res.correct_norm[-1]
    assert res.literal_accuracy[-1] < res.correct_accuracy[-1] - 0.05
    run = experiments.dropout_run(0.5, **SMALL)
    assert res.correct_accuracy[-1] == run.history["eval_accuracy"][-1]
    assert res.halved_accuracy[0] == pytest.approx(res.correct_accuracy[-1])
    assert res.halved_accuracy[-1] < 0.25 < res.halved_accuracy[0]
    fig, caption = plots.step5_figure(res, 0.5)
    assert f"{res.literal_accuracy[-1]:.3f} with halving" in caption


#: a small version of notebook 07's problem with its validation split
SMALL_VAL = {**SMALL, "validation": 200, "epochs": 3}


def test_dropout_seeds_figure_reports_the_range_over_the_seeds():
    seeds = (0, 1)
    base = {s: experiments.slides_dropout_run(0.0, seed=s, **SMALL_VAL) for s in seeds}
    by_seed = {s: experiments.slides_dropout_run(0.5, seed=s, **SMALL_VAL) for s in seeds}
    fig, caption = plots.dropout_seeds_figure(base, by_seed, SMALL_VAL["n_train"], 0.5)
    runs = list(by_seed.values())
    val = [r.history["eval_accuracy"][-1] for r in runs]
    assert "p = 0.5: training accuracy" in caption
    assert f"validation accuracy {experiments.seed_range(val)}" in caption.split("p = 0.5")[1]
    ax1, ax2 = fig.axes
    assert len(ax1.lines) == 4 and len(ax2.lines) == 2 and len(ax1.collections) == 4
    np.testing.assert_allclose(ax1.lines[3].get_ydata(),
                               np.mean([r.history["eval_accuracy"] for r in runs], axis=0))
    inverted = {s: experiments.slides_dropout_run(0.5, "inverted", seed=s, **SMALL_VAL)
                for s in seeds}
    _, inv = plots.dropout_seeds_figure(base, inverted, SMALL_VAL["n_train"], 0.5, "inverted")
    assert "(inverted)" in inv and inv.split(";")[0] == caption.split(";")[0]
    with pytest.raises(ValueError, match="dropout"):
        plots.dropout_seeds_figure(base, by_seed, SMALL_VAL["n_train"], 0.5, "other")
    with pytest.raises(TypeError, match="base and runs"):
        plots.dropout_seeds_figure(list(base.values()), runs, SMALL_VAL["n_train"])
    with pytest.raises(ValueError, match="same seeds"):
        plots.dropout_seeds_figure(base, {0: by_seed[0]}, SMALL_VAL["n_train"], 0.5)
