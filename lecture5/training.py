"""One training engine: mini-batch stochastic gradient descent, eqs (27), (28) and (41).

Every notebook, widget and the live playground trains through :class:`Trainer`.  It

* shuffles the training set at the start of every epoch and walks through it in mini-batches of
  m-hat columns ("choose a mini batch of training data of size m-hat");
* updates biases by eq (27) and weights by eq (28) (``penalty="l2"``) or eq (41) (``"l1"``), with
  n = the size of the whole training set (the slides' m);
* reads ``eta``, ``lmbda``, ``penalty``, ``p_drop``, ``dropout``, ``masks_per`` and
  ``mini_batch_size`` afresh at every mini-batch, so a slider can change them while training
  runs, without resetting the network;
* advances one mini-batch (:meth:`Trainer.step`) or one epoch (:meth:`Trainer.run_epoch`) and
  returns to the caller in between;
* records per-epoch history (cost split into its data part and its penalty part, accuracy, weight
  norm, fraction of weights that are exactly zero, seconds);
* stops early after ``early_stopping`` epochs without improvement and restores the best weights;
* stops cleanly when training diverges (a non-finite gradient, cost or weight norm), naming the
  epoch, the mini-batch and eta, and keeping the weights of the start of that epoch (the failed
  epoch is not recorded); :meth:`Trainer.resume` lets it go on, e.g. with a smaller eta;
* says when a run cannot learn: a :class:`TrainingWarning`, once per cause and run, for pixels
  that look unscaled (0-255 instead of [0, 1]), for hidden units saturated by a too-large eta, for
  a run stuck at chance level, and for a divergence.  The same text is in
  :attr:`Trainer.message` (the apps show it in their status line) and :attr:`Trainer.warnings`.

The step itself is :meth:`lecture5.network.Network.update_mini_batch`, taken by the fast
in-place BLAS engine of :mod:`lecture5._engine` (the same numbers, tested equal).

Where a run is: ``epoch`` (completed epochs), ``position`` (examples of the current epoch trained
on, 0..n), ``batch_in_epoch`` / ``batches_per_epoch`` (derived from ``position`` and the current
``mini_batch_size``, so never an impossible count such as 101/11), ``steps`` (mini-batches whose
update the weights hold).  ``stopped`` is None, "diverged" or "early stopping"; ``message`` says
why (or holds the last warning's text); ``warnings`` lists the text of every warning of the run.

Arrays follow the package's column convention: X is (sizes[0], n), Y is (sizes[-1], n).
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings

import numpy as np

from . import _monitor, _validate
from ._engine import SGDEngine
from ._monitor import (
    PIXEL_MAX,
    SATURATED_FRACTION,
    SATURATED_PRIME,
    SATURATION_SAMPLE,
    _unscaled_pixels,
    cannot_learn,
    hidden_saturation,
)
from ._validate import Checked
from .dropout import MASKS_PER, _draw_masks
from .regularization import PENALTIES

__all__ = ["Trainer", "TrainingWarning", "sgd", "hidden_saturation", "cannot_learn", "HISTORY_KEYS",
           "DROPOUT_MODES", "PIXEL_MAX", "SATURATED_PRIME", "SATURATED_FRACTION",
           "SATURATION_SAMPLE"]

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

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class TrainingWarning(UserWarning):
    """A run that cannot learn, or that stopped: what happened and what to try."""


def _user_stacklevel() -> int:
    """The ``stacklevel`` of the first caller outside the package (the notebook cell or REPL
    line that trained), for ``warnings.warn`` called from the function that calls this one."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


