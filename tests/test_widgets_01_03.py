"""Widget apps of notebooks 01-03, driven from Python: move a control, the figure and numbers move.

Numbering: Nielsen's (input = layer 1).
"""

import re

import pytest

from lecture5 import Network, plots, widgets


def _png(app):
    return plots.to_png(app.figure)


# ---------------------------------------------------------------- notation_app (notebook 01)


def test_notation_app_redraws_for_each_weight():
    net = Network([3, 4, 2], seed=0)
    app = widgets.notation_app(net=net)
    assert app.error is None and "w³₁₂" in app.caption.value and "^" not in app.caption.value
    assert "w^l" not in app.children[0].value  # the title writes w with <sup>/<sub>
    before, caption = _png(app), app.caption.value
    app.controls["j"].value = 2
    assert app.error is None and app.caption.value != caption and _png(app) != before
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


# ---------------------------------------------------------------- hadamard_gate_app (notebook 02)


def _ratio(app):
    return float(re.search(r"= (\d\.\d+)$", app.caption.value).group(1))


def test_hadamard_gate_app_follows_the_weight_scale_to_both_ends():
    app = widgets.hadamard_gate_app()
    slider = app.controls["weight_scale"]
    before, ratio = _png(app), _ratio(app)
    slider.value = 10 ** slider.min
    assert app.error is None and _png(app) != before and _ratio(app) > ratio
    slider.value = 10 ** slider.max
    assert app.error is None and _ratio(app) < ratio
    assert "weights x 31.6" in app.caption.value


# ---------------------------------------------------------------- saturation_app (notebook 03)


def _deltas(app):
    m = re.search(r"quadratic = ([-+\d.e]+), cross-entropy = ([-+\d.e]+)", app.caption.value)
    return float(m.group(1)), float(m.group(2))


def test_saturation_app_moves_with_z_and_the_target():
    app = widgets.saturation_app()
    z, y = app.controls["z_L"], app.controls["y"]
    before, (dq, dx) = _png(app), _deltas(app)
    assert dq < 0 and dx < 0 and abs(dx) > 10 * abs(dq)  # wrong and saturated: quadratic stalls
    z.value = 0.0
    assert _png(app) != before and _deltas(app)[0] < dq  # sigma'(0) = 1/4: quadratic wakes up
    y.value = 0
    dq0, dx0 = _deltas(app)
    assert dq0 > 0 and dx0 == pytest.approx(0.5)
    for extreme in (z.min, z.max):
        z.value = extreme
        assert app.error is None and "z^L = " in app.caption.value
