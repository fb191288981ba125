"""The playground figure's axes move in steps (lecture5/plots/live.py), so that most refreshes
leave every axis as it was and only the curves, the picture and the histogram are drawn again."""

import math

import numpy as np
import pytest

from lecture5.plots import live


def test_the_epoch_axis_ends_on_the_next_step_and_keeps_the_curves_on_most_of_it():
    assert [live.epoch_axis_end(e) for e in (0, 1, 1.2, 2, 4, 11, 30, 31, 700, 701)] == [
        1, 1, 1.5, 2, 5, 15, 30, 50, 700, 1000]
    for last in np.linspace(1, 5000, 2001):
        end = live.epoch_axis_end(last)
        assert last <= end <= 1.67 * last
        assert math.sqrt(last / end) >= 0.77  # on the square-root axis: at least 77 % covered


@pytest.mark.parametrize("x, top", [(0.9, 1.0), (1.0, 1.0), (1.01, 1.2), (3.3, 4.0),
                                    (0.0042, 0.005), (7001, 8000), (8001, 10000)])
def test_nice_top_is_the_next_nice_number(x, top):
    assert live.nice_top(x) == pytest.approx(top)


def test_a_sticky_top_stays_while_the_data_fit_and_moves_when_they_outgrow_or_shrink():
    assert live.sticky_top(0.0, 0.7) == 0.8  # the first: the nice top
    assert live.sticky_top(0.8, 0.75) == 0.8  # fits: kept
    assert live.sticky_top(0.8, 0.33) == 0.8  # more than 40 % of it: kept
    assert live.sticky_top(0.8, 0.81) == 1.0  # grown past it
    assert live.sticky_top(0.8, 0.3) == 0.3  # shrunk under 40 %: zoomed in
    assert live.sticky_top(0.8, float("nan")) == 0.8  # nothing to fit: kept


def test_padded_labels_keep_one_width_and_centred_ones_their_centre():
    from lecture5.plots.draw import PaddedFormatter

    right, centre = PaddedFormatter(5), PaddedFormatter(5, align="center")
    for f in (right, centre):
        f.create_dummy_axis()
        f.axis.set_view_interval(0, 10000)
    ticks = [0, 20, 100, 10000]
    assert right.format_ticks(ticks) == ["\u2007" * 4 + "0", "\u2007" * 3 + "20",
                                         "\u2007" * 2 + "100", "10000"]
    # both sides alike, so a label stays centred under its tick: one more for odd padding
    assert centre.format_ticks(ticks) == ["\u2007\u20070\u2007\u2007",
                                          "\u2007\u200720\u2007\u2007",
                                          "\u2007100\u2007", "10000"]
    with pytest.raises(ValueError, match="align"):
        PaddedFormatter(5, align="left")


def test_a_run_keeps_the_playground_laid_out_once():
    """The epoch, cost, accuracy and weight axes take the room of their longest labels from the
    start, so epochs going from 1 to hundreds, costs and weights growing, need no new layout
    (which costs a whole drawing and more while training runs)."""
    from lecture5.playground import Playground

    app = Playground(preset="moons, a small network", render=True)
    frames = app.view.frames
    for n in (1, 2, 10, 40, 100, 150):
        app.run_epochs(n)
    assert app.trainer.epoch == 303
    assert frames.stats["layouts"] == 1, frames.stats
    labels = {t.get_text().strip("\u2007") for t in app.view.ax["cost"].get_xticklabels()}
    assert "100" in labels or "200" in labels, labels
