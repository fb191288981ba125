"""lecture5.plots._render: how an app turns one figure after another into PNG frames (issue 12).

A frame must show exactly what the figure shows: the first frame is the figure with its own
layout, a later frame reuses that layout only while the texts still fit, and a figure changed in
place (``updatable``) gives the same pixels as the same figure built afresh."""

import functools
import io

import numpy as np
import pytest
from matplotlib.axis import Axis
from PIL import Image

from lecture5 import experiments, plots
from lecture5.datasets import load_mnist
from lecture5.plots import Frames, render_once, update_in_place
from lecture5.plots import _render as render
from lecture5.plots import early_stopping as es_plots

#: upd2: a small version of notebook 07's dropout problem (as tests/test_plots_dropout.py)
_SMALL7 = {"sizes": (784, 30, 10), "n_train": 300, "epochs": 4, "n_test": 500}

#: every builder that can change its figure in place: (builder, first values, later values); a
#: change of each kind the builder's apps make, including the extremes of their sliders
UPDATABLE = {
    "gd_quadratic": (plots.gd_quadratic, {"eta": 0.15},
                     [{"eta": 0.05}, {"eta": 0.42}, {"eta": 1.0}, {"eta": 0.001}, {"eta": 0.3}]),
    # upd1
    "filter_figure": (es_plots.filter_figure, {"tau": 20, "lmbda": None},
                      [{"tau": 1, "lmbda": 0.001}, {"tau": 1000, "lmbda": 100.0},
                       {"tau": 1000, "lmbda": 0.01}, {"tau": 5, "lmbda": None},
                       {"tau": 50, "lmbda": 2.0}, {"tau": 20, "lmbda": 0.5}]),
    # in two entries: a title with a subscript 3 is one pixel taller, and a figure whose title
    # changed height since its last layout is saved laid out 1 ulp apart from a fresh one by the
    # constrained layout (its frames, drawn with the app's remembered layout, are exact)
    "network_diagram": (plots.network_diagram, {"layer": 3, "j": 1, "k": 2},
                        [{"layer": 3, "j": 2, "k": 4}, {"layer": 2, "j": 1, "k": 1},
                         {"layer": 2, "j": 4, "k": 2}, {"layer": 3, "j": 1, "k": 1}]),
    "network_diagram, a 3 in the title": (
        plots.network_diagram, {"layer": 2, "j": 4, "k": 3},
        [{"layer": 2, "j": 1, "k": 3}, {"layer": 3, "j": 2, "k": 3}, {"layer": 2, "j": 3, "k": 1},
         {"layer": 3, "j": 1, "k": 3}]),
    "hadamard_gate": (functools.partial(plots.hadamard_gate, experiments.gate_example()),
                      {"weight_scale": 1.0},
                      [{"weight_scale": 10 ** -1.3}, {"weight_scale": 10 ** 1.5},
                       {"weight_scale": 3.2}, {"weight_scale": 0.5}]),
    "output_saturation": (plots.output_saturation, {"z_L": -4.0, "y": 1},
                          [{"z_L": -8.0, "y": 1}, {"z_L": 8.0, "y": 1}, {"z_L": 8.0, "y": 0},
                           {"z_L": -8.0, "y": 0}, {"z_L": 3.1, "y": 0}, {"z_L": 0.0, "y": 1}]),
    # upd2
    "l2_hessian_picture": (plots.l2_hessian_picture,
                           {"lmbda": 0.5, "eig1": 0.25, "eig2": 2.0, "angle_degrees": 0.0},
                           [dict(zip(("lmbda", "eig1", "eig2", "angle_degrees"), v)) for v in (
                               (0.001, 0.25, 2.0, 0.0), (100.0, 0.25, 2.0, 0.0),
                               (0.5, 0.01, 2.0, 0.0), (0.5, 10.0, 2.0, 0.0),
                               (0.5, 0.25, 0.01, 0.0), (3.0, 0.25, 10.0, 0.0),
                               (0.5, 0.25, 2.0, -90.0), (0.02, 3.0, 0.05, 90.0),
                               (0.5, 0.25, 2.0, 0.0))]),
    "penalty_step_figure": (plots.penalty_step_figure, {"lmbda": 2.0},
                            [{"lmbda": 10 ** 1.25}, {"lmbda": 5.0}, {"lmbda": 1.0},
                             {"lmbda": 3.3}, {"lmbda": 2.0}]),
    "l1_l2_eigen_figure": (plots.l1_l2_eigen_figure, {"lmbda": 1.0},
                           [{"lmbda": 0.01}, {"lmbda": 10 ** 1.5}, {"lmbda": 0.316},
                            {"lmbda": 3.0}, {"lmbda": 1.0}]),
    "l1_rotated_figure": (plots.l1_rotated_figure, {"lmbda": 0.3},
                          [{"lmbda": 0.0}, {"lmbda": 0.7}, {"lmbda": 0.42}, {"lmbda": 0.5},
                           {"lmbda": 0.01}, {"lmbda": 0.3}]),
    "dropout_network_figure": (plots.dropout_network_figure, {"mini_batch": 1, "p_drop": 0.5},
                               [{"mini_batch": b, "p_drop": p} for b, p in (
                                   (2, 0.5), (100, 0.5), (100, 0.0), (37, 0.75), (7, 0.75),
                                   (1, 0.05))]),
    "dropout_expectation_figure": (
        lambda p_drop: plots.dropout_expectation_figure(
            experiments.trained_network(experiments.dropout_run(0.5, **_SMALL7), (784, 30, 10)),
            load_mnist(n_train=1, n_test=_SMALL7["n_test"]), p_drop, samples=500),
        {"p_drop": 0.15}, [{"p_drop": p} for p in (0.05, 0.9, 0.5, 0.75, 0.15)]),
}


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def savefig_pixels(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return pixels(buf.getvalue())


def pixels_as_laid_out(fig) -> np.ndarray:
    """``fig`` drawn whole where its panels are now (no layout engine moving them)."""
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    try:
        return pixels(render_once(fig))
    finally:
        fig.set_layout_engine(engine)


@plots.styled
def _curve(label="x", top=1.0):
    fig, ax = plots.new_figure()
    ax.plot([0, 1], [0, top])
    ax.set_ylabel(label)
    ax.set_title("a curve")
    return fig


def _keeping_layout(first_fig) -> Frames:
    """A renderer that has drawn ``first_fig`` and gives its layout to every later figure of the
    same structure, even one whose texts are longer (as an app's figure changed in place keeps
    its layout): the frames then differ from it only if an update left an artist stale."""
    frames = Frames()
    frames.png(first_fig)
    frames._sizes = tuple(10**9 for _ in frames._sizes)  # no text counts as grown
    frames.pastes.clear()  # every artist of a later figure drawn, none pasted: the reference
    return frames


def test_a_frame_is_the_whole_figure_drawn_once():
    fig = _curve()
    frame = pixels(Frames().png(fig))
    assert frame.shape[:2] == (400, 900)  # the figure's own size: no cropping
    np.testing.assert_array_equal(frame, savefig_pixels(fig))
    np.testing.assert_array_equal(pixels(render_once(_curve())), frame)


def test_later_frames_reuse_the_layout_while_their_texts_fit():
    frames = Frames()
    first = _curve(top=1.0)
    frames.png(first)
    second = _curve(top=0.5)  # same tick label lengths ("0.0" .. "1.0" against "0.0" .. "0.5")
    frames.png(second)
    assert frames.stats == {"frames": 2, "layouts": 1, "blits": 0}
    assert second.axes[0].get_position().bounds == pytest.approx(
        first.axes[0].get_position().bounds)


def test_a_frame_whose_texts_grew_gets_its_own_layout():
    frames = Frames()
    frames.png(_curve(top=1.0))
    wide = _curve(label="a much longer\ny-axis label", top=0.00025)  # "0.00025" ticks
    frame = pixels(frames.png(wide))
    assert frames.stats["layouts"] == 2
    # laid out afresh, exactly as the figure alone: the longer label is not cut off
    np.testing.assert_array_equal(frame, pixels(render_once(
        _curve(label="a much longer\ny-axis label", top=0.00025))))
    renderer = wide.canvas.get_renderer()
    box = wide.axes[0].yaxis.label.get_window_extent(renderer)
    assert box.x0 >= 0


def test_a_figure_of_another_structure_gets_its_own_layout():
    @plots.styled
    def two_panels():
        fig, axes = plots.new_figure(1, 2)
        for ax in axes:
            ax.plot([0, 1])
        return fig

    frames = Frames()
    frames.png(_curve())
    frames.png(two_panels())
    assert frames.stats["layouts"] == 2


@pytest.mark.parametrize("name", sorted(UPDATABLE))
def test_a_figure_changed_in_place_shows_what_a_fresh_one_shows(name):
    builder, first, changes = UPDATABLE[name]
    fig, _ = builder(**first)
    frames = Frames()
    frames.png(fig)
    for values in changes:
        caption = update_in_place(fig, values)
        assert caption is not None, (name, values)
        frame = pixels(frames.png(fig))
        fresh, fresh_caption = builder(**{**first, **values})
        assert caption == fresh_caption, (name, values)
        # the fresh figure through a renderer that has seen the first one: the same layout
        reference = _keeping_layout(builder(**first)[0])
        expected = pixels(reference.png(fresh))
        differ = np.any(frame != expected, axis=-1)
        assert not differ.any(), (name, values, f"{differ.mean():.2%} of the pixels differ")
    # and the figure saved any other way is whole (nothing left out of a full draw; once, after
    # the last change: a save lays the figure out, the slowest part of this test)
    np.testing.assert_array_equal(savefig_pixels(fig), savefig_pixels(fresh))
    assert frames.stats["blits"] == len(changes)


@pytest.mark.parametrize("name", sorted(UPDATABLE))
def test_in_projection_mode_too_a_figure_changed_in_place_is_a_fresh_one(name):
    """Projection mode lays most figures out afresh (larger texts): one change, the first of
    the entry (the first changes keep the titles' lengths: a fresh figure whose title is longer
    gets a new layout from the renderer, which the app's figure, changed in place, keeps)."""
    builder, first, changes = UPDATABLE[name]
    plots.projection_mode(True)
    try:
        fig, _ = builder(**first)
        frames = Frames()
        frames.png(fig)
        caption = update_in_place(fig, changes[0])
        if caption is None:  # declined (a text outgrew the layout): the app builds afresh
            return
        frame = pixels(frames.png(fig))
        reference = _keeping_layout(builder(**first)[0])
        fresh, fresh_caption = builder(**{**first, **changes[0]})
        expected = pixels(reference.png(fresh))
    finally:
        plots.projection_mode(False)
    assert caption == fresh_caption
    differ = np.any(frame != expected, axis=-1)
    assert not differ.any(), (name, f"{differ.mean():.2%} of the pixels differ")


@pytest.mark.parametrize("name", sorted(UPDATABLE))
def test_a_bad_value_leaves_the_figure_as_it_was(name):
    builder, first, _ = UPDATABLE[name]
    fig, _ = builder(**first)
    before = savefig_pixels(fig)
    key = next(iter(first))
    with pytest.raises((ValueError, TypeError), match=key):
        update_in_place(fig, {key: float("nan")})
    np.testing.assert_array_equal(savefig_pixels(fig), before)


def test_update_in_place_declines_what_it_cannot_do():
    assert update_in_place(_curve(), {"top": 2.0}) is None  # no hook: build afresh
    fig, _ = plots.gd_quadratic(0.15)
    assert update_in_place(fig, {"eta": 0.2, "eigenvalues": (4.0, 1.0)}) is None


@pytest.mark.parametrize("channels", [3, 4, "rgb of rgba"])
def test_encode_png_gives_exactly_the_pixels(channels):
    strided = channels == "rgb of rgba"  # what an opaque canvas gives: a view, not contiguous
    rng = np.random.default_rng(7 if strided else channels)
    flat = np.zeros((37, 53, 4 if strided else channels), dtype=np.uint8)
    flat[5:20, 7:40] = rng.integers(0, 256, size=(15, 33, flat.shape[2]), dtype=np.uint8)
    flat[..., :3] += 200  # a figure: flat areas and some noise
    if strided:
        flat, channels = flat[..., :3], 3
        assert not flat.flags.c_contiguous
    decoded = Image.open(io.BytesIO(render.encode_png(flat)))
    assert decoded.mode == ("RGB" if channels == 3 else "RGBA") and decoded.size == (53, 37)
    np.testing.assert_array_equal(np.asarray(decoded), flat)


def test_a_blitted_frame_is_drawn_again_whole_when_an_axis_limit_changed():
    fig = _curve()
    (line,) = fig.axes[0].get_lines()
    fig.lecture5_changing = [line]
    frames = Frames()
    frames.png(fig)
    line.set_ydata([0, 0.8])  # within the axis: only the line is drawn again
    inside = frames.png(fig)
    assert frames.stats["blits"] == 1
    np.testing.assert_array_equal(pixels(inside), savefig_pixels(fig))
    fig.axes[0].set_ylim(-1, 2)  # other ticks: the picture behind the line changed too
    outside = frames.png(fig)
    assert frames.stats["blits"] == 1
    np.testing.assert_array_equal(pixels(outside), savefig_pixels(fig))


@pytest.mark.parametrize("preset", ["moons, a small network", "overfit 1,000 digits"])
def test_the_playground_redraws_only_what_moved_and_shows_the_whole_figure(preset):
    from lecture5.playground import Playground
    from lecture5.widgets import shown_png

    app = Playground(preset=preset, render=True)
    app.run_epochs(15)  # the first epochs widen the epoch axis often (1, 1.5, 2, 3, 5, ...)
    frames = app.view.frames
    before = dict(frames.stats)
    shown = []
    for _ in range(15):
        app.run_epochs(1)  # one refresh each
        shown.append(shown_png(app.picture))
    # most refreshes leave every axis as it was and draw only the curves, picture and histogram
    assert frames.stats["frames"] - before["frames"] == 15
    assert frames.stats["blits"] - before["blits"] >= 10, (before, frames.stats)
    # the last one is what the figure shows drawn whole, laid out as its frames are (a save
    # would lay it out afresh, from the widths of its texts now)
    np.testing.assert_array_equal(pixels(shown[-1]), pixels_as_laid_out(app.view.fig))
    # a panel moved (a save that lays the figure out again can move them): the next frame is
    # drawn whole, not over the old picture
    ax = app.view.ax["hist"]
    x0, y0, width, height = ax.get_position().bounds
    ax.set_position([x0 + 0.02, y0, width - 0.02, height])
    blits = frames.stats["blits"]
    frame = pixels(frames.png(app.view.fig))
    assert frames.stats["blits"] == blits
    np.testing.assert_array_equal(frame, pixels_as_laid_out(app.view.fig))


def test_a_new_network_shown_while_paused_is_a_quick_frame_and_its_first_epoch_refits():
    """Another number of hidden layers, paused: the epoch axes stay as they were and the weight
    axis only widens (the histogram's axes are drawn with the frame), so each frame draws only
    what changed, and is exactly the figure drawn whole; the new run's first epoch fits the
    axes to it."""
    from lecture5.playground import Playground
    from lecture5.widgets import shown_png

    app = Playground(preset="moons, a small network", render=True)
    app.run_epochs(20)
    frames, fig = app.view.frames, app.view.fig
    epochs_axis, weights_axis = fig.axes[0].get_xlim(), app.view.ax["hist"].get_xlim()
    layers = app.controls["layers"]
    blits = frames.stats["blits"]
    for value in (2, 3, 0, 1, 3):
        layers.value = value
        np.testing.assert_array_equal(pixels(shown_png(app.picture)), pixels_as_laid_out(fig))
        assert fig.axes[0].get_xlim() == epochs_axis and not len(app.view.train_cost.get_xdata())
        assert app.view.ax["hist"].get_xlim()[1] >= weights_axis[1]
    assert frames.stats["blits"] - blits >= 4, frames.stats  # a first state may need a draw
    app.run_epochs(1)
    assert fig.axes[0].get_xlim() == (0, 1.0)  # epoch 1 of the new run: the axis ends at 1
    np.testing.assert_array_equal(pixels(shown_png(app.picture)), pixels_as_laid_out(fig))


def test_a_legend_drawn_again_as_it_was_is_pasted_and_the_frame_stays_exact():
    """A legend or an axis in the same state over the same pixels is pasted from an earlier
    frame (lecture5.plots._pastes); over other pixels (a line moved under a half-transparent
    legend) it is drawn again.  Every frame is what a full draw gives."""
    fig = _curve()
    ax = fig.axes[0]
    ax.set_ylim(0, 1)
    (line,) = ax.get_lines()
    line.set_label("a line")
    legend = ax.legend(loc="upper left", framealpha=0.5)
    fig.lecture5_changing = [line, legend, ax.yaxis, *ax.spines.values()]  # spines over the line
    frames = Frames()
    frames.png(fig)
    for top in (0.95, 0.95, 0.3, 0.3, 0.97, 0.97):  # under the legend at 0.95 and 0.97 only
        line.set_ydata([top, 0.0])
        np.testing.assert_array_equal(pixels(frames.png(fig)), savefig_pixels(fig), str(top))
    stats = frames.pastes.stats
    assert stats["pasted"] >= 5 and stats["under changed"] >= 2, stats
    legend.get_texts()[0].set_text("another line")  # another state: drawn, not pasted
    pasted = stats["pasted"]
    np.testing.assert_array_equal(pixels(frames.png(fig)), savefig_pixels(fig))
    assert stats["pasted"] == pasted + 1  # the axis only


def test_an_axis_is_pasted_only_while_its_box_is_as_it_was():
    """An axis is pasted while nothing in its box (its panel, ticks and labels) changed, and
    drawn again when something under it did, between its grid lines or on one.  Every frame is
    what a full draw gives."""
    fig, ax = plots.new_figure()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xticks([0, 0.5, 1])
    ax.set_yticks([0, 0.5, 1])
    ax.grid(True, alpha=0.3)
    # a dot under the axis (zorder 1 < the grid's 1.5) that moves between grid lines or onto one
    (dot,) = ax.plot([0.25], [0.75], "o", markersize=6, zorder=1)
    # the spines too: a whole draw draws them over the grid lines
    fig.lecture5_changing = [dot, ax.xaxis, ax.yaxis, *ax.spines.values()]
    frames = Frames()
    frames.png(fig)
    stats = frames.pastes.stats
    assert stats["remembered"] == 2  # over the picture drawn whole: the next frame pastes them
    moves = ((0.25, 0.75), (0.25, 0.75), (0.3, 0.8), (0.3, 0.8), (0.5, 0.7), (0.2, 0.7))
    pasted = []
    for x, y in moves:
        before = stats["pasted"]
        dot.set_data([x], [y])
        np.testing.assert_array_equal(pixels(frames.png(fig)), savefig_pixels(fig), (x, y))
        pasted.append(stats["pasted"] - before)
    # both axes pasted while the dot stays, both drawn again after it moved
    assert pasted == [2, 2, 0, 2, 0, 0], (pasted, stats)
    assert stats["remembered"] == 2 and stats["under changed"] == 6, stats


def _axes_in(fig):
    return [a for a in getattr(fig, "lecture5_changing", ()) if isinstance(a, Axis)]


def _updated_states(kind):
    """(name, figure drawn once, its changing artists of ``kind``) for every builder that changes
    in place and keeps such artists, at its first values and after each of its changes."""
    for name, (builder, first, changes) in sorted(UPDATABLE.items()):
        fig, _ = builder(**first)
        artists = [a for a in getattr(fig, "lecture5_changing", ()) if isinstance(a, kind)]
        for values in ([{}, *changes] if artists else []):
            if values:
                update_in_place(fig, values)
            render_once(fig)
            yield f"{name} {values}", fig, artists


def _figures_with_changing_axes():
    """(name, figure drawn once) for every figure whose frames may paste an axis: the builders
    that change in place (:func:`_updated_states`) and the playground."""
    from lecture5.playground import Playground

    for name, fig, _ in _updated_states(Axis):
        yield name, fig
    for preset in ("moons, a small network", "overfit 1,000 digits"):
        app = Playground(preset=preset, render=True)
        for _ in range(3):
            app.run_epochs(7)
            yield preset, app.view.fig


def _axes_the_box_may_not_hold():
    """(name, figure drawn once) with an axis whose texts have a box drawn around them, or whose
    spine was moved away from the panel: their footprints are drawn, not boxes."""
    for name in ("a box around the label", "a box around the tick labels", "an outward spine"):
        fig = _curve()
        ax = fig.axes[0]
        ax.set_xlabel("x")
        if name == "a box around the label":
            ax.xaxis.label.set_bbox({"boxstyle": "round", "pad": 2.0})
        elif name == "a box around the tick labels":
            for label in ax.get_xticklabels():
                label.set_bbox({"pad": 12.0})
        else:  # its ticks go with it, below the panel; no tick label or label covers them
            ax.spines["bottom"].set_position(("outward", 40))
            ax.tick_params(labelbottom=False)
            ax.set_xlabel("")
        fig.lecture5_changing = [ax.xaxis]
        render_once(fig)
        yield name, fig


def _legend_figures():
    """(name, figure drawn once, its changing legends): every legend the builders that change in
    place keep, at their first values and after their changes, and three made here: a rounded
    frame with a shadow, a translucent frame, and no frame."""
    from matplotlib.legend import Legend

    yield from _updated_states(Legend)
    for style in ({"fancybox": True, "shadow": True, "framealpha": 1.0}, {"framealpha": 0.5},
                  {"frameon": False}):
        fig = _curve()
        ax = fig.axes[0]
        ax.get_lines()[0].set_label("a line")
        legend = ax.legend(loc="center", **style)
        render_once(fig)
        yield str(style), fig, [legend]


def test_a_legend_footprint_finds_every_pixel_that_depends_on_what_is_under_it():
    """A legend's footprint (lecture5.plots._pastes._footprint) draws only its frame over black
    and over white (the legend draws the rest over its frame): every pixel whose colour, with
    the whole legend drawn over black and over white, differs must be found depending, or a
    paste over a changed picture would keep old pixels; and it finds few more (a translucent
    frame: its opaque text)."""
    from lecture5.plots import _pastes

    checked, depending = 0, set()
    for name, fig, legends in _legend_figures():
        renderer = fig.canvas.get_renderer()
        shape = (int(renderer.height), int(renderer.width), 4)
        for legend in legends:
            region, touched, found = _pastes._footprint(legend, shape, fig.dpi, renderer)
            black = _pastes._alone(legend, shape, fig.dpi, (0, 0, 0, 255))[region]
            white = _pastes._alone(legend, shape, fig.dpi, (255, 255, 255, 255))[region]
            exact = touched & np.any(black != white, axis=-1)
            assert not (exact & ~found).any(), (name, int((exact & ~found).sum()))
            assert found.sum() <= exact.sum() + 0.05 * touched.sum(), (
                name, int(found.sum()), int(exact.sum()))
            checked += 1
            if exact.any():
                depending.add(name)
    # the app's legends are square and opaque (nothing depends); of the three made here, the
    # shadow and the translucent frame depend on what is under them, through the frame's test
    assert checked >= 40, checked
    assert depending == {str({"fancybox": True, "shadow": True, "framealpha": 1.0}),
                         str({"framealpha": 0.5}), str({"frameon": False})}, depending


def test_every_pixel_an_axis_draws_lies_in_the_footprint_it_is_pasted_by():
    """An axis's footprint (lecture5.plots._pastes._footprint) is a box found from its panel,
    tick labels and ticks, without drawing it (_axis_box), where that box holds it, else drawn:
    every pixel the axis touches, drawn alone on a transparent canvas, must lie in it, or a
    paste would leave a pixel of the old axis.  The package's figures all take the box."""
    from lecture5.plots import _pastes

    checked, missed = 0, []
    figures = [(name, fig, True) for name, fig in _figures_with_changing_axes()]
    figures += [(name, fig, False) for name, fig in _axes_the_box_may_not_hold()]
    for name, fig, boxed in figures:
        renderer = fig.canvas.get_renderer()
        shape = (int(renderer.height), int(renderer.width), 4)
        for axis in _axes_in(fig):
            if not axis.get_visible():
                continue
            assert _pastes._boxed(axis) == boxed, (name, axis.axis_name)
            touched = _pastes._alone(axis, shape, fig.dpi, (0, 0, 0, 0))[..., 3] > 0
            region, _, depends = _pastes._footprint(axis, shape, fig.dpi, renderer)
            inside = np.zeros_like(touched)
            inside[region] = depends
            assert touched.any() and not (touched & ~inside).any(), (
                name, axis.axis_name, f"{(touched & ~inside).sum()} pixels outside")
            if not boxed:  # would the box alone have missed some of them?
                (rows, cols), _, _ = _pastes._axis_box(axis, shape, fig.dpi, renderer)
                box = np.zeros_like(touched)
                box[rows, cols] = True
                missed.append(name) if (touched & ~box).any() else None
            checked += 1
    assert checked >= 40, checked
    # the box alone would have missed the ticks of the outward spine
    assert "an outward spine" in missed, missed


def test_a_legend_pasted_into_a_figure_built_afresh_still_places_what_hangs_on_it():
    """07's numbers are placed by the entries of a legend that frames paste: pasted into a new
    figure (an app that builds afresh), the legend still works out where its entries are."""
    builder, first, _ = UPDATABLE["dropout_expectation_figure"]
    frames = Frames()
    frames.png(builder(**first)[0])  # an app's first picture: its legends are remembered
    again = builder(**first)[0]
    frame = pixels(frames.png(again))
    assert frames.pastes.stats["pasted"] >= 2  # the two legends
    expected = pixels(_keeping_layout(builder(**first)[0]).png(builder(**first)[0]))
    np.testing.assert_array_equal(frame, expected)
