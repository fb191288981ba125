"""Figure builders: parameters in, a matplotlib ``Figure`` out.  No maths and no widgets here.

Every builder computes its numbers by calling the package's maths modules, then draws.  Figures are
made with :class:`matplotlib.figure.Figure` directly (not through pyplot), so building one never
displays it by accident and nothing accumulates in pyplot's figure registry while a slider moves: a
notebook shows a figure by making it the last expression of a cell, a widget by ``display``-ing it
inside an ``Output``.

Sizes are fixed (``FIGSIZE``, ``DPI``) so that saved notebooks compare equal under nbval.  Call
:func:`projection_mode` once to make fonts and lines larger for a projector.
"""

from __future__ import annotations

import functools
import io

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = ["FIGSIZE", "DPI", "projection_mode", "style", "new_figure", "styled", "to_png"]

#: default size in inches of a one-panel figure, and its resolution
FIGSIZE = (9.0, 5.0)
DPI = 100

_PROJECTION = {"on": False}

_BASE_STYLE = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 11,
    "lines.linewidth": 2.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

_PROJECTION_STYLE = {
    "font.size": 17,
    "axes.titlesize": 19,
    "axes.labelsize": 18,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "lines.linewidth": 3.2,
    "lines.markersize": 9,
}


def projection_mode(on: bool = True) -> None:
    """Make every figure built from now on use large fonts and thick lines (for a projector)."""
    _PROJECTION["on"] = bool(on)


def style() -> dict:
    """The rcParams used by the builders (larger when :func:`projection_mode` is on)."""
    s = dict(_BASE_STYLE)
    if _PROJECTION["on"]:
        s.update(_PROJECTION_STYLE)
    return s


def styled(builder):
    """Decorator: run a figure builder inside the package's style."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(style()):
            return builder(*args, **kwargs)

    return wrapper


def new_figure(nrows: int = 1, ncols: int = 1, figsize=None, **subplot_kw):
    """A ``(fig, axes)`` pair like ``plt.subplots`` but outside pyplot, with layout handled.

    The default size grows with the number of panels; call inside a :func:`styled` builder.
    """
    if figsize is None:
        figsize = (FIGSIZE[0], FIGSIZE[1] * (0.8 + 0.55 * (nrows - 1)))
        if ncols > 2:
            figsize = (FIGSIZE[0] * 1.2, figsize[1])
    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def to_png(fig) -> bytes:
    """The figure rendered as PNG bytes (what a browser shows)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


# ============================================================================ builders by topic
# Each notebook's builders live in its own section below; add new builders inside your section.

# --- 01-03: notation, Hadamard product, backpropagation -------------------------------------
# Numbering in this section: the backprop slides' (Nielsen's), input = layer 1, output = layer L,
# so net.weights[i] is w^{i+2}; the first slides' W^(i+1) is the same matrix (input = layer 0).

import numpy as np  # noqa: E402
from matplotlib.patches import Circle, Rectangle  # noqa: E402

from . import _validate  # noqa: E402
from .activations import sigmoid  # noqa: E402
from .backprop import bp2, feedforward_trace, hadamard  # noqa: E402
from .costs import CrossEntropyCost, QuadraticCost  # noqa: E402
from .network import Network  # noqa: E402

_RED = "#c62828"
_BLUE = "#1565c0"
_ORANGE = "#ef6c00"
_GREY = "#9e9e9e"


_SUP01 = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_SUB01 = str.maketrans("0123456789()", "₀₁₂₃₄₅₆₇₈₉₍₎")


def _sup01(*parts):
    """Plain-text superscript (captions are escaped text, no HTML): _sup01(3) is "³"."""
    return "".join(str(p) for p in parts).translate(_SUP01)


def _sub01(*parts):
    """Plain-text subscript: _sub01(2, 1) is "₂₁"."""
    return "".join(str(p) for p in parts).translate(_SUB01)


def _check_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths like [3, 4, 2], got {sizes!r}")
    sizes = [_validate.integer(f"sizes[{i}]", s, low=1, high=5) for i, s in enumerate(sizes)]
    if not 2 <= len(sizes) <= 4:
        raise ValueError(f"sizes must list 2 to 4 layers (to fit the drawing), got {sizes}")
    return sizes


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
    hl = _validate.integer("layer", layer, low=2, high=L)
    j = _validate.integer("j", j, low=1, high=sizes[hl - 1])
    k = _validate.integer("k", k, low=1, high=sizes[hl - 2])

    fig, ax = new_figure(figsize=FIGSIZE)
    f = mpl.rcParams["font.size"] / 12.0  # > 1 in projection mode: bigger circles, more room
    dx, r = 4.0, min(0.3 * f, 0.42)
    top = (max(sizes) - 1) / 2
    row1, row2 = -top - 0.8, -top - 0.8 - 0.9 * f

    def pos(lay, neuron):  # layer 1..L, neuron 1..d_l, neuron 1 on top
        return (lay - 1) * dx, (sizes[lay - 1] - 1) / 2 - (neuron - 1)

    for lay in range(2, L + 1):
        for jj in range(1, sizes[lay - 1] + 1):
            for kk in range(1, sizes[lay - 2] + 1):
                (x0, y0), (x1, y1) = pos(lay - 1, kk), pos(lay, jj)
                hot = (lay, jj, kk) == (hl, j, k)
                ax.plot([x0 + r, x1 - r], [y0, y1], color=_RED if hot else _GREY,
                        lw=3.5 if hot else 0.9, alpha=1.0 if hot else 0.55, zorder=3 if hot else 1)
        ax.text((lay - 1.5) * dx, top + 0.45 + 0.6 * f,
                f"net.weights[{lay - 2}]\n$w^{{{lay}}} = W^{{({lay - 1})}}$,  "
                f"{sizes[lay - 1]}×{sizes[lay - 2]}",
                ha="center", va="bottom", fontsize="small", color="#333")

    for lay in range(1, L + 1):
        for n in range(1, sizes[lay - 1] + 1):
            x, y = pos(lay, n)
            hot = (lay, n) in ((hl, j), (hl - 1, k))
            ax.add_patch(Circle((x, y), r, facecolor="#ffebee" if hot else "white",
                                edgecolor=_RED if hot else "#424242", lw=2.2 if hot else 1.4,
                                zorder=4))
            ax.text(x, y, f"$a^{{{lay}}}_{{{n}}}$", ha="center", va="center", fontsize="medium",
                    zorder=5)
        x = (lay - 1) * dx
        role = "input" if lay == 1 else ("output" if lay == L else "hidden")
        ax.text(x, top + 0.45, role, ha="center", va="bottom", fontsize="medium",
                style="italic", color="#555")
        ax.text(x, row1, f"layer {lay}:  $\\mathbf{{a}}^{{{lay}}}$", ha="center", va="top",
                fontsize="medium")
        ax.text(x, row2, f"layer {lay - 1}:  $\\mathbf{{x}}^{{({lay - 1})}}$",
                ha="center", va="top", fontsize="medium", color=_BLUE)

    left = -0.55 * dx
    ax.text(left, row1, "backprop slides\n(input = layer 1)", ha="right", va="top",
            fontsize="small")
    ax.text(left, row2, "first slides\n(input = layer 0)", ha="right", va="top",
            fontsize="small", color=_BLUE)

    (x0, y0), (x1, y1) = pos(hl - 1, k), pos(hl, j)
    # The label sits above the middle of the edge, on the side the edge climbs away from (up-left
    # of a rising edge, up-right of a falling one), so neither the red edge nor a neuron's circle
    # runs into it; its opaque rounded box hides the grey edges that would cross it.
    rising = y1 > y0
    t = 0.7 if rising else 0.3
    gap = 0.18 * f
    ax.text(x0 + t * (x1 - x0) + (-gap if rising else gap), y0 + t * (y1 - y0) + gap,
            f"$w^{{{hl}}}_{{{j}{k}}}$",
            ha="right" if rising else "left", va="bottom", fontsize="x-large", color=_RED,
            zorder=6, bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": _RED, "lw": 0.8})
    ax.text(x1 + r + 0.15, y1, f"$b^{{{hl}}}_{{{j}}}$, $z^{{{hl}}}_{{{j}}}$", ha="left",
            va="center", fontsize="medium", color=_RED, zorder=6,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.9})

    ax.set_xlim(left - 2.4, (L - 1) * dx + 1.4)
    ax.set_ylim(row2 - 0.8 * f, top + 0.45 + 1.7 * f)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"$w^{{{hl}}}_{{{j}{k}}}$ links neuron k = {k} of layer {hl - 1} to neuron "
                 f"j = {j} of layer {hl}\n"
                 f"$z^{{{hl}}}_{{{j}}} = \\sum_k w^{{{hl}}}_{{{j}k}}\\, a^{{{hl - 1}}}_k + "
                 f"b^{{{hl}}}_{{{j}}}$")
    caption = (f"w{_sup01(hl)}{_sub01(j, k)} = net.weights[{hl - 2}][{j - 1}, {k - 1}] "
               f"(row j−1, column k−1) = W{_sup01(f'({hl - 1})')}{_sub01(j, k)} in the first "
               "slides' numbering")
    if net is not None:
        caption += f"; its value here: {float(net.weights[hl - 2][j - 1, k - 1]):.4f}"
    return fig, caption


def _draw_matrix(ax, M, x, y, label, color="#e3f2fd", dim_zeros=False):
    """Draw the 2-D array M as a grid of numbered cells with its top-left corner at (x, y)."""
    M = np.atleast_2d(M)
    rows, cols = M.shape
    for a in range(rows):
        for b in range(cols):
            v = float(M[a, b])
            faint = dim_zeros and v == 0.0
            ax.add_patch(Rectangle((x + b, y - a - 1), 1, 1, facecolor="white" if faint else color,
                                   edgecolor="#616161", lw=1.0))
            ax.text(x + b + 0.5, y - a - 0.5, f"{v:.3g}", ha="center", va="center",
                    fontsize="medium", color="#bdbdbd" if faint else "black")
    ax.text(x + cols / 2, y + 0.25, label, ha="center", va="bottom", fontsize="medium")
    return x + cols


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

    x = _draw_matrix(ax, np.diag(s[:, 0]), 0.0, y1, r"diag($\mathbf{s}$)", dim_zeros=True)
    x = sign(x, y1, "@")
    x = _draw_matrix(ax, t, x, y1, r"$\mathbf{t}$", color="#fff3e0")
    x = sign(x, y1, "=")
    _draw_matrix(ax, hadamard(s, t), x, y1, r"$\mathbf{s}\odot\mathbf{t}$", color="#e8f5e9")

    x = _draw_matrix(ax, s, 0.0, y2, f"s, shape ({n}, 1)")
    x = sign(x, y2, "*")
    x = _draw_matrix(ax, t.T, x, y2 + 1 - (n + 1) / 2, f"t.T, shape (1, {n})",
                     color="#fff3e0")
    x = sign(x, y2, "=")
    _draw_matrix(ax, s * t.T, x, y2, f"a {n}×{n} outer product", color="#ffebee")
    ax.text(x + n + 0.5, y2 - n / 2, "not eq (9):\nnumpy broadcasts\nthe shapes:\nno error",
            ha="left", va="center", fontsize="medium", color=_RED)
    ax.text(x + n + 0.5, y1 - n / 2, "eq (9): entry by\nentry, the same as\nmultiplying by\n"
            "a diagonal matrix", ha="left", va="center", fontsize="medium", color="#2e7d32")
    ax.set_xlim(-0.3, x + n + 5.2)
    ax.set_ylim(y2 - n - 0.4, y1 + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(r"Top: $\mathrm{diag}(\mathbf{s})\,\mathbf{t} = \mathbf{s}\odot\mathbf{t}$"
                 "\nBottom: a column times a row broadcasts, silently")
    return fig


def _gate_network():
    """The fixed network, input and target used by :func:`hadamard_gate` (seeded)."""
    net = Network([4, 6, 3], seed=3)
    rng = np.random.default_rng(3)
    return net, rng.normal(size=(4, 1)), np.array([[1.0], [0.0], [0.0]])


@styled
def hadamard_gate(weight_scale=1.0):
    """BP2's Hadamard product as a gate: delta^2 = ((w^3)^T delta^3) (.) sigma'(z^2).

    A fixed network [4, 6, 3] (quadratic cost, sigmoid) and one example; the first-layer weights
    w^2 are multiplied by ``weight_scale``.  Large weights push |z^2_j| up, sigma'(z^2_j) towards 0
    and so shut the gate: the error that reaches the hidden layer, (w^3)^T delta^3, is multiplied
    neuron by neuron by sigma'(z^2) and delta^2 shrinks.  Returns ``(fig, caption)``.
    """
    weight_scale = _validate.number("weight_scale", weight_scale, low=0.0, low_open=True,
                                    high=1e3)
    net, x, y = _gate_network()
    weights = [net.weights[0] * weight_scale, *net.weights[1:]]
    zs, activations = feedforward_trace(weights, net.biases, x)
    delta_L = net.cost.delta(zs[-1], activations[-1], y)  # BP1, eq (13)
    incoming = weights[1].T @ delta_L
    gate = sigmoid.prime(zs[0])
    delta = bp2(weights[1], delta_L, zs[0])  # BP2
    fig, axes = new_figure(1, 3, figsize=FIGSIZE)
    idx = np.arange(1, len(gate) + 1)
    span = 1.15 * max(float(np.max(np.abs(incoming))), 1e-12)
    panels = [
        (incoming, _BLUE, "error arriving\n" r"$((w^3)^T\delta^3)_j$", (-span, span)),
        (gate, _ORANGE, "the gate\n" r"$\sigma'(z^2_j)$", (0.0, 0.27)),
        (delta, _RED, "product " r"$\delta^2_j$" "\n(dashed: arriving)", (-span, span)),
    ]
    for ax, (vals, color, title, ylim) in zip(axes, panels):
        ax.bar(idx, vals[:, 0], color=color, width=0.65)
        ax.axhline(0.0, color="black", lw=0.8)
        ax.set_ylim(*ylim)
        ax.set_xticks(idx)
        ax.set_xlabel("hidden neuron $j$")
        ax.set_title(title)
    axes[1].axhline(0.25, color="black", ls="--", lw=1)
    axes[1].text(len(gate) + 0.4, 0.252, "max 1/4", ha="right", va="bottom", fontsize="small")
    axes[2].bar(idx, incoming[:, 0], width=0.65, fill=False, edgecolor=_BLUE, ls="--", lw=1.2)
    fig.suptitle(f"BP2 entry by entry: $\\delta^2 = ((w^3)^T\\delta^3)\\odot\\sigma'(z^2)$"
                 f"\nfirst-layer weights $w^2$ × {weight_scale:.3g}")
    z_max = float(np.max(np.abs(zs[0])))
    caption = (f"weights x {weight_scale:.3g}: largest |z^2_j| = {z_max:.2f},"
               f" largest sigma'(z^2_j) = {float(np.max(gate)):.3g}, "
               f"|delta^2| / |(w^3)^T delta^3| = "
               f"{float(np.linalg.norm(delta) / max(np.linalg.norm(incoming), 1e-300)):.3f}")
    return fig, caption


@styled
def output_saturation(z_L=-4.0, y=1):
    """How sigma'(z^L) slows the quadratic cost when the output saturates (after eq (13)).

    One sigmoid output neuron with target ``y`` (0 or 1).  Top: a^L = sigma(z^L) and the target.
    Bottom: the output error delta^L for the quadratic cost, (a^L - y) sigma'(z^L) (eq (13)), and
    for the cross-entropy cost, a^L - y, with the current ``z_L`` marked.  Far from the target on
    the flat part of the sigmoid the quadratic delta^L is tiny, so the updates (19)/(20) are tiny;
    the cross-entropy delta^L stays as large as the mistake.  Returns ``(fig, caption)``.
    """
    z_L = _validate.number("z_L", z_L, low=-50.0, high=50.0)
    if y not in (0, 1):
        raise ValueError(f"y must be 0 or 1, got {y!r}")
    zz = np.linspace(-8.0, 8.0, 401)
    z_all = np.append(zz, z_L)[None, :]
    a_all = sigmoid(z_all)
    y_all = np.full_like(a_all, float(y))
    quad = QuadraticCost.delta(z_all, a_all, y_all)[0]
    xent = CrossEntropyCost.delta(z_all, a_all, y_all)[0]
    a = float(a_all[0, -1])
    dq, dx = float(quad[-1]), float(xent[-1])

    fig, (top, bottom) = new_figure(2, 1, figsize=FIGSIZE, sharex=True)
    top.plot(zz, a_all[0, :-1], color="black", label=r"output $a^L = \sigma(z^L)$")
    top.axhline(y, color="#2e7d32", ls="--", label=f"target $y = {y}$")
    top.plot([z_L], [a], "o", color=_RED, ms=10, zorder=5)
    top.vlines(z_L, min(a, y), max(a, y), color=_RED, lw=2.5, label=r"mistake $a^L - y$")
    top.set_ylabel("$a^L$")
    top.set_ylim(-0.08, 1.08)
    top.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    bottom.plot(zz, quad[:-1], color=_BLUE, label="quadratic:\n" r"$(a^L-y)\,\sigma'(z^L)$")
    bottom.plot(zz, xent[:-1], color=_ORANGE, label="cross-entropy:\n" r"$a^L - y$")
    bottom.plot([z_L], [dq], "o", color=_BLUE, ms=10, zorder=5)
    bottom.plot([z_L], [dx], "o", color=_ORANGE, ms=10, zorder=5)
    bottom.axhline(0.0, color="black", lw=0.8)
    side = -1 if z_L > 3.0 else 1  # write the values beside the dots, inside the axes
    for value, color in ((dq, _BLUE), (dx, _ORANGE)):
        bottom.annotate(f"{value:+.3f}", (z_L, value), xytext=(side * 10, 6),
                        textcoords="offset points", ha="left" if side > 0 else "right",
                        color=color, fontsize="medium", fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                              "alpha": 0.85})
    bottom.set_ylim(-1.1, 1.1)
    bottom.set_xlim(-8.0, 8.0)
    bottom.set_xlabel("weighted input of the output neuron $z^L$")
    bottom.set_ylabel(r"$\delta^L$")
    bottom.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    top.set_title("Output error $\\delta^L$: quadratic cost (13) vs cross-entropy")
    ratio = abs(dx) / abs(dq) if dq != 0.0 else float("inf")
    caption = (f"z^L = {z_L:.2f}, a^L = {a:.4f}, y = {y}: mistake a^L - y = {a - y:+.4f}; "
               f"delta^L quadratic = {dq:+.2e}, cross-entropy = {dx:+.2e} "
               f"(cross-entropy/quadratic = {ratio:.3g})")
    return fig, caption


