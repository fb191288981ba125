"""Apps of notebooks 06-08: L1, dropout, early stopping."""

from __future__ import annotations

import functools

import ipywidgets as w

from .. import experiments, plots
from ..datasets import load_mnist
from ._core import (
    FigureApp,
    RetrainApp,
    _toggle,
    figure_app,
    float_slider,
    int_slider,
    likely_first,
    lmbda_slider,
    log_slider,
)


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

    controls = {  # on a projector: the slider and "show" share a row, "L1 step" has the next
        "lmbda": lmbda_slider(lmbda, min_exp=-1, max_exp=1.5),
        "view": _toggle("show", ["histograms", "weight images"], "histograms", "150px"),
        "l1_form": _toggle("L1 step", [("soft threshold", "l1_prox"), ("sgn(w), eq (41)", "l1")],
                           l1_form, "150px"),
    }
    def ahead(lmbda, l1_form, view):  # every lambda (likely_first), then with the other L1 step
        other = "l1" if l1_form == "l1_prox" else "l1_prox"
        return [functools.partial(experiments.l1_l2_run, p, lam, **settings)
                for form in (l1_form, other) for lam in likely_first(controls["lmbda"])
                for p in ("l2", form)]

    app = RetrainApp(build, controls, title="L1 against L2 on 500 MNIST digits (retrains when "
                                            "the slider is released)", ahead=ahead)
    app.add_class("lecture5-l1-l2-app")
    return app


# ---------------------------------------------------------------- 07: dropout
def dropout_network_app(p_drop=0.5, sizes=(5, 8, 8, 3)) -> FigureApp:
    """Step 2 of the procedure: a new random set of deleted hidden nodes for every mini-batch.
    The "new mini-batch" button moves the mini-batch slider on by one."""
    batch = int_slider("mini-batch", 1, 1, 100)
    batch.add_class("lecture5-mini-batch")
    drop = float_slider("dropout p", p_drop, 0.0, 0.75, 0.05)
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
    drop = float_slider("dropout p", p_drop, 0.05, 0.9, 0.05, continuous_update=False)
    app = figure_app(functools.partial(plots.dropout_expectation_figure, net, test), p_drop=drop)
    app.add_class("lecture5-dropout-expectation-app")
    return app


def dropout_app(p_drop=0.5, dropout="slides", **settings) -> RetrainApp:
    """Retrain the 1,000-digit [784, 100, 10] network with the chosen p_drop when the slider is
    released, and compare training and test curves with the run without dropout.
    ``settings`` go to the builder (a smaller training problem, for tests)."""
    controls = {
        "p_drop": float_slider("dropout p", p_drop, 0.0, 0.8, 0.1),
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

    def ahead(patience):  # every patience, in likely_first's order
        return [functools.partial(experiments.early_run, k_, **settings)
                for k_ in likely_first(k)]

    app = RetrainApp(build, {"patience": k},
                     title="early stopping: stop after k epochs without a better validation "
                           "accuracy", ahead=ahead)
    app.add_class("lecture5-early-stopping-app")
    return app


def early_vs_l2_app(lmbda=1.0, patience=5, **settings) -> RetrainApp:
    """Early stopping next to L2: retrain with the chosen lambda when the slider is released."""
    def build(lmbda):
        return plots.early_stopping_vs_l2_figure(
            experiments.early_run(None, **settings),
            experiments.early_run(None, lmbda=lmbda, penalty="l2", **settings),
            experiments.early_run(patience, **settings), lmbda, patience)

    slider = lmbda_slider(lmbda, min_exp=-1, max_exp=1.3)

    def ahead(lmbda):  # every lambda, in likely_first's order
        return [functools.partial(experiments.early_run, None, lmbda=lam, penalty="l2",
                                  **settings) for lam in likely_first(slider)]

    app = RetrainApp(build, {"lmbda": slider}, ahead=ahead,
                     title="early stopping vs L2 (retrains when the slider is released)")
    app.add_class("lecture5-early-vs-l2-app")
    return app


# ================================================================ 08: one filter (content810)
def filter_app(tau=20, lmbda=None, eta=None) -> FigureApp:
    """Early stopping after tau steps and L2 with lambda as two filters over H's spectrum
    (:func:`lecture5.plots.early_stopping.filter_figure`): sliders for tau and lambda (redraw
    while they move) and a button that sets lambda to the matching 1 / (eta tau)."""
    from ..plots import early_stopping as es_plots
    from ..quadratic import matching_lambda

    eta = es_plots.FILTER_ETA if eta is None else eta
    if lmbda is None:
        lmbda = matching_lambda(eta, tau)
    tau_s = log_slider("steps τ", tau, 0, 3)
    tau_s.add_class("lecture5-tau")
    lam = lmbda_slider(lmbda, min_exp=-3, max_exp=2)
    match = w.Button(description="set λ = 1/(ητ)", layout=w.Layout(width="200px"))
    match.add_class("lecture5-match")

    def build(tau, lmbda):
        fig, caption = es_plots.filter_figure(steps(tau), lmbda, eta=eta)
        show = fig.lecture5_update  # changes the figure in place for the slider's tau too
        fig.lecture5_update = lambda tau, lmbda: show(steps(tau), lmbda)
        return fig, caption

    def steps(tau):  # the slider's tau, a whole number of steps
        return max(1, round(tau))

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
        "p_drop": float_slider("dropout p", p_drop, 0.1, 0.8, 0.1),
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

    def ahead(p_drop, dropout):  # every p (likely_first), then with the other version
        other = "inverted" if dropout == "slides" else "slides"
        return [functools.partial(experiments.slides_dropout_run, p, version, seed=s,
                                  **settings)
                for version in (dropout, other) for p in likely_first(controls["p_drop"])
                for s in seeds]

    app = RetrainApp(build, controls, ahead=ahead,
                     title="dropout on the slides' example, 3 seeds (retrains when released)")
    app.add_class("lecture5-dropout-versions-app")
    return app
