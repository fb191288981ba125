"""Notebook 07 (dropout): the slides' overfitting example with dropout, step 5 read correctly and
literally, several seeds, p chosen on a validation split, the slides' version against inverted
dropout with only the scaling switched."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from .. import _validate
from ..datasets import load_mnist
from ..dropout import MASKS_PER, literal_step5, test_time_weights
from ._core import (
    TrainingRun,
    _frozen,
    _frozen_history,
    make_trainer,
    trained_network,
    training_run,
    weight_norm,
)
from ._runs import runs_cache, train_steps

__all__ = ["DROPOUT_PROBLEM", "dropout_run", "Step5Runs", "step5_runs", "DROPOUT_SEEDS",
           "SLIDES_DROPOUT", "MASKS_PER", "DropoutRun", "slides_dropout_run", "DropoutStudy",
           "dropout_study"]


#: the overfitting run of notebook 07, the slides' example (Nielsen's chapter 3): 1,000 training
#: digits, a [784, 30, 10] network, eta = 0.5, mini-batches of 10, 30 epochs
DROPOUT_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "epochs": 30, "eta": 0.5,
                   "n_test": 2000}


def dropout_run(p_drop=0.5, dropout="slides", **settings) -> TrainingRun:
    """The run of notebook 07's problem (:data:`DROPOUT_PROBLEM`) with dropout ``p_drop``."""
    kw = dict(DROPOUT_PROBLEM)
    kw.update(settings)
    if p_drop == 0:
        dropout = "slides"  # without dropout both modes are the same run
    return training_run(p_drop=p_drop, dropout=dropout, **kw)


class Step5Runs(NamedTuple):
    """:func:`step5_runs`: per-epoch test accuracy and weight norm, the correct test-time scaling
    against the slide's step 5 taken literally, and the accuracy after halving k times."""

    correct_accuracy: tuple
    correct_norm: tuple
    literal_accuracy: tuple
    literal_norm: tuple
    halved_accuracy: tuple  # the finished correct network with all weights halved k = 0, 1, ...


def step5_runs(p_drop=0.5, halvings=8, **settings) -> Step5Runs:
    """Train :data:`DROPOUT_PROBLEM` with dropout twice from the same start.

    *correct*: the network is used at test time with the weights leaving the hidden layer scaled
    by (1 - p_drop), once (:func:`lecture5.dropout.test_time_weights`).  *literal*: after each
    epoch every weight is multiplied by 1/2 (:func:`lecture5.dropout.literal_step5`), training
    goes on from the halved weights, and the network is tested as it is.  ``halved_accuracy[k]``
    is the test accuracy of the finished correct network after k literal halvings with no
    training in between.
    """
    kw = dict(DROPOUT_PROBLEM)
    kw.update(settings)
    halvings = _validate.integer("halvings", halvings, low=0, high=30)
    return _step5_runs(float(p_drop), halvings, tuple(kw["sizes"]), kw["n_train"],
                       kw["epochs"], float(kw["eta"]), kw["n_test"], kw.get("seed", 0))


@functools.lru_cache(maxsize=4)
def _step5_runs(p_drop, halvings, sizes, n_train, epochs, eta, n_test, seed):
    correct = dropout_run(p_drop, "slides", sizes=sizes, n_train=n_train, epochs=epochs, eta=eta,
                          n_test=n_test, seed=seed)
    data = load_mnist(n_train=n_train, n_test=n_test, seed=seed)
    trainer = make_trainer(data, sizes, eta=eta, p_drop=p_drop, evaluate=None, monitor=False,
                           seed=seed)
    net = trainer.net
    acc, norm = [], []
    for _ in range(epochs):
        trainer.run_epoch()
        for w, half in zip(net.weights, literal_step5(net.weights)):
            w[...] = half  # step 5 read literally: every weight times 1/2, after each epoch
        acc.append(net.accuracy(data.X_test, data.y_test))
        norm.append(weight_norm(net.weights))
    final = trained_network(correct, sizes)
    final.weights = test_time_weights(final.weights, p_drop)
    halved = []
    for _ in range(halvings + 1):
        halved.append(final.accuracy(data.X_test, data.y_test))
        final.weights = literal_step5(final.weights)
    h = correct.history
    return Step5Runs(tuple(h["eval_accuracy"]), tuple(h["weight_norm"]), tuple(acc), tuple(norm),
                     tuple(halved))


#: the seeds every claim of notebook 07 is checked on
DROPOUT_SEEDS = (0, 1, 2)
#: notebook 07's problem with a validation split: the slides' overfitting example
#: (:data:`DROPOUT_PROBLEM`) plus 1,000 validation digits held out of MNIST's training split
SLIDES_DROPOUT = {**DROPOUT_PROBLEM, "validation": 1000}


