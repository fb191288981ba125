"""Training ahead: cached runs trained a slice at a time (lecture5/experiments/_runs.py) and the
retraining apps that train their sliders' other values while the kernel is idle
(RetrainApp(ahead=...), lecture5/widgets/_ahead.py)."""

import asyncio
import concurrent.futures
import functools
import time
import types
import warnings

import numpy as np
import pytest
from widget_helpers import run, until

from lecture5 import experiments, plots, widgets
from lecture5.datasets import load_mnist
from lecture5.experiments import _runs, _worker
from lecture5.training import TrainingWarning
from lecture5.widgets import _ahead, _core

#: a small MNIST problem for training_run (notebooks 06 and 08 use the same cache)
TINY = {"sizes": (784, 10), "n_train": 100, "epochs": 3, "n_test": 100}
#: a small version of notebook 07's problem
SMALL7 = {"sizes": (784, 20, 10), "n_train": 200, "validation": 100, "epochs": 2, "n_test": 200}


@pytest.fixture(autouse=True)
def empty_queue():
    """Each test starts with nothing queued: an app made by an earlier test on another event
    loop (Playwright's, after a browser test in this process) must not be worked on here."""
    def clear():
        _ahead._queue.clear()
        if _ahead._timer[0] is not None:
            _ahead._timer[0].cancel()
            _ahead._timer[0] = None

    clear()
    yield
    clear()
    _worker.stop()  # (a key press in a test may have started the second process)


def same_run(a, b):
    """Two TrainingRuns/DropoutRuns alike in everything but the seconds the epochs took."""
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
    assert {k: v for k, v in a.history.items() if k != "seconds"} == \
        {k: v for k, v in b.history.items() if k != "seconds"}
    assert a.test_accuracy == b.test_accuracy and a.test_cost == b.test_cost


@pytest.mark.filterwarnings("ignore:Training diverged")
@pytest.mark.parametrize("settings", [{}, {"early_stopping": 1}, {"eta": 1e300}],
                         ids=["plain", "early stopping", "diverges"])
def test_train_steps_is_trainer_train_a_mini_batch_at_a_time(settings):
    data = load_mnist(n_train=60, n_test=60, validation=30, seed=0)
    whole, sliced = (experiments.make_trainer(data, (784, 10, 10), evaluate="validation",
                                              seed=3, **{"eta": 0.5, **settings})
                     for _ in range(2))
    whole.train(6, progress=False)
    yields = sum(1 for _ in _runs.train_steps(sliced, 6))
    assert sliced.steps == whole.steps
    if sliced.stopped != "diverged":  # (a divergence takes back its epoch's steps)
        assert yields == sliced.steps  # one yield after each mini-batch
    assert sliced.stopped == whole.stopped and sliced.epoch == whole.epoch
    assert all(np.array_equal(a, b) for a, b in zip(whole.net.weights, sliced.net.weights))
    assert {k: v for k, v in whole.history.items() if k != "seconds"} == \
        {k: v for k, v in sliced.history.items() if k != "seconds"}
    if settings:  # the cases that stop before the 6 epochs: they do stop
        assert whole.stopped and whole.epoch < 6
    with pytest.raises(ValueError, match="epochs"):
        next(_runs.train_steps(sliced, -1))


def test_a_run_trained_in_slices_equals_one_trained_at_once():
    settings = dict(TINY, lmbda=0.321)
    job = experiments.next_untrained(lambda: experiments.training_run(**settings))
    assert job is not None and job[0] is experiments._training_run
    runs, key = job
    before = runs.cache_info()
    while not runs.advance(key, 0.005):
        pass
    assert experiments.next_untrained(lambda: experiments.training_run(**settings)) is None
    assert runs.cache_info() == before._replace(currsize=before.currsize + 1)  # a look, not a use
    sliced = experiments.training_run(**settings)
    after = runs.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses
    # a run stopped mid-epoch (3 of 10 mini-batches) and finished by a call
    settings["lmbda"] = 0.654
    key = experiments.next_untrained(lambda: experiments.training_run(**settings))[1]
    for _ in range(3):
        assert runs.advance(key, 0.0) is False  # one mini-batch each
    finished = experiments.training_run(**settings)
    assert finished.history["epoch"] == (1, 2, 3)
    runs.cache_clear()  # the same two runs, each trained at once from scratch
    same_run(sliced, experiments.training_run(**dict(settings, lmbda=0.321)))
    same_run(finished, experiments.training_run(**settings))


