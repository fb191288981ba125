"""Exercises of notebook 01 (notation, eqs (1)-(4)).

Numbering: the backprop slides' (Nielsen's), input = layer 1, so ``net.weights[i]`` is w^{i+2}.
Every right answer is computed with the package.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..backprop import feedforward_trace
from ..network import Network
from . import Derive, Implement, Predict, Wrong, register

__all__ = ["tiny_network", "SIZES_1"]


def tiny_network():
    """``(net, x)``: the network [3, 4, 2] (seed 0) and the input column x used in notebook 01."""
    return Network([3, 4, 2], seed=0), np.array([[0.5], [-1.0], [2.0]])


#: exercise 01.1: the network whose w^4 is asked for
SIZES_1 = (784, 100, 30, 10)


def _w4_shapes():
    return [w.shape for w in Network(list(SIZES_1), seed=0).weights]


def _w4_shape():
    return _w4_shapes()[2]


def _show_shapes():
    return "\n".join(f"net.weights[{i}] = w^{i + 2}: shape {s}  (one row per neuron of layer "
                     f"{i + 2}, one column per neuron of layer {i + 1})"
                     for i, s in enumerate(_w4_shapes()))


register(Predict(
    key="01.1", task="predict the shape of w^4 in the network [784, 100, 30, 10]",
    truth=_w4_shape, show=_show_shapes, rtol=0.0, atol=0.0, attempts=2,
    hint="w^l_jk goes from neuron k of layer l-1 to neuron j of layer l.",
    wrong=(Wrong(lambda: _w4_shape()[::-1],
                 "rows and columns swapped: w^l_jk has the *receiving* neuron j first, so w^l "
                 "has one row per neuron of layer l and one column per neuron of layer l-1"),
           Wrong(lambda: _w4_shapes()[1],
                 "that is w^3 (net.weights[1]): in the backprop slides' numbering the input is "
                 "layer 1, so w^4 enters layer 4, the output layer")),
    why=lambda: ("w^4 connects layer 3 (30 neurons) to layer 4 (10 neurons); row j holds the "
                 f"weights into neuron j, so the shape is {_w4_shape()} = (d(4), d(3))."),
))


def _parameters(sizes):
    return int(Network(list(sizes), seed=0).parameter_vector().size)


def _random_sizes(rng):
    return [{"sizes": tuple(int(d) for d in rng.integers(1, 40, size=k))} for k in (2, 3, 4, 5)]


register(Derive(
    key="01.2", task="derive the number of parameters of a network with layer sizes d(1..L)",
    formula=_parameters, given=lambda: {"sizes": (784, 30, 10)}, samples=_random_sizes,
    hint="layer l = 2..L has the matrix w^l of shape (d(l), d(l-1)) and the bias column b^l.",
    wrong=(Wrong(lambda sizes: sum(a * b for a, b in zip(sizes, sizes[1:])),
                 "the biases are missing: every neuron of layers 2..L has one"),
           Wrong(lambda sizes: sum(a * b for a, b in zip(sizes, sizes[1:])) + sum(sizes),
                 "the input layer has no biases: its neurons only hold x"),
           Wrong(lambda sizes: sum(sizes),
                 "that counts neurons; each connection between two layers has its own weight")),
    worked=lambda: ("sum over l = 2..L of d(l) d(l-1) weights + d(l) biases:\n"
                    "lambda sizes: sum(b * a + b for a, b in zip(sizes, sizes[1:]))\n"
                    f"for (784, 30, 10): {_parameters((784, 30, 10))}"),
))


def _feedforward(weights, biases, X):
    return feedforward_trace(weights, biases, X)[1][-1]


def _net_cases(rng):
    cases = []
    for sizes, m in (((3, 3, 3), 1), ((3, 4, 2), 5), ((5, 7, 4, 2), 3)):
        net = Network(list(sizes), seed=int(rng.integers(1000)))
        cases.append((net.weights, net.biases, rng.normal(size=(sizes[0], m))))
    return cases


def _transposed(weights, biases, X):
    a = X
    for w, b in zip(weights, biases):
        a = sigmoid(w.T @ a + b)
    return a


def _no_bias(weights, biases, X):
    a = X
    for w in weights:
        a = sigmoid(w @ a)
    return a


def _last_z(weights, biases, X):
    a, z = X, X
    for w, b in zip(weights, biases):
        z = w @ a + b
        a = sigmoid(z)
    return z


def _sigma_on_input(weights, biases, X):
    return _feedforward(weights, biases, sigmoid(X))


register(Implement(
    key="01.3", task="implement the forward pass, eqs (2)/(4), for a batch of columns",
    signature="feedforward(weights, biases, X) -> a^L",
    reference=_feedforward, cases=_net_cases,
    hint="a = X; then for every layer a = sigmoid(w @ a + b), eq (2)/(4).",
    wrong=(Wrong(_transposed, "w.T @ a: w^l already has one row per neuron of layer l, so eq (4) "
                              "is w @ a (no transpose)"),
           Wrong(_no_bias, "the biases are missing: eq (4) is z = w a + b"),
           Wrong(_last_z, "you returned z^L; the output is a^L = sigma(z^L)"),
           Wrong(_sigma_on_input, "sigma was applied to the input: a^1 = x is the input itself")),
    worked=lambda: ("def feedforward(weights, biases, X):\n    a = X\n"
                    "    for w, b in zip(weights, biases):\n"
                    "        a = sigmoid(w @ a + b)   # eq (2) = sigma of eq (4)\n    return a"),
))
