"""Backpropagation: the Hadamard product (9), the four equations BP1-BP4, and the algorithm.

The goal is every partial derivative (5), dC/dw^l_jk and dC/db^l_j.  The route is the error
delta^l_j = dC/dz^l_j, eq (6); the chain rule (7) turns it into the gradient (BP3, BP4).  Where
each step of the derivation is computed: (10)-(13) in :func:`bp1`, (14)-(18) in :func:`bp2`, (7)
and (19)/(20) in :func:`bp3` / :func:`bp4`.

Numbering: Nielsen's, as on the backprop slides, with the input as layer 1 and the output as layer
L.  In code, ``weights[i]`` is w^{i+2} and ``zs[i]``, ``activations[i+1]`` are z^{i+2}, a^{i+2}.

Column convention: every array has one column per example, shape ``(d_l, m)``.  BP1 and BP2 act on
each column independently; BP3 and BP4 *average* over the columns, so with m = 1 they are exactly
eqs (19) and (20), and with m columns they give the gradient of C = (1/m) sum_x C_x.

Two forms of the same algorithm live here:

* :func:`backprop_batch`, the matrix form: one pass over the layers for the whole mini-batch, one
  matrix product per layer (this is what ``Network.backprop`` uses).  Its steps 1-3 (every
  delta^l) are :func:`forward_backward`, which the trainer's fast step (``_engine``) shares;
* :func:`backprop_per_example`, the slides' "for each training example x" loop, one example at a
  time (:func:`errors_single`, :func:`backprop_single`).  A test shows both give the same gradient;
  the loop is several times slower, which is the point of the matrix form.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dger

from .activations import Activation, sigmoid

__all__ = [
    "hadamard",
    "bp1",
    "bp2",
    "bp3",
    "bp4",
    "feedforward_trace",
    "forward_backward",
    "backprop_batch",
    "errors_single",
    "backprop_single",
    "backprop_per_example",
]


def hadamard(s, t):
    """The Hadamard (elementwise) product s (.) t, eq (9): (s (.) t)_j = s_j t_j.

    Shapes must match exactly: numpy would silently broadcast a (3, 1) against a (1, 3) into a
    (3, 3) matrix, which is never what eq (9) means.
    """
    s = np.asarray(s)
    t = np.asarray(t)
    if s.shape != t.shape:
        raise ValueError(
            f"hadamard: s and t must have the same shape, got s {s.shape} and t {t.shape}"
        )
    return s * t


def bp1(nabla_a_C, z_L, activation: Activation = sigmoid):
    """BP1 (eq (11)): delta^L = nabla_a C (.) sigma'(z^L), the error of the output layer.

    Eq (10) is the chain rule behind it: delta^L_j = sum_k dC/da^L_k da^L_k/dz^L_j, where only
    k = j survives because a^L_k = sigma(z^L_k) depends on z^L_k alone; so
    delta^L_j = dC/da^L_j sigma'(z^L_j), which is (11) written entry by entry.  For the quadratic
    cost ``nabla_a_C`` is a^L - y, giving (12)/(13).
    """
    return hadamard(nabla_a_C, activation.prime(z_L))


def bp2(w_next, delta_next, z, activation: Activation = sigmoid):
    """BP2 (eq (18)): delta^l = ((w^{l+1})^T delta^{l+1}) (.) sigma'(z^l).

    Derived in (14)-(17): the chain rule through the next layer's weighted inputs,
    delta^l_j = sum_k dz^{l+1}_k/dz^l_j delta^{l+1}_k (14); z^{l+1}_k = sum_j w^{l+1}_kj
    sigma(z^l_j) + b^{l+1}_k (15), so dz^{l+1}_k/dz^l_j = w^{l+1}_kj sigma'(z^l_j) (16); and
    substituting, delta^l_j = sum_k w^{l+1}_kj delta^{l+1}_k sigma'(z^l_j) (17), which is (18)
    entry by entry.

    ``w_next`` is w^{l+1} of shape (d_{l+1}, d_l); ``delta_next`` and ``z`` have m columns.
    """
    w_next = np.asarray(w_next)
    delta_next = np.asarray(delta_next)
    if w_next.ndim != 2 or delta_next.shape[0] != w_next.shape[0]:
        raise ValueError(
            f"bp2: w_next must be (d_l+1, d_l) and delta_next (d_l+1, m); got w_next "
            f"{w_next.shape} and delta_next {delta_next.shape}"
        )
    return hadamard(w_next.T @ delta_next, activation.prime(z))


def bp3(delta, out=None):
    """BP3 (eq (19)): dC/db^l_j = delta^l_j, averaged over the m columns -> shape (d_l, 1).

    The first half of eq (7): dC/db^l_j = delta^l_j dz^l_j/db^l_j and dz^l_j/db^l_j = 1.
    """
    delta = np.asarray(delta)
    if delta.ndim == 1:
        delta = delta[:, None]
    m = delta.shape[1]
    out = np.sum(delta, axis=1, keepdims=True, out=out)
    out *= 1.0 / m
    return out


def bp4(delta, a_prev, out=None):
    """BP4 (eq (20)): dC/dw^l_jk = a^{l-1}_k delta^l_j, averaged over the m columns.

    The second half of eq (7): dC/dw^l_jk = delta^l_j dz^l_j/dw^l_jk, and with
    z^l_j = sum_k' w^l_jk' a^{l-1}_k' + b^l_j only the term k' = k depends on w^l_jk, so the
    factor is a^{l-1}_k (the slide writes a^{l-1}_{k*}, its sum reusing the letter k).

    For one column this is the outer product delta (a^{l-1})^T; for m columns the matrix product
    delta (a^{l-1})^T sums the m outer products, and dividing by m averages them.
    """
    delta = np.asarray(delta)
    a_prev = np.asarray(a_prev)
    if delta.ndim == 1:
        delta = delta[:, None]
    if a_prev.ndim == 1:
        a_prev = a_prev[:, None]
    if delta.shape[1] != a_prev.shape[1]:
        raise ValueError(
            f"bp4: delta and a_prev must have the same number of columns m, got delta "
            f"{delta.shape} and a_prev {a_prev.shape}"
        )
    m = delta.shape[1]
    out = np.matmul(delta, a_prev.T, out=out)
    out *= 1.0 / m
    return out


def feedforward_trace(weights, biases, X, activation=sigmoid, output_activation=sigmoid,
                      masks=None):
    """The forward pass, eq (4) layer by layer, keeping every z^l and a^l (BP1-BP4 need them).

    Returns ``(zs, activations)`` with ``activations[0] = X`` and ``activations[-1] = a^L``.
    ``masks`` (optional, one per hidden layer, ``None`` for no mask) multiply the hidden
    activations: this is how dropout deletes nodes.  This is the package's one forward pass:
    ``Network.feedforward``, the algorithm below, the per-example loop and the fast SGD step of
    ``lecture5._engine`` all run it.
    """
    a = X
    zs, activations = [], [X]
    last = len(weights) - 1
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = w @ a
        z += b  # z^l = w^l a^{l-1} + b^l
        a = (output_activation if i == last else activation).fn(z)
        if masks is not None and i < last and masks[i] is not None:
            a = a * masks[i]
        zs.append(z)
        activations.append(a)
    return zs, activations


def forward_backward(weights, biases, X, Y, cost, activation=sigmoid, output_activation=sigmoid,
                     masks=None):
    """Steps 1-3 of the algorithm for a whole mini-batch: every delta^l, but not yet BP3/BP4.

    1. feedforward (eq (4), :func:`feedforward_trace`) for X (d_1, m);  2. output error delta^L by
    BP1 (via ``cost.delta``);  3. for l = L-1, ..., 2: delta^l by BP2.

    Returns ``(inputs, deltas)``, lists as long as ``weights``: ``inputs[i]`` is a^{i+1}, the
    activation that enters ``weights[i]`` (so ``inputs[0]`` is X), and ``deltas[i]`` is
    delta^{i+2} = dC_x/dz^{i+2} (eq (6)), one column per example.  BP3 and BP4 turn them into the
    gradient (:func:`backprop_batch`); the trainer's fast step folds BP4 straight into the weight
    update.

    ``masks`` (optional, one per hidden layer, ``None`` for no mask) multiply the hidden
    activations and hence the factor sigma'(z^l) of BP2: a deleted node passes nothing forward and
    gets delta = 0.  Without a mask, the sigmoid's sigma'(z) is computed as a (1 - a) from the
    activation itself (the identity used before eq (12)) instead of evaluating sigma(z) again.
    """
    zs, activations = feedforward_trace(weights, biases, X, activation, output_activation, masks)
    last = len(weights) - 1
    delta = cost.delta(zs[last], activations[-1], Y, output_activation)  # BP1
    deltas = [delta]
    for i in range(last - 1, -1, -1):
        mask = None if masks is None else masks[i]
        if activation is sigmoid and mask is None:
            a = activations[i + 1]
            prime = 1.0 - a
            prime *= a  # sigma'(z) = sigma(z) (1 - sigma(z))
        else:
            prime = activation.prime(zs[i])
            if mask is not None:
                prime = prime * mask
        # BP2, written out (bp2 without its shape checks, on the hot path)
        delta = weights[i + 1].T @ delta
        delta *= prime
        deltas.append(delta)
    deltas.reverse()
    return activations[:-1], deltas


def backprop_batch(weights, biases, X, Y, cost, activation=sigmoid, output_activation=sigmoid,
                   masks=None, nabla_b=None, nabla_w=None):
    """The backpropagation algorithm in matrix form for a whole mini-batch X (d_1, m), Y (d_L, m).

    1. feedforward (eq (4)) keeping every z^l, a^l;  2. output error delta^L, BP1 (via
    ``cost.delta``);  3. for l = L-1, ..., 2: delta^l by BP2 (steps 1-3 are
    :func:`forward_backward`);  4. gradients by BP3 and BP4.

    Returns ``(nabla_b, nabla_w)``: the partial derivatives (5) of the *unregularized* cost,
    averaged over the m columns.  ``nabla_b``/``nabla_w`` may be lists of preallocated arrays to
    write into.
    """
    inputs, deltas = forward_backward(weights, biases, X, Y, cost, activation, output_activation,
                                      masks)
    L = len(weights)
    if nabla_b is None:
        nabla_b = [None] * L
    if nabla_w is None:
        nabla_w = [None] * L
    for i in range(L):
        nabla_b[i] = bp3(deltas[i], out=nabla_b[i])  # BP3
        nabla_w[i] = bp4(deltas[i], inputs[i], out=nabla_w[i])  # BP4
    return nabla_b, nabla_w


def errors_single(weights, biases, x, y, cost, activation=sigmoid, output_activation=sigmoid):
    """Steps 1-4 of the slides' algorithm for one example x, with column vectors.

    Returns ``(activations, deltas)``: ``activations[i]`` is a^{i+1} (``activations[0]`` is x),
    ``deltas[i]`` is delta^{i+2} = dC_x/dz^{i+2}.  Step 5 (BP3, BP4) is left to the caller.
    """
    # a contiguous column: a strided one (a column of a C-ordered X) keeps the outer products of
    # BP4 away from BLAS and makes them many times slower
    x = np.ascontiguousarray(x, dtype=float).reshape(-1, 1)
    y = np.ascontiguousarray(y, dtype=float).reshape(-1, 1)
    # 1. input: a^1 = x;  2. feedforward: z^l = w^l a^{l-1} + b^l, a^l = sigma(z^l)
    zs, activations = feedforward_trace(weights, biases, x, activation, output_activation)
    # 3. output error: delta^L = nabla_a C_x (.) sigma'(z^L)   (BP1)
    delta = cost.delta(zs[-1], activations[-1], y, output_activation)
    deltas = [delta]
    # 4. backpropagate: delta^l = ((w^{l+1})^T delta^{l+1}) (.) sigma'(z^l)   (BP2)
    for i in range(len(weights) - 2, -1, -1):
        delta = bp2(weights[i + 1], delta, zs[i], activation)
        deltas.insert(0, delta)
    return activations, deltas


def backprop_single(weights, biases, x, y, cost, activation=sigmoid, output_activation=sigmoid):
    """Gradient of C_x for one example x: the slides' algorithm, steps 1-5, with vectors.

    ``x`` has shape (d_1, 1) or (d_1,); returns ``(nabla_b, nabla_w)`` for C_x alone.
    """
    activations, deltas = errors_single(weights, biases, x, y, cost, activation,
                                        output_activation)
    # 5. output: dC_x/db^l = delta^l (BP3), dC_x/dw^l_jk = a^{l-1}_k delta^l_j (BP4)
    nabla_w = [delta @ a.T for delta, a in zip(deltas, activations)]
    return deltas, nabla_w


def backprop_per_example(weights, biases, X, Y, cost, activation=sigmoid,
                         output_activation=sigmoid):
    """The slides' "for each training example x" loop, averaged over the m columns of X.

    This is the gradient that step 3 of the slides' stochastic gradient descent uses,
    (1/m) sum_x delta^{x,l} (a^{x,l-1})^T: steps 1-4 for one example at a time
    (:func:`errors_single`), then its BP3/BP4 terms added to running sums.  The outer product
    delta^{x,l} (a^{x,l-1})^T is added in place by a BLAS rank-one update (``dger``) rather than
    built as a new matrix and then added: same numbers, without a weight-sized temporary per
    example.
    """
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    m = X.shape[1]
    sum_b = [np.zeros((b.shape[0], 1)) for b in biases]
    # Fortran order, the layout BLAS updates in place
    sum_w = [np.zeros(np.shape(w), order="F") for w in weights]
    for j in range(m):
        activations, deltas = errors_single(weights, biases, X[:, j], Y[:, j], cost, activation,
                                            output_activation)
        for i, (delta, a) in enumerate(zip(deltas, activations)):
            sum_b[i] += delta  # BP3
            sum_w[i] = dger(1.0, delta.ravel(), a.ravel(), a=sum_w[i], overwrite_a=1)  # BP4
    for s in sum_b + sum_w:
        s /= m
    return sum_b, [np.ascontiguousarray(s) for s in sum_w]
