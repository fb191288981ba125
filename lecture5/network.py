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
from scipy.linalg.blas import dgemm, dgemv

from . import _validate
from .activations import get_activation, sigmoid
from .backprop import backprop_batch, bp3, bp4, forward_backward
from .costs import QuadraticCost, get_cost
from .regularization import PENALTIES, apply_penalty_step, penalty_cost

__all__ = ["Network"]


def _not_finite(eta):
    return FloatingPointError(
        f"the gradient is not finite (eta = {eta:g}); the weights were left unchanged"
    )


def _sum_of_squares(a) -> float:
    """sum a_ij^2 as a Python float: inf or nan if an entry is, or if the sum overflows."""
    v = a.ravel(order="K")  # no copy for a C- or F-ordered block
    return float(np.vdot(v, v))  # (np.dot would warn on overflow; vdot quietly gives inf)


def _gradient_is_bounded(inputs, deltas) -> bool:
    """True if every entry of every gradient is certainly finite, without computing them.

    BP4 averages products: |dC/dw_jk| = |(1/m) sum_x delta_jx a_kx| <= ||delta||_F ||a||_F
    (Cauchy-Schwarz), and |dC/db_j| <= ||delta||_F.  So finite sums of squares of every delta and
    every layer input, with a finite product, guarantee a finite gradient.  This costs one dot
    product per array, against a pass over every weight-sized gradient.  (False is returned also
    for astronomically large but finite gradients, above ~1e154; the caller then checks exactly.)
    """
    for a, delta in zip(inputs, deltas):
        if not math.isfinite(_sum_of_squares(delta) * _sum_of_squares(a)):
            return False
    return True


def _blas_ready(p) -> bool:
    """A float64 parameter array that BLAS can update in place."""
    return p.dtype == np.float64 and p.flags.c_contiguous and p.flags.writeable


def _gemm_update(w, alpha, delta, a, beta):
    """w <- beta w + alpha delta a^T, in place, in one BLAS ``dgemm`` call.

    The product is formed on the transposes, w^T <- beta w^T + alpha a delta^T, because w^T is a
    Fortran-ordered view of the C-ordered w, which is what BLAS writes into without a copy.
    """
    c = w.T
    a_arg, trans_a = (a, 0) if a.flags.f_contiguous else (a.T, 1)
    d_arg, trans_d = (delta.T, 0) if delta.flags.c_contiguous else (delta, 1)
    out = dgemm(alpha, a_arg, d_arg, beta, c, trans_a, trans_d, 1)
    if out is not c:  # BLAS had to work on a copy: write the result back
        w[...] = out.T


