"""Figure builders of notebooks 06-08 (L1, dropout, early stopping): the numbers they draw.

Numbering: Nielsen's (input = layer 1), so weights[0] is w^2.  n is the training-set size.
"""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from lecture5 import plots
from lecture5.hessian import shrink_factors
from lecture5.regularization import soft_threshold


def _percent(caption, label):
    return float(re.search(label + r": (\d+\.\d)% exactly 0", caption).group(1))


# ---------------------------------------------------------------- shared training runs


def test_training_run_is_cached_and_read_only():
    a = plots.training_run(sizes=[784, 10], n_train=100, epochs=2, n_test=200)
    b = plots.training_run(sizes=(784, 10), n_train=100, epochs=2, n_test=200)
    assert a is b  # a list and a tuple of sizes hit the same cache entry
    assert a.epochs_run == 2 and len(a.history["eval_accuracy"]) == 2
    assert a.eval_accuracy == a.test_accuracy == a.history["eval_accuracy"][-1]
    with pytest.raises(ValueError):
        a.weights[0][0, 0] = 1.0


def test_training_run_rejects_bad_settings_by_name():
    with pytest.raises(ValueError, match="penalty"):
        plots.training_run(sizes=(784, 10), n_train=50, epochs=1, penalty="l3")
    with pytest.raises(ValueError, match="p_drop"):
        plots.training_run(sizes=(784, 10, 10), n_train=50, epochs=1, p_drop=1.0)
    with pytest.raises(TypeError, match="sizes"):
        plots.training_run(sizes=(784, 2.5, 10), n_train=50, epochs=1)


# ---------------------------------------------------------------- 06: L1 regularization


def test_penalty_step_figure_draws_the_three_steps():
    fig, caption = plots.penalty_step_figure(lmbda=2.0, eta=0.5, n=10)
    assert isinstance(fig, Figure) and "0.1" in caption
    assert caption.startswith("ηλ/n = 0.5 × 2 / 10 = 0.1")  # the sliders' symbols, not "eta"
    ax1 = fig.axes[0]
    (_, l2, l1, prox) = ax1.lines
    w = l2.get_xdata()
    np.testing.assert_allclose(l2.get_ydata(), 0.9 * w)  # (28): keeps 1 - eta lambda / n
    np.testing.assert_allclose(l1.get_ydata(), w - 0.1 * np.sign(w))  # (41): constant 0.1
    np.testing.assert_allclose(prox.get_ydata(), soft_threshold(w, 0.1))
    small = np.abs(w) < 0.1
    assert np.all(prox.get_ydata()[small] == 0)
    assert np.all(np.sign(l1.get_ydata()[small & (w != 0)]) == -np.sign(w[small & (w != 0)]))


def test_penalty_step_figure_refuses_a_step_of_one_or_more():
    with pytest.raises(ValueError, match="below 1"):
        plots.penalty_step_figure(lmbda=20.0, eta=0.5, n=10)
    with pytest.raises(ValueError, match="lmbda"):
        plots.penalty_step_figure(lmbda=-1.0)


@pytest.mark.parametrize("lmbda", [0.0, 0.5, 1.0, 4.0, 40.0])
def test_l1_l2_eigen_figure_matches_the_closed_forms(lmbda):
    D = np.array([0.1, 0.3, 1.0, 3.0, 10.0])
    ws = np.array([1.0, -1.5, 2.0, -1.0, 1.5])
    fig, caption = plots.l1_l2_eigen_figure(lmbda, eigenvalues=D, w_star=ws)
    bars = fig.axes[0].containers
    heights = [np.array([r.get_height() for r in c]) for c in bars]
    np.testing.assert_allclose(heights[0], ws)
    np.testing.assert_allclose(heights[1], shrink_factors(D, lmbda) * ws)
    np.testing.assert_allclose(heights[2], np.sign(ws) * np.maximum(np.abs(ws) - lmbda / D, 0))
    zeros = int(np.sum(np.abs(ws) <= lmbda / D))
    assert f"sets {zeros} of 5 components" in caption
    if lmbda > 0:
        assert np.all(heights[1] != 0)  # L2 never reaches zero


def test_l1_l2_eigen_figure_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="same length"):
        plots.l1_l2_eigen_figure(1.0, eigenvalues=(1.0, 2.0), w_star=(1.0,))
    with pytest.raises(ValueError, match="eigenvalues"):
        plots.l1_l2_eigen_figure(1.0, eigenvalues=(1.0, -2.0), w_star=(1.0, 1.0))


