"""Notebook 08 (early stopping): the early-stopped runs, early stopping and L2 as one filter, the
methods of the take-home figure over several seeds."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import _validate
from .._measures import filter_gap, stopped_early
from ._core import TrainingRun, _nonempty, training_run, weight_norm

__all__ = ["EARLY_PROBLEM", "early_run", "stopped_early", "TAKE_HOME_METHODS", "filter_gap",
           "MethodSeeds", "method_seeds"]


#: the run of notebook 08: 1,000 training digits and 1,000 validation digits held out of MNIST's
#: training split, a [784, 30, 10] network, at most 30 epochs; 2,000 test digits for the end
EARLY_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "validation": 1000, "epochs": 30,
                 "eta": 0.5, "n_test": 2000}


def early_run(patience=None, **settings) -> TrainingRun:
    """The run of notebook 08 (:data:`EARLY_PROBLEM`), with early stopping after ``patience``
    epochs without a better validation accuracy (None: all epochs).  Other settings (lmbda,
    penalty, p_drop, ...) go to :func:`training_run`."""
    kw = dict(EARLY_PROBLEM)
    kw.update(settings)
    return training_run(patience=patience, **kw)


#: the methods of notebook 08's take-home figure: label -> settings for :func:`early_run`
TAKE_HOME_METHODS = {
    "none": {},
    "L2\nλ = 1": {"lmbda": 1.0, "penalty": "l2"},
    "L1\nλ = 0.3": {"lmbda": 0.3, "penalty": "l1_prox"},
    "dropout\np = 0.2": {"p_drop": 0.2},
    "early\nstopping\nk = 5": {"patience": 5},
}


class MethodSeeds(NamedTuple):
    """:func:`method_seeds`: one array per quantity, shape (methods, seeds), rows in the order of
    ``methods``.  ``train``/``validation``/``test`` are accuracies of the network each run ends
    with (after early stopping: the restored one), ``norm`` its :func:`weight_norm`."""

    methods: tuple
    seeds: tuple
    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    norm: np.ndarray
    best_epoch: np.ndarray  # epoch of the final network (all epochs run without early stopping)


def method_seeds(methods=None, seeds=(0, 1, 2), **settings) -> MethodSeeds:
    """Notebook 08's problem (:data:`EARLY_PROBLEM`) trained with every method of ``methods``
    (label -> settings for :func:`early_run`, default :data:`TAKE_HOME_METHODS`) and every seed.

    The seed picks the training, validation and test digits, the initial weights and the
    mini-batches.  Runs are the cached :func:`early_run` runs, so seed 0 is the run the figures
    draw.
    """
    methods = dict(TAKE_HOME_METHODS if methods is None else methods)
    if not methods:
        raise ValueError("methods must name at least one method")
    _nonempty("seeds", seeds, "integers")
    seeds = tuple(_validate.integer(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds))
    shape = (len(methods), len(seeds))
    out = {k: np.empty(shape) for k in ("train", "validation", "test", "norm", "best_epoch")}
    for i, method in enumerate(methods.values()):
        for j, seed in enumerate(seeds):
            kw = dict(method)
            run = early_run(kw.pop("patience", None), **{**settings, **kw, "seed": seed})
            final = run.best_epoch if stopped_early(run) else run.epochs_run
            out["train"][i, j] = run.history["train_accuracy"][final - 1]
            out["validation"][i, j] = run.eval_accuracy
            out["test"][i, j] = run.test_accuracy
            out["norm"][i, j] = weight_norm(run.weights)
            out["best_epoch"][i, j] = final
    return MethodSeeds(tuple(methods), seeds, **out)
