"""Apps of notebooks 01-03: notation, the Hadamard gate, output saturation."""

from __future__ import annotations

import functools

from .. import experiments, plots
from ._core import (
    FigureApp,
    _toggle,
    figure_app,
    float_slider,
    int_slider,
    log_slider,
)


# ---------------------------------------------------------------- 01-03: notation, Hadamard, BP
def notation_app(net=None, sizes=(3, 4, 2)) -> FigureApp:
    """Choose l, j, k and see the weight w^l_jk highlighted in the drawn network (eqs (1)-(4)).

    The ranges of j (neurons of layer l) and k (neurons of layer l-1) follow the chosen layer.
    With ``net`` the caption also shows that network's value of w^l_jk.
    """
    if net is not None:
        sizes = net.sizes
    plots.network_diagram(2, 1, 1, sizes=sizes, net=net)  # validates sizes early
    sizes = list(sizes)
    L = len(sizes)
    layer = int_slider("layer l", min(3, L), 2, L)
    j = int_slider("neuron j (layer l)", 1, 1, sizes[layer.value - 1])
    k = int_slider("neuron k (layer l−1)", min(2, sizes[layer.value - 2]), 1,
                   sizes[layer.value - 2])

    def follow_layer(change):  # registered before the app's own observer, so it runs first
        j.max = sizes[change["new"] - 1]
        k.max = sizes[change["new"] - 2]

    layer.observe(follow_layer, names="value")
    builder = functools.partial(plots.network_diagram, sizes=sizes, net=net)
    app = FigureApp(builder, {"layer": layer, "j": j, "k": k},
                    title="Which weight is <i>w</i><sup>l</sup><sub>jk</sub>? "
                          "Move l, j and k.")
    app.add_class("lecture5-notation-app")
    return app


def hadamard_gate_app(weight_scale=1.0) -> FigureApp:
    """BP2's Hadamard product as a gate: scale the first-layer weights, watch sigma'(z^2) close."""
    s = log_slider("weights w² ×", weight_scale, -1.3, 1.5)
    s.add_class("lecture5-weight-scale")
    return figure_app(functools.partial(plots.hadamard_gate, experiments.gate_example()),
                      title="BP2 as a gate: scale the first-layer weights w²", weight_scale=s)


def saturation_app(z_L=-4.0, y=1) -> FigureApp:
    """The output error delta^L of the quadratic cost (13) vs cross-entropy as z^L moves."""
    z = float_slider("weighted input zᴸ", z_L, -8.0, 8.0, 0.1)
    z.add_class("lecture5-zL")
    return figure_app(plots.output_saturation,
                      title="Saturated output: quadratic cost vs cross-entropy",
                      z_L=z, y=_toggle("target y", [0, 1], y))
