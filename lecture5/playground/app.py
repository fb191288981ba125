"""The live playground widget: controls, buttons, status line, figure and caption (notebook 10).

TensorFlow Playground resets its network whenever the regularization changes.  This one does not:
training runs as an asyncio task on the kernel's event loop (:mod:`.runner`) and hands control
back between small slices of mini-batches, so a slider callback runs between two mini-batches and
the *next* mini-batch already uses the new eta, lambda, penalty, p_drop or mini-batch size.  Only
Reset, a change of the data or a change of the architecture builds a new network
(:mod:`.session` decides which), and the status line says so.

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
loop without a browser.  This module holds widgets and layout only.
"""

from __future__ import annotations

import functools
import html
import time

import ipywidgets as w

from .. import _validate, plots
from ..plots._style import projection_on
from ..widgets import (
    clear_figure,
    dress,
    eta_slider,
    figure_place,
    float_slider,
    lmbda_slider,
    show_png,
    stylesheet_widget,
)
from ..widgets._ahead import note_change
from .runner import MIN_REDRAW_INTERVAL, PACES, SLICE_SECONDS, Runner, check_pace
from .session import DATASETS, MAX_HISTORY, MNIST_SIZES, PENALTY_OPTIONS, PRESETS, Session

__all__ = ["Playground"]

#: the status line's style by level: the theme's text colour, its warning and error colours
STATUS_STYLES = {"info": "color:var(--jp-ui-font-color1)",
                 "warning": "color:var(--jp-warn-color0, #9a5b00);font-weight:bold",
                 "error": "color:var(--jp-error-color1, #b00020);font-weight:bold"}
#: readouts as wide as their text (no "0.20(" at a projector's font size); rows that wrap
STYLESHEET = ("<style>.lecture5-playground .widget-readout{min-width:4.5em;width:auto;"
              "overflow:visible}.lecture5-playground .widget-dropdown select{min-width:0}"
              "</style>")
_CONTROL = {"width": "360px", "max_width": "100%"}
_STYLE = {"description_width": "120px"}
#: in projection mode (18 px text) the descriptions and controls need more room
_PROJECTION_CONTROL = {"width": "440px", "max_width": "100%"}
_PROJECTION_STYLE = {"description_width": "175px"}


def _control_layout():
    return dict(_PROJECTION_CONTROL if projection_on() else _CONTROL)


def _control_style():
    return dict(_PROJECTION_STYLE if projection_on() else _STYLE)
_NO_PRESET = "(choose a preset)"


