"""The trainer's SGD step: :meth:`lecture5.network.Network.update_mini_batch`, fast (private).

The same numbers as ``update_mini_batch`` -- eq (27) for the biases, eq (28) ("l2"), eq (41)
("l1") or the soft threshold ("l1_prox") for the weights -- up to rounding (a test holds them
equal on every penalty and dropout mode).  What makes it fast:

* BP4 and the update are one BLAS call per layer.  Eq (28) *is* a matrix product plus a scaled
  matrix, w <- beta w + alpha delta (a^{l-1})^T with beta = 1 - eta lambda/n and alpha = -eta/m-hat,
  which ``dgemm`` computes in place without ever storing the gradient (no weight-sized
  temporaries, one pass over w).  Eq (27) is likewise one ``dgemv``.
* The finiteness check costs one dot product per array instead of a pass over every gradient
  (the Cauchy-Schwarz bound of :func:`gradient_is_bounded`).
* Buffers are reused from step to step (allocating weight-sized arrays afresh each step is 4-5x
  slower for 784-100-10: the allocator hands the memory back and re-faults it every time).

Arguments are not checked here: the :class:`~lecture5.training.Trainer` checks them once, when
they are set.  The network is used through its public attributes only.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg.blas import dgemm, dgemv

from .backprop import bp3, bp4, forward_backward
from .regularization import apply_penalty_step

__all__ = ["SGDEngine", "gradient_is_bounded"]


def _not_finite(eta):
    return FloatingPointError(
        f"the gradient is not finite (eta = {eta:g}); the weights were left unchanged"
    )


def gradient_is_bounded(inputs, deltas, x_sq=None) -> bool:
    """True if every entry of every gradient is certainly finite, without computing them.

    BP4 averages products: |dC/dw_jk| = |(1/m) sum_x delta_jx a_kx| <= ||delta||_F ||a||_F
    (Cauchy-Schwarz), and |dC/db_j| <= ||delta||_F.  So finite sums of squares of every delta and
    every layer input, with a finite product, guarantee a finite gradient.  This costs one dot
    product per array, against a pass over every weight-sized gradient.  ``x_sq``, if given, is an
    upper bound on the sum of squares of the input X (``inputs[0]``), known in advance for a fixed
    training set, which saves the largest of these dot products.  (False is returned also for
    astronomically large but finite gradients, above ~1e154; the caller then checks exactly.)
    """
    for i, (a, delta) in enumerate(zip(inputs, deltas)):
        d = delta.ravel(order="K")  # views of C- or F-ordered blocks
        if i == 0 and x_sq is not None:
            a_sq = x_sq
        else:
            a = a.ravel(order="K")
            a_sq = float(np.vdot(a, a))  # (np.dot would warn on overflow; vdot quietly gives inf)
        if not math.isfinite(float(np.vdot(d, d)) * a_sq):
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


class SGDEngine:
    """``SGDEngine(net).step(X, Y, eta, lmbda, n, penalty, masks)``: one in-place SGD step on
    ``net`` (the step of ``update_mini_batch``) on arguments already checked.

    Raises :class:`FloatingPointError`, the weights untouched, if the gradient is not finite.
    """

    def __init__(self, net):
        self.net = net
        self._ones = np.ones(0)
        self._xbuf = None
        self._buffers = None

    def step(self, X, Y, eta, lmbda, n, penalty, masks=None, x_sq=None):
        """One step; ``x_sq`` (optional) bounds the sum of squares of X from above."""
        net = self.net
        weights, biases = net.weights, net.biases
        if not (X.flags.c_contiguous or X.flags.f_contiguous):
            X = self._contiguous(X)  # a strided slice: BLAS wants a block of memory
        try:
            inputs, deltas = forward_backward(weights, biases, X, Y, net.cost, net.activation,
                                              net.output_activation, masks)
        except (FloatingPointError, RuntimeWarning) as exc:  # np.seterr("raise") or warnings
            raise _not_finite(eta) from exc                    # turned into errors
        if not (gradient_is_bounded(inputs, deltas, x_sq) and all(map(_blas_ready, weights))
                and all(map(_blas_ready, biases))):
            self._explicit_step(inputs, deltas, eta, lmbda, n, penalty)
            return
        m = X.shape[1]
        alpha = -eta / m
        beta = 1.0 - eta * lmbda / n if penalty == "l2" else 1.0  # eq (28)'s decay factor
        ones = self._ones
        if ones.shape[0] != m:
            ones = self._ones = np.ones(m)
        l1 = penalty in ("l1", "l1_prox") and lmbda > 0
        scratch = self._gradient_buffers()[2] if l1 else None
        for i, (w, b, a, delta) in enumerate(zip(weights, biases, inputs, deltas)):
            _gemv_update(b, alpha, delta, ones)  # (27): b <- b - (eta/m) sum_x delta_x
            if penalty == "l1" and l1:
                apply_penalty_step(w, eta, lmbda, n, penalty, scratch[i])  # (41)'s sgn(w) term
            _gemm_update(w, alpha, delta, a, beta)  # (28): beta w - (eta/m) delta a^T
            if penalty == "l1_prox" and l1:
                apply_penalty_step(w, eta, lmbda, n, penalty, scratch[i])

    def _explicit_step(self, inputs, deltas, eta, lmbda, n, penalty):
        """The same step with the gradient stored first (BP3, BP4), checked entry by entry.

        Used when the cheap bound of :func:`gradient_is_bounded` fails (the gradient may be
        infinite) or when a parameter array is not a float64 block BLAS can write into.
        """
        nabla_b, nabla_w, scratch = self._gradient_buffers()
        with np.errstate(over="ignore", invalid="ignore"):
            for i, (a, delta) in enumerate(zip(inputs, deltas)):
                bp3(delta, out=nabla_b[i])
                bp4(delta, a, out=nabla_w[i])
            if not all(np.isfinite(g).all() for g in nabla_w + nabla_b):
                raise _not_finite(eta)
        for b, nb in zip(self.net.biases, nabla_b):
            nb *= eta
            b -= nb  # (27)
        prox = penalty == "l1_prox"
        for w, nw, s in zip(self.net.weights, nabla_w, scratch):
            if not prox:
                apply_penalty_step(w, eta, lmbda, n, penalty, s)  # (1 - eta lambda/n) w, or (41)
            nw *= eta
            w -= nw  # - eta * dC0/dw
            if prox:
                apply_penalty_step(w, eta, lmbda, n, penalty, s)

    def _gradient_buffers(self):
        """Weight-shaped arrays reused by every step that needs them (L1, explicit steps)."""
        shapes = [w.shape for w in self.net.weights]
        if self._buffers is None or self._buffers[0] != shapes:
            self._buffers = (
                shapes,
                [np.empty((s[0], 1)) for s in shapes],
                [np.empty(s) for s in shapes],
                [np.empty(s) for s in shapes],
            )
        return self._buffers[1:]

    def _contiguous(self, X):
        """X copied into a reused buffer of its shape (a strided mini-batch view, say)."""
        buf = self._xbuf
        if buf is None or buf.shape != X.shape:
            buf = self._xbuf = np.empty(X.shape)
        np.copyto(buf, X)
        return buf
