"""plots.early_stopping: where early stopping stops, next to L2, and the take-home figure."""

import numpy as np
import pytest

from lecture5 import experiments, plots
from lecture5.hessian import shrink_factors
from lecture5.plots import early_stopping as es_plots
from lecture5.quadratic import early_stopping_factors

#: a small version of notebook 08's problem
SMALL8 = {"sizes": (784, 30, 10), "n_train": 300, "validation": 300, "epochs": 12,
          "n_test": 500}


def test_early_stopping_figure_marks_stop_and_restored_epoch():
    full, run = experiments.early_run(None, **SMALL8), experiments.early_run(2, **SMALL8)
    fig, caption = plots.early_stopping_figure(full, run, 2)
    assert f"stopped after epoch {run.epochs_run} (2 epochs without improvement)" in caption
    assert f"restored the weights of epoch {run.best_epoch}" in caption
    star = [ln for ln in fig.axes[0].lines if ln.get_marker() == "*"][0]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (run.best_epoch, run.eval_accuracy)
    _, one = plots.early_stopping_figure(full, experiments.early_run(1, **SMALL8), 1)
    assert "(1 epoch without improvement)" in one
    with pytest.raises(ValueError, match="patience"):
        plots.early_stopping_figure(full, run, 0)


def test_early_stopping_figure_when_patience_is_never_exhausted():
    _, caption = plots.early_stopping_figure(experiments.early_run(None, **SMALL8),
                                             experiments.early_run(50, **SMALL8), 50)
    assert "ran all 12 epochs" in caption


def test_weights_grow_without_regularization_and_l2_keeps_them_smaller():
    full = experiments.early_run(None, **SMALL8)
    assert np.all(np.diff(full.history["weight_norm"]) > 0)
    l2 = experiments.early_run(None, lmbda=3.0, penalty="l2", **SMALL8)
    es = experiments.early_run(2, **SMALL8)
    fig, caption = plots.early_stopping_vs_l2_figure(full, l2, es, 3.0, patience=2)
    assert l2.history["weight_norm"][-1] < full.history["weight_norm"][-1]
    assert f"{l2.history['weight_norm'][-1]:.1f} with L2 (λ = 3)" in caption
    assert len(fig.axes) == 2


def test_take_home_figure_one_bar_per_method():
    methods = {"none": {}, "L2\nλ = 3": {"lmbda": 3.0}, "early\nstopping\nk = 2": {"patience": 2}}
    runs = {name: experiments.early_run(**kw, **SMALL8) for name, kw in methods.items()}
    fig, caption = plots.take_home_figure(runs)
    ax1, ax2 = fig.axes
    assert len(ax1.patches) == 6 and len(ax2.patches) == 3
    heights = [p.get_height() for p in ax2.patches]
    es = experiments.early_run(2, **SMALL8)
    assert heights[2] == pytest.approx(experiments.weight_norm(es.weights))
    assert "early stopping k = 2: test" in caption
    # the training bar of early stopping is the accuracy of the restored epoch
    assert ax1.patches[2].get_height() == es.history["train_accuracy"][es.best_epoch - 1]
    with pytest.raises(ValueError, match="runs"):
        plots.take_home_figure({})
    with pytest.raises(TypeError, match="runs"):
        plots.take_home_figure(list(runs.values()))


# ---------------------------------------------------------------- early stopping and L2 as filters
def test_filter_figure_draws_both_filters_and_the_largest_gap():
    fig, caption = es_plots.filter_figure(tau=20)
    ax1, ax2 = fig.axes
    es_line, l2_line = ax1.lines[0], ax1.lines[1]
    D = es_line.get_xdata()
    assert np.allclose(es_line.get_ydata(), early_stopping_factors(D, 0.1, 20))
    assert np.allclose(l2_line.get_ydata(), shrink_factors(D, 0.5))  # lambda = 1/(eta tau)
    gap, d, _ = experiments.filter_gap(0.1, 20)
    assert f"largest difference {gap:+.3f} at D = {d:.3g}" in caption
    star = [ln for ln in ax2.lines if ln.get_marker() == "*"][0]
    assert star.get_xdata()[0] == d and star.get_ydata()[0] == gap
    assert "L2 at λ = 1/(ητ)" not in " ".join(t.get_text() for t in ax1.get_legend().texts)


def test_filter_figure_with_another_lambda_shows_the_matching_one_too():
    fig, caption = es_plots.filter_figure(tau=20, lmbda=0.1)
    assert "L2 with λ = 0.1" in caption and "matching λ = 1/(ητ) = 0.5" in caption
    labels = " ".join(t.get_text() for t in fig.axes[0].get_legend().texts)
    assert "L2 at λ = 1/(ητ)" in labels
    assert "τ = 20, λ = 0.1; 1/(ητ) = 0.5" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="tau"):
        es_plots.filter_figure(tau=0)
    with pytest.raises(ValueError, match="lmbda"):
        es_plots.filter_figure(tau=5, lmbda=-1.0)