def test_a_run_trained_ahead_warns_when_it_is_first_returned():
    settings = dict(TINY, sizes=(784, 30, 10), eta=1e6, epochs=2)  # saturated: cannot learn
    runs, key = experiments.next_untrained(lambda: experiments.training_run(**settings))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        while not runs.advance(key, 0.01):
            pass
    assert caught == []  # kept, not shown: training ahead happens behind the student's back
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert experiments.next_untrained(lambda: experiments.training_run(**settings)) is None
    with pytest.warns(TrainingWarning, match="saturated") as shown:
        run = experiments.training_run(**settings)
    assert "saturated" in run.message
    assert shown[0].filename == __file__  # where the run was asked for, as a Trainer warns
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert experiments.training_run(**settings) is run  # once, as an lru_cache would


def test_ahead_checks_the_arguments_and_trains_nothing():
    with pytest.raises(ValueError, match="dropout"):
        experiments.next_untrained(lambda: experiments.slides_dropout_run(0.5, "upside down"))
    before = experiments._training_run.cache_info()
    assert experiments.next_untrained(lambda: experiments.training_run(**dict(TINY, lmbda=9.87)))
    assert experiments._training_run.cache_info() == before


def test_likely_first_lists_the_next_stops_the_ends_then_the_rest():
    p = widgets.float_slider("p", 0.3, 0.1, 0.8, 0.1)
    assert widgets.likely_first(p) == [0.3, 0.4, 0.2, 0.1, 0.8, 0.5, 0.6, 0.7]
    lam = widgets.lmbda_slider(1.0, min_exp=-1, max_exp=1.3)
    assert widgets.likely_first(lam) == [1.0, 2.0, 0.5, 0.1, 20.0, 5.0, 0.2, 10.0]
    k = widgets.int_slider("k", 12, 1, 12)
    assert widgets.likely_first(k) == [12, 11, 1, *range(10, 1, -1)]
    for s in (p, lam, k):  # what the builder gets when the slider is moved there
        for v in widgets.likely_first(s):
            s.value = v
            assert widgets.displayed_value(s) == v


def spy_on_slices(monkeypatch, train=False):
    """The keys and start times of the slices trained, which train nothing unless ``train``."""
    slices, advance = [], _runs.Runs.advance

    def spy(self, key, seconds, stop=None):
        slices.append((key, time.perf_counter()))
        return advance(self, key, seconds, stop) if train else None

    monkeypatch.setattr(_runs.Runs, "advance", spy)
    return slices


def test_a_slice_gives_way_as_soon_as_stop_says_so():
    trained, asked = [], []

    def steps(n):
        for i in range(n):
            trained.append(i)
            yield
        return f"{n} mini-batches"

    runs = _runs.Runs(steps, maxsize=2)
    stop = lambda: asked.append(1) or len(asked) == 3  # noqa: E731 - true the third time
    assert runs.advance((10,), 60.0, stop=stop) is False  # 60 s would have finished it
    assert trained == [0, 1, 2] and len(asked) == 3  # asked after every mini-batch
    assert runs.advance((10,), 60.0, stop=lambda: False) is True  # on from where it stopped
    assert trained == list(range(10)) and runs(10) == "10 mini-batches"


