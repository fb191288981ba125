"""The Hessian view of regularization, slides eqs (29)-(38), and L1 in the same view.

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
eigen-decomposition (35), the minimizer (34)/(37), the shrink factors (38), and the L1
counterpart :func:`l1_minimizer`, which has no such eigen formula (|w|_1 is not rotation
invariant: soft-thresholding w* is right only when H is diagonal).  :func:`l2_path` and
:func:`l1_path` give w~(lambda) over a grid of lambdas.  The 2-D quadratic model and gradient
descent on it live in :mod:`lecture5.quadratic`; their names are importable from here too.

Vectors here are flat 1-D arrays of length k.  For a :class:`lecture5.Network` the flat order is
that of ``net.parameter_vector()``: all weights (w^2, w^3, ..., each row by row) then all biases,
in Nielsen's layer numbering (input = layer 1).
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate
from .regularization import soft_threshold

__all__ = [
    "hessian_of",
    "hessian",
    "analytic_hessian_linear",
    "eigen_decomposition",
    "l2_minimizer",
    "shrink_factors",
    "l1_minimizer",
    "l2_path",
    "l1_path",
    "l1_kinks",
]


# ---------------------------------------------------------------- input checks


def _array(name, x, what):
    """``x`` as a float array, or a TypeError/ValueError naming ``name`` and saying ``what``."""
    return _validate.numeric(name, x, what).astype(float)


def _square(name, H, symmetric=False, tol=1e-8):
    """H as a finite float (k, k) array; with ``symmetric``, also H = H^T within ``tol``
    (relative to the largest entry)."""
    H = _array(name, H, "a square numeric matrix")
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"{name} must be a square (k, k) matrix with k >= 1, got shape {H.shape}")
    if not np.isfinite(H).all():
        raise ValueError(f"{name} must contain only finite numbers (found NaN or infinity)")
    if symmetric:
        scale = max(1.0, float(np.abs(H).max()))
        asym = float(np.abs(H / scale - H.T / scale).max())  # relative; cannot overflow
        if asym > tol:
            raise ValueError(
                f"{name} must be symmetric (a Hessian is): max |H - H^T| = {asym:.3g} x "
                f"{scale:.3g} exceeds {tol:g} x {scale:.3g}"
            )
    return H


def _vector(name, v, k=None):
    """v as a finite float 1-D array (of length k if given)."""
    v = _array(name, v, "a numeric vector")
    if v.ndim != 1 or (k is not None and v.shape[0] != k) or v.shape[0] == 0:
        want = f"({k},)" if k is not None else "(k,) with k >= 1"
        raise ValueError(f"{name} must be a 1-D vector of shape {want}, got shape {v.shape}")
    if not np.isfinite(v).all():
        raise ValueError(f"{name} must contain only finite numbers (found NaN or infinity)")
    return v


def _power_of_two(x: float) -> float:
    """A power of two within a factor 2 of x > 0 (1 for x = 0): dividing by it is exact, and it
    keeps sums and products of numbers near the float64 limit from overflowing."""
    return math.ldexp(1.0, math.frexp(x)[1] - 1) if x > 0 else 1.0


def _step(name, eps, theta):
    """A finite-difference step inside [1e-10, 1e-2] x max(1, max |theta_i|)."""
    eps = _validate.number(name, eps, low=0.0, low_open=True)
    scale = max(1.0, float(np.abs(theta).max()))
    if not 1e-10 * scale <= eps <= 1e-2 * scale:
        raise ValueError(
            f"{name} = {eps:g} is outside the range where centred differences are sound, "
            f"[1e-10, 1e-2] x max(1, max|theta|) = [{1e-10 * scale:.3g}, {1e-2 * scale:.3g}]: "
            "below it rounding error swamps the difference, above it the O(eps^2) truncation "
            "error grows (the default 1e-5 is near the best)"
        )
    return eps


def _shrink(eigenvalues, lmbda):
    """D_ii / (D_ii + lambda), eq (38), on D and lambda scaled by a common power of two (so the
    sum cannot overflow); refuses D_ii + lambda = 0 up to rounding (H + lambda I singular)."""
    scale = _power_of_two(max(float(np.abs(eigenvalues).max()), lmbda))
    D, lam = eigenvalues / scale, lmbda / scale
    denom = D + lam
    i = int(np.argmin(np.abs(denom)))
    bound = len(D) * np.finfo(float).eps * max(float(np.abs(D).max()), lam)
    if abs(denom[i]) <= bound or denom[i] == 0:
        hint = (" With lmbda = 0, H itself must be invertible; choose lmbda > 0."
                if lmbda == 0 else "")
        raise ValueError(
            f"H + lmbda I is singular up to rounding: D_ii + lmbda = {eigenvalues[i]:.3g} + "
            f"{lmbda:g} (i = {i}) is within k eps max(max|D|, lmbda) = {bound * scale:.3g} of "
            f"zero, so eq (34) has no reliable unique solution.{hint}"
        )
    return D / denom


# ---------------------------------------------------------------- Hessians, eq (30)


def hessian_of(grad_fn, theta, eps=1e-5):
    """Hessian, eq (30), of a function whose gradient ``grad_fn(theta)`` is known, at ``theta``.

    Column i is the centred difference of the gradient,
    H[:, i] = (grad(theta + eps e_i) - grad(theta - eps e_i)) / (2 eps),
    which needs 2k gradient evaluations for k parameters.  ``eps`` must lie in
    [1e-10, 1e-2] x max(1, max |theta_i|): below, rounding swamps the difference (theta + eps
    rounds back to theta when eps < 1.1e-16 |theta_i|); above, the O(eps^2) truncation error
    grows; the default 1e-5 is near the best.  The result is symmetrized,
    (H + H^T) / 2: the exact Hessian is symmetric and this removes the finite-difference noise
    that is not.  ``grad_fn`` receives a fresh copy of theta each time.
    """
    theta = _vector("theta", theta)
    eps = _step("eps", eps, theta)
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
    largest entry; it is symmetrized before :func:`numpy.linalg.eigh` is called, on H divided by
    a power of two near its largest entry (exact), so entries near 1e308 work; a ValueError says
    so if an eigenvalue itself is beyond float64's range.
    """
    tol = _validate.number("tol", tol, low=0.0)
    H = _square("H", H, symmetric=True, tol=tol)
    scale = _power_of_two(float(np.abs(H).max()))
    H = H / scale
    D, Q = np.linalg.eigh(0.5 * (H + H.T))
    if float(np.abs(D).max()) * scale > np.finfo(float).max:
        exponent = math.log10(np.abs(D).max()) + math.log10(scale)
        size = f"{10 ** (exponent % 1):.3g}e+{int(exponent)}"
        raise ValueError(f"H has an eigenvalue of magnitude about {size}, beyond float64's "
                         f"largest number {np.finfo(float).max:.4g}: scale H down")
    D, Q = D[::-1] * scale, Q[:, ::-1].copy()
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
    minimum and (34) gives the stationary point of the penalized quadratic.  Entries near the
    float64 limit are handled by scaling; a w~ that overflows raises ValueError.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    D, Q = eigen_decomposition(H)
    w_star = _vector("w_star", w_star, D.shape[0])
    factors = _shrink(D, lmbda)  # eq (38), on the diagonal
    scale = _power_of_two(float(np.abs(w_star).max()))
    w = Q @ (factors * (Q.T @ (w_star / scale)))
    with np.errstate(over="ignore"):
        w = w * scale
    if not np.isfinite(w).all():
        raise ValueError(f"w~ overflows float64 (w_star has entries up to {scale:.3g})")
    return w


