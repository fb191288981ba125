"""Widget apps of notebooks 04 and 05, driven from Python: move a slider, the figure and the
numbers move; the slider extremes give a message, never a traceback.

Networks use Nielsen's layer numbering (input = layer 1); the MNIST apps get a small data set
and few epochs so the whole file stays fast.
"""

import re
import time

import numpy as np
import pytest

from lecture5 import plots, widgets
from lecture5.datasets import load_mnist
from lecture5.training import Trainer


def _png(app):
    return plots.to_png(app.figure)


@pytest.fixture(scope="module")
def small_mnist():
    return load_mnist(n_train=200, n_test=200, seed=0)


# ---------------------------------------------------------------- gd_quadratic_app (notebook 04)


def test_gd_app_redraws_while_eta_moves_and_survives_both_ends():
    app = widgets.gd_quadratic_app()
    eta = app.controls["eta"]
    assert eta.continuous_update and app.error is None and "regime: good" in app.caption.value
    before, caption = _png(app), app.caption.value
    eta.value = 0.33
    assert app.error is None and "regime: oscillating" in app.caption.value
    assert app.caption.value != caption and _png(app) != before
    eta.value = 10 ** eta.max  # eta = 1: far past 2/D_max (a log slider's max is an exponent)
    assert app.error is None and "regime: diverging" in app.caption.value
    assert "left the picture" in app.caption.value
    eta.value = 10 ** eta.min
    assert app.error is None and "regime: slow" in app.caption.value


# ---------------------------------------------------------------- l2_hessian_app (notebook 05)


def test_l2_app_moves_w_tilde_with_lambda():
    app = widgets.l2_hessian_app()
    assert all(c.continuous_update for c in app.controls.values())
    before, caption = _png(app), app.caption.value
    app.controls["lmbda"].value = 2.0
    assert app.error is None and "λ = 2 " in app.caption.value
    assert app.caption.value != caption and _png(app) != before
    norm = float(re.search(r"‖w̃‖ = ([0-9.]+)", app.caption.value).group(1))
    app.controls["lmbda"].value = 20.0
    assert float(re.search(r"‖w̃‖ = ([0-9.]+)", app.caption.value).group(1)) < norm


def test_l2_app_eigenvalue_and_angle_sliders_redraw():
    app = widgets.l2_hessian_app()
    for name, value in (("eig1", 5.0), ("eig2", 0.05), ("angle_degrees", -45.0)):
        caption = app.caption.value
        app.controls[name].value = value
        assert app.error is None and app.caption.value != caption
    assert "D = (5, 0.05), angle -45°" in app.caption.value


def test_l2_app_survives_every_slider_extreme():
    app = widgets.l2_hessian_app()
    for c in app.controls.values():
        for value in (c.min, c.max) if not hasattr(c, "base") else (c.base ** c.min,
                                                                     c.base ** c.max):
            c.value = value
            assert app.error is None, (c.description, value, app.error)
            assert "w̃ = (" in app.caption.value


def test_l2_app_redraw_is_fast():
    app = widgets.l2_hessian_app()
    lmbda = app.controls["lmbda"]
    times = []
    for value in (0.2, 0.3, 0.4):
        t = time.process_time()
        lmbda.value = value  # builder + PNG (the inline backend renders one per redraw)
        plots.to_png(app.figure)
        times.append(time.process_time() - t)
    assert min(times) < 0.5  # about 0.15 s of CPU on the 2-core machine; generous for CI


# ---------------------------------------------------------------- RetrainApp and the MNIST apps


