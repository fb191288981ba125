"""Updates per second of the bare engine and of the running playground, by hand:
``python tests/benchmarks/bench_playground.py``.

Not a test (pytest only collects ``test_*.py``): it prints a table.  Same run, two ways:

(a) bare engine  a :class:`lecture5.training.Trainer` stepping in a plain loop (per-epoch
                 evaluation on), built by the playground's own recipe
                 (:func:`lecture5.playground.session.build_trainer`);
(b) playground   :class:`lecture5.playground.Playground` training through its asyncio task with
                 live figures (drawn as if it were on screen), as fast as it can.

Each of ``--rounds`` rounds runs (a) for ``--seconds``, then (b) for ``--seconds``; alternating
keeps a change in the machine's load from favouring one of the two.  By design figures take at
most 25 % of the time (``lecture5.playground.runner.MAX_DRAW_SHARE``).
"""

from __future__ import annotations

import argparse
import asyncio
import time

import numpy as np

from lecture5.playground import Playground
from lecture5.playground.session import build_trainer


async def measure_throughput(preset="overfit 1,000 digits", seconds=2.0, rounds=1, warmup=0.0,
                             **overrides) -> dict:
    """Mini-batch updates per second of the bare engine and of the running app, same settings.

    Run it on an event loop (``asyncio.run(measure_throughput())``).  Returns the rates, their
    ratio, figure refreshes per second, seconds per refresh and the share of time spent training.
    ``warmup`` seconds of the same run come first, unmeasured: the first seconds of a run draw
    the figure whole more often (its layout, an epoch axis that grows at every refresh).
    """
    if not seconds > 0:
        raise ValueError(f"seconds must be > 0, got {seconds!r}")
    if not (isinstance(rounds, int) and rounds >= 1):
        raise ValueError(f"rounds must be an integer >= 1, got {rounds!r}")
    app = Playground(preset=preset, render=True, **overrides)
    _, bare = build_trainer(app.data, {**app.values(), "early_stopping": 0})
    totals = dict.fromkeys(("bare_steps", "bare_s", "ui_steps", "ui_s", "redraws", "trained"),
                           0.0)
    if warmup > 0:
        app.play()
        await asyncio.sleep(warmup)
        app.pause()
        await app.wait()
    draws0 = (app.stats["draw_seconds"], app.stats["redraws"])
    for _ in range(rounds):
        t0 = time.perf_counter()
        with np.errstate(all="ignore"):
            while time.perf_counter() - t0 < seconds and not bare.stopped:
                bare.step()
                totals["bare_steps"] += 1
        totals["bare_s"] += time.perf_counter() - t0

        before = dict(app.stats)
        t0 = time.perf_counter()
        app.play()
        await asyncio.sleep(seconds)
        app.pause()  # no mini-batch runs after this (the task is suspended between two)
        totals["ui_s"] += time.perf_counter() - t0
        totals["ui_steps"] += app.stats["updates"] - before["updates"]
        totals["redraws"] += app.stats["redraws"] - before["redraws"]
        totals["trained"] += app.stats["train_seconds"] - before["train_seconds"]
        await app.wait()
    bare_rate = totals["bare_steps"] / totals["bare_s"]
    ui_rate = totals["ui_steps"] / totals["ui_s"]
    result = {"bare_updates_per_s": bare_rate, "ui_updates_per_s": ui_rate,
              "ratio": ui_rate / bare_rate,
              "redraws_per_s": totals["redraws"] / totals["ui_s"],
              "seconds_per_redraw": (app.stats["draw_seconds"] - draws0[0])
              / max(1, app.stats["redraws"] - draws0[1]),
              "training_share": totals["trained"] / totals["ui_s"]}
    app.close()
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", default="overfit 1,000 digits")
    p.add_argument("--seconds", type=float, default=2.0, help="seconds per measurement")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    p.add_argument("--warmup", type=float, default=0.0,
                   help="seconds of the same run before measuring")
    args = p.parse_args(argv)
    r = asyncio.run(measure_throughput(args.preset, args.seconds, args.rounds, args.warmup))
    print(f"preset: {args.preset}, {args.rounds} x {args.seconds:g} s each"
          + (f", after {args.warmup:g} s of the same run" if args.warmup else ""))
    print(f"bare engine: {r['bare_updates_per_s']:>9,.0f} updates/s")
    print(f"playground:  {r['ui_updates_per_s']:>9,.0f} updates/s ({r['ratio']:.0%} of the bare "
          f"engine)")
    print(f"figures:     {r['redraws_per_s']:.1f} refreshes/s, {r['seconds_per_redraw']:.3f} s "
          f"each; training {r['training_share']:.0%} of the time")


if __name__ == "__main__":
    main()