def test_training_ahead_sees_a_message_that_waits_for_the_kernel(monkeypatch):
    """ipykernel 6's layout: messages wait in the shell socket, then in the kernel's queue."""
    zmq = pytest.importorskip("zmq")
    from zmq.eventloop.zmqstream import ZMQStream

    async def scenario():
        ctx = zmq.Context.instance()
        shell, frontend = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
        shell.bind("inproc://lecture5-train-ahead")
        frontend.connect("inproc://lecture5-train-ahead")
        kernel = types.SimpleNamespace(msg_queue=asyncio.Queue(), shell_stream=ZMQStream(shell))
        kernel.shell_stream.on_recv(kernel.msg_queue.put_nowait)
        monkeypatch.setattr(_ahead, "_kernel", lambda: kernel)
        _ahead._kernel_checks.cache_clear()  # looked up once per process: look again
        try:
            assert _ahead._kernel_waiting() is False
            frontend.send(b"a key press")
            t0 = time.perf_counter()  # the event loop is not running: as during a slice
            while not _ahead._kernel_waiting():
                assert time.perf_counter() - t0 < 5, "the message was never seen"
            assert kernel.msg_queue.qsize() == 1  # read into the queue, where it cannot be missed
            assert _ahead._kernel_waiting() is True  # still waiting, now in the queue
            assert kernel.msg_queue.get_nowait() == [b"a key press"]
            assert _ahead._kernel_waiting() is False
        finally:
            kernel.shell_stream.close()
            frontend.close()
            _ahead._kernel_checks.cache_clear()
        try:
            for other in (None, types.SimpleNamespace(), types.SimpleNamespace(msg_queue=None)):
                monkeypatch.setattr(_ahead, "_kernel", lambda k=other: k)  # none, another kind
                _ahead._kernel_checks.cache_clear()
                assert _ahead._kernel_waiting() is False
        finally:
            _ahead._kernel_checks.cache_clear()  # the next test looks at the real one

    run(scenario())


