"""The live playground figure: one figure the playground keeps and updates in place while it trains.

Cost and accuracy per epoch, the data with the decision boundary (2-D sets) or the first-layer
weights as images (MNIST), and the histogram of all weights.

The epoch axes are square-root scaled: a run of a thousand epochs still gives its first ten a
tenth of the axis (a linear axis gives them 1 %, where the cost falls fastest and a class watches),
while the late epochs, where test cost turns up (overfitting), keep most of it; unlike a log axis
it needs no special case for epoch 0 and reads like an ordinary axis with uneven ticks.

Building the figure once and moving its artists keeps a redraw cheap and the memory flat over a
whole lecture.  The figure is drawn whole once; every refresh draws only its axes, curves,
picture and histogram over the rest (:class:`Frames`).  The axes move in steps (the epoch axis
ends at 1, 1.5, 2, 3, 5, 7, 10, 15, ...; cost and count axes at "nice" tops they keep while the
data fit), so most refreshes paste every axis as it was, and their labels are padded to one
width, so a run is laid out once.

Numbering: Nielsen's (input = layer 1), so net.weights[0] is w^2, the first layer of weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator

from .. import _validate
from . import draw
from ._fast_artists import add_mosaic
from ._render import Frames
from ._style import BLUE, GREY_600, ORANGE, new_figure, projection_on, styled

__all__ = [
    "PLAYGROUND_FIGSIZE", "LiveView", "playground_figure", "update_playground_figure", "render_png",
    "playground_snapshot",
]


PLAYGROUND_FIGSIZE = (11.0, 7.0)
#: its size in projection mode: as wide as the notebook shows at three quarters of its pixels on a
#: 1280x720 projector at 125 % (grown to 1125 px, shown 840 px), so its text stays >= 14 px
PROJECTION_PLAYGROUND_FIGSIZE = (9.0, 7.0)
_PLAYGROUND_GRID = 90  # decision boundary evaluated on a 90 x 90 grid
_PLAYGROUND_TILES = 30  # at most this many first-layer neurons drawn as images
_CLASS_COLORS = (ORANGE, BLUE)  # class 0 orange, class 1 blue
_POINT_SIZE = math.sqrt(22)  # marker diameter in points (a scatter of s=22 points squared)


@dataclass
class LiveView:
    """The playground figure and the artists an update moves (see :func:`playground_figure`)."""

    kind: str  # "2d" (a toy set under the decision boundary) or "mnist" (w^2 as images)
    fig: object  # the matplotlib Figure
    frames: Frames  # renders it: one draw, the layout computed again only when texts grow
    ax: dict = field(default_factory=dict)  # "cost", "acc", "data", "hist"
    train_cost: object = None  # Line2D of each curve
    test_cost: object = None
    penalty: object = None
    train_acc: object = None
    test_acc: object = None
    image: object = None  # AxesImage: the network's output on the grid, or the weight mosaic
    grid: np.ndarray | None = None  # (2, G) grid points of a 2-D set, one column each
    hist: object = None  # StepPatch: the histogram of all weights
    hist_range: float = 0.0  # its x range, which only grows
    #: the nice tops (:func:`sticky_top`) of the cost and count axes, which move in steps
    tops: dict = field(default_factory=dict)
    #: a new run that has not trained yet: its axes are those of the last run (see restart)
    fresh: bool = False

    def restart(self):
        """A new run: forget the ranges of the last one (the next may have other weights and
        costs) at its first epoch.  Until then the curve panels stay as they are, empty, and the
        weight axis only widens, so that a new network shown while paused (another number of
        layers) is a quick frame: the histogram's axes are drawn with every frame."""
        self.fresh = True


#: epoch ticks to choose from (1-2-5): the epoch axes label a few of these
_EPOCH_TICKS = tuple(m * 10 ** k for k in range(6) for m in (1, 2, 5))


def _sqrt(x):
    return np.sqrt(np.clip(x, 0.0, None))


def epoch_ticks(last, min_gap=None):
    """The 1-2-5 epochs to label on a square-root axis from 0 to ``last``: 0, then each candidate
    at least ``min_gap`` (a share of the axis; wider in projection mode, where the labels are
    larger) beyond the previous one, so labels never run together ("9001050")."""
    if min_gap is None:
        min_gap = 0.16 if projection_on() else 0.11
    top = math.sqrt(max(last, 1.0))
    ticks = [0]
    for t in _EPOCH_TICKS:
        if t > last:
            break
        if (math.sqrt(t) - math.sqrt(ticks[-1])) / top >= min_gap:
            ticks.append(t)
    return ticks


