"""One training engine: mini-batch stochastic gradient descent, eqs (27), (28) and (41).

Every notebook, widget and the live playground trains through :class:`Trainer`.  It

* shuffles the training set at the start of every epoch and walks through it in mini-batches of
  m-hat columns ("choose a mini batch of training data of size m-hat");
* updates biases by eq (27) and weights by eq (28) (``penalty="l2"``) or eq (41) (``"l1"``), with
  n = the size of the whole training set (the slides' m);
* reads ``eta``, ``lmbda``, ``penalty``, ``p_drop`` and ``mini_batch_size`` afresh at every
  mini-batch, so a slider can change them while training runs, without resetting the network;
* advances one mini-batch (:meth:`Trainer.step`) or one epoch (:meth:`Trainer.run_epoch`) and
  returns to the caller in between;
* records per-epoch history (cost split into its data part and its penalty part, accuracy, weight
  norm, fraction of weights that are exactly zero, seconds);
* stops early after ``early_stopping`` epochs without improvement and restores the best weights;
* stops cleanly when training diverges (a non-finite gradient or cost), naming the epoch, the
  mini-batch and eta, and keeping the last finite weights (those of the start of that epoch);
  :meth:`Trainer.resume` lets it go on, e.g. with a smaller eta.

Arrays follow the package's column convention: X is (sizes[0], n), Y is (sizes[-1], n).
"""

from __future__ import annotations

import math
import time

import numpy as np

from . import _validate
from .regularization import PENALTIES, penalty_cost

__all__ = ["Trainer", "sgd", "HISTORY_KEYS", "DROPOUT_MODES"]

#: per-epoch quantities in ``Trainer.history`` (one list entry per completed epoch)
HISTORY_KEYS = (
    "epoch",
    "train_cost",  # data part C_0 on the training set
    "train_penalty",  # penalty part, normalised by the training-set size n
    "train_accuracy",
    "eval_cost",
    "eval_penalty",  # the same penalty: it depends on the weights and on n only
    "eval_accuracy",
    "weight_norm",  # sqrt(sum_w w^2)
    "zero_fraction",  # fraction of weights that are exactly 0
    "seconds",  # wall-clock time of the epoch's updates
    "eta",  # the value in force at the end of the epoch
    "lmbda",
)

#: "slides": delete nodes per mini-batch, scale outgoing weights at test time;
#: "inverted": scale the kept activations by 1/(1 - p_drop) during training instead
DROPOUT_MODES = ("slides", "inverted")


