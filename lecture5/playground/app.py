"""The live playground: a network that keeps training while eta and lambda move (notebook 10).

TensorFlow Playground resets its network whenever the regularization changes.  This one does not:
training runs as an asyncio task on the kernel's event loop and hands control back between small
slices of mini-batches, so a slider callback runs between two mini-batches and the *next*
mini-batch already uses the new eta, lambda, penalty, p_drop or mini-batch size (the training
engine, :class:`lecture5.training.Trainer`, reads them at every step).  Only Reset, a change of
the data or a change of the architecture builds a new network, and the status line says so.

One call in a notebook::

    from lecture5.playground import Playground
    app = Playground(preset="overfit 1,000 digits")
    app                       # the controls, Play / Pause / Step / Reset, live figures

The update rules are the engine's: eq (27) for the biases, eq (28) (L2) or eq (41) (L1) for the
weights, with n = the training-set size; dropout follows the slides' procedure.  Layers are
numbered as on the backprop slides (Nielsen's: input = layer 1).

Everything is reachable from Python (``app.controls[name]``, :meth:`Playground.play`,
:meth:`Playground.pause`, :meth:`Playground.step`, :meth:`Playground.reset`,
:meth:`Playground.apply_preset`, :meth:`Playground.run_epochs`), so tests drive it on an event
loop without a browser.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import html
import math
import threading
import time
from collections import deque

import ipywidgets as w
import numpy as np

from . import _validate, plots
from .datasets import load_mnist, toy_train_test
from .network import Network
from .training import Trainer
from .widgets import eta_slider, float_slider, lmbda_slider

__all__ = [
    "Playground",
    "PRESETS",
    "DEFAULTS",
    "LIVE",
    "DATA",
    "ARCHITECTURE",
    "load_data",
    "thin_history",
    "measure_throughput",
]

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

_DIGITS = {"dataset": "mnist", "n_train": 1000, "layers": 1, "neurons": 30,
           "activation": "sigmoid", "cost": "cross-entropy", "eta": 0.5, "lmbda": 0.1,
           "penalty": "none", "p_drop": 0.0, "mini_batch_size": 10, "early_stopping": 0,
           "seed": 0}

#: named states of every control; :meth:`Playground.apply_preset` sets all of them and resets
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

# how long the training task keeps the event loop before it yields, and the redraw throttle
SLICE_SECONDS = 0.03
MIN_REDRAW_INTERVAL = 0.25  # at most 4 figure refreshes a second
MAX_DRAW_SHARE = 0.3  # figures may take at most this share of the time while training runs
LABEL_INTERVAL = 0.1  # the epoch counter changes at most 10 times a second
MAX_HISTORY = 2000  # epochs kept in the curves; older ones are thinned out


# ============================================================================ data and history
def load_data(dataset="moons", noise=0.2, train_fraction=0.5, n_train=1000, seed=0) -> dict:
    """The data for one playground state, in the package's column convention.

    Toy sets (:data:`lecture5.datasets.TOY_SETS`): :data:`TOY_POINTS` two-class points with
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


# ============================================================================ the app
def _data_key(v):
    """The controls that decide the data: only those that matter for the chosen set."""
    if v["dataset"] == "mnist":
        return ("mnist", v["n_train"])
    return (v["dataset"], v["noise"], v["train_fraction"])


def _sizes(data, layers, neurons):
    return ([data["X_train"].shape[0]] + [int(neurons)] * int(layers)
            + [data["Y_train"].shape[0]])


