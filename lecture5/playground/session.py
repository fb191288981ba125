"""The playground's state without widgets: the controls' values -> data, network and trainer.

A :class:`Session` holds the value of every control, the data, the network and its trainer.  It
decides what a change of one control does (:func:`classify`):

* a *live* control (:data:`LIVE`: eta, lambda, penalty, p_drop, mini-batch size, early stopping)
  is set on the running trainer, which reads it at the next mini-batch: eq (27) for the biases,
  eq (28) (L2) or eq (41) (L1) for the weights, with n = the training-set size;
* a *data* control (:data:`DATA`) or an *architecture* control (:data:`ARCHITECTURE`) builds a
  new network from the seed and a new trainer;
* a data control that does not matter for the chosen data set (the noise of the digits) changes
  nothing.

It also trains (one mini-batch, a time slice, whole epochs), keeps the history bounded
(:func:`thin_history`), collects the engine's warnings for the status line, and says where the
run is (:meth:`Session.progress`) in numbers that always agree with each other.  Plain Python
drives it; the widgets are in :mod:`lecture5.playground.app`, the asyncio loop in
:mod:`lecture5.playground.runner`.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from .. import _validate
from ..datasets import load_mnist
from ..experiments import make_trainer
from ..toy import toy_train_test
from ..training import TrainingWarning

__all__ = ["Session", "DEFAULTS", "LIVE", "DATA", "ARCHITECTURE", "PRESETS", "load_data",
           "thin_history", "classify", "preset_state", "build_trainer"]

#: every control of the app and its default value
DEFAULTS = {
    "dataset": "moons",
    "noise": 0.2,
    "train_fraction": 0.5,
    "n_train": 1000,
    "layers": 1,
    "neurons": 8,
    "activation": "tanh",
    "cost": "cross-entropy",
    "eta": 0.5,
    "lmbda": 0.01,
    "penalty": "none",
    "p_drop": 0.0,
    "mini_batch_size": 10,
    "early_stopping": 0,
    "seed": 0,
}

#: controls read by the running training at the next mini-batch (never reset the network)
LIVE = ("eta", "lmbda", "penalty", "p_drop", "mini_batch_size", "early_stopping")
#: controls that change the data: a new network is built
DATA = ("dataset", "noise", "train_fraction", "n_train")
#: controls that change the network itself: a new network is built
ARCHITECTURE = ("layers", "neurons", "activation", "cost", "seed")

DATASETS = ("moons", "circles", "spiral", "xor", "mnist")
TOY_POINTS = 400  # points in a toy set, split by train_fraction
MNIST_TEST = 1000  # test digits evaluated after every epoch
MNIST_SIZES = (100, 300, 1000, 3000, 10000)
PENALTY_OPTIONS = (("none", "none"), ("L2, eq (28)", "l2"), ("L1, eq (41)", "l1"),
                   ("L1 soft threshold", "l1_prox"))
MAX_HISTORY = 2000  # epochs kept in the curves; older ones are thinned out

_DIGITS = {"dataset": "mnist", "n_train": 1000, "layers": 1, "neurons": 30,
           "activation": "sigmoid", "cost": "cross-entropy", "eta": 0.5, "lmbda": 0.1,
           "penalty": "none", "p_drop": 0.0, "mini_batch_size": 10, "early_stopping": 0,
           "seed": 0}

#: named states of every control; :meth:`Session.apply_preset` sets all of them and resets
PRESETS = {
    "moons, a small network": {},
    "spiral, two hidden layers": {"dataset": "spiral", "noise": 0.05, "layers": 2,
                                  "neurons": 16, "eta": 0.3},
    "circles": {"dataset": "circles", "noise": 0.1, "neurons": 6},
    "xor": {"dataset": "xor", "noise": 0.05, "neurons": 6},
    "overfit 1,000 digits": dict(_DIGITS),
    "the same with λ = 1": {**_DIGITS, "penalty": "l2", "lmbda": 1.0},
    "the same with λ = 5": {**_DIGITS, "penalty": "l2", "lmbda": 5.0},
    "dropout 0.5": {**_DIGITS, "p_drop": 0.5},
    "L1 sparsity": {**_DIGITS, "penalty": "l1_prox", "lmbda": 2.0},
    "η too large": {**_DIGITS, "eta": 20.0},
    "early stopping": {**_DIGITS, "early_stopping": 5},
    "diverging ReLU": {"dataset": "moons", "layers": 3, "neurons": 32, "activation": "relu",
                       "eta": 100.0},
}

#: how the status line names a live control
LIVE_NAMES = {"eta": "η", "lmbda": "λ", "p_drop": "p_drop", "penalty": "penalty",
              "mini_batch_size": "mini-batch size", "early_stopping": "early stopping"}

#: the warnings of a run that the status line shows
TRAINING_WARNING = TrainingWarning


# ============================================================================ data and history
def load_data(dataset="moons", noise=0.2, train_fraction=0.5, n_train=1000, seed=0) -> dict:
    """The data for one playground state, in the package's column convention.

    Toy sets (:data:`lecture5.toy.TOY_SETS`): :data:`TOY_POINTS` two-class points with
    Gaussian ``noise``, split so that a ``train_fraction`` of them is for training.  ``"mnist"``:
    ``n_train`` bundled training digits and :data:`MNIST_TEST` test digits.  The data seed is
    ``seed``.  Returns a dict with ``kind`` ("2d" or "mnist") and X/Y/y for training and test.
    """
    _validate.choice("dataset", dataset, DATASETS)
    if dataset == "mnist":
        d = load_mnist(n_train=_validate.integer("n_train", n_train, low=10, high=10000),
                       n_test=MNIST_TEST, seed=seed)
        kind = "mnist"
    else:
        frac = _validate.number("train_fraction", train_fraction, low=0.05, high=0.95)
        n = min(max(round(frac * TOY_POINTS), 10), TOY_POINTS - 10)
        d = toy_train_test(dataset, n_train=n, n_test=TOY_POINTS - n,
                           noise=_validate.number("noise", noise, low=0.0), seed=seed)
        kind = "2d"
    return {"kind": kind, "X_train": d.X_train, "Y_train": d.Y_train, "y_train": d.y_train,
            "X_test": d.X_test, "Y_test": d.Y_test, "y_test": d.y_test}


def thin_history(history: dict, max_len: int = MAX_HISTORY) -> bool:
    """Keep a trainer history to at most ``max_len`` epochs by dropping every second old entry.

    The first and the latest epoch always stay; the lists are changed in place (the trainer keeps
    appending to them).  This bounds memory over a lecture-long run.  Returns True if thinned.
    """
    n = len(history["epoch"])
    if n <= max_len:
        return False
    keep = list(range(0, n - 1, 2)) + [n - 1]
    for values in history.values():
        values[:] = [values[i] for i in keep]
    return True


def data_key(values: dict) -> tuple:
    """The controls that decide the data: only those that matter for the chosen set."""
    if values["dataset"] == "mnist":
        return ("mnist", values["n_train"])
    return (values["dataset"], values["noise"], values["train_fraction"])


def preset_state(preset=None, overrides=None) -> dict:
    """Every control's value: :data:`DEFAULTS`, then the named preset, then ``overrides``."""
    overrides = dict(overrides or {})
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"preset must be one of {list(PRESETS)}, got {preset!r}")
    unknown = sorted(set(overrides) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"unknown control(s) {unknown}; the controls are {list(DEFAULTS)}")
    state = dict(DEFAULTS)
    if preset is not None:
        state.update(PRESETS[preset])
    state.update(overrides)
    return state