@styled
def backprop_speed(rows):
    """Why backpropagation is fast: one gradient by BP1-BP4 vs by finite differences.

    ``rows`` come from :func:`lecture5.gradcheck.time_backprop_vs_finite_differences`.  Left: the
    seconds for one whole gradient against the number of parameters P, log-log; finite
    differences need 2P forward passes, so their time grows about like P, while backprop's one
    forward and one backward pass grow far more slowly.  Right: the ratio of the two times.
    Rows whose finite-difference time was extrapolated are drawn with open markers.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one timing row, got none")
    P = np.array([r.n_params for r in rows], dtype=float)
    t_bp = np.array([r.seconds_backprop for r in rows])
    t_fd = np.array([r.seconds_fd for r in rows])
    extra = np.array([r.extrapolated for r in rows])
    fig, (left, right) = new_figure(1, 2, figsize=FIGSIZE)
    for t, color, label in ((t_fd, _RED, "finite differences\n(2P forward passes)"),
                            (t_bp, _BLUE, "backprop\n(BP1-BP4)")):
        left.loglog(P, t, "-", color=color, label=label)
        left.loglog(P[~extra], t[~extra], "o", color=color)
        if extra.any():
            left.loglog(P[extra], t[extra], "o", mfc="white", color=color)
    left.set_xlabel("number of parameters $P$")
    left.set_ylabel("seconds for one gradient")
    left.set_title("Time for one gradient")
    left.legend(loc="center right", bbox_to_anchor=(1.0, 0.42))
    ratio = t_fd / t_bp
    right.loglog(P, ratio, "o-", color="black", label="measured ratio")
    # a line of slope 1 through the geometric mean of the measured points, for comparison
    c = float(np.exp(np.mean(np.log(ratio) - np.log(P))))
    right.loglog(P, c * P, ":", color=_GREY, label=r"$\propto P$ (slope 1)")
    right.set_xlabel("number of parameters $P$")
    right.set_ylabel("finite differences / backprop")
    right.set_title("Speed-up of backprop")
    right.legend(loc="upper left")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.25)
    return fig

# --- end 01-03 ---

# --- 04-05: gradient descent, SGD, L2 and the Hessian ----------------------------------------
# Figures of notebooks 04 (gradient descent and mini-batch SGD, eqs (27)/(28)) and 05 (L2
# regularization and the Hessian view, eqs (21)-(38)).  The 2-D pictures use the slides' flat
# weight vector w = (w_1, w_2) and the quadratic model of lecture5.hessian; the training curves
# come from Trainer histories (Nielsen's layer numbering, input = layer 1).

import math as _math  # noqa: E402

import numpy as _np  # noqa: E402
from matplotlib.lines import Line2D as _Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter as _FuncFormatter  # noqa: E402
from matplotlib.ticker import MaxNLocator as _MaxNLocator  # noqa: E402
from matplotlib.ticker import NullFormatter as _NullFormatter  # noqa: E402

from . import _validate as _check  # noqa: E402
from . import hessian as _hessian  # noqa: E402

#: colour of each verdict of :func:`lecture5.hessian.step_regime`
REGIME_COLOURS = {"slow": "#78909c", "good": "#2e7d32", "oscillating": "#ef6c00",
                  "diverging": "#c62828"}
_RUN_COLOURS = ("#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f")
_Q_COLOURS = ("#1565c0", "#ef6c00")

#: notebook 04's 2-D quadratic cost: eigenvalues of H, angle of its first eigenvector, the
#: minimum w*, the start w_0 and the number of gradient-descent steps
GD_EIGENVALUES = (5.0, 1.0)
GD_ANGLE = 30.0
GD_W_STAR = (1.0, 0.5)
GD_W0 = (-1.6, 2.0)
GD_STEPS = 30
GD_ETA_RANGE = (1e-3, 1.0)

#: notebook 05's C_0 (the textbook's fig 7.1): flat along w_1 (small D_11), steep along w_2
L2_EIGENVALUES = (0.25, 2.0)
L2_ANGLE = 0.0
L2_W_STAR = (2.0, 1.2)

_COST_FLOOR, _COST_CEILING = 1e-12, 1e4  # y-range of the cost-per-step panel


def _grid_cost(H, w_star, xlim, ylim, num=121):
    """C_0 of eq (31) on a num x num grid: (W1, W2, C)."""
    W1, W2 = _np.meshgrid(_np.linspace(*xlim, num), _np.linspace(*ylim, num))
    C = _hessian.quadratic_cost(_np.stack([W1.ravel(), W2.ravel()]), H, w_star)
    return W1, W2, C.reshape(W1.shape)


def _gd_view(w_star, w0):
    """A square box around w* that holds the start w_0 with a margin: (centre, half-width)."""
    centre = _np.asarray(w_star, dtype=float)
    half = 1.25 * float(_np.abs(_np.asarray(w0, dtype=float) - centre).max())
    return centre, max(half, 1e-6)


def _gd_run(eta, eigenvalues, angle_degrees, w_star, w0, steps):
    """Everything a gradient-descent figure needs, from lecture5.hessian."""
    H, _Q, D = _hessian.hessian_2d(eigenvalues, angle_degrees)
    path = _hessian.gradient_descent(H, w_star, w0, eta, steps)
    regime = _hessian.step_regime(eta, D)
    with _np.errstate(over="ignore", invalid="ignore"):  # a diverging path overflows on purpose
        costs = _hessian.quadratic_cost(path.T, H, _np.asarray(w_star, dtype=float))
    centre, half = _gd_view(w_star, w0)
    finite = _np.isfinite(path).all(axis=1)
    with _np.errstate(invalid="ignore"):
        inside = finite & (_np.abs(path - centre).max(axis=1) <= half)
    left = int(_np.argmin(inside)) if not inside.all() else None  # first step outside the box
    return dict(H=H, D=D, path=path, regime=regime, costs=costs, centre=centre, half=half,
                left_at=left, finite=finite)


def _draw_gd_path(ax, run, w_star, w0, legend=True):
    """Contours of C_0, the path w_0, w_1, ... (cut where it leaves the picture), w* and w_0."""
    centre, half = run["centre"], run["half"]
    xlim = (centre[0] - half, centre[0] + half)
    ylim = (centre[1] - half, centre[1] + half)
    W1, W2, C = _grid_cost(run["H"], w_star, xlim, ylim)
    top = float(C.max())
    levels = top * _np.geomspace(2e-4, 1.0, 12)
    ax.contourf(W1, W2, C, levels=_np.concatenate([[0.0], levels]), cmap="Blues_r", alpha=0.3)
    ax.contour(W1, W2, C, levels=levels, colors="#546e7a", linewidths=0.7)
    path = run["path"]
    # draw up to the first point far outside the picture (the axes clip the rest of the line)
    with _np.errstate(invalid="ignore"):
        near = run["finite"] & (_np.abs(path - centre).max(axis=1) <= 50 * half)
    n = len(path)
    if not near.all():
        n = int(_np.argmin(near))
        if run["finite"][n]:
            n += 1  # one point far beyond the frame shows the direction it flies off in
    shown = _np.clip(path[:n], centre - 50 * half, centre + 50 * half)
    colour = REGIME_COLOURS[run["regime"]]
    ax.plot(shown[:, 0], shown[:, 1], "-o", color=colour, ms=4, lw=1.6, label="path w₀, w₁, …")
    ax.plot(*w0, "s", color="black", ms=8, label="start w₀")
    ax.plot(*w_star, "*", color="gold", mec="black", ms=17, label="minimum w*")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.locator_params(nbins=5)
    ax.grid(False)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    if legend:
        ax.legend(loc="lower right", fontsize=9, framealpha=0.9)
    if run["left_at"] is not None:
        ax.text(0.03, 0.97, f"left the picture at step {run['left_at']}", transform=ax.transAxes,
                va="top", fontsize=10, color=REGIME_COLOURS["diverging"],
                bbox=dict(boxstyle="round", fc="white", ec=REGIME_COLOURS["diverging"]))


def _draw_eta_strip(ax, eta, D, eta_range):
    """A log eta axis coloured by regime, 2/D_max marked, the current eta as a black bar."""
    th = _hessian.step_thresholds(D)
    lo, hi = eta_range
    edges = [lo, th.good_from, th.oscillating_above, th.diverging_above, hi]
    for (a, b), name in zip(zip(edges[:-1], edges[1:]), REGIME_COLOURS):
        a, b = max(a, lo), min(b, hi)
        if b <= a:
            continue
        ax.axvspan(a, b, color=REGIME_COLOURS[name], alpha=0.35, lw=0)
        ax.text(_math.sqrt(a * b), 0.5, name, ha="center", va="center", fontsize=10, zorder=3,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7))
    if lo < th.diverging_above < hi:
        ax.axvline(th.diverging_above, color="black", ls="--", lw=1.2)
        ax.text(th.diverging_above, 1.04, f"$2/D_{{max}}$ = {th.diverging_above:.3g}",
                ha="center", va="bottom", fontsize=10, transform=ax.get_xaxis_transform())
    ax.axvline(min(max(eta, lo), hi), color="black", lw=3.5, zorder=1)
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    decades = [10.0 ** k for k in range(_math.ceil(_math.log10(lo)),
                                         _math.floor(_math.log10(hi)) + 1)]
    ax.set_xticks(decades, [f"{d:g}" for d in decades])  # plain labels: cheaper than 10^k
    ax.minorticks_off()
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.grid(False)
    ax.set_xlabel("learning rate η (log scale); black bar = current η")


def _gd_caption(eta, run, steps):
    th = _hessian.step_thresholds(run["D"])
    final = float(run["costs"][-1])
    text = (f"η = {eta:.3g} | 2/D_max = {th.diverging_above:.3g} | regime: {run['regime']} | ")
    if run["regime"] == "diverging":
        growth = abs(1.0 - eta * float(run["D"].max()))
        text += f"each step multiplies the steep component by |1 − η D_max| = {growth:.2f} > 1"
        if run["left_at"] is not None:
            text += f"; the path left the picture at step {run['left_at']}"
        if not _math.isfinite(final):
            return text + f"; C overflowed before step {steps}"
        return text + f"; C(w_{steps}) − C(w*) = {final:.2e}"
    return text + f"C(w_{steps}) − C(w*) = {final:.2e} after {steps} steps"


@styled
def gd_quadratic(eta, eigenvalues=GD_EIGENVALUES, angle_degrees=GD_ANGLE, w_star=GD_W_STAR,
                 w0=GD_W0, steps=GD_STEPS, eta_range=GD_ETA_RANGE):
    """Gradient descent w <- w - eta grad C on the 2-D quadratic C(w) of eq (31).

    Left: contours of C and the path from ``w0`` (coloured by the regime of
    :func:`lecture5.hessian.step_regime`; a diverging path is cut where it leaves the picture).
    Right: C(w_t) - C(w*) per step on a log scale.  Bottom: where eta sits among the regimes, with
    2/D_max marked.  H = Q D Q^T is built from ``eigenvalues`` and ``angle_degrees`` (eq (35)).
    Never raises for a large eta and emits no overflow warning.
    """
    eta = _check.number("eta", eta, low=0.0, low_open=True)
    lo, hi = (_check.number("eta_range", v, low=0.0, low_open=True) for v in eta_range)
    if not lo < hi:
        raise ValueError(f"eta_range must be (low, high) with low < high, got {eta_range}")
    run = _gd_run(eta, eigenvalues, angle_degrees, w_star, w0, steps)
    fig, axes = new_figure(2, 2, figsize=(FIGSIZE[0], 5.8),
                           gridspec_kw=dict(height_ratios=[5.0, 0.7], left=0.07, right=0.98,
                                            bottom=0.1, top=0.94, wspace=0.25, hspace=0.38))
    fig.set_layout_engine("none")  # the fixed margins above: cheaper to redraw
    gs = axes[1, 0].get_gridspec()
    axes[1, 0].remove()
    axes[1, 1].remove()
    ax_path, ax_cost = axes[0]
    ax_eta = fig.add_subplot(gs[1, :])
    _draw_gd_path(ax_path, run, w_star, w0)
    ax_path.set_title(f"η = {eta:.3g}: {run['regime']}", color=REGIME_COLOURS[run["regime"]])
    costs = run["costs"]
    t = _np.arange(len(costs))
    with _np.errstate(invalid="ignore"):
        ok = _np.isfinite(costs) & (costs > 0) & (costs < 1e200)
    ax_cost.semilogy(t[ok], costs[ok], "-o", ms=3.5, color=REGIME_COLOURS[run["regime"]])
    ax_cost.set_ylim(_COST_FLOOR, _COST_CEILING)
    ax_cost.set_yticks([1e-12, 1e-8, 1e-4, 1.0, 1e4], ["1e-12", "1e-8", "1e-4", "1", "1e4"])
    ax_cost.minorticks_off()
    ax_cost.set_xlim(0, len(costs) - 1)
    ax_cost.set_xlabel("step t")
    ax_cost.set_ylabel("C(wₜ) − C(w*)")
    ax_cost.set_title("cost after each step (log scale)")
    _draw_eta_strip(ax_eta, eta, run["D"], (lo, hi))
    return fig, _gd_caption(eta, run, len(costs) - 1)


@styled
def gd_regimes(etas=(0.05, 0.15, 0.33, 0.42), eigenvalues=GD_EIGENVALUES,
               angle_degrees=GD_ANGLE, w_star=GD_W_STAR, w0=GD_W0, steps=GD_STEPS):
    """Four gradient-descent paths on the same quadratic, one per learning rate (a 2x2 grid).

    With the defaults the four panels are slow, good, oscillating and diverging
    (:func:`lecture5.hessian.step_regime`).  Returns a Figure.
    """
    etas = [_check.number(f"etas[{i}]", e, low=0.0, low_open=True) for i, e in enumerate(etas)]
    if len(etas) != 4:
        raise ValueError(f"etas must hold 4 learning rates (one per panel), got {len(etas)}")
    fig, axes = new_figure(2, 2, figsize=(FIGSIZE[0], 8.2))
    for ax, eta in zip(axes.ravel(), etas):
        run = _gd_run(eta, eigenvalues, angle_degrees, w_star, w0, steps)
        _draw_gd_path(ax, run, w_star, w0, legend=False)
        final = float(run["costs"][-1])
        after = f"C − C* = {final:.1e}" if _math.isfinite(final) else "C overflowed"
        ax.set_title(f"η = {eta:.3g}: {run['regime']} ({after})", fontsize=12,
                     color=REGIME_COLOURS[run["regime"]])
    th = _hessian.step_thresholds(_np.asarray(eigenvalues, dtype=float))
    fig.suptitle(f"{steps} steps of gradient descent from the black square; "
                 f"2/D_max = {th.diverging_above:.3g}")
    return fig


_PANEL_TITLES = {
    "train_cost": "training cost C₀ (log scale)",
    "cost": "cost C₀ (log scale)",
    "accuracy": "accuracy (%)",
    "weight_norm": "weight norm ‖w‖",
}


def _plain_log_labels(ax):
    """Label a log y-axis with plain numbers (0.5, 1, 2) rather than 5 x 10^-1; when it spans
    at most 1.5 decades, label the minor ticks at 2, 3 and 5 times a power of ten too."""
    lo, hi = ax.get_ylim()
    plain = _FuncFormatter(lambda v, _pos: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    if hi / lo > 10 ** 1.5:
        ax.yaxis.set_minor_formatter(_NullFormatter())
        return

    def minor(v, _pos):
        mantissa = v / 10 ** _math.floor(_math.log10(v))
        return f"{v:g}" if min(abs(mantissa - c) for c in (2, 3, 5)) < 1e-6 else ""

    ax.yaxis.set_minor_formatter(_FuncFormatter(minor))


def _check_histories(histories):
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict {label: Trainer.history}, got "
                        f"{type(histories).__name__}")
    for label, h in histories.items():
        if not isinstance(h, dict) or "epoch" not in h:
            raise TypeError(f"histories[{label!r}] must be a Trainer.history dict")


def _run_summary(label, h):
    if not h["epoch"]:
        return f"{label}: no epoch completed"
    n = h["epoch"][-1]
    parts = [f"training cost {h['train_cost'][-1]:.3g}"]
    if _math.isfinite(h["train_accuracy"][-1]):
        parts.append(f"training accuracy {h['train_accuracy'][-1]:.1%}")
    if _math.isfinite(h["eval_accuracy"][-1]):
        parts.append(f"test accuracy {h['eval_accuracy'][-1]:.1%}")
    parts.append(f"‖w‖ {h['weight_norm'][-1]:.3g}")
    return f"{label}: " + ", ".join(parts) + f" after {n} epochs"


@styled
def training_curves(histories, panels=("train_cost", "accuracy"), note="", cost_range=None,
                    title=None, baseline=None):
    """Per-epoch curves of one or more training runs: ``(fig, caption)``.

    ``histories`` maps a label (e.g. "η = 0.5") to a :class:`lecture5.training.Trainer` history.
    ``panels`` is a sequence of "train_cost" (training C_0, log scale), "cost" (training and test
    C_0), "accuracy" (training dashed, test solid, in %) and "weight_norm" (sqrt(sum_w w^2)).
    ``cost_range`` fixes the y-range of the cost panels (useful while a slider moves); ``note``
    (e.g. a divergence message) is appended to the caption; ``baseline`` (the training cost of the
    untrained network) is drawn as a dotted line in the cost panels.
    """
    _check_histories(histories)
    panels = tuple(panels)
    for p in panels:
        _check.choice("panels", p, tuple(_PANEL_TITLES))
    if not 1 <= len(panels) <= 3:
        raise ValueError(f"panels must name 1 to 3 panels, got {len(panels)}")
    width = {1: 7.0, 2: FIGSIZE[0], 3: 9.0}[len(panels)]  # fits the output area unscaled
    fig, axes = new_figure(1, len(panels), figsize=(width, 4.6))
    axes = _np.atleast_1d(axes)
    max_epoch = 1
    for i, (label, h) in enumerate(histories.items()):
        colour = _RUN_COLOURS[i % len(_RUN_COLOURS)]
        e = _np.asarray(h["epoch"], dtype=float)
        if e.size:
            max_epoch = max(max_epoch, int(e[-1]))
        for ax, p in zip(axes, panels):
            if p == "train_cost":
                ax.semilogy(e, h["train_cost"], "-o", ms=3.5, color=colour, label=label)
            elif p == "cost":
                ax.semilogy(e, h["train_cost"], "--", color=colour)
                ax.semilogy(e, h["eval_cost"], "-", color=colour, label=label)
            elif p == "accuracy":
                ax.plot(e, 100 * _np.asarray(h["train_accuracy"], dtype=float), "--",
                        color=colour)
                ax.plot(e, 100 * _np.asarray(h["eval_accuracy"], dtype=float), "-",
                        color=colour, label=label)
            else:
                ax.plot(e, h["weight_norm"], "-", color=colour, label=label)
    for ax, p in zip(axes, panels):
        ax.set_title(_PANEL_TITLES[p])
        ax.set_xlabel("epoch")
        ax.set_xlim(0.5, max_epoch + 0.5)
        ax.xaxis.set_major_locator(_MaxNLocator(nbins=6, integer=True))
        if p in ("train_cost", "cost") and baseline is not None:
            ax.axhline(_check.number("baseline", baseline), color="black", ls=":", lw=1.5,
                       label="before training")
        if p in ("train_cost", "cost") and cost_range is not None:
            ax.set_ylim(*cost_range)
        if p in ("train_cost", "cost"):
            _plain_log_labels(ax)
        if p == "accuracy":
            ax.set_ylim(0, 100)
    # one legend for the runs (colours); the line styles get their own legend in the first panel
    # that draws both training (dashed) and test (solid) curves
    handles = axes[0].get_legend_handles_labels()[0]
    styles = [_Line2D([], [], color="#424242", ls="--", label="training"),
              _Line2D([], [], color="#424242", ls="-", label="test")]
    both = [ax for ax, p in zip(axes, panels) if p in ("cost", "accuracy")]
    if both and both[0] is axes[0]:
        axes[0].legend(handles=handles + styles, loc="best", fontsize=10)
    else:
        axes[0].legend(handles=handles, loc="best", fontsize=10)
        if both:
            both[0].legend(handles=styles, loc="best", fontsize=10)
    if title:
        fig.suptitle(title)
    caption = " | ".join(_run_summary(label, h) for label, h in histories.items())
    if note:
        caption += " | " + note
    return fig, caption


@styled
def hessian_spectrum(eigenvalues, lmbda):
    """The eigenvalues D_ii of a Hessian, eq (35), and their shrink factors, eq (38): a Figure.

    Left: |D_ii| in descending order of D_ii on a log scale (filled dots; a slightly negative
    eigenvalue, a direction that is flat to rounding or a saddle, is an open circle), with lambda
    as a dashed line: directions above it keep most of their weight, directions below it are
    shrunk towards 0.  Right: D_ii / (D_ii + lambda) per direction.
    """
    _hessian.shrink_factors(eigenvalues, lmbda)  # validates both arguments
    D = _np.sort(_np.asarray(eigenvalues, dtype=float))[::-1]
    factors = _hessian.shrink_factors(D, lmbda)
    i = _np.arange(1, D.size + 1)
    fig, (ax_d, ax_f) = new_figure(1, 2, figsize=(FIGSIZE[0], 4.6))
    kept = D > lmbda
    size = _np.abs(D)
    floor = max(float(size.max()), lmbda, 1e-300) * 1e-8  # exact zeros are drawn at the floor
    for mask, colour, fill, label in (
            (kept, _RUN_COLOURS[0], True, "$D_{ii} > λ$: kept"),
            (~kept & (D >= 0), _RUN_COLOURS[1], True, "$D_{ii} < λ$: shrunk"),
            (D < 0, _RUN_COLOURS[1], False, "$D_{ii} < 0$ (shown as $|D_{ii}|$)")):
        if mask.any():
            ax_d.plot(i[mask], _np.maximum(size[mask], floor), "o", ms=6, color=colour,
                      mfc=colour if fill else "white", label=label)
    ax_d.axhline(lmbda, color="black", ls="--", lw=1.2, label=f"λ = {lmbda:.3g}")
    ax_d.set_yscale("log")
    ax_d.set_xlabel("direction i (largest curvature first)")
    ax_d.set_ylabel("$|D_{ii}|$ (log scale)")
    ax_d.set_title(f"the {D.size} eigenvalues of H (35)")
    ax_d.legend(loc="lower left", fontsize=10)
    ax_f.bar(i, factors, color=_np.where(kept, _RUN_COLOURS[0], _RUN_COLOURS[1]), width=0.8)
    ax_f.axhline(0.5, color="black", ls=":", lw=1)
    ax_f.set_ylim(min(0.0, float(factors.min())) - 0.05, 1.05)
    ax_f.set_xlabel("direction i")
    ax_f.set_ylabel("$D_{ii} / (D_{ii} + λ)$")
    ax_f.set_title(f"shrink factors (38) for λ = {lmbda:.3g}")
    return fig


def _l2_view(w_star):
    r = float(_np.linalg.norm(w_star)) or 1.0
    xs, ys = (0.0, float(w_star[0])), (0.0, float(w_star[1]))
    pad = 0.4 * r
    return (min(xs) - pad, max(xs) + pad), (min(ys) - pad, max(ys) + pad), r


@functools.lru_cache(maxsize=64)
def _l2_background(eig1, eig2, angle_degrees, w_star):
    """What does not depend on lambda (cached, so the lambda slider only redraws): H, Q, D, the
    C_0 grid and the trail of w~(lambda) for lambda from ~0 to ~infinity (eq (34))."""
    H, Q, D = _hessian.hessian_2d((eig1, eig2), angle_degrees)
    if D.min() <= 0:
        raise ValueError(f"eig1 and eig2 must be > 0 (a minimum w* exists), got {tuple(D)}")
    w_star = _np.asarray(w_star, dtype=float)
    xlim, ylim, r = _l2_view(w_star)
    grid = _grid_cost(H, w_star, xlim, ylim, num=91)
    lambdas = _np.geomspace(D.min() * 1e-3, D.max() * 1e3, 80)
    trail = _np.array([w_star] + [_hessian.l2_minimizer(H, w_star, lam) for lam in lambdas]
                      + [[0.0, 0.0]])
    return H, Q, D, w_star, (xlim, ylim, r), grid, trail


@styled
def l2_hessian_picture(lmbda, eig1=L2_EIGENVALUES[0], eig2=L2_EIGENVALUES[1],
                       angle_degrees=L2_ANGLE, w_star=L2_W_STAR):
    """Where the L2 penalty moves the minimum, eqs (31)-(38) (the textbook's fig 7.1).

    Left: contours of C_0 (eq (31), Hessian H = Q D Q^T built from ``eig1``, ``eig2`` and the
    rotation ``angle_degrees``, eq (35)) around the unregularized minimum w*; dotted circles of
    equal penalty lambda/2 ||w||^2 around the origin; the regularized minimum w~(lambda) of eq (34),
    where a C_0 contour (bold) touches a penalty circle (dashed); the path of w~ as lambda goes
    from 0 (w~ = w*) to infinity (w~ = 0); and the eigenvector directions q_1, q_2.  Right: the
    shrink factor D_ii / (D_ii + lambda), eq (38), of each eigen-direction.  Returns
    ``(fig, caption)``.  Closed form and lean (few tick labels, no mathtext that changes with the
    sliders), so a slider can redraw it continuously.
    """
    lmbda = _check.number("lmbda", lmbda, low=0.0)
    eig1 = _check.number("eig1", eig1, low=0.0, low_open=True)
    eig2 = _check.number("eig2", eig2, low=0.0, low_open=True)
    angle_degrees = _check.number("angle_degrees", angle_degrees)
    w_star = tuple(float(v) for v in _np.asarray(w_star, dtype=float).ravel())
    H, Q, D, w_star, (xlim, ylim, r), (W1, W2, C), trail = _l2_background(
        eig1, eig2, angle_degrees, w_star)
    w_t = _hessian.l2_minimizer(H, w_star, lmbda)
    factors = _hessian.shrink_factors(D, lmbda)

    fig, (ax, ax_bar) = new_figure(1, 2, figsize=(FIGSIZE[0], 5.2),
                                   gridspec_kw=dict(width_ratios=[2.2, 1.0], left=0.07,
                                                    right=0.98, bottom=0.17, top=0.9,
                                                    wspace=0.12))
    fig.set_layout_engine("none")  # the fixed margins above: a third cheaper to draw
    levels = 0.5 * float(D.max()) * r * r * _np.geomspace(3e-4, 1.0, 9)
    ax.contour(W1, W2, C, levels=levels, colors="#90a4ae", linewidths=0.8)
    c_t = _hessian.quadratic_cost(w_t, H, w_star)
    if c_t > 1e-12:
        ax.contour(W1, W2, C, levels=[c_t], colors="#37474f", linewidths=2.0)
    angles = _np.linspace(0, 2 * _np.pi, 160)
    circle = _np.stack([_np.cos(angles), _np.sin(angles)])
    for rad in r * _np.array([0.25, 0.5, 0.75, 1.0, 1.25]):
        ax.plot(*(rad * circle), ":", color="#c62828", lw=0.8)
    rad = float(_np.linalg.norm(w_t))
    ax.plot(*(rad * circle), "--", color="#c62828", lw=2.0, label="penalty circle through w̃")
    ax.plot(trail[:, 0], trail[:, 1], "-", color="#6a1b9a", lw=1.5, alpha=0.8,
            label="w̃(λ) for every λ")
    for k in range(2):
        q = Q[:, k] * 0.3 * r
        ax.annotate("", xy=w_star + q, xytext=w_star,
                    arrowprops=dict(arrowstyle="-|>", color=_Q_COLOURS[k], lw=2))
        ax.text(*(w_star + 1.2 * q), "q₁" if k == 0 else "q₂", color=_Q_COLOURS[k],
                fontsize=14, ha="center", va="center")
    ax.plot(0, 0, "+", color="black", ms=12, mew=2)
    ax.plot(*w_star, "*", color="gold", mec="black", ms=18, label="w* (λ = 0)")
    ax.plot(*w_t, "o", color="#c62828", mec="black", ms=10, label=f"w̃ (λ = {lmbda:.3g})")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.locator_params(nbins=4)
    ax.grid(False)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.set_title("contours of C₀ and circles of equal penalty")
    ax.legend(loc="lower right", fontsize=10, framealpha=0.9)

    bars = ax_bar.bar([0, 1], factors, color=_Q_COLOURS, width=0.6)
    for b, f in zip(bars, factors):
        ax_bar.text(b.get_x() + b.get_width() / 2, f + 0.02, f"{f:.2f}", ha="center",
                    va="bottom", fontsize=13)
    ax_bar.set_xticks([0, 1], [f"along q₁\nD₁₁ = {D[0]:.3g}", f"along q₂\nD₂₂ = {D[1]:.3g}"])
    ax_bar.set_yticks([0.0, 0.5, 1.0])
    ax_bar.set_ylim(0, 1.15)
    ax_bar.grid(False)
    ax_bar.set_title("shrink factor (38)\nDᵢᵢ / (Dᵢᵢ + λ)")
    caption = (f"λ = {lmbda:.3g} | D = ({D[0]:.3g}, {D[1]:.3g}), angle {angle_degrees:.0f}° | "
               f"shrink (38): along q₁ × {factors[0]:.2f}, along q₂ × {factors[1]:.2f} | "
               f"w* = ({w_star[0]:.2f}, {w_star[1]:.2f}) → w̃ = ({w_t[0]:.2f}, {w_t[1]:.2f}), "
               f"‖w̃‖ = {rad:.2f}")
    return fig, caption

# --- end 04-05 ---

# --- 06-08: L1, dropout, early stopping ------------------------------------------------------
# Numbering in this section: the backprop slides' (Nielsen's), input = layer 1, so net.weights[0]
# is w^2 (leaving the input layer) and masks[i] belongs to hidden layer i+2.  n is the size of the
# whole training set (the slides' m in eqs (39)-(41)).

import math as _math68  # noqa: E402
from typing import NamedTuple as _NamedTuple68  # noqa: E402

import numpy as np  # noqa: E402, F811
from matplotlib.collections import LineCollection as _LineCollection68  # noqa: E402
from matplotlib.patches import Circle as _Circle68  # noqa: E402
from matplotlib.ticker import MaxNLocator as _MaxNLocator68  # noqa: E402

from . import _validate as _v68  # noqa: E402
from . import datasets as _datasets68  # noqa: E402
from . import dropout as _dropout68  # noqa: E402
from . import hessian as _hessian68  # noqa: E402
from . import regularization as _reg68  # noqa: E402
from .costs import CrossEntropyCost as _CE68  # noqa: E402
from .network import Network as _Net68  # noqa: E402
from .training import Trainer as _Trainer68  # noqa: E402

_C68 = {"none": "#616161", "l2": "#1565c0", "l1": "#c62828", "prox": "#2e7d32",
        "drop": "#ef6c00", "val": "#6a1b9a", "grey": "#bdbdbd"}


# ~~~ training runs shared by 06-08 (cached) ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
class TrainingRun(_NamedTuple68):
    """One finished run of :func:`training_run` (all arrays read-only).

    ``history`` is ``Trainer.history`` with tuples instead of lists; ``weights``/``biases`` are
    the network after training (the restored best ones after early stopping); ``eval_accuracy``
    is the accuracy on the evaluation set (validation set if there is one, else the test set) of
    that final network, ``test_accuracy``/``test_cost`` the same on the test set (with the
    test-time weight scaling after the slides' dropout).
    """

    history: dict
    weights: tuple
    biases: tuple
    eval_accuracy: float
    test_accuracy: float
    test_cost: float
    epochs_run: int
    best_epoch: int | None
    message: str


def _frozen68(arrays):
    out = []
    for a in arrays:
        a = np.array(a, dtype=float)
        a.setflags(write=False)
        out.append(a)
    return tuple(out)


def training_run(sizes=(784, 30, 10), n_train=1000, epochs=30, eta=0.5, lmbda=0.0,
                 penalty="l2", p_drop=0.0, dropout="slides", patience=None, validation=0,
                 n_test=2000, mini_batch_size=10, seed=0) -> TrainingRun:
    """Train ``Network(sizes, CrossEntropyCost, seed)`` on ``n_train`` bundled MNIST digits.

    Every run goes through :class:`lecture5.training.Trainer` (mini-batch SGD, eqs (27), (28),
    (41)), so the settings mean exactly what they mean there.  The per-epoch evaluation uses the
    ``validation`` digits held out of the training split when ``validation > 0`` (early stopping
    with ``patience`` watches them), else the ``n_test`` test digits.  Runs are cached: asking
    twice for the same settings trains once (the figures of a notebook share runs).
    """
    sizes = tuple(_v68.integer(f"sizes[{i}]", s, low=1) for i, s in enumerate(sizes))
    return _training_run68(sizes, n_train, epochs, float(eta), float(lmbda), penalty,
                           float(p_drop), dropout, patience, validation, n_test,
                           mini_batch_size, seed)


@functools.lru_cache(maxsize=48)
def _training_run68(sizes, n_train, epochs, eta, lmbda, penalty, p_drop, dropout, patience,
                    validation, n_test, mini_batch_size, seed):
    data = _datasets68.load_mnist(n_train=n_train, n_test=n_test, validation=validation,
                                  seed=seed)
    net = _Net68(list(sizes), cost=_CE68, seed=seed)
    test = (data.X_test, data.Y_test, data.y_test)
    evaluation = (data.X_val, data.Y_val, data.y_val) if validation else test
    trainer = _Trainer68(net, data.X_train, data.Y_train, eta=eta,
                         mini_batch_size=mini_batch_size, lmbda=lmbda, penalty=penalty,
                         p_drop=p_drop, dropout=dropout, labels=data.y_train,
                         eval_data=evaluation, early_stopping=patience, seed=seed)
    trainer.train(epochs, progress=False)
    _, _, eval_acc = trainer.evaluate(*evaluation)
    test_cost, _, test_acc = trainer.evaluate(*test)
    history = {k: tuple(v) for k, v in trainer.history.items()}
    return TrainingRun(history, _frozen68(net.weights), _frozen68(net.biases), eval_acc,
                       test_acc, test_cost, trainer.epoch, trainer.best_epoch, trainer.message)


# ~~~ 06: L1 regularization, eqs (39)-(41) ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
def _w_grid68(half_width, k=801):
    return np.linspace(-half_width, half_width, k)


@styled
def penalty_step_figure(lmbda=2.0, eta=0.5, n=10, w_max=1.0):
    """One penalty step (no data gradient) as a map w -> w': L2 (28), L1 (41), soft threshold.

    The step size of both penalties is eta lambda / n.  L2 multiplies w by (1 - eta lambda / n):
    it removes an amount proportional to w.  The naive L1 step (41) removes eta lambda / n sgn(w),
    a constant amount, so a weight smaller than that jumps across zero; the soft threshold stops
    at exactly 0.  All three come from :func:`lecture5.regularization.apply_penalty_step`.
    Returns ``(fig, caption)``.
    """
    lmbda = _v68.number("lmbda", lmbda, low=0.0)
    eta = _v68.number("eta", eta, low=0.0, low_open=True)
    n = _v68.integer("n", n, low=1)
    w = _w_grid68(_v68.number("w_max", w_max, low=0.0, low_open=True))
    step = eta * lmbda / n
    if step >= 1.0:
        raise ValueError(f"ηλ/n = {step:.3g} must stay below 1 (the L2 factor 1 − ηλ/n would "
                         "flip or zero every weight); lower λ (lmbda)")
    after = {p: _reg68.apply_penalty_step(w.copy(), eta, lmbda, n, p)
             for p in ("l2", "l1", "l1_prox")}
    fig, (ax1, ax2) = new_figure(1, 2)
    ax1.plot(w, w, color=_C68["grey"], lw=1.2, ls=":", label="no penalty: w' = w")
    ax1.plot(w, after["l2"], color=_C68["l2"], label="L2 (28)")
    ax1.plot(w, after["l1"], color=_C68["l1"], label="L1, sgn(w) step (41)")
    ax1.plot(w, after["l1_prox"], color=_C68["prox"], ls="--", label="L1, soft threshold")
    ax1.set(xlabel="weight w before the step", ylabel="weight w' after the step",
            title="new weight after one penalty step")
    ax1.legend(loc="upper left", fontsize="small")
    removed = {p: w - a for p, a in after.items()}
    ax2.plot(w, removed["l2"], color=_C68["l2"], label=r"L2: $\frac{\eta\lambda}{n}\,w$")
    ax2.plot(w, removed["l1"], color=_C68["l1"],
             label=r"L1: $\frac{\eta\lambda}{n}\,\mathrm{sgn}(w)$")
    ax2.plot(w, removed["l1_prox"], color=_C68["prox"], ls="--", label="soft threshold")
    ax2.axhline(0, color="black", lw=0.8)
    ax2.set(xlabel="weight w before the step", ylabel="amount removed  w - w'",
            title="amount removed by one step")
    ax2.legend(loc="upper left", fontsize="small")
    caption = (f"ηλ/n = {eta:g} × {lmbda:.3g} / {n} = {step:.4g}: L2 keeps the fraction "
               f"{1 - step:.4f} of every weight; L1 removes {step:.4g} from every |w|, and "
               f"weights with |w| < {step:.4g} cross zero (sgn step) or stop at 0 (soft threshold)")
    return fig, caption


@styled
def l1_l2_eigen_figure(lmbda=1.0, eigenvalues=(0.1, 0.3, 1.0, 3.0, 10.0),
                       w_star=(1.0, -1.5, 2.0, -1.0, 1.5)):
    """Minimizers of C_0 + penalty for a quadratic C_0 with a diagonal Hessian (its eigenbasis).

    C_0(w) = 1/2 sum_i D_ii (w_i - w*_i)^2 (eq (31) written in the eigenbasis of H, eq (35)),
    penalty lambda/2 ||w||^2 or lambda sum |w| (the slides' m = 1).  L2 rescales each component
    by D_ii / (D_ii + lambda) (eq (38), :func:`lecture5.hessian.shrink_factors`): it never
    reaches zero.  L1 moves each component towards 0 by lambda / D_ii and stops at 0: the
    minimizer is the soft threshold of w*_i at lambda / D_ii
    (:func:`lecture5.regularization.soft_threshold`), so the components with small eigenvalues go
    to exactly zero first.  Returns ``(fig, caption)``.
    """
    lmbda = _v68.number("lmbda", lmbda, low=0.0)
    D = np.asarray(eigenvalues, dtype=float)
    ws = np.asarray(w_star, dtype=float)
    if D.ndim != 1 or D.shape != ws.shape or D.size == 0:
        raise ValueError(f"eigenvalues and w_star must be 1-D of the same length, got shapes "
                         f"{D.shape} and {ws.shape}")
    if not np.all(D > 0):
        raise ValueError("eigenvalues must be > 0 (a minimum w* needs a positive definite H)")
    w_l2 = _hessian68.shrink_factors(D, lmbda) * ws
    w_l1 = _reg68.soft_threshold(ws, lmbda / D)
    k = np.arange(D.size)
    fig, ax = new_figure()
    width = 0.27
    ax.bar(k - width, ws, width, color="white", edgecolor="black", label="$w^*$ (no penalty)")
    ax.bar(k, w_l2, width, color=_C68["l2"], label="L2 minimizer (38)")
    ax.bar(k + width, w_l1, width, color=_C68["l1"], label="L1 minimizer")
    for i in np.flatnonzero(w_l1 == 0):
        ax.text(k[i] + width, 0.04 * np.sign(ws[i]) * np.abs(ws).max(), "0", ha="center",
                va="bottom" if ws[i] > 0 else "top", color=_C68["l1"], fontweight="bold")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(k, [f"$D_{{{i + 1}{i + 1}}}$ = {d:g}" for i, d in enumerate(D)])
    ax.set(xlabel="component along the i-th eigenvector of H (its eigenvalue)",
           ylabel="weight component",
           title=f"λ = {lmbda:.3g}: L2 shrinks every component, L1 zeroes the flat directions")
    top = float(np.abs(ws).max())
    ax.set_ylim(min(0.0, float(ws.min())) * 1.15, top * 1.45)
    ax.legend(loc="upper left", fontsize="small", ncol=3)
    zeros = int(np.count_nonzero(w_l1 == 0))
    caption = (f"λ = {lmbda:.3g}: L1 sets {zeros} of {D.size} components exactly to 0 "
               f"(those with |w*_i| < λ / D_ii); L2 sets none to 0, its factors "
               f"D/(D+λ) range from {w_l2[0] / ws[0]:.3f} to {w_l2[-1] / ws[-1]:.3f}")
    return fig, caption


#: the small problem of notebook 06: a [784, 10] network (ten sigmoid "logistic regressions"),
#: 500 training digits, 10 epochs
L1_PROBLEM = {"sizes": (784, 10), "n_train": 500, "epochs": 10, "eta": 0.5, "n_test": 1000}


def l1_l2_run(penalty, lmbda, **settings) -> TrainingRun:
    """The run of notebook 06's small problem (:data:`L1_PROBLEM`) with ``penalty`` and lambda."""
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    return training_run(lmbda=lmbda, penalty=penalty, **kw)


def _zero_fraction68(weights):
    total = sum(w.size for w in weights)
    return sum(int(np.count_nonzero(w == 0)) for w in weights) / total


def _l1_form68(l1_form):
    return _v68.choice("l1_form", l1_form, ("l1", "l1_prox"))


@styled
def l1_l2_histograms(lmbda=1.0, l1_form="l1_prox", **settings):
    """Histograms of the trained weights for L1 and L2 with the same lambda, side by side.

    Both runs train the small problem :data:`L1_PROBLEM` (or ``settings``) with the same seed;
    ``l1_form`` is "l1_prox" (soft threshold) or "l1" (the sgn(w) step (41)).  Weights that are
    exactly zero are drawn as a separate bar at 0; the y-axis is logarithmic so that both the
    spike and the tails show.  Returns ``(fig, caption)``.
    """
    l1_form = _l1_form68(l1_form)
    lmbda = _v68.number("lmbda", lmbda, low=0.0)
    runs = {"l2": l1_l2_run("l2", lmbda, **settings), l1_form: l1_l2_run(l1_form, lmbda,
                                                                          **settings)}
    flat = {p: np.concatenate([w.ravel() for w in r.weights]) for p, r in runs.items()}
    lim = max(float(np.abs(f).max()) for f in flat.values()) * 1.02
    bins = np.linspace(-lim, lim, 61)
    fig, axes = new_figure(1, 2, sharey=True)
    names = {"l2": "L2 (28)", "l1": "L1, sgn(w) step (41)", "l1_prox": "L1, soft threshold"}
    colors = {"l2": _C68["l2"], "l1": _C68["l1"], "l1_prox": _C68["l1"]}
    parts = []
    handles, labels = [], []
    for ax, p in zip(axes, ("l1_prox" if l1_form == "l1_prox" else "l1", "l2")):
        f = flat[p]
        zeros = int(np.count_nonzero(f == 0))
        handles.append(ax.hist(f[f != 0], bins=bins, color=colors[p], alpha=0.85)[2][0])
        labels.append(f"{names[p].split(',')[0]}: nonzero weights")
        if zeros:
            bar = ax.bar(0, zeros, width=(bins[1] - bins[0]) * 0.8, color="black")
            if "exactly 0" not in labels:
                handles.append(bar[0])
                labels.append("exactly 0")
        ax.set_yscale("log")
        # headroom above the peak for the statistics box (taller with projection_mode's fonts)
        ax.set_ylim(0.8, f.size * 10 ** (2.0 * mpl.rcParams["font.size"] / 12 - 0.4))
        # few, short tick labels (−1, −0.5, 0, ...), readable in projection mode too
        ax.xaxis.set_major_locator(_MaxNLocator68(nbins=6, steps=[1, 2.5, 5, 10],
                                                  symmetric=True))
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}".replace("-", "−"))
        r = runs[p]
        ax.set(xlabel="weight value w", title=names[p])
        ax.text(0.03, 0.97, f"exactly 0: {zeros / f.size:.1%}\n"
                f"|w| < 10⁻³: {np.mean(np.abs(f) < 1e-3):.1%}\n"
                f"test acc.: {r.test_accuracy:.1%}", transform=ax.transAxes, va="top",
                fontsize="small", bbox={"fc": "white", "ec": "#999", "alpha": 0.9})
        parts.append(f"{names[p]}: {zeros / f.size:.1%} exactly 0, test accuracy "
                     f"{r.test_accuracy:.3f}")
    # one legend under both panels, so it covers neither the statistics nor the bars
    fig.legend(handles, labels, loc="outside lower center", ncols=len(handles),
               fontsize="small", frameon=False)
    axes[0].set_ylabel("count (log scale)")
    where = "at exactly 0" if l1_form == "l1_prox" else "near 0, none exactly at 0"
    fig.suptitle(f"λ = {lmbda:.3g} in both: L1 piles weights up {where}",
                 fontsize="medium")
    return fig, f"λ = {lmbda:.3g}: " + "; ".join(parts)


@styled
def l1_l2_weight_images(lmbda=1.0, l1_form="l1_prox", digits=tuple(range(10)), **settings):
    """The weights into each output neuron of the [784, 10] problem as 28x28 images, L1 vs L2.

    Row j of w^2 holds the 784 weights from the pixels to output neuron j ("is it digit j?").
    Red = positive, blue = negative, white = 0, one colour scale per row of the figure.  L1 keeps
    a few strong pixels (its "high-importance connections") and sets the rest to 0; L2 keeps all
    weights small but nonzero.  Returns ``(fig, caption)``.
    """
    l1_form = _l1_form68(l1_form)
    lmbda = _v68.number("lmbda", lmbda, low=0.0)
    digits = [_v68.integer("digit", d, low=0, high=9) for d in digits]
    if not digits:
        raise ValueError("digits must name at least one digit 0-9")
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    if tuple(kw["sizes"]) != (784, 10):
        raise ValueError(f"weight images need sizes (784, 10), got {kw['sizes']}")
    rows = [(l1_form, l1_l2_run(l1_form, lmbda, **settings)), ("l2", l1_l2_run("l2", lmbda,
                                                                               **settings))]
    fig, axes = new_figure(2, len(digits), figsize=(FIGSIZE[0], 2.6))
    axes = np.asarray(axes).reshape(2, len(digits))
    names = {"l2": "L2", "l1": "L1 (sgn)", "l1_prox": "L1"}
    parts = []
    for r, (p, run) in enumerate(rows):
        w2 = run.weights[0]
        vmax = float(np.abs(w2).max()) or 1.0
        for c, d in enumerate(digits):
            ax = axes[r, c]
            ax.imshow(w2[d].reshape(28, 28), cmap="RdBu_r", vmin=-vmax, vmax=vmax,
                      interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_edgecolor("#bdbdbd")
                spine.set_visible(True)
            if r == 0:
                ax.set_title(f"digit {d}", fontsize="small")
        nz = np.count_nonzero(w2[digits] != 0) / w2[digits].size
        axes[r, 0].set_ylabel(f"{names[p]}\n{nz:.0%} ≠ 0", fontsize="small")
        parts.append(f"{names[p]}: {nz:.1%} of these weights nonzero")
    fig.suptitle(f"weights from the 784 pixels into each output neuron, λ = {lmbda:.3g}",
                 fontsize="medium")
    return fig, f"λ = {lmbda:.3g}: " + "; ".join(parts)


class WeightPaths(_NamedTuple68):
    """Weight trajectories of :func:`l1_weight_paths`: ``paths[p]`` has shape (steps + 1, k)."""

    steps: np.ndarray
    paths: dict
    indices: np.ndarray
    step_size: float
    zero_fraction: dict


def l1_weight_paths(lmbda=3.0, k=4, **settings) -> WeightPaths:
    """Train the small problem twice, with the sgn(w) step (41) and with the soft threshold, and
    follow ``k`` weights of w^2 step by step.

    Both runs use the same seed, hence the same mini-batches: they differ only in the L1 step.
    The weights shown are ones that the soft-threshold run sets to exactly zero by the end (plus
    one that survives), among pixels that are not always blank.  ``step_size`` is eta lambda / n.
    """
    lmbda = _v68.number("lmbda", lmbda, low=0.0, low_open=True)
    k = _v68.integer("k", k, low=2, high=8)
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    return _l1_weight_paths68(lmbda, k, tuple(kw["sizes"]), kw["n_train"], kw["epochs"],
                              float(kw["eta"]), kw.get("seed", 0))


@functools.lru_cache(maxsize=8)
def _l1_weight_paths68(lmbda, k, sizes, n_train, epochs, eta, seed):
    data = _datasets68.load_mnist(n_train=n_train, n_test=1, seed=seed)
    # candidate weights: into output neurons 0..9 from pixels that some training digit uses
    used = np.flatnonzero(data.X_train.max(axis=1) > 0.5)
    rng = np.random.default_rng(seed)
    cand = np.sort(rng.choice(sizes[1] * used.size, size=min(300, sizes[1] * used.size),
                              replace=False))
    rows_, cols_ = np.divmod(cand, used.size)
    flat_idx = rows_ * sizes[0] + used[cols_]
    paths, zero = {}, {}
    for p in ("l1", "l1_prox"):
        net = _Net68(list(sizes), cost=_CE68, seed=seed)
        trainer = _Trainer68(net, data.X_train, data.Y_train, eta=eta, lmbda=lmbda, penalty=p,
                             monitor=False, seed=seed)
        total = epochs * trainer.batches_per_epoch
        rec = np.empty((total + 1, flat_idx.size))
        rec[0] = net.weights[0].ravel()[flat_idx]
        for s in range(total):
            trainer.step()
            rec[s + 1] = net.weights[0].ravel()[flat_idx]
        paths[p] = rec
        zero[p] = _zero_fraction68(net.weights)
    prox = paths["l1_prox"]
    start = np.abs(prox[0])
    # weights the soft threshold holds at exactly 0 for most of the last 40 steps, the largest at
    # the start first; plus one that L1 keeps (a final size near 0.15, to share the axes)
    held = np.mean(prox[-40:] == 0, axis=0)
    zeroed = np.flatnonzero(held >= 0.9)
    zeroed = zeroed[np.argsort(-start[zeroed], kind="stable")][: k - 1]
    alive = np.flatnonzero(prox[-1] != 0)
    survivor = alive[np.argmin(np.abs(np.abs(prox[-1, alive]) - 0.15))]
    pick = np.concatenate([zeroed, [survivor]])
    n = data.X_train.shape[1]
    out_paths = {p: v[:, pick].copy() for p, v in paths.items()}
    return WeightPaths(np.arange(paths["l1"].shape[0]), out_paths, flat_idx[pick],
                       eta * lmbda / n, zero)


@styled
def l1_trajectories_figure(lmbda=3.0, k=4, zoom_steps=40, **settings):
    """A few weights of w^2 step by step: the sgn(w) step (41) against the soft threshold.

    Top row: the whole run.  Bottom row: the last ``zoom_steps`` steps close to zero, where the
    sgn(w) step makes the weights hop across zero by about eta lambda / n while the soft threshold
    holds them at exactly 0.  Returns ``(fig, caption)``.
    """
    res = l1_weight_paths(lmbda, k, **settings)
    zoom_steps = _v68.integer("zoom_steps", zoom_steps, low=2)
    fig, axes = new_figure(2, 2, sharex="row")
    titles = {"l1": "L1 with the sgn(w) step (41)", "l1_prox": "L1 with the soft threshold"}
    colors = [_C68["l2"], _C68["drop"], _C68["val"], _C68["prox"], _C68["l1"], "#00838f",
              "#5d4037", "#ad1457"]
    c = res.step_size
    s0 = max(0, res.steps[-1] - zoom_steps)
    for col, p in enumerate(("l1", "l1_prox")):
        path = res.paths[p]
        kept = path.shape[1] - 1  # the last column is the weight that L1 keeps
        axes[0, col].plot(res.steps, path[:, kept], color=_C68["grey"], lw=1.2,
                          label="a weight L1 keeps")
        for i in range(kept):
            axes[0, col].plot(res.steps, path[:, i], color=colors[i % len(colors)], lw=1.6,
                              label="weights that end at 0" if i == 0 else None)
            axes[1, col].plot(res.steps[s0:], path[s0:, i], color=colors[i % len(colors)],
                              lw=1.2, marker="o", ms=3.5)
        axes[0, col].legend(loc="upper right", fontsize="small")
        axes[0, col].set_title(f"{titles[p]}\nexactly 0 at the end: {res.zero_fraction[p]:.1%} "
                               "of all weights", fontsize="medium")
        axes[1, col].set_ylim(-4 * c, 4 * c)
        for sgn in (-1, 1):
            axes[1, col].axhline(sgn * c, color="black", lw=0.8, ls=":")
        axes[1, col].set_xlabel("SGD step (mini-batch)")
    axes[0, 0].set_ylabel("weight w")
    axes[1, 0].set_ylabel(r"zoom: $|w| \leq 4\,\eta\lambda/n$")
    axes[1, 1].text(0.99, 0.04, r"dotted: $\pm\eta\lambda/n$", transform=axes[1, 1].transAxes,
                    ha="right", fontsize="small")
    zero_share = {p: float(np.mean(res.paths[p][s0:, :-1] == 0)) for p in res.paths}
    caption = (f"λ = {lmbda:.3g}, ηλ/n = {c:.4g}: over the last {zoom_steps} steps "
               f"the first {res.paths['l1'].shape[1] - 1} weights are exactly 0 in "
               f"{zero_share['l1']:.0%} of the steps with sgn(w), {zero_share['l1_prox']:.0%} "
               f"with the soft threshold")
    return fig, caption


# ~~~ 07: dropout ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
#: the overfitting run of notebook 07: 1,000 training digits, a [784, 100, 10] network, 20 epochs
DROPOUT_PROBLEM = {"sizes": (784, 100, 10), "n_train": 1000, "epochs": 20, "eta": 0.5,
                   "n_test": 2000}


def dropout_run(p_drop=0.5, dropout="slides", **settings) -> TrainingRun:
    """The run of notebook 07's problem (:data:`DROPOUT_PROBLEM`) with dropout ``p_drop``."""
    kw = dict(DROPOUT_PROBLEM)
    kw.update(settings)
    if p_drop == 0:
        dropout = "slides"  # without dropout both modes are the same run
    return training_run(p_drop=p_drop, dropout=dropout, **kw)


def _network68(run, sizes):
    net = _Net68(list(sizes), cost=_CE68)
    net.set_parameters(run.weights, run.biases)
    return net


def _node_xy68(sizes, layer, j, dx=3.0):
    """Position of node j of layer ``layer`` (0-based) in a drawing of ``sizes``."""
    return layer * dx, (sizes[layer] - 1) / 2 - j


def _draw_dropout_net68(ax, sizes, masks=None):
    """Draw the network; nodes of hidden layer i+2 with masks[i][j] == 0 are greyed out."""
    kept = [np.ones(d, dtype=bool) for d in sizes]
    if masks is not None:
        for i, mask in enumerate(masks):
            kept[i + 1] = np.asarray(mask)[:, 0] != 0
    r = 0.28
    edges = {True: [], False: []}  # live edges, and edges touching a deleted node
    for lay in range(1, len(sizes)):
        for j in range(sizes[lay]):
            for k in range(sizes[lay - 1]):
                (x0, y0), (x1, y1) = _node_xy68(sizes, lay - 1, k), _node_xy68(sizes, lay, j)
                live = bool(kept[lay][j] and kept[lay - 1][k])
                edges[live].append([(x0 + r, y0), (x1 - r, y1)])
    # one collection per kind: far faster to draw than one line per edge
    ax.add_collection(_LineCollection68(edges[False], colors="#eeeeee", linewidths=0.6,
                                        zorder=0))
    ax.add_collection(_LineCollection68(edges[True], colors="#455a64", linewidths=0.9,
                                        zorder=1))
    for lay, d in enumerate(sizes):
        for j in range(d):
            x, y = _node_xy68(sizes, lay, j)
            if kept[lay][j]:
                ax.add_patch(_Circle68((x, y), r, facecolor="white", edgecolor="#263238",
                                       lw=1.6, zorder=3))
            else:
                ax.add_patch(_Circle68((x, y), r, facecolor="#f5f5f5", edgecolor="#bdbdbd",
                                       lw=1.2, ls="--", zorder=3))
                ax.plot([x - 0.6 * r, x + 0.6 * r], [y - 0.6 * r, y + 0.6 * r],
                        color=_C68["l1"], lw=1.5, zorder=4)
                ax.plot([x - 0.6 * r, x + 0.6 * r], [y + 0.6 * r, y - 0.6 * r],
                        color=_C68["l1"], lw=1.5, zorder=4)
    top = (max(sizes) - 1) / 2
    names = ["input"] + ["hidden"] * (len(sizes) - 2) + ["output"]
    for lay, name in enumerate(names):
        ax.text(lay * 3.0, -top - 0.8, f"{name}\nlayer {lay + 1}", ha="center", va="top",
                fontsize="small")
    ax.set_xlim(-0.7, (len(sizes) - 1) * 3.0 + 0.7)
    ax.set_ylim(-top - 2.0, top + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    return [np.flatnonzero(~k) for k in kept[1:-1]]


@styled
def dropout_network_figure(mini_batch=1, p_drop=0.5, sizes=(5, 8, 8, 3), seed=0):
    """Step 2 of the dropout procedure, drawn: the full network and the network of one mini-batch.

    The deleted hidden nodes (greyed out, crossed) come from
    :func:`lecture5.dropout.dropout_masks` with the generator ``default_rng([seed, mini_batch])``,
    so every mini-batch number gives its own reproducible choice.  Input and output nodes are
    never deleted.  Returns ``(fig, caption)``.
    """
    mini_batch = _v68.integer("mini_batch", mini_batch, low=0)
    sizes = [_v68.integer(f"sizes[{i}]", s, low=1, high=12) for i, s in enumerate(sizes)]
    if len(sizes) < 3:
        raise ValueError(f"sizes must have at least one hidden layer to drop from, got {sizes}")
    masks = _dropout68.dropout_masks(sizes, p_drop, np.random.default_rng([seed, mini_batch]))
    fig, (ax1, ax2) = new_figure(1, 2)
    _draw_dropout_net68(ax1, sizes)
    ax1.set_title("full network (used at test time)")
    deleted = _draw_dropout_net68(ax2, sizes, masks)
    n_del = sum(len(d) for d in deleted)
    ax2.set_title(f"mini-batch {mini_batch}: {n_del} of {sum(sizes[1:-1])} hidden nodes deleted")
    parts = [f"layer {i + 2}: nodes {', '.join(str(j + 1) for j in d) or 'none'}"
             for i, d in enumerate(deleted)]
    caption = f"mini-batch {mini_batch}, p_drop = {p_drop:g}: deleted " + "; ".join(parts)
    return fig, caption


@styled
def dropout_expectation_figure(p_drop=0.5, samples=4000, example=0, seed=0, **settings):
    """Why the outgoing weights are scaled at test time: the input z^3 = w^3 a^2 + b^3 of one
    output neuron, for one test digit, over many random masks of the hidden layer.

    The network is the one trained with dropout in :func:`dropout_run`.  Left: the slides'
    procedure (kept nodes pass a^2 unchanged); the average over masks
    (:func:`lecture5.dropout.sample_preactivations`) equals z^3 of the full network with
    (1 - p_drop) w^3 (:func:`lecture5.dropout.test_time_preactivation`), not z^3 with w^3 itself.
    Right: inverted dropout (kept nodes pass a^2 / (1 - p_drop)); the average equals the
    unscaled z^3.  The neuron shown is the one of the digit's true class.  Returns
    ``(fig, caption)``.
    """
    kw = dict(DROPOUT_PROBLEM)
    kw.update(settings)
    run = dropout_run(0.5, **settings)
    net = _network68(run, kw["sizes"])
    data = _datasets68.load_mnist(n_train=1, n_test=kw["n_test"], seed=kw.get("seed", 0))
    example = _v68.integer("example", example, low=0, high=data.X_test.shape[1] - 1)
    x = data.X_test[:, example:example + 1]
    j = int(data.y_test[example])
    rng = np.random.default_rng(seed)
    # the full network with w^3 as trained (no scaling: p_drop = 0)
    unscaled = float(_dropout68.test_time_preactivation(net, x, 0.0)[j, 0])
    fig, axes = new_figure(1, 2, sharey=True)
    parts = []
    for ax, inverted in zip(axes, (False, True)):
        z = _dropout68.sample_preactivations(net, x, p_drop, rng, samples,
                                             inverted=inverted)[:, j, 0]
        test_z = float(_dropout68.test_time_preactivation(net, x, p_drop, inverted=inverted)[j, 0])
        ax.hist(z, bins=50, color=_C68["grey"], edgecolor="white")
        ax.axvline(z.mean(), color="black", lw=2.5, ls="--",
                   label=f"average over masks: {z.mean():.2f}")
        if inverted:
            ax.axvline(test_z, color=_C68["prox"], lw=2.2,
                       label=f"full network, $w^3$ as trained: {test_z:.2f}")
        else:
            ax.axvline(test_z, color=_C68["prox"], lw=2.2,
                       label=f"full network, $(1-p)\\,w^3$: {test_z:.2f}")
            ax.axvline(unscaled, color=_C68["l1"], lw=2.2,
                       label=f"full network, $w^3$ unscaled: {unscaled:.2f}")
        ax.set(xlabel=f"$z^3_{{{j}}}$ (input of output neuron {j})",
               title="inverted dropout: $a^2/(1-p)$ kept" if inverted
               else "slides' dropout: kept $a^2$ unchanged")
        ax.legend(loc="upper left", fontsize="small")
        ax.set_ylim(top=ax.get_ylim()[1] * 1.35)
        parts.append(f"{'inverted' if inverted else 'slides'}: mean over {samples} masks "
                     f"{z.mean():.3f}, test-time z {test_z:.3f}")
    axes[0].set_ylabel("number of masks")
    fig.suptitle(f"a test digit '{j}', p_drop = {p_drop:g}: what output neuron {j} receives "
                 "with random masks", fontsize="medium")
    caption = "; ".join(parts) + f"; unscaled full network {unscaled:.3f}"
    return fig, caption


def _gap68(run):
    return run.history["train_accuracy"][-1] - run.history["eval_accuracy"][-1]


@styled
def dropout_overfitting_figure(p_drop=0.5, dropout="slides", **settings):
    """Training vs test accuracy and cost, without dropout and with ``p_drop``, per epoch.

    Both runs train :data:`DROPOUT_PROBLEM` (1,000 digits, [784, 100, 10]) with the same seed;
    test accuracy and cost are those of the full network at test time (weights leaving the
    hidden layer scaled by 1 - p_drop after the slides' dropout).  Returns ``(fig, caption)``.
    """
    base = dropout_run(0.0, "slides", **settings)
    run = dropout_run(p_drop, dropout, **settings)
    epochs = np.arange(1, len(run.history["epoch"]) + 1)
    fig, (ax1, ax2) = new_figure(1, 2)
    label = f"p_drop = {p_drop:g}" + (" (inverted)" if dropout == "inverted" else "")
    for r, name, color in ((base, "no dropout", _C68["none"]), (run, label, _C68["drop"])):
        h = r.history
        ax1.plot(epochs, h["train_accuracy"], color=color, ls="--", lw=1.6,
                 label=f"{name}: training")
        ax1.plot(epochs, h["eval_accuracy"], color=color, label=f"{name}: test")
        ax2.plot(epochs, h["train_cost"], color=color, ls="--", lw=1.6,
                 label=f"{name}: training")
        ax2.plot(epochs, h["eval_cost"], color=color, label=f"{name}: test")
    # the lower limit follows the data (a large p_drop starts far below 0.75)
    lowest = min(min(r.history[k]) for r in (base, run) for k in ("train_accuracy",
                                                                    "eval_accuracy"))
    low = min(max(0.0, lowest - 0.03), 0.95)
    ax1.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(low, 1.005))
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(_MaxNLocator68(integer=True))
    ax2.set(xlabel="epoch", ylabel="cross-entropy cost $C_0$", title="cost")
    # both panels share one legend, under them, where it hides no curve
    fig.legend(*ax1.get_legend_handles_labels(), loc="outside lower center", ncols=2,
               fontsize="small", frameon=False)
    fig.suptitle("1,000 training digits, [784, 100, 10]: overfitting without and with dropout",
                 fontsize="medium")
    caption = (f"no dropout: training {base.history['train_accuracy'][-1]:.3f}, test "
               f"{base.history['eval_accuracy'][-1]:.3f} (gap {_gap68(base):.3f}), test cost "
               f"{base.history['eval_cost'][-1]:.3f}; {label}: training "
               f"{run.history['train_accuracy'][-1]:.3f}, test "
               f"{run.history['eval_accuracy'][-1]:.3f} (gap {_gap68(run):.3f}), test cost "
               f"{run.history['eval_cost'][-1]:.3f}")
    return fig, caption


class Step5Runs(_NamedTuple68):
    """:func:`step5_runs`: per-epoch test accuracy and weight norm, the correct test-time scaling
    against the slide's step 5 taken literally, and the accuracy after halving k times."""

    correct_accuracy: tuple
    correct_norm: tuple
    literal_accuracy: tuple
    literal_norm: tuple
    halved_accuracy: tuple  # the finished correct network with all weights halved k = 0, 1, ...


def step5_runs(p_drop=0.5, halvings=8, **settings) -> Step5Runs:
    """Train :data:`DROPOUT_PROBLEM` with dropout twice from the same start.

    *correct*: the network is used at test time with the weights leaving the hidden layer scaled
    by (1 - p_drop), once (:func:`lecture5.dropout.test_time_weights`).  *literal*: after each
    epoch every weight is multiplied by 1/2 (:func:`lecture5.dropout.literal_step5`), training
    goes on from the halved weights, and the network is tested as it is.  ``halved_accuracy[k]``
    is the test accuracy of the finished correct network after k literal halvings with no
    training in between.
    """
    kw = dict(DROPOUT_PROBLEM)
    kw.update(settings)
    halvings = _v68.integer("halvings", halvings, low=0, high=30)
    return _step5_runs68(float(p_drop), halvings, tuple(kw["sizes"]), kw["n_train"],
                         kw["epochs"], float(kw["eta"]), kw["n_test"], kw.get("seed", 0))


def _norm68(weights):
    return _math68.sqrt(sum(float(np.vdot(w, w)) for w in weights))


@functools.lru_cache(maxsize=4)
def _step5_runs68(p_drop, halvings, sizes, n_train, epochs, eta, n_test, seed):
    correct = dropout_run(p_drop, "slides", sizes=sizes, n_train=n_train, epochs=epochs, eta=eta,
                          n_test=n_test, seed=seed)
    data = _datasets68.load_mnist(n_train=n_train, n_test=n_test, seed=seed)
    net = _Net68(list(sizes), cost=_CE68, seed=seed)
    trainer = _Trainer68(net, data.X_train, data.Y_train, eta=eta, p_drop=p_drop,
                         monitor=False, seed=seed)
    acc, norm = [], []
    for _ in range(epochs):
        trainer.run_epoch()
        for w, half in zip(net.weights, _dropout68.literal_step5(net.weights)):
            w[...] = half  # step 5 read literally: every weight times 1/2, after each epoch
        acc.append(net.accuracy(data.X_test, data.y_test))
        norm.append(_norm68(net.weights))
    final = _network68(correct, sizes)
    final.weights = _dropout68.test_time_weights(final.weights, p_drop)
    halved = []
    for _ in range(halvings + 1):
        halved.append(final.accuracy(data.X_test, data.y_test))
        final.weights = _dropout68.literal_step5(final.weights)
    h = correct.history
    return Step5Runs(tuple(h["eval_accuracy"]), tuple(h["weight_norm"]), tuple(acc), tuple(norm),
                     tuple(halved))


@styled
def step5_figure(p_drop=0.5, **settings):
    """The slide's step 5 ("after each epoch decrease each weight by a factor 1/2") read
    literally, against scaling the outgoing weights once at test time: test accuracy and weight
    norm per epoch (:func:`step5_runs`).  Returns ``(fig, caption)``."""
    res = step5_runs(p_drop, **settings)
    epochs = np.arange(1, len(res.correct_accuracy) + 1)
    fig, (ax1, ax2) = new_figure(1, 2)
    ax1.plot(epochs, res.correct_accuracy, color=_C68["prox"], marker="o", ms=4,
             label="scale $w^3$ by $1-p$ once, at test time")
    ax1.plot(epochs, res.literal_accuracy, color=_C68["l1"], marker="s", ms=4,
             label="halve every weight after each epoch")
    ax1.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1), title="test accuracy")
    ax1.legend(loc="lower right", fontsize="small")
    ax2.plot(epochs, res.correct_norm, color=_C68["prox"], marker="o", ms=4,
             label="as trained (scaled only at test time)")
    ax2.plot(epochs, res.literal_norm, color=_C68["l1"], marker="s", ms=4,
             label="halved after each epoch")
    ax2.set(xlabel="epoch", ylabel=r"weight norm $\sqrt{\sum w^2}$", ylim=(0, None),
            title="size of the weights")
    ax2.legend(loc="lower right", bbox_to_anchor=(0.99, 0.27), fontsize="small")
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(_MaxNLocator68(integer=True))
    fig.suptitle(f"dropout with p_drop = {p_drop:g}: step 5 of the slides read literally",
                 fontsize="medium")
    caption = (f"after {epochs[-1]} epochs: test accuracy {res.correct_accuracy[-1]:.3f} with the "
               f"test-time scaling, {res.literal_accuracy[-1]:.3f} with halving after each "
               f"epoch; weight norm {res.correct_norm[-1]:.1f} vs {res.literal_norm[-1]:.1f}")
    return fig, caption


# ~~~ 08: early stopping ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
#: the run of notebook 08: 1,000 training digits and 1,000 validation digits held out of MNIST's
#: training split, a [784, 30, 10] network, at most 30 epochs; 2,000 test digits for the end
EARLY_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "validation": 1000, "epochs": 30,
                 "eta": 0.5, "n_test": 2000}


