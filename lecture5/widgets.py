"""ipywidgets apps: controls + an ``Output`` + a call to :mod:`lecture5.plots` (and, for the apps
that retrain, to :mod:`lecture5.experiments`).  No maths and no training loop here.

The pattern every app follows (it never flickers and never stacks figures):

* the figure lives in one :class:`ipywidgets.Output`; a redraw *replaces* that widget's list of
  outputs by the new picture in one state update (:func:`show_figure`), so the old picture stays
  until the new one arrives and two pictures can never stack;
* a line of text under the figure gives the numbers for the current setting (:func:`set_caption`);
  an exception in a callback (a diverging eta) is shown there as a message, never a traceback;
* an app that retrains is a :class:`RetrainApp` (sliders act on release, CSS ``lecture5-retrain``);
* controls sit in rows above the figure and shrink to the width they have (two sliders a row
  when there is room); in projection mode (:func:`lecture5.plots.projection_mode` or
  ``LECTURE5_PROJECTION=1``) the app has the CSS class ``lecture5-projection``, whose rule in
  :data:`STYLESHEET` (shipped inside every app) makes every control's text 18 px and keeps the
  figure short enough to share a 1280x720 projector screen with its sliders;
* before its cell has run, an app's text is an instruction ("Run this cell to get the ... slider")
  rather than the widget's Python repr.

Apps are plain functions returning a widget; the callbacks they install are reachable from Python
(``app.refresh()``; sliders as ``app.controls[name]``) so tests can drive them without a browser.
Numbering: the backprop slides' (Nielsen's), input = layer 1.
"""

from __future__ import annotations

import functools
import html
import math

import ipywidgets as w
import traitlets
from IPython import get_ipython
from IPython.display import display

from . import _validate, experiments, plots
from .datasets import load_mnist
from .plots._style import building_app, projection_on

__all__ = ["show_figure", "set_caption", "title_html", "log_slider", "float_slider", "int_slider",
           "eta_slider", "lmbda_slider", "FigureApp", "figure_app", "RetrainApp",
           "PROJECTION_CLASS", "STYLESHEET", "stylesheet_widget", "dress", "displayed_value",
           "placeholder"]

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


def show_figure(out: w.Output, fig) -> None:
    """Replace whatever ``out`` shows by ``fig``, without a blank frame in between.

    The picture is rendered here and set as the Output widget's whole list of outputs, one state
    update, instead of being printed into the widget with ``with out: display(fig)``.  Printing
    depends on the kernel routing the display message to the widget, which fails when callbacks
    run on a kernel subshell (the picture lands in JupyterLab's Log Console) and left Voila
    waiting for ever on some cells; setting the state does not depend on it.
    """
    shell = get_ipython()
    if shell is None:  # plain Python: no display machinery, let the Output widget capture it
        with out:
            out.clear_output(wait=True)
            display(fig)
        return
    data, metadata = shell.display_formatter.format(fig)
    out.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)


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

    def refresh(self):
        """Rebuild the figure for the current control values and show it."""
        try:
            fig, caption = self._build()
        except _SHOWN_ERRORS as exc:
            self._show_error(exc)
            return
        self._show(fig, caption)

    def _show(self, fig, caption):
        self.error = None
        self.figure = fig
        set_caption(self.caption, caption)
        show_figure(self.output, fig)

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


# ---------------------------------------------------------------- 01-03: notation, Hadamard, BP
def notation_app(net=None, sizes=(3, 4, 2)) -> FigureApp:
    """Choose l, j, k and see the weight w^l_jk highlighted in the drawn network (eqs (1)-(4)).

    The ranges of j (neurons of layer l) and k (neurons of layer l-1) follow the chosen layer.
    With ``net`` the caption also shows that network's value of w^l_jk.
    """
    if net is not None:
        sizes = net.sizes
    plots.network_diagram(2, 1, 1, sizes=sizes, net=net)  # validates sizes early
    sizes = list(sizes)
    L = len(sizes)
    layer = int_slider("layer l", min(3, L), 2, L)
    j = int_slider("neuron j (layer l)", 1, 1, sizes[layer.value - 1])
    k = int_slider("neuron k (layer l−1)", min(2, sizes[layer.value - 2]), 1,
                   sizes[layer.value - 2])

    def follow_layer(change):  # registered before the app's own observer, so it runs first
        j.max = sizes[change["new"] - 1]
        k.max = sizes[change["new"] - 2]

    layer.observe(follow_layer, names="value")
    builder = functools.partial(plots.network_diagram, sizes=sizes, net=net)
    app = FigureApp(builder, {"layer": layer, "j": j, "k": k},
                    title="Which weight is <i>w</i><sup>l</sup><sub>jk</sub>? "
                          "Move l, j and k.")
    app.add_class("lecture5-notation-app")
    return app


