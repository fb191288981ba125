"""BP1-BP4 and the whole backprop gradient against centred finite differences (float64).

Numbering: Nielsen's (input = layer 1, output = layer L); ``zs[i]`` is z^{i+2}.

The cost is averaged over the m columns, C = (1/m) sum_x C_x, while delta^l = dC_x/dz^l holds one
column per example.  So the finite-difference derivative of C with respect to z^l equals
delta^l / m, and BP3/BP4 (which average over columns) equal dC/db^l and dC/dw^l directly.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5 import (
    CrossEntropyCost,
    Network,
    QuadraticCost,
    bp1,
    bp2,
    bp3,
    bp4,
    hadamard,
    linear,
    sigmoid,
    tanh,
)
from lecture5.backprop import backprop_batch, backprop_per_example, feedforward_trace
from lecture5.gradcheck import numerical_gradient, relative_error

TOL = 1e-7
EPS = 1e-5
M = 4

#: the largest relative error each test saw, for the record (see _agree)
OBSERVED = []

CASES = [
    pytest.param(sizes, cost, act, out, id=f"{sizes}-{cost.name}-{act.name}-{out.name}")
    for sizes in ([3, 2], [4, 5, 3], [5, 4, 4, 2])
    for cost in (QuadraticCost, CrossEntropyCost)
    for act in (sigmoid, tanh)
    for out in (sigmoid,)
] + [
    # a linear output layer with the quadratic cost (linear regression on top of a hidden layer)
    pytest.param([3, 4, 2], QuadraticCost, tanh, linear, id="[3, 4, 2]-quadratic-tanh-linear"),
]
#: the cases with at least one hidden layer (BP2 needs one)
HIDDEN_CASES = [case for case in CASES if len(case.values[0]) > 2]


def _agree(a, b, tol=TOL):
    err = relative_error(a, b)
    OBSERVED.append(err)
    assert err <= tol, f"relative error {err:.2e} > {tol:.0e}"
    return err


def _setup(sizes, cost, act, out, seed=0, m=M):
    net = Network(sizes, cost=cost, seed=seed, activation=act, output_activation=out)
    rng = np.random.default_rng(seed + 100)
    X = rng.normal(size=(sizes[0], m))
    Y = rng.uniform(size=(sizes[-1], m))
    return net, X, Y


def _cost_from_z(net, i, z, Y):
    """C computed from the weighted input z = z^{i+2} onwards: a = sigma(z), then eq (4) for
    the layers above, then the cost.  With i = L-2 (the last layer) this is C as a function of
    z^L alone, which is what BP1 differentiates."""
    last = len(net.weights) - 1
    a = (net.output_activation if i == last else net.activation)(z)
    for j in range(i + 1, last + 1):
        act = net.output_activation if j == last else net.activation
        a = act(net.weights[j] @ a + net.biases[j])
    return net.cost.fn(a, Y)


def _fd_wrt(f, z, eps=EPS):
    """Centred differences of the scalar f(z) for every entry of the array z."""
    z = np.array(z, dtype=float)
    grad = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[index] += eps
        zm[index] -= eps
        grad[index] = (f(zp) - f(zm)) / (2 * eps)
    return grad


def _deltas(net, X, Y):
    """delta^l for every layer from the library's bp1 and bp2 (not from backprop_batch)."""
    zs, activations = feedforward_trace(net.weights, net.biases, X, net.activation,
                                        net.output_activation)
    delta = bp1(net.cost.nabla_a(activations[-1], Y), zs[-1], net.output_activation)
    deltas = [delta]
    for i in range(len(net.weights) - 2, -1, -1):
        delta = bp2(net.weights[i + 1], delta, zs[i], net.activation)
        deltas.insert(0, delta)
    return zs, activations, deltas


# ---------------------------------------------------------------- BP1-BP4, one at a time


