"""Speed of one epoch of mini-batch SGD, by hand: ``python tests/benchmarks/bench_engine.py``.

Not a test (pytest only collects ``test_*.py``): it prints a table, it asserts nothing.  For
784-30-10 and 784-100-10 sigmoid networks with the cross-entropy cost and mini-batches of 10 and
100, it times one epoch over 5,000 examples (one shuffled pass, eq (27) for the biases and eq (28)
for the weights, lambda = 5, n = 5,000) done four ways:

(a) engine     ``lecture5.training.Trainer.run_epoch()`` (gathers each mini-batch into a reused
               buffer, takes the BLAS step of ``lecture5._engine.SGDEngine``);
(b) update     ``Network.update_mini_batch`` in a plain loop, as a student writes it (shuffle the
               column indices, ``X[:, batch]``; every call validates its arguments; the step is
               the readable one, gradient stored, then (27)/(28), so slower than the engine);
(c) reference  a clean plain-numpy step written out here: Nielsen-style vectorized backprop,
               inlined, no validation, gradient buffers reused, in-place updates;
(d) per-ex.    the slides' "for each training example x" loop,
               ``lecture5.backprop.backprop_per_example``, for the gradient + the same update.

plus (n) the naive reference that allocates fresh temporaries at every step (the 4-5x trap at
784-100-10: the allocator hands the memory back and re-faults it every step).

One BLAS thread: OPENBLAS/OMP/MKL_NUM_THREADS are set to 1 below, before numpy is imported
(``--threads K`` to change).  OPENBLAS_CORETYPE, if set, is left alone.  Each entry is the
fastest of ``--repeats`` epochs (other processes only ever make an epoch slower), the methods
interleaved so that a busy moment hits all of them alike.  Data: the bundled MNIST digits
(``lecture5.datasets.load_mnist``), or random data of the same shape with ``--random``.
"""

from __future__ import annotations

import argparse
import os
import sys


def _parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7, help="epochs timed per entry (min kept)")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    p.add_argument("--random", action="store_true", help="random data instead of MNIST")
    p.add_argument("--hidden", type=int, nargs="+", default=[30, 100])
    p.add_argument("--batch", type=int, nargs="+", default=[10, 100])
    p.add_argument("--n", type=int, default=5000, help="examples per epoch")
    p.add_argument("--methods", nargs="+", choices=METHOD_NAMES, default=None,
                   help="time only these (default: all)")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall-clock time (default), or this process's CPU time, which other "
                        "processes competing for the cores inflate less")
    return p.parse_args()


METHOD_NAMES = ("engine", "update", "reference", "per-ex.", "naive")
ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy.special import expit  # noqa: E402

from lecture5 import CrossEntropyCost, Network  # noqa: E402
from lecture5.backprop import backprop_per_example  # noqa: E402

ETA, LMBDA = 0.5, 5.0


def load_data(n, random=False, seed=0):
    """X (784, n) in [0, 1] and one-hot Y (10, n)."""
    if not random:
        try:
            from lecture5.datasets import load_mnist
        except ImportError:
            random = True
        else:
            data = load_mnist(n_train=n, n_test=1, seed=seed)
            return data.X_train, data.Y_train, "bundled MNIST"
    rng = np.random.default_rng(seed)
    X = rng.random((784, n))
    Y = np.eye(10)[:, rng.integers(0, 10, n)]
    return X, Y, "random data"


# ---------------------------------------------------------------- the four epochs


def epoch_engine(net, X, Y, b, rng, state):
    trainer = state.get("trainer")
    if trainer is None:
        from lecture5.training import Trainer

        trainer = state["trainer"] = Trainer(net, X, Y, eta=ETA, mini_batch_size=b, lmbda=LMBDA,
                                             penalty="l2", seed=0, monitor=False)
    trainer.run_epoch()


def epoch_update(net, X, Y, b, rng, state):
    n = X.shape[1]
    perm = rng.permutation(n)
    for k in range(0, n, b):
        batch = perm[k:k + b]
        net.update_mini_batch(X[:, batch], Y[:, batch], ETA, LMBDA, n)


def _reference_params(net, state):
    if "w" not in state:  # its own copy of the starting parameters
        state["w"] = [w.copy() for w in net.weights]
        state["b"] = [b.copy() for b in net.biases]
        state["gw"] = [np.empty_like(w) for w in net.weights]
    return state["w"], state["b"], state["gw"]


