"""Two artists of notebook 09's distortion figure (the first also draws the playground's
pictures), drawn faster than matplotlib's own and pixel for pixel the same
(``tests/test_fast_artists.py``): a slider redraws them on every move.

:class:`Mosaic` is an image drawn with ``interpolation="nearest"``; :class:`Field` is a quiver
that makes its arrows again only when its vectors or its Axes changed.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.image import AxesImage
from matplotlib.quiver import Quiver

__all__ = ["Mosaic", "add_mosaic", "Field"]


class Mosaic(AxesImage):
    """An image of values drawn with ``interpolation="nearest"`` exactly as matplotlib draws it,
    several times faster when it is much enlarged (a slider redraws it on every move).

    Enlarged about five times, the mosaic covers some 700,000 screen pixels; matplotlib would
    resample the values with Agg's nearest-neighbour filter and colour-map every screen pixel,
    which was half of a frame.  Here matplotlib resamples, once, an image of each data pixel's
    own number: that says which data pixel every screen pixel shows, and is kept while the Axes
    stays where it is.  Each draw colour-maps the values at their own resolution and gives every
    screen pixel the colour of its data pixel (a numpy ``take``): with nearest neighbours the
    same pixels.  Masked values (NaN) get the colour map's "bad" colour, as in matplotlib.
    ``get_array`` stays the values; any other interpolation or an alpha is drawn by matplotlib
    as usual."""

    _picks = None  # (where the image is drawn, which data pixel every screen pixel shows, ...)

    def _make_image(self, A, in_bbox, out_bbox, clip_bbox, magnification=1.0,
                    unsampled=False, round_to_pixel_border=True):
        args = (in_bbox, out_bbox, clip_bbox, magnification, unsampled, round_to_pixel_border)
        if (unsampled or A.ndim != 2 or A.size >= 2 ** 24
                or self.get_interpolation() != "nearest" or self.get_alpha() is not None
                or not self.get_transform().is_affine):
            return super()._make_image(A, *args)
        where = (A.shape, self.origin, self.get_transform().get_matrix().tobytes(),
                 *(tuple(box.bounds) for box in (in_bbox, out_bbox, clip_bbox)),
                 magnification, round_to_pixel_border)
        if self._picks is None or self._picks[0] != where:
            number = np.arange(1, A.size + 1).reshape(A.shape)  # 0: a pixel the image misses
            code = np.stack([number & 255, (number >> 8) & 255, number >> 16], axis=-1)
            picked, x, y, t = super()._make_image(code.astype(np.uint8), *args)
            if picked is not None:
                picked = picked[..., :3].astype(np.intp)
                picked = picked[..., 0] | (picked[..., 1] << 8) | (picked[..., 2] << 16)
            self._picks = (where, picked, x, y, t)
        _, picked, x, y, t = self._picks
        if picked is None:
            return None, x, y, t
        colours = np.zeros((A.size + 1, 4), np.uint8)  # 0: transparent
        colours[1:] = self.to_rgba(A, bytes=True).reshape(-1, 4)
        shown = colours.view(np.uint32)[:, 0].take(picked)
        return shown.view(np.uint8).reshape(*picked.shape, 4), x, y, t


def add_mosaic(ax, shape, cmap, clim, *, extent=None, origin=None, aspect="equal") -> Mosaic:
    """What ``ax.imshow(np.zeros(shape), cmap=cmap, vmin=clim[0], vmax=clim[1],
    interpolation="nearest", extent=extent, origin=origin, aspect=aspect)`` makes, as a
    :class:`Mosaic` (give it values with ``set_data``)."""
    image = Mosaic(ax, cmap=cmap, interpolation="nearest", origin=origin)
    image.set_data(np.zeros(shape))
    image.set_clim(*clim)
    image.set_clip_path(ax.patch)
    image.set_extent(image.get_extent() if extent is None else extent)
    ax.add_image(image)
    ax.set_aspect(aspect)
    return image


class Field(Quiver):
    """The arrows of an elastic field, made again only when they change.

    A Quiver makes its arrows (81 polygons a panel) afresh on every draw; while a slider moves
    anything but the field, this one draws the arrows it made last time, which costs less than
    half.  They are made again after ``set_UVC``, or when the Axes moved or the figure is drawn
    at another size (nothing else of this quiver changes after it is built)."""

    _made_for = None  # where the Axes was when the arrows were made

    def set_UVC(self, U, V, C=None):
        super().set_UVC(U, V, C)
        self._made_for = None

    def draw(self, renderer):
        axes = (self.axes.bbox.bounds, self.axes.transData.get_affine().get_matrix().tobytes())
        if axes != self._made_for:
            super().draw(renderer)  # the arrows made for the vectors and the Axes as they are
            self._made_for = axes
        else:
            PolyCollection.draw(self, renderer)  # ... as made last time
            self.stale = False