@pytest.mark.parametrize("sizes, cost, act, out", CASES)
def test_bp1_is_dC_dzL(sizes, cost, act, out):
    net, X, Y = _setup(sizes, cost, act, out)
    zs, activations, deltas = _deltas(net, X, Y)
    fd = _fd_wrt(lambda z: _cost_from_z(net, len(zs) - 1, z, Y), zs[-1])
    _agree(deltas[-1] / M, fd)
    # the cost's own shortcut for delta^L (used by backprop) agrees with BP1 written out
    np.testing.assert_allclose(cost.delta(zs[-1], activations[-1], Y, out), deltas[-1],
                               rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("sizes, cost, act, out", HIDDEN_CASES)
def test_bp2_is_dC_dz_in_every_hidden_layer(sizes, cost, act, out):
    net, X, Y = _setup(sizes, cost, act, out)
    zs, _, deltas = _deltas(net, X, Y)
    for i in range(len(zs) - 1):
        fd = _fd_wrt(lambda z, i=i: _cost_from_z(net, i, z, Y), zs[i])
        _agree(deltas[i] / M, fd)


@pytest.mark.parametrize("sizes, cost, act, out", CASES)
def test_bp3_bp4_are_dC_db_and_dC_dw(sizes, cost, act, out):
    net, X, Y = _setup(sizes, cost, act, out)
    _, activations, deltas = _deltas(net, X, Y)
    fd_b, fd_w = numerical_gradient(net, X, Y, eps=EPS)
    for i, delta in enumerate(deltas):
        _agree(bp3(delta), fd_b[i])
        _agree(bp4(delta, activations[i]), fd_w[i])


@pytest.mark.parametrize("sizes, cost, act, out", CASES)
def test_whole_backprop_gradient_matches_finite_differences(sizes, cost, act, out):
    net, X, Y = _setup(sizes, cost, act, out)
    nabla_b, nabla_w = net.backprop(X, Y)
    fd_b, fd_w = numerical_gradient(net, X, Y, eps=EPS)
    _agree([nabla_w, nabla_b], [fd_w, fd_b])
    for g, f in zip(nabla_w + nabla_b, fd_w + fd_b):
        _agree(g, f)


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    seed=st.integers(0, 10_000),
    m=st.integers(1, 5),
    cost=st.sampled_from([QuadraticCost, CrossEntropyCost]),
    act=st.sampled_from([sigmoid, tanh]),
)
def test_property_backprop_matches_finite_differences(sizes, seed, m, cost, act):
    net, X, Y = _setup(sizes, cost, act, sigmoid, seed=seed, m=m)
    nabla_b, nabla_w = net.backprop(X, Y)
    fd_b, fd_w = numerical_gradient(net, X, Y, eps=EPS)
    _agree([nabla_w, nabla_b], [fd_w, fd_b])


# ---------------------------------------------------------------- the two forms of backprop


@pytest.mark.parametrize("sizes, cost, act, out", CASES)
def test_batch_form_equals_the_per_example_loop(sizes, cost, act, out):
    net, X, Y = _setup(sizes, cost, act, out, m=7)
    args = (net.weights, net.biases, X, Y, cost, act, out)
    batch_b, batch_w = backprop_batch(*args)
    loop_b, loop_w = backprop_per_example(*args)
    for a, b in zip(batch_b + batch_w, loop_b + loop_w):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_bp3_bp4_with_one_column_are_exactly_eqs_19_and_20():
    rng = np.random.default_rng(1)
    delta = rng.normal(size=(3, 1))
    a_prev = rng.normal(size=(4, 1))
    np.testing.assert_array_equal(bp3(delta), delta)  # (19): dC/db_j = delta_j
    dw = bp4(delta, a_prev)
    assert dw.shape == (3, 4)
    np.testing.assert_array_equal(dw, np.outer(delta[:, 0], a_prev[:, 0]))  # (20)
    assert dw[2, 1] == a_prev[1, 0] * delta[2, 0]  # dC/dw_jk = a_k delta_j, j = 2, k = 1
    # 1-D vectors are read as single columns
    np.testing.assert_array_equal(bp3(delta[:, 0]), delta)
    np.testing.assert_array_equal(bp4(delta[:, 0], a_prev[:, 0]), dw)


def test_bp3_bp4_average_over_columns():
    rng = np.random.default_rng(2)
    delta, a_prev = rng.normal(size=(3, 5)), rng.normal(size=(4, 5))
    np.testing.assert_allclose(bp3(delta), delta.mean(axis=1, keepdims=True), rtol=1e-14)
    mean_outer = sum(np.outer(delta[:, j], a_prev[:, j]) for j in range(5)) / 5
    np.testing.assert_allclose(bp4(delta, a_prev), mean_outer, rtol=1e-12, atol=1e-15)


def test_hadamard_is_elementwise_and_refuses_to_broadcast():
    np.testing.assert_array_equal(hadamard([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), [4.0, 10.0, 18.0])
    with pytest.raises(ValueError, match=r"\(3, 1\).*\(1, 3\)"):
        hadamard(np.ones((3, 1)), np.ones((1, 3)))


# ---------------------------------------------------------------- the cross-entropy delta


def test_cross_entropy_delta_has_no_sigma_prime_factor():
    net, X, Y = _setup([4, 3, 3], CrossEntropyCost, sigmoid, sigmoid, seed=7)
    zs, activations = feedforward_trace(net.weights, net.biases, X)
    zL, aL = zs[-1], activations[-1]
    delta = CrossEntropyCost.delta(zL, aL, Y)
    np.testing.assert_array_equal(delta, aL - Y)
    fd = _fd_wrt(lambda z: _cost_from_z(net, len(zs) - 1, z, Y), zL)
    _agree(delta / M, fd)
    # with an extra sigma'(z) (<= 1/4) the result is off by far more than any rounding
    wrong = (aL - Y) * sigmoid.prime(zL)
    assert relative_error(wrong / M, fd) > 0.5


def test_quadratic_delta_keeps_the_sigma_prime_factor():
    net, X, Y = _setup([4, 3, 3], QuadraticCost, sigmoid, sigmoid, seed=7)
    zs, activations = feedforward_trace(net.weights, net.biases, X)
    fd = _fd_wrt(lambda z: _cost_from_z(net, len(zs) - 1, z, Y), zs[-1])
    _agree(QuadraticCost.delta(zs[-1], activations[-1], Y) / M, fd)
    assert relative_error((activations[-1] - Y) / M, fd) > 0.5