class Playground(w.VBox):
    """The live playground widget (see the module docstring).

    ``preset`` names an entry of :data:`PRESETS`; keyword arguments override single controls
    (``Playground(preset="overfit 1,000 digits", eta=0.1)``).  ``redraw_interval`` is the least
    time between two figure refreshes while training runs.

    ``render``: ``"auto"`` (default) draws the figure as a picture only once the app has been
    displayed (an app driven from code alone, like the fixed-number runs of notebook 10, skips the
    slow part of a refresh and keeps the saved notebook small; its ``figure`` can still be shown);
    ``True`` always draws (e.g. for an app placed inside another container); ``False`` never.
    """

    def __init__(self, preset=None, *, redraw_interval=MIN_REDRAW_INTERVAL,
                 slice_seconds=SLICE_SECONDS, max_history=MAX_HISTORY, render="auto",
                 **overrides):
        state = self._preset_state(preset, overrides)
        if not (render == "auto" or isinstance(render, bool)):
            raise ValueError(f"render must be 'auto', True or False, got {render!r}")
        self.render = render
        self._displayed = False
        self.redraw_interval = _validate.number("redraw_interval", redraw_interval, low=0.0)
        self.slice_seconds = _validate.number("slice_seconds", slice_seconds, low=0.0,
                                              low_open=True)
        self.max_history = _validate.integer("max_history", max_history, low=10)
        self._lock = threading.RLock()
        self._task = None
        self._loop = None
        self._playing = False
        self._generation = 0  # which training task may run (an older one ends by itself)
        self._applying = False
        self._last_draw = -math.inf
        self._last_label = -math.inf
        self._draw_times = deque(maxlen=5)  # seconds of the last redraws (median -> throttle)
        self._rate = deque(maxlen=20)  # (time, steps) samples for the updates/s readout
        self.stats = {"updates": 0, "redraws": 0, "renders": 0, "draw_seconds": 0.0,
                      "train_seconds": 0.0, "resets": 0}
        self.error = None  # the last error message shown, or None
        self.message = ""  # the last status line, as plain text
        self.view = None
        self.figure = None
        self.caption_text = ""

        self.controls = self._make_controls(state)
        self.buttons = self._make_buttons()
        self.preset = w.Dropdown(options=["(choose a preset)", *PRESETS],
                                 value=preset if preset in PRESETS else "(choose a preset)",
                                 description="preset", layout=w.Layout(width="360px"))
        self.preset.add_class("lecture5-preset")
        self.epoch_label = w.HTML()
        self.epoch_label.add_class("lecture5-epoch")
        self.status = w.HTML()
        self.status.add_class("lecture5-status")
        self.output = w.Output(layout=w.Layout(min_height="420px"))
        self.output.add_class("lecture5-figure")
        self.caption = w.HTML()
        self.caption.add_class("lecture5-caption")
        super().__init__(self._layout_children())
        self.add_class("lecture5-playground")

        for name, control in self.controls.items():
            control.observe(functools.partial(self._on_control, name), names="value")
        self.preset.observe(self._on_preset, names="value")
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        self._build(reason=f"preset “{preset}”" if preset else "start")
        self._update_enabled()

    # ------------------------------------------------------------------ construction
    @staticmethod
    def _preset_state(preset, overrides):
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

    def _make_controls(self, s):
        lay = w.Layout(width="360px")
        sty = {"description_width": "120px"}

        def dropdown(desc, options, value):
            return w.Dropdown(options=options, value=value, description=desc, layout=lay,
                              style=dict(sty))

        def int_slider(desc, value, lo, hi):
            return w.IntSlider(value=value, min=lo, max=hi, description=desc,
                               continuous_update=False, layout=lay, style=dict(sty))

        c = {
            "dataset": dropdown("data", list(DATASETS), s["dataset"]),
            "noise": float_slider("noise", s["noise"], 0.0, 0.5, 0.01, continuous_update=False),
            "train_fraction": float_slider("training share", s["train_fraction"], 0.1, 0.9,
                                           0.05, continuous_update=False),
            "n_train": dropdown("training digits", list(MNIST_SIZES), s["n_train"]),
            "layers": int_slider("hidden layers", s["layers"], 0, 3),
            "neurons": int_slider("neurons / layer", s["neurons"], 1, 100),
            "activation": dropdown("activation", ["sigmoid", "tanh", "relu"], s["activation"]),
            "cost": dropdown("cost", ["quadratic", "cross-entropy"], s["cost"]),
            "eta": eta_slider(s["eta"], min_exp=-3, max_exp=2),
            "lmbda": lmbda_slider(s["lmbda"], min_exp=-3, max_exp=2),
            "penalty": dropdown("penalty", list(PENALTY_OPTIONS), s["penalty"]),
            "p_drop": float_slider("dropout p_drop", s["p_drop"], 0.0, 0.9, 0.05),
            "mini_batch_size": w.IntSlider(value=s["mini_batch_size"], min=1, max=100,
                                           description="mini-batch m̂", layout=lay,
                                           style=dict(sty)),
            "early_stopping": w.IntSlider(value=s["early_stopping"], min=0, max=20,
                                          description="early stop (0=off)", layout=lay,
                                          style=dict(sty)),
            "seed": w.BoundedIntText(value=s["seed"], min=0, max=2**31 - 1, description="seed",
                                     layout=w.Layout(width="200px"), style=dict(sty)),
        }
        for name, control in c.items():
            control.add_class(f"lecture5-{name.replace('_', '-')}")
        return c

    def _make_buttons(self):
        # symbols in the labels, not icon=: Voila loads its icon font from the internet
        spec = {"play": ("▶ Play", "success"), "pause": ("‖ Pause", "warning"),
                "step": ("▶| Step", ""), "reset": ("↺ Reset", "danger")}
        buttons = {}
        for name, (label, style) in spec.items():
            b = w.Button(description=label, button_style=style, layout=w.Layout(width="100px"))
            b.add_class(f"lecture5-{name}")
            buttons[name] = b
        buttons["play"].on_click(lambda _b: self.play())
        buttons["pause"].on_click(lambda _b: self.pause())
        buttons["step"].on_click(lambda _b: self.step())
        buttons["reset"].on_click(lambda _b: self.reset())
        return buttons

    def _layout_children(self):
        c = self.controls
        box = w.VBox
        data = box([w.HTML("<b>data</b>"), c["dataset"], c["noise"], c["train_fraction"],
                    c["n_train"]])
        net = box([w.HTML("<b>network</b> (changes reset it)"), c["layers"], c["neurons"],
                   c["activation"], c["cost"], c["seed"]])
        live = box([w.HTML("<b>training</b> (changes apply at the next mini-batch)"),
                    c["eta"], c["lmbda"], c["penalty"], c["p_drop"], c["mini_batch_size"],
                    c["early_stopping"]])
        b = self.buttons
        bar = w.HBox([b["play"], b["pause"], b["step"], b["reset"], self.epoch_label])
        return [w.HBox([self.preset]), w.HBox([data, net]), live, bar, self.status,
                self.output, self.caption]

    # ------------------------------------------------------------------ state
    @property
    def running(self) -> bool:
        """True while the training task runs."""
        return self._playing

    def values(self) -> dict:
        """The current value of every control."""
        return {name: c.value for name, c in self.controls.items()}

    def _build(self, reason):
        """New data (if needed), a new network from the seed and a new trainer."""
        v = self.values()
        with self._lock:
            key = _data_key(v)
            new_data = getattr(self, "_data_key", None) != key
            if new_data:
                self.data = load_data(v["dataset"], v["noise"], v["train_fraction"],
                                      v["n_train"])
                self._data_key = key
            data = self.data
            sizes = _sizes(data, v["layers"], v["neurons"])
            self.net = Network(sizes, cost=v["cost"], seed=v["seed"], activation=v["activation"])
            n = data["X_train"].shape[1]
            self.trainer = Trainer(
                self.net, data["X_train"], data["Y_train"], eta=v["eta"],
                mini_batch_size=min(v["mini_batch_size"], n), lmbda=v["lmbda"],
                penalty=v["penalty"], p_drop=v["p_drop"], labels=data["y_train"],
                eval_data=(data["X_test"], data["Y_test"], data["y_test"]),
                early_stopping=v["early_stopping"] or None, seed=v["seed"])
            if new_data or self.view is None:
                self._new_view()
            else:  # same data: keep the figure (and its layout), start its histogram afresh
                self.view["hist_range"] = 0.0
            self.stats["resets"] += 1
            self._rate.clear()
        self._update_enabled()
        self._say(f"New network {sizes} from seed {v['seed']} ({reason}); training starts at "
                  f"epoch 0.")
        self.redraw(force=True)

    def _new_view(self):
        old = self.view
        d = self.data
        if d["kind"] == "2d":
            self.view = plots.playground_figure("2d", X_train=d["X_train"], y_train=d["y_train"],
                                                X_test=d["X_test"], y_test=d["y_test"])
        else:
            self.view = plots.playground_figure("mnist")
        self.figure = self.view["fig"]
        if old is not None:
            old["fig"].clear()  # drop the old artists at once (no pyplot registry to close)

    # ------------------------------------------------------------------ messages
    def _say(self, text, error=False):
        self.message = text
        self.error = text if error else None
        style = "color:#b00020;font-weight:bold" if error else "color:#333"
        self.status.value = f"<span style='{style}'>{html.escape(text)}</span>"

    def _update_label(self):
        t = self.trainer
        now = time.perf_counter()
        self._rate.append((now, self.stats["updates"]))
        rate = ""
        if self._playing and len(self._rate) > 1 and self._rate[-1][0] > self._rate[0][0]:
            (t0, s0), (t1, s1) = self._rate[0], self._rate[-1]
            rate = f" · {(s1 - s0) / (t1 - t0):,.0f} updates/s"
        state = "running" if self._playing else (t.stopped or "paused")
        self.epoch_label.value = (
            f"<b>epoch {t.epoch}</b> · mini-batch {t.batch_in_epoch}/{t.batches_per_epoch} · "
            f"{t.steps:,} updates{rate} · {state}"
        )
        self._last_label = now

    def _update_enabled(self):
        v = self.controls["dataset"].value
        mnist = v == "mnist"
        self.controls["noise"].disabled = mnist
        self.controls["train_fraction"].disabled = mnist
        self.controls["n_train"].disabled = not mnist
        self.buttons["play"].disabled = self._playing
        self.buttons["pause"].disabled = not self._playing

    # ------------------------------------------------------------------ figures
    @property
    def rendering(self) -> bool:
        """Whether a refresh draws the figure as a picture (see ``render``)."""
        return self.render is True or (self.render == "auto" and self._displayed)

    def _repr_mimebundle_(self, **kwargs):
        # the app is being displayed: from now on refreshes draw the picture; draw it now
        if not self._displayed:
            self._displayed = True
            if self.render == "auto":
                try:
                    self.redraw(force=True)
                except Exception as exc:  # displaying must never raise into the notebook
                    self._say(f"{type(exc).__name__}: {exc}", error=True)
        return super()._repr_mimebundle_(**kwargs)

    def redraw(self, force=False):
        """Refresh the figure, unless the last refresh was too recent (``force`` ignores that).

        While training runs, refreshes are at least :attr:`redraw_interval` apart and take at
        most :data:`MAX_DRAW_SHARE` of the time, so plotting never throttles training.
        """
        if self.view is None:  # closed
            return False
        now = time.perf_counter()
        wait = self.redraw_interval
        if self._draw_times:
            wait = max(wait, float(np.median(self._draw_times)) / MAX_DRAW_SHARE)
        if not force and now - self._last_draw < wait:
            return False
        t0 = time.perf_counter()
        first = not self.view.get("frozen")
        with self._lock:
            caption = plots.update_playground_figure(self.view, self.net, self.trainer.history)
            png = plots.render_png(self.view) if self.rendering else None
        if png is not None:
            fig = self.view["fig"]
            w_px, h_px = (int(round(x)) for x in fig.get_size_inches() * fig.dpi)
            text = f"<Figure size {w_px}x{h_px} with {len(fig.axes)} Axes>"
            # the output is replaced as widget state, not printed into the Output: a display()
            # from a background task can be routed to the wrong cell, a state update cannot
            self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                    "data": {"image/png": base64.b64encode(png).decode("ascii"),
                                             "text/plain": text}},)
            self.stats["renders"] += 1
        self.caption_text = caption
        t = self.trainer
        self.caption.value = html.escape(
            f"{caption} · η = {t.eta:.3g}, λ = {t.lmbda:.3g} ({t.penalty}), "
            f"p_drop = {t.p_drop:.2f}, m̂ = {t.mini_batch_size}")
        self._update_label()
        seconds = time.perf_counter() - t0
        # the first render also lays the figure out (about twice the cost of the next ones)
        self._draw_times.append(seconds / 2 if first and png is not None else seconds)
        self._last_draw = time.perf_counter()
        self.stats["redraws"] += 1
        self.stats["draw_seconds"] += seconds
        return True

    # ------------------------------------------------------------------ controls
    def _on_control(self, name, change):
        if self._applying:
            return
        try:
            if name in LIVE:
                self._set_live(name, change["new"])
            elif name in DATA and _data_key(self.values()) == self._data_key:
                self._say(f"{name} does not matter for the {self.controls['dataset'].value} "
                          "data; nothing changed.")
            else:
                if name == "dataset":
                    self._update_enabled()
                kind = "data" if name in DATA else "architecture"
                self._build(reason=f"the network was reset because {name} changed the {kind}")
        except Exception as exc:  # a callback must never raise into the notebook
            self._fail(exc)

    def _set_live(self, name, value):
        t = self.trainer
        old = getattr(t, name)
        with self._lock:
            if name == "mini_batch_size":
                value = min(int(value), t.n)
            if name == "early_stopping":
                value = int(value) or None
            setattr(t, name, value)
        if name in ("eta", "lmbda") and old and math.isclose(value, old, rel_tol=0.01):
            # a log slider snaps its value to its grid when the browser first draws it
            # (0.5 -> 0.501): follow it quietly
            return
        shown = {"eta": "η", "lmbda": "λ", "p_drop": "p_drop", "penalty": "penalty",
                 "mini_batch_size": "mini-batch size", "early_stopping": "early stopping"}[name]
        note = ""
        if name == "lmbda" and t.penalty == "none":
            note = " (no effect while the penalty is none)"
        text = f"{value:.3g}" if isinstance(value, float) else str(value)
        self._say(f"{shown} = {text} from mini-batch {t.steps + 1} on{note}; the network keeps "
                  "training (no reset).")
        if not self._playing:
            self.caption.value = html.escape(
                f"{self.caption_text} · η = {t.eta:.3g}, λ = {t.lmbda:.3g} ({t.penalty}), "
                f"p_drop = {t.p_drop:.2f}, m̂ = {t.mini_batch_size}")

    def _on_preset(self, change):
        if not self._applying and change["new"] in PRESETS:
            self.apply_preset(change["new"])

    def apply_preset(self, name):
        """Put every control into the named state of :data:`PRESETS`, pause and reset."""
        if name not in PRESETS:
            raise ValueError(f"name must be one of {list(PRESETS)}, got {name!r}")
        self.pause()
        state = self._preset_state(name, {})
        self._applying = True
        try:
            for key, value in state.items():
                self.controls[key].value = value
            if self.preset.value != name:
                self.preset.value = name
        finally:
            self._applying = False
        self._update_enabled()
        self._build(reason=f"preset “{name}”")

    # ------------------------------------------------------------------ buttons
    def reset(self):
        """A new network from the seed and a new trainer (same data and controls)."""
        try:
            self._build(reason="Reset pressed")
        except Exception as exc:
            self._fail(exc)

    def step(self):
        """Pause if running, then train exactly one mini-batch and refresh the figure."""
        self.pause()
        try:
            with self._lock, np.errstate(all="ignore"):
                if self.trainer.stopped:
                    self._resume()
                self.trainer.step()
                self.stats["updates"] += 1
            self._after_stop_check()
            self.redraw(force=True)
        except Exception as exc:
            self._fail(exc)

    def pause(self):
        """Stop the training task after its current mini-batch (the network is kept)."""
        self._playing = False
        self._update_enabled()

    def play(self):
        """Start training in the background on the event loop (returns at once)."""
        if self._playing:
            return
        loop = self._event_loop()
        if loop is None:
            self._say("Play needs a running event loop (a Jupyter kernel); use step() or "
                      "run_epochs() here.", error=True)
            return
        if self.trainer.stopped:
            self._resume()
        self._playing = True
        self._generation += 1
        self._rate.clear()  # the updates/s readout counts from now
        self._update_enabled()
        self._say(f"Training from epoch {self.trainer.epoch}: move η or λ at any time.")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        coro = self._train_loop(self._generation)
        if running is loop:
            self._task = loop.create_task(coro)
        else:  # a callback on another thread (a kernel subshell): train on the main loop
            self._task = asyncio.run_coroutine_threadsafe(coro, loop)

    def _event_loop(self):
        if self._loop is not None and not self._loop.is_closed() and self._loop.is_running():
            return self._loop
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return self._loop

    def _resume(self):
        t = self.trainer
        if t.stopped == "diverged":
            self._say("Resuming from the last finite weights.")
        t.resume()

    async def wait(self):
        """Wait until the training task has finished (after :meth:`pause` or a stop)."""
        task = self._task
        if task is None:
            return
        if isinstance(task, asyncio.Future):
            await asyncio.wait([task])
        else:
            await asyncio.wrap_future(task)

    # ------------------------------------------------------------------ the training task
    def _train_slice(self, generation):
        """Train mini-batches for about :attr:`slice_seconds` (under the lock)."""
        with self._lock, np.errstate(all="ignore"):
            t = self.trainer
            start = time.perf_counter()
            end = start + self.slice_seconds
            while self._active(generation):
                record = t.step()
                self.stats["updates"] += 1
                if record is not None:
                    thin_history(t.history, self.max_history)
                if t.stopped or time.perf_counter() >= end:
                    break
            self.stats["train_seconds"] += time.perf_counter() - start

    def _after_stop_check(self):
        t = self.trainer
        if not t.stopped:
            return False
        self.pause()
        if t.stopped == "diverged":
            self._say(f"{t.message} If it diverges again, press Reset.", error=True)
        else:
            self._say(t.message or f"Training stopped ({t.stopped}).")
        return True

    def _active(self, generation):
        return self._playing and self._generation == generation

    async def _train_loop(self, generation):
        try:
            while self._active(generation):
                self._train_slice(generation)
                if self._after_stop_check():
                    break
                now = time.perf_counter()
                if not self.redraw() and now - self._last_label >= LABEL_INTERVAL:
                    self._update_label()
                await asyncio.sleep(0)  # let widget callbacks (Pause, sliders) run
        except Exception as exc:  # nothing may raise into the notebook
            self._fail(exc)
        finally:
            if self._generation == generation:
                self._playing = False
                self._update_enabled()
                try:  # show the state training stopped in
                    self.redraw(force=True)
                except Exception as exc:
                    self._say(f"{type(exc).__name__}: {exc}", error=True)

    def _fail(self, exc):
        self.pause()
        self._say(f"{type(exc).__name__}: {exc}", error=True)

    # ------------------------------------------------------------------ blocking helpers
    def run_epochs(self, epochs):
        """Train ``epochs`` more epochs right now (blocking; for scripts and fixed cells).

        Stops early on divergence or early stopping, with the message in the status line.
        Returns the last epoch's record (a dict) or None.
        """
        epochs = _validate.integer("epochs", epochs, low=0)
        self.pause()
        record = None
        with self._lock, np.errstate(all="ignore"):
            t = self.trainer
            if t.stopped:
                self._resume()
            target = t.epoch + epochs
            while t.epoch < target and not t.stopped:
                r = t.step()
                self.stats["updates"] += 1
                if r is not None:
                    record = r
                    thin_history(t.history, self.max_history)
        self._after_stop_check()
        self.redraw(force=True)
        return record

    def close(self):
        """Stop training and close every widget of the app, with their layouts and styles.

        A closed app is no longer in the kernel's widget state (nor in a saved notebook).
        """
        self._playing = False
        self.view = None
        if getattr(self, "output", None) is not None:
            self.output.outputs = ()  # a notebook saved afterwards keeps no stale picture

        def close_tree(widget):
            for child in getattr(widget, "children", ()):
                close_tree(child)
            for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
                if isinstance(part, w.Widget):
                    part.close()
            if widget is not self:
                widget.close()

        if getattr(self, "children", None) is not None:
            close_tree(self)
        super().close()


