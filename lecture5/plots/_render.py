"""Frames: the successive figures of one app rendered to PNG fast, so a slider's figure follows
the hand (issue 12).

An app builds a new figure for every slider value.  Shown the usual way (IPython's inline
formatter), each frame is drawn twice (``bbox_inches="tight"`` measures, then draws again), laid
out afresh by the constrained layout (about half of a draw: it measures every text) and
compressed at zlib level 6.  :class:`Frames` renders each figure once:

* the first figure of an app is laid out by its own layout engine; its layout (every axes'
  position and where the layout put the figure's suptitle and super-labels) is remembered and
  given to every following figure of the same structure, whose layout engine is then switched off;
* a figure of another structure (other size, other panels) is laid out afresh, and so is one whose
  texts came out longer than those of the remembered layout (a tick label going from "0.5" to
  "0.025", a title gaining a line): that frame is drawn a second time, with its own layout, so no
  text is ever pushed off the picture or into a neighbour;
* the pixels are compressed at zlib level 1, unfiltered (:func:`encode_png`: a larger PNG than
  matplotlib saves, several times faster to encode), as RGB when the figure is opaque.

A figure that lists the artists its updates change (``fig.lecture5_changing``, see
:func:`updatable`) is drawn whole once without them; that picture is saved, and every later frame
restores it and draws only those artists over it (blitting), until an axis limit drawn in the
saved picture changes (its ticks would be stale), which draws the figure whole again.  Of the
changing artists, a legend or an axis drawn again exactly as it was is pasted from the frame
before (:mod:`lecture5.plots._pastes`).

The picture is the figure at its own size (no cropping), so successive frames have one size
and the browser swaps them without a jump.
"""

from __future__ import annotations

import inspect
import struct
import zlib

import matplotlib as mpl
import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg

from ._pastes import Interrupted, Pastes
from ._style import projection_on, raise_small_text, style

__all__ = ["Frames", "Interrupted", "render_once", "updatable", "update_in_place"]


def _structure(fig) -> tuple:
    """What a layout depends on besides text: size, resolution, and where each panel sits."""
    panels = []
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        grid = None
        if spec is not None:
            grid = (spec.get_geometry(), spec.get_gridspec().get_geometry())
        panels.append((type(ax).__name__, grid, ax.get_visible(), ax.get_aspect() == "auto",
                       ax.axison, getattr(ax, "_colorbar", None) is not None))
    texts = tuple(t is not None for t in (fig._suptitle, fig._supxlabel, fig._supylabel))
    return (tuple(fig.get_size_inches()), fig.dpi, tuple(panels), texts, len(fig.legends))


def _tick_chars(axis, drawn=False) -> int:
    """The characters of the longest tick label ``axis`` shows; ``drawn``: as its last draw
    left them (without working the ticks out again)."""
    if drawn:
        ticks = axis.get_major_ticks(len(axis.get_majorticklocs()))
        labels = [label for t in ticks for label in (t.label1, t.label2)]
    else:
        labels = axis.get_ticklabels()
    return max((len(t.get_text()) for t in labels if t.get_visible()), default=0)


def _sized(fig) -> list:
    """(what, size) for :func:`_text_sizes`: an axis and its tick labels' characters, a text
    and its lines."""
    def lines(text):
        s = text.get_text() if text is not None and text.get_visible() else ""
        return s.count("\n") + 1 if s else 0

    sizes = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            sizes += [(axis, _tick_chars(axis)), (axis.label, lines(axis.label))]
        sizes += [(t, lines(t)) for t in (ax.title, ax._left_title, ax._right_title)]
    sizes += [(t, lines(t)) for t in (fig._suptitle, fig._supxlabel, fig._supylabel)]
    return sizes


def _text_sizes(fig) -> tuple:
    """What of the texts sets the layout's margins (after a draw: tick labels are only known
    then): the characters of the longest tick label of each axis, and the lines of every axis
    label, title and suptitle.  A longer title or legend entry needs no other layout (the
    constrained layout gives titles their height, not their width): counting its characters
    would lay the playground out again whenever a number in a title gained a digit."""
    return tuple(size for _, size in _sized(fig))


