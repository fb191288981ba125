"""The training engine: per-step hyper-parameters, history, early stopping, divergence."""

import math

import numpy as np
import pytest

from lecture5 import CrossEntropyCost, Network, QuadraticCost
from lecture5.dropout import dropout_masks, test_time_weights
from lecture5.training import HISTORY_KEYS, Trainer, TrainingWarning, sgd


def _data(n=120, d=6, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(d, n))
    W = rng.normal(size=(k, d))
    labels = np.argmax(W @ X, axis=0)
    return X, np.eye(k)[:, labels], labels


def _next_batch(trainer):
    """The columns the trainer will use for its next mini-batch (starting a new epoch if needed)."""
    if trainer._perm is None:
        state = trainer.rng.bit_generator.state
        perm = trainer.rng.permutation(trainer.n)
        trainer.rng.bit_generator.state = state  # the trainer will draw the same permutation
        return perm[:trainer.mini_batch_size]
    return trainer._perm[trainer.position:trainer.position + trainer.mini_batch_size]


def _expected_step(net, X, Y, idx, **kw):
    ref = net.copy()
    ref.update_mini_batch(X[:, idx], Y[:, idx], **kw)
    return ref


def _assert_same_params(a, b):
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)


def test_a_step_is_update_mini_batch_with_n_the_training_set_size():
    X, Y, _ = _data()
    net = Network([6, 5, 3], cost=CrossEntropyCost, seed=1)
    tr = Trainer(net, X, Y, eta=0.3, lmbda=2.0, mini_batch_size=8)
    idx = _next_batch(tr)
    ref = _expected_step(net, X, Y, idx, eta=0.3, lmbda=2.0, n=X.shape[1])
    tr.step()
    _assert_same_params(net, ref)


@pytest.mark.parametrize("name,value", [("eta", 1.7), ("lmbda", 9.0), ("penalty", "l1"),
                                        ("mini_batch_size", 5)])
def test_changing_a_hyper_parameter_mid_epoch_takes_effect_at_the_next_step(name, value):
    X, Y, _ = _data()
    net = Network([6, 5, 3], cost=CrossEntropyCost, seed=2)
    tr = Trainer(net, X, Y, eta=0.3, lmbda=1.0, mini_batch_size=8)
    for _ in range(3):
        tr.step()
    before = net.get_parameters()
    setattr(tr, name, value)
    idx = _next_batch(tr)
    kw = {"eta": tr.eta, "lmbda": tr.lmbda, "n": X.shape[1], "penalty": tr.penalty}
    ref = _expected_step(net, X, Y, idx, **kw)
    tr.step()
    _assert_same_params(net, ref)
    # and the network was not reset: the step started from the weights it had
    assert tr.steps == 4
    assert not np.allclose(before[0][0], Network([6, 5, 3], seed=2).weights[0])


def test_history_has_one_entry_per_epoch_and_the_penalty_is_split_out():
    X, Y, labels = _data(n=150)
    net = Network([6, 8, 3], cost=CrossEntropyCost, seed=0)
    tr = Trainer(net, X[:, :100], Y[:, :100], eta=0.5, lmbda=3.0, mini_batch_size=10,
                 eval_data=(X[:, 100:], Y[:, 100:], labels[100:]))
    h = tr.train(4, progress=False)
    assert set(h) == set(HISTORY_KEYS)
    assert all(len(v) == 4 for v in h.values())
    assert h["epoch"] == [1, 2, 3, 4]
    # the penalty depends on the weights and the training-set size only
    assert h["train_penalty"] == h["eval_penalty"]
    w2 = sum(float((w ** 2).sum()) for w in net.weights)
    assert math.isclose(h["train_penalty"][-1], 3.0 / (2 * 100) * w2, rel_tol=1e-12)
    assert math.isclose(h["weight_norm"][-1], math.sqrt(w2), rel_tol=1e-12)
    data_cost = CrossEntropyCost.fn(net.feedforward(X[:, :100]), Y[:, :100])
    assert math.isclose(h["train_cost"][-1], data_cost, rel_tol=1e-12)
    assert h["train_accuracy"][-1] == net.accuracy(X[:, :100], labels[:100])
    assert h["train_cost"][-1] < h["train_cost"][0]  # it learns
    assert all(s > 0 for s in h["seconds"])