# ============================================================================ measurement
async def measure_throughput(preset="overfit 1,000 digits", seconds=2.0, rounds=1,
                             **overrides) -> dict:
    """Mini-batch updates per second of the bare engine and of the running app, same settings.

    The bare engine is a :class:`Trainer` stepping in a plain loop (per-epoch evaluation on);
    the app trains through its asyncio task with live figures (drawn as if it were on screen).
    Each of ``rounds`` rounds runs the bare engine for ``seconds``, then the app for ``seconds``;
    alternating keeps a change in the machine's load from favouring one of the two.  Run it on an
    event loop (``await measure_throughput()`` in a notebook, ``asyncio.run(...)`` in a script).
    """
    seconds = _validate.number("seconds", seconds, low=0.0, low_open=True)
    rounds = _validate.integer("rounds", rounds, low=1)
    app = Playground(preset=preset, render=True, **overrides)
    v = app.values()
    data = app.data
    net = Network(_sizes(data, v["layers"], v["neurons"]), cost=v["cost"], seed=v["seed"],
                  activation=v["activation"])
    bare = Trainer(net, data["X_train"], data["Y_train"], eta=v["eta"],
                   mini_batch_size=min(v["mini_batch_size"], data["X_train"].shape[1]),
                   lmbda=v["lmbda"], penalty=v["penalty"], p_drop=v["p_drop"],
                   labels=data["y_train"],
                   eval_data=(data["X_test"], data["Y_test"], data["y_test"]),
                   early_stopping=None, seed=v["seed"])
    totals = dict.fromkeys(("bare_steps", "bare_s", "ui_steps", "ui_s", "redraws", "trained"),
                           0.0)
    for _ in range(rounds):
        t0 = time.perf_counter()
        with np.errstate(all="ignore"):
            while time.perf_counter() - t0 < seconds and not bare.stopped:
                bare.step()
                totals["bare_steps"] += 1
        totals["bare_s"] += time.perf_counter() - t0

        before = dict(app.stats)
        t0 = time.perf_counter()
        app.play()
        await asyncio.sleep(seconds)
        app.pause()  # no mini-batch runs after this (the task is suspended between two)
        totals["ui_s"] += time.perf_counter() - t0
        totals["ui_steps"] += app.stats["updates"] - before["updates"]
        totals["redraws"] += app.stats["redraws"] - before["redraws"]
        totals["trained"] += app.stats["train_seconds"] - before["train_seconds"]
        await app.wait()
    bare_rate = totals["bare_steps"] / totals["bare_s"]
    ui_rate = totals["ui_steps"] / totals["ui_s"]
    result = {"bare_updates_per_s": bare_rate, "ui_updates_per_s": ui_rate,
              "ratio": ui_rate / bare_rate,
              "redraws_per_s": totals["redraws"] / totals["ui_s"],
              "seconds_per_redraw": app.stats["draw_seconds"] / max(1, app.stats["redraws"]),
              "training_share": totals["trained"] / totals["ui_s"]}
    app.close()
    return result