def shrink_factors(eigenvalues, lmbda):
    """D_ii / (D_ii + lambda), eq (38), for every eigenvalue D_ii of H.

    The component of w* along the i-th eigenvector is multiplied by this factor: close to 1 where
    the curvature D_ii is much larger than lambda (the data pin that direction down), close to 0
    where D_ii is much smaller (a direction the cost hardly cares about is shrunk away).  For
    eigenvalues >= 0 and lambda > 0 the factors lie in [0, 1); lambda = 0 gives 1 everywhere.
    """
    D = _vector("eigenvalues", eigenvalues)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    return _shrink(D, lmbda)


# ---------------------------------------------------------------- L1 in the Hessian view


def _positive_definite(H):
    """H symmetrized; refuses an H that is not positive definite (the L1 problem then has no
    unique minimum).  A Cholesky factorisation decides; eigenvalues only for the message."""
    H = _square("H", H, symmetric=True)
    H = 0.5 * H + 0.5 * H.T
    try:
        np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        smallest = eigen_decomposition(H)[0][-1]
        raise ValueError(f"H must be positive definite (a minimum), but its smallest eigenvalue "
                         f"is {smallest:.3g}") from None
    return H


def _l1_kkt(H, b, w, lmbda, S):
    """Solve the optimality conditions on the support S with the signs of w there, and return the
    solution if it satisfies all of them (else None).  At the minimum of
    1/2 (w - w*)^T H (w - w*) + lambda |w|_1, with b = H w* and g = b - H w:
    g_i = lambda sgn(w_i) where w_i != 0, and |g_i| <= lambda where w_i = 0."""
    x = np.zeros_like(w)
    signs = np.sign(w[S])
    if S.any():
        x[S] = np.linalg.solve(H[np.ix_(S, S)], b[S] - lmbda * signs)
        if np.any(np.sign(x[S]) != signs):
            return None
    slack = np.abs(b - H @ x)[~S]
    return x if np.all(slack <= lmbda * (1 + 1e-12) + 1e-14 * np.abs(b).max()) else None


