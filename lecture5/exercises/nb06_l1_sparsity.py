"""Exercises of notebook 06 (L1 regularization, eqs (39)-(41)).  Solutions computed with the
package.  n is the size of the whole training set (the slides' m)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ..regularization import apply_penalty_step
from . import exercise

__all__ = ["W", "ETA", "LMBDA", "N"]

#: the weights, learning rate, lambda and training-set size of exercises 06.1 and 06.2
W = np.array([0.8, -0.3, 0.05, -0.02])
ETA, LMBDA, N = 0.5, 4.0, 50


@exercise("06.1", hint="eq (41) without the data term: w - (ηλ/n) sgn(w). Every weight "
                       "loses the same amount; look closely at the small ones.")
def naive_l1_step():
    """W after one step of (41) with a zero data gradient."""
    return apply_penalty_step(W.copy(), ETA, LMBDA, N, "l1")


@exercise("06.2", hint="the soft threshold moves every |w| towards 0 by ηλ/n but stops "
                       "at exactly 0: sgn(w) max(|w| - ηλ/n, 0).")
def soft_threshold_step():
    """W after one soft-threshold (proximal L1) step with a zero data gradient."""
    return apply_penalty_step(W.copy(), ETA, LMBDA, N, "l1_prox")


@exercise("06.3", hint="L2 removes (ηλ/n) |w|, L1 removes (ηλ/n): set them "
                       "equal. The answer does not depend on eta, lambda or n.")
def break_even_weight():
    """The weight w > 0 for which one L2 step (28) and one L1 step (41) remove the same amount."""

    def difference(w):
        l2 = w - apply_penalty_step(np.array([w]), ETA, LMBDA, N, "l2")[0]
        l1 = w - apply_penalty_step(np.array([w]), ETA, LMBDA, N, "l1")[0]
        return l2 - l1

    return brentq(difference, 1e-3, 1e3, xtol=1e-12)
