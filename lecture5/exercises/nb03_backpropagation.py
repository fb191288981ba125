"""Exercises of notebook 03 (backpropagation, BP1-BP4).

Numbering: the backprop slides' (Nielsen's), input = layer 1, so ``net.weights[1]`` is w^3 in the
network [3, 4, 2].  Every solution is computed with the package.
"""

from __future__ import annotations

import numpy as np

from ..backprop import bp1, bp2, bp4, feedforward_trace
from ..costs import QuadraticCost
from ..network import Network
from . import exercise

__all__ = ["example"]


def example():
    """``(net, x, y)``: the network [3, 4, 2] (quadratic cost, seed 1), one input and its target."""
    net = Network([3, 4, 2], cost=QuadraticCost, seed=1)
    return net, np.array([[0.5], [0.0], [-1.0]]), np.array([[1.0], [0.0]])


def _deltas():
    net, x, y = example()
    zs, activations = feedforward_trace(net.weights, net.biases, x)
    delta_L = bp1(QuadraticCost.nabla_a(activations[-1], y), zs[-1])  # BP1
    delta_2 = bp2(net.weights[1], delta_L, zs[0])  # BP2
    return activations, delta_2, delta_L


@exercise("03.1", hint="BP1 with the quadratic cost: delta^L = (a^L - y) (.) sigma'(z^L), a "
                       "column of shape (2, 1).")
def delta_L():
    """delta^3 = delta^L of the example, eq (13)."""
    return _deltas()[2]


@exercise("03.2", hint="BP2 gives delta^2, then BP4: dC/dw^2_jk = a^1_k delta^2_j with "
                       "j = 3, k = 1, i.e. row 2, column 0.")
def dC_dw_2_31():
    """dC/dw^2_31 of the example (C = C_x for the one example), BP2 then BP4."""
    activations, delta_2, _ = _deltas()
    return float(bp4(delta_2, activations[0])[2, 0])


@exercise("03.3", hint="centred differences nudge each parameter up and down: 2 forward passes "
                       "per weight and per bias.")
def forward_passes_784_100_10():
    """Forward passes that centred finite differences need for one gradient of [784, 100, 10]."""
    return 2 * int(Network([784, 100, 10], seed=0).parameter_vector().size)