def test_the_kernel_the_notebooks_run_in_has_the_layout_training_ahead_looks_at():
    """Else :func:`_ahead._kernel_waiting` would say False for ever and slices would make key
    presses wait again, silently."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    printed = []
    try:
        reply = kc.execute_interactive(
            "from lecture5.widgets import _ahead\n"
            "k = _ahead._kernel()\n"
            "print(type(k).__name__, k.msg_queue.qsize(), k.shell_stream.socket.closed,"
            " _ahead._kernel_waiting())\n"
            "print(_ahead._kernel_checks() is not None)", timeout=60,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    first, looked_up = "".join(printed).splitlines()
    assert first.split() == ["IPythonKernel", "0", "False", "False"]
    assert looked_up == "True"  # the parts looked at are found, not None (training as before)


def test_training_ahead_holds_back_while_a_message_waits(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 0.0)
    stops, waiting = [], [True]
    monkeypatch.setattr(_runs.Runs, "advance", lambda self, key, s, stop=None: stops.append(stop))
    monkeypatch.setattr(_ahead, "_kernel_waiting", lambda: waiting[0])

    async def scenario():
        app = widgets.early_stopping_app(3, **{k: v for k, v in TINY.items() if k != "sizes"})
        await asyncio.sleep(0.2)
        assert stops == [] and _ahead.queued(app)  # not one slice while the message waits
        waiting[0] = False
        await until(lambda: stops, 10)
        assert stops[0] is _ahead._kernel_waiting  # each slice gives way to the next message
        app.close()

    run(scenario())


def test_dropout_versions_app_trains_its_other_settings_while_idle(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 0.3)
    seeds = (0, 1)
    wanted = [functools.partial(experiments.slides_dropout_run, p, d, seed=s, **SMALL7)
              for d in ("slides", "inverted") for p in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
              for s in seeds]

    async def scenario():
        app = widgets.dropout_versions_app(0.5, seeds=seeds, **SMALL7)
        built = time.perf_counter()
        assert len(app._plan) == len(wanted) and _ahead.queued(app)
        await asyncio.sleep(0.05)
        if time.perf_counter() - built < 0.3:
            assert not _dropout_runs()._partial  # not yet: too soon after the figure
        await until(lambda: not _ahead.queued(app), 60)
        assert all(experiments.next_untrained(call) is None for call in wanted)
        info = _dropout_runs().cache_info()
        app.controls["p_drop"].value = 0.8  # a change from Python: answered from the cache
        app.controls["dropout"].value = "inverted"
        assert app.error is None and "p = 0.8 (inverted)" in app.caption.value
        assert _dropout_runs().cache_info().misses == info.misses
        assert _ahead.queued(app) and app._plan  # planned again from the new values
        app.close()
        assert not _ahead.queued(app) and not app._plan
        app.controls["p_drop"].value = 0.3  # a closed app does nothing
        assert not _ahead.queued(app) and "p = 0.8" in app.caption.value

    run(scenario())


def _dropout_runs():
    from lecture5.experiments import dropout
    return dropout._slides_dropout_run


def test_a_change_from_the_browser_stops_training_ahead_until_all_is_quiet(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 1.0)
    slices = spy_on_slices(monkeypatch, train=True)

    async def scenario():
        app = widgets.l1_l2_app(1.0, **{k: v for k, v in TINY.items() if k != "sizes"})
        lmbda = app.controls["lmbda"]
        assert len(app._plan) == 2 * 8 * 2 and app.error is None
        lmbda.set_state({"index": lmbda.values.index(2.0)})  # a key press in the browser
        assert not _ahead.queued(app) and app._plan == []  # stopped at once
        await until(lambda: "training" not in app.caption.value, 10)
        assert "λ = 2" in app.caption.value and _ahead.queued(app)  # planned again from λ = 2
        slices.clear()  # (those that trained λ = 2 for the figure)
        assert [c.args for c in app._plan[:4]] == [("l2", 2.0), ("l1_prox", 2.0), ("l2", 5.0),
                                                   ("l1_prox", 5.0)]
        await asyncio.sleep(0.3)  # wakes before the first slice is due (1 s after the figure)
        assert slices == []
        moved = time.perf_counter()
        _ahead.note_change()  # another app's control moved, or a cell ran
        await until(lambda: slices, 10)
        assert slices[0][1] - moved >= 1.0  # a second of quiet first
        app.close()

    run(scenario())


def test_a_key_press_trains_its_value_at_once_in_slices_that_give_way(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 60.0)  # nothing ahead: only what the moves need
    monkeypatch.setattr(_worker, "send", lambda runs, key: False)  # the kernel trains them all
    waiting = [False]
    monkeypatch.setattr(_ahead, "_kernel_waiting", lambda: waiting[0])
    stops, advance = [], _runs.Runs.advance

    def spy(self, key, seconds, stop=None):
        stops.append(stop)
        return advance(self, key, seconds, stop)

    monkeypatch.setattr(_runs.Runs, "advance", spy)
    small = {"n_train": 120, "epochs": 2, "n_test": 100}  # runs no other test trains

    def trained(lmbda):
        return [experiments.next_untrained(functools.partial(experiments.l1_l2_run, p, lmbda,
                                                             **small)) is None
                for p in ("l2", "l1_prox")]

    drawn = []  # the λ of every figure the app shows

    def spy_on_shows(app):
        show = app._show
        app._show = lambda fig, caption: drawn.append(
            float(caption.split("λ = ")[1].split(":")[0].split(" ")[0])) or show(fig, caption)

    async def scenario():
        app = widgets.l1_l2_app(1.0, **small)
        spy_on_shows(app)
        lmbda = app.controls["lmbda"]

        def press(value):  # as the browser sends a key press: a state update of the slider
            lmbda.set_state({"index": lmbda.values.index(value)})

        waiting[0] = True  # a message waits for the kernel (the next key press, say)
        press(2.0)
        assert "training (" in app.caption.value and stops == []  # said at once, not trained
        await asyncio.sleep(0.1)
        assert stops == [] and trained(2.0) == [False, False]  # the message goes first
        waiting[0] = False
        await until(lambda: "training" not in app.caption.value, 30)
        assert "λ = 2" in app.caption.value and app.error is None
        assert trained(2.0) == [True, True] and stops
        assert all(stop is _ahead._kernel_waiting for stop in stops)  # every slice gives way
        drawn.clear()
        press(5.0)
        press(10.0)  # before the kernel had a look: one training, for the value pressed last
        await until(lambda: "training" not in app.caption.value, 30)
        assert "λ = 10" in app.caption.value and app.error is None
        assert trained(10.0) == [True, True] and set(drawn) == {10.0}  # no figure for λ = 5
        drawn.clear()
        monkeypatch.setattr(_core, "RETRAIN_DELAY", 1.0)  # (room for a loaded machine)
        press(2.0)  # trained: its figure is drawn once the burst is over, and it is not
        await asyncio.sleep(0.2)
        assert drawn == []
        press(10.0)
        await until(lambda: "training" not in app.caption.value, 30)
        assert drawn == [10.0] and "λ = 10" in app.caption.value
        app.close()

    run(scenario())


@pytest.fixture
def second_process():
    if not _worker._executor():
        pytest.skip("no second process can be started here")
    yield _worker
    _worker.stop()


@pytest.mark.filterwarnings("ignore:Training diverged")
def test_a_run_trained_in_the_second_process_is_the_one_the_kernel_trains(second_process):
    settings = {**TINY, "n_train": 110, "eta": 1e300}  # diverges: a warning to carry back
    runs, key = experiments.next_untrained(lambda: experiments.training_run(**settings))
    assert second_process.send(runs, key) and second_process.flying(runs, key)
    other = experiments.next_untrained(lambda: experiments.training_run(**{**settings,
                                                                           "n_train": 111}))
    assert not second_process.send(*other)  # one run at a time
    assert second_process.in_flight() == {(runs, key)}
    deadline = time.perf_counter() + 60
    while second_process.flying(runs, key) and time.perf_counter() < deadline:
        time.sleep(0.05)
        second_process.collect()
    assert runs.cached(*key) and not second_process.flying(runs, key)
    with pytest.warns(TrainingWarning, match="diverged"):  # shown when first returned
        there = experiments.training_run(**settings)
    assert all(not w.flags.writeable for w in there.weights)  # read-only, as the cache gives
    runs._done.pop(key)
    here = experiments.training_run(**settings)  # trained again, in this process
    same_run(there, here)


def test_a_call_waits_for_the_run_the_second_process_trains(second_process, monkeypatch):
    settings = {**TINY, "n_train": 130}
    runs, key = experiments.next_untrained(lambda: experiments.training_run(**settings))
    assert second_process.send(runs, key)
    monkeypatch.setattr(runs, "steps", None)  # the kernel cannot train it: it must wait
    run_ = experiments.training_run(**settings)
    assert runs.cached(*key) and run_.history["epoch"] == (1, 2, 3)


def test_the_package_imports_where_no_process_can_start():
    """JupyterLite's Pyodide has no _multiprocessing: the package must import, and train in the
    kernel."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['_multiprocessing'] = None\n"
            "import lecture5, lecture5.widgets\n"
            "from lecture5 import experiments\n"
            "from lecture5.experiments import _worker\n"
            "call = lambda: experiments.training_run(sizes=(784, 10), n_train=20, epochs=1,"
            " n_test=20)\n"
            "runs, key = experiments.next_untrained(call)\n"
            "assert _worker.send(runs, key) is False and not _worker._executor()\n"
            "assert call().history['epoch'] == (1,)\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_looking_past_a_run_finds_the_next_one_a_call_needs():
    settings = {**TINY, "n_train": 140}
    calls = [functools.partial(experiments.training_run, **{**settings, "epochs": e})
             for e in (1, 2)]
    first = experiments.next_untrained(lambda: [c() for c in calls])
    second = experiments.next_untrained(lambda: [c() for c in calls], past={first})
    assert first != second and second == experiments.next_untrained(calls[1])
    assert experiments.next_untrained(lambda: [c() for c in calls], past={first, second}) \
        is None  # (nothing left but what it looks past)


