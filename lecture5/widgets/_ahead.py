"""Working ahead: while the kernel is idle, apps prepare what their controls' next values need,
so that a later move answers at once.  Retraining apps train the runs those values need
(:class:`lecture5.widgets.RetrainApp`, its ``ahead``; the runs are
:func:`lecture5.experiments.next_untrained`'s); closed-form apps draw the frames of each control's
next values and ends (:class:`Frame`, :func:`draw_ahead`).

One queue serves every app of the kernel: frames first, then runs, each the app queued last
first, in slices on the event loop (a frame, or about :data:`AHEAD_SLICE` seconds of one run).
Idle means: no app's control changed and no notebook cell ran for :data:`DRAW_QUIET` seconds
(frames) or :data:`AHEAD_QUIET` seconds (runs).  Either gives way to a message that reaches the
kernel (:func:`_kernel_waiting`): a slice of training ends after the mini-batch during which it
came (or the end of an epoch, whose evaluation on 07's problem takes about 20 ms), a frame before
its next artist; a message then waits for that much, not for the rest of the slice and the next
one.  On this project's 2-core machine, in a kernel training notebook 07's runs ahead, a request
every 50 ms was answered in 5 ms median instead of 24 ms.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import time
from collections import OrderedDict
from typing import NamedTuple

from .. import experiments, plots
from ..experiments import _worker
from ..plots._style import building_app, projection_on
from ._sliders import _choices, likely_first

#: seconds without a change to any app (or a cell run) before training ahead, and the length of
#: one slice of it
AHEAD_QUIET, AHEAD_SLICE = 1.0, 0.01
#: seconds of training between two looks at the kernel's messages while a student waits for a
#: retraining app's new figure (:func:`train_now`); a message stops a slice after its mini-batch
NOW_SLICE = 0.1
#: seconds without a change before closed-form apps draw frames ahead (:class:`Frame`): a frame
#: gives way to a message between two of its artists, so it may start sooner than training
DRAW_QUIET = 0.25
#: how many of each control's other values a closed-form app draws ahead, in
#: :func:`lecture5.widgets.likely_first`'s order: one step either way, then the two ends
DRAW_AHEAD = 4

_last_change = [0.0]  # time.perf_counter() of the last change to an app or cell run
_queue = []  # apps with frames to draw or runs to train ahead, the one queued last first
_timer = [None]
_watching_cells = [False]


def note_change(*_args):
    """Something happened that the user is waiting for: do nothing ahead for a while."""
    _last_change[0] = time.perf_counter()


def queue(app):
    """Work on ``app``'s plan (``app._plan``: frames or runs) before the other apps' plans, once
    :func:`_quiet_for` the plan's first piece has passed both since now and since the last
    change; False without a running event loop (nothing is done ahead then)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    _watch_cells()
    unqueue(app)
    _queue.insert(0, app)
    app._ahead_from = time.perf_counter() + _quiet_for(app)  # e.g. a second after its figure
    _schedule(loop, 0)  # _train_ahead works out when the first app's work is due
    return True


def _quiet_for(app) -> float:
    """The quiet ``app``'s next piece of work waits for: frames :data:`DRAW_QUIET`, runs
    :data:`AHEAD_QUIET`."""
    return DRAW_QUIET if app._plan and isinstance(app._plan[0], Frame) else AHEAD_QUIET


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
    """One slice (a frame, or a few milliseconds of a run) for the first app in the queue that
    has one due, then the next slice after the event loop has handled what came in meanwhile
    (``call_later(0)`` runs after the messages that arrived, ``call_soon`` before)."""
    _timer[0] = None
    loop = asyncio.get_running_loop()
    for app in [a for a in _queue if not a._plan]:
        _queue.remove(app)
    now = time.perf_counter()
    # how long until each app's next piece of work is due: quiet since any change, and since
    # the app was queued
    waits = [(max(_last_change[0] + _quiet_for(a), a._ahead_from) - now, a) for a in _queue]
    # frames first (a few draws per app), then runs (seconds each), each the app queued last
    due = [a for wait, a in waits if wait <= 0]
    due.sort(key=lambda a: not isinstance(a._plan[0], Frame))
    if due and _kernel_waiting():  # it goes first; look again a slice later (not at once: a
        _schedule(loop, AHEAD_SLICE)  # cell that awaits keeps the queue full: no spinning)
        return
    for app in due:
        if _slice(app._plan):
            _schedule(loop, 0)
            return
        _queue.remove(app)
    later = [wait for wait, a in waits if wait > 0]
    if later:
        _schedule(loop, min(later))


