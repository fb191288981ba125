"""Helpers shared by the widget tests (tests/test_widgets*.py): drive an app like a student."""

import asyncio
import concurrent.futures
import time

from lecture5 import plots


def png(app):
    """The app's current figure as PNG bytes."""
    return plots.to_png(app.figure)


def ends(slider):
    """The lowest and the highest value ``slider`` can show (a :class:`StepSlider`'s first and
    last stop, a numeric slider's min and max)."""
    if hasattr(slider, "values"):
        return slider.values[0], slider.values[-1]
    return slider.min, slider.max


def extremes(app, name):
    """Move the slider ``name`` to its minimum and maximum; return the captions."""
    s = app.controls[name]
    out = []
    for v in ends(s):
        s.value = v
        assert app.error is None, app.error
        out.append(app.caption.value)
    return out


def run(coro):
    """``asyncio.run(coro)``, in a thread of its own when this thread already runs an event loop
    (Playwright's synchronous API keeps one running after a browser test in the same process)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def until(condition, timeout=10.0):
    """Wait on the event loop until ``condition()`` holds."""
    t0 = time.perf_counter()
    while not condition():
        assert time.perf_counter() - t0 < timeout, "timed out waiting"
        await asyncio.sleep(0.002)