class FakeSecondProcess:
    """Stands in for lecture5.experiments._worker: takes runs and finishes them when told."""

    def __init__(self, monkeypatch):
        self.sent, self.flying_ = [], set()
        for name in ("send", "flying", "in_flight", "collect"):
            monkeypatch.setattr(_worker, name, getattr(self, name))

    def send(self, runs, key):
        if self.flying_:
            return False
        self.sent.append(key)
        self.flying_.add((runs, key))
        return True

    def flying(self, runs, key):
        return (runs, key) in self.flying_

    def in_flight(self):
        return frozenset(self.flying_)

    def collect(self):
        pass

    def finish(self):
        """The second process's runs come back (trained here, as the real one would)."""
        for runs, key in list(self.flying_):
            self.flying_.discard((runs, key))
            if not runs.cached(*key):
                runs.advance(key, float("inf"))


def test_while_the_second_process_trains_one_seed_the_kernel_trains_the_others(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 60.0)
    monkeypatch.setattr(_core, "RETRAIN_DELAY", 0.0)  # (a small run is over within it)
    monkeypatch.setattr(_ahead, "_kernel_waiting", lambda: False)
    second = FakeSecondProcess(monkeypatch)
    slices = spy_on_slices(monkeypatch, train=True)
    small = {**SMALL7, "n_train": 210}  # runs no other test trains
    seeds = (0, 1, 2)

    async def scenario():
        app = widgets.dropout_versions_app(0.5, seeds=seeds, **small)
        p = app.controls["p_drop"]
        keys = [experiments.next_untrained(functools.partial(
            experiments.slides_dropout_run, 0.8, "slides", seed=s, **small))[1] for s in seeds]
        p.set_state({"value": 0.8})  # a key press in the browser
        await until(lambda: keys[0] in {k for k, _ in slices} and second.sent, 30)
        assert second.sent == [keys[1]]  # the figure's second seed goes to the second process
        await until(lambda: keys[2] in {k for k, _ in slices}, 30)
        assert "training (" in app.caption.value  # the figure waits for the second process
        trained = [k for k, _ in slices]
        assert keys[1] not in trained  # the kernel took the third seed, not the second's
        assert set(trained) <= {keys[0], keys[2]}  # and nothing the figure does not need
        await asyncio.sleep(0.3)  # seeds 0 and 2 done: the kernel trains seed 1 too meanwhile
        assert keys[1] in {k for k, _ in slices}
        second.finish()
        await until(lambda: "training (" not in app.caption.value, 30)
        assert "p = 0.8" in app.caption.value and app.error is None
        app.close()

    run(scenario())


