"""The fast SGD step (Network._sgd_step, used by update_mini_batch and the Trainer) against the
step written out by hand -- eq (27) for biases, (28)/(41)/soft threshold for weights, gradient from
net.backprop -- for every memory layout the step handles differently: C- and F-ordered mini-batches,
strided column slices, integer and float32 data, dropout masks, parameters BLAS cannot write into,
and gradients too large for the cheap finiteness bound.

Numbering: Nielsen's; ``weights[i]`` is w^{i+2}.
"""

import warnings

import numpy as np
import pytest
from test_update_rules import _expected  # the step (27)/(28)/(41) computed by hand

from lecture5 import CrossEntropyCost, Network, QuadraticCost
from lecture5._engine import SGDEngine
from lecture5.backprop import backprop_batch, backprop_per_example
from lecture5.dropout import dropout_masks
from lecture5.regularization import PENALTIES

SIZES = [7, 6, 5, 3]


def _assert_params(net, weights, biases, rtol=1e-12):
    for w, e in zip(net.weights, weights):
        np.testing.assert_allclose(w, e, rtol=rtol, atol=1e-14)
    for b, e in zip(net.biases, biases):
        np.testing.assert_allclose(b, e, rtol=rtol, atol=1e-14)


def _data(m=6, seed=0):
    rng = np.random.default_rng(seed)
    big = rng.normal(size=(SIZES[0], 4 * m))
    Y = rng.uniform(size=(SIZES[-1], m))
    return big, Y


LAYOUTS = {
    "C": lambda big, m: np.ascontiguousarray(big[:, :m]),
    "F": lambda big, m: np.asfortranarray(big[:, :m]),
    "column slice of C": lambda big, m: big[:, m:2 * m],
    "every other column": lambda big, m: np.asfortranarray(big)[:, ::2][:, :m],
    "transposed rows (Trainer)": lambda big, m: np.ascontiguousarray(big[:, :m].T).T,
    "float32": lambda big, m: big[:, :m].astype(np.float32),
    "int": lambda big, m: np.round(3 * big[:, :m]).astype(int),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("penalty", PENALTIES)
def test_step_matches_the_formulas_for_every_layout(layout, penalty):
    big, Y = _data()
    X = LAYOUTS[layout](big, 6)
    net = Network(SIZES, cost=CrossEntropyCost, seed=1)
    eta, lmbda, n = 0.7, 4.0, 60
    weights, biases = _expected(net, X, Y, eta, lmbda, n, penalty)
    ids = [id(p) for p in net.weights + net.biases]
    net.update_mini_batch(X, Y, eta, lmbda, n, penalty)
    _assert_params(net, weights, biases)
    assert [id(p) for p in net.weights + net.biases] == ids  # updated in place


@pytest.mark.parametrize("per_example", [False, True])
def test_step_with_dropout_masks_matches_the_formulas(per_example):
    big, Y = _data()
    X = big[:, :6]
    net = Network(SIZES, cost=QuadraticCost, seed=2)
    masks = dropout_masks(SIZES, 0.5, np.random.default_rng(3), m=6 if per_example else 1,
                          inverted=per_example)
    weights, biases = _expected(net, X, Y, 0.5, 2.0, 30, "l2", masks)
    net.update_mini_batch(X, Y, 0.5, 2.0, 30, masks=masks)
    _assert_params(net, weights, biases)


def test_engine_entry_point_equals_update_mini_batch():
    big, Y = _data()
    X = np.ascontiguousarray(big[:, :6].T).T  # the Trainer's gathered buffer, seen as columns
    a = Network(SIZES, seed=4)
    b = a.copy()
    a.update_mini_batch(X, Y, 0.3, 1.0, 40, "l1")
    SGDEngine(b).step(X, Y, 0.3, 1.0, 40, "l1", None)
    _assert_params(b, a.weights, a.biases, rtol=0)


@pytest.mark.parametrize("make", [
    lambda w: w.astype(np.float32),
    lambda w: np.asfortranarray(w),
    lambda w: np.repeat(w, 2, axis=1)[:, ::2],  # a strided view
])
def test_parameters_blas_cannot_write_into_are_still_updated_in_place(make):
    big, Y = _data()
    X = big[:, :6]
    net = Network(SIZES, seed=5)
    net.weights[1] = make(net.weights[1])
    net.biases[0] = np.asfortranarray(np.repeat(net.biases[0], 2, axis=1)[:, :1])
    weights, biases = _expected(net, X, Y, 0.5, 1.0, 20, "l2")
    target = net.weights[1]
    net.update_mini_batch(X, Y, 0.5, 1.0, 20)
    assert net.weights[1] is target
    rtol = 1e-6 if target.dtype == np.float32 else 1e-12
    _assert_params(net, weights, biases, rtol=rtol)


def test_huge_but_finite_gradient_is_applied_not_rejected():
    """||delta|| ||x|| ~ 1e160 overflows the cheap bound's squares (1e320); the gradient entries
    (~1e160) are finite, so the exact check lets the step through."""
    net = Network([2, 2, 1], activation="linear", output_activation="linear", seed=0)
    X = np.full((2, 3), 1e80)
    Y = np.zeros((1, 3))
    weights, biases = _expected(net, X, Y, 1e-160, 0.0, 3, "l2")
    assert all(np.isfinite(w).all() for w in weights)
    net.update_mini_batch(X, Y, 1e-160)
    _assert_params(net, weights, biases)


def test_non_finite_step_raises_floating_point_error_even_with_warnings_as_errors():
    net = Network([2, 2, 1], activation="linear", output_activation="linear", seed=0)
    net.weights[0][...] = 1e200
    X = np.full((2, 3), 1e200)
    snapshot = [p.copy() for p in net.weights + net.biases]
    for action in ("error", "ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter(action)
            with pytest.raises(FloatingPointError, match="eta = 0.1"):
                SGDEngine(net).step(X, np.zeros((1, 3)), 0.1, 0.0, 3, "l2", None)
    for p, q in zip(net.weights + net.biases, snapshot):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("masks, match", [
    (np.ones((6, 1)), "masks must be None or a list of 2"),
    ([np.ones((6, 1))], "list of 2 arrays"),
    ([np.ones((6, 1)), np.ones((4, 1))], r"masks\[1\] must have shape \(5, 3\) or \(5, 1\)"),
    ([np.ones((6, 2)), None], r"masks\[0\] must have shape"),
    ([np.ones(6), None], r"masks\[0\]"),
    ([np.full((6, 1), np.nan), None], r"masks\[0\]"),
])
def test_masks_are_validated_before_anything_changes(masks, match):
    net = Network([4, 6, 5, 2], seed=0)
    snapshot = [p.copy() for p in net.weights + net.biases]
    X, Y = np.ones((4, 3)), np.zeros((2, 3))
    with pytest.raises(ValueError, match=match):
        net.update_mini_batch(X, Y, 0.5, masks=masks)
    with pytest.raises(ValueError, match=match):
        net.backprop(X, Y, masks=masks)
    for p, q in zip(net.weights + net.biases, snapshot):
        np.testing.assert_array_equal(p, q)


def test_per_example_loop_equals_the_batch_for_strided_and_fortran_columns():
    big, Y = _data(m=5)
    net = Network(SIZES, cost=CrossEntropyCost, seed=6)
    args = (net.weights, net.biases)
    for X in (big[:, 5:10], np.asfortranarray(big)[:, :5]):
        pb, pw = backprop_per_example(*args, X, Y, net.cost)
        bb, bw = backprop_batch(*args, X, Y, net.cost)
        for p, q in zip(pb + pw, bb + bw):
            assert p.shape == q.shape
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)
