"""The playground's training loop (lecture5/playground/runner.py), on an asyncio event loop.

Sliders reach the running training at the next mini-batch without a reset; a diverging run pauses
with a message; figure refreshes are throttled; Pause/Step/Reset answer within a second; calls
from another thread train on the main loop; nothing needs a thread (JupyterLite cannot start one);
a pace slows training down; the app also works inside a real ipykernel, with widget messages as
JupyterLab sends them.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import pathlib
import queue
import threading
import time

import numpy as np
import pytest
from PIL import Image
from widget_helpers import run, until

from lecture5 import playground
from lecture5.network import Network
from lecture5.playground import DEFAULTS, Playground, Session
from lecture5.playground.runner import Runner
from lecture5.widgets import shown_png


def _bench():
    """tests/benchmarks/bench_playground.py (a script, not a package module)."""
    path = pathlib.Path(__file__).parent / "benchmarks" / "bench_playground.py"
    spec = importlib.util.spec_from_file_location("bench_playground", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record_steps(app):
    """Record (eta, lmbda, penalty, first weight matrix at the start) of every SGD step."""
    net, engine = app.net, app.trainer.engine
    original = engine.step
    log = []

    def recorder(X, Y, eta, lmbda, n, penalty, masks=None, x_sq=None):
        log.append((eta, lmbda, penalty, net.weights[0].copy()))
        return original(X, Y, eta, lmbda, n, penalty, masks, x_sq)

    engine.step = recorder
    return log



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

        app.trainer.engine.step = broken
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


# ------------------------------------------------------------------ responsiveness, throttle
def test_pause_step_and_reset_respond_within_three_seconds_while_running():
    async def scenario():
        app = Playground(preset="overfit 1,000 digits", render=True)
        latencies = {}
        for action in ("pause", "step", "reset"):
            app.play()
            await asyncio.sleep(0.3)
            t0 = time.perf_counter()
            getattr(app, action)()
            if action != "reset":
                await asyncio.wait_for(app.wait(), 3.0)  # the bound asserted below
                assert not app.running
            latencies[action] = time.perf_counter() - t0
        assert app.running  # Reset keeps playing, with the new network
        steps = app.trainer.steps
        await until(lambda: app.trainer.steps > steps)
        app.pause()
        await app.wait()
        return latencies

    latencies = run(scenario())
    # measured 0.28-2.1 s for one action with the two cores shared by 3-6 busy processes (CI
    # installs the next environment meanwhile), 0.28 s for pause when less loaded; a runner
    # that did not yield would never answer
    assert max(latencies.values()) < 3.0, latencies


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
        # five refreshes: with three, one slow refresh of a loaded machine (a first layout) is
        # most of the measured span
        await until(lambda: len(times) >= 5, timeout=30)
        app.pause()
        await app.wait()
        return app, times, time.perf_counter() - t0, app.stats["updates"] - updates

    app, times, elapsed, updates = run(scenario())
    starts = np.array([t for t, _ in times])
    assert len(times) <= elapsed / 0.25 + 1  # at most 4 refreshes a second
    assert np.diff(starts).min() >= 0.25 - 1e-3
    # and at most 25% of the time goes into refreshes (about: the throttle uses a median, and
    # a loaded machine slows some refreshes down, hence 45%)
    assert sum(d for _, d in times[1:]) <= 0.45 * (starts[-1] - starts[0]), times
    assert updates > 1000  # training went on between the refreshes
    assert Image.open(io.BytesIO(shown_png(app.picture))).size == (1100, 700)


def test_throughput_with_the_ui_is_at_least_half_of_the_bare_engine():
    # both on the same run, one after the other; repeated because other processes share this
    # machine's two cores and can slow down one of the two measurements
    results = []
    for _ in range(3):
        # after the run's first seconds, which lay the figure out and widen its epoch axis
        result = run(_bench().measure_throughput("overfit 1,000 digits", seconds=0.6, rounds=3,
                                                 warmup=3.0))
        results.append({k: round(v, 2) for k, v in result.items()})
        assert result["redraws_per_s"] <= 4.5
        if result["ratio"] >= 0.5:
            break
    assert max(r["ratio"] for r in results) >= 0.5, results
    # by design figures take at most 25% of the time; the rest is training
    assert max(r["training_share"] for r in results) >= 0.55, results


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
        eta_id, pause_id, stop = execute("print(app.controls['eta'].model_id, "
                                         "app.buttons['pause'].model_id, "
                                         "app.controls['eta'].values.index(0.05))").split()
        steps = 0
        for _ in range(100):  # training runs between our requests
            steps = int(execute("print(app.trainer.steps)"))
            if steps > 100:
                break
            time.sleep(0.05)
        assert steps > 100
        # the eta slider stops at 1-2-5 values: the browser sends the index of the stop
        comm(eta_id, {"method": "update", "state": {"index": int(stop)}, "buffer_paths": []})
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
            # a new picture: the Image's value, sent as a binary buffer
            if (msg["msg_type"] == "comm_msg" and ["value"] in msg["content"]["data"].get(
                    "buffer_paths", []) and bytes(msg["buffers"][0]).startswith(b"data:image/png")):
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


# ------------------------------------------------------------------ no thread, no widgets, pace
def test_a_playground_trains_with_no_thread(monkeypatch):
    """JupyterLite (Pyodide) cannot start a thread: Play, Step, Reset and run_epochs need none."""

    def refuse(self):
        raise RuntimeError(f"a thread was started: {self!r}")

    monkeypatch.setattr(threading.Thread, "start", refuse)

    async def scenario():
        app = Playground(preset="moons, a small network", render=True)
        app.play()
        await until(lambda: app.trainer.epoch >= 3)
        app.controls["lmbda"].value = 0.5  # a live change while it trains
        app.pause()
        await app.wait()
        app.step()
        app.reset()
        app.run_epochs(2)
        return app

    app = run(scenario())
    assert app.error is None and app.trainer.epoch == 2 and app.stats["renders"] >= 2
    assert app.trainer.lmbda == 0.5
    for source in pathlib.Path(playground.__file__).parent.glob("*.py"):
        assert "threading" not in source.read_text(), source.name


class Host:
    """What the runner needs from an app, without widgets: it records what it is told."""

    def __init__(self):
        self.said, self.redraws, self.labels, self.enabled = [], [], 0, 0

    def redraw(self, force=False):
        self.redraws.append(force)
        return False

    def update_label(self):
        self.labels += 1

    def update_enabled(self):
        self.enabled += 1

    def say(self, text, level="info"):
        self.said.append((level, text))


def test_the_runner_trains_a_session_without_widgets():
    async def scenario():
        host = Host()
        runner = Runner(Session(preset="diverging ReLU"), host, slice_seconds=0.005)
        assert runner.play() and runner.playing
        await asyncio.wait_for(runner.wait(), 10)
        return runner, host

    runner, host = run(scenario())
    t = runner.session.trainer
    assert not runner.playing and t.stopped == "diverged"
    assert host.said[0] == ("info", "Training from epoch 0: move η or λ at any time.")
    assert host.said[-1] == ("error", f"{t.message} If it diverges again, press Reset.")
    assert host.redraws[-1] is True  # the state it stopped in is shown
    assert host.enabled >= 2
    idle = Runner(Session(), Host())
    assert not idle.play() and "event loop" in idle.host.said[-1][1]  # no loop: it says so
    with pytest.raises(ValueError, match="pace"):
        Runner(Session(), Host(), pace=0)
    with pytest.raises(ValueError, match="slice_seconds"):
        Runner(Session(), Host(), slice_seconds=0)


def _epochs_in(seconds, pace):
    async def scenario():
        runner = Runner(Session(), Host(), pace=pace)
        runner.play()
        t0 = time.perf_counter()
        await asyncio.sleep(seconds)
        runner.pause()
        elapsed = time.perf_counter() - t0
        await runner.wait()
        return runner.session.progress()["epochs"], elapsed

    return run(scenario())


def test_a_pace_trains_the_chosen_epochs_per_second():
    paced, elapsed = _epochs_in(1.5, pace=4.0)  # moons: 20 mini-batches an epoch
    assert paced <= 4.0 * elapsed + 0.1  # never ahead of the pace
    assert paced >= 0.5 * 4.0 * 1.5, paced  # and not far behind (a busy machine is slower)
    free, _ = _epochs_in(1.5, pace=None)
    assert free > 2 * paced, (free, paced)


def test_the_speed_menu_sets_the_pace_live():
    app = Playground(speed=1.0)
    assert app.speed.value == "1 epoch/s" and app._runner.pace == 1.0
    app.speed.value = "as fast as it can"
    assert app._runner.pace is None and app.message.startswith("Speed: as fast as it can")
    app.speed.value = "20 epochs/s"
    assert app._runner.pace == 20.0 and app.trainer.steps == 0 and app.stats["resets"] == 1
    odd = Playground(speed=2.5)
    assert odd.speed.value == "2.5 epochs/s" and odd._runner.pace == 2.5
    with pytest.raises(ValueError, match="speed"):
        Playground(speed=-1)