def hadamard_gate_app(weight_scale=1.0) -> FigureApp:
    """BP2's Hadamard product as a gate: scale the first-layer weights, watch sigma'(z^2) close."""
    s = log_slider("weights w² ×", weight_scale, -1.3, 1.5)
    s.add_class("lecture5-weight-scale")
    return figure_app(functools.partial(plots.hadamard_gate, experiments.gate_example()),
                      title="BP2 as a gate: scale the first-layer weights w²", weight_scale=s)


def saturation_app(z_L=-4.0, y=1) -> FigureApp:
    """The output error delta^L of the quadratic cost (13) vs cross-entropy as z^L moves."""
    z = float_slider("weighted input zᴸ", z_L, -8.0, 8.0, 0.1)
    z.add_class("lecture5-zL")
    return figure_app(plots.output_saturation,
                      title="Saturated output: quadratic cost vs cross-entropy",
                      z_L=z, y=_toggle("target y", [0, 1], y))


# ---------------------------------------------------------------- 04-05: GD, SGD, L2, Hessian
def gd_quadratic_app(eta=0.15, **fixed) -> FigureApp:
    """Gradient descent on notebook 04's 2-D quadratic: an eta slider (log scale) that redraws
    while it moves.  ``fixed`` goes to :func:`lecture5.plots.gd_quadratic` (eigenvalues, w0,
    ...)."""
    lo, hi = fixed.get("eta_range", plots.GD_ETA_RANGE)
    s = eta_slider(eta, math.log10(lo), math.log10(hi))
    return figure_app(functools.partial(plots.gd_quadratic, **fixed),
                      title="Drag η: slow, good, oscillating, diverging (2/D_max is marked)",
                      eta=s)


def l2_hessian_app(lmbda=0.5, eig1=plots.L2_EIGENVALUES[0], eig2=plots.L2_EIGENVALUES[1],
                   angle_degrees=plots.L2_ANGLE) -> FigureApp:
    """The textbook's fig 7.1 with sliders for lambda, the two eigenvalues of H and its rotation
    (eqs (34)-(38)); closed form, redraws while a slider moves."""
    e1 = log_slider("eigenvalue D₁₁", eig1, -2, 1)
    e2 = log_slider("eigenvalue D₂₂", eig2, -2, 1)
    angle = float_slider("rotation of Q (°)", angle_degrees, -90.0, 90.0, 5.0)
    for c, name in ((e1, "eig1"), (e2, "eig2"), (angle, "angle")):
        c.add_class(f"lecture5-{name}")
    return figure_app(plots.l2_hessian_picture,
                      title="Move λ: w̃ slides from w* towards 0, fastest along flat directions",
                      lmbda=lmbda_slider(lmbda, -3, 2), eig1=e1, eig2=e2, angle_degrees=angle)


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


