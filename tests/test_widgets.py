"""lecture5.widgets driven from Python: the shared helpers (one figure per Output, captions,
titles) and the apps whose figures redraw while a slider moves (no training).  Move a slider, the
figure and the numbers move; the slider extremes give a message, never a traceback."""

import io
import re
import time

import ipywidgets as w
import numpy as np
import pytest
from PIL import Image
from widget_helpers import ends, extremes, png

from lecture5 import Network, experiments, plots, widgets
from lecture5.plots import more_data

#: a small version of notebook 07's problem, so that the tests train in a fraction of a second
SMALL = {"sizes": (784, 30, 10), "n_train": 300, "epochs": 4, "n_test": 500}

SLIDERS = ("degrees", "dx", "dy", "factor", "alpha", "sigma")


@plots.styled
def _figure(slope):
    fig, ax = plots.new_figure()
    ax.plot([0, 1], [0, slope])
    return fig


def test_show_figure_replaces_the_picture_in_one_state_update():
    box, image = widgets.figure_place()
    assert "lecture5-figure" in box._dom_classes and box.children == (image,)
    assert image.layout.display == "none"  # no broken-image icon before the first picture
    seen = []
    image.observe(lambda change: seen.append(change["new"]), names="value")
    widgets.show_figure(image, _figure(1.0))
    widgets.show_figure(image, _figure(2.0), plots.Frames())
    assert image.layout.display is None and bytes(image.value).startswith(b"data:image/png")
    shown = Image.open(io.BytesIO(widgets.shown_png(image)))
    assert shown.size == (900, 400)  # the figure's size in pixels
    expected = plots.to_png(_figure(2.0))
    # the same pixels as the figure saved as PNG, compressed less
    np.testing.assert_array_equal(np.asarray(shown.convert("RGBA")),
                                  np.asarray(Image.open(io.BytesIO(expected)).convert("RGBA")))
    # two pictures, never an empty one between them ("iVBOR": a PNG's signature in base64)
    assert len(seen) == 2 and all(bytes(v).startswith(b"data:image/png;base64,iVBOR")
                                  for v in seen)
    widgets.clear_figure(image)
    assert widgets.shown_png(image) == b"" and image.layout.display == "none"


def test_an_app_changes_an_updatable_figure_in_place_and_rebuilds_the_others():
    app = widgets.gd_quadratic_app(eta=0.15)
    fig = app.figure
    blits = app.frames.stats["blits"]  # 1: the app took a move's path once when made (_prime)
    app.controls["eta"].value = 0.3
    assert app.figure is fig and app.error is None  # one figure, changed in place
    assert app.caption.value.startswith("η = 0.3 |")
    assert app.frames.stats["blits"] == blits + 1
    app._show_error(ValueError("eta must be ..."))  # as a builder's message would
    app.controls["eta"].value = 0.2  # after an error the figure is built afresh
    assert app.error is None and app.figure is not fig
    other = widgets.figure_app(lambda slope: (_figure(slope), f"slope {slope}"),
                               slope=widgets.float_slider("slope", 1.0, 0.0, 2.0, 0.5))
    first = other.figure  # a builder without an update in place: a new figure each time
    other.controls["slope"].value = 2.0
    assert other.figure is not first and other.caption.value == "slope 2.0"


def test_captions_grow_in_projection_mode_and_errors_are_red():
    caption = w.HTML()
    widgets.set_caption(caption, "η = 0.5 < 2/D_max")
    assert caption.value == "η = 0.5 &lt; 2/D_max" and caption.style.font_size == "14px"
    try:
        plots.projection_mode(True)
        widgets.set_caption(caption, "diverged", error=True)
        assert caption.style.font_size == "18px"
        assert "color:#b00" in caption.value and "diverged" in caption.value
        assert "20px" in widgets.title_html("w<sup>l</sup>")
    finally:
        plots.projection_mode(False)
    assert "15px" in widgets.title_html("t")


