"""Input checks shared by the package: fail early, name the argument, say what was expected."""

from __future__ import annotations

import math
import numbers

import numpy as np


def as_matrix(name: str, x, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """Return ``x`` as a finite float 2-D array of shape (rows, cols), or raise naming ``name``."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.ndim != 2:
        want = f"({rows if rows is not None else 'd'}, m)"
        raise ValueError(
            f"{name} must be 2-D of shape {want} with one column per example, got shape {arr.shape}"
        )
    if (rows is not None and arr.shape[0] != rows) or (cols is not None and arr.shape[1] != cols):
        want = f"({rows if rows is not None else 'any'}, {cols if cols is not None else 'm'})"
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if arr.size == 0:
        # an empty batch has no mean: the averages of eq (8), BP3 and BP4 would divide by m = 0
        raise ValueError(
            f"{name} must have at least one column (one example), got shape {arr.shape}"
        )
    if arr.dtype.kind != "f":
        arr = arr.astype(float)
    # one reduction: a NaN or an infinity anywhere makes the sum non-finite.  Huge finite entries
    # can overflow the sum itself; that is not an error (the elementwise check decides), so the
    # overflow warning is silenced
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(np.add.reduce(arr, axis=None))
    if not math.isfinite(total) and not np.isfinite(arr).all():
        raise ValueError(f"{name} must contain only finite numbers (found NaN or infinity)")
    return arr


def number(name: str, x, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """Return ``x`` as a finite float inside the given bounds, or raise naming ``name``."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    if low is not None and (v < low or (low_open and v == low)):
        op = ">" if low_open else ">="
        raise ValueError(f"{name} must be {op} {low}, got {v}")
    if high is not None and (v > high or (high_open and v == high)):
        op = "<" if high_open else "<="
        raise ValueError(f"{name} must be {op} {high}, got {v}")
    return v


def integer(name: str, x, *, low=None, high=None) -> int:
    """Return ``x`` as an int inside [low, high], or raise naming ``name``."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(x).__name__} {x!r}")
    v = int(x)
    if low is not None and v < low:
        raise ValueError(f"{name} must be >= {low}, got {v}")
    if high is not None and v > high:
        raise ValueError(f"{name} must be <= {high}, got {v}")
    return v


def choice(name: str, x, options) -> str:
    """Return ``x`` if it is one of ``options``, or raise naming ``name``."""
    if x not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {x!r}")
    return x
