"""Finite-difference gradients, the relative error, and why backpropagation is fast.

The slides point to "In what sense is backpropagation a fast algorithm?" (Nielsen, chapter 2).
The naive way to get dC/dw for every weight is to nudge one parameter at a time and look at how
the cost moves.  With the centred difference

    dC/dp  ~  (C(p + eps) - C(p - eps)) / (2 eps)

that costs two forward passes *per parameter*, so a network with P parameters needs 2P forward
passes for one gradient.  Backpropagation (BP1-BP4) gets all P partial derivatives from one forward
and one backward pass.  This module computes the slow gradient, compares it with the fast one, and
times both.

Numbering: Nielsen's, as on the backprop slides: input = layer 1, output = layer L, and
``net.weights[i]``, ``net.biases[i]`` are w^{i+2}, b^{i+2}.

The cost differentiated here is always the *unregularized* one, C = (1/m) sum_x C_x, computed as
``net.cost.fn(net.feedforward(X), Y)``: exactly what ``net.backprop`` differentiates.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import _validate
from .network import Network

__all__ = [
    "numerical_gradient",
    "network_family",
    "relative_error",
    "gradient_check",
    "GradientCheck",
    "TimingRow",
    "time_backprop_vs_finite_differences",
]


def _check_data(net, X, Y):
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    Y = _validate.as_matrix("Y", Y, rows=net.sizes[-1], cols=X.shape[1])
    return X, Y


def _cost(net, X, Y) -> float:
    """The unregularized cost C of the network on the columns of X."""
    return net.cost.fn(net.feedforward(X), Y)


def _centred_difference(net, X, Y, param, index, eps) -> float:
    """(C(p + eps) - C(p - eps)) / (2 eps) for the single entry ``param[index]``.

    The entry is put back to its exact original value afterwards, even if the cost raises.
    """
    original = param[index]
    try:
        param[index] = original + eps
        c_plus = _cost(net, X, Y)
        param[index] = original - eps
        c_minus = _cost(net, X, Y)
    finally:
        param[index] = original
    return (c_plus - c_minus) / (2.0 * eps)


def numerical_gradient(net, X, Y, eps=1e-5):
    """``(nabla_b, nabla_w)`` of the unregularized cost by centred finite differences: every
    partial derivative (5), one parameter at a time.

    Every bias and every weight is nudged by +eps and -eps in turn, one at a time, and
    dC/dp ~ (C(p + eps) - C(p - eps)) / (2 eps).  The lists are shaped like ``net.biases`` and
    ``net.weights`` (so they compare directly with ``net.backprop(X, Y)``).  Each parameter is
    restored to its exact original value (try/finally), so ``net`` is unchanged afterwards.

    Cost: 2 forward passes per parameter, which is the point of the comparison with backprop.
    The error of the centred difference is O(eps^2) plus rounding of order 1e-16 / eps; the
    default eps = 1e-5 balances the two in float64.
    """
    X, Y = _check_data(net, X, Y)
    eps = _validate.number("eps", eps, low=0.0, low_open=True)
    nabla_b = [np.zeros_like(b, dtype=float) for b in net.biases]
    nabla_w = [np.zeros_like(w, dtype=float) for w in net.weights]
    for params, grads in ((net.biases, nabla_b), (net.weights, nabla_w)):
        for p, g in zip(params, grads):
            for index in np.ndindex(p.shape):
                g[index] = _centred_difference(net, X, Y, p, index, eps)
    return nabla_b, nabla_w


def _flatten(x) -> np.ndarray:
    """One float vector from an array or a (nested) list/tuple of arrays."""
    if isinstance(x, (list, tuple)):
        if len(x) == 0:
            return np.zeros(0)
        return np.concatenate([_flatten(part) for part in x])
    return np.asarray(x, dtype=float).ravel()


def _shapes(x):
    if isinstance(x, (list, tuple)):
        return [_shapes(part) for part in x]
    return np.shape(x)


def relative_error(a, b) -> float:
    """||a - b|| / max(||a|| + ||b||, tiny), the usual yardstick of a gradient check.

    ``a`` and ``b`` are arrays or lists of arrays (e.g. ``nabla_w`` lists) of the same shapes;
    the norm is the Euclidean norm of everything flattened into one vector.  The result is 0 when
    both are zero, and at most 1.  In float64, values around 1e-7 or below mean "agree"; values
    near 1 mean the two gradients have nothing to do with each other.
    """
    if _shapes(a) != _shapes(b):
        raise ValueError(
            f"relative_error: a and b must have the same shapes, got {_shapes(a)} and {_shapes(b)}"
        )
    va, vb = _flatten(a), _flatten(b)
    if not (np.isfinite(va).all() and np.isfinite(vb).all()):
        raise ValueError("relative_error: a and b must contain only finite numbers")
    denominator = max(float(np.linalg.norm(va) + np.linalg.norm(vb)), np.finfo(float).tiny)
    return float(np.linalg.norm(va - vb)) / denominator


@dataclass(frozen=True)
class GradientCheck:
    """The outcome of :func:`gradient_check`.

    ``overall``: relative error of the whole gradient (every weight and bias in one vector);
    ``layers``: the layer numbers l = 2..L (Nielsen's numbering);
    ``weights`` / ``biases``: relative error of dC/dw^l and dC/db^l for each of those layers;
    ``max_error``: the largest of all these numbers.
    ``backprop`` and ``numerical`` hold the two ``(nabla_b, nabla_w)`` pairs that were compared.
    """

    overall: float
    layers: list
    weights: list
    biases: list
    max_error: float
    eps: float
    backprop: tuple = field(repr=False)
    numerical: tuple = field(repr=False)

    def ok(self, tol: float = 1e-7) -> bool:
        """True when every relative error is at most ``tol``."""
        return self.max_error <= tol

    def __str__(self) -> str:
        lines = [f"gradient check (eps = {self.eps:.0e}): overall relative error "
                 f"{self.overall:.1e}, largest {self.max_error:.1e}",
                 "layer l   rel. error dC/dw^l   rel. error dC/db^l"]
        for layer, ew, eb in zip(self.layers, self.weights, self.biases):
            lines.append(f"{layer:7d}   {ew:18.1e}   {eb:18.1e}")
        return "\n".join(lines)


def gradient_check(net, X, Y, eps=1e-5) -> GradientCheck:
    """Compare ``net.backprop(X, Y)`` (BP1-BP4) with :func:`numerical_gradient`.

    Returns a :class:`GradientCheck` with the relative error overall and for every layer.
    """
    X, Y = _check_data(net, X, Y)
    eps = _validate.number("eps", eps, low=0.0, low_open=True)
    bp_b, bp_w = net.backprop(X, Y)
    bp_b = [g.copy() for g in bp_b]
    bp_w = [g.copy() for g in bp_w]
    fd_b, fd_w = numerical_gradient(net, X, Y, eps)
    weights = [relative_error(a, b) for a, b in zip(bp_w, fd_w)]
    biases = [relative_error(a, b) for a, b in zip(bp_b, fd_b)]
    overall = relative_error([bp_w, bp_b], [fd_w, fd_b])
    return GradientCheck(
        overall=overall,
        layers=list(range(2, net.num_layers + 1)),
        weights=weights,
        biases=biases,
        max_error=max([overall, *weights, *biases]),
        eps=eps,
        backprop=(bp_b, bp_w),
        numerical=(fd_b, fd_w),
    )


class TimingRow(NamedTuple):
    """One row of :func:`time_backprop_vs_finite_differences`.

    ``seconds_fd`` is the time of one *full* finite-difference gradient; when ``fd_timed`` is
    smaller than ``n_params`` only that many parameters were actually timed and the full time was
    extrapolated linearly (``extrapolated`` is then True).
    """

    hidden: int
    n_params: int
    seconds_backprop: float
    seconds_fd: float
    ratio: float
    fd_forward_passes: int
    fd_timed: int
    extrapolated: bool


def network_family(hidden_widths, n_in, n_out, m):
    """Checked ``(widths, n_in, n_out, m)`` of the networks [n_in, h, n_out], one per hidden width
    h, on m examples, that the "why backpropagation is fast" comparisons run through."""
    if isinstance(hidden_widths, (str, bytes)) or not hasattr(hidden_widths, "__iter__"):
        raise TypeError(f"hidden_widths must be a sequence of integers, got {hidden_widths!r}")
    widths = [_validate.integer(f"hidden_widths[{i}]", h, low=1)
              for i, h in enumerate(hidden_widths)]
    if not widths:
        raise ValueError("hidden_widths must contain at least one width, got an empty sequence")
    return (widths, _validate.integer("n_in", n_in, low=1),
            _validate.integer("n_out", n_out, low=1), _validate.integer("m", m, low=1))


def time_backprop_vs_finite_differences(hidden_widths=(4, 8, 16, 32, 64, 128), n_in=16, n_out=4,
                                        m=20, repeats=3, fd_sample=None, eps=1e-5, seed=0):
    """Time one backprop gradient against one finite-difference gradient as the network grows.

    For every width h in ``hidden_widths`` a network ``[n_in, h, n_out]`` is built (so the number
    of parameters grows about linearly in h) and, on the same random mini-batch of ``m`` columns:

    * ``seconds_backprop``: the best of ``repeats`` calls of ``net.backprop(X, Y)``;
    * ``seconds_fd``: the best of ``repeats`` finite-difference gradients (2 forward passes per
      parameter, as in :func:`numerical_gradient`);
    * ``ratio`` = seconds_fd / seconds_backprop, which grows roughly like the number of
      parameters: that growth is the sense in which backpropagation is fast.

    ``fd_sample=None`` (default) times the finite differences over *every* parameter.  An integer
    ``fd_sample`` times only that many randomly chosen parameters and multiplies by
    n_params / fd_sample; such rows say so (``fd_timed`` < ``n_params``, ``extrapolated=True``).
    Every nudged parameter costs the same two forward passes, so the extrapolation is linear.

    Timings use :func:`time.perf_counter` and vary from run to run and machine to machine; the
    defaults finish in a few seconds.  Returns a list of :class:`TimingRow`.
    """
    widths, n_in, n_out, m = network_family(hidden_widths, n_in, n_out, m)
    repeats = _validate.integer("repeats", repeats, low=1)
    if fd_sample is not None:
        fd_sample = _validate.integer("fd_sample", fd_sample, low=1)
    eps = _validate.number("eps", eps, low=0.0, low_open=True)

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_in, m))
    Y = rng.uniform(size=(n_out, m))
    rows = []
    for h in widths:
        net = Network([n_in, h, n_out], seed=seed)
        entries = [(p, index) for p in net.weights + net.biases for index in np.ndindex(p.shape)]
        n_params = len(entries)
        if fd_sample is not None and fd_sample < n_params:
            chosen = rng.choice(n_params, size=fd_sample, replace=False)
            entries = [entries[i] for i in chosen]
        timed = len(entries)

        t_bp = min(_seconds(lambda net=net: net.backprop(X, Y)) for _ in range(repeats))

        def fd(net=net, entries=entries):
            for p, index in entries:
                _centred_difference(net, X, Y, p, index, eps)

        t_fd = min(_seconds(fd) for _ in range(repeats)) * (n_params / timed)
        rows.append(TimingRow(h, n_params, t_bp, t_fd, t_fd / t_bp, 2 * n_params, timed,
                              timed < n_params))
    return rows


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
