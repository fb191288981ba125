"""Pastes: the pixels of a legend or an axis that a blitted frame draws again unchanged.

Of the artists an app lists as changing (:func:`lecture5.plots.updatable`), a legend and an axis
cost most to draw (a legend lays out every entry's text again; an axis finds its ticks and lays
out their labels), and most slider moves leave them as they were: the legend's entries keep their
text while the curves under it move, the axis keeps its limits.  :class:`Pastes` remembers, for
such an artist, the pixels under it and the pixels after drawing it; when the artist is in the
same state (:func:`key`) and the pixels under it are the same, drawing it again would give the same
pixels, so they are pasted instead.  Exact by construction: the paste happens only when every
input of the drawing is equal.  The pixels it pastes are every pixel the artist touches (for a
legend, found by drawing it alone on a transparent canvas; for an axis, a box that holds its
panel, ticks and labels); the pixels under it that must be the same are those whose colour
depends on what is under them (an opaque legend's inside does not: only its antialiased edges
would; an axis is taken to depend on all of its box).  The frames are
pixel for pixel what drawing gives (``tests/test_render.py`` compares them with full draws and
with figures built afresh).
"""

from __future__ import annotations

import math
import weakref

import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox

__all__ = ["Pastes", "key", "Interrupted"]

#: how many pasted regions one app keeps, and in about how many bytes (an axis with its grid
#: lines covers its panel: about 1 MB with the pixels before and after; the least recently
#: pasted go first, and the newest may go one region beyond)
_KEEP = 24
_KEEP_BYTES = 16 * 2**20


class Interrupted(Exception):
    """A drawing stopped part way because its ``stop`` said so (:meth:`Pastes.draw`)."""


def _frozen(value):
    if isinstance(value, np.ndarray):
        return (value.shape, value.tobytes())
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _text_key(text) -> tuple:
    return (text.get_text(), text.get_visible(), _frozen(text.get_color()), text.get_alpha(),
            text.get_fontproperties(), text.get_rotation(), text.get_ha(), text.get_va())


def _style_key(artist) -> tuple:
    """The look of a legend's handle (a line, a patch or a collection drawn in the legend)."""
    values = [type(artist).__name__, artist.get_visible(), artist.get_alpha()]
    for getter in ("get_color", "get_facecolor", "get_edgecolor", "get_linestyle",
                   "get_linewidth", "get_marker", "get_markersize", "get_markerfacecolor",
                   "get_markeredgecolor", "get_hatch", "get_sizes", "get_paths"):
        method = getattr(artist, getter, None)
        if method is not None:
            value = method()
            if getter == "get_paths":
                value = tuple((p.vertices.tobytes(), None if p.codes is None
                               else p.codes.tobytes()) for p in value)
            values.append(_frozen(value))
    return tuple(values)


def key(artist):
    """Everything the pixels of ``artist`` depend on besides the pixels under it, or None when
    it is not an artist :class:`Pastes` knows (or a legend placed at "best", which moves with
    the data)."""
    if isinstance(artist, Legend):
        if artist._loc in (0, "best"):
            return None
        frame = artist.get_frame()
        return ("legend", artist.get_visible(), _frozen(artist._loc),
                tuple(artist.get_bbox_to_anchor().bounds),
                tuple(_text_key(t) for t in (*artist.get_texts(), artist.get_title())),
                tuple(_style_key(h) for h in artist.legend_handles),
                frame.get_visible(), _frozen(frame.get_facecolor()),
                _frozen(frame.get_edgecolor()), frame.get_linewidth())
    if isinstance(artist, Axis):
        ax = artist.axes
        return ("axis", type(artist).__name__, artist.get_visible(),
                tuple(artist.get_view_interval()), tuple(ax.bbox.bounds), artist.get_scale(),
                id(artist.get_major_locator()), id(artist.get_major_formatter()),
                id(artist.get_minor_locator()), id(artist.get_minor_formatter()),
                repr(sorted(artist._major_tick_kw.items())),
                repr(sorted(artist._minor_tick_kw.items())),
                _text_key(artist.label), artist.get_label_position(),
                artist.get_ticks_position())
    return None


_CANVAS = {}  # (width, height, dpi) -> the one renderer _alone draws on (its texts' layouts cached)


def _alone(artist, shape, dpi, under):
    """``artist`` drawn alone on a canvas of the frame's size filled with ``under`` (RGBA)."""
    height, width = shape[:2]
    size = (width, height, dpi)
    if size not in _CANVAS:
        _CANVAS.clear()
        _CANVAS[size] = RendererAgg(width, height, dpi)
    canvas = _CANVAS[size]
    pixels = np.asarray(canvas.buffer_rgba())
    pixels[...] = under
    artist.draw(canvas)
    return pixels.copy()