def sgd_eta_app(data=None, eta=0.5, epochs=8, n_train=1000, n_test=1000, sizes=(784, 30, 10),
                mini_batch_size=10, seed=0) -> RetrainApp:
    """Mini-batch SGD (27)/(28) with lambda = 0 on real MNIST digits: an eta slider that retrains a
    fresh ``sizes`` network (cross-entropy, fixed seed) on release and plots the training cost
    and the accuracy per epoch.  ``data`` is a :func:`lecture5.datasets.load_mnist` result (loaded
    with ``n_train``/``n_test`` digits when omitted)."""
    epochs = _validate.integer("epochs", epochs, low=1)
    data = load_mnist(n_train=n_train, n_test=n_test, seed=seed) if data is None else data

    def make(eta):
        return {f"η = {eta:.3g}": experiments.make_trainer(
            data, sizes, eta=eta, mini_batch_size=mini_batch_size, seed=seed)}

    curves = functools.partial(plots.training_curves, panels=("train_cost", "accuracy"),
                               cost_range=(0.01, 1000.0),
                               baseline=experiments.untrained_cost(data, sizes, seed))
    return _curves_app(make, {"eta": eta_slider(eta, -3, 2)}, epochs, curves, {},
                       title=f"Release η to retrain [{', '.join(map(str, sizes))}] on "
                             f"{data.X_train.shape[1]:,} digits for {epochs} epochs")


def weight_decay_app(data=None, lmbda=1.0, reference=None, eta=0.5, epochs=20, n_train=1000,
                     n_test=1000, sizes=(784, 30, 10), mini_batch_size=10, seed=0,
                     large_weights=False) -> RetrainApp:
    """L2 weight decay (28) on real MNIST digits: a lambda slider that retrains on release, drawn
    next to ``reference`` histories (by default an unregularized run, trained once here).
    Panels: accuracy (training dashed, test solid), cost C_0 and the weight norm.
    ``large_weights=True`` starts from weights N(0, 1) (:func:`lecture5.experiments.make_network`
    with ``init="large"``)."""
    epochs = _validate.integer("epochs", epochs, low=1)
    data = load_mnist(n_train=n_train, n_test=n_test, seed=seed) if data is None else data
    init = "large" if large_weights else "default"

    def make(lmbda, label=None):
        return {label or f"λ = {lmbda:.3g}": experiments.make_trainer(
            data, sizes, eta=eta, lmbda=lmbda, mini_batch_size=mini_batch_size, seed=seed,
            init=init)}

    if reference is None:
        reference = experiments.train_all(make(0.0, "λ = 0"), epochs)[0]
    curves = functools.partial(plots.training_curves, panels=("accuracy", "cost", "weight_norm"))
    return _curves_app(make, {"lmbda": lmbda_slider(lmbda, -2, 2)}, epochs, curves,
                       dict(reference),
                       title=f"Release λ to retrain (η = {eta:g}, {epochs} epochs, "
                             f"{data.X_train.shape[1]:,} digits)")


# ---------------------------------------------------------------- 06: L1 regularization
def penalty_step_app(lmbda=2.0, eta=0.5, n=10) -> FigureApp:
    """One penalty step w -> w' for L2, the sgn(w) step (41) and the soft threshold; lambda
    changes the figure while the slider moves (closed form, no training)."""
    app = figure_app(
        lambda lmbda: plots.penalty_step_figure(lmbda, eta=eta, n=n),
        title=f"one penalty step with η = {eta:g}, n = {n}",
        lmbda=lmbda_slider(lmbda, min_exp=-2, max_exp=1.25),
    )
    app.add_class("lecture5-penalty-step-app")
    return app


def l1_eigen_app(lmbda=1.0) -> FigureApp:
    """L1 and L2 minimizers of a quadratic cost in the eigenbasis of its Hessian, live."""
    app = figure_app(plots.l1_l2_eigen_figure, lmbda=lmbda_slider(lmbda, min_exp=-2, max_exp=1.5))
    app.add_class("lecture5-l1-eigen-app")
    return app


