"""plots.notation: the network diagram (eqs (1)-(4)) and the Hadamard product (9) as pictures
and as BP2's gate.  Numbering: Nielsen's (input = layer 1)."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from lecture5 import Network, QuadraticCost, bp2, experiments, hadamard, plots, sigmoid
from lecture5.backprop import feedforward_trace


def _size(fig):
    return tuple(int(round(v)) for v in fig.get_size_inches() * fig.dpi)


def _red_thick_lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_linewidth() > 3]


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
    fig, caption = plots.hadamard_gate(experiments.gate_example(), scale)
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
        caption = plots.hadamard_gate(experiments.gate_example(), scale)[1]
        return float(re.search(r"= (\d\.\d+)$", caption).group(1))

    assert ratio(0.05) > ratio(1.0) > ratio(10.0)
    assert ratio(0.05) <= 0.25  # sigma' <= 1/4, so delta^2 is at most a quarter of what arrives


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), 1e6])
def test_hadamard_gate_rejects_bad_scales(bad):
    with pytest.raises(ValueError, match="weight_scale"):
        plots.hadamard_gate(experiments.gate_example(), bad)
