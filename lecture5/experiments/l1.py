"""Notebook 06 (L1 and sparsity): the small L1/L2 problem, the weight paths of the sgn(w) step (41)
against the soft threshold, which weights L1 zeroes (blank pixels apart), L1 against L2 at matched
accuracy."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from .. import _validate
from ._core import (
    TrainingRun,
    _training_digits,
    make_trainer,
    seed_range,
    training_run,
    weight_norm,
)

__all__ = ["L1_PROBLEM", "l1_l2_run", "zero_fraction", "WeightPaths", "l1_weight_paths",
           "blank_pixels", "L1Sparsity", "l1_sparsity", "l1_l2_table", "closest_accuracy"]


#: the small problem of notebook 06: a [784, 10] network (ten sigmoid "logistic regressions"),
#: 500 training digits, 10 epochs
L1_PROBLEM = {"sizes": (784, 10), "n_train": 500, "epochs": 10, "eta": 0.5, "n_test": 1000}


def l1_l2_run(penalty, lmbda, **settings) -> TrainingRun:
    """The run of notebook 06's small problem (:data:`L1_PROBLEM`) with ``penalty`` and lambda."""
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    return training_run(lmbda=lmbda, penalty=penalty, **kw)


def zero_fraction(weights):
    total = sum(w.size for w in weights)
    return sum(int(np.count_nonzero(w == 0)) for w in weights) / total


class WeightPaths(NamedTuple):
    """Weight trajectories of :func:`l1_weight_paths`: ``paths[p]`` has shape (steps + 1, k)."""

    steps: np.ndarray
    paths: dict
    indices: np.ndarray
    step_size: float
    zero_fraction: dict


