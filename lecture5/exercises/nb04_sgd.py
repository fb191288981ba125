"""Exercises of notebook 04 (gradient descent and mini-batch SGD, eq (27) with lambda = 0).

Every right answer is computed with the package: the quadratic's behaviour from
:mod:`lecture5.hessian`, the SGD step from ``Network.update_mini_batch``.
"""

from __future__ import annotations

import numpy as np

from ..hessian import eigen_decomposition, gradient_descent, hessian_2d, step_thresholds
from . import Derive, Predict, Wrong, _nets, register

__all__ = ["EIGENVALUES", "ANGLE", "W_STAR", "EIGENVALUES_1", "ETA_1"]

#: the quadratic cost of the notebook: eigenvalues of H, rotation (degrees) and minimum w*
EIGENVALUES, ANGLE, W_STAR = (5.0, 1.0), 30.0, (1.0, 0.5)
#: exercise 04.1: another quadratic (eigenvalues of H) and a learning rate
EIGENVALUES_1, ETA_1 = (8.0, 2.0), 0.2
_STEPS = 8


def _path():
    H = hessian_2d(EIGENVALUES_1, ANGLE)[0]
    return H, gradient_descent(H, W_STAR, np.zeros(2), ETA_1, _STEPS)


def _behaviour():
    factors = 1.0 - ETA_1 * np.asarray(EIGENVALUES_1)  # distance to w* per step, per eigenvector
    if np.max(np.abs(factors)) >= 1.0:
        return "diverges"
    return "oscillates" if np.min(factors) < 0 else "smooth"


def _show_path():
    H, path = _path()
    D, Q = eigen_decomposition(H)
    steep = int(np.argmax(D))
    along = (path - np.asarray(W_STAR)) @ Q[:, steep]
    lines = [f"eta = {ETA_1:g}: w - w* along the steep eigenvector (D = {D[steep]:g}), "
             f"step by step:", "  " + "  ".join(f"{v:+.3f}" for v in along),
             f"factor per step 1 - eta D = {1 - ETA_1 * D[steep]:+.2f} there, "
             f"{1 - ETA_1 * D[1 - steep]:+.2f} along the flat one"]
    return "\n".join(lines)


register(Predict(
    key="04.1",
    task="predict how gradient descent behaves on a quadratic with D = (8, 2) at eta = 0.2",
    choices=("smooth", "oscillates", "diverges"), truth=_behaviour, show=_show_path,
    hint="along eigenvector i the distance to w* is multiplied by 1 - eta D_ii at every step.",
    wrong=(Wrong("diverges", "eta > 1/D_max overshoots along the steep direction, but while "
                             "|1 - eta D_max| < 1 each overshoot is smaller than the last: it "
                             "diverges only above 2/D_max"),
           Wrong("smooth", "along the steep direction 1 - eta D_max is negative: w - w* changes "
                           "sign at every step")),
    why=lambda: ("1 - eta D for D = " + ", ".join(f"{d:g}" for d in EIGENVALUES_1) + ": "
                 + ", ".join(f"{1 - ETA_1 * d:+.2f}" for d in EIGENVALUES_1)
                 + f": all of size < 1 (converges), one negative (sign flips): "
                   f"{_behaviour()}. This eta is 2/(D_max + D_min), the best fixed step: "
                   f"the fastest schedule oscillates."),
))


def _boundary(D_max, D_min):
    return step_thresholds((D_max, D_min)).diverging_above


def _random_D(rng):
    return [{"D_max": float(a), "D_min": float(a * f)}
            for a, f in zip(rng.uniform(0.5, 20, 3), rng.uniform(0.01, 0.9, 3))]


register(Derive(
    key="04.2",
    task="derive the learning rate above which gradient descent diverges on a quadratic",
    formula=_boundary, given=lambda: {"D_max": EIGENVALUES[0], "D_min": EIGENVALUES[1]},
    samples=_random_D,
    hint="which eigen-direction fails first, and for which eta is |1 - eta D| = 1?",
    wrong=(Wrong(lambda D_max, D_min: 1 / D_max,
                 "1/D_max is where the steep direction starts to overshoot (oscillate); it "
                 "still converges until |1 - eta D_max| = 1"),
           Wrong(lambda D_max, D_min: 2 / D_min,
                 "the flat direction is the last to diverge: the steep one (D_max) fails first"),
           Wrong(lambda D_max, D_min: 2 / (D_max + D_min),
                 "2/(D_max + D_min) is the best fixed step (fastest convergence), not the "
                 "boundary")),
    worked=lambda: ("|1 - eta D| < 1 <=> 0 < eta < 2/D for every eigenvalue D; the steepest "
                    "(D_max) sets the bound: lambda D_max, D_min: 2 / D_max, here "
                    f"{_boundary(*EIGENVALUES):g}"),
))

_ETA_3 = 0.7

register(_nets.update_rule(
    eta=_ETA_3, call=lambda f, p, g, m: f(p, g, _ETA_3, m), biases_too=True,
    key="04.3", task="implement one SGD step (27) for a weight matrix or a bias column",
    signature="sgd_step(p, nabla_p, eta, m_hat) -> new p",
    hint="nabla_p is net.backprop's gradient, already averaged over the m_hat columns.",
    wrong=(Wrong(lambda p, g, eta, m: p + eta * g,
                 "a plus sign walks uphill (the slip on the slides): p <- p - eta nabla_p"),
           Wrong(lambda p, g, eta, m: p - eta / m * g,
                 "divided by m_hat twice: net.backprop already averages over the mini-batch, "
                 "so (eta/m_hat) sum_x becomes eta times the average"),
           Wrong(lambda p, g, eta, m: p - eta * m * g,
                 "multiplied by m_hat: the step uses the average gradient, not the sum")),
    worked=lambda: ("def sgd_step(p, nabla_p, eta, m_hat):\n"
                    "    return p - eta * nabla_p   # eq (27): (eta/m_hat) sum_x = eta * mean"),
))