def _footprint(artist, shape, dpi, renderer=None):
    """Where ``artist`` draws: the rows and columns of every pixel it touches, and there, which
    pixels it touches and which of those depend on what was under them; None when it touches
    none.  A touched pixel that comes out the same over opaque black and over opaque white comes
    out the same over anything (every step of drawing is monotonic in what is under it).  A
    legend with a frame is drawn alone once, on a transparent canvas (where it draws), and only
    its frame over black and white.

    An axis is taken to touch, and to depend on, every pixel of a box around it
    (:func:`_axis_box`): its grid lines are translucent and most of its pixels are antialiased
    text, and it lies under the curves, where what is under it rarely changes.  The box is found
    without drawing the axis again (a drawing costs about 20 ms), and the axis is pasted only
    when all of the box is as it was."""
    if isinstance(artist, Axis) and _boxed(artist):
        return _axis_box(artist, shape, dpi, renderer)
    touched = _alone(artist, shape, dpi, (0, 0, 0, 0))[..., 3] > 0
    rows, cols = np.flatnonzero(touched.any(axis=1)), np.flatnonzero(touched.any(axis=0))
    if not rows.size:
        return None
    region = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    touched = touched[region]
    if isinstance(artist, Axis):  # one the box may not hold: all it touches depends
        return region, touched, touched
    frame = artist.get_frame() if isinstance(artist, Legend) else None
    if frame is not None and artist.get_frame_on():
        # a legend draws its frame first and the rest over it: where the frame alone comes out
        # the same over black and over white, nothing of the legend depends on what is under it
        # (drawing the frame alone costs little; the entries' texts are most of a legend)
        black = _alone(frame, shape, dpi, (0, 0, 0, 255))[region]
        white = _alone(frame, shape, dpi, (255, 255, 255, 255))[region]
        return region, touched, touched & np.any(black != white, axis=-1)
    black = _alone(artist, shape, dpi, (0, 0, 0, 255))[region]
    white = _alone(artist, shape, dpi, (255, 255, 255, 255))[region]
    return region, touched, touched & np.any(black != white, axis=-1)


#: pixels around an axis's box that antialiasing and glyphs beyond their text box may touch
_AXIS_MARGIN = 3


def _boxed(axis) -> bool:
    """Whether :func:`_axis_box` holds all that ``axis`` draws: not when a text of it has a box
    drawn around it (``get_window_extent`` leaves that out) or a spine it sits on was moved away
    from the panel (its ticks go with it); then its footprint is drawn."""
    ticks = (*axis.majorTicks, *axis.minorTicks)
    texts = [axis.label, axis.offsetText, *(t for k in ticks for t in (k.label1, k.label2))]
    sides = ("bottom", "top") if axis.axis_name == "x" else ("left", "right")
    spines = [axis.axes.spines[side] for side in sides if side in axis.axes.spines]
    return (all(t.get_bbox_patch() is None for t in texts)
            and all(sp.get_position() == ("outward", 0.0) for sp in spines))


def _axis_box(axis, shape, dpi, renderer):
    """Every pixel ``axis`` may touch, as :func:`_footprint` gives it (all touched, all
    depending): its panel (grid lines, ticks inside), its tick labels, label and offset text
    (``get_tightbbox``), and the ticks' length and width outside the panel, with a margin of
    :data:`_AXIS_MARGIN` pixels, within the frame."""
    boxes = [axis.axes.bbox]
    labels = axis.get_tightbbox(renderer)
    if labels is not None:
        boxes.append(labels)
    box = Bbox.union(boxes)
    ticks = [*axis.get_major_ticks()[:1], *axis.get_minor_ticks()[:1]]
    out = max([t.get_tick_padding() + max(t.tick1line.get_markeredgewidth(),
                                          t.gridline.get_linewidth()) for t in ticks], default=0)
    pad = out * dpi / 72 + _AXIS_MARGIN  # points to pixels
    height, width = shape[:2]  # rows count from the top, figure pixels from the bottom
    rows = slice(max(0, math.floor(height - box.y1 - pad)),
                 min(height, math.ceil(height - box.y0 + pad)))
    cols = slice(max(0, math.floor(box.x0 - pad)), min(width, math.ceil(box.x1 + pad)))
    if rows.start >= rows.stop or cols.start >= cols.stop:
        return None
    everywhere = np.ones((rows.stop - rows.start, cols.stop - cols.start), dtype=bool)
    return (rows, cols), everywhere, everywhere


