"""Exercises of notebook 03 (backpropagation, BP1-BP4).

Numbering: the backprop slides' (Nielsen's), input = layer 1.  Every right answer is computed
with the package.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..backprop import bp1, bp2, bp3, bp4, errors_single, feedforward_trace
from ..costs import CrossEntropyCost, QuadraticCost
from ..gradcheck import numerical_gradient, relative_error
from ..network import Network
from . import Derive, Implement, Predict, Wrong, register

__all__ = ["example", "SIZES_1", "SEEDS_1"]

#: exercise 03.1: a deep sigmoid network (quadratic cost) and the seeds it is measured on
SIZES_1, SEEDS_1 = (20, 30, 30, 30, 10), range(5)

def example():
    """``(net, x, y)``: the network [3, 4, 2] (quadratic cost, seed 1), one input and its target."""
    net = Network([3, 4, 2], cost=QuadraticCost, seed=1)
    return net, np.array([[0.5], [0.0], [-1.0]]), np.array([[1.0], [0.0]])


def _delta_norms(seed):
    """||delta^l|| for l = 2..L of the deep network on one random example (BP1, BP2)."""
    net = Network(list(SIZES_1), cost=QuadraticCost, seed=seed)
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(SIZES_1[0], 1)), np.eye(SIZES_1[-1])[:, [seed % SIZES_1[-1]]]
    deltas = errors_single(net.weights, net.biases, x, y, QuadraticCost)[1]
    return [float(np.linalg.norm(d)) for d in deltas]


def _ratio():
    """The mean over the seeds of ||delta^2|| / ||delta^L||."""
    return float(np.mean([n[0] / n[-1] for n in map(_delta_norms, SEEDS_1)]))


_BANDS = ((1.5, "larger"), (0.5, "about the same"), (0.1, "a little smaller"),
          (0.0, "much smaller"))


def _size():
    r = _ratio()
    return next(word for low, word in _BANDS if r >= low)


def _show_norms():
    layers = "  ".join(f"delta^{layer}" for layer in range(2, len(SIZES_1) + 1))
    lines = [f"network {list(SIZES_1)}, quadratic cost, one random example per seed",
             f"seed   {layers}"]
    for seed in SEEDS_1:
        lines.append(f"{seed:4d}   " + "  ".join(f"{v:7.4f}" for v in _delta_norms(seed)))
    lines.append(f"||delta^2|| / ||delta^L||, mean over the seeds: {_ratio():.4f}")
    return "\n".join(lines)


register(Predict(
    key="03.1",
    task="predict how the size of delta^l in the first hidden layer compares with delta^L",
    choices=tuple(word for _, word in _BANDS[::-1]), truth=_size, show=_show_norms,
    hint="BP2 multiplies by (w^{l+1})^T and by sigma'(z^l) at every layer; how large is "
         "sigma' at most?",
    wrong=(Wrong("a little smaller", "sigma' is at most 1/4 and the weights are about "
                                     "1/sqrt(n_in): every layer of BP2 shrinks delta by a "
                                     "factor of several, and three layers multiply up"),
           Wrong("about the same", "BP2 multiplies by sigma'(z^l) <= 1/4 at every layer: the "
                                   "error shrinks on its way back (vanishing gradients)"),
           Wrong("larger", "BP2 multiplies by sigma'(z^l) <= 1/4 at every layer, so the error "
                           "shrinks on its way back")),
    why=("each BP2 step multiplies by (w^{l+1})^T (entries ~ 1/sqrt(n_in)) and by "
         "sigma'(z^l) <= 1/4; three steps back the error is far smaller: the first "
         "layers learn slowest."),
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
