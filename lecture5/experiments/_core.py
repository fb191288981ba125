"""The one recipe every demo network is built and trained by, and the run the figures share.

:func:`make_network` and :func:`make_trainer` build every network a notebook, a figure or a widget
trains; :class:`lecture5.training.Trainer` (mini-batch SGD, eqs (27), (28), (41)) trains it, so the
settings mean exactly what they mean there.  :func:`training_run` is the cached MNIST run of
notebooks 06-08 (:class:`TrainingRun`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from .. import _validate
from .._measures import seed_range, weight_norm
from ..activations import sigmoid
from ..costs import CrossEntropyCost
from ..datasets import load_mnist
from ..network import Network
from ..training import Trainer, TrainingWarning
from ._runs import runs_cache, train_steps

__all__ = ["make_network", "make_trainer", "train_all", "untrained_cost", "trained_network",
           "TrainingRun", "training_run", "weight_norm", "seed_range"]


def make_network(sizes, seed=0, cost=CrossEntropyCost, activation=sigmoid, init="default"):
    """``Network(sizes, cost, seed, activation, init)``: every demo network starts here.

    ``init="large"`` draws the initial weights from N(0, 1) instead of N(0, 1/n_in), the start of
    the overfitting experiment in Nielsen's chapter 3.
    """
    return Network(list(sizes), cost=cost, seed=seed, activation=activation, init=init)


def _part(data, name):
    """``data.name`` of a :func:`lecture5.datasets.load_mnist` result, or ``data[name]`` of a
    mapping with the same keys (``X_train``, ``Y_train``, ``y_train``, ``X_test``, ...)."""
    if isinstance(data, Mapping):
        return data.get(name)
    return getattr(data, name, None)


def make_trainer(data, sizes, *, eta, lmbda=0.0, penalty="l2", p_drop=0.0, dropout="slides",
                 masks_per=None, mini_batch_size=10, evaluate="test", early_stopping=None,
                 monitor=True, seed=0, cost=CrossEntropyCost, activation=sigmoid, init="default",
                 net=None) -> Trainer:
    """A :class:`lecture5.training.Trainer` of a fresh :func:`make_network` on ``data`` (or of
    ``net``, to train a network further with other settings).

    ``data`` holds ``X_train``, ``Y_train`` and ``y_train`` (and ``X_test``, ``Y_test``,
    ``y_test``, or ``X_val``, ``Y_val``, ``y_val``), as attributes or keys.  ``evaluate`` picks
    the per-epoch evaluation set: "test", "validation" or None (none).  The mini-batch size is
    capped at the number of training examples.  ``eta``, ``lmbda``, ``penalty``, ``p_drop``,
    ``dropout``, ``masks_per``, ``early_stopping`` and ``seed`` mean what they mean for
    ``Trainer``.
    """
    _validate.choice("evaluate", evaluate, ("test", "validation", None))
    X, Y = _part(data, "X_train"), _part(data, "Y_train")
    eval_data = None
    if evaluate is not None:
        suffix = "test" if evaluate == "test" else "val"
        eval_data = tuple(_part(data, f"{k}_{suffix}") for k in ("X", "Y", "y"))
    if net is None:
        net = make_network(sizes, seed=seed, cost=cost, activation=activation, init=init)
    return Trainer(net, X, Y, eta=eta, mini_batch_size=min(mini_batch_size, X.shape[1]),
                   lmbda=lmbda, penalty=penalty, p_drop=p_drop, dropout=dropout,
                   masks_per=masks_per, labels=_part(data, "y_train"), eval_data=eval_data,
                   monitor=monitor, early_stopping=early_stopping, seed=seed)


def train_all(trainers: dict, epochs, progress=None):
    """Train every ``{label: Trainer}`` for ``epochs`` epochs (or until it stops).

    ``progress(done, total)`` is called after every epoch (a progress bar).  Returns
    ``(histories, note)``: ``{label: trainer.history}`` and the trainers' messages joined (each
    :class:`lecture5.training.TrainingWarning` a run gave here, then its final message if new).
    The warnings are not emitted as well: a widget shows the note, and a warning would print the
    same text a second time below it.
    """
    epochs = _validate.integer("epochs", epochs, low=1)
    total, done = epochs * len(trainers), 0
    texts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingWarning)
        for trainer in trainers.values():
            start = len(trainer.warnings)
            for _ in range(epochs):
                trainer.run_epoch()
                done += 1
                if progress is not None:
                    progress(done, total)
                if trainer.stopped:
                    break
            texts += trainer.warnings[start:]
            if trainer.message and trainer.message not in trainer.warnings[start:]:
                texts.append(trainer.message)
    if progress is not None:
        progress(total, total)
    return {label: t.history for label, t in trainers.items()}, " ".join(texts)


def untrained_cost(data, sizes, seed=0) -> float:
    """The training cost C_0 of the network every :func:`make_trainer` run starts from."""
    return make_network(sizes, seed=seed).total_cost(_part(data, "X_train"),
                                                     _part(data, "Y_train"))[0]


def trained_network(run, sizes):
    """A network with the weights and biases of ``run`` (a :class:`TrainingRun`)."""
    net = make_network(sizes)
    net.set_parameters(run.weights, run.biases)
    return net


class TrainingRun(NamedTuple):
    """One finished run of :func:`training_run` (all arrays read-only).

    ``history`` is ``Trainer.history`` with tuples instead of lists; ``weights``/``biases`` are
    the network after training (the restored best ones after early stopping); ``eval_accuracy``
    is the accuracy on the evaluation set (validation set if there is one, else the test set) of
    that final network, ``test_accuracy``/``test_cost`` the same on the test set (with the
    test-time weight scaling after the slides' dropout).
    """

    history: dict
    weights: tuple
    biases: tuple
    eval_accuracy: float
    test_accuracy: float
    test_cost: float
    epochs_run: int
    best_epoch: int | None
    message: str


def _nonempty(name, value, of):
    """``value`` if it is a non-empty list (a sequence, not a string), else TypeError naming it."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) == 0:
        raise TypeError(f"{name} must be a non-empty list of {of}, got {value!r}")
    return value


def _training_digits(n_train, seed=0):
    """``n_train`` bundled MNIST training digits (``load_mnist`` with a single test digit)."""
    return load_mnist(n_train=n_train, n_test=1, seed=seed)


def _frozen_history(trainer):
    """``trainer.history`` with tuples instead of lists."""
    return {k: tuple(v) for k, v in trainer.history.items()}


def _frozen(arrays):
    out = []
    for a in arrays:
        a = np.array(a, dtype=float)
        a.setflags(write=False)
        out.append(a)
    return tuple(out)


def training_run(sizes=(784, 30, 10), n_train=1000, epochs=30, eta=0.5, lmbda=0.0,
                 penalty="l2", p_drop=0.0, dropout="slides", patience=None, validation=0,
                 n_test=2000, mini_batch_size=10, seed=0) -> TrainingRun:
    """Train ``Network(sizes, CrossEntropyCost, seed)`` on ``n_train`` bundled MNIST digits.

    Every run goes through :class:`lecture5.training.Trainer` (mini-batch SGD, eqs (27), (28),
    (41)), so the settings mean exactly what they mean there.  The per-epoch evaluation uses the
    ``validation`` digits held out of the training split when ``validation > 0`` (early stopping
    with ``patience`` watches them), else the ``n_test`` test digits.  Runs are cached: asking
    twice for the same settings trains once (the figures of a notebook share runs).
    """
    sizes = tuple(_validate.integer(f"sizes[{i}]", s, low=1) for i, s in enumerate(sizes))
    return _training_run(sizes, n_train, epochs, float(eta), float(lmbda), penalty,
                         float(p_drop), dropout, patience, validation, n_test, mini_batch_size,
                         seed)


@runs_cache(maxsize=96)  # a slider's worth of runs for each app of 06 and 08
def _training_run(sizes, n_train, epochs, eta, lmbda, penalty, p_drop, dropout, patience,
                  validation, n_test, mini_batch_size, seed):
    data = load_mnist(n_train=n_train, n_test=n_test, validation=validation, seed=seed)
    test = (data.X_test, data.Y_test, data.y_test)
    evaluation = (data.X_val, data.Y_val, data.y_val) if validation else test
    trainer = make_trainer(data, sizes, eta=eta, lmbda=lmbda, penalty=penalty, p_drop=p_drop,
                           dropout=dropout, mini_batch_size=mini_batch_size,
                           evaluate="validation" if validation else "test",
                           early_stopping=patience, seed=seed)
    net = trainer.net
    yield from train_steps(trainer, epochs)  # trainer.train(epochs), a mini-batch at a time
    _, _, eval_acc = trainer.evaluate(*evaluation)
    test_cost, _, test_acc = trainer.evaluate(*test)
    history = _frozen_history(trainer)
    return TrainingRun(history, _frozen(net.weights), _frozen(net.biases), eval_acc,
                       test_acc, test_cost, trainer.epoch, trainer.best_epoch, trainer.message)


def _quiet_train(trainer, epochs):
    """``trainer.train(epochs)`` with warnings recorded into the returned message."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.train(epochs, progress=False)
    texts = [trainer.message] if trainer.message else []
    for w in caught:
        text = str(w.message)
        if text not in texts:
            texts.append(text)
    return " ".join(texts)