def classify(name: str, old: dict, new: dict) -> str:
    """What moving control ``name`` from state ``old`` to ``new`` does to the run.

    ``"live"``: the trainer takes it at the next mini-batch; ``"ignored"``: a data control that
    does not matter for the chosen data set; ``"data"`` or ``"architecture"``: a new network.
    """
    if name not in DEFAULTS:
        raise ValueError(f"name must be one of {list(DEFAULTS)}, got {name!r}")
    if name in LIVE:
        return "live"
    if name in DATA:
        return "ignored" if data_key(new) == data_key(old) else "data"
    return "architecture"


# ============================================================================ network and trainer
# The one place where the playground builds a network and its trainer: the controls' values go to
# lecture5.experiments.make_trainer, the package's one recipe for a demo network and trainer.
def build_trainer(data: dict, values: dict):
    """A new network from ``values["seed"]`` and its :class:`~lecture5.training.Trainer` on
    ``data`` (from :func:`load_data`), every hyper-parameter from the controls' ``values``, made
    by :func:`lecture5.experiments.make_trainer` (evaluated on the test columns).

    Sizes: input, ``layers`` hidden layers of ``neurons``, output.  The mini-batch size is at
    most the training-set size n.  Returns ``(net, trainer)``.
    """
    hidden = [_validate.integer("neurons", values["neurons"], low=1)] * _validate.integer(
        "layers", values["layers"], low=0)
    sizes = [data["X_train"].shape[0], *hidden, data["Y_train"].shape[0]]
    trainer = make_trainer(
        data, sizes, eta=values["eta"], lmbda=values["lmbda"], penalty=values["penalty"],
        p_drop=values["p_drop"], mini_batch_size=values["mini_batch_size"],
        early_stopping=values["early_stopping"] or None, seed=values["seed"],
        cost=values["cost"], activation=values["activation"])
    return trainer.net, trainer


