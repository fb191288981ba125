"""Notebook 10 (the playground): what a far too large eta does to a sigmoid network, the
saturation of its last hidden layer."""

from __future__ import annotations

import functools
import warnings
from typing import NamedTuple

import numpy as np

from .. import _validate
from ..backprop import bp2
from ..datasets import load_mnist
from ._core import _nonempty, trained_network, training_run

__all__ = ["SaturationReport", "saturation_report", "LARGE_ETA_PROBLEM", "large_eta_reports"]


class SaturationReport(NamedTuple):
    """:func:`saturation_report`: what the layer before the output does on m examples."""

    saturated: float  # fraction of (hidden unit, example) pairs with sigma'(z) < threshold
    units_always_saturated: int  # hidden units saturated on every example
    units: int
    hidden_spread: float  # largest over hidden units of (max - min of its output over examples)
    output_spread: float  # the same for the output neurons
    predicted: np.ndarray  # how many examples the network puts in each class
    output_delta: float  # mean |delta^L| (= mean |a^L - y| for cross-entropy, sigmoid output)
    hidden_delta: float  # mean |delta^l| of that hidden layer, BP2
    cost: float  # the data cost C_0 of the network on the examples
    constant_cost: float  # C_0 of the best constant output (the class frequencies)
    threshold: float


def saturation_report(net, X, Y, threshold=0.01) -> SaturationReport:
    """How saturated the last hidden layer of ``net`` is on the examples ``X`` (d_1, m), one-hot
    ``Y`` (d_L, m), and what that leaves the output layer.

    A unit is saturated on an example when its sigma'(z) < ``threshold`` (sigmoid: |z| > 4.6 for
    0.01; the largest sigma' is 0.25).  BP2 multiplies by sigma'(z), so a saturated layer passes
    almost no error back (``hidden_delta``), while the output error delta^L of the cross-entropy
    cost, a^L - y, does not vanish (``output_delta``).  When the hidden outputs hardly differ
    between examples (``hidden_spread``), the output layer sees the same input for every example
    and can only produce one constant output: ``constant_cost`` is the best such an output can do.
    """
    if len(net.weights) < 2:
        raise ValueError(f"net must have a hidden layer, got sizes {list(net.sizes)}")
    threshold = _validate.number("threshold", threshold, low=0.0, low_open=True)
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    Y = _validate.as_matrix("Y", Y, rows=net.sizes[-1])
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"Y must have one column per column of X ({X.shape[1]}), got "
                         f"{Y.shape[1]}")
    a = X
    with np.errstate(over="ignore"):
        for w, b in zip(net.weights[:-2], net.biases[:-2]):
            a = net.activation.fn(w @ a + b)
        z = net.weights[-2] @ a + net.biases[-2]
        h = net.activation.fn(z)
        z_out = net.weights[-1] @ h + net.biases[-1]
        a_out = net.output_activation.fn(z_out)
    prime = net.activation.prime(z)
    sat = prime < threshold
    delta_out = net.cost.delta(z_out, a_out, Y, net.output_activation)
    delta_hidden = bp2(net.weights[-1], delta_out, z, net.activation)
    freq = np.broadcast_to(Y.mean(axis=1, keepdims=True), Y.shape)
    return SaturationReport(
        float(sat.mean()), int(np.all(sat, axis=1).sum()), int(z.shape[0]),
        float(np.ptp(h, axis=1).max()), float(np.ptp(a_out, axis=1).max()),
        np.bincount(np.argmax(a_out, axis=0), minlength=net.sizes[-1]),
        float(np.abs(delta_out).mean()), float(np.abs(delta_hidden).mean()),
        float(net.cost.fn(a_out, Y)), float(net.cost.fn(freq, Y)), threshold)


#: notebook 10's run with a far too large eta: the playground preset "η too large"
LARGE_ETA_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "epochs": 10, "eta": 20.0,
                     "n_test": 1000}


def large_eta_reports(seeds=(0, 1, 2), **settings):
    """:data:`LARGE_ETA_PROBLEM` (overridden by ``settings``) trained with every seed, and the
    :func:`saturation_report` of each finished network on its test digits.

    Returns ``(runs, reports, notes)``: lists in the order of ``seeds``; ``notes`` holds the
    messages of warnings the training emitted (a run that cannot learn may say so), recorded
    here instead of printed.
    """
    _nonempty("seeds", seeds, "integers")
    kw = {**LARGE_ETA_PROBLEM, **settings}
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kw.items()))
    out = [_large_eta_report(key, _validate.integer(f"seeds[{i}]", s, low=0))
           for i, s in enumerate(seeds)]
    return [o[0] for o in out], [o[1] for o in out], [n for o in out for n in o[2]]


@functools.lru_cache(maxsize=8)
def _large_eta_report(key, seed):
    kw = dict(key)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = training_run(**kw, seed=seed)
    data = load_mnist(n_train=kw["n_train"], n_test=kw["n_test"], seed=seed)
    report = saturation_report(trained_network(run, kw["sizes"]), data.X_test, data.Y_test)
    return run, report, tuple(f"seed {seed}: {w.message}" for w in caught)
