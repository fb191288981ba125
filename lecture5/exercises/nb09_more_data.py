"""Exercises of notebook 09, artificial expansion of the training data.

Each solution computes its answer with :mod:`lecture5.augment`, never from a typed-in number.
Images are 28 x 28 with rows running downwards, as ``imshow`` draws them.
"""

from __future__ import annotations

import numpy as np

from ..augment import expand_dataset, rotate, skew
from . import exercise

QUADRANTS = ("top-left", "top-right", "bottom-left", "bottom-right")


def _quadrant(img: np.ndarray) -> str:
    """The quadrant ("top-left", ...) that holds most of the ink of a square image."""
    half = img.shape[0] // 2
    parts = {
        "top-left": img[:half, :half], "top-right": img[:half, half:],
        "bottom-left": img[half:, :half], "bottom-right": img[half:, half:],
    }
    return max(parts, key=lambda name: float(parts[name].sum()))


@exercise("09.1", hint="expand_dataset keeps the originals (include_original=True) and adds "
                      "`copies` transformed versions of every digit.")
def expanded_size() -> int:
    """Columns of ``expand_dataset`` for 500 digits and copies=4 (originals kept)."""
    X = np.zeros((784, 500))
    X[300:400] = 1.0  # any picture will do: only the number of columns is asked for
    labels = np.zeros(500, dtype=np.int64)
    X_expanded, _ = expand_dataset(X, labels, copies=4, transforms=("shift",), seed=0)
    return X_expanded.shape[1]


@exercise("09.2", hint="Positive degrees turn to the left (counter-clockwise), like np.rot90. "
                      "Answer with one of: top-left, top-right, bottom-left, bottom-right.")
def quadrant_after_rotation() -> str:
    """Where the ink of the top-right quadrant goes under ``rotate(img, 90)``."""
    img = np.zeros((28, 28))
    img[3:8, 20:25] = 1.0  # a blob in the top-right quadrant
    return _quadrant(rotate(img, 90))


@exercise("09.3", atol=0.03, rtol=0.0,
          hint="Row r moves factor * (r_centre - r) pixels to the right; the middle of 28 rows "
               "numbered 0..27 is r_centre = 13.5.")
def skew_top_row_shift() -> float:
    """How far ``skew(img, 0.3)`` moves the ink of the top row (row 0) of a 28 x 28 image."""
    img = np.zeros((28, 28))
    img[:, 10] = 1.0  # a vertical line in column 10
    row0 = skew(img, 0.3)[0]
    columns = np.arange(28)
    return float((columns * row0).sum() / row0.sum()) - 10.0
