"""Small random problems on which an implement exercise's step rule runs beside the package's.

A *case* is ``(sizes, m, seed)``: a cross-entropy :class:`~lecture5.network.Network` of those
layer sizes (seeded), and a mini-batch of m random columns.  :func:`package_step` takes one step
with ``Network.update_mini_batch`` (the reference); :func:`rule_step` takes the same step with a
weight rule written by the student, the biases following eq (27).  :func:`update_rule` makes the
implement exercise that compares the two (notebooks 04, 05 and 10).
"""

from __future__ import annotations

import numpy as np

from ..costs import CrossEntropyCost
from ..network import Network
from ._core import Implement

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


def update_rule(*, eta, call, lmbda=0.0, n=None, penalty="l2", biases_too=False,
                **fields) -> Implement:
    """An implement exercise: write the update of one parameter array, run on :data:`CASES`
    beside ``update_mini_batch(X, Y, eta, lmbda, n, penalty)`` (eq (27) with (28) or (41)).

    The student's function ``f`` is called as ``call(f, w, nabla_w, m_hat)`` for every weight
    matrix, and for every bias column too with ``biases_too`` (else the biases follow eq (27)).
    ``fields`` are the exercise's own: key, task, signature, hint, wrong, worked.
    """
    def reference(sizes, m, seed):
        return package_step(sizes, m, seed, eta, lmbda, n, penalty)

    def harness(f, sizes, m, seed):
        def rule(p, g):
            return call(f, p, g, m)

        return rule_step(rule, sizes, m, seed,
                         bias_rule=rule if biases_too else lambda b, g: b - eta * g)

    return Implement(reference=reference, harness=harness, cases=lambda rng: list(CASES),
                     **fields)

