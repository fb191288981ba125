"""How a run is watched: its evaluation at test time, and the signs that it cannot learn.

:class:`lecture5.training.Trainer` calls these after every epoch (and re-exports the public
ones); they read a network and data and change nothing.  A run cannot learn when its hidden units
are saturated (sigma'(z) ~ 0, so BP2 passes almost nothing back) or when it is stuck at chance
level; inputs that look like unscaled pixels (0-255) are named before training starts.
"""

from __future__ import annotations

import math

import numpy as np

from .backprop import feedforward_trace
from .dropout import test_time_weights
from .regularization import penalty_cost

__all__ = ["evaluate", "hidden_saturation", "cannot_learn", "PIXEL_MAX", "SATURATED_PRIME",
           "SATURATED_FRACTION", "SATURATION_SAMPLE"]

#: above this, inputs of 784 rows (28 x 28 images) look like pixels on a 0-255 scale
PIXEL_MAX = 1.5
#: a hidden unit is saturated where its activation's derivative is below this fraction of its peak
SATURATED_PRIME = 1e-3
#: warn when at least this fraction of (hidden unit, example) pairs is saturated after an epoch
SATURATED_FRACTION = 0.99
#: the saturation check looks at every k-th training column, k = n // SATURATION_SAMPLE (at least
#: 1): all of n <= 1,999 columns, else 1,000 to 1,999 of them
SATURATION_SAMPLE = 1000


def evaluate(net, X, Y, labels, p_drop, dropout, lmbda, n, penalty, saturation=False):
    """``(cost_data_part, penalty_part, accuracy, saturation)`` of ``net`` used at test time on
    checked X, Y (``labels`` derived from Y if None): with the slides' dropout the weights leaving
    hidden layers scaled by (1 - p_drop); the penalty normalised by the training-set size n.
    ``saturation=True`` adds :func:`hidden_saturation` of the training network on X (else None),
    from the same forward pass where it computes the same hidden z, else from a pass of its own.
    """
    weights = net.weights
    scaled = p_drop > 0 and dropout == "slides" and len(net.sizes) > 2
    with np.errstate(over="ignore", invalid="ignore"):
        zs, activations = feedforward_trace(
            test_time_weights(weights, p_drop) if scaled else weights, net.biases, X,
            net.activation, net.output_activation)
        a = activations[-1]
        data = net.cost.fn(a, Y)
        pen = penalty_cost(weights, lmbda, n, penalty)
    if labels is None:
        labels = np.argmax(Y, axis=0)
    acc = float(np.mean(np.argmax(a, axis=0) == labels))
    fraction = None
    if saturation and scaled and len(net.sizes) > 3:
        fraction = hidden_saturation(net, X)  # the scaled weights feed hidden layers 3, ...
    elif saturation:  # only w^2 (never scaled) feeds a hidden layer: the same z^2
        step = _saturation_step(X.shape[1])
        fraction = _saturated_fraction(net.activation, [z[:, ::step] for z in zs[:-1]])
    return data, pen, acc, fraction


def hidden_saturation(net, X):
    """Fraction of (hidden unit, example) pairs, over every k-th column of X (k = n // 1,000, at
    least 1; :data:`SATURATION_SAMPLE`), where the hidden activation's derivative is below 1e-3
    of its peak: a unit there passes (almost) no gradient back through BP2.  0.0 for a network
    without hidden layers."""
    if len(net.sizes) <= 2:
        return 0.0
    X = X[:, ::_saturation_step(X.shape[1])]
    with np.errstate(over="ignore", invalid="ignore"):
        zs, _ = feedforward_trace(net.weights, net.biases, X, net.activation,
                                  net.output_activation)
    return _saturated_fraction(net.activation, zs[:-1])


def _saturation_step(n):
    """Every how many of n columns :func:`hidden_saturation` looks (:data:`SATURATION_SAMPLE`)."""
    return max(1, n // SATURATION_SAMPLE)


def _saturated_fraction(activation, hidden_zs):
    if not hidden_zs:
        return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        peak = float(np.max(activation.prime(np.linspace(-4.0, 4.0, 81))))
        saturated = sum(int(np.count_nonzero(~(activation.prime(z) >= SATURATED_PRIME * peak)))
                        for z in hidden_zs)
    return saturated / sum(z.size for z in hidden_zs)


def cannot_learn(net, X, labels, history, eta, *, saturation=None):
    """``(cause, message)`` if the epoch just recorded in ``history`` shows a run that cannot
    learn, else None: "saturated" (at least 99 % of the (hidden unit, example) pairs on X
    saturated) or "stalled" (the training accuracy unchanged and no better than always answering
    the most common class of ``labels``, and the training cost changed by less than 1e-4 of itself
    over the epoch).  ``saturation``: :func:`hidden_saturation` of ``net`` on X, if known."""
    epoch, acc, cost = history["epoch"][-1], history["train_accuracy"], history["train_cost"]
    fraction = hidden_saturation(net, X) if saturation is None else saturation
    if fraction >= SATURATED_FRACTION:
        return "saturated", (
            f"After epoch {epoch}, {fraction:.0%} of the hidden {net.activation.name} units are "
            f"saturated on the training data (their derivative is ~0), so they pass almost no "
            f"gradient back and the network learns little or nothing (eta = {eta:g}, train "
            f"accuracy {acc[-1]:.3f}). Try a smaller eta (e.g. 0.1 to 3) with a fresh network.")
    chance = np.bincount(labels).max() / labels.size  # always answering the commonest class
    if (len(acc) >= 2 and acc[-1] == acc[-2] and acc[-1] <= chance + 0.02
            and math.isclose(cost[-1], cost[-2], rel_tol=1e-4)):
        return "stalled", (
            f"Epoch {epoch} left the training accuracy at {acc[-1]:.3f} (always answering the "
            f"commonest class scores {chance:.3f}) and the training cost at {cost[-1]:.4g}: the "
            f"network is not learning (eta = {eta:g}). "
            f"Output units saturated by a far too large eta, or a far too small eta, do this; "
            f"try another eta (e.g. 0.1 to 3) with a fresh network.")
    return None


def _unscaled_pixels(name, raw, arr):
    """A warning text if ``arr`` (the checked float copy of ``raw``) holds 28 x 28 images whose
    pixels look unscaled (above 1.5, or uint8), else None."""
    if arr.shape[0] != 28 * 28:
        return None
    top, dtype = float(arr.max()), np.asarray(raw).dtype
    if top <= PIXEL_MAX and dtype != np.uint8:
        return None
    return (f"{name} holds values up to {top:g} (dtype {dtype}), but the pixels of 28 x 28 "
            f"images should lie in [0, 1]: these look unscaled (0-255?). Sigmoid units saturate "
            f"on such inputs and the network barely learns. Scale the images first, e.g. "
            f"X / 255.0 (the loaders in lecture5.datasets do).")
