"""The core of every app: :class:`FigureApp` and :class:`RetrainApp` (see :mod:`lecture5.widgets`).
The sliders are in :mod:`lecture5.widgets._sliders`; where the figure is shown, and the
stylesheet of projection mode, in :mod:`lecture5.widgets._display`; working ahead in
:mod:`lecture5.widgets._ahead`."""

from __future__ import annotations

import asyncio
import time

import ipywidgets as w

from .. import experiments, plots
from ..experiments import _worker
from ..plots._style import building_app, projection_on
from . import _ahead
from ._display import (  # noqa: F401  (the apps' modules import them from here)
    _FIGURE_BUDGET,
    _NOTEBOOK_WIDTH,
    _SLIDER_BASIS,
    PROJECTION_CLASS,
    STYLESHEET,
    _projected_width,
    clear_figure,
    dress,
    figure_place,
    placeholder,
    set_caption,
    show_figure,
    show_png,
    shown_png,
    stylesheet_widget,
    title_html,
)
from ._sliders import (  # noqa: F401  (the apps' modules import them from here)
    _SLIDER_LAYOUT,
    StepSlider,
    _toggle,
    displayed_value,
    eta_slider,
    float_slider,
    int_slider,
    likely_first,
    lmbda_slider,
    log_slider,
    one_two_five,
)

__all__ = ["figure_place", "show_figure", "show_png", "shown_png", "clear_figure", "set_caption",
           "title_html", "log_slider",
           "float_slider", "int_slider", "one_two_five", "StepSlider", "eta_slider",
           "lmbda_slider", "FigureApp", "figure_app", "RetrainApp", "RETRAIN_DELAY",
           "PROJECTION_CLASS",
           "STYLESHEET", "stylesheet_widget", "dress", "displayed_value", "likely_first",
           "placeholder"]

#: seconds without a change from the browser that end a burst of key presses: a retraining app
#: trains (without ``ahead``) or draws (with it) only then (:meth:`RetrainApp._on_change`)
RETRAIN_DELAY = 0.15

#: errors a callback shows as a message under the figure instead of a traceback
_SHOWN_ERRORS = (ValueError, FloatingPointError, OverflowError)


