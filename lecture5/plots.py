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
    t = 0.3  # label near the tail of the edge, where edges into one neuron are still apart
    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0) + 0.22, f"$w^{{{hl}}}_{{{j}{k}}}$",
            ha="center", va="bottom", fontsize="x-large", color=_RED, zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9})
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
    caption = (f"w^{hl}_{j}{k} = net.weights[{hl - 2}][{j - 1}, {k - 1}] (row j-1, column k-1) "
               f"= W^({hl - 1})_{j}{k} in the first slides' numbering")
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

# --- end 04-05 ---

# --- 06-08: L1, dropout, early stopping ------------------------------------------------------

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
        ax.set_xlim(0, 10)  # until the first epoch is done
        ax.set_ylim(0, 1)

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
        return
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
    weights, with the fraction that is exactly zero in its title.  Its range only ever widens,
    so a shrinking set of weights (L2, eq (28)) visibly narrows; ``bins`` defaults to about
    2 sqrt(number of weights).  Returns a caption.
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
        top = float(np.max(np.abs(finite))) if finite.size else 1.0
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
    hax.set_title(f"weights: {100 * zero:.1f}% exactly 0, $\\|w\\|$ = {norm:.3g}")

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
