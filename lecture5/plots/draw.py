"""Drawing helpers shared by the figures: each takes an ``ax`` and draws one thing on it.

matplotlib's recommended pattern for helper functions: the caller makes the figure and its axes
(:func:`lecture5.plots.new_figure`), the helper draws into the ``ax`` it is given.  Numbers
come from the maths modules; nothing here trains a network.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.patches import Circle, Rectangle
from matplotlib.ticker import FuncFormatter, NullFormatter, ScalarFormatter

from .. import _validate, hessian
from ._style import GREY_400, GREY_700, METHOD_COLOURS, REGIME_COLOURS

__all__ = ["matrix", "cost_grid", "gd_path", "set_gd_path", "eta_strip", "plain_log_labels",
           "dropout_network", "digit", "DIGIT_CMAP", "replace_changing",
           "tick_label_width", "PaddedFormatter", "layout_once",
           "network_skeleton", "set_dropout_network", "network_artists", "text_sizes"]

DIGIT_CMAP = "gray_r"  # ink dark on white, like a digit written on paper


def matrix(ax, M, x, y, label, color="#e3f2fd", dim_zeros=False):
    """Draw the 2-D array M as a grid of numbered cells with its top-left corner at (x, y)."""
    M = np.atleast_2d(M)
    rows, cols = M.shape
    for a in range(rows):
        for b in range(cols):
            v = float(M[a, b])
            faint = dim_zeros and v == 0.0
            ax.add_patch(Rectangle((x + b, y - a - 1), 1, 1, facecolor="white" if faint else color,
                                   edgecolor=GREY_700, lw=1.0))
            ax.text(x + b + 0.5, y - a - 0.5, f"{v:.3g}", ha="center", va="center",
                    fontsize="medium", color=GREY_400 if faint else "black")
    ax.text(x + cols / 2, y + 0.25, label, ha="center", va="bottom", fontsize="medium")
    return x + cols


def cost_grid(H, w_star, xlim, ylim, num=121):
    """C_0 of eq (31) on a num x num grid: (W1, W2, C)."""
    W1, W2 = np.meshgrid(np.linspace(*xlim, num), np.linspace(*ylim, num))
    C = hessian.quadratic_cost(np.stack([W1.ravel(), W2.ravel()]), H, w_star)
    return W1, W2, C.reshape(W1.shape)


def gd_path(ax, run, w_star, w0, legend=True):
    """Contours of C_0, the path w_0, w_1, ... (cut where it leaves the picture), w* and w_0.
    Returns the path's line and the "left the picture" note, for :func:`set_gd_path`."""
    centre, half = run["centre"], run["half"]
    xlim = (centre[0] - half, centre[0] + half)
    ylim = (centre[1] - half, centre[1] + half)
    W1, W2, C = cost_grid(run["H"], w_star, xlim, ylim)
    top = float(C.max())
    levels = top * np.geomspace(2e-4, 1.0, 12)
    ax.contourf(W1, W2, C, levels=np.concatenate([[0.0], levels]), cmap="Blues_r", alpha=0.3)
    ax.contour(W1, W2, C, levels=levels, colors="#546e7a", linewidths=0.7)
    (line,) = ax.plot([], [], "-o", ms=4, lw=1.6, label="path w₀, w₁, …")
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
        ax.legend(loc="lower right", fontsize="x-small")
    note = ax.text(0.03, 0.97, "", transform=ax.transAxes, va="top", fontsize="small",
                   color=REGIME_COLOURS["diverging"],
                   bbox=dict(boxstyle="round", fc="white", ec=REGIME_COLOURS["diverging"]))
    set_gd_path(line, note, run)
    return line, note


