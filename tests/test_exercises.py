"""Every exercise of every notebook: the right answer passes, each declared wrong answer gets its
misconception message, nonsense gets a clear message, and nothing is given away.

The right answers below are written by hand from the equations (not taken from the exercise
modules), so a wrong reference in an exercise module fails here.
"""

import math
import time

import numpy as np
import pytest

import lecture5.exercises as ex
import lecture5.playground  # noqa: F401  (imported by notebook 10 before its exercises; slow)
from lecture5 import bp2, hadamard, sigmoid
from lecture5.exercises import EXERCISES, check, predict, reset, reveal, solution
from lecture5.regularization import soft_threshold


def _rot90(image):
    image = np.asarray(image)
    return np.rot90(image.reshape(28, 28)).reshape(image.shape)


def _feedforward(weights, biases, X):
    a = X
    for w, b in zip(weights, biases):
        a = sigmoid(w @ a + b)
    return a


def _hadamard(s, t):
    if np.shape(s) != np.shape(t):
        raise ValueError("shapes differ")
    return s * t


def _early_stopping(accuracies, patience):
    best, best_epoch = -1.0, 0
    for epoch, acc in enumerate(accuracies, start=1):
        if acc > best:
            best, best_epoch = acc, epoch
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(accuracies)


#: the right answer of every exercise, worked out by hand
RIGHT = {
    "01.1": (10, 30),  # w^4 of [784, 100, 30, 10]: from layer 3 (30) to layer 4 (10)
    "01.2": lambda sizes: sum(b * a + b for a, b in zip(sizes, sizes[1:])),
    "01.3": _feedforward,
    "02.1": (2, 3),  # (2, 3) against (3,): t multiplies every row
    "02.2": lambda z: np.diag(sigmoid(z) * (1 - sigmoid(z))),
    "02.3": _hadamard,
    "03.1": "about 0.6",  # tanh' = 4 sigma'(2z) <= 1: between sigmoid's ~0.2 and 1
    "03.2": lambda a, y: a - y,
    "03.3": lambda w, d, z: (w.T @ d) * sigmoid(z) * (1 - sigmoid(z)),
    "04.1": "oscillates",  # 1 - 0.2 * 8 = -0.6, 1 - 0.2 * 2 = 0.6
    "04.2": lambda D_max, D_min: 2 / D_max,
    "04.3": lambda p, g, eta, m_hat: p - eta * g,
    "05.1": "flat",  # 0.25 / 0.75 against 2 / 2.5
    "05.2": lambda w, lmbda, n: lmbda / n * w,
    "05.3": lambda w, g, eta, lmbda, n, m_hat: (1 - eta * lmbda / n) * w - eta * g,
    "05.4": lambda D, lmbda: D / (D + lmbda),
    "06.1": 0.01,  # 0.05 -> 0.01 -> -0.03 -> 0.01
    "06.2": lambda H_ii, w_star_i: H_ii * abs(w_star_i),
    "06.3": lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0),
    "07.1": "twice",  # 1 / (1 - 1/2)
    "07.2": lambda p: 1 / (1 - p),
    "07.3": lambda a, keep, p: a * keep / (1 - p),
    "08.1": "earlier",
    # gradient descent on D (w - w*)^2 / 2 + lmbda w^2 / 2 from 0 goes to D/(D + lmbda) w*,
    # the distance shrinking by 1 - eta (D + lmbda) per step
    "08.2": lambda eta, D, lmbda, tau: (1 - (1 - eta * (D + lmbda)) ** tau) * D / (D + lmbda),
    "08.3": _early_stopping,
    "09.1": "top-left",
    "09.2": lambda factor, row: factor * (13.5 - row),
    "09.3": _rot90,
    "10.1": "the same",
    "10.2": lambda eta, lmbda, n, m_hat: (1 - eta * lmbda / n) ** (n / m_hat),
    "10.3": lambda w, g, eta, lmbda, n: w - eta * lmbda / n * np.sign(w) - eta * g,
}

