"""The core of every app: :class:`FigureApp`, :class:`RetrainApp`, where the figure is shown,
the stylesheet of projection mode (see :mod:`lecture5.widgets`; the sliders are in
:mod:`lecture5.widgets._sliders`)."""

from __future__ import annotations

import asyncio
import base64
import html
import time

import ipywidgets as w

from .. import experiments, plots
from ..experiments import _worker
from ..plots._style import building_app, projection_on
from . import _ahead
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

#: the width a slider asks for in a row of controls (two a row in a notebook of 760 px or more)
_SLIDER_BASIS = 380
#: the notebook's width for outputs on a 1280x720 projector at 125 % (JupyterLab, side bars
#: collapsed), measured by tests/browser/test_projector.py
_NOTEBOOK_WIDTH = 840
#: average width of a character of control text at 18 px, and what a button adds to its text
_CHAR_PX, _BUTTON_PX = 10, 36
#: CSS class of every app in projection mode
PROJECTION_CLASS = "lecture5-projection"
#: how much of the page's height an app's figure may not use in projection mode, by the app's
#: rows of controls: JupyterLab's bars (about 125 px at 1280x720 and 125 %), the title and the
#: controls, so that the controls and the whole figure are on screen together
_FIGURE_BUDGET = {1: 215, 2: 260, 3: 305, 4: 350}
#: one stylesheet for every app (an HTML widget holding <style>, shipped inside each app, so it
#: reaches JupyterLab, Voila and a static page alike); its rules apply only inside an app
STYLESHEET = (
    "<style>"
    # every control's text 18 px, rows tall enough for it, readouts as wide as their text
    f".{PROJECTION_CLASS}{{--jp-widgets-font-size:18px;--jp-widgets-inline-height:36px;"
    "--jp-widgets-inline-width-tiny:5.5em;--jp-widgets-slider-handle-size:22px;"
    "--jp-ui-font-size1:18px;font-size:18px}"
    f".{PROJECTION_CLASS} .widget-label,.{PROJECTION_CLASS} .widget-readout,"
    f".{PROJECTION_CLASS} .widget-toggle-button,.{PROJECTION_CLASS} .jupyter-button,"
    f".{PROJECTION_CLASS} .widget-dropdown select,.{PROJECTION_CLASS} .widget-html-content,"
    f".{PROJECTION_CLASS} .widget-text input,.{PROJECTION_CLASS} .widget-label-basic"
    "{font-size:18px !important;line-height:1.3}"
    f".{PROJECTION_CLASS} .widget-readout{{min-width:5.5em;width:auto;overflow:visible}}"
    f".{PROJECTION_CLASS} .widget-dropdown select{{min-width:0;height:auto}}"
    f".{PROJECTION_CLASS} .widget-button{{width:auto !important;min-width:6em;padding:0 12px}}"
    f".{PROJECTION_CLASS} .lecture5-caption{{font-size:18px}}"
    # a toggle's label beside its buttons, not above them (one row, as _control_rows counts)
    f".{PROJECTION_CLASS} .widget-toggle-buttons{{display:flex;flex-flow:row nowrap;"
    "align-items:center}"
    # never wider than the notebook: pictures shrink to the width they have
    ".lecture5-app .lecture5-figure img{max-width:100%;height:auto}"
    ".lecture5-app .widget-inline-hbox{min-width:0}"
    + "".join(f".{PROJECTION_CLASS}.lecture5-rows-{n} .lecture5-figure img"
              f"{{max-height:calc(100vh - {b}px);width:auto;object-fit:contain}}"
              for n, b in _FIGURE_BUDGET.items())
    + "</style>")


