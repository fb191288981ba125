"""Figures of notebooks 01-02: the notation of a network (eqs (1)-(4)) and the Hadamard
product (9), as a picture and as BP2's gate.

Numbering: the backprop slides' (Nielsen's), input = layer 1, output = layer L, so
net.weights[i] is w^{i+2}; the first slides' W^(i+1) is the same matrix (input = layer 0).
"""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
from matplotlib.patches import Circle

from .. import _validate
from ..activations import sigmoid
from ..backprop import bp2, feedforward_trace, hadamard
from . import draw
from ._render import updatable
from ._style import (
    BLUE,
    FIGSIZE,
    GREEN,
    GREY,
    GREY_800,
    ORANGE,
    RED,
    app_projection,
    new_figure,
    styled,
)

__all__ = ["network_diagram", "hadamard_pictures", "hadamard_gate"]


_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_SUB = str.maketrans("0123456789()", "₀₁₂₃₄₅₆₇₈₉₍₎")


def _sup(*parts):
    """Plain-text superscript (captions are escaped text, no HTML): _sup(3) is "³"."""
    return "".join(str(p) for p in parts).translate(_SUP)


def _sub(*parts):
    """Plain-text subscript: _sub(2, 1) is "₂₁"."""
    return "".join(str(p) for p in parts).translate(_SUB)


def _check_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths like [3, 4, 2], got {sizes!r}")
    sizes = [_validate.integer(f"sizes[{i}]", s, low=1, high=5) for i, s in enumerate(sizes)]
    if not 2 <= len(sizes) <= 4:
        raise ValueError(f"sizes must list 2 to 4 layers (to fit the drawing), got {sizes}")
    return sizes


def _check_weight(sizes, layer, j, k):
    """``layer``, ``j``, ``k`` as integers if w^layer_jk is a weight of a network of ``sizes``."""
    layer = _validate.integer("layer", layer, low=2, high=len(sizes))
    j = _validate.integer("j", j, low=1, high=sizes[layer - 1])
    return layer, j, _validate.integer("k", k, low=1, high=sizes[layer - 2])


