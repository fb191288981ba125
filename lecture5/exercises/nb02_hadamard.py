"""Exercises of notebook 02 (the Hadamard product, eq (9)).  Right answers computed with the
package."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..backprop import hadamard
from . import Derive, Implement, Predict, Wrong, register

#: the shapes of exercise 02.1: a column and a row
COLUMN, ROW = (4, 1), (1, 4)


def _product_shape():
    return (np.ones(COLUMN) * np.ones(ROW)).shape


def _show_broadcast():
    s, t = np.ones(COLUMN), np.ones(ROW)
    try:
        hadamard(s, t)
        refused = "hadamard(s, t) accepted them"
    except ValueError as error:
        refused = f"hadamard(s, t) refuses: {error}"
    return f"s * t has shape {(s * t).shape}: numpy broadcast both without a word.\n{refused}"


register(Predict(
    key="02.1", task="predict the shape numpy gives s * t for a (4, 1) column and a (1, 4) row",
    truth=_product_shape, show=_show_broadcast, rtol=0.0, atol=0.0, attempts=2,
    hint="numpy stretches every axis of length 1 to match the other array.",
    wrong=(Wrong(COLUMN, "numpy does not refuse and does not keep the column: it broadcasts "
                         "both factors to the larger shape - the silent trap of this notebook"),
           Wrong(ROW, "numpy does not keep the row either: both axes of length 1 are "
                      "stretched"),
           Wrong((4,), "the result keeps two axes; broadcasting never removes an axis")),
    worked=lambda: ("broadcasting stretches the column's axis 1 and the row's axis 0, giving "
                    f"{_product_shape()}: an outer product, not eq (9).\n" + _show_broadcast()),
))


def _jacobian(z):
    return np.diag(sigmoid.prime(np.asarray(z, dtype=float)))


def _random_z(rng):
    return [{"z": rng.normal(scale=2.0, size=k)} for k in (1, 3, 5)]


register(Derive(
    key="02.2",
    task="derive the matrix M with M v = sigma'(z) (.) v for every v (the Jacobian of sigma)",
    formula=_jacobian, given=lambda: {"z": np.array([0.0, 2.0, -1.0])}, samples=_random_z,
    hint="a_j = sigma(z_j) depends on z_j only: which entries of da/dz are not zero?",
    wrong=(Wrong(lambda z: sigmoid.prime(np.asarray(z, dtype=float)),
                 "that is the diagonal only: M is a square matrix (np.diag of this vector)"),
           Wrong(lambda z: np.diag(sigmoid(np.asarray(z, dtype=float))),
                 "sigma instead of its derivative sigma' (sigmoid.prime)"),
           Wrong(lambda z: np.outer(sigmoid.prime(np.asarray(z, dtype=float)),
                                    np.ones(np.size(z))),
                 "every column equal: that multiplies v's entries sum, not entry by entry; "
                 "only the diagonal is nonzero")),
    worked=lambda: ("da_j/dz_k = sigma'(z_j) if j = k, else 0, so M = np.diag(sigmoid.prime(z)):\n"
                    f"{_jacobian([0.0, 2.0, -1.0]).round(4)}"),
))


def _pairs(rng):
    same = [((3,), (3,)), ((4, 1), (4, 1)), ((3, 5), (3, 5))]
    different = [((3, 1), (1, 3)), ((3,), (3, 1)), ((2, 3), (3, 2))]
    return [(rng.normal(size=a), rng.normal(size=b)) for a, b in same + different]


def _outer(s, t):
    return np.outer(s, t)


register(Implement(
    key="02.3",
    task="implement eq (9) as a function that refuses different shapes (ValueError)",
    signature="my_hadamard(s, t) -> s (.) t", reference=hadamard, cases=_pairs,
    hint="compare s.shape with t.shape first, and raise ValueError when they differ.",
    wrong=(Wrong(lambda s, t: s * t,
                 "s * t alone broadcasts different shapes into a matrix without an error: check "
                 "the shapes and raise ValueError"),
           Wrong(lambda s, t: s @ t, "@ is the matrix (or dot) product, not entry by entry"),
           Wrong(_outer, "np.outer is the product of every s_j with every t_k, not eq (9)")),
    worked=lambda: ("def my_hadamard(s, t):\n    if np.shape(s) != np.shape(t):\n"
                    "        raise ValueError(f'shapes differ: {np.shape(s)} and {np.shape(t)}')\n"
                    "    return s * t   # eq (9): (s (.) t)_j = s_j t_j"),
))
