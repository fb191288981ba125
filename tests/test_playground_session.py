"""The playground's state without widgets (lecture5/playground/session.py), in plain Python.

Which control changes reach the running trainer and which build a new network; presets; the
history kept bounded; the numbers the status line shows always agree with each other; the
engine's warnings are collected for the status line instead of being printed.
"""

from __future__ import annotations

import ast
import inspect
import pathlib
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from lecture5 import experiments
from lecture5.playground import (
    ARCHITECTURE,
    DATA,
    DEFAULTS,
    LIVE,
    PRESETS,
    Session,
    load_data,
    session,
    thin_history,
)
from lecture5.playground.session import TRAINING_WARNING, build_trainer, classify, preset_state


# ------------------------------------------------------------------ memory over a long run
def test_thin_history_bounds_the_lists_and_keeps_first_and_last():
    history = {"epoch": list(range(1, 2502)), "x": [float(i) for i in range(2501)]}
    assert thin_history(history, 2000)
    assert len(history["epoch"]) <= 2000 and len(history["x"]) == len(history["epoch"])
    assert history["epoch"][0] == 1 and history["epoch"][-1] == 2501
    assert history["epoch"] == sorted(history["epoch"])
    assert not thin_history(history, 2000)



# ------------------------------------------------------------------ which changes reset
def test_the_controls_are_live_data_or_architecture_and_nothing_else():
    assert set(LIVE) | set(DATA) | set(ARCHITECTURE) == set(DEFAULTS)
    assert len(LIVE) + len(DATA) + len(ARCHITECTURE) == len(DEFAULTS)
    moons, digits = dict(DEFAULTS), {**DEFAULTS, "dataset": "mnist"}
    assert classify("eta", moons, {**moons, "eta": 2.0}) == "live"
    assert classify("noise", moons, {**moons, "noise": 0.3}) == "data"
    assert classify("noise", digits, {**digits, "noise": 0.3}) == "ignored"
    assert classify("n_train", moons, {**moons, "n_train": 300}) == "ignored"
    assert classify("n_train", digits, {**digits, "n_train": 300}) == "data"
    assert classify("seed", moons, {**moons, "seed": 3}) == "architecture"
    with pytest.raises(ValueError, match="name must be one of"):
        classify("speed", moons, moons)


def test_a_live_change_reaches_the_same_trainer_and_others_build_a_new_one():
    s = Session()
    s.run_epochs(1)
    t, net = s.trainer, s.net
    kind, text = s.change("eta", 2.0)
    assert kind == "live" and s.trainer is t and s.net is net and t.eta == 2.0
    assert text == "η = 2 from mini-batch 21 on; the network keeps training (no reset)."
    kind, text = s.change("lmbda", 0.3)
    assert t.lmbda == 0.3 and "no effect while the penalty is none" in text
    assert s.change("early_stopping", 0) == ("live", "early stopping = off from mini-batch 21 "
                                             "on; the network keeps training (no reset).")
    assert t.early_stopping is None
    kind, text = s.change("n_train", 300)  # moons: the number of digits does not matter
    assert kind == "ignored" and s.trainer is t and "nothing changed" in text
    assert s.stats["resets"] == 1
    kind, text = s.change("neurons", 5)
    assert kind == "architecture" and s.trainer is not t and s.trainer.epoch == 0
    assert s.net.sizes == [2, 5, 2] and "changed the architecture" in text
    assert s.trainer.eta == 2.0 and s.trainer.lmbda == 0.3  # the new trainer keeps the values
    data = s.data
    assert s.change("dataset", "mnist")[0] == "data" and s.data is not data
    assert s.net.sizes == [784, 5, 10] and s.trainer.n == 300  # n_train followed quietly
    assert s.stats["resets"] == 3


