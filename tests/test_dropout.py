"""Dropout: masks (step 2 of the slides' procedure), backprop through a thinned network, the
test-time weight scaling versus inverted dropout, and the slip in step 5.

Numbering: Nielsen's (input = layer 1); ``masks[i]`` belongs to hidden layer i+2, whose incoming
weights are the rows of ``weights[i]`` and outgoing weights the columns of ``weights[i+1]``.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5 import CrossEntropyCost, Network, QuadraticCost
from lecture5.dropout import (
    check_p_drop,
    dropout_masks,
    dropout_step,
    literal_step5,
    sample_preactivations,
    test_time_preactivation,
    test_time_weights,
)

SIZES = [6, 10, 8, 3]


def _data(sizes, m, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(sizes[0], m))
    Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)]
    return X, Y


# ---------------------------------------------------------------- masks


@pytest.mark.parametrize("m", [1, 7])
@pytest.mark.parametrize("inverted", [False, True])
def test_mask_shapes_and_values(m, inverted):
    p = 0.25
    masks = dropout_masks([5, 12, 8, 20, 2], p, np.random.default_rng(0), m=m, inverted=inverted)
    assert [mask.shape for mask in masks] == [(12, m), (8, m), (20, m)]
    kept_value = 1.0 / (1.0 - p) if inverted else 1.0
    for mask in masks:
        assert mask.dtype == np.float64
        assert set(np.unique(mask)) <= {0.0, kept_value}
        assert (mask == 0).any() and (mask == kept_value).any()


def test_no_hidden_layer_gives_no_masks():
    assert dropout_masks([4, 3], 0.5, np.random.default_rng(0)) == []


def test_masks_are_reproducible_from_the_seed():
    a = dropout_masks(SIZES, 0.5, np.random.default_rng(42), m=5)
    b = dropout_masks(SIZES, 0.5, np.random.default_rng(42), m=5)
    c = dropout_masks(SIZES, 0.5, np.random.default_rng(43), m=5)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_exactly_half_of_the_hidden_nodes_are_deleted():
    """Step 2 with p_drop = 1/2: exactly 15 of 30 and 50 of 100 nodes, in every column."""
    rng = np.random.default_rng(0)
    for _ in range(20):
        masks = dropout_masks([784, 30, 100, 10], 0.5, rng, m=3)
        assert (masks[0] == 0).sum(axis=0).tolist() == [15, 15, 15]
        assert (masks[1] == 0).sum(axis=0).tolist() == [50, 50, 50]


def test_exact_count_when_p_times_d_is_not_an_integer():
    """p d = 2.5: 2 or 3 nodes deleted, each node with probability exactly 1/4 on average."""
    d, p, m = 10, 0.25, 20000
    (mask,) = dropout_masks([3, d, 2], p, np.random.default_rng(1), m=m)
    counts = (mask == 0).sum(axis=0)
    assert set(np.unique(counts)) == {2, 3}
    # the extra node comes with probability frac(p d) = 1/2: binomial std sqrt(m/4)
    assert abs((counts == 3).sum() - m / 2) < 5 * math.sqrt(m / 4)
    per_node = (mask == 0).mean(axis=1)
    assert np.all(np.abs(per_node - p) < 5 * math.sqrt(p * (1 - p) / m))


def test_independent_deletion_with_exact_false():
    d, p, m = 40, 0.3, 5000
    (mask,) = dropout_masks([3, d, 2], p, np.random.default_rng(2), m=m, exact=False)
    counts = (mask == 0).sum(axis=0)
    assert counts.min() < p * d < counts.max()  # the number varies from column to column
    assert abs(counts.mean() - p * d) < 5 * math.sqrt(d * p * (1 - p) / m)


def test_p_drop_zero_keeps_every_node():
    for inverted in (False, True):
        masks = dropout_masks(SIZES, 0.0, np.random.default_rng(0), m=4, inverted=inverted)
        assert all(np.array_equal(mask, np.ones_like(mask)) for mask in masks)


@pytest.mark.parametrize("bad, exc", [(-0.1, ValueError), (1.0, ValueError), (1.5, ValueError),
                                      (math.nan, ValueError), ("0.5", TypeError),
                                      (True, TypeError), (None, TypeError)])
def test_p_drop_is_validated(bad, exc):
    with pytest.raises(exc, match="p_drop"):
        dropout_masks(SIZES, bad, np.random.default_rng(0))
    with pytest.raises(exc, match="p_drop"):
        test_time_weights(Network(SIZES).weights, bad)
    with pytest.raises(exc, match="p_drop"):
        check_p_drop(bad)


def test_other_arguments_are_validated():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng"):
        dropout_masks(SIZES, 0.5, 0)
    with pytest.raises(TypeError, match="rng"):
        dropout_masks(SIZES, 0.5, np.random.RandomState(0))
    with pytest.raises(ValueError, match="m must be >= 1"):
        dropout_masks(SIZES, 0.5, rng, m=0)
    with pytest.raises(TypeError, match="inverted"):
        dropout_masks(SIZES, 0.5, rng, inverted="yes")
    with pytest.raises(ValueError, match="sizes"):
        dropout_masks([5], 0.5, rng)
    with pytest.raises(TypeError, match="sizes"):
        dropout_masks("784-30-10", 0.5, rng)


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(1, 40), min_size=2, max_size=5),
       p=st.floats(0.0, 0.95), m=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_masks_property(sizes, p, m, seed):
    masks = dropout_masks(sizes, p, np.random.default_rng(seed), m=m)
    assert len(masks) == len(sizes) - 2
    for d, mask in zip(sizes[1:-1], masks):
        assert mask.shape == (d, m)
        deleted = (mask == 0).sum(axis=0)
        assert np.all((deleted == math.floor(p * d)) | (deleted == math.floor(p * d) + 1))
        assert np.all(deleted <= math.ceil(p * d))


# ---------------------------------------------------------------- backprop through a thinned net


@pytest.mark.parametrize("cost", [QuadraticCost, CrossEntropyCost])
def test_deleted_nodes_get_zero_gradient(cost):
    net = Network(SIZES, cost=cost, seed=3)
    X, Y = _data(SIZES, 9)
    masks = dropout_masks(SIZES, 0.5, np.random.default_rng(4))
    nabla_b, nabla_w = net.backprop(X, Y, masks=masks)
    full_b, full_w = net.backprop(X, Y)
    for i, mask in enumerate(masks):
        gone = mask[:, 0] == 0
        kept = ~gone
        # incoming weights and the bias of a deleted node: no gradient at all
        assert np.all(nabla_w[i][gone] == 0) and np.all(nabla_b[i][gone] == 0)
        # outgoing weights: the deleted node's activation is 0, so BP4 gives 0
        assert np.all(nabla_w[i + 1][:, gone] == 0)
        # and the kept nodes do learn
        assert np.abs(nabla_w[i][kept]).sum() > 0
    assert not np.allclose(nabla_w[0], full_w[0])


def test_masked_gradient_is_the_gradient_of_the_thinned_network():
    """Deleting nodes (step 2) and training "the resulting network" (step 3) are the same thing:
    the masked gradient, restricted to the kept nodes, equals the gradient of a smaller network
    built from the kept rows and columns only."""
    net = Network(SIZES, cost=CrossEntropyCost, seed=5)
    X, Y = _data(SIZES, 6)
    masks = dropout_masks(SIZES, 0.5, np.random.default_rng(6))
    keep = [np.flatnonzero(mask[:, 0]) for mask in masks]
    rows = keep + [np.arange(SIZES[-1])]
    cols = [np.arange(SIZES[0])] + keep
    small = Network([SIZES[0]] + [len(k) for k in keep] + [SIZES[-1]], cost=CrossEntropyCost)
    small.weights = [w[np.ix_(r, c)] for w, r, c in zip(net.weights, rows, cols)]
    small.biases = [b[r] for b, r in zip(net.biases, rows)]
    nabla_b, nabla_w = net.backprop(X, Y, masks=masks)
    small_b, small_w = small.backprop(X, Y)
    for i in range(len(SIZES) - 1):
        np.testing.assert_allclose(nabla_w[i][np.ix_(rows[i], cols[i])], small_w[i],
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(nabla_b[i][rows[i]], small_b[i], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net.feedforward(X, masks=masks), small.feedforward(X), rtol=1e-13)


@pytest.mark.parametrize("lmbda", [0.0, 3.0])
def test_a_dropout_step_touches_deleted_nodes_only_through_weight_decay(lmbda):
    net = Network(SIZES, cost=CrossEntropyCost, seed=7)
    X, Y = _data(SIZES, 10)
    before_w, before_b = net.get_parameters()
    eta, n = 0.8, 50
    masks = dropout_step(net, X, Y, eta, 0.5, np.random.default_rng(8), lmbda=lmbda, n=n)
    decay = 1.0 - eta * lmbda / n  # eq (28)
    for i, mask in enumerate(masks):
        gone = mask[:, 0] == 0
        np.testing.assert_allclose(net.weights[i][gone], decay * before_w[i][gone], rtol=1e-14)
        np.testing.assert_allclose(net.weights[i + 1][:, gone], decay * before_w[i + 1][:, gone],
                                   rtol=1e-14)
        np.testing.assert_array_equal(net.biases[i][gone], before_b[i][gone])  # (27): no decay
        kept = ~gone
        assert not np.allclose(net.weights[i][kept], decay * before_w[i][kept])


def test_inverted_dropout_step_draws_one_mask_per_example():
    net = Network(SIZES, seed=0)
    X, Y = _data(SIZES, 5)
    masks = dropout_step(net, X, Y, 0.5, 0.5, np.random.default_rng(0), inverted=True)
    assert [mask.shape for mask in masks] == [(10, 5), (8, 5)]
    assert set(np.unique(masks[0])) == {0.0, 2.0}


# ---------------------------------------------------------------- test time


def test_test_time_weights_scale_only_the_outgoing_weights_of_hidden_layers():
    net = Network(SIZES, seed=1)
    original = [w.copy() for w in net.weights]
    scaled = test_time_weights(net.weights, 0.5)
    np.testing.assert_array_equal(scaled[0], original[0])  # leaving the input layer
    assert scaled[0] is not net.weights[0]
    for w, w0 in zip(scaled[1:], original[1:]):
        np.testing.assert_array_equal(w, 0.5 * w0)  # "halve the weights"
    for w, w0 in zip(net.weights, original):
        np.testing.assert_array_equal(w, w0)  # the network itself is untouched
    np.testing.assert_allclose(test_time_weights(net.weights, 0.2)[2], 0.8 * original[2])
    assert all(np.array_equal(a, b) for a, b in zip(test_time_weights(net.weights, 0.0),
                                                    original))


@pytest.mark.parametrize("p_drop", [0.5, 0.2])
@pytest.mark.parametrize("inverted", [False, True])
def test_expected_training_preactivation_equals_the_test_time_one(p_drop, inverted):
    """Averaged over many masks, what layer 3 receives in training equals what it receives at
    test time: with the outgoing weights scaled by (1 - p_drop) for the slides' procedure, and
    with the plain weights for inverted dropout.  Tolerance: 5 standard errors of the mean."""
    net = Network([5, 30, 4], seed=2)
    X, _ = _data([5, 30, 4], 3)
    samples = 4000
    z = sample_preactivations(net, X, p_drop, np.random.default_rng(9), samples,
                              inverted=inverted)
    assert z.shape == (samples, 4, 3)
    mean, sem = z.mean(axis=0), z.std(axis=0) / math.sqrt(samples)
    expected = test_time_preactivation(net, X, p_drop, inverted=inverted)
    assert np.all(np.abs(mean - expected) <= 5 * sem + 1e-12)
    # for the slides the scaling matters: the unscaled network is clearly off
    if not inverted:
        unscaled = test_time_preactivation(net, X, 0.0)
        assert np.abs(mean - unscaled).max() > 20 * sem.max()


def test_slides_procedure_and_inverted_dropout_are_the_same_model():
    """For the same deleted nodes, the slides' network with weights w and the inverted-dropout
    network with weights (1 - p) w (the test-time weights) compute the same training-time output;
    so the slides' test-time network is exactly the inverted network used as it is."""
    p = 0.5
    net = Network(SIZES, seed=3)
    X, _ = _data(SIZES, 4)
    inv = net.copy()
    inv.weights = test_time_weights(net.weights, p)
    slides = dropout_masks(SIZES, p, np.random.default_rng(10), m=4)
    inverted = dropout_masks(SIZES, p, np.random.default_rng(10), m=4, inverted=True)
    np.testing.assert_allclose(net.feedforward(X, masks=slides),
                               inv.feedforward(X, masks=inverted), rtol=1e-12)