def early_run(patience=None, **settings) -> TrainingRun:
    """The run of notebook 08 (:data:`EARLY_PROBLEM`), with early stopping after ``patience``
    epochs without a better validation accuracy (None: all epochs).  Other settings (lmbda,
    penalty, p_drop, ...) go to :func:`training_run`."""
    kw = dict(EARLY_PROBLEM)
    kw.update(settings)
    return training_run(patience=patience, **kw)


def _restored68(run):
    """True if early stopping stopped the run (and so restored the weights of its best epoch)."""
    return run.message.startswith("Early stopping")


def weight_norm(weights) -> float:
    """sqrt(sum_w w^2) over all weight matrices (the Trainer's history key "weight_norm")."""
    return _norm68(weights)


@styled
def early_stopping_figure(patience=5, **settings):
    """Training and validation accuracy of the full run, and where early stopping with
    ``patience`` stops and which epoch's weights it restores.

    The early-stopped run is a separate :class:`lecture5.training.Trainer` run with
    ``early_stopping=patience``; with the same seed it follows the full run exactly until it
    stops.  Right: the weight norm per epoch, and that of the restored network.  Returns
    ``(fig, caption)``.
    """
    patience = _v68.integer("patience", patience, low=1)
    full = early_run(None, **settings)
    run = early_run(patience, **settings)
    h = full.history
    epochs = np.arange(1, len(h["epoch"]) + 1)
    fig, (ax1, ax2) = new_figure(1, 2)
    ax1.plot(epochs, h["train_accuracy"], color=_C68["none"], ls="--", lw=1.6,
             label="training data")
    ax1.plot(epochs, h["eval_accuracy"], color=_C68["val"], label="validation data")
    best, stop = run.best_epoch, run.epochs_run
    stopped = _restored68(run)
    k_epochs = f"{patience} epoch{'s' if patience != 1 else ''}"
    for ax in (ax1, ax2):
        if stopped:
            ax.axvspan(best, stop, color="#ffe0b2", alpha=0.6, lw=0,
                       label=f"{k_epochs} without improvement")
            ax.axvline(stop, color=_C68["drop"], lw=2, label=f"stopped after epoch {stop}")
        ax.xaxis.set_major_locator(_MaxNLocator68(integer=True))
    ax1.plot([best], [run.eval_accuracy], marker="*", ms=17, color=_C68["prox"], ls="none",
             zorder=5, label=f"restored: epoch {best}, {run.eval_accuracy:.3f}")
    lo = min(h["eval_accuracy"][2:]) - 0.03
    ax1.set(xlabel="epoch", ylabel="accuracy", ylim=(lo, 1.005),
            title="accuracy during training")
    ax1.legend(loc="center right", bbox_to_anchor=(1.0, 0.58), fontsize="small")
    restored_norm = weight_norm(run.weights)
    ax2.plot(epochs, h["weight_norm"], color=_C68["none"], label="full run")
    ax2.plot([best], [restored_norm], marker="*", ms=17, color=_C68["prox"], ls="none",
             zorder=5, label=f"restored network: {restored_norm:.1f}")
    ax2.set(xlabel="epoch", ylabel=r"weight norm $\sqrt{\sum w^2}$", ylim=(0, None),
            title="the weights keep growing")
    ax2.legend(loc="lower right", fontsize="small")
    fig.suptitle(f"early stopping with patience k = {patience} (1,000 training digits)",
                 fontsize="medium")
    if stopped:
        what = (f"stopped after epoch {stop} ({k_epochs} without improvement), restored "
                f"the weights of epoch {best}")
    else:
        what = f"never {k_epochs} without improvement: ran all {stop} epochs"
    caption = (f"patience k = {patience}: {what}; validation accuracy {run.eval_accuracy:.3f} "
               f"(best of the run {max(run.history['eval_accuracy']):.3f}); test accuracy "
               f"{run.test_accuracy:.3f} vs {full.test_accuracy:.3f} after {len(epochs)} "
               f"epochs; weight norm {restored_norm:.1f} vs {h['weight_norm'][-1]:.1f}")
    return fig, caption


