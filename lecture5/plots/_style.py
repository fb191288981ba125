"""The one style of every figure: sizes, fonts, the palette, and how a figure is made.

Figures are made with :class:`matplotlib.figure.Figure` directly (not through pyplot), so building
one never displays it by accident and nothing accumulates in pyplot's figure registry while a slider
moves: a notebook shows a figure by making it the last expression of a cell, a widget by
``display``-ing it inside an ``Output``.

Sizes are fixed (``FIGSIZE``, ``DPI``) so that saved notebooks compare equal under nbval.  Call
:func:`projection_mode` once to make fonts and lines larger for a projector.
"""

from __future__ import annotations

import functools
import io

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = ["FIGSIZE", "DPI", "projection_mode", "style", "new_figure", "styled", "to_png",
           "REGIME_COLOURS", "RUN_COLOURS", "METHOD_COLOURS"]
#: default size in inches of a one-panel figure, and its resolution
FIGSIZE = (9.0, 5.0)
DPI = 100

# ---------------------------------------------------------------- the palette (defined once)
RED = "#c62828"
BLUE = "#1565c0"
ORANGE = "#ef6c00"
GREEN = "#2e7d32"
PURPLE = "#6a1b9a"
TEAL = "#00838f"
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
#: one colour per method of notebooks 06-08 (none, L2, L1, soft threshold, dropout, validation)
METHOD_COLOURS = {"none": GREY_700, "l2": BLUE, "l1": RED, "prox": GREEN, "drop": ORANGE,
                  "val": PURPLE, "grey": GREY_400}

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
