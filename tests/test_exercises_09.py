"""Exercises of notebook 09: the right answers pass, plausible wrong ones do not."""

import numpy as np
import pytest

from lecture5 import augment
from lecture5.exercises import EXERCISES, check


def test_all_three_are_registered():
    check("09.1", None)  # loads the exercise modules
    assert {"09.1", "09.2", "09.3"} <= set(EXERCISES)
    assert all(EXERCISES[k].hint for k in ("09.1", "09.2", "09.3"))


@pytest.mark.parametrize("key, right, wrongs", [
    ("09.1", 2500, [2000, 500, 2499.0]),
    ("09.2", "top-left", ["bottom-right", "top-right", "bottom-left", 90]),
    ("09.3", 4.05, [4.2, 3.9, -4.05, 0.3]),
])
def test_check_accepts_right_and_rejects_wrong(key, right, wrongs, capsys):
    assert check(key, right)
    assert "correct" in capsys.readouterr().out
    for wrong in wrongs:
        assert not check(key, wrong)
        out = capsys.readouterr().out
        assert "not yet" in out and "Hint" in out


def test_text_answer_ignores_case_and_spaces():
    assert check("09.2", "  Top-Left ")


def test_no_answer_yet(capsys):
    assert not check("09.3", ...)
    assert "no answer yet" in capsys.readouterr().out


def test_solutions_agree_with_the_package():
    # 09.1: originals plus four copies of each
    X = np.random.default_rng(0).uniform(size=(784, 500))
    Xe, ye = augment.expand_dataset(X, np.arange(500) % 10, copies=4, transforms="shift")
    assert check("09.1", Xe.shape[1]) and check("09.1", ye.size)
    # 09.2: rotate(img, 90) is np.rot90(img), which takes the top-right corner to the top-left
    img = np.zeros((28, 28))
    img[2, 25] = 1.0
    np.testing.assert_allclose(augment.rotate(img, 90), np.rot90(img), atol=1e-12)
    assert np.rot90(img)[2, 2] == 1.0
    # 09.3: factor * (r_centre - 0) with r_centre = 13.5
    assert check("09.3", 0.3 * 13.5)
