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

import numpy as np

from . import _validate

__all__ = [
    "check_p_drop",
    "dropout_masks",
    "test_time_weights",
    "literal_step5",
    "dropout_step",
    "sample_preactivations",
    "test_time_preactivation",
]


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
    out = np.empty((samples, w3.shape[0], m))
    sizes = [net.sizes[0], d2, w3.shape[0]]
    for s in range(samples):
        (mask,) = dropout_masks(sizes, p_drop, rng, m=m if inverted else 1, inverted=inverted,
                                exact=exact)
        out[s] = w3 @ (a2 * mask) + b3
    return out


def test_time_preactivation(net, X, p_drop, inverted=False):
    """z^3 of the full network at test time: (1 - p_drop) w^3 a^2 + b^3 for the slides' procedure
    (weights from :func:`test_time_weights`), or w^3 a^2 + b^3 unchanged for inverted dropout."""
    p_drop = check_p_drop(p_drop)
    a2 = _first_hidden(net, X)
    w3 = net.weights[1] if inverted else test_time_weights(net.weights[:2], p_drop)[1]
    return w3 @ a2 + net.biases[1]


test_time_preactivation.__test__ = False
