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


def test_an_app_takes_the_path_of_a_move_once_when_made_so_its_first_move_costs_no_more():
    """FigureApp._prime: made, the app has already drawn a frame over its saved picture and
    remembered the legends it pastes, so its first move pastes them at once."""
    app = widgets.penalty_step_app()
    stats, pastes = app.frames.stats, app.frames.pastes.stats
    assert stats["frames"] == 2 and stats["blits"] == 1 and pastes["remembered"] >= 2
    before = app.caption.value
    app.controls["lmbda"].index += 1
    assert stats["blits"] == 2 and pastes["pasted"] >= 2  # the two legends, not drawn again
    assert app.caption.value != before