def _limits(fig) -> tuple:
    """Where each panel of ``fig`` is and the limits of each axis drawn with the unchanging part
    of the picture: when a limit changes, so do its ticks, and that part has to be drawn again
    (a builder whose update moves an axis lists the axis among its changing artists instead);
    so does it when a panel moved (a save laid the figure out again)."""
    changing = {id(a) for a in getattr(fig, "lecture5_changing", ())}
    return tuple((tuple(ax.get_position().bounds),
                  ax.get_xlim() if id(ax.xaxis) not in changing else None,
                  ax.get_ylim() if id(ax.yaxis) not in changing else None) for ax in fig.axes)


def _layout_of(fig) -> dict:
    """Where the layout engine put things, to give to the next figure."""
    return {"axes": [ax.get_position(original=True).frozen() for ax in fig.axes],
            "texts": [None if t is None else t.get_position()
                      for t in (fig._suptitle, fig._supxlabel, fig._supylabel)]}


def _apply(fig, layout) -> None:
    fig.set_layout_engine("none")
    for ax, pos in zip(fig.axes, layout["axes"]):
        ax.set_position(pos, which="original")
        ax.set_in_layout(True)  # set_position takes an axes out of any later layout
    for text, pos in zip((fig._suptitle, fig._supxlabel, fig._supylabel), layout["texts"]):
        if text is not None and pos is not None:
            text.set_position(pos)


def _chunk(tag: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + tag + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def encode_png(pixels: np.ndarray, compress_level: int = 1) -> bytes:
    """``pixels`` (height, width, 3 or 4 uint8: RGB or RGBA) as PNG bytes.

    Every row unfiltered, then zlib at ``compress_level``: for a figure (large flat areas)
    this is about three times faster than Pillow's encoder, which tries five filters on every
    row, and the file comes out no larger."""
    height, width, channels = pixels.shape
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0: none
    if pixels.flags.c_contiguous:
        rows[:, 1:] = pixels.reshape(height, width * channels)
    else:  # RGB out of RGBA: a plane at a time is about 6 times faster than one strided copy
        out = rows[:, 1:].reshape(height, width, channels)
        for k in range(channels):
            out[..., k] = pixels[..., k]
    header = struct.pack(">IIBBBBB", width, height, 8, {3: 2, 4: 6}[channels], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, compress_level))
            + _chunk(b"IEND", b""))


def _png(canvas, compress_level) -> bytes:
    rgba = np.asarray(canvas.buffer_rgba())
    if canvas.figure.get_facecolor()[3] == 1.0:  # an opaque figure: RGB, a quarter less
        rgba = rgba[..., :3]
    return encode_png(rgba, compress_level)