class Trainer:
    """Mini-batch SGD on ``net`` with training data ``X`` (d_1, n) and one-hot ``Y`` (d_L, n).

    Hyper-parameters are plain attributes, checked when set and read at every mini-batch::

        trainer = Trainer(net, X, Y, eta=0.5, mini_batch_size=10, lmbda=5.0,
                          eval_data=(X_test, Y_test))
        trainer.train(epochs=10)
        trainer.eta = 0.1          # takes effect at the next mini-batch
        trainer.run_epoch()

    ``labels`` (n,) are the integer classes (derived from ``Y`` when omitted); ``eval_data`` is
    ``(X_eval, Y_eval)`` or ``(X_eval, Y_eval, labels_eval)``.  ``monitor=False`` skips the
    per-epoch evaluation (for benchmarks).  ``early_stopping=k`` stops after k epochs without
    improvement of the evaluation accuracy (of the training cost when there is no evaluation data).
    """

    def __init__(self, net, X, Y, *, eta, mini_batch_size=10, lmbda=0.0, penalty="l2",
                 p_drop=0.0, dropout="slides", labels=None, eval_data=None, monitor=True,
                 early_stopping=None, seed=0):
        X = _validate.as_matrix("X", X, rows=net.sizes[0])
        Y = _validate.as_matrix("Y", Y, rows=net.sizes[-1], cols=X.shape[1])
        self.net = net
        self.n = X.shape[1]
        self.X, self.Y = X, Y
        # rows = examples, so that a mini-batch is a contiguous block to copy
        self._XT = np.ascontiguousarray(X.T)
        self._YT = np.ascontiguousarray(Y.T)
        self.labels = self._labels("labels", labels, Y)
        self.eval_data = None
        if eval_data is not None:
            if not isinstance(eval_data, (tuple, list)) or len(eval_data) not in (2, 3):
                raise TypeError("eval_data must be (X_eval, Y_eval) or (X_eval, Y_eval, labels)")
            Xe = _validate.as_matrix("eval_data X", eval_data[0], rows=net.sizes[0])
            Ye = _validate.as_matrix("eval_data Y", eval_data[1], rows=net.sizes[-1],
                                     cols=Xe.shape[1])
            le = self._labels("eval_data labels", eval_data[2] if len(eval_data) == 3 else None,
                              Ye)
            self.eval_data = (Xe, Ye, le)
        self.eta = eta
        self.lmbda = lmbda
        self.penalty = penalty
        self.p_drop = p_drop
        self.dropout = dropout
        self.mini_batch_size = mini_batch_size
        self.monitor = bool(monitor)
        self.early_stopping = early_stopping
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.history = {key: [] for key in HISTORY_KEYS}
        self.epoch = 0  # completed epochs
        self.steps = 0  # completed mini-batches, over all epochs
        self.batch_in_epoch = 0
        self.stopped = None  # None while training may go on; else "diverged" or "early stopping"
        self.message = ""
        self._perm = None
        self._pos = 0
        self._epoch_seconds = 0.0
        self._buffers = {}
        self._best = None  # (score, epoch, weights, biases)
        self._last_finite = None

    # ------------------------------------------------------------------ hyper-parameters
    @property
    def eta(self):
        """The learning rate, > 0."""
        return self._eta

    @eta.setter
    def eta(self, value):
        self._eta = _validate.number("eta", value, low=0.0, low_open=True)

    @property
    def lmbda(self):
        """The regularization parameter lambda, >= 0."""
        return self._lmbda

    @lmbda.setter
    def lmbda(self, value):
        self._lmbda = _validate.number("lmbda", value, low=0.0)

    @property
    def penalty(self):
        """One of "none", "l2" (eq (28)), "l1" (eq (41)), "l1_prox" (soft threshold)."""
        return self._penalty

    @penalty.setter
    def penalty(self, value):
        self._penalty = _validate.choice("penalty", value, PENALTIES)

    @property
    def p_drop(self):
        """Probability of deleting a hidden node in a mini-batch, in [0, 1); 0 = no dropout."""
        return self._p_drop

    @p_drop.setter
    def p_drop(self, value):
        self._p_drop = _validate.number("p_drop", value, low=0.0, high=1.0, high_open=True)

    @property
    def dropout(self):
        """How dropout is done: "slides" or "inverted" (see :data:`DROPOUT_MODES`)."""
        return self._dropout

    @dropout.setter
    def dropout(self, value):
        self._dropout = _validate.choice("dropout", value, DROPOUT_MODES)

    @property
    def mini_batch_size(self):
        """m-hat, between 1 and the training-set size n."""
        return self._mini_batch_size

    @mini_batch_size.setter
    def mini_batch_size(self, value):
        self._mini_batch_size = _validate.integer("mini_batch_size", value, low=1, high=self.n)

    @property
    def early_stopping(self):
        """Patience k: stop after k epochs without improvement (None = never)."""
        return self._early_stopping

    @early_stopping.setter
    def early_stopping(self, value):
        self._early_stopping = (None if value is None
                                else _validate.integer("early_stopping", value, low=1))

    # ------------------------------------------------------------------ training
    @property
    def batches_per_epoch(self) -> int:
        return math.ceil(self.n / self._mini_batch_size)

    def step(self):
        """Train on one mini-batch.  Returns the epoch's record (a dict) when this mini-batch
        completed an epoch, else None.  Does nothing (returns None) once training has stopped."""
        if self.stopped:
            return None
        net = self.net
        if self._perm is None:  # a new epoch: reshuffle
            self._perm = self.rng.permutation(self.n)
            self._pos = 0
            self.batch_in_epoch = 0
            self._epoch_seconds = 0.0
            net._check_parameters()  # weights a student assigned between epochs
            self._last_finite = net.get_parameters()
        t0 = time.perf_counter()
        idx = self._perm[self._pos:self._pos + self._mini_batch_size]
        m = idx.shape[0]
        xb, yb = self._batch_buffers(m)
        np.take(self._XT, idx, axis=0, out=xb, mode="clip")
        np.take(self._YT, idx, axis=0, out=yb, mode="clip")
        masks = self._dropout_masks(m)
        try:
            # overflow on the way to a divergence is expected: it is caught as a non-finite value
            with np.errstate(over="ignore", invalid="ignore"):
                net._sgd_step(xb.T, yb.T, self._eta, self._lmbda, self.n, self._penalty, masks)
        except FloatingPointError:
            self._diverged("the gradient became non-finite")
            return None
        self._epoch_seconds += time.perf_counter() - t0
        self._pos += m
        self.steps += 1
        self.batch_in_epoch += 1
        if self._pos >= self.n:
            return self._end_epoch()
        return None

    def run_epoch(self):
        """Train until the current epoch is complete; returns its record (None if stopped)."""
        if self.stopped:
            return None
        start_epoch = self.epoch
        while not self.stopped:
            record = self.step()
            if record is not None or self.epoch > start_epoch:
                return record
        return None

    def train(self, epochs, progress=True):
        """Run ``epochs`` more epochs (fewer if training stops) with an optional progress bar.

        Returns ``self.history``.
        """
        epochs = _validate.integer("epochs", epochs, low=0)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=epochs, desc="epochs", unit="epoch", leave=False)
        try:
            for _ in range(epochs):
                record = self.run_epoch()
                if bar is not None:
                    bar.update(1)
                    if record is not None and self.monitor:
                        bar.set_postfix(cost=f"{record['train_cost']:.3f}",
                                        acc=f"{record['eval_accuracy']:.3f}")
                if self.stopped:
                    break
        finally:
            if bar is not None:
                bar.close()
        return self.history

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, X, Y, labels=None):
        """``(cost_data_part, penalty_part, accuracy)`` of the network as used at test time.

        The penalty part is normalised by the training-set size n for any X, so training and
        evaluation costs are comparable.  With the slides' dropout the outgoing weights of the
        hidden layers are scaled by (1 - p_drop) for the evaluation.
        """
        net = self.net
        weights = net.weights
        if self._p_drop > 0 and self._dropout == "slides" and len(net.sizes) > 2:
            from .dropout import test_time_weights

            net.weights = test_time_weights(weights, self._p_drop)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                a = net.feedforward(X)
        finally:
            net.weights = weights
        if labels is None:
            labels = np.argmax(Y, axis=0)
        with np.errstate(over="ignore", invalid="ignore"):
            data = net.cost.fn(a, Y)
            pen = penalty_cost(weights, self._lmbda, self.n, self._penalty)
        acc = float(np.mean(np.argmax(a, axis=0) == labels))
        return data, pen, acc

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _labels(name, labels, Y):
        if labels is None:
            return np.argmax(Y, axis=0)
        labels = np.asarray(labels)
        if labels.shape != (Y.shape[1],):
            raise ValueError(f"{name} must have shape ({Y.shape[1]},), got {labels.shape}")
        return labels

    def _batch_buffers(self, m):
        bufs = self._buffers.get(m)
        if bufs is None:
            bufs = (np.empty((m, self._XT.shape[1])), np.empty((m, self._YT.shape[1])))
            self._buffers[m] = bufs
        return bufs

    def _dropout_masks(self, m):
        if self._p_drop == 0 or len(self.net.sizes) <= 2:
            return None
        from .dropout import dropout_masks

        inverted = self._dropout == "inverted"
        return dropout_masks(self.net.sizes, self._p_drop, self.rng, m=m if inverted else 1,
                             inverted=inverted)

    def _diverged(self, what):
        # the weights of the start of this epoch: finite, and not yet blown up to ~1e150 (the
        # last finite weights of a diverging run usually are), so a smaller eta can go on
        self.net.set_parameters(*self._last_finite)
        self.stopped = "diverged"
        self.message = (
            f"Training diverged in epoch {self.epoch + 1}, mini-batch {self.batch_in_epoch + 1}: "
            f"{what} with eta = {self._eta:g}. Training stopped and the weights were restored to "
            f"the start of epoch {self.epoch + 1} (the last finite ones); try a smaller eta."
        )
        self._perm = None

    def resume(self):
        """Allow training to go on after a stop (divergence or early stopping): the next
        :meth:`step` starts a new epoch from the current weights."""
        self.stopped = None
        self.message = ""
        self._perm = None

    def _end_epoch(self):
        self._perm = None
        self.epoch += 1
        net = self.net
        rec = dict.fromkeys(HISTORY_KEYS, math.nan)
        rec.update(epoch=self.epoch, seconds=self._epoch_seconds, eta=self._eta,
                   lmbda=self._lmbda)
        total = sum(w.size for w in net.weights)
        with np.errstate(over="ignore"):
            rec["weight_norm"] = math.sqrt(sum(float(np.vdot(w, w)) for w in net.weights))
        rec["zero_fraction"] = sum(int(np.count_nonzero(w == 0)) for w in net.weights) / total
        if self.monitor:
            c, p, a = self.evaluate(self.X, self.Y, self.labels)
            rec.update(train_cost=c, train_penalty=p, train_accuracy=a)
            if self.eval_data is not None:
                c, p, a = self.evaluate(*self.eval_data)
                rec.update(eval_cost=c, eval_penalty=p, eval_accuracy=a)
        for key in HISTORY_KEYS:
            self.history[key].append(rec[key])
        if self.monitor and not math.isfinite(rec["train_cost"] + rec["train_penalty"]):
            self.batch_in_epoch -= 1
            self._diverged("the cost became non-finite")
            return rec
        if self._early_stopping is not None and self.monitor:
            self._check_early_stopping(rec)
        return rec

    def _check_early_stopping(self, rec):
        if self.eval_data is not None:
            score, better = rec["eval_accuracy"], (lambda s, b: s > b)
        else:
            score, better = rec["train_cost"] + rec["train_penalty"], (lambda s, b: s < b)
        if self._best is None or better(score, self._best[0]):
            self._best = (score, self.epoch, *self.net.get_parameters())
        elif self.epoch - self._best[1] >= self._early_stopping:
            _, best_epoch, weights, biases = self._best
            self.net.set_parameters(weights, biases)
            self.stopped = "early stopping"
            self.message = (
                f"Early stopping: no improvement in {self._early_stopping} epochs; restored the "
                f"weights of epoch {best_epoch}."
            )

    @property
    def best_epoch(self):
        """The epoch with the best monitored score so far (early stopping), or None."""
        return None if self._best is None else self._best[1]


def sgd(net, X, Y, epochs, mini_batch_size, eta, lmbda=0.0, eval_data=None, progress=False,
        **kwargs):
    """Train ``net`` for ``epochs`` epochs and return the history (like Nielsen's ``SGD``).

    A thin wrapper around :class:`Trainer`; extra keyword arguments go to it.
    """
    trainer = Trainer(net, X, Y, eta=eta, mini_batch_size=mini_batch_size, lmbda=lmbda,
                      eval_data=eval_data, **kwargs)
    trainer.train(epochs, progress=progress)
    return trainer.history