def _epoch_axis(ax):
    """A square-root scaled epoch axis (see the module docstring); its labels take the room of
    five or six digits from the start (centred: one more for an even number of digits), so a
    run reaching epoch 100 or 1000 needs no new layout (one laid out with one-digit epochs only
    is laid out again once, at epoch 10)."""
    ax.set_xscale("function", functions=(_sqrt, np.square))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(draw.PaddedFormatter(5, align="center"))
    ax.set_xlabel("epoch (square-root scale)")


def _finite(values):
    """A float array with inf / -inf turned into NaN (a gap in a curve, ignored by autoscale)."""
    a = np.asarray(values, dtype=float)
    a[~np.isfinite(a)] = np.nan
    return a


def _refined(values):
    """A grid of values (rows, cols) with the mean of its neighbours put between every two:
    (2 rows - 1, 2 cols - 1), what bilinear interpolation gives halfway."""
    rows, cols = values.shape
    out = np.empty((2 * rows - 1, 2 * cols - 1))
    out[::2, ::2] = values
    out[1::2, ::2] = (values[:-1] + values[1:]) / 2
    out[:, 1::2] = (out[:, :-1:2] + out[:, 2::2]) / 2
    return out


def _weight_mosaic(w, tiles=_PLAYGROUND_TILES, side=28):
    """Rows of ``w`` (one hidden neuron's incoming weights each) tiled as side x side images.

    Returns a 2-D array with NaN in the 1-pixel gaps between tiles and in the places of the
    grid without a neuron.
    """
    k = min(w.shape[0], tiles)
    # the grid for ``tiles`` images whatever k is: the same picture size for every network
    cols = max(1, math.ceil(math.sqrt(tiles * 1.6)))
    rows = math.ceil(tiles / cols)
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

    Returns a :class:`LiveView` holding the Figure (``view.fig``) and the artists to update.
    """
    _validate.choice("kind", kind, ("2d", "mnist"))
    if projection_on() and figsize == PLAYGROUND_FIGSIZE:
        figsize = PROJECTION_PLAYGROUND_FIGSIZE
    fig, axes = new_figure(2, 2, figsize=figsize)
    ax_cost, ax_acc, ax_data, ax_hist = axes.ravel()
    view = LiveView(kind, fig, Frames())

    ax_cost.set_title("cost per epoch (data part $C_0$ and penalty)")
    ax_cost.set_ylabel("cost")
    view.train_cost, = ax_cost.plot([], [], color=BLUE, label="training")
    view.test_cost, = ax_cost.plot([], [], color=ORANGE, label="test")
    view.penalty, = ax_cost.plot([], [], color=GREY_600, ls="--", label="penalty")

    ax_acc.set_title("accuracy per epoch")
    ax_acc.set_ylabel("accuracy")
    view.train_acc, = ax_acc.plot([], [], color=BLUE, label="training")
    view.test_acc, = ax_acc.plot([], [], color=ORANGE, label="test")
    # one legend for both curve panels, above them: it never covers a curve, and a refresh
    # does not draw it again
    fig.legend(handles=[view.train_cost, view.test_cost, view.penalty],
               labels=["training set", "test set", "penalty (cost panel)"],
               loc="outside upper center", ncols=3)
    for ax in (ax_cost, ax_acc):
        _epoch_axis(ax)
    # a cost axis reads "0.025" at the most, an accuracy axis "0.95" (steps of 0.1 or finer):
    # one room for every run, one layout
    ax_cost.yaxis.set_major_formatter(draw.PaddedFormatter(5))
    ax_acc.yaxis.set_major_formatter(draw.PaddedFormatter(4))

    if kind == "2d":
        X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
        both = np.concatenate([X_train, X_test], axis=1)
        lo, hi = both.min(axis=1), both.max(axis=1)
        pad = 0.1 * (hi - lo) + 0.05
        lo, hi = lo - pad, hi + pad
        gx = np.linspace(lo[0], hi[0], _PLAYGROUND_GRID)
        gy = np.linspace(lo[1], hi[1], _PLAYGROUND_GRID)
        GX, GY = np.meshgrid(gx, gy)
        view.grid = np.stack([GX.ravel(), GY.ravel()])  # (2, G): one column per grid point
        extent = (lo[0], hi[0], lo[1], hi[1])
        cmap = mpl.colors.LinearSegmentedColormap.from_list(
            "lecture5_two_classes", ["#fdba74", "#ffffff", "#93c5fd"])
        # the output at the grid points and halfway between them (_refined), each value a
        # cell centred on its point: smooth to the eye, and drawn without resampling (a
        # bilinear imshow took a fifth of a frame)
        half = (hi - lo) / (2 * (_PLAYGROUND_GRID - 1)) / 2
        cells = (lo[0] - half[0], hi[0] + half[0], lo[1] - half[1], hi[1] + half[1])
        view.image = add_mosaic(ax_data, (2 * _PLAYGROUND_GRID - 1,) * 2, cmap, (0.0, 1.0),
                                extent=cells, origin="lower", aspect="auto")
        # a line of markers per set and class, not a scatter: Agg draws the marker once and
        # stamps it, where a scatter draws every point as a path of its own (moons' 400 points:
        # about 2 ms a refresh for the four lines, 14 ms for the two scatters)
        points = []
        for X, y, filled in ((X_train, y_train, True), (X_test, y_test, False)):
            y = np.asarray(y)
            for k, color in enumerate(_CLASS_COLORS):
                line, = ax_data.plot(
                    X[0, y == k], X[1, y == k], ls="none", color=color, marker="o", ms=_POINT_SIZE,
                    mfc=color if filled else "none", mec="white" if filled else color,
                    mew=0.6 if filled else 1.0, zorder=3,
                    label=f"{'training' if filled else 'test'}, class {k}")
                points.append(line)
        ax_data.set_xlim(extent[:2])
        ax_data.set_ylim(extent[2:])
        ax_data.set_xlabel("$x_1$")
        ax_data.set_ylabel("$x_2$")
        ax_data.grid(False)
        ax_data.set_title("data and the network's output (blue: class 1)")
    else:
        points = []
        # imshow's image, drawn faster; the grid of images has one size for every network
        # (_weight_mosaic), so the panel and its limits stay as they are
        view.image = add_mosaic(ax_data, _weight_mosaic(np.zeros((1, 28 * 28))).shape,
                                "RdBu_r", (-1, 1))
        ax_data.set_axis_off()
        ax_data.set_title("first-layer weights $w^2$, one image per neuron")

    ax_hist.set_xlabel("weight $w$ (all layers)")
    # weights from "−0.010" to "−10.0" (another network, a diverging run): one room, one layout
    ax_hist.xaxis.set_major_formatter(draw.PaddedFormatter(6, align="center"))
    ax_hist.set_ylabel("count")
    # counts from 1 to ~10,000 (another network): labels padded to one width, one layout
    ax_hist.yaxis.set_major_formatter(draw.PaddedFormatter(5))
    # over the grid lines (zorder 1.5), which a refresh does not draw again
    view.hist = ax_hist.stairs(np.zeros(1), np.array([-1.0, 1.0]), fill=True, color=BLUE,
                                  alpha=0.8, zorder=1.6)
    view.ax = {"cost": ax_cost, "acc": ax_acc, "data": ax_data, "hist": ax_hist}
    # what a refresh changes; Frames draws the rest once and, while no axis limit changes,
    # only these over it: the points because they lie on the network's output, the spines
    # because a curve at 0 (the penalty without lambda) or a histogram's foot lies under them
    spines = [sp for ax in (ax_cost, ax_acc, ax_data, ax_hist) if ax.axison
              for sp in ax.spines.values()]
    # the axes first (under the curves and the histogram): their ranges follow the epochs,
    # the costs and the weights, so they are drawn with the frame when they move (pasted while
    # they stay), not with the whole figure (about 150 ms more).  Of a panel's two axes, the
    # one that moves more often lies over the other (a whole draw and a frame both draw them
    # in zorder; where translucent grid lines cross, the order changes the pixels), and an axis
    # is pasted only while all of its box (panel, tick labels, label) is as it was: a new epoch
    # axis leaves the cost and accuracy axes pasted, new counts (another network) the weight axis
    for under, over in ((ax_cost.yaxis, ax_cost.xaxis), (ax_acc.yaxis, ax_acc.xaxis),
                        (ax_hist.xaxis, ax_hist.yaxis)):
        under.set_zorder(over.get_zorder() - 0.01)
    axes = [ax_hist.xaxis, ax_hist.yaxis, ax_cost.yaxis, ax_cost.xaxis, ax_acc.yaxis,
            ax_acc.xaxis]
    fig.lecture5_changing = [*axes, view.train_cost, view.test_cost, view.penalty,
                             view.train_acc, view.test_acc, view.image, *points, view.hist,
                             ax_hist.title, *spines]
    return view


#: where an epoch axis may end: steps of about 1.5x (the curves always reach at least 80 % of
#: the square-root axis), so the axis, its ticks and the picture behind the curves stay the
#: same for many epochs and a refresh only draws what moved (see :class:`LiveView`)
_EPOCH_ENDS = tuple(float(f"{m}e{k}") for k in range(7) for m in (1, 1.5, 2, 3, 5, 7))
#: the tops an axis of counts or costs may have (1-1.2-1.5-2-2.5-3-4-5-6-8 times a power of 10)
_NICE = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)


def epoch_axis_end(last) -> float:
    """Where the epoch axis of a run at epoch ``last`` ends: the first of :data:`_EPOCH_ENDS`
    at or beyond it (the first epoch is 1; a panel before it shows 0 to 10)."""
    last = max(float(last), 1.0)
    return float(next((e for e in _EPOCH_ENDS if e >= last), last))


def nice_top(x) -> float:
    """The smallest 1-1.2-1.5-2-2.5-3-4-5-6-8 times a power of ten at or above ``x`` > 0."""
    e = math.floor(math.log10(x))
    for k in (e - 1, e, e + 1):
        for m in _NICE:
            top = float(f"{m}e{k}")  # 0.3, not 3 * 0.1 = 0.30000000000000004
            if top >= x * (1 - 1e-12):
                return top
    return float(x)


def sticky_top(current, needed, shrink=0.4) -> float:
    """An axis top that follows ``needed`` in steps: kept while ``needed`` fits under it and is
    more than ``shrink`` of it, else the next :func:`nice_top` (so a slowly growing curve or
    histogram changes its axis a few times a run instead of every refresh)."""
    if not (math.isfinite(needed) and needed > 0):
        return current
    if current > 0 and shrink * current < needed <= current:
        return current
    return nice_top(needed)


#: an axis of costs or counts goes this much beyond its nice top: the top tick label then
#: stays clear of the panel's title
_HEADROOM = 1.05


def _set_curves(ax, pairs, epochs, tops=None):
    """Put the curves on ``ax``; its limits move in steps (:func:`epoch_axis_end`; a cost axis
    from 0 to a :func:`sticky_top` kept in ``tops["cost"]``; without ``tops``, an accuracy axis
    in steps of 0.1 up to 1.01), so most refreshes leave the axis as it was."""
    for line, values in pairs:
        line.set_data(epochs, _finite(values))
    end = epoch_axis_end(epochs[-1] if len(epochs) else 10.0)  # empty until the first epoch
    ticks = epoch_ticks(end)
    locator = ax.xaxis.get_major_locator()
    if not (isinstance(locator, FixedLocator) and list(locator.locs) == ticks):
        # a new locator only for new ticks: the axis, the same, is then pasted (_pastes.key)
        ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xlim(0, end)
    values = np.concatenate([_finite(v)[-len(epochs):] for _, v in pairs]) if len(epochs) else []
    values = np.asarray(values)[np.isfinite(values)] if len(values) else np.array([])
    if not values.size:
        ax.set_ylim(0, 1)
    elif tops is None:  # accuracy: tenths, with room for a curve at 1
        lo = max(0.0, math.floor(values.min() * 10 - 1e-9) / 10 - 0.01)
        hi = min(1.01, math.ceil(values.max() * 10 + 1e-9) / 10 + 0.01)
        ax.set_ylim(lo, hi)
    else:  # a cost is never negative
        tops["cost"] = sticky_top(tops.get("cost", 0.0), min(float(values.max()), 1e12))
        ax.set_ylim(0, tops["cost"] * _HEADROOM)


@styled
def update_playground_figure(view, net, history, bins=None):
    """Move the artists of ``view`` (from :func:`playground_figure`) to the state of ``net``.

    ``history`` is a training history (lists per epoch).  The curves
    show the data part C_0 of the cost on the training and test sets and the penalty part
    (lambda/2n sum w^2, eq (21), or lambda/n sum |w|, eq (39)); the 2-D panel colours the
    plane by the network's output a^L (eq (4) at every grid point); the histogram covers all
    weights, with the fraction that is exactly zero in its title.  Its range (99.5% of the
    weights) only ever widens, so a shrinking set of weights (L2, eq (28)) visibly narrows;
    ``bins`` defaults to about 2 sqrt(number of weights).  Returns a caption.
    """
    epochs = np.asarray(history["epoch"], dtype=float)
    ax = view.ax
    waiting = view.fresh and not len(epochs)  # a new run, not trained yet: keep the axes
    if view.fresh and not waiting:  # its first epoch: its own ranges from now on
        view.fresh = False
        view.hist_range = 0.0
        view.tops.clear()
    curves = [(view.train_cost, history["train_cost"]), (view.test_cost, history["eval_cost"]),
              (view.penalty, history["train_penalty"]), (view.train_acc, history["train_accuracy"]),
              (view.test_acc, history["eval_accuracy"])]
    if waiting:
        for line, _ in curves:
            line.set_data([], [])
    else:
        _set_curves(ax["cost"], curves[:3], epochs, view.tops)
        _set_curves(ax["acc"], curves[3:], epochs)

    with np.errstate(all="ignore"):
        if view.kind == "2d":
            a = net.feedforward(view.grid)
            p1 = a[1] / np.maximum(a[0] + a[1], 1e-12)  # how much the output favours class 1
            view.image.set_data(_refined(_finite(p1).reshape(_PLAYGROUND_GRID,
                                                             _PLAYGROUND_GRID)))
        else:
            mosaic = _weight_mosaic(net.weights[0])
            s = float(np.nanmax(np.abs(mosaic))) if np.isfinite(mosaic).any() else 1.0
            s = s if s > 0 and math.isfinite(s) else 1.0
            image = view.image
            image.set_data(mosaic)
            image.set_extent((-0.5, mosaic.shape[1] - 0.5, mosaic.shape[0] - 0.5, -0.5))
            image.set_clim(-s, s)

        w_all = np.concatenate([w.ravel() for w in net.weights])
        finite = w_all[np.isfinite(w_all)]
        zero = float(np.mean(w_all == 0))
        # the range covers 99.5% of the weights (a few large ones go into the end bins)
        top = float(np.quantile(np.abs(finite), 0.995)) if finite.size else 1.0
        # capped so that a run on its way to divergence cannot overflow the axis arithmetic;
        # in steps (nice_top), so that the axis stays the same for many refreshes
        view.hist_range = max(view.hist_range, nice_top(min(max(top, 1e-3), 1e12)))
        r = view.hist_range
        if bins is None:  # about 2 sqrt(number of weights), between 11 and 81
            bins = int(np.clip(2 * math.sqrt(w_all.size), 11, 81))
        counts, edges = np.histogram(np.clip(finite, -r, r), bins=bins, range=(-r, r))
        norm = math.sqrt(float(np.sum(finite * finite)))
    view.hist.set_data(counts, edges)
    hax = ax["hist"]
    hax.set_xlim(-r, r)
    view.tops["count"] = sticky_top(view.tops.get("count", 0.0), max(1, counts.max()))
    hax.set_ylim(0, view.tops["count"] * _HEADROOM)
    # plain text, not mathtext: a changing mathtext string would fill matplotlib's parse cache
    # on two lines in projection mode, where one would be wider than its panel
    sep = "\n" if projection_on() else ", "
    hax.set_title(f"weights: {100 * zero:.1f}% exactly 0{sep}‖w‖ = {norm:.3g}")

    if len(epochs):
        caption = (f"epoch {int(epochs[-1])}: training cost {history['train_cost'][-1]:.3f}, "
                   f"test accuracy {history['eval_accuracy'][-1]:.3f}, "
                   f"{100 * zero:.1f}% of weights exactly 0")
    else:
        caption = f"not trained yet; {100 * zero:.1f}% of weights exactly 0"
    return caption


def render_png(view) -> bytes:
    """The playground figure as PNG bytes, fast (:class:`lecture5.plots.Frames`: one draw, zlib
    level 1; the constrained layout, about half of a draw, is computed once and again only when
    a text grows longer than it was then, e.g. the cost axis going from "0.5" to "0.025", so the
    axis label "cost" is never pushed off the edge)."""
    return view.frames.png(view.fig)


def playground_snapshot(net, history, kind="2d", **data):
    """A one-off playground figure for ``net`` and ``history``: ``(fig, caption)``.

    ``data`` are the ``X_train, y_train, X_test, y_test`` of :func:`playground_figure`.
    """
    view = playground_figure(kind, **data)
    caption = update_playground_figure(view, net, history)
    return view.fig, caption

# --- end 10 ---
