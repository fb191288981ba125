"""Exercises of notebook 05 (L2 regularization and the Hessian view, eqs (21)-(38)).

Every solution is computed with the package (:mod:`lecture5.regularization`,
:mod:`lecture5.hessian`).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ..hessian import l2_minimizer, shrink_factors
from ..regularization import weight_decay_factor
from . import exercise

__all__ = ["ETA", "LMBDA", "N", "FLAT_EIGENVALUE", "H_3", "W_STAR_3", "LMBDA_3"]

#: exercise 05.1: learning rate, lambda and training-set size
ETA, LMBDA, N = 0.5, 5.0, 1000
#: exercise 05.2: the small eigenvalue D_11 of the notebook's figure
FLAT_EIGENVALUE = 0.25
#: exercise 05.3: a Hessian, the unregularized minimum and lambda
H_3 = np.array([[2.0, 1.0], [1.0, 2.0]])
W_STAR_3 = np.array([1.0, 1.0])
LMBDA_3 = 1.0


@exercise("05.1", hint="eq (28): w <- (1 - ηλ/n) w - ...; n is the size of the whole "
                       "training set, not the mini-batch.")
def decay_factor():
    """The factor 1 - ηλ/n that rescales every weight at every step (eq (28))."""
    return weight_decay_factor(ETA, LMBDA, N)


@exercise("05.2", hint="solve D_11 / (D_11 + lambda) = 1/2 for lambda (eq (38)).")
def half_shrink_lambda():
    """The lambda that halves the component of w* along the eigenvector with D_11 = 0.25."""
    return brentq(lambda lam: shrink_factors([FLAT_EIGENVALUE], lam)[0] - 0.5, 1e-9, 1e9)


@exercise("05.3", hint="w* = (1, 1) is an eigenvector of H (which eigenvalue?), so eq (38) "
                       "rescales all of it by one factor; answer a vector of 2 numbers.")
def w_tilde_3():
    """w~ = (H + lambda I)^{-1} H w* (eq (34)) for H = [[2, 1], [1, 2]], w* = (1, 1), lambda = 1."""
    return l2_minimizer(H_3, W_STAR_3, LMBDA_3)
