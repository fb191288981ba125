"""Exercises of notebook 05 (L2 regularization and the Hessian view, eqs (21)-(38)).

Every right answer is computed with the package (:mod:`lecture5.regularization`,
:mod:`lecture5.hessian`, ``Network.update_mini_batch``).  n is the size of the whole training set.
"""

from __future__ import annotations

import numpy as np

from ..hessian import shrink_factors
from ..regularization import l2_gradient
from . import Derive, Predict, Wrong, _nets, register

__all__ = ["EIGENVALUES", "LMBDA_1", "LMBDA_4"]

#: the eigenvalues of the notebook's 2-D Hessian (flat, steep); the lambdas of 05.1 and 05.4
EIGENVALUES, LMBDA_1, LMBDA_4 = (0.25, 2.0), 0.5, 1.0


def _shrinks_more():
    flat, steep = shrink_factors(EIGENVALUES, LMBDA_1)
    if np.isclose(flat, steep):
        return "equally"
    return "flat" if flat < steep else "steep"


def _show_factors():
    factors = shrink_factors(EIGENVALUES, LMBDA_1)
    return "\n".join(f"D = {d:g}: eq (38) keeps D/(D + lambda) = {f:.3f} of w*'s component"
                     for d, f in zip(EIGENVALUES, factors)) + f"   (lambda = {LMBDA_1:g})"


register(Predict(
    key="05.1",
    task="predict which component of w* L2 shrinks more: along the flat or the steep eigenvector",
    choices=("flat", "steep", "equally"), truth=_shrinks_more, show=_show_factors,
    hint="compare how much lambda adds to a small and to a large curvature D.",
    wrong=(Wrong("steep", "along a steep direction (large D) the data term dominates lambda: "
                          "D/(D + lambda) stays close to 1; the flat directions give way"),
           Wrong("equally", "weight decay multiplies every weight by one factor per step, but "
                            "the minimiser of the regularized cost keeps D/(D + lambda) of each "
                            "eigen-component, eq (38): it depends on D")),
    why=("eq (38): the component along q_i is multiplied by D_ii/(D_ii + lambda); "
         "the smaller D_ii, the smaller the factor."),
))


def _random_wln(rng):
    return [{"w": rng.normal(size=(3, 2)), "lmbda": float(rng.uniform(0.1, 10)),
             "n": int(rng.integers(10, 60000))} for _ in range(3)]


register(Derive(
    key="05.2",
    task="derive the gradient of the L2 term lambda/(2n) sum_w w^2 with respect to w, eq (23)",
    formula=l2_gradient, given=lambda: {"w": 0.8, "lmbda": 5.0, "n": 1000},
    samples=_random_wln,
    hint="differentiate the one term of the sum that contains w.",
    wrong=(Wrong(lambda w, lmbda, n: lmbda / (2 * n) * w,
                 "the 2 from d(w^2)/dw = 2w cancels the 1/2 of lambda/(2n): the gradient is "
                 "(lambda/n) w (the slide's eq (22) writes lambda/m, hiding this)"),
           Wrong(lambda w, lmbda, n: lmbda * w, "the 1/n of the penalty is missing"),
           Wrong(lambda w, lmbda, n: -lmbda / n * w, "a sign error: the penalty grows with |w|, "
                                                     "its gradient points away from 0"),
           Wrong(lambda w, lmbda, n: lmbda / n + 0 * w, "the derivative of w^2 is 2w, not 2: "
                                                        "the gradient is proportional to w")),
    worked=lambda: ("d/dw [lambda/(2n) w^2] = (lambda/n) w:  lambda w, lmbda, n: lmbda / n * w; "
                    f"for w = 0.8, lambda = 5, n = 1000: {float(l2_gradient(0.8, 5.0, 1000)):g}"),
))

_ETA, _LMBDA, _N = 0.5, 5.0, 50

register(_nets.update_rule(
    eta=_ETA, lmbda=_LMBDA, n=_N, penalty="l2",
    call=lambda f, w, g, m: f(w, g, _ETA, _LMBDA, _N, m),
    key="05.3", task="implement the weight update (28) with L2 weight decay",
    signature="l2_step(w, nabla_w, eta, lmbda, n, m_hat) -> new w",
    hint="(28): w <- (1 - eta lambda/n) w - eta nabla_w, nabla_w averaged over the mini-batch.",
    wrong=(Wrong(lambda w, g, eta, lmbda, n, m: (1 - eta * lmbda / m) * w - eta * g,
                 "m for n: the decay uses the size n of the whole training set, not the "
                 "mini-batch size m_hat"),
           Wrong(lambda w, g, eta, lmbda, n, m: (1 - eta * lmbda / (2 * n)) * w - eta * g,
                 "lambda/(2n): the 1/2 of the penalty (21) cancels in its gradient"),
           Wrong(lambda w, g, eta, lmbda, n, m: (1 + eta * lmbda / n) * w - eta * g,
                 "a sign error: weight decay shrinks w, (1 - eta lambda/n)"),
           Wrong(lambda w, g, eta, lmbda, n, m: (1 - eta * lmbda / n) * (w - eta * g),
                 "the decay also scaled the gradient step; (28) decays only the old w"),
           Wrong(lambda w, g, eta, lmbda, n, m: w - eta * g,
                 "the decay is missing: that is (27) without regularization")),
    worked=lambda: ("def l2_step(w, nabla_w, eta, lmbda, n, m_hat):\n"
                    "    return (1 - eta * lmbda / n) * w - eta * nabla_w   # eq (28)"),
))


def _random_dl(rng):
    return [{"D": float(d), "lmbda": float(lam)}
            for d, lam in zip(rng.uniform(0.01, 10, 3), rng.uniform(0.01, 10, 3))]


register(Derive(
    key="05.4",
    task="derive the factor (38) by which L2 keeps the component of w* along eigenvector q_i",
    formula=lambda D, lmbda: shrink_factors([D], lmbda)[0],
    given=lambda: {"D": EIGENVALUES[0], "lmbda": LMBDA_4}, samples=_random_dl,
    hint="in the eigenbasis, (H + lambda I) w = H w* is one equation per direction.",
    wrong=(Wrong(lambda D, lmbda: lmbda / (D + lmbda),
                 "that is the part removed; the part kept is D/(D + lambda)"),
           Wrong(lambda D, lmbda: 1 / (1 + lmbda),
                 "the curvature D is missing: this holds only for H = I"),
           Wrong(lambda D, lmbda: D / (D - lmbda), "a sign error: the penalty adds lambda to "
                                                    "every eigenvalue")),
    worked=lambda: ("(34): w~ = Q (D + lambda I)^-1 D Q^T w*, so each eigen-component is "
                    "multiplied by D_ii/(D_ii + lambda): lambda D, lmbda: D / (D + lmbda); "
                    f"for D = {EIGENVALUES[0]:g}, lambda = {LMBDA_4:g}: "
                    f"{shrink_factors([EIGENVALUES[0]], LMBDA_4)[0]:.4g}"),
))
