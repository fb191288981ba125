"""The playground widget (lecture5/playground/app.py), driven from Python without a browser.

Every control reaches the trainer or resets the network and says so; presets restore every
control; Reset reinitialises from the seed; the figures show what they should; memory stays flat;
closing releases every widget; the status line uses the theme's colours.
"""

from __future__ import annotations

import gc
import warnings

import ipywidgets as w
import numpy as np

from lecture5 import widgets
from lecture5.network import Network
from lecture5.playground import DEFAULTS, PRESETS, Playground, session
from lecture5.playground.session import TRAINING_WARNING


def png_of(app):
    return widgets.shown_png(app.picture)



def test_raising_lambda_mid_run_shrinks_the_weights_and_changes_curves_and_histogram():
    app = Playground(preset="overfit 1,000 digits", render=True)
    app.run_epochs(3)
    png_before = png_of(app)
    norm_before = app.trainer.history["weight_norm"][-1]
    net = app.net
    app.controls["penalty"].value = "l2"
    app.controls["lmbda"].value = 50.0
    app.run_epochs(2)
    h = app.trainer.history
    assert app.net is net and app.trainer.epoch == 5
    assert h["weight_norm"][-1] < 0.8 * norm_before  # eq (28): weight decay
    assert h["train_penalty"][:3] == [0.0, 0.0, 0.0] and h["train_penalty"][-1] > 0
    assert png_of(app) != png_before
    assert "5" in app.epoch_label.value


def test_every_live_control_reaches_the_trainer_and_mini_batch_size_is_clipped():
    app = Playground(preset="moons, a small network")
    c, t = app.controls, app.trainer
    c["eta"].value = 2.0
    c["lmbda"].value = 0.3
    c["penalty"].value = "l1"
    c["p_drop"].value = 0.5
    c["mini_batch_size"].value = 37
    c["early_stopping"].value = 4
    assert (t.eta, t.lmbda, t.penalty, t.p_drop, t.mini_batch_size, t.early_stopping) == (
        2.0, 0.3, "l1", 0.5, 37, 4)
    c["early_stopping"].value = 0
    assert t.early_stopping is None
    assert app.trainer is t and app.stats["resets"] == 1
    small = Playground(dataset="mnist", n_train=100, mini_batch_size=10)
    small.controls["mini_batch_size"].value = 100
    assert small.trainer.mini_batch_size == 100
    small.controls["dataset"].value = "moons"
    assert small.trainer.n == 200  # 400 toy points, half for training


def test_data_and_architecture_changes_reset_and_say_so():
    app = Playground()
    for name, value in [("layers", 2), ("neurons", 5), ("activation", "relu"),
                        ("cost", "quadratic"), ("seed", 3), ("noise", 0.3), ("dataset", "xor"),
                        ("train_fraction", 0.7)]:
        app.run_epochs(1)
        old, resets = app.net, app.stats["resets"]
        app.controls[name].value = value
        assert app.net is not old and app.trainer.epoch == 0 and app.trainer.steps == 0
        assert "reset" in app.status.value and name in app.status.value
        assert app.stats["resets"] == resets + 1
    assert app.net.sizes == [2, 5, 5, 2] and app.net.activation.name == "relu"
    assert app.trainer.n == 280 and app.data["X_train"].shape == (2, 280)


def test_a_log_slider_snapping_its_value_is_followed_quietly():
    app = Playground(preset="overfit 1,000 digits")
    message = app.message
    app.controls["eta"].value = 10 ** -0.3  # what the browser sends back for 0.5 on its grid
    assert app.trainer.eta == 10 ** -0.3 and app.message == message
    app.controls["eta"].value = 0.25
    assert app.trainer.eta == 0.25 and app.message.startswith("η = 0.25 from mini-batch 1 on")


def test_a_control_that_does_not_matter_for_the_data_set_does_not_reset():
    app = Playground()  # moons: the number of training digits is irrelevant
    app.controls["n_train"].value = 300
    assert app.stats["resets"] == 1 and "nothing changed" in app.status.value
    assert app.controls["n_train"].disabled and not app.controls["noise"].disabled


# ------------------------------------------------------------------ presets, reset
def _expected(name):
    return {**DEFAULTS, **PRESETS[name]}


def test_each_preset_sets_every_control_and_the_trainer():
    app = Playground()
    for name in PRESETS:
        app.apply_preset(name)
        want = _expected(name)
        assert set(want) == set(app.controls)
        assert app.values() == want, name
        t = app.trainer
        assert (t.eta, t.lmbda, t.penalty, t.p_drop) == (
            want["eta"], want["lmbda"], want["penalty"], want["p_drop"])
        assert app.net.activation.name == want["activation"]
        assert app.net.sizes[1:-1] == [want["neurons"]] * want["layers"]
        assert app.trainer.epoch == 0 and app.preset.value == name
        assert f"preset “{name}”" in app.status.value


