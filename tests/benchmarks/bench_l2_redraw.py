"""How long one redraw of notebook 05's L2 figure takes.

Run ``python tests/benchmarks/bench_l2_redraw.py``.

Not a test (pytest only collects ``test_*.py``): it prints a number, it asserts nothing.  This was
a developer cell of notebook 05 ("how long does one redraw take on this machine?"); it left the
student notebook because its output varies from run to run.  For ``--count`` values of lambda on a
log grid from 0.01 to 10 it builds :func:`lecture5.plots.l2_hessian_picture` and renders it to
PNG (what the slider does on every move), then prints the median and the slowest time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from lecture5 import plots


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=7, help="how many lambdas (default 7)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error(f"--count must be at least 1, got {args.count}")
    plots.to_png(plots.l2_hessian_picture(0.5)[0])  # warm-up: caches, fonts
    seconds = []
    for lam in np.geomspace(0.01, 10.0, args.count):
        start = time.perf_counter()
        plots.to_png(plots.l2_hessian_picture(float(lam))[0])
        seconds.append(time.perf_counter() - start)
    print(f"one redraw of l2_hessian_picture (figure + PNG): median "
          f"{1000 * np.median(seconds):.0f} ms, slowest {1000 * max(seconds):.0f} ms, "
          f"over {args.count} values of lambda")


if __name__ == "__main__":
    main()
