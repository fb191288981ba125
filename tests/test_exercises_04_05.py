"""Exercises of notebooks 04 and 05: the computed solutions match hand calculations, and check()
accepts the right answer and rejects wrong ones."""

import numpy as np
import pytest

from lecture5 import plots
from lecture5.exercises import EXERCISES, check, nb04_sgd, nb05_l2_and_the_hessian

# the answers worked out by hand, to test that the package computes what the question asks
BY_HAND = {
    "04.1": 2 / 5,  # 2 / D_max with D = (5, 1)
    "04.2": "oscillating",  # 1/D_max = 0.2 < 0.3 <= 0.4 = 2/D_max
    "04.3": 3 * 32,  # ceil(1000 / 32) = 32 mini-batches per epoch (the last one of 8)
    "05.1": 1 - 0.5 * 5 / 1000,
    "05.2": 0.25,  # D / (D + lambda) = 1/2  <=>  lambda = D
    "05.3": np.array([0.75, 0.75]),  # w* is the eigenvector of eigenvalue 3: factor 3 / (3 + 1)
}


@pytest.mark.parametrize("key", sorted(BY_HAND))
def test_solution_matches_the_hand_calculation(key):
    check("04.1", None)  # loads every exercise module
    expected = EXERCISES[key].solution()
    if isinstance(BY_HAND[key], str):
        assert expected == BY_HAND[key]
    else:
        np.testing.assert_allclose(expected, BY_HAND[key], rtol=1e-9)


@pytest.mark.parametrize("key", sorted(BY_HAND))
def test_check_accepts_the_right_answer(key, capsys):
    assert check(key, BY_HAND[key])
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("key, wrong", [
    ("04.1", 0.2),  # 1 / D_max: the edge of "good", not of convergence
    ("04.1", 2.0),  # 2 / D_min
    ("04.2", "diverging"),
    ("04.2", 0.3),
    ("04.3", 93),  # 1000 // 32 * 3: forgot the last, smaller mini-batch
    ("05.1", 1 - 0.5 * 5 / 10),  # n = mini-batch size instead of the training-set size
    ("05.2", 0.5),
    ("05.3", np.array([1.0, 1.0])),  # lambda forgotten
    ("05.3", np.array([[0.75], [0.75]])),  # a column instead of a vector
])
def test_check_rejects_wrong_answers(key, wrong, capsys):
    assert not check(key, wrong)
    out = capsys.readouterr().out
    assert "not yet" in out and "Hint" in out


def test_no_answer_yet_is_not_right(capsys):
    assert not check("05.3", ...)
    assert "no answer yet" in capsys.readouterr().out


def test_exercises_use_the_notebooks_figures():
    assert nb04_sgd.EIGENVALUES == plots.GD_EIGENVALUES
    assert nb05_l2_and_the_hessian.FLAT_EIGENVALUE == plots.L2_EIGENVALUES[0]