def _projected_width(control) -> int:
    """About how wide ``control`` is in projection mode (px): a slider its flex basis, a toggle
    or a button its 18 px text."""
    if isinstance(control, w.ToggleButtons):
        labels = [str(o[0] if isinstance(o, tuple) else o) for o in control.options]
        return (12 + _CHAR_PX * len(control.description)
                + sum(_CHAR_PX * len(t) + _BUTTON_PX for t in labels))
    if isinstance(control, w.Button):
        return _CHAR_PX * len(control.description) + _BUTTON_PX + 12
    return _SLIDER_BASIS


def stylesheet_widget() -> w.HTML:
    """The app stylesheet as an invisible widget (a <style> applies wherever it sits)."""
    sheet = w.HTML(STYLESHEET, layout=w.Layout(display="none"))
    sheet.add_class("lecture5-stylesheet")
    return sheet


def dress(app, rows=1):
    """Give ``app`` the classes the stylesheet knows: ``lecture5-app``, and in projection mode
    ``lecture5-projection`` and ``lecture5-rows-<rows>`` (rows of controls above the figure; the
    figure's height is then capped to fit; ``rows=None``: no cap)."""
    app.add_class("lecture5-app")
    if projection_on():
        app.add_class(PROJECTION_CLASS)
        if rows is not None:
            app.add_class(f"lecture5-rows-{min(max(int(rows), 1), max(_FIGURE_BUDGET))}")
    return app


def placeholder(names, what="slider") -> str:
    """The text/plain of an app before its cell runs: "Run this cell to get the η slider"."""
    names = [n for n in names if n]
    if not names:
        return "Run this cell to get the app."
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    text = f"Run this cell to get the {listed} {what}{'s' if len(names) > 1 else ''}."
    return text if len(text) <= 110 else f"Run this cell to get the app's {len(names)} {what}s."


def figure_place(**layout) -> tuple[w.Box, w.Image]:
    """Where an app shows its figure: a box with the CSS class ``lecture5-figure`` holding one
    :class:`ipywidgets.Image` (hidden until it has a picture).

    A new picture is one state update of the Image, sent as a binary message, and the browser
    swaps it inside the same ``<img>``: no output area is rebuilt, so nothing stacks, and
    nothing is printed (a printed figure can land in JupyterLab's Log Console when callbacks run
    on a kernel subshell).  The picture goes as a ``data:`` URL, which Chromium decodes as it
    is set; the Image's usual ``blob:`` URL loads asynchronously and can leave a frame blank.
    """
    image = w.Image(format="url", layout=w.Layout(display="none"))
    box = w.Box([image], layout=w.Layout(**layout))
    box.add_class("lecture5-figure")
    return box, image


_DATA_URL = b"data:image/png;base64,"


def show_figure(image: w.Image, fig, frames: plots.Frames | None = None) -> None:
    """Show ``fig`` in ``image`` (from :func:`figure_place`), replacing what it showed.

    The picture is rendered here: by ``frames``, an app's :class:`lecture5.plots.Frames` (one
    draw, the app's remembered layout, fast compression), else once with the figure's own
    layout.  It is one state update of the Image, never a blank frame in between.
    """
    show_png(image, frames.png(fig) if frames is not None else plots.render_once(fig))


def show_png(image: w.Image, png: bytes) -> None:
    """Show the picture ``png`` in ``image`` (from :func:`figure_place`)."""
    image.value = _DATA_URL + base64.b64encode(png)
    image.layout.display = None


def shown_png(image: w.Image) -> bytes:
    """The PNG that ``image`` (from :func:`figure_place`) shows; b"" when it shows none."""
    value = bytes(image.value)
    return base64.b64decode(value[len(_DATA_URL):]) if value.startswith(_DATA_URL) else b""


def clear_figure(image: w.Image) -> None:
    """Show no picture (a notebook saved afterwards keeps no stale one)."""
    image.layout.display = "none"
    image.value = b""


def title_html(title: str) -> str:
    """An app's title in bold; ``title`` is HTML (so <sup>/<sub> work), written by the package."""
    size = "20px" if plots.style()["font.size"] > 14 else "15px"
    return f"<b style='font-size:{size}'>{title}</b>"