def test_literal_step5_shrinks_every_weight_and_the_network_forgets_its_input():
    """Halving *every* weight after *each* epoch (the slip) scales them by 2^-k after k epochs,
    the input layer's too; the outputs stop depending on the input, while the correct test-time
    weights leave a network that still distinguishes its inputs."""
    net = Network([6, 20, 3], seed=4)
    X, _ = _data([6, 20, 3], 50)
    weights = net.weights
    for _ in range(12):
        weights = literal_step5(weights)
    for w, w0 in zip(weights, net.weights):
        np.testing.assert_allclose(w, w0 / 2**12)
    slip, right = net.copy(), net.copy()
    slip.weights = weights
    right.weights = test_time_weights(net.weights, 0.5)
    spread_slip = slip.feedforward(X).std(axis=1)
    spread_right = right.feedforward(X).std(axis=1)
    assert np.all(spread_slip < 1e-3 * spread_right)
    with pytest.raises(ValueError, match="factor"):
        literal_step5(net.weights, -0.5)


def test_weights_argument_is_checked():
    with pytest.raises(TypeError, match="weights"):
        test_time_weights(np.ones((3, 3)), 0.5)
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        test_time_weights([np.ones((3, 3)), np.ones(3)], 0.5)
    with pytest.raises(ValueError, match="hidden layer"):
        sample_preactivations(Network([3, 2]), np.ones((3, 1)), 0.5, np.random.default_rng(0), 5)


