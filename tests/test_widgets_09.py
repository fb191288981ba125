"""The distortion app of notebook 09, driven from Python: every slider redraws and updates the
caption, the extremes draw without error."""

import numpy as np
import pytest

from lecture5 import plots, widgets

SLIDERS = ("degrees", "dx", "dy", "factor", "alpha", "sigma")


@pytest.fixture
def app():
    return widgets.distortion_app()


def test_app_has_six_live_sliders_and_a_figure(app):
    assert set(app.controls) == set(SLIDERS)
    for name in SLIDERS:
        slider = app.controls[name]
        assert slider.continuous_update is True  # closed form: redraw while dragging
        assert f"lecture5-{name}" in slider._dom_classes
    assert app.figure is not None and app.error is None
    assert app.caption.value.startswith("ink moved / ink kept: rotate 41% / 100%")
    # the default setting is the one the notebook's plain cell shows
    _, caption = plots.distortion_grid(plots.sample_digits()[0])
    assert app.caption.value == caption


@pytest.mark.parametrize("name, value", [("degrees", -30.0), ("dx", -4.0), ("dy", 5.0),
                                         ("factor", -0.5), ("alpha", 60.0), ("sigma", 8.0)])
def test_every_slider_changes_figure_and_caption(app, name, value):
    before_png, before_caption = plots.to_png(app.figure), app.caption.value
    app.controls[name].value = value
    assert app.error is None
    assert plots.to_png(app.figure) != before_png
    assert app.caption.value != before_caption


def test_rotation_slider_draws_the_package_rotation(app):
    app.controls["degrees"].value = 30.0
    X, _ = plots.sample_digits()
    mosaic = app.figure.axes[0].images[0].get_array()
    top = left = plots._GAP09
    left += 28 + plots._GAP09
    from lecture5.augment import rotate

    expected = np.clip(rotate(X[:, 0].reshape(28, 28), 30.0), 0, 1)
    np.testing.assert_allclose(mosaic[top:top + 28, left:left + 28], expected)


@pytest.mark.parametrize("end", ["min", "max"])
def test_slider_extremes_draw_without_error(app, end):
    for name in SLIDERS:
        slider = app.controls[name]
        slider.value = getattr(slider, end)
        assert app.error is None, (name, app.error)
    assert "largest elastic displacement" in app.caption.value
    assert "nan" not in app.caption.value


def test_custom_digits_and_bad_digits():
    X, _ = plots.sample_digits((3, 8))
    app = widgets.distortion_app(X)
    assert len(app.figure.axes[0].collections) == 2  # one field per digit
    with pytest.raises(ValueError, match="at most 6"):
        widgets.distortion_app(np.zeros((784, 9)))