def test_sgd_eta_app_retrains_on_release_with_progress(small_mnist):
    app = widgets.sgd_eta_app(small_mnist, eta=0.5, epochs=2, sizes=(784, 10, 10))
    eta = app.controls["eta"]
    assert not eta.continuous_update and app.error is None
    assert app.progress.value == app.progress.max == 2
    assert "η = 0.5: training cost" in app.caption.value and "after 2 epochs" in app.caption.value
    seen = []
    app.caption.observe(lambda ch: seen.append(ch["new"]), names="value")
    before = _png(app)
    eta.value = 3.0
    assert any("training" in s and "…" in s for s in seen)  # said so while it trained
    assert app.error is None and "η = 3:" in app.caption.value and _png(app) != before
    assert app.trainers["η = 3"].history["eta"] == [3.0, 3.0]


def test_sgd_eta_app_extremes_give_numbers_not_tracebacks(small_mnist):
    app = widgets.sgd_eta_app(small_mnist, eta=0.5, epochs=2, sizes=(784, 10, 10))
    eta = app.controls["eta"]
    eta.value = 10 ** eta.max  # eta = 100: the network saturates, the cost shoots up
    assert app.error is None and "η = 100:" in app.caption.value
    high = app.trainers["η = 100"].history["train_cost"][-1]
    eta.value = 10 ** eta.min  # eta = 0.001: hardly moves
    assert app.error is None
    low = app.trainers["η = 0.001"].history["train_cost"][-1]
    assert high > low  # diverging ends far above where a tiny step stays


def test_weight_decay_app_draws_the_reference_next_to_the_lambda_run(small_mnist):
    ref = Trainer(widgets._Network([784, 10, 10], cost=widgets._CrossEntropyCost, seed=0),
                  small_mnist.X_train, small_mnist.Y_train, eta=0.5,
                  eval_data=(small_mnist.X_test, small_mnist.Y_test))
    ref.train(2, progress=False)
    app = widgets.weight_decay_app(small_mnist, lmbda=5.0, reference={"λ = 0": ref.history},
                                   epochs=2, sizes=(784, 10, 10))
    assert not app.controls["lmbda"].continuous_update
    assert "λ = 0:" in app.caption.value and "λ = 5:" in app.caption.value
    assert len(app.figure.axes) == 3
    norm_5 = app.trainers["λ = 5"].history["weight_norm"][-1]
    app.controls["lmbda"].value = 100.0
    assert app.error is None and "λ = 100:" in app.caption.value
    assert app.trainers["λ = 100"].history["weight_norm"][-1] < norm_5 < ref.history[
        "weight_norm"][-1]


def test_weight_decay_app_trains_its_own_reference(small_mnist):
    app = widgets.weight_decay_app(small_mnist, lmbda=1.0, epochs=1, sizes=(784, 5, 10))
    assert list(app.reference) == ["λ = 0"] and app.reference["λ = 0"]["epoch"] == [1]


def test_retrain_app_shows_errors_as_a_message():
    def make(eta):
        raise ValueError(f"eta must be small, got {eta}")

    app = widgets.RetrainApp(make, {"eta": widgets.eta_slider(0.5)}, 1,
                             plots.training_curves)
    assert app.error == "eta must be small, got 0.5" and "color:#b00" in app.caption.value
    with pytest.raises(ValueError, match="epochs"):
        widgets.RetrainApp(make, {}, 0, plots.training_curves)


def test_weight_decay_app_large_weights_start_from_n01(small_mnist):
    small = widgets._mnist_trainer(small_mnist, (784, 10, 10), 0.5, 0.0, 10, 0)
    large = widgets._mnist_trainer(small_mnist, (784, 10, 10), 0.5, 0.0, 10, 0,
                                   large_weights=True)
    for w_s, w_l in zip(small.net.weights, large.net.weights):
        np.testing.assert_allclose(w_l, w_s * np.sqrt(w_s.shape[1]))  # same draw, N(0, 1)
    app = widgets.weight_decay_app(small_mnist, lmbda=1.0, epochs=1, sizes=(784, 5, 10),
                                   large_weights=True)
    assert app.reference["λ = 0"]["weight_norm"][0] > 30  # about sqrt(784 * 5 + 50) at the start