def test_l1_l2_histograms_show_exact_zeros_only_for_the_soft_threshold():
    fig, caption = plots.l1_l2_histograms(lmbda=1.0)
    assert len(fig.axes) == 2
    assert _percent(caption, "soft threshold") > 30.0 and _percent(caption, r"L2 \(28\)") == 0.0
    run = plots.l1_l2_run("l1_prox", 1.0)
    zero = np.mean(run.weights[0] == 0)
    assert f"{zero:.1%}" in caption
    assert run.history["zero_fraction"][-1] == pytest.approx(zero)
    _, caption_sgn = plots.l1_l2_histograms(lmbda=1.0, l1_form="l1")
    assert _percent(caption_sgn, r"sgn\(w\) step \(41\)") < 1.0


def test_l1_zeroes_more_weights_as_lambda_grows():
    zeros = [np.mean(plots.l1_l2_run("l1_prox", lm).weights[0] == 0) for lm in (0.3, 1.0, 3.0)]
    assert zeros[0] < zeros[1] < zeros[2]


def test_l1_l2_weight_images_draw_each_neurons_weights():
    fig, caption = plots.l1_l2_weight_images(lmbda=1.0, digits=(0, 7))
    assert len(fig.axes) == 4
    w_l1 = plots.l1_l2_run("l1_prox", 1.0).weights[0]
    shown = fig.axes[1].images[0].get_array()  # L1 row, digit 7
    np.testing.assert_array_equal(np.asarray(shown), w_l1[7].reshape(28, 28))
    assert "L2: 100.0% of these weights nonzero" in caption
    with pytest.raises(ValueError, match="digit"):
        plots.l1_l2_weight_images(lmbda=1.0, digits=(10,))
    with pytest.raises(ValueError, match="sizes"):
        plots.l1_l2_weight_images(lmbda=1.0, sizes=(784, 30, 10))


def test_l1_weight_paths_sgn_hops_soft_threshold_sits_at_zero():
    res = plots.l1_weight_paths(lmbda=3.0, k=4)
    c = res.step_size
    assert c == pytest.approx(0.5 * 3.0 / 500)
    naive, prox = res.paths["l1"][-40:, :-1], res.paths["l1_prox"][-40:, :-1]
    assert np.mean(prox == 0) > 0.9
    assert np.count_nonzero(naive == 0) == 0
    # the sgn step keeps those weights within a few steps of zero, changing sign again and again
    assert np.abs(naive).max() < 5 * c
    flips = np.sum(np.diff(np.sign(naive), axis=0) != 0, axis=0)
    assert np.all(flips >= 10)
    # both runs start from the same network
    np.testing.assert_array_equal(res.paths["l1"][0], res.paths["l1_prox"][0])
    assert res.zero_fraction["l1"] < 0.01 < 0.3 < res.zero_fraction["l1_prox"]


def test_l1_trajectories_figure_caption_and_layout():
    fig, caption = plots.l1_trajectories_figure(lmbda=3.0)
    assert len(fig.axes) == 4
    assert "0% of the steps with sgn(w)" in caption
    assert tuple(fig.get_size_inches()) == (9.0, 6.75)
    with pytest.raises(ValueError, match="lmbda"):
        plots.l1_trajectories_figure(lmbda=0.0)


# ---------------------------------------------------------------- 07: dropout

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
    _, caption = plots.dropout_expectation_figure(p_drop, samples=3000, **SMALL)
    slides_mean, slides_test, inv_mean, inv_test, unscaled = _numbers(caption)
    assert inv_test == unscaled  # inverted dropout: the network is used as trained
    assert abs(slides_mean - slides_test) < 0.15 and abs(inv_mean - inv_test) < 0.3
    assert abs(slides_test - unscaled) > 0.5  # scaling w^3 by 1 - p matters


def test_dropout_overfitting_figure_reports_both_runs():
    fig, caption = plots.dropout_overfitting_figure(0.5, **SMALL)
    base, run = plots.dropout_run(0.0, **SMALL), plots.dropout_run(0.5, **SMALL)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 4
    assert f"test {base.history['eval_accuracy'][-1]:.3f}" in caption
    assert f"training {run.history['train_accuracy'][-1]:.3f}" in caption
    np.testing.assert_array_equal(fig.axes[0].lines[3].get_ydata(), run.history["eval_accuracy"])
    # dropout slows the fit of the training data
    assert run.history["train_accuracy"][-1] < base.history["train_accuracy"][-1]
    # without dropout the two modes are one and the same run
    assert plots.dropout_run(0.0, "inverted", **SMALL) is base


