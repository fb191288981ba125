"""The playground's training loop: slices of mini-batches on the event loop, throttled redraws.

No thread.  Training runs as an asyncio task on the event loop that is already there (the
kernel's, or the page's in JupyterLite/Pyodide, where no thread can start) and hands control back
between slices of about :data:`SLICE_SECONDS`, so a slider callback runs between two mini-batches
and the next mini-batch uses the new value.  A call that arrives on another thread (a kernel
subshell) is handed to that loop (:meth:`Runner.call`) instead of being guarded by a lock.

Figures are refreshed at most every :data:`MIN_REDRAW_INTERVAL` seconds and take at most
:data:`MAX_DRAW_SHARE` of the time; a *pace* (epochs per second, :data:`PACES`) slows training
down so that a class can follow the first epochs.

The runner knows no widgets: it trains a :class:`lecture5.playground.session.Session` and tells a
*host* what to show, through four methods: ``redraw(force=False) -> bool``, ``update_label()``,
``update_enabled()`` and ``say(text, level)`` (level "info", "warning" or "error").
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import deque

from .. import _validate

__all__ = ["Runner", "PACES", "SLICE_SECONDS", "MIN_REDRAW_INTERVAL", "MAX_DRAW_SHARE"]

SLICE_SECONDS = 0.03  # how long the training task keeps the event loop before it yields
#: seconds from the start of one figure refresh to the start of the next, at least: at most
#: 2.5 refreshes a second (a training slice later, about 2.3), enough to follow a run, cheap
MIN_REDRAW_INTERVAL = 0.4
#: figures take at most this share of the time while training runs; training keeps the rest
MAX_DRAW_SHARE = 0.25
LABEL_INTERVAL = 0.1  # the epoch counter changes at most 10 times a second
MAX_PACE_LAG = 0.5  # seconds a paced run may fall behind (a slow machine) before it lets go
MAX_NAP = 0.05  # longest sleep of a paced run between two mini-batches (Pause stays prompt)

#: the speed control's choices: (label, epochs per second; None = as fast as it can)
PACES = (("as fast as it can", None), ("20 epochs/s", 20.0), ("5 epochs/s", 5.0),
         ("1 epoch/s", 1.0), ("1 epoch in 5 s", 0.2))


def running_loop():
    """The event loop running in this thread, or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def check_pace(pace, name="pace"):
    """``pace``: None (as fast as it can) or epochs per second > 0."""
    if pace is None:
        return None
    return _validate.number(name, pace, low=0.0, low_open=True)