def _gemv_update(b, alpha, delta, ones):
    """b <- b + alpha delta 1 (the row sums of delta), in place, in one BLAS ``dgemv`` call."""
    y = b.reshape(-1)
    d_arg, trans = (delta.T, 1) if delta.flags.c_contiguous else (delta, 0)
    out = dgemv(alpha, d_arg, ones, 1.0, y, 0, 1, 0, 1, trans, 1)
    if out is not y:
        b[...] = out.reshape(b.shape)


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
        self._buffers = None
        self._xbuf = None
        self._ones_m = None

    # ------------------------------------------------------------------ parameters check
    def _check_parameters(self):
        """Make sure the (assignable) weights and biases still fit ``sizes``.

        A student may assign ``net.weights[0] = np.array([[1, -1]])``: an integer array is
        replaced by a float copy (so it can be trained); a wrong shape -- a 1-D bias (d,) would
        broadcast along the wrong axis in ``w @ a + b`` -- raises, naming the entry.
        """
        for name, params, shapes in (
                ("weights", self.weights, list(zip(self.sizes[1:], self.sizes[:-1]))),
                ("biases", self.biases, [(d, 1) for d in self.sizes[1:]])):
            if len(params) != len(shapes):
                raise ValueError(f"net.{name} must hold {len(shapes)} arrays for sizes "
                                 f"{self.sizes}, got {len(params)}")
            for i, (p, shape) in enumerate(zip(params, shapes)):
                if type(p) is np.ndarray and p.dtype == np.float64 and p.shape == shape:
                    continue
                if np.shape(p) != shape:
                    raise ValueError(f"net.{name}[{i}] must have shape {shape} for sizes "
                                     f"{self.sizes}, got {np.shape(p)}")
                q = np.asarray(p)
                if q.dtype.kind not in "biuf":
                    raise TypeError(f"net.{name}[{i}] must be numeric, got dtype {q.dtype}")
                params[i] = q.astype(np.float64)  # a float copy; the caller's array is untouched

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
        over the m columns of X, every partial derivative (5), by BP1-BP4 for the whole
        mini-batch at once."""
        X = _validate.as_matrix("X", X, rows=self.sizes[0])
        Y = _validate.as_matrix("Y", Y, rows=self.sizes[-1], cols=X.shape[1])
        masks = self._check_masks(masks, X.shape[1])
        self._check_parameters()
        return backprop_batch(self.weights, self.biases, X, Y, self.cost, self.activation,
                              self.output_activation, masks)

    def _gradient_buffers(self):
        """Weight-shaped arrays reused by every SGD step (allocating them afresh each step is
        4-5x slower for 784-100-10, because the allocator returns and re-faults the memory every
        time).  Used by the L1 steps and by the explicit-gradient step."""
        shapes = [w.shape for w in self.weights]
        if self._buffers is None or self._buffers[0] != shapes:
            self._buffers = (
                shapes,
                [np.empty((s[0], 1)) for s in shapes],
                [np.empty(s) for s in shapes],
                [np.empty(s) for s in shapes],
            )
        return self._buffers[1:]

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
        """One SGD step on the mini-batch X (sizes[0], m-hat), Y (sizes[-1], m-hat).

        Biases: eq (27), b <- b - (eta/m-hat) sum_x dC_x/db (the mini-batch form of (25)).
        Weights: eq (28) for ``penalty="l2"``,
        w <- (1 - eta lambda/n) w - (eta/m-hat) sum_x dC_x/dw;
        eq (41) for ``"l1"``, w <- w - (eta lambda/n) sgn(w) - (eta/m-hat) sum_x dC_x/dw;
        ``"l1_prox"`` takes the data step and then soft-thresholds by eta lambda/n.
        ``n`` is the size of the whole training set (defaults to m-hat).  ``masks`` (dropout, one
        per hidden layer, see :mod:`lecture5.dropout`) multiply the hidden activations.

        Everything is checked before anything changes: a rejected step leaves the network as it
        was.  Raises :class:`FloatingPointError` (weights untouched) if the gradient is not finite.
        """
        X = self._checked_batch("X", X, self.sizes[0])
        m = X.shape[1]
        Y = self._checked_batch("Y", Y, self.sizes[-1], m)
        if not (isinstance(eta, float) and 0.0 < eta < math.inf):  # the usual case, fast
            eta = _validate.number("eta", eta, low=0.0, low_open=True)
        if not (isinstance(lmbda, float) and 0.0 <= lmbda < math.inf):
            lmbda = _validate.number("lmbda", lmbda, low=0.0)
        if n is None:
            n = m
        elif not (type(n) is int and n >= 1):
            n = _validate.integer("n", n, low=1)
        _validate.choice("penalty", penalty, PENALTIES)
        masks = self._check_masks(masks, m)
        self._check_parameters()
        self._sgd_step(X, Y, eta, lmbda, n, penalty, masks)

    def _sgd_step(self, X, Y, eta, lmbda, n, penalty, masks=None):
        """The step of :meth:`update_mini_batch` on arguments already checked.

        Steps 1-3 of backpropagation give every delta^l (:func:`forward_backward`).  BP4 and the
        update are then one BLAS call per layer: eq (28) *is* a matrix product plus a scaled
        matrix, w <- beta w + alpha delta (a^{l-1})^T with beta = 1 - eta lambda/n and
        alpha = -eta/m-hat, which ``dgemm`` computes in place without ever storing the gradient
        (no weight-sized temporaries, one pass over w).  Eq (27) is likewise one ``dgemv``.
        """
        if not (X.flags.c_contiguous or X.flags.f_contiguous):
            X = self._contiguous(X)  # a strided slice: BLAS wants a block of memory
        try:
            inputs, deltas = forward_backward(self.weights, self.biases, X, Y, self.cost,
                                              self.activation, self.output_activation, masks)
        except (FloatingPointError, RuntimeWarning) as exc:  # np.seterr("raise") or warnings
            raise _not_finite(eta) from exc                    # turned into errors
        if not _gradient_is_bounded(inputs, deltas) or not all(
                _blas_ready(w) for w in self.weights) or not all(
                _blas_ready(b) for b in self.biases):
            self._explicit_step(inputs, deltas, eta, lmbda, n, penalty)
            return
        m = X.shape[1]
        alpha = -eta / m
        beta = 1.0 - eta * lmbda / n if penalty == "l2" else 1.0  # eq (28)'s decay factor
        ones = self._ones(m)
        scratch = self._gradient_buffers()[2] if penalty in ("l1", "l1_prox") else None
        for i, (w, b, a, delta) in enumerate(zip(self.weights, self.biases, inputs, deltas)):
            _gemv_update(b, alpha, delta, ones)  # (27): b <- b - (eta/m) sum_x delta_x
            if penalty == "l1":
                apply_penalty_step(w, eta, lmbda, n, penalty, scratch[i])  # (41)'s sgn(w) term
            _gemm_update(w, alpha, delta, a, beta)  # (28): beta w - (eta/m) delta a^T
            if penalty == "l1_prox":
                apply_penalty_step(w, eta, lmbda, n, penalty, scratch[i])

    def _explicit_step(self, inputs, deltas, eta, lmbda, n, penalty):
        """The same step with the gradient stored first (BP3, BP4), checked entry by entry.

        Used when the cheap bound of :func:`_gradient_is_bounded` fails (the gradient may be
        infinite) or when a parameter array is not a float64 block BLAS can write into.
        """
        nabla_b, nabla_w, scratch = self._gradient_buffers()
        with np.errstate(over="ignore", invalid="ignore"):
            for i, (a, delta) in enumerate(zip(inputs, deltas)):
                bp3(delta, out=nabla_b[i])
                bp4(delta, a, out=nabla_w[i])
            if not all(np.isfinite(g).all() for g in nabla_w + nabla_b):
                raise _not_finite(eta)
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

    def _checked_batch(self, name, x, rows, cols=None):
        """``_validate.as_matrix(name, x, rows, cols)``, fast for the usual mini-batch.

        A float64 matrix of the right shape whose sum of squares is finite is accepted after one
        dot product (a strided X is first copied into the reused buffer the step needs anyway);
        anything else -- other types, NaN, huge entries -- goes through ``as_matrix``, which
        converts it or raises the error naming the argument.
        """
        if (type(x) is np.ndarray and x.dtype == np.float64 and x.ndim == 2
                and x.shape[0] == rows and x.shape[1] > 0 and cols in (None, x.shape[1])):
            if name == "X" and not (x.flags.c_contiguous or x.flags.f_contiguous):
                x = self._contiguous(x)
            flat = x.ravel(order="K")  # a view of a C- or F-ordered block
            if math.isfinite(float(np.vdot(flat, flat))):
                return x
        return _validate.as_matrix(name, x, rows=rows, cols=cols)

    def _contiguous(self, X):
        """X copied into a reused buffer of its shape (a strided mini-batch view, say)."""
        buf = self._xbuf
        if buf is None or buf.shape != X.shape:
            buf = self._xbuf = np.empty(X.shape)
        np.copyto(buf, X)
        return buf

    def _ones(self, m):
        """A vector of m ones (sum_x as a matrix-vector product), kept between steps."""
        ones = self._ones_m
        if ones is None or ones.shape[0] != m:
            ones = self._ones_m = np.ones(m)
        return ones

    # ------------------------------------------------------------------ parameters
    def copy(self) -> Network:
        """An independent copy (same sizes, cost, activations, weights and biases)."""
        other = Network.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.sizes = list(self.sizes)
        other.weights = [w.copy() for w in self.weights]
        other.biases = [b.copy() for b in self.biases]
        other.rng = np.random.default_rng(self.seed)
        other._buffers = None
        other._xbuf = None
        other._ones_m = None
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