def test_l1_soft_threshold_reports_exact_zeros():
    X, Y, _ = _data()
    net = Network([6, 10, 3], cost=CrossEntropyCost, seed=0)
    tr = Trainer(net, X, Y, eta=0.5, lmbda=20.0, penalty="l1_prox", mini_batch_size=10)
    h = tr.train(3, progress=False)
    zeros = sum(int((w == 0).sum()) for w in net.weights) / sum(w.size for w in net.weights)
    assert zeros > 0.2
    assert h["zero_fraction"][-1] == zeros


def test_early_stopping_restores_the_best_epoch(monkeypatch):
    X, Y, _ = _data()
    net = Network([6, 5, 3], cost=CrossEntropyCost, seed=0)
    tr = Trainer(net, X, Y, eta=0.5, mini_batch_size=10, eval_data=(X.copy(), Y),
                 early_stopping=2)
    scripted = iter([0.5, 0.7, 0.6, 0.65, 0.9])
    real = tr._evaluate  # what every epoch's evaluation calls

    def evaluate(Xe, Ye, labels=None, saturation=False):
        c, p, a, s = real(Xe, Ye, labels, saturation)
        return (c, p, next(scripted), s) if Xe is tr.eval_data[0] else (c, p, a, s)

    monkeypatch.setattr(tr, "_evaluate", evaluate)
    snapshots = {}
    for _ in range(6):
        tr.run_epoch()
        if tr.stopped:
            break
        snapshots[tr.epoch] = net.get_parameters()
    assert tr.stopped == "early stopping"
    assert tr.epoch == 4 and tr.best_epoch == 2
    assert "2 epochs" in tr.message and "epoch 2" in tr.message
    for p, q in zip(net.weights + net.biases, snapshots[2][0] + snapshots[2][1]):
        np.testing.assert_array_equal(p, q)
    assert tr.step() is None and tr.epoch == 4  # nothing happens once stopped


def test_divergence_stops_with_a_message_and_finite_weights():
    X, Y, _ = _data()
    net = Network([6, 5, 3], cost=QuadraticCost, seed=0, activation="linear",
                  output_activation="linear")
    tr = Trainer(net, X * 50, Y, eta=5.0, mini_batch_size=10)
    with pytest.warns(TrainingWarning, match="diverged"):
        tr.train(20, progress=False)
    assert tr.stopped == "diverged"
    assert "epoch" in tr.message and "mini-batch" in tr.message and "eta = 5" in tr.message
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)
    assert tr.step() is None
    # the weights are those of the start of the diverging epoch: with a small eta it goes on
    tr.eta = 1e-4
    tr.resume()
    assert tr.stopped is None and tr.message == ""
    record = tr.run_epoch()
    assert record is not None and math.isfinite(record["train_cost"])


@pytest.mark.parametrize("name,value,match", [
    ("eta", 0.0, "eta"), ("eta", -1, "eta"), ("eta", float("nan"), "eta"),
    ("lmbda", -0.1, "lmbda"), ("penalty", "l3", "penalty"), ("p_drop", 1.0, "p_drop"),
    ("mini_batch_size", 0, "mini_batch_size"), ("mini_batch_size", 121, "mini_batch_size"),
    ("dropout", "random", "dropout"), ("early_stopping", 0, "early_stopping"),
])
def test_bad_hyper_parameters_are_rejected_and_change_nothing(name, value, match):
    X, Y, _ = _data()
    tr = Trainer(Network([6, 5, 3], seed=0), X, Y, eta=0.5, mini_batch_size=10)
    old = getattr(tr, name)
    with pytest.raises((ValueError, TypeError), match=match):
        setattr(tr, name, value)
    assert getattr(tr, name) == old


