"""Training ahead: while the kernel is idle, retraining apps train the runs their sliders' other
values need, so that a later move answers from the cache (:class:`lecture5.widgets.RetrainApp`,
its ``ahead``; the runs are :func:`lecture5.experiments.next_untrained`'s).

One queue serves every app of the kernel, the app refreshed last first, one run at a time, in
slices of about :data:`AHEAD_SLICE` seconds on the event loop.  Idle means: :data:`AHEAD_QUIET`
seconds since any app's control changed and since the last notebook cell ran.  A slice ends
after the mini-batch that crosses :data:`AHEAD_SLICE` (or the end of an epoch, whose evaluation
on 07's problem takes about 20 ms), or as soon as a message waits for the kernel
(:func:`_kernel_waiting`): a message then waits for one mini-batch, not for the rest of the
slice and the next one.  On this project's 2-core machine, in a kernel training notebook 07's
runs ahead, a request every 50 ms was answered in 5 ms median instead of 24 ms.
"""

from __future__ import annotations

import asyncio
import functools
import time

from .. import experiments

#: seconds without a change to any app (or a cell run) before training ahead, and the length of
#: one slice of it
AHEAD_QUIET, AHEAD_SLICE = 1.0, 0.01

_last_change = [0.0]  # time.perf_counter() of the last change to an app or cell run
_queue = []  # apps with runs to train ahead, the one refreshed last first
_timer = [None]
_watching_cells = [False]


def note_change(*_args):
    """Something happened that the user is waiting for: train nothing ahead for a while."""
    _last_change[0] = time.perf_counter()


def queue(app):
    """Train ``app``'s plan (``app._plan``) first, once all is quiet; False without a running
    event loop (nothing is trained ahead then)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    _watch_cells()
    unqueue(app)
    _queue.insert(0, app)
    _schedule(loop, AHEAD_QUIET)
    return True


def unqueue(app):
    if app in _queue:
        _queue.remove(app)
    if not _queue and _timer[0] is not None:
        _timer[0].cancel()
        _timer[0] = None


def queued(app) -> bool:
    return app in _queue


def _schedule(loop, delay):
    if _timer[0] is not None:
        _timer[0].cancel()
    _timer[0] = loop.call_later(delay, _train_ahead)


def _train_ahead():
    """One slice for the first app in the queue with something left to train, then the next
    slice after the event loop has handled what came in meanwhile (``call_later(0)`` runs after
    the messages that arrived, ``call_soon`` before)."""
    _timer[0] = None
    loop = asyncio.get_running_loop()
    quiet = _last_change[0] + AHEAD_QUIET - time.perf_counter()
    if quiet > 0:
        _schedule(loop, quiet)
        return
    if _kernel_waiting():  # it goes first; look again a slice later (not at once: a cell that
        _schedule(loop, AHEAD_SLICE)  # awaits something keeps the queue full, this must not spin)
        return
    while _queue and not _slice(_queue[0]._plan):
        _queue.pop(0)
    if _queue:
        _schedule(loop, 0)


def _slice(plan) -> bool:
    """Train the first untrained run of ``plan`` (a list of calls, shortened as they are
    trained) for one slice: False when nothing is left."""
    while plan:
        try:
            job = experiments.next_untrained(plan[0])
            if job is not None:
                job[0].advance(job[1], AHEAD_SLICE, stop=_kernel_waiting)
                return True
        except Exception:  # noqa: BLE001  a setting that cannot train: its figure will say why
            pass
        plan.pop(0)
    return False


def _shell():
    """The IPython shell this code runs in, or None (a script)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _kernel():
    """The IPython kernel this code runs in, or None (a script, a terminal IPython)."""
    return getattr(_shell(), "kernel", None)


@functools.cache
def _kernel_checks():
    """``(queued, events, read)`` for :func:`_kernel_waiting`, looked up once: it is asked after
    every mini-batch trained ahead, and looking the kernel up each time took 19 µs a call in
    ipykernel 6 (a mini-batch of 07's problem takes about 330 µs: 1.0 s for a run's 3,000,
    evaluations included).  None for a kernel without
    ipykernel 6's queue and shell stream (ipykernel 7 and JupyterLite's kernel were not tried),
    or none."""
    kernel = _kernel()
    try:
        import zmq

        stream = kernel.shell_stream
        return (kernel.msg_queue.qsize,
                lambda: stream.socket.getsockopt(zmq.EVENTS) & zmq.POLLIN,
                lambda: stream.flush(zmq.POLLIN))
    except Exception:  # noqa: BLE001 - no kernel, or not ipykernel 6's layout: train as before
        return None


def _kernel_waiting() -> bool:
    """True when a message waits for the kernel (a slider's new value, say).

    ipykernel reads the messages of its shell socket into a queue, one by one, and handles them
    in order, on this event loop.  A message waits in that queue, or, while a slice runs and the
    event loop cannot read, in the socket; one found there is read into the queue now
    (``ZMQStream.flush``, as ipykernel does with its control stream): asking the socket whether
    a message is there can leave its file descriptor quiet, so the event loop might not read it.
    False without such a kernel (:func:`_kernel_checks`)."""
    checks = _kernel_checks()
    if checks is None:
        return False
    queued, events, read = checks
    try:
        if queued():
            return True
        if events():
            read()
            return True
    except Exception:  # noqa: BLE001 - a closed socket (the kernel shutting down)
        return False
    return False


def _watch_cells():
    """Running a cell counts as a change: during "Run all" nothing is trained ahead."""
    if _watching_cells[0]:
        return
    _watching_cells[0] = True
    shell = _shell()
    if shell is not None:
        shell.events.register("pre_run_cell", note_change)
        shell.events.register("post_run_cell", note_change)
