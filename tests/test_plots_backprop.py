"""plots.backprop: the output error of the quadratic cost (13) vs cross-entropy, and why
backpropagation is fast."""

import re

import numpy as np
import pytest

from lecture5 import CrossEntropyCost, QuadraticCost, plots, sigmoid
from lecture5.gradcheck import TimingRow


@pytest.mark.parametrize("z_L, y", [(-4.0, 1), (0.0, 1), (6.0, 0), (-8.0, 0), (8.0, 1)])
def test_output_saturation_marks_the_deltas_of_both_costs(z_L, y):
    fig, caption = plots.output_saturation(z_L, y)
    z, a, yy = np.array([[z_L]]), sigmoid(np.array([[z_L]])), np.array([[float(y)]])
    dq = float(QuadraticCost.delta(z, a, yy)[0, 0])
    dx = float(CrossEntropyCost.delta(z, a, yy)[0, 0])
    bottom = fig.axes[1]
    dots = [ln for ln in bottom.get_lines() if ln.get_marker() == "o"]
    assert [float(d.get_ydata()[0]) for d in dots] == pytest.approx([dq, dx], rel=1e-12)
    assert f"{dq:+.2e}" in caption and f"{dx:+.2e}" in caption
    assert _size(fig) == (900, 500)


def _size(fig):
    return tuple(int(round(v)) for v in fig.get_size_inches() * fig.dpi)


def test_output_saturation_quadratic_stalls_where_the_output_is_wrong_and_flat():
    _, caption = plots.output_saturation(-6.0, 1)
    ratio = float(re.search(r"cross-entropy/quadratic = ([\d.e+]+)", caption).group(1))
    assert ratio > 100  # sigma'(-6) ~ 0.0025: the quadratic cost barely moves


@pytest.mark.parametrize("kwargs, name", [({"y": 2}, "y"), ({"y": 0.5}, "y"),
                                          ({"z_L": 100.0}, "z_L")])
def test_output_saturation_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        plots.output_saturation(**kwargs)


def _rows():
    rows = []
    for h, t_bp, t_fd, extra in [(4, 1e-4, 2e-3, False), (16, 1.2e-4, 8e-3, False),
                                 (64, 2e-4, 4e-2, True)]:
        p = 16 * h + h + h * 4 + 4
        rows.append(TimingRow(h, p, t_bp, t_fd, t_fd / t_bp, 2 * p, 50 if extra else p, extra))
    return rows


def test_backprop_speed_draws_the_timings_log_log():
    rows = _rows()
    fig = plots.backprop_speed(rows)
    left, right = fig.axes
    assert left.get_xscale() == left.get_yscale() == "log"
    assert right.get_xscale() == right.get_yscale() == "log"
    lines = {ln.get_label(): ln for ln in left.get_lines()}
    fd = lines["finite differences\n(2P forward passes)"]
    np.testing.assert_allclose(fd.get_xdata(), [r.n_params for r in rows])
    np.testing.assert_allclose(fd.get_ydata(), [r.seconds_fd for r in rows])
    ratio = right.get_lines()[0]
    np.testing.assert_allclose(ratio.get_ydata(), [r.ratio for r in rows])
    # the extrapolated row is drawn with an open (white-filled) marker
    open_markers = [ln for ln in left.get_lines() if ln.get_markerfacecolor() == "white"]
    assert len(open_markers) == 2 and all(len(ln.get_xdata()) == 1 for ln in open_markers)


def test_backprop_speed_needs_rows():
    with pytest.raises(ValueError, match="rows"):
        plots.backprop_speed([])


def test_gradient_cost_figure_fits_the_slopes_it_prints():
    from lecture5 import experiments
    rows = experiments.gradient_costs(hidden_widths=(4, 64, 1024))
    fig, caption = plots.gradient_cost_figure(rows)
    left, right = fig.axes
    assert left.get_xscale() == left.get_yscale() == "log"
    P = [r.n_params for r in rows]
    fd = experiments.loglog_slope(P, [r.fd_multiplications for r in rows])
    bp = experiments.loglog_slope(P, [r.bp_multiplications for r in rows])
    assert f"finite differences {fd:.2f}, backprop {bp:.2f}" in caption
    fd_points = [r.fd_multiplications for r in rows]
    np.testing.assert_allclose(left.get_lines()[0].get_ydata(), fd_points)
    assert f"{rows[-1].ratio:.0f} times" in caption
    assert _size(fig) == (900, 500)
    with pytest.raises(ValueError, match="rows"):
        plots.gradient_cost_figure(rows[:1])


def test_delta_norms_figure_draws_one_line_per_seed_and_the_range():
    from lecture5 import experiments
    r = experiments.delta_norms(sizes=(784, 8, 8, 10), seeds=(0, 1), n_examples=20)
    fig, caption = plots.delta_norms_figure(r)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), r.norms[1])
    assert f"between {r.ratios.min():.2f} and {r.ratios.max():.2f}" in caption
    assert _size(fig) == (900, 500)
