"""Tests for lecture5.quadratic: the quadratic model (31)-(32), gradient descent on it, step
regimes, and the per-direction maths the notebooks use (optimal step, early stopping)."""

import math

import numpy as np
import pytest

from lecture5 import hessian
from lecture5.hessian import eigen_decomposition, l2_minimizer, shrink_factors
from lecture5.quadratic import (
    convergence_rate,
    descent_factors,
    early_stopping_factors,
    gradient_descent,
    hessian_2d,
    level_curve,
    matching_lambda,
    optimal_step,
    quadratic_cost,
    quadratic_gradient,
    step_regime,
    step_thresholds,
)


def _spd(k, seed, floor=0.1):
    """A random symmetric positive definite k x k matrix (eigenvalues >= floor)."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(k, k))
    return A @ A.T + floor * np.eye(k)


def test_names_stay_importable_from_lecture5_hessian():
    from lecture5 import quadratic

    for name in hessian._QUADRATIC_NAMES:
        assert getattr(hessian, name) is getattr(quadratic, name)
        assert name in hessian.__all__
    with pytest.raises(AttributeError, match="no_such_name"):
        hessian.no_such_name  # noqa: B018


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


# ---------------------------------------------------------------- one direction at a time


def _distance_ratios(H, w_star, eta, lmbda, steps=5):
    """Per eigen-direction, |component of w_t - w~| / |component of w_{t-1} - w~| along the path."""
    D, Q = hessian.eigen_decomposition(H)
    target = l2_minimizer(H, w_star, lmbda)
    path = gradient_descent(H, w_star, w_star + 1.0, eta, steps, lmbda)
    c = np.abs((path - target) @ Q)
    return D, c[1:] / c[:-1]


def test_descent_factors_are_what_gradient_descent_does_per_direction():
    H, w_star = _spd(3, 0), np.array([1.0, -2.0, 0.5])
    for eta, lmbda in ((0.05, 0.0), (0.2, 0.3), (0.5, 1.0)):
        D, ratios = _distance_ratios(H, w_star, eta, lmbda)
        factors = descent_factors(eta, D, lmbda)
        np.testing.assert_allclose(factors, np.abs(1 - eta * (D + lmbda)), rtol=1e-15)
        np.testing.assert_allclose(ratios, np.broadcast_to(factors, ratios.shape), rtol=1e-6)


def test_optimal_step_and_its_rate():
    D = np.array([4.0, 1.5, 0.5])
    eta = optimal_step(D)
    assert eta == 2 / 4.5
    kappa = 4.0 / 0.5
    assert convergence_rate(D) == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-15)
    factors = descent_factors(eta, D)
    np.testing.assert_allclose(factors[[0, -1]], convergence_rate(D), rtol=1e-15)  # balanced
    # no other fixed step has a smaller worst factor
    etas = np.linspace(0.01, 2 / 4.0, 2001)
    worst = [descent_factors(e, D).max() for e in etas]
    assert min(worst) >= convergence_rate(D) - 1e-12
    # and it sits in the band step_regime calls "oscillating" (issue: ranked by D_max alone)
    assert step_regime(eta, D) == "oscillating"
    assert optimal_step(D, lmbda=1.0) == 2 / (5.0 + 1.5)
    assert convergence_rate([2.0, 2.0]) == 0.0


def test_optimal_step_converges_fastest_on_the_quadratic():
    H, w_star = _spd(4, 2), np.array([1.0, 2.0, -1.0, 0.5])
    D, _ = hessian.eigen_decomposition(H)
    eta = optimal_step(D)

    def error_after(step):
        return np.abs(gradient_descent(H, w_star, np.zeros(4), step, 60)[-1] - w_star).max()

    assert error_after(eta) < min(error_after(0.8 * eta), error_after(1.0 / D[0]))
    assert error_after(eta) <= convergence_rate(D) ** 60 * np.linalg.norm(w_star) * 1.0001


def test_early_stopping_factors_are_gradient_descent_from_zero():
    H, w_star = _spd(4, 1), np.array([2.0, -1.0, 0.5, 1.5])
    D, Q = hessian.eigen_decomposition(H)
    eta = 0.9 / D[0]
    for tau in (0, 1, 7, 40):
        w_tau = gradient_descent(H, w_star, np.zeros(4), eta, tau)[-1]
        kept = early_stopping_factors(D, eta, tau)
        np.testing.assert_allclose(Q.T @ w_tau, kept * (Q.T @ w_star), atol=1e-12)


def test_early_stopping_and_l2_are_nearly_the_same_filter():
    eta, tau = 0.01, 100
    lmbda = matching_lambda(eta, tau)
    assert lmbda == 1.0
    D = np.logspace(-4, 4, 801)  # a spectrum from flat to steep (eta D < 1 for D < 100)
    D = D[eta * D < 1]
    stop, l2 = early_stopping_factors(D, eta, tau), shrink_factors(D, lmbda)
    gap = np.abs(stop - l2)
    # both are about eta tau D for flat directions and about 1 for steep ones;
    # in between they differ by at most 0.204 (the limit of 1 - e^-x - x / (1 + x), at x = 2.5)
    assert gap[D < 1e-3].max() < 1e-3 and gap[D > 50].max() < 0.03
    assert 0.15 < gap.max() < 0.21
    assert shrink_factors([lmbda], lmbda)[0] == 0.5
    assert early_stopping_factors([lmbda], eta, tau)[0] == pytest.approx(1 - np.exp(-1), abs=0.002)


@pytest.mark.parametrize("call, error, name", [
    (lambda: descent_factors(0.0, [1.0]), ValueError, "eta"),
    (lambda: descent_factors(0.1, [[1.0], [2.0, 3.0]]), ValueError, "eigenvalues"),
    (lambda: optimal_step([1.0, 0.0]), ValueError, "eigenvalues"),
    (lambda: optimal_step([1.0, -2.0], lmbda=1.0), ValueError, "eigenvalues"),
    (lambda: convergence_rate([1.0], lmbda=-1.0), ValueError, "lmbda"),
    (lambda: early_stopping_factors([1.0], 0.1, -1), ValueError, "tau"),
    (lambda: early_stopping_factors([1.0], 0.1, 2.5), TypeError, "tau"),
    (lambda: early_stopping_factors([1.0], 3.0, 10_000), ValueError, "eta"),
    (lambda: matching_lambda(0.1, 0), ValueError, "tau"),
    (lambda: matching_lambda(-0.1, 5), ValueError, "eta"),
])
def test_per_direction_helpers_name_the_argument(call, error, name):
    with pytest.raises(error, match=f"^{name}"):
        call()


@pytest.mark.parametrize("eigenvalues, angle", [((0.25, 2.0), 0.0), ((0.01, 10.0), 30.0),
                                                ((3.0, 3.0), -75.0)])
def test_level_curve_is_the_contour_of_eq_31_with_half_axes_sqrt_2c_over_d(eigenvalues, angle):
    H, Q, D = hessian_2d(eigenvalues, angle)
    w_star, level = np.array([2.0, 1.2]), 0.7
    points = level_curve(H, w_star, level, num=101)
    assert points.shape == (2, 101)
    np.testing.assert_allclose(quadratic_cost(points, H, w_star), level, rtol=1e-12)
    np.testing.assert_allclose(points[:, 0], points[:, -1], atol=1e-12)  # closed
    # its extent along each eigenvector q_i is +-sqrt(2 level / D_ii) around w*
    along = Q.T @ (points - w_star[:, None])
    np.testing.assert_allclose(np.abs(along).max(axis=1), np.sqrt(2 * level / D), rtol=1e-3)
    np.testing.assert_allclose(level_curve(H, w_star, 0.0), np.repeat(w_star[:, None], 240, 1))


@pytest.mark.parametrize("call, error, name", [
    (lambda: level_curve(np.diag([1.0, -1.0]), [0.0, 0.0], 1.0), ValueError, "H"),
    (lambda: level_curve(np.eye(3), [0.0, 0.0, 0.0], 1.0), ValueError, "H"),
    (lambda: level_curve(np.eye(2), [0.0], 1.0), ValueError, "w_star"),
    (lambda: level_curve(np.eye(2), [0.0, 0.0], -1.0), ValueError, "level"),
    (lambda: level_curve(np.eye(2), [0.0, 0.0], 1.0, num=2), ValueError, "num"),
])
def test_level_curve_names_the_bad_argument(call, error, name):
    with pytest.raises(error, match=f"^{name}"):
        call()
