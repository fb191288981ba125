"""Exercises of notebook 10 (the live playground).  Solutions computed with the package.

The numbers are those of the preset "the same with λ = 5": 1,000 training digits (n, the slides'
m), eta = 0.5, lambda = 5 and mini-batches of m-hat = 10.
"""

from __future__ import annotations

import math

import numpy as np

from ..playground import PRESETS
from ..regularization import apply_penalty_step, weight_decay_factor
from . import exercise

__all__ = ["ETA", "LMBDA", "N", "M_HAT"]

_L2 = PRESETS["the same with λ = 5"]
#: eta, lambda, the training-set size n and the mini-batch size m-hat of the exercises
ETA, LMBDA, N, M_HAT = _L2["eta"], _L2["lmbda"], _L2["n_train"], _L2["mini_batch_size"]


@exercise("10.1", hint="eq (28): w <- (1 - ηλ/n) w - (η/m̂) sum dC_x/dw. "
                       "The factor in front of w is the whole answer; n is the training-set size.")
def decay_per_mini_batch():
    """The factor by which eq (28) multiplies every weight at one mini-batch."""
    return weight_decay_factor(ETA, LMBDA, N)


@exercise("10.2", hint="one epoch is n / m-hat mini-batches, and the factor of 10.1 is applied "
                       "at every one of them.", rtol=1e-4)
def decay_per_epoch():
    """The factor by which the decay alone shrinks a weight over one epoch (n / m-hat steps)."""
    return weight_decay_factor(ETA, LMBDA, N) ** math.ceil(N / M_HAT)


@exercise("10.3", hint="eq (41): w <- w - (ηλ/n) sgn(w) - ...; the L1 term moves "
                       "every nonzero weight by the same amount, whatever its size.")
def l1_move_per_mini_batch():
    """How far the L1 term of eq (41) moves a nonzero weight towards 0 at one mini-batch."""
    w = np.array([1.0])
    return float(w[0] - apply_penalty_step(w.copy(), ETA, LMBDA, N, "l1")[0])