def test_a_preset_restores_every_control_after_all_were_moved():
    app = Playground(preset="the same with λ = 5")
    moved = {"dataset": "spiral", "noise": 0.4, "train_fraction": 0.3, "n_train": 300,
             "layers": 3, "neurons": 4, "activation": "relu", "cost": "quadratic", "eta": 3.0,
             "lmbda": 0.002, "penalty": "l1", "p_drop": 0.3, "mini_batch_size": 25,
             "early_stopping": 7, "seed": 11}
    assert set(moved) == set(app.controls)
    for key, value in moved.items():
        app.controls[key].value = value
    assert app.values() == moved
    app.preset.value = "(choose a preset)"
    app.preset.value = "the same with λ = 5"  # choosing it in the dropdown applies it
    assert app.values() == _expected("the same with λ = 5")


def test_a_preset_is_reproducible():
    app = Playground(preset="dropout 0.5", n_train=100)
    app.run_epochs(2)
    first = {k: list(v) for k, v in app.trainer.history.items() if k != "seconds"}
    app.run_epochs(1)
    app.apply_preset("dropout 0.5")
    app.controls["n_train"].value = 100
    app.run_epochs(2)
    again = {k: list(v) for k, v in app.trainer.history.items() if k != "seconds"}
    assert again == first


def test_reset_reinitialises_from_the_seed():
    app = Playground(preset="xor", seed=5)
    sizes, net0 = app.net.sizes, app.net
    app.run_epochs(3)
    app.reset()
    fresh = Network(sizes, cost=net0.cost, seed=5, activation=net0.activation)
    for a, b in zip(app.net.weights + app.net.biases, fresh.weights + fresh.biases):
        np.testing.assert_array_equal(a, b)
    assert app.trainer.epoch == 0 and app.trainer.steps == 0
    assert app.trainer.history["epoch"] == []
    assert "Reset" in app.status.value and "seed 5" in app.status.value
    # the run after Reset is the run of a new app
    app.run_epochs(2)
    other = Playground(preset="xor", seed=5)
    other.run_epochs(2)
    assert app.trainer.history["train_cost"] == other.trainer.history["train_cost"]


def test_sliders_at_their_extremes_give_no_traceback():
    app = Playground()
    for name in ("eta", "lmbda", "p_drop", "mini_batch_size"):
        c = app.controls[name]
        for value in (c.max, c.min):
            c.value = value
            epoch = app.trainer.epoch
            app.run_epochs(1)
            assert app.trainer.epoch == epoch + 1 or "diverged" in app.error
            assert app.error is None or "diverged" in app.error
            assert "epoch" in app.caption.value


def test_memory_stays_flat_over_many_updates_and_redraws():
    """Nothing accumulates: history thinned, one figure with a fixed set of artists, one output.

    (Bytes over a long run are measured by tracemalloc / RSS in the report; tracing every
    refresh here would make this test slow.)
    """
    app = Playground(preset="moons, a small network", max_history=100, render=True)
    app.run_epochs(300)  # 6,000 updates: the curves were thinned to at most 100 epochs
    assert app.trainer.epoch == 300 and len(app.trainer.history["epoch"]) <= 100
    for _ in range(3):  # the first refreshes fill caches (fonts, text layouts, buffers)
        app.run_epochs(2)
    gc.collect()
    objects = len(gc.get_objects())
    artists = [len(ax.get_children()) for ax in app.figure.axes]
    for _ in range(8):
        app.run_epochs(2)  # 40 updates, then one figure refresh
    gc.collect()
    # a figure that gained artists, or a history that kept growing, would add thousands of objects
    assert len(gc.get_objects()) - objects < 600
    assert [len(ax.get_children()) for ax in app.figure.axes] == artists
    assert png_of(app).startswith(b"\x89PNG") and len(app.trainer.history["epoch"]) <= 100