def set_gd_path(line, note, run):
    """Show ``run``'s path in ``line`` (drawn up to the first point far outside the picture: the
    axes clip the rest) and its "left the picture at step t" in ``note`` (hidden if it stayed)."""
    centre, half, path = run["centre"], run["half"], run["path"]
    with np.errstate(invalid="ignore"):
        near = run["finite"] & (np.abs(path - centre).max(axis=1) <= 50 * half)
    n = len(path)
    if not near.all():
        n = int(np.argmin(near))
        if run["finite"][n]:
            n += 1  # one point far beyond the frame shows the direction it flies off in
    shown = np.clip(path[:n], centre - 50 * half, centre + 50 * half)
    line.set_data(shown[:, 0], shown[:, 1])
    line.set_color(REGIME_COLOURS[run["regime"]])
    note.set_visible(run["left_at"] is not None)
    note.set_text(f"left the picture at step {run['left_at']}")


def eta_strip(ax, eta, D, eta_range):
    """A log eta axis coloured by regime, 2/D_max marked, the current eta as a black bar (the
    bar's line is returned: ``bar.set_xdata([eta, eta])`` moves it)."""
    th = hessian.step_thresholds(D)
    lo, hi = eta_range
    edges = [lo, th.good_from, th.oscillating_above, th.diverging_above, hi]
    for (a, b), name in zip(zip(edges[:-1], edges[1:]), REGIME_COLOURS):
        a, b = max(a, lo), min(b, hi)
        if b <= a:
            continue
        ax.axvspan(a, b, color=REGIME_COLOURS[name], alpha=0.35, lw=0)
        ax.text(math.sqrt(a * b), 0.5, name, ha="center", va="center", fontsize="small",
                zorder=3, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
    if lo < th.diverging_above < hi:
        ax.axvline(th.diverging_above, color="black", ls="--", lw=1.2)
        ax.text(th.diverging_above, 1.04, f"$2/D_{{max}}$ = {th.diverging_above:.3g}",
                ha="center", va="bottom", fontsize="small", transform=ax.get_xaxis_transform())
    bar = ax.axvline(min(max(eta, lo), hi), color="black", lw=3.5, zorder=1)
    # a triangle above the strip: visible where a regime's label hides the bar (moves with it:
    # eta_strip_marker)
    ax.scatter([bar.get_xdata()[0]], [1.0], marker="v", s=170, color="black", clip_on=False,
               zorder=5, label="_eta")
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    decades = [10.0 ** k for k in range(math.ceil(math.log10(lo)),
                                        math.floor(math.log10(hi)) + 1)]
    ax.set_xticks(decades, [f"{d:g}" for d in decades])  # plain labels: cheaper than 10^k
    ax.minorticks_off()
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.grid(False)
    ax.set_xlabel("learning rate η (log scale); black bar and ▼ = current η")
    return bar


def plain_log_labels(ax):
    """Label a log y-axis with plain numbers (0.5, 1, 2) rather than 5 x 10^-1; when it spans
    at most 1.5 decades, label the minor ticks at 2, 3 and 5 times a power of ten too."""
    lo, hi = ax.get_ylim()
    plain = FuncFormatter(lambda v, _pos: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    if hi / lo > 10 ** 1.5:
        ax.yaxis.set_minor_formatter(NullFormatter())
        return

    def minor(v, _pos):
        mantissa = v / 10 ** math.floor(math.log10(v))
        return f"{v:g}" if min(abs(mantissa - c) for c in (2, 3, 5)) < 1e-6 else ""

    ax.yaxis.set_minor_formatter(FuncFormatter(minor))


def _node_xy(sizes, layer, j, dx=3.0):
    """Position of node j of layer ``layer`` (0-based) in a drawing of ``sizes``."""
    return layer * dx, (sizes[layer] - 1) / 2 - j


def dropout_network(ax, sizes, masks=None):
    """Draw the network; nodes of hidden layer i+2 with masks[i][j] == 0 are greyed out."""
    return set_dropout_network(network_skeleton(ax, sizes), masks)


_NODE_R = 0.28


def network_skeleton(ax, sizes) -> dict:
    """The network drawn with every node kept, as artists :func:`set_dropout_network` greys out
    (a crossed node, its edges pale): {"sizes", "edges" (live, dead), "nodes" (per layer), "crosses"
    (per hidden layer, two lines per node, hidden)}."""
    r = _NODE_R
    # one collection per kind: far faster to draw than one line per edge
    dead = ax.add_collection(LineCollection([], colors="#eeeeee", linewidths=0.6, zorder=0))
    live = ax.add_collection(LineCollection([], colors="#455a64", linewidths=0.9, zorder=1))
    nodes, crosses = [], []
    for lay, d in enumerate(sizes):
        nodes.append([])
        hidden = 0 < lay < len(sizes) - 1
        if hidden:
            crosses.append([])
        for j in range(d):
            x, y = _node_xy(sizes, lay, j)
            nodes[-1].append(ax.add_patch(Circle((x, y), r, zorder=3)))
            if hidden:
                crosses[-1].append([
                    ax.plot([x - 0.6 * r, x + 0.6 * r], [y + s * 0.6 * r, y - s * 0.6 * r],
                            color=METHOD_COLOURS["l1"], lw=1.5, zorder=4, visible=False)[0]
                    for s in (-1, 1)])
    top = (max(sizes) - 1) / 2
    names = ["input"] + ["hidden"] * (len(sizes) - 2) + ["output"]
    for lay, name in enumerate(names):
        ax.text(lay * 3.0, -top - 0.8, f"{name}\nlayer {lay + 1}", ha="center", va="top",
                fontsize="small")
    ax.set_xlim(-0.7, (len(sizes) - 1) * 3.0 + 0.7)
    ax.set_ylim(-top - 2.0, top + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    return {"sizes": list(sizes), "edges": (live, dead), "nodes": nodes, "crosses": crosses}


def set_dropout_network(net, masks=None):
    """Grey out and cross the nodes of hidden layer i+2 with masks[i][j] == 0 in a
    :func:`network_skeleton` (every other node kept); returns the deleted nodes of each hidden
    layer."""
    sizes = net["sizes"]
    kept = [np.ones(d, dtype=bool) for d in sizes]
    if masks is not None:
        for i, mask in enumerate(masks):
            kept[i + 1] = np.asarray(mask)[:, 0] != 0
    r = _NODE_R
    edges = {True: [], False: []}  # live edges, and edges touching a deleted node
    for lay in range(1, len(sizes)):
        for j in range(sizes[lay]):
            for k in range(sizes[lay - 1]):
                (x0, y0), (x1, y1) = _node_xy(sizes, lay - 1, k), _node_xy(sizes, lay, j)
                live = bool(kept[lay][j] and kept[lay - 1][k])
                edges[live].append([(x0 + r, y0), (x1 - r, y1)])
    for collection, live in zip(net["edges"], (True, False)):
        collection.set_segments(edges[live])
    for lay, layer in enumerate(net["nodes"]):
        for j, circle in enumerate(layer):
            if kept[lay][j]:
                circle.set(facecolor="white", edgecolor="#263238", lw=1.6, ls="-")
            else:
                circle.set(facecolor="#f5f5f5", edgecolor=GREY_400, lw=1.2, ls="--")
    for lay, layer in enumerate(net["crosses"]):
        for j, lines in enumerate(layer):
            for line in lines:
                line.set_visible(not kept[lay + 1][j])
    return [np.flatnonzero(~k) for k in kept[1:-1]]


def network_artists(net) -> list:
    """Every artist of a :func:`network_skeleton` that :func:`set_dropout_network` changes, in
    the order they are drawn."""
    return [*net["edges"][::-1], *(c for layer in net["nodes"] for c in layer),
            *(line for layer in net["crosses"] for pair in layer for line in pair)]


def digit(ax, img, title=None, fontsize="medium"):
    """A grey-value image (ink dark) or an RGB picture in a frame without ticks."""
    if img.ndim == 3:
        ax.imshow(img, interpolation="nearest")
    else:
        ax.imshow(img, cmap=DIGIT_CMAP, vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(GREY_400)
    if title:
        ax.set_title(title, fontsize=fontsize)


def replace_changing(fig, old, new):
    """Remove the artists ``old`` from the figure and put ``new`` where they stood in the list of
    artists an update changes, ``fig.lecture5_changing`` (if the figure has it yet), so
    :class:`lecture5.plots.Frames` draws the new ones: a new contour set for the old one."""
    changing = getattr(fig, "lecture5_changing", None)
    at = 0
    if changing is not None:
        places = [changing.index(a) for a in old if a in changing]
        at = min(places, default=0)
        changing[:] = [a for a in changing if all(a is not o for o in old)]
        changing[at:at] = new
    for artist in old:
        artist.remove()


class PaddedFormatter(ScalarFormatter):
    """matplotlib's default tick labels, padded with figure spaces (as wide as a digit,
    invisible) to ``width`` characters: an axis whose limits change with a slider (or with
    training) then takes the same room at every value.  ``align="right"`` pads on the left (the
    labels of a left y-axis, right-aligned); ``"center"`` pads both sides alike (an x-axis's
    centred labels stay centred under their ticks: one character more when the padding is
    odd)."""

    def __init__(self, width: int, align: str = "right"):
        super().__init__()
        _validate.choice("align", align, ("right", "center"))
        self.width = width
        self.align = align

    def __call__(self, x, pos=None):
        text = super().__call__(x, pos)
        if self.align == "right":
            return text.rjust(self.width, "\u2007")
        side = "\u2007" * -(-max(0, self.width - len(text)) // 2)
        return side + text + side


def tick_label_width(axis) -> tuple:
    """How much room ``axis``'s tick labels take at its current limits, before any draw: (the
    longest label in view, the length of the offset text "1e-4" above the axis)."""
    locs = axis.get_majorticklocs()
    formatter = axis.get_major_formatter()
    labels = formatter.format_ticks(locs)
    lo, hi = sorted(axis.get_view_interval())
    span = (hi - lo) * 1e-9
    shown = [t for v, t in zip(locs, labels) if lo - span <= v <= hi + span]
    return max(map(len, shown), default=0), len(formatter.get_offset())


def layout_once(fig):
    """Lay ``fig`` out at its first draw only: later draws (the frames of an app after updates
    in place, a save) keep every subplot where that layout put it, as
    :class:`lecture5.plots.Frames` keeps an app's remembered layout.  A constrained layout is
    not idempotent (laid out again from its own result, an axes' tick labels, whose number
    depends on its size, and so the margins can change), so otherwise a figure changed in
    place, or drawn twice, would not save as a fresh one.  An update whose texts outgrow that
    layout returns None: the app builds the figure afresh."""
    def freeze(_event):
        engine = fig.get_layout_engine()
        if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
            fig.set_layout_engine("none")
            fig.canvas.mpl_disconnect(cid)

    cid = fig.canvas.mpl_connect("draw_event", freeze)

def text_sizes(fig) -> tuple:
    """The room ``fig``'s texts take in its layout, before any draw: per axes, the characters
    of the longest tick label of each axis and of its offset text (:func:`tick_label_width`:
    they set the margins), and the lines of its title and axis labels; the lines of the
    suptitle.  A longer title or a longer legend entry inside an axes needs no other layout
    (the constrained layout gives titles their height, not their width).  An update that makes
    one of these larger than the figure was laid out for returns None (build afresh)."""
    def lines(text):
        return text.count("\n") + 1 if text else 0

    sizes = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            sizes.extend(tick_label_width(axis))
            sizes.append(lines(axis.label.get_text()))
        sizes.append(lines(ax.get_title()))
    sizes.append(lines(fig.get_suptitle()))
    return tuple(sizes)
