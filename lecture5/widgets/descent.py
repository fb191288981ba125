"""Apps of notebooks 04-05: gradient descent, SGD, L2 and the Hessian."""

from __future__ import annotations

import functools
import math

from .. import _validate, experiments, plots
from ..datasets import load_mnist
from ._core import (
    FigureApp,
    RetrainApp,
    _curves_app,
    eta_slider,
    figure_app,
    float_slider,
    lmbda_slider,
    log_slider,
)


# ---------------------------------------------------------------- 04-05: GD, SGD, L2, Hessian
def gd_quadratic_app(eta=0.15, **fixed) -> FigureApp:
    """Gradient descent on notebook 04's 2-D quadratic: an eta slider (log scale) that redraws
    while it moves.  ``fixed`` goes to :func:`lecture5.plots.gd_quadratic` (eigenvalues, w0,
    ...)."""
    lo, hi = fixed.get("eta_range", plots.GD_ETA_RANGE)
    # 0.3: inside the oscillating band, next to eta_opt = 1/3 of the text
    s = eta_slider(eta, math.log10(lo), math.log10(hi), named=(0.3,))
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
                      lmbda=lmbda_slider(lmbda, -3, 2, named=(eig1,)), eig1=e1, eig2=e2,
                      angle_degrees=angle)


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
