"""The one style of every figure: sizes, fonts, the palette, and how a figure is made.

Figures are made with :class:`matplotlib.figure.Figure` directly (not through pyplot), so building
one never displays it by accident and nothing accumulates in pyplot's figure registry while a slider
moves: a notebook shows a figure by making it the last expression of a cell, a widget by
``display``-ing it inside an ``Output``.

Sizes are fixed (``FIGSIZE``, ``DPI``) so that saved notebooks compare equal under nbval.

Projection mode (for a lecture hall) makes fonts and lines larger and every figure larger with
them (:data:`PROJECTION_SCALE`), so text that fits in the normal figure still fits; the apps of
:mod:`lecture5.widgets` then also enlarge their controls.  It is switched on by the environment
variable ``LECTURE5_PROJECTION=1`` (read when :mod:`lecture5.plots` is imported, so an instructor
sets it once for the Jupyter server and every notebook follows) or by
:func:`projection_mode` in a notebook.  It is off by default: saved notebooks never depend on it.

The palette is Okabe and Ito's colour-blind-safe one: no two colours that contrast in a figure
differ only in red against green.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import AutoLocator, MaxNLocator

__all__ = ["FIGSIZE", "DPI", "projection_mode", "projection_on", "style", "new_figure", "styled",
           "to_png", "REGIME_COLOURS", "RUN_COLOURS", "RUN_STYLES", "METHOD_COLOURS",
           "PROJECTION_ENV", "PROJECTION_SCALE", "PROJECTION_ASPECT", "building_app",
           "projection_figsize", "fit_projection", "app_projection", "PROJECTION_MIN_POINTS"]
#: default size in inches of a one-panel figure, and its resolution
FIGSIZE = (9.0, 5.0)
DPI = 100

# ---------------------------------------------------------------- the palette (defined once)
# Okabe & Ito (2008), "Color Universal Design", with Paul Tol's red and green and a lighter
# purple: under a simulated deuteranopia (Machado 2009) every two series colours stay at least 20
# apart in CIELAB (tests/test_projection.py); the old red and green were 16 apart, one olive.
RED = "#cc3311"  # Tol's red: darker than Okabe-Ito's vermillion, so the orange stays apart
BLUE = "#0072b2"
ORANGE = "#e69f00"
GREEN = "#117733"  # Tol's green
PURPLE = "#a6509c"
TEAL = "#56b4e9"  # sky blue
SLATE = "#78909c"
GREY = "#9e9e9e"  # faint lines
GREY_600 = "#757575"  # a secondary curve
GREY_700 = "#616161"  # "no regularization"
GREY_400 = "#bdbdbd"  # light fills and frames
GREY_800 = "#424242"  # dark outlines

#: colour of each verdict of :func:`lecture5.hessian.step_regime`
REGIME_COLOURS = {"slow": SLATE, "good": GREEN, "oscillating": ORANGE, "diverging": RED}
#: colours of the runs of one figure, in order
RUN_COLOURS = (BLUE, RED, GREEN, ORANGE, PURPLE, TEAL)
#: line styles to pair with RUN_COLOURS, so runs differ without colour as well
RUN_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)))
#: one colour per method of notebooks 06-08 (none, L2, L1, soft threshold, dropout, validation)
METHOD_COLOURS = {"none": GREY_700, "l2": BLUE, "l1": RED, "prox": GREEN, "drop": ORANGE,
                  "val": PURPLE, "grey": GREY_400}

#: the environment variable that switches projection mode on at import ("1", "true", "yes", "on")
PROJECTION_ENV = "LECTURE5_PROJECTION"
#: how much larger figures are in projection mode (the fonts grow about 1.4 times; the figure
#: grows less, so the text still ends up larger where the notebook shrinks the picture to fit)
PROJECTION_SCALE = 1.25
#: in projection mode a figure is at least this many times as wide as it is tall: shown across a
#: 1280x720 projector at 125 % (840 px of notebook width, 455 px of notebook height) a figure
#: fits the screen, and a figure of an app fits under its title and two rows of controls at
#: about three quarters of its pixels (1125 x 402 px, and 20 px of padding the inline backend's
#: tight crop adds, shown 840 x 315), so its text stays >= 14 px
PROJECTION_ASPECT = {"figure": 1.9, "app": 2.8}


def _env_projection() -> bool:
    value = os.environ.get(PROJECTION_ENV, "").strip().lower()
    return value in ("1", "true", "yes", "on")


_PROJECTION = {"on": _env_projection(), "app": 0}

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
    # legends opaque, square and borderless: a curve moving under one never changes its pixels,
    # so a slider's frame pastes the legend instead of drawing it again (plots/_pastes.py)
    "legend.framealpha": 1.0,
    "legend.fancybox": False,
    "legend.edgecolor": "none",
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
    """Make every figure and app built from now on large enough for a projector: larger fonts,
    thicker lines, figures :data:`PROJECTION_SCALE` times larger, controls with 18 px text.

    The environment variable ``LECTURE5_PROJECTION=1`` does the same for every notebook at once.
    """
    _PROJECTION["on"] = bool(on)


def projection_on() -> bool:
    """Whether projection mode is on (:func:`projection_mode` or ``LECTURE5_PROJECTION``)."""
    return _PROJECTION["on"]


@contextlib.contextmanager
def building_app():
    """Inside this block figures are built for an app (in projection mode: wide and short
    enough to share the screen with the app's sliders, :data:`PROJECTION_ASPECT`)."""
    _PROJECTION["app"] += 1
    try:
        yield
    finally:
        _PROJECTION["app"] -= 1


def app_projection() -> bool:
    """Whether the figure being built is an app's in projection mode: it then has to be wide and
    short (builders with a fixed-aspect drawing choose a wide layout for it)."""
    return _PROJECTION["on"] and _PROJECTION["app"] > 0


def projection_figsize(figsize, capped=True):
    """The size a figure of ``figsize`` (inches) gets: unchanged normally; in projection mode
    :data:`PROJECTION_SCALE` times larger and (``capped``) no taller than
    :data:`PROJECTION_ASPECT` allows."""
    if not _PROJECTION["on"]:
        return tuple(figsize)
    width, height = (float(x) * PROJECTION_SCALE for x in figsize)
    if not capped:
        return width, height
    aspect = PROJECTION_ASPECT["app" if _PROJECTION["app"] else "figure"]
    return width, min(height, width / aspect)


def style() -> dict:
    """The rcParams used by the builders (larger when :func:`projection_mode` is on)."""
    s = dict(_BASE_STYLE)
    if _PROJECTION["on"]:
        s.update(_PROJECTION_STYLE)
    return s


def styled(builder):
    """Decorator: run a figure builder inside the package's style (and, in projection mode,
    :func:`fit_projection` on the figure it returns)."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(style()):
            out = builder(*args, **kwargs)
        if _PROJECTION["on"]:
            fit_projection(out[0] if isinstance(out, tuple) else out)
        return out

    return wrapper


#: horizontal padding (inches) of the constrained layout around each panel in projection mode
_PROJECTION_W_PAD = 6 / 72
#: in projection mode an x-axis gets at most one labelled tick per this many inches
_INCHES_PER_TICK = 1.1
#: in projection mode no text is smaller (points): shown at >= 70 % of its pixels on a projector
#: (tests/browser/test_projector.py) it stays >= 14 px (14.4 pt = 20 px in the picture)
PROJECTION_MIN_POINTS = 14.4


def fit_projection(fig):
    """Adjust a finished figure to projection mode's large text (any builder, no topic code):

    * a figure whose panels all have a fixed aspect (digits, a network drawing) gets back its
      full height, except in an app: capping it (:func:`projection_figsize`) would only shrink
      the picture and crowd its text, while an app's figure has to share the screen with its
      controls (its builder lays the drawing out wide instead, :func:`app_projection`);
    * a figure laid out with fixed margins gets the constrained layout: fixed margins were
      chosen for the normal fonts and would cut the larger titles and labels off;
    * x-axes left to matplotlib's default locator get fewer ticks (one per 1.1 inches), since
      that locator spaces ticks by font size, not label width, and large labels ("−0.75")
      would run together;
    * text smaller than :data:`PROJECTION_MIN_POINTS` (a "x-small" legend, an annotation in
      8 pt) grows to it, so nothing in the figure is too small to read from the back.
    """
    if not isinstance(fig, Figure):
        return fig
    axes = [ax for ax in fig.axes if ax.get_visible()]
    full = getattr(fig, "_lecture5_full_size", None)
    if (full is not None and axes and not app_projection()
            and all(ax.get_aspect() != "auto" for ax in axes)):
        fig.set_size_inches(full)
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.set_layout_engine("constrained")
        # twice the default padding at the sides: these figures were drawn for fixed margins,
        # and matplotlib 3.10 measures large text a pixel or two wider than 3.11, enough to
        # push a y label or a title wider than its panel off the edge
        fig.get_layout_engine().set(w_pad=_PROJECTION_W_PAD)
    raise_small_text(fig)
    width = fig.get_figwidth()
    for ax in axes:
        if type(ax.xaxis.get_major_locator()) is AutoLocator and ax.get_xscale() == "linear":
            inches = ax.get_position().width * width
            ax.xaxis.set_major_locator(MaxNLocator(nbins=max(2, int(inches / _INCHES_PER_TICK)),
                                                   steps=[1, 2, 2.5, 5, 10]))
    return fig


def raise_small_text(fig):
    """In projection mode no text of ``fig`` is smaller than :data:`PROJECTION_MIN_POINTS`
    (:func:`fit_projection` after a build; :func:`lecture5.plots.update_in_place` after an
    update that made new texts, a legend made afresh)."""
    for text in fig.findobj(Text):
        if text.get_fontsize() < PROJECTION_MIN_POINTS:
            text.set_fontsize(PROJECTION_MIN_POINTS)


def new_figure(nrows: int = 1, ncols: int = 1, figsize=None, **subplot_kw):
    """A ``(fig, axes)`` pair like ``plt.subplots`` but outside pyplot, with layout handled.

    The default size grows with the number of panels; call inside a :func:`styled` builder.  In
    projection mode every size (given or default) is :data:`PROJECTION_SCALE` times larger, so
    the larger text keeps its room.
    """
    if figsize is None:
        figsize = (FIGSIZE[0], FIGSIZE[1] * (0.8 + 0.55 * (nrows - 1)))
        if ncols > 2:
            figsize = (FIGSIZE[0] * 1.2, figsize[1])
    fig = Figure(figsize=projection_figsize(figsize), dpi=DPI, layout="constrained")
    fig._lecture5_full_size = projection_figsize(figsize, capped=False)
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def to_png(fig) -> bytes:
    """The figure rendered as PNG bytes (what a browser shows)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