def epoch_reference(net, X, Y, b, rng, state):
    """Plain numpy, one hidden layer, cross-entropy: delta^L = a^L - y."""
    (w1, w2), (b1, b2), (g1, g2) = _reference_params(net, state)
    n = X.shape[1]
    decay = 1.0 - ETA * LMBDA / n
    perm = rng.permutation(n)
    for k in range(0, n, b):
        batch = perm[k:k + b]
        x, y = X[:, batch], Y[:, batch]
        c = ETA / x.shape[1]
        a1 = expit(w1 @ x + b1)
        a2 = expit(w2 @ a1 + b2)
        d2 = a2 - y
        d1 = (w2.T @ d2) * a1 * (1.0 - a1)
        np.matmul(d2, a1.T, out=g2)
        g2 *= c
        w2 *= decay
        w2 -= g2
        b2 -= c * d2.sum(axis=1, keepdims=True)
        np.matmul(d1, x.T, out=g1)
        g1 *= c
        w1 *= decay
        w1 -= g1
        b1 -= c * d1.sum(axis=1, keepdims=True)


def epoch_naive(net, X, Y, b, rng, state):
    """The same step written with fresh arrays everywhere (as in Nielsen's network2.py)."""
    w, bias, _ = _reference_params(net, state)
    n = X.shape[1]
    perm = rng.permutation(n)
    for k in range(0, n, b):
        batch = perm[k:k + b]
        x, y = X[:, batch], Y[:, batch]
        m = x.shape[1]
        a1 = expit(w[0] @ x + bias[0])
        a2 = expit(w[1] @ a1 + bias[1])
        d2 = a2 - y
        d1 = (w[1].T @ d2) * a1 * (1.0 - a1)
        w[1] = (1.0 - ETA * LMBDA / n) * w[1] - (ETA / m) * (d2 @ a1.T)
        bias[1] = bias[1] - (ETA / m) * d2.sum(axis=1, keepdims=True)
        w[0] = (1.0 - ETA * LMBDA / n) * w[0] - (ETA / m) * (d1 @ x.T)
        bias[0] = bias[0] - (ETA / m) * d1.sum(axis=1, keepdims=True)


def epoch_per_example(net, X, Y, b, rng, state):
    n = X.shape[1]
    decay = 1.0 - ETA * LMBDA / n
    perm = rng.permutation(n)
    for k in range(0, n, b):
        batch = perm[k:k + b]
        nabla_b, nabla_w = backprop_per_example(net.weights, net.biases, X[:, batch],
                                                Y[:, batch], net.cost, net.activation,
                                                net.output_activation)
        for bias, nb in zip(net.biases, nabla_b):
            bias -= ETA * nb
        for w, nw in zip(net.weights, nabla_w):
            w *= decay
            w -= ETA * nw


METHODS = {
    "engine": epoch_engine,
    "update": epoch_update,
    "reference": epoch_reference,
    "per-ex.": epoch_per_example,
    "naive": epoch_naive,
}


def time_config(X, Y, hidden, b, repeats, methods=None, clock=time.perf_counter):
    """Fastest epoch (seconds) of every method for one network and mini-batch size."""
    methods = {name: METHODS[name] for name in (methods or METHODS)}
    nets = {name: Network([784, hidden, 10], cost=CrossEntropyCost, seed=0) for name in methods}
    states = {name: {} for name in methods}
    rngs = {name: np.random.default_rng(1) for name in methods}
    best = dict.fromkeys(METHODS, float("nan"))
    for r in range(repeats + 1):  # round 0 warms up (buffers, caches, imports)
        for name, epoch in methods.items():
            t0 = clock()
            epoch(nets[name], X, Y, b, rngs[name], states[name])
            seconds = clock() - t0
            if r > 0 and not seconds >= best[name]:  # (nan compares False)
                best[name] = seconds
    return best


def main(args):
    X, Y, source = load_data(args.n, args.random)
    print(f"{args.n} examples of {source}; numpy {np.__version__}; BLAS threads "
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}; OPENBLAS_CORETYPE="
          f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}; min of {args.repeats} epochs")
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    print(f"{args.clock} time per {args.n}-example epoch (ms)")
    head = (f"{'network':>11} {'m-hat':>5} | {'engine':>7} {'update':>7} {'ref':>7} "
            f"{'per-ex':>7} {'naive':>7} | {'eng/ref':>7} {'upd/eng':>7} {'per/eng':>7} "
            f"{'nai/ref':>7}")
    print(head)
    print("-" * len(head))
    for hidden in args.hidden:
        for b in args.batch:
            t = time_config(X, Y, hidden, b, args.repeats, args.methods, clock)
            ms = {k: 1e3 * v for k, v in t.items()}
            print(f"{f'784-{hidden}-10':>11} {b:>5} | {ms['engine']:7.1f} {ms['update']:7.1f} "
                  f"{ms['reference']:7.1f} {ms['per-ex.']:7.1f} {ms['naive']:7.1f} | "
                  f"{t['engine'] / t['reference']:7.2f} {t['update'] / t['engine']:7.2f} "
                  f"{t['per-ex.'] / t['engine']:7.2f} {t['naive'] / t['reference']:7.2f}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
