"""The network: sizes, weights, biases, the forward pass (eqs (1)-(4)), backpropagation, and one
SGD step, :meth:`Network.update_mini_batch`: eq (27) for the biases, eq (28) or (41) for the
weights, written out as plainly as in Nielsen's network2.py (the trainer takes the same step with
BLAS, in :mod:`lecture5._engine`).

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
from .backprop import bp3, bp4, feedforward_trace, forward_backward
from .costs import QuadraticCost, get_cost
from .regularization import PENALTIES, penalty_cost, soft_threshold

__all__ = ["Network"]


class Network:
    """A fully connected feed-forward network trained with backpropagation.

    ``Network([784, 30, 10], cost=CrossEntropyCost, seed=0)``: weights w^l ~ N(0, 1/n_in) and
    biases b^l ~ N(0, 1), drawn from ``numpy.random.default_rng(seed)``.  ``init="large"`` draws
    the weights from N(0, 1) instead (the start of Nielsen's overfitting experiments, chapter 3);
    both use the same random numbers, scaled differently.  ``activation`` is used in
    the hidden layers, ``output_activation`` (default sigmoid) in the output layer.
    """

    def __init__(self, sizes, cost=QuadraticCost, seed=0, activation=sigmoid,
                 output_activation=sigmoid, init="default"):
        sizes = _validate.sizes(sizes)
        self.sizes = sizes
        self.cost = get_cost(cost)
        self.activation = get_activation(activation)
        self.output_activation = get_activation(output_activation, name="output_activation")
        if seed is not None:
            seed = _validate.integer("seed", seed, low=0)
        self.seed = seed
        self.init = _validate.choice("init", init, ("default", "large"))
        self.rng = np.random.default_rng(seed)
        self.biases = [self.rng.normal(0.0, 1.0, (n_out, 1)) for n_out in sizes[1:]]
        self.weights = [
            self.rng.normal(0.0, 1.0 / math.sqrt(n_in) if init == "default" else 1.0,
                            (n_out, n_in))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]

    # ------------------------------------------------------------------ parameters check
    def _check_parameters(self):
        """The (assignable) weights and biases still fit ``sizes``: ``_validate.parameters``."""
        _validate.parameters(self.sizes, self.weights, self.biases)

    # ------------------------------------------------------------------ forward pass
    @property
    def num_layers(self) -> int:
        """L, the number of layers including the input layer (Nielsen's numbering)."""
        return len(self.sizes)

    def feedforward(self, X, masks=None):
        """a^L for the inputs X of shape (sizes[0], m): eq (4) applied layer by layer.

        ``masks`` (dropout, one per hidden layer, see :mod:`lecture5.dropout`) multiply the
        hidden activations."""
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        masks = self._check_masks(masks, X.shape[1])
        self._check_parameters()
        return feedforward_trace(self.weights, self.biases, X, self.activation,
                                 self.output_activation, masks)[1][-1]

    def predict(self, X):
        """The index of the most active output neuron for every column of X, shape (m,)."""
        return np.argmax(self.feedforward(X), axis=0)

    def accuracy(self, X, labels) -> float:
        """Fraction of columns of X whose predicted class equals the integer label."""
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        labels = _validate.labels("labels", labels, X.shape[1], self.sizes[-1])
        return float(np.mean(self.predict(X) == labels))

    def total_cost(self, X, Y, lmbda=0.0, n=None, penalty="l2"):
        """``(data_part, penalty_part)``: C_0 over the columns of X, and the penalty normalised by
        the training-set size n (eq (21) for "l2", eq (39) for "l1").  Their sum is
        C = C_0 + penalty, eq (22), with the lambda/(2n) of (21) (the slide's (22) writes
        lambda/m)."""
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        Y = _validate.as_matrix("Y", Y, rows=self.sizes[-1], cols=X.shape[1])
        n = X.shape[1] if n is None else _validate.integer("n", n, low=1)
        data = self.cost.fn(self.feedforward(X), Y)
        return data, penalty_cost(self.weights, lmbda, n, penalty)

    # ------------------------------------------------------------------ gradients
    def backprop(self, X, Y, masks=None):
        """``(nabla_b, nabla_w)``: the gradient of the unregularized cost C = (1/m) sum_x C_x
        over the m columns of X, every partial derivative (5): steps 1-3 of the algorithm give
        every delta^l (:func:`~lecture5.backprop.forward_backward`), then BP3 and BP4 average over
        the columns."""
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        Y = _validate.as_matrix("Y", Y, rows=self.sizes[-1], cols=X.shape[1])
        masks = self._check_masks(masks, X.shape[1])
        self._check_parameters()
        inputs, deltas = forward_backward(self.weights, self.biases, X, Y, self.cost,
                                          self.activation, self.output_activation, masks)
        nabla_b = [bp3(delta) for delta in deltas]  # BP3
        nabla_w = [bp4(delta, a) for delta, a in zip(deltas, inputs)]  # BP4
        return nabla_b, nabla_w

    def _check_masks(self, masks, m):
        """``masks`` as a list of one 2-D float array (or None) per hidden layer, each
        broadcastable to (sizes[l], m) without changing that shape."""
        if masks is None:
            return None
        hidden = self.sizes[1:-1]
        if isinstance(masks, np.ndarray) or not isinstance(masks, (list, tuple)) \
                or len(masks) != len(hidden):
            raise ValueError(
                f"masks must be None or a list of {len(hidden)} arrays, one per hidden layer "
                f"(widths {hidden}), got {type(masks).__name__}"
                + (f" of length {len(masks)}" if isinstance(masks, (list, tuple)) else "")
            )
        checked = []
        for i, (mask, d) in enumerate(zip(masks, hidden)):
            if mask is not None:
                mask = _validate.as_matrix(f"masks[{i}]", mask)
                if mask.shape[0] not in (1, d) or mask.shape[1] not in (1, m):
                    raise ValueError(
                        f"masks[{i}] must have shape ({d}, {m}) or ({d}, 1), got {mask.shape}"
                    )
            checked.append(mask)
        return checked

    def update_mini_batch(self, X, Y, eta, lmbda=0.0, n=None, penalty="l2", masks=None):
        """One SGD step on the mini-batch X (sizes[0], m-hat), Y (sizes[-1], m-hat), in place.

        Biases: eq (27), b <- b - (eta/m-hat) sum_x dC_x/db (the mini-batch form of (25)).
        Weights: eq (28) for ``penalty="l2"``,
        w <- (1 - eta lambda/n) w - (eta/m-hat) sum_x dC_x/dw;
        eq (41) for ``"l1"``, w <- w - (eta lambda/n) sgn(w) - (eta/m-hat) sum_x dC_x/dw;
        ``"l1_prox"`` takes the data step and then soft-thresholds by eta lambda/n; ``"none"``
        ignores lambda.  ``n`` is the size of the whole training set (defaults to m-hat).
        ``masks`` (dropout, one per hidden layer, see :mod:`lecture5.dropout`) multiply the hidden
        activations.  (1/m-hat) sum_x is the mean gradient that :meth:`backprop` returns.

        Everything is checked before anything changes: a rejected step leaves the network as it
        was.  Raises :class:`FloatingPointError` (weights untouched) if the gradient is not finite.
        (The trainer takes the same step faster, with BLAS: ``lecture5._engine``.)
        """
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        Y = _validate.as_matrix("Y", Y, rows=self.sizes[-1], cols=X.shape[1])
        eta = _validate.number("eta", eta, low=0.0, low_open=True)
        lmbda = _validate.number("lmbda", lmbda, low=0.0)
        n = X.shape[1] if n is None else _validate.integer("n", n, low=1)
        _validate.choice("penalty", penalty, PENALTIES)
        nabla_b, nabla_w = self._finite_gradient(X, Y, masks, eta)
        step = eta * lmbda / n  # the penalty's share: eta lambda / n
        for b, nb in zip(self.biases, nabla_b):
            b -= eta * nb  # (27)
        for w, nw in zip(self.weights, nabla_w):
            if penalty == "l2":
                w *= 1.0 - step  # (28): (1 - eta lambda/n) w ...
            elif penalty == "l1":
                w -= step * np.sign(w)  # (41): w - (eta lambda/n) sgn(w) ...
            w -= eta * nw  # ... - (eta/m-hat) sum_x dC_x/dw
            if penalty == "l1_prox":
                w[...] = soft_threshold(w, step)

    def _finite_gradient(self, X, Y, masks, eta):
        """:meth:`backprop`, or FloatingPointError naming eta if an entry is not finite."""
        with np.errstate(over="ignore", invalid="ignore"):
            nabla_b, nabla_w = self.backprop(X, Y, masks)
        if not all(np.isfinite(g).all() for g in nabla_b + nabla_w):
            raise FloatingPointError(
                f"the gradient is not finite (eta = {eta:g}); the weights were left unchanged")
        return nabla_b, nabla_w

    # ------------------------------------------------------------------ parameters
    def copy(self) -> Network:
        """An independent copy (same sizes, cost, activations, weights and biases)."""
        other = Network.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.sizes = list(self.sizes)
        other.weights = [w.copy() for w in self.weights]
        other.biases = [b.copy() for b in self.biases]
        other.rng = np.random.default_rng(self.seed)
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
