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
    gradient_descent,
    hessian,
    hessian_2d,
    hessian_of,
    l2_minimizer,
    quadratic_cost,
    quadratic_gradient,
    shrink_factors,
    step_regime,
    step_thresholds,
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


# ---------------------------------------------------------------- the quadratic model


def test_quadratic_cost_and_gradient_eqs_31_32():
    H, w_star = np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([1.0, -1.0])
    assert quadratic_cost(w_star, H, w_star, c0=0.3) == 0.3
    w = np.array([2.0, 1.0])  # d = (1, 2): d^T H d = 2 + 2 + 4 = 8
    assert quadratic_cost(w, H, w_star, c0=0.3) == pytest.approx(0.3 + 4.0)
    assert quadratic_cost(w, H, w_star, lmbda=2.0) == pytest.approx(4.0 + 5.0)
    np.testing.assert_allclose(quadratic_gradient(w, H, w_star), H @ [1.0, 2.0])
    np.testing.assert_array_equal(quadratic_gradient(w_star, H, w_star), [0.0, 0.0])
    # eq (33): the penalized gradient vanishes at the l2 minimizer
    w_tilde = l2_minimizer(H, w_star, 0.8)
    np.testing.assert_allclose(quadratic_gradient(w_tilde, H, w_star, lmbda=0.8), 0, atol=1e-14)
    # the gradient is the gradient of the cost (centred differences, exact for a quadratic)
    h = 1e-6
    fd = [(quadratic_cost(w + e, H, w_star, lmbda=0.8) - quadratic_cost(w - e, H, w_star,
                                                                        lmbda=0.8)) / (2 * h)
          for e in np.eye(2) * h]
    np.testing.assert_allclose(fd, quadratic_gradient(w, H, w_star, lmbda=0.8), rtol=1e-7)


def test_quadratic_model_on_a_grid_of_points():
    H, w_star = _spd(2, 4), np.array([0.5, -0.5])
    W1, W2 = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 1, 3))
    points = np.stack([W1.ravel(), W2.ravel()])
    costs = quadratic_cost(points, H, w_star, c0=1.0, lmbda=0.3)
    grads = quadratic_gradient(points, H, w_star, lmbda=0.3)
    assert costs.shape == (15,) and grads.shape == (2, 15)
    for n in range(15):
        assert costs[n] == pytest.approx(quadratic_cost(points[:, n], H, w_star, 1.0, 0.3))
        np.testing.assert_allclose(grads[:, n], quadratic_gradient(points[:, n], H, w_star, 0.3))
    with pytest.raises(ValueError, match="w must have shape"):
        quadratic_cost(np.zeros((3, 4)), H, w_star)
    with pytest.raises(ValueError, match="lmbda"):
        quadratic_cost(points, H, w_star, lmbda=-1.0)


@pytest.mark.parametrize("angle", [0.0, 30.0, 90.0, 135.0, -60.0])
def test_hessian_2d_has_the_requested_eigenvalues_and_axes(angle):
    H, Q, D = hessian_2d([4.0, 0.5], angle)
    np.testing.assert_array_equal(D, [4.0, 0.5])
    np.testing.assert_array_equal(H, H.T)
    np.testing.assert_allclose(Q.T @ Q, np.eye(2), atol=1e-15)
    np.testing.assert_allclose(H @ Q[:, 0], 4.0 * Q[:, 0], atol=1e-14)
    np.testing.assert_allclose(H @ Q[:, 1], 0.5 * Q[:, 1], atol=1e-14)
    a = math.radians(angle)
    np.testing.assert_allclose(Q[:, 0], [math.cos(a), math.sin(a)], atol=1e-15)
    np.testing.assert_allclose(eigen_decomposition(H)[0], [4.0, 0.5], atol=1e-14)


def test_hessian_2d_rejects_bad_input():
    with pytest.raises(ValueError, match="eigenvalues"):
        hessian_2d([1.0, 2.0, 3.0], 0.0)
    with pytest.raises(ValueError, match="angle_degrees"):
        hessian_2d([1.0, 2.0], math.inf)


