"""Notebook 04 (stochastic gradient descent): the learning-rate runs, what saturation of the
hidden layer does to them, and how a large eta overshoots the best constant output."""

from __future__ import annotations

import functools
import warnings
from typing import NamedTuple

import numpy as np

from .. import _validate
from ..activations import sigmoid
from ..datasets import load_mnist
from ._core import _frozen, _frozen_history, _quiet_train, make_network, make_trainer

__all__ = ["SGD_PROBLEM", "SgdRun", "sgd_run", "sgd_data", "SATURATION_MARGIN", "Saturation",
           "saturation", "saturation_over_seeds", "Overshoot", "overshoot"]


#: notebook 04's runs: [784, 30, 10], 1,000 training and 1,000 test digits, mini-batches of 10
SGD_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "n_test": 1000, "epochs": 8,
               "mini_batch_size": 10}


class SgdRun(NamedTuple):
    """One finished run of :func:`sgd_run` (arrays read-only); ``message`` holds the trainer's
    message and any warning the run raised (a run that cannot learn says so here, not on
    stderr)."""

    history: dict
    weights: tuple
    biases: tuple
    message: str


def sgd_run(eta, seed=0, mini_batch_size=SGD_PROBLEM["mini_batch_size"],
            epochs=SGD_PROBLEM["epochs"]) -> SgdRun:
    """Mini-batch SGD, eqs (27)/(28) with lambda = 0, on notebook 04's problem
    (:data:`SGD_PROBLEM`): the network and the shuffling seeded by ``seed``, the digits fixed.
    Cached: the curves, the saturation study and the widget's first view share the runs."""
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    seed = _validate.integer("seed", seed, low=0)
    mini_batch_size = _validate.integer("mini_batch_size", mini_batch_size, low=1)
    epochs = _validate.integer("epochs", epochs, low=1)
    return _sgd_run(eta, seed, mini_batch_size, epochs)


def sgd_data():
    """The digits of notebook 04 (:data:`SGD_PROBLEM`): ``load_mnist(1000, 1000, seed=0)``
    (fresh arrays at every call, safe to modify)."""
    return load_mnist(n_train=SGD_PROBLEM["n_train"], n_test=SGD_PROBLEM["n_test"], seed=0)


@functools.lru_cache(maxsize=32)
def _sgd_run(eta, seed, mini_batch_size, epochs, monitor=True):
    trainer = make_trainer(sgd_data(), SGD_PROBLEM["sizes"], eta=eta, seed=seed,
                           mini_batch_size=mini_batch_size, monitor=monitor)
    message = _quiet_train(trainer, epochs)
    history = _frozen_history(trainer)
    return SgdRun(history, _frozen(trainer.net.weights), _frozen(trainer.net.biases), message)


#: a sigmoid unit counts as saturated when its output is within this distance of 0 or 1:
#: then sigma'(z) = a (1 - a) < 0.01 (at most 4 % of its largest value 1/4)
SATURATION_MARGIN = 0.01


class Saturation(NamedTuple):
    """How saturated the first hidden layer of a sigmoid network is on a set of digits
    (:func:`saturation`)."""

    saturated: float          # fraction of (unit, digit) pairs with a within 0.01 of 0 or 1
    units_always: float       # fraction of hidden units saturated on every digit
    sigma_prime: float        # mean of sigma'(z) = a (1 - a) over units and digits (<= 1/4)
    hidden_spread: float      # max over units of (largest - smallest output over the digits)
    predicted_classes: int    # how many different digits the network predicts
    output_spread: float      # max over output units of (largest - smallest a^L over the digits)
    mean_output: tuple        # a^L averaged over the digits, one entry per class


