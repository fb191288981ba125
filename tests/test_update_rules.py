"""The update rules, in one place: one SGD step against eq (27) for biases, eq (28) (L2 weight
decay) or eq (41) (L1) for weights, and the soft-threshold form of L1, written out by hand.  The
data gradient nabla comes from net.backprop (the mean over the m-hat columns); n is the size of the
whole training set, not the mini-batch size.

Two implementations take the step: ``Network.update_mini_batch`` (plain numpy, as in Nielsen's
network2.py) and the trainer's fast BLAS engine ``lecture5._engine.SGDEngine``.  Both are checked
against the hand-written step, and against each other on every penalty and dropout mode, for every
memory layout the engine handles differently (C- and F-ordered mini-batches, strided column
slices, integer and float32 data, parameters BLAS cannot write into, gradients too large for the
cheap finiteness bound).

Numbering: Nielsen's; ``weights[i]`` is w^{i+2}.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5 import CrossEntropyCost, Network, QuadraticCost
from lecture5._engine import SGDEngine
from lecture5.backprop import backprop_batch, backprop_per_example
from lecture5.dropout import dropout_masks
from lecture5.regularization import PENALTIES


def _setup(sizes=(3, 4, 2), m=5, seed=0, cost=QuadraticCost, **kwargs):
    net = Network(list(sizes), cost=cost, seed=seed, **kwargs)
    rng = np.random.default_rng(seed + 100)
    X = rng.normal(size=(sizes[0], m))
    Y = rng.uniform(size=(sizes[-1], m))
    return net, X, Y


def _expected(net, X, Y, eta, lmbda, n, penalty, masks=None):
    """The step by hand, from the weights before it and net.backprop's gradient."""
    nabla_b, nabla_w = net.backprop(X, Y, masks=masks)
    biases = [b - eta * nb for b, nb in zip(net.biases, nabla_b)]  # (27)
    weights = []
    for w, nw in zip(net.weights, nabla_w):
        if penalty == "l2":
            weights.append((1 - eta * lmbda / n) * w - eta * nw)  # (28)
        elif penalty == "l1":
            weights.append(w - eta * lmbda / n * np.sign(w) - eta * nw)  # (41)
        elif penalty == "l1_prox":
            v = w - eta * nw
            weights.append(np.sign(v) * np.maximum(np.abs(v) - eta * lmbda / n, 0.0))
        else:
            weights.append(w - eta * nw)
    return weights, biases


def _assert_params(net, weights, biases, rtol=1e-13, atol=1e-15):
    for i, (w, e) in enumerate(zip(net.weights, weights)):
        np.testing.assert_allclose(w, e, rtol=rtol, atol=atol, err_msg=f"weights[{i}]")
    for i, (b, e) in enumerate(zip(net.biases, biases)):
        np.testing.assert_allclose(b, e, rtol=rtol, atol=atol, err_msg=f"biases[{i}]")


@pytest.mark.parametrize("penalty", PENALTIES)
def test_without_lambda_every_penalty_is_plain_sgd(penalty):
    net, X, Y = _setup()
    nabla_b, nabla_w = net.backprop(X, Y)
    weights = [w - 0.7 * nw for w, nw in zip(net.weights, nabla_w)]  # w - eta nabla_w
    biases = [b - 0.7 * nb for b, nb in zip(net.biases, nabla_b)]  # (27)
    net.update_mini_batch(X, Y, 0.7, lmbda=0.0, penalty=penalty)
    _assert_params(net, weights, biases)


def test_l2_step_is_eq_28_with_n_the_training_set_size():
    net, X, Y = _setup(m=5)
    eta, lmbda, n = 0.5, 3.0, 1000
    nabla_b, nabla_w = net.backprop(X, Y)
    weights = [(1 - eta * lmbda / n) * w - eta * nw for w, nw in zip(net.weights, nabla_w)]
    biases = [b - eta * nb for b, nb in zip(net.biases, nabla_b)]
    wrong_n = [(1 - eta * lmbda / 5) * w - eta * nw for w, nw in zip(net.weights, nabla_w)]
    net.update_mini_batch(X, Y, eta, lmbda=lmbda, n=n, penalty="l2")
    _assert_params(net, weights, biases)
    assert not np.allclose(net.weights[0], wrong_n[0])  # it is n, not the batch size m-hat