def test_bad_data_is_rejected():
    X, Y, _ = _data()
    net = Network([6, 5, 3], seed=0)
    with pytest.raises(ValueError, match="Y"):
        Trainer(net, X, Y[:, :-1], eta=0.5)
    with pytest.raises(ValueError, match="X"):
        Trainer(net, X[:5], Y, eta=0.5)
    with pytest.raises(TypeError, match="eval_data"):
        Trainer(net, X, Y, eta=0.5, eval_data=X)


def test_same_seed_same_run():
    X, Y, _ = _data()
    runs = []
    for _ in range(2):
        net = Network([6, 5, 3], seed=3)
        Trainer(net, X, Y, eta=0.5, mini_batch_size=7, seed=11).train(2, progress=False)
        runs.append(net.parameter_vector())
    np.testing.assert_array_equal(*runs)


def test_sgd_wrapper_and_progress_bar_in_a_terminal(capsys):
    X, Y, _ = _data()
    net = Network([6, 5, 3], cost=CrossEntropyCost, seed=0)
    h = sgd(net, X, Y, epochs=2, mini_batch_size=10, eta=0.5, progress=True)
    assert len(h["epoch"]) == 2
    assert "epochs" in capsys.readouterr().err


@pytest.mark.parametrize("mode", ["slides", "inverted"])
def test_dropout_deletes_hidden_nodes_per_mini_batch_and_evaluates_at_test_scale(mode):
    from lecture5 import dropout

    X, Y, _ = _data()
    net = Network([6, 10, 3], cost=CrossEntropyCost, seed=0)
    tr = Trainer(net, X, Y, eta=0.5, mini_batch_size=10, p_drop=0.5, dropout=mode)
    before = [w.copy() for w in net.weights]
    tr.step()
    # with the slides' procedure one mask serves the whole mini-batch: exactly half of the hidden
    # nodes were deleted, so exactly half of the rows of w^2 (their incoming weights) are untouched
    changed_rows = np.any(net.weights[0] != before[0], axis=1)
    if mode == "slides":
        assert changed_rows.sum() == 5
    else:
        assert changed_rows.sum() >= 5
    # evaluation uses the test-time network: outgoing weights scaled by (1 - p_drop) in "slides"
    trained = [w.copy() for w in net.weights]
    c, _, _ = tr.evaluate(X, Y)
    scaled = dropout.test_time_weights(net.weights, 0.5) if mode == "slides" else net.weights
    ref = net.copy()
    ref.weights = [w.copy() for w in scaled]
    assert math.isclose(c, CrossEntropyCost.fn(ref.feedforward(X), Y), rel_tol=1e-12)
    for w, before_eval in zip(net.weights, trained):  # the evaluation scaled a copy, not these
        np.testing.assert_array_equal(w, before_eval)


@pytest.mark.parametrize("dropout, masks_per, columns", [
    ("slides", None, 1), ("slides", "mini-batch", 1), ("slides", "example", 10),
    ("inverted", None, 10), ("inverted", "example", 10), ("inverted", "mini-batch", 1)])
def test_masks_per_sets_how_many_masks_a_mini_batch_draws(dropout, masks_per, columns):
    X, Y, _ = _data()
    tr = Trainer(Network([6, 8, 3], seed=0), X, Y, eta=0.5, p_drop=0.5, dropout=dropout,
                 masks_per=masks_per, seed=3)
    seen, step = [], tr.engine.step
    tr.engine.step = lambda *a: seen.append(a[6]) or step(*a)
    tr.step()
    (mask,) = seen[0]
    assert mask.shape == (8, columns)
    kept = 1.0 / 0.5 if dropout == "inverted" else 1.0
    assert set(np.unique(mask)) == {0.0, kept}
    assert (mask == 0).sum(axis=0).tolist() == [4] * columns  # half of 8 deleted, every column
    # the same random stream as the public dropout_masks: the epoch's shuffle, then the mask
    rng = np.random.default_rng(3)
    rng.permutation(X.shape[1])
    expected = dropout_masks([6, 8, 3], 0.5, rng, m=columns, inverted=dropout == "inverted")
    np.testing.assert_array_equal(mask, expected[0])