def render_once(fig, compress_level=1) -> bytes:
    """``fig`` drawn once, with its own layout, as PNG bytes (no cropping)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return _png(canvas, compress_level)


class Frames:
    """Renders the successive figures of one app (see the module docstring).

    ``png(fig)`` returns the PNG bytes of ``fig``; ``stats`` counts the frames and how many of
    them were laid out afresh.
    """

    def __init__(self, compress_level: int = 1):
        self.compress_level = compress_level
        self._structure = None
        self._layout = None
        self._sizes = None
        self._room = {}
        self.stats = {"frames": 0, "layouts": 0, "blits": 0}
        self._canvas = None
        self._blitted = None  # the figure whose unchanging part is in _background
        self._positioned = None  # the figure that has the remembered layout already
        self._background = None
        self._limits = None  # the axis limits the background was drawn with
        self.pastes = Pastes()  # legends and axes drawn again as they were: pasted

    def _canvas_for(self, fig):
        """One Agg canvas for every frame: its renderer (and so matplotlib's cache of text
        sizes, keyed by renderer) carries over from frame to frame while the size stays."""
        if self._canvas is None:
            self._canvas = FigureCanvasAgg(fig)
        else:
            fig.set_canvas(self._canvas)
            self._canvas.figure = fig
        return self._canvas

    def _draw_with_own_layout(self, fig, canvas) -> None:
        self._positioned = None  # the next frame gives this layout to the figure it draws
        self.pastes.clear()
        canvas.draw()
        self._structure = _structure(fig)
        self._layout = _layout_of(fig)
        sized = _sized(fig)
        self._sizes = tuple(size for _, size in sized)
        # the tick labels' characters each axis had room for
        self._room = {id(a): size for a, size in sized if isinstance(a, Axis)}
        self.stats["layouts"] += 1

    def png(self, fig, stop=None) -> bytes:
        """``fig`` as a PNG.  ``stop`` (optional, for a frame drawn ahead) is asked before each
        changing artist; if true, :class:`Interrupted` is raised and no picture is made (the
        next call restores the saved picture and draws the changing artists over it, as
        always)."""
        canvas = self._canvas_for(fig)
        self.stats["frames"] += 1
        changing = getattr(fig, "lecture5_changing", ())
        if (changing and fig is self._blitted and self._background is not None
                and _limits(fig) == self._limits):
            canvas.restore_region(self._background)  # the unchanged picture, then the rest
            self._draw_changing(fig, changing, stop=stop)
            # an axis drawn again may have longer tick labels than the layout was made for:
            # then the whole figure, laid out again if they no longer fit
            if not any(_tick_chars(a, drawn=True) > self._room.get(id(a), 0)
                       for a in self.pastes.axes_drawn):
                self.stats["blits"] += 1
                return _png(canvas, self.compress_level)
        # the changing artists are left out of the full draw (matplotlib's "animated"), only
        # for it: the figure saved or shown any other way stays whole
        for artist in changing:
            artist.set_animated(True)
        try:
            self._draw(fig, canvas)
        finally:
            for artist in changing:
                artist.set_animated(False)
        self._blitted, self._background = None, None
        if changing:
            self._background = canvas.copy_from_bbox(fig.bbox)
            self._blitted, self._limits = fig, _limits(fig)
            self._draw_changing(fig, changing, first=self.stats["frames"] == 1, stop=stop)
        return _png(canvas, self.compress_level)

    def _draw(self, fig, canvas):
        """A full draw, with the remembered layout when it fits ``fig``."""
        if self._layout is None or _structure(fig) != self._structure:
            self._draw_with_own_layout(fig, canvas)
            return
        if not hasattr(fig, "_lecture5_own_layout"):  # its engine, before _apply turns it off
            fig._lecture5_own_layout = fig.get_layout_engine()
        if fig is not self._positioned:  # a figure drawn again as it is needs no new positions
            _apply(fig, self._layout)
            self._positioned = fig
        canvas.draw()
        if any(new > old for new, old in zip(_text_sizes(fig), self._sizes)):
            fig.set_layout_engine(fig._lecture5_own_layout)  # longer texts: laid out again
            self._draw_with_own_layout(fig, canvas)

    def _draw_changing(self, fig, changing, first=False, stop=None):
        ordered = sorted(changing, key=lambda a: a.get_zorder())
        self.pastes.draw(fig, ordered, np.asarray(self._canvas.buffer_rgba()), first, stop)


def updatable(fig, update, changing=()):
    """Let an app change ``fig`` in place instead of building it afresh: ``update(**values)``
    takes the builder's keyword arguments that a slider moves (by the builder's names), changes
    the artists that depend on them and returns the new caption.  It validates before it changes
    anything, and returns None for a change it cannot make in place (the app then rebuilds).

    A keyword not given keeps the value shown (an app passes all of its values every time).
    ``changing`` lists every artist ``update`` may change (lines, texts, titles, images); if it
    is given, :class:`Frames` draws the rest of the picture once and afterwards only restores that
    and draws these artists over it.  An artist left out of ``changing`` would stay as it was:
    the tests compare every updated frame with the same figure built afresh.  An update that
    replaces an artist (a new contour set for the old one) puts the new one in its place in the
    list ``fig.lecture5_changing``."""
    fig.lecture5_update = update
    fig.lecture5_changing = changing if isinstance(changing, list) else list(changing)
    return fig


def update_in_place(fig, values: dict):
    """Apply ``values`` to ``fig`` through its :func:`updatable` hook, in the package's style:
    the new caption, or None when ``fig`` has no hook or the hook does not take every value."""
    update = getattr(fig, "lecture5_update", None)
    if update is None or not set(values) <= set(inspect.signature(update).parameters):
        return None
    with mpl.rc_context(style()):
        caption = update(**values)
    if caption is not None and projection_on():
        raise_small_text(fig)  # as fit_projection did to the figure's first texts
    return caption