# ---------------------------------------------------------------- the two versions, the output


@pytest.mark.parametrize("p_drop", [0.25, 0.5])
@pytest.mark.parametrize("sizes", [[6, 10, 3], [6, 10, 8, 3]])
def test_inverted_step_same_forward_pass_faster_outgoing_weights(sizes, p_drop):
    from lecture5.dropout import inverted_step_comparison

    net = Network(sizes, cost=CrossEntropyCost, seed=4)
    before = [w.copy() for w in net.weights]
    X, Y = _data(sizes, 7)
    res = inverted_step_comparison(net, X, Y, 0.5, p_drop, np.random.default_rng(0))
    assert res.output_difference < 1e-12
    # w^2 leaves the input layer: the same step; every matrix leaving a hidden layer 1/(1-p)^2
    assert res.weight_step_ratio[0] == pytest.approx(1.0, abs=1e-9)
    for r in res.weight_step_ratio[1:]:
        assert r == pytest.approx(1.0 / (1.0 - p_drop) ** 2, rel=1e-9)
    for r in res.bias_step_ratio:
        assert r == pytest.approx(1.0, abs=1e-9)
    for w, b in zip(net.weights, before):
        np.testing.assert_array_equal(w, b)  # net itself is not modified


def test_inverted_step_needs_a_hidden_layer():
    from lecture5.dropout import inverted_step_comparison

    net = Network([4, 2], seed=0)
    with pytest.raises(ValueError, match="hidden layer"):
        inverted_step_comparison(net, np.zeros((4, 2)), np.zeros((2, 2)), 0.5, 0.5,
                                 np.random.default_rng(0))