def test_training_ahead_leaves_the_second_process_its_run(monkeypatch):
    second = FakeSecondProcess(monkeypatch)
    slices = spy_on_slices(monkeypatch)
    settings = {**TINY, "n_train": 150}
    plan = [functools.partial(experiments.training_run, **{**settings, "epochs": e})
            for e in (1, 2)]
    runs, key = experiments.next_untrained(plan[0])
    second.flying_.add((runs, key))
    assert _ahead._slice(plan) and slices[0][0] == experiments.next_untrained(plan[1])[1]
    assert len(plan) == 2  # the run in flight stays in the plan


def test_one_app_at_a_time_the_last_refreshed_first(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 0.0)
    slices = spy_on_slices(monkeypatch)
    small = {k: v for k, v in TINY.items() if k != "sizes"}

    async def scenario():
        first = widgets.early_stopping_app(3, **small)
        second = widgets.early_vs_l2_app(1.0, **small)
        await until(lambda: len(slices) >= 5, 10)
        assert {key for key, _ in slices} == {slices[0][0]}  # one run: the second app's
        assert slices[0][0] == experiments.next_untrained(second._plan[0])[1]
        assert _ahead.queued(first) and first._plan
        second.close()
        slices.clear()
        await until(lambda: len(slices) >= 2, 10)
        assert slices[0][0] == experiments.next_untrained(first._plan[0])[1]
        first.close()

    run(scenario())


def test_a_setting_that_cannot_train_is_skipped(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 0.0)
    calls = []

    def bad():
        calls.append(1)
        raise ValueError("no such setting")

    def ok():
        calls.append(2)
        return experiments.training_run(**dict(TINY, lmbda=0.111))

    async def scenario():
        slider = widgets.float_slider("x", 1.0, 0.5, 2.0, 0.5)
        app = widgets.RetrainApp(lambda x: penalty_figure(), {"x": slider},
                                 ahead=lambda x: [bad, ok])
        await until(lambda: not _ahead.queued(app), 20)
        assert calls[:2] == [1, 2] and experiments.next_untrained(ok) is None

    run(scenario())


def test_a_plan_that_cannot_be_made_leaves_the_figure_alone():
    async def scenario():
        slider = widgets.float_slider("x", 1.0, 0.5, 2.0, 0.5)
        app = widgets.RetrainApp(lambda x: penalty_figure(), {"x": slider},
                                 ahead=lambda x: 1 / 0)
        assert app.error is None and not _ahead.queued(app)

    run(scenario())


def penalty_figure():
    return plots.penalty_step_figure(lmbda=1.0)


def test_the_playground_training_or_changed_holds_training_ahead_back():
    from lecture5.playground import Playground

    app = Playground(preset="moons, a small network")
    before = _ahead._last_change[0]
    app.redraw(force=True)  # what the playground does after every slice of training
    assert _ahead._last_change[0] > before
    before = _ahead._last_change[0]
    app.controls["eta"].value = 0.2
    assert _ahead._last_change[0] > before



