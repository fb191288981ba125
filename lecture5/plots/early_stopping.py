"""Figures of notebook 08: early stopping, next to L2 and the other methods of the lecture.

They draw the runs they are given (those of :func:`lecture5.experiments.early_run`), and
(:func:`filter_figure`) early stopping and L2 as two filters over the Hessian's spectrum on the
quadratic model (:mod:`lecture5.quadratic`, eq (38)).  "Weight norm" is sqrt(sum w^2) over every
weight of every layer, biases excluded (:func:`lecture5._measures.weight_norm`).  Nothing here
trains.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import _validate
from .._measures import filter_gap, layer_sizes, stopped_early, weight_norm
from ..hessian import shrink_factors
from ..quadratic import early_stopping_factors, matching_lambda
from ._render import updatable
from ._style import METHOD_COLOURS, new_figure, styled

__all__ = ["early_stopping_figure", "early_stopping_vs_l2_figure", "take_home_figure",
           "FILTER_ETA", "filter_figure"]

#: the label of every weight-norm axis: which norm it is
NORM_LABEL = "weight norm $\\sqrt{\\sum w^2}$\n(all weights, no biases)"


@styled
def early_stopping_figure(full, run, patience=5):
    """Training and validation accuracy of the ``full`` run, and where early stopping with
    ``patience`` stops (``run``) and which epoch's weights it restores.

    Both are :class:`lecture5.experiments.TrainingRun` s of the same problem and seed (notebook
    08: ``experiments.early_run(None)`` and ``experiments.early_run(patience)``); the
    early-stopped run follows the full run exactly until it stops.  Right: the weight norm per
    epoch, and that of the restored network.  Returns ``(fig, caption)``.
    """
    patience = _validate.integer("patience", patience, low=1)
    h = full.history
    epochs = np.arange(1, len(h["epoch"]) + 1)
    fig, (ax1, ax2) = new_figure(1, 2)
    ax1.plot(epochs, h["train_accuracy"], color=METHOD_COLOURS["none"], ls="--", lw=1.6,
             label="training data")
    ax1.plot(epochs, h["eval_accuracy"], color=METHOD_COLOURS["val"], label="validation data")
    best, stop = run.best_epoch, run.epochs_run
    stopped = stopped_early(run)
    k_epochs = f"{patience} epoch{'s' if patience != 1 else ''}"
    for ax in (ax1, ax2):
        if stopped:
            ax.axvspan(best, stop, color="#ffe0b2", alpha=0.6, lw=0,
                       label=f"{k_epochs} without improvement")
            ax.axvline(stop, color=METHOD_COLOURS["drop"], lw=2,
                       label=f"stopped after epoch {stop}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax1.plot([best], [run.eval_accuracy], marker="*", ms=17, color=METHOD_COLOURS["prox"],
             ls="none", zorder=5, label=f"restored: epoch {best}, {run.eval_accuracy:.3f}")
    lo = min(h["eval_accuracy"][2:]) - 0.03
    ax1.set(xlabel="epoch", ylabel="accuracy", ylim=(lo, 1.005),
            title="accuracy during training")
    ax1.legend(loc="center right", bbox_to_anchor=(1.0, 0.58), fontsize="small")
    restored_norm = weight_norm(run.weights)
    ax2.plot(epochs, h["weight_norm"], color=METHOD_COLOURS["none"], label="full run")
    ax2.plot([best], [restored_norm], marker="*", ms=17, color=METHOD_COLOURS["prox"], ls="none",
             zorder=5, label=f"restored network: {restored_norm:.1f}")
    ax2.set(xlabel="epoch", ylabel=NORM_LABEL, ylim=(0, None),
            title="the weights keep growing")
    ax2.legend(loc="lower right", fontsize="small")
    fig.suptitle(f"early stopping with patience k = {patience} (1,000 training digits)",
                 fontsize="medium")
    if stopped:
        what = (f"stopped after epoch {stop} ({k_epochs} without improvement), restored "
                f"the weights of epoch {best}")
    else:
        what = f"never {k_epochs} without improvement: ran all {stop} epochs"
    caption = (f"patience k = {patience}: {what}; validation accuracy {run.eval_accuracy:.3f} "
               f"(best of the run {max(run.history['eval_accuracy']):.3f}); test accuracy "
               f"{run.test_accuracy:.3f} vs {full.test_accuracy:.3f} after {len(epochs)} "
               f"epochs; weight norm {restored_norm:.1f} vs {h['weight_norm'][-1]:.1f}")
    return fig, caption


@styled
def early_stopping_vs_l2_figure(full, l2, es, lmbda=1.0, patience=5):
    """Early stopping as an implicit regularizer, next to L2: validation accuracy and weight norm
    per epoch without regularization (``full``), with L2 (eq (28), ``lmbda``: ``l2``), and the
    network that early stopping (``patience``) restores from the unregularized run (``es``).

    The three are :class:`lecture5.experiments.TrainingRun` s of the same problem and seed
    (notebook 08: ``experiments.early_run(None)``, ``early_run(None, lmbda=lmbda,
    penalty="l2")``, ``early_run(patience)``).  Returns ``(fig, caption)``."""
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    epochs = np.arange(1, len(full.history["epoch"]) + 1)
    es_norm = weight_norm(es.weights)
    fig, (ax1, ax2) = new_figure(1, 2)
    for r, name, color in ((full, "no regularization", METHOD_COLOURS["none"]),
                           (l2, f"L2, λ = {lmbda:.3g}", METHOD_COLOURS["l2"])):
        ax1.plot(epochs, r.history["eval_accuracy"], color=color, label=name)
        ax2.plot(epochs, r.history["weight_norm"], color=color, label=name)
    ax1.plot([es.best_epoch], [es.eval_accuracy], marker="*", ms=17, color=METHOD_COLOURS["prox"],
             ls="none", label=f"early stopping (k = {patience})")
    ax2.plot([es.best_epoch], [es_norm], marker="*", ms=17, color=METHOD_COLOURS["prox"], ls="none",
             label=f"early stopping (k = {patience})")
    ax1.set(xlabel="epoch", ylabel="validation accuracy", title="validation accuracy",
            ylim=(min(full.history["eval_accuracy"][2:] + l2.history["eval_accuracy"][2:])
                  - 0.02, None))
    ax2.set(xlabel="epoch", ylabel=NORM_LABEL, ylim=(0, None),
            title="weight norm")
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="lower right", fontsize="small")
    fig.suptitle("two ways to keep the weights small: stop early, or penalise them (L2)",
                 fontsize="medium")
    caption = (f"weight norm: {full.history['weight_norm'][-1]:.1f} without regularization, "
               f"{l2.history['weight_norm'][-1]:.1f} with L2 (λ = {lmbda:.3g}), "
               f"{es_norm:.1f} early-stopped at epoch {es.best_epoch}; test accuracy "
               f"{full.test_accuracy:.3f}, {l2.test_accuracy:.3f}, {es.test_accuracy:.3f}")
    return fig, caption


@styled
def take_home_figure(runs):
    """Every method of the lecture on the same 1,000 digits: training and test accuracy, and the
    size of the weights, of the network each one ends with.  ``runs`` maps labels to
    :class:`lecture5.experiments.TrainingRun` s of one problem (notebook 08:
    ``experiments.early_run(**kw)`` for every ``kw`` of ``experiments.TAKE_HOME_METHODS``).
    Returns ``(fig, caption)``."""
    if not isinstance(runs, Mapping):
        raise TypeError(f"runs must be a dict {{label: run}} (experiments.early_run), got "
                        f"{type(runs).__name__}")
    runs = dict(runs)
    if not runs:
        raise ValueError("runs must hold at least one method's run, got none")
    names = list(runs)
    x = np.arange(len(names))
    # training accuracy of the final network: of the restored epoch after early stopping
    train = [runs[n].history["train_accuracy"][
        (runs[n].best_epoch if stopped_early(runs[n]) else runs[n].epochs_run) - 1]
        for n in names]
    test = [runs[n].test_accuracy for n in names]
    norms = [weight_norm(runs[n].weights) for n in names]
    fig, (ax1, ax2) = new_figure(1, 2)
    ax1.bar(x - 0.2, train, 0.4, color=METHOD_COLOURS["grey"], label="training digits")
    ax1.bar(x + 0.2, test, 0.4, color=METHOD_COLOURS["val"], label="test digits")
    bottom = min(0.8, min(train + test) - 0.03)  # every bar's top, and its label, inside the axes
    for xi, t in zip(x, test):
        ax1.text(xi + 0.2, t + 0.004, f"{t:.3f}", ha="center", va="bottom", fontsize="x-small")
    ax1.set(ylabel="accuracy", ylim=(bottom, 1.03), title="accuracy of the final network")
    ax1.legend(loc="upper right", fontsize="small", ncol=2)
    colors = [METHOD_COLOURS[k] for k in ("none", "l2", "l1", "drop", "prox")]
    ax2.bar(x, norms, 0.6, color=[colors[i % len(colors)] for i in range(len(names))])
    ax2.set(ylabel=NORM_LABEL, title="size of its weights")
    for ax in (ax1, ax2):
        ax.set_xticks(x, names, fontsize="small")
        ax.grid(axis="x", visible=False)
    sizes = layer_sizes(runs[names[0]].weights)
    fig.suptitle(f"1,000 training digits, {sizes}: the same problem, {len(names)} ways to train",
                 fontsize="medium")
    caption = ("weight norm = sqrt of the sum of squares of all weights (biases excluded); "
               + "; ".join(f"{n.replace(chr(10), ' ')}: test {t:.3f}, weight norm {w:.1f}"
                           for n, t, w in zip(names, test, norms)))
    return fig, caption


#: the step size of :func:`filter_figure` (eigenvalues up to 1 / FILTER_ETA are drawn)
FILTER_ETA = 0.1


@styled
def filter_figure(tau=20, lmbda=None, eta=FILTER_ETA, eigenvalues=(0.25, 2.0)):
    """Early stopping and L2 as two filters over the spectrum of H (the quadratic model (31)).

    Left: along the eigenvector of eigenvalue D, tau steps of gradient descent (step ``eta``)
    from w = 0 keep 1 - (1 - eta D)^tau of w* (:func:`lecture5.quadratic.early_stopping_factors`),
    L2 keeps D / (D + lambda), eq (38) (:func:`lecture5.hessian.shrink_factors`), for D from
    1e-4 / eta to 1 / eta.  ``lmbda=None`` uses the matching 1 / (eta tau)
    (:func:`lecture5.quadratic.matching_lambda`); when lambda differs from it, L2 at the matching
    lambda is drawn thin.  Dots mark ``eigenvalues`` (default: notebook 05's Hessian).  Right: the
    difference, early stopping minus L2, and where it is largest
    (:func:`lecture5._measures.filter_gap`).  Returns ``(fig, caption)``.
    """
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    marks = np.asarray(eigenvalues, dtype=float)
    D = np.logspace(-4, 0, 400) / eta
    es_c, l2_c = METHOD_COLOURS["prox"], METHOD_COLOURS["l2"]
    fig, (ax1, ax2) = new_figure(1, 2)
    # labels without numbers (tau and lambda are in the titles): legends that stay as they are
    (es_line,) = ax1.plot(D, D, color=es_c, label="early stopping: $1-(1-\\eta D)^\\tau$")
    (l2_line,) = ax1.plot(D, D, color=l2_c, label="L2 (38): $D/(D+\\lambda)$")
    (gap_line,) = ax2.plot(D, D, color=METHOD_COLOURS["none"], label="with this λ")
    # L2 at the matching lambda, drawn thin when lambda is another
    (l2_matched,) = ax1.plot(D, D, color=l2_c, lw=1, ls=":", label="L2 at λ = 1/(ητ)")
    (gap_matched,) = ax2.plot(D, D, color=l2_c, lw=1, ls=":", label="with λ = 1/(ητ)")
    dots = []
    if marks.size:
        dots = [ax1.plot(marks, marks, "o", color=es_c, ms=8)[0],
                ax1.plot(marks, marks, "o", color=l2_c, ms=8,
                         label="eigenvalues of notebook 05's H")[0]]
    edge = ax1.axvline(D[0], color=METHOD_COLOURS["grey"], ls="--", lw=1.2)
    ax1.set(xscale="log", xlabel="eigenvalue $D_{ii}$ of H", ylim=(-0.02, 1.05),
            ylabel="fraction of $w^*_i$ kept")
    (star,) = ax2.plot([D[0]], [0.0], "*", ms=14, color=METHOD_COLOURS["drop"],
                       label="largest difference")
    ax2.axhline(0.0, color=METHOD_COLOURS["grey"], lw=1)
    ax2.set(xscale="log", xlabel="eigenvalue $D_{ii}$ of H", ylim=(-1.02, 1.02),
            ylabel="early stopping − L2")
    keep = object()  # a value not given to show stays as shown
    shown = {}

    def show(tau=keep, lmbda=keep):
        """Draw both filters for ``tau`` steps and L2 with ``lmbda`` (None: 1 / (eta tau)): the
        caption, or None when the line D = 1/(eta tau) would need other x limits."""
        tau = _validate.integer("tau", shown["tau"] if tau is keep else tau, low=1)
        lmbda = shown["lmbda"] if lmbda is keep else lmbda
        matched = matching_lambda(eta, tau)
        lmbda = matched if lmbda is None else _validate.number("lmbda", lmbda, low=0.0,
                                                               low_open=True)
        inside = D[0] <= 1.0 / (eta * tau) <= D[-1]  # else the line widens the x limits
        if shown and not (inside and shown["inside"]):
            return None
        shown.update(tau=tau, lmbda=lmbda, inside=inside)
        es = early_stopping_factors(D, eta, tau)
        l2 = shrink_factors(D, lmbda)
        gap, d_gap, _ = filter_gap(eta, tau, lmbda)
        gap_m, d_gap_m, _ = filter_gap(eta, tau)
        is_matched = bool(np.isclose(lmbda, matched, rtol=1e-9))
        es_line.set_ydata(es)
        l2_line.set_ydata(l2)
        gap_line.set_ydata(es - l2)
        l2_m = shrink_factors(D, matched)
        for line, y in ((l2_matched, l2_m), (gap_matched, es - l2_m)):
            line.set(ydata=y, visible=not is_matched,
                     label=("_" if is_matched else "") + line.get_label().lstrip("_"))
        if dots:
            dots[0].set_ydata(early_stopping_factors(marks, eta, tau))
            dots[1].set_ydata(shrink_factors(marks, lmbda))
        edge.set_xdata([1.0 / (eta * tau)] * 2)
        star.set_data([d_gap], [gap])
        ax1.set_title(f"what each keeps (η = {eta:g})\n"
                      f"τ = {tau}, λ = {lmbda:.3g}; 1/(ητ) = {matched:.3g}")
        ax2.set_title(f"the difference of the two filters\nlargest {gap:+.3f} at D = {d_gap:.3g}")
        # the legends change only when the matching lambda's lines appear or go: made afresh
        if shown.get("matched") != is_matched:
            shown["matched"] = is_matched
            changing = getattr(fig, "lecture5_changing", [])
            for ax, loc in ((ax1, "upper left"), (ax2, "lower left")):
                old = ax.get_legend()
                new = ax.legend(loc=loc, fontsize="x-small")
                if old in changing:
                    changing[changing.index(old)] = new
        return (f"τ = {tau} steps of η = {eta:g}, L2 with λ = {lmbda:.3g}: largest difference "
                f"{gap:+.3f} at D = {d_gap:.3g}; at the matching λ = 1/(ητ) = {matched:.3g} it "
                f"is {gap_m:+.3f} at D = {d_gap_m:.3g} (dashed line: D = 1/(ητ))")

    caption = show(tau, lmbda)
    for ax in (ax1, ax2):  # autoscaled to what is drawn now, then fixed: a change moves none
        ax.relim()
        ax.set_xlim(ax.get_xlim())
    frame = [sp for ax in (ax1, ax2) for sp in ax.spines.values() if sp.get_visible()]
    changing = [es_line, l2_line, gap_line, l2_matched, gap_matched, *dots, edge, star,
                ax1.get_legend(), ax2.get_legend(), ax1.title, ax2.title, *frame]
    return updatable(fig, show, changing), caption
