"""The core of every app: sliders, :class:`FigureApp`, :class:`RetrainApp`, the stylesheet of
projection mode (see :mod:`lecture5.widgets`)."""

from __future__ import annotations

import base64
import html
import math

import ipywidgets as w
import traitlets

from .. import experiments, plots
from ..plots._style import building_app, projection_on

__all__ = ["show_figure", "png_output", "set_caption", "title_html", "log_slider",
           "float_slider", "int_slider", "eta_slider", "lmbda_slider", "FigureApp", "figure_app",
           "RetrainApp", "PROJECTION_CLASS", "STYLESHEET", "stylesheet_widget", "dress",
           "displayed_value", "placeholder"]

#: a slider fills the width it is given, up to 560 px, and shrinks with a narrow notebook
_SLIDER_LAYOUT = {"width": "100%", "max_width": "560px", "min_width": "0"}
_SLIDER_STYLE = {"description_width": "140px"}
_PROJECTION_DESCRIPTION_WIDTH = "190px"  # "regularization λ" at 18 px
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
    # never wider than the notebook: pictures shrink to the width they have
    ".lecture5-app .lecture5-figure img{max-width:100%;height:auto}"
    ".lecture5-app .widget-inline-hbox{min-width:0}"
    + "".join(f".{PROJECTION_CLASS}.lecture5-rows-{n} .lecture5-figure img"
              f"{{max-height:calc(100vh - {b}px);width:auto;object-fit:contain}}"
              for n, b in _FIGURE_BUDGET.items())
    + "</style>")


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


def displayed_value(control):
    """The value a control shows: a float slider's value rounded as its readout prints it (a
    caption computed from it then agrees with the readout: 0.5 x 2 / 10 = 0.1, not 0.09976)."""
    value = control.value
    fmt = (getattr(control, "readout_format", None) or "").replace("~", "")  # d3's "trim zeros"
    if isinstance(value, float) and fmt and fmt[-1] in "gfe" and "%" not in fmt:
        try:
            return float(format(value, fmt))
        except ValueError:
            return value
    return value


def png_output(fig, png: bytes) -> tuple:
    """An Output widget's ``outputs`` showing ``png`` (the picture of ``fig``): one display_data
    with the PNG and the figure's usual text form."""
    w_px, h_px = (int(round(x)) for x in fig.get_size_inches() * fig.dpi)
    return ({"output_type": "display_data", "metadata": {},
             "data": {"image/png": base64.b64encode(png).decode("ascii"),
                      "text/plain": f"<Figure size {w_px}x{h_px} with {len(fig.axes)} Axes>"}},)


def show_figure(out: w.Output, fig, frames: plots.Frames | None = None) -> None:
    """Replace whatever ``out`` shows by ``fig``, without a blank frame in between.

    The picture is rendered here (by ``frames``, an app's :class:`lecture5.plots.Frames`: one
    draw, the app's remembered layout, fast compression; else once with the figure's own
    layout) and set as the Output widget's whole list of outputs, one state update, instead of
    being printed into the widget with ``with out: display(fig)``.  Printing depends on the
    kernel routing the display message to the widget, which fails when callbacks run on a
    kernel subshell (the picture lands in JupyterLab's Log Console) and left Voila waiting for
    ever on some cells; setting the state does not depend on it.
    """
    png = frames.png(fig) if frames is not None else plots.render_once(fig)
    out.outputs = png_output(fig, png)


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


def _trimmed_readout():
    """A readout format that may use d3-format's "~" (trim trailing zeros: "0.5", not "0.500"),
    which the browser understands and ipywidgets' Python-side check does not allow."""
    return traitlets.Unicode(".3~g", help="d3-format of the readout").tag(sync=True)


class LogSlider(w.FloatLogSlider):
    """:class:`ipywidgets.FloatLogSlider` whose readout drops trailing zeros."""

    readout_format = _trimmed_readout()


class FloatSlider(w.FloatSlider):
    """:class:`ipywidgets.FloatSlider` whose readout drops trailing zeros."""

    readout_format = _trimmed_readout()


def _slider(cls, description, value, continuous_update, **range_):
    style = dict(_SLIDER_STYLE)
    if projection_on():
        style["description_width"] = _PROJECTION_DESCRIPTION_WIDTH
    return cls(value=value, description=description, continuous_update=continuous_update,
               layout=w.Layout(**_SLIDER_LAYOUT), style=style, **range_)


def log_slider(description, value, min_exp, max_exp, step=0.05, continuous_update=True,
               readout_format=".3~g"):
    """A slider over 10**min_exp .. 10**max_exp (eta and lambda span several decades); the
    readout has 3 significant digits without trailing zeros ("0.5", as the text writes it).

    The browser puts the handle on the grid min_exp + k step, so the step is shortened (by less
    than one part in 2k) to put ``value`` on that grid: the slider starts on exactly the value the
    text names (0.15, not 0.158; 0.5, not 0.501) and its ends stay 10**min_exp and 10**max_exp.
    """
    if value > 0 and step > 0 and min_exp < math.log10(value) <= max_exp:
        span = math.log10(value) - min_exp
        step = span / max(1, round(span / step))
    return _slider(LogSlider, description, value, continuous_update, base=10, min=min_exp,
                   max=max_exp, step=step, readout_format=readout_format)


