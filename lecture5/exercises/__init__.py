"""The exercises at the end of each notebook: ``check``, ``predict``, ``reveal``, ``solution``.

Each notebook's exercises live in a module of this package (``nb03_backpropagation.py`` ...) and
come in three kinds (see :mod:`lecture5.exercises._core`): *predict* (commit a prediction, then
reveal what happens), *derive* (enter the result of a short derivation as a number or a formula)
and *implement* (write a small function, run against the package's own).  Every right answer is
computed from the package, never typed in, and each exercise declares the answers that typical
misconceptions produce, so a wrong answer gets a message naming its misconception.

In a notebook::

    predict("04.1", "oscillates")   # commit a prediction (final: one per kernel session)
    reveal("04.1")                  # show what happens, and whether the prediction was right
    check("04.2", 0.4)              # a number, a formula (lambda ...: ...) or a function
    solution("04.2")                # a worked solution, only after an attempt

The solutions stay in a private registry: :data:`EXERCISES` lists each exercise's kind and task
only.  ``check`` prints its message and returns a :class:`Verdict`, true when the answer is right,
which displays nothing in a notebook.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple

from ._core import EMPTY, INVALID, KNOWN, RIGHT, Derive, Exercise, Implement, Predict, Wrong

__all__ = ["check", "predict", "reveal", "solution", "reset", "Verdict", "EXERCISES",
           "ExerciseInfo", "Predict", "Derive", "Implement", "Wrong", "register"]


class ExerciseInfo(NamedTuple):
    """What the notebook may see of an exercise: its key, kind and one-line task."""

    key: str
    kind: str
    task: str


_REGISTRY: dict[str, Exercise] = {}
_INFO: dict[str, ExerciseInfo] = {}
#: every exercise: key -> ExerciseInfo(key, kind, task); read-only, without the solutions
EXERCISES = MappingProxyType(_INFO)

# the session's state: answers judged per exercise, and committed predictions
_ATTEMPTS: dict[str, list] = {}
_PREDICTIONS: dict[str, object] = {}


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to the registry (called by the notebook modules at import)."""
    if not isinstance(exercise, Exercise):
        raise TypeError(f"exercise must be a Predict, Derive or Implement, got "
                        f"{type(exercise).__name__}")
    if exercise.key in _REGISTRY:
        raise ValueError(f"exercise {exercise.key!r} is registered twice")
    _REGISTRY[exercise.key] = exercise
    _INFO[exercise.key] = ExerciseInfo(exercise.key, exercise.kind, exercise.task)
    return exercise


class Verdict:
    """What :func:`check` returns: true when the answer is right.

    ``check`` has already printed its message, so in a notebook the verdict itself shows nothing
    (no ``Out[...]: False`` under the message); ``bool(verdict)`` is the result.
    """

    __slots__ = ("key", "correct")

    def __init__(self, key: str, correct: bool):
        self.key = key
        self.correct = bool(correct)

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"<check {self.key}: {'correct' if self.correct else 'not yet'}>"

    def _ipython_display_(self):
        """Display nothing: the message was printed by :func:`check`."""


def _get(key) -> Exercise:
    if key not in _REGISTRY:
        raise ValueError(f"key must name an exercise, one of {sorted(_REGISTRY)}, got {key!r}")
    return _REGISTRY[key]


def _no_answer(answer) -> bool:
    return answer is None or answer is Ellipsis


def _same_attempt(a, b) -> bool:
    try:
        return bool(a == b) if isinstance(a, str) or isinstance(b, str) else a is b
    except (TypeError, ValueError):
        return False


def _judge_and_print(ex: Exercise, answer, revealed: bool = False) -> Verdict:
    """Judge ``answer`` (counting the attempt), print the verdict, return it."""
    tried = _ATTEMPTS.setdefault(ex.key, [])
    limit = ex.max_attempts
    normal = ex.normalise(answer) if isinstance(ex, Predict) else answer
    if limit is not None and len(tried) >= limit and not _repeat(normal, tried):
        print(f"Exercise {ex.key}: no more guesses - you have tried {len(tried)} "
              f"answer{'s' if len(tried) > 1 else ''} ({', '.join(map(_show, tried))}). "
              f"Run reveal({ex.key!r}) to see what happens, or solution({ex.key!r}).")
        return Verdict(ex.key, False)
    judgement = ex.judge(answer)
    if judgement.status == EMPTY:
        print(f"Exercise {ex.key}: no answer yet - {judgement.message}.")
        return Verdict(ex.key, False)
    if judgement.status != INVALID and not _repeat(normal, tried):
        tried.append(normal)
    prefix = f"Exercise {ex.key}:"
    if judgement.status == RIGHT:
        print(f"{prefix} correct ✓")
    elif judgement.status == INVALID:
        print(f"{prefix} cannot check this answer: {judgement.message}")
    else:
        msg = f"{prefix} not yet ✗"
        if judgement.status == KNOWN:
            msg += f" - {judgement.message}"
        elif judgement.message:
            msg += f" ({judgement.message})"
        if ex.hint and judgement.status != KNOWN:
            msg += f"\nHint: {ex.hint}"
        if limit is not None and len(tried) >= limit and not revealed:
            msg += f"\n(That was your last guess: run reveal({ex.key!r}) or solution({ex.key!r}).)"
        print(msg)
    return Verdict(ex.key, judgement.status == RIGHT)


