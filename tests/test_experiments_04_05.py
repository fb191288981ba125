"""lecture5.experiments, the block of notebooks 04 and 05: saturation and overshoot at a large
eta, the start N(0, 1) against N(0, 1/n_in), eq (34)/(37) on linear least squares and on a small
network, lambda chosen on validation digits.  Small settings, so the file stays fast."""

import numpy as np
import pytest

from lecture5 import experiments
from lecture5.costs import CrossEntropyCost
from lecture5.hessian import l2_minimizer


def _net(scale, seed=0):
    rng = np.random.default_rng(seed)
    weights = [scale * rng.normal(size=(6, 784)), rng.normal(size=(10, 6))]
    biases = [rng.normal(size=(6, 1)), rng.normal(size=(10, 1))]
    return weights, biases


def test_saturation_of_huge_weights_is_total():
    X = experiments.sgd_data().X_test[:, :50]
    s = experiments.saturation(*_net(1000.0), X)
    assert s.saturated == pytest.approx(1.0) and s.units_always == pytest.approx(1.0)
    assert s.sigma_prime < 1e-4  # a (1 - a) < 0.01 for every unit and digit, mostly far below
    assert len(s.mean_output) == 10 and all(0 <= a <= 1 for a in s.mean_output)


def test_saturation_of_tiny_weights_is_none_and_the_hidden_layer_is_constant():
    X = experiments.sgd_data().X_test[:, :50]
    s = experiments.saturation(*_net(0.0), X)  # zero weights: z = b for every digit
    assert s.saturated < 1.0 and s.hidden_spread == 0.0
    assert s.predicted_classes == 1 and s.output_spread == 0.0
    a = 1 / (1 + np.exp(-_net(0.0)[1][0]))  # sigma(b^2), the same for every digit
    assert s.sigma_prime == pytest.approx(float(np.mean(a * (1 - a))))


def test_saturation_rejects_a_network_without_hidden_layer():
    with pytest.raises(ValueError, match="hidden layer"):
        experiments.saturation([np.zeros((10, 784))], [np.zeros((10, 1))], np.zeros((784, 3)))


def test_init_saturation_large_start_saturates_the_default_does_not():
    out = experiments.init_saturation(seeds=(0, 1), n=200)
    assert set(out) == {("default", 0), ("default", 1), ("large", 0), ("large", 1)}
    for seed in (0, 1):
        assert out[("large", seed)].saturated > 0.3 > out[("default", seed)].saturated
        assert out[("large", seed)].sigma_prime < out[("default", seed)].sigma_prime


def test_overshoot_records_constant_outputs_and_the_best_constant():
    o = experiments.overshoot(50.0, seed=0, steps=3, epochs=1)
    assert o.outputs.shape == (4, 10) and np.all((o.outputs >= 0) & (o.outputs <= 1))
    Y = experiments.sgd_data().Y_train
    assert np.allclose(o.frequencies, Y.mean(axis=1)) and o.frequencies.sum() == pytest.approx(1)
    constant = np.repeat(o.frequencies[:, None], Y.shape[1], axis=1)
    assert o.best_constant_cost == pytest.approx(CrossEntropyCost.fn(constant, Y))
    assert o.cost > o.best_constant_cost and o.z_jump > 0


def test_sgd_run_is_cached_and_validates():
    a = experiments.sgd_run(0.5, seed=0, epochs=1)
    assert experiments.sgd_run(0.5, seed=0, epochs=1) is a
    assert len(a.history["epoch"]) == 1
    with pytest.raises(ValueError, match="eta"):
        experiments.sgd_run(-1.0)


def test_ridge_check_formula_is_the_exact_regularized_minimum():
    for lmbda in (0.0, 0.1, 3.0):
        r = experiments.ridge_check(lmbda=lmbda, k=5, m=40, seed=1)
        assert np.allclose(r.w_formula, r.w_direct, atol=1e-10)
        assert r.gradient_at_formula < 1e-10
        assert np.allclose(r.w_formula, l2_minimizer(r.H, r.w_star, lmbda))
    with pytest.raises(ValueError, match="m"):
        experiments.ridge_check(k=5, m=3)


def test_network_l2_check_reaches_stationary_points_and_compares():
    c = experiments.network_l2_check(lambdas=(10.0,))
    assert c.eigenvalues.shape == (32,) and np.all(np.diff(c.eigenvalues) <= 1e-15)
    assert c.lambdas == pytest.approx((10.0 / 200,))
    assert c.gradient_at_actual[0] < 1e-7 and c.steps[0] > 0
    # the formula shrinks the weights, like the real minimum, but is not equal to it
    assert np.linalg.norm(c.w_formula[0]) < np.linalg.norm(c.w_star)
    assert np.linalg.norm(c.w_actual[0]) < np.linalg.norm(c.w_star)
    assert c.c0_actual[0] > c.c0_star


def test_l2_validation_study_chooses_on_validation_and_reports_test_for_two():
    st = experiments.l2_validation_study(lambdas=(0.0, 3.0), seeds=(0, 1), n_train=50,
                                         epochs=2)
    assert st["val_cost"].shape == (2, 2) and st["val_accuracy"].shape == (2, 2)
    assert st["chosen"] == st["lambdas"][int(np.argmin(st["val_cost"].mean(axis=1)))]
    assert set(st["test_accuracy"]) == {0.0, st["chosen"]}
    st2 = experiments.l2_validation_study(lambdas=(0.0, 3.0), seeds=(0, 1), n_train=50,
                                          epochs=2, criterion="accuracy")
    assert st2["chosen"] == st2["lambdas"][int(np.argmax(st2["val_accuracy"].mean(axis=1)))]
    with pytest.raises(ValueError, match="criterion"):
        experiments.l2_validation_study(criterion="test")


def test_l2_run_large_start_and_validation_history():
    r = experiments.l2_run(0.0, init="large", n_train=50, epochs=2)
    assert len(r.history["eval_accuracy"]) == 2
    assert r.history["eval_accuracy"][-1] == pytest.approx(r.val_accuracy)
    assert 0 <= r.test_accuracy <= 1
    with pytest.raises(ValueError, match="init"):
        experiments.l2_run(0.0, init="huge")


def test_network_l2_check_validates_and_accepts_a_list():
    with pytest.raises(TypeError, match="lambdas"):
        experiments.network_l2_check(lambdas=[])
    with pytest.raises(ValueError, match=r"lambdas\[0\]"):
        experiments.network_l2_check(lambdas=[-1.0])
    assert experiments.network_l2_check(lambdas=[10.0]) is experiments.network_l2_check((10.0,))