def test_masks_per_is_checked_when_set():
    X, Y, _ = _data()
    with pytest.raises(ValueError, match="masks_per must be one of"):
        Trainer(Network([6, 8, 3], seed=0), X, Y, eta=0.5, masks_per="batch")


@pytest.mark.parametrize("sizes, p_drop, dropout, n, traced", [
    ([6, 8, 3], 0.0, "slides", 120, 0), ([6, 8, 3], 0.5, "slides", 120, 0),
    ([6, 8, 3], 0.5, "inverted", 120, 0), ([6, 8, 5, 3], 0.5, "inverted", 120, 0),
    ([6, 8, 5, 3], 0.5, "slides", 120, 1), ([6, 8, 5, 3], 0.0, "slides", 2500, 0),
    ([6, 3], 0.0, "slides", 120, 0)])
def test_each_epoch_measures_saturation_from_its_evaluation_as_hidden_saturation_does(
        monkeypatch, sizes, p_drop, dropout, n, traced):
    """The per-epoch check of a run that cannot learn reuses the training data's evaluation: its
    hidden z are the training network's, except with the slides' dropout in a net with hidden
    layers fed by scaled weights (layer 3 on), where a forward pass of its own (``traced``) is
    needed."""
    from lecture5 import _monitor

    X, Y, labels = _data(n=n)
    X = X * 3.0  # some units saturate, so the fraction is not simply 0
    tr = Trainer(Network(sizes, seed=1), X, Y, eta=0.5, p_drop=p_drop, dropout=dropout)
    calls, real = [], _monitor.hidden_saturation
    monkeypatch.setattr(_monitor, "hidden_saturation", lambda *a: calls.append(1) or real(*a))
    tr.train(2, progress=False)
    assert len(calls) == 2 * traced  # once per epoch, or never
    if len(sizes) > 3:  # z^3 = 6 (sum of a^2) - 6: saturated, and halved by the test-time
        tr.net.weights[1][:] = 6.0  # scaling of w^3 mostly not (p_drop = 0.5)
        tr.net.biases[1][:] = -6.0
    data, pen, acc, fraction = tr._evaluate(X, Y, labels, saturation=True)
    assert fraction == real(tr.net, X)
    assert (data, pen, acc) == tr.evaluate(X, Y, labels)
    assert tr._evaluate(X, Y, labels)[3] is None  # not asked for: not computed
    if len(sizes) > 2:
        assert 0.0 < fraction < 1.0
    if traced:  # the test-time network's own z would give another fraction
        zs, _ = _monitor.feedforward_trace(test_time_weights(tr.net.weights, p_drop),
                                           tr.net.biases, X, tr.net.activation,
                                           tr.net.output_activation)
        assert _monitor._saturated_fraction(tr.net.activation, zs[:-1]) != fraction


@pytest.mark.parametrize("p_drop", [0.0, 0.5])
def test_evaluate_checks_its_data_and_the_parameters(p_drop):
    X, Y, labels = _data()
    tr = Trainer(Network([6, 8, 3], seed=0), X, Y, eta=0.5, p_drop=p_drop)
    with pytest.raises(ValueError, match=r"X must have shape \(6, m\), got \(5, 120\)"):
        tr.evaluate(X[:5], Y, labels)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="X"):
        tr.evaluate(bad, Y, labels)
    assert tr.evaluate(X.tolist(), Y, labels) == tr.evaluate(X, Y, labels)  # a list is fine
    tr.net.weights[1] = tr.net.weights[1][:, :5]  # a student's wrong assignment
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape"):
        tr.evaluate(X, Y, labels)
