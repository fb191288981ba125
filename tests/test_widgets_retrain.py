"""lecture5.widgets: the apps that retrain (RetrainApp, the one retrain-on-release mechanism).
Sliders act on release, the caption says "training…" meanwhile, errors are messages; the MNIST apps
get a small data set and few epochs so the whole file stays fast."""

import asyncio
import re

import numpy as np
import pytest
from widget_helpers import ends, extremes, png, run

from lecture5 import experiments, plots, widgets
from lecture5.datasets import load_mnist

SMALL6 = {"n_train": 200, "epochs": 4, "n_test": 300}

#: a small version of notebook 07's problem, so that the tests train in a fraction of a second
SMALL = {"sizes": (784, 30, 10), "n_train": 300, "epochs": 4, "n_test": 500}

#: a small version of notebook 08's problem
SMALL8 = {"sizes": (784, 30, 10), "n_train": 300, "validation": 300, "epochs": 12,
          "n_test": 500}


@pytest.fixture(scope="module")
def small_mnist():
    return load_mnist(n_train=200, n_test=200, seed=0)


def test_retrain_app_says_training_while_it_builds():
    seen, holder = [], {}

    def builder(x):
        if "app" in holder:  # the first call comes from the constructor
            seen.append(holder["app"].caption.value)
        return plots.penalty_step_figure(lmbda=x)

    slider = widgets.float_slider("x", 1.0, 0.5, 2.0, 0.5)
    app = holder["app"] = widgets.RetrainApp(builder, {"x": slider})
    assert not slider.continuous_update  # acts on release
    assert "lecture5-retrain" in app._dom_classes and app.progress is None
    slider.value = 2.0
    assert len(seen) == 1 and "training" in seen[0] and "x = 2" in seen[0]
    assert "training" not in app.caption.value and "0.1" in app.caption.value


def test_a_burst_of_key_presses_in_the_browser_trains_once_for_the_last_value():
    trained = []

    def builder(x):
        trained.append(x)
        return plots.penalty_step_figure(lmbda=x)

    slider = widgets.float_slider("x", 1.0, 0.5, 2.0, 0.5)
    app = widgets.RetrainApp(builder, {"x": slider})
    trained.clear()

    async def three_presses():
        for x in (1.5, 2.0, 1.5):  # as the browser sends them: state updates of the slider
            slider.set_state({"value": x})
            assert "training (x = " in app.caption.value  # said at once
        assert trained == []  # not yet: more presses may follow
        await asyncio.sleep(widgets.RETRAIN_DELAY + 0.3)

    run(three_presses())
    assert trained == [1.5] and "training" not in app.caption.value
    # a change made in Python trains at once, with or without an event loop
    slider.value = 0.5
    assert trained == [1.5, 0.5]


def test_tests_run_their_event_loops_through_widget_helpers():
    """``asyncio.run`` fails in a pytest-xdist worker that ran a browser test before (Playwright's
    synchronous API leaves its loop running there); widget_helpers.run works in both cases."""
    from pathlib import Path

    here = Path(__file__).parent
    call = "asyncio.run" + "("  # spelled in two so that this file does not match itself
    offenders = [p.name for p in here.glob("test_*.py") if call in p.read_text()]
    assert offenders == [], f"use widget_helpers.run instead of asyncio.run in {offenders}"


def test_sgd_eta_app_retrains_on_release_with_progress(small_mnist):
    app = widgets.sgd_eta_app(small_mnist, eta=0.5, epochs=2, sizes=(784, 10, 10))
    eta = app.controls["eta"]
    assert not eta.continuous_update and app.error is None
    assert app.progress.value == app.progress.max == 2
    assert "η = 0.5: training cost" in app.caption.value and "after 2 epochs" in app.caption.value
    seen = []
    app.caption.observe(lambda ch: seen.append(ch["new"]), names="value")
    before = png(app)
    eta.value = 2.0  # a 1-2-5 stop of the slider
    assert any("training" in s and "…" in s for s in seen)  # said so while it trained
    assert app.error is None and "η = 2:" in app.caption.value and png(app) != before
    assert app.trainers["η = 2"].history["eta"] == [2.0, 2.0]


def test_sgd_eta_app_extremes_give_numbers_not_tracebacks(small_mnist):
    app = widgets.sgd_eta_app(small_mnist, eta=0.5, epochs=2, sizes=(784, 10, 10))
    eta = app.controls["eta"]
    low, top = ends(eta)
    eta.value = top  # eta = 100: the network saturates, the cost shoots up
    assert app.error is None and "η = 100:" in app.caption.value
    high = app.trainers["η = 100"].history["train_cost"][-1]
    eta.value = low  # eta = 0.001: hardly moves
    assert app.error is None
    low = app.trainers["η = 0.001"].history["train_cost"][-1]
    assert high > low  # diverging ends far above where a tiny step stays


