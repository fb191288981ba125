"""A run that cannot learn says so (TrainingWarning), and every message of the Trainer is true:
unscaled pixels, saturation, divergence in a terminal, a sensible run that stays quiet, the epoch
named by an end-of-epoch divergence, batch counters after a mini-batch size change, labels and
seeds it cannot use, weights whose norm overflows, and a progress bar that starts no thread."""

import math
import threading
import warnings

import numpy as np
import pytest

from lecture5 import CrossEntropyCost, Network, QuadraticCost
from lecture5.datasets import load_mnist
from lecture5.training import Trainer, TrainingWarning


@pytest.fixture(scope="module")
def digits():
    return load_mnist(n_train=1000, n_test=200, seed=0)


def _small(n=120, d=6, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(d, n))
    labels = np.argmax(rng.normal(size=(k, d)) @ X, axis=0)
    return X, np.eye(k)[:, labels], labels


def _warnings_of(action):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = action()
    return [w for w in caught if issubclass(w.category, TrainingWarning)], result


def test_training_warning_is_a_user_warning():
    assert issubclass(TrainingWarning, UserWarning)


@pytest.mark.parametrize("scale", ["uint8", "float"])
def test_pixels_on_a_0_255_scale_warn_naming_x(digits, scale):
    X = digits.X_train * 255
    X = X.astype(np.uint8) if scale == "uint8" else X
    caught, tr = _warnings_of(lambda: Trainer(Network([784, 30, 10], seed=0), X, digits.Y_train,
                                              eta=3.0))
    assert len(caught) == 1
    text = str(caught[0].message)
    assert text.startswith("X holds values up to 255") and "X / 255.0" in text
    assert tr.message == text and tr.warnings == [text]


def test_unscaled_evaluation_pixels_warn_too(digits):
    caught, _ = _warnings_of(lambda: Trainer(
        Network([784, 30, 10], seed=0), digits.X_train, digits.Y_train, eta=3.0,
        eval_data=(digits.X_test * 255, digits.Y_test)))
    assert len(caught) == 1 and str(caught[0].message).startswith("eval_data X holds values")


def test_eta_1e6_with_sigmoid_units_warns_once_that_they_saturate(digits):
    net = Network([784, 30, 10], seed=0)
    tr = Trainer(net, digits.X_train, digits.Y_train, eta=1e6, mini_batch_size=10)
    caught, _ = _warnings_of(lambda: tr.train(3, progress=False))
    assert len(caught) == 1  # once per cause and run, not once per epoch
    text = str(caught[0].message)
    assert "saturated" in text and "eta = 1e+06" in text and "smaller eta" in text
    assert tr.message == text and tr.stopped is None


def test_saturated_quadratic_outputs_warn_that_the_network_is_not_learning(digits):
    # eta = 50 with the quadratic cost: the output sigmoids saturate (sigma'(z^L) ~ 0 in BP1)
    # while most hidden units do not; accuracy stays at chance, the cost at ~0.5
    net = Network([784, 30, 10], cost=QuadraticCost, seed=0)
    tr = Trainer(net, digits.X_train, digits.Y_train, eta=50.0, mini_batch_size=10)
    caught, _ = _warnings_of(lambda: tr.train(3, progress=False))
    assert len(caught) == 1 and "the network is not learning (eta = 50)" in str(caught[0].message)


def test_an_epoch_that_changes_nothing_warns_that_learning_stalled():
    # no hidden layer (nothing to saturate), every output equal (one class answered for all) and
    # an eta too small to change that
    X, Y, _ = _small()
    net = Network([6, 3], seed=0)
    net.weights[0][...] = 0.0
    net.biases[0][...] = 0.0
    tr = Trainer(net, X, Y, eta=1e-300, mini_batch_size=10)
    caught, _ = _warnings_of(lambda: tr.train(3, progress=False))
    assert len(caught) == 1 and "the network is not learning" in str(caught[0].message)


def test_a_two_class_run_that_learned_is_not_called_stalled():
    # a converged run repeats its accuracy (0.99 on two classes is not chance)
    X, Y, _ = _small(k=2)
    tr = Trainer(Network([6, 8, 2], cost=CrossEntropyCost, seed=0), X, Y, eta=0.5)
    caught, _ = _warnings_of(lambda: tr.train(60, progress=False))
    assert caught == [] and tr.history["train_accuracy"][-1] > 0.9


def test_divergence_in_a_terminal_warns_from_train(digits):
    net = Network([784, 30, 10], activation="relu", output_activation="linear", seed=0)
    tr = Trainer(net, digits.X_train, digits.Y_train, eta=1e200, mini_batch_size=10)
    caught, _ = _warnings_of(lambda: tr.train(2))
    assert len(caught) == 1
    text = str(caught[0].message)
    assert text == tr.message and "diverged in epoch 1, mini-batch" in text
    assert "eta = 1e+200" in text and "smaller eta" in text
    assert caught[0].filename == __file__  # points at the caller's line, not the package


@pytest.mark.parametrize("cost, eta, lmbda", [(QuadraticCost, 3.0, 0.0),
                                              (CrossEntropyCost, 0.5, 0.0),
                                              (CrossEntropyCost, 0.5, 5.0)])