#: implement exercises whose reference is a package function with the student's signature
PACKAGE_FUNCTION = {"02.3": hadamard, "03.3": bp2, "06.3": soft_threshold}

SLOW = {"08.1", "08.3"}  # they use the notebook's training runs (cached after the first)
KEYS = sorted(EXERCISES)


def _exercise(key):
    return ex._REGISTRY[key]


@pytest.fixture(autouse=True)
def _fresh():
    reset()
    yield
    reset()


def _marks(key):
    return [pytest.mark.slow] if key in SLOW else []


def _params(keys):
    return [pytest.param(k, marks=_marks(k)) for k in keys]


def test_every_notebook_has_each_kind_and_every_exercise_a_right_answer():
    assert set(RIGHT) == set(EXERCISES)
    for nb in range(1, 11):
        kinds = {info.kind for key, info in EXERCISES.items() if key.startswith(f"{nb:02d}.")}
        assert kinds == {"predict", "derive", "implement"}, nb


@pytest.mark.parametrize("key", _params(KEYS))
def test_the_right_answer_passes(key, capsys):
    start = time.perf_counter()
    assert check(key, RIGHT[key])
    seconds = time.perf_counter() - start
    assert "correct" in capsys.readouterr().out
    if key not in SLOW:
        assert seconds < 1.0, f"check({key!r}) took {seconds:.2f} s"


@pytest.mark.parametrize("key", [k for k in KEYS if EXERCISES[k].kind == "derive"])
def test_a_derive_answer_may_also_be_the_number_for_the_given_values(key, capsys):
    given = _exercise(key).given()
    number = RIGHT[key](**given)
    assert check(key, number)
    assert check(key, float(np.ravel(number)[0]) + 1.0) is not None
    assert not check(key, np.ravel(number)[0] * 1.5 + 0.1)
    assert "not yet" in capsys.readouterr().out


@pytest.mark.parametrize("key, i", [
    pytest.param(k, i, marks=_marks(k))
    for k in KEYS for i in range(len(ex._REGISTRY[k].wrong))])
def test_each_known_wrong_answer_gets_its_misconception_message(key, i, capsys):
    exercise = _exercise(key)
    wrong = exercise.wrong[i]
    answer = wrong.answer() if exercise.kind == "predict" and callable(wrong.answer) \
        else wrong.answer
    assert not check(key, answer)
    out = capsys.readouterr().out
    assert "not yet" in out and wrong.message in out, out
    if exercise.kind == "derive":  # the number the misconception gives for the question's values
        reset(key)
        value = wrong.answer(**exercise.given())
        assert not check(key, value)
        assert wrong.message in capsys.readouterr().out


@pytest.mark.parametrize("key", KEYS)
def test_every_exercise_declares_wrong_answers_with_messages(key):
    exercise = _exercise(key)
    assert len(exercise.wrong) >= 2
    assert all(len(w.message) > 20 for w in exercise.wrong)
    assert exercise.task and exercise.hint


NONSENSE = {"predict": [3 + 4j, "banana", None.__class__], "derive": ["banana", {"a": 1}],
            "implement": ["banana", 42]}


@pytest.mark.parametrize("key", KEYS)
def test_nonsense_gets_a_clear_message(key, capsys):
    kind = EXERCISES[key].kind
    for junk in NONSENSE[kind]:
        assert not check(key, junk)
        out = capsys.readouterr().out
        assert "cannot check this answer" in out or "not yet" in out, out
        assert "Traceback" not in out
    if kind == "implement":
        assert not check(key, lambda *args: 1 / 0)
        out = capsys.readouterr().out
        assert ("raised ZeroDivisionError" in out) or ("not yet" in out), out
    if kind == "derive":
        assert not check(key, lambda *args: 1 / 0)
        assert "your formula raised ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize("key", KEYS)
def test_no_answer_yet(key, capsys):
    assert not check(key, ...)
    assert "no answer yet" in capsys.readouterr().out