@styled
def early_stopping_vs_l2_figure(lmbda=1.0, patience=5, **settings):
    """Early stopping as an implicit regularizer, next to L2: validation accuracy and weight norm
    per epoch without regularization, with L2 (eq (28), ``lmbda``), and the network that early
    stopping (``patience``) restores from the unregularized run.  Returns ``(fig, caption)``."""
    lmbda = _v68.number("lmbda", lmbda, low=0.0)
    full = early_run(None, **settings)
    l2 = early_run(None, lmbda=lmbda, penalty="l2", **settings)
    es = early_run(patience, **settings)
    epochs = np.arange(1, len(full.history["epoch"]) + 1)
    es_norm = weight_norm(es.weights)
    fig, (ax1, ax2) = new_figure(1, 2)
    for r, name, color in ((full, "no regularization", _C68["none"]),
                           (l2, f"L2, λ = {lmbda:.3g}", _C68["l2"])):
        ax1.plot(epochs, r.history["eval_accuracy"], color=color, label=name)
        ax2.plot(epochs, r.history["weight_norm"], color=color, label=name)
    ax1.plot([es.best_epoch], [es.eval_accuracy], marker="*", ms=17, color=_C68["prox"],
             ls="none", label=f"early stopping (k = {patience})")
    ax2.plot([es.best_epoch], [es_norm], marker="*", ms=17, color=_C68["prox"], ls="none",
             label=f"early stopping (k = {patience})")
    ax1.set(xlabel="epoch", ylabel="validation accuracy", title="validation accuracy",
            ylim=(min(full.history["eval_accuracy"][2:] + l2.history["eval_accuracy"][2:])
                  - 0.02, None))
    ax2.set(xlabel="epoch", ylabel=r"weight norm $\sqrt{\sum w^2}$", ylim=(0, None),
            title="weight norm")
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(_MaxNLocator68(integer=True))
        ax.legend(loc="lower right", fontsize="small")
    fig.suptitle("two ways to keep the weights small: stop early, or penalise them (L2)",
                 fontsize="medium")
    caption = (f"weight norm: {full.history['weight_norm'][-1]:.1f} without regularization, "
               f"{l2.history['weight_norm'][-1]:.1f} with L2 (λ = {lmbda:.3g}), "
               f"{es_norm:.1f} early-stopped at epoch {es.best_epoch}; test accuracy "
               f"{full.test_accuracy:.3f}, {l2.test_accuracy:.3f}, {es.test_accuracy:.3f}")
    return fig, caption


