"""Exercises of notebook 09, artificial expansion of the training data.

Each right answer is computed with :mod:`lecture5.augment`.  Images are 28 x 28 with rows running
downwards, as ``imshow`` draws them.
"""

from __future__ import annotations

import numpy as np

from ..augment import rotate, skew
from . import Derive, Implement, Predict, Wrong, register

QUADRANTS = ("top-left", "top-right", "bottom-left", "bottom-right")


def _quadrant(img: np.ndarray) -> str:
    """The quadrant ("top-left", ...) that holds most of the ink of a square image."""
    half = img.shape[0] // 2
    parts = {
        "top-left": img[:half, :half], "top-right": img[:half, half:],
        "bottom-left": img[half:, :half], "bottom-right": img[half:, half:],
    }
    return max(parts, key=lambda name: float(parts[name].sum()))


def _blob():
    img = np.zeros((28, 28))
    img[3:8, 20:25] = 1.0  # a blob in the top-right quadrant
    return img


def _after():
    return _quadrant(rotate(_blob(), 90))


def _show():
    rows, cols = np.nonzero(rotate(_blob(), 90) > 0.5)
    return (f"before: ink in rows 3-7, columns 20-24 (top-right)\n"
            f"after rotate(image, 90): rows {rows.min()}-{rows.max()}, columns "
            f"{cols.min()}-{cols.max()} ({_after()})")


register(Predict(
    key="09.1", task="predict where rotate(image, 90) moves ink from the top-right quarter",
    choices=QUADRANTS, truth=_after, show=_show,
    hint="positive degrees turn to the left (counter-clockwise), as in the slides' example.",
    wrong=(Wrong("bottom-right", "that is a quarter turn to the right (clockwise); positive "
                                 "degrees turn to the left"),
           Wrong("bottom-left", "that is a half turn (180 degrees)"),
           Wrong("top-right", "a quarter turn moves every quarter to the next one")),
    why=("a quarter turn to the left takes the top-right corner to the top-left "
         "(like np.rot90)."),
))


def _shift(factor, row):
    """How far skew(image, factor) moves the ink of ``row`` to the right (ink centroid)."""
    img = np.zeros((28, 28))
    img[:, 10] = 1.0  # a vertical line in column 10
    line = skew(img, factor)[int(row)]
    return float((np.arange(28) * line).sum() / line.sum()) - 10.0


def _random_fr(rng):
    return [{"factor": float(f), "row": int(r)}
            for f, r in zip(rng.uniform(-0.35, 0.35, 3), rng.integers(0, 28, 3))]


register(Derive(
    key="09.2", task="derive how far skew(image, factor) moves the ink of a row to the right",
    formula=_shift, given=lambda: {"factor": 0.3, "row": 0}, samples=_random_fr,
    rtol=0.0, atol=0.03,
    hint="the shear leaves the middle row in place; rows are numbered 0..27 from the top.",
    wrong=(Wrong(lambda factor, row: factor * (14 - row),
                 "the middle of rows 0..27 is 13.5, not 14"),
           Wrong(lambda factor, row: -factor * (13.5 - row),
                 "the direction: a positive factor moves the top rows to the right"),
           Wrong(lambda factor, row: factor * row,
                 "the shear turns about the middle row, not about the top one")),
    worked=lambda: ("row r moves factor (13.5 - r) pixels right:  lambda factor, row: "
                    f"factor * (13.5 - row); for factor 0.3, row 0: {_shift(0.3, 0):.2f}"),
))


def _images(rng):
    return [(rng.uniform(size=(28, 28)),), (rng.uniform(size=784),),
            (rng.uniform(size=(28, 28)),)]


def _quarter_turn(image):
    return rotate(image, 90)


def _clockwise(image):
    image = np.asarray(image)
    return np.rot90(image.reshape(28, 28), -1).reshape(image.shape)


def _transposed(image):
    image = np.asarray(image)
    return image.reshape(28, 28).T.reshape(image.shape)


register(Implement(
    key="09.3", task="implement a quarter turn to the left for a 28 x 28 image or a 784-vector",
    signature="rotate90(image) -> same shape", reference=_quarter_turn, cases=_images,
    hint="reshape to 28 x 28, turn, and give back the input's shape.",
    wrong=(Wrong(_clockwise, "that turns to the right (clockwise); positive degrees turn left"),
           Wrong(_transposed, "the transpose mirrors the image about its diagonal; it is not a "
                              "rotation"),
           Wrong(lambda image: np.rot90(np.asarray(image).reshape(28, 28)),
                 "a 784-vector must come back as a 784-vector: reshape back to image.shape")),
    worked=lambda: ("def rotate90(image):\n    image = np.asarray(image)\n"
                    "    return np.rot90(image.reshape(28, 28)).reshape(image.shape)"),
))