def test_a_figure_app_reports_a_bad_setting_instead_of_raising():
    def builder(x):
        if x > 1:
            raise ValueError("x must be <= 1")
        return _figure(x), f"x = {x}"

    app = widgets.figure_app(builder, x=widgets.float_slider("x", 0.5, 0.0, 2.0, 0.1))
    assert app.error is None and app.caption.value == "x = 0.5"
    app.controls["x"].value = 2.0
    assert app.error == "x must be <= 1" and "x must be &lt;= 1" in app.caption.value
    app.controls["x"].value = 1.0
    assert app.error is None and app.caption.value == "x = 1.0"


def test_notation_app_redraws_for_each_weight():
    net = Network([3, 4, 2], seed=0)
    app = widgets.notation_app(net=net)
    assert app.error is None and "w³₁₂" in app.caption.value and "^" not in app.caption.value
    assert "w^l" not in app.children[0].value  # the title writes w with <sup>/<sub>
    before, caption = png(app), app.caption.value
    app.controls["j"].value = 2
    assert app.error is None and app.caption.value != caption and png(app) != before
    assert f"{net.weights[1][1, 1]:.4f}" in app.caption.value  # w^3_22


def test_notation_app_ranges_follow_the_layer():
    app = widgets.notation_app(sizes=(3, 4, 2))
    layer, j, k = (app.controls[n] for n in ("layer", "j", "k"))
    assert (layer.min, layer.max) == (2, 3) and (j.max, k.max) == (2, 4)
    layer.value = 2  # w^2: j runs over the 4 hidden neurons, k over the 3 inputs
    assert (j.max, k.max) == (4, 3) and app.error is None
    j.value, k.value = 4, 3  # the extreme corner
    assert app.error is None and "w²₄₃" in app.caption.value
    layer.value = 3  # back to w^3: j and k are clamped into range, no error left behind
    assert (j.value, k.value) == (2, 3) and (j.max, k.max) == (2, 4)
    assert app.error is None and "w³₂₃" in app.caption.value


def test_notation_app_rejects_a_network_too_big_to_draw():
    with pytest.raises(ValueError, match="sizes"):
        widgets.notation_app(sizes=(784, 30, 10))


def _ratio(app):
    return float(re.search(r"= (\d\.\d+)$", app.caption.value).group(1))


def test_hadamard_gate_app_follows_the_weight_scale_to_both_ends():
    app = widgets.hadamard_gate_app()
    slider = app.controls["weight_scale"]
    before, ratio = png(app), _ratio(app)
    low, high = ends(slider)
    slider.value = low
    assert app.error is None and png(app) != before and _ratio(app) > ratio
    slider.value = high
    assert app.error is None and _ratio(app) < ratio
    assert (low, high) == (0.05, 20.0) and "weights x 20:" in app.caption.value


def _deltas(app):
    m = re.search(r"quadratic = ([-+\d.e]+), cross-entropy = ([-+\d.e]+)", app.caption.value)
    return float(m.group(1)), float(m.group(2))


def test_saturation_app_moves_with_z_and_the_target():
    app = widgets.saturation_app()
    z, y = app.controls["z_L"], app.controls["y"]
    before, (dq, dx) = png(app), _deltas(app)
    assert dq < 0 and dx < 0 and abs(dx) > 10 * abs(dq)  # wrong and saturated: quadratic stalls
    z.value = 0.0
    assert png(app) != before and _deltas(app)[0] < dq  # sigma'(0) = 1/4: quadratic wakes up
    y.value = 0
    dq0, dx0 = _deltas(app)
    assert dq0 > 0 and dx0 == pytest.approx(0.5)
    for extreme in (z.min, z.max):
        z.value = extreme
        assert app.error is None and "z^L = " in app.caption.value