def test_a_sensible_run_emits_no_warning(digits, cost, eta, lmbda):
    net = Network([784, 30, 10], cost=cost, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = Trainer(net, digits.X_train, digits.Y_train, eta=eta, lmbda=lmbda,
                     mini_batch_size=10, eval_data=(digits.X_test, digits.Y_test))
        tr.train(2, progress=False)
    assert tr.warnings == [] and tr.message == "" and tr.history["train_accuracy"][-1] > 0.8


def test_divergence_at_the_end_of_an_epoch_names_that_epoch_and_keeps_it_out_of_history(digits):
    # 1 - eta lambda / n = -9: the weights grow ninefold per step until their norm overflows
    net = Network([784, 30, 10], cost=CrossEntropyCost, seed=0)
    tr = Trainer(net, digits.X_train, digits.Y_train, eta=100.0, lmbda=100.0,
                 mini_batch_size=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(5):
            start = net.get_parameters()
            tr.run_epoch()
            if tr.stopped:
                break
    assert tr.stopped == "diverged"
    failed = tr.epoch + 1
    assert f"diverged in epoch {failed}, at the end of the epoch" in tr.message
    assert f"restored to the start of epoch {failed}" in tr.message
    assert len(tr.history["epoch"]) == tr.epoch and tr.history["epoch"][-1] == tr.epoch
    assert all(math.isfinite(v) for key in ("weight_norm", "train_penalty", "train_cost")
               for v in tr.history[key])
    for p, q in zip(net.weights + net.biases, start[0] + start[1]):
        np.testing.assert_array_equal(p, q)
    assert tr.position == 0 and tr.batch_in_epoch == 0


def test_weights_whose_norm_overflows_stop_the_run_as_diverged():
    # inputs near 1e300: the cost stays finite (saturated sigmoids) but the weights reach ~1e300
    rng = np.random.default_rng(0)
    X = rng.uniform(0.5, 1.0, size=(2, 20)) * 1e300
    Y = np.eye(2)[:, (rng.uniform(size=20) > 0.5).astype(int)]
    tr = Trainer(Network([2, 2], cost=CrossEntropyCost, seed=0), X, Y, eta=1.0,
                 mini_batch_size=10)
    with pytest.warns(TrainingWarning, match="norm overflowed"):
        tr.train(3, progress=False)
    assert tr.stopped == "diverged" and tr.history["weight_norm"] == []
    assert all(np.isfinite(p).all() for p in tr.net.weights)


def test_batch_counters_follow_the_position_when_the_mini_batch_size_changes():
    X, Y, _ = _small(n=120)
    tr = Trainer(Network([6, 5, 3], seed=0), X, Y, eta=0.5, mini_batch_size=1)
    for _ in range(101):
        tr.step()
    assert (tr.position, tr.batch_in_epoch, tr.batches_per_epoch) == (101, 101, 120)
    tr.mini_batch_size = 11
    assert (tr.batch_in_epoch, tr.batches_per_epoch) == (10, 11)  # not 101/11
    tr.step()  # examples 101..111
    assert (tr.position, tr.batch_in_epoch) == (112, 11)
    record = tr.step()  # the last 8 examples complete the epoch
    assert record is not None and tr.epoch == 1
    assert tr.batch_in_epoch == tr.batches_per_epoch == 11


@pytest.mark.parametrize("bad, error", [
    (lambda y: y + 50, ValueError), (lambda y: y - 1 - y.max(), ValueError),
    (lambda y: y[:-1], ValueError),  # a class no output neuron matches, or a wrong length
    (lambda y: y.astype(str), TypeError), (lambda y: y + 0.5, TypeError),  # not whole numbers
])
def test_labels_it_cannot_use_are_refused_naming_labels(bad, error):
    X, Y, labels = _small()
    net = Network([6, 5, 3], seed=0)
    with pytest.raises(error, match="labels"):
        Trainer(net, X, Y, eta=0.5, labels=bad(labels))
    with pytest.raises(error, match="eval_data labels"):
        Trainer(net, X, Y, eta=0.5, eval_data=(X, Y, bad(labels)))
    tr = Trainer(net, X, Y, eta=0.5, labels=labels.astype(float))  # whole numbers are fine
    assert tr.labels.dtype.kind == "i"


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError)])
def test_a_bad_seed_is_named(seed, error):
    X, Y, _ = _small()
    with pytest.raises(error, match="seed"):
        Trainer(Network([6, 5, 3], seed=0), X, Y, eta=0.5, seed=seed)


def test_the_progress_bar_starts_no_thread(monkeypatch):
    # Pyodide (JupyterLite) cannot start threads; tqdm's monitor thread would warn or fail there
    from tqdm.auto import tqdm

    def no_threads(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(tqdm, "monitor", None)
    monkeypatch.setattr(threading.Thread, "start", no_threads)
    X, Y, _ = _small()
    tr = Trainer(Network([6, 5, 3], seed=0), X, Y, eta=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr.train(2, progress=True)
    assert tr.epoch == 2
