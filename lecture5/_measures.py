"""Pure measurements of finished runs and of the quadratic model: no training, no network.

The figures (:mod:`lecture5.plots`) need these numbers to draw and caption the results that
:mod:`lecture5.experiments` returns; they live here so that drawing never imports the training
engine.  Every function takes plain numbers or arrays.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate
from .hessian import shrink_factors
from .quadratic import early_stopping_factors, matching_lambda

__all__ = ["layer_sizes", "weight_norm", "stopped_early", "seed_range", "loglog_slope",
           "filter_gap"]


def layer_sizes(weights) -> list:
    """The layer sizes [n_in, ..., n_out] of a network with these weight matrices (w^l has
    shape (d_l, d_{l-1}))."""
    return [int(weights[0].shape[1])] + [int(w.shape[0]) for w in weights]


def weight_norm(weights) -> float:
    """sqrt(sum_w w^2) over all weight matrices (the Trainer's history key "weight_norm")."""
    return math.sqrt(sum(float(np.vdot(w, w)) for w in weights))


def stopped_early(run) -> bool:
    """True if early stopping stopped ``run`` (and so restored the weights of its best epoch)."""
    return run.message.startswith("Early stopping")


def seed_range(values, fmt="{:.3f}"):
    """"a-b" for the smallest and largest of ``values`` (one per seed), or "a" if they agree."""
    lo, hi = fmt.format(min(values)), fmt.format(max(values))
    return lo if lo == hi else f"{lo}-{hi}"


def loglog_slope(x, y) -> float:
    """The slope of the least-squares line through (ln x, ln y): the exponent k of y ~ x^k.

    Needs at least two distinct positive x and positive y of the same length.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {x.shape} and "
                         f"{y.shape}")
    if not (np.all(x > 0) and np.all(y > 0) and np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must hold finite positive numbers (a log-log fit)")
    if np.unique(x).size < 2:
        raise ValueError(f"x must hold at least two distinct values, got {x.tolist()}")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def filter_gap(eta, tau, lmbda=None, eigenvalues=None):
    """The largest difference between the early-stopping filter 1 - (1 - eta D)^tau
    (:func:`lecture5.quadratic.early_stopping_factors`) and L2's D / (D + lambda), eq (38)
    (:func:`lecture5.hessian.shrink_factors`), over the eigenvalues D.

    ``lmbda=None`` takes :func:`lecture5.quadratic.matching_lambda` 1 / (eta tau).  Default
    eigenvalues: 2,001 log-spaced values from 1e-4 / eta to 1 / eta (every direction that a step
    eta descends without overshooting).  Returns ``(gap, D_at_gap, lmbda)``, the gap signed
    (early stopping minus L2) at the D where its size is largest.
    """
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    lmbda = matching_lambda(eta, tau) if lmbda is None else _validate.number(
        "lmbda", lmbda, low=0.0, low_open=True)
    D = (np.logspace(-4, 0, 2001) / eta if eigenvalues is None
         else np.asarray(eigenvalues, dtype=float))
    diff = early_stopping_factors(D, eta, tau) - shrink_factors(D, lmbda)
    i = int(np.argmax(np.abs(diff)))
    return float(diff[i]), float(D[i]), float(lmbda)
