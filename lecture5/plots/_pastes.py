"""Pastes: the pixels of a legend or an axis that a blitted frame draws again unchanged.

Of the artists an app lists as changing (:func:`lecture5.plots.updatable`), a legend and an axis
cost most to draw (a legend lays out every entry's text again; an axis finds its ticks and lays
out their labels), and most slider moves leave them as they were: the legend's entries keep their
text while the curves under it move, the axis keeps its limits.  :class:`Pastes` remembers, for
such an artist, the pixels under it and the pixels after drawing it; when the artist is in the
same state (:func:`key`) and the pixels under it are the same, drawing it again would give the same
pixels, so they are pasted instead.  Exact by construction: the paste happens only when every
input of the drawing is equal.  The pixels it pastes are every pixel the artist touches (found by
drawing it alone on a transparent canvas); the pixels under it that must be the same are those
whose colour depends on what is under them (an opaque legend's inside does not: only its
antialiased edges would).  The frames are pixel for pixel what drawing gives
(``tests/test_render.py`` compares them with full draws and with figures built afresh).
"""

from __future__ import annotations

import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.legend import Legend

__all__ = ["Pastes", "key"]

#: how many pasted regions one app keeps (a region is at most a few hundred kB)
_KEEP = 24


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


def _footprint(artist, shape, dpi):
    """Where ``artist`` draws: the rows and columns of every pixel it touches, and there, which
    pixels it touches and which of those depend on what was under them; None when it touches
    none.  A touched pixel that comes out the same over opaque black and over opaque white comes
    out the same over anything (every step of drawing is monotonic in what is under it)."""
    touched = _alone(artist, shape, dpi, (0, 0, 0, 0))[..., 3] > 0
    rows, cols = np.flatnonzero(touched.any(axis=1)), np.flatnonzero(touched.any(axis=0))
    if not rows.size:
        return None
    region = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    black = _alone(artist, shape, dpi, (0, 0, 0, 255))[region]
    white = _alone(artist, shape, dpi, (255, 255, 255, 255))[region]
    touched = touched[region]
    return region, touched, touched & np.any(black != white, axis=-1)


class Pastes:
    """Draws the changing artists of blitted frames, pasting the remembered pixels of a legend
    or an axis that is drawn again as it was (see the module docstring).  ``stats`` counts the
    pastes."""

    def __init__(self):
        # key -> ((region, touched, depends), the depending pixels under it, the touched
        # pixels after drawing it)
        self._entries = {}
        self._last = {}  # place in the list of changing artists -> the key it had last frame
        self.stats = {"pasted": 0, "under changed": 0, "remembered": 0}
        self.axes_drawn = []  # the axes the last call of draw() drew (their ticks may be new)

    def clear(self):
        self._entries.clear()
        self._last.clear()

    def draw(self, fig, artists, pixels: np.ndarray) -> None:
        """Draw ``artists`` (in this order) on ``fig``'s canvas, whose pixels are ``pixels``."""
        self.axes_drawn = []
        for place, artist in enumerate(artists):
            if (artist.get_visible() and not self._draw_one(fig, artist, place, pixels)
                    and isinstance(artist, Axis)):
                self.axes_drawn.append(artist)

    def _draw_one(self, fig, artist, place, pixels) -> bool:
        """Draw or paste ``artist``: True when pasted."""
        k = key(artist)
        if k is None:
            fig.draw_artist(artist)
            return False
        steady, self._last[place] = self._last.get(place) == k, k
        entry = self._entries.get(k)
        if entry is not None:
            if entry[0] is None:  # it draws nothing
                return True
            (region, touched, depends), under, after = entry
            now = pixels[region]
            if np.array_equal(now[depends], under):
                now[touched] = after
                self.stats["pasted"] += 1
                return True
            self.stats["under changed"] += 1
            under = now[depends]  # a copy (boolean indexing), taken before the artist is drawn
            fig.draw_artist(artist)
            self._entries[k] = (entry[0], under, pixels[region][touched])
            return False
        if not steady:  # a state not seen twice in a row: it changes with the slider
            fig.draw_artist(artist)
            return False
        before = pixels.copy()
        fig.draw_artist(artist)
        self._remember(k, _footprint(artist, pixels.shape, fig.dpi), before, pixels)
        return False

    def _remember(self, k, footprint, before, pixels):
        self.stats["remembered"] += 1
        if len(self._entries) >= _KEEP:
            self._entries.pop(next(iter(self._entries)))
        if footprint is None:
            self._entries[k] = (None, None, None)
            return
        region, touched, depends = footprint
        self._entries[k] = (footprint, before[region][depends], pixels[region][touched])
