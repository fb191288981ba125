"""Wall-clock time of one gradient, backprop against finite differences: by hand,
``python tests/benchmarks/bench_backprop_speed.py``.

Not a test (pytest only collects ``test_*.py``): it prints a table and the fitted log-log slopes,
it asserts nothing.  This is the timing that notebook 03 used to run in a cell; the notebook now
shows the deterministic count of multiplications (``lecture5.experiments.gradient_costs``), and
this script shows how the clock relates to it.

For networks ``[16, h, 4]`` on 20 random examples, ``lecture5.gradcheck.
time_backprop_vs_finite_differences`` times one ``net.backprop`` and one finite-difference
gradient (2P forward passes).  Small networks: a forward pass costs mostly the fixed overhead of
the numpy calls, so the finite-difference time grows about like P (slope near 1).  Wide networks:
the matrix products dominate and the time grows like P^2 (slope near 2).  Widths above
``--full-up-to`` time ``--sample`` randomly chosen parameters and scale by P / sample (each
nudged parameter costs the same two forward passes); such rows are marked.  One BLAS thread.
"""

from __future__ import annotations

import argparse
import os


def _parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--widths", type=int, nargs="+",
                   default=[4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096])
    p.add_argument("--repeats", type=int, default=3, help="timings per entry (min kept)")
    p.add_argument("--full-up-to", type=int, default=256,
                   help="largest width whose finite differences are timed over every parameter")
    p.add_argument("--sample", type=int, default=400,
                   help="parameters timed (then scaled) for the wider networks")
    return p.parse_args()


def main():
    args = _parse()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from lecture5.experiments import loglog_slope
    from lecture5.gradcheck import time_backprop_vs_finite_differences

    rows = []
    for h in args.widths:
        sample = None if h <= args.full_up_to else args.sample
        rows += time_backprop_vs_finite_differences(hidden_widths=(h,), repeats=args.repeats,
                                                    fd_sample=sample)
    print("      P   backprop (ms)   finite differences (ms)   ratio")
    for r in rows:
        mark = " (scaled from a sample)" if r.extrapolated else ""
        print(f"{r.n_params:7d}   {r.seconds_backprop * 1e3:13.3f}   "
              f"{r.seconds_fd * 1e3:23.1f}   {r.ratio:7.0f}{mark}")
    P = [r.n_params for r in rows]
    fd = [r.seconds_fd for r in rows]
    bp = [r.seconds_backprop for r in rows]
    half = max(2, len(rows) // 2)
    print(f"log-log slope of the finite-difference time: smallest {half} networks "
          f"{loglog_slope(P[:half], fd[:half]):.2f}, largest {half} "
          f"{loglog_slope(P[-half:], fd[-half:]):.2f}")
    print(f"log-log slope of the backprop time: smallest {half} networks "
          f"{loglog_slope(P[:half], bp[:half]):.2f}, largest {half} "
          f"{loglog_slope(P[-half:], bp[-half:]):.2f}")


if __name__ == "__main__":
    main()
