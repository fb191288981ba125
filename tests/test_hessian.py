"""Tests for lecture5.hessian: eqs (29)-(38) and the quadratic model used by the notebooks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5 import CrossEntropyCost, Network, QuadraticCost, linear, tanh
from lecture5.hessian import (
    analytic_hessian_linear,
    eigen_decomposition,
    hessian,
    hessian_2d,
    hessian_of,
    l1_kinks,
    l1_minimizer,
    l1_path,
    l2_minimizer,
    l2_path,
    shrink_factors,
)


def _spd(k, seed, floor=0.1):
    """A random symmetric positive definite k x k matrix (eigenvalues >= floor)."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(k, k))
    return A @ A.T + floor * np.eye(k)


def _linear_net(k, seed=1):
    return Network([k, 1], cost=QuadraticCost, seed=seed, activation=linear,
                   output_activation=linear)


# ---------------------------------------------------------------- eq (30): Hessians


def test_hessian_of_a_known_function():
    # f = sum(theta^4)/4 + theta^T A theta / 2: grad = theta^3 + A theta, H = diag(3 theta^2) + A
    A = _spd(4, 0)
    theta = np.array([0.5, -1.0, 2.0, 0.1])
    H = hessian_of(lambda t: t**3 + A @ t, theta)
    np.testing.assert_allclose(H, np.diag(3 * theta**2) + A, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(H, H.T)


def test_hessian_of_hands_grad_fn_copies():
    theta = np.array([1.0, 2.0])

    def grad_fn(t):
        g = 2 * t
        t[:] = 99.0  # a careless grad_fn must not corrupt theta or the next evaluation
        return g

    np.testing.assert_allclose(hessian_of(grad_fn, theta), 2 * np.eye(2), rtol=1e-9)
    np.testing.assert_array_equal(theta, [1.0, 2.0])


@pytest.mark.parametrize("k, m", [(1, 3), (3, 8), (5, 20)])
def test_fd_hessian_of_linear_regression_matches_the_analytic_one(k, m):
    rng = np.random.default_rng(k)
    X, Y = rng.normal(size=(k, m)), rng.normal(size=(1, m))
    net = _linear_net(k)
    before = net.parameter_vector()
    Hw = hessian(net, X, Y, weights_only=True)
    H = hessian(net, X, Y)
    assert Hw.shape == (k, k) and H.shape == (k + 1, k + 1)
    np.testing.assert_allclose(Hw, analytic_hessian_linear(X), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(H, analytic_hessian_linear(X, bias=True), rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_array_equal(net.parameter_vector(), before)


def test_analytic_hessian_linear_values():
    X = np.array([[1.0, 2.0], [0.0, 3.0]])
    np.testing.assert_allclose(analytic_hessian_linear(X), [[2.5, 3.0], [3.0, 4.5]])
    np.testing.assert_allclose(analytic_hessian_linear(X, bias=True)[-1], [1.5, 1.5, 1.0])


def _cost_at(net, theta, X, Y):
    net.set_parameter_vector(theta)
    return net.cost.fn(net.feedforward(X), Y)


def test_fd_hessian_of_a_nonlinear_net_matches_second_differences_of_the_cost():
    rng = np.random.default_rng(3)
    net = Network([3, 3, 2], cost=CrossEntropyCost, seed=5, activation=tanh)
    X, Y = rng.normal(size=(3, 6)), rng.uniform(size=(2, 6))
    theta0 = net.parameter_vector()
    H = hessian(net, X, Y)
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_array_equal(net.parameter_vector(), theta0)
    # an independent estimate from the cost alone, for a few entries (weights and biases)
    h = 1e-4
    scale = np.abs(H).max()
    for i, j in [(0, 0), (0, 7), (4, 13), (12, 17), (19, 19)]:  # 15 weights, then biases
        ei, ej = np.eye(len(theta0))[i] * h, np.eye(len(theta0))[j] * h
        second = (_cost_at(net, theta0 + ei + ej, X, Y) - _cost_at(net, theta0 + ei - ej, X, Y)
                  - _cost_at(net, theta0 - ei + ej, X, Y)
                  + _cost_at(net, theta0 - ei - ej, X, Y)) / (4 * h * h)
        assert abs(H[i, j] - second) <= 1e-6 * scale, (i, j, H[i, j], second)
    net.set_parameter_vector(theta0)
    # the weights-only Hessian is the weight block of the full one
    n_w = sum(w.size for w in net.weights)
    np.testing.assert_allclose(hessian(net, X, Y, weights_only=True), H[:n_w, :n_w],
                               rtol=1e-9, atol=1e-12)


def test_hessian_restores_the_network_when_backprop_fails():
    rng = np.random.default_rng(0)
    net = Network([2, 2, 1], seed=0)
    X, Y = rng.normal(size=(2, 3)), rng.uniform(size=(1, 3))
    before = net.parameter_vector()
    calls = {"n": 0}
    true_backprop = net.backprop

    def failing_backprop(X, Y):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("boom")
        return true_backprop(X, Y)

    net.backprop = failing_backprop
    with pytest.raises(RuntimeError, match="boom"):
        hessian(net, X, Y)
    np.testing.assert_array_equal(net.parameter_vector(), before)


# ---------------------------------------------------------------- eq (35)


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_eigen_decomposition_reconstructs_H(k, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(k, k))
    H = A + A.T  # symmetric, possibly indefinite
    D, Q = eigen_decomposition(H)
    assert D.shape == (k,) and Q.shape == (k, k)
    assert np.all(np.diff(D) <= 0)  # descending
    np.testing.assert_allclose(Q.T @ Q, np.eye(k), atol=1e-12)
    np.testing.assert_allclose(Q @ np.diag(D) @ Q.T, H, atol=1e-12 * max(1, np.abs(H).max()))
    np.testing.assert_allclose(H @ Q, Q * D, atol=1e-11 * max(1, np.abs(H).max()))
    # sign convention: the largest-magnitude entry of every column is positive
    assert np.all(Q[np.argmax(np.abs(Q), axis=0), np.arange(k)] > 0)


def test_eigen_decomposition_known_matrix():
    D, Q = eigen_decomposition([[2.0, 1.0], [1.0, 2.0]])
    np.testing.assert_allclose(D, [3.0, 1.0])
    np.testing.assert_allclose(np.abs(Q[:, 0]), [1 / math.sqrt(2)] * 2)


@pytest.mark.parametrize("H, error, message", [
    (np.ones((2, 3)), ValueError, "square"),
    (np.ones(3), ValueError, "square"),
    (np.zeros((0, 0)), ValueError, "square"),
    ([[1.0, 2.0], [0.0, 1.0]], ValueError, "symmetric"),
    ([[1.0, np.nan], [np.nan, 1.0]], ValueError, "finite"),
    ("H", TypeError, "H"),
    ([["a", "b"], ["c", "d"]], TypeError, "H"),
])
def test_eigen_decomposition_rejects_bad_H(H, error, message):
    with pytest.raises(error, match=message) as info:
        eigen_decomposition(H)
    assert "H" in str(info.value)


def test_eigen_decomposition_tolerates_rounding_asymmetry():
    H = _spd(3, 1)
    H[0, 1] += 1e-13
    D, Q = eigen_decomposition(H)
    np.testing.assert_allclose(Q @ np.diag(D) @ Q.T, H, atol=1e-12)


# ---------------------------------------------------------------- eqs (34), (37), (38)


@settings(max_examples=50, deadline=None)
@given(k=st.integers(1, 6), seed=st.integers(0, 10_000),
       lmbda=st.floats(0.0, 20.0, allow_nan=False))
def test_l2_minimizer_equals_the_linear_solve_of_eq_34(k, seed, lmbda):
    H = _spd(k, seed)
    w_star = np.random.default_rng(seed + 1).normal(size=k)
    w_tilde = l2_minimizer(H, w_star, lmbda)
    expected = np.linalg.solve(H + lmbda * np.eye(k), H @ w_star)
    np.testing.assert_allclose(w_tilde, expected, rtol=1e-8, atol=1e-10)
    # eq (33): the gradient of the penalized cost vanishes there
    residual = H @ (w_tilde - w_star) + lmbda * w_tilde
    assert np.abs(residual).max() <= 1e-9 * max(1.0, np.abs(H).max()) * max(1.0, lmbda)


def test_l2_minimizer_limits():
    H, w_star = _spd(4, 2), np.array([1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(l2_minimizer(H, w_star, 0.0), w_star, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(l2_minimizer(H, w_star, 1e-9), w_star, rtol=1e-7, atol=1e-7)
    assert np.linalg.norm(l2_minimizer(H, w_star, 1e9)) < 1e-6 * np.linalg.norm(w_star)
    # growing lambda shrinks w~ monotonically
    norms = [np.linalg.norm(l2_minimizer(H, w_star, lm)) for lm in (0.0, 0.1, 1.0, 10.0)]
    assert norms == sorted(norms, reverse=True)


def test_l2_minimizer_rescales_eigen_components_by_the_shrink_factors():
    H, w_star, lmbda = _spd(5, 3), np.arange(1.0, 6.0), 0.7
    D, Q = eigen_decomposition(H)
    w_tilde = l2_minimizer(H, w_star, lmbda)
    np.testing.assert_allclose(Q.T @ w_tilde, shrink_factors(D, lmbda) * (Q.T @ w_star),
                               rtol=1e-10, atol=1e-12)


def test_l2_minimizer_with_a_singular_hessian():
    H = np.diag([2.0, 0.0])  # the cost does not care about w_2
    w_star = np.array([1.0, 1.0])
    with pytest.raises(ValueError, match="singular.*lmbda > 0"):
        l2_minimizer(H, w_star, 0.0)
    # with lambda > 0 the flat direction is shrunk all the way to 0
    np.testing.assert_allclose(l2_minimizer(H, w_star, 1.0), [2.0 / 3.0, 0.0], atol=1e-15)


@settings(max_examples=50, deadline=None)
@given(eigenvalues=st.lists(st.floats(1e-6, 1e6), min_size=1, max_size=8),
       lmbda=st.floats(0.0, 1e6))
def test_shrink_factors_are_in_0_1_for_positive_eigenvalues(eigenvalues, lmbda):
    f = shrink_factors(eigenvalues, lmbda)
    assert f.shape == (len(eigenvalues),)
    assert np.all(f > 0) and np.all(f <= 1)
    # larger curvature, less shrinking
    order = np.argsort(eigenvalues)
    assert np.all(np.diff(f[order]) >= -1e-15)


def test_shrink_factors_values():
    np.testing.assert_allclose(shrink_factors([3.0, 1.0, 0.0], 1.0), [0.75, 0.5, 0.0])
    np.testing.assert_array_equal(shrink_factors([3.0, 1.0], 0.0), [1.0, 1.0])
    with pytest.raises(ValueError, match="singular"):
        shrink_factors([1.0, 0.0], 0.0)


@pytest.mark.parametrize("call, error, name", [
    (lambda: l2_minimizer(np.eye(2), [1.0, 1.0], -0.1), ValueError, "lmbda"),
    (lambda: l2_minimizer(np.eye(2), [1.0, 1.0], "1"), TypeError, "lmbda"),
    (lambda: l2_minimizer(np.eye(2), [1.0, 1.0, 1.0], 0.1), ValueError, "w_star"),
    (lambda: l2_minimizer(np.eye(2), [[1.0], [1.0]], 0.1), ValueError, "w_star"),
    (lambda: l2_minimizer(np.eye(2), [1.0, np.inf], 0.1), ValueError, "w_star"),
    (lambda: l2_minimizer(np.ones((2, 3)), [1.0, 1.0], 0.1), ValueError, "H"),
    (lambda: shrink_factors([1.0, 2.0], -1.0), ValueError, "lmbda"),
    (lambda: shrink_factors([], 1.0), ValueError, "eigenvalues"),
    (lambda: shrink_factors([[1.0]], 1.0), ValueError, "eigenvalues"),
    (lambda: shrink_factors([np.nan], 1.0), ValueError, "eigenvalues"),
    (lambda: hessian_of(lambda t: t, [1.0], eps=0.0), ValueError, "eps"),
    (lambda: hessian_of(lambda t: t[:1], [1.0, 2.0]), ValueError, "grad_fn"),
    (lambda: hessian_of(lambda t: t, [[1.0]]), ValueError, "theta"),
    (lambda: hessian(_linear_net(2), np.ones((3, 2)), np.ones((1, 2))), ValueError, "X"),
    (lambda: hessian(_linear_net(2), np.ones((2, 2)), np.ones((1, 3))), ValueError, "Y"),
    (lambda: hessian(_linear_net(2), np.ones((2, 2)), np.ones((1, 2)), eps=-1), ValueError, "eps"),
    (lambda: hessian(_linear_net(2), np.ones((2, 2)), np.ones((1, 2)), weights_only=1),
     TypeError, "weights_only"),
    (lambda: analytic_hessian_linear(np.ones(3)), ValueError, "X"),
    (lambda: analytic_hessian_linear(np.ones((2, 3)), bias="yes"), TypeError, "bias"),
])
def test_bad_inputs_raise_naming_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


# ---------------------------------------------------------------- L1 in the Hessian view


def _l1_objective(w, H, w_star, lmbda):
    d = w - w_star
    return 0.5 * d @ H @ d + lmbda * np.abs(w).sum()


def _l1_by_enumeration(H, w_star, lmbda):
    """An independent exact solver for small k: try every pattern of signs in {-1, 0, +1}^k,
    solve the stationarity equations on the non-zero weights, keep the pattern whose solution
    has those signs and satisfies |(H (w* - w))_i| <= lambda where w_i = 0."""
    import itertools

    k = len(w_star)
    b = H @ w_star
    found = []
    for pattern in itertools.product((-1.0, 0.0, 1.0), repeat=k):
        s = np.array(pattern)
        S = s != 0
        w = np.zeros(k)
        if S.any():
            w[S] = np.linalg.solve(H[np.ix_(S, S)], b[S] - lmbda * s[S])
        if np.all(np.sign(w[S]) == s[S]) and np.all(np.abs(b - H @ w)[~S] <= lmbda * (1 + 1e-9)):
            found.append(w)
    assert found, "no pattern satisfies the optimality conditions"
    return min(found, key=lambda w: _l1_objective(w, H, w_star, lmbda))


def _kkt_violation(w, H, w_star, lmbda):
    """How far w is from optimal, relative to lambda: 0 at the exact minimiser."""
    g = H @ (w_star - w)  # minus the gradient of the smooth part
    on = w != 0
    return max(np.abs(g[on] - lmbda * np.sign(w[on])).max(initial=0.0),
               (np.abs(g[~on]) - lmbda).max(initial=0.0)) / max(lmbda, 1e-300)


def _rotated_problem(k, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(k, k)))
    D = np.exp(rng.uniform(-2.0, 2.0, k))  # condition numbers up to about e^4 ... e^8
    H = Q @ np.diag(D) @ Q.T
    return 0.5 * (H + H.T), rng.normal(scale=2.0, size=k)


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("seed", range(8))
def test_l1_minimizer_matches_an_independent_exact_solver(k, seed):
    H, w_star = _rotated_problem(k, seed)
    b_max = np.abs(H @ w_star).max()
    for lmbda in (0.0, 0.05 * b_max, 0.3 * b_max, 0.7 * b_max, 1.1 * b_max):
        w = l1_minimizer(H, w_star, lmbda)
        reference = _l1_by_enumeration(H, w_star, lmbda)
        np.testing.assert_allclose(w, reference, rtol=0, atol=1e-12 * max(1.0, np.abs(w).max()))
        np.testing.assert_array_equal(w == 0, reference == 0)  # exact zeros, the same ones
        if lmbda > 0:
            assert _kkt_violation(w, H, w_star, lmbda) <= 1e-12
        assert w.shape == w_star.shape


@pytest.mark.parametrize("seed", range(5))
def test_l1_minimizer_beats_a_general_purpose_optimiser(seed):
    # scipy's L-BFGS-B on the smooth reformulation w = u - v, u, v >= 0, where
    # lambda |w|_1 becomes the linear term lambda (u + v)
    from scipy.optimize import minimize

    H, w_star = _rotated_problem(4, seed)
    lmbda = 0.4 * np.abs(H @ w_star).max()

    def f(z):
        u, v = z[:4], z[4:]
        d = u - v - w_star
        g = H @ d
        return 0.5 * d @ g + lmbda * z.sum(), np.concatenate([g + lmbda, -g + lmbda])

    z = minimize(f, np.zeros(8), jac=True, method="L-BFGS-B", bounds=[(0, None)] * 8,
                 options={"ftol": 1e-15, "gtol": 1e-12}).x
    w = l1_minimizer(H, w_star, lmbda)
    np.testing.assert_allclose(w, z[:4] - z[4:], atol=1e-5)
    assert _l1_objective(w, H, w_star, lmbda) <= f(z)[0] + 1e-12


def test_l1_minimizer_diagonal_h_is_the_soft_threshold():
    rng = np.random.default_rng(3)
    h, w_star = rng.uniform(0.1, 3.0, 6), rng.normal(size=6)
    lmbda = 0.5
    w = l1_minimizer(np.diag(h), w_star, lmbda)
    closed = np.sign(w_star) * np.maximum(np.abs(w_star) - lmbda / h, 0.0)
    np.testing.assert_array_equal(w, closed)
    np.testing.assert_array_equal(w == 0, np.abs(w_star) <= lmbda / h)  # the zero criterion
    assert np.any(w == 0) and np.any(w != 0)


def test_l1_of_the_eigen_components_is_wrong_when_h_is_rotated():
    # notebook 05's Hessian: eigenvalues 0.25 and 2, eigenvectors rotated by 30 degrees
    H, Q, D = hessian_2d([0.25, 2.0], 30.0)
    w_star = np.array([2.0, 1.2])
    for lmbda in (0.1, 0.3, 0.48):  # at 0.48 the minimiser is 0, the eigen formula is not
        w = l1_minimizer(H, w_star, lmbda)
        c = Q.T @ w_star
        eigen_soft = Q @ (np.sign(c) * np.maximum(np.abs(c) - lmbda / D, 0.0))
        assert _kkt_violation(w, H, w_star, lmbda) <= 1e-12
        assert np.abs(w - eigen_soft).max() > 0.05
        assert _l1_objective(w, H, w_star, lmbda) < _l1_objective(eigen_soft, H, w_star, lmbda)


def test_l1_and_l2_paths():
    H, _, _ = hessian_2d([0.25, 2.0], 30.0)
    w_star = np.array([2.0, 1.2])
    lambdas = np.linspace(0.0, 3.0, 301)
    p1, p2 = l1_path(H, w_star, lambdas), l2_path(H, w_star, lambdas)
    assert p1.shape == p2.shape == (301, 2)
    np.testing.assert_allclose(p1[0], w_star, atol=1e-12)
    np.testing.assert_allclose(p2[0], w_star, atol=1e-12)
    for j in (7, 150, 300):
        np.testing.assert_allclose(p2[j], l2_minimizer(H, w_star, lambdas[j]), atol=1e-14)
        # the path comes from the homotopy, l1_minimizer from coordinate descent + KKT
        np.testing.assert_allclose(p1[j], l1_minimizer(H, w_star, lambdas[j]), atol=1e-13)
        np.testing.assert_array_equal(p1[j] == 0, l1_minimizer(H, w_star, lambdas[j]) == 0)
    assert np.all(p2 != 0)  # L2 never reaches an exact zero
    all_zero = lambdas >= np.abs(H @ w_star).max()
    assert all_zero.any() and np.all(p1[all_zero] == 0) and np.all(p1[~all_zero].any(axis=1))
    # piecewise linear: where the zero pattern does not change, each point is the mean of its
    # neighbours (a uniform grid); the kinks are where it changes
    pattern = p1 == 0
    same = np.all(pattern[:-2] == pattern[1:-1], axis=1) & np.all(pattern[1:-1] == pattern[2:],
                                                                   axis=1)
    np.testing.assert_allclose(p1[1:-1][same], 0.5 * (p1[:-2] + p1[2:])[same], atol=1e-12)
    kinks = np.flatnonzero(np.any(pattern[1:] != pattern[:-1], axis=1))
    assert len(kinks) >= 2  # one weight reaches 0, later the other


@pytest.mark.parametrize("k", [2, 4, 6])
@pytest.mark.parametrize("seed", range(6))
def test_l1_kinks_are_where_the_zero_pattern_changes(k, seed):
    H, w_star = _rotated_problem(k, 50 + seed)
    kinks = l1_kinks(H, w_star)
    assert kinks[0] == np.abs(H @ w_star).max() and np.all(np.diff(kinks) < 0) and kinks[-1] > 0
    for lam in kinks:  # the pattern differs just above and just below every kink
        above, below = (l1_minimizer(H, w_star, lam * f) == 0 for f in (1 + 1e-7, 1 - 1e-7))
        assert np.any(above != below)
    # and nowhere else: on a fine grid the pattern changes only across a kink, and between two
    # kinks the path is linear in lambda
    grid = np.concatenate([np.linspace(0.0, kinks[0] * 1.2, 300), kinks[-1] * (1 - 1e-9) + [0]])
    grid = np.unique(grid)
    zeros = l1_path(H, w_star, grid) == 0
    for j in np.flatnonzero(np.any(zeros[1:] != zeros[:-1], axis=1)):
        assert np.any((kinks > grid[j]) & (kinks <= grid[j + 1]))
    for lo, hi in zip(kinks[1:], kinks[:-1]):
        a, m, c = l1_path(H, w_star, [lo + 0.1 * (hi - lo), 0.5 * (lo + hi), hi - 0.4 * (hi - lo)])
        np.testing.assert_allclose(m, a + (c - a) * (0.4 / 0.5), atol=1e-10)


@pytest.mark.parametrize("k", [3, 6])
@pytest.mark.parametrize("seed", range(4))
def test_l1_path_agrees_with_l1_minimizer_on_random_problems(k, seed):
    H, w_star = _rotated_problem(k, 70 + seed)
    lambdas = np.linspace(0.0, 1.1 * np.abs(H @ w_star).max(), 40)
    path = l1_path(H, w_star, lambdas)
    for lam, w in zip(lambdas, path):
        expected = l1_minimizer(H, w_star, lam)
        np.testing.assert_allclose(w, expected, atol=1e-12 * max(1.0, np.abs(w).max()))
        np.testing.assert_array_equal(w == 0, expected == 0)


@pytest.mark.parametrize("call, error, name", [
    (lambda: l1_kinks([[1.0, 0.0], [0.0, -1.0]], [1.0, 1.0]), ValueError, "H must be positive"),
    (lambda: l1_kinks(np.eye(2), [1.0]), ValueError, "w_star"),
    (lambda: l1_minimizer([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0], 0.1), ValueError,
     "H must be positive definite"),
    (lambda: l1_minimizer([[1.0, 2.0], [0.0, 1.0]], [1.0, 1.0], 0.1), ValueError, "H must be sym"),
    (lambda: l1_minimizer([[1.0, 2.0], [3.0]], [1.0, 1.0], 0.1), ValueError, "H must"),
    (lambda: l1_minimizer(np.eye(2), [1.0, 1.0, 1.0], 0.1), ValueError, "w_star"),
    (lambda: l1_minimizer(np.eye(2), [1.0, np.nan], 0.1), ValueError, "w_star"),
    (lambda: l1_minimizer(np.eye(2), [1.0, 1.0], -0.1), ValueError, "lmbda"),
    (lambda: l1_minimizer(np.eye(2), [1.0, 1.0], "1"), TypeError, "lmbda"),
    (lambda: l1_path(np.eye(2), [1.0, 1.0], [0.1, -1.0]), ValueError, "lambdas"),
    (lambda: l2_path(np.eye(2), [1.0, 1.0], [[0.1]]), ValueError, "lambdas"),
])
def test_l1_bad_inputs_name_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()