def _on_loop(method):
    """Run the method on the training's event loop (see :meth:`Runner.call`)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        return self._runner.call(functools.partial(method, self, *args, **kwargs))

    return wrapper


def _pace_label(speed):
    for label, pace in PACES:
        if pace == speed:
            return label
    return f"{speed:g} epochs/s"


# ============================================================================ the widgets
def make_controls(s) -> dict:
    """One widget per control of :data:`lecture5.playground.session.DEFAULTS`, set to ``s``."""

    def dropdown(desc, options, value):
        return w.Dropdown(options=options, value=value, description=desc,
                          layout=w.Layout(**_control_layout()), style=_control_style())

    def int_slider(desc, value, lo, hi, continuous_update=False):
        return w.IntSlider(value=value, min=lo, max=hi, description=desc,
                           continuous_update=continuous_update,
                           layout=w.Layout(**_control_layout()), style=_control_style())

    c = {
        "dataset": dropdown("data", list(DATASETS), s["dataset"]),
        "noise": float_slider("noise", s["noise"], 0.0, 0.5, 0.01, continuous_update=False),
        "train_fraction": float_slider("training share", s["train_fraction"], 0.1, 0.9, 0.05,
                                       continuous_update=False),
        "n_train": dropdown("training digits", list(MNIST_SIZES), s["n_train"]),
        "layers": int_slider("hidden layers", s["layers"], 0, 3),
        "neurons": int_slider("neurons / layer", s["neurons"], 1, 100),
        "activation": dropdown("activation", ["sigmoid", "tanh", "relu"], s["activation"]),
        "cost": dropdown("cost", ["quadratic", "cross-entropy"], s["cost"]),
        "eta": eta_slider(s["eta"], min_exp=-3, max_exp=2),
        "lmbda": lmbda_slider(s["lmbda"], min_exp=-3, max_exp=2),
        "penalty": dropdown("penalty", list(PENALTY_OPTIONS), s["penalty"]),
        "p_drop": float_slider("dropout p_drop", s["p_drop"], 0.0, 0.9, 0.05),
        "mini_batch_size": int_slider("mini-batch m̂", s["mini_batch_size"], 1, 100, True),
        "early_stopping": int_slider("early stop (0=off)", s["early_stopping"], 0, 20, True),
        "seed": w.BoundedIntText(value=s["seed"], min=0, max=2**31 - 1, description="seed",
                                 layout=w.Layout(width="260px", max_width="100%"),
                                 style=_control_style()),
    }
    for name, control in c.items():
        control.add_class(f"lecture5-{name.replace('_', '-')}")
        control.layout.max_width = "100%"  # a narrow notebook (a projector) shrinks them
        control.layout.width = _control_layout()["width"]
        control.style.description_width = _control_style()["description_width"]
    return c


def make_buttons(press) -> dict:
    """Play, Pause, Step and Reset; a click calls ``press(name)``."""
    # symbols in the labels, not icon=: Voila loads its icon font from the internet
    spec = {"play": ("▶ Play", "success"), "pause": ("‖ Pause", "warning"),
            "step": ("▶| Step", ""), "reset": ("↺ Reset", "danger")}
    buttons = {}
    for name, (label, style) in spec.items():
        b = w.Button(description=label, button_style=style,
                     layout=w.Layout(width="130px" if projection_on() else "100px"))
        b.add_class(f"lecture5-{name}")
        b.on_click(lambda _b, name=name: press(name))
        buttons[name] = b
    return buttons


def make_speed(speed) -> w.Dropdown:
    """The speed menu (:data:`lecture5.playground.runner.PACES`), set to ``speed``."""
    labels = [label for label, _ in PACES]
    if _pace_label(speed) not in labels:
        labels.append(_pace_label(speed))
    menu = w.Dropdown(options=labels, value=_pace_label(speed), description="speed",
                      layout=w.Layout(width="260px", max_width="100%"))
    menu.add_class("lecture5-speed")
    return menu


def rows(app) -> list:
    """The app's rows: presets and speed, data and network, training, buttons, status, figure,
    caption.  Rows wrap when the notebook is narrow."""
    c = app.controls
    wrap = w.Layout(flex_flow="row wrap")
    data = w.VBox([w.HTML("<b>data</b>"), c["dataset"], c["noise"], c["train_fraction"],
                   c["n_train"]])
    net = w.VBox([w.HTML("<b>network</b> (changes reset it)"), c["layers"], c["neurons"],
                  c["activation"], c["cost"], c["seed"]])
    live = w.VBox([w.HTML("<b>training</b> (changes apply at the next mini-batch)"), c["eta"],
                   c["lmbda"], c["penalty"], c["p_drop"], c["mini_batch_size"],
                   c["early_stopping"]])
    b = app.buttons
    bar = w.HBox([b["play"], b["pause"], b["step"], b["reset"], app.epoch_label], layout=wrap)
    head = [w.HTML(STYLESHEET), stylesheet_widget(), w.HBox([app.preset, app.speed], layout=wrap)]
    if projection_on():  # on a projector: the buttons, the figure and eta/lambda first
        return [*head, bar, app.status, app.output, app.caption, live,
                w.HBox([data, net], layout=wrap)]
    return [*head, w.HBox([data, net], layout=wrap), live, bar, app.status, app.output,
            app.caption]


def close_tree(widget, root):
    """Close ``widget``'s children, layouts and styles, and ``widget`` unless it is ``root``."""
    for child in getattr(widget, "children", ()):
        close_tree(child, root)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(part, w.Widget):
            part.close()
    if widget is not root:
        widget.close()