# ------------------------------------------------------------------ figures and exercises
def test_figures_for_2d_and_mnist_show_what_they_should():
    app = Playground(preset="L1 sparsity", n_train=100)
    app.run_epochs(3)
    view = app.view
    mosaic = view.image.get_array()
    assert mosaic.shape == (5 * 29 - 1, 7 * 29 - 1)  # 30 tiles of 28 x 28 with 1-pixel gaps
    w0 = app.net.weights[0]
    np.testing.assert_array_equal(np.asarray(mosaic)[:28, :28], w0[0].reshape(28, 28))
    zero = float(np.mean(np.concatenate([w.ravel() for w in app.net.weights]) == 0))
    assert zero > 0.1 and f"{100 * zero:.1f}% exactly 0" in view.ax["hist"].get_title()
    assert len(view.train_cost.get_xdata()) == 3
    app.apply_preset("moons, a small network")
    app.run_epochs(2)
    a = app.net.feedforward(app.view.grid)
    p1 = (a[1] / (a[0] + a[1])).reshape(90, 90)
    shown = np.asarray(app.view.image.get_array())
    # each value a cell centred on its point: the picture reaches a quarter of a grid step
    # beyond the first and the last points
    gx, gy = np.unique(app.view.grid[0]), np.unique(app.view.grid[1])
    dx, dy = (gx[1] - gx[0]) / 4, (gy[1] - gy[0]) / 4
    np.testing.assert_allclose(app.view.image.get_extent(),
                               (gx[0] - dx, gx[-1] + dx, gy[0] - dy, gy[-1] + dy))
    # the output at the grid points, and halfway between two the mean of both
    np.testing.assert_allclose(shown[::2, ::2], p1)
    np.testing.assert_allclose(shown[1::2, ::2], (p1[:-1] + p1[1:]) / 2)
    np.testing.assert_allclose(shown[::2, 1::2], (p1[:, :-1] + p1[:, 1:]) / 2)
    np.testing.assert_allclose(shown[1::2, 1::2],
                               (p1[:-1, :-1] + p1[1:, :-1] + p1[:-1, 1:] + p1[1:, 1:]) / 4)


def test_the_picture_is_drawn_once_the_app_is_displayed():
    app = Playground()
    app.run_epochs(2)
    assert png_of(app) == b"" and app.stats["renders"] == 0  # driven from code only
    assert app.picture.layout.display == "none"  # no broken-image icon meanwhile
    assert "epoch 2" in app.caption.value  # numbers and artists are up to date all the same
    bundle = app._repr_mimebundle_()  # what IPython calls to display the app
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert app.stats["renders"] == 1 and png_of(app).startswith(b"\x89PNG")
    app.run_epochs(1)
    assert app.stats["renders"] == 2
    with np.testing.assert_raises(ValueError):
        Playground(render="yes")


def test_close_releases_every_widget_of_the_app():
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    app = Playground()
    assert len(set(_instances) - before) > 50
    app.close()
    assert set(_instances) - before == set()
    assert not app.running and app.redraw(force=True) is False




# ------------------------------------------------------------------ the status line and label
def test_the_label_never_shows_an_impossible_batch_count():
    app = Playground(mini_batch_size=1)  # moons: 200 training points
    for _ in range(101):
        app.session.step()
    app.controls["mini_batch_size"].value = 100  # the issue saw "mini-batch 101/11"
    app.update_label()
    assert "mini-batch 101/102" in app.epoch_label.value
    app.step()  # the 99 points left are the last mini-batch of the epoch
    assert "<b>epoch 1</b> · mini-batch 0/2 · 102 updates" in app.epoch_label.value


def test_a_divergence_shows_the_trainers_message_and_counts_from_the_epoch_start():
    app = Playground(preset="diverging ReLU")
    app.run_epochs(5)
    t = app.trainer
    assert app.message == f"{t.message} If it diverges again, press Reset." == app.error
    assert f"epoch {t.epoch}</b> · mini-batch 0/{t.batches_per_epoch} · " in app.epoch_label.value
    assert app.epoch_label.value.endswith("· diverged")


def test_the_engines_warnings_are_shown_in_the_status_line_not_as_a_warning_box(monkeypatch):
    app = Playground()
    step = app.trainer.step

    def warning_step():
        warnings.warn("nearly all hidden units saturated; try a smaller eta", TRAINING_WARNING,
                      stacklevel=1)
        return step()

    app.trainer.step = warning_step
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        app.run_epochs(1)
    assert shown == []  # nothing printed under the cell
    assert app.message == "nearly all hidden units saturated; try a smaller eta"
    assert app.error is None and "var(--jp-warn-color0" in app.status.value
    build = session.build_trainer

    def warning_build(data, values):  # as if the new trainer warned when it was made
        warnings.warn("pixels look unscaled", TRAINING_WARNING, stacklevel=1)
        return build(data, values)

    monkeypatch.setattr(session, "build_trainer", warning_build)
    app.reset()
    assert app.message == "pixels look unscaled"


def test_the_status_line_uses_the_themes_colours_and_readouts_are_not_clipped():
    app = Playground()
    assert "#333" not in app.status.value
    assert app.status.value.startswith("<span style='color:var(--jp-ui-font-color1)'>New network")
    app.say("x < y", "error")
    assert app.status.value == ("<span style='color:var(--jp-error-color1, #b00020);"
                                "font-weight:bold'>x &lt; y</span>")
    style = app.children[0]
    assert style.value.startswith("<style>") and ".lecture5-playground .widget-readout" in (
        style.value)
    assert "min-width:4.5em;width:auto;overflow:visible" in style.value
    rows = [c for c in app.children if isinstance(c, w.HBox)]
    assert all(r.layout.flex_flow == "row wrap" for r in rows)  # narrow notebooks: rows wrap
    assert {c.layout.max_width for c in app.controls.values()} == {"100%"}
