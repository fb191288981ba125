"""The network: sizes, weights, biases and the forward pass, eqs (1)-(4).

Numbering: the backprop slides' (Nielsen's), input = layer 1, output = layer L.  The first slides
number the input as layer 0 and write W^(l), x^(l); ``weights[i]`` is Nielsen's w^{i+2} and the
early slides' W^(i+1).  Notebook 01 puts the two side by side.

Arrays are columns: ``feedforward`` takes X of shape (sizes[0], m), one column per example, and
computes z^l = w^l a^{l-1} + b^l (eq (4)) for all m columns at once, b^l broadcasting over them.
"""

from __future__ import annotations

import math

import numpy as np

from . import _validate
from .activations import get_activation, sigmoid
from .backprop import backprop_batch
from .costs import QuadraticCost, get_cost
from .regularization import PENALTIES, apply_penalty_step, penalty_cost

__all__ = ["Network"]


class Network:
    """A fully connected feed-forward network trained with backpropagation.

    ``Network([784, 30, 10], cost=CrossEntropyCost, seed=0)``: weights w^l ~ N(0, 1/n_in) and
    biases b^l ~ N(0, 1), drawn from ``numpy.random.default_rng(seed)``.  ``activation`` is used in
    the hidden layers, ``output_activation`` (default sigmoid) in the output layer.
    """

    def __init__(self, sizes, cost=QuadraticCost, seed=0, activation=sigmoid,
                 output_activation=sigmoid):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(
                f"sizes must be a list of layer widths like [784, 30, 10], got {sizes!r}"
            )
        sizes = [_validate.integer(f"sizes[{i}]", s, low=1) for i, s in enumerate(sizes)]
        if len(sizes) < 2:
            raise ValueError(f"sizes must name at least an input and an output layer, got {sizes}")
        self.sizes = sizes
        self.cost = get_cost(cost)
        self.activation = get_activation(activation)
        self.output_activation = get_activation(output_activation)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.biases = [self.rng.normal(0.0, 1.0, (n_out, 1)) for n_out in sizes[1:]]
        self.weights = [
            self.rng.normal(0.0, 1.0 / math.sqrt(n_in), (n_out, n_in))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]
        self._buffers = None

    # ------------------------------------------------------------------ forward pass
    @property
    def num_layers(self) -> int:
        """L, the number of layers including the input layer (Nielsen's numbering)."""
        return len(self.sizes)

    def feedforward(self, X, masks=None):
        """a^L for the inputs X of shape (sizes[0], m): eq (4) applied layer by layer."""
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        a = X
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            a = (self.output_activation if i == last else self.activation).fn(w @ a + b)
            if masks is not None and i < last and masks[i] is not None:
                a = a * masks[i]
        return a

    def predict(self, X):
        """The index of the most active output neuron for every column of X, shape (m,)."""
        return np.argmax(self.feedforward(X), axis=0)

    def accuracy(self, X, labels) -> float:
        """Fraction of columns of X whose predicted class equals the integer label."""
        labels = np.asarray(labels)
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        if labels.shape != (X.shape[1],):
            raise ValueError(f"labels must have shape ({X.shape[1]},), got {labels.shape}")
        return float(np.mean(self.predict(X) == labels))

    def total_cost(self, X, Y, lmbda=0.0, n=None, penalty="l2"):
        """``(data_part, penalty_part)``: C_0 over the columns of X, and the penalty normalised by
        the training-set size n (eq (21) for "l2", eq (39) for "l1")."""
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        Y = _validate.as_matrix("Y", Y, rows=self.sizes[-1], cols=X.shape[1])
        n = X.shape[1] if n is None else _validate.integer("n", n, low=1)
        data = self.cost.fn(self.feedforward(X), Y)
        return data, penalty_cost(self.weights, lmbda, n, penalty)

    # ------------------------------------------------------------------ gradients
    def backprop(self, X, Y, masks=None):
        """``(nabla_b, nabla_w)``: the gradient of the unregularized cost C = (1/m) sum_x C_x
        over the m columns of X, by BP1-BP4 for the whole mini-batch at once."""
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        Y = _validate.as_matrix("Y", Y, rows=self.sizes[-1], cols=X.shape[1])
        return backprop_batch(self.weights, self.biases, X, Y, self.cost, self.activation,
                              self.output_activation, masks)

    def _gradient_buffers(self):
        """Arrays reused by every SGD step (allocating them afresh each step is 4-5x slower for
        784-100-10, because the allocator returns and re-faults the memory every time)."""
        shapes = [w.shape for w in self.weights]
        if self._buffers is None or self._buffers[0] != shapes:
            self._buffers = (
                shapes,
                [np.empty((s[0], 1)) for s in shapes],
                [np.empty(s) for s in shapes],
                [np.empty(s) for s in shapes],
            )
        return self._buffers[1:]

    def update_mini_batch(self, X, Y, eta, lmbda=0.0, n=None, penalty="l2", masks=None):
        """One SGD step on the mini-batch X (sizes[0], m-hat), Y (sizes[-1], m-hat).

        Biases: eq (27), b <- b - (eta/m-hat) sum_x dC_x/db.
        Weights: eq (28) for ``penalty="l2"``,
        w <- (1 - eta lambda/n) w - (eta/m-hat) sum_x dC_x/dw;
        eq (41) for ``"l1"``, w <- w - (eta lambda/n) sgn(w) - (eta/m-hat) sum_x dC_x/dw;
        ``"l1_prox"`` takes the data step and then soft-thresholds by eta lambda/n.
        ``n`` is the size of the whole training set (defaults to m-hat).

        Everything is checked before anything changes: a rejected step leaves the network as it
        was.  Raises :class:`FloatingPointError` (weights untouched) if the gradient is not finite.
        """
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        m = X.shape[1]
        Y = _validate.as_matrix("Y", Y, rows=self.sizes[-1], cols=m)
        eta = _validate.number("eta", eta, low=0.0, low_open=True)
        lmbda = _validate.number("lmbda", lmbda, low=0.0)
        n = m if n is None else _validate.integer("n", n, low=1)
        _validate.choice("penalty", penalty, PENALTIES)
        self._sgd_step(X, Y, eta, lmbda, n, penalty, masks)

    def _sgd_step(self, X, Y, eta, lmbda, n, penalty, masks=None):
        """The step of :meth:`update_mini_batch` on arguments already checked."""
        nabla_b, nabla_w, scratch = self._gradient_buffers()
        backprop_batch(self.weights, self.biases, X, Y, self.cost, self.activation,
                       self.output_activation, masks, nabla_b, nabla_w)
        for g in nabla_w + nabla_b:
            if not math.isfinite(float(np.add.reduce(g, axis=None))):
                raise FloatingPointError(
                    f"the gradient is not finite (eta = {eta:g}); the weights were left unchanged"
                )
        for b, nb in zip(self.biases, nabla_b):
            nb *= eta
            b -= nb  # (27)
        prox = penalty == "l1_prox"
        for w, nw, s in zip(self.weights, nabla_w, scratch):
            if not prox:
                apply_penalty_step(w, eta, lmbda, n, penalty, s)  # (1 - eta lambda/n) w, or (41)
            nw *= eta
            w -= nw  # - eta * dC0/dw
            if prox:
                apply_penalty_step(w, eta, lmbda, n, penalty, s)

    # ------------------------------------------------------------------ parameters
    def copy(self) -> Network:
        """An independent copy (same sizes, cost, activations, weights and biases)."""
        other = Network.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.weights = [w.copy() for w in self.weights]
        other.biases = [b.copy() for b in self.biases]
        other.rng = np.random.default_rng(self.seed)
        other._buffers = None
        return other

    def get_parameters(self):
        """``(weights, biases)`` as lists of copies, for restoring later."""
        return [w.copy() for w in self.weights], [b.copy() for b in self.biases]

    def set_parameters(self, weights, biases):
        """Copy the given weights and biases into the network (shapes must match)."""
        for name, new, old in (("weights", weights, self.weights), ("biases", biases, self.biases)):
            if len(new) != len(old) or any(np.shape(a) != b.shape for a, b in zip(new, old)):
                raise ValueError(
                    f"{name} must have shapes {[o.shape for o in old]}, got "
                    f"{[np.shape(a) for a in new]}"
                )
        for w, new in zip(self.weights, weights):
            w[...] = new
        for b, new in zip(self.biases, biases):
            b[...] = new

    def parameter_vector(self):
        """All weights then all biases, flattened into one vector (for gradchecks, Hessians)."""
        return np.concatenate([w.ravel() for w in self.weights] + [b.ravel() for b in self.biases])

    def set_parameter_vector(self, theta):
        """Inverse of :meth:`parameter_vector`."""
        theta = np.asarray(theta, dtype=float)
        total = sum(w.size for w in self.weights) + sum(b.size for b in self.biases)
        if theta.shape != (total,):
            raise ValueError(f"theta must have shape ({total},), got {theta.shape}")
        i = 0
        for p in self.weights + self.biases:
            p[...] = theta[i:i + p.size].reshape(p.shape)
            i += p.size

    def __repr__(self) -> str:
        return (f"Network({self.sizes}, cost={self.cost.__name__}, "
                f"activation={self.activation.name}, seed={self.seed})")