@styled
def network_diagram(layer=3, j=1, k=2, sizes=(3, 4, 2), net=None):
    """A small network drawn with its notation, one weight w^l_jk highlighted (l = ``layer``).

    Eqs (1)-(4): neuron j of layer l computes z^l_j = sum_k w^l_jk a^{l-1}_k + b^l_j and
    a^l_j = sigma(z^l_j).  The highlighted edge is w^l_jk, from neuron k of layer l-1 to neuron j
    of layer l (Nielsen's numbering, input = layer 1).  Under each layer both numberings of the
    slides are written: a^l (input = layer 1) and x^(l-1) (the first slides, input = layer 0).
    Above each weight matrix: its place in the code, ``net.weights[l-2]``, and its shape.

    If ``net`` is given, its sizes are drawn and its value of w^l_jk goes into the caption.
    Returns ``(fig, caption)``.
    """
    if net is not None:
        sizes = net.sizes
    sizes = _check_sizes(sizes)
    L = len(sizes)
    _check_weight(sizes, layer, j, k)
    fig, ax = new_figure(figsize=FIGSIZE)
    f = mpl.rcParams["font.size"] / 12.0  # > 1 in projection mode: bigger circles, more room
    # in an app on a projector the figure is wide and short: layers further apart, the labels
    # of the weight matrices beside the layer names, one-line labels under the drawing and the
    # equation of z to the left, so the drawing keeps its size in a short figure
    wide = app_projection()
    dx, r = (5.0 if wide else 4.0), min(0.3 * f, 0.42)
    top = (max(sizes) - 1) / 2
    row1 = -top - (0.6 if wide else 0.8)
    row2 = row1 - (0.65 if wide else 0.9 * f)
    matrix_y = top + 0.45 if wide else top + 0.45 + 0.6 * f

    def pos(lay, neuron):  # layer 1..L, neuron 1..d_l, neuron 1 on top
        return (lay - 1) * dx, (sizes[lay - 1] - 1) / 2 - (neuron - 1)

    edges = {}  # (l, j, k): the line of w^l_jk
    for lay in range(2, L + 1):
        for jj in range(1, sizes[lay - 1] + 1):
            for kk in range(1, sizes[lay - 2] + 1):
                (x0, y0), (x1, y1) = pos(lay - 1, kk), pos(lay, jj)
                edges[lay, jj, kk], = ax.plot([x0 + r, x1 - r], [y0, y1])
        ax.text((lay - 1.5) * dx, matrix_y,
                f"net.weights[{lay - 2}]\n$w^{{{lay}}} = W^{{({lay - 1})}}$,  "
                f"{sizes[lay - 1]}×{sizes[lay - 2]}",
                ha="center", va="bottom", fontsize="small", color="#333")

    neurons, names = {}, []  # (l, n): the circle of neuron n of layer l; their names
    for lay in range(1, L + 1):
        for n in range(1, sizes[lay - 1] + 1):
            x, y = pos(lay, n)
            neurons[lay, n] = ax.add_patch(Circle((x, y), r, zorder=4))
            names.append(ax.text(x, y, f"$a^{{{lay}}}_{{{n}}}$", ha="center", va="center",
                                 fontsize="medium", zorder=5))
        x = (lay - 1) * dx
        role = "input" if lay == 1 else ("output" if lay == L else "hidden")
        ax.text(x, top + 0.45, role, ha="center", va="bottom", fontsize="medium",
                style="italic", color="#555")
        ax.text(x, row1, f"layer {lay}:  $\\mathbf{{a}}^{{{lay}}}$", ha="center", va="top",
                fontsize="medium")
        ax.text(x, row2, f"layer {lay - 1}:  $\\mathbf{{x}}^{{({lay - 1})}}$",
                ha="center", va="top", fontsize="medium", color=BLUE)

    left = -0.55 * dx
    ax.text(left, row1, "backprop slides:" if wide else "backprop slides\n(input = layer 1)",
            ha="right", va="top", fontsize="small")
    ax.text(left, row2, "first slides:" if wide else "first slides\n(input = layer 0)",
            ha="right", va="top", fontsize="small", color=BLUE)

    weight = ax.text(0.0, 0.0, "", va="bottom", fontsize="x-large", color=RED, zorder=6,
                     bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": RED, "lw": 0.8})
    neuron = ax.text(0.0, 0.0, "", ha="left", va="center", fontsize="medium", color=RED, zorder=6,
                     bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.9})
    # on a projector the equation of z stands left of the drawing, under a one-line title
    equation = ax.text(left, 0.3 * top, "", ha="right", va="center", fontsize="medium")
    if wide:
        ax.set_xlim(left - 4.6, (L - 1) * dx + 2.1)
        ax.set_ylim(row2 - 0.55, matrix_y + 0.95)
    else:
        ax.set_xlim(left - 2.4, (L - 1) * dx + 1.4)
        ax.set_ylim(row2 - 0.8 * f, top + 0.45 + 1.7 * f)
    ax.set_aspect("equal")
    ax.axis("off")
    title = ax.set_title("")  # changed by set_text: set_title would reset where it sits
    shown = {}

    def show(layer=None, j=None, k=None):
        """Highlight w^l_jk (l = ``layer``; a value not given stays as shown): its edge, its two
        neurons, its labels and the title.  Returns the caption."""
        hl, j, k = _check_weight(sizes, *(shown[name] if value is None else value
                                          for name, value in zip("ljk", (layer, j, k))))
        shown.update(l=hl, j=j, k=k)
        for key, edge in edges.items():
            hot = key == (hl, j, k)
            edge.set(color=RED if hot else GREY, lw=3.5 if hot else 0.9,
                     alpha=1.0 if hot else 0.55, zorder=3 if hot else 1)
        for key, circle in neurons.items():
            hot = key in ((hl, j), (hl - 1, k))
            circle.set(facecolor="#ffebee" if hot else "white",
                       edgecolor=RED if hot else GREY_800, lw=2.2 if hot else 1.4)
        (x0, y0), (x1, y1) = pos(hl - 1, k), pos(hl, j)
        # The label sits above the middle of the edge, on the side the edge climbs away from
        # (up-left of a rising edge, up-right of a falling one), so neither the red edge nor a
        # neuron's circle runs into it; its opaque rounded box hides the grey edges crossing it.
        rising = y1 > y0
        t = 0.7 if rising else 0.3
        gap = 0.18 * f
        weight.set(x=x0 + t * (x1 - x0) + (-gap if rising else gap), y=y0 + t * (y1 - y0) + gap,
                   text=f"$w^{{{hl}}}_{{{j}{k}}}$", ha="right" if rising else "left")
        neuron.set(x=x1 + r + 0.15, y=y1, text=f"$b^{{{hl}}}_{{{j}}}$, $z^{{{hl}}}_{{{j}}}$")
        links = (f"$w^{{{hl}}}_{{{j}{k}}}$ links neuron k = {k} of layer {hl - 1} to "
                 f"neuron j = {j} of layer {hl}")
        z = (f"$z^{{{hl}}}_{{{j}}} = \\sum_k w^{{{hl}}}_{{{j}k}}\\, a^{{{hl - 1}}}_k + "
             f"b^{{{hl}}}_{{{j}}}$")
        title.set_text(links if wide else f"{links}\n{z}")
        equation.set_text(z if wide else "")
        caption = (f"w{_sup(hl)}{_sub(j, k)} = net.weights[{hl - 2}][{j - 1}, {k - 1}] "
                   f"(row j−1, column k−1) = W{_sup(f'({hl - 1})')}{_sub(j, k)} in the first "
                   "slides' numbering")
        if net is not None:
            caption += f"; its value here: {float(net.weights[hl - 2][j - 1, k - 1]):.4f}"
        return caption

    caption = show(layer, j, k)
    changing = [*edges.values(), *neurons.values(), *names, weight, neuron, title, equation]
    return updatable(fig, show, changing), caption


