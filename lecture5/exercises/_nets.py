"""Small random problems on which an implement exercise's step rule runs beside the package's.

A *case* is ``(sizes, m, seed)``: a cross-entropy :class:`~lecture5.network.Network` of those
layer sizes (seeded), and a mini-batch of m random columns.  :func:`package_step` takes one step
with ``Network.update_mini_batch`` (the reference); :func:`rule_step` takes the same step with a
weight rule written by the student, the biases following eq (27).
"""

from __future__ import annotations

import numpy as np

from ..costs import CrossEntropyCost
from ..network import Network

#: three networks from a square one (so a transposed matrix still multiplies) to a deeper one
CASES = (((3, 3, 3), 1, 0), ((3, 4, 2), 5, 1), ((6, 5, 4, 3), 7, 2))


def problem(sizes, m, seed):
    """``(net, X, Y)``: Network(sizes) seeded with ``seed``, X normal, Y in (0, 1)."""
    rng = np.random.default_rng(seed + 100)
    net = Network(list(sizes), cost=CrossEntropyCost, seed=seed)
    return net, rng.normal(size=(sizes[0], m)), rng.uniform(0.05, 0.95, size=(sizes[-1], m))


def package_step(sizes, m, seed, eta, lmbda=0.0, n=None, penalty="l2"):
    """Weights and biases after ``update_mini_batch``: eq (27) and (28) or (41)."""
    net, X, Y = problem(sizes, m, seed)
    net.update_mini_batch(X, Y, eta, lmbda=lmbda, n=n, penalty=penalty)
    return [*net.weights, *net.biases]


def rule_step(rule, sizes, m, seed, bias_rule=None):
    """Weights after ``rule(w, nabla_w)`` (nabla_w averaged over the m columns, as
    ``net.backprop`` returns it) and biases after ``bias_rule(b, nabla_b)``."""
    net, X, Y = problem(sizes, m, seed)
    nabla_b, nabla_w = net.backprop(X, Y)
    weights = [rule(w.copy(), g) for w, g in zip(net.weights, nabla_w)]
    biases = [bias_rule(b.copy(), g) for b, g in zip(net.biases, nabla_b)]
    if any(p is None for p in weights + biases):
        return None  # the answer cell's function body is still `...`
    return [np.asarray(p, dtype=float) for p in weights + biases]