def test_mask_average_geometric_mean_is_sigma_of_mean_z_not_the_arithmetic_mean():
    from lecture5.dropout import mask_average_output

    net = Network([6, 12, 3], cost=CrossEntropyCost, seed=2)
    net.weights = [3.0 * w for w in net.weights]  # large weights: a clearly nonlinear output
    X, _ = _data([6, 12, 3], 5)
    avg = mask_average_output(net, X, 0.5, np.random.default_rng(1), samples=3000)
    sigma = 1.0 / (1.0 + np.exp(-test_time_preactivation(net, X, 0.5)))
    np.testing.assert_allclose(avg.test_time, sigma, atol=1e-15)
    np.testing.assert_allclose(avg.geometric, avg.mean_z, atol=1e-12)
    # the arithmetic mean of sigma(z) over masks is not sigma of the mean: a real gap
    assert np.abs(avg.arithmetic - avg.test_time).max() > 0.02
    z = sample_preactivations(net, X, 0.5, np.random.default_rng(1), samples=3000)
    np.testing.assert_allclose(avg.arithmetic, (1.0 / (1.0 + np.exp(-z))).mean(axis=0),
                               atol=1e-12)


def test_mask_average_refuses_two_hidden_layers_and_other_outputs():
    from lecture5.dropout import mask_average_output

    X, _ = _data([6, 10, 8, 3], 2)
    with pytest.raises(ValueError, match="one hidden layer"):
        mask_average_output(Network([6, 10, 8, 3], seed=0), X, 0.5, np.random.default_rng(0), 10)
    net = Network([6, 10, 3], seed=0, output_activation="linear")
    with pytest.raises(ValueError, match="sigmoid output"):
        mask_average_output(net, X, 0.5, np.random.default_rng(0), 10)


@pytest.mark.parametrize("inverted", [False, True])
@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("p_drop", [0.0, 0.29, 0.5, 0.9])
def test_sampled_preactivations_are_one_dropout_masks_call_per_sample(inverted, exact, p_drop):
    """sample_preactivations draws all its masks at once: the same masks, from the same random
    numbers, as one call of dropout_masks per sample, and the same z^3 as computing each."""
    net = Network([6, 7, 3], seed=2)
    X = np.random.default_rng(3).random((6, 4))
    z = sample_preactivations(net, X, p_drop, np.random.default_rng(5), 40, inverted=inverted,
                              exact=exact)
    rng = np.random.default_rng(5)
    a2 = 1.0 / (1.0 + np.exp(-(net.weights[0] @ X + net.biases[0])))
    for s in range(40):
        (mask,) = dropout_masks([6, 7, 3], p_drop, rng, m=4 if inverted else 1,
                                inverted=inverted, exact=exact)
        np.testing.assert_allclose(z[s], net.weights[1] @ (a2 * mask) + net.biases[1],
                                   rtol=1e-12, atol=1e-12)
