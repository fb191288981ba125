"""Exercises of notebook 01 (notation, eqs (1)-(4)).

Numbering: the backprop slides' (Nielsen's), input = layer 1, so ``net.weights[i]`` is w^{i+2}.
Every solution is computed with the package.
"""

from __future__ import annotations

import numpy as np

from ..backprop import feedforward_trace
from ..network import Network
from . import exercise

__all__ = ["tiny_network"]


def tiny_network():
    """``(net, x)``: the network [3, 4, 2] (seed 0) and the input column x used in notebook 01."""
    return Network([3, 4, 2], seed=0), np.array([[0.5], [-1.0], [2.0]])


@exercise("01.1", hint="w^l has one row per neuron of layer l and one column per neuron of "
                       "layer l-1; answer a tuple (rows, columns).")
def shape_of_w3():
    """The shape of w^3 in the tiny network (``net.weights[1]``)."""
    net, _ = tiny_network()
    return net.weights[1].shape


@exercise("01.2", hint="first a^2 = sigma(w^2 x + b^2) (eq (2)), then eq (3) for neuron 2 of "
                       "layer 3: z^3_2 = sum over k of w^3_2k a^2_k, plus b^3_2 (row 1 in code).")
def z_3_2():
    """z^3_2, the weighted input of neuron 2 in layer 3, for the tiny network's x (eqs (2), (3))."""
    net, x = tiny_network()
    zs, _ = feedforward_trace(net.weights, net.biases, x)
    return float(zs[1][1, 0])


@exercise("01.3", hint="layer l contributes d(l) x d(l-1) weights and d(l) biases, for "
                       "l = 2, ..., L.")
def parameters_784_30_10():
    """How many weights and biases Network([784, 30, 10]) has in total."""
    return int(Network([784, 30, 10], seed=0).parameter_vector().size)