def test_l2_is_the_default_penalty():
    net, X, Y = _setup()
    twin = net.copy()
    net.update_mini_batch(X, Y, 0.5, lmbda=2.0, n=50)
    twin.update_mini_batch(X, Y, 0.5, lmbda=2.0, n=50, penalty="l2")
    _assert_params(net, twin.weights, twin.biases, rtol=0)


def test_l1_step_is_eq_41():
    net, X, Y = _setup()
    eta, lmbda, n = 0.5, 3.0, 40
    nabla_b, nabla_w = net.backprop(X, Y)
    weights = [w - eta * lmbda / n * np.sign(w) - eta * nw for w, nw in zip(net.weights, nabla_w)]
    biases = [b - eta * nb for b, nb in zip(net.biases, nabla_b)]
    net.update_mini_batch(X, Y, eta, lmbda=lmbda, n=n, penalty="l1")
    _assert_params(net, weights, biases)


def test_l1_prox_step_lands_on_exact_zeros():
    net, X, Y = _setup(sizes=(6, 5, 3))
    eta, n = 0.5, 40
    biases_before = [b.copy() for b in net.biases]
    nabla_b, nabla_w = net.backprop(X, Y)
    v = [w - eta * nw for w, nw in zip(net.weights, nabla_w)]  # the data step alone
    threshold = float(np.median(np.abs(v[0])))  # about half of weights[0] go to zero
    lmbda = threshold * n / eta
    t = eta * lmbda / n
    net.update_mini_batch(X, Y, eta, lmbda=lmbda, n=n, penalty="l1_prox")
    for w, vi in zip(net.weights, v):
        small = np.abs(vi) < t * (1 - 1e-12)
        big = np.abs(vi) > t * (1 + 1e-12)
        assert np.all(w[small] == 0.0)  # exactly zero, not merely tiny
        np.testing.assert_allclose(w[big], np.sign(vi[big]) * (np.abs(vi[big]) - t),
                                   rtol=1e-12, atol=1e-14)
    assert 0 < np.count_nonzero(net.weights[0] == 0.0) < net.weights[0].size
    for b, nb, b_new in zip(biases_before, nabla_b, net.biases):  # biases: plain (27)
        np.testing.assert_allclose(b_new, b - eta * nb, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("penalty", ["l2", "l1", "l1_prox"])
def test_biases_are_never_penalised(penalty):
    # eq (24): dC/db = dC_0/db, whatever lambda is
    net, X, Y = _setup()
    plain = net.copy()
    net.update_mini_batch(X, Y, 0.5, lmbda=50.0, n=10, penalty=penalty)
    plain.update_mini_batch(X, Y, 0.5, lmbda=0.0)
    for b, p in zip(net.biases, plain.biases):
        np.testing.assert_array_equal(b, p)
    assert not np.array_equal(net.weights[0], plain.weights[0])


def test_n_defaults_to_the_batch_size():
    net, X, Y = _setup(m=7)
    twin = net.copy()
    net.update_mini_batch(X, Y, 0.3, lmbda=2.0)
    twin.update_mini_batch(X, Y, 0.3, lmbda=2.0, n=7)
    _assert_params(net, twin.weights, twin.biases, rtol=0)


def test_none_penalty_ignores_lambda():
    net, X, Y = _setup()
    twin = net.copy()
    net.update_mini_batch(X, Y, 0.3, lmbda=5.0, n=10, penalty="none")
    twin.update_mini_batch(X, Y, 0.3)
    _assert_params(net, twin.weights, twin.biases, rtol=0)


def test_the_step_uses_the_mean_gradient_of_the_batch():
    # repeating every example of the batch changes nothing: the step averages over m-hat
    net, X, Y = _setup(m=3)
    twin = net.copy()
    net.update_mini_batch(X, Y, 0.8, lmbda=1.0, n=30)
    twin.update_mini_batch(np.hstack([X, X]), np.hstack([Y, Y]), 0.8, lmbda=1.0, n=30)
    _assert_params(net, twin.weights, twin.biases, rtol=1e-12)


def test_successive_steps_match_successive_manual_steps():
    # the reused gradient buffers must not leak one step into the next
    net, X, Y = _setup(cost=CrossEntropyCost)
    rng = np.random.default_rng(1)
    for penalty in ("l2", "l1", "l1_prox", "l2"):
        Xs = rng.normal(size=X.shape)
        weights, biases = _expected(net, Xs, Y, 0.4, 2.0, 20, penalty)
        net.update_mini_batch(Xs, Y, 0.4, lmbda=2.0, n=20, penalty=penalty)
        _assert_params(net, weights, biases)


def test_step_uses_reassigned_parameter_arrays():
    # weights/biases are assignable (README, Network's docstring): a step after reassignment acts
    # on the new arrays
    net, X, Y = _setup()
    net.update_mini_batch(X, Y, 0.1)  # buffers are allocated now
    net.weights[1] = np.full((2, 4), 0.3)
    net.biases[1] = np.zeros((2, 1))
    weights, biases = _expected(net, X, Y, 0.5, 1.0, 10, "l2")
    net.update_mini_batch(X, Y, 0.5, lmbda=1.0, n=10)
    _assert_params(net, weights, biases)


def test_a_step_lowers_the_cost_for_small_eta():
    net, X, Y = _setup(cost=CrossEntropyCost)
    before = sum(net.total_cost(X, Y, lmbda=1.0, n=5))
    net.update_mini_batch(X, Y, 0.05, lmbda=1.0, n=5)
    assert sum(net.total_cost(X, Y, lmbda=1.0, n=5)) < before


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    seed=st.integers(0, 2**16),
    m=st.integers(1, 6),
    eta=st.floats(1e-3, 5.0),
    lmbda=st.floats(0.0, 10.0),
    n=st.integers(1, 500),
    penalty=st.sampled_from(PENALTIES),
    cost=st.sampled_from([QuadraticCost, CrossEntropyCost]),
    activation=st.sampled_from(["sigmoid", "tanh", "relu"]),
)
def test_update_matches_the_formulas(sizes, seed, m, eta, lmbda, n, penalty, cost, activation):
    net, X, Y = _setup(sizes, m, seed, cost, activation=activation)
    weights, biases = _expected(net, X, Y, eta, lmbda, n, penalty)
    net.update_mini_batch(X, Y, eta, lmbda=lmbda, n=n, penalty=penalty)
    _assert_params(net, weights, biases, rtol=1e-11)


