"""The three kinds of exercise and how an answer is judged (no state, no printing).

* :class:`Predict`: the student commits a prediction (a word from a short list, or a number)
  before the figure or the cell that shows what happens; ``reveal`` then shows it.
* :class:`Derive`: a short derivation; the student enters the result as a number for the given
  values, or as a formula (a Python function of the named quantities), checked numerically on
  the given values and on random ones.
* :class:`Implement`: the student writes a small function; it runs against the package's own
  function on random inputs of several shapes (and a gradient check where it applies).

Every exercise declares its *known wrong answers*: the formula, the value or the buggy function a
typical misconception produces (computed, never a typed-in number), each with a message naming
the misconception.  :meth:`Exercise.judge` returns a :class:`Judgement`; ``lecture5.exercises``
prints it, counts attempts and keeps the solutions out of the notebook's namespace.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = ["Judgement", "Wrong", "Predict", "Derive", "Implement"]

RIGHT, KNOWN, WRONG, INVALID, EMPTY = "right", "known", "wrong", "invalid", "empty"


class Judgement(NamedTuple):
    """``status`` is "right", "known" (a declared misconception), "wrong", "invalid" or "empty"
    (a function whose body is still ``...``)."""

    status: str
    message: str = ""


@dataclass(frozen=True)
class Wrong:
    """A known wrong answer: what the misconception produces, and the message that names it.

    ``answer`` is a value (Predict), a formula of the same quantities as the right one (Derive),
    or a buggy function with the same signature as the package's (Implement).
    """

    answer: object
    message: str


def _as_array(x):
    """``x`` as a float array, or None if it is not numeric."""
    if isinstance(x, (str, bytes, dict, set)) or callable(x):
        return None
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None
    return a


def _same(a, b, rtol, atol) -> bool:
    """Numerically equal arrays (same shape, finite, within tolerance)."""
    a, b = _as_array(a), _as_array(b)
    if a is None or b is None or a.shape != b.shape:
        return False
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return False
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _describe(value) -> str:
    """A short description of a value for a message: its shape, never its entries."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} entries"
    return f"{type(value).__name__}"


@dataclass(frozen=True)
class Exercise:
    """What every kind shares.  ``task`` is the one-line summary listed in ``EXERCISES``."""

    key: str
    task: str
    hint: str = ""
    wrong: tuple = ()
    worked: Callable[[], str] | None = None  # the worked solution (text computed from the package)

    kind = "exercise"
    max_attempts = None  # None: unlimited (an answer cannot be guessed from a short list)

    def judge(self, answer) -> Judgement:  # pragma: no cover - overridden
        raise NotImplementedError

    def solution_text(self) -> str:
        """The worked solution that ``solution`` prints: ``worked()``, else the hint."""
        return self.worked() if self.worked is not None else self.hint


