"""The Hessian view of L2 regularization, slides eqs (29)-(38).

The slides' argument, for a cost C_0 that is quadratic in the k weights w (or the quadratic
Taylor model of any cost near its minimum):

* w* = argmin C_0(w), eq (29), and H_{ww'} = d^2 C_0 / (dw dw'), eq (30);
* C_0(w) = C_0(w*) + 1/2 (w - w*)^T H (w - w*), eq (31), so grad C_0(w) = H (w - w*), eq (32);
* adding the penalty lambda/2 ||w||^2 (the slides work with m = 1 here, and the slide before (33)
  drops the lambda: with it, d/dw = lambda w as in (23)) moves the minimum to w~ with
  H (w~ - w*) + lambda w~ = 0, eq (33), i.e. w~ = (H + lambda I)^{-1} H w*, eq (34);
* with H = Q D Q^T, eq (35), that is w~ = Q (D + lambda I)^{-1} D Q^T w*, eqs (36)-(37): the
  component of w* along the i-th eigenvector is multiplied by D_ii / (D_ii + lambda), eq (38).

This module computes each piece: a finite-difference Hessian of a real network's cost (30), the
eigen-decomposition (35), the minimizer (34)/(37), the shrink factors (38), and a 2-D quadratic
model with gradient descent for the interactive figures.

Vectors here are flat 1-D arrays of length k.  For a :class:`lecture5.Network` the flat order is
that of ``net.parameter_vector()``: all weights (w^2, w^3, ..., each row by row) then all biases,
in Nielsen's layer numbering (input = layer 1).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _validate

__all__ = [
    "hessian_of",
    "hessian",
    "analytic_hessian_linear",
    "eigen_decomposition",
    "l2_minimizer",
    "shrink_factors",
    "quadratic_cost",
    "quadratic_gradient",
    "hessian_2d",
    "gradient_descent",
    "StepThresholds",
    "step_thresholds",
    "step_regime",
]


# ---------------------------------------------------------------- input checks


def _square(name, H, symmetric=False, tol=1e-8):
    """H as a finite float (k, k) array; with ``symmetric``, also H = H^T within ``tol``
    (relative to the largest entry)."""
    if isinstance(H, (str, bytes)) or H is None:
        raise TypeError(f"{name} must be a square numeric matrix, got {type(H).__name__}")
    H = np.asarray(H)
    if H.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a square numeric matrix, got dtype {H.dtype}")
    H = H.astype(float)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"{name} must be a square (k, k) matrix with k >= 1, got shape {H.shape}")
    if not np.isfinite(H).all():
        raise ValueError(f"{name} must contain only finite numbers (found NaN or infinity)")
    if symmetric:
        scale = max(1.0, float(np.abs(H).max()))
        asym = float(np.abs(H - H.T).max())
        if asym > tol * scale:
            raise ValueError(
                f"{name} must be symmetric (a Hessian is): max |H - H^T| = {asym:.3g} exceeds "
                f"{tol:g} x {scale:.3g}"
            )
    return H


def _vector(name, v, k=None):
    """v as a finite float 1-D array (of length k if given)."""
    if isinstance(v, (str, bytes)) or v is None:
        raise TypeError(f"{name} must be a numeric vector, got {type(v).__name__}")
    v = np.asarray(v)
    if v.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric vector, got dtype {v.dtype}")
    v = v.astype(float)
    if v.ndim != 1 or (k is not None and v.shape[0] != k) or v.shape[0] == 0:
        want = f"({k},)" if k is not None else "(k,) with k >= 1"
        raise ValueError(f"{name} must be a 1-D vector of shape {want}, got shape {v.shape}")
    if not np.isfinite(v).all():
        raise ValueError(f"{name} must contain only finite numbers (found NaN or infinity)")
    return v


def _denominators(eigenvalues, lmbda):
    """D_ii + lambda, refusing values that are zero up to rounding (H + lambda I singular)."""
    denom = eigenvalues + lmbda
    scale = max(float(np.abs(eigenvalues).max()), lmbda)
    i = int(np.argmin(np.abs(denom)))
    if abs(denom[i]) <= len(eigenvalues) * np.finfo(float).eps * scale or denom[i] == 0:
        hint = (" With lmbda = 0, H itself must be invertible; choose lmbda > 0."
                if lmbda == 0 else "")
        raise ValueError(
            f"H + lmbda I is singular: eigenvalue D_ii = {eigenvalues[i]:.3g} (i = {i}) plus "
            f"lmbda = {lmbda:g} is zero up to rounding, so eq (34) has no unique solution.{hint}"
        )
    return denom


# ---------------------------------------------------------------- Hessians, eq (30)


def hessian_of(grad_fn, theta, eps=1e-5):
    """Hessian, eq (30), of a function whose gradient ``grad_fn(theta)`` is known, at ``theta``.

    Column i is the centred difference of the gradient,
    H[:, i] = (grad(theta + eps e_i) - grad(theta - eps e_i)) / (2 eps),
    which needs 2k gradient evaluations for k parameters.  The result is symmetrized,
    (H + H^T) / 2: the exact Hessian is symmetric and this removes the finite-difference noise
    that is not.  ``grad_fn`` receives a fresh copy of theta each time.
    """
    theta = _vector("theta", theta)
    eps = _validate.number("eps", eps, low=0.0, low_open=True)
    k = theta.shape[0]
    H = np.empty((k, k))
    for i in range(k):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += eps
        minus[i] -= eps
        g_plus = _vector("grad_fn(theta)", grad_fn(plus), k)
        g_minus = _vector("grad_fn(theta)", grad_fn(minus), k)
        H[:, i] = (g_plus - g_minus) / (2.0 * eps)
    return 0.5 * (H + H.T)


def hessian(net, X, Y, eps=1e-5, weights_only=False):
    """Hessian of the network's unregularized cost C_0 on (X, Y), eq (30), at its current
    parameters, by centred differences of backprop gradients (:func:`hessian_of`).

    The variables are ``net.parameter_vector()`` (all weights, then all biases), so H has shape
    (P, P) for P parameters.  ``weights_only=True`` keeps the biases fixed and returns the (k, k)
    Hessian with respect to the k weights alone: the slides' w in (30)-(38) is the weights.
    The network is restored exactly afterwards (even if a gradient evaluation fails).
    """
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    Y = _validate.as_matrix("Y", Y, rows=net.sizes[-1], cols=X.shape[1])
    eps = _validate.number("eps", eps, low=0.0, low_open=True)
    if not isinstance(weights_only, bool):
        raise TypeError(f"weights_only must be True or False, got {weights_only!r}")
    theta0 = net.parameter_vector()  # a copy: concatenate allocates
    k_w = sum(w.size for w in net.weights)

    def full_gradient(theta):
        net.set_parameter_vector(theta)
        nabla_b, nabla_w = net.backprop(X, Y)
        return np.concatenate([g.ravel() for g in nabla_w] + [g.ravel() for g in nabla_b])

    try:
        if weights_only:
            biases0 = theta0[k_w:]
            return hessian_of(lambda w: full_gradient(np.concatenate([w, biases0]))[:k_w],
                              theta0[:k_w], eps)
        return hessian_of(full_gradient, theta0, eps)
    finally:
        net.set_parameter_vector(theta0)


def analytic_hessian_linear(X, bias=False):
    """The exact Hessian of linear regression with the quadratic cost, for comparison.

    For one linear output a = w x + b and C_0 = 1/(2m) sum_x (w x + b - y)^2 (eq (8) with a
    linear output unit), the cost is exactly quadratic in w and H = X X^T / m (X of shape (k, m),
    one column per example), whatever the targets y.  With ``bias=True`` the bias is one more
    variable, placed last as in ``parameter_vector()``: H = A A^T / m with A = X plus a row of
    ones.  This is a network ``[k, 1]`` with linear activations and ``QuadraticCost``.
    """
    X = _validate.as_matrix("X", X)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    if bias:
        X = np.vstack([X, np.ones((1, X.shape[1]))])
    return X @ X.T / X.shape[1]


# ---------------------------------------------------------------- eqs (34)-(38)


def eigen_decomposition(H, tol=1e-8):
    """H = Q D Q^T, eq (35), for a symmetric H: returns ``(D, Q)``.

    ``D`` is the 1-D array of eigenvalues in *descending* order (D[0] is the largest curvature),
    the diagonal of the slides' D (``np.diag(D)`` is the matrix); ``Q`` has the matching
    orthonormal eigenvectors as columns.  Each column's sign is fixed so that its entry of
    largest magnitude is positive (eigenvectors are only defined up to sign; this makes figures
    reproducible).  H must be square, finite and symmetric to within ``tol`` relative to its
    largest entry; it is symmetrized before :func:`numpy.linalg.eigh` is called.
    """
    tol = _validate.number("tol", tol, low=0.0)
    H = _square("H", H, symmetric=True, tol=tol)
    D, Q = np.linalg.eigh(0.5 * (H + H.T))
    D, Q = D[::-1].copy(), Q[:, ::-1].copy()
    biggest = np.argmax(np.abs(Q), axis=0)
    signs = np.sign(Q[biggest, np.arange(Q.shape[1])])
    Q *= np.where(signs == 0, 1.0, signs)
    return D, Q


def l2_minimizer(H, w_star, lmbda):
    """w~ = (H + lambda I)^{-1} H w*, eq (34), computed as Q (D + lambda I)^{-1} D Q^T w*, eq (37).

    The minimum of C_0(w) + lambda/2 ||w||^2 when C_0 is the quadratic (31) with Hessian H and
    unregularized minimum w* (the slides' m = 1 convention).  ``H`` (k, k) symmetric, ``w_star``
    (k,), ``lmbda`` >= 0.  Raises ValueError if H + lambda I is singular (for lambda = 0: H is
    not invertible), because w~ is then not unique.  If H has negative eigenvalues, w* is not a
    minimum and (34) gives the stationary point of the penalized quadratic.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    D, Q = eigen_decomposition(H)
    w_star = _vector("w_star", w_star, D.shape[0])
    factors = D / _denominators(D, lmbda)  # eq (38), on the diagonal
    return Q @ (factors * (Q.T @ w_star))


def shrink_factors(eigenvalues, lmbda):
    """D_ii / (D_ii + lambda), eq (38), for every eigenvalue D_ii of H.

    The component of w* along the i-th eigenvector is multiplied by this factor: close to 1 where
    the curvature D_ii is much larger than lambda (the data pin that direction down), close to 0
    where D_ii is much smaller (a direction the cost hardly cares about is shrunk away).  For
    eigenvalues >= 0 and lambda > 0 the factors lie in [0, 1); lambda = 0 gives 1 everywhere.
    """
    D = _vector("eigenvalues", eigenvalues)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    return D / _denominators(D, lmbda)


# ---------------------------------------------------------------- the quadratic model


def _points(w, k):
    """w as (k,) or (k, N) float array (N points as columns, e.g. a flattened grid)."""
    if isinstance(w, (str, bytes)) or w is None:
        raise TypeError(f"w must be a numeric array, got {type(w).__name__}")
    w = np.asarray(w, dtype=float)
    if w.ndim not in (1, 2) or w.shape[0] != k:
        raise ValueError(f"w must have shape ({k},) or ({k}, N), got {w.shape}")
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


def hessian_2d(eigenvalues, angle_degrees):
    """A 2x2 Hessian H = Q D Q^T, eq (35), from its two eigenvalues and a rotation: ``(H, Q, D)``.

    ``Q`` is the rotation by ``angle_degrees`` (counter-clockwise), so its first column, the
    eigenvector of ``eigenvalues[0]``, points at that angle from the w_1 axis and the second is
    perpendicular to it.  ``D`` is the 1-D array of the two eigenvalues in the order given (not
    sorted).  Used by the interactive figure of the L2 notebook.
    """
    D = _vector("eigenvalues", eigenvalues, 2)
    angle = math.radians(_validate.number("angle_degrees", angle_degrees))
    c, s = math.cos(angle), math.sin(angle)
    Q = np.array([[c, -s], [s, c]])
    H = Q @ np.diag(D) @ Q.T
    return 0.5 * (H + H.T), Q, D


def gradient_descent(H, w_star, w0, eta, steps, lmbda=0.0):
    """Gradient descent on C(w) = C_0(w) + lambda/2 ||w||^2 with C_0 the quadratic (31).

    w <- w - eta (H (w - w*) + lambda w), from ``w0`` for ``steps`` steps; returns the path as an
    array of shape (steps + 1, k), row 0 being w0.  For lambda > 0 it converges (if eta is small
    enough, see :func:`step_regime`) to :func:`l2_minimizer`, eq (34).  The penalty is
    lambda/2 ||w||^2, the slides' m = 1 form of (21) (the slide before (33) writes it without the
    lambda).  If the iterates overflow (eta far too large), the rows from the first non-finite
    one on are NaN instead of raising, so a figure can still draw the part that exists.
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
    """The boundaries 1/(2a), 1/a and 2/a of :func:`step_regime`, a = D_max + lambda."""
    a, _ = _curvature(eigenvalues, lmbda)
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
    that direction for every eta, and the verdict is ``"diverging"``.  How many steps the
    *flattest* direction needs is set by the condition number D_max / D_min, which no choice of
    eta fixes.
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