class Trainer:
    """Mini-batch SGD on ``net`` with training data ``X`` (d_1, n) and one-hot ``Y`` (d_L, n).

    Hyper-parameters are plain attributes, checked when set and read at every mini-batch::

        trainer = Trainer(net, X, Y, eta=0.5, mini_batch_size=10, lmbda=5.0,
                          eval_data=(X_test, Y_test))
        trainer.train(epochs=10)
        trainer.eta = 0.1          # takes effect at the next mini-batch
        trainer.run_epoch()

    ``labels`` (n,) are the integer classes 0..sizes[-1]-1 (derived from ``Y`` when omitted);
    ``eval_data`` is ``(X_eval, Y_eval)`` or ``(X_eval, Y_eval, labels_eval)``.  The data are
    checked once, here, and fixed for the run (for other data, make another Trainer).
    ``masks_per`` chooses one dropout mask per mini-batch or per example.  ``monitor=False``
    skips the per-epoch evaluation (for benchmarks).  ``early_stopping=k`` stops after k epochs
    without improvement of the evaluation accuracy (of the training cost without evaluation data).

    Where the run is: ``epoch``, ``position``, ``batch_in_epoch``/``batches_per_epoch``,
    ``steps``, ``stopped``, ``message`` and ``warnings`` (see the module docstring).
    """

    eta = Checked("The learning rate eta, > 0.", _validate.number, low=0.0, low_open=True)
    lmbda = Checked("The regularization parameter lambda, >= 0.", _validate.number, low=0.0)
    penalty = Checked('One of "none", "l2" (eq (28)), "l1" (eq (41)), "l1_prox" (soft threshold).',
                      _validate.choice, options=PENALTIES)
    p_drop = Checked("Probability of deleting a hidden node in a mini-batch, in [0, 1); 0 = no "
                     "dropout.", _validate.number, low=0.0, high=1.0, high_open=True)
    dropout = Checked('How dropout is done: "slides" or "inverted" (see DROPOUT_MODES).',
                      _validate.choice, options=DROPOUT_MODES)
    masks_per = Checked('Dropout masks drawn per "mini-batch" or per "example" (MASKS_PER); None: '
                        'the mode\'s own, "mini-batch" for "slides", "example" for "inverted".',
                        _validate.choice, optional=True, options=MASKS_PER)
    mini_batch_size = Checked("m-hat, between 1 and the training-set size n.", _validate.integer,
                              low=1, high=lambda t: t.n)
    early_stopping = Checked("Patience k: stop after k epochs without improvement (None = never).",
                             _validate.integer, optional=True, low=1)

    def __init__(self, net, X, Y, *, eta, mini_batch_size=10, lmbda=0.0, penalty="l2",
                 p_drop=0.0, dropout="slides", masks_per=None, labels=None, eval_data=None,
                 monitor=True, early_stopping=None, seed=0):
        X_in, X = X, _validate.as_matrix("X", X, rows=net.sizes[0])
        Y = _validate.as_matrix("Y", Y, rows=net.sizes[-1], cols=X.shape[1])
        if seed is not None:
            seed = _validate.integer("seed", seed, low=0)
        self.net = net
        self.n = X.shape[1]
        self.X, self.Y = X, Y
        labels = _labels("labels", labels, Y)
        self.eval_data = None if eval_data is None else _eval_data(net, eval_data)
        self.eta = eta
        self.lmbda = lmbda
        self.penalty = penalty
        self.p_drop = p_drop
        self.dropout = dropout
        self.masks_per = masks_per
        self.mini_batch_size = mini_batch_size
        self.early_stopping = early_stopping
        self.labels = labels
        self.monitor = bool(monitor)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        # rows = examples, so that a mini-batch is a contiguous block to copy
        self._XT = np.ascontiguousarray(X.T)
        self._YT = np.ascontiguousarray(Y.T)
        with np.errstate(over="ignore"):  # the largest ||x||^2 (inf if it overflows)
            self._x_sq = float(np.max(np.einsum("ij,ij->i", self._XT, self._XT)))
        self.engine = SGDEngine(net)  # takes every step (wrap engine.step to watch them)
        self.history = {key: [] for key in HISTORY_KEYS}
        self.epoch = 0  # completed epochs
        self.steps = 0  # mini-batches whose update the weights hold, over all epochs
        self.position = 0  # examples of the current epoch trained on
        self.stopped = None  # None while training may go on; else "diverged" or "early stopping"
        self.message = ""
        self.warnings = []  # the text of every TrainingWarning of this run
        self._warned = set()
        self._perm = None
        self._epoch_steps = 0
        self._epoch_seconds = 0.0
        self._buffers = {}
        self._best = None  # (score, epoch, weights, biases)
        self._last_finite = None
        for name, x, arr in [("X", X_in, X)] + ([("eval_data X", eval_data[0], self.eval_data[0])]
                                                 if eval_data is not None else []):
            text = _unscaled_pixels(name, x, arr)
            if text:  # once: the same advice for both
                self._warn("pixels", text)
                break

    # ------------------------------------------------------------------ where the run is
    @property
    def batches_per_epoch(self) -> int:
        """Mini-batches in an epoch at the current ``mini_batch_size``: ceil(n / m-hat)."""
        return math.ceil(self.n / self._mini_batch_size)

    @property
    def batch_in_epoch(self) -> int:
        """Mini-batches of the current epoch done, ceil(position / m-hat) (at most
        ``batches_per_epoch``, even when ``mini_batch_size`` changed mid-epoch)."""
        return math.ceil(self.position / self._mini_batch_size)

    # ------------------------------------------------------------------ training
    def step(self):
        """Train on one mini-batch.  Returns the epoch's record (a dict) when this mini-batch
        completed an epoch, else None.  Does nothing (returns None) once training has stopped."""
        # overflow on the way to a divergence is expected: it is caught as a non-finite value
        with np.errstate(over="ignore", invalid="ignore"):
            return self._step()

    def _step(self):
        if self.stopped:
            return None
        net = self.net
        if self._perm is None:  # a new epoch: reshuffle
            self._perm = self.rng.permutation(self.n)
            self.position = 0
            self._epoch_steps = 0
            self._epoch_seconds = 0.0
            _validate.parameters(net.sizes, net.weights, net.biases)  # a student's assignments
            self._last_finite = net.get_parameters()
        t0 = time.perf_counter()
        idx = self._perm[self.position:self.position + self._mini_batch_size]
        m = idx.shape[0]
        xb, yb = self._batch_buffers(m)
        self._XT.take(idx, axis=0, out=xb, mode="clip")
        self._YT.take(idx, axis=0, out=yb, mode="clip")
        masks = None if self._p_drop == 0 else self._dropout_masks(m)
        try:
            self.engine.step(xb.T, yb.T, self._eta, self._lmbda, self.n, self._penalty, masks,
                             m * self._x_sq)  # bounds ||X_batch||^2: saves a pass over it
        except FloatingPointError:
            where = math.ceil((self.position + m) / self._mini_batch_size)
            self._diverged(f"mini-batch {where}/{self.batches_per_epoch}",
                           "the gradient became non-finite")
            return None
        self._epoch_seconds += time.perf_counter() - t0
        self.position += m
        self.steps += 1
        self._epoch_steps += 1
        if self.position >= self.n:
            return self._end_epoch()
        return None

    def run_epoch(self):
        """Train until the current epoch is complete; returns its record (None if stopped)."""
        with np.errstate(over="ignore", invalid="ignore"):  # as in step(), once per epoch
            while not self.stopped:
                record = self._step()
                if record is not None:
                    return record
        return None

    def train(self, epochs, progress=True):
        """Run ``epochs`` more epochs (fewer if training stops) with an optional progress bar.

        Returns ``self.history``.  A divergence or a run that cannot learn is reported by a
        :class:`TrainingWarning` (and in :attr:`message`).
        """
        epochs = _validate.integer("epochs", epochs, low=0)
        bar = _progress_bar(epochs) if progress else None
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

    def resume(self):
        """Allow training to go on after a stop (divergence or early stopping): the next
        :meth:`step` starts a new epoch from the current weights."""
        self.stopped = None
        self.message = ""
        self._warned.discard("diverged")  # a new divergence is news
        self._perm = None
        self.position = 0

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, X, Y, labels=None):
        """``(cost_data_part, penalty_part, accuracy)`` of the network as used at test time.

        The penalty part is normalised by the training-set size n for any X, so training and
        evaluation costs are comparable.  With the slides' dropout the outgoing weights of the
        hidden layers are scaled by (1 - p_drop) for the evaluation.
        """
        X = _validate.as_matrix("X", X, rows=self.net.sizes[0])
        _validate.parameters(self.net.sizes, self.net.weights, self.net.biases)
        return self._evaluate(X, Y, labels)[:3]

    def _evaluate(self, X, Y, labels=None, saturation=False):
        """:meth:`evaluate` on checked arguments (and, if asked, the saturation on X):
        :func:`lecture5._monitor.evaluate`."""
        return _monitor.evaluate(self.net, X, Y, labels, self._p_drop, self._dropout,
                                 self._lmbda, self.n, self._penalty, saturation)

    @property
    def best_epoch(self):
        """The epoch with the best monitored score so far (early stopping), or None."""
        return None if self._best is None else self._best[1]

    # ------------------------------------------------------------------ internals
    def _batch_buffers(self, m):
        if m not in self._buffers:
            self._buffers[m] = (np.empty((m, self._XT.shape[1])), np.empty((m, self._YT.shape[1])))
        return self._buffers[m]

    def _dropout_masks(self, m):
        if self._p_drop == 0 or len(self.net.sizes) <= 2:
            return None
        inverted = self._dropout == "inverted"
        per = self._masks_per or ("example" if inverted else "mini-batch")
        return _draw_masks(self.net.sizes, self._p_drop, self.rng,
                           m if per == "example" else 1, inverted)

    def _warn(self, cause, text):
        """``text`` as a :class:`TrainingWarning` (once per cause and run) and in ``message``."""
        self.message = text
        if cause in self._warned:
            return
        self._warned.add(cause)
        self.warnings.append(text)
        warnings.warn(text, TrainingWarning, stacklevel=_user_stacklevel())

    def _diverged(self, where, what):
        # the weights of the start of this epoch: finite, and not yet blown up to ~1e150 (the
        # last finite weights of a diverging run usually are), so a smaller eta can go on
        self.net.set_parameters(*self._last_finite)
        self.stopped = "diverged"
        epoch = self.epoch + 1
        self.steps -= self._epoch_steps  # the failed epoch's steps are undone
        self._perm = None
        self.position = 0
        self._warn("diverged", (
            f"Training diverged in epoch {epoch}, {where}: {what} with eta = {self._eta:g}. "
            f"Training stopped and the weights were restored to the start of epoch {epoch} "
            f"(finite ones; the failed epoch is not in the history); try a smaller eta and "
            f"resume()."))

    def _end_epoch(self):
        self._perm = None
        net = self.net
        rec = dict.fromkeys(HISTORY_KEYS, math.nan)
        rec.update(epoch=self.epoch + 1, seconds=self._epoch_seconds, eta=self._eta,
                   lmbda=self._lmbda)
        total = sum(w.size for w in net.weights)
        with np.errstate(over="ignore", invalid="ignore"):
            rec["weight_norm"] = math.sqrt(sum(float(np.vdot(w, w)) for w in net.weights))
        rec["zero_fraction"] = sum(int(np.count_nonzero(w == 0)) for w in net.weights) / total
        end = f"at the end of the epoch (mini-batch {self.batch_in_epoch}/{self.batches_per_epoch})"
        if not math.isfinite(rec["weight_norm"]):
            self._diverged(end, "the weights grew so large that their norm overflowed")
            return None
        check = self.monitor and not {"saturated", "stalled"} & self._warned
        if self.monitor:
            c, p, a, saturation = self._evaluate(self.X, self.Y, self.labels, saturation=check)
            rec.update(train_cost=c, train_penalty=p, train_accuracy=a)
            if not math.isfinite(c + p):
                self._diverged(end, "the cost became non-finite")
                return None
            if self.eval_data is not None:
                c, p, a, _ = self._evaluate(*self.eval_data)
                rec.update(eval_cost=c, eval_penalty=p, eval_accuracy=a)
        self.epoch += 1
        for key in HISTORY_KEYS:
            self.history[key].append(rec[key])
        if check:
            found = cannot_learn(self.net, self.X, self.labels, self.history, self._eta,
                                 saturation=saturation)
            if found:  # a run that cannot learn: once per cause and run
                self._warn(*found)
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


