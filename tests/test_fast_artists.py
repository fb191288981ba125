"""lecture5.plots._fast_artists draws what matplotlib's own artists draw, pixel for pixel
(issue 12: notebook 09's distortion figure uses them to redraw faster)."""

import io

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from lecture5.plots._fast_artists import Field, Mosaic


def _pixels(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _mosaic_pair(values, figsize, dpi, cmap="gray_r", clim=(0.0, 1.0), **kw):
    figs = []
    for fast in (False, True):
        fig = Figure(figsize=figsize, dpi=dpi)
        ax = fig.add_subplot()
        if fast:
            image = Mosaic(ax, cmap=cmap, interpolation="nearest", **kw)
            image.set_data(values)
            image.set_clim(*clim)
            image.set_clip_path(ax.patch)
            image.set_extent(image.get_extent())
            ax.add_image(image)
            ax.set_aspect("equal")
        else:
            ax.imshow(values, cmap=cmap, vmin=clim[0], vmax=clim[1], interpolation="nearest",
                      **kw)
        figs.append(fig)
    return figs


@pytest.mark.parametrize("figsize, dpi", [((6, 4), 100), ((10.35, 7.95), 100), ((3, 3), 72),
                                          ((7, 5), 150)])
def test_a_mosaic_draws_what_imshow_draws(figsize, dpi):
    rng = np.random.default_rng(0)
    values = rng.random((132, 196))
    plain, fast = _mosaic_pair(values, figsize, dpi)
    np.testing.assert_array_equal(_pixels(fast), _pixels(plain))
    # new values drawn again where it was (the remembered picks), and after a move of the Axes
    fast_image, plain_image = fast.axes[0].images[0], plain.axes[0].images[0]
    for image in (fast_image, plain_image):
        image.set_data(values[::-1])
    np.testing.assert_array_equal(_pixels(fast), _pixels(plain))
    for fig in (fast, plain):
        fig.axes[0].set_position([0.2, 0.1, 0.5, 0.7])
    np.testing.assert_array_equal(_pixels(fast), _pixels(plain))
    np.testing.assert_array_equal(fast_image.get_array(), values[::-1])


@pytest.mark.parametrize("figsize, dpi", [((5.5, 3.5), 100), ((3, 3), 72), ((7, 5), 150)])
def test_a_mosaic_with_gaps_draws_what_imshow_draws(figsize, dpi):
    # the playground's weight images: NaN (masked) between the tiles and where no neuron is,
    # drawn in the colour map's "bad" colour (transparent), as matplotlib draws them
    rng = np.random.default_rng(1)
    values = rng.normal(size=(144, 202))
    values[28::29, :] = np.nan
    values[:, 28::29] = np.nan
    values[116:, 58:] = np.nan
    plain, fast = _mosaic_pair(values, figsize, dpi, cmap="RdBu_r", clim=(-2.0, 2.0))
    np.testing.assert_array_equal(_pixels(fast), _pixels(plain))


def test_a_mosaic_saved_as_pdf_and_at_another_resolution_still_works():
    values = np.linspace(0, 1, 28 * 28).reshape(28, 28)
    plain, fast = _mosaic_pair(values, (4, 4), 100)
    for fig in (plain, fast):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=50)
        fig.lecture5_png = np.asarray(Image.open(buf))
        fig.savefig(io.BytesIO(), format="pdf")
    np.testing.assert_array_equal(fast.lecture5_png, plain.lecture5_png)


def _field_pair(u, v):
    figs = []
    x, y = np.meshgrid(np.arange(9.0), np.arange(9.0))
    for kind in (mpl.quiver.Quiver, Field):
        fig = Figure(figsize=(5, 5), dpi=100)
        ax = fig.add_subplot()
        quiver = kind(ax, x, y, u, v, angles="xy", scale_units="xy", scale=1.0, color="red",
                      width=0.0022)
        ax.add_collection(quiver)
        ax.set_xlim(-1, 9)
        ax.set_ylim(-1, 9)
        figs.append(fig)
    return figs


def test_a_field_draws_what_a_quiver_draws_and_follows_new_vectors():
    rng = np.random.default_rng(1)
    u, v = rng.normal(size=(2, 9, 9))
    plain, fast = _field_pair(u, v)
    np.testing.assert_array_equal(_pixels(fast), _pixels(plain))
    np.testing.assert_array_equal(_pixels(fast), _pixels(plain))  # the arrows made last time
    for fig in (plain, fast):
        fig.axes[0].collections[0].set_UVC(-v, u)
    np.testing.assert_array_equal(_pixels(fast), _pixels(plain))
    for fig in (plain, fast):
        fig.axes[0].set_xlim(-3, 11)  # the Axes' scale changed: arrows made again
    np.testing.assert_array_equal(_pixels(fast), _pixels(plain))
