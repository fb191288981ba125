"""Exercises of notebook 03 (backpropagation, BP1-BP4).

Numbering: the backprop slides' (Nielsen's), input = layer 1.  Every right answer is computed
with the package.
"""

from __future__ import annotations

import functools

import numpy as np

from ..activations import sigmoid, tanh
from ..backprop import bp1, bp2, bp3, bp4, feedforward_trace, forward_backward
from ..costs import CrossEntropyCost, QuadraticCost
from ..datasets import load_mnist
from ..gradcheck import numerical_gradient, relative_error
from ..network import Network
from . import Derive, Implement, Predict, Wrong, register

__all__ = ["example", "SIZES_1", "SEEDS_1", "N_EXAMPLES_1"]

#: exercise 03.1: the vanishing-gradient section's network, seeds and number of digits, with tanh
#: hidden neurons instead of sigmoid ones (sigmoid output, cross-entropy cost)
SIZES_1, SEEDS_1, N_EXAMPLES_1 = (784, 30, 30, 30, 30, 10), (0, 1, 2), 1000


def example():
    """``(net, x, y)``: the network [3, 4, 2] (quadratic cost, seed 1), one input and its target."""
    net = Network([3, 4, 2], cost=QuadraticCost, seed=1)
    return net, np.array([[0.5], [0.0], [-1.0]]), np.array([[1.0], [0.0]])


@functools.lru_cache(maxsize=4)
def _shrink(activation=tanh):
    """``(factors, rms)`` of the untrained ``Network(SIZES_1)`` with ``activation`` in its hidden
    layers, on N_EXAMPLES_1 bundled MNIST digits, one row per seed of SEEDS_1.

    ``factors[s, i]`` = mean_x ||delta^{x,l}|| / mean_x ||delta^{x,l+1}|| for l = 2..L-1 (BP1,
    BP2: how much of ||delta|| is left going back one layer); ``rms[s, i]`` is the root mean square
    of activation'(z^l_j) in hidden layer l, the factor BP2 multiplies by.
    """
    data = load_mnist(n_train=N_EXAMPLES_1, n_test=1, seed=0)
    factors, rms = [], []
    for seed in SEEDS_1:
        net = Network(list(SIZES_1), cost=CrossEntropyCost, seed=seed, activation=activation)
        deltas = forward_backward(net.weights, net.biases, data.X_train, data.Y_train,
                                  CrossEntropyCost, activation=activation)[1]
        norms = np.array([np.linalg.norm(d, axis=0).mean() for d in deltas])
        factors.append(norms[:-1] / norms[1:])
        zs = feedforward_trace(net.weights, net.biases, data.X_train, activation)[0]
        rms.append([np.sqrt(np.mean(activation.prime(z) ** 2)) for z in zs[:-1]])
    return np.array(factors), np.array(rms)


#: the words of 03.1 and the lowest mean per-layer factor each one stands for
_BANDS = ((1.25, "above 1"), (0.8, "about 1"), (0.4, "about 0.6"), (0.0, "about 0.2"))


def _size():
    r = float(_shrink(tanh)[0].mean())
    return next(word for low, word in _BANDS if r >= low)


def _show_factors():
    lines = [f"network {list(SIZES_1)}, cross-entropy cost, sigmoid output, {N_EXAMPLES_1} "
             f"MNIST digits: ||delta^l|| / ||delta^(l+1)|| for l = "
             f"{', '.join(str(layer) for layer in range(2, len(SIZES_1)))}"]
    for activation in (sigmoid, tanh):
        factors, rms = _shrink(activation)
        for seed, row in zip(SEEDS_1, factors):
            lines.append(f"{activation.name:>7s} hidden, seed {seed}:  "
                         + "  ".join(f"{v:.3f}" for v in row))
        lines.append(f"{activation.name:>7s} hidden: mean factor {factors.mean():.3f}; root mean "
                     f"square of {activation.name}'(z^l_j) {rms.min():.2f} to {rms.max():.2f}")
    return "\n".join(lines)


register(Predict(
    key="03.1",
    task="predict how much of ||delta|| is left going back one tanh layer (BP2)",
    choices=tuple(word for _, word in _BANDS[::-1]), truth=_size, show=_show_factors,
    hint="tanh(z) = 2 sigma(2z) - 1, so tanh'(z) = 4 sigma'(2z): four times sigmoid's "
         "peak, but at twice the z.",
    wrong=(Wrong("about 0.2", "BP2's factor is the hidden activation's derivative: tanh' peaks "
                              "at 1, four times sigmoid's 1/4, so a tanh layer shrinks the error "
                              "far less"),
           Wrong("about 1", "tanh'(z) = 1 - tanh(z)^2 is 1 only at z = 0, and the biases alone, "
                            "drawn from N(0, 1), put most z^l_j away from 0 (tanh'(1) = 0.42): "
                            "the error still shrinks, only less than with sigmoid"),
           Wrong("above 1", "tanh' <= 1, and multiplying by (w^{l+1})^T keeps the size on "
                            "average: nothing in BP2 makes the error grow here")),
    why=("BP2 multiplies by (w^{l+1})^T, which keeps the size on average, and by tanh'(z^l) "
         "<= 1: tanh' peaks four times higher than sigmoid's 1/4, but it falls off twice as "
         "fast in z (tanh'(z) = 4 sigma'(2z)), so the error shrinks by a factor between "
         "sigmoid's and 1: the gradients still vanish with depth, only more slowly."),
))


