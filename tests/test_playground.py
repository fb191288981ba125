"""The live playground, driven from Python on an asyncio event loop (no browser).

What the issue asks for: sliders reach the running training at the next mini-batch without a
reset; presets restore every control; Reset reinitialises from the seed; a diverging run pauses
with a message; figure refreshes are throttled; Pause/Step/Reset answer within a second; memory
stays flat; the app also works inside a real ipykernel, with widget messages as JupyterLab sends
them.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import queue
import threading
import time

import numpy as np

from lecture5 import playground as pg
from lecture5.exercises import check
from lecture5.network import Network
from lecture5.playground import DEFAULTS, PRESETS, Playground, thin_history


def run(coro):
    return asyncio.run(coro)


async def until(condition, timeout=10.0):
    """Wait on the event loop until ``condition()`` holds."""
    t0 = time.perf_counter()
    while not condition():
        assert time.perf_counter() - t0 < timeout, "timed out waiting on the playground"
        await asyncio.sleep(0.002)


def record_steps(app):
    """Record (eta, lmbda, penalty, first weight matrix at the start) of every SGD step."""
    net = app.net
    original = net._sgd_step
    log = []

    def recorder(X, Y, eta, lmbda, n, penalty, masks=None):
        log.append((eta, lmbda, penalty, net.weights[0].copy()))
        return original(X, Y, eta, lmbda, n, penalty, masks)

    net._sgd_step = recorder
    return log


def png_of(app):
    return base64.b64decode(app.output.outputs[0]["data"]["image/png"])


# ------------------------------------------------------------------ live hyper-parameters
def test_eta_and_lambda_change_mid_run_apply_at_the_next_mini_batch_without_reset():
    async def scenario():
        app = Playground(preset="moons, a small network", slice_seconds=0.005)
        log = record_steps(app)
        net, trainer = app.net, app.trainer
        initial = Network(net.sizes, cost=net.cost, seed=DEFAULTS["seed"],
                          activation=net.activation).weights[0]
        app.play()
        await until(lambda: trainer.steps >= 150)
        # the training task is suspended between two mini-batches while this callback runs
        k = trainer.steps
        weights_at_change = net.weights[0].copy()
        app.controls["eta"].value = 0.05
        app.controls["penalty"].value = "l2"
        app.controls["lmbda"].value = 2.0
        assert trainer.steps == k  # nothing trained in between: the change lands on step k+1
        await until(lambda: trainer.steps >= k + 150)
        app.pause()
        await app.wait()
        return app, log, k, net, trainer, initial, weights_at_change

    app, log, k, net, trainer, initial, weights_at_change = run(scenario())
    assert len(log) == trainer.steps
    assert {(e, lm, p) for e, lm, p, _ in log[:k]} == {(0.5, 0.01, "none")}
    assert {(e, lm, p) for e, lm, p, _ in log[k:]} == {(0.05, 2.0, "l2")}
    # not reset: the same network and trainer, and step k+1 started from the weights at the change
    assert app.net is net and app.trainer is trainer
    assert app.stats["resets"] == 1
    np.testing.assert_array_equal(log[k][3], weights_at_change)
    assert not np.allclose(weights_at_change, initial)
    assert "no reset" in app.status.value
    assert trainer.history["eta"][-1] == 0.05 and trainer.history["lmbda"][-1] == 2.0


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


# ------------------------------------------------------------------ divergence and errors
def test_a_diverging_run_pauses_with_a_message_and_nothing_raises():
    async def scenario():
        app = Playground(preset="diverging ReLU")
        app.play()
        await asyncio.wait_for(app.wait(), 10)
        return app

    app = run(scenario())
    assert not app.running and app.trainer.stopped == "diverged"
    assert "diverged" in app.error and "eta = 100" in app.error
    assert "diverged" in app.status.value and "#b00020" in app.status.value
    assert all(np.isfinite(w).all() for w in app.net.weights)  # the last finite weights
    assert app.buttons["play"].disabled is False and app.buttons["pause"].disabled is True
    assert "press Reset" in app.error
    app.step()  # pressing Step again: no traceback; it goes on from the restored weights
    if app.trainer.stopped == "diverged":
        assert "diverged" in app.error
    else:
        assert app.trainer.steps >= 1
    assert all(np.isfinite(w).all() for w in app.net.weights)
    app.controls["eta"].value = 0.01  # a smaller eta and a fresh network train normally
    app.reset()
    app.run_epochs(2)
    assert app.trainer.stopped is None and app.error is None and app.trainer.epoch == 2


def test_an_exception_in_training_becomes_a_message():
    async def scenario():
        app = Playground()

        def broken(*_args, **_kwargs):
            raise RuntimeError("boom")

        app.net._sgd_step = broken
        app.play()
        await asyncio.wait_for(app.wait(), 5)
        return app

    app = run(scenario())
    assert not app.running and "RuntimeError: boom" in app.error


def test_buttons_pressed_on_another_thread_train_on_the_main_event_loop():
    """JupyterLab may run widget callbacks on a kernel subshell thread (commsOverSubshells)."""

    async def scenario():
        app = Playground()
        main = threading.get_ident()
        threads = set()
        step = app.trainer.step

        def spy():
            threads.add(threading.get_ident())
            return step()

        app.trainer.step = spy

        await asyncio.to_thread(app.play)
        await until(lambda: app.trainer.steps >= 100)
        await asyncio.to_thread(lambda: setattr(app.controls["eta"], "value", 0.05))
        steps = app.trainer.steps
        await until(lambda: app.trainer.steps >= steps + 50)
        await asyncio.to_thread(app.pause)
        await asyncio.wait_for(app.wait(), 2)
        return app, threads, main

    app, threads, main = run(scenario())
    assert threads == {main} and not app.running and app.trainer.eta == 0.05


def test_play_without_an_event_loop_says_so():
    app = Playground()
    app.play()
    assert not app.running and "event loop" in app.error


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


# ------------------------------------------------------------------ responsiveness, throttle
def test_pause_step_and_reset_respond_within_a_second_while_running():
    async def scenario():
        app = Playground(preset="overfit 1,000 digits", render=True)
        latencies = {}
        for action in ("pause", "step", "reset"):
            app.play()
            await asyncio.sleep(0.3)
            t0 = time.perf_counter()
            getattr(app, action)()
            if action != "reset":
                await asyncio.wait_for(app.wait(), 1.0)
                assert not app.running
            latencies[action] = time.perf_counter() - t0
        assert app.running  # Reset keeps playing, with the new network
        steps = app.trainer.steps
        await until(lambda: app.trainer.steps > steps)
        app.pause()
        await app.wait()
        return latencies

    latencies = run(scenario())
    assert max(latencies.values()) < 1.0, latencies


def test_figure_refreshes_are_throttled_while_training():
    async def scenario():
        app = Playground(preset="moons, a small network", redraw_interval=0.25, render=True)
        times = []
        draw = app.redraw

        def timed(force=False):
            t0 = time.perf_counter()
            done = draw(force)
            if done and not force:  # forced: after a reset, a step, or when training stops
                times.append((t0, time.perf_counter() - t0))
            return done

        app.redraw = timed
        updates = app.stats["updates"]
        t0 = time.perf_counter()
        app.play()
        await until(lambda: len(times) >= 3, timeout=20)
        app.pause()
        await app.wait()
        return app, times, time.perf_counter() - t0, app.stats["updates"] - updates

    app, times, elapsed, updates = run(scenario())
    starts = np.array([t for t, _ in times])
    assert len(times) <= elapsed / 0.25 + 1  # at most 4 refreshes a second
    assert np.diff(starts).min() >= 0.25 - 1e-3
    # and at most 30% of the time goes into refreshes (about; the throttle uses a median)
    assert sum(d for _, d in times[1:]) <= 0.45 * (starts[-1] - starts[0]), times
    assert updates > 1000  # training went on between the refreshes
    text = app.output.outputs[0]["data"]["text/plain"]
    assert text == "<Figure size 1100x700 with 4 Axes>"


def test_throughput_with_the_ui_is_at_least_half_of_the_bare_engine():
    # both on the same run, one after the other; repeated because other processes share this
    # machine's two cores and can slow down one of the two measurements
    results = []
    for _ in range(3):
        result = run(pg.measure_throughput("overfit 1,000 digits", seconds=0.6, rounds=3))
        results.append({k: round(v, 2) for k, v in result.items()})
        assert result["redraws_per_s"] <= 4.5
        if result["ratio"] >= 0.5:
            break
    assert max(r["ratio"] for r in results) >= 0.5, results
    # by design figures take at most 30% of the time; the rest is training
    assert max(r["training_share"] for r in results) >= 0.55, results


# ------------------------------------------------------------------ memory over a long run
def test_thin_history_bounds_the_lists_and_keeps_first_and_last():
    history = {"epoch": list(range(1, 2502)), "x": [float(i) for i in range(2501)]}
    assert thin_history(history, 2000)
    assert len(history["epoch"]) <= 2000 and len(history["x"]) == len(history["epoch"])
    assert history["epoch"][0] == 1 and history["epoch"][-1] == 2501
    assert history["epoch"] == sorted(history["epoch"])
    assert not thin_history(history, 2000)


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
    assert len(app.output.outputs) == 1 and len(app.trainer.history["epoch"]) <= 100


# ------------------------------------------------------------------ figures and exercises
def test_figures_for_2d_and_mnist_show_what_they_should():
    app = Playground(preset="L1 sparsity", n_train=100)
    app.run_epochs(3)
    view = app.view
    mosaic = view["image"].get_array()
    assert mosaic.shape == (5 * 29 - 1, 7 * 29 - 1)  # 30 tiles of 28 x 28 with 1-pixel gaps
    w0 = app.net.weights[0]
    np.testing.assert_array_equal(np.asarray(mosaic)[:28, :28], w0[0].reshape(28, 28))
    zero = float(np.mean(np.concatenate([w.ravel() for w in app.net.weights]) == 0))
    assert zero > 0.1 and f"{100 * zero:.1f}% exactly 0" in view["ax"]["hist"].get_title()
    assert len(view["train_cost"].get_xdata()) == 3
    app.apply_preset("moons, a small network")
    app.run_epochs(2)
    a = app.net.feedforward(app.view["grid"])
    p1 = (a[1] / (a[0] + a[1])).reshape(90, 90)
    np.testing.assert_allclose(app.view["image"].get_array(), p1)


def test_the_picture_is_drawn_once_the_app_is_displayed():
    app = Playground()
    app.run_epochs(2)
    assert app.output.outputs == () and app.stats["renders"] == 0  # driven from code only
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


def test_exercises_10():
    assert check("10.1", 1 - 0.5 * 5 / 1000)
    assert check("10.2", (1 - 0.5 * 5 / 1000) ** 100)
    assert check("10.3", 0.5 * 5 / 1000)
    assert not check("10.1", 1 - 0.5 * 5 / 10)
    assert not check("10.2", 0.9975)
    assert not check("10.3", 0.5 * 5 / 10)


# ------------------------------------------------------------------ inside a real kernel
def test_in_a_real_kernel_widget_messages_reach_the_running_training():
    """JupyterLab's own messages: a comm update of the eta slider and a click on Pause."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")

    def execute(code):
        msg_id = kc.execute(code)
        out = []
        while True:
            msg = kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out).strip()

    def comm(model_id, data):
        kc.session.send(kc.shell_channel.socket,
                        kc.session.msg("comm_msg", {"comm_id": model_id, "data": data}))

    try:
        execute("from IPython.display import display\n"
                "from lecture5.playground import Playground\n"
                "app = Playground(preset='overfit 1,000 digits')\ndisplay(app)\napp.play()")
        eta_id, pause_id = execute("print(app.controls['eta'].model_id, "
                                   "app.buttons['pause'].model_id)").split()
        steps = 0
        for _ in range(100):  # training runs between our requests
            steps = int(execute("print(app.trainer.steps)"))
            if steps > 100:
                break
            time.sleep(0.05)
        assert steps > 100
        comm(eta_id, {"method": "update", "state": {"value": 0.05}, "buffer_paths": []})
        got = execute("print(app.running, app.trainer.eta, app.trainer.steps, app.stats['resets'])")
        running, eta, later, resets = got.split()
        assert running == "True" and float(eta) == 0.05 and int(later) >= steps and resets == "1"
        figure_updates = 0
        t0 = time.time()
        while time.time() - t0 < 4 and not figure_updates:  # the task publishes new figures
            try:
                msg = kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                continue
            if msg["msg_type"] == "comm_msg" and "outputs" in msg["content"]["data"].get("state",
                                                                                          {}):
                figure_updates += 1
        assert figure_updates >= 1
        comm(pause_id, {"method": "custom", "content": {"event": "click"}})
        assert execute("print(app.running)") == "False"
        paused_at = execute("print(app.trainer.steps)")
        time.sleep(0.3)
        assert execute("print(app.trainer.steps)") == paused_at
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