def set_caption(caption: w.HTML, text: str, error: bool = False) -> None:
    """Show ``text`` (plain text, escaped here) as the line of numbers under a figure: red for an
    error, and as large as the figures' text in projection mode."""
    caption.style.font_size = "18px" if plots.style()["font.size"] > 14 else "14px"
    caption.value = (f"<span style='color:#b00'>{html.escape(text)}</span>" if error
                     else html.escape(text))


#: seconds a retraining app without ``ahead`` waits after a change from the browser before it
#: trains, so that a burst of key presses trains once (:meth:`RetrainApp._on_change`)
RETRAIN_DELAY = 0.15
#: seconds of training between two looks at the kernel's messages when a retraining app with
#: ``ahead`` trains for a change from the browser (:meth:`RetrainApp._train_now`); a message
#: stops a slice sooner, after its mini-batch
NOW_SLICE = 0.1

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
        self._changed_at = 0.0  # time.perf_counter() of the last change from the browser
        super().__init__(builder, controls, title=title, extra=extra)
        self.add_class("lecture5-retrain")
        if ahead is not None and _ahead._kernel() is not None:
            _worker.warm()  # so that the first change can share its runs with it (_train_now):
            # started when the app is made, it costs a process of some 130 MB

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
        retrains once for a burst of changes: three quick key presses train for the value the
        slider ended on.  An app with ``ahead`` starts training at once, a slice at a time
        (:meth:`_train_now`), and the next key press stops the slice; it draws the figure, and
        asks the second process for help, once :data:`RETRAIN_DELAY` seconds have passed
        without a change.  The others wait that long before they train.  A change made in
        Python (a cell, a test) retrains at once, so the next line sees the new figure."""
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
            self._pending = loop.call_later(0, self._train_now)  # after waiting messages
        else:
            self._pending = loop.call_later(RETRAIN_DELAY, self._retrain_pending)

    def _train_now(self):
        """Train the next run the figure for the current values needs for :data:`NOW_SLICE`
        seconds, or until a message reaches the kernel (the next key press: it is handled
        first, and a run begun for a value left behind resumes later where it stopped), and
        give another untrained run (the figure's next, else the one the slider may ask for
        next) to a second process where one can run (:mod:`lecture5.experiments._worker`); once
        every run is trained, show the figure.  Nothing is trained ahead in the kernel
        meanwhile."""
        self._pending = None
        loop = asyncio.get_running_loop()
        _ahead.note_change()  # the user is waiting: no other app works ahead meanwhile
        if _ahead._kernel_waiting():
            self._pending = loop.call_later(_ahead.AHEAD_SLICE, self._train_now)
            return
        try:
            plan = list(self.ahead(**self.values()))  # (its first calls: the values shown)
            first, second, other = _ahead.next_jobs(self._build, plan)  # (builds the figure
            # once all are trained: built again below); a burst of key presses is over once
            # RETRAIN_DELAY passed: its values in between are neither drawn nor sent away
            wait = self._changed_at + RETRAIN_DELAY - time.perf_counter()
            if first is None and wait > 0:
                self._pending = loop.call_later(wait, self._train_now)
                return
            if first is not None:
                if not _worker.flying(*first):
                    job, seconds = first, NOW_SLICE
                    if wait <= 0 and (second is not None or other is not None):
                        _worker.send(*(second or other))
                elif second is not None:  # the figure's next run is the second process's
                    job, seconds = second, NOW_SLICE
                else:  # only it is left: the kernel trains it too, in short slices, and the
                    job, seconds = first, _ahead.AHEAD_SLICE  # first result to come is kept
                job[0].advance(job[1], seconds, stop=_ahead._kernel_waiting)
                self._pending = loop.call_later(0, self._train_now)
                return
        except Exception:  # noqa: BLE001  the refresh below shows why the setting cannot train
            pass
        self._retrain_pending()

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