# ---------------------------------------------------------------------------- predict
def _norm_word(x) -> str:
    return " ".join(str(x).strip().lower().replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class Predict(Exercise):
    """A prediction committed before the reveal.

    ``truth()`` computes the right prediction from the package: a word of ``choices`` or a number
    (then ``rtol``/``atol`` say how close a prediction must be).  ``show()`` returns the text the
    reveal prints (numbers computed from the package).  ``attempts`` limits how many *different*
    predictions are judged, so a short list of choices cannot be tried through silently.
    ``why`` (a text, or a function returning one) says why the right prediction is right; the
    worked solution is ``why`` followed by what the reveal shows.
    """

    truth: Callable[[], object] = None
    show: Callable[[], str] = None
    why: str | Callable[[], str] = ""
    choices: tuple = ()
    rtol: float = 0.1
    atol: float = 0.0
    attempts: int = 1

    kind = "predict"

    @property
    def max_attempts(self):
        return self.attempts

    def solution_text(self) -> str:
        if not self.why:
            return super().solution_text()
        return f"{self.why() if callable(self.why) else self.why}\n{self.show()}"

    def normalise(self, answer):
        """The answer in the form it is compared in, or a Judgement saying why it cannot be."""
        if self.choices:
            if not isinstance(answer, str):
                return Judgement(INVALID, f"answer with one of the words {list(self.choices)}, "
                                          f"got {_describe(answer)}")
            word = _norm_word(answer)
            names = {_norm_word(c): c for c in self.choices}
            if word not in names:
                return Judgement(INVALID, f"answer with one of the words {list(self.choices)}, "
                                          f"got {answer!r}")
            return names[word]
        if isinstance(answer, (bool, np.bool_)) or _as_array(answer) is None:
            return Judgement(INVALID, f"answer with a number (or a tuple of numbers), got "
                                      f"{_describe(answer)}")
        return answer

    def judge(self, answer) -> Judgement:
        value = self.normalise(answer)
        if isinstance(value, Judgement):
            return value
        truth = self.truth()
        if self.choices:
            if value == truth:
                return Judgement(RIGHT)
            for w in self.wrong:
                if _norm_word(w.answer) == _norm_word(value):
                    return Judgement(KNOWN, w.message)
            return Judgement(WRONG)
        if _same(value, truth, self.rtol, self.atol):
            return Judgement(RIGHT)
        for w in self.wrong:
            wrong = w.answer() if callable(w.answer) else w.answer
            if _same(value, wrong, self.rtol, self.atol):
                return Judgement(KNOWN, w.message)
        t, v = _as_array(truth), _as_array(value)
        if t.shape != v.shape:
            return Judgement(WRONG, f"expected {t.size} number(s) of shape {t.shape}, got shape "
                                    f"{v.shape}")
        return Judgement(WRONG)


# ---------------------------------------------------------------------------- derive
def _call_formula(f, values: dict):
    """Call the student's formula with the named quantities: by name, else in order."""
    params = inspect.signature(f).parameters
    if all(name in params for name in values) or any(
            p.kind == p.VAR_KEYWORD for p in params.values()):
        return f(**values)
    return f(*values.values())


@dataclass(frozen=True)
class Derive(Exercise):
    """A derivation whose result is entered as a number (for ``given``) or as a formula.

    ``formula(**values)`` computes the right result from the package; ``given()`` returns the
    values of the question (a dict, in the order the formula's arguments are named);
    ``samples(rng)`` returns further random value dicts on which a formula is checked.
    ``wrong`` holds formulas of the same quantities, one per misconception.
    """

    formula: Callable = None
    given: Callable[[], dict] = None
    samples: Callable = None
    rtol: float = 1e-6
    atol: float = 1e-9

    kind = "derive"

    def _values(self):
        values = [self.given()]
        if self.samples is not None:
            values += list(self.samples(np.random.default_rng(0)))
        return values

    def _known(self, got, values) -> Judgement | None:
        for w in self.wrong:
            try:
                wrong = w.answer(**values)
            except (ArithmeticError, ValueError):
                continue
            if _same(got, wrong, self.rtol, self.atol):
                return Judgement(KNOWN, w.message)
        return None

    def judge(self, answer) -> Judgement:
        if callable(answer):
            return self._judge_formula(answer)
        if isinstance(answer, (bool, np.bool_, str)) or _as_array(answer) is None:
            names = ", ".join(self.given())
            return Judgement(INVALID, f"answer with a number, or with a formula such as "
                                      f"`lambda {names}: ...`; got {_describe(answer)}")
        values = self.given()
        expected = self.formula(**values)
        if _same(answer, expected, self.rtol, self.atol):
            return Judgement(RIGHT)
        known = self._known(answer, values)
        if known:
            return known
        e, a = np.shape(expected), _as_array(answer).shape
        if e != a:
            return Judgement(WRONG, f"expected shape {e}, got {a}")
        return Judgement(WRONG)

    def _judge_formula(self, f) -> Judgement:
        names = list(self.given())
        all_values = self._values()
        outputs = []
        for values in all_values:
            try:
                outputs.append(_call_formula(f, dict(values)))
            except Exception as error:  # the student's code: report any error clearly
                return Judgement(INVALID, f"your formula raised {type(error).__name__}: {error} "
                                          f"(it is called as f({', '.join(names)}))")
        expected = [self.formula(**values) for values in all_values]
        if all(_same(g, e, self.rtol, self.atol) for g, e in zip(outputs, expected)):
            return Judgement(RIGHT)
        for w in self.wrong:  # a misconception explains every value, not just one
            try:
                wrong = [w.answer(**values) for values in all_values]
            except (ArithmeticError, ValueError):
                continue
            if all(_same(g, v, self.rtol, self.atol) for g, v in zip(outputs, wrong)):
                return Judgement(KNOWN, w.message)
        first = next(i for i, (g, e) in enumerate(zip(outputs, expected))
                     if not _same(g, e, self.rtol, self.atol))
        shown = ", ".join(f"{k} = {_short(v)}" for k, v in all_values[first].items())
        return Judgement(WRONG, f"your formula is off at {shown}")


def _short(v) -> str:
    if isinstance(v, np.ndarray):
        return f"<array {v.shape}>"
    if isinstance(v, float):
        return f"{v:.4g}"
    return repr(v)


# ---------------------------------------------------------------------------- implement
class _Raised(NamedTuple):
    error: BaseException


def _run(f, args):
    """f(*deep copies of args), or _Raised(error)."""
    try:
        return f(*copy.deepcopy(args))
    except Exception as error:  # the student's code may raise anything
        return _Raised(error)


def _same_output(a, b, rtol, atol) -> bool:
    if isinstance(a, _Raised) or isinstance(b, _Raised):
        return (isinstance(a, _Raised) and isinstance(b, _Raised)
                and isinstance(a.error, type(b.error)))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_output(x, y, rtol, atol) for x, y in zip(a, b))
    if isinstance(a, (list, tuple)) != isinstance(b, (list, tuple)):
        return False
    return _same(a, b, rtol, atol)


