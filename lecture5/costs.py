"""Cost functions: the quadratic cost, eq (8), and the cross-entropy cost, the C_0 of eqs (21)
and (22).

Either one is the C_0 of C = C_0 + penalty, eq (22) (the penalty, lambda/(2m) sum_w w^2 as in
(21), lives in :mod:`lecture5.regularization`).  Since the penalty does not involve the biases,
dC/db = dC_0/db (24) and the bias step (25), b <- b - eta dC_0/db, uses the gradient of these
costs alone (BP1 via ``delta``, then BP3).

Both follow the pattern of Nielsen's ``network2.py``:

* ``fn(a, y)`` is the cost averaged over the m columns (examples) of ``a`` and ``y``,
  C = (1/m) sum_x C_x;
* ``nabla_a(a, y)`` is dC_x/da^L for every column, the first factor of BP1;
* ``delta(z, a, y)`` is the output error delta^L = nabla_a C_x (Hadamard) sigma'(z^L), BP1, one
  column per example (not yet averaged: BP3/BP4 average).

Arrays are in column form, shape ``(d_L, m)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from .activations import Activation, sigmoid

__all__ = ["QuadraticCost", "CrossEntropyCost", "COSTS", "get_cost"]


#: how close to 0 and 1 the cross-entropy lets a^L get, so that ln a and ln(1 - a) stay finite
_EPS = 1e-15


def _clip01(a):
    return np.clip(np.asarray(a, dtype=float), _EPS, 1.0 - _EPS)


def _m(a) -> int:
    a = np.asarray(a)
    return 1 if a.ndim < 2 else a.shape[1]


class QuadraticCost:
    """C = 1/(2m) sum_x ||y(x) - a^L(x)||^2, eq (8); C_x = 1/2 ||y - a^L||^2."""

    name = "quadratic"

    @staticmethod
    def fn(a, y) -> float:
        a = np.asarray(a, dtype=float)
        diff = a - y
        return float(0.5 * np.sum(diff * diff) / _m(a))

    @staticmethod
    def nabla_a(a, y):
        """dC_x/da^L_j = a^L_j - y_j, the step between eq (11) and eq (12)."""
        return np.asarray(a, dtype=float) - y

    @staticmethod
    def delta(z, a, y, activation: Activation = sigmoid):
        """delta^L = (a^L - y) (Hadamard) sigma'(z^L), eq (13)."""
        return (np.asarray(a, dtype=float) - y) * activation.prime(z)


class CrossEntropyCost:
    """C_0 = -(1/m) sum_x sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)], the first term of eq (21)
    and the C_0 of eq (22).

    With a sigmoid output layer the sigma'(z) of BP1 cancels against the derivative of the
    logarithms, so delta^L = a^L - y: no sigma' factor.  That cancellation is why cross-entropy
    learns fast when an output neuron is badly wrong (where sigma' near 0 stalls the quadratic
    cost).
    """

    name = "cross-entropy"

    @staticmethod
    def fn(a, y) -> float:
        y = np.asarray(y, dtype=float)
        # xlogy(0, 0) = 0, and a at exactly 0 or 1 is clipped so a wrong certain answer costs a
        # large finite amount instead of inf
        a = _clip01(a)
        return float(-np.sum(xlogy(y, a) + xlogy(1.0 - y, 1.0 - a)) / _m(a))

    @staticmethod
    def nabla_a(a, y):
        """dC_x/da^L_j = (a_j - y_j) / (a_j (1 - a_j)).

        a is clipped away from 0 and 1 exactly as in :meth:`fn`, so a saturated output gives a
        finite value (the limit 1 or -1 when a = y, a large number when a is certainly wrong)
        instead of 0/0 = nan.
        """
        a = _clip01(a)
        return (a - y) / (a * (1.0 - a))

    @staticmethod
    def delta(z, a, y, activation: Activation = sigmoid):
        """delta^L = a^L - y for a sigmoid output layer (BP1 with sigma' cancelled)."""
        if activation is sigmoid:
            return np.asarray(a, dtype=float) - y
        return CrossEntropyCost.nabla_a(a, y) * activation.prime(z)


COSTS = {"quadratic": QuadraticCost, "cross-entropy": CrossEntropyCost}


def get_cost(cost):
    """Return the cost class named by a string (``"quadratic"``, ``"cross-entropy"``) or itself."""
    if cost in (QuadraticCost, CrossEntropyCost):
        return cost
    if isinstance(cost, str) and cost in COSTS:
        return COSTS[cost]
    if isinstance(cost, type) and hasattr(cost, "fn") and hasattr(cost, "delta"):
        return cost
    raise ValueError(
        f"cost must be QuadraticCost, CrossEntropyCost or one of {sorted(COSTS)}, got {cost!r}"
    )
