"""Regularization terms and their update steps: L2 (eqs (21)-(28)) and L1 (eqs (39)-(41)).

Throughout, ``n`` is the size of the whole training set (the slides' m in (21)-(28) and (39)-(41)),
not the mini-batch size m-hat: the penalty belongs to the cost over all the training data, and a
mini-batch step adds its full share at every step.

Weight-only: biases are never penalised, eq (24), so their step is (25), b <- b - eta dC_0/db
(for a mini-batch, (27)).  The cost with its penalty, C = C_0 + penalty, is eq (22); the slide's
(22) writes lambda/m where (21) has lambda/(2m), and the gradient (23) matches lambda/(2m).
"""

from __future__ import annotations

import numpy as np

from . import _validate

__all__ = [
    "PENALTIES",
    "l2_penalty",
    "l1_penalty",
    "penalty_cost",
    "l2_gradient",
    "l1_gradient",
    "weight_decay_factor",
    "soft_threshold",
    "apply_penalty_step",
]

#: "l2": weight decay (28); "l1": the naive sgn(w) step (41); "l1_prox": the soft-threshold
#: (proximal) form of L1, which lands on exact zeros; "none": no penalty
PENALTIES = ("none", "l2", "l1", "l1_prox")


def l2_penalty(weights, lmbda: float, n: int) -> float:
    """lambda / (2n) * sum_w w^2, the second term of eq (21)."""
    return float(lmbda / (2.0 * n) * sum(float(np.vdot(w, w)) for w in weights))


def l1_penalty(weights, lmbda: float, n: int) -> float:
    """lambda / n * sum_w |w|, the second term of eq (39)."""
    return float(lmbda / n * sum(float(np.abs(w).sum()) for w in weights))


def penalty_cost(weights, lmbda: float, n: int, penalty: str = "l2") -> float:
    """The penalty part of the cost for ``penalty`` in :data:`PENALTIES` (0 for "none")."""
    _validate.choice("penalty", penalty, PENALTIES)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    n = _validate.integer("n", n, low=1)
    if penalty == "none" or lmbda == 0:
        return 0.0
    if penalty == "l2":
        return l2_penalty(weights, lmbda, n)
    return l1_penalty(weights, lmbda, n)


def l2_gradient(w, lmbda: float, n: int):
    """d/dw of the L2 term: (lambda / n) w, the added term of eq (23)."""
    return (lmbda / n) * np.asarray(w)


def l1_gradient(w, lmbda: float, n: int):
    """d/dw of the L1 term: (lambda / n) sgn(w), the added term of eq (40)."""
    return (lmbda / n) * np.sign(w)


def weight_decay_factor(eta: float, lmbda: float, n: int) -> float:
    """1 - eta lambda / n, the factor that rescales every weight in eqs (26) and (28)."""
    return 1.0 - eta * lmbda / n


def soft_threshold(w, threshold: float):
    """sgn(w) max(|w| - threshold, 0): the proximal step of the L1 penalty.

    Weights whose magnitude is below ``threshold`` become exactly 0 instead of hopping across zero
    as the naive sgn(w) step (41) does.
    """
    w = np.asarray(w, dtype=float)
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


def apply_penalty_step(w, eta: float, lmbda: float, n: int, penalty: str, scratch=None):
    """Apply the penalty's part of one SGD step to the weight matrix ``w`` in place.

    Called with the data gradient still to be subtracted: for "l2" and "l1" this is the
    ``(1 - eta lambda / n) w`` of eq (28) or the ``- eta lambda / n sgn(w)`` of eq (41), both
    evaluated at the weights before the step.  "l1_prox" must be called *after* the data step
    (see :func:`lecture5.network.Network.update_mini_batch`).  ``scratch`` is an optional array of
    w's shape reused to avoid allocating.
    """
    if penalty not in PENALTIES:
        raise ValueError(f"penalty must be one of {list(PENALTIES)}, got {penalty!r}")
    if penalty == "none" or lmbda == 0:
        return w
    step = eta * lmbda / n
    if penalty == "l2":
        w *= 1.0 - step
    elif penalty == "l1":
        s = np.sign(w, out=scratch)
        s *= step
        w -= s
    elif penalty == "l1_prox":
        # w <- sgn(w) max(|w| - step, 0), written in place
        a = np.abs(w, out=scratch)
        a -= step
        np.maximum(a, 0.0, out=a)
        np.copysign(a, w, out=w)
    return w
