"""Apps of notebooks 01, 02, 03, 08 and 09 change their figure in place while a slider moves
(issue 12): the same figure stays, only its changing artists are redrawn (a blit), and the
caption is the one a figure built afresh for the slider values would have."""

import html

import pytest

from lecture5 import widgets
from lecture5.widgets import displayed_value

#: app, then (slider, values) moves, each to be done in place
MOVES = {
    "saturation_app": (widgets.saturation_app, [("z_L", -8.0), ("y", 0), ("z_L", 8.0)]),
    "hadamard_gate_app": (widgets.hadamard_gate_app,
                          [("weight_scale", 10 ** -1.3), ("weight_scale", 10 ** 1.5)]),
    "notation_app": (widgets.notation_app, [("j", 2), ("k", 4), ("layer", 2), ("k", 1)]),
    "filter_app": (widgets.filter_app, [("tau", 1), ("tau", 1000), ("lmbda", 0.001),
                                        ("lmbda", 100.0), ("tau", 37.3)]),
    "distortion_app": (widgets.distortion_app, [("degrees", -45.0), ("alpha", 80.0),
                                                ("sigma", 1.0), ("dx", 6.0), ("factor", -0.6)]),
}


@pytest.mark.parametrize("name", sorted(MOVES))
def test_a_slider_move_changes_the_figure_in_place(name):
    make, moves = MOVES[name]
    app = make()
    fig = app.figure
    for control, value in moves:
        blits = app.frames.stats["blits"]
        app.controls[control].value = value
        assert app.error is None, (name, control, app.error)
        assert app.figure is fig and app.frames.stats["blits"] > blits, (name, control)
        values = {k: displayed_value(c) for k, c in app.controls.items()}
        _, caption = app.builder(**values)
        assert app.caption.value == html.escape(caption), (name, control, value)
