"""Figures of notebook 04: gradient descent on a 2-D quadratic (eq (31)) and the per-epoch curves
of mini-batch SGD runs (eqs (27)/(28)).

The 2-D pictures use the slides' flat weight vector w = (w_1, w_2) and the quadratic model of
:mod:`lecture5.hessian`; the training curves draw the per-epoch histories that
:mod:`lecture5.experiments` (or a widget calling it) produced.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .. import _validate, hessian
from . import draw
from ._render import updatable
from ._style import (
    FIGSIZE,
    GREY_800,
    REGIME_COLOURS,
    RUN_COLOURS,
    app_projection,
    new_figure,
    styled,
)

__all__ = [
    "GD_EIGENVALUES", "GD_ANGLE", "GD_W_STAR", "GD_W0", "GD_STEPS", "GD_ETA_RANGE",
    "gd_quadratic", "gd_regimes", "training_curves",
]


#: notebook 04's 2-D quadratic cost: eigenvalues of H, angle of its first eigenvector, the
#: minimum w*, the start w_0 and the number of gradient-descent steps
GD_EIGENVALUES = (5.0, 1.0)
GD_ANGLE = 30.0
GD_W_STAR = (1.0, 0.5)
GD_W0 = (-1.6, 2.0)
GD_STEPS = 30
GD_ETA_RANGE = (1e-3, 1.0)

_COST_FLOOR, _COST_CEILING = 1e-12, 1e4  # y-range of the cost-per-step panel





def _gd_view(w_star, w0):
    """A square box around w* that holds the start w_0 with a margin: (centre, half-width)."""
    centre = np.asarray(w_star, dtype=float)
    half = 1.25 * float(np.abs(np.asarray(w0, dtype=float) - centre).max())
    return centre, max(half, 1e-6)


def _gd_run(eta, eigenvalues, angle_degrees, w_star, w0, steps):
    """Everything a gradient-descent figure needs, from lecture5.hessian."""
    H, _Q, D = hessian.hessian_2d(eigenvalues, angle_degrees)
    path = hessian.gradient_descent(H, w_star, w0, eta, steps)
    regime = hessian.step_regime(eta, D)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging path overflows on purpose
        costs = hessian.quadratic_cost(path.T, H, np.asarray(w_star, dtype=float))
    centre, half = _gd_view(w_star, w0)
    finite = np.isfinite(path).all(axis=1)
    with np.errstate(invalid="ignore"):
        inside = finite & (np.abs(path - centre).max(axis=1) <= half)
    left = int(np.argmin(inside)) if not inside.all() else None  # first step outside the box
    return dict(H=H, D=D, path=path, regime=regime, costs=costs, centre=centre, half=half,
                left_at=left, finite=finite)


def _factors_text(eta, D):
    """The signed per-step factors 1 - eta D_ii of the steepest and the flattest direction."""
    steep, flat = 1.0 - eta * float(np.max(D)), 1.0 - eta * float(np.min(D))
    flips = " (flips sign)" if steep < 0 else ""
    return f"per step: steep × {steep:+.2f}{flips}, flat × {flat:+.2f}"


def _gd_caption(eta, run, steps):
    th = hessian.step_thresholds(run["D"])
    final = float(run["costs"][-1])
    text = (f"η = {eta:.3g} | 2/D_max = {th.diverging_above:.3g} | regime: {run['regime']} | "
            f"{_factors_text(eta, run['D'])} | ")
    if run["regime"] == "diverging":
        growth = abs(1.0 - eta * float(run["D"].max()))
        text += f"each step multiplies the steep component by |1 − η D_max| = {growth:.2f} > 1"
        if run["left_at"] is not None:
            text += f"; the path left the picture at step {run['left_at']}"
        if not math.isfinite(final):
            return text + f"; C overflowed before step {steps}"
        return text + f"; C(w_{steps}) − C(w*) = {final:.2e}"
    return text + f"C(w_{steps}) − C(w*) = {final:.2e} after {steps} steps"


@styled
def gd_quadratic(eta, eigenvalues=GD_EIGENVALUES, angle_degrees=GD_ANGLE, w_star=GD_W_STAR,
                 w0=GD_W0, steps=GD_STEPS, eta_range=GD_ETA_RANGE):
    """Gradient descent w <- w - eta grad C on the 2-D quadratic C(w) of eq (31).

    Left: contours of C and the path from ``w0`` (coloured by the regime of
    :func:`lecture5.hessian.step_regime`; a diverging path is cut where it leaves the picture).
    Right: C(w_t) - C(w*) per step on a log scale.  Bottom: where eta sits among the regimes, with
    2/D_max marked.  H = Q D Q^T is built from ``eigenvalues`` and ``angle_degrees`` (eq (35)).
    Never raises for a large eta and emits no overflow warning.
    """
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    lo, hi = (_validate.number("eta_range", v, low=0.0, low_open=True) for v in eta_range)
    if not lo < hi:
        raise ValueError(f"eta_range must be (low, high) with low < high, got {eta_range}")
    # in an app on a projector the figure is short: the legend of the path goes beside the
    # (small, square) path panel instead of covering it
    wide = app_projection()
    fig, axes = new_figure(2, 2, figsize=(FIGSIZE[0], 5.8),
                           gridspec_kw=dict(height_ratios=[5.0, 0.7], left=0.07, right=0.98,
                                            bottom=0.1, top=0.94, wspace=0.25,
                                            hspace=0.1 if wide else 0.38))
    fig.set_layout_engine("none")  # the fixed margins above: cheaper to redraw
    draw.layout_once(fig)  # projection mode lays it out: frames and saves keep that layout
    gs = axes[1, 0].get_gridspec()
    axes[1, 0].remove()
    axes[1, 1].remove()
    ax_path, ax_cost = axes[0]
    ax_eta = fig.add_subplot(gs[1, :])
    run = _gd_run(eta, eigenvalues, angle_degrees, w_star, w0, steps)
    path, note = draw.gd_path(ax_path, run, w_star, w0, legend=not wide)
    if wide:
        ax_path.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    (cost,) = ax_cost.semilogy([], [], "-o", ms=3.5)
    ax_cost.set_ylim(_COST_FLOOR, _COST_CEILING)
    ax_cost.set_yticks([1e-12, 1e-8, 1e-4, 1.0, 1e4], ["1e-12", "1e-8", "1e-4", "1", "1e4"])
    ax_cost.minorticks_off()
    ax_cost.set_xlim(0, steps)
    ax_cost.set_xlabel("step t")
    ax_cost.set_ylabel("C(wₜ) − C(w*)")
    ax_cost.set_title("cost after each step")
    bar = draw.eta_strip(ax_eta, eta, run["D"], (lo, hi))

    def show(eta):
        """Redraw what depends on eta (the path, its cost, the title, the bar): the caption."""
        eta = _validate.number("eta", eta, low=0.0, low_open=True)
        run = _gd_run(eta, eigenvalues, angle_degrees, w_star, w0, steps)
        draw.set_gd_path(path, note, run)
        colour = REGIME_COLOURS[run["regime"]]
        ax_path.set_title(f"η = {eta:.3g}: {run['regime']}", color=colour)
        costs = run["costs"]
        t = np.arange(len(costs))
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(costs) & (costs > 0) & (costs < 1e200)
        cost.set_data(t[ok], costs[ok])
        cost.set_color(colour)
        bar.set_xdata([min(max(eta, lo), hi)] * 2)
        marker.set_offsets([[min(max(eta, lo), hi), 1.0]])
        return _gd_caption(eta, run, len(costs) - 1)

    marker = next(c for c in ax_eta.collections if c.get_label() == "_eta")
    caption = show(eta)
    return updatable(fig, show, (path, note, ax_path.title, cost, bar, marker)), caption


@styled
def gd_regimes(etas=None, eigenvalues=GD_EIGENVALUES,
               angle_degrees=GD_ANGLE, w_star=GD_W_STAR, w0=GD_W0, steps=GD_STEPS):
    """Four gradient-descent paths on the same quadratic, one per learning rate (a 2x2 grid).

    ``etas`` defaults to (0.05, 0.15, 2 / (D_max + D_min), 0.42): with the default eigenvalues
    the panels are slow, good, the best fixed step (:func:`lecture5.quadratic.optimal_step`,
    in the band :func:`lecture5.hessian.step_regime` calls oscillating) and diverging.  Each
    title gives the regime of the steepest direction and the signed factors 1 - eta D_ii of the
    steepest and the flattest direction per step.  Returns a Figure.
    """
    D = np.asarray(eigenvalues, dtype=float)
    best = 2.0 / (float(D.max()) + float(D.min())) if D.min() > 0 else None
    if etas is None:
        etas = (0.05, 0.15, best, 0.42)
    etas = [_validate.number(f"etas[{i}]", e, low=0.0, low_open=True) for i, e in enumerate(etas)]
    if len(etas) != 4:
        raise ValueError(f"etas must hold 4 learning rates (one per panel), got {len(etas)}")
    fig, axes = new_figure(2, 2, figsize=(FIGSIZE[0], 8.2))
    for ax, eta in zip(axes.ravel(), etas):
        run = _gd_run(eta, eigenvalues, angle_degrees, w_star, w0, steps)
        draw.gd_path(ax, run, w_star, w0, legend=False)
        final = float(run["costs"][-1])
        after = f"C − C* = {final:.1e}" if math.isfinite(final) else "C overflowed"
        name = run["regime"]
        if best is not None and math.isclose(eta, best, rel_tol=1e-9):
            name = f"{name}, best fixed step"
        ax.set_title(f"η = {eta:.3g}: {name} ({after})\n{_factors_text(eta, run['D'])}",
                     fontsize=11, color=REGIME_COLOURS[run["regime"]])
    th = hessian.step_thresholds(np.asarray(eigenvalues, dtype=float))
    fig.suptitle(f"{steps} steps of gradient descent from the black square; "
                 f"2/D_max = {th.diverging_above:.3g}")
    return fig


_PANEL_TITLES = {
    "train_cost": "training cost C₀ (log scale)",
    "cost": "cost C₀ (log scale)",
    "accuracy": "accuracy (%)",
    "weight_norm": "weight norm ‖w‖",
}


def _check_histories(histories):
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict {label: history}, got "
                        f"{type(histories).__name__}")
    for label, h in histories.items():
        if not isinstance(h, dict) or "epoch" not in h:
            raise TypeError(f"histories[{label!r}] must be a training history dict (per-epoch "
                            "lists)")


def _run_summary(label, h, eval_label="test"):
    if not h["epoch"]:
        return f"{label}: no epoch completed"
    n = h["epoch"][-1]
    parts = [f"training cost {h['train_cost'][-1]:.3g}"]
    if math.isfinite(h["train_accuracy"][-1]):
        parts.append(f"training accuracy {h['train_accuracy'][-1]:.1%}")
    if math.isfinite(h["eval_accuracy"][-1]):
        parts.append(f"{eval_label} accuracy {h['eval_accuracy'][-1]:.1%}")
    parts.append(f"‖w‖ {h['weight_norm'][-1]:.3g}")
    return f"{label}: " + ", ".join(parts) + f" after {n} epochs"


def _accuracy_limits(histories, accuracy_range):
    """The accuracy panel's y-range: ``accuracy_range``, or ("data") the plotted accuracies in %
    with a margin, rounded out to whole percent and clipped to [0, 100]."""
    if not isinstance(accuracy_range, str):
        return tuple(float(v) for v in accuracy_range)
    values = np.concatenate([100 * np.asarray(h[k], dtype=float) for h in histories.values()
                             for k in ("train_accuracy", "eval_accuracy")] + [np.empty(0)])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 100.0
    lo, hi = float(values.min()), float(values.max())
    pad = max(1.0, 0.08 * (hi - lo))
    return max(0.0, math.floor(lo - pad)), min(100.0, math.ceil(hi + pad))


@styled
def training_curves(histories, panels=("train_cost", "accuracy"), note="", cost_range=None,
                    title=None, baseline=None, eval_label="test", accuracy_range=(0.0, 100.0)):
    """Per-epoch curves of one or more training runs: ``(fig, caption)``.

    ``histories`` maps a label (e.g. "η = 0.5") to a training history (per-epoch lists, as
    :func:`lecture5.experiments.train_all` returns them).
    ``panels`` is a sequence of "train_cost" (training C_0, log scale), "cost" (training and test
    C_0), "accuracy" (training dashed, test solid, in %) and "weight_norm" (sqrt(sum_w w^2)).
    ``cost_range`` fixes the y-range of the cost panels (useful while a slider moves); ``note``
    (e.g. a divergence message) is appended to the caption; ``baseline`` (the training cost of the
    untrained network) is drawn as a dotted line in the cost panels.  ``eval_label`` names the
    per-epoch evaluation set in the legend and caption ("test", or "validation" when the runs
    were evaluated on held-out training digits).  ``accuracy_range`` is the y-range of the
    accuracy panel in %, or "data" to zoom to the plotted accuracies (a few points of difference
    stay visible).
    """
    if not isinstance(eval_label, str) or not eval_label:
        raise TypeError(f"eval_label must be a non-empty string, got {eval_label!r}")
    if not (isinstance(accuracy_range, str) and accuracy_range == "data"):
        lo, hi = (_validate.number("accuracy_range", v) for v in accuracy_range)
        if not lo < hi:
            raise ValueError(f"accuracy_range must be (low, high) with low < high, or 'data', "
                             f"got {accuracy_range}")
    _check_histories(histories)
    panels = tuple(panels)
    for p in panels:
        _validate.choice("panels", p, tuple(_PANEL_TITLES))
    if not 1 <= len(panels) <= 3:
        raise ValueError(f"panels must name 1 to 3 panels, got {len(panels)}")
    width = {1: 7.0, 2: FIGSIZE[0], 3: 9.0}[len(panels)]  # fits the output area unscaled
    fig, axes = new_figure(1, len(panels), figsize=(width, 4.6))
    axes = np.atleast_1d(axes)
    max_epoch = 1
    for i, (label, h) in enumerate(histories.items()):
        colour = RUN_COLOURS[i % len(RUN_COLOURS)]
        e = np.asarray(h["epoch"], dtype=float)
        if e.size:
            max_epoch = max(max_epoch, int(e[-1]))
        for ax, p in zip(axes, panels):
            if p == "train_cost":
                ax.semilogy(e, h["train_cost"], "-o", ms=3.5, color=colour, label=label)
            elif p == "cost":
                ax.semilogy(e, h["train_cost"], "--", color=colour)
                ax.semilogy(e, h["eval_cost"], "-", color=colour, label=label)
            elif p == "accuracy":
                ax.plot(e, 100 * np.asarray(h["train_accuracy"], dtype=float), "--",
                        color=colour)
                ax.plot(e, 100 * np.asarray(h["eval_accuracy"], dtype=float), "-",
                        color=colour, label=label)
            else:
                ax.plot(e, h["weight_norm"], "-", color=colour, label=label)
    for ax, p in zip(axes, panels):
        ax.set_title(_PANEL_TITLES[p])
        ax.set_xlabel("epoch")
        ax.set_xlim(0.5, max_epoch + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        if p in ("train_cost", "cost") and baseline is not None:
            ax.axhline(_validate.number("baseline", baseline), color="black", ls=":", lw=1.5,
                       label="before training")
        if p in ("train_cost", "cost") and cost_range is not None:
            ax.set_ylim(*cost_range)
        if p in ("train_cost", "cost"):
            draw.plain_log_labels(ax)
        if p == "accuracy":
            ax.set_ylim(*_accuracy_limits(histories, accuracy_range))
    # one legend for the runs (colours); the line styles get their own legend in the first panel
    # that draws both training (dashed) and test (solid) curves
    handles = axes[0].get_legend_handles_labels()[0]
    styles = [Line2D([], [], color=GREY_800, ls="--", label="training"),
              Line2D([], [], color=GREY_800, ls="-", label=eval_label)]
    both = [ax for ax, p in zip(axes, panels) if p in ("cost", "accuracy")]
    if both and both[0] is axes[0]:
        axes[0].legend(handles=handles + styles, loc="best", fontsize=10)
    else:
        axes[0].legend(handles=handles, loc="best", fontsize=10)
        if both:
            both[0].legend(handles=styles, loc="best", fontsize=10)
    if title:
        fig.suptitle(title)
    caption = " | ".join(_run_summary(label, h, eval_label) for label, h in histories.items())
    if note:
        caption += " | " + note
    return fig, caption
