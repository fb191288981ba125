"""Exercises of notebook 07 (dropout).  Right answers computed with :mod:`lecture5.dropout`.

Numbering: Nielsen's (input = layer 1); ``weights[1]`` is w^3, the weights leaving hidden layer 2.
p is the probability that a hidden node is deleted (``p_drop`` in the code).
"""

from __future__ import annotations

import numpy as np

from ..dropout import dropout_masks, sample_preactivations, test_time_preactivation
from ..network import Network
from . import Derive, Implement, Predict, Wrong, register

__all__ = ["P_1"]

#: exercise 07.1: the slides' p
P_1 = 0.5
_SAMPLES = 2000


def _ratio():
    """(unscaled full network's w^3 a^2) / (its average over training-time masks)."""
    net = Network([20, 50, 5], seed=0)
    net.biases[1] = np.zeros_like(net.biases[1])  # compare w^3 a^2 alone
    X = np.random.default_rng(1).normal(size=(20, 3))
    average = sample_preactivations(net, X, P_1, np.random.default_rng(2), _SAMPLES).mean(axis=0)
    full = test_time_preactivation(net, X, P_1, inverted=True)  # inverted: weights unscaled
    return float(np.sum(full * average) / np.sum(average * average))


_WORDS = {0.5: "half", 1.0: "the same", 2.0: "twice"}


def _word():
    r = _ratio()
    return _WORDS[min(_WORDS, key=lambda k: abs(np.log(k / r)))]


def _show():
    return (f"average over {_SAMPLES} training-time masks of w^3 (a^2 (.) mask), compared with "
            f"the full network's w^3 a^2 (no scaling), p = {P_1:g}:\n"
            f"full / training average = {_ratio():.3f}  (1/(1 - p) = {1 / (1 - P_1):g})")


register(Predict(
    key="07.1",
    task="predict how the next layer's input at test time compares with training, unscaled",
    choices=tuple(_WORDS.values()), truth=_word, show=_show,
    hint="in training each node of a^2 is present with probability 1 - p.",
    wrong=(Wrong("half", "the full network has *more* nodes present than any training network, "
                         "not fewer: in training only a fraction 1 - p of them contributed"),
           Wrong("the same", "in training only a fraction 1 - p of the hidden nodes contributed "
                             "on average; with all of them present the sum is 1/(1 - p) times "
                             "larger - that is why step 5 scales the weights")),
    why=("E[mask] = 1 - p, so training's average input is (1 - p) w^3 a^2; the full "
         "network gives w^3 a^2, 1/(1 - p) times more."),
))


def _inverted_factor(p):
    (mask,) = dropout_masks([1, 10, 1], p, np.random.default_rng(0), inverted=True)
    return float(mask.max())


register(Derive(
    key="07.2",
    task="derive the factor by which inverted dropout multiplies a kept activation in training",
    formula=_inverted_factor, given=lambda: {"p": 0.2},
    samples=lambda rng: [{"p": float(p)} for p in rng.uniform(0.05, 0.8, 3)],
    hint="inverted dropout keeps the expected activation E[mask] a equal to a.",
    wrong=(Wrong(lambda p: 1 / p, "dividing by p instead of 1 - p: p is the probability to "
                                  "*delete* a node, 1 - p to keep it"),
           Wrong(lambda p: 1 - p, "1 - p is the slides' test-time factor; inverted dropout "
                                  "does the opposite during training: 1/(1 - p)"),
           Wrong(lambda p: p, "p scales by the probability to delete, and in the wrong "
                              "direction")),
    worked=lambda: ("E[scale * keep] = scale (1 - p) = 1  =>  scale = 1/(1 - p):  "
                    f"lambda p: 1 / (1 - p); for p = 0.2: {_inverted_factor(0.2):g}"),
))


def _keep_and_a(d, m, p, seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(size=(d, m))
    (keep,) = dropout_masks([1, d, 1], p, np.random.default_rng(seed + 1), m=m)
    return a, keep


def _package(d, m, p, seed):
    a, _ = _keep_and_a(d, m, p, seed)
    (mask,) = dropout_masks([1, d, 1], p, np.random.default_rng(seed + 1), m=m, inverted=True)
    return a * mask


def _harness(f, d, m, p, seed):
    a, keep = _keep_and_a(d, m, p, seed)
    return f(a, keep, p)


register(Implement(
    key="07.3", task="implement inverted dropout for one layer, given its 0/1 keep mask",
    signature="inverted_dropout(a, keep, p) -> array like a",
    reference=_package, harness=_harness,
    cases=lambda rng: [(10, 1, 0.5, 0), (8, 4, 0.2, 1), (30, 5, 0.75, 2)],
    hint="deleted nodes give 0; kept ones are scaled so that the expectation stays a.",
    wrong=(Wrong(lambda a, keep, p: a * keep * (1 - p),
                 "multiplying by 1 - p is the slides' test-time scaling; inverted dropout divides "
                 "by it during training"),
           Wrong(lambda a, keep, p: a * keep / p,
                 "dividing by p instead of 1 - p: p is the probability to delete"),
           Wrong(lambda a, keep, p: a * keep, "the scale is missing: that is the slides' "
                                              "dropout, not inverted dropout")),
    worked=lambda: ("def inverted_dropout(a, keep, p):\n"
                    "    return a * keep / (1 - p)"),
))
