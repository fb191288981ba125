"""Dropout: the lecture's procedure, its test-time weight scaling, and inverted dropout.

The slides' "Procedure" (Regularization revisited, dropout):

1. choose a mini-batch of training data of size m-hat;
2. randomly delete half of the hidden nodes, keeping all input and output nodes;
3. train the resulting network on the mini-batch, updating all weights and biases;
4. if the validation accuracy is not yet satisfying, return to 1;
5. "after each epoch, decrease each weight by a factor of 1/2".

Step 5 is a slip.  A deleted node simply outputs 0, so during training every node of the next layer
sees on average only (1 - p_drop) of its inputs from a dropped-out layer.  At test time all nodes
are present, so the weights *leaving* a dropped-out layer are multiplied by (1 - p_drop) -- once,
for the test-time network, not after every epoch, and not the weights leaving the input layer
(no input node was ever deleted).  :func:`test_time_weights` does the right thing,
:func:`literal_step5` does what the slide literally says so a notebook can show what goes wrong.

*Inverted dropout* moves the scaling into training: the kept activations are multiplied by
1 / (1 - p_drop), so their expected value is unchanged and the network is used as it is at test
time.  Both give the same expected next-layer input (see :func:`sample_preactivations`).

Numbering: Nielsen's, as on the backprop slides (input = layer 1, output = layer L).  The hidden
layers are 2, ..., L-1; ``masks[i]`` belongs to layer i+2 (width ``sizes[i+1]``) and multiplies
its activations a^{i+2}; ``weights[i]`` is w^{i+2}, so the weights leaving hidden layer i+2 are
``weights[i+1]``.  Arrays are columns, shape (d_l, m).

How many nodes are deleted.  With ``exact=True`` (the default) each column deletes a fixed
*number* of nodes of every hidden layer, as step 2 says: exactly p_drop * d nodes when that is an
integer (15 of 30 for p_drop = 1/2), otherwise floor(p_drop d) or one more, the extra one with
probability frac(p_drop d) -- so every node is still deleted with probability exactly p_drop.  With
``exact=False`` every node is deleted independently with probability p_drop (Srivastava et al.),
so the count varies from mini-batch to mini-batch.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from . import _validate

__all__ = [
    "MASKS_PER",
    "check_p_drop",
    "dropout_masks",
    "test_time_weights",
    "literal_step5",
    "dropout_step",
    "sample_preactivations",
    "test_time_preactivation",
    "InvertedStep",
    "inverted_step_comparison",
    "MaskAverage",
    "mask_average_output",
]


#: how many masks a mini-batch draws: one for the whole mini-batch (the slides' step 2: every
#: example of the mini-batch trains the same thinned network) or a fresh one for every example
MASKS_PER = ("mini-batch", "example")


def check_p_drop(p_drop) -> float:
    """``p_drop`` as a float in [0, 1), or a ValueError/TypeError naming it.

    p_drop is the probability of *deleting* a hidden node (the slides' 1/2).  p_drop = 1 would
    delete every hidden node and is rejected.
    """
    return _validate.number("p_drop", p_drop, low=0.0, high=1.0, high_open=True)


def _check_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths like [784, 30, 10], got {sizes!r}")
    sizes = [_validate.integer(f"sizes[{i}]", s, low=1) for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must name at least an input and an output layer, got {sizes}")
    return sizes


def _kept_columns(d, m, p_drop, rng, exact):
    """A (d, m) array of 0/1: 0 for a deleted node.  See the module docstring for ``exact``."""
    if not exact:
        return (rng.random((d, m)) >= p_drop).astype(float)
    target = round(p_drop * d, 9)  # so that 0.29 * 100 counts as exactly 29
    k = math.floor(target)
    # one node more with probability frac(p_drop d): E[number deleted] = p_drop d exactly
    counts = k + (rng.random(m) < target - k)
    # argsort of independent uniform keys: a uniformly random ranking of the d nodes per column;
    # the nodes ranked below the column's count are deleted
    ranks = rng.random((d, m)).argsort(axis=0)
    return (ranks >= counts).astype(float)


def dropout_masks(sizes, p_drop, rng, m=1, inverted=False, exact=True):
    """Step 2 of the procedure: one random mask per hidden layer, deciding which nodes to delete.

    Returns a list of ``len(sizes) - 2`` float arrays; entry i has shape ``(sizes[i+1], m)`` and
    multiplies the activations of hidden layer i+2 (Nielsen's numbering).  An entry is 0 for a
    deleted node and 1 for a kept one -- or 1 / (1 - p_drop) with ``inverted=True``.

    ``m=1`` deletes the same nodes for every example of the mini-batch, which is the slides'
    "randomly delete half of the hidden nodes" (the column broadcasts over the mini-batch);
    ``m`` = m-hat draws a fresh set for every example.  ``rng`` is a ``numpy.random.Generator``;
    the same seed gives the same masks.  ``p_drop = 0`` gives all-ones masks (never ``None``).
    ``exact`` chooses a fixed number of deleted nodes (default) or independent coin flips; see the
    module docstring.
    """
    sizes = _check_sizes(sizes)
    p_drop = check_p_drop(p_drop)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got "
            f"{type(rng).__name__}"
        )
    m = _validate.integer("m", m, low=1)
    for name, flag in (("inverted", inverted), ("exact", exact)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    return _draw_masks(sizes, p_drop, rng, m, inverted, exact)


def _draw_masks(sizes, p_drop, rng, m=1, inverted=False, exact=True):
    """:func:`dropout_masks` on arguments already checked (the trainer's mini-batch loop)."""
    scale = 1.0 / (1.0 - p_drop) if inverted else 1.0
    masks = []
    for d in sizes[1:-1]:
        mask = _kept_columns(d, m, p_drop, rng, exact)
        if scale != 1.0:
            mask *= scale
        masks.append(mask)
    return masks


def _check_weights(weights):
    if isinstance(weights, np.ndarray) or not hasattr(weights, "__len__"):
        raise TypeError("weights must be a list of weight matrices (like net.weights)")
    out = []
    for i, w in enumerate(weights):
        w = np.asarray(w)
        if w.ndim != 2 or w.dtype.kind not in "biuf":
            raise ValueError(
                f"weights[{i}] must be a 2-D numeric matrix, got shape {w.shape} dtype {w.dtype}"
            )
        out.append(w)
    return out


def test_time_weights(weights, p_drop):
    """The weights of the full network used at test time, after training with dropout.

    Returns new arrays (the inputs are not modified): ``weights[0]`` (w^2, leaving the input
    layer, whose nodes are never deleted) is copied unchanged, and every later matrix ``weights[i]``
    (w^{i+2}, leaving hidden layer i+1) is multiplied by (1 - p_drop).  For p_drop = 1/2 this
    "halves the weights" -- the correct reading of step 5, applied once, at test time.

    Why: in training a node of the next layer received a kept node's activation with probability
    (1 - p_drop) and 0 otherwise, so its expected input was (1 - p_drop) w a.  Scaling the
    outgoing weights gives the full network exactly that expected input.
    """
    weights = _check_weights(weights)
    factor = 1.0 - check_p_drop(p_drop)
    return [np.array(w, dtype=float) if i == 0 else factor * w for i, w in enumerate(weights)]


# pytest would otherwise try to collect this function as a test when it is imported in a test
test_time_weights.__test__ = False


def literal_step5(weights, factor=0.5):
    """The slip in step 5, applied literally: *every* weight multiplied by ``factor`` (1/2).

    Meant to be called after each epoch, as the slide says, so after k epochs every weight has
    shrunk by factor**k -- including the weights leaving the input layer, which were never
    dropped.  The network drifts towards a constant output (the sigmoid of its biases) and its
    accuracy collapses; :func:`test_time_weights` is the correct rule.  Returns new arrays.
    """
    weights = _check_weights(weights)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
        raise TypeError(f"factor must be a real number, got {factor!r}")
    factor = _validate.number("factor", factor, low=0.0)
    return [factor * w for w in weights]


def dropout_step(net, X, Y, eta, p_drop, rng, lmbda=0.0, n=None, penalty="l2", inverted=False,
                 exact=True):
    """Steps 2-3 of the procedure on one mini-batch: delete nodes, then one SGD step.

    Draws masks with :func:`dropout_masks` (the same nodes for the whole mini-batch, as in the
    slides, unless ``inverted``, which draws fresh nodes for every example), then calls
    ``net.update_mini_batch(X, Y, eta, lmbda, n, penalty, masks=masks)``.  A deleted node's
    activation is 0 and so is its delta (BP2 times the mask), so the weights into and out of it get
    zero gradient: only L2/L1 decay touches them.  Returns the masks used.
    """
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    m = X.shape[1] if inverted else 1
    masks = dropout_masks(net.sizes, p_drop, rng, m=m, inverted=inverted, exact=exact)
    net.update_mini_batch(X, Y, eta, lmbda, n, penalty, masks=masks)
    return masks


def _first_hidden(net, X):
    """a^2, the activation of the first hidden layer (Nielsen's numbering), for the columns of X."""
    if len(net.sizes) < 3:
        raise ValueError(f"dropout needs a hidden layer; the network has sizes {net.sizes}")
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    return net.activation.fn(net.weights[0] @ X + net.biases[0])


def sample_preactivations(net, X, p_drop, rng, samples, inverted=False, exact=True):
    """z^3 = w^3 (a^2 (.) mask) + b^3 for ``samples`` random masks of the first hidden layer.

    Returns an array of shape ``(samples, sizes[2], m)``: what the layer after the first hidden
    layer receives in training, one slice per mask (same nodes for all m columns, as in step 2,
    unless ``inverted``).  Its average over many masks is the "average over several smaller
    networks" of the slides; it tends to :func:`test_time_preactivation` for the slides' procedure
    and to the unscaled network's z^3 for inverted dropout.
    """
    p_drop = check_p_drop(p_drop)
    samples = _validate.integer("samples", samples, low=1)
    a2 = _first_hidden(net, X)
    d2, m = a2.shape
    w3, b3 = net.weights[1], net.biases[1]
    masks = _mask_stack(d2, m if inverted else 1, p_drop, rng, samples, exact)
    if inverted:
        masks *= 1.0 / (1.0 - p_drop)
    # out[s] = w^3 (a^2 (.) mask_s) + b^3 for every mask s at once
    return np.einsum("ij,sjm->sim", w3, a2 * masks) + b3


def _mask_stack(d, m, p_drop, rng, samples, exact):
    """``samples`` masks of one hidden layer of ``d`` nodes, shape ``(samples, d, m)``: the
    masks that ``samples`` calls of :func:`dropout_masks` draw, in one go and from the same
    random numbers in the same order (tests/test_dropout.py checks they are equal)."""
    if not exact:
        return (rng.random((samples, d, m)) >= p_drop).astype(float)
    target = round(p_drop * d, 9)
    k = math.floor(target)
    u = rng.random((samples, m + d * m))  # per mask: m uniforms for the counts, then d x m keys
    counts = k + (u[:, :m] < target - k)
    ranks = u[:, m:].reshape(samples, d, m).argsort(axis=1)
    return (ranks >= counts[:, None, :]).astype(float)


def test_time_preactivation(net, X, p_drop, inverted=False):
    """z^3 of the full network at test time: (1 - p_drop) w^3 a^2 + b^3 for the slides' procedure
    (weights from :func:`test_time_weights`), or w^3 a^2 + b^3 unchanged for inverted dropout."""
    p_drop = check_p_drop(p_drop)
    a2 = _first_hidden(net, X)
    w3 = net.weights[1] if inverted else test_time_weights(net.weights[:2], p_drop)[1]
    return w3 @ a2 + net.biases[1]


test_time_preactivation.__test__ = False


# ---------------------------------------------------------------- the two versions, one step


class InvertedStep(NamedTuple):
    """:func:`inverted_step_comparison`: one SGD step of both versions from equivalent starts.

    ``output_difference``: largest |a^L(slides) - a^L(inverted)| on the mini-batch, same mask.
    ``weight_step_ratio[i]``: the inverted version's change of ``weights[i]``, expressed in the
    slides' parameters (divided by (1 - p_drop) for the weights leaving a hidden layer), over
    the slides' change, element by element (median, for the entries that changed).
    ``bias_step_ratio[i]``: the same for ``biases[i]``.
    """

    output_difference: float
    weight_step_ratio: tuple
    bias_step_ratio: tuple


def _ratio(a, b):
    changed = np.abs(b) > 1e-12 * max(1.0, float(np.abs(b).max()))
    return float(np.median(a[changed] / b[changed])) if changed.any() else float("nan")


def inverted_step_comparison(net, X, Y, eta, p_drop, rng):
    """The slides' dropout and inverted dropout, one SGD step each, from equivalent networks.

    The slides' network has outgoing weights W; the inverted one starts from V = (1 - p) W for
    every matrix leaving a hidden layer (and the same other parameters), so that with the same
    mask r both compute the same forward pass: V (a (.) r / (1 - p)) = W (a (.) r).  Both then take
    one step (27)/(28) with the same ``eta`` on the mini-batch (X, Y) with that mask.  Since
    dC/dV = dC/dW / (1 - p), the inverted step moves V by eta dC/dW / (1 - p), which is a change of
    W = V / (1 - p) by eta dC/dW / (1 - p)^2: the weights leaving a dropped-out layer learn
    1 / (1 - p)^2 times as fast (4 times for p = 1/2); all other parameters get the same step.
    ``net`` is not modified.  Returns an :class:`InvertedStep`.
    """
    p_drop = check_p_drop(p_drop)
    if len(net.sizes) < 3:
        raise ValueError(f"dropout needs a hidden layer; the network has sizes {net.sizes}")
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    keep = 1.0 - p_drop
    masks = dropout_masks(net.sizes, p_drop, rng, m=1)
    slides, inverted = net.copy(), net.copy()
    inverted.weights = [w if i == 0 else keep * w for i, w in enumerate(inverted.weights)]
    inv_masks = [mask / keep for mask in masks]
    diff = float(np.abs(slides.feedforward(X, masks) - inverted.feedforward(X, inv_masks)).max())
    w_before = [w.copy() for w in slides.weights]
    v_before = [v.copy() for v in inverted.weights]
    b_before = [b.copy() for b in net.biases]
    slides.update_mini_batch(X, Y, eta, masks=masks)
    inverted.update_mini_batch(X, Y, eta, masks=inv_masks)
    w_ratio = []
    for i in range(len(w_before)):
        unit = 1.0 if i == 0 else keep  # V = keep W for the weights leaving a hidden layer
        w_ratio.append(_ratio((inverted.weights[i] - v_before[i]) / unit,
                              slides.weights[i] - w_before[i]))
    b_ratio = tuple(_ratio(inverted.biases[i] - b_before[i], slides.biases[i] - b_before[i])
                    for i in range(len(b_before)))
    return InvertedStep(diff, tuple(w_ratio), b_ratio)


# ---------------------------------------------------------------- test time: mean over masks


class MaskAverage(NamedTuple):
    """:func:`mask_average_output`, each an array (sizes[-1], m).

    ``arithmetic``: the average of the network's output a^L over the sampled masks (the "average
    over several smaller networks"); ``geometric``: their normalised geometric mean,
    G / (G + G') with G = (prod a)^(1/K) and G' = (prod (1 - a))^(1/K); ``test_time``: the output
    of the full network with the outgoing weights scaled by (1 - p_drop); ``mean_z``: sigma of the
    average of z^L over the sampled masks.
    """

    arithmetic: np.ndarray
    geometric: np.ndarray
    test_time: np.ndarray
    mean_z: np.ndarray


def mask_average_output(net, X, p_drop, rng, samples):
    """The output a^L = sigma(z^L) of a one-hidden-layer network averaged over random masks,
    against the test-time network.

    The scaling (1 - p_drop) makes the next layer's input z^L exact in expectation only:
    E[z^L] = test-time z^L.  The output sigma(z^L) is not linear, so E[sigma(z^L)] differs from
    sigma(E[z^L]).  What the test-time network computes exactly is a *geometric* mean: for a
    sigmoid output, log(a / (1 - a)) = z, so the normalised geometric mean of sigma(z) over masks
    is sigma(mean z) -- over the sampled masks, identically; over all masks, sigma(E z), the
    test-time output.  Needs sizes [n_in, d, n_out] (one hidden layer, so z^L is linear in the
    mask) and a sigmoid output.  Returns a :class:`MaskAverage`.
    """
    if len(net.sizes) != 3:
        raise ValueError(f"mask_average_output needs one hidden layer, sizes [n_in, d, n_out]; "
                         f"got {net.sizes}")
    if net.output_activation.name != "sigmoid":
        raise ValueError(f"mask_average_output needs a sigmoid output, got "
                         f"{net.output_activation.name}")
    z = sample_preactivations(net, X, p_drop, rng, samples)  # (K, n_out, m)
    a = 1.0 / (1.0 + np.exp(-z))
    log_g = np.mean(-np.logaddexp(0.0, -z), axis=0)  # mean log sigma(z)
    log_g1 = np.mean(-np.logaddexp(0.0, z), axis=0)  # mean log (1 - sigma(z))
    geometric = 1.0 / (1.0 + np.exp(log_g1 - log_g))
    mean_z = 1.0 / (1.0 + np.exp(-z.mean(axis=0)))
    test_z = test_time_preactivation(net, X, p_drop)
    return MaskAverage(a.mean(axis=0), geometric, 1.0 / (1.0 + np.exp(-test_z)), mean_z)