def _labels(name, labels, Y):
    """The integer classes of the columns of one-hot Y, checked (or derived from Y if None)."""
    if labels is None:
        return np.argmax(Y, axis=0)
    return _validate.labels(name, labels, Y.shape[1], Y.shape[0])


def _eval_data(net, eval_data):
    """``(X_eval, Y_eval, labels_eval)`` from ``(X_eval, Y_eval)`` or the triple, checked."""
    if not isinstance(eval_data, (tuple, list)) or len(eval_data) not in (2, 3):
        raise TypeError("eval_data must be (X_eval, Y_eval) or (X_eval, Y_eval, labels)")
    Xe = _validate.as_matrix("eval_data X", eval_data[0], rows=net.sizes[0])
    Ye = _validate.as_matrix("eval_data Y", eval_data[1], rows=net.sizes[-1], cols=Xe.shape[1])
    return Xe, Ye, _labels("eval_data labels", eval_data[2] if len(eval_data) == 3 else None, Ye)


def _progress_bar(epochs):
    """A tqdm bar (notebook or terminal) that starts no monitor thread, so it also runs where
    threads cannot start (Pyodide, JupyterLite)."""
    from tqdm.auto import tqdm

    class Bar(tqdm):
        monitor_interval = 0

    return Bar(total=epochs, desc="epochs", unit="epoch", leave=False)


def sgd(net, X, Y, epochs, mini_batch_size, eta, lmbda=0.0, eval_data=None, progress=False,
        **kwargs):
    """Train ``net`` for ``epochs`` epochs and return the history (like Nielsen's ``SGD``).

    A thin wrapper around :class:`Trainer`; extra keyword arguments go to it.
    """
    trainer = Trainer(net, X, Y, eta=eta, mini_batch_size=mini_batch_size, lmbda=lmbda,
                      eval_data=eval_data, **kwargs)
    trainer.train(epochs, progress=progress)
    return trainer.history