def _shape_text(args) -> str:
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            parts.append(f"shape {a.shape}")
        elif isinstance(a, (list, tuple)) and a and isinstance(a[0], np.ndarray):
            parts.append("[" + ", ".join(str(x.shape) for x in a) + "]")
        elif isinstance(a, np.random.Generator):
            parts.append("rng")
        else:
            parts.append(_short(a))
    return "(" + ", ".join(parts) + ")"


def _output_text(out) -> str:
    if isinstance(out, _Raised):
        return f"raised {type(out.error).__name__}"
    if isinstance(out, (list, tuple)):
        return "(" + ", ".join(_output_text(o) for o in out) + ")"
    a = _as_array(out)
    return f"an array of shape {a.shape}" if a is not None else _describe(out)


def _difference(got, expected) -> str:
    """How the student's output differs from the reference's, without showing the latter."""
    g, e = _output_text(got), _output_text(expected)
    if g != e:
        return f"yours returned {g}, the package's function {e}"
    try:
        gap = max(float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))
                  for a, b in zip(_flat_outputs(got), _flat_outputs(expected)))
        return f"the right shape, but the numbers differ by up to {gap:.3g}"
    except (TypeError, ValueError):
        return "the right shape, but the numbers differ"


def _returns_none(out) -> bool:
    if isinstance(out, (list, tuple)):
        return any(_returns_none(o) for o in out)
    return out is None


def _flat_outputs(out):
    if isinstance(out, (list, tuple)):
        return [x for o in out for x in _flat_outputs(o)]
    return [out]


@dataclass(frozen=True)
class Implement(Exercise):
    """A function to write, run against ``reference`` (the package's) on ``cases(rng)``.

    ``cases`` returns a list of argument tuples, from small to large shapes; where the reference
    raises (a shape it refuses), the student's function must raise the same kind of error.
    ``wrong`` holds buggy functions; the first case where the student's output differs from the
    reference is compared with theirs to name the misconception.  ``extra(f)`` is an optional
    further check (a gradient check) returning None or a message.
    """

    reference: Callable = None
    cases: Callable = None
    signature: str = ""
    extra: Callable | None = None
    harness: Callable | None = None
    rtol: float = 1e-7
    atol: float = 1e-10

    kind = "implement"

    def _output(self, f, args):
        """What ``f`` gives on a case: f(*args), or harness(f, *args) when the function is one
        step inside a larger computation (an update rule applied to every layer)."""
        if self.harness is None:
            return _run(f, args)
        return _run(lambda *a: self.harness(f, *a), args)

    def judge(self, answer) -> Judgement:
        if not callable(answer):
            return Judgement(INVALID, f"pass your function itself, e.g. check({self.key!r}, "
                                      f"my_function) without parentheses after its name; got "
                                      f"{_describe(answer)}")
        for number, args in enumerate(self.cases(np.random.default_rng(0)), start=1):
            expected = _run(self.reference, args)
            got = self._output(answer, args)
            if _same_output(got, expected, self.rtol, self.atol):
                continue
            if number == 1 and _returns_none(got):
                return Judgement(EMPTY, "your function returns None: replace the ... in its body "
                                        "with your code, and return the result")
            where = f"case {number}, arguments {_shape_text(args)}"
            for w in self.wrong:
                if _same_output(got, self._output(w.answer, args), self.rtol, self.atol):
                    return Judgement(KNOWN, f"{w.message} ({where})")
            if isinstance(got, _Raised):
                return Judgement(WRONG, f"your function raised {type(got.error).__name__}: "
                                        f"{got.error} ({where})")
            if isinstance(expected, _Raised):
                return Judgement(WRONG, f"for these shapes the package raises "
                                        f"{type(expected.error).__name__}; yours returned "
                                        f"{_output_text(got)} ({where})")
            return Judgement(WRONG, f"{_difference(got, expected)} ({where})")
        if self.extra is not None:
            problem = self.extra(answer)
            if problem:
                return Judgement(WRONG, problem)
        return Judgement(RIGHT)