def _bp1_cross_entropy(a, y):
    a = np.asarray(a, dtype=float)
    z = np.log(a) - np.log1p(-a)  # the z^L with sigma(z^L) = a
    return CrossEntropyCost.delta(z, a, np.asarray(y, dtype=float))


def _random_ay(rng):
    return [{"a": rng.uniform(0.05, 0.95, size=(k, 1)), "y": rng.integers(0, 2, size=(k, 1))}
            for k in (1, 3, 10)]


register(Derive(
    key="03.2",
    task="derive BP1 for the cross-entropy cost (21) with a sigmoid output, as a function of a, y",
    formula=_bp1_cross_entropy, given=lambda: {"a": 0.2, "y": 1.0}, samples=_random_ay,
    hint="C = -[y ln a + (1-y) ln(1-a)]: find dC/da, then multiply by sigma'(z) = a(1-a).",
    wrong=(Wrong(lambda a, y: (a - y) * a * (1 - a),
                 "sigma'(z^L) = a(1-a) is already cancelled by dC/da; multiplying by it again "
                 "gives the quadratic cost's BP1"),
           Wrong(lambda a, y: y - a, "a sign error: dC/da = -y/a + (1-y)/(1-a)"),
           Wrong(lambda a, y: (a - y) / (a * (1 - a)),
                 "that is nabla_a C only: BP1 multiplies it by sigma'(z^L) (you forgot sigma')")),
    worked=lambda: ("dC/da = -y/a + (1-y)/(1-a) = (a - y)/(a(1 - a)); BP1 multiplies by "
                    "sigma'(z) = a(1 - a), so delta^L = a - y:  lambda a, y: a - y\n"
                    f"for a = 0.2, y = 1: {float(np.ravel(_bp1_cross_entropy(0.2, 1.0))[0]):g}"),
))


def _bp2_cases(rng):
    out = []
    for d_next, d, m in ((3, 3, 1), (2, 4, 1), (2, 4, 5), (10, 6, 3)):
        out.append((rng.normal(size=(d_next, d)), rng.normal(size=(d_next, m)),
                    rng.normal(size=(d, m))))
    return out


def _gradient_check(f):
    """Backprop with the student's bp2 on a [3, 4, 3, 2] network against finite differences."""
    net = Network([3, 4, 3, 2], cost=CrossEntropyCost, seed=3)
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(3, 4)), rng.uniform(0.1, 0.9, size=(2, 4))
    zs, activations = feedforward_trace(net.weights, net.biases, X)
    delta = bp1(CrossEntropyCost.nabla_a(activations[-1], Y), zs[-1])
    nabla_b, nabla_w = [bp3(delta)], [bp4(delta, activations[-2])]
    for layer in range(2, len(net.sizes)):
        delta = np.asarray(f(net.weights[-layer + 1], delta, zs[-layer]), dtype=float)
        nabla_b.insert(0, bp3(delta))
        nabla_w.insert(0, bp4(delta, activations[-layer - 1]))
    error = relative_error((nabla_b, nabla_w), numerical_gradient(net, X, Y))
    if not error < 1e-6:
        return (f"gradient check: backprop with your bp2 differs from finite differences by a "
                f"relative error of {error:.1e}")
    return None


register(Implement(
    key="03.3", task="implement BP2 and pass a gradient check",
    signature="my_bp2(w_next, delta_next, z) -> delta^l", reference=bp2, cases=_bp2_cases,
    extra=_gradient_check,
    hint="BP2: delta^l = ((w^{l+1})^T delta^{l+1}) (.) sigma'(z^l); shapes (d_l, m).",
    wrong=(Wrong(lambda w, d, z: w.T @ d, "sigma'(z^l) is missing: BP2 ends with "
                                          "(.) sigma'(z^l) (forgot sigma')"),
           Wrong(lambda w, d, z: (w @ d) * sigmoid.prime(z),
                 "w^{l+1} must be transposed: it maps layer l to l+1, the error goes back"),
           Wrong(lambda w, d, z: (w.T @ d) * sigmoid(z), "sigma instead of sigma' "
                                                         "(sigmoid.prime)"),
           Wrong(lambda w, d, z: -(w.T @ d) * sigmoid.prime(z),
                 "a sign error: delta^l has the sign of (w^{l+1})^T delta^{l+1}")),
    worked=lambda: ("def my_bp2(w_next, delta_next, z):\n"
                    "    return (w_next.T @ delta_next) * sigmoid.prime(z)   # BP2"),
))
