"""A second process that trains one cached run while the kernel trains another.

A retraining app that a student is waiting on often needs several runs (notebook 07's figure: three
seeds), and the kernel trains them one after the other on one core.  With a spare core, this module
trains one of them in a second process meanwhile, so the figure comes about twice as fast; the
result is stored in the same cache (:class:`lecture5.experiments._runs.Runs`) as if the kernel had
trained it: the same steps from the same seeds, hence the same numbers (a test holds them equal).

The process is started (``spawn``) by :func:`warm` (a retraining app with ``ahead`` calls it when
it is made in a kernel) or by the first :func:`send`; one run at a time goes to it (the figure's
next, else the next one its slider may ask for), and :func:`collect` stores what it has finished.
It ignores "Interrupt kernel"; one that dies is replaced (at most :data:`MAX_STARTS` times).  Where
no process can be started (JupyterLite, whose Pyodide has no ``_multiprocessing``; a locked-down
hub) :func:`send` returns False and the kernel trains everything itself, as before.
"""

from __future__ import annotations

import atexit
import importlib
import math
import signal

import numpy as np

__all__ = ["warm", "send", "collect", "flying", "in_flight", "wait", "forget", "stop"]

_pool = [None]  # the executor once started; False once it cannot be (or failed too often)
_flying = {}  # (runs, key) -> the Future of the run the second process trains
_starts = [0]  # processes started: one that died is replaced, but not more than MAX_STARTS
MAX_STARTS = 3


def _executor():
    if _pool[0] is None:
        if _starts[0] >= MAX_STARTS:
            _pool[0] = False
            return False
        try:  # (imported here: Pyodide has no _multiprocessing, and the package must import)
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            _pool[0] = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_ignore_interrupts)
            _starts[0] += 1
        except Exception:  # noqa: BLE001 - no processes here (Pyodide, a sandbox): train in the kernel
            _pool[0] = False
    return _pool[0]


def _broken():
    """The process died or cannot start: drop it (the next use starts another, a few times)."""
    pool, _pool[0] = _pool[0], None
    _flying.clear()
    if pool:
        try:
            pool.shutdown(wait=False, cancel_futures=True)
        except Exception:  # noqa: BLE001
            pass


def _ignore_interrupts():
    """In the second process: "Interrupt kernel" signals the kernel's whole process group; the
    kernel stops what it does, the second process goes on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm():
    """Start the second process now (about half a second of imports), so that the first run
    sent to it starts at once; nothing happens where no process can be started."""
    pool = _executor()
    if pool:
        try:
            pool.submit(_import)
        except Exception:  # noqa: BLE001
            _broken()


def send(runs, key) -> bool:
    """Train ``runs(*key)`` in the second process, unless it is busy, the run is trained or
    already on its way, or no process can be started (False then)."""
    collect()
    if _flying or runs.cached(*key):
        return False
    pool = _executor()
    if not pool:
        return False
    try:
        future = pool.submit(_train, runs.steps.__module__, runs.__name__, key)
    except Exception:  # noqa: BLE001 - the process died or cannot start: train in the kernel
        _broken()
        return False
    _flying[(runs, key)] = future
    return True


def forget(runs):
    """Drop the runs of ``runs`` under way there (its cache was cleared): their results are not
    stored when they come."""
    for item in [item for item in _flying if item[0] is runs]:
        del _flying[item]


def flying(runs, key) -> bool:
    """Whether the second process is training ``runs(*key)``."""
    return (runs, key) in _flying


def in_flight() -> frozenset:
    """The runs ``(runs, key)`` the second process is training."""
    return frozenset(_flying)


def wait(runs, key):
    """If the second process is training ``runs(*key)``, wait for it and store it."""
    future = _flying.get((runs, key))
    if future is not None:
        try:
            future.exception()  # waits; a failure there is collect()'s to drop
        except Exception:  # noqa: BLE001 - (cancelled)
            pass
        collect()


def collect():
    """Store the run the second process has finished, if it has, in its cache.  A run that
    failed there is dropped: the kernel trains it when it is needed, and says why it fails."""
    for (runs, key), future in list(_flying.items()):
        if not future.done():
            continue
        del _flying[(runs, key)]
        if future.cancelled():
            continue
        exc = future.exception()
        if exc is not None:  # the run failed there (the kernel trains it, and says why), or
            if type(exc) is not RuntimeError:  # the process died (BrokenProcessPool): the
                _broken()                       # next use starts another
                return
            continue
        result, caught = future.result()
        if not runs.cached(*key):
            runs._partial.pop(key, None)  # (a start the kernel made on it, if any)
            runs._store(key, _read_only(result), caught)


def stop():
    """End the second process (it is started again when needed)."""
    _flying.clear()
    if _pool[0]:  # (waits for a run under way: at most a run's time; leaks nothing)
        _pool[0].shutdown(wait=True, cancel_futures=True)
    _pool[0] = None
    _starts[0] = 0


atexit.register(stop)


def _import():
    importlib.import_module("lecture5.experiments")


def _train(module, name, key):
    """In the second process: train ``runs(*key)`` and return its result and warnings."""
    runs = getattr(importlib.import_module(module), name)
    try:
        runs.advance(key, math.inf)
    except BaseException as exc:  # noqa: BLE001 - crosses back as a plain error: the kernel
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None  # then trains it itself
    result, caught = runs._done.pop(key)  # (kept here, it would only take memory)
    return result, [_Caught(w.message, w.category) for w in caught]


class _Caught:
    """A warning a run gave (what :class:`Runs` shows again: its message and category)."""

    def __init__(self, message, category):
        self.message, self.category = message, category


def _read_only(x):
    """``x`` with every array in it read-only again, as the cache hands results out (pickling
    between the processes made them writable)."""
    if isinstance(x, np.ndarray):
        x.setflags(write=False)
    elif isinstance(x, (tuple, list)):
        for item in x:
            _read_only(item)
    elif isinstance(x, dict):
        for item in x.values():
            _read_only(item)
    return x
