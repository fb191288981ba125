"""lecture5.experiments, notebooks 00-03 block: delta^l per layer, the work of one gradient."""

import numpy as np
import pytest

from lecture5 import CrossEntropyCost, Network, QuadraticCost, experiments
from lecture5.backprop import errors_single
from lecture5.datasets import load_mnist

SMALL = {"sizes": (784, 8, 8, 10), "seeds": (0, 1), "n_examples": 20}


def test_delta_norms_are_the_mean_column_norms_of_bp1_bp2():
    r = experiments.delta_norms(**SMALL)
    assert r.layers == (2, 3, 4) and r.norms.shape == (2, 3) and r.ratios.shape == (2, 2)
    data = load_mnist(n_train=20, n_test=1, seed=0)
    net = Network(list(SMALL["sizes"]), cost=CrossEntropyCost, seed=1)
    per_example = np.array([[np.linalg.norm(d) for d in errors_single(
        net.weights, net.biases, data.X_train[:, c], data.Y_train[:, c], CrossEntropyCost)[1]]
        for c in range(20)])  # independent: the one-example loop of the slides
    np.testing.assert_allclose(r.norms[1], per_example.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(r.ratios, r.norms[:, :-1] / r.norms[:, 1:])
    assert r.sigma_prime_rms.shape == (2, 2)
    z2 = net.weights[0] @ data.X_train + net.biases[0]  # eq (4) for layer 2, by hand
    s2 = 1 / (1 + np.exp(-z2))
    assert r.sigma_prime_rms[1, 0] == pytest.approx(np.sqrt(np.mean((s2 * (1 - s2)) ** 2)))
    assert np.all(r.sigma_prime_rms <= 0.25)
    assert experiments.delta_norms(**SMALL) is r
    with pytest.raises(ValueError):
        r.norms[0, 0] = 1.0


def test_delta_norms_shrink_backwards_through_sigmoid_layers():
    r = experiments.delta_norms(sizes=(784, 30, 30, 30, 10), seeds=(0, 1, 2), n_examples=200,
                                cost=QuadraticCost)
    assert np.all(r.ratios < 0.5)  # sigma' <= 1/4 and weights N(0, 1/n_in) at every BP2 step


@pytest.mark.parametrize("kwargs, name", [({"sizes": (784, 10)}, "sizes"),
                                          ({"sizes": (700, 5, 10)}, "sizes"),
                                          ({"seeds": ()}, "seeds"),
                                          ({"n_examples": 0}, "n_examples"),
                                          ({"cost": "quadratic"}, "cost")])
def test_delta_norms_rejects_bad_arguments(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        experiments.delta_norms(**kwargs)


def test_gradient_costs_count_the_matrix_products():
    rows = experiments.gradient_costs(hidden_widths=(3, 10), n_in=5, n_out=2, m=7)
    for r, h in zip(rows, (3, 10)):
        net = Network([5, h, 2], seed=0)
        assert r.n_params == net.parameter_vector().size
        assert r.fd_forward_passes == 2 * r.n_params
        forward = 7 * (5 * h + h * 2)
        assert r.fd_multiplications == 2 * r.n_params * forward
        assert r.bp_multiplications == forward + 7 * h * 2 + forward  # forward, BP2, BP4
        assert r.ratio == pytest.approx(r.fd_multiplications / r.bp_multiplications)


def test_finite_differences_really_run_two_forward_passes_per_parameter():
    for sizes, m in (((3, 4, 2), 1), ((5, 3, 3, 2), 4)):
        P, passes = experiments.finite_difference_passes(sizes, m=m)
        assert P == Network(list(sizes)).parameter_vector().size and passes == 2 * P
        row = experiments.gradient_costs((sizes[1],), n_in=sizes[0], n_out=sizes[-1])[0]
        if len(sizes) == 3:
            assert row.fd_forward_passes == passes


def test_finite_difference_work_grows_like_p_squared_and_backprop_like_p():
    rows = experiments.gradient_costs()
    P = [r.n_params for r in rows]
    assert experiments.loglog_slope(P[-3:], [r.fd_multiplications for r in rows[-3:]]) == \
        pytest.approx(2.0, abs=0.01)
    assert experiments.loglog_slope(P, [r.bp_multiplications for r in rows]) == \
        pytest.approx(1.0, abs=0.02)


def test_loglog_slope_recovers_a_power_law():
    x = np.array([1.0, 3.0, 10.0, 40.0])
    assert experiments.loglog_slope(x, 5.0 * x ** 1.7) == pytest.approx(1.7, abs=1e-12)


@pytest.mark.parametrize("x, y", [([1.0], [2.0]), ([1.0, 1.0], [2.0, 3.0]),
                                  ([1.0, -2.0], [1.0, 2.0]), ([1.0, 2.0], [1.0])])
def test_loglog_slope_rejects_what_it_cannot_fit(x, y):
    with pytest.raises(ValueError):
        experiments.loglog_slope(x, y)


def test_gradient_costs_rejects_bad_widths():
    with pytest.raises(ValueError, match="hidden_widths"):
        experiments.gradient_costs(())
    with pytest.raises(TypeError, match="hidden_widths"):
        experiments.gradient_costs("16")
    with pytest.raises(ValueError, match="hidden_widths"):
        experiments.gradient_costs((4, 0))