#: the methods of the take-home figure: label -> settings for :func:`early_run`
TAKE_HOME_METHODS = {
    "none": {},
    "L2\nλ = 1": {"lmbda": 1.0, "penalty": "l2"},
    "L1\nλ = 0.3": {"lmbda": 0.3, "penalty": "l1_prox"},
    "dropout\np = 0.2": {"p_drop": 0.2},
    "early\nstopping\nk = 5": {"patience": 5},
}


@styled
def take_home_figure(methods=None, **settings):
    """Every method of the lecture on the same 1,000 digits: training and test accuracy, and the
    size of the weights, of the network each one ends with.  ``methods`` maps labels to
    settings (default :data:`TAKE_HOME_METHODS`).  Returns ``(fig, caption)``."""
    methods = dict(TAKE_HOME_METHODS if methods is None else methods)
    if not methods:
        raise ValueError("methods must name at least one method")
    runs = {}
    for name, kw in methods.items():
        kw = dict(kw)
        runs[name] = early_run(kw.pop("patience", None), **{**settings, **kw})
    names = list(runs)
    x = np.arange(len(names))
    # training accuracy of the final network: of the restored epoch after early stopping
    train = [runs[n].history["train_accuracy"][(runs[n].best_epoch if _restored68(runs[n])
                                                 else runs[n].epochs_run) - 1] for n in names]
    test = [runs[n].test_accuracy for n in names]
    norms = [weight_norm(runs[n].weights) for n in names]
    fig, (ax1, ax2) = new_figure(1, 2)
    ax1.bar(x - 0.2, train, 0.4, color=_C68["grey"], label="training digits")
    ax1.bar(x + 0.2, test, 0.4, color=_C68["val"], label="test digits")
    for xi, t in zip(x, test):
        ax1.text(xi + 0.2, t + 0.004, f"{t:.3f}", ha="center", va="bottom", fontsize="x-small")
    ax1.set(ylabel="accuracy", ylim=(0.8, 1.03), title="accuracy of the final network")
    ax1.legend(loc="upper right", fontsize="small", ncol=2)
    colors = [_C68["none"], _C68["l2"], _C68["l1"], _C68["drop"], _C68["prox"]]
    ax2.bar(x, norms, 0.6, color=[colors[i % len(colors)] for i in range(len(names))])
    ax2.set(ylabel=r"weight norm $\sqrt{\sum w^2}$", title="size of its weights")
    for ax in (ax1, ax2):
        ax.set_xticks(x, names, fontsize="small")
        ax.grid(axis="x", visible=False)
    sizes = list({**EARLY_PROBLEM, **settings}["sizes"])
    fig.suptitle(f"1,000 training digits, {sizes}: the same problem, {len(names)} ways to train",
                 fontsize="medium")
    caption = "; ".join(f"{n.replace(chr(10), ' ')}: test {t:.3f}, weight norm {w:.1f}"
                        for n, t, w in zip(names, test, norms))
    return fig, caption