class FigureApp(w.VBox):
    """Controls, one figure and one line of numbers, redrawn whenever a control changes.

    ``builder(**values)`` must return ``(fig, caption)``: a Figure and a short text with the
    numbers for this setting.  ``controls`` maps the builder's keyword names to widgets.
    """

    def __init__(self, builder, controls: dict, title: str | None = None, extra=()):
        self.builder = builder
        self.controls = dict(controls)
        self.output, self.picture = figure_place(width="100%")
        self.caption = w.HTML(layout=w.Layout(width="100%"))
        self.caption.add_class("lecture5-caption")
        self.figure = None
        self.error = None
        self.frames = plots.Frames()
        full = {"flex": "1 1 100%", "width": "100%"}
        children = [w.HTML(title_html(title), layout=w.Layout(**full))] if title else []
        for c in self.controls.values():  # two sliders a row when they fit, else one
            # a toggle in projection mode is as wide as its text; everything else grows
            toggle = isinstance(c, w.ToggleButtons) and projection_on()
            c.layout.flex = "0 1 auto" if toggle else f"1 1 {_SLIDER_BASIS}px"
            c.layout.width = "auto"
        children += [*self.controls.values(), *extra, self.output, self.caption,
                     stylesheet_widget()]
        super().__init__(children, layout=w.Layout(flex_flow="row wrap",
                                                   align_items="center"))
        self._fixed_children = (self.output, self.caption, children[-1],
                                *(children[:1] if title else ()))
        dress(self, rows=self._control_rows())
        self.observe(self._on_children, names="children")  # an app adding a button later
        for c in self.controls.values():
            c.observe(self._on_change, names="value")
        self.refresh()
        self._prime()

    def _control_rows(self) -> int:
        """Rows the controls take above the figure in projection mode: they are packed into rows
        of the notebook's width on a projector as the browser's flex-wrap packs them, each as
        wide as :func:`_projected_width` estimates."""
        controls = [c for c in self.children if c not in self._fixed_children]
        rows, used = 0, _NOTEBOOK_WIDTH
        for c in controls:
            width = min(_projected_width(c), _NOTEBOOK_WIDTH)
            if used + width > _NOTEBOOK_WIDTH:
                rows, used = rows + 1, 0
            used += width
        return max(rows, 1)

    def _on_children(self, _change):
        for cls in [c for c in self._dom_classes if c.startswith("lecture5-rows-")]:
            self.remove_class(cls)
        dress(self, rows=self._control_rows())

    def __repr__(self):
        """What a saved notebook shows before the cell runs (widgets need a live kernel)."""
        sliders = all(isinstance(c, (w.FloatSlider, w.FloatLogSlider, w.IntSlider,
                                     w.SelectionSlider))
                      for c in self.controls.values())
        return placeholder([getattr(c, "description", "") or name
                            for name, c in self.controls.items()],
                           "slider" if sliders else "control")

    def values(self) -> dict:
        """The current control values, as the controls show them (:func:`displayed_value`)."""
        return {name: displayed_value(c) for name, c in self.controls.items()}

    def _on_change(self, _change):
        _ahead.note_change()
        self.refresh()

    def _build(self):
        with building_app():
            return self.builder(**self.values())

    def _update(self):
        """The caption after changing the shown figure in place for the current values
        (:func:`lecture5.plots.update_in_place`), or None when it has to be built afresh."""
        if self.figure is None or self.error is not None:
            return None
        with building_app():
            return plots.update_in_place(self.figure, self.values())

    def refresh(self):
        """Show the figure for the current control values: a frame drawn ahead for them, else
        changed in place where its builder allows it (a slider's frame then costs one draw),
        else built afresh; then draw ahead the frames of the values a move reaches next."""
        if self._show_drawn():
            return
        try:
            caption = self._update()
            fig = self.figure
            if caption is None:
                fig, caption = self._build()
        except _SHOWN_ERRORS as exc:
            self._show_error(exc)
            return
        self._show(fig, caption)
        self._draw_ahead()

    # ------------------------------------------------------------------ drawing ahead
    #: frames for the values one move away are drawn while the kernel is idle (closed form)
    draws_ahead = True

    def _show_drawn(self) -> bool:
        """Show the frame drawn ahead for the current values, if there is one; the figure then
        follows, after the picture is on its way."""
        hit = _ahead.drawn(self, self.values()) if self.draws_ahead and self.error is None \
            and self.figure is not None else None
        if hit is None:
            return False
        show_png(self.picture, hit[0])
        set_caption(self.caption, hit[1])
        try:
            if self._update() is None:  # (drawn on this figure, so it can follow: not expected)
                self._show(*self._build())
        except _SHOWN_ERRORS as exc:
            self._show_error(exc)
            return True
        self._draw_ahead()
        return True

    def _draw_ahead(self):
        """Draw ahead, while the kernel is idle, the frames of the values a move reaches next
        (:func:`lecture5.widgets._ahead.draw_ahead`); nothing without a running event loop."""
        if self.draws_ahead and self.figure is not None and self.error is None:
            _ahead.draw_ahead(self)

    def close(self):
        """Close the app's widgets; nothing more is drawn ahead, and what was is dropped."""
        self.draws_ahead = False
        _ahead.unqueue(self)
        self._plan = []
        self.drawn = None
        super().close()

    def _prime(self):
        """Take once now the path a slider's move takes (the update in place, a frame drawn over
        the saved picture, the legends and axes it will paste remembered), for the values shown:
        the first move in front of a class then costs what the others cost (in the benchmark
        it was up to three times slower than the rest).  Shows nothing new."""
        try:
            if self._update() is not None:
                self.frames.png(self.figure)
        except _SHOWN_ERRORS:
            pass

    def _show(self, fig, caption):
        self.error = None
        self.figure = fig
        png = self.frames.png(fig)
        show_png(self.picture, png)
        set_caption(self.caption, caption)  # after the picture: the two arrive together
        if self.draws_ahead:
            _ahead.keep(self, png, caption)  # a move back answers at once too

    def _show_error(self, exc):
        self.error = str(exc)
        set_caption(self.caption, str(exc), error=True)


def figure_app(builder, title=None, **controls) -> FigureApp:
    """Shorthand: ``figure_app(plots.some_builder, eta=eta_slider())``."""
    return FigureApp(builder, controls, title=title)