def saturation(weights, biases, X) -> Saturation:
    """Measure the first hidden layer a^2 = sigma(w^2 x + b^2), eq (4), on the columns of X.

    A unit with a within :data:`SATURATION_MARGIN` of 0 or 1 passes less than 4 % of the
    largest possible sigma' back in BP2, so its incoming weights hardly learn.
    ``hidden_spread`` near 0 means the layer gives (nearly) the same vector for every digit, and
    then the output layer sees the same input for every digit and can only output a constant.
    """
    if len(weights) < 2 or len(weights) != len(biases):
        raise ValueError(f"weights and biases must describe a network with a hidden layer "
                         f"(at least 2 weight matrices, as many biases), got {len(weights)} "
                         f"and {len(biases)}")
    net = make_network([weights[0].shape[1]] + [w.shape[0] for w in weights])
    net.set_parameters([np.array(w) for w in weights], [np.array(b) for b in biases])
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    a = sigmoid(net.weights[0] @ X + net.biases[0])
    sat = (a < SATURATION_MARGIN) | (a > 1.0 - SATURATION_MARGIN)
    out = net.feedforward(X)
    return Saturation(float(sat.mean()), float(sat.all(axis=1).mean()),
                      float((a * (1.0 - a)).mean()), float((a.max(axis=1) - a.min(axis=1)).max()),
                      int(np.unique(out.argmax(axis=0)).size),
                      float((out.max(axis=1) - out.min(axis=1)).max()),
                      tuple(float(v) for v in out.mean(axis=1)))


def saturation_over_seeds(eta, seeds=(0, 1, 2)) -> dict:
    """:func:`saturation` on notebook 04's test digits after :func:`sgd_run` (eta, seed), for
    every seed: ``{seed: Saturation}``."""
    X = sgd_data().X_test
    out = {}
    for seed in seeds:
        seed = _validate.integer("seed", seed, low=0)
        # seed 0 is the run the curves show; the others need only their final weights
        run = sgd_run(eta, seed) if seed == 0 else _sgd_run(
            float(eta), seed, SGD_PROBLEM["mini_batch_size"], SGD_PROBLEM["epochs"], False)
        out[seed] = saturation(run.weights, run.biases, X)
    return out


class Overshoot(NamedTuple):
    """What the output layer of a network whose hidden layer is stuck does (:func:`overshoot`)."""

    outputs: np.ndarray       # (steps + 1, classes): a^L (one digit's) before and after each step
    z_jump: float             # the largest change of one z^L_j in one of these steps
    frequencies: np.ndarray   # (classes,): how often each class occurs in the training set
    best_constant_cost: float  # C_0 of the best constant output a^L = frequencies
    cost: float               # C_0 of the network on the training set before the steps


def overshoot(eta, seed=0, steps=6, epochs=SGD_PROBLEM["epochs"]) -> Overshoot:
    """Continue :func:`sgd_run` (eta, seed, epochs) for ``steps`` more mini-batch steps
    (27)/(28) and record the output a^L for the first training digit before and after each.

    Once every hidden unit is saturated (:func:`saturation`), a^L is the same for every digit,
    so the best the network can do is a constant output; the cross-entropy of a constant is
    smallest at a_j = the frequency of class j.  With cross-entropy the output error a - y does
    not vanish, so each step still moves b^3 by eta times the mini-batch mean of a - y: with a
    large eta that move jumps past the best constant.
    """
    steps = _validate.integer("steps", steps, low=1)
    run = sgd_run(eta, seed, epochs=epochs)
    data = sgd_data()
    net = make_network(SGD_PROBLEM["sizes"])
    net.set_parameters([np.array(w) for w in run.weights], [np.array(b) for b in run.biases])
    X, Y = data.X_train, data.Y_train
    cost = float(net.total_cost(X, Y)[0])
    m_hat = SGD_PROBLEM["mini_batch_size"]
    x = X[:, :1]

    def z_out():
        a = x
        for w, b in zip(net.weights[:-1], net.biases[:-1]):
            a = sigmoid(w @ a + b)
        return (net.weights[-1] @ a + net.biases[-1])[:, 0]

    zs = [z_out()]
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("ignore")
        for i in range(steps):
            cols = slice(i * m_hat, (i + 1) * m_hat)
            net.update_mini_batch(X[:, cols], Y[:, cols], eta)
            zs.append(z_out())
    zs = np.array(zs)
    freq = Y.mean(axis=1)
    best = float(-np.sum(freq * np.log(freq) + (1 - freq) * np.log(1 - freq)))
    return Overshoot(sigmoid(zs), float(np.abs(np.diff(zs, axis=0)).max()), freq, best, cost)