def test_integer_weights_assigned_by_a_student_are_trained_or_rejected_cleanly():
    net = Network([2, 1], seed=0)
    net.weights[0] = np.array([[1, -1]])  # an easy thing to type in a notebook
    biases_before = [b.copy() for b in net.biases]
    X, Y = np.ones((2, 1)), np.ones((1, 1))
    try:
        net.update_mini_batch(X, Y, 0.5)
    except (TypeError, ValueError):
        for b, b0 in zip(net.biases, biases_before):
            np.testing.assert_array_equal(b, b0)
    else:
        assert net.weights[0].dtype.kind == "f"


# ------------------------------------------------------------------ the engine, and every layout
SIZES = [7, 6, 5, 3]


def _assert_close(net, weights, biases, rtol=1e-12):
    _assert_params(net, weights, biases, rtol=rtol, atol=1e-14)


def _take_step(how, net, X, Y, eta, lmbda=0.0, n=None, penalty="l2", masks=None):
    """One step by ``update_mini_batch`` or by the engine (which takes checked float arrays)."""
    if how == "update_mini_batch":
        net.update_mini_batch(X, Y, eta, lmbda, n, penalty, masks=masks)
    else:
        X = np.asarray(X, dtype=float) if X.dtype != np.float64 else X
        SGDEngine(net).step(X, Y, eta, lmbda, X.shape[1] if n is None else n, penalty, masks)


BOTH = pytest.mark.parametrize("how", ["update_mini_batch", "engine"])


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


@BOTH
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("penalty", PENALTIES)
def test_step_matches_the_formulas_for_every_layout(how, layout, penalty):
    big, Y = _data()
    X = LAYOUTS[layout](big, 6)
    net = Network(SIZES, cost=CrossEntropyCost, seed=1)
    eta, lmbda, n = 0.7, 4.0, 60
    weights, biases = _expected(net, X, Y, eta, lmbda, n, penalty)
    ids = [id(p) for p in net.weights + net.biases]
    _take_step(how, net, X, Y, eta, lmbda, n, penalty)
    _assert_close(net, weights, biases)
    assert [id(p) for p in net.weights + net.biases] == ids  # updated in place