def l1_weight_paths(lmbda=3.0, k=4, **settings) -> WeightPaths:
    """Train the small problem twice, with the sgn(w) step (41) and with the soft threshold, and
    follow ``k`` weights of w^2 step by step.

    Both runs use the same seed, hence the same mini-batches: they differ only in the L1 step.
    The weights shown are ones that the soft-threshold run sets to exactly zero by the end (plus
    one that survives), among pixels that are not always blank.  ``step_size`` is eta lambda / n.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0, low_open=True)
    k = _validate.integer("k", k, low=2, high=8)
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    return _l1_weight_paths(lmbda, k, tuple(kw["sizes"]), kw["n_train"], kw["epochs"],
                            float(kw["eta"]), kw.get("seed", 0))


@functools.lru_cache(maxsize=8)
def _l1_weight_paths(lmbda, k, sizes, n_train, epochs, eta, seed):
    data = _training_digits(n_train, seed)
    # candidate weights: into output neurons 0..9 from pixels that some training digit uses
    used = np.flatnonzero(data.X_train.max(axis=1) > 0.5)
    rng = np.random.default_rng(seed)
    cand = np.sort(rng.choice(sizes[1] * used.size, size=min(300, sizes[1] * used.size),
                              replace=False))
    rows_, cols_ = np.divmod(cand, used.size)
    flat_idx = rows_ * sizes[0] + used[cols_]
    paths, zero = {}, {}
    for p in ("l1", "l1_prox"):
        trainer = make_trainer(data, sizes, eta=eta, lmbda=lmbda, penalty=p, evaluate=None,
                               monitor=False, seed=seed)
        net = trainer.net
        total = epochs * trainer.batches_per_epoch
        rec = np.empty((total + 1, flat_idx.size))
        rec[0] = net.weights[0].ravel()[flat_idx]
        for s in range(total):
            trainer.step()
            rec[s + 1] = net.weights[0].ravel()[flat_idx]
        paths[p] = rec
        zero[p] = zero_fraction(net.weights)
    prox = paths["l1_prox"]
    start = np.abs(prox[0])
    # weights the soft threshold holds at exactly 0 for most of the last 40 steps, the largest at
    # the start first; plus one that L1 keeps (a final size near 0.15, to share the axes)
    held = np.mean(prox[-40:] == 0, axis=0)
    zeroed = np.flatnonzero(held >= 0.9)
    zeroed = zeroed[np.argsort(-start[zeroed], kind="stable")][: k - 1]
    alive = np.flatnonzero(prox[-1] != 0)
    survivor = alive[np.argmin(np.abs(np.abs(prox[-1, alive]) - 0.15))]
    pick = np.concatenate([zeroed, [survivor]])
    n = data.X_train.shape[1]
    out_paths = {p: v[:, pick].copy() for p, v in paths.items()}
    return WeightPaths(np.arange(paths["l1"].shape[0]), out_paths, flat_idx[pick],
                       eta * lmbda / n, zero)


def blank_pixels(X):
    """Indices of the rows (pixels) of ``X`` (784, n) that are 0 in every column (every digit)."""
    X = _validate.as_matrix("X", X)
    return np.flatnonzero(~np.any(X != 0, axis=1))


class L1Sparsity(NamedTuple):
    """:func:`l1_sparsity`: where the exact zeros of a trained [784, 10] network are.

    ``blank``: pixels that are 0 in every training digit of the run (their weights get no data
    gradient at all); ``zeros_blank`` / ``zeros_informative``: weights exactly 0 from those pixels
    / from the other pixels, over all 10 output neurons; ``informative``: the number of weights
    from the other pixels (10 per pixel).  ``l1_norm`` = sum |w|, ``l2_norm`` = sqrt(sum w^2).
    """

    penalty: str
    lmbda: float
    seed: int
    blank: int
    zeros_blank: int
    zeros_informative: int
    informative: int
    test_accuracy: float
    l1_norm: float
    l2_norm: float


def l1_sparsity(penalty, lmbda, seed=0, **settings) -> L1Sparsity:
    """Count the exact zeros of the run :func:`l1_l2_run` (penalty, lambda, seed), blank pixels
    apart.  The blank pixels are those of the same training digits the run trained on."""
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    run = l1_l2_run(penalty, lmbda, seed=seed, **settings)
    X = _training_digits(kw["n_train"], seed).X_train
    blank = blank_pixels(X)
    w = run.weights[0]
    is_blank = np.zeros(w.shape[1], dtype=bool)
    is_blank[blank] = True
    zero = w == 0
    return L1Sparsity(penalty, float(lmbda), seed, int(blank.size),
                      int(zero[:, is_blank].sum()), int(zero[:, ~is_blank].sum()),
                      int(w[:, ~is_blank].size), run.test_accuracy,
                      float(np.abs(w).sum()), weight_norm([w]))


def l1_l2_table(l1_lambdas=(0.1, 1.0, 3.0), l2_lambdas=(0.1, 1.0, 10.0), seeds=(0, 1, 2),
                **settings):
    """:func:`l1_sparsity` for each penalty, lambda and seed: ``(rows, text)``.

    ``rows`` is a list of lists of :class:`L1Sparsity` (one list per penalty and lambda, one entry
    per seed); ``text`` a table of the ranges over the seeds: test accuracy, zeros among the
    informative weights, zeros among the blank pixels' weights, sum |w| and sqrt(sum w^2).
    """
    rows = [[l1_sparsity(p, lam, s, **settings) for s in seeds]
            for p, lams in (("l1_prox", l1_lambdas), ("l2", l2_lambdas)) for lam in lams]
    lines = ["penalty  lambda | test accuracy | informative weights = 0 | blank-pixel weights = 0"
             " |  sum |w|  | sqrt(sum w^2)"]
    for r in rows:
        name = "L1" if r[0].penalty == "l1_prox" else "L2"
        lines.append(
            f"{name:7s} {r[0].lmbda:6g} | {seed_range([x.test_accuracy for x in r]):>13s} | "
            f"{seed_range([x.zeros_informative / x.informative for x in r], '{:.1%}'):>23s} | "
            f"{seed_range([x.zeros_blank / max(1, 10 * x.blank) for x in r], '{:.1%}'):>23s} | "
            f"{seed_range([x.l1_norm for x in r], '{:.0f}'):>9s} | "
            f"{seed_range([x.l2_norm for x in r], '{:.1f}'):>12s}")
    return rows, "\n".join(lines)


def closest_accuracy(rows, a, candidates):
    """The index among ``candidates`` (indices into ``rows`` of :func:`l1_l2_table`) whose mean
    test accuracy over the seeds is closest to that of ``rows[a]``: "matched accuracy"."""
    def mean(i):
        return float(np.mean([x.test_accuracy for x in rows[i]]))

    candidates = list(candidates)
    if not candidates:
        raise ValueError("candidates must name at least one row")
    return min(candidates, key=lambda i: abs(mean(i) - mean(a)))
