"""Exercises of notebooks 06-08: the registered answers are right, and wrong answers are refused."""

import numpy as np
import pytest

from lecture5.exercises import EXERCISES, check
from lecture5.exercises import nb06_l1_sparsity as ex06


def _solution(key):
    check(key, None)  # loads every exercise module
    return EXERCISES[key].solution()


# ---------------------------------------------------------------- 06


def test_06_1_naive_l1_step_by_hand(capsys):
    step = ex06.ETA * ex06.LMBDA / ex06.N  # 0.04
    expected = ex06.W - step * np.sign(ex06.W)
    np.testing.assert_allclose(_solution("06.1"), expected)
    assert check("06.1", expected.tolist())
    assert not check("06.1", ex06.W * (1 - step))  # the L2 step is wrong here
    assert "Hint" in capsys.readouterr().out


def test_06_2_soft_threshold_by_hand():
    expected = np.array([0.76, -0.26, 0.01, 0.0])
    np.testing.assert_allclose(_solution("06.2"), expected, atol=1e-12)
    assert check("06.2", expected)
    assert not check("06.2", np.array([0.76, -0.26, 0.01, 0.02]))  # the sgn(w) step's answer


def test_06_3_break_even_weight_is_one():
    assert _solution("06.3") == pytest.approx(1.0, abs=1e-9)
    assert check("06.3", 1)
    assert not check("06.3", 0.04)


# ---------------------------------------------------------------- 07


def test_07_1_counts_deleted_hidden_nodes():
    assert _solution("07.1") == 20 + 6
    assert check("07.1", 26)
    assert not check("07.1", 0.2 * (784 + 100 + 30 + 10))  # input and output nodes stay


def test_07_2_test_time_weights():
    np.testing.assert_allclose(_solution("07.2"), [[0.6, -0.3, 0.9]])
    assert check("07.2", np.array([[0.6, -0.3, 0.9]]))
    assert not check("07.2", np.array([[0.4, -0.2, 0.6]]))  # halved: p = 0.25, not 0.5
    assert not check("07.2", np.array([0.6, -0.3, 0.9]))  # shape (3,), not (1, 3)


def test_07_3_inverted_scale():
    assert _solution("07.3") == pytest.approx(1.25)
    assert check("07.3", 1.25)
    assert not check("07.3", 0.8)


# ---------------------------------------------------------------- 08


@pytest.fixture
def small_problem(monkeypatch):
    """Run the exercises of notebook 08 on a smaller problem (same code path, faster)."""
    from lecture5 import plots

    monkeypatch.setitem(plots.EARLY_PROBLEM, "n_train", 300)
    monkeypatch.setitem(plots.EARLY_PROBLEM, "validation", 300)
    monkeypatch.setitem(plots.EARLY_PROBLEM, "epochs", 12)
    monkeypatch.setitem(plots.EARLY_PROBLEM, "n_test", 500)
    return plots


def test_08_1_stops_patience_epochs_after_the_best(small_problem):
    run = small_problem.early_run(4)
    assert _solution("08.1") == run.epochs_run - run.best_epoch
    if run.message:  # stopped: exactly k epochs after the best
        assert _solution("08.1") == 4
    assert check("08.1", _solution("08.1"))
    assert not check("08.1", _solution("08.1") + 1)


def test_08_2_norm_ratio(small_problem):
    full, es = small_problem.early_run(None), small_problem.early_run(5)
    ratio = small_problem.weight_norm(full.weights) / small_problem.weight_norm(es.weights)
    assert _solution("08.2") == pytest.approx(ratio)
    assert ratio >= 1.0  # the weights only grow
    assert check("08.2", round(ratio, 3))  # an answer read off rounded numbers is accepted
    assert not check("08.2", 1 / ratio if ratio > 1.01 else ratio + 0.1)


def test_08_3_largest_weights(small_problem):
    answer = _solution("08.3")
    assert answer in {"none", "L2", "L1", "dropout", "early stopping"}
    assert check("08.3", answer.upper())  # case does not matter
    wrong = "L2" if answer != "L2" else "L1"
    assert not check("08.3", wrong)


@pytest.mark.slow
def test_08_answers_on_the_notebooks_problem():
    assert _solution("08.1") == 4
    assert _solution("08.2") == pytest.approx(1.215, abs=0.01)
    assert _solution("08.3") == "dropout"