def test_an_invalid_value_raises_naming_the_control_before_anything_changes():
    s = Session()
    state, t, net = dict(s.state), s.trainer, s.net
    for name, value, error in [("eta", -1.0, ValueError), ("neurons", 0, ValueError),
                               ("layers", 1.5, TypeError), ("dataset", "iris", ValueError),
                               ("mini_batch_size", 0, ValueError), ("speed", 1, ValueError)]:
        with pytest.raises(error, match=name):
            s.change(name, value)
        assert s.state == state and s.trainer is t and s.net is net and t.eta == 0.5
    with pytest.raises(ValueError, match="preset must be one of"):
        Session(preset="moons")
    with pytest.raises(TypeError, match="unknown control"):
        Session(speed=2)
    with pytest.raises(ValueError, match="max_history"):
        Session(max_history=3)


def test_presets_set_every_control_and_are_reproducible():
    s = Session()
    for name in PRESETS:
        s.apply_preset(name)
        want = {**DEFAULTS, **PRESETS[name]}
        assert s.state == want == preset_state(name)
        t = s.trainer
        assert (t.eta, t.lmbda, t.penalty, t.p_drop, t.early_stopping) == (
            want["eta"], want["lmbda"], want["penalty"], want["p_drop"],
            want["early_stopping"] or None)
        assert s.net.sizes[1:-1] == [want["neurons"]] * want["layers"]
    a = Session(preset="xor", seed=4)
    b = Session(preset="xor", seed=4)
    a.run_epochs(3)
    b.run_epochs(3)
    assert a.trainer.history["train_cost"] == b.trainer.history["train_cost"]


def _constructor_calls(path):
    """``[(enclosing function, "Network" or "Trainer"), ...]`` for every call in ``path``."""
    found = []

    def visit(node, where):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.ClassDef)) else where
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Name)
                    and child.func.id in ("Network", "Trainer")):
                found.append((where, child.func.id))
            visit(child, inner)

    visit(ast.parse(path.read_text()), None)
    return found


def test_build_trainer_goes_through_the_one_recipe_in_experiments():
    """Above the training layer (experiments, plots, widgets, the playground) a Network or a
    Trainer is constructed only in experiments.make_network and experiments.make_trainer;
    the playground's one builder, build_trainer, calls make_trainer."""
    lecture5 = pathlib.Path(experiments.__file__).parent.parent
    files = [*sorted((lecture5 / "experiments").glob("*.py")),
             *sorted((lecture5 / "widgets").glob("*.py")),
             *sorted((lecture5 / "plots").glob("*.py")),
             *sorted((lecture5 / "playground").glob("*.py"))]
    calls = {f.relative_to(lecture5).as_posix(): _constructor_calls(f) for f in files}
    assert {f: c for f, c in calls.items() if c} == {
        "experiments/_core.py": [("make_network", "Network"), ("make_trainer", "Trainer")]}
    assert [c.func.id for c in ast.walk(ast.parse(inspect.getsource(build_trainer)))
            if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
            and c.func.id == "make_trainer"] == ["make_trainer"]
    data = load_data("xor", seed=0)
    net, trainer = build_trainer(data, {**DEFAULTS, "mini_batch_size": 500, "layers": 2})
    assert net.sizes == [2, 8, 8, 2] and trainer.net is net
    assert trainer.mini_batch_size == trainer.n == 200  # at most the training-set size


# ------------------------------------------------------------------ what the status line shows
def _consistent(p, trainer):
    assert 0 <= p["batch"] <= p["batches"], p
    assert p["epoch"] == trainer.epoch and p["updates"] == trainer.steps


def test_the_batch_counts_stay_possible_when_the_mini_batch_size_changes_mid_epoch():
    s = Session(mini_batch_size=1)  # moons: 200 training points
    for _ in range(101):
        s.step()
    s.change("mini_batch_size", 100)  # was "mini-batch 101/2" (the issue saw "101/11")
    p = s.progress()
    assert (p["batch"], p["batches"]) == (101, 102)  # 99 points left: one more mini-batch
    rng = np.random.default_rng(1)
    for _ in range(400):  # random sizes: the count announced is the count done
        if rng.random() < 0.2:
            s.change("mini_batch_size", int(rng.integers(1, 120)))
        before = s.progress()
        _consistent(before, s.trainer)
        if s.step() is not None:  # this mini-batch ended the epoch: it was the last announced
            assert before["batch"] + 1 == before["batches"]
            assert s.progress()["batch"] == 0
    _consistent(s.progress(), s.trainer)