class Playground(w.VBox):
    """The live playground widget (see the module docstring).

    ``preset`` names an entry of :data:`PRESETS`; keyword arguments override single controls
    (``Playground(preset="overfit 1,000 digits", eta=0.1)``).  ``redraw_interval`` is the least
    time between the starts of two figure refreshes while training runs.  ``speed``: epochs per
    second while playing (the speed menu, :data:`lecture5.playground.runner.PACES`); None
    (default) trains as fast as it can, as an app explored alone wants; an instructor picks a
    pace to show a class the first epochs.

    ``render``: ``"auto"`` (default) draws the figure as a picture only once the app has been
    displayed (an app driven from code alone, like the fixed-number runs of notebook 10, skips the
    slow part of a refresh and keeps the saved notebook small; its ``figure`` can still be shown);
    ``True`` always draws (e.g. for an app placed inside another container); ``False`` never.
    """

    def __init__(self, preset=None, *, redraw_interval=MIN_REDRAW_INTERVAL,
                 slice_seconds=SLICE_SECONDS, max_history=MAX_HISTORY, render="auto",
                 speed=None, **overrides):
        if not (render == "auto" or isinstance(render, bool)):
            raise ValueError(f"render must be 'auto', True or False, got {render!r}")
        speed = check_pace(speed, "speed")
        self.session = Session(preset, max_history=max_history, **overrides)
        self._runner = Runner(self.session, self, slice_seconds=slice_seconds,
                              redraw_interval=redraw_interval, pace=speed)
        self.render = render
        self._displayed = False
        self._applying = False
        self.stats = self.session.stats
        self.stats.update(redraws=0, renders=0, draw_seconds=0.0)
        self.error = None  # the last error message shown, or None
        self.message = ""  # the last status line, as plain text
        self.view = None
        self.figure = None
        self.caption_text = ""

        self.controls = make_controls(self.session.state)
        self.buttons = make_buttons(lambda name: getattr(self, name)())
        self.preset = w.Dropdown(options=[_NO_PRESET, *PRESETS],
                                 value=preset if preset in PRESETS else _NO_PRESET,
                                 description="preset", layout=w.Layout(**_CONTROL))
        self.preset.add_class("lecture5-preset")
        self.speed = make_speed(speed)
        self.epoch_label = w.HTML()
        self.epoch_label.add_class("lecture5-epoch")
        self.status = w.HTML()
        self.status.add_class("lecture5-status")
        self.output, self.picture = figure_place(min_height="420px")
        self.caption = w.HTML()
        self.caption.add_class("lecture5-caption")
        super().__init__(rows(self))
        self.add_class("lecture5-playground")
        dress(self, rows=None)  # its controls sit below the figure in projection mode

        for name, control in self.controls.items():
            control.observe(functools.partial(self._on_control, name), names="value")
        self.preset.observe(self._on_preset, names="value")
        self.speed.observe(self._on_speed, names="value")
        self._rebuilt(True, self.session.reset_text(f"preset “{preset}”" if preset else "start"))

    def __repr__(self):
        """What a saved notebook shows before the cell runs (widgets need a live kernel)."""
        return "Run this cell to get the playground: Play, Pause, Step, Reset and its sliders."

    # ------------------------------------------------------------------ state
    net = property(lambda self: self.session.net, doc="The network being trained.")
    trainer = property(lambda self: self.session.trainer, doc="Its :class:`Trainer`.")
    data = property(lambda self: self.session.data, doc="The data (:func:`load_data`).")
    max_history = property(lambda self: self.session.max_history)

    @property
    def running(self) -> bool:
        """True while the training task runs."""
        return self._runner.playing

    @property
    def redraw_interval(self) -> float:
        return self._runner.redraw_interval

    @property
    def slice_seconds(self) -> float:
        return self._runner.slice_seconds

    def values(self) -> dict:
        """The current value of every control."""
        return {name: c.value for name, c in self.controls.items()}

    def _rebuilt(self, new_data, text):
        """Show a new network: a new figure for new data, else the same figure afresh."""
        if new_data or self.view is None:
            old = self.view
            d = self.data
            if d["kind"] == "2d":
                self.view = plots.playground_figure(
                    "2d", X_train=d["X_train"], y_train=d["y_train"], X_test=d["X_test"],
                    y_test=d["y_test"])
            else:
                self.view = plots.playground_figure("mnist")
            self.figure = self.view.fig
            if old is not None:
                old.fig.clear()  # drop the old artists at once (no pyplot registry to close)
        else:  # same data: keep the figure (and its layout), start its axes afresh
            self.view.restart()
        self._runner.rate_samples.clear()
        self.update_enabled()
        self.say(text)
        self._runner.report()  # what the engine said about the new run (unscaled pixels...)
        self.redraw(force=True)

    # ------------------------------------------------------------------ what the runner calls
    def say(self, text, level="info"):
        """Show ``text`` in the status line; ``level`` "info", "warning" or "error"."""
        self.message = text
        self.error = text if level == "error" else None
        self.status.value = f"<span style='{STATUS_STYLES[level]}'>{html.escape(text)}</span>"

    def update_label(self):
        """The epoch counter: epochs, mini-batch k/K of the epoch under way, updates, state."""
        p = self.session.progress()
        rate = self._runner.updates_per_second()
        rate = "" if rate is None else f" · {rate:,.0f} updates/s"
        state = "running" if self.running else (self.trainer.stopped or "paused")
        self.epoch_label.value = (
            f"<b>epoch {p['epoch']}</b> · mini-batch {p['batch']}/{p['batches']} · "
            f"{p['updates']:,} updates{rate} · {state}")

    def update_enabled(self):
        """Grey out the controls that do not apply, and Play or Pause."""
        mnist = self.controls["dataset"].value == "mnist"
        self.controls["noise"].disabled = mnist
        self.controls["train_fraction"].disabled = mnist
        self.controls["n_train"].disabled = not mnist
        self.buttons["play"].disabled = self.running
        self.buttons["pause"].disabled = not self.running

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
                    self.say(f"{type(exc).__name__}: {exc}", "error")
        return super()._repr_mimebundle_(**kwargs)

    def redraw(self, force=False):
        """Refresh the figure, unless the last refresh was too recent (``force`` ignores that).

        While training runs, refreshes are at least :attr:`redraw_interval` apart and take at
        most :data:`lecture5.playground.runner.MAX_DRAW_SHARE` of the time.
        """
        note_change()  # called after every slice of training: retraining apps in this kernel
        # train nothing ahead while the playground trains
        if self.view is None or not self._runner.redraw_due(force):  # closed, or too soon
            return False
        t0 = time.perf_counter()
        layouts = self.view.frames.stats["layouts"]
        caption = plots.update_playground_figure(self.view, self.net, self.trainer.history)
        png = plots.render_png(self.view) if self.rendering else None
        if png is not None:
            # widget state, not a display(): a display() from a background task can be routed
            # to the wrong cell, a state update cannot
            show_png(self.picture, png)
            self.stats["renders"] += 1
        self.caption_text = caption
        self._show_caption()
        self.update_label()
        seconds = time.perf_counter() - t0
        self._runner.drew(seconds, first_render=self.view.frames.stats["layouts"] > layouts)
        self.stats["redraws"] += 1
        self.stats["draw_seconds"] += seconds
        return True

    def _show_caption(self):
        self.caption.value = html.escape(f"{self.caption_text} · {self.session.settings_text()}")

    # ------------------------------------------------------------------ controls
    @_on_loop
    def _on_control(self, name, change):
        if self._applying:
            return
        note_change()  # retraining apps in this kernel train nothing ahead for a while
        try:
            kind, text = self.session.change(name, change["new"])
            if kind in ("data", "architecture"):
                self._rebuilt(kind == "data", text)
                return
            if text is not None:
                self.say(text)
            if kind == "live" and not self.running:
                self._show_caption()
        except Exception as exc:  # a callback must never raise into the notebook
            self._runner.fail(exc)

    @_on_loop
    def _on_preset(self, change):
        if not self._applying and change["new"] in PRESETS:
            self.apply_preset(change["new"])

    @_on_loop
    def _on_speed(self, change):
        self._runner.pace = dict(PACES).get(change["new"], self._runner.pace)
        self.say(f"Speed: {change['new']} (from now on).")

    @_on_loop
    def apply_preset(self, name):
        """Put every control into the named state of :data:`PRESETS`, pause and reset."""
        if name not in PRESETS:
            raise ValueError(f"name must be one of {list(PRESETS)}, got {name!r}")
        self.pause()
        new_data = self.session.apply_preset(name)
        self._applying = True
        try:
            for key, value in self.session.state.items():
                self.controls[key].value = value
            if self.preset.value != name:
                self.preset.value = name
        finally:
            self._applying = False
        self._rebuilt(new_data, self.session.reset_text(f"preset “{name}”"))

    # ------------------------------------------------------------------ buttons
    @_on_loop
    def reset(self):
        """A new network from the seed and a new trainer (same data and controls)."""
        try:
            self._rebuilt(self.session.build(), self.session.reset_text("Reset pressed"))
        except Exception as exc:
            self._runner.fail(exc)

    @_on_loop
    def step(self):
        """Pause if running, then train exactly one mini-batch and refresh the figure."""
        self.pause()
        try:
            self._resume()
            self.session.step()
            self._runner.report()
            self.redraw(force=True)
        except Exception as exc:
            self._runner.fail(exc)

    @_on_loop
    def pause(self):
        """Stop the training task after its current mini-batch (the network is kept)."""
        self._runner.pause()

    @_on_loop
    def play(self):
        """Start training in the background on the event loop (returns at once)."""
        self._runner.play()

    async def wait(self):
        """Wait until the training task has finished (after :meth:`pause` or a stop)."""
        await self._runner.wait()

    def _resume(self):
        text = self.session.resume()
        if text:
            self.say(text)

    @_on_loop
    def run_epochs(self, epochs):
        """Train ``epochs`` more epochs right now (blocking; for scripts and fixed cells).

        Stops early on divergence or early stopping, with the message in the status line.
        Returns the last epoch's record (a dict) or None.
        """
        epochs = _validate.integer("epochs", epochs, low=0)
        self.pause()
        self._resume()
        record = self.session.run_epochs(epochs)
        self._runner.report()
        self.redraw(force=True)
        return record

    def close(self):
        """Stop training and close every widget of the app, with their layouts and styles.

        A closed app is no longer in the kernel's widget state (nor in a saved notebook).
        """
        if getattr(self, "_runner", None) is not None:
            self._runner.playing = False
        self.view = None
        if getattr(self, "picture", None) is not None:
            clear_figure(self.picture)  # a notebook saved afterwards keeps no stale picture
        if getattr(self, "children", None) is not None:
            close_tree(self, self)
        super().close()