def l1_l2_app(lmbda=1.0, l1_form="l1_prox", **settings) -> RetrainApp:
    """Retrain the [784, 10] problem with L1 and with L2 when the lambda slider is released;
    show the weight histograms or the weights as 28x28 images.  ``settings`` go to the builders
    (a smaller training problem, for tests)."""

    def build(lmbda, l1_form, view):
        runs = {p: experiments.l1_l2_run(p, lmbda, **settings) for p in ("l2", l1_form)}
        if view == "weight images":
            return plots.l1_l2_weight_images(runs, lmbda)
        return plots.l1_l2_histograms(runs, lmbda)

    controls = {
        "lmbda": lmbda_slider(lmbda, min_exp=-1, max_exp=1.5),
        "l1_form": _toggle("L1 step", [("soft threshold", "l1_prox"), ("sgn(w), eq (41)", "l1")],
                           l1_form, "150px"),
        "view": _toggle("show", ["histograms", "weight images"], "histograms", "150px"),
    }
    app = RetrainApp(build, controls, title="L1 against L2 on 500 MNIST digits (retrains when "
                                            "the slider is released)")
    app.add_class("lecture5-l1-l2-app")
    return app


# ---------------------------------------------------------------- 07: dropout
def dropout_network_app(p_drop=0.5, sizes=(5, 8, 8, 3)) -> FigureApp:
    """Step 2 of the procedure: a new random set of deleted hidden nodes for every mini-batch.
    The "new mini-batch" button moves the mini-batch slider on by one."""
    batch = int_slider("mini-batch", 1, 1, 100)
    batch.add_class("lecture5-mini-batch")
    drop = float_slider("p_drop", p_drop, 0.0, 0.75, 0.05)
    drop.add_class("lecture5-p-drop")
    app = FigureApp(lambda mini_batch, p_drop: plots.dropout_network_figure(
        mini_batch, p_drop, sizes=sizes), {"mini_batch": batch, "p_drop": drop},
        title="dropout, step 2: delete hidden nodes afresh for each mini-batch")
    button = w.Button(description="↺ new mini-batch")
    button.add_class("lecture5-new-mini-batch")

    def next_batch(_):
        batch.value = batch.min if batch.value >= batch.max else batch.value + 1

    button.on_click(next_batch)
    app.children = (app.children[0], button, *app.children[1:])
    app.button = button
    app.add_class("lecture5-dropout-network-app")
    return app


def dropout_expectation_app(p_drop=0.5, **settings) -> FigureApp:
    """The input of an output neuron over random masks against the test-time network, for any
    p_drop (4,000 masks; redraws when the slider is released).  ``settings`` go to the builder
    (a smaller training problem, for tests)."""
    kw = {**experiments.DROPOUT_PROBLEM, **settings}
    net = experiments.trained_network(experiments.dropout_run(0.5, **settings), kw["sizes"])
    test = load_mnist(n_train=1, n_test=kw["n_test"], seed=kw.get("seed", 0))
    drop = float_slider("p_drop", p_drop, 0.05, 0.9, 0.05, continuous_update=False)
    app = figure_app(functools.partial(plots.dropout_expectation_figure, net, test), p_drop=drop)
    app.add_class("lecture5-dropout-expectation-app")
    return app


def dropout_app(p_drop=0.5, dropout="slides", **settings) -> RetrainApp:
    """Retrain the 1,000-digit [784, 100, 10] network with the chosen p_drop when the slider is
    released, and compare training and test curves with the run without dropout.
    ``settings`` go to the builder (a smaller training problem, for tests)."""
    controls = {
        "p_drop": float_slider("p_drop", p_drop, 0.0, 0.8, 0.1),
        "dropout": _toggle("dropout", [("slides: scale at test", "slides"),
                                       ("inverted", "inverted")], dropout, "150px"),
    }
    n_train = {**experiments.DROPOUT_PROBLEM, **settings}["n_train"]

    def build(p_drop, dropout):
        return plots.dropout_overfitting_figure(
            experiments.dropout_run(0.0, "slides", **settings),
            experiments.dropout_run(p_drop, dropout, **settings), n_train, p_drop, dropout)

    app = RetrainApp(build, controls,
                     title="dropout on 1,000 MNIST digits (retrains when the slider is released)")
    app.add_class("lecture5-dropout-app")
    return app


