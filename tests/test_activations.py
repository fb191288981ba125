"""Activations and their derivatives: sigma'(z) = sigma(z)(1 - sigma(z)) (the identity used
before eq (12)), every ``prime`` against a centred finite difference, and no overflow warnings for
large |z| (pyproject turns RuntimeWarnings from lecture5 into errors)."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5.activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    linear,
    relu,
    sigmoid,
    tanh,
)

ALL = [sigmoid, tanh, relu, linear]


def test_sigmoid_values_by_hand():
    z = np.array([-3.0, -0.5, 0.0, 0.25, 4.0])
    expected = np.array([1.0 / (1.0 + math.exp(-v)) for v in z])
    np.testing.assert_allclose(sigmoid(z), expected, rtol=1e-15)
    assert sigmoid(0.0) == 0.5
    # sigma(-z) = 1 - sigma(z)
    np.testing.assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), rtol=0, atol=1e-15)


def test_sigmoid_prime_is_sigma_times_one_minus_sigma():
    z = np.linspace(-8.0, 8.0, 33).reshape(3, 11)
    s = np.array([[1.0 / (1.0 + math.exp(-v)) for v in row] for row in z])
    np.testing.assert_allclose(sigmoid.prime(z), s * (1.0 - s), rtol=1e-13)
    assert sigmoid.prime(0.0) == 0.25  # the maximum of sigma'


def test_other_activations_by_hand():
    z = np.array([[-2.0, -0.0, 0.0, 1.5]])
    np.testing.assert_array_equal(relu(z), [[0.0, 0.0, 0.0, 1.5]])
    np.testing.assert_array_equal(relu.prime(z), [[0.0, 0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(linear(z), z)
    np.testing.assert_array_equal(linear.prime(z), np.ones_like(z))
    np.testing.assert_allclose(tanh(z), [[math.tanh(v) for v in z[0]]], rtol=1e-15)
    np.testing.assert_allclose(tanh.prime(z), [[1 - math.tanh(v) ** 2 for v in z[0]]], rtol=1e-13)


@pytest.mark.parametrize("act", ALL, ids=lambda a: a.name)
def test_shape_is_preserved(act):
    z = np.arange(12.0).reshape(3, 4) - 6.0
    assert act(z).shape == z.shape
    assert act.prime(z).shape == z.shape


@pytest.mark.parametrize("act", ALL, ids=lambda a: a.name)
@settings(max_examples=40, deadline=None)
@given(z=st.floats(-30.0, 30.0))
def test_prime_matches_centred_difference(act, z):
    h = 1e-6
    if act is relu and abs(z) < 10 * h:
        return  # relu has a kink at 0; a difference quotient straddling it is meaningless
    numeric = (act(np.array(z + h)) - act(np.array(z - h))) / (2 * h)
    np.testing.assert_allclose(act.prime(np.array(z)), numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("act", ALL, ids=lambda a: a.name)
def test_no_overflow_warning_for_large_z(act):
    z = np.array([-1e300, -1e4, -800.0, 800.0, 1e4, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act(z)
        d = act.prime(z)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))
    if act is sigmoid:
        np.testing.assert_array_equal(a, [0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
        np.testing.assert_array_equal(d, np.zeros(6))  # saturated: sigma' vanishes
    if act is tanh:
        np.testing.assert_array_equal(a, [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0])


def test_get_activation():
    for name, act in ACTIVATIONS.items():
        assert get_activation(name) is act
        assert get_activation(act) is act
    custom = Activation("cube", lambda z: z**3, lambda z: 3 * z**2)
    assert get_activation(custom) is custom
    assert custom(np.array(2.0)) == 8.0 and custom.prime(np.array(2.0)) == 12.0
    assert "cube" in repr(custom)


@pytest.mark.parametrize("bad", ["softmax", "Sigmoid", None, 3, np.tanh])
def test_get_activation_rejects_unknown(bad):
    with pytest.raises(ValueError, match="activation must be"):
        get_activation(bad)
    with pytest.raises(ValueError, match="output_activation must be"):
        get_activation(bad, name="output_activation")
