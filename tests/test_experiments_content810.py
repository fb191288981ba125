"""lecture5.experiments, the block of notebooks 08 and 10: the filter gap of early stopping against
L2, the seed study of notebook 08's methods, and the saturation report of a far too large eta."""

import numpy as np
import pytest

from lecture5 import experiments
from lecture5.hessian import shrink_factors
from lecture5.network import Network
from lecture5.quadratic import early_stopping_factors

#: a small version of notebook 08's problem
SMALL8 = {"sizes": (784, 30, 10), "n_train": 300, "validation": 300, "epochs": 6,
          "n_test": 500}


def test_filter_gap_is_the_largest_difference_of_the_two_filters():
    eta, tau = 0.1, 20
    gap, d, lam = experiments.filter_gap(eta, tau)
    assert lam == pytest.approx(1 / (eta * tau))
    D = np.logspace(-4, 0, 5001) / eta
    diff = early_stopping_factors(D, eta, tau) - shrink_factors(D, lam)
    assert abs(gap) == pytest.approx(np.abs(diff).max(), abs=1e-4)
    assert early_stopping_factors([d], eta, tau)[0] - shrink_factors([d], lam)[0] == \
        pytest.approx(gap)
    # a given spectrum and lambda are used as given
    g2, d2, l2 = experiments.filter_gap(eta, tau, lmbda=0.3, eigenvalues=[0.25, 2.0])
    assert l2 == 0.3 and d2 in (0.25, 2.0)
    with pytest.raises(ValueError, match="lmbda"):
        experiments.filter_gap(eta, tau, lmbda=0.0)
    with pytest.raises(ValueError, match="eta"):
        experiments.filter_gap(-1.0, tau)


def test_filter_gap_at_the_matching_lambda_hardly_depends_on_tau():
    # for large tau both filters depend on u = eta tau D only: 1 - exp(-u) against u / (1 + u)
    u = np.logspace(-3, 3, 20001)
    limit = np.max(1 - np.exp(-u) - u / (1 + u))
    assert experiments.filter_gap(0.01, 5000)[0] == pytest.approx(limit, abs=2e-3)


def test_method_seeds_reads_the_cached_runs():
    methods = {"none": {}, "early": {"patience": 1}}
    r = experiments.method_seeds(methods, seeds=(1, 0), **SMALL8)  # seed 0 stops early
    assert r.methods == ("none", "early") and r.seeds == (1, 0)
    assert r.test.shape == r.norm.shape == (2, 2)
    for j, seed in enumerate((1, 0)):
        full = experiments.early_run(None, seed=seed, **SMALL8)
        es = experiments.early_run(1, seed=seed, **SMALL8)
        assert r.test[0, j] == full.test_accuracy and r.test[1, j] == es.test_accuracy
        assert r.norm[1, j] == experiments.weight_norm(es.weights)
        assert r.validation[0, j] == full.eval_accuracy
        assert r.best_epoch[0, j] == SMALL8["epochs"]
        assert r.best_epoch[1, j] == (es.best_epoch if experiments.stopped_early(es)
                                      else es.epochs_run)
        assert r.train[1, j] == es.history["train_accuracy"][int(r.best_epoch[1, j]) - 1]
    with pytest.raises(ValueError, match="methods"):
        experiments.method_seeds({}, **SMALL8)
    with pytest.raises(TypeError, match="seeds"):
        experiments.method_seeds(methods, seeds=3, **SMALL8)


def _data(m=50, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((6, m))
    y = rng.integers(0, 3, m)
    return X, np.eye(3)[:, y], y


def test_saturation_report_of_a_saturated_hidden_layer():
    X, Y, y = _data()
    net = Network([6, 4, 3], cost="cross-entropy", seed=0)
    net.weights[0][...] = 0.0
    net.biases[0][...] = np.array([[30.0], [-30.0], [25.0], [-40.0]])  # every unit saturated
    r = experiments.saturation_report(net, X, Y)
    assert r.saturated == 1.0 and r.units_always_saturated == 4 == r.units
    assert r.hidden_spread == 0.0 and r.output_spread == pytest.approx(0.0, abs=1e-15)
    assert np.count_nonzero(r.predicted) == 1 and r.predicted.sum() == 50
    assert r.hidden_delta < 1e-9 < r.output_delta
    freq = Y.mean(axis=1, keepdims=True)
    best = -np.sum(Y * np.log(freq) + (1 - Y) * np.log(1 - freq)) / Y.shape[1]
    assert r.constant_cost == pytest.approx(best)
    assert r.cost >= r.constant_cost - 1e-12  # a constant output cannot beat the best constant


def test_saturation_report_of_a_fresh_network_and_bad_input():
    X, Y, _ = _data()
    net = Network([6, 4, 3], cost="cross-entropy", seed=0)
    r = experiments.saturation_report(net, X, Y)
    assert r.saturated < 0.5 and r.hidden_spread > 0.01
    a = net.feedforward(X)
    assert r.output_delta == pytest.approx(np.abs(a - Y).mean())
    with pytest.raises(ValueError, match="hidden layer"):
        experiments.saturation_report(Network([6, 3], seed=0), X, Y)
    with pytest.raises(ValueError, match="Y"):
        experiments.saturation_report(net, X, Y[:, :10])
    with pytest.raises(ValueError, match="threshold"):
        experiments.saturation_report(net, X, Y, threshold=0.0)


def test_large_eta_reports_one_per_seed_and_cached():
    small = {"n_train": 200, "epochs": 2, "n_test": 200}
    runs, reports, notes = experiments.large_eta_reports(seeds=(0, 1), **small)
    again = experiments.large_eta_reports(seeds=(0, 1), **small)
    assert runs[0] is again[0][0] and len(reports) == 2 and isinstance(notes, list)
    assert reports[0].units == 30 and reports[0].predicted.sum() == 200
    with pytest.raises(TypeError, match="seeds"):
        experiments.large_eta_reports(seeds=None)