def test_gd_app_redraws_while_eta_moves_and_survives_both_ends():
    app = widgets.gd_quadratic_app()
    eta = app.controls["eta"]
    assert eta.continuous_update and app.error is None and "regime: good" in app.caption.value
    before, caption = png(app), app.caption.value
    eta.value = 0.3  # a stop of the slider: inside the oscillating band, as the text says
    assert app.error is None and "regime: oscillating" in app.caption.value
    assert app.caption.value != caption and png(app) != before
    low, high = ends(eta)
    eta.value = high  # eta = 1: far past 2/D_max
    assert app.error is None and "regime: diverging" in app.caption.value
    assert "left the picture" in app.caption.value
    eta.value = low
    assert app.error is None and "regime: slow" in app.caption.value


def test_l2_app_moves_w_tilde_with_lambda():
    app = widgets.l2_hessian_app()
    assert all(c.continuous_update for c in app.controls.values())
    before, caption = png(app), app.caption.value
    app.controls["lmbda"].value = 2.0
    assert app.error is None and "λ = 2 " in app.caption.value
    assert app.caption.value != caption and png(app) != before
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
        for value in ends(c):
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


def test_penalty_step_app_moves_live_and_survives_its_extremes():
    app = widgets.penalty_step_app()
    slider = app.controls["lmbda"]
    assert slider.continuous_update
    before, caption = png(app), app.caption.value
    slider.value = 5.0
    assert app.error is None and app.caption.value != caption and png(app) != before
    low, high = extremes(app, "lmbda")
    # the slider's stops are 1-2-5 values: its top is 10 (10**1.25 = 17.8 is no stop), and the
    # caption computes with the value shown, 0.5 x 10 / 10 = 0.5
    assert "0.0005" in low and "× 10 / 10 = 0.5:" in high


def test_penalty_step_app_keeps_its_first_layout_over_the_whole_slider():
    # the right panel's y-axis scales with the step, 0.0005 to 0.5: its tick labels are padded
    # to one width, so no stop of the slider needs a wider margin (a new layout: a whole build,
    # a few hundred ms, where a frame takes tens)
    app = widgets.penalty_step_app()
    slider = app.controls["lmbda"]
    for value in (*slider.values, *slider.values[::-1]):
        slider.value = value
        assert app.error is None
    assert app.frames.stats["layouts"] == 1 and app.frames.stats["frames"] > len(slider.values)
    tick_labels = [t.get_text() for t in app.figure.axes[1].get_yticklabels()]
    assert all(len(t) == 8 and t.strip("\u2007") for t in tick_labels)


def test_l1_eigen_app_counts_zeroed_components():
    app = widgets.l1_eigen_app()
    low, high = extremes(app, "lmbda")
    assert "sets 0 of 5" in low and "sets 5 of 5" in high


def test_dropout_network_app_button_draws_a_new_mini_batch():
    app = widgets.dropout_network_app()
    batch = app.controls["mini_batch"]
    before, caption = png(app), app.caption.value
    app.button.click()
    assert batch.value == 2 and app.caption.value.startswith("mini-batch 2")
    assert app.caption.value != caption and png(app) != before
    batch.value = batch.max
    app.button.click()
    assert batch.value == batch.min  # wraps around
    low, high = extremes(app, "p_drop")
    assert "nodes none" in low and app.error is None


def test_dropout_expectation_app_redraws_for_each_p_drop():
    app = widgets.dropout_expectation_app(**SMALL)
    assert not app.controls["p_drop"].continuous_update
    caption = app.caption.value
    low, high = extremes(app, "p_drop")
    assert low != caption != high and "unscaled full network" in high


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
    _, caption = plots.distortion_grid(experiments.sample_digits()[0])
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
    X, _ = experiments.sample_digits()
    mosaic = app.figure.axes[0].images[0].get_array()
    top = left = more_data.GAP
    left += 28 + more_data.GAP
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
    X, _ = experiments.sample_digits((3, 8))
    app = widgets.distortion_app(X)
    assert len(app.figure.axes[0].collections) == 2  # one field per digit
    with pytest.raises(ValueError, match="at most 6"):
        widgets.distortion_app(np.zeros((784, 9)))
