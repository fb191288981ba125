"""Gradient descent on the quadratic model of a cost, slides (31)-(32), and what it teaches.

C_0(w) = c0 + 1/2 (w - w*)^T H (w - w*), eq (31), has the gradient H (w - w*), eq (32); the
penalty lambda/2 ||w||^2 adds lambda w, as in (33).  With H = Q D Q^T, eq (35), gradient descent
w <- w - eta grad C(w) treats every eigen-direction i on its own: the distance to the minimum
along it is multiplied by 1 - eta (D_ii + lambda) at every step.  Everything here follows:

* :func:`descent_factors`: |1 - eta (D_ii + lambda)| per direction; :func:`step_regime` and
  :func:`step_thresholds` judge a step by the steepest direction alone;
* :func:`optimal_step`: the best fixed step 2 / (D_max + D_min), where the steepest and the
  flattest direction shrink equally fast, by :func:`convergence_rate` (kappa - 1) / (kappa + 1)
  per step, kappa = D_max / D_min (no fixed step does better);
* :func:`early_stopping_factors`: tau steps from w = 0 keep 1 - (1 - eta D_ii)^tau of each
  component of w*: a filter like L2's D_ii / (D_ii + lambda), eq (38)
  (:func:`lecture5.hessian.shrink_factors`), with lambda about 1 / (eta tau)
  (:func:`matching_lambda`).

:func:`hessian_2d` builds a 2x2 H from its eigenvalues and a rotation for the interactive figures.
These names are also importable from :mod:`lecture5.hessian`, where they lived first.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _validate
from .hessian import _array, _power_of_two, _square, _vector, eigen_decomposition

__all__ = [
    "quadratic_cost",
    "quadratic_gradient",
    "level_curve",
    "hessian_2d",
    "gradient_descent",
    "StepThresholds",
    "step_thresholds",
    "step_regime",
    "descent_factors",
    "optimal_step",
    "convergence_rate",
    "early_stopping_factors",
    "matching_lambda",
]


def _points(w, k):
    """w as a finite (k,) or (k, N) float array (N points as columns, e.g. a flattened grid)."""
    w = _array("w", w, f"a point ({k},) or points ({k}, N)")
    if w.ndim not in (1, 2) or w.shape[0] != k:
        raise ValueError(f"w must have shape ({k},) or ({k}, N), got {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError("w must contain only finite numbers (found NaN or infinity)")
    return w


def quadratic_cost(w, H, w_star, c0=0.0, lmbda=0.0):
    """C_0(w) = c0 + 1/2 (w - w*)^T H (w - w*), eq (31), plus lambda/2 ||w||^2 if lmbda > 0.

    ``w`` is one point (k,), giving a float, or N points as the columns of a (k, N) array,
    giving an (N,) array: pass ``np.stack([W1.ravel(), W2.ravel()])`` for a contour grid and
    reshape the result.  ``c0`` is C_0(w*).
    """
    H = _square("H", H)
    k = H.shape[0]
    w_star = _vector("w_star", w_star, k)
    c0 = _validate.number("c0", c0)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    w = _points(w, k)
    d = w - (w_star if w.ndim == 1 else w_star[:, None])
    cost = c0 + 0.5 * np.sum(d * (H @ d), axis=0) + 0.5 * lmbda * np.sum(w * w, axis=0)
    return float(cost) if w.ndim == 1 else cost


def quadratic_gradient(w, H, w_star, lmbda=0.0):
    """grad C_0(w) = H (w - w*), eq (32), plus lambda w (the penalty's gradient, as in (33)).

    Same shapes as ``w``: (k,) or (k, N)."""
    H = _square("H", H)
    k = H.shape[0]
    w_star = _vector("w_star", w_star, k)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    w = _points(w, k)
    d = w - (w_star if w.ndim == 1 else w_star[:, None])
    return H @ d + lmbda * w


def level_curve(H, w_star, level, num=240):
    """The contour C_0(w) - C_0(w*) = ``level`` of the quadratic (31) for a 2x2 positive definite
    H: ``num`` points w (a (2, num) array, the first repeated last), an ellipse around w*.

    With H = Q D Q^T (eq (35)), w = w* + Q u and 1/2 u^T D u = level: the ellipse's half-axis
    along the eigenvector q_i is sqrt(2 level / D_ii), long where the cost is flat.
    ``level = 0`` gives w* alone (every point)."""
    H = _square("H", H)
    if H.shape != (2, 2):
        raise ValueError(f"H must be 2x2 (a contour in the plane), got shape {H.shape}")
    w_star = _vector("w_star", w_star, 2)
    level = _validate.number("level", level, low=0.0)
    num = _validate.integer("num", num, low=3)
    D, Q = eigen_decomposition(H)
    if D.min() <= 0:
        raise ValueError(f"H must be positive definite (closed contours), but its eigenvalues "
                         f"are {D[0]:.3g} and {D[1]:.3g}")
    t = np.linspace(0.0, 2.0 * np.pi, num)
    u = np.sqrt(2.0 * level / D)[:, None] * np.stack([np.cos(t), np.sin(t)])
    return w_star[:, None] + Q @ u


def hessian_2d(eigenvalues, angle_degrees):
    """A 2x2 Hessian H = Q D Q^T, eq (35), from its two eigenvalues and a rotation: ``(H, Q, D)``.

    ``Q`` is the rotation by ``angle_degrees`` (counter-clockwise), so its first column, the
    eigenvector of ``eigenvalues[0]``, points at that angle from the w_1 axis and the second is
    perpendicular to it.  ``D`` is the 1-D array of the two eigenvalues in the order given (not
    sorted).  Used by the interactive figure of the L2 notebook.  Eigenvalues near the float64
    limit work (the product is formed on D scaled by a power of two); a ValueError says so if
    an entry of H itself would overflow.
    """
    D = _vector("eigenvalues", eigenvalues, 2)
    angle = math.radians(_validate.number("angle_degrees", angle_degrees))
    c, s = math.cos(angle), math.sin(angle)
    Q = np.array([[c, -s], [s, c]])
    scale = _power_of_two(float(np.abs(D).max()))
    H = Q @ np.diag(D / scale) @ Q.T
    with np.errstate(over="ignore"):
        H = (0.5 * (H + H.T)) * scale
    if not np.isfinite(H).all():
        raise ValueError(f"eigenvalues {D.tolist()} are too large: an entry of H = Q D Q^T "
                         f"overflows float64 (max {np.finfo(float).max:.4g})")
    return H, Q, D


def gradient_descent(H, w_star, w0, eta, steps, lmbda=0.0):
    """Gradient descent on C(w) = C_0(w) + lambda/2 ||w||^2 with C_0 the quadratic (31).

    w <- w - eta (H (w - w*) + lambda w), from ``w0`` for ``steps`` steps; returns the path as an
    array of shape (steps + 1, k), row 0 being w0.  For lambda > 0 it converges (if eta is small
    enough, see :func:`step_regime`) to :func:`lecture5.hessian.l2_minimizer`, eq (34).  The
    penalty is lambda/2 ||w||^2, the slides' m = 1 form of (21) (the slide before (33) writes it
    without the lambda).  If the iterates overflow (eta far too large), the rows from the first
    non-finite one on are NaN instead of raising, so a figure can still draw the part that exists.
    """
    H = _square("H", H)
    k = H.shape[0]
    w_star = _vector("w_star", w_star, k)
    w = _vector("w0", w0, k)
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    steps = _validate.integer("steps", steps, low=0)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    path = np.full((steps + 1, k), np.nan)
    path[0] = w
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            w = w - eta * (H @ (w - w_star) + lmbda * w)
            if not np.isfinite(w).all():
                break
            path[t] = w
    return path


# ---------------------------------------------------------------- one direction at a time


def descent_factors(eta, eigenvalues, lmbda=0.0):
    """|1 - eta (D_ii + lambda)| for every eigenvalue D_ii: how much of its distance to the
    minimum each eigen-direction keeps per gradient-descent step (< 1: it converges there)."""
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    D = _vector("eigenvalues", eigenvalues)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    return np.abs(1.0 - eta * (D + lmbda))


class StepThresholds(NamedTuple):
    """The learning rates where :func:`step_regime` changes its verdict (a = D_max + lambda)."""

    good_from: float  # 1 / (2a)
    oscillating_above: float  # 1 / a
    diverging_above: float  # 2 / a


def _curvature(eigenvalues, lmbda):
    D = _vector("eigenvalues", eigenvalues)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    a_max = float(D.max()) + lmbda
    a_min = float(D.min()) + lmbda
    if a_max <= 0:
        raise ValueError(
            f"eigenvalues + lmbda must have a positive largest value (some curvature), got "
            f"D_max + lmbda = {a_max:g}"
        )
    return a_max, a_min


def step_thresholds(eigenvalues, lmbda=0.0) -> StepThresholds:
    """The boundaries 1/(2a), 1/a and 2/a of :func:`step_regime`, a = D_max + lambda.

    Raises ValueError if a is so small (below about 1e-308) that 2/a overflows float64."""
    a, _ = _curvature(eigenvalues, lmbda)
    if not math.isfinite(2.0 / a):
        raise ValueError(f"eigenvalues and lmbda give D_max + lmbda = {a:g}, too small: the "
                         "step threshold 2 / (D_max + lmbda) overflows float64; rescale them")
    return StepThresholds(0.5 / a, 1.0 / a, 2.0 / a)


def step_regime(eta, eigenvalues, lmbda=0.0) -> str:
    """How gradient descent with step ``eta`` behaves on the quadratic model, from H's eigenvalues.

    Along the i-th eigenvector the distance to the minimum is multiplied by 1 - eta (D_ii + lambda)
    at every step.  With a = D_max + lambda, the steepest direction decides the verdict:

    * ``"slow"``:        0 < eta < 1/(2a): even the steepest direction keeps more than half its
      distance each step (flatter directions keep even more);
    * ``"good"``:        1/(2a) <= eta <= 1/a: every direction shrinks monotonically, the
      steepest one by at least half per step (eta = 1/a removes it in one step);
    * ``"oscillating"``: 1/a < eta <= 2/a: the steepest direction overshoots and flips sign each
      step; it still converges for eta < 2/a, and at eta = 2/a exactly it bounces forever with
      constant amplitude;
    * ``"diverging"``:   eta > 2/a: the steepest direction grows by |1 - eta a| > 1 every step.

    If some D_ii + lambda < 0 the quadratic has no minimum (a saddle), descent runs away along
    that direction for every eta, and the verdict is ``"diverging"``.  The verdict looks at the
    steepest direction only: the best fixed step for the whole problem, :func:`optimal_step`,
    lies in the "oscillating" band, and how many steps the *flattest* direction needs is set by
    the condition number (:func:`convergence_rate`).
    """
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    a, a_min = _curvature(eigenvalues, lmbda)
    if a_min < 0 or eta > 2.0 / a:
        return "diverging"
    if eta > 1.0 / a:
        return "oscillating"
    if eta >= 0.5 / a:
        return "good"
    return "slow"


def _positive_curvature(eigenvalues, lmbda):
    a_max, a_min = _curvature(eigenvalues, lmbda)
    if a_min <= 0:
        raise ValueError(f"eigenvalues + lmbda must all be > 0 (a minimum to converge to), got "
                         f"D_min + lmbda = {a_min:g}")
    return a_max, a_min


def optimal_step(eigenvalues, lmbda=0.0) -> float:
    """eta_opt = 2 / (a_max + a_min), a = D + lambda: the fixed step whose slowest direction is
    fastest.  There the steepest direction's factor 1 - eta a_max = -(1 - eta a_min): both extreme
    directions shrink by :func:`convergence_rate` per step, the steepest one oscillating."""
    a_max, a_min = _positive_curvature(eigenvalues, lmbda)
    return 2.0 / (a_max + a_min)


def convergence_rate(eigenvalues, lmbda=0.0) -> float:
    """(kappa - 1) / (kappa + 1), kappa = (D_max + lambda) / (D_min + lambda): the factor by which
    the distance to the minimum shrinks per step at :func:`optimal_step`, the best a fixed step
    can do.  kappa = 1 (round bowl): 0, one step; large kappa: close to 1, slow."""
    a_max, a_min = _positive_curvature(eigenvalues, lmbda)
    return (a_max - a_min) / (a_max + a_min)


def early_stopping_factors(eigenvalues, eta, tau):
    """1 - (1 - eta D_ii)^tau: the part of w*'s i-th eigen-component that tau steps of gradient
    descent on C_0 (no penalty) from w = 0 have reached.

    Stopping after tau steps is a filter over the spectrum like L2's D_ii / (D_ii + lambda),
    eq (38): about eta D_ii tau for flat directions (D_ii << 1 / (eta tau)), close to 1 for steep
    ones.  :func:`matching_lambda` gives the lambda at which the two filters nearly agree.
    """
    D = _vector("eigenvalues", eigenvalues)
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    tau = _validate.integer("tau", tau, low=0)
    with np.errstate(over="ignore", invalid="ignore"):
        kept = 1.0 - (1.0 - eta * D) ** tau
    if not np.isfinite(kept).all():
        raise ValueError(f"eta = {eta:g} makes gradient descent diverge so fast along "
                         f"D_ii = {D.max():g} (|1 - eta D_ii| > 1) that {tau} steps overflow")
    return kept


def matching_lambda(eta, tau) -> float:
    """lambda = 1 / (eta tau): the L2 strength whose filter D_ii / (D_ii + lambda), eq (38),
    nearly matches :func:`early_stopping_factors` after tau steps of size eta.  Both behave like
    eta tau D_ii for flat directions and tend to 1 for steep ones; in between, at
    D_ii = 1 / (eta tau), L2 keeps 1/2 and early stopping about 1 - 1/e (0.63 for large tau)."""
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    tau = _validate.integer("tau", tau, low=1)
    return 1.0 / (eta * tau)
