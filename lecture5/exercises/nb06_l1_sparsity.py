"""Exercises of notebook 06 (L1 regularization, eqs (39)-(41)).  Right answers computed with the
package.  n is the size of the whole training set."""

from __future__ import annotations

import numpy as np

from ..regularization import apply_penalty_step, soft_threshold
from . import Derive, Implement, Predict, Wrong, register

__all__ = ["W_1", "ETA", "LMBDA", "N", "STEPS_1"]

#: exercise 06.1: a small weight, eta, lambda, n (so eta lambda / n = 0.04) and the steps taken
W_1, ETA, LMBDA, N, STEPS_1 = 0.05, 0.5, 4.0, 50, 3


def _path(penalty, steps):
    w, out = np.array([W_1]), []
    for _ in range(steps):
        w = apply_penalty_step(w, ETA, LMBDA, N, penalty)
        out.append(float(w[0]))
    return out


def _show_steps():
    return (f"w = {W_1:g}, eta lambda / n = {ETA * LMBDA / N:g}, no data term\n"
            "steps (41):             " + "  ".join(f"{v:+.2f}" for v in _path("l1", 6)) + "\n"
            "soft threshold instead: " + "  ".join(f"{v:+.2f}" for v in _path("l1_prox", 6)))


register(Predict(
    key="06.1",
    task="predict a small weight after three L1 steps (41) with no data term",
    truth=lambda: _path("l1", STEPS_1)[-1], show=_show_steps, rtol=0.0, atol=0.004,
    attempts=2,
    hint="(41) subtracts (eta lambda/n) sgn(w) at every step; sgn(w) changes when w does.",
    wrong=(Wrong(0.0, "(41) does not stop at 0 (the soft threshold does): it subtracts "
                      "(eta lambda/n) sgn(w) whatever the size of w, so w hops across zero"),
           Wrong(lambda: W_1 - STEPS_1 * ETA * LMBDA / N,
                 "sgn(w) turns to -1 once w is negative: the steps then push w back up"),
           Wrong(lambda: W_1 * (1 - ETA * LMBDA / N) ** STEPS_1,
                 "a shrink by the factor (1 - eta lambda/n) is L2's step (28), not L1's")),
    why=("each step moves w by 0.04 towards 0, and past it: 0.05 -> 0.01 -> -0.03 -> "
         "0.01 ...: the weight hops around 0 for ever."),
))


def _threshold(H_ii, w_star_i):
    """The smallest lambda for which the diagonal-H minimiser sgn(w*) max(|w*| - lambda/H, 0)
    zeroes the weight, found by bisection on the package's soft threshold."""
    lo, hi = 0.0, 1.0
    while soft_threshold(w_star_i, hi / H_ii) != 0:
        hi *= 2.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if soft_threshold(w_star_i, mid / H_ii) == 0 else (mid, hi)
    return hi


def _random_hw(rng):
    return [{"H_ii": float(h), "w_star_i": float(w)}
            for h, w in zip(rng.uniform(0.1, 5, 3), rng.normal(scale=2, size=3))]


register(Derive(
    key="06.2",
    task="derive the smallest lambda for which L1 sets weight i to exactly zero (diagonal H)",
    formula=_threshold, given=lambda: {"H_ii": 0.5, "w_star_i": 1.2}, samples=_random_hw,
    hint="for diagonal H the minimiser is sgn(w*_i) max(|w*_i| - lambda/H_ii, 0).",
    wrong=(Wrong(lambda H_ii, w_star_i: abs(w_star_i) / H_ii,
                 "the weight is zeroed when |w*_i| <= lambda/H_ii, so lambda = H_ii |w*_i| "
                 "(multiply, not divide)"),
           Wrong(lambda H_ii, w_star_i: abs(w_star_i),
                 "the curvature is missing: the threshold on |w*_i| is lambda/H_ii, not lambda"),
           Wrong(lambda H_ii, w_star_i: H_ii * abs(w_star_i) / 2,
                 "the 1/2 of H_ii/2 (w - w*)^2 goes away when you differentiate: the slope at "
                 "w = 0 is H_ii |w*_i|, and lambda must reach it")),
    worked=lambda: ("along weight i the cost is H_ii/2 (w - w*_i)^2 + lambda |w|; it is "
                    "minimised at 0 when |w*_i| <= lambda/H_ii, i.e. lambda >= H_ii |w*_i|:  "
                    "lambda H_ii, w_star_i: H_ii * abs(w_star_i); for H_ii = 0.5, w* = 1.2: "
                    f"{_threshold(0.5, 1.2):.4g}"),
))


def _soft_cases(rng):
    cases = [(np.array([0.8, -0.3, 0.05, -0.02, 0.0]), 0.04)]
    for shape in ((7,), (3, 4), (2, 3, 2)):
        cases.append((rng.normal(size=shape), float(rng.uniform(0.1, 1.0))))
    return cases


register(Implement(
    key="06.3", task="implement the soft threshold (the L1 step that stops at zero)",
    signature="my_soft_threshold(w, t) -> array like w", reference=soft_threshold,
    cases=_soft_cases,
    hint="move every |w| towards 0 by t, and stop at 0: sgn(w) max(|w| - t, 0).",
    wrong=(Wrong(lambda w, t: w - t * np.sign(w),
                 "that is the step (41) itself: small weights hop across zero"),
           Wrong(lambda w, t: np.maximum(w - t, 0),
                 "the negative weights: they move up towards 0 too, sgn(w) max(|w| - t, 0)"),
           Wrong(lambda w, t: np.where(np.abs(w) <= t, 0.0, w),
                 "a hard threshold: the weights above t must shrink by t as well"),
           Wrong(lambda w, t: w * (1 - t), "a shrink by a factor is L2's step, not L1's")),
    worked=lambda: ("def my_soft_threshold(w, t):\n"
                    "    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)"),
))
