"""Exercises at the end of each notebook, and ``check``, which says whether an answer is right.

Each notebook's exercises live in a module of this package (``nb03_backpropagation.py`` ...).  An
exercise is registered with :func:`exercise`: a function that *computes* the right answer from the
package (so it is never typed in as a number) plus a hint.  ``check("03.1", answer)`` compares and
prints a verdict without printing the expected value.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import numpy as np

__all__ = ["exercise", "check", "Verdict", "EXERCISES"]


@dataclass(frozen=True)
class _Exercise:
    key: str
    solution: object  # callable returning the expected answer
    hint: str
    rtol: float
    atol: float


EXERCISES: dict[str, _Exercise] = {}


def exercise(key: str, hint: str = "", rtol: float = 1e-6, atol: float = 1e-9):
    """Decorator registering ``solution()`` as the answer to exercise ``key`` (e.g. "03.1")."""

    def register(solution):
        if key in EXERCISES:
            raise ValueError(f"exercise {key!r} is registered twice")
        EXERCISES[key] = _Exercise(key, solution, hint, rtol, atol)
        return solution

    return register


def _verdict(expected, answer, rtol, atol):
    """(is_right, reason) without revealing ``expected``."""
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return False, f"the answer should be text, got {type(answer).__name__}"
        return answer.strip().lower() == expected.strip().lower(), ""
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(answer, (bool, np.bool_)):
            return False, "the answer should be True or False"
        return bool(answer) == bool(expected), ""
    exp = np.asarray(expected, dtype=float)
    try:
        ans = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return False, f"the answer should be a number or an array, got {type(answer).__name__}"
    if ans.shape != exp.shape:
        if ans.size == exp.size:
            return False, f"right number of entries but shape {ans.shape}; check the orientation"
        return False, f"the answer has shape {ans.shape}, which is not the expected shape"
    if not np.all(np.isfinite(ans)):
        return False, "the answer contains NaN or infinity"
    return bool(np.allclose(ans, exp, rtol=rtol, atol=atol)), ""


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


def check(key: str, answer) -> Verdict:
    """Print whether ``answer`` to exercise ``key`` is right, without revealing the solution.

    Returns a :class:`Verdict`, true when the answer is right.
    """
    _load_all()
    if key not in EXERCISES:
        raise ValueError(f"key must name an exercise, one of {sorted(EXERCISES)}, got {key!r}")
    ex = EXERCISES[key]
    if answer is None or answer is Ellipsis:
        print(f"Exercise {key}: no answer yet - replace the ... with your answer.")
        return Verdict(key, False)
    right, reason = _verdict(ex.solution(), answer, ex.rtol, ex.atol)
    if right:
        print(f"Exercise {key}: correct ✓")
    else:
        msg = f"Exercise {key}: not yet ✗"
        if reason:
            msg += f" ({reason})"
        if ex.hint:
            msg += f"\nHint: {ex.hint}"
        print(msg)
    return Verdict(key, right)


_LOADED = {"done": False}


def _load_all():
    """Import every exercise module of this package (each registers its exercises)."""
    if _LOADED["done"]:
        return
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    _LOADED["done"] = True