@styled
def hadamard_pictures(s=(1.0, 2.0, 3.0), t=(4.0, 5.0, 6.0)):
    """Eq (9) as pictures: diag(s) t = s (.) t, and numpy's broadcasting pitfall.

    Top row: the matrix diag(s) times the column t equals the Hadamard product s (.) t (computed
    with :func:`lecture5.hadamard`).  Bottom row: with s as a column (n, 1) and t as a row (1, n)
    numpy's ``*`` silently broadcasts to an n x n matrix (an outer product), which is not eq (9);
    ``hadamard`` refuses those shapes.
    """
    s = _validate.as_matrix("s", np.reshape(np.asarray(s, dtype=float), (-1, 1)))
    t = _validate.as_matrix("t", np.reshape(np.asarray(t, dtype=float), (-1, 1)), rows=s.shape[0])
    n = s.shape[0]
    if n > 6:
        raise ValueError(f"s and t must have at most 6 entries to be drawn, got {n}")
    fig, ax = new_figure(figsize=FIGSIZE)
    y1, y2 = 0.0, -n - 2.2

    def sign(x, y, text):
        ax.text(x + 0.6, y - n / 2, text, ha="center", va="center", fontsize="xx-large")
        return x + 1.2

    x = draw.matrix(ax, np.diag(s[:, 0]), 0.0, y1, r"diag($\mathbf{s}$)", dim_zeros=True)
    x = sign(x, y1, "@")
    x = draw.matrix(ax, t, x, y1, r"$\mathbf{t}$", color="#fff3e0")
    x = sign(x, y1, "=")
    draw.matrix(ax, hadamard(s, t), x, y1, r"$\mathbf{s}\odot\mathbf{t}$", color="#e8f5e9")

    x = draw.matrix(ax, s, 0.0, y2, f"s, shape ({n}, 1)")
    x = sign(x, y2, "*")
    x = draw.matrix(ax, t.T, x, y2 + 1 - (n + 1) / 2, f"t.T, shape (1, {n})",
                    color="#fff3e0")
    x = sign(x, y2, "=")
    draw.matrix(ax, s * t.T, x, y2, f"a {n}×{n} outer product", color="#ffebee")
    ax.text(x + n + 0.5, y2 - n / 2, "not eq (9):\nnumpy broadcasts\nthe shapes:\nno error",
            ha="left", va="center", fontsize="medium", color=RED)
    ax.text(x + n + 0.5, y1 - n / 2, "eq (9): entry by\nentry, the same as\nmultiplying by\n"
            "a diagonal matrix", ha="left", va="center", fontsize="medium", color=GREEN)
    ax.set_xlim(-0.3, x + n + 5.2)
    ax.set_ylim(y2 - n - 0.4, y1 + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(r"Top: $\mathrm{diag}(\mathbf{s})\,\mathbf{t} = \mathbf{s}\odot\mathbf{t}$"
                 "\nBottom: a column times a row broadcasts, silently")
    return fig


#: the weight scales of :func:`lecture5.widgets.hadamard_gate_app`'s slider, 10**-1.3 .. 10**1.5:
#: the bars of :func:`hadamard_gate` get limits that hold the error arriving at all of them
GATE_SCALES = np.logspace(-1.3, 1.5, 57)


@styled
def hadamard_gate(example, weight_scale=1.0):
    """BP2's Hadamard product as a gate: delta^2 = ((w^3)^T delta^3) (.) sigma'(z^2).

    ``example`` is ``(net, x, y)``: a network with its cost, one input column x and its target y
    (:func:`lecture5.experiments.gate_example`: a fixed [4, 6, 3] network, quadratic cost,
    sigmoid).  The first-layer weights
    w^2 are multiplied by ``weight_scale``.  Large weights push |z^2_j| up, sigma'(z^2_j) towards 0
    and so shut the gate: the error that reaches the hidden layer, (w^3)^T delta^3, is multiplied
    neuron by neuron by sigma'(z^2) and delta^2 shrinks.  The arriving and the product panels
    have limits that hold the arriving error at every scale of the app's slider
    (:data:`GATE_SCALES`), so the bars keep their scale while it moves.  Returns ``(fig, caption)``.
    """
    weight_scale = _check_scale(weight_scale)
    arriving = max(_largest_arriving(example, s) for s in GATE_SCALES)
    n = example[0].weights[0].shape[0]
    fig, axes = new_figure(1, 3, figsize=FIGSIZE)
    idx = np.arange(1, n + 1)
    span = _gate_span(arriving, _largest_arriving(example, weight_scale))
    panels = [
        (BLUE, "error arriving\n" r"$((w^3)^T\delta^3)_j$", (-span, span)),
        (ORANGE, "the gate\n" r"$\sigma'(z^2_j)$", (0.0, 0.27)),
        (RED, "product " r"$\delta^2_j$" "\n(dashed: arriving)", (-span, span)),
    ]
    bars, lines = [], []
    for ax, (color, title, ylim) in zip(axes, panels):
        bars.append(ax.bar(idx, np.zeros(n), color=color, width=0.65).patches)
        lines.append(ax.axhline(0.0, color="black", lw=0.8))
        ax.set_ylim(*ylim)
        ax.set_xticks(idx)
        ax.set_xlabel("hidden neuron $j$")
        ax.set_title(title)
        ax.set_axisbelow(True)  # the grid behind the bars: a frame redraws only bars and lines
    lines.append(axes[1].axhline(0.25, color="black", ls="--", lw=1))
    quarter = axes[1].text(n + 0.4, 0.252, "max 1/4", ha="right", va="bottom", fontsize="small")
    bars.append(axes[2].bar(idx, np.zeros(n), width=0.65, fill=False, edgecolor=BLUE, ls="--",
                            lw=1.2).patches)
    title = fig.suptitle("")

    def show(weight_scale):
        """Draw the bars for the weights w^2 x ``weight_scale``: the caption, or None if the
        bars need other limits (a scale whose arriving error is larger than the slider's)."""
        weight_scale = _check_scale(weight_scale)
        zs, incoming, gate, delta = _gate_factors(example, weight_scale)
        if _gate_span(arriving, float(np.max(np.abs(incoming)))) != span:
            return None
        for patches, vals in zip(bars, (incoming, gate, delta, incoming)):
            for patch, v in zip(patches, vals[:, 0]):
                patch.set_height(v)
        title.set_text(f"BP2 entry by entry: $\\delta^2 = ((w^3)^T\\delta^3)\\odot\\sigma'(z^2)$"
                       f"\nfirst-layer weights $w^2$ × {weight_scale:.3g}")
        z_max = float(np.max(np.abs(zs[0])))
        return (f"weights x {weight_scale:.3g}: largest |z^2_j| = {z_max:.2f},"
                f" largest sigma'(z^2_j) = {float(np.max(gate)):.3g}, "
                f"|delta^2| / |(w^3)^T delta^3| = "
                f"{float(np.linalg.norm(delta) / max(np.linalg.norm(incoming), 1e-300)):.3f}")

    caption = show(weight_scale)
    # what a full draw puts over the bars (the lines, the frame) is redrawn over them
    frame = [s for ax in axes for s in ax.spines.values() if s.get_visible()]
    changing = [p for patches in bars for p in patches] + lines + frame + [quarter, title]
    return updatable(fig, show, changing), caption


def _gate_factors(example, weight_scale):
    """BP2's factors for the first-layer weights x ``weight_scale``: z's, (w^3)^T delta^3,
    sigma'(z^2) and delta^2."""
    net, x, y = example
    weights = [net.weights[0] * weight_scale, *net.weights[1:]]
    zs, activations = feedforward_trace(weights, net.biases, x)
    delta_L = net.cost.delta(zs[-1], activations[-1], y)  # BP1, eq (13)
    incoming = weights[1].T @ delta_L
    return zs, incoming, sigmoid.prime(zs[0]), bp2(weights[1], delta_L, zs[0])  # BP2


def _check_scale(weight_scale):
    return _validate.number("weight_scale", weight_scale, low=0.0, low_open=True, high=1e3)


def _largest_arriving(example, weight_scale):
    """The largest |((w^3)^T delta^3)_j| for the first-layer weights x ``weight_scale``."""
    return float(np.max(np.abs(_gate_factors(example, weight_scale)[1])))


def _gate_span(*largest):
    """Half the height of the arriving and product panels: the largest of the ``largest``
    arriving errors and 15 % more, rounded up to two digits (so that a scale a little off
    :data:`GATE_SCALES`, as a slider's readout rounds it, keeps the limits)."""
    span = 1.15 * max(*largest, 1e-12)
    unit = 10.0 ** (math.floor(math.log10(span)) - 1)
    return math.ceil(span / unit) * unit
