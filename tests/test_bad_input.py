"""Behaviour on bad input (the convention in lecture5/_validate.py's docstring, and
Network.update_mini_batch's): a ValueError/TypeError whose message names the argument,
raised before anything is mutated, so a rejected update leaves the weights and biases exactly as
they were.  A step whose gradient is not finite raises FloatingPointError, weights untouched."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5 import Network, QuadraticCost, hadamard
from lecture5 import network as network_module

SIZES = [3, 4, 2]


def _net_and_data(m=5):
    net = Network(SIZES, seed=0)
    rng = np.random.default_rng(0)
    return net, rng.normal(size=(3, m)), rng.uniform(size=(2, m))


def _snapshot(net):
    return [w.copy() for w in net.weights], [b.copy() for b in net.biases]


def _assert_unchanged(net, snap):
    for w, w0 in zip(net.weights, snap[0]):
        np.testing.assert_array_equal(w, w0)
    for b, b0 in zip(net.biases, snap[1]):
        np.testing.assert_array_equal(b, b0)


def _names(name):
    """A regex that finds the argument name as a word at the start of the message."""
    return rf"^{re.escape(name)}(?!\w)"


X_OK = np.zeros((3, 5))
Y_OK = np.zeros((2, 5))
NAN_X = X_OK.copy()
NAN_X[1, 2] = np.nan
INF_Y = Y_OK.copy()
INF_Y[0, 4] = -np.inf

BAD_UPDATES = [
    # (changes to the keyword arguments, exception, argument named in the message)
    ({"X": np.zeros(3)}, ValueError, "X"),  # 1-D
    ({"X": np.zeros((5, 3))}, ValueError, "X"),  # transposed
    ({"X": np.zeros((4, 5))}, ValueError, "X"),  # wrong number of rows
    ({"X": np.zeros((3, 5, 1))}, ValueError, "X"),  # 3-D
    ({"X": np.zeros((3, 0)), "Y": np.zeros((2, 0))}, ValueError, "X"),  # empty batch
    ({"X": NAN_X}, ValueError, "X"),
    ({"X": "pixels"}, TypeError, "X"),
    ({"X": None}, TypeError, "X"),
    ({"X": np.zeros((3, 5), dtype=complex)}, TypeError, "X"),
    ({"X": np.array([["a"] * 5] * 3)}, TypeError, "X"),
    ({"Y": np.zeros((2, 4))}, ValueError, "Y"),  # one column short
    ({"Y": np.zeros((3, 5))}, ValueError, "Y"),  # wrong number of outputs
    ({"Y": np.zeros(2)}, ValueError, "Y"),
    ({"Y": INF_Y}, ValueError, "Y"),
    ({"eta": 0.0}, ValueError, "eta"),
    ({"eta": -0.1}, ValueError, "eta"),
    ({"eta": float("nan")}, ValueError, "eta"),
    ({"eta": float("inf")}, ValueError, "eta"),
    ({"eta": "0.1"}, TypeError, "eta"),
    ({"eta": True}, TypeError, "eta"),
    ({"eta": None}, TypeError, "eta"),
    ({"eta": np.array([0.1])}, TypeError, "eta"),
    ({"lmbda": -1e-9}, ValueError, "lmbda"),
    ({"lmbda": float("nan")}, ValueError, "lmbda"),
    ({"lmbda": "1"}, TypeError, "lmbda"),
    ({"n": 0}, ValueError, "n"),
    ({"n": -10}, ValueError, "n"),
    ({"n": 50.0}, TypeError, "n"),
    ({"n": "50"}, TypeError, "n"),
    ({"penalty": "L2"}, ValueError, "penalty"),
    ({"penalty": "l3"}, ValueError, "penalty"),
    ({"penalty": None}, ValueError, "penalty"),
]


@pytest.mark.parametrize("change, exc, name", BAD_UPDATES,
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(BAD_UPDATES)])
def test_rejected_update_names_the_argument_and_changes_nothing(change, exc, name):
    net, _, _ = _net_and_data()
    net.update_mini_batch(X_OK + 1, Y_OK + 0.5, 0.1)  # gradient buffers exist from a real step
    snap = _snapshot(net)
    kwargs = {"X": X_OK, "Y": Y_OK, "eta": 0.5, "lmbda": 1.0, "n": 100, "penalty": "l2"} | change
    with pytest.raises(exc, match=_names(name)):
        net.update_mini_batch(**kwargs)
    _assert_unchanged(net, snap)


def test_error_messages_say_what_was_expected_and_what_came():
    net, X, Y = _net_and_data()
    with pytest.raises(ValueError, match=r"X must have shape \(3, m\), got \(4, 5\)"):
        net.update_mini_batch(np.zeros((4, 5)), Y, 0.1)
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 5\), got \(2, 4\)"):
        net.update_mini_batch(X, np.zeros((2, 4)), 0.1)
    with pytest.raises(ValueError, match=r"eta must be > 0.0, got -0.1"):
        net.update_mini_batch(X, Y, -0.1)
    with pytest.raises(ValueError, match=r"penalty must be one of \['none', 'l2', 'l1', 'l1_prox"):
        net.update_mini_batch(X, Y, 0.1, penalty="L1")
    with pytest.raises(ValueError, match="finite"):
        net.update_mini_batch(X, np.full((2, 5), np.nan), 0.1)


def test_numpy_scalars_and_integer_arrays_are_accepted():
    net, X, Y = _net_and_data()
    twin = net.copy()
    net.update_mini_batch(X, Y, np.float64(0.5), lmbda=np.float32(1.0), n=np.int64(20))
    twin.update_mini_batch(X, Y, 0.5, lmbda=1.0, n=20)
    for p, q in zip(net.weights + net.biases, twin.weights + twin.biases):
        np.testing.assert_allclose(p, q, rtol=1e-15)
    net.update_mini_batch(np.ones((3, 2), dtype=int), np.array([[1, 0], [0, 1]]), 1)  # ints ok


def test_huge_but_finite_input_is_not_an_error():
    # the finiteness check must not trip over a sum that overflows (that is a valid input)
    net, _, _ = _net_and_data()
    out = net.feedforward(np.full((3, 4), 1e307))
    assert out.shape == (2, 4) and np.all(np.isfinite(out))


@pytest.mark.parametrize(
    "sizes, exc, name",
    [
        ([0, 3], ValueError, "sizes[0]"),
        ([3, -2], ValueError, "sizes[1]"),
        ([3, 2.0], TypeError, "sizes[1]"),
        ([3, 4, 2.5], TypeError, "sizes[2]"),
        ([True, 2], TypeError, "sizes[0]"),
        ([3, None], TypeError, "sizes[1]"),
        ([3, "10"], TypeError, "sizes[1]"),
        ([784], ValueError, "sizes"),
        ([], ValueError, "sizes"),
        ("784,30,10", TypeError, "sizes"),
        (784, TypeError, "sizes"),
        (None, TypeError, "sizes"),
    ],
)
def test_invalid_layer_sizes(sizes, exc, name):
    with pytest.raises(exc, match=_names(name)):
        Network(sizes)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"activation": "softmax"}, "activation"),
        ({"activation": None}, "activation"),
        ({"cost": "hinge"}, "cost"),
        ({"cost": QuadraticCost()}, "cost"),  # an instance, not the class
        ({"cost": None}, "cost"),
    ],
)
def test_unknown_activation_or_cost(kwargs, name):
    with pytest.raises(ValueError, match=_names(name)):
        Network(SIZES, **kwargs)


def test_unknown_output_activation_names_output_activation():
    with pytest.raises(ValueError, match=_names("output_activation")):
        Network(SIZES, output_activation="softmax")


def test_invalid_seed_names_seed():
    with pytest.raises((ValueError, TypeError), match=r"\bseed\b"):
        Network(SIZES, seed=-1)


def test_other_methods_reject_bad_input_by_name():
    net, X, Y = _net_and_data()
    snap = _snapshot(net)
    with pytest.raises(ValueError, match=_names("X")):
        net.feedforward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=_names("X")):
        net.predict(np.zeros(3))
    with pytest.raises(ValueError, match=_names("Y")):
        net.backprop(X, Y[:, :3])
    with pytest.raises(ValueError, match=_names("labels")):
        net.accuracy(X, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match=_names("lmbda")):
        net.total_cost(X, Y, lmbda=-1.0)
    with pytest.raises(TypeError, match=_names("lmbda")):
        net.total_cost(X, Y, lmbda="0.1")
    with pytest.raises(ValueError, match=_names("n")):
        net.total_cost(X, Y, lmbda=1.0, n=0)
    with pytest.raises(ValueError, match=_names("penalty")):
        net.total_cost(X, Y, lmbda=1.0, penalty="L2")
    _assert_unchanged(net, snap)


def test_hadamard_refuses_to_broadcast():
    with pytest.raises(ValueError, match="same shape"):
        hadamard(np.ones((3, 1)), np.ones((1, 3)))


def _overflowing_network():
    """A linear network whose pre-activations overflow to inf: the gradient is not finite."""
    net = Network([2, 2, 1], activation="linear", output_activation="linear", seed=0)
    net.weights[0][...] = 1e200
    X = np.full((2, 3), 1e200)  # finite input, but w @ X = 2e400 overflows
    return net, X, np.zeros((1, 3))


@pytest.mark.parametrize("penalty", ["l2", "l1", "l1_prox"])
def test_non_finite_gradient_raises_and_leaves_weights_unchanged(penalty):
    net, X, Y = _overflowing_network()
    snap = _snapshot(net)
    # numpy's overflow warning would otherwise be raised as an error by pyproject's filterwarnings
    # before the check we want to see; it is the FloatingPointError that is the contract
    with np.errstate(over="ignore", invalid="ignore"):
        nabla_b, nabla_w = net.backprop(X, Y)
        assert not all(np.all(np.isfinite(g)) for g in nabla_b + nabla_w)  # honestly non-finite
        with pytest.raises(FloatingPointError, match=r"eta = 0.25"):
            net.update_mini_batch(X, Y, 0.25, lmbda=1.0, n=10, penalty=penalty)
    _assert_unchanged(net, snap)
    # the network still works for sensible data afterwards
    net.weights[0][...] = 0.1
    net.update_mini_batch(np.ones((2, 3)), Y, 0.25)
    assert all(np.all(np.isfinite(p)) for p in net.weights + net.biases)


def test_nan_only_in_the_last_delta_still_stops_the_step(monkeypatch):
    # a NaN that reaches only the output layer's delta poisons that layer's bias and weight
    # gradients; the check catches it, and the biases are not updated before it
    net, X, Y = _net_and_data()
    snap = _snapshot(net)
    real = network_module.forward_backward

    def poisoned(*args, **kwargs):
        inputs, deltas = real(*args, **kwargs)
        deltas[-1][0, 0] = np.nan
        return inputs, deltas

    monkeypatch.setattr(network_module, "forward_backward", poisoned)
    with pytest.raises(FloatingPointError):
        net.update_mini_batch(X, Y, 0.5)
    _assert_unchanged(net, snap)


def test_one_dimensional_bias_is_rejected_or_used_as_a_column():
    net = Network([2, 3, 1], seed=0)
    net.biases[0] = np.array([0.5, -1.0, 2.0])  # (3,) instead of (3, 1)
    X = np.ones((2, 3))  # three identical examples
    try:
        out = net.feedforward(X)
    except ValueError:
        return
    np.testing.assert_allclose(out[:, 0], out[:, 1])  # identical columns, identical outputs


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(1, 6), cols=st.integers(0, 6), m=st.integers(1, 6))
def test_any_wrong_x_shape_is_rejected_without_change(rows, cols, m):
    net, _, _ = _net_and_data()
    snap = _snapshot(net)
    X = np.zeros((rows, cols))
    Y = np.zeros((2, m))
    if rows == 3 and cols == m:
        net.update_mini_batch(X, Y, 0.1)  # the one right shape is accepted
        return
    with pytest.raises(ValueError, match=_names("X") if (rows != 3 or cols == 0) else _names("Y")):
        net.update_mini_batch(X, Y, 0.1)
    _assert_unchanged(net, snap)


# ---------------------------------------------------------------- maths and augmentation (issue 11)
# Every case below failed before: a message that did not name the argument, or a silent
# non-finite (or wrong) result from an extreme but finite input.  The quadratic-model names are
# imported through lecture5.hessian, where they have always been importable.

from lecture5 import augment, hessian  # noqa: E402

IMG = np.zeros((28, 28))
IMG[6:22, 12:16] = 1.0  # a bar: "1"
RAGGED = [[1.0, 2.0], [3.0]]


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: augment.elastic_distortion(IMG, rng=1.5), TypeError, "rng"),
        (lambda: augment.elastic_distortion(IMG, rng=-3), ValueError, "rng"),
        (lambda: augment.rotate(RAGGED, 10), ValueError, "image"),
        (lambda: augment.shift(RAGGED, 1, 1), ValueError, "image"),
        (lambda: augment.skew(RAGGED, 0.1), ValueError, "image"),
        (lambda: hessian.l2_minimizer(RAGGED, [1.0, 2.0], 0.1), ValueError, "H"),
        (lambda: hessian.l2_minimizer(np.eye(2), [[1.0], [1.0, 2.0]], 0.1), ValueError, "w_star"),
        (lambda: augment.elastic_field(None, 1.0, 4.0), TypeError, "shape"),
        (lambda: augment.expand_dataset(np.zeros((784, 2)), np.array([0, 1]), transforms=None),
         TypeError, "transforms"),
        (lambda: hessian.quadratic_cost(1 + 1j, np.eye(1), [0.0]), TypeError, "w"),
        (lambda: hessian.quadratic_cost([np.nan, 0.0], np.eye(2), [0.0, 0.0]), ValueError, "w"),
        (lambda: hessian.quadratic_gradient([np.nan, 0.0], np.eye(2), [0.0, 0.0]), ValueError,
         "w"),
        (lambda: hessian.quadratic_gradient([[1.0], [2.0, 3.0]], np.eye(2), [0.0, 0.0]),
         ValueError, "w"),
    ],
)
def test_maths_and_augment_errors_name_the_argument(call, exc, name):
    with pytest.raises(exc, match=_names(name)):
        call()


BIG = 1e308  # finite, but H + H^T or Q^T w* overflowed


def test_eigen_decomposition_near_the_float_limit_is_finite_or_says_why():
    D, Q = hessian.eigen_decomposition([[BIG, 0.0], [0.0, BIG / 4]])
    np.testing.assert_array_equal(D, [BIG, BIG / 4])
    D, Q = hessian.eigen_decomposition(BIG * np.array([[1.0, 0.5], [0.5, 1.0]]))
    np.testing.assert_allclose(D, [1.5 * BIG, 0.5 * BIG], rtol=1e-14)
    np.testing.assert_allclose(np.abs(Q), np.sqrt(0.5), rtol=1e-14)
    # eigenvalue 2e308 does not exist in float64: a clear error instead of inf or nan
    for H in ([[BIG, BIG], [BIG, BIG]], [[BIG, -BIG], [-BIG, BIG]]):
        with pytest.raises(ValueError, match=r"^H has an eigenvalue of magnitude about 2e\+308"):
            hessian.eigen_decomposition(H)


def test_l2_minimizer_near_the_float_limit_is_finite():
    H = np.array([[1.0, 0.5], [0.5, 1.0]])
    expected = hessian.l2_minimizer(H, [1.0, 2.0], 1.0)
    np.testing.assert_allclose(hessian.l2_minimizer(BIG * H, [1.0, 2.0], BIG), expected,
                               rtol=1e-14)  # (34) does not change when H and lambda scale alike
    w_star = np.array([1.5 * BIG, 1.5 * BIG])  # Q^T w* = (2.1e308, 0) overflowed
    w = hessian.l2_minimizer(H, w_star, 1.0)
    np.testing.assert_allclose(w, hessian.l2_minimizer(H, w_star / 2.0**1000, 1.0) * 2.0**1000,
                               rtol=1e-14)
    assert np.isfinite(w).all()
    # keeping only the eigen-direction at 22.5 degrees turns w* = (1.7, 1.7) e308 into w~ with
    # first entry about 2.05e308, which float64 cannot hold
    steep_only = hessian.hessian_2d([1.0, 1e-20], 22.5)[0]
    with pytest.raises(ValueError, match=r"^w~ overflows float64"):
        hessian.l2_minimizer(steep_only, [1.7e308, 1.7e308], 1e-10)


def test_hessian_2d_near_the_float_limit_is_finite():
    H, Q, D = hessian.hessian_2d([BIG, BIG], 30.0)
    np.testing.assert_allclose(H, BIG * np.eye(2), rtol=1e-14, atol=1e-14 * BIG)
    H, Q, D = hessian.hessian_2d([BIG, -BIG / 2], 90.0)
    assert np.isfinite(H).all()


def test_step_thresholds_refuse_a_curvature_whose_inverse_overflows():
    tiny = r"^eigenvalues and lmbda give D_max \+ lmbda = 9\.9\d*e-321, too small"
    with pytest.raises(ValueError, match=tiny):
        hessian.step_thresholds([1e-320])
    assert np.isfinite(hessian.step_thresholds([1e-300])).all()


@pytest.mark.parametrize("eps", [1e-18, 1e-16, 1e-12, 0.5])
def test_hessian_refuses_an_unsound_difference_step(eps):
    net = Network([2, 3, 1], seed=0)
    X, Y = np.random.default_rng(0).normal(size=(2, 4)), np.zeros((1, 4))
    theta = net.parameter_vector()
    with pytest.raises(ValueError, match=r"^eps = .* outside the range where centred differences"):
        hessian.hessian(net, X, Y, eps=eps)  # 1e-18 gave an all-zero H, 1e-16 a wrong one
    np.testing.assert_array_equal(net.parameter_vector(), theta)
    with pytest.raises(ValueError, match=_names("eps")):
        hessian.hessian_of(lambda t: 2 * t, [3.0], eps=eps)


def test_hessian_accepts_the_edges_of_the_sound_range():
    net = Network([2, 3, 1], seed=0)
    X, Y = np.random.default_rng(0).normal(size=(2, 4)), np.zeros((1, 4))
    scale = max(1.0, float(np.abs(net.parameter_vector()).max()))
    reference = hessian.hessian(net, X, Y)
    for eps in (1e-10 * scale, 1e-2 * scale):
        H = hessian.hessian(net, X, Y, eps=eps)
        assert np.abs(H - reference).max() <= 1e-3 * np.abs(reference).max()


def test_rotate_takes_huge_angles_modulo_360():
    turned = augment.rotate(IMG, 1e15)
    assert 1e15 % 360 == 280.0
    np.testing.assert_array_equal(turned, augment.rotate(IMG, 280.0))
    assert turned.std() > 0.1  # a rotated bar, not a constant image
    np.testing.assert_array_equal(augment.rotate(IMG, -1e15), augment.rotate(IMG, -280.0))


@pytest.mark.parametrize("sigma", [29.0, 1e6, 1e16])
def test_elastic_sigma_is_bounded_by_the_image_size(sigma):
    import time

    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"^sigma must be at most the image size.* = 28 pixels"):
        augment.elastic_distortion(IMG, sigma=sigma, rng=0)  # 1e6 took 18 s, 1e16 MemoryError
    with pytest.raises(ValueError, match=_names("sigma")):
        augment.expand_dataset(IMG.reshape(784, 1), np.array([1]), transforms="elastic",
                               sigma=sigma)
    assert time.perf_counter() - start < 1.0
    assert augment.elastic_distortion(IMG, sigma=28.0, rng=0).shape == (28, 28)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
def test_expand_dataset_returns_float64_whatever_copies_is(dtype):
    X = (np.random.default_rng(0).uniform(size=(784, 3)) * 0.9).astype(dtype)
    y = np.array([0, 1, 2])
    dtypes = {augment.expand_dataset(X, y, copies=c)[0].dtype for c in (0, 1, 2)}
    assert dtypes == {np.dtype(np.float64)}


@pytest.mark.parametrize("bad, kwargs, error, match", [
    ("784", {}, TypeError, r"sizes must be a list of layer widths like \[784, 30, 10\]"),
    ([784], {}, ValueError, "at least an input and an output layer"),
    ([3, 0, 2], {}, ValueError, r"sizes\[1\] must be >= 1"),
    ([3, 2.5], {}, TypeError, r"sizes\[1\] must be an integer"),
    ([3, 6, 2], {"max_width": 5}, ValueError, r"sizes\[1\] must be <= 5"),
    ([3, 4, 4, 4, 2], {"max_layers": 4}, ValueError, "2 to 4 layers"),
])
def test_the_one_sizes_check_names_the_entry_and_the_limit(bad, kwargs, error, match):
    from lecture5 import _validate

    with pytest.raises(error, match=match):
        _validate.sizes(bad, **kwargs)
    with pytest.raises(error, match=match.replace("784, 30, 10", "3, 4, 2")):
        _validate.sizes(bad, "[3, 4, 2]", **kwargs)
    assert _validate.sizes((3, 4, 2), max_width=5, max_layers=4) == [3, 4, 2]

