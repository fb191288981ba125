"""Widget apps of notebooks 06-08, driven from Python: move a control, the figure and the numbers
move; the extremes of every slider give a figure or a message, never a traceback."""

import re

import pytest

from lecture5 import plots, widgets


def _png(app):
    return plots.to_png(app.figure)


def _extremes(app, name):
    """Move the slider ``name`` to its minimum and maximum; return the captions."""
    s = app.controls[name]
    out = []
    for v in ((10 ** s.min, 10 ** s.max) if hasattr(s, "base") else (s.min, s.max)):
        s.value = v
        assert app.error is None, app.error
        out.append(app.caption.value)
    return out


# ---------------------------------------------------------------- TrainingApp


def test_training_app_says_training_while_it_builds():
    seen, holder = [], {}

    def builder(x):
        if "app" in holder:  # the first call comes from the constructor
            seen.append(holder["app"].caption.value)
        return plots.penalty_step_figure(lmbda=x)

    slider = widgets.float_slider("x", 1.0, 0.5, 2.0, 0.5)
    app = holder["app"] = widgets.TrainingApp(builder, {"x": slider})
    slider.value = 2.0
    assert len(seen) == 1 and "training" in seen[0]
    assert "training" not in app.caption.value and "0.1" in app.caption.value


# ---------------------------------------------------------------- 06: L1 regularization


def test_penalty_step_app_moves_live_and_survives_its_extremes():
    app = widgets.penalty_step_app()
    slider = app.controls["lmbda"]
    assert slider.continuous_update
    before, caption = _png(app), app.caption.value
    slider.value = 5.0
    assert app.error is None and app.caption.value != caption and _png(app) != before
    low, high = _extremes(app, "lmbda")
    assert "0.0005" in low and "0.889" in high


def test_l1_eigen_app_counts_zeroed_components():
    app = widgets.l1_eigen_app()
    low, high = _extremes(app, "lmbda")
    assert "sets 0 of 5" in low and "sets 5 of 5" in high


def _zero_percent(caption):
    return float(re.search(r"(\d+\.\d)% exactly 0", caption).group(1))


#: a smaller version of notebook 06's problem (same [784, 10] network)
SMALL6 = {"n_train": 200, "epochs": 4, "n_test": 300}


def test_l1_l2_app_retrains_on_release_and_switches_views():
    app = widgets.l1_l2_app(**SMALL6)
    slider = app.controls["lmbda"]
    assert not slider.continuous_update
    before, caption = _png(app), app.caption.value
    slider.value = 3.0
    assert app.error is None and _png(app) != before
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
    s.value = 10 ** getattr(s, end)
    assert app.error is None and "test accuracy" in app.caption.value


# ---------------------------------------------------------------- 07: dropout

SMALL = {"sizes": (784, 30, 10), "n_train": 300, "epochs": 4, "n_test": 500}


def test_dropout_network_app_button_draws_a_new_mini_batch():
    app = widgets.dropout_network_app()
    batch = app.controls["mini_batch"]
    before, caption = _png(app), app.caption.value
    app.button.click()
    assert batch.value == 2 and app.caption.value.startswith("mini-batch 2")
    assert app.caption.value != caption and _png(app) != before
    batch.value = batch.max
    app.button.click()
    assert batch.value == batch.min  # wraps around
    low, high = _extremes(app, "p_drop")
    assert "nodes none" in low and app.error is None


def test_dropout_expectation_app_redraws_for_each_p_drop():
    app = widgets.dropout_expectation_app(**SMALL)
    assert not app.controls["p_drop"].continuous_update
    caption = app.caption.value
    low, high = _extremes(app, "p_drop")
    assert low != caption != high and "unscaled full network" in high


def test_dropout_app_retrains_on_release():
    app = widgets.dropout_app(**SMALL)
    slider = app.controls["p_drop"]
    assert not slider.continuous_update
    before, caption = _png(app), app.caption.value
    slider.value = 0.2
    assert app.error is None and "p_drop = 0.2" in app.caption.value and _png(app) != before
    assert app.caption.value != caption
    app.controls["dropout"].value = "inverted"
    assert "(inverted)" in app.caption.value
    low, high = _extremes(app, "p_drop")
    assert "p_drop = 0 (inverted)" in low and "p_drop = 0.8" in high


# ---------------------------------------------------------------- 08: early stopping

SMALL8 = {"sizes": (784, 30, 10), "n_train": 300, "validation": 300, "epochs": 12,
          "n_test": 500}


def test_early_stopping_app_follows_the_patience():
    app = widgets.early_stopping_app(patience=2, **SMALL8)
    k = app.controls["patience"]
    assert not k.continuous_update
    before, caption = _png(app), app.caption.value
    k.value = 1
    assert app.error is None and app.caption.value != caption and _png(app) != before
    low, high = _extremes(app, "patience")
    assert "patience k = 1:" in low and "patience k = 12:" in high


def test_early_vs_l2_app_retrains_for_each_lambda():
    app = widgets.early_vs_l2_app(patience=2, **SMALL8)
    s = app.controls["lmbda"]
    assert not s.continuous_update
    low, high = _extremes(app, "lmbda")
    norm = re.compile(r"([\d.]+) with L2")
    assert float(norm.search(high).group(1)) < float(norm.search(low).group(1))
