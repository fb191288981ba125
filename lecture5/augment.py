"""Artificial expansion of training data: rotate, shift, skew and elastically distort digits.

Slides "Artificial expansion of training data" and "Generating artificial training data":
"rotating 5 by 15 degrees to the left yields new training datum"; other techniques are
translating, skewing and the "elastic distortions" of Simard, Steinkraus & Platt (2003), "Best
practices for convolutional neural networks applied to visual document analysis".

Every function takes one image, either 2-D (rows, columns), e.g. 28 x 28, or a flat vector of a
square image, e.g. the 784 numbers of one column of ``X``, and returns a new float64 array of
the same shape.  Rows run downwards and columns to the right, as ``matplotlib.pyplot.imshow``
draws them.  Pixels that come from outside the image are 0 (background).  All interpolation is
done by ``scipy.ndimage`` (bilinear, ``order=1``, by default, as in Simard et al.).

:func:`expand_dataset` applies random transformations to every column of ``X`` (784, m) and
returns the enlarged data set, with the labels in matching order.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy import ndimage

from . import _validate

__all__ = [
    "TRANSFORMS",
    "rotate",
    "shift",
    "skew",
    "elastic_field",
    "elastic_distortion",
    "expand_dataset",
]

TRANSFORMS = ("rotate", "shift", "skew", "elastic")


# ---------------------------------------------------------------------------------- checks
def _as_image(image, name: str = "image") -> tuple[np.ndarray, tuple]:
    """Return ``image`` as a finite float64 2-D array and its original shape.

    A 1-D input must have a square length n*n (784 -> 28 x 28).
    """
    arr = _validate.numeric(name, image, "a numeric 2-D image like (28, 28) or vector like (784,)")
    shape = arr.shape
    if arr.ndim == 1:
        side = math.isqrt(arr.size)
        if arr.size == 0 or side * side != arr.size:
            raise ValueError(
                f"{name} as a vector must have a square length like 784 = 28 x 28, got {arr.size}"
            )
        arr = arr.reshape(side, side)
    elif arr.ndim != 2 or min(shape) == 0:
        raise ValueError(
            f"{name} must be a 2-D image like (28, 28) or a vector like (784,), got shape {shape}"
        )
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must contain only finite numbers (found NaN or infinity)")
    return arr, shape


def _order(order) -> int:
    return _validate.integer("order", order, low=0, high=5)


def _rng(rng) -> np.random.Generator:
    """None (fresh randomness), a seed >= 0 or a Generator -> a Generator; anything else raises."""
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"rng must be None, an integer seed >= 0 or a numpy.random.Generator, "
                        f"got {type(rng).__name__} {rng!r}")
    return np.random.default_rng(_validate.integer("rng", rng, low=0))


# ---------------------------------------------------------------------------------- transforms
def _rotate(img: np.ndarray, degrees: float, order: int) -> np.ndarray:
    # scipy's positive angle turns the picture counter-clockwise as drawn (rows downwards),
    # exactly like np.rot90, i.e. "to the left"
    return ndimage.rotate(img, degrees, reshape=False, order=order, mode="constant", cval=0.0)


def rotate(image, degrees, order: int = 1) -> np.ndarray:
    """Rotate about the image centre; positive ``degrees`` turn it to the left (counter-clockwise).

    ``rotate(img, 15)`` is the slide's "rotating 5 by 15 degrees to the left"; ``rotate(img, 90)``
    equals ``np.rot90(img)`` and ``rotate(img, -90)`` equals ``np.rot90(img, -1)``.  Angles are
    taken modulo 360 first (exactly), so ``rotate(img, 1e15)`` turns by ``1e15 % 360`` = 280.
    Same shape out as in (28 x 28 or 784).
    """
    img, shape = _as_image(image)
    degrees = math.fmod(_validate.number("degrees", degrees), 360.0)  # exact, sign kept
    return _rotate(img, degrees, _order(order)).reshape(shape)


def _shift(img: np.ndarray, dx: float, dy: float, order: int) -> np.ndarray:
    return ndimage.shift(img, (dy, dx), order=order, mode="constant", cval=0.0)


def shift(image, dx, dy, order: int = 1) -> np.ndarray:
    """Translate by ``dx`` pixels to the right and ``dy`` pixels down (negative: left / up).

    Whole-pixel shifts move the pixels exactly; ink pushed over the border is lost.
    """
    img, shape = _as_image(image)
    dx = _validate.number("dx", dx)
    dy = _validate.number("dy", dy)
    return _shift(img, dx, dy, _order(order)).reshape(shape)


def _skew(img: np.ndarray, factor: float, order: int) -> np.ndarray:
    # output pixel (r, c) is read from input (r, c + factor (r - r_centre)): a horizontal shear
    r_centre = (img.shape[0] - 1) / 2.0
    matrix = np.array([[1.0, 0.0], [factor, 1.0]])
    offset = np.array([0.0, -factor * r_centre])
    return ndimage.affine_transform(img, matrix, offset=offset, order=order, mode="constant",
                                    cval=0.0)


def skew(image, factor, order: int = 1) -> np.ndarray:
    """Shear horizontally: row r moves ``factor * (r_centre - r)`` pixels to the right.

    A positive ``factor`` slants the digit like italics (top to the right, bottom to the left);
    the middle row stays where it is.  ``factor = 0.3`` moves the top row of a 28 x 28 image
    about 4 pixels.
    """
    img, shape = _as_image(image)
    factor = _validate.number("factor", factor, low=-5.0, high=5.0)
    return _skew(img, factor, _order(order)).reshape(shape)


def elastic_field(shape, alpha, sigma, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """The random displacement field of Simard et al. (2003), as two arrays (dx, dy) of ``shape``.

    Each component starts as independent uniform numbers in [-1, 1] per pixel, is smoothed by a
    Gaussian of standard deviation ``sigma`` pixels (``scipy.ndimage.gaussian_filter``) and is
    multiplied by ``alpha``.  Large ``sigma`` gives smooth, elastic-looking fields; small
    ``sigma`` gives near-random jitter; it may be at most the image size max(rows, columns) (a
    wider Gaussian only flattens the field towards 0, and costs time and memory in proportion to
    sigma).  ``rng``: a seed or a ``numpy.random.Generator``.
    """
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a pair (rows, columns) of positive integers, got "
                        f"{type(shape).__name__} {shape!r}")
    if len(shape) != 2 or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool)
                                  and s >= 1 for s in shape):
        raise ValueError(f"shape must be (rows, columns) of positive integers, got {shape!r}")
    alpha = _validate.number("alpha", alpha, low=0.0)
    sigma = _validate.number("sigma", sigma, low=0.0, low_open=True)
    if sigma > max(shape):
        raise ValueError(f"sigma must be at most the image size, max{tuple(shape)} = "
                         f"{max(shape)} pixels (a wider Gaussian only flattens the field towards "
                         f"0), got {sigma:g}")
    rng = _rng(rng)
    raw = rng.uniform(-1.0, 1.0, (2, *shape))
    smooth = ndimage.gaussian_filter(raw, sigma=(0, sigma, sigma), mode="constant", cval=0.0)
    return alpha * smooth[0], alpha * smooth[1]


def _warp(img: np.ndarray, dx: np.ndarray, dy: np.ndarray, order: int) -> np.ndarray:
    """Output pixel (r, c) takes the (interpolated) input value at (r + dy, c + dx)."""
    rows, cols = np.meshgrid(np.arange(img.shape[0]), np.arange(img.shape[1]), indexing="ij")
    return ndimage.map_coordinates(img, [rows + dy, cols + dx], order=order, mode="constant",
                                   cval=0.0)


def elastic_distortion(image, alpha=34.0, sigma=4.0, rng=None, order: int = 1) -> np.ndarray:
    """Elastic distortion (Simard, Steinkraus & Platt 2003): warp by a smooth random field.

    The field comes from :func:`elastic_field`; every output pixel (r, c) is read, by bilinear
    interpolation (``scipy.ndimage.map_coordinates``), from position (r + dy, c + dx) of the
    input.  The defaults alpha = 34, sigma = 4 are the paper's values for 28 x 28 MNIST digits;
    sigma may be at most the image size (28).  ``alpha = 0`` returns the image unchanged.
    ``rng``: a seed or a Generator (None: fresh randomness on every call).
    """
    img, shape = _as_image(image)
    order = _order(order)
    dx, dy = elastic_field(img.shape, alpha, sigma, rng)
    return _warp(img, dx, dy, order).reshape(shape)


# ---------------------------------------------------------------------------------- expansion
def expand_dataset(X, labels, copies: int = 1, transforms=("rotate", "shift", "elastic"),
                   max_degrees=15.0, max_shift: int = 2, max_skew=0.3, alpha=34.0, sigma=4.0,
                   seed=0, include_original: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Enlarge a data set by ``copies`` randomly transformed versions of every image.

    ``X`` (784, m) with one digit per column (any square image size works), ``labels`` (m,).
    For every copy and every image one transformation is drawn from ``transforms`` with random
    parameters: a rotation by an angle uniform in [-max_degrees, max_degrees], a whole-pixel
    shift with dx, dy in -max_shift..max_shift (not both 0), a skew with factor uniform in
    [-max_skew, max_skew], or an elastic distortion with ``alpha``, ``sigma``.  All randomness
    comes from ``numpy.random.default_rng(seed)``, so the result is reproducible.

    Returns ``(X_expanded, labels_expanded)``, ``X_expanded`` float64 (also for ``copies=0``
    and a float32 ``X``): first the original columns (if
    ``include_original``), then copy 1 of every image in the original order, then copy 2, ...;
    so ``X_expanded`` has m * (copies + include_original) columns and ``labels_expanded`` is
    ``labels`` (as int64) repeated that many times.  One transformed copy keeps the label of its
    original.
    """
    X = _validate.as_matrix("X", X).astype(np.float64)  # float64 out, whatever copies is
    d, m = X.shape
    side = math.isqrt(d)
    if side * side != d:
        raise ValueError(f"X must have a square number of rows like 784 = 28 x 28, got {d}")
    y = _validate.labels("labels", labels, m)
    copies = _validate.integer("copies", copies, low=0)
    if not isinstance(include_original, bool):
        raise TypeError(f"include_original must be True or False, got {include_original!r}")
    if isinstance(transforms, str):
        transforms = (transforms,)
    if not isinstance(transforms, (tuple, list)):
        raise TypeError(f"transforms must be a name or a list of names from {list(TRANSFORMS)}, "
                        f"got {type(transforms).__name__} {transforms!r}")
    transforms = tuple(transforms)
    if not transforms:
        raise ValueError(f"transforms must name at least one of {list(TRANSFORMS)}")
    for t in transforms:
        _validate.choice("transforms", t, TRANSFORMS)
    max_degrees = _validate.number("max_degrees", max_degrees, low=0.0, high=180.0)
    max_skew = _validate.number("max_skew", max_skew, low=0.0, high=5.0)
    alpha = _validate.number("alpha", alpha, low=0.0)
    sigma = _validate.number("sigma", sigma, low=0.0, low_open=True, high=float(side))
    if "shift" in transforms:
        max_shift = _validate.integer("max_shift", max_shift, low=1, high=side - 1)
    seed = _validate.integer("seed", seed, low=0)
    if copies == 0 and not include_original:
        raise ValueError("copies = 0 with include_original=False would return an empty data set")

    rng = np.random.default_rng(seed)
    images = X.T.reshape(m, side, side)
    blocks = [X] if include_original else []
    for _ in range(copies):
        out = np.empty((m, side, side))
        kinds = rng.integers(0, len(transforms), size=m)
        for i in range(m):
            kind = transforms[kinds[i]]
            img = images[i]
            if kind == "rotate":
                out[i] = _rotate(img, rng.uniform(-max_degrees, max_degrees), 1)
            elif kind == "shift":
                dx = dy = 0
                while dx == 0 and dy == 0:
                    dx, dy = rng.integers(-max_shift, max_shift + 1, size=2)
                out[i] = _shift(img, float(dx), float(dy), 1)
            elif kind == "skew":
                out[i] = _skew(img, rng.uniform(-max_skew, max_skew), 1)
            else:
                dx, dy = elastic_field(img.shape, alpha, sigma, rng)
                out[i] = _warp(img, dx, dy, 1)
        blocks.append(out.reshape(m, d).T)
    X_expanded = np.concatenate(blocks, axis=1)
    labels_expanded = np.tile(y, len(blocks))
    return X_expanded, labels_expanded
