"""Figure builders of notebooks 01-03: the numbers drawn are the package's numbers.

Numbering: Nielsen's (input = layer 1); ``net.weights[i]`` is w^{i+2}.
"""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from lecture5 import CrossEntropyCost, Network, QuadraticCost, bp2, hadamard, plots, sigmoid
from lecture5.backprop import feedforward_trace
from lecture5.gradcheck import TimingRow


def _size(fig):
    return tuple(int(round(v)) for v in fig.get_size_inches() * fig.dpi)


def _red_thick_lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_linewidth() > 3]


# ---------------------------------------------------------------- network_diagram (notebook 01)


def test_network_diagram_highlights_the_edge_from_k_in_l_minus_1_to_j_in_l():
    fig, caption = plots.network_diagram(layer=3, j=1, k=2, sizes=(3, 4, 2))
    assert isinstance(fig, Figure) and _size(fig) == (900, 500)
    ax = fig.axes[0]
    (edge,) = _red_thick_lines(ax)
    (x0, x1), (y0, y1) = edge.get_xdata(), edge.get_ydata()
    # layer 2 (4 neurons, centred) neuron k = 2 sits at y = 0.5; layer 3 neuron j = 1 at y = 0.5
    assert x0 < x1 and y0 == pytest.approx(0.5) and y1 == pytest.approx(0.5)
    # every other edge is thin: 3*4 + 4*2 edges in all
    assert len(ax.get_lines()) == 3 * 4 + 4 * 2
    assert "net.weights[1][0, 1]" in caption and "W⁽²⁾₁₂" in caption and caption.startswith("w³₁₂")
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "w^{3}_{12}" in texts and "net.weights[0]" in texts and "net.weights[1]" in texts


def test_network_diagram_caption_shows_the_value_of_that_weight():
    net = Network([3, 4, 2], seed=0)
    _, caption = plots.network_diagram(layer=2, j=4, k=3, net=net)
    value = float(re.search(r"its value here: (-?\d+\.\d+)", caption).group(1))
    assert value == pytest.approx(net.weights[0][3, 2], abs=5e-5)
    assert "net.weights[0][3, 2]" in caption


def test_network_diagram_changes_with_the_chosen_weight():
    a = plots.to_png(plots.network_diagram(3, 1, 2)[0])
    b = plots.to_png(plots.network_diagram(3, 2, 2)[0])
    assert a != b


@pytest.mark.parametrize("kwargs, name", [
    ({"layer": 1}, "layer"), ({"layer": 4}, "layer"), ({"layer": 3, "j": 3}, "j"),
    ({"layer": 2, "k": 4}, "k"), ({"layer": 2, "j": 0}, "j"),
])
def test_network_diagram_rejects_indices_outside_the_network(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must be"):
        plots.network_diagram(**kwargs)


def test_network_diagram_rejects_networks_too_big_to_draw():
    with pytest.raises(ValueError, match="sizes"):
        plots.network_diagram(sizes=[3, 9, 2])
    with pytest.raises(ValueError, match="sizes"):
        plots.network_diagram(sizes=[2, 2, 2, 2, 2])
    with pytest.raises(TypeError, match="sizes"):
        plots.network_diagram(sizes="342")


# ---------------------------------------------------------------- Hadamard (notebook 02)


def test_hadamard_pictures_write_the_hadamard_and_the_outer_product():
    s, t = np.array([1.0, -2.0, 0.5]), np.array([3.0, 4.0, 2.0])
    fig = plots.hadamard_pictures(s, t)
    numbers = [t_.get_text() for t_ in fig.axes[0].texts]
    for v in hadamard(s, t):  # s (.) t
        assert f"{v:.3g}" in numbers
    assert f"{s[1] * t[2]:.3g}" in numbers  # an off-diagonal entry of the outer product
    assert "a 3×3 outer product" in numbers


def test_hadamard_pictures_reject_vectors_of_different_lengths():
    with pytest.raises(ValueError, match="t must have shape"):
        plots.hadamard_pictures([1.0, 2.0], [1.0, 2.0, 3.0])


def _gate_numbers(scale):
    net = Network([4, 6, 3], seed=3)
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(4, 1)), np.array([[1.0], [0.0], [0.0]])
    weights = [net.weights[0] * scale, net.weights[1]]
    zs, acts = feedforward_trace(weights, net.biases, x)
    delta_L = QuadraticCost.delta(zs[-1], acts[-1], y)
    return weights[1].T @ delta_L, sigmoid.prime(zs[0]), bp2(weights[1], delta_L, zs[0])


@pytest.mark.parametrize("scale", [0.05, 1.0, 10.0])
def test_hadamard_gate_bars_are_bp2(scale):
    fig, caption = plots.hadamard_gate(scale)
    incoming, gate, delta = _gate_numbers(scale)
    heights = [[p.get_height() for p in ax.patches] for ax in fig.axes]
    np.testing.assert_allclose(heights[0], incoming[:, 0], rtol=1e-12)
    np.testing.assert_allclose(heights[1], gate[:, 0], rtol=1e-12)
    # the third panel: the product (filled) and the incoming error again (dashed outline)
    np.testing.assert_allclose(heights[2][:6], delta[:, 0], rtol=1e-12)
    np.testing.assert_allclose(heights[2][:6], incoming[:, 0] * gate[:, 0], rtol=1e-12)
    assert f"weights x {scale:.3g}" in caption


def test_hadamard_gate_closes_as_the_weights_grow():
    def ratio(scale):
        return float(re.search(r"= (\d\.\d+)$", plots.hadamard_gate(scale)[1]).group(1))

    assert ratio(0.05) > ratio(1.0) > ratio(10.0)
    assert ratio(0.05) <= 0.25  # sigma' <= 1/4, so delta^2 is at most a quarter of what arrives


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), 1e6])
def test_hadamard_gate_rejects_bad_scales(bad):
    with pytest.raises(ValueError, match="weight_scale"):
        plots.hadamard_gate(bad)


# ---------------------------------------------------------------- notebook 03


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