class DropoutRun(NamedTuple):
    """One run of :func:`slides_dropout_run`: ``history`` (per epoch; "eval" = validation),
    ``val_accuracy``/``test_accuracy``/``test_cost`` of the final network as used at test time,
    ``weights``/``biases`` (read-only)."""

    history: dict
    val_accuracy: float
    test_accuracy: float
    test_cost: float
    weights: tuple
    biases: tuple


def slides_dropout_run(p_drop=0.5, dropout="slides", masks_per="mini-batch", seed=0,
                       **settings) -> DropoutRun:
    """Train :data:`SLIDES_DROPOUT` (or ``settings``) with dropout ``p_drop`` (0: none).

    ``dropout`` is "slides" (kept nodes pass a, outgoing weights scaled by 1 - p at test time) or
    "inverted" (kept nodes pass a / (1 - p), nothing scaled at test time); ``masks_per`` is
    "mini-batch" (one set of deleted nodes for the whole mini-batch, step 2 of the slides) or
    "example".  So switching ``dropout`` alone changes only where the factor 1 / (1 - p) goes.
    The per-epoch evaluation is on the validation digits; the test digits are evaluated once, at
    the end.  Cached.
    """
    _validate.choice("dropout", dropout, ("slides", "inverted"))
    _validate.choice("masks_per", masks_per, MASKS_PER)
    kw = dict(SLIDES_DROPOUT)
    kw.update(settings)
    p_drop = float(p_drop)
    if p_drop == 0:
        dropout, masks_per = "slides", "mini-batch"  # without dropout all modes are one run
    return _slides_dropout_run(p_drop, dropout, masks_per, seed, tuple(kw["sizes"]),
                               kw["n_train"], kw["validation"], kw["epochs"], float(kw["eta"]),
                               kw["n_test"])


@runs_cache(maxsize=96)  # the p slider's stops for both versions, 3 seeds (notebook 07's app)
def _slides_dropout_run(p_drop, dropout, masks_per, seed, sizes, n_train, validation, epochs,
                        eta, n_test):
    data = load_mnist(n_train=n_train, n_test=n_test, validation=validation, seed=seed)
    trainer = make_trainer(data, sizes, eta=eta, p_drop=p_drop, dropout=dropout,
                           masks_per=masks_per, evaluate="validation", seed=seed)
    yield from train_steps(trainer, epochs)  # trainer.train(epochs), a mini-batch at a time
    _, _, val_acc = trainer.evaluate(data.X_val, data.Y_val, data.y_val)
    test_cost, _, test_acc = trainer.evaluate(data.X_test, data.Y_test, data.y_test)
    history = _frozen_history(trainer)
    return DropoutRun(history, val_acc, test_acc, test_cost, _frozen(trainer.net.weights),
                      _frozen(trainer.net.biases))


class DropoutStudy(NamedTuple):
    """:func:`dropout_study`.  Arrays have shape (len(p_drops), len(seeds)).

    ``val_accuracy``: final validation accuracy; ``gap``: final training minus validation
    accuracy; ``cost_rise``: final validation cost minus its lowest value over the epochs (how
    far it climbed back: overfitting in the cost); ``chosen``: the p_drop with the best mean
    validation accuracy; ``test_chosen``/``test_none``: test accuracy per seed of the chosen
    p_drop and of no dropout (the test digits are used for nothing else).
    """

    p_drops: tuple
    seeds: tuple
    val_accuracy: np.ndarray
    gap: np.ndarray
    cost_rise: np.ndarray
    chosen: float
    test_chosen: tuple
    test_none: tuple


def dropout_study(p_drops=(0.0, 0.2, 0.5), seeds=DROPOUT_SEEDS, dropout="slides",
                  **settings) -> DropoutStudy:
    """Train :func:`slides_dropout_run` for every p_drop and seed; choose p_drop on the
    validation digits (best mean final validation accuracy over the seeds), then test once."""
    p_drops = tuple(float(check) for check in p_drops)
    seeds = tuple(_validate.integer("seed", s, low=0) for s in seeds)
    if 0.0 not in p_drops:
        raise ValueError(f"p_drops must include 0 (no dropout, the reference), got {p_drops}")
    runs = [[slides_dropout_run(p, dropout, seed=s, **settings) for s in seeds] for p in p_drops]

    def table(f):
        return np.array([[f(r) for r in row] for row in runs])

    val = table(lambda r: r.val_accuracy)
    gap = table(lambda r: r.history["train_accuracy"][-1] - r.history["eval_accuracy"][-1])
    rise = table(lambda r: r.history["eval_cost"][-1] - min(r.history["eval_cost"]))
    best = int(np.argmax(val.mean(axis=1)))
    none = p_drops.index(0.0)
    return DropoutStudy(p_drops, seeds, val, gap, rise, p_drops[best],
                        tuple(r.test_accuracy for r in runs[best]),
                        tuple(r.test_accuracy for r in runs[none]))
