"""plots.l2_hessian: the Hessian's spectrum with its shrink factors (38), and the textbook's
fig 7.1 (w~ of eq (34))."""

import math
import re
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5 import plots
from lecture5.hessian import (
    hessian_2d,
    l2_minimizer,
    shrink_factors,
)


def test_hessian_spectrum_bars_are_the_shrink_factors_of_the_sorted_eigenvalues():
    D = np.array([1e-4, 0.5, -2e-5, 0.02, 3.0])
    lmbda = 0.01
    fig = plots.hessian_spectrum(D, lmbda)
    heights = [p.get_height() for p in fig.axes[1].patches]
    np.testing.assert_allclose(heights, shrink_factors(np.sort(D)[::-1], lmbda))
    assert fig.axes[0].get_yscale() == "log"
    negative = [li for li in fig.axes[0].lines if li.get_label().startswith("$D_{ii} < 0$")]
    assert negative and negative[0].get_markerfacecolor() == "white"  # open circles
    np.testing.assert_allclose(negative[0].get_ydata(), [2e-5])  # |D_ii| of the one D_ii < 0
    with pytest.raises(ValueError, match="lmbda"):
        plots.hessian_spectrum(D, -1.0)


def _marker(ax, label_start):
    for line in ax.lines:
        if line.get_label().startswith(label_start):
            return np.asarray(line.get_xydata())[0]
    raise AssertionError(f"no line labelled {label_start!r}")


@pytest.mark.parametrize("lmbda", [0.001, 0.5, 3.0, 100.0])
def test_l2_picture_puts_w_tilde_at_eq_34_and_bars_at_eq_38(lmbda):
    fig, caption = plots.l2_hessian_picture(lmbda, 0.3, 2.5, 40.0)
    H, _, D = hessian_2d((0.3, 2.5), 40.0)
    ax, ax_bar = fig.axes
    np.testing.assert_allclose(_marker(ax, "w̃ (with the penalty"),
                               l2_minimizer(H, plots.L2_W_STAR, lmbda))
    assert f"λ = {lmbda:.3g}:" in ax_bar.get_title()
    np.testing.assert_allclose([p.get_height() for p in ax_bar.patches], shrink_factors(D, lmbda))
    assert f"λ = {lmbda:.3g} " in caption
    f = shrink_factors(D, lmbda)
    assert f"along q₁ × {f[0]:.2f}, along q₂ × {f[1]:.2f}" in caption


def test_l2_picture_flat_direction_shrinks_more():
    _, caption = plots.l2_hessian_picture(0.5)  # D = (0.25, 2)
    q1, q2 = map(float, re.search(r"q₁ × ([0-9.]+), along q₂ × ([0-9.]+)", caption).groups())
    assert q1 == pytest.approx(0.25 / 0.75, abs=0.005) and q2 == pytest.approx(0.8, abs=0.005)
    assert q1 < q2


def test_l2_picture_trail_runs_from_w_star_to_the_origin():
    fig, _ = plots.l2_hessian_picture(1.0)
    trail = _marker(fig.axes[0], "w̃(λ)")  # the first point of the trail
    np.testing.assert_allclose(trail, plots.L2_W_STAR)
    line = next(li for li in fig.axes[0].lines if li.get_label().startswith("w̃(λ)"))
    np.testing.assert_allclose(line.get_xydata()[-1], [0.0, 0.0])
    norms = np.linalg.norm(line.get_xydata(), axis=1)
    assert np.all(np.diff(norms) <= 1e-12)  # w~ only ever moves towards 0 as lambda grows


def test_l2_picture_rejects_bad_arguments():
    with pytest.raises(ValueError, match="lmbda"):
        plots.l2_hessian_picture(-0.1)
    with pytest.raises(ValueError, match="eig1"):
        plots.l2_hessian_picture(0.1, eig1=0.0)
    with pytest.raises(TypeError, match="angle_degrees"):
        plots.l2_hessian_picture(0.1, angle_degrees="up")


def test_l2_picture_is_cheap_to_redraw():
    plots.l2_hessian_picture(0.5)  # warm the caches
    times = []
    for lmbda in (0.11, 0.12, 0.13):
        t = time.process_time()
        fig, _ = plots.l2_hessian_picture(lmbda)
        plots.to_png(fig)
        times.append(time.process_time() - t)
    assert min(times) < 0.5  # about 0.1 s of CPU here; generous for slow CI machines


@settings(max_examples=15, deadline=None)
@given(log_lmbda=st.floats(-3, 2), log_e1=st.floats(-2, 1), log_e2=st.floats(-2, 1),
       angle=st.floats(-90, 90))
def test_l2_picture_never_fails_on_the_slider_ranges(log_lmbda, log_e1, log_e2, angle):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, caption = plots.l2_hessian_picture(10 ** log_lmbda, 10 ** log_e1, 10 ** log_e2, angle)
    w_t = _marker(fig.axes[0], "w̃ (with the penalty")
    assert np.linalg.norm(w_t) <= np.linalg.norm(plots.L2_W_STAR) + 1e-12
    assert math.isfinite(float(re.search(r"‖w̃‖ = ([0-9.]+)", caption).group(1)))