# ------------------------------------------------------------------ drawing ahead (closed form)
def pixels(png_bytes):
    import io

    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(png_bytes), format="png")


def test_a_closed_form_app_draws_ahead_the_next_values_and_the_ends(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 0.0)
    monkeypatch.setattr(_ahead, "DRAW_QUIET", 0.0)
    tau_moves = []

    async def scenario():
        app = widgets.filter_app()  # two sliders: steps tau, lambda
        shown, caption = widgets.shown_png(app.picture), app.caption.value
        await until(lambda: not _ahead.queued(app), 30)
        values = app.values()
        wanted = {_ahead.frame_key({**values, name: v})
                  for name in ("tau", "lmbda")
                  for v in widgets.likely_first(app.controls[name])[:1 + _ahead.DRAW_AHEAD]}
        assert set(app.drawn) == wanted  # the one shown, one step either way, the two ends
        # nothing was shown meanwhile, and the figure is back at the values shown
        assert widgets.shown_png(app.picture) == shown and app.caption.value == caption
        assert np.array_equal(pixels(app.frames.png(app.figure)), pixels(shown))
        tau = app.controls["tau"]
        for v in (widgets.likely_first(tau)[1], widgets.likely_first(tau)[4]):  # a step, an end
            tau.value = v
            assert widgets.shown_png(app.picture) == app.drawn[_ahead.frame_key(app.values())][0]
            tau_moves.append((v, widgets.shown_png(app.picture), app.caption.value))
            assert np.array_equal(pixels(app.frames.png(app.figure)),  # the figure followed
                                  pixels(widgets.shown_png(app.picture)))
        app.close()
        assert not _ahead.queued(app) and app._plan == []

    run(scenario())
    # the same moves without drawing ahead show the same pictures and captions
    monkeypatch.setattr(widgets.FigureApp, "draws_ahead", False)
    app = widgets.filter_app()
    for v, png_bytes, caption in tau_moves:
        app.controls["tau"].value = v
        assert np.array_equal(pixels(widgets.shown_png(app.picture)), pixels(png_bytes))
        assert app.caption.value == caption
    assert not getattr(app, "drawn", None)


def test_nothing_is_drawn_ahead_without_an_event_loop_or_by_a_retraining_app():
    # a script: no event loop (a thread of its own: Playwright may run one in this thread)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        app = pool.submit(widgets.filter_app).result()
    assert not _ahead.queued(app) and len(app.drawn) == 1  # only the frame it shows
    retrain = widgets.RetrainApp(lambda x: penalty_figure(), {"x": widgets.float_slider(
        "x", 1.0, 0.5, 2.0, 0.5)})
    retrain.controls["x"].value = 1.5
    assert not getattr(retrain, "drawn", None)  # it keeps no pictures, shown or ahead


def line_app():
    """A closed-form app of one line y = x t; a change to x = 3 cannot be made in place (as a
    figure whose texts outgrow its layout), so the app builds that figure afresh."""

    @plots.styled
    def build(x=1.0):
        fig, ax = plots.new_figure()
        (line,) = ax.plot([0, 1], [0, x])
        ax.set_ylim(0, 4)

        def update(x):
            if x == 3.0:
                return None
            line.set_ydata([0, x])
            return f"x = {x:g}"

        return plots.updatable(fig, update, [line]), f"x = {x:g}"

    return widgets.FigureApp(build, {"x": widgets.float_slider("x", 1.0, 0.0, 4.0, 1.0)})


def test_a_value_that_needs_a_new_figure_is_skipped_and_the_figure_follows_every_picture():
    app = line_app()  # a script: the frames are drawn below, by hand
    x = app.controls["x"]
    for value in (2.0, 4.0, 3.0, 0.0, 1.0, 2.0, 3.0, 4.0):
        _ahead.draw_ahead(app)
        planned = [f.values["x"] for f in app._plan]
        while app._plan:
            app._plan[0]()
        drawn = {v for v in planned if _ahead.drawn(app, {"x": v})}
        assert drawn == set(planned) - {3.0}  # the others are drawn, in spite of x = 3
        before = app.figure
        x.value = value
        assert (app.figure is not before) == (value == 3.0)  # built afresh for x = 3 only
        if value == 3.0:  # the pictures drawn on the figure before are not used any more
            assert all(_ahead.drawn(app, {"x": v}) is None for v in planned if v != 3.0)
        assert app.caption.value == f"x = {value:g}"
        # the figure follows the picture shown (drawn ahead or not), as a move away needs
        assert np.array_equal(pixels(app.frames.png(app.figure)),
                              pixels(widgets.shown_png(app.picture)))


