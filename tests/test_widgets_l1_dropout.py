"""The apps of notebooks 06 (L1 with a rotated Hessian) and 07 (the two dropout versions over
three seeds), driven from Python."""

from widget_helpers import png

from lecture5 import experiments, widgets

SMALL7 = {"sizes": (784, 20, 10), "n_train": 200, "validation": 100, "epochs": 2, "n_test": 200}


def test_l1_rotated_app_moves_the_minimisers():
    app = widgets.l1_rotated_app(0.3)
    assert app.error is None and "λ = 0.3:" in app.caption.value
    before = png(app)
    app.controls["lmbda"].value = 0.48
    assert "w̃ = (0.000, 0.000)" in app.caption.value and png(app) != before
    app.controls["lmbda"].value = 0.0
    assert app.error is None and "w̃ = (2.000, 1.200)" in app.caption.value


def test_dropout_versions_app_switch_changes_only_the_version():
    app = widgets.dropout_versions_app(0.5, seeds=(0, 1), **SMALL7)
    assert "lecture5-retrain" in app._dom_classes and app.error is None
    slides = app.caption.value
    assert "p = 0.5: training" in slides
    app.controls["dropout"].value = "inverted"
    assert "p = 0.5 (inverted)" in app.caption.value
    run = experiments.slides_dropout_run(0.5, "inverted", "mini-batch", seed=1, **SMALL7)
    assert run is experiments.slides_dropout_run(0.5, "inverted", seed=1, **SMALL7)
    assert app.caption.value.split(";")[0] == slides.split(";")[0]  # same runs without dropout
