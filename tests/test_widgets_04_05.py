"""lecture5.widgets, the block of notebook 05: the weight-decay app whose curves are measured on
validation digits (so that choosing lambda with it leaves the test digits untouched)."""

from widget_helpers import png

from lecture5 import experiments, widgets


def test_weight_decay_validation_app_retrains_on_validation_digits():
    ref = experiments.l2_run(0.0, init="large", n_train=50, epochs=1)
    app = widgets.weight_decay_validation_app(lmbda=1.0, reference={"λ = 0": ref.history},
                                              epochs=1, n_train=50)
    assert "validation accuracy" in app.caption.value and "test accuracy" not in app.caption.value
    assert "λ = 0" in app.caption.value and "λ = 1" in app.caption.value
    before = png(app)
    app.controls["lmbda"].value = 10.0
    assert "λ = 10" in app.caption.value and png(app) != before
    (trainer,) = app.trainers.values()
    data = experiments._l2_data(50)
    assert trainer.eval_data[0].shape == data.X_val.shape  # evaluated on the validation digits
