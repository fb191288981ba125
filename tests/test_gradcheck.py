"""Tests for lecture5.gradcheck: finite differences, relative error, gradient check, timing."""

import math

import numpy as np
import pytest

from lecture5 import CrossEntropyCost, Network, QuadraticCost, linear
from lecture5.gradcheck import (
    GradientCheck,
    gradient_check,
    numerical_gradient,
    relative_error,
    time_backprop_vs_finite_differences,
)


def _data(n_in, n_out, m, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_in, m)), rng.uniform(size=(n_out, m))


def _snapshot(net):
    return [w.copy() for w in net.weights], [b.copy() for b in net.biases]


def _assert_same_parameters(net, snapshot):
    weights, biases = snapshot
    for w, w0 in zip(net.weights, weights):
        np.testing.assert_array_equal(w, w0)
    for b, b0 in zip(net.biases, biases):
        np.testing.assert_array_equal(b, b0)


# ---------------------------------------------------------------- numerical_gradient


def test_numerical_gradient_of_linear_unit_matches_closed_form():
    # a = w x + b with C = 1/(2m) sum (a - y)^2: dC/dw = (1/m) r X^T, dC/db = mean(r), r = a - y
    net = Network([3, 1], cost=QuadraticCost, seed=2, activation=linear, output_activation=linear)
    X, Y = _data(3, 1, 6, seed=5)
    r = net.weights[0] @ X + net.biases[0] - Y
    nabla_b, nabla_w = numerical_gradient(net, X, Y)
    np.testing.assert_allclose(nabla_w[0], r @ X.T / 6, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(nabla_b[0], r.mean(axis=1, keepdims=True), rtol=1e-8, atol=1e-12)


def test_numerical_gradient_shapes_follow_the_network():
    net = Network([4, 3, 2], seed=0)
    X, Y = _data(4, 2, 3)
    nabla_b, nabla_w = numerical_gradient(net, X, Y)
    assert [g.shape for g in nabla_b] == [b.shape for b in net.biases]
    assert [g.shape for g in nabla_w] == [w.shape for w in net.weights]


def test_numerical_gradient_leaves_the_network_bit_for_bit_unchanged():
    net = Network([3, 4, 2], cost=CrossEntropyCost, seed=3)
    before = _snapshot(net)
    X, Y = _data(3, 2, 5)
    # eps = 0.1 makes p + eps - eps differ from p in the last bits for many entries: restoring
    # by subtraction would fail this test, restoring the saved value passes it
    numerical_gradient(net, X, Y, eps=0.1)
    assert any(((p + 0.1) - 0.1 != p).any() for p in before[0] + before[1])
    _assert_same_parameters(net, before)


def test_numerical_gradient_restores_the_parameter_when_the_cost_raises():
    calls = {"n": 0}

    class FailingCost(QuadraticCost):
        @staticmethod
        def fn(a, y):
            calls["n"] += 1
            if calls["n"] == 8:  # in the middle of the 4th parameter's pair of evaluations
                raise RuntimeError("boom")
            return QuadraticCost.fn(a, y)

    net = Network([2, 3, 1], seed=1)
    before = _snapshot(net)
    net.cost = FailingCost
    X, Y = _data(2, 1, 4)
    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(net, X, Y)
    _assert_same_parameters(net, before)


@pytest.mark.parametrize("eps, error", [(0.0, ValueError), (-1e-5, ValueError),
                                        (math.nan, ValueError), ("1e-5", TypeError)])
def test_numerical_gradient_rejects_bad_eps(eps, error):
    net = Network([2, 1], seed=0)
    X, Y = _data(2, 1, 3)
    with pytest.raises(error, match="eps"):
        numerical_gradient(net, X, Y, eps=eps)


def test_numerical_gradient_rejects_badly_shaped_data():
    net = Network([2, 1], seed=0)
    X, Y = _data(2, 1, 3)
    with pytest.raises(ValueError, match="X"):
        numerical_gradient(net, X.T, Y)
    with pytest.raises(ValueError, match="Y"):
        numerical_gradient(net, X, Y[:, :2])


# ---------------------------------------------------------------- relative_error


def test_relative_error_known_values():
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([3.0, 4.0]), np.zeros(2)) == 1.0
    assert relative_error(np.array([3.0, 4.0]), -np.array([3.0, 4.0])) == 1.0
    # ||(0, 1e-3)|| / (1 + sqrt(1 + 1e-6))
    expected = 1e-3 / (1.0 + math.sqrt(1.0 + 1e-6))
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 1e-3])) == pytest.approx(expected)


