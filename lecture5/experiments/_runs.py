"""Cached runs that can also be trained a slice at a time: what lets an app train, while the
kernel is idle, the runs its slider may ask for next (:func:`next_untrained`, :class:`Runs`).

A run is written once, as a generator that yields between mini-batches and returns its result
(:func:`train_steps` is ``Trainer.train`` written that way).  Called, a :class:`Runs` trains it
to the end, exactly like a plain function under ``functools.lru_cache``; :meth:`Runs.advance`
trains it for a few milliseconds and keeps the half-trained run, so that a later call or slice
goes on from there.  Both paths take the same steps from the same seeds, hence the same result.
"""

from __future__ import annotations

import contextvars
import time
import warnings
from collections import OrderedDict
from typing import NamedTuple

from .. import _validate
from ..training import _user_stacklevel
from . import _worker

__all__ = ["Runs", "runs_cache", "train_steps", "next_untrained"]


def train_steps(trainer, epochs):
    """``trainer.train(epochs, progress=False)``, yielding after every mini-batch."""
    epochs = _validate.integer("epochs", epochs, low=0)
    for _ in range(epochs):
        while not trainer.stopped:
            record = trainer.step()
            yield
            if record is not None:  # the mini-batch ended an epoch
                break
        if trainer.stopped:
            break


class _Later(Exception):
    """Raised inside :func:`next_untrained` by the first run that is not trained yet."""

    def __init__(self, runs, key):
        super().__init__(key)
        self.job = (runs, key)


_LOOKING = contextvars.ContextVar("lecture5_looking", default=False)


def next_untrained(call, past=()):
    """The next run ``call()`` would train, as ``(runs, key)`` for ``runs.advance(key, s)``, or
    None when everything ``call`` needs is trained.  Nothing is trained here: ``call`` stops at
    its first untrained run.  The checks ``call`` makes before it raise as usual; settings that
    only the training itself rejects raise from ``advance``.

    ``past``: runs ``(runs, key)`` to look past (a second process trains them): ``call`` gets
    None for them and goes on to its next run, if it can without their results."""
    token = _LOOKING.set(frozenset(past) if past else True)
    try:
        call()
    except _Later as later:
        return later.job
    finally:
        _LOOKING.reset(token)
    return None


class CacheInfo(NamedTuple):
    """:meth:`Runs.cache_info`: calls answered from the cache, calls that trained, size."""

    hits: int
    misses: int
    maxsize: int
    currsize: int


class Runs:
    """A least-recently-used cache of the results of ``steps(*key)``, a generator function.

    ``runs(*key)`` returns the result, training it first (or finishing a run :meth:`advance`
    began).  The :class:`lecture5.training.TrainingWarning`\\ s a run gives reach the caller the
    first time its result is returned, whichever path trained it, as with ``lru_cache``.
    """

    def __init__(self, steps, maxsize):
        self.steps = steps
        self.maxsize = maxsize
        self._done = OrderedDict()  # key -> (result, warnings not yet shown)
        self._partial = OrderedDict()  # key -> (generator, warnings so far)
        self.hits = self.misses = 0
        self.__doc__ = steps.__doc__
        self.__name__ = getattr(steps, "__name__", "runs")

    def __call__(self, *key):
        if key in self._done and _LOOKING.get():
            return self._done[key][0]  # a look from next_untrained(): not a use, nothing shown
        if key not in self._done:
            looking = _LOOKING.get()
            if isinstance(looking, frozenset) and (self, key) in looking:
                return None  # a run to look past (next_untrained's past)
            if looking:
                raise _Later(self, key)
            _worker.wait(self, key)  # (a second process may be training it: its result is used)
        if key in self._done:
            self._done.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
            gen, caught = self._partial.pop(key, None) or (self.steps(*key), [])
            try:
                while True:
                    next(gen)
            except StopIteration as end:
                self._store(key, end.value, caught)
        result, caught = self._done[key]
        if caught:
            self._done[key] = (result, [])
            level = _user_stacklevel()
            for w in caught:  # as if the run had just been trained here
                warnings.warn(w.message, w.category, stacklevel=level)
        return result

    def advance(self, key, seconds, stop=None) -> bool:
        """Train the run ``key`` for about ``seconds`` (one mini-batch at least, and the one that
        crosses ``seconds`` at most: an epoch's evaluation may come with it), or until ``stop()``,
        asked after every mini-batch, is true; True once its result is cached.  Its warnings are
        kept for the first call that returns it."""
        if key in self._done:
            return True
        gen, caught = self._partial.pop(key, None) or (self.steps(*key), [])
        end = time.perf_counter() + seconds
        with warnings.catch_warnings(record=True) as now:
            warnings.simplefilter("always")
            try:
                next(gen)
                while time.perf_counter() < end and not (stop is not None and stop()):
                    next(gen)
            except StopIteration as finished:
                self._store(key, finished.value, caught + now)
                return True
        self._partial[key] = (gen, caught + now)
        while len(self._partial) > 4:  # the oldest run begun and left (its app moved on)
            self._partial.popitem(last=False)
        return False

    def cached(self, *key) -> bool:
        return key in self._done

    def cache_info(self) -> CacheInfo:
        return CacheInfo(self.hits, self.misses, self.maxsize, len(self._done))

    def cache_clear(self):
        self._done.clear()
        self._partial.clear()
        _worker.forget(self)

    def _store(self, key, result, caught):
        self._done[key] = (result, list(caught))
        while len(self._done) > self.maxsize:
            self._done.popitem(last=False)


def runs_cache(maxsize):
    """Decorator: ``@runs_cache(64)`` over a generator function makes it a :class:`Runs`."""
    return lambda steps: Runs(steps, maxsize)
