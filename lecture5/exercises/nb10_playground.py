"""Exercises of notebook 10 (the live playground).  Right answers computed with the package.

The numbers are those of the preset "the same with λ = 5": eta, lambda, the training-set size n
(the slides' m) and the mini-batch size m-hat.
"""

from __future__ import annotations

import math

import numpy as np

from ..regularization import apply_penalty_step, weight_decay_factor
from . import Derive, Predict, Wrong, _nets, register

__all__ = ["preset"]

_PRESET = "the same with λ = 5"


def preset():
    """``(eta, lmbda, n, m_hat)`` of the playground's preset "the same with λ = 5"."""
    from ..playground import PRESETS  # imported here: the playground pulls in the widgets

    p = PRESETS[_PRESET]
    return p["eta"], p["lmbda"], p["n_train"], p["mini_batch_size"]


_SMALL, _LARGE = 0.01, 1.0


def _moves():
    eta, lmbda, n, _ = preset()
    w = np.array([_SMALL, _LARGE])
    return w - apply_penalty_step(w.copy(), eta, lmbda, n, "l1")


def _compare():
    small, large = _moves()
    if np.isclose(small, large):
        return "the same"
    return "less" if small < large else "more"


def _show():
    eta, lmbda, n, _ = preset()
    small, large = _moves()
    return (f"eta = {eta:g}, lambda = {lmbda:g}, n = {n}: one step of (41)'s penalty moves\n"
            f"w = {_SMALL:g} by {small:.6f} and w = {_LARGE:g} by {large:.6f} towards 0")


register(Predict(
    key="10.1",
    task="predict whether L1 moves a weight of 0.01 less, the same or more than one of 1",
    choices=("less", "the same", "more"), truth=_compare, show=_show,
    hint="(41): w <- w - (eta lambda/n) sgn(w) - ...",
    wrong=(Wrong("less", "that is L2 (28), whose step (eta lambda/n) w is proportional to w; "
                         "L1's step (eta lambda/n) sgn(w) is the same for every nonzero weight"),
           Wrong("more", "sgn(w) is 1 for every positive weight, whatever its size")),
    why="sgn(0.01) = sgn(1) = 1: both move by eta lambda/n.",
))


def _per_epoch(eta, lmbda, n, m_hat):
    return weight_decay_factor(eta, lmbda, n) ** math.ceil(n / m_hat)


def _given():
    eta, lmbda, n, m_hat = preset()
    return {"eta": eta, "lmbda": lmbda, "n": n, "m_hat": m_hat}


def _random_given(rng):
    return [{"eta": float(e), "lmbda": float(lam), "n": int(m * k), "m_hat": int(m)}
            for e, lam, m, k in zip(rng.uniform(0.05, 1, 3), rng.uniform(0.5, 10, 3),
                                    rng.integers(5, 50, 3), rng.integers(20, 200, 3))]


register(Derive(
    key="10.2", task="derive the factor by which weight decay alone shrinks a weight in one epoch",
    formula=_per_epoch, given=_given, samples=_random_given, rtol=1e-6,
    hint="one epoch is n / m_hat mini-batches, each applying the factor of eq (28).",
    wrong=(Wrong(lambda eta, lmbda, n, m_hat: 1 - eta * lmbda / n,
                 "that is one mini-batch; an epoch applies it n / m_hat times"),
           Wrong(lambda eta, lmbda, n, m_hat: (1 - eta * lmbda / m_hat) ** (n / m_hat),
                 "m for n: the decay factor of (28) uses the training-set size n"),
           Wrong(lambda eta, lmbda, n, m_hat: (1 - eta * lmbda / (2 * n)) ** (n / m_hat),
                 "lambda/(2n): the 1/2 of the penalty (21) cancels in its gradient"),
           Wrong(lambda eta, lmbda, n, m_hat: math.exp(-eta * lmbda / m_hat),
                 "close: exp(-eta lambda/m_hat) approximates it; the exact factor is "
                 "(1 - eta lambda/n)^(n/m_hat)")),
    worked=lambda: ("(1 - eta lambda/n) per mini-batch, n/m_hat mini-batches:  lambda eta, "
                    "lmbda, n, m_hat: (1 - eta * lmbda / n) ** (n / m_hat); here "
                    f"{_per_epoch(*preset()):.5f}"),
))

_ETA, _LMBDA, _N = 0.5, 5.0, 40

register(_nets.update_rule(
    eta=_ETA, lmbda=_LMBDA, n=_N, penalty="l1", call=lambda f, w, g, m: f(w, g, _ETA, _LMBDA, _N),
    key="10.3", task="implement the weight update (41) with the L1 penalty",
    signature="l1_step(w, nabla_w, eta, lmbda, n) -> new w",
    hint="(41): w <- w - (eta lambda/n) sgn(w) - eta nabla_w (nabla_w averaged).",
    wrong=(Wrong(lambda w, g, eta, lmbda, n: (1 - eta * lmbda / n) * w - eta * g,
                 "that is L2's update (28): L1 subtracts (eta lambda/n) sgn(w)"),
           Wrong(lambda w, g, eta, lmbda, n: w - eta * lmbda / n - eta * g,
                 "sgn(w) is missing: negative weights must move up towards 0"),
           Wrong(lambda w, g, eta, lmbda, n: w - eta * lmbda / (2 * n) * np.sign(w) - eta * g,
                 "lambda/(2n): the L1 term (39) is (lambda/n) sum |w|, its gradient "
                 "(lambda/n) sgn(w)"),
           Wrong(lambda w, g, eta, lmbda, n: w + eta * lmbda / n * np.sign(w) - eta * g,
                 "a sign error: the penalty pulls weights towards 0")),
    worked=lambda: ("def l1_step(w, nabla_w, eta, lmbda, n):\n"
                    "    return w - eta * lmbda / n * np.sign(w) - eta * nabla_w   # eq (41)"),
))