# --- end 06-08 ---

# --- 09: artificial expansion of the training data -------------------------------------------
# Slides "More training data improves test accuracy" and "Generating artificial training data".
# Images are 28 x 28 with rows running downwards (as imshow draws them); data sets are in the
# column form X (784, m).  The transformations come from lecture5.augment, the networks are
# trained by lecture5.training.Trainer; this section only picks digits, runs them and draws.

import numpy as np  # noqa: E402, F811
from matplotlib.patches import Rectangle as _Rectangle09  # noqa: E402

from . import _validate as _validate09  # noqa: E402
from . import augment as _augment09  # noqa: E402
from .costs import CrossEntropyCost as _CrossEntropy09  # noqa: E402
from .datasets import load_mnist as _load_mnist09  # noqa: E402
from .datasets import one_hot as _one_hot09  # noqa: E402
from .network import Network as _Network09  # noqa: E402
from .training import Trainer as _Trainer09  # noqa: E402

_SIDE09 = 28
_DIGIT_CMAP09 = "gray_r"  # ink dark on white, like a digit written on paper
_RED09 = "#c62828"
_BLUE09 = "#1565c0"
_ORANGE09 = "#ef6c00"


def sample_digits(labels=(5, 0, 4, 1)):
    """The first bundled MNIST training digit of each class in ``labels``, in MNIST's own order.

    Returns ``(X, y)``: ``X`` (784, k) with one digit per column, ``y`` (k,) its labels.  The very
    first MNIST training digit is a 5, the one to rotate as on the slide.
    """
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__") or len(labels) == 0:
        raise TypeError(f"labels must be a non-empty list of digit classes 0-9, got {labels!r}")
    labels = [_validate09.integer(f"labels[{i}]", c, low=0, high=9) for i, c in enumerate(labels)]
    data = _load_mnist09(n_test=1, seed=None)
    cols = [int(np.flatnonzero(data.y_train == c)[0]) for c in labels]
    return data.X_train[:, cols].copy(), data.y_train[cols].copy()