@pytest.mark.parametrize("lmbda", [0.0, 0.5, 3.0])
def test_gradient_descent_converges_to_the_l2_minimizer(lmbda):
    H, _, _ = hessian_2d([3.0, 0.4], 25.0)
    w_star = np.array([2.0, 1.0])
    eta = step_thresholds([3.0, 0.4], lmbda).oscillating_above  # 1/(D_max + lambda)
    path = gradient_descent(H, w_star, [-1.0, -1.0], eta, 300, lmbda=lmbda)
    assert path.shape == (301, 2)
    np.testing.assert_array_equal(path[0], [-1.0, -1.0])
    np.testing.assert_allclose(path[-1], l2_minimizer(H, w_star, lmbda), atol=1e-10)
    costs = quadratic_cost(path.T, H, w_star, lmbda=lmbda)
    assert np.all(np.diff(costs) <= 1e-15)  # descent: the penalized cost never goes up


def test_gradient_descent_zero_steps_and_overflow():
    H, w_star = np.diag([2.0, 1.0]), np.array([1.0, 1.0])
    np.testing.assert_array_equal(gradient_descent(H, w_star, [0.0, 0.0], 0.1, 0),
                                  [[0.0, 0.0]])
    path = gradient_descent(H, w_star, [0.0, 0.0], 1e3, 500)  # |1 - 2000| ^ t overflows
    finite = np.isfinite(path).all(axis=1)
    assert finite[0] and not finite[-1]
    first_bad = int(np.argmin(finite))
    assert np.isnan(path[first_bad:]).all() and finite[:first_bad].all()


@pytest.mark.parametrize("kwargs, error, name", [
    ({"eta": 0.0}, ValueError, "eta"),
    ({"eta": -0.1}, ValueError, "eta"),
    ({"steps": -1}, ValueError, "steps"),
    ({"steps": 2.5}, TypeError, "steps"),
    ({"lmbda": -1.0}, ValueError, "lmbda"),
    ({"w0": [0.0, 0.0, 0.0]}, ValueError, "w0"),
    ({"w_star": [np.nan, 0.0]}, ValueError, "w_star"),
    ({"H": np.eye(3)}, ValueError, "w_star"),
])
def test_gradient_descent_rejects_bad_arguments(kwargs, error, name):
    args = {"H": np.eye(2), "w_star": [1.0, 1.0], "w0": [0.0, 0.0], "eta": 0.1, "steps": 10}
    args.update(kwargs)
    with pytest.raises(error, match=name):
        gradient_descent(**args)


# ---------------------------------------------------------------- step regimes


@pytest.mark.parametrize("eigenvalues, lmbda", [([4.0, 1.0], 0.0), ([3.0, 0.5], 1.0)])
def test_step_regime_boundaries(eigenvalues, lmbda):
    # a = D_max + lambda = 4 in both cases: boundaries 1/8, 1/4, 1/2
    assert step_thresholds(eigenvalues, lmbda) == (0.125, 0.25, 0.5)
    expected = {0.01: "slow", 0.1249: "slow", 0.125: "good", 0.2: "good", 0.25: "good",
                0.2501: "oscillating", 0.4: "oscillating", 0.5: "oscillating",
                0.5001: "diverging", 3.0: "diverging"}
    for eta, regime in expected.items():
        assert step_regime(eta, eigenvalues, lmbda) == regime, eta


def test_step_regime_agrees_with_gradient_descent():
    eigenvalues = [4.0, 1.0]
    H, w_star, w0 = np.diag(eigenvalues), np.zeros(2), np.array([1.0, 1.0])
    for eta in (0.05, 0.2, 0.4, 0.6):
        steep = gradient_descent(H, w_star, w0, eta, 20)[:, 0]  # along the D_max eigenvector
        regime = step_regime(eta, eigenvalues)
        ratios = steep[1:] / steep[:-1]
        if regime == "slow":
            assert np.all(ratios > 0.5)
        elif regime == "good":
            assert np.all((ratios >= 0) & (ratios <= 0.5))
        elif regime == "oscillating":
            assert np.all((ratios < 0) & (ratios >= -1)) and abs(steep[-1]) < 1
        else:
            assert np.all(ratios < -1) and abs(steep[-1]) > 1


def test_step_regime_saddle_and_flat():
    assert step_regime(1e-6, [2.0, -0.5]) == "diverging"  # no minimum
    assert step_regime(0.2, [2.0, -0.5], lmbda=1.0) == "good"  # lambda makes it convex
    with pytest.raises(ValueError, match="eigenvalues"):
        step_regime(0.1, [0.0, 0.0])
    with pytest.raises(ValueError, match="eta"):
        step_regime(0.0, [1.0])
    with pytest.raises(ValueError, match="lmbda"):
        step_thresholds([1.0], lmbda=-1.0)