def _slice(plan) -> bool:
    """Train the first untrained run of ``plan`` (a list of calls, shortened as they are
    trained) for one slice, or draw its first :class:`Frame`: False when nothing is left to do
    here.  A run the second process trains (:mod:`lecture5.experiments._worker`) is left to it
    (a figure a student waits for is another matter: :meth:`RetrainApp._train_now`)."""
    if plan and isinstance(plan[0], Frame):
        plan[0]()
        return True
    _worker.collect()
    i = 0
    while i < len(plan):
        try:
            job = experiments.next_untrained(plan[i])
            if job is not None and _worker.flying(*job):
                i += 1
                continue
            if job is not None:
                job[0].advance(job[1], AHEAD_SLICE, stop=_kernel_waiting)
                return True
        except Exception:  # noqa: BLE001  a setting that cannot train: its figure will say why
            pass
        plan.pop(i)
    return False


def next_jobs(call, plan, many=8):
    """``(first, second, other)`` for a figure ``call`` a student waits for: ``first``, the next
    run it needs (None: it needs nothing more); ``second``, the one after, looking past ``first``
    and the runs the second process trains (:mod:`lecture5.experiments._worker`), if ``call``
    gets that far without their results; ``other``, the first untrained run of ``plan``'s first
    ``many`` calls that is none of these (what a slider may ask for next), or None."""
    _worker.collect()
    first = experiments.next_untrained(call)
    if first is None:
        return None, None, None
    busy = _worker.in_flight() | {first}
    try:
        second = experiments.next_untrained(call, past=busy)
    except Exception:  # noqa: BLE001  it needs their results to go on: none known
        second = None
    other = None
    for c in plan[:many]:
        try:
            job = experiments.next_untrained(c)
        except Exception:  # noqa: BLE001
            continue
        if job is not None and job != second and job not in busy:
            other = job
            break
    return first, second, other


def train_now(build, plan, wait) -> float | None:
    """One slice of the training a retraining app's new figure ``build`` needs, while a student
    waits: the kernel trains the figure's next run for :data:`NOW_SLICE` seconds, or until a
    message reaches the kernel (the next key press: a run begun for a value left behind resumes
    later where it stopped); once the burst of key presses is over (``wait``, its seconds still
    to go, is past) another untrained run (:func:`next_jobs`) goes to the second process
    (:mod:`lecture5.experiments._worker`).  Returns the seconds until the next slice, or None
    once the figure needs nothing more and the burst is over: show it."""
    note_change()  # the student is waiting: no app works ahead in the kernel meanwhile
    if _kernel_waiting():
        return AHEAD_SLICE
    first, second, other = next_jobs(build, plan)  # (builds the figure when all are trained)
    if first is None:  # values passed in a burst are not drawn
        return wait if wait > 0 else None
    if not _worker.flying(*first):
        job, seconds = first, NOW_SLICE
        if wait <= 0 and (second is not None or other is not None):
            _worker.send(*(second or other))
    elif second is not None:  # the figure's next run is the second process's
        job, seconds = second, NOW_SLICE
    else:  # only it is left: the kernel trains it too, in short slices, and the first result
        job, seconds = first, AHEAD_SLICE  # to come is kept
    job[0].advance(job[1], seconds, stop=_kernel_waiting)
    return 0


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


# ---------------------------------------------------------------- drawing ahead
#: bytes of pictures one app keeps, the least recently used going first (09's distortion app
#: draws about 110 kB pictures: some 75 of them, three moves' worth of its six sliders' plans)
DRAWN_BYTES = 8 * 2**20


def frame_key(values: dict) -> tuple:
    """What a frame drawn ahead is filed under: the controls' values (and projection mode)."""
    return (*values.items(), projection_on())


def _made_on(app) -> tuple:
    """What a kept picture must have been drawn on to stand for the figure: the same figure,
    laid out as it is now (a figure built afresh, or laid out again for longer texts, draws
    every value differently from then on)."""
    fig = app.figure
    serial = getattr(fig, "_lecture5_serial", None)
    if serial is None:  # (not id(fig): a new figure may get the id of one collected)
        serial = fig._lecture5_serial = next(_serials)
    return (serial, app.frames.stats["layouts"])


_serials = itertools.count()