def _images09(X, name="X", max_images=6):
    """``X`` (784, k) -> images (k, 28, 28); a single 784-vector or 28 x 28 image is one column."""
    arr = np.asarray(X)
    if arr.ndim == 1 or arr.shape == (_SIDE09, _SIDE09):
        arr = np.reshape(arr, (-1, 1))
    arr = _validate09.as_matrix(name, arr, rows=_SIDE09 * _SIDE09)
    if arr.shape[1] > max_images:
        raise ValueError(f"{name} must hold at most {max_images} digits (columns) to be drawn, "
                         f"got {arr.shape[1]}")
    return arr.T.reshape(-1, _SIDE09, _SIDE09)


def _show_digit09(ax, img, title=None, fontsize="medium"):
    """A grey-value image (ink dark) or an RGB picture in a frame without ticks."""
    if img.ndim == 3:
        ax.imshow(img, interpolation="nearest")
    else:
        ax.imshow(img, cmap=_DIGIT_CMAP09, vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#bdbdbd")
    if title:
        ax.set_title(title, fontsize=fontsize)


def _overlay09(before, after):
    """An RGB picture: ``before`` in blue, ``after`` in red, both (overlap) dark purple."""
    b = np.clip(before, 0.0, 1.0)
    a = np.clip(after, 0.0, 1.0)
    return np.stack([1.0 - 0.85 * b, 1.0 - 0.85 * np.maximum(a, b), 1.0 - 0.85 * a], axis=-1)


@styled
def rotation_figure(image, degrees=15.0):
    """The slide's example: a digit and the same digit rotated by ``degrees`` to the left.

    Positive ``degrees`` turn counter-clockwise (to the left), computed by
    :func:`lecture5.augment.rotate`.  Three panels: the original, the rotated copy (a new training
    digit with the same label), and both on top of each other (original blue, rotated red).
    Returns the Figure.
    """
    img = _images09(image, "image", max_images=1)[0]
    degrees = _validate09.number("degrees", degrees, low=-180.0, high=180.0)
    turned = _augment09.rotate(img, degrees)
    fig, axes = new_figure(1, 3, figsize=(FIGSIZE[0], 3.9))
    where = "left" if degrees >= 0 else "right"
    _show_digit09(axes[0], img, "original")
    _show_digit09(axes[1], turned, f"rotated {abs(degrees):g}° to the {where}")
    _show_digit09(axes[2], _overlay09(img, turned), "both: original blue, rotated red")
    fig.suptitle(f"Rotating by {abs(degrees):g}° to the {where}: a new training digit, same label")
    return fig


_GAP09 = 4  # pixels of grey between the panels of the mosaic


@styled
def distortion_grid(X, degrees=15.0, dx=2.0, dy=0.0, factor=0.3, alpha=34.0, sigma=4.0, seed=0):
    """A few digits, each transformed four ways (one row per digit).

    Columns: the original; rotated by ``degrees`` to the left (:func:`~lecture5.augment.rotate`);
    shifted ``dx`` pixels right and ``dy`` down (:func:`~lecture5.augment.shift`); skewed by
    ``factor`` (:func:`~lecture5.augment.skew`); elastically distorted with ``alpha``, ``sigma``
    (:func:`~lecture5.augment.elastic_distortion`, Simard, Steinkraus & Platt 2003); and that
    random displacement field (:func:`~lecture5.augment.elastic_field`) as arrows: an arrow starts
    at an output pixel and ends where that pixel reads its ink in the original, so the ink moves
    roughly against the arrows.  Row i uses the random field of seed ``seed + i``, so moving alpha
    or sigma deforms the same field smoothly.

    All panels are one mosaic image in one Axes, so a redraw is quick enough for a slider.
    ``X``: (784, k) digits as columns, 1 <= k <= 6.  Returns ``(fig, caption)``; the caption
    gives, for each transformation and averaged over the digits, the share of ink that moved
    (sum |new - old| / (2 sum old): 0 = nothing changed, 100% = no overlap) and the share of ink
    kept (sum new / sum old: ink pushed over the border is lost, interpolation can add a
    little), and the largest displacement of the elastic fields.
    """
    images = _images09(X)
    degrees = _validate09.number("degrees", degrees, low=-180.0, high=180.0)
    dx = _validate09.number("dx", dx, low=-_SIDE09, high=_SIDE09)
    dy = _validate09.number("dy", dy, low=-_SIDE09, high=_SIDE09)
    factor = _validate09.number("factor", factor, low=-5.0, high=5.0)
    alpha = _validate09.number("alpha", alpha, low=0.0)
    sigma = _validate09.number("sigma", sigma, low=0.0, low_open=True)
    seed = _validate09.integer("seed", seed, low=0)

    k, cols, cell = images.shape[0], 6, _SIDE09 + _GAP09
    mosaic = np.full((k * cell + _GAP09, cols * cell + _GAP09), 0.08)
    ink = {"rotate": [], "shift": [], "skew": [], "elastic": []}
    moved = {name: [] for name in ink}
    arrows = []  # (x0, y0, u, v) in mosaic pixels, one block per row
    largest = 0.0
    grid_rows, grid_cols = np.mgrid[1:_SIDE09:3, 1:_SIDE09:3]
    for i, img in enumerate(images):
        # the same seed gives elastic_distortion the very field that is drawn in the last column
        field_x, field_y = _augment09.elastic_field(img.shape, alpha, sigma, seed + i)
        outs = {
            "rotate": _augment09.rotate(img, degrees),
            "shift": _augment09.shift(img, dx, dy),
            "skew": _augment09.skew(img, factor),
            "elastic": _augment09.elastic_distortion(img, alpha, sigma, rng=seed + i),
        }
        total = float(img.sum())
        for name, out in outs.items():
            ink[name].append(float(out.sum()) / total)
            moved[name].append(float(np.abs(out - img).sum()) / (2.0 * total))
        largest = max(largest, float(np.hypot(field_x, field_y).max()))
        top = _GAP09 + i * cell
        for j, panel in enumerate([img, *outs.values(), 0.25 * img]):
            left = _GAP09 + j * cell
            mosaic[top:top + _SIDE09, left:left + _SIDE09] = np.clip(panel, 0.0, 1.0)
        left = _GAP09 + 5 * cell
        arrows.append((left + grid_cols, top + grid_rows, field_x[grid_rows, grid_cols],
                       field_y[grid_rows, grid_cols]))

    width, top_room = FIGSIZE[0] * 1.15, 10.0
    height = round(width * (mosaic.shape[0] + top_room) / mosaic.shape[1] + 0.45, 2)
    fig, ax = new_figure(figsize=(width, height))
    ax.imshow(mosaic, cmap=_DIGIT_CMAP09, vmin=0.0, vmax=1.0, interpolation="nearest")
    for i, (x0, y0, u, v) in enumerate(arrows):
        arrows_i = ax.quiver(x0, y0, u, v, angles="xy", scale_units="xy", scale=1.0,
                             color=_RED09, width=0.0022)
        # arrows longer than the panel are cut at its border
        arrows_i.set_clip_path(_Rectangle09((_GAP09 + 5 * cell - 0.5, _GAP09 + i * cell - 0.5),
                                            _SIDE09, _SIDE09, transform=ax.transData))
    turn = "left" if degrees >= 0 else "right"
    titles = ["original", f"rotate {abs(degrees):g}° {turn}", f"shift ({dx:g}, {dy:g}) px",
              f"skew {factor:g}", f"elastic α={alpha:g}, σ={sigma:g}",
              "each pixel reads its\nink at the arrow tip"]
    for j, title in enumerate(titles):
        ax.text(_GAP09 + j * cell + _SIDE09 / 2, -1.0, title, ha="center", va="bottom",
                fontsize="small")
    ax.set_xlim(-0.5, mosaic.shape[1] - 0.5)
    ax.set_ylim(mosaic.shape[0] - 0.5, -0.5 - top_room)
    ax.axis("off")
    ax.set_title("Every transformed digit is a new training example with the original's label")
    parts = [f"{name} {100.0 * np.mean(moved[name]):.0f}% / {100.0 * np.mean(ink[name]):.0f}%"
             for name in ink]
    caption = (f"ink moved / ink kept: {', '.join(parts)}; "
               f"largest elastic displacement {largest:.2f} px")
    return fig, caption


def training_size_accuracy(sizes=(250, 500, 1000, 2000), copies=0, examples_seen=30_000,
                           seeds=(0, 1, 2), eta=0.5, mini_batch_size=10, n_test=10_000,
                           transforms=("rotate", "shift", "elastic"), **expand_options):
    """Test accuracy of a [784, 30, 10] cross-entropy network against the training-set size n.

    For every n in ``sizes`` and every seed: take n bundled MNIST training digits (a random sample,
    the same for every seed), optionally add ``copies`` randomly transformed versions of each
    (:func:`lecture5.augment.expand_dataset` with ``transforms`` and ``expand_options``, seeded by
    the seed), train with mini-batch SGD (eq (27)/(28) with lambda = 0, learning rate ``eta``)
    until the network has seen ``examples_seen`` examples (``examples_seen / (n (copies + 1))``
    epochs, rounded, at least 1), and measure the accuracy on ``n_test`` test digits.  Every run
    sees the same number of examples, so expansion costs no extra training steps here; only the
    variety of the data differs.

    Returns a dict with ``sizes``, ``copies``, ``epochs`` (per size), ``accuracy`` (array of
    shape (len(sizes), len(seeds)), fractions) and ``mean`` (over the seeds).
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) == 0:
        raise TypeError(f"sizes must be a non-empty list of training-set sizes, got {sizes!r}")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__len__") or len(seeds) == 0:
        raise TypeError(f"seeds must be a non-empty list of integers, got {seeds!r}")
    data = _load_mnist09(n_test=_validate09.integer("n_test", n_test, low=1, high=10_000),
                         seed=0)
    available = data.X_train.shape[1]
    sizes = [_validate09.integer(f"sizes[{i}]", n, low=1, high=available)
             for i, n in enumerate(sizes)]
    seeds = [_validate09.integer(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds)]
    copies = _validate09.integer("copies", copies, low=0)
    examples_seen = _validate09.integer("examples_seen", examples_seen, low=1)
    eta = _validate09.number("eta", eta, low=0.0, low_open=True)
    mini_batch_size = _validate09.integer("mini_batch_size", mini_batch_size, low=1)

    accuracy = np.empty((len(sizes), len(seeds)))
    epochs = []
    for a, n in enumerate(sizes):
        X, y = data.X_train[:, :n], data.y_train[:n]
        n_total = n * (copies + 1)
        epochs.append(max(1, round(examples_seen / n_total)))
        for b, seed in enumerate(seeds):
            Xs, ys = X, y
            if copies:
                Xs, ys = _augment09.expand_dataset(X, y, copies=copies, transforms=transforms,
                                                   seed=seed, **expand_options)
            net = _Network09([784, 30, 10], cost=_CrossEntropy09, seed=seed)
            trainer = _Trainer09(net, Xs, _one_hot09(ys, 10), labels=ys, eta=eta,
                                 mini_batch_size=min(mini_batch_size, n_total), monitor=False,
                                 seed=seed)
            trainer.train(epochs[-1], progress=False)
            if trainer.stopped:
                raise FloatingPointError(trainer.message)
            accuracy[a, b] = net.accuracy(data.X_test, data.y_test)
    return {"sizes": sizes, "copies": copies, "epochs": epochs, "accuracy": accuracy,
            "mean": accuracy.mean(axis=1), "examples_seen": examples_seen}


def _result_label09(result):
    if result["copies"] == 0:
        return "original digits only"
    return f"expanded ×{result['copies'] + 1} (original + {result['copies']} transformed copies)"


def accuracy_table(*results):
    """The accuracies of :func:`training_size_accuracy` results as a text table, in percent.

    One line per training-set size n, one column per result (mean over the seeds, then the
    lowest and highest seed in brackets).
    """
    if not results:
        raise ValueError("accuracy_table needs at least one result of training_size_accuracy")
    sizes = sorted({n for r in results for n in r["sizes"]})
    head = "n digits | " + " | ".join(
        "original only" if r["copies"] == 0 else f"expanded x{r['copies'] + 1}" for r in results)
    lines = [head]
    for n in sizes:
        cells = []
        for r in results:
            if n in r["sizes"]:
                i = r["sizes"].index(n)
                acc = 100.0 * r["accuracy"][i]
                cells.append(f"{acc.mean():5.1f}% [{acc.min():.1f}, {acc.max():.1f}]")
            else:
                cells.append("-")
        lines.append(f"{n:8d} | " + " | ".join(cells))
    return "\n".join(lines)


@styled
def training_size_figure(*results):
    """Test accuracy (%) against the number of original training digits n, one curve per result.

    Each point is the mean over the seeds; the bar spans the lowest to the highest seed.  The
    x axis counts original digits, so an expanded curve sits above the n digits it was made from.
    """
    if not results:
        raise ValueError("training_size_figure needs at least one result of "
                         "training_size_accuracy")
    fig, ax = new_figure(figsize=FIGSIZE)
    colors = [_BLUE09, _RED09, _ORANGE09, "#2e7d32"]
    for r, color in zip(results, colors):
        acc = 100.0 * np.asarray(r["accuracy"])
        mean = acc.mean(axis=1)
        err = np.vstack([mean - acc.min(axis=1), acc.max(axis=1) - mean])
        marker = "o" if r["copies"] == 0 else "s"
        ax.errorbar(r["sizes"], mean, yerr=err, color=color, marker=marker, capsize=4,
                    label=_result_label09(r))
        for n, m in zip(r["sizes"], mean):
            ax.annotate(f"{m:.1f}%", (n, m), textcoords="offset points",
                        xytext=(8, 4 if r["copies"] else -14), ha="left", color=color,
                        fontsize="small")
    sizes = sorted({n for r in results for n in r["sizes"]})
    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([f"{n:,}" for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("number of original training digits n (log scale)")
    ax.set_ylabel("test accuracy (%)")
    seen = results[0]["examples_seen"]
    title = ("More training data improves test accuracy" if len(results) == 1 else
             "Artificial expansion: more variety from the same digits")
    ax.set_title(f"{title}\n[784, 30, 10] network, cross-entropy, every run sees {seen:,} "
                 f"examples")
    ax.legend(loc="lower right")
    ax.margins(x=0.08, y=0.15)
    return fig


# --- end 09 ---

# --- 10: the live playground -----------------------------------------------------------------
# One figure that the playground (lecture5/playground.py) keeps and updates in place while it
# trains: cost and accuracy per epoch, the data with the decision boundary (2-D sets) or the
# first-layer weights as images (MNIST), and the histogram of all weights.  Building the figure
# once and moving its artists keeps a redraw cheap and the memory flat over a whole lecture.
# Numbering: Nielsen's (input = layer 1), so net.weights[0] is w^2, the first layer of weights.

import math  # noqa: E402

import numpy as np  # noqa: E402, F811
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from . import _validate  # noqa: E402, F811

PLAYGROUND_FIGSIZE = (11.0, 7.0)
_PLAYGROUND_GRID = 90  # decision boundary evaluated on a 90 x 90 grid
_PLAYGROUND_TILES = 30  # at most this many first-layer neurons drawn as images
_PG_ORANGE, _PG_BLUE, _PG_GREY = "#ef6c00", "#1565c0", "#757575"
_CLASS_COLORS = (_PG_ORANGE, _PG_BLUE)  # class 0 orange, class 1 blue


def _finite(values):
    """A float array with inf / -inf turned into NaN (a gap in a curve, ignored by autoscale)."""
    a = np.asarray(values, dtype=float)
    a[~np.isfinite(a)] = np.nan
    return a


def _weight_mosaic(w, tiles=_PLAYGROUND_TILES, side=28):
    """Rows of ``w`` (one hidden neuron's incoming weights each) tiled as side x side images.

    Returns a 2-D array with NaN in the 1-pixel gaps between tiles.
    """
    k = min(w.shape[0], tiles)
    cols = max(1, math.ceil(math.sqrt(k * 1.6)))
    rows = math.ceil(k / cols)
    mosaic = np.full((rows * (side + 1) - 1, cols * (side + 1) - 1), np.nan)
    for i in range(k):
        r, c = divmod(i, cols)
        mosaic[r * (side + 1): r * (side + 1) + side,
               c * (side + 1): c * (side + 1) + side] = w[i].reshape(side, side)
    return mosaic


@styled
def playground_figure(kind="2d", X_train=None, y_train=None, X_test=None, y_test=None,
                      figsize=PLAYGROUND_FIGSIZE):
    """An empty playground figure; :func:`update_playground_figure` fills it in.

    ``kind="2d"``: the lower-left panel shows the training points (filled) and test points
    (hollow) of a 2-D toy set, ``X_*`` of shape (2, m) with labels ``y_*`` in {0, 1}, over the
    network's output.  ``kind="mnist"``: it shows the first-layer weights w^2 as 28 x 28 images.

    Returns a dict ``view`` holding the Figure (``view["fig"]``) and the artists to update.
    """
    _validate.choice("kind", kind, ("2d", "mnist"))
    fig, axes = new_figure(2, 2, figsize=figsize)
    ax_cost, ax_acc, ax_data, ax_hist = axes.ravel()
    view = {"kind": kind, "fig": fig, "canvas": FigureCanvasAgg(fig), "hist_range": 0.0}

    ax_cost.set_title("cost per epoch (data part $C_0$ and penalty)")
    ax_cost.set_xlabel("epoch")
    ax_cost.set_ylabel("cost")
    view["train_cost"], = ax_cost.plot([], [], color=_PG_BLUE, label="training $C_0$")
    view["test_cost"], = ax_cost.plot([], [], color=_PG_ORANGE, label="test $C_0$")
    view["penalty"], = ax_cost.plot([], [], color=_PG_GREY, ls="--", label="penalty")
    ax_cost.legend(loc="upper right")

    ax_acc.set_title("accuracy per epoch")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    view["train_acc"], = ax_acc.plot([], [], color=_PG_BLUE, label="training")
    view["test_acc"], = ax_acc.plot([], [], color=_PG_ORANGE, label="test")
    ax_acc.legend(loc="lower right")
    for ax in (ax_cost, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))

    if kind == "2d":
        X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
        both = np.concatenate([X_train, X_test], axis=1)
        lo, hi = both.min(axis=1), both.max(axis=1)
        pad = 0.1 * (hi - lo) + 0.05
        lo, hi = lo - pad, hi + pad
        gx = np.linspace(lo[0], hi[0], _PLAYGROUND_GRID)
        gy = np.linspace(lo[1], hi[1], _PLAYGROUND_GRID)
        GX, GY = np.meshgrid(gx, gy)
        view["grid"] = np.stack([GX.ravel(), GY.ravel()])  # (2, G): one column per grid point
        extent = (lo[0], hi[0], lo[1], hi[1])
        cmap = mpl.colors.LinearSegmentedColormap.from_list(
            "lecture5_two_classes", ["#fdba74", "#ffffff", "#93c5fd"])
        view["image"] = ax_data.imshow(np.full(GX.shape, 0.5), origin="lower", extent=extent,
                                       cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto",
                                       interpolation="bilinear")
        colors = np.array(_CLASS_COLORS)
        ax_data.scatter(X_train[0], X_train[1], c=colors[np.asarray(y_train)], s=22,
                        edgecolors="white", linewidths=0.6, label="training", zorder=3)
        ax_data.scatter(X_test[0], X_test[1], facecolors="none",
                        edgecolors=colors[np.asarray(y_test)], s=22, linewidths=1.0,
                        label="test", zorder=3)
        ax_data.set_xlim(extent[:2])
        ax_data.set_ylim(extent[2:])
        ax_data.set_xlabel("$x_1$")
        ax_data.set_ylabel("$x_2$")
        ax_data.grid(False)
        ax_data.set_title("data and the network's output (blue: class 1)")
    else:
        view["image"] = ax_data.imshow(np.zeros((28, 28)), cmap="RdBu_r", vmin=-1, vmax=1,
                                       interpolation="nearest")
        ax_data.set_axis_off()
        ax_data.set_title("first-layer weights $w^2$, one image per neuron")

    ax_hist.set_xlabel("weight $w$ (all layers)")
    ax_hist.set_ylabel("count")
    view["hist"] = ax_hist.stairs(np.zeros(1), np.array([-1.0, 1.0]), fill=True, color=_PG_BLUE,
                                  alpha=0.8)
    view["ax"] = {"cost": ax_cost, "acc": ax_acc, "data": ax_data, "hist": ax_hist}
    return view


def _set_curves(ax, pairs, epochs, clamp_top=None):
    for line, values in pairs:
        line.set_data(epochs, _finite(values))
    if not len(epochs):
        ax.set_xlim(0, 10)  # an empty panel until the first epoch is done
        ax.set_ylim(0, 1)
        return
    ax.set_autoscale_on(True)
    ax.relim()
    ax.autoscale_view()
    if clamp_top is not None and ax.get_ylim()[1] > clamp_top:
        ax.set_ylim(top=clamp_top)


@styled
def update_playground_figure(view, net, history, bins=None):
    """Move the artists of ``view`` (from :func:`playground_figure`) to the state of ``net``.

    ``history`` is a :class:`lecture5.training.Trainer` history (lists per epoch).  The curves
    show the data part C_0 of the cost on the training and test sets and the penalty part
    (lambda/2n sum w^2, eq (21), or lambda/n sum |w|, eq (39)); the 2-D panel colours the
    plane by the network's output a^L (eq (4) at every grid point); the histogram covers all
    weights, with the fraction that is exactly zero in its title.  Its range (99.5% of the
    weights) only ever widens, so a shrinking set of weights (L2, eq (28)) visibly narrows;
    ``bins`` defaults to about 2 sqrt(number of weights).  Returns a caption.
    """
    epochs = np.asarray(history["epoch"], dtype=float)
    ax = view["ax"]
    _set_curves(ax["cost"], [(view["train_cost"], history["train_cost"]),
                             (view["test_cost"], history["eval_cost"]),
                             (view["penalty"], history["train_penalty"])], epochs)
    _set_curves(ax["acc"], [(view["train_acc"], history["train_accuracy"]),
                            (view["test_acc"], history["eval_accuracy"])], epochs,
                clamp_top=1.01)

    with np.errstate(all="ignore"):
        if view["kind"] == "2d":
            a = net.feedforward(view["grid"])
            p1 = a[1] / np.maximum(a[0] + a[1], 1e-12)  # how much the output favours class 1
            view["image"].set_data(_finite(p1).reshape(_PLAYGROUND_GRID, _PLAYGROUND_GRID))
        else:
            mosaic = _weight_mosaic(net.weights[0])
            s = float(np.nanmax(np.abs(mosaic))) if np.isfinite(mosaic).any() else 1.0
            s = s if s > 0 and math.isfinite(s) else 1.0
            image = view["image"]
            image.set_data(mosaic)
            image.set_extent((-0.5, mosaic.shape[1] - 0.5, mosaic.shape[0] - 0.5, -0.5))
            image.set_clim(-s, s)

        w_all = np.concatenate([w.ravel() for w in net.weights])
        finite = w_all[np.isfinite(w_all)]
        zero = float(np.mean(w_all == 0))
        # the range covers 99.5% of the weights (a few large ones go into the end bins)
        top = float(np.quantile(np.abs(finite), 0.995)) if finite.size else 1.0
        # capped so that a run on its way to divergence cannot overflow the axis arithmetic
        view["hist_range"] = min(max(view["hist_range"], top, 1e-3), 1e12)
        r = view["hist_range"]
        if bins is None:  # about 2 sqrt(number of weights), between 11 and 81
            bins = int(np.clip(2 * math.sqrt(w_all.size), 11, 81))
        counts, edges = np.histogram(np.clip(finite, -r, r), bins=bins, range=(-r, r))
        norm = math.sqrt(float(np.sum(finite * finite)))
    view["hist"].set_data(counts, edges)
    hax = ax["hist"]
    hax.set_xlim(-r, r)
    hax.set_ylim(0, max(1, counts.max()) * 1.08)
    # plain text, not mathtext: a changing mathtext string would fill matplotlib's parse cache
    hax.set_title(f"weights: {100 * zero:.1f}% exactly 0, ‖w‖ = {norm:.3g}")

    if len(epochs):
        caption = (f"epoch {int(epochs[-1])}: training cost {history['train_cost'][-1]:.3f}, "
                   f"test accuracy {history['eval_accuracy'][-1]:.3f}, "
                   f"{100 * zero:.1f}% of weights exactly 0")
    else:
        caption = f"not trained yet; {100 * zero:.1f}% of weights exactly 0"
    return caption


def render_png(view, compress_level=1) -> bytes:
    """The playground figure as PNG bytes, fast: the Agg canvas is reused and the PNG is only
    lightly compressed (a redraw must not slow training down)."""
    buf = io.BytesIO()
    view["canvas"].print_png(buf, pil_kwargs={"compress_level": compress_level})
    if not view.get("frozen"):
        # the constrained layout (about half of a redraw) is computed once, then kept
        view["fig"].set_layout_engine("none")
        view["frozen"] = True
    return buf.getvalue()


def playground_snapshot(net, history, kind="2d", **data):
    """A one-off playground figure for ``net`` and ``history``: ``(fig, caption)``.

    ``data`` are the ``X_train, y_train, X_test, y_test`` of :func:`playground_figure`.
    """
    view = playground_figure(kind, **data)
    caption = update_playground_figure(view, net, history)
    return view["fig"], caption

# --- end 10 ---
