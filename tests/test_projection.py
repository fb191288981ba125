"""Projection mode (issue 13): every figure builder's text stays apart when the fonts grow, and no
two series of one axes differ only in red against green.

Text: each figure is built in projection mode, drawn with Agg, and the window extents of all its
visible, non-empty text artists (titles, axis labels, drawn tick labels, legend entries, notes)
are compared pairwise; two that overlap by more than a pixel each way fail, naming both texts.

Size: text of every figure is at least ``PROJECTION_MIN_POINTS`` in projection mode, and an app's
figure is wide and short enough to be shown at >= 70 % of its pixels under two rows of controls on
a 1280x720 projector at 125 % (the browser test tests/browser/test_projector.py measures it).

Colour: each pair of series of one axes (labelled lines and scatters, the colours a legend tells
apart) that contrast in normal vision (CIELAB distance >= ``MIN_DISTANCE``) must still be that far
apart under a simulated deuteranopia (Machado, Oliveira & Fernandes 2009, severity 1).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from lecture5 import experiments, plots
from lecture5.datasets import load_mnist
from lecture5.gradcheck import TimingRow
from lecture5.plots import _style
from lecture5.widgets import _core

#: least CIELAB distance (Delta E 1976) between two series colours, in normal and deutan vision
MIN_DISTANCE = 20.0
#: the overlap two texts may share (px each way): touching extents are not a collision
SLACK = 1.0

# ------------------------------------------------------------------------------- colour maths
#: Machado et al. (2009), deuteranopia at severity 1.0, on linear RGB
_DEUTAN = np.array([[0.367322, 0.860646, -0.227968],
                    [0.280085, 0.672501, 0.047413],
                    [-0.011820, 0.042940, 0.968881]])
_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def _linear(rgb):
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb):
    t = _XYZ @ np.clip(linear_rgb, 0.0, 1.0) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a, b, deutan=False) -> float:
    """CIELAB distance of two matplotlib colours, optionally as a deuteranope sees them."""
    la, lb = _linear(to_rgb(a)), _linear(to_rgb(b))
    if deutan:
        la, lb = _DEUTAN @ la, _DEUTAN @ lb
    return float(np.linalg.norm(_lab(la) - _lab(lb)))


def red_green_only(a, b) -> bool:
    """True when ``a`` and ``b`` contrast in normal vision but merge for a deuteranope."""
    return distance(a, b) >= MIN_DISTANCE and distance(a, b, deutan=True) < MIN_DISTANCE


def test_the_simulation_sees_the_old_red_green_pair_merge():
    # the palette before issue 13: red #c62828 and green #2e7d32 were the same olive
    assert red_green_only("#c62828", "#2e7d32")
    assert not red_green_only(_style.RED, _style.GREEN)
    assert not red_green_only("#0072b2", "#e69f00")  # Okabe-Ito blue and orange


@pytest.mark.parametrize("name, colours", [
    ("RUN_COLOURS", dict(enumerate(_style.RUN_COLOURS))),
    ("METHOD_COLOURS", _style.METHOD_COLOURS),
    ("REGIME_COLOURS", _style.REGIME_COLOURS),
])
def test_palette_groups_stay_apart_for_a_deuteranope(name, colours):
    merged = [(a, b) for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2)
              if red_green_only(ca, cb)]
    assert not merged, f"{name}: these pairs differ only in red/green: {merged}"


# ------------------------------------------------------------------------------- the figures
SMALL7 = {"sizes": (784, 30, 10), "n_train": 300, "epochs": 4, "n_test": 500}
SMALL8 = {"sizes": (784, 30, 10), "n_train": 300, "validation": 300, "epochs": 12,
          "n_test": 500}


def _history(epochs=12):
    e = list(range(1, epochs + 1))
    return {"epoch": e, "train_cost": [2.0 / k for k in e], "train_penalty": [0.0] * epochs,
            "train_accuracy": [min(1.0, 0.5 + 0.04 * k) for k in e],
            "eval_cost": [3.0 / k for k in e], "eval_penalty": [0.0] * epochs,
            "eval_accuracy": [min(1.0, 0.5 + 0.03 * k) for k in e],
            "weight_norm": [10.0 + k for k in e], "zero_fraction": [0.0] * epochs,
            "seconds": [0.1] * epochs}


def _timing_rows():
    rows = []
    for h, t_bp, t_fd, extra in [(4, 1e-4, 2e-3, False), (16, 1.2e-4, 8e-3, False),
                                 (64, 2e-4, 4e-2, True)]:
        p = 16 * h + h + h * 4 + 4
        rows.append(TimingRow(h, p, t_bp, t_fd, t_fd / t_bp, 2 * p, 50 if extra else p, extra))
    return rows


def _playground():
    from lecture5.playground import Playground

    app = Playground(preset="moons, a small network", render=False)
    app.run_epochs(40)
    fig = app.figure
    plots.render_png(app.view)  # lays it out as the playground does
    return fig


def _l1_runs():
    return {p: experiments.l1_l2_run(p, 1.0) for p in ("l2", "l1_prox")}


def _drop(p_drop):
    return experiments.dropout_run(p_drop, **SMALL7)


def _early(patience, **kw):
    return experiments.early_run(patience, **kw, **SMALL8)


FAKE_PLAIN = {"sizes": [250, 500], "copies": 0, "epochs": [120, 60], "examples_seen": 30_000,
              "accuracy": np.array([[0.81, 0.83], [0.85, 0.87]])}
FAKE_X5 = {"sizes": [250], "copies": 4, "epochs": [24], "examples_seen": 30_000,
           "accuracy": np.array([[0.84, 0.845]])}

#: (name, shown in an app?, builder); an app's figure is built as the app builds it
CASES = [
    ("network_diagram", True, lambda: plots.network_diagram()),
    ("hadamard_pictures", False, lambda: plots.hadamard_pictures()),
    ("hadamard_gate", True, lambda: plots.hadamard_gate(experiments.gate_example())),
    ("output_saturation", True, lambda: plots.output_saturation()),
    ("backprop_speed", False, lambda: plots.backprop_speed(_timing_rows())),
    ("gd_quadratic good", True, lambda: plots.gd_quadratic(0.15)),
    ("gd_quadratic diverging", True, lambda: plots.gd_quadratic(0.9)),
    ("gd_regimes", False, lambda: plots.gd_regimes()),
    ("training_curves 2 panels", True, lambda: plots.training_curves(
        {"η = 0.5": _history(), "η = 5": _history()}, panels=("train_cost", "accuracy"),
        baseline=2.3)),
    ("training_curves 3 panels", True, lambda: plots.training_curves(
        {"λ = 0": _history(), "λ = 1": _history()},
        panels=("accuracy", "cost", "weight_norm"))),
    ("hessian_spectrum", False, lambda: plots.hessian_spectrum((0.25, 2.0), 0.5)),
    ("l2_hessian_picture", True, lambda: plots.l2_hessian_picture(0.5)),
    ("penalty_step_figure", True, lambda: plots.penalty_step_figure()),
    ("l1_l2_eigen_figure", True, lambda: plots.l1_l2_eigen_figure()),
    ("l1_l2_histograms", True, lambda: plots.l1_l2_histograms(_l1_runs(), lmbda=1.0)),
    ("l1_l2_weight_images", True, lambda: plots.l1_l2_weight_images(_l1_runs(), lmbda=1.0)),
    ("l1_rotated_figure", True, lambda: plots.l1_rotated_figure(0.3)),
    ("l1_trajectories_figure", False,
     lambda: plots.l1_trajectories_figure(experiments.l1_weight_paths(3.0), lmbda=3.0)),
    ("dropout_network_figure", True, lambda: plots.dropout_network_figure()),
    ("dropout_expectation_figure", True, lambda: plots.dropout_expectation_figure(
        experiments.trained_network(_drop(0.5), SMALL7["sizes"]),
        load_mnist(n_train=1, n_test=SMALL7["n_test"]), 0.5, samples=500)),
    ("dropout_overfitting_figure", True, lambda: plots.dropout_overfitting_figure(
        _drop(0.0), _drop(0.5), SMALL7["n_train"], 0.5)),
    ("step5_figure", False, lambda: plots.step5_figure(experiments.step5_runs(0.5, **SMALL7), 0.5)),
    ("early_stopping_figure", True,
     lambda: plots.early_stopping_figure(_early(None), _early(2), 2)),
    ("early_stopping_vs_l2_figure", True, lambda: plots.early_stopping_vs_l2_figure(
        _early(None), _early(None, lmbda=1.0, penalty="l2"), _early(5), 1.0, patience=5)),
    ("take_home_figure", False, lambda: plots.take_home_figure(
        {"none": _early(None), "L2\nλ = 1": _early(None, lmbda=1.0),
         "early\nstopping\nk = 5": _early(5)})),
    ("rotation_figure", False,
     lambda: plots.rotation_figure(experiments.sample_digits()[0][:, 0])),
    ("distortion_grid", True, lambda: plots.distortion_grid(experiments.sample_digits()[0])),
    ("training_size_figure", False, lambda: plots.training_size_figure(FAKE_PLAIN, FAKE_X5)),
    ("playground_figure", False, _playground),
]

#: figures whose text collides in projection mode in a module this change does not own (the
#: topic modules): each entry names the colliding texts; strict, so a fix shows up at once
KNOWN_COLLISIONS: dict[str, str] = {}


def _case(name, in_app, build):
    marks = ()
    if name in KNOWN_COLLISIONS:
        marks = (pytest.mark.xfail(strict=True, reason=KNOWN_COLLISIONS[name]),)
    return pytest.param(name, in_app, build, id=name, marks=marks)


@pytest.fixture
def projection():
    before = dict(_style._PROJECTION)
    plots.projection_mode(True)
    yield
    _style._PROJECTION.update(before)


def _build(in_app, build):
    if in_app:
        with _style.building_app():
            out = build()
    else:
        out = build()
    return out[0] if isinstance(out, tuple) else out


def _tick_labels(fig):
    """Every tick label of ``fig`` (drawn or not), and the ones a draw shows."""
    every, drawn = set(), []
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            for tick in axis.majorTicks + axis.minorTicks:
                every.update((tick.label1, tick.label2))
            if ax.get_visible() and ax.axison and axis.get_visible():
                # the ticks a draw shows (inside the view), as matplotlib's own draw picks them
                drawn += [label for tick in axis._update_ticks()
                          for label in (tick.label1, tick.label2) if label.get_visible()]
    return every, drawn


def visible_texts(fig, renderer):
    """``[(text, extent)]`` of every drawn, non-empty text artist of ``fig``."""
    every_tick, drawn_ticks = _tick_labels(fig)
    texts = [t for t in fig.findobj(Text) if t not in every_tick] + drawn_ticks
    out = []
    for t in texts:
        if not (t.get_visible() and t.get_text().strip()):
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        out.append((t, _inked_extent(t, renderer)))
    return out


def _inked_extent(text, renderer):
    """The extent of ``text`` without its trailing spaces: room left for other texts (a legend
    label padded with figure spaces for numbers written over its end), not ink; a centred text
    padded on both sides alike (an epoch axis's labels) without either."""
    s = text.get_text()
    if s == s.rstrip():
        return text.get_window_extent(renderer)
    ha, whole = text.get_horizontalalignment(), text.get_window_extent(renderer)
    centred = ha == "center" and s.strip() != s.lstrip() and len(s) - len(s.lstrip()) in (
        len(s) - len(s.rstrip()), len(s) - len(s.rstrip()) - 1)
    text.set_text(s.strip() if centred else s.rstrip())
    try:
        box = text.get_window_extent(renderer)
    finally:
        text.set_text(s)
    if centred:
        return box.translated((whole.x0 + whole.x1 - box.x0 - box.x1) / 2, 0)
    assert ha == "left", f"{s!r}: trailing spaces on a text neither aligned left nor centred"
    return box.translated(whole.x0 - box.x0, 0)


def collisions(fig) -> list[str]:
    """Pairs of texts of ``fig`` whose extents overlap by more than ``SLACK`` px each way, and
    texts that stick out of the figure (cut off in the picture)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    texts = visible_texts(fig, canvas.get_renderer())
    frame = fig.bbox
    found = [f"{t.get_text()!r} is cut off by the figure's edge" for t, b in texts
             if b.x0 < frame.x0 - SLACK or b.y0 < frame.y0 - SLACK or b.x1 > frame.x1 + SLACK
             or b.y1 > frame.y1 + SLACK]
    for (t1, b1), (t2, b2) in itertools.combinations(texts, 2):
        dx = min(b1.x1, b2.x1) - max(b1.x0, b2.x0)
        dy = min(b1.y1, b2.y1) - max(b1.y0, b2.y0)
        if dx > SLACK and dy > SLACK:
            found.append(f"{t1.get_text()!r} and {t2.get_text()!r} ({dx:.0f}x{dy:.0f} px)")
    return found


def series_colours(ax) -> list[tuple[str, tuple]]:
    """``[(label, rgb)]`` of the series a legend would tell apart: labelled lines and scatters."""
    out = []
    for line in ax.get_lines():
        if not line.get_label().startswith("_") and len(np.atleast_1d(line.get_xdata())) > 1:
            out.append((line.get_label(), to_rgb(line.get_color())))
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and not coll.get_label().startswith("_"):
            faces = coll.get_facecolors()
            if len(faces) and len({tuple(c) for c in faces}) == 1:
                out.append((coll.get_label(), tuple(faces[0][:3])))
    return out


@pytest.mark.parametrize("name, in_app, build", [_case(*c) for c in CASES])
def test_no_two_texts_overlap_in_projection_mode(projection, name, in_app, build):
    fig = _build(in_app, build)
    found = collisions(fig)
    assert not found, f"{name}: overlapping text in projection mode: " + "; ".join(found)


@pytest.mark.parametrize("name, in_app, build", [pytest.param(*c, id=c[0]) for c in CASES])
def test_no_two_series_differ_only_in_red_and_green(name, in_app, build):
    fig = _build(in_app, build)
    merged = []
    for ax in fig.axes:
        for (l1, c1), (l2, c2) in itertools.combinations(series_colours(ax), 2):
            if red_green_only(c1, c2):
                merged.append(f"{l1!r} and {l2!r}")
    assert not merged, f"{name}: series that differ only in red/green: {merged}"


#: the notebook's width and an app figure's height under two rows of controls on a 1280x720
#: projector at 125 % (CSS px, as the stylesheet caps it; measured in the browser test)
NOTEBOOK_WIDTH = 840
TWO_ROWS_HEIGHT = 576 - _core._FIGURE_BUDGET[2]
MIN_SCALE = 0.70


@pytest.mark.parametrize("name, in_app, build", [_case(*c) for c in CASES])
def test_no_text_is_too_small_in_projection_mode(projection, name, in_app, build):
    fig = _build(in_app, build)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    small = sorted({(round(t.get_fontsize(), 1), t.get_text()[:30])
                    for t, _ in visible_texts(fig, canvas.get_renderer())
                    if t.get_fontsize() < _style.PROJECTION_MIN_POINTS - 1e-9})
    assert not small, f"{name}: text under {_style.PROJECTION_MIN_POINTS} pt: {small[:5]}"


@pytest.mark.parametrize("name, in_app, build", [_case(*c) for c in CASES if c[1]])
def test_an_app_figure_fits_under_two_rows_of_controls(projection, name, in_app, build):
    fig = _build(in_app, build)
    width, height = fig.get_size_inches() * fig.dpi
    scale = min(1.0, NOTEBOOK_WIDTH / width, TWO_ROWS_HEIGHT / height)
    assert scale >= MIN_SCALE, (f"{name}: {width:.0f}x{height:.0f} px would be shown at "
                                f"{scale:.0%} of its pixels on a projector")


#: app figures drawn in closed form (quick to build twice); their captions must not depend on
#: projection mode (the distortion grid's does: it draws two digits on a projector)
CLOSED_FORM = ("network_diagram", "hadamard_gate", "output_saturation", "gd_quadratic good",
               "penalty_step_figure", "l1_l2_eigen_figure", "l1_rotated_figure",
               "l2_hessian_picture", "dropout_network_figure")


@pytest.mark.parametrize("name, in_app, build",
                         [pytest.param(*c, id=c[0]) for c in CASES if c[0] in CLOSED_FORM])
def test_projection_mode_changes_the_layout_not_the_caption(name, in_app, build):
    normal = build()[1]
    before = dict(_style._PROJECTION)
    plots.projection_mode(True)
    try:
        with _style.building_app():
            projected = build()[1]
    finally:
        _style._PROJECTION.update(before)
    assert projected == normal


def test_projection_mode_grows_figures_and_keeps_app_figures_short(projection):
    fig = plots.backprop_speed(_timing_rows())
    width, height = fig.get_size_inches()
    assert width == pytest.approx(plots.FIGSIZE[0] * _style.PROJECTION_SCALE)
    assert width / height == pytest.approx(_style.PROJECTION_ASPECT["figure"])
    # four equal-aspect panels: a shorter figure would only shrink them, so it keeps its height
    fig = plots.gd_regimes()
    assert tuple(fig.get_size_inches()) == pytest.approx(
        (plots.FIGSIZE[0] * _style.PROJECTION_SCALE, 8.2 * _style.PROJECTION_SCALE))
    with _style.building_app():
        fig, _ = plots.gd_quadratic(0.15)
    width, height = fig.get_size_inches()
    assert width / height >= _style.PROJECTION_ASPECT["app"] - 1e-9


def test_projection_mode_is_read_from_the_environment_and_off_by_default(monkeypatch):
    monkeypatch.delenv(_style.PROJECTION_ENV, raising=False)
    assert not _style._env_projection()
    for value, on in (("1", True), ("yes", True), ("0", False), ("", False)):
        monkeypatch.setenv(_style.PROJECTION_ENV, value)
        assert _style._env_projection() is on
    if not _style.projection_on():  # this run was started without LECTURE5_PROJECTION
        fig = plots.gd_regimes()  # the normal size, as the saved notebooks have it
        assert tuple(fig.get_size_inches()) == (plots.FIGSIZE[0], 8.2)