class Frame(NamedTuple):
    """A frame a closed-form app (:class:`lecture5.widgets.FigureApp`) may show next, drawn
    ahead while the kernel is idle: its figure is changed in place to ``values``, drawn as the
    app draws it (``app.frames``), and changed back to what it shows; the picture and caption
    are kept in ``app.drawn`` (:func:`drawn`), so a move to ``values`` sends them at once.  The
    figure being a function of the values, a kept frame is the one the move would draw.  A value
    the figure cannot show in place (other limits: the app builds it afresh) is not drawn ahead.

    A message that reaches the kernel meanwhile (:func:`_kernel_waiting`) stops the drawing
    before the next changing artist (:class:`lecture5.plots.Interrupted`); the figure is changed
    back and the frame stays first in the plan, to be drawn again later.  The message waits for
    what cannot be stopped: the change to ``values`` (07's expectation samples 4,000 masks for a
    new p), a whole draw when an axis limit of the saved picture changed, one artist, the
    change back."""

    app: object
    values: dict

    def __call__(self):
        app, key = self.app, frame_key(self.values)
        plan = app._plan
        if app.figure is None or app.error is not None or drawn(app, self.values):
            _done(plan, self)
            return
        shown, made_on = app.values(), _made_on(app)
        try:
            with building_app():
                caption = plots.update_in_place(app.figure, self.values)
                if caption is not None:
                    png = app.frames.png(app.figure, stop=_kernel_waiting)
                    if _made_on(app) == made_on:  # not laid out again meanwhile
                        _file(app, key, png, caption)
            _done(plan, self)
        except plots.Interrupted:
            pass  # drawn again later, unless the message changes the plan
        except Exception:  # noqa: BLE001 - a value that fails shows its error when moved to
            _done(plan, self)
        finally:
            try:
                with building_app():
                    plots.update_in_place(app.figure, shown)
            except Exception:  # noqa: BLE001 - it failed for the shown value too: shown so
                pass


def _done(plan, frame):
    if plan and plan[0] is frame:
        plan.pop(0)


def draw_ahead(app) -> None:
    """Draw ahead, while the kernel is idle, one a slice in :func:`queue`'s turn, the frames of
    each control's next :data:`DRAW_AHEAD` values in :func:`likely_first`'s order (one step
    either way, then the ends), the other controls as they are: the first of every control,
    then the second of every control, and so on; those drawn already are skipped.  Nothing for
    a figure that is not changed in place (:func:`lecture5.plots.updatable`)."""
    if getattr(app.figure, "lecture5_update", None) is None:
        app._plan = []
        unqueue(app)
        return
    values, ranked = app.values(), []
    for name, control in app.controls.items():
        try:
            others = likely_first(control)[1:]
        except (AttributeError, TypeError, ValueError, ZeroDivisionError):  # not a slider
            others = [v for v in _choices(control) if v != values[name]]
        ranked.append([{**values, name: v} for v in others[:DRAW_AHEAD]])
    nearby = [r[i] for i in range(DRAW_AHEAD) for r in ranked if i < len(r)]
    app._plan = [Frame(app, v) for v in nearby if not drawn(app, v)]
    if app._plan:
        queue(app)
    else:
        unqueue(app)


def keep(app, png: bytes, caption) -> None:
    """File the frame ``app`` shows for its current values, as if drawn ahead (a figure
    changed in place only: the others are not drawn ahead)."""
    if getattr(app.figure, "lecture5_update", None) is not None:
        _file(app, frame_key(app.values()), png, caption)


def _file(app, key, png, caption):
    kept = getattr(app, "drawn", None)
    if not isinstance(kept, OrderedDict):
        kept = app.drawn = OrderedDict()
    made_on = _made_on(app)
    for stale in [k for k, v in kept.items() if v[2] != made_on]:
        del kept[stale]  # drawn on a figure or layout no longer shown
    kept[key] = (png, caption, made_on)
    while len(kept) > 1 and sum(len(v[0]) for v in kept.values()) > DRAWN_BYTES:
        kept.popitem(last=False)


def drawn(app, values: dict):
    """``(png, caption)`` drawn ahead for ``values`` on the figure ``app`` shows, or None; a
    picture found counts as used (kept longest)."""
    kept = getattr(app, "drawn", None)
    key = frame_key(values)
    found = None if kept is None else kept.get(key)
    if found is None or found[2] != _made_on(app):
        return None
    kept.move_to_end(key)
    return found[:2]