@pytest.mark.parametrize("key", _params([k for k in KEYS if EXERCISES[k].kind == "implement"]))
def test_an_implement_answer_cell_with_its_placeholder_body_is_no_answer_yet(key, capsys):
    def my_function(*args):
        ...

    assert not check(key, my_function)
    assert "no answer yet" in capsys.readouterr().out
    solution(key)
    assert "try it first" in capsys.readouterr().out  # an empty function is no attempt


@pytest.mark.parametrize("key", sorted(PACKAGE_FUNCTION))
def test_an_implement_exercise_accepts_the_packages_own_function(key):
    assert check(key, PACKAGE_FUNCTION[key])


@pytest.mark.parametrize("key", _params([k for k in KEYS if EXERCISES[k].kind == "implement"]))
def test_an_implement_exercise_rejects_a_buggy_function_and_names_the_case(key, capsys):
    right = RIGHT[key]

    def off_by_a_little(*args):
        out = right(*args)
        if isinstance(out, tuple):
            return tuple(o + 1 for o in out)
        return np.asarray(out) * 1.01

    assert not check(key, off_by_a_little)
    assert "case 1" in capsys.readouterr().out


def test_bp2_with_a_subtle_bug_fails_the_gradient_check_or_the_cases(capsys):
    def sloppy(w, d, z):
        return (w.T @ d) * sigmoid(z) * (1 - sigmoid(z)) * (1 + 1e-4)

    assert not check("03.3", sloppy)
    assert "not yet" in capsys.readouterr().out


def test_the_gradient_check_of_03_3_reports_a_wrong_gradient(monkeypatch, capsys):
    from lecture5.exercises import nb03_backpropagation as nb03

    problem = nb03._gradient_check(lambda w, d, z: (w.T @ d) * sigmoid.prime(z) * 2)
    assert problem and "gradient check" in problem
    assert nb03._gradient_check(bp2) is None


# ------------------------------------------------------------------ predict, reveal, attempts
def test_predict_then_reveal(capsys):
    reveal("06.1")
    out = capsys.readouterr().out
    assert "commit a prediction first" in out and "negative" not in out
    predict("06.1", 0)
    out = capsys.readouterr().out
    assert "committed" in out and "not yet" not in out and "correct" not in out
    verdict = reveal("06.1")
    out = capsys.readouterr().out
    assert not verdict and "does not stop at 0" in out
    assert "soft threshold instead" in out  # the reveal shows what happens


def test_a_prediction_is_final_and_choices_cannot_be_tried_through(capsys):
    predict("04.1", "diverges")
    predict("04.1", "oscillates")
    assert "already committed" in capsys.readouterr().out
    assert not check("04.1", "oscillates")
    assert "no more guesses" in capsys.readouterr().out
    assert not check("04.1")  # the committed prediction is what check judges
    assert "2/D_max" in capsys.readouterr().out


def test_a_right_prediction_is_confirmed_by_reveal(capsys):
    predict("09.1", "top-left")
    assert reveal("09.1")
    assert "correct" in capsys.readouterr().out


def test_predict_refuses_other_kinds_and_bad_words(capsys):
    with pytest.raises(ValueError, match="predict exercise"):
        predict("04.2", 0.4)
    predict("04.1", "wobbles")
    assert "one of the words" in capsys.readouterr().out
    predict("04.1", ...)
    assert "no prediction yet" in capsys.readouterr().out


def test_numeric_predictions_allow_a_second_guess_then_stop(capsys):
    assert not check("01.1", (30, 10))
    assert "rows and columns swapped" in capsys.readouterr().out
    assert not check("01.1", (30, 100))
    assert "last guess" in capsys.readouterr().out
    assert not check("01.1", (10, 30))
    assert "no more guesses" in capsys.readouterr().out