# ============================================================================ the session
class Session:
    """The state of one playground (see the module docstring); no widgets.

    ``preset`` names an entry of :data:`PRESETS`; keyword arguments override single controls.
    ``max_history`` bounds the epochs kept in the history (:func:`thin_history`).
    """

    def __init__(self, preset=None, *, max_history=MAX_HISTORY, **overrides):
        state = preset_state(preset, overrides)
        self.max_history = _validate.integer("max_history", max_history, low=10)
        self.stats = {"updates": 0, "train_seconds": 0.0, "resets": 0}
        self.state = {}
        self.data = None
        self._data_key = None
        self.net = self.trainer = None
        self._warnings = []  # texts of the engine's warnings not yet shown
        self._seen = 0  # training examples done in the epoch under way
        self._done = 0  # mini-batches done in the epoch under way
        self.build(state)

    # ------------------------------------------------------------------ building
    def build(self, state=None) -> bool:
        """New data (if the data controls changed), a new network from the seed, a new trainer.

        ``state`` (every control's value) replaces the current one, only once everything was
        built (an invalid value raises before anything changes).  Returns True for new data.
        """
        state = dict(self.state if state is None else state)
        key = data_key(state)
        new_data = key != self._data_key
        data = (load_data(state["dataset"], state["noise"], state["train_fraction"],
                          state["n_train"]) if new_data else self.data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TRAINING_WARNING)
            net, trainer = build_trainer(data, state)
        self.state, self.data, self._data_key = state, data, key
        self.net, self.trainer = net, trainer
        self._warnings.clear()
        self._keep_warnings(caught)
        self._seen = self._done = 0
        self.stats["resets"] += 1
        return new_data

    def reset_text(self, reason: str) -> str:
        """The status line after :meth:`build`."""
        return (f"New network {self.net.sizes} from seed {self.state['seed']} ({reason}); "
                "training starts at epoch 0.")

    def apply_preset(self, name) -> bool:
        """Every control to the named state of :data:`PRESETS`, and a new network."""
        if name not in PRESETS:
            raise ValueError(f"name must be one of {list(PRESETS)}, got {name!r}")
        return self.build(preset_state(name))

    def change(self, name: str, value):
        """Move control ``name`` to ``value``.  Returns ``(kind, text)``: what happened
        (:func:`classify`) and the status line, None for a change to follow quietly."""
        if name not in DEFAULTS:
            raise ValueError(f"name must be one of {list(DEFAULTS)}, got {name!r}")
        new = {**self.state, name: value}
        kind = classify(name, self.state, new)
        if kind == "live":
            return kind, self._set_live(name, value)
        if kind == "ignored":
            self.state = new
            return kind, (f"{name} does not matter for the {new['dataset']} data; nothing "
                          "changed.")
        self.build(new)
        return kind, self.reset_text(f"the network was reset because {name} changed the {kind}")

    def _set_live(self, name, value):
        t = self.trainer
        old, raw = getattr(t, name), value
        if name == "mini_batch_size":
            value = min(_validate.integer("mini_batch_size", value, low=1), t.n)
        if name == "early_stopping":
            value = _validate.integer("early_stopping", value, low=0) or None
        setattr(t, name, value)  # the trainer checks the value before it takes it
        self.state[name] = raw
        if name in ("eta", "lmbda") and old and math.isclose(value, old, rel_tol=0.01):
            # a log slider snaps its value to its grid when the browser first draws it
            # (0.5 -> 0.501): follow it quietly
            return None
        note = " (no effect while the penalty is none)" if (
            name == "lmbda" and t.penalty == "none") else ""
        text = ("off" if value is None else f"{value:.3g}" if isinstance(value, float)
                else str(value))
        return (f"{LIVE_NAMES[name]} = {text} from mini-batch {t.steps + 1} on{note}; the network "
                "keeps training (no reset).")

    # ------------------------------------------------------------------ training
    def train(self, keep_going=lambda: True, seconds=math.inf, until=math.inf):
        """Train mini-batches while ``keep_going()``, for at most ``seconds`` and until the run
        reaches ``until`` epochs (a float, see :meth:`progress`) or stops.

        Returns the record of the last epoch completed, or None.  The engine's warnings are
        kept for :meth:`take_warnings` instead of being printed.
        """
        t = self.trainer
        start = time.perf_counter()
        end = start + seconds
        record = None
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always", TRAINING_WARNING)
            while not t.stopped and keep_going() and (
                    until == math.inf or t.epoch + self._seen / t.n < until):
                r = self._step()
                record = r if r is not None else record
                if time.perf_counter() >= end:
                    break
        self.stats["train_seconds"] += time.perf_counter() - start
        self._keep_warnings(caught)
        return record

    def step(self):
        """Train exactly one mini-batch (going on after a stop).  Returns the epoch's record when
        it completed one, else None."""
        return self.train(seconds=0.0)

    def run_epochs(self, epochs):
        """Train ``epochs`` more epochs (fewer if training stops); the last epoch's record."""
        epochs = _validate.integer("epochs", epochs, low=0)
        return self.train(until=self.trainer.epoch + epochs)

    def _step(self):
        t = self.trainer
        m = min(t.mini_batch_size, t.n - self._seen)
        record = t.step()
        self.stats["updates"] += 1
        if t.stopped or record is not None:  # the next mini-batch starts an epoch afresh
            self._seen = self._done = 0
        else:
            self._seen += m
            self._done += 1
        if record is not None:
            thin_history(t.history, self.max_history)
        return record

    def resume(self):
        """Let a stopped run go on from its current weights; the status line (or None)."""
        t = self.trainer
        if not t.stopped:
            return None
        text = "Resuming from the last finite weights." if t.stopped == "diverged" else None
        t.resume()
        self._seen = self._done = 0
        return text

    # ------------------------------------------------------------------ what to show
    def _keep_warnings(self, caught):
        for item in caught:
            if issubclass(item.category, TRAINING_WARNING):
                text = str(item.message)
                if text not in self._warnings:
                    self._warnings.append(text)
            else:  # not ours to show: pass it on as if it had not been caught
                warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)

    def take_warnings(self) -> list:
        """The engine's warnings since the last call (their text), each once."""
        texts, self._warnings = self._warnings, []
        return texts

    def stop_report(self):
        """``(text, level)`` for the status line when training has stopped, else None."""
        t = self.trainer
        if t.stopped == "diverged":
            return f"{t.message} If it diverges again, press Reset.", "error"
        if t.stopped:
            return t.message or f"Training stopped ({t.stopped}).", "info"
        return None

    def progress(self) -> dict:
        """Where the run is, in numbers that agree with each other.

        ``epoch``: completed epochs; ``batch``: mini-batches done in the epoch under way (0 between
        epochs and after a stop, whose weights are those of an epoch's start); ``batches``: that
        epoch's mini-batches at the current size (those done + those left, so ``batch <= batches``
        even after the size changed mid-epoch); ``epochs``: epochs as a float (for pacing).
        """
        t = self.trainer
        left = math.ceil((t.n - self._seen) / t.mini_batch_size)
        return {"epoch": t.epoch, "batch": self._done, "batches": self._done + left,
                "epochs": t.epoch + self._seen / t.n, "updates": t.steps}

    def progress_text(self) -> str:
        p = self.progress()
        return (f"epoch {p['epoch']} · mini-batch {p['batch']}/{p['batches']} · "
                f"{p['updates']:,} updates")

    def settings_text(self) -> str:
        """The hyper-parameters in force, for the caption."""
        t = self.trainer
        return (f"η = {t.eta:.3g}, λ = {t.lmbda:.3g} ({t.penalty}), p_drop = {t.p_drop:.2f}, "
                f"m̂ = {t.mini_batch_size}")