def _repeat(normal, tried) -> bool:
    return any(_same_attempt(normal, t) or _equal(normal, t) for t in tried)


def _equal(a, b) -> bool:
    try:
        import numpy as np

        return (not callable(a) and not callable(b)
                and np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a) == np.asarray(b))))
    except (TypeError, ValueError):
        return False


def _show(answer) -> str:
    return getattr(answer, "__name__", None) or repr(answer)


def check(key: str, answer=Ellipsis) -> Verdict:
    """Print whether ``answer`` to exercise ``key`` is right, without revealing the solution.

    ``answer`` is a number, a formula or a function, depending on the exercise; for a predict
    exercise it defaults to the committed prediction.  A wrong answer that a known misconception
    produces gets a message naming it.  Returns a :class:`Verdict`, true when right.
    """
    ex = _get(key)
    if _no_answer(answer) and isinstance(ex, Predict) and key in _PREDICTIONS:
        answer = _PREDICTIONS[key]
    if _no_answer(answer):
        print(f"Exercise {key}: no answer yet - replace the ... with your answer.")
        return Verdict(key, False)
    return _judge_and_print(ex, answer)


def predict(key: str, answer=Ellipsis) -> None:
    """Commit a prediction for the predict exercise ``key``, before running its reveal cell.

    The first valid prediction is final for this kernel session; nothing is said about whether
    it is right until :func:`reveal`.
    """
    ex = _get(key)
    if not isinstance(ex, Predict):
        raise ValueError(f"key must name a predict exercise; {key!r} is a {ex.kind} exercise: "
                         f"use check({key!r}, answer)")
    if _no_answer(answer):
        print(f"Exercise {key}: no prediction yet - replace the ... with your prediction.")
        return
    normal = ex.normalise(answer)
    if hasattr(normal, "status"):  # a Judgement: the answer cannot be a prediction
        print(f"Exercise {key}: cannot take this prediction: {normal.message}")
        return
    if key in _PREDICTIONS and not _repeat(normal, [_PREDICTIONS[key]]):
        print(f"Exercise {key}: you already committed {_show(_PREDICTIONS[key])}; a prediction "
              f"is final. Run reveal({key!r}) to compare it with what happens.")
        return
    tried = _ATTEMPTS.setdefault(key, [])
    if len(tried) >= ex.max_attempts and not _repeat(normal, tried):
        print(f"Exercise {key}: no more guesses - you have tried {', '.join(map(_show, tried))}. "
              f"Run reveal({key!r}) to see what happens.")
        return
    _PREDICTIONS[key] = normal
    if not _repeat(normal, tried):
        tried.append(normal)
    print(f"Exercise {key}: prediction {_show(normal)} committed. Now run the next cell.")


def reveal(key: str) -> Verdict:
    """Show what happens in predict exercise ``key``, and judge the committed prediction."""
    ex = _get(key)
    if not isinstance(ex, Predict):
        raise ValueError(f"key must name a predict exercise; {key!r} is a {ex.kind} exercise")
    if key not in _PREDICTIONS:
        print(f"Exercise {key}: commit a prediction first (the cell above: predict({key!r}, "
              f"...)); then run this cell again.")
        return Verdict(key, False)
    print(ex.show())
    return _judge_and_print(ex, _PREDICTIONS[key], revealed=True)


def solution(key: str, confirm: bool = False) -> None:
    """Print a worked solution of exercise ``key``: only after an attempt, or with confirm=True."""
    ex = _get(key)
    if not confirm and not _ATTEMPTS.get(key) and key not in _PREDICTIONS:
        print(f"Exercise {key}: try it first - a worked solution is shown after one attempt, or "
              f"with solution({key!r}, confirm=True).")
        return
    print(f"Exercise {key}, a worked solution:\n{ex.solution_text()}")


def reset(key: str | None = None) -> None:
    """Forget attempts and predictions (of ``key``, or of every exercise), as a new kernel does."""
    keys = list(_REGISTRY) if key is None else [_get(key).key]
    for k in keys:
        _ATTEMPTS.pop(k, None)
        _PREDICTIONS.pop(k, None)


# the notebooks' modules register their exercises when imported
from . import (  # noqa: E402,F401  (registration needs the functions above)
    nb01_notation,
    nb02_hadamard,
    nb03_backpropagation,
    nb04_sgd,
    nb05_l2_and_the_hessian,
    nb06_l1_sparsity,
    nb07_dropout,
    nb08_early_stopping,
    nb09_more_data,
    nb10_playground,
)