def _words(pixels: np.ndarray) -> np.ndarray:
    """An RGBA picture (height, width, 4 uint8) as one 32-bit word per pixel, no copy: comparing
    and copying whole pixels is several times faster so."""
    return pixels.view(np.uint32)[..., 0]


class Pastes:
    """Draws the changing artists of blitted frames, pasting the remembered pixels of a legend
    or an axis that is drawn again as it was (see the module docstring).  ``stats`` counts the
    pastes."""

    def __init__(self):
        # key -> (region, touched, depends, the region's pixels before drawing it, and after),
        # or None for an artist that draws nothing
        self._entries = {}
        self._last = {}  # place in the list of changing artists -> the key it had last frame
        self.stats = {"pasted": 0, "under changed": 0, "remembered": 0}
        self.axes_drawn = []  # the axes the last call of draw() drew (their ticks may be new)
        self._laid_out = weakref.WeakKeyDictionary()  # legend -> the key it was last drawn in

    def clear(self):
        self._entries.clear()
        self._last.clear()

    def draw(self, fig, artists, pixels: np.ndarray, first=False, stop=None) -> None:
        """Draw ``artists`` (in this order) on ``fig``'s canvas, whose pixels are ``pixels``;
        ``first``: the app's first picture, shown before anyone moves a slider: its legends and
        axes are remembered at once, so the first move pastes those that stay as they were.
        ``stop`` (optional) is asked before each artist: if true, :class:`Interrupted` is
        raised, the picture left half drawn (what is remembered stays exact: an artist is
        remembered whole or not at all)."""
        self.axes_drawn = []
        for place, artist in enumerate(artists):
            if stop is not None and stop():
                raise Interrupted(f"stopped before artist {place} of {len(artists)}")
            if (artist.get_visible() and not self._draw_one(fig, artist, place, pixels, first)
                    and isinstance(artist, Axis)):
                self.axes_drawn.append(artist)

    def _draw_one(self, fig, artist, place, pixels, at_once=False) -> bool:
        """Draw or paste ``artist``: True when pasted; ``at_once``: remember a state seen for
        the first time."""
        k = key(artist)
        if k is None:
            fig.draw_artist(artist)
            return False
        # a legend works out where its entries are as it draws, and other artists may be placed
        # by them (07's numbers): one pasted in another state than it was last drawn in (a
        # figure built afresh) works that out again, drawing nothing
        stale = isinstance(artist, Legend) and self._laid_out.get(artist) != k
        if isinstance(artist, Legend):
            self._laid_out[artist] = k  # drawn below, or pasted and laid out
        steady, self._last[place] = self._last.get(place) == k, k
        words = _words(pixels)
        if k in self._entries:
            entry = self._entries[k]
            if entry is None:  # it draws nothing
                return True
            region, touched, depends, under, after = entry
            now = words[region]
            if np.array_equal(now, under):  # all of it as then: the region as it was after
                now[...] = after
            elif not np.any((now != under) & depends):  # what it depends on is as then
                np.copyto(now, after, where=touched)
            else:
                self.stats["under changed"] += 1
                under = now.copy()
                fig.draw_artist(artist)
                self._entries[k] = (region, touched, depends, under, words[region].copy())
                return False
            if stale:
                renderer = fig.canvas.get_renderer()
                with renderer._draw_disabled():
                    artist.draw(renderer)
            self._entries[k] = self._entries.pop(k)  # the most recently used is kept longest
            self.stats["pasted"] += 1
            return True
        if not (steady or at_once):  # not seen twice in a row: a state the slider changes
            fig.draw_artist(artist)
            return False
        before = words.copy()
        fig.draw_artist(artist)
        self._remember(k, _footprint(artist, pixels.shape, fig.dpi, fig.canvas.get_renderer()),
                       before, words)
        return False

    def _remember(self, k, footprint, before, words):
        self.stats["remembered"] += 1
        while self._entries and (len(self._entries) >= _KEEP
                                 or sum(_bytes(e) for e in self._entries.values()) > _KEEP_BYTES):
            self._entries.pop(next(iter(self._entries)))  # the oldest
        if footprint is None:
            self._entries[k] = None
            return
        region, touched, depends = footprint
        self._entries[k] = (region, touched, depends, before[region].copy(), words[region].copy())


def _bytes(entry) -> int:
    """What an entry keeps (an axis's touched and depending pixels are one array: once)."""
    return 0 if entry is None else sum(a.nbytes for a in {id(a): a for a in entry[1:]}.values())