class Runner:
    """Trains ``session`` on the event loop while :attr:`playing`; ``host`` shows it."""

    def __init__(self, session, host, *, slice_seconds=SLICE_SECONDS,
                 redraw_interval=MIN_REDRAW_INTERVAL, pace=None):
        self.slice_seconds = _validate.number("slice_seconds", slice_seconds, low=0.0,
                                              low_open=True)
        self.redraw_interval = _validate.number("redraw_interval", redraw_interval, low=0.0)
        self._pace = check_pace(pace)
        self.session = session
        self.host = host
        self.loop = running_loop()
        self.task = None
        self.playing = False
        self.generation = 0  # which training task may run (an older one ends by itself)
        self.last_draw = -math.inf  # when the last refresh started
        self.last_drawn = -math.inf  # and when it ended
        self.last_label = -math.inf
        self.draw_times = deque(maxlen=5)  # seconds of the last redraws (median -> throttle)
        self.rate_samples = deque(maxlen=20)  # (time, updates) for the updates/s readout
        self._pace_ref = None  # (time, epochs) the pace counts from

    # ------------------------------------------------------------------ the event loop
    def event_loop(self):
        """The loop training runs on: the one the app was made on, else the running one."""
        loop = self.loop
        if loop is not None and not loop.is_closed() and loop.is_running():
            return loop
        self.loop = running_loop()
        return self.loop

    def call(self, fn, *args):
        """``fn(*args)`` on the training's event loop, with its result.

        Called on that loop (or with no loop running), it is a plain call.  From another thread
        (JupyterLab may run widget callbacks on a kernel subshell) the call is handed to the loop
        and this thread waits for it, so training and callbacks never run at the same time.
        """
        loop = self.loop
        if (loop is None or loop.is_closed() or not loop.is_running()
                or running_loop() is loop):
            return fn(*args)

        async def on_loop():
            return fn(*args)

        return asyncio.run_coroutine_threadsafe(on_loop(), loop).result()

    # ------------------------------------------------------------------ pace
    @property
    def pace(self):
        """Epochs per second while playing; None trains as fast as it can."""
        return self._pace

    @pace.setter
    def pace(self, value):
        self._pace = check_pace(value)
        self._pace_ref = None

    def _target(self):
        """How far (in epochs) a paced run may have got by now; inf when not paced."""
        if self._pace is None:
            return math.inf
        now = time.perf_counter()
        done = self.session.progress()["epochs"]
        ref = self._pace_ref
        if ref is None or done < ref[1]:  # just started, or a new network
            ref = self._pace_ref = (now, done)
        target = ref[1] + self._pace * (now - ref[0])
        if target - done > self._pace * MAX_PACE_LAG:  # too slow a machine: do not sprint later
            self._pace_ref = (now - MAX_PACE_LAG, done)
            target = done + self._pace * MAX_PACE_LAG
        return target

    def _nap(self, target):
        """Seconds to sleep before the next slice: until the next mini-batch is due."""
        if self._pace is None:
            return 0.0
        s = self.session
        p = s.progress()
        next_at = p["epochs"] + s.trainer.mini_batch_size / s.trainer.n
        return min(MAX_NAP, max(0.0, (next_at - target) / self._pace))

    # ------------------------------------------------------------------ play, pause
    def play(self) -> bool:
        """Start the training task on the event loop (returns at once).  False without a loop."""
        if self.playing:
            return True
        loop = self.event_loop()
        if loop is None:
            self.host.say("Play needs a running event loop (a Jupyter kernel); use step() or "
                          "run_epochs() here.", "error")
            return False
        text = self.session.resume()
        if text:
            self.host.say(text, "info")
        self.playing = True
        self.generation += 1
        self.rate_samples.clear()  # the updates/s readout counts from now
        self._pace_ref = None
        self.host.update_enabled()
        self.host.say(f"Training from epoch {self.session.trainer.epoch}: move η or λ at any "
                      "time.", "info")
        self.task = loop.create_task(self._train(self.generation))
        return True

    def pause(self):
        """Stop the training task after its current mini-batch (the network is kept)."""
        self.playing = False
        self.host.update_enabled()

    def active(self, generation) -> bool:
        return self.playing and self.generation == generation

    async def wait(self):
        """Wait until the training task has finished (after :meth:`pause` or a stop)."""
        task = self.task
        if task is None or task.done() or task.get_loop() is not running_loop():
            return
        await asyncio.wait([task])

    async def _train(self, generation):
        s = self.session
        try:
            while self.active(generation):
                target = self._target()
                s.train(lambda: self.active(generation), self.slice_seconds, target)
                if self.report():
                    break
                now = time.perf_counter()
                if not self.host.redraw() and now - self.last_label >= LABEL_INTERVAL:
                    self.host.update_label()
                await asyncio.sleep(self._nap(target))  # let widget callbacks (Pause) run
        except Exception as exc:  # nothing may raise into the notebook
            self.fail(exc)
        finally:
            if self.generation == generation:
                self.playing = False
                self.host.update_enabled()
                try:  # show the state training stopped in
                    self.host.redraw(force=True)
                except Exception as exc:
                    self.host.say(f"{type(exc).__name__}: {exc}", "error")

    # ------------------------------------------------------------------ what to show
    def report(self) -> bool:
        """Show the engine's warnings and, if training stopped, pause and say why (True)."""
        s = self.session
        for text in s.take_warnings():
            self.host.say(text, "warning")
        stop = s.stop_report()
        if stop is None:
            return False
        self.pause()
        self.host.say(*stop)
        return True

    def fail(self, exc):
        """An exception becomes a message in the status line (training pauses)."""
        self.pause()
        self.host.say(f"{type(exc).__name__}: {exc}", "error")

    def redraw_due(self, force=False) -> bool:
        """Whether a refresh may run now: :attr:`redraw_interval` after the last one started,
        figures at most :data:`MAX_DRAW_SHARE` of the time (from the median refresh), and,
        after a refresh slower than that (a new layout), training first for the rest of it."""
        wait = self.redraw_interval
        if self.draw_times:
            wait = max(wait, statistics.median(self.draw_times) / MAX_DRAW_SHARE)
        now = time.perf_counter()
        return force or (now - self.last_draw >= wait
                         and now - self.last_drawn >= wait * (1 - MAX_DRAW_SHARE))

    def drew(self, seconds, first_render=False):
        """Note a refresh that took ``seconds`` and ended now (the first render also lays the
        figure out, about twice the cost of the next ones: half of it counts)."""
        self.draw_times.append(seconds / 2 if first_render else seconds)
        self.last_drawn = time.perf_counter()
        self.last_draw = self.last_drawn - seconds

    def updates_per_second(self):
        """Mini-batch updates per second while playing (None when not measurable); call it
        when the label is refreshed."""
        now = time.perf_counter()
        self.rate_samples.append((now, self.session.stats["updates"]))
        self.last_label = now
        (t0, s0), (t1, s1) = self.rate_samples[0], self.rate_samples[-1]
        if self.playing and t1 > t0:
            return (s1 - s0) / (t1 - t0)
        return None
