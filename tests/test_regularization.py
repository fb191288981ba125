"""The regularization module by hand: the L2 term of eq (21) and its gradient (23), the weight
decay factor of eqs (26)/(28), the L1 term of eq (39) and its gradient (40), the soft threshold
(the proximal form of L1) and apply_penalty_step.  n is the training-set size throughout."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lecture5.regularization import (
    PENALTIES,
    apply_penalty_step,
    l1_gradient,
    l1_penalty,
    l2_gradient,
    l2_penalty,
    penalty_cost,
    soft_threshold,
    weight_decay_factor,
)

W = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([[3.0, -0.25]])]


def test_l2_penalty_by_hand():
    sum_sq = 1 + 4 + 0.25 + 0 + 9 + 0.0625
    assert l2_penalty(W, 0.3, 50) == pytest.approx(0.3 / (2 * 50) * sum_sq, rel=1e-15)
    assert l2_penalty(W, 0.0, 50) == 0.0


def test_l1_penalty_by_hand():
    sum_abs = 1 + 2 + 0.5 + 0 + 3 + 0.25
    assert l1_penalty(W, 0.3, 50) == pytest.approx(0.3 / 50 * sum_abs, rel=1e-15)


def test_penalty_cost_dispatch():
    assert penalty_cost(W, 0.3, 50, "l2") == l2_penalty(W, 0.3, 50)
    assert penalty_cost(W, 0.3, 50, "l1") == l1_penalty(W, 0.3, 50)
    assert penalty_cost(W, 0.3, 50, "l1_prox") == l1_penalty(W, 0.3, 50)  # same cost, other step
    assert penalty_cost(W, 0.3, 50, "none") == 0.0
    assert penalty_cost(W, 0.0, 50, "l2") == 0.0
    assert penalty_cost(W, 0.3, 50) == l2_penalty(W, 0.3, 50)  # "l2" is the default


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        ({"penalty": "L2"}, ValueError, "penalty"),
        ({"lmbda": -0.1}, ValueError, "lmbda"),
        ({"lmbda": float("nan")}, ValueError, "lmbda"),
        ({"lmbda": "0.1"}, TypeError, "lmbda"),
        ({"n": 0}, ValueError, "n"),
        ({"n": 2.5}, TypeError, "n"),
    ],
)
def test_penalty_cost_rejects_bad_arguments(kwargs, exc, name):
    args = {"lmbda": 0.3, "n": 50, "penalty": "l2"} | kwargs
    with pytest.raises(exc, match=rf"^{name} must"):
        penalty_cost(W, **args)


def test_gradients_by_hand():
    w = W[0]
    np.testing.assert_allclose(l2_gradient(w, 0.3, 50), 0.3 / 50 * w, rtol=1e-15)
    np.testing.assert_allclose(l1_gradient(w, 0.3, 50),
                               0.3 / 50 * np.array([[1.0, -1.0], [1.0, 0.0]]), rtol=1e-15)


def test_l2_gradient_matches_difference_of_l2_penalty():
    rng = np.random.default_rng(3)
    w = rng.normal(size=(3, 4))
    lmbda, n, h = 0.7, 20, 1e-6
    numeric = np.zeros_like(w)
    for idx in np.ndindex(w.shape):
        wp, wm = w.copy(), w.copy()
        wp[idx] += h
        wm[idx] -= h
        numeric[idx] = (l2_penalty([wp], lmbda, n) - l2_penalty([wm], lmbda, n)) / (2 * h)
    np.testing.assert_allclose(l2_gradient(w, lmbda, n), numeric, rtol=1e-6, atol=1e-10)


def test_weight_decay_factor():
    assert weight_decay_factor(0.5, 5.0, 1000) == pytest.approx(1 - 0.5 * 5.0 / 1000, rel=1e-15)
    assert weight_decay_factor(0.5, 0.0, 1000) == 1.0


def test_soft_threshold_by_hand():
    w = np.array([[-2.0, -0.3, 0.0, 0.29, 0.31, 5.0]])
    out = soft_threshold(w, 0.3)
    np.testing.assert_allclose(out, [[-1.7, 0.0, 0.0, 0.0, 0.01, 4.7]], rtol=1e-12, atol=1e-15)
    assert out[0, 1] == 0.0 and out[0, 3] == 0.0  # exact zeros, not just small
    np.testing.assert_array_equal(soft_threshold(w, 0.0), w)


@settings(max_examples=40, deadline=None)
@given(
    w=hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-10, 10)),
    t=st.floats(0.0, 5.0),
)
def test_soft_threshold_is_the_l1_proximal_step(w, t):
    # soft_threshold(w, t) minimises 1/2 (x - w)^2 + t |x| elementwise
    out = soft_threshold(w, t)

    def objective(x):
        return 0.5 * (x - w) ** 2 + t * np.abs(x)

    for shift in (-1e-3, 1e-3, -0.5, 0.5):
        assert np.all(objective(out) <= objective(out + shift) + 1e-12)
    assert np.all(objective(out) <= objective(np.zeros_like(w)) + 1e-12)
    # zero exactly where |w| <= t, otherwise shrunk by t toward 0 with the sign kept
    assert np.all((out == 0) == (np.abs(w) <= t))
    assert np.all(np.sign(out[out != 0]) == np.sign(w[out != 0]))


def _w():
    return np.array([[0.5, -0.001, 0.0], [-2.0, 0.002, 1.0]])


@pytest.mark.parametrize("use_scratch", [False, True])
def test_apply_penalty_step_by_hand(use_scratch):
    eta, lmbda, n = 0.5, 0.4, 100
    step = eta * lmbda / n  # 0.002
    w0 = _w()
    for penalty, expected in [
        ("l2", (1 - step) * w0),  # the (1 - eta lambda/n) w of eq (28)
        ("l1", w0 - step * np.sign(w0)),  # the - eta lambda/n sgn(w) of eq (41)
        ("l1_prox", np.sign(w0) * np.maximum(np.abs(w0) - step, 0)),
        ("none", w0),
    ]:
        w = w0.copy()
        scratch = np.empty_like(w) if use_scratch else None
        out = apply_penalty_step(w, eta, lmbda, n, penalty, scratch)
        assert out is w  # in place
        np.testing.assert_allclose(w, expected, rtol=1e-15, atol=0, err_msg=penalty)
    # the naive L1 step hops across zero, the proximal one lands on it
    w_l1 = apply_penalty_step(w0.copy(), eta, lmbda, n, "l1")
    w_prox = apply_penalty_step(w0.copy(), eta, lmbda, n, "l1_prox")
    assert w_l1[0, 1] > 0 and w_prox[0, 1] == 0.0
    assert w_prox[1, 1] == 0.0 and w_l1[1, 1] == 0.0


@pytest.mark.parametrize("penalty", PENALTIES)
def test_apply_penalty_step_with_zero_lambda_changes_nothing(penalty):
    w = _w()
    apply_penalty_step(w, 0.5, 0.0, 100, penalty)
    np.testing.assert_array_equal(w, _w())


@pytest.mark.parametrize("lmbda", [0.0, 1.0])
def test_apply_penalty_step_rejects_unknown_penalty(lmbda):
    w = _w()
    with pytest.raises(ValueError, match="penalty must be one of"):
        apply_penalty_step(w, 0.5, lmbda, 100, "L1")
    np.testing.assert_array_equal(w, _w())