def float_slider(description, value, lo, hi, step, continuous_update=True, readout_format=".3~g"):
    """A linear slider with the package's layout."""
    return _slider(FloatSlider, description, value, continuous_update, min=lo, max=hi,
                   step=step, readout_format=readout_format)


def int_slider(description, value, lo, hi, continuous_update=True):
    """An integer slider with the package's layout."""
    return _slider(w.IntSlider, description, value, continuous_update, min=lo, max=hi, step=1)


def _toggle(description, options, value, button_width=None):
    style = {"description_width": _PROJECTION_DESCRIPTION_WIDTH if projection_on()
             else "140px"}
    if button_width:  # in projection mode each button is as wide as its 18 px text
        style["button_width"] = "auto" if projection_on() else button_width
    return w.ToggleButtons(options=options, value=value, description=description, style=style)


def eta_slider(value=0.5, min_exp=-3, max_exp=1, continuous_update=True):
    """The learning rate eta, on a log scale."""
    s = log_slider("learning rate η", value, min_exp, max_exp, continuous_update=continuous_update)
    s.add_class("lecture5-eta")
    return s


def lmbda_slider(value=1.0, min_exp=-3, max_exp=2, continuous_update=True):
    """The regularization parameter lambda, on a log scale."""
    s = log_slider("regularization λ", value, min_exp, max_exp,
                   continuous_update=continuous_update)
    s.add_class("lecture5-lmbda")
    return s


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
        self.output = w.Output(layout=w.Layout(width="100%"))
        self.output.add_class("lecture5-figure")
        self.caption = w.HTML(layout=w.Layout(width="100%"))
        self.caption.add_class("lecture5-caption")
        self.figure = None
        self.error = None
        self.frames = plots.Frames()
        full = {"flex": "1 1 100%", "width": "100%"}
        children = [w.HTML(title_html(title), layout=w.Layout(**full))] if title else []
        for c in self.controls.values():  # two controls a row when they fit, else one
            c.layout.flex = "1 1 380px"
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

    def _control_rows(self) -> int:
        """Rows the controls take above the figure: two a row, a row of toggle buttons alone."""
        controls = [c for c in self.children if c not in self._fixed_children]
        wide = sum(isinstance(c, w.ToggleButtons) for c in controls)
        return math.ceil((len(controls) - wide) / 2) + wide

    def _on_children(self, _change):
        for cls in [c for c in self._dom_classes if c.startswith("lecture5-rows-")]:
            self.remove_class(cls)
        dress(self, rows=self._control_rows())

    def __repr__(self):
        """What a saved notebook shows before the cell runs (widgets need a live kernel)."""
        sliders = all(isinstance(c, (w.FloatSlider, w.FloatLogSlider, w.IntSlider))
                      for c in self.controls.values())
        return placeholder([getattr(c, "description", "") or name
                            for name, c in self.controls.items()],
                           "slider" if sliders else "control")

    def values(self) -> dict:
        """The current control values, as the controls show them (:func:`displayed_value`)."""
        return {name: displayed_value(c) for name, c in self.controls.items()}

    def _on_change(self, _change):
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
        """Show the figure for the current control values: changed in place where its builder
        allows it (a slider's frame then costs one draw), else built afresh."""
        try:
            caption = self._update()
            fig = self.figure
            if caption is None:
                fig, caption = self._build()
        except _SHOWN_ERRORS as exc:
            self._show_error(exc)
            return
        self._show(fig, caption)

    def _show(self, fig, caption):
        self.error = None
        self.figure = fig
        show_figure(self.output, fig, self.frames)
        set_caption(self.caption, caption)  # after the picture: the two arrive together

    def _show_error(self, exc):
        self.error = str(exc)
        set_caption(self.caption, str(exc), error=True)


def figure_app(builder, title=None, **controls) -> FigureApp:
    """Shorthand: ``figure_app(plots.some_builder, eta=eta_slider())``."""
    return FigureApp(builder, controls, title=title)

class RetrainApp(FigureApp):
    """A :class:`FigureApp` whose builder trains a network: the one retrain-on-release mechanism.

    Controls act when released, the caption says "training (setting)…" until the new figure is
    there, the outermost widget has the CSS class ``lecture5-retrain``.  ``progress=True`` adds a
    bar and calls ``builder(**values, progress=callback)``; ``callback(done, total)`` moves it.
    """

    def __init__(self, builder, controls: dict, title: str | None = None, progress=False,
                 extra=()):
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
        super().__init__(builder, controls, title=title, extra=extra)
        self.add_class("lecture5-retrain")

    def _build(self):
        with building_app():
            if self.progress is None:
                return self.builder(**self.values())
            return self.builder(**self.values(), progress=self._advance)

    def _update(self):
        return None  # a new setting means a new training run

    def _advance(self, done, total):
        self.progress.max = max(1, total)
        self.progress.value = min(done, self.progress.max)

    def refresh(self):
        """Say "training…", retrain for the current control values, then redraw."""
        setting = ", ".join(f"{k} = {v:.3g}" if isinstance(v, float) else f"{k} = {v}"
                            for k, v in self.values().items())
        set_caption(self.caption, f"training ({setting})…")
        if self.progress is not None:
            self.progress.value = 0
        super().refresh()


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


