"""Training ahead: cached runs trained a slice at a time (lecture5/experiments/_runs.py) and the
retraining apps that train their sliders' other values while the kernel is idle
(RetrainApp(ahead=...), lecture5/widgets/_core.py)."""

import asyncio
import functools
import time
import warnings

import numpy as np
import pytest

from lecture5 import experiments, widgets
from lecture5.experiments import _runs
from lecture5.training import TrainingWarning
from lecture5.widgets import _core

#: a small MNIST problem for training_run (notebooks 06 and 08 use the same cache)
TINY = {"sizes": (784, 10), "n_train": 100, "epochs": 3, "n_test": 100}
#: a small version of notebook 07's problem
SMALL7 = {"sizes": (784, 20, 10), "n_train": 200, "validation": 100, "epochs": 2, "n_test": 200}


def same_run(a, b):
    """Two TrainingRuns/DropoutRuns alike in everything but the seconds the epochs took."""
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
    assert {k: v for k, v in a.history.items() if k != "seconds"} == \
        {k: v for k, v in b.history.items() if k != "seconds"}
    assert a.test_accuracy == b.test_accuracy and a.test_cost == b.test_cost


def test_train_steps_is_trainer_train_a_mini_batch_at_a_time():
    data = experiments._core._training_digits(60)
    whole, sliced = (experiments.make_trainer(data, (784, 10, 10), eta=0.5, seed=3)
                     for _ in range(2))
    whole.train(2, progress=False)
    yields = sum(1 for _ in _runs.train_steps(sliced, 2))
    assert yields == 2 * 6 == sliced.steps  # one yield before each of 6 mini-batches an epoch
    assert all(np.array_equal(a, b) for a, b in zip(whole.net.weights, sliced.net.weights))
    assert whole.history["train_cost"] == sliced.history["train_cost"]


def test_a_run_trained_in_slices_equals_one_trained_at_once():
    settings = dict(TINY, lmbda=0.321)
    job = experiments.ahead(lambda: experiments.training_run(**settings))
    assert job is not None and job[0] is experiments._training_run
    runs, key = job
    before = runs.cache_info()
    assert runs.advance(key, 0.0) is False  # one mini-batch, kept half-trained
    while not runs.advance(key, 0.005):
        pass
    assert experiments.ahead(lambda: experiments.training_run(**settings)) is None
    sliced = experiments.training_run(**settings)
    after = runs.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses
    # a run begun in slices and finished by a call, and one trained at once, from scratch
    settings["lmbda"] = 0.654
    runs.advance(experiments.ahead(lambda: experiments.training_run(**settings))[1], 0.0)
    finished = experiments.training_run(**settings)
    runs.cache_clear()
    same_run(sliced, experiments.training_run(**dict(settings, lmbda=0.321)))
    same_run(finished, experiments.training_run(**settings))


def test_a_run_trained_ahead_warns_when_it_is_first_returned():
    settings = dict(TINY, sizes=(784, 30, 10), eta=1e6, epochs=2)  # saturated: cannot learn
    runs, key = experiments.ahead(lambda: experiments.training_run(**settings))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        while not runs.advance(key, 0.01):
            pass
    assert caught == []  # kept, not shown: training ahead happens behind the student's back
    with pytest.warns(TrainingWarning, match="saturated"):
        run = experiments.training_run(**settings)
    assert "saturated" in run.message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert experiments.training_run(**settings) is run  # once, as an lru_cache would


def test_ahead_checks_the_arguments_and_trains_nothing():
    with pytest.raises(ValueError, match="dropout"):
        experiments.ahead(lambda: experiments.slides_dropout_run(0.5, "upside down"))
    before = experiments._training_run.cache_info()
    assert experiments.ahead(lambda: experiments.training_run(**dict(TINY, lmbda=9.87)))
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


def run_loop(coro):
    return asyncio.run(coro)


async def until(condition, timeout):
    t0 = time.perf_counter()
    while not condition():
        assert time.perf_counter() - t0 < timeout, "timed out"
        await asyncio.sleep(0.01)


def test_dropout_versions_app_trains_its_other_settings_while_idle(monkeypatch):
    monkeypatch.setattr(_core, "AHEAD_QUIET", 0.05)
    seeds = (0, 1)
    wanted = [functools.partial(experiments.slides_dropout_run, p, d, seed=s, **SMALL7)
              for d in ("slides", "inverted") for p in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
              for s in seeds]

    async def scenario():
        app = widgets.dropout_versions_app(0.5, seeds=seeds, **SMALL7)
        assert len(app._plan) == len(wanted) and app._next_slice is not None
        await asyncio.sleep(0.02)
        assert experiments.ahead(wanted[0]) is not None  # not yet: too soon after the build
        await until(lambda: not app._plan, 60)
        assert all(experiments.ahead(call) is None for call in wanted)
        info = _dropout_runs().cache_info()
        app.controls["p_drop"].value = 0.8  # a change from Python: answered from the cache
        app.controls["dropout"].value = "inverted"
        assert app.error is None and "p = 0.8 (inverted)" in app.caption.value
        assert _dropout_runs().cache_info().misses == info.misses
        assert app._next_slice is not None and app._plan  # planned again from the new values
        app.close()
        assert app._next_slice is None and not app._plan

    run_loop(scenario())


def _dropout_runs():
    from lecture5.experiments import dropout
    return dropout._slides_dropout_run


def test_a_change_from_the_browser_stops_training_ahead_until_all_is_quiet(monkeypatch):
    monkeypatch.setattr(_core, "AHEAD_QUIET", 0.5)
    slices = []  # when each slice of training ahead began
    monkeypatch.setattr(_runs.Runs, "advance",
                        lambda self, key, s: slices.append(time.perf_counter()))

    async def scenario():
        app = widgets.l1_l2_app(1.0, **{k: v for k, v in TINY.items() if k != "sizes"})
        lmbda = app.controls["lmbda"]
        assert len(app._plan) == 2 * 8 * 2 and app.error is None
        lmbda.set_state({"index": lmbda.values.index(2.0)})  # a key press in the browser
        assert app._next_slice is None and app._plan == []  # stopped at once
        await until(lambda: "training" not in app.caption.value, 10)
        assert "λ = 2" in app.caption.value and app._plan  # planned again from λ = 2
        assert [c.args for c in app._plan[:4]] == [("l2", 2.0), ("l1_prox", 2.0), ("l2", 5.0),
                                                   ("l1_prox", 5.0)]
        await asyncio.sleep(0.3)  # wakes before the first slice is due (0.5 s after the figure)
        assert slices == []
        moved = _core._last_change[0] = time.perf_counter()  # another app's control moved
        await until(lambda: slices, 10)
        assert slices[0] - moved >= 0.5  # half a second of quiet first
        app.close()

    run_loop(scenario())


def test_a_setting_that_cannot_train_is_skipped(monkeypatch):
    monkeypatch.setattr(_core, "AHEAD_QUIET", 0.0)
    calls = []

    def bad():
        calls.append(1)
        raise ValueError("no such setting")

    def ok():
        calls.append(2)
        return experiments.training_run(**dict(TINY, lmbda=0.111))

    async def scenario():
        slider = widgets.float_slider("x", 1.0, 0.5, 2.0, 0.5)
        app = widgets.RetrainApp(lambda x: experiments_figure(), {"x": slider},
                                 ahead=lambda x: [bad, ok])
        await until(lambda: not app._plan, 20)
        assert calls[:2] == [1, 2] and experiments.ahead(ok) is None

    run_loop(scenario())


def experiments_figure():
    from lecture5 import plots
    return plots.penalty_step_figure(lmbda=1.0)
