"""ipywidgets apps: controls + an ``Output`` + a call to :mod:`lecture5.plots` (and, for the apps
that retrain, to :mod:`lecture5.experiments`).  No maths and no training loop here.

The pattern every app follows (it never flickers and never stacks figures):

* the figure lives in one :class:`ipywidgets.Output`; a redraw *replaces* that widget's list of
  outputs by the new picture in one state update (:func:`show_figure`), so the old picture stays
  until the new one arrives and two pictures can never stack;
* a line of text under the figure gives the numbers for the current setting (:func:`set_caption`);
  an exception in a callback (a diverging eta) is shown there as a message, never a traceback;
* an app that retrains is a :class:`RetrainApp` (sliders act on release, CSS ``lecture5-retrain``);
* while the kernel is idle, apps work ahead (:mod:`._ahead`): a :class:`FigureApp` draws the
  frames of each control's next values and ends, a :class:`RetrainApp` trains the runs they
  need; a move to such a value then answers at once, and a key press interrupts the work;
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

Modules: ``_core`` (FigureApp, RetrainApp), ``_display`` (the figure's place, the projection
stylesheet), ``_sliders``, ``_ahead`` (working ahead), ``backprop`` (01-03), ``descent`` (04-05),
``regularization`` (06-08), ``more_data`` (09); every name is importable from
``lecture5.widgets``.
"""
from ._core import (  # noqa: F401  (re-exported)
    PROJECTION_CLASS,
    RETRAIN_DELAY,
    STYLESHEET,
    FigureApp,
    RetrainApp,
    clear_figure,
    displayed_value,
    dress,
    eta_slider,
    figure_app,
    figure_place,
    float_slider,
    int_slider,
    likely_first,
    lmbda_slider,
    log_slider,
    placeholder,
    set_caption,
    show_figure,
    show_png,
    shown_png,
    stylesheet_widget,
    title_html,
)
from .backprop import hadamard_gate_app, notation_app, saturation_app
from .descent import (
    gd_quadratic_app,
    l2_hessian_app,
    sgd_eta_app,
    weight_decay_app,
    weight_decay_validation_app,
)
from .more_data import distortion_app
from .regularization import (
    dropout_app,
    dropout_expectation_app,
    dropout_network_app,
    dropout_versions_app,
    early_stopping_app,
    early_vs_l2_app,
    filter_app,
    l1_eigen_app,
    l1_l2_app,
    l1_rotated_app,
    penalty_step_app,
)

__all__ = [
    "FigureApp",
    "PROJECTION_CLASS",
    "RetrainApp",
    "RETRAIN_DELAY",
    "STYLESHEET",
    "displayed_value",
    "likely_first",
    "dress",
    "eta_slider",
    "figure_app",
    "float_slider",
    "int_slider",
    "lmbda_slider",
    "log_slider",
    "placeholder",
    "set_caption",
    "show_figure",
    "show_png",
    "shown_png",
    "figure_place",
    "clear_figure",
    "stylesheet_widget",
    "title_html",
    "notation_app",
    "hadamard_gate_app",
    "saturation_app",
    "gd_quadratic_app",
    "l2_hessian_app",
    "sgd_eta_app",
    "weight_decay_app",
    "weight_decay_validation_app",
    "penalty_step_app",
    "l1_eigen_app",
    "l1_l2_app",
    "dropout_network_app",
    "dropout_expectation_app",
    "dropout_app",
    "early_stopping_app",
    "early_vs_l2_app",
    "filter_app",
    "l1_rotated_app",
    "dropout_versions_app",
    "distortion_app",
]