def test_a_closed_app_draws_nothing_more_and_keeps_no_pictures():
    app = line_app()
    assert _ahead.drawn(app, {"x": 1.0}) is not None
    app.close()
    app.controls["x"].value = 2.0  # a change from code after closing
    assert not _ahead.queued(app) and app._plan == [] and not app.drawn


def test_frames_are_drawn_ahead_sooner_than_runs_are_trained(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 0.5)
    monkeypatch.setattr(_ahead, "DRAW_QUIET", 0.0)
    slices, frames = spy_on_slices(monkeypatch), []
    draw = _ahead.Frame.__call__
    monkeypatch.setattr(_ahead.Frame, "__call__",
                        lambda self: draw(self) or frames.append(time.perf_counter()))

    async def scenario():
        drawing = widgets.filter_app()
        training = widgets.early_stopping_app(3, **{k: v for k, v in TINY.items()
                                                     if k != "sizes"})  # first in the queue
        _ahead.note_change()  # as the cell that made them, once it has run
        changed = time.perf_counter()
        await until(lambda: slices, 20)
        assert len(frames) == len(drawing.drawn) - 1 > 1  # each frame in one call, none again
        assert max(frames) < slices[0][1]  # every frame before the first run
        assert frames[0] - changed < 0.5 <= slices[0][1] - changed  # each after its own quiet
        assert not _ahead.queued(drawing)
        training.close()
        drawing.close()

    run(scenario())


def test_frames_go_before_runs_when_both_are_due(monkeypatch):
    monkeypatch.setattr(_ahead, "AHEAD_QUIET", 0.0)
    monkeypatch.setattr(_ahead, "DRAW_QUIET", 0.0)
    events = []
    monkeypatch.setattr(_runs.Runs, "advance",
                        lambda self, key, s, stop=None: events.append("run"))
    draw = _ahead.Frame.__call__
    monkeypatch.setattr(_ahead.Frame, "__call__", lambda self: draw(self) or events.append("frame"))

    async def scenario():
        drawing = widgets.filter_app()
        training = widgets.early_stopping_app(3, **{k: v for k, v in TINY.items()
                                                     if k != "sizes"})  # queued last
        await until(lambda: "run" in events, 20)
        assert events.index("run") == len(drawing.drawn) - 1 > 1  # every frame first
        training.close()
        drawing.close()

    run(scenario())


def test_a_message_stops_a_frame_between_two_artists(monkeypatch):
    """The frame drawn ahead gives way, keeps its place in the plan, leaves the figure as
    shown, and is drawn whole once nothing waits."""
    monkeypatch.setattr(_ahead, "DRAW_QUIET", 0.0)
    asked = []
    waiting = lambda: asked.append(1) or len(asked) == 3  # noqa: E731 - a message, once
    monkeypatch.setattr(_ahead, "_kernel_waiting", waiting)
    app = widgets.filter_app()  # a script: nothing is drawn ahead unless called
    shown = widgets.shown_png(app.picture)
    _ahead.draw_ahead(app)
    frame = app._plan[0]
    frame()
    assert len(asked) == 3 and app._plan[0] is frame  # stopped before the third artist
    assert _ahead.frame_key(frame.values) not in app.drawn
    assert np.array_equal(pixels(app.frames.png(app.figure)), pixels(shown))  # as shown
    frame()
    assert app._plan[0] is not frame and len(asked) > 3
    png_bytes, caption = _ahead.drawn(app, frame.values)
    for name, value in frame.values.items():  # the move itself shows that picture
        app.controls[name].value = value
    assert widgets.shown_png(app.picture) == png_bytes and app.caption.value == caption
    monkeypatch.setattr(widgets.FigureApp, "draws_ahead", False)
    fresh = widgets.filter_app(**{k: v for k, v in frame.values.items()})
    assert np.array_equal(pixels(png_bytes), pixels(widgets.shown_png(fresh.picture)))
    assert fresh.caption.value == caption
