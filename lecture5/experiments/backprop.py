"""Notebooks 00-03 (notation, Hadamard product, backpropagation): notebook 02's gate example,
the size of delta^l layer by layer (BP2), and the operation counts behind "in what sense is
backpropagation fast"."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from .. import _validate
from .._measures import loglog_slope
from ..activations import sigmoid
from ..backprop import feedforward_trace, forward_backward
from ..costs import CrossEntropyCost, QuadraticCost
from ..gradcheck import network_family, numerical_gradient
from ._core import _training_digits, make_network

__all__ = ["gate_example", "DeltaNorms", "delta_norms", "GradientCost", "gradient_costs",
           "finite_difference_passes", "loglog_slope"]


def gate_example():
    """The fixed network [4, 6, 3] (quadratic cost), input x and target y of notebook 02's
    gate figure (seeded)."""
    net = make_network([4, 6, 3], seed=3, cost=QuadraticCost)
    rng = np.random.default_rng(3)
    return net, rng.normal(size=(4, 1)), np.array([[1.0], [0.0], [0.0]])


class DeltaNorms(NamedTuple):
    """The result of :func:`delta_norms`.

    ``layers`` are l = 2..L (input = layer 1); ``norms[s, i]`` is the mean over the examples x of
    ||delta^{x,l}|| for seed ``seeds[s]`` and layer ``layers[i]``; ``ratios[s, i]`` is
    ``norms[s, i] / norms[s, i + 1]``, how much smaller delta^l is than delta^{l+1};
    ``sigma_prime_rms[s, i]`` is the root mean square of sigma'(z^l_j) over the neurons j and the
    examples of hidden layer ``layers[i]`` (the factor BP2 multiplies by).
    """

    sizes: tuple
    cost: str
    n_examples: int
    seeds: tuple
    layers: tuple
    norms: np.ndarray
    ratios: np.ndarray
    sigma_prime_rms: np.ndarray


def delta_norms(sizes=(784, 30, 30, 30, 30, 10), seeds=(0, 1, 2), n_examples=1000,
                cost=CrossEntropyCost) -> DeltaNorms:
    """How large the error delta^l = dC_x/dz^l (eq (6)) is in each layer of an untrained network.

    For every seed a sigmoid ``Network(sizes, cost, seed)`` (weights N(0, 1/n_in), biases
    N(0, 1)) gets ``n_examples`` bundled MNIST training digits; BP1 gives delta^{x,L} and BP2
    (eq (18)) every delta^{x,l}, one column per example
    (:func:`lecture5.backprop.forward_backward`).
    The Euclidean norm of each column is averaged over the examples.  BP2 multiplies by
    (w^{l+1})^T and by sigma'(z^l) <= 1/4 once per layer, so through several sigmoid layers the
    errors, and with them the gradients BP3/BP4 of the early layers, shrink layer by layer: the
    vanishing-gradient problem.  Cached; the arrays are read-only.
    """
    sizes = tuple(_validate.integer(f"sizes[{i}]", s, low=1) for i, s in enumerate(sizes))
    if len(sizes) < 3:
        raise ValueError(f"sizes must have at least 3 layers (one hidden), got {sizes!r}")
    if sizes[0] != 784:
        raise ValueError(f"sizes[0] must be 784 (MNIST pixels), got {sizes[0]}")
    if sizes[-1] != 10:
        raise ValueError(f"sizes[-1] must be 10 (MNIST digits), got {sizes[-1]}")
    seeds = tuple(_validate.integer(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds))
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    n_examples = _validate.integer("n_examples", n_examples, low=1, high=10_000)
    if cost not in (CrossEntropyCost, QuadraticCost):
        raise ValueError(f"cost must be CrossEntropyCost or QuadraticCost, got {cost!r}")
    return _delta_norms(sizes, seeds, n_examples, cost)


@functools.lru_cache(maxsize=8)
def _delta_norms(sizes, seeds, n_examples, cost):
    data = _training_digits(n_examples)
    norms = np.empty((len(seeds), len(sizes) - 1))
    rms = np.empty((len(seeds), len(sizes) - 2))
    for s, seed in enumerate(seeds):
        net = make_network(sizes, seed=seed, cost=cost)
        _, deltas = forward_backward(net.weights, net.biases, data.X_train, data.Y_train, cost)
        norms[s] = [float(np.linalg.norm(d, axis=0).mean()) for d in deltas]
        zs = feedforward_trace(net.weights, net.biases, data.X_train)[0]
        rms[s] = [float(np.sqrt(np.mean(sigmoid.prime(z) ** 2))) for z in zs[:-1]]
    ratios = norms[:, :-1] / norms[:, 1:]
    for a in (norms, ratios, rms):
        a.flags.writeable = False
    return DeltaNorms(sizes, cost.name, n_examples, seeds, tuple(range(2, len(sizes) + 1)),
                      norms, ratios, rms)


class GradientCost(NamedTuple):
    """One row of :func:`gradient_costs`: the work of one gradient of a ``[n_in, hidden, n_out]``
    network on ``m`` examples, counted as multiplications in the matrix products."""

    hidden: int
    n_params: int
    fd_forward_passes: int
    fd_multiplications: int
    bp_multiplications: int

    @property
    def ratio(self) -> float:
        return self.fd_multiplications / self.bp_multiplications


def _matrix_multiplications(sizes, m):
    """Multiplications of one forward pass (eq (4) for every layer), one BP2 sweep and one BP4
    sweep, for ``m`` columns: forward m sum_l d(l) d(l-1); BP2, (w^{l+1})^T delta^{l+1} for
    l = L-1..2, m sum over every weight matrix but the first; BP4, delta^l (a^{l-1})^T, as many
    as the forward pass."""
    per_matrix = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    forward = m * sum(per_matrix)
    return forward, m * sum(per_matrix[1:]), forward


def gradient_costs(hidden_widths=(4, 16, 64, 256, 1024, 4096), n_in=16, n_out=4, m=20):
    """Count the work of one gradient, finite differences against backpropagation.

    For every width h a network ``[n_in, h, n_out]`` with P = h (n_in + n_out + 1) + n_out
    parameters.  Finite differences (:func:`lecture5.gradcheck.numerical_gradient`) run 2P forward
    passes, each costing m sum_l d(l) d(l-1) multiplications, so their work grows like P^2.
    Backpropagation runs one forward pass, BP2 and BP4: about three forward passes' worth, so its
    work grows like P.  Counted are the multiplications of the matrix products, which dominate;
    the elementwise work (sigma, sigma', the Hadamard products of BP1/BP2) adds m sum_l d(l) per
    pass and is left out of both.  Deterministic: no clock involved (timings are in
    ``tests/benchmarks/bench_backprop_speed.py``).  Returns a list of :class:`GradientCost`.
    """
    widths, n_in, n_out, m = network_family(hidden_widths, n_in, n_out, m)
    rows = []
    for h in widths:
        sizes = (n_in, h, n_out)
        n_params = h * n_in + h + n_out * h + n_out
        forward, bp2_work, bp4_work = _matrix_multiplications(sizes, m)
        rows.append(GradientCost(h, n_params, 2 * n_params, 2 * n_params * forward,
                                 forward + bp2_work + bp4_work))
    return rows


def finite_difference_passes(sizes=(3, 4, 2), m=1, seed=0) -> tuple:
    """``(P, passes)``: the parameters of ``Network(sizes)`` and the forward passes that
    :func:`lecture5.gradcheck.numerical_gradient` actually runs for one gradient on ``m`` random
    columns, counted by wrapping the network's ``feedforward`` (2 per parameter)."""
    net = make_network(sizes, seed=seed, cost=QuadraticCost)
    m = _validate.integer("m", m, low=1)
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(net.sizes[0], m)), rng.uniform(size=(net.sizes[-1], m))
    calls = [0]
    plain = net.feedforward

    def counting(*args, **kwargs):
        calls[0] += 1
        return plain(*args, **kwargs)

    net.feedforward = counting
    numerical_gradient(net, X, Y)
    return int(net.parameter_vector().size), calls[0]


