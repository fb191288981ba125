"""Exercises of notebook 08 (early stopping).

08.1 and 08.3 use the notebook's runs, ``experiments.early_run(patience)`` (cached: the first call
trains, later ones do not); 08.2 uses :func:`lecture5.hessian.gradient_descent` with its L2
term ``lmbda``.
"""

from __future__ import annotations

import numpy as np

from ..hessian import gradient_descent
from . import Derive, Implement, Predict, Wrong, register

__all__ = ["PATIENCES"]

#: the patiences compared in 08.1 (first and last) and used as cases in 08.3
PATIENCES = (1, 2, 3, 4, 5)


def _run(patience):
    from .. import experiments  # the notebook's runs (imported here: it trains on first use)

    return experiments.early_run(patience)


def _restored_epoch_order():
    small, large = _run(PATIENCES[0]).best_epoch, _run(PATIENCES[-1]).best_epoch
    return "the same" if small == large else ("earlier" if small < large else "later")


def _show_runs():
    lines = ["patience k   restored epoch   stopped after epoch   validation accuracy"]
    for k in PATIENCES:
        r = _run(k)
        lines.append(f"{k:10d}   {r.best_epoch:14d}   {r.epochs_run:19d}   {r.eval_accuracy:.3f}")
    return "\n".join(lines)


register(Predict(
    key="08.1",
    task="predict whether patience k = 1 restores an earlier, the same or a later epoch than k = 5",
    choices=("earlier", "the same", "later"), truth=_restored_epoch_order, show=_show_runs,
    hint="the restored epoch is the best one *seen before stopping*.",
    wrong=(Wrong("the same", "early stopping restores the best epoch seen so far: with k = 1 the "
                             "first epoch without improvement ends the run, before later, better "
                             "epochs are reached"),
           Wrong("later", "a smaller patience can only stop sooner, and it restores an epoch "
                          "before the stop")),
    why=("both runs follow the same path until the k = 1 run stops at its first "
         "epoch without improvement."),
))


def _kept(eta, D, lmbda, tau):
    """The fraction of w* that tau steps of gradient descent from 0 reach on the quadratic with
    curvature D plus the L2 penalty lmbda/2 w^2."""
    return float(gradient_descent([[D]], [1.0], [0.0], eta, int(tau), lmbda=lmbda)[-1, 0])


def _random_edlt(rng):
    return [{"eta": float(e), "D": float(d), "lmbda": float(lam), "tau": int(t)}
            for e, d, lam, t in zip(rng.uniform(0.01, 0.3, 3), rng.uniform(0.05, 2, 3),
                                    rng.uniform(0.01, 1, 3), rng.integers(1, 60, 3))]


register(Derive(
    key="08.2",
    task="derive the fraction of w*_i that tau gradient-descent steps from w = 0 reach with L2 "
         "weight decay",
    formula=_kept, given=lambda: {"eta": 0.1, "D": 0.5, "lmbda": 0.2, "tau": 20},
    samples=_random_edlt,
    hint="first find where the iteration goes (the gradient D (w - w*) + lambda w is zero "
         "there), then by which factor the distance to that point shrinks at every step.",
    wrong=(Wrong(lambda eta, D, lmbda, tau: 1 - (1 - eta * (D + lmbda)) ** tau,
                 "with the penalty the iteration goes to the L2 minimiser D/(D + lambda) w*, not "
                 "to w*: multiply by D/(D + lambda) (you forgot where it converges to)"),
           Wrong(lambda eta, D, lmbda, tau: (1 - (1 - eta * D) ** tau) * D / (D + lmbda),
                 "that multiplies early stopping's filter by L2's, as if the two acted one after "
                 "the other; but the penalty also steepens the cost: the distance shrinks by "
                 "1 - eta (D + lambda) per step, not 1 - eta D"),
           Wrong(lambda eta, D, lmbda, tau: (1 - eta * (D + lmbda)) ** tau * D / (D + lmbda),
                 "that is what is still missing of D/(D + lambda) w*; the fraction reached is "
                 "D/(D + lambda) minus it")),
    worked=lambda: ("the gradient D (w - w*) + lambda w is zero at w~ = D/(D + lambda) w* (38), "
                    "and w_t - w~ = (1 - eta (D + lambda))^t (w_0 - w~) with w_0 = 0, so "
                    "w_tau = (1 - (1 - eta (D + lambda))^tau) D/(D + lambda) w*:\n"
                    "lambda eta, D, lmbda, tau: (1 - (1 - eta * (D + lmbda)) ** tau) * D / "
                    f"(D + lmbda)\nfor eta = 0.1, D = 0.5, lambda = 0.2, tau = 20: "
                    f"{_kept(0.1, 0.5, 0.2, 20):.4f}"),
))


def _reference(patience):
    r = _run(patience)
    return r.best_epoch, r.epochs_run


def _harness(f, patience):
    accuracies = [float(a) for a in _run(None).history["eval_accuracy"]]
    out = f(accuracies, patience)
    return None if out is None else tuple(int(e) for e in out)


def _rule(accuracies, patience):
    """The rule with its two usual slips switched off (used to build the wrong answers)."""
    best, best_epoch = -np.inf, 0
    for epoch, acc in enumerate(accuracies, start=1):
        if acc > best:
            best, best_epoch = acc, epoch
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(accuracies)


register(Implement(
    key="08.3",
    task="implement the stopping rule: best epoch and stopping epoch from validation accuracies",
    signature="early_stopping(accuracies, patience) -> (best_epoch, stop_epoch)",
    reference=_reference, harness=_harness, cases=lambda rng: [(k,) for k in PATIENCES],
    hint="epochs count from 1; only a strictly better accuracy counts as an improvement; stop "
         "after `patience` epochs in a row without one.",
    wrong=(Wrong(lambda acc, k: (_rule(acc, k)[1],) * 2,
                 "the weights restored are those of the best epoch, not of the last one"),
           Wrong(lambda acc, k: _rule(acc, k + 1),
                 "off by one: stop after exactly `patience` epochs without improvement, counted "
                 "from the best epoch"),
           Wrong(lambda acc, k: tuple(e - 1 for e in _rule(acc, k)),
                 "epochs are numbered from 1 (epoch 1 is the first entry)")),
    worked=lambda: ("def early_stopping(accuracies, patience):\n"
                    "    best, best_epoch = -1.0, 0\n"
                    "    for epoch, acc in enumerate(accuracies, start=1):\n"
                    "        if acc > best:\n            best, best_epoch = acc, epoch\n"
                    "        elif epoch - best_epoch >= patience:\n"
                    "            return best_epoch, epoch\n"
                    "    return best_epoch, len(accuracies)"),
))