# ---------------------------------------------------------------- 08: early stopping
def early_stopping_app(patience=5, **settings) -> RetrainApp:
    """Choose the patience k: the network is retrained with early stopping when the slider is
    released, and the figure shows where it stops and which epoch it restores.  ``settings`` go
    to the builder (a smaller training problem, for tests)."""
    k = int_slider("patience k", patience, 1, 12, continuous_update=False)
    k.add_class("lecture5-patience")
    def build(patience):
        return plots.early_stopping_figure(experiments.early_run(None, **settings),
                                           experiments.early_run(patience, **settings), patience)

    app = RetrainApp(build, {"patience": k},
                     title="early stopping: stop after k epochs without a better validation "
                           "accuracy")
    app.add_class("lecture5-early-stopping-app")
    return app


def early_vs_l2_app(lmbda=1.0, patience=5, **settings) -> RetrainApp:
    """Early stopping next to L2: retrain with the chosen lambda when the slider is released."""
    def build(lmbda):
        return plots.early_stopping_vs_l2_figure(
            experiments.early_run(None, **settings),
            experiments.early_run(None, lmbda=lmbda, penalty="l2", **settings),
            experiments.early_run(patience, **settings), lmbda, patience)

    app = RetrainApp(build, {"lmbda": lmbda_slider(lmbda, min_exp=-1, max_exp=1.3)},
                     title="early stopping vs L2 (retrains when the slider is released)")
    app.add_class("lecture5-early-vs-l2-app")
    return app


# ---------------------------------------------------------------- 09: more training data
def distortion_app(X=None, degrees=15.0, dx=2.0, dy=0.0, factor=0.3, alpha=34.0, sigma=4.0):
    """Rotate, shift, skew and elastically distort a few real digits with six sliders.

    ``X``: digits as columns (784, k), 1 <= k <= 6; default: the first 5, 0, 4 and 1 of the
    bundled MNIST training set (:func:`lecture5.experiments.sample_digits`).  The figure is
    :func:`lecture5.plots.distortion_grid` (closed form: every slider redraws while it moves);
    the caption gives the share of ink each transformation keeps and the largest elastic
    displacement.
    """
    if X is None:
        X, _ = experiments.sample_digits()
    plots.distortion_grid(X, degrees, dx, dy, factor, alpha, sigma)  # fail early on bad X
    controls = {
        "degrees": float_slider("rotate (° to the left)", degrees, -45.0, 45.0, 1.0),
        "dx": float_slider("shift right (px)", dx, -6.0, 6.0, 0.5),
        "dy": float_slider("shift down (px)", dy, -6.0, 6.0, 0.5),
        "factor": float_slider("skew factor", factor, -0.6, 0.6, 0.05),
        "alpha": float_slider("elastic α (px)", alpha, 0.0, 80.0, 1.0),
        "sigma": float_slider("elastic σ (px)", sigma, 1.0, 10.0, 0.5),
    }
    for name, slider in controls.items():
        slider.add_class(f"lecture5-{name}")
    app = FigureApp(functools.partial(plots.distortion_grid, X), controls,
                    title="New training digits from old ones: rotate, shift, skew, distort")
    app.add_class("lecture5-distortion-app")
    return app


# ---------------------------------------------------------------- 05: weight decay, validation
def weight_decay_validation_app(lmbda=1.0, reference=None, init="large", epochs=20,
                                n_train=1000, seed=0) -> RetrainApp:
    """L2 weight decay (28) on notebook 05's digits (:data:`lecture5.experiments.L2_PROBLEM`):
    a lambda slider that retrains on release, every curve evaluated on the *validation* digits
    (so that moving the slider to pick lambda does not spoil the test digits), drawn next to
    ``reference`` histories (e.g. ``{"λ = 0": experiments.l2_run(0.0, init).history}``).
    ``init`` is "large" (w ~ N(0, 1)) or "default" (N(0, 1/n_in))."""
    epochs = _validate.integer("epochs", epochs, low=1)
    _validate.choice("init", init, ("default", "large"))
    problem = experiments.L2_PROBLEM
    data = experiments._l2_data(_validate.integer("n_train", n_train, low=1))

    def make(lmbda):
        return {f"λ = {lmbda:.3g}": experiments.make_trainer(
            data, problem["sizes"], eta=problem["eta"], lmbda=lmbda,
            mini_batch_size=problem["mini_batch_size"], evaluate="validation", seed=seed,
            init=init)}

    curves = functools.partial(plots.training_curves, panels=("accuracy", "cost", "weight_norm"),
                               eval_label="validation", accuracy_range="data")
    return _curves_app(make, {"lmbda": lmbda_slider(lmbda, -2, 2)}, epochs, curves,
                       dict(reference or {}),
                       title=f"Release λ to retrain (η = {problem['eta']:g}, {epochs} epochs, "
                             f"{data.X_train.shape[1]:,} digits, curves on validation digits)")


