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