# ------------------------------------------------------------------ solutions stay private
def test_exercises_exposes_no_solution():
    for key, info in EXERCISES.items():
        assert info.key == key and info.kind in {"predict", "derive", "implement"}
        assert not any(callable(v) for v in info)
    with pytest.raises(TypeError):
        EXERCISES["01.1"] = None
    assert not any(name in dir(ex) for name in ("solutions", "answers"))


def test_solution_only_after_an_attempt_or_with_confirm(capsys):
    solution("05.2")
    out = capsys.readouterr().out
    assert "try it first" in out and "lmbda / n" not in out
    check("05.2", 1.0)
    capsys.readouterr()
    solution("05.2")
    assert "worked solution" in capsys.readouterr().out
    solution("07.2", confirm=True)
    assert "1 / (1 - p)" in capsys.readouterr().out


@pytest.mark.parametrize("key", _params(KEYS))
def test_every_worked_solution_is_accepted_text(key, capsys):
    solution(key, confirm=True)
    out = capsys.readouterr().out
    assert out.startswith(f"Exercise {key}, a worked solution:") and len(out) > 60


def test_unknown_key():
    with pytest.raises(ValueError, match="key must name an exercise"):
        check("99.9", 1)


def test_a_verdict_displays_nothing_in_a_notebook_beyond_the_printed_message(capsys):
    from IPython.core.formatters import DisplayFormatter

    verdict = check("01.2", ...)
    assert not verdict and verdict.correct is False
    assert "no answer yet" in capsys.readouterr().out
    assert DisplayFormatter().format(verdict) == ({}, {})
    assert "not yet" in repr(verdict)


# ------------------------------------------------------------------ moved from the old tests
def test_the_example_networks_are_fixed():
    from lecture5 import Network
    from lecture5.exercises.nb01_notation import tiny_network
    from lecture5.exercises.nb03_backpropagation import example

    a, b = tiny_network()[0], tiny_network()[0]
    for w, v in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(w, v)
    assert example()[0].sizes == Network([3, 4, 2]).sizes


def test_rotate_90_is_np_rot90_and_takes_top_right_to_top_left():
    from lecture5 import augment

    img = np.zeros((28, 28))
    img[2, 25] = 1.0
    np.testing.assert_allclose(augment.rotate(img, 90), np.rot90(img), atol=1e-12)
    assert np.rot90(img)[2, 2] == 1.0


def test_10_2_uses_the_playground_preset():
    from lecture5.exercises.nb10_playground import preset

    eta, lmbda, n, m_hat = preset()
    assert check("10.2", (1 - eta * lmbda / n) ** math.ceil(n / m_hat))


@pytest.mark.parametrize("key", [k for k in KEYS if EXERCISES[k].kind == "derive"])
def test_the_misconceptions_give_different_numbers_for_the_question(key):
    """Each declared wrong formula must be told apart from the right one and from each other
    at the values the notebook asks about (otherwise its message could not be the right one)."""
    exercise = _exercise(key)
    given = exercise.given()
    values = [np.asarray(RIGHT[key](**given), dtype=float)] + [
        np.asarray(w.answer(**given), dtype=float) for w in exercise.wrong]
    for i in range(len(values)):
        for j in range(i):
            a, b = values[i], values[j]
            assert a.shape != b.shape or not np.allclose(
                a, b, rtol=2 * exercise.rtol, atol=2 * exercise.atol), (i, j)


def test_the_exercises_use_the_notebooks_quadratics():
    from lecture5 import plots
    from lecture5.exercises import nb04_sgd, nb05_l2_and_the_hessian

    assert nb04_sgd.EIGENVALUES == tuple(plots.GD_EIGENVALUES)
    assert (nb04_sgd.ANGLE, nb04_sgd.W_STAR) == (plots.GD_ANGLE, tuple(plots.GD_W_STAR))
    assert nb05_l2_and_the_hessian.EIGENVALUES == tuple(plots.L2_EIGENVALUES)


def test_a_word_answer_ignores_case_spaces_and_hyphens(capsys):
    assert check("09.1", "  Top Left ")
    reset("03.1")
    assert check("03.1", "  About  0.6 ")
