"""Exercises of notebook 02 (the Hadamard product, eq (9)).  Right answers computed with the
package."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..backprop import hadamard
from . import Derive, Implement, Predict, Wrong, register

__all__ = ["MATRIX", "VECTOR"]

#: the shapes of exercise 02.1: a matrix and a 1-D array of its row length
MATRIX, VECTOR = (2, 3), (3,)


def _product_shape():
    return (np.ones(MATRIX) * np.ones(VECTOR)).shape


def _show_broadcast():
    s, t = np.arange(1.0, 7.0).reshape(MATRIX), np.array([10.0, 100.0, 1000.0])
    try:
        hadamard(s, t)
        refused = "hadamard(s, t) accepted them"
    except ValueError as error:
        refused = f"hadamard(s, t) refuses: {error}"
    return (f"s * t has shape {(s * t).shape}: numpy lined up the last axes and multiplied t into"
            f" every row, without a word:\n{s * t}\n{refused}")


register(Predict(
    key="02.1",
    task="predict the shape numpy gives s * t for s of shape (2, 3) and t of shape (3,)",
    truth=_product_shape, show=_show_broadcast, rtol=0.0, atol=0.0, attempts=2,
    hint="numpy lines shapes up from the right and stretches missing or length-1 axes.",
    wrong=(Wrong(VECTOR, "broadcasting stretches the smaller array to the larger shape, never "
                         "the other way"),
           Wrong(MATRIX + VECTOR, "numpy adds no axis for an outer product here: it lines the "
                                  "shapes up from the right, (2, 3) against (3,)"),
           Wrong(MATRIX[::-1], "the shape of s is kept as it is; nothing is transposed")),
    why=lambda: ("(2, 3) and (3,) line up from the right: t acts as a (1, 3) row, stretched to "
                 f"{_product_shape()}. Different shapes, no error."),
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