def test_weight_decay_app_draws_the_reference_next_to_the_lambda_run(small_mnist):
    ref = experiments.make_trainer(small_mnist, (784, 10, 10), eta=0.5, seed=0)
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


def test_retrain_app_shows_errors_as_a_message(small_mnist):
    def build(eta, progress):
        progress(1, 2)
        raise ValueError(f"eta must be small, got {eta}")

    app = widgets.RetrainApp(build, {"eta": widgets.eta_slider(0.5)}, progress=True)
    assert app.error == "eta must be small, got 0.5" and "color:#b00" in app.caption.value
    assert (app.progress.value, app.progress.max) == (1, 2)
    with pytest.raises(ValueError, match="epochs"):
        widgets.sgd_eta_app(small_mnist, epochs=0)
    with pytest.raises(ValueError, match="epochs"):
        widgets.weight_decay_app(small_mnist, epochs=0)


def test_weight_decay_app_large_weights_start_from_n01(small_mnist):
    small = experiments.make_trainer(small_mnist, (784, 10, 10), eta=0.5)
    large = experiments.make_trainer(small_mnist, (784, 10, 10), eta=0.5, init="large")
    for w_s, w_l in zip(small.net.weights, large.net.weights):
        np.testing.assert_allclose(w_l, w_s * np.sqrt(w_s.shape[1]))  # same draw, N(0, 1)
    app = widgets.weight_decay_app(small_mnist, lmbda=1.0, epochs=1, sizes=(784, 5, 10),
                                   large_weights=True)
    assert app.reference["λ = 0"]["weight_norm"][0] > 30  # about sqrt(784 * 5 + 50) at the start


def _zero_percent(caption):
    return float(re.search(r"(\d+\.\d)% exactly 0", caption).group(1))


def test_l1_l2_app_retrains_on_release_and_switches_views():
    app = widgets.l1_l2_app(**SMALL6)
    slider = app.controls["lmbda"]
    assert not slider.continuous_update
    before, caption = png(app), app.caption.value
    slider.value = 2.0  # a 1-2-5 stop
    assert app.error is None and png(app) != before
    assert _zero_percent(app.caption.value) > _zero_percent(caption)
    app.controls["view"].value = "weight images"
    assert len(app.figure.axes) == 20 and "nonzero" in app.caption.value
    app.controls["l1_form"].value = "l1"
    assert "L1 (sgn): 100.0%" in app.caption.value
    app.controls["view"].value = "histograms"
    assert _zero_percent(app.caption.value) == 0.0


@pytest.mark.parametrize("end", ["min", "max"])
def test_l1_l2_app_at_the_slider_ends(end):
    app = widgets.l1_l2_app(**SMALL6)
    s = app.controls["lmbda"]
    s.value = ends(s)[0 if end == "min" else 1]
    assert app.error is None and "test accuracy" in app.caption.value


def test_dropout_app_retrains_on_release():
    app = widgets.dropout_app(**SMALL)
    slider = app.controls["p_drop"]
    assert not slider.continuous_update
    before, caption = png(app), app.caption.value
    slider.value = 0.2
    assert app.error is None and "p_drop = 0.2" in app.caption.value and png(app) != before
    assert app.caption.value != caption
    app.controls["dropout"].value = "inverted"
    assert "(inverted)" in app.caption.value
    low, high = extremes(app, "p_drop")
    assert "p_drop = 0 (inverted)" in low and "p_drop = 0.8" in high


def test_early_stopping_app_follows_the_patience():
    app = widgets.early_stopping_app(patience=2, **SMALL8)
    k = app.controls["patience"]
    assert not k.continuous_update
    before, caption = png(app), app.caption.value
    k.value = 1
    assert app.error is None and app.caption.value != caption and png(app) != before
    low, high = extremes(app, "patience")
    assert "patience k = 1:" in low and "patience k = 12:" in high


def test_early_vs_l2_app_retrains_for_each_lambda():
    app = widgets.early_vs_l2_app(patience=2, **SMALL8)
    s = app.controls["lmbda"]
    assert not s.continuous_update
    low, high = extremes(app, "lmbda")
    norm = re.compile(r"([\d.]+) with L2")
    assert float(norm.search(high).group(1)) < float(norm.search(low).group(1))