def test_relative_error_over_lists_uses_one_flattened_norm():
    a = [np.ones((2, 3)), np.zeros((1, 1))]
    b = [np.ones((2, 3)), np.full((1, 1), 2.0)]
    # ||a - b|| = 2, ||a|| = sqrt(6), ||b|| = sqrt(10)
    assert relative_error(a, b) == pytest.approx(2.0 / (math.sqrt(6) + math.sqrt(10)))


def test_relative_error_is_symmetric_and_scale_free():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=5), rng.normal(size=5)
    assert relative_error(a, b) == pytest.approx(relative_error(b, a))
    assert relative_error(1e-30 * a, 1e-30 * b) == pytest.approx(relative_error(a, b))


def test_relative_error_rejects_mismatched_shapes_and_non_finite():
    with pytest.raises(ValueError, match="same shapes"):
        relative_error(np.zeros((3, 1)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="same shapes"):
        relative_error([np.zeros(2)], [np.zeros(2), np.zeros(1)])
    with pytest.raises(ValueError, match="finite"):
        relative_error(np.array([np.nan]), np.array([1.0]))


# ---------------------------------------------------------------- gradient_check


def test_gradient_check_passes_for_backprop():
    net = Network([4, 5, 3], cost=CrossEntropyCost, seed=4)
    X, Y = _data(4, 3, 6)
    before = _snapshot(net)
    result = gradient_check(net, X, Y)
    assert isinstance(result, GradientCheck)
    assert result.layers == [2, 3]
    assert len(result.weights) == len(result.biases) == 2
    assert result.ok(1e-7)
    assert result.max_error == max([result.overall, *result.weights, *result.biases])
    _assert_same_parameters(net, before)
    text = str(result)
    assert "layer" in text and "e-" in text


def test_gradient_check_catches_a_wrong_gradient_in_one_layer():
    net = Network([3, 4, 2], seed=1)
    X, Y = _data(3, 2, 5)
    true_backprop = net.backprop

    def wrong_backprop(X, Y):
        nabla_b, nabla_w = true_backprop(X, Y)
        nabla_w = [g.copy() for g in nabla_w]
        nabla_w[0] *= 1.05  # a 5% mistake in w^2 only
        return nabla_b, nabla_w

    net.backprop = wrong_backprop
    result = gradient_check(net, X, Y)
    assert not result.ok(1e-7)
    assert result.weights[0] == pytest.approx(0.05 / 2.05, rel=1e-4)
    assert result.weights[1] < 1e-7 and max(result.biases) < 1e-7


def test_gradient_check_validates_eps():
    net = Network([2, 1], seed=0)
    X, Y = _data(2, 1, 2)
    with pytest.raises(ValueError, match="eps"):
        gradient_check(net, X, Y, eps=-1.0)


# ---------------------------------------------------------------- timing


def test_timing_table_counts_parameters_and_labels_extrapolation():
    rows = time_backprop_vs_finite_differences(hidden_widths=(2, 5), n_in=3, n_out=2, m=4,
                                               repeats=1)
    assert [r.hidden for r in rows] == [2, 5]
    assert [r.n_params for r in rows] == [3 * 2 + 2 + 2 * 2 + 2, 3 * 5 + 5 + 5 * 2 + 2]
    for r in rows:
        assert r.fd_forward_passes == 2 * r.n_params
        assert r.fd_timed == r.n_params and not r.extrapolated
        assert r.seconds_backprop > 0 and r.seconds_fd > 0
        assert r.ratio == pytest.approx(r.seconds_fd / r.seconds_backprop)
    sampled = time_backprop_vs_finite_differences(hidden_widths=(1, 20), n_in=3, n_out=2, m=4,
                                                  repeats=1, fd_sample=10)
    assert sampled[0].n_params == 3 + 1 + 2 + 2 and not sampled[0].extrapolated
    assert sampled[1].fd_timed == 10 and sampled[1].extrapolated


def test_timing_finite_differences_are_slower_than_backprop():
    # 2 * 340 forward passes against one backward pass: a margin no machine noise closes
    (row,) = time_backprop_vs_finite_differences(hidden_widths=(16,), repeats=2)
    assert row.n_params == 340
    assert row.ratio > 5


@pytest.mark.parametrize("kwargs, error, name", [
    ({"hidden_widths": ()}, ValueError, "hidden_widths"),
    ({"hidden_widths": (4, 0)}, ValueError, r"hidden_widths\[1\]"),
    ({"hidden_widths": 4}, TypeError, "hidden_widths"),
    ({"fd_sample": 0}, ValueError, "fd_sample"),
    ({"repeats": 0}, ValueError, "repeats"),
    ({"m": 1.5}, TypeError, "m"),
    ({"eps": 0.0}, ValueError, "eps"),
])
def test_timing_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        time_backprop_vs_finite_differences(**kwargs)
