"""Figures of notebook 09: artificial expansion of the training data.

Slides "More training data improves test accuracy" and "Generating artificial training data".
Images are 28 x 28 with rows running downwards (as imshow draws them); data sets are in the column
form X (784, m).  The transformations come from :mod:`lecture5.augment`, the accuracies from
:func:`lecture5.experiments.training_size_accuracy`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .. import _validate, augment
from . import draw
from ._fast_artists import Field, add_mosaic
from ._render import updatable
from ._style import BLUE, FIGSIZE, GREEN, ORANGE, RED, app_projection, new_figure, styled
from .draw import DIGIT_CMAP

__all__ = ["rotation_figure", "distortion_grid", "training_size_figure"]


SIDE = 28


def _images(X, name="X", max_images=6):
    """``X`` (784, k) -> images (k, 28, 28); a single 784-vector or 28 x 28 image is one column."""
    arr = np.asarray(X)
    if arr.ndim == 1 or arr.shape == (SIDE, SIDE):
        arr = np.reshape(arr, (-1, 1))
    arr = _validate.as_matrix(name, arr, rows=SIDE * SIDE)
    if arr.shape[1] > max_images:
        raise ValueError(f"{name} must hold at most {max_images} digits (columns) to be drawn, "
                         f"got {arr.shape[1]}")
    return arr.T.reshape(-1, SIDE, SIDE)


def _overlay(before, after):
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
    img = _images(image, "image", max_images=1)[0]
    degrees = _validate.number("degrees", degrees, low=-180.0, high=180.0)
    turned = augment.rotate(img, degrees)
    fig, axes = new_figure(1, 3, figsize=(FIGSIZE[0], 3.9))
    where = "left" if degrees >= 0 else "right"
    draw.digit(axes[0], img, "original")
    draw.digit(axes[1], turned, f"rotated {abs(degrees):g}° to the {where}")
    draw.digit(axes[2], _overlay(img, turned), "both: original blue, rotated red")
    fig.suptitle(f"Rotating by {abs(degrees):g}° to the {where}: a new training digit, same label")
    return fig


GAP = 4  # pixels of grey between the panels of the mosaic


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

    All panels are one mosaic image in one Axes, so a redraw is quick enough for a slider (a
    redraw transforms again only what the changed settings change).
    ``X``: (784, k) digits as columns, 1 <= k <= 6.  In an app on a projector
    (:func:`~lecture5.plots._style.app_projection`) only the first two digits are drawn, larger,
    and without the figure title (the app has its own), so they share the screen with the six
    sliders.  Returns ``(fig, caption)``; the caption
    gives, for each transformation and averaged over the digits, the share of ink that moved
    (sum |new - old| / (2 sum old): 0 = nothing changed, 100% = no overlap) and the share of ink
    kept (sum new / sum old: ink pushed over the border is lost, interpolation can add a
    little), and the largest displacement of the elastic fields.
    """
    images = _images(X)
    wide = app_projection()
    if wide:
        images = images[:2]
    seed = _validate.integer("seed", seed, low=0)
    k, cols, cell = images.shape[0], 6, SIDE + GAP
    grid_rows, grid_cols = np.mgrid[1:SIDE:3, 1:SIDE:3]
    mosaic_shape = (k * cell + GAP, cols * cell + GAP)
    top_room = 12.0 if wide else 10.0
    if wide:  # the height a projector screen has under six sliders; the mosaic is centred
        width, height = FIGSIZE[0], 2.8
    else:
        width = FIGSIZE[0] * 1.15
        height = round(width * (mosaic_shape[0] + top_room) / mosaic_shape[1] + 0.45, 2)
    fig, ax = new_figure(figsize=(width, height))
    image = add_mosaic(ax, mosaic_shape, DIGIT_CMAP, (0.0, 1.0))  # imshow's image, faster
    fields = []  # one quiver a row: the elastic field, arrows cut at the panel's border
    for i in range(k):
        left, top = GAP + 5 * cell, GAP + i * cell
        fields.append(Field(ax, left + grid_cols, top + grid_rows, np.zeros(grid_rows.shape),
                             np.zeros(grid_rows.shape), angles="xy", scale_units="xy",
                             scale=1.0, color=RED, width=0.0022))
        ax.add_collection(fields[-1])  # as ax.quiver does
        fields[-1].set_clip_path(Rectangle((left - 0.5, top - 0.5), SIDE, SIDE,
                                           transform=ax.transData))
    titles = [ax.text(GAP + j * cell + SIDE / 2, -1.0, "", ha="center", va="bottom",
                      fontsize="small") for j in range(cols)]
    ax.set_xlim(-0.5, mosaic_shape[1] - 0.5)
    ax.set_ylim(mosaic_shape[0] - 0.5, -0.5 - top_room)
    ax.axis("off")
    if not wide:
        ax.set_title("Every transformed digit is a new training example with the original's label")

    keep = object()  # a value not given to show stays as shown
    shown = {}
    made = {}  # name -> (the settings it was made for, what was made)
    quivers_show = None  # the field the quivers show

    def remember(name, settings, make):
        """``make()``, called again only when its settings changed (a slider moves one)."""
        if name not in made or made[name][0] != settings:
            made[name] = (settings, make())
        return made[name][1]

    def measured(outs):
        """(output, ink kept, ink moved) of every digit."""
        totals = [float(img.sum()) for img in images]
        return [(out, float(out.sum()) / total, float(np.abs(out - img).sum()) / (2.0 * total))
                for out, img, total in zip(outs, images, totals)]

    def show(degrees=keep, dx=keep, dy=keep, factor=keep, alpha=keep, sigma=keep):
        """Transform the digits for these settings, show them and the fields: the caption."""
        nonlocal quivers_show
        given = dict(degrees=degrees, dx=dx, dy=dy, factor=factor, alpha=alpha, sigma=sigma)
        given = {name: shown[name] if v is keep else v for name, v in given.items()}
        degrees = _validate.number("degrees", given["degrees"], low=-180.0, high=180.0)
        dx = _validate.number("dx", given["dx"], low=-SIDE, high=SIDE)
        dy = _validate.number("dy", given["dy"], low=-SIDE, high=SIDE)
        factor = _validate.number("factor", given["factor"], low=-5.0, high=5.0)
        alpha = _validate.number("alpha", given["alpha"], low=0.0)
        sigma = _validate.number("sigma", given["sigma"], low=0.0, low_open=True)
        shown.update(degrees=degrees, dx=dx, dy=dy, factor=factor, alpha=alpha, sigma=sigma)
        # row i's random field (seed + i) for alpha = 1, times alpha: exactly the field of
        # elastic_field(shape, alpha, sigma, seed + i), which elastic_distortion warps by
        unit = remember("unit field", sigma, lambda: [
            augment.elastic_field(img.shape, 1.0, sigma, seed + i) for i, img in enumerate(images)])
        field = remember("field", (alpha, sigma), lambda: [
            (alpha * ux, alpha * uy) for ux, uy in unit])
        outs = {
            "rotate": remember("rotate", degrees, lambda: measured([
                augment.rotate(img, degrees) for img in images])),
            "shift": remember("shift", (dx, dy), lambda: measured([
                augment.shift(img, dx, dy) for img in images])),
            "skew": remember("skew", factor, lambda: measured([
                augment.skew(img, factor) for img in images])),
            "elastic": remember("elastic", (alpha, sigma), lambda: measured([
                augment.elastic_distortion(img, alpha, sigma, rng=seed + i)
                for i, img in enumerate(images)])),
        }
        mosaic = np.full(mosaic_shape, 0.08)
        for i, img in enumerate(images):
            top = GAP + i * cell
            for j, panel in enumerate([img, *(out[i][0] for out in outs.values()), 0.25 * img]):
                left = GAP + j * cell
                mosaic[top:top + SIDE, left:left + SIDE] = np.clip(panel, 0.0, 1.0)
        if quivers_show is not field:  # set_UVC makes the arrows again: only for a new field
            quivers_show = field
            for quiver, (field_x, field_y) in zip(fields, field):
                quiver.set_UVC(field_x[grid_rows, grid_cols], field_y[grid_rows, grid_cols])
        largest = max(float(np.hypot(field_x, field_y).max()) for field_x, field_y in field)
        image.set_data(mosaic)
        turn = "left" if degrees >= 0 else "right"
        gap = "\n" if wide else " "  # two-line titles over the narrower panels of a projector
        arrows = ("ink read at\nthe arrow tip" if wide
                  else "each pixel reads its\nink at the arrow tip")
        for text, title in zip(titles, [
                "original", f"rotate{gap}{abs(degrees):g}° {turn}",
                f"shift{gap}({dx:g}, {dy:g}) px", f"skew{gap}{factor:g}",
                f"elastic{gap}α={alpha:g}, σ={sigma:g}", arrows]):
            text.set_text(title)
        parts = [f"{name} {100.0 * np.mean([o[2] for o in out]):.0f}% / "
                 f"{100.0 * np.mean([o[1] for o in out]):.0f}%" for name, out in outs.items()]
        return (f"ink moved / ink kept: {', '.join(parts)}; "
                f"largest elastic displacement {largest:.2f} px")

    caption = show(degrees, dx, dy, factor, alpha, sigma)
    return updatable(fig, show, [image, *fields, *titles[1:5]]), caption


def _result_label(result):
    if result["copies"] == 0:
        return "original digits only"
    return f"expanded ×{result['copies'] + 1} (original + {result['copies']} transformed copies)"


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
    colors = [BLUE, RED, ORANGE, GREEN]
    for r, color in zip(results, colors):
        acc = 100.0 * np.asarray(r["accuracy"])
        mean = acc.mean(axis=1)
        err = np.vstack([mean - acc.min(axis=1), acc.max(axis=1) - mean])
        marker = "o" if r["copies"] == 0 else "s"
        ax.errorbar(r["sizes"], mean, yerr=err, color=color, marker=marker, capsize=4,
                    label=_result_label(r))
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