class RetrainApp(FigureApp):
    """A :class:`FigureApp` whose builder trains a network: the one retrain-on-release mechanism.

    Controls act when released, the caption says "training (setting)…" until the new figure is
    there (a burst of key presses trains once, for the last value), the outermost widget has the
    CSS class ``lecture5-retrain``.  ``progress=True`` adds a
    bar and calls ``builder(**values, progress=callback)``; ``callback(done, total)`` moves it.

    ``ahead(**values)`` (optional) lists the cached runs other settings will need, most likely
    first (:func:`likely_first`), as calls (``functools.partial(experiments.l1_l2_run, "l2",
    2.0)``).  While the kernel is idle they are trained a slice at a time on the event loop
    (:mod:`lecture5.widgets._ahead`), so the slider's other values answer from the cache; a change
    stops it, the new figure starts it again from the new values.  Without a running event loop
    (a script) nothing is trained ahead.
    """

    def __init__(self, builder, controls: dict, title: str | None = None, progress=False,
                 extra=(), ahead=None):
        self.ahead = ahead
        self._plan = []  # the calls still to train ahead
        self._closed = False
        self.progress = None
        if progress:
            self.progress = w.IntProgress(value=0, min=0, max=1, description="training",
                                          layout=w.Layout(**_SLIDER_LAYOUT,
                                                          flex="1 1 380px"),
                                          style={"description_width": "140px"})
            self.progress.add_class("lecture5-progress")
            extra = (*extra, self.progress)
        for c in controls.values():
            if hasattr(c, "continuous_update"):
                c.continuous_update = False
        self._pending = None  # the retraining a burst of key presses has scheduled
        self._changed_at, self._now_plan = 0.0, []  # the last change from the browser, and
        # ahead's plan for its values (_train_now)
        super().__init__(builder, controls, title=title, extra=extra)
        self.add_class("lecture5-retrain")
        if ahead is not None and _ahead._kernel() is not None:
            _worker.warm()  # (about 135 MB) so that the first change can share its runs

    def _build(self):
        with building_app():
            if self.progress is None:
                return self.builder(**self.values())
            return self.builder(**self.values(), progress=self._advance)

    draws_ahead = False  # its runs are trained ahead instead (_start_ahead)

    def _update(self):
        return None  # a new setting means a new training run

    def _advance(self, done, total):
        self.progress.max = max(1, total)
        self.progress.value = min(done, self.progress.max)

    def _say_training(self):
        setting = ", ".join(f"{k} = {v:.3g}" if isinstance(v, float) else f"{k} = {v}"
                            for k, v in self.values().items())
        set_caption(self.caption, f"training ({setting})…")
        if self.progress is not None:
            self.progress.value = 0

    def _on_change(self, _change):
        """A change from the browser (a key press, a release) says "training…" at once and
        retrains for the value a burst of changes ends on.  An app with ``ahead`` starts
        training at once, a slice at a time that the next key press stops
        (:func:`lecture5.widgets._ahead.train_now`); others wait :data:`RETRAIN_DELAY`.  A
        change made in Python (a cell, a test) retrains at once, for the next line to see."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        _ahead.note_change()
        if loop is None or not any(getattr(c, "_property_lock", None)
                                   for c in self.controls.values()):
            self.refresh()
            return
        self._stop_ahead()
        self._say_training()
        self._changed_at = time.perf_counter()
        if self._pending is not None:
            self._pending.cancel()
        if self.ahead is not None:  # its runs are cached, so a slice can stop and resume
            self._now_plan = list(self.ahead(**self.values()))  # (first: the values shown)
            self._pending = loop.call_later(0, self._train_now)  # after waiting messages
        else:
            self._pending = loop.call_later(RETRAIN_DELAY, self._retrain_pending)

    def _train_now(self):
        """One slice of the training the new figure needs (:func:`_ahead.train_now`); the
        figure once all is trained and the burst of key presses is over."""
        self._pending = None
        try:
            wait = self._changed_at + RETRAIN_DELAY - time.perf_counter()
            delay = _ahead.train_now(self._build, self._now_plan, wait)
        except Exception:  # noqa: BLE001  the refresh below shows why the setting cannot train
            delay = None
        if delay is None:
            self._retrain_pending()
        else:
            self._pending = asyncio.get_running_loop().call_later(delay, self._train_now)

    def _retrain_pending(self):
        self._pending = None
        try:
            self.refresh()
        except Exception as exc:  # a timer callback must not raise into the event loop
            self._show_error(exc)

    def refresh(self):
        """Say "training…", retrain for the current control values, then redraw; then train
        ahead when the kernel is idle."""
        if self._pending is not None:  # a change made in Python while a browser's waited
            self._pending.cancel()
            self._pending = None
        self._stop_ahead()
        self._say_training()
        super().refresh()
        self._start_ahead()

    # ------------------------------------------------------------------ training ahead
    def _start_ahead(self):
        if self.ahead is None or self.error is not None or self._closed:
            return
        try:
            self._plan = list(self.ahead(**self.values()))
        except Exception:  # noqa: BLE001  a plan that cannot be made must not spoil the figure
            self._plan = []
        if self._plan:
            _ahead.queue(self)

    def _stop_ahead(self):
        self._plan = []
        _ahead.unqueue(self)

    def close(self):
        """Close the app's widgets; it trains nothing more, ahead or on a change."""
        if not self._closed:
            self._closed = True
            self._stop_ahead()
            if self._pending is not None:
                self._pending.cancel()
                self._pending = None
            for c in self.controls.values():
                c.unobserve(self._on_change, names="value")
        super().close()


def _curves_app(make_trainers, controls, epochs, curves, reference, title) -> RetrainApp:
    """A :class:`RetrainApp` with a progress bar: on release, ``make_trainers(**values)`` gives
    ``{label: Trainer}`` (from :func:`lecture5.experiments.make_trainer`), each is trained for
    ``epochs`` epochs, and ``curves({**reference, **histories}, note=messages)`` is drawn.
    ``app.trainers`` holds the last trainers, ``app.reference`` the reference histories."""
    trainers = {}

    def build(progress, **values):
        trainers.clear()
        trainers.update(make_trainers(**values))
        histories, note = experiments.train_all(trainers, epochs, progress)
        return curves({**reference, **histories}, note=note)

    app = RetrainApp(build, controls, title=title, progress=True)
    app.trainers, app.reference = trainers, reference
    return app
