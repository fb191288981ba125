"""Exercises of notebook 02 (the Hadamard product, eq (9)).  Solutions computed with the package."""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..backprop import hadamard
from . import exercise

__all__ = ["S", "T", "Z"]

#: the vectors of exercise 02.1
S = np.array([1.0, -2.0, 3.0])
T = np.array([4.0, 0.5, -1.0])
#: the weighted inputs z of exercise 02.3
Z = np.array([0.0, 2.0, -1.0])


@exercise("02.1", hint="eq (9): multiply entry by entry, (s (.) t)_j = s_j t_j.")
def s_hadamard_t():
    """s (.) t for the vectors S and T."""
    return hadamard(S, T)


@exercise("02.2", hint="numpy stretches a (4, 1) column and a (1, 4) row against each other; "
                       "answer a tuple.")
def broadcast_shape():
    """The shape numpy gives ``s * t`` for a (4, 1) column s and a (1, 4) row t."""
    return (np.ones((4, 1)) * np.ones((1, 4))).shape


@exercise("02.3", hint="a Hadamard product with a vector v is a product with the diagonal "
                       "matrix that has v on its diagonal (np.diag).")
def gate_matrix():
    """The matrix M with M @ v = sigma'(Z) (.) v for every v: diag(sigma'(Z)), 3 x 3."""
    return np.diag(sigmoid.prime(Z))