# ================================================================ 08: one filter (content810)
def filter_app(tau=20, lmbda=None, eta=None) -> FigureApp:
    """Early stopping after tau steps and L2 with lambda as two filters over H's spectrum
    (:func:`lecture5.plots.early_stopping.filter_figure`): sliders for tau and lambda (redraw
    while they move) and a button that sets lambda to the matching 1 / (eta tau)."""
    from .plots import early_stopping as es_plots
    from .quadratic import matching_lambda

    eta = es_plots.FILTER_ETA if eta is None else eta
    if lmbda is None:
        lmbda = matching_lambda(eta, tau)
    tau_s = log_slider("steps τ", tau, 0, 3, step=0.02, readout_format=".0f")
    tau_s.add_class("lecture5-tau")
    lam = lmbda_slider(lmbda, min_exp=-3, max_exp=2)
    match = w.Button(description="set λ = 1/(ητ)", layout=w.Layout(width="200px"))
    match.add_class("lecture5-match")

    def build(tau, lmbda):
        return es_plots.filter_figure(max(1, round(tau)), lmbda, eta=eta)

    app = FigureApp(build, {"tau": tau_s, "lmbda": lam},
                    title=f"early stopping (τ steps of η = {eta:g}) and L2 (λ): two filters",
                    extra=(match,))

    def set_matched(_=None):
        lam.value = matching_lambda(eta, max(1, round(tau_s.value)))

    match.on_click(set_matched)
    app.match = set_matched
    app.add_class("lecture5-filter-app")
    return app


# ---------------------------------------------------------------- 06 and 07 (content67)
def l1_rotated_app(lmbda=0.3) -> FigureApp:
    """L1 against L2 for notebook 05's Hessian rotated by 30 degrees: a lambda slider moves both
    minimisers along their paths (closed form, redraws while the slider moves)."""
    s = float_slider("regularization λ", lmbda, 0.0, 0.7, 0.01)
    s.add_class("lecture5-lmbda")
    app = figure_app(plots.l1_rotated_figure,
                     title="H not diagonal: the L1 diamond against the L2 circle", lmbda=s)
    app.add_class("lecture5-l1-rotated-app")
    return app


def dropout_versions_app(p_drop=0.5, dropout="slides", **settings) -> RetrainApp:
    """The slides' overfitting example over three seeds, without and with dropout: the p slider
    retrains on release; the switch changes only where the factor 1/(1 - p) goes (both versions
    draw one mask per mini-batch).  ``settings`` go to the builder (a smaller problem, tests)."""
    controls = {
        "p_drop": float_slider("p_drop", p_drop, 0.1, 0.8, 0.1),
        "dropout": _toggle("dropout", [("slides: scale at test", "slides"),
                                       ("inverted: scale in training", "inverted")], dropout,
                           "190px"),
    }
    seeds = settings.pop("seeds", experiments.DROPOUT_SEEDS)
    n_train = {**experiments.SLIDES_DROPOUT, **settings}["n_train"]

    def build(p_drop, dropout):
        base = {s: experiments.slides_dropout_run(0.0, seed=s, **settings) for s in seeds}
        runs = {s: experiments.slides_dropout_run(p_drop, dropout, seed=s, **settings)
                for s in seeds}
        return plots.dropout_seeds_figure(base, runs, n_train, p_drop, dropout)

    app = RetrainApp(build, controls,
                     title="dropout on the slides' example, 3 seeds (retrains when released)")
    app.add_class("lecture5-dropout-versions-app")
    return app
