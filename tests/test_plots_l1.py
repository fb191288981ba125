"""plots.l1: one penalty step (28)/(41), the L1/L2 minimizers in the eigenbasis, and the figures
of notebook 06's runs.  Numbering: Nielsen's, weights[0] is w^2; n is the training-set size."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from lecture5 import experiments, plots
from lecture5.hessian import (
    hessian_2d,
    l1_kinks,
    l1_minimizer,
    l2_minimizer,
    shrink_factors,
)
from lecture5.regularization import soft_threshold


def _percent(caption, label):
    return float(re.search(label + r": (\d+\.\d)% exactly 0", caption).group(1))


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


def test_penalty_step_figure_changes_in_place_while_its_tick_labels_fit():
    fig, _ = plots.penalty_step_figure(lmbda=10.0)
    caption = plots.update_in_place(fig, {"lmbda": 5.0})  # the right panel's y-axis rescales
    assert caption == plots.penalty_step_figure(lmbda=5.0)[1]
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), 0.75 * fig.axes[0].lines[1]
                               .get_xdata())  # (28) with eta lambda / n = 0.25
    # its tick labels are padded to 8 characters: "−0.0004" (the slider's lowest stop) fits
    assert plots.update_in_place(fig, {"lmbda": 0.01}) is not None
    # a step so small that the axis needs an offset text ("1e−5") above it needs a new
    # layout: the app builds the figure afresh
    assert plots.update_in_place(fig, {"lmbda": 1e-4}) is None


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
    assert f"sets {zeros} of 5 weights" in caption and caption.startswith("diagonal H")
    if lmbda > 0:
        assert np.all(heights[1] != 0)  # L2 never reaches zero


def test_l1_l2_eigen_figure_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="same length"):
        plots.l1_l2_eigen_figure(1.0, eigenvalues=(1.0, 2.0), w_star=(1.0,))
    with pytest.raises(ValueError, match="eigenvalues"):
        plots.l1_l2_eigen_figure(1.0, eigenvalues=(1.0, -2.0), w_star=(1.0, 1.0))


def _runs(lmbda, l1_form="l1_prox", **settings):
    """The two runs the L1/L2 figures draw: {"l2": run, l1_form: run}."""
    return {p: experiments.l1_l2_run(p, lmbda, **settings) for p in ("l2", l1_form)}


def test_l1_l2_histograms_show_exact_zeros_only_for_the_soft_threshold():
    fig, caption = plots.l1_l2_histograms(_runs(1.0), lmbda=1.0)
    assert len(fig.axes) == 2
    assert _percent(caption, "soft threshold") > 30.0 and _percent(caption, r"L2 \(28\)") == 0.0
    run = experiments.l1_l2_run("l1_prox", 1.0)
    zero = np.mean(run.weights[0] == 0)
    assert f"{zero:.1%}" in caption
    assert run.history["zero_fraction"][-1] == pytest.approx(zero)
    _, caption_sgn = plots.l1_l2_histograms(_runs(1.0, "l1"), lmbda=1.0)
    assert _percent(caption_sgn, r"sgn\(w\) step \(41\)") < 1.0


def test_l1_l2_weight_images_draw_each_neurons_weights():
    fig, caption = plots.l1_l2_weight_images(_runs(1.0), lmbda=1.0, digits=(0, 7))
    assert len(fig.axes) == 4
    w_l1 = experiments.l1_l2_run("l1_prox", 1.0).weights[0]
    shown = fig.axes[1].images[0].get_array()  # L1 row, digit 7
    np.testing.assert_array_equal(np.asarray(shown), w_l1[7].reshape(28, 28))
    assert "L2: 100.0% of these weights nonzero" in caption
    with pytest.raises(ValueError, match="digit"):
        plots.l1_l2_weight_images(_runs(1.0), lmbda=1.0, digits=(10,))
    with pytest.raises(ValueError, match="sizes"):
        plots.l1_l2_weight_images(_runs(1.0, sizes=(784, 30, 10)), lmbda=1.0)
    with pytest.raises(ValueError, match="l2"):
        plots.l1_l2_weight_images({"l1_prox": _runs(1.0)["l1_prox"]}, lmbda=1.0)
    with pytest.raises(TypeError, match="runs"):
        plots.l1_l2_histograms(1.0)


def test_l1_trajectories_figure_caption_and_layout():
    fig, caption = plots.l1_trajectories_figure(experiments.l1_weight_paths(3.0), lmbda=3.0)
    assert len(fig.axes) == 4
    assert "0% of the steps with sgn(w)" in caption
    assert tuple(fig.get_size_inches()) == (9.0, 6.75)
    with pytest.raises(ValueError, match="lmbda"):
        experiments.l1_weight_paths(0.0)


def _pairs(caption):
    return [(float(a), float(b)) for a, b in re.findall(r"\((-?\d+\.\d+), (-?\d+\.\d+)\)", caption)]


@pytest.mark.parametrize("lmbda", [0.0, 0.1, 0.3, 0.44, 0.48, 2.0])
def test_l1_rotated_figure_marks_the_exact_minimisers(lmbda):
    fig, caption = plots.l1_rotated_figure(lmbda)
    H, Q, D = hessian_2d((0.25, 2.0), 30.0)
    ws = np.array([2.0, 1.2])
    l1, eig, l2 = _pairs(caption)
    np.testing.assert_allclose(l1, l1_minimizer(H, ws, lmbda), atol=5e-4)
    np.testing.assert_allclose(eig, Q @ soft_threshold(Q.T @ ws, lmbda / D), atol=5e-4)
    np.testing.assert_allclose(l2, l2_minimizer(H, ws, lmbda), atol=5e-4)
    for lam in l1_kinks(H, ws):
        assert f"λ = {lam:.3f}" in caption
    assert len(fig.axes) == 2 and tuple(fig.get_size_inches()) == (9.0, 4.8)
    markers = {line.get_label(): line for line in fig.axes[0].lines}
    np.testing.assert_allclose(np.ravel(markers["w̃ (L1)"].get_xydata()),
                               l1_minimizer(H, ws, lmbda), atol=1e-12)


def test_l1_rotated_figure_eigen_formula_wrong_only_when_rotated():
    _, caption = plots.l1_rotated_figure(0.48)
    l1, eig, _ = _pairs(caption)
    assert l1 == (0.0, 0.0) and eig[0] > 0.1 and eig[1] > 0.1  # neither the minimiser nor 0
    assert "w₂ reaches 0 at λ = 0.415" in caption and "w₁ reaches 0 at λ = 0.466" in caption
    for lmbda in (0.1, 0.5, 1.0):  # H diagonal: the formula is the minimiser
        l1, eig, _ = _pairs(plots.l1_rotated_figure(lmbda, angle_degrees=0.0)[1])
        assert l1 == eig
    with pytest.raises(ValueError, match="lmbda"):
        plots.l1_rotated_figure(-0.1)