def test_after_a_divergence_the_counts_are_those_of_the_epoch_start_and_the_message_says_so():
    s = Session(preset="diverging ReLU")
    s.run_epochs(5)
    t = s.trainer
    assert t.stopped == "diverged"
    p = s.progress()
    assert (p["batch"], p["batches"]) == (0, t.batches_per_epoch)
    text, level = s.stop_report()
    assert level == "error" and text.startswith(t.message) and text.endswith("press Reset.")
    assert re.search(r"mini-batch \d+", t.message)  # the message names where it failed
    assert p["updates"] == t.steps == t.epoch * t.batches_per_epoch  # the failed epoch is undone
    assert s.resume() == "Resuming from the last finite weights." and not t.stopped
    assert s.resume() is None
    s.apply_preset("early stopping")
    s.state["n_train"] = 100
    s.build()
    s.run_epochs(100)
    assert s.trainer.stopped == "early stopping"
    assert s.stop_report() == (s.trainer.message, "info")


def test_a_divergence_at_an_epochs_end_is_shown_for_that_epoch():
    s = Session(preset="overfit 1,000 digits", eta=100.0, lmbda=100.0, penalty="l2")
    t = s.trainer
    starts = []  # the weights at the start of epoch 1, 2, ...
    while not t.stopped and len(starts) < 3:
        starts.append([w.copy() for w in t.net.weights])
        s.run_epochs(1)
    assert t.stopped == "diverged"
    restored = [k for k, ws in enumerate(starts, 1)
                if all(np.array_equal(a, b) for a, b in zip(ws, t.net.weights))]
    epoch = int(re.search(r"diverged in epoch (\d+)", t.message).group(1))
    assert restored == [epoch]  # "restored to the start of epoch N": N is the epoch that failed
    p = s.progress()
    assert (p["batch"], p["batches"]) == (0, t.batches_per_epoch)
    assert p["epoch"] == epoch - 1 == len(t.history["epoch"])  # the failed epoch is not kept


def test_the_engines_warnings_are_kept_for_the_status_line_not_printed():
    s = Session()
    step = s.trainer.step

    def warning_step():
        warnings.warn("pixels look unscaled", TRAINING_WARNING, stacklevel=1)
        warnings.warn("something else", DeprecationWarning, stacklevel=1)
        return step()

    s.trainer.step = warning_step
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        s.run_epochs(1)
    assert [str(x.message) for x in shown] == ["something else"] * 20  # not ours: passed on
    assert s.take_warnings() == ["pixels look unscaled"]  # once, though 20 mini-batches warned
    assert s.take_warnings() == []


def test_a_warning_while_building_the_trainer_is_kept_too(monkeypatch):
    build = session.build_trainer

    def warning_build(data, values):
        warnings.warn("pixels look unscaled: divide by 255", TRAINING_WARNING, stacklevel=1)
        return build(data, values)

    monkeypatch.setattr(session, "build_trainer", warning_build)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escaped would raise here
        s = Session()
    assert s.take_warnings() == ["pixels look unscaled: divide by 255"]


def test_the_session_and_the_runner_import_no_widgets():
    code = ("import sys\nimport lecture5.playground.runner, lecture5.playground.session\n"
            "from lecture5.playground import PRESETS, Session, load_data, thin_history\n"
            "assert 'ipywidgets' not in sys.modules, 'ipywidgets imported'\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_every_module_is_small_and_every_class_under_300_lines():
    for f in pathlib.Path(session.__file__).parent.glob("*.py"):
        text = f.read_text()
        assert text.count("\n") < 500, f.name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                assert node.end_lineno - node.lineno < 300, (f.name, node.name)