def test_step5_literal_halving_keeps_weights_small_and_costs_accuracy():
    res = plots.step5_runs(0.5, halvings=8, **SMALL)
    assert len(res.literal_norm) == len(res.correct_norm) == SMALL["epochs"]
    assert max(res.literal_norm) < 0.5 * res.correct_norm[-1]
    assert res.literal_accuracy[-1] < res.correct_accuracy[-1] - 0.05
    assert res.correct_accuracy[-1] == plots.dropout_run(0.5, **SMALL).history["eval_accuracy"][-1]
    assert res.halved_accuracy[0] == pytest.approx(res.correct_accuracy[-1])
    assert res.halved_accuracy[-1] < 0.25 < res.halved_accuracy[0]
    fig, caption = plots.step5_figure(0.5, **SMALL)
    assert f"{res.literal_accuracy[-1]:.3f} with halving" in caption


# ---------------------------------------------------------------- 08: early stopping

#: a small version of notebook 08's problem
SMALL8 = {"sizes": (784, 30, 10), "n_train": 300, "validation": 300, "epochs": 12,
          "n_test": 500}


def test_early_run_restores_the_best_epoch_and_follows_the_full_run():
    full = plots.early_run(None, **SMALL8)
    for k in (1, 2, 3):
        run = plots.early_run(k, **SMALL8)
        h = run.history["eval_accuracy"]
        if not run.message:  # never k epochs without improvement: nothing to check for this k
            assert run.epochs_run == SMALL8["epochs"]
            continue
        best = int(np.argmax(h)) + 1
        assert run.best_epoch == best and run.epochs_run == best + k
        assert run.eval_accuracy == h[best - 1] == max(h)  # the restored network is the best one
        assert h == full.history["eval_accuracy"][: run.epochs_run]
        np.testing.assert_allclose(plots.weight_norm(run.weights),
                                   run.history["weight_norm"][best - 1])
    assert plots.early_run(1, **SMALL8).message.startswith("Early stopping")


def test_early_stopping_figure_marks_stop_and_restored_epoch():
    run = plots.early_run(2, **SMALL8)
    fig, caption = plots.early_stopping_figure(2, **SMALL8)
    assert f"stopped after epoch {run.epochs_run} (2 epochs without improvement)" in caption
    assert f"restored the weights of epoch {run.best_epoch}" in caption
    star = [ln for ln in fig.axes[0].lines if ln.get_marker() == "*"][0]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (run.best_epoch, run.eval_accuracy)
    _, one = plots.early_stopping_figure(1, **SMALL8)
    assert "(1 epoch without improvement)" in one
    with pytest.raises(ValueError, match="patience"):
        plots.early_stopping_figure(0, **SMALL8)


def test_early_stopping_figure_when_patience_is_never_exhausted():
    _, caption = plots.early_stopping_figure(50, **SMALL8)
    assert "ran all 12 epochs" in caption


def test_weights_grow_without_regularization_and_l2_keeps_them_smaller():
    full = plots.early_run(None, **SMALL8)
    assert np.all(np.diff(full.history["weight_norm"]) > 0)
    fig, caption = plots.early_stopping_vs_l2_figure(3.0, patience=2, **SMALL8)
    l2 = plots.early_run(None, lmbda=3.0, penalty="l2", **SMALL8)
    assert l2.history["weight_norm"][-1] < full.history["weight_norm"][-1]
    assert f"{l2.history['weight_norm'][-1]:.1f} with L2 (λ = 3)" in caption
    assert len(fig.axes) == 2


def test_take_home_figure_one_bar_per_method():
    methods = {"none": {}, "L2\nλ = 3": {"lmbda": 3.0}, "early\nstopping\nk = 2": {"patience": 2}}
    fig, caption = plots.take_home_figure(methods, **SMALL8)
    ax1, ax2 = fig.axes
    assert len(ax1.patches) == 6 and len(ax2.patches) == 3
    heights = [p.get_height() for p in ax2.patches]
    es = plots.early_run(2, **SMALL8)
    assert heights[2] == pytest.approx(plots.weight_norm(es.weights))
    assert "early stopping k = 2: test" in caption
    # the training bar of early stopping is the accuracy of the restored epoch
    assert ax1.patches[2].get_height() == es.history["train_accuracy"][es.best_epoch - 1]
    with pytest.raises(ValueError, match="methods"):
        plots.take_home_figure({}, **SMALL8)
