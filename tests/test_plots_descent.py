"""plots.descent: gradient descent on the 2-D quadratic of eq (31), and the per-epoch curves of
SGD runs (training histories with known numbers here)."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from lecture5 import plots
from lecture5.hessian import (
    gradient_descent,
    hessian_2d,
    quadratic_cost,
    step_regime,
)


def _history(epochs=3, cost0=2.0, acc0=0.5):
    """A Trainer-like history with known numbers."""
    e = list(range(1, epochs + 1))
    return {
        "epoch": e,
        "train_cost": [cost0 / k for k in e],
        "train_penalty": [0.0] * epochs,
        "train_accuracy": [min(1.0, acc0 + 0.1 * k) for k in e],
        "eval_cost": [1.5 * cost0 / k for k in e],
        "eval_penalty": [0.0] * epochs,
        "eval_accuracy": [min(1.0, acc0 + 0.05 * k) for k in e],
        "weight_norm": [10.0 + k for k in e],
        "zero_fraction": [0.0] * epochs,
        "seconds": [0.1] * epochs,
        "eta": [0.5] * epochs,
        "lmbda": [0.0] * epochs,
    }


@pytest.mark.parametrize("eta, regime", [(0.05, "slow"), (0.15, "good"), (0.33, "oscillating"),
                                         (0.42, "diverging")])
def test_gd_quadratic_caption_names_the_regime_and_2_over_dmax(eta, regime):
    fig, caption = plots.gd_quadratic(eta)
    assert isinstance(fig, Figure)
    assert f"regime: {regime}" in caption and "2/D_max = 0.4 " in caption
    assert step_regime(eta, plots.GD_EIGENVALUES) == regime


def test_gd_quadratic_path_and_final_cost_are_those_of_gradient_descent():
    eta = 0.15
    fig, caption = plots.gd_quadratic(eta)
    H, _, _ = hessian_2d(plots.GD_EIGENVALUES, plots.GD_ANGLE)
    path = gradient_descent(H, plots.GD_W_STAR, plots.GD_W0, eta, plots.GD_STEPS)
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(np.c_[line.get_xdata(), line.get_ydata()], path)
    final = float(re.search(r"C\(w_30\) − C\(w\*\) = ([0-9.e+-]+)", caption).group(1))
    expected = quadratic_cost(path[-1], H, plots.GD_W_STAR)
    assert final == pytest.approx(expected, rel=1e-2)
    # the cost panel shows C(w_t) - C(w*) for every step
    cost_line = fig.axes[1].lines[0]
    np.testing.assert_allclose(cost_line.get_ydata(), quadratic_cost(path.T, H, plots.GD_W_STAR))


@pytest.mark.parametrize("eta", [0.42, 1.0, 50.0, 1e6])
def test_gd_quadratic_diverging_draws_a_clipped_path_without_warnings(eta):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, caption = plots.gd_quadratic(eta)
        png = plots.to_png(fig)
    assert png.startswith(b"\x89PNG")
    assert "regime: diverging" in caption and "left the picture at step" in caption
    for line in fig.axes[0].lines:
        assert np.isfinite(line.get_xydata()).all()
    if eta >= 50:
        assert "overflowed" in caption or "e+" in caption


def test_gd_quadratic_marks_the_current_eta_and_2_over_dmax_on_the_strip():
    fig, _ = plots.gd_quadratic(0.2)
    strip = fig.axes[2]
    xs = sorted(float(line.get_xdata()[0]) for line in strip.lines)  # the vertical lines
    assert xs == pytest.approx([0.2, 0.4])


def test_gd_quadratic_rejects_bad_arguments():
    with pytest.raises(ValueError, match="eta"):
        plots.gd_quadratic(0.0)
    with pytest.raises(TypeError, match="eta"):
        plots.gd_quadratic("fast")
    with pytest.raises(ValueError, match="eta_range"):
        plots.gd_quadratic(0.1, eta_range=(1.0, 0.1))


@settings(max_examples=15, deadline=None)
@given(log_eta=st.floats(-3.0, 0.0))
def test_gd_quadratic_never_fails_on_the_slider_range(log_eta):
    eta = 10.0 ** log_eta
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, caption = plots.gd_quadratic(eta)
    assert f"regime: {step_regime(eta, plots.GD_EIGENVALUES)}" in caption


def test_gd_regimes_shows_the_four_regimes():
    fig = plots.gd_regimes()
    titles = [ax.get_title() for ax in fig.axes]
    for regime, title in zip(("slow", "good", "oscillating", "diverging"), titles):
        assert regime in title
    with pytest.raises(ValueError, match="etas"):
        plots.gd_regimes(etas=(0.1, 0.2))


def test_training_curves_draws_each_history():
    hists = {"η = 0.5": _history(), "η = 3": _history(cost0=4.0)}
    fig, caption = plots.training_curves(hists, panels=("train_cost", "accuracy"))
    ax_cost, ax_acc = fig.axes
    ys = [list(line.get_ydata()) for line in ax_cost.lines]
    assert hists["η = 3"]["train_cost"] in ys and hists["η = 0.5"]["train_cost"] in ys
    acc = [list(line.get_ydata()) for line in ax_acc.lines]
    assert [100 * a for a in hists["η = 0.5"]["eval_accuracy"]] in acc
    assert "η = 0.5: training cost 0.667" in caption and "after 3 epochs" in caption
    assert "test accuracy 65.0%" in caption


def test_training_curves_three_panels_baseline_and_note():
    fig, caption = plots.training_curves({"λ = 0": _history()},
                                         panels=("accuracy", "cost", "weight_norm"),
                                         note="Training diverged.", baseline=3.3)
    assert len(fig.axes) == 3 and caption.endswith("Training diverged.")
    assert fig.axes[2].lines[0].get_ydata().tolist() == [11.0, 12.0, 13.0]
    assert any(line.get_ydata()[0] == 3.3 for line in fig.axes[1].lines)


def test_training_curves_with_an_empty_history():
    h = {k: [] for k in _history()}
    fig, caption = plots.training_curves({"η = 100": h}, note="Training diverged in epoch 1")
    assert "no epoch completed" in caption and isinstance(fig, Figure)


def test_training_curves_rejects_bad_arguments():
    with pytest.raises(TypeError, match="histories"):
        plots.training_curves({})
    with pytest.raises(TypeError, match="histories"):
        plots.training_curves({"a": [1, 2]})
    with pytest.raises(ValueError, match="panels"):
        plots.training_curves({"a": _history()}, panels=("loss",))


def test_gd_regimes_default_third_panel_is_the_best_fixed_step_with_its_factors():
    from lecture5.quadratic import convergence_rate, optimal_step

    fig = plots.gd_regimes()
    titles = [ax.get_title() for ax in fig.axes]
    best = optimal_step(plots.GD_EIGENVALUES)
    rate = convergence_rate(plots.GD_EIGENVALUES)
    assert f"η = {best:.3g}" in titles[2] and "best fixed step" in titles[2]
    # the steep factor 1 - eta D_max = -rate flips sign, the flat one is +rate
    assert f"steep × {-rate:+.2f} (flips sign)" in titles[2] and f"flat × {rate:+.2f}" in titles[2]
    assert "best fixed step" not in titles[1] and "(flips sign)" not in titles[1]


def test_gd_quadratic_caption_gives_both_factors():
    _fig, caption = plots.gd_quadratic(0.05)
    assert "per step: steep × +0.75, flat × +0.95" in caption


def test_training_curves_eval_label_and_zoomed_accuracy_axis():
    h = _history(acc0=0.8)
    fig, caption = plots.training_curves({"λ = 1": h}, panels=("accuracy",),
                                         eval_label="validation", accuracy_range="data")
    assert "validation accuracy" in caption and "test accuracy" not in caption
    lo, hi = fig.axes[0].get_ylim()
    values = 100 * np.array(h["train_accuracy"] + h["eval_accuracy"])
    assert lo <= values.min() and hi >= values.max() and lo > 50 and hi <= 100
    assert "validation" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    fig, _ = plots.training_curves({"λ = 1": h}, panels=("accuracy",))
    assert fig.axes[0].get_ylim() == (0.0, 100.0)  # the default stays 0-100 %
    with pytest.raises(ValueError, match="accuracy_range"):
        plots.training_curves({"λ = 1": h}, accuracy_range=(90, 80))
    with pytest.raises(TypeError, match="eval_label"):
        plots.training_curves({"λ = 1": h}, eval_label="")