def l1_minimizer(H, w_star, lmbda, tol=1e-12, max_sweeps=100_000):
    """argmin_w 1/2 (w - w*)^T H (w - w*) + lambda |w|_1, for a symmetric positive-definite H.

    The L1 counterpart of :func:`l2_minimizer`, eq (34), with the penalty lambda |w|_1 of (39)
    (the slides' m = 1 convention).  When H is diagonal it is the soft threshold, weight by
    weight: w~_i = sgn(w*_i) max(|w*_i| - lambda / H_ii, 0), so weight i is exactly zero when
    |w*_i| <= lambda / H_ii.  For any other H there is no such formula: |w|_1 is not rotation
    invariant, so soft-thresholding the eigen-components Q^T w* gives neither the minimiser nor
    its zeros.  Then cyclic coordinate descent (each step the exact soft-threshold minimum in one
    weight) finds which weights are zero and the signs of the others; the non-zero weights are
    then solved for exactly, H_SS w_S = (H w*)_S - lambda sgn(w_S), and returned once every
    optimality condition holds (to about 1e-12 relative), else when a sweep changes no weight by
    more than ``tol`` x max(1, max |w_i|).  Returns a new 1-D array shaped like ``w_star``.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    tol = _validate.number("tol", tol, low=0.0, low_open=True)
    max_sweeps = _validate.integer("max_sweeps", max_sweeps, low=1)
    H = _positive_definite(H)
    w_star = _vector("w_star", w_star, H.shape[0])
    h = np.diag(H).copy()
    w = soft_threshold(w_star, lmbda / h)  # exact when H is diagonal
    if not np.any(H - np.diag(h)):
        return w
    b = H @ w_star
    for _ in range(max_sweeps):
        change = 0.0
        for i in range(len(w)):
            r = b[i] - H[i] @ w + h[i] * w[i]  # minimise over w_i alone: soft threshold
            new = np.sign(r) * max(abs(r) - lmbda, 0.0) / h[i]
            change = max(change, abs(new - w[i]))
            w[i] = new
        exact = _l1_kkt(H, b, w, lmbda, w != 0)
        if exact is not None:
            return exact
        if change <= tol * max(1.0, float(np.abs(w).max())):
            return w
    D = eigen_decomposition(H)[0]
    raise RuntimeError(f"l1_minimizer: coordinate descent did not settle in {max_sweeps} sweeps "
                       f"(condition number {D[0] / D[-1]:.3g}); raise max_sweeps")


def _lambda_grid(lambdas):
    lambdas = _vector("lambdas", lambdas)
    if (lambdas < 0).any():
        raise ValueError(f"lambdas must all be >= 0, got {lambdas.min():g}")
    return lambdas


def l2_path(H, w_star, lambdas):
    """w~(lambda) of :func:`l2_minimizer`, eqs (34)/(37), for each lambda of a grid: an array of
    shape (len(lambdas), k), row j for lambdas[j].  Every component shrinks smoothly towards 0
    and reaches it only as lambda -> infinity.  H is decomposed once, eq (35)."""
    lambdas = _lambda_grid(lambdas)
    D, Q = eigen_decomposition(H)
    c = Q.T @ _vector("w_star", w_star, D.shape[0])
    return np.array([Q @ (_shrink(D, lam) * c) for lam in lambdas])


def _l1_homotopy(H, w_star):
    """The L1 path as segments ``(lam_high, S, u, v)``: for lam_low < lambda <= lam_high (lam_low
    being the next segment's lam_high, or 0), w~_S = u - lambda v and the other weights are 0."""
    H = _positive_definite(H)
    b = H @ _vector("w_star", w_star, H.shape[0])
    lam = float(np.abs(b).max())
    S, s = np.abs(b) == lam, np.sign(b)
    segments = []
    for _ in range(4 * len(b)):  # each weight enters and leaves a few times at most in practice
        if lam == 0:
            return segments
        u = np.linalg.solve(H[np.ix_(S, S)], b[S])
        v = np.linalg.solve(H[np.ix_(S, S)], s[S])
        segments.append((lam, S.copy(), u, v))
        p, q = b - H[:, S] @ u, H[:, S] @ v  # on the zeros: (H (w* - w~))_i = p_i + lambda q_i
        with np.errstate(divide="ignore", invalid="ignore"):
            leave = np.full(len(b), -1.0)
            leave[S] = u / v  # w~_j = u_j - lambda v_j reaches 0
            enter_up = np.where(S, -1.0, p / (1.0 - q))  # p_i + lambda q_i = +lambda
            enter_down = np.where(S, -1.0, -p / (1.0 + q))  # ... = -lambda
        events = np.stack([leave, enter_up, enter_down])
        events[~np.isfinite(events) | (events >= lam * (1 - 1e-12)) | (events <= 0)] = -1.0
        kind, i = np.unravel_index(np.argmax(events), events.shape)
        lam = max(float(events[kind, i]), 0.0)
        S[i] = kind != 0
        s[i] = (0.0, 1.0, -1.0)[kind]
    raise RuntimeError("the L1 homotopy did not finish (a degenerate problem)")


def l1_kinks(H, w_star):
    """The lambdas > 0 where the L1 path w~(lambda) of :func:`l1_path` bends, in decreasing order.

    Between two kinks the set of zero weights and the signs of the others are fixed, and w~ is
    linear in lambda: w~_S = u - lambda v with H_SS u = (H w*)_S and H_SS v = sgn(w~_S).  Going
    down from lambda = max |H w*| (where the first weight leaves 0), the next kink is the largest
    lambda at which a non-zero weight reaches 0 (u_j = lambda v_j) or a zero weight's optimality
    condition |(H (w* - w~))_i| <= lambda becomes tight; this is the LARS-lasso homotopy.
    Raising lambda through a kink is where a weight becomes exactly zero (or, rarely, leaves 0).
    """
    return np.array([segment[0] for segment in _l1_homotopy(H, w_star)])


def l1_path(H, w_star, lambdas):
    """w~(lambda), the minimiser of :func:`l1_minimizer`, for each lambda of a grid: an array of
    shape (len(lambdas), k).  The path is piecewise linear in lambda, with a kink
    (:func:`l1_kinks`) wherever a weight reaches exactly 0 or leaves it; beyond
    lambda = max |H w*| every weight is 0.  Computed exactly from the segments of the homotopy."""
    lambdas = _lambda_grid(lambdas)
    segments = _l1_homotopy(H, w_star)
    path = np.zeros((len(lambdas), len(_vector("w_star", w_star))))
    for j, lam in enumerate(lambdas):
        inside = [seg for seg in segments if lam <= seg[0]]
        if inside:
            _, S, u, v = inside[-1]  # the segment with the smallest lam_high >= lambda
            path[j, S] = u - lam * v
    return path


# The quadratic model and gradient descent on it moved to lecture5.quadratic; their names stay
# importable from here (loaded on first use, which avoids a circular import).
_QUADRATIC_NAMES = ("quadratic_cost", "quadratic_gradient", "hessian_2d", "gradient_descent",
                    "StepThresholds", "step_thresholds", "step_regime", "descent_factors",
                    "optimal_step", "convergence_rate", "early_stopping_factors",
                    "matching_lambda")
__all__ += _QUADRATIC_NAMES


def __getattr__(name):
    if name in _QUADRATIC_NAMES:
        from . import quadratic

        return getattr(quadratic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
