"""The quadratic cost, eq (8), and the cross-entropy cost, the C_0 of eq (21): values by hand,
dC_x/da against finite differences, and the output error delta^L of BP1 (eq (13) for the quadratic
cost, a - y for cross-entropy with a sigmoid output layer)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from lecture5 import CrossEntropyCost, QuadraticCost
from lecture5.activations import Activation, relu, sigmoid, tanh
from lecture5.costs import get_cost

A = np.array([[0.2, 0.9, 0.5], [0.7, 0.1, 0.5]])  # a^L: d_L = 2 outputs, m = 3 columns
Y = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])


def test_quadratic_fn_is_eq_8_by_hand():
    m = A.shape[1]
    total = 0.0
    for x in range(m):
        total += sum((Y[j, x] - A[j, x]) ** 2 for j in range(A.shape[0]))  # ||y(x) - a^L(x)||^2
    assert QuadraticCost.fn(A, Y) == pytest.approx(total / (2 * m), rel=1e-15)
    assert QuadraticCost.fn(Y, Y) == 0.0


def test_quadratic_fn_averages_over_columns_not_rows():
    # duplicating every column leaves the average unchanged; stacking rows doubles it
    assert QuadraticCost.fn(np.hstack([A, A]), np.hstack([Y, Y])) == pytest.approx(
        QuadraticCost.fn(A, Y), rel=1e-15)
    assert QuadraticCost.fn(np.vstack([A, A]), np.vstack([Y, Y])) == pytest.approx(
        2 * QuadraticCost.fn(A, Y), rel=1e-15)
    # a 1-D a is one example
    assert QuadraticCost.fn(A[:, 0], Y[:, 0]) == pytest.approx(QuadraticCost.fn(A[:, :1], Y[:, :1]))


def test_cross_entropy_fn_is_c0_of_eq_21_by_hand():
    m = A.shape[1]
    total = 0.0
    for x in range(m):
        for j in range(A.shape[0]):
            a, y = A[j, x], Y[j, x]
            total += y * math.log(a) + (1 - y) * math.log(1 - a)
    assert CrossEntropyCost.fn(A, Y) == pytest.approx(-total / m, rel=1e-14)


def test_cross_entropy_with_soft_targets_is_smallest_at_a_equal_y():
    y = np.array([[0.3]])
    values = [CrossEntropyCost.fn(np.array([[a]]), y) for a in (0.1, 0.2, 0.3, 0.4, 0.5)]
    assert np.argmin(values) == 2
    # its minimum value is the entropy of y, not 0
    assert values[2] == pytest.approx(-(0.3 * math.log(0.3) + 0.7 * math.log(0.7)), rel=1e-14)


def test_cross_entropy_finite_at_zero_and_one():
    a = np.array([[0.0, 1.0, 0.0, 1.0]])
    right = np.array([[0.0, 1.0, 0.0, 1.0]])
    wrong = np.array([[1.0, 0.0, 1.0, 0.0]])
    assert CrossEntropyCost.fn(a, right) == pytest.approx(0.0, abs=1e-12)
    c = CrossEntropyCost.fn(a, wrong)
    assert math.isfinite(c) and c > 30  # a certain, wrong answer costs a lot, but not inf
    g_right = CrossEntropyCost.nabla_a(a, right)
    g_wrong = CrossEntropyCost.nabla_a(a, wrong)
    assert np.all(np.isfinite(g_right)) and np.all(np.isfinite(g_wrong))
    # a = y at the ends: the limits of (a - y)/(a(1 - a)) are 1 (y = 0) and -1 (y = 1)
    np.testing.assert_allclose(g_right, [[1.0, -1.0, 1.0, -1.0]], rtol=1e-12)
    # certainly wrong: pushes a back toward y with a huge slope of the right sign
    assert np.all(np.sign(g_wrong) == [[-1, 1, -1, 1]]) and np.all(np.abs(g_wrong) > 1e10)


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost], ids=lambda c: c.name)
@settings(max_examples=30, deadline=None)
@given(a=st.floats(0.02, 0.98), y=st.floats(0.0, 1.0))
def test_nabla_a_matches_centred_difference(cost, a, y):
    # with m = 1 column fn is C_x, so nabla_a is its derivative in a
    h = 1e-6
    yy = np.array([[y]])
    numeric = (cost.fn(np.array([[a + h]]), yy) - cost.fn(np.array([[a - h]]), yy)) / (2 * h)
    np.testing.assert_allclose(cost.nabla_a(np.array([[a]]), yy), [[numeric]], rtol=1e-5, atol=1e-7)


def test_nabla_a_by_hand():
    np.testing.assert_allclose(QuadraticCost.nabla_a(A, Y), A - Y, rtol=0)
    np.testing.assert_allclose(CrossEntropyCost.nabla_a(A, Y), (A - Y) / (A * (1 - A)), rtol=1e-15)


def test_quadratic_delta_is_eq_13():
    z = np.array([[-1.0, 0.5, 2.0], [0.0, 3.0, -2.5]])
    a = expit(z)
    s = 1 / (1 + np.exp(-z))
    expected = (a - Y) * s * (1 - s)  # (a^L - y) Hadamard sigma'(z^L)
    np.testing.assert_allclose(QuadraticCost.delta(z, a, Y), expected, rtol=1e-13)
    np.testing.assert_allclose(QuadraticCost.delta(z, a, Y, sigmoid), expected, rtol=1e-13)
    # with another activation the factor is its derivative
    np.testing.assert_allclose(QuadraticCost.delta(z, np.tanh(z), Y, tanh),
                               (np.tanh(z) - Y) * (1 - np.tanh(z) ** 2), rtol=1e-13)


def test_cross_entropy_delta_cancels_sigma_prime():
    z = np.array([[-1.0, 0.5, 2.0], [0.0, 3.0, -2.5]])
    a = expit(z)
    np.testing.assert_array_equal(CrossEntropyCost.delta(z, a, Y), a - Y)
    # the general BP1 path, nabla_a (.) sigma'(z), through a sigmoid that is not the library's
    # object, gives the same delta: the cancellation is real, not a shortcut
    other_sigmoid = Activation("my sigmoid", expit, sigmoid.prime)
    np.testing.assert_allclose(CrossEntropyCost.delta(z, a, Y, other_sigmoid), a - Y,
                               rtol=1e-10, atol=1e-15)


def test_cross_entropy_learns_where_quadratic_stalls():
    # a badly wrong saturated output: quadratic delta vanishes with sigma', cross-entropy does not
    z = np.array([[8.0]])
    a = expit(z)
    y = np.array([[0.0]])
    assert abs(QuadraticCost.delta(z, a, y)[0, 0]) < 1e-3
    assert CrossEntropyCost.delta(z, a, y)[0, 0] > 0.99


def test_cross_entropy_delta_with_relu_output_is_finite_at_zero():
    z = np.array([[-1.0, 0.5]])
    a = relu(z)  # a = 0 exactly in the first column
    d = CrossEntropyCost.delta(z, a, np.array([[0.0, 1.0]]), relu)
    assert np.all(np.isfinite(d))
    assert d[0, 0] == 0.0  # relu' = 0 there


def test_get_cost():
    assert get_cost(QuadraticCost) is QuadraticCost
    assert get_cost("quadratic") is QuadraticCost
    assert get_cost("cross-entropy") is CrossEntropyCost
    for bad in ("hinge", QuadraticCost(), None, 1):
        with pytest.raises(ValueError, match="cost must be"):
            get_cost(bad)
