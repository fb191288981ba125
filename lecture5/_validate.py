"""Input checks shared by the package: fail early, name the argument, say what was expected.

The convention every public function of the package follows: a TypeError for a value of the
wrong kind (a string where a number goes), a ValueError for one of the right kind but the wrong
shape or out of range; the message names the argument, says what was expected and what came; and
the checks run before anything is changed, so a rejected call leaves a network's weights and
biases as they were.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def numeric(name: str, x, what: str = "a numeric array") -> np.ndarray:
    """``x`` as a numpy array of real numbers (bool, integer or float dtype), any shape, or a
    TypeError/ValueError naming ``name`` and saying ``what`` it must be: a string, None, an
    object or string dtype, and a ragged nested list (rows of different lengths) are refused."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be {what}, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # numpy refuses a ragged nested list
        raise ValueError(f"{name} must be {what}, got a ragged nested sequence (rows of "
                         "different lengths)") from exc
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be {what}, got dtype {arr.dtype}")
    return arr


def as_matrix(name: str, x, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """Return ``x`` as a finite float 2-D array of shape (rows, cols), or raise naming ``name``."""
    arr = numeric(name, x)
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


def sizes(x, example: str = "[784, 30, 10]", *, max_width=None, max_layers=None) -> list[int]:
    """``x`` as a list of at least two layer widths >= 1 (at most ``max_width`` each, at most
    ``max_layers`` of them, where given), or raise naming ``sizes``."""
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths like {example}, got {x!r}")
    widths = [integer(f"sizes[{i}]", s, low=1, high=max_width) for i, s in enumerate(x)]
    if len(widths) < 2:
        raise ValueError(f"sizes must name at least an input and an output layer, got {widths}")
    if max_layers is not None and len(widths) > max_layers:
        raise ValueError(f"sizes must list 2 to {max_layers} layers, got {widths}")
    return widths


def labels(name: str, x, m: int | None = None, num_classes: int | None = None) -> np.ndarray:
    """``x`` as a 1-D int64 array of class indices, or an error naming ``name``.

    Whole numbers stored as floats (``[1.0, 0.0]``) are accepted.  A TypeError for what is not
    whole numbers (strings, 3.5); a ValueError for a shape other than ``(m,)`` (1-D when ``m`` is
    None) or a class outside ``0..num_classes-1`` (+50 or -1: no output neuron can match them).
    """
    arr = numeric(name, x, "a 1-D array of integer class labels")
    if arr.dtype.kind == "f" and np.isfinite(arr).all() and (arr == np.round(arr)).all():
        arr = arr.astype(np.int64)  # whole numbers stored as floats (or an empty list)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}"
                        + (f" (e.g. {arr.flat[0]!r})" if arr.size else ""))
    if m is None and arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D of shape (m,), got shape {arr.shape}")
    if m is not None and arr.shape != (m,):
        raise ValueError(f"{name} must have shape ({m},), one label per example, got {arr.shape}")
    if num_classes is not None and arr.size:
        low, high = int(arr.min()), int(arr.max())
        if low < 0 or high >= num_classes:
            raise ValueError(f"{name} must lie in 0..{num_classes - 1} (one class per output "
                             f"neuron), found {low if low < 0 else high}")
    return arr.astype(np.int64, copy=False)


def parameters(sizes: list[int], weights: list, biases: list) -> None:
    """Make sure assignable ``weights``/``biases`` still fit ``sizes``, in the lists themselves.

    A student may assign ``net.weights[0] = np.array([[1, -1]])``: a numeric array of the right
    shape that is not float64 is replaced by a float64 copy (so it can be trained, the caller's
    array untouched); a wrong shape -- a 1-D bias (d,) would broadcast along the wrong axis in
    ``w @ a + b`` -- raises, naming the entry.
    """
    for name, params, shapes in (("weights", weights, list(zip(sizes[1:], sizes[:-1]))),
                                 ("biases", biases, [(d, 1) for d in sizes[1:]])):
        if len(params) != len(shapes):
            raise ValueError(f"net.{name} must hold {len(shapes)} arrays for sizes {sizes}, "
                             f"got {len(params)}")
        for i, (p, shape) in enumerate(zip(params, shapes)):
            if type(p) is np.ndarray and p.dtype == np.float64 and p.shape == shape:
                continue
            if np.shape(p) != shape:
                raise ValueError(f"net.{name}[{i}] must have shape {shape} for sizes {sizes}, "
                                 f"got {np.shape(p)}")
            q = np.asarray(p)
            if q.dtype.kind not in "biuf":
                raise TypeError(f"net.{name}[{i}] must be numeric, got dtype {q.dtype}")
            params[i] = q.astype(np.float64)


class Checked:
    """An attribute checked when set, the error naming it, and stored as ``_<name>`` (where a hot
    loop may read it directly): ``eta = Checked("doc", number, low=0.0, low_open=True)``.

    ``check(name, value, **bounds)`` is one of the functions above; a bound may be a function of
    the owner (``high=lambda t: t.n``); ``optional=True`` also accepts None."""

    def __init__(self, doc, check, optional=False, **bounds):
        self.__doc__, self.check, self.optional, self.bounds = doc, check, optional, bounds

    def __set_name__(self, owner, name):
        self.name, self.slot = name, "_" + name

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj, self.slot)

    def __set__(self, obj, value):
        if not (self.optional and value is None):
            bounds = {k: b(obj) if callable(b) else b for k, b in self.bounds.items()}
            value = self.check(self.name, value, **bounds)
        setattr(obj, self.slot, value)
