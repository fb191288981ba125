"""Network construction, the forward pass (eq (4), column by column) and parameter handling.

Numbering as in lecture5.network: weights[i] is w^{i+2} in the backprop slides' numbering (input =
layer 1), shape (sizes[i+1], sizes[i]); biases[i] is b^{i+2}, shape (sizes[i+1], 1).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lecture5 import CrossEntropyCost, Network, QuadraticCost
from lecture5.activations import linear, relu, sigmoid

sizes_st = st.lists(st.integers(1, 6), min_size=2, max_size=5)
seed_st = st.integers(0, 2**32 - 1)


@settings(max_examples=30, deadline=None)
@given(sizes=sizes_st, seed=seed_st)
def test_parameter_shapes(sizes, seed):
    net = Network(sizes, seed=seed)
    assert net.sizes == sizes and net.num_layers == len(sizes)
    assert len(net.weights) == len(net.biases) == len(sizes) - 1
    for i in range(len(sizes) - 1):
        assert net.weights[i].shape == (sizes[i + 1], sizes[i])
        assert net.biases[i].shape == (sizes[i + 1], 1)
        assert net.weights[i].dtype == np.float64 and net.biases[i].dtype == np.float64


def test_sizes_may_be_numpy_integers():
    net = Network(np.array([3, 2]), seed=0)
    assert net.sizes == [3, 2] and all(type(s) is int for s in net.sizes)


@settings(max_examples=15, deadline=None)
@given(sizes=sizes_st, seed=seed_st)
def test_seeded_construction_is_reproducible(sizes, seed):
    a, b = Network(sizes, seed=seed), Network(sizes, seed=seed)
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(p, q)


def test_different_seeds_give_different_parameters():
    a, b = Network([4, 3, 2], seed=0), Network([4, 3, 2], seed=1)
    assert not np.array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.biases[0], b.biases[0])


def test_weights_are_normal_with_variance_one_over_n_in():
    n_in, n_out = 900, 120  # std 1/30; a 1/sqrt(n_out) scale would give 0.09
    w = Network([n_in, n_out], seed=11).weights[0].ravel()
    assert abs(w.mean()) < 3 / math.sqrt(n_in) / math.sqrt(w.size)
    assert w.std() == pytest.approx(1 / math.sqrt(n_in), rel=0.02)
    # N(0, 1/n_in) scaled by sqrt(n_in) is N(0, 1); scipy 1.18 rejects kstest(..., args=...)
    assert stats.kstest(w * math.sqrt(n_in), "norm").pvalue > 1e-3


def test_biases_are_standard_normal():
    b = Network([2, 6000], seed=12).biases[0].ravel()
    assert abs(b.mean()) < 0.05
    assert b.std() == pytest.approx(1.0, rel=0.04)
    assert stats.kstest(b, "norm").pvalue > 1e-3


def _tiny_net(**kwargs):
    net = Network([2, 2, 1], seed=0, **kwargs)
    net.weights[0] = np.array([[0.1, -0.2], [0.3, 0.4]])
    net.biases[0] = np.array([[0.5], [-0.5]])
    net.weights[1] = np.array([[1.0, -1.0]])
    net.biases[1] = np.array([[0.2]])
    return net


X_TINY = np.array([[1.0, -1.0, 0.0], [2.0, 0.5, 3.0]])


def test_feedforward_is_eq_4_by_hand():
    net = _tiny_net()

    def sig(v):
        return 1 / (1 + math.exp(-v))

    expected = []
    for x1, x2 in X_TINY.T:
        a2 = [sig(0.1 * x1 - 0.2 * x2 + 0.5), sig(0.3 * x1 + 0.4 * x2 - 0.5)]
        expected.append(sig(1.0 * a2[0] - 1.0 * a2[1] + 0.2))
    out = net.feedforward(X_TINY)
    assert out.shape == (1, 3)
    np.testing.assert_allclose(out, [expected], rtol=1e-14)


def test_feedforward_uses_hidden_and_output_activations():
    net = _tiny_net(activation=relu, output_activation=linear)
    expected = []
    for x1, x2 in X_TINY.T:
        a2 = [max(0.1 * x1 - 0.2 * x2 + 0.5, 0), max(0.3 * x1 + 0.4 * x2 - 0.5, 0)]
        expected.append(a2[0] - a2[1] + 0.2)
    np.testing.assert_allclose(net.feedforward(X_TINY), [expected], rtol=1e-14)
    # names work as well as objects
    by_name = _tiny_net(activation="relu", output_activation="linear")
    np.testing.assert_array_equal(by_name.feedforward(X_TINY), net.feedforward(X_TINY))
    assert by_name.activation is relu and by_name.output_activation is linear
    assert _tiny_net().activation is sigmoid and _tiny_net().cost is QuadraticCost


@settings(max_examples=25, deadline=None)
@given(sizes=sizes_st, seed=seed_st, m=st.integers(1, 7))
def test_feedforward_columns_are_independent(sizes, seed, m):
    net = Network(sizes, seed=seed, activation="tanh")
    X = np.random.default_rng(seed).normal(size=(sizes[0], m))
    X_before = X.copy()
    out = net.feedforward(X)
    assert out.shape == (sizes[-1], m)
    cols = np.hstack([net.feedforward(X[:, [j]]) for j in range(m)])
    np.testing.assert_allclose(out, cols, rtol=1e-12, atol=1e-14)
    # a column's output does not depend on which other columns share the batch
    np.testing.assert_allclose(net.feedforward(X[:, ::-1]), out[:, ::-1], rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(X, X_before)  # the input is not modified


def test_feedforward_accepts_integer_and_list_input():
    net = _tiny_net()
    np.testing.assert_allclose(net.feedforward([[1, 0], [2, 3]]),
                               net.feedforward(np.array([[1.0, 0.0], [2.0, 3.0]])), rtol=0)


def test_predict_and_accuracy():
    net = Network([2, 3], seed=0, output_activation=linear)
    net.weights[0] = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    net.biases[0] = np.zeros((3, 1))
    X = np.array([[5.0, 0.0, -3.0, 1.0], [0.0, 5.0, -3.0, 0.0]])
    np.testing.assert_array_equal(net.predict(X), [0, 1, 2, 0])
    assert net.accuracy(X, np.array([0, 1, 2, 1])) == 0.75
    assert net.accuracy(X, [0, 1, 2, 0]) == 1.0


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
def test_total_cost_parts(cost):
    net = Network([3, 4, 2], cost=cost, seed=5)
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(3, 6)), rng.uniform(size=(2, 6))
    data, pen = net.total_cost(X, Y, lmbda=0.5, n=60)
    assert data == pytest.approx(cost.fn(net.feedforward(X), Y), rel=1e-15)
    sum_sq = sum(float((w**2).sum()) for w in net.weights)  # biases not included (24)
    assert pen == pytest.approx(0.5 / (2 * 60) * sum_sq, rel=1e-14)
    sum_abs = sum(float(np.abs(w).sum()) for w in net.weights)
    assert net.total_cost(X, Y, 0.5, 60, "l1")[1] == pytest.approx(0.5 / 60 * sum_abs, rel=1e-14)
    assert net.total_cost(X, Y)[1] == 0.0
    # n defaults to the number of columns
    assert net.total_cost(X, Y, 0.5)[1] == pytest.approx(0.5 / (2 * 6) * sum_sq, rel=1e-14)


@settings(max_examples=15, deadline=None)
@given(sizes=sizes_st, seed=seed_st, m=st.integers(1, 5))
def test_backprop_of_a_batch_is_the_mean_over_its_columns(sizes, seed, m):
    # C = (1/m) sum_x C_x, so its gradient is the mean of the one-column gradients
    net = Network(sizes, cost=CrossEntropyCost, seed=seed)
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(sizes[0], m)), rng.uniform(size=(sizes[-1], m))
    nabla_b, nabla_w = net.backprop(X, Y)
    singles = [net.backprop(X[:, [j]], Y[:, [j]]) for j in range(m)]
    for i in range(len(sizes) - 1):
        assert nabla_b[i].shape == net.biases[i].shape
        assert nabla_w[i].shape == net.weights[i].shape
        np.testing.assert_allclose(nabla_b[i], np.mean([s[0][i] for s in singles], axis=0),
                                   rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(nabla_w[i], np.mean([s[1][i] for s in singles], axis=0),
                                   rtol=1e-10, atol=1e-14)


def test_backprop_returns_fresh_arrays():
    net = Network([3, 2, 2], seed=0)
    X, Y = np.ones((3, 2)), np.zeros((2, 2))
    nb1, nw1 = net.backprop(X, Y)
    keep = [g.copy() for g in nb1 + nw1]
    net.backprop(2 * X, Y)
    net.update_mini_batch(X, Y, 0.1)
    for g, k in zip(nb1 + nw1, keep):
        np.testing.assert_array_equal(g, k)


def test_get_and_set_parameters_are_copies():
    net = Network([3, 4, 2], seed=0)
    weights, biases = net.get_parameters()
    weights[0][...] = 7.0
    biases[1][...] = 7.0
    assert not np.any(net.weights[0] == 7.0) and not np.any(net.biases[1] == 7.0)
    other = Network([3, 4, 2], seed=1)
    other.set_parameters(weights, biases)
    np.testing.assert_array_equal(other.weights[0], 7.0)
    np.testing.assert_array_equal(other.biases[1], 7.0)
    weights[0][...] = -1.0  # changing the source afterwards does not reach the network
    np.testing.assert_array_equal(other.weights[0], 7.0)


def test_set_parameters_rejects_wrong_shapes_and_changes_nothing():
    net = Network([3, 4, 2], seed=0)
    w0, b0 = net.get_parameters()
    bad_biases = [b0[0], np.zeros((2,))]  # 1-D bias: wrong shape
    with pytest.raises(ValueError, match="biases must have shapes"):
        net.set_parameters([w + 1 for w in w0], bad_biases)
    with pytest.raises(ValueError, match="weights must have shapes"):
        net.set_parameters(w0[:1], b0)
    with pytest.raises(ValueError, match="weights must have shapes"):
        net.set_parameters([w.T for w in w0], b0)
    for p, q in zip(net.weights + net.biases, w0 + b0):
        np.testing.assert_array_equal(p, q)


def test_copy_is_independent():
    net = Network([3, 4, 2], cost=CrossEntropyCost, seed=3, activation="tanh")
    twin = net.copy()
    assert twin.sizes == net.sizes and twin.cost is net.cost
    assert twin.activation is net.activation and twin.output_activation is net.output_activation
    X, Y = np.ones((3, 2)), np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(twin.feedforward(X), net.feedforward(X))
    before = net.get_parameters()
    twin.update_mini_batch(X, Y, 1.0)
    twin.weights[0][0, 0] = 99.0
    twin.biases[0][0, 0] = 99.0
    for p, q in zip(net.weights + net.biases, before[0] + before[1]):
        np.testing.assert_array_equal(p, q)
    net.update_mini_batch(X, Y, 0.5)  # and the other way round
    assert twin.weights[0][0, 0] == 99.0


def test_copy_does_not_share_sizes():
    net = Network([3, 4, 2], seed=0)
    assert net.copy().sizes is not net.sizes


@settings(max_examples=20, deadline=None)
@given(sizes=sizes_st, seed=seed_st)
def test_parameter_vector_round_trip(sizes, seed):
    net = Network(sizes, seed=seed)
    theta = net.parameter_vector()
    n_params = sum(a * b + a for a, b in zip(sizes[1:], sizes[:-1]))
    assert theta.shape == (n_params,)
    # all weights first, then all biases, each flattened row by row
    np.testing.assert_array_equal(theta[: net.weights[0].size], net.weights[0].ravel())
    np.testing.assert_array_equal(theta[-net.biases[-1].size:], net.biases[-1].ravel())
    other = Network(sizes, seed=seed + 1)
    other.set_parameter_vector(theta)
    for p, q in zip(other.weights + other.biases, net.weights + net.biases):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(other.parameter_vector(), theta)
    theta[0] += 1.0  # the vector is a copy, not a view into the network
    assert net.weights[0].ravel()[0] != theta[0]


def test_set_parameter_vector_rejects_wrong_length():
    net = Network([2, 3, 1], seed=0)
    theta = net.parameter_vector()
    with pytest.raises(ValueError, match=r"theta must have shape \(13,\)"):
        net.set_parameter_vector(theta[:-1])
    with pytest.raises(ValueError, match="theta must have shape"):
        net.set_parameter_vector(theta.reshape(1, -1))
    np.testing.assert_array_equal(net.parameter_vector(), theta)


def test_repr_names_the_network():
    r = repr(Network([4, 3, 2], cost=CrossEntropyCost, seed=9))
    assert "[4, 3, 2]" in r and "CrossEntropyCost" in r and "seed=9" in r