@BOTH
@pytest.mark.parametrize("per_example", [False, True])
def test_step_with_dropout_masks_matches_the_formulas(how, per_example):
    big, Y = _data()
    X = big[:, :6]
    net = Network(SIZES, cost=QuadraticCost, seed=2)
    masks = dropout_masks(SIZES, 0.5, np.random.default_rng(3), m=6 if per_example else 1,
                          inverted=per_example)
    weights, biases = _expected(net, X, Y, 0.5, 2.0, 30, "l2", masks)
    _take_step(how, net, X, Y, 0.5, 2.0, 30, masks=masks)
    _assert_close(net, weights, biases)


def test_engine_entry_point_equals_update_mini_batch():
    big, Y = _data()
    X = np.ascontiguousarray(big[:, :6].T).T  # the Trainer's gathered buffer, seen as columns
    a = Network(SIZES, seed=4)
    b = a.copy()
    a.update_mini_batch(X, Y, 0.3, 1.0, 40, "l1")
    SGDEngine(b).step(X, Y, 0.3, 1.0, 40, "l1", None)
    _assert_close(b, a.weights, a.biases)  # dgemm rounds differently from numpy


@BOTH
@pytest.mark.parametrize("make", [
    lambda w: w.astype(np.float32),
    lambda w: np.asfortranarray(w),
    lambda w: np.repeat(w, 2, axis=1)[:, ::2],  # a strided view
])
def test_parameters_blas_cannot_write_into_are_still_updated_in_place(how, make):
    big, Y = _data()
    X = big[:, :6]
    net = Network(SIZES, seed=5)
    net.weights[1] = make(net.weights[1])
    net.biases[0] = np.asfortranarray(np.repeat(net.biases[0], 2, axis=1)[:, :1])
    weights, biases = _expected(net, X, Y, 0.5, 1.0, 20, "l2")
    target = net.weights[1]
    _take_step(how, net, X, Y, 0.5, 1.0, 20)
    assert net.weights[1] is target
    rtol = 1e-6 if target.dtype == np.float32 else 1e-12
    _assert_close(net, weights, biases, rtol=rtol)


@BOTH
def test_huge_but_finite_gradient_is_applied_not_rejected(how):
    """||delta|| ||x|| ~ 1e160 overflows the cheap bound's squares (1e320); the gradient entries
    (~1e160) are finite, so the exact check lets the step through."""
    net = Network([2, 2, 1], activation="linear", output_activation="linear", seed=0)
    X = np.full((2, 3), 1e80)
    Y = np.zeros((1, 3))
    weights, biases = _expected(net, X, Y, 1e-160, 0.0, 3, "l2")
    assert all(np.isfinite(w).all() for w in weights)
    _take_step(how, net, X, Y, 1e-160)
    _assert_close(net, weights, biases)


@BOTH
def test_non_finite_step_raises_floating_point_error_even_with_warnings_as_errors(how):
    net = Network([2, 2, 1], activation="linear", output_activation="linear", seed=0)
    net.weights[0][...] = 1e200
    X = np.full((2, 3), 1e200)
    snapshot = [p.copy() for p in net.weights + net.biases]
    for action in ("error", "ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter(action)
            with pytest.raises(FloatingPointError, match="eta = 0.1"):
                _take_step(how, net, X, np.zeros((1, 3)), 0.1, 0.0, 3, "l2")
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


@pytest.mark.parametrize("sizes", [[7, 6, 5, 3], [784, 30, 10], [4, 1, 2], [5, 3]])
@pytest.mark.parametrize("penalty", PENALTIES)
@pytest.mark.parametrize("dropout", [None, "slides", "inverted"])
def test_engine_equals_update_mini_batch_on_every_penalty_and_dropout_mode(sizes, penalty,
                                                                             dropout):
    rng = np.random.default_rng(sum(sizes))
    m = 10
    X = rng.random((sizes[0], m))
    Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)]
    plain = Network(sizes, cost=CrossEntropyCost, seed=7)
    fast = plain.copy()
    engine = SGDEngine(fast)
    for step in range(3):  # the engine's reused buffers must not leak one step into the next
        masks = None if dropout is None or len(sizes) == 2 else dropout_masks(
            sizes, 0.5, rng, m=m if dropout == "inverted" else 1, inverted=dropout == "inverted")
        Xs = np.ascontiguousarray((X + step).T).T  # the trainer's gathered rows, seen as columns
        plain.update_mini_batch(Xs, Y, 0.7, 4.0, 60, penalty, masks=masks)
        engine.step(Xs, Y, 0.7, 4.0, 60, penalty, masks)
        _assert_params(fast, plain.weights, plain.biases, rtol=1e-12, atol=1e-14)
