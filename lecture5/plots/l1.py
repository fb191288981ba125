"""Figures of notebook 06: L1 regularization, eqs (39)-(41), against L2.

The penalty step and the eigenbasis picture are closed form; the histograms, weight images and
weight paths draw the runs they are given (those of :func:`lecture5.experiments.l1_l2_run` and
:func:`lecture5.experiments.l1_weight_paths`); nothing here trains.  Numbering: Nielsen's,
input = layer 1, so weights[0] is w^2; n is the size of the whole training set.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import _validate, hessian
from .._measures import layer_sizes
from ..regularization import apply_penalty_step, soft_threshold
from . import draw
from ._render import updatable
from ._style import (
    FIGSIZE,
    GREY_400,
    METHOD_COLOURS,
    TEAL,
    new_figure,
    styled,
)

__all__ = [
    "penalty_step_figure", "l1_l2_eigen_figure", "l1_l2_histograms", "l1_l2_weight_images",
    "l1_trajectories_figure",
]


def _w_grid(half_width, k=801):
    return np.linspace(-half_width, half_width, k)


@styled
def penalty_step_figure(lmbda=2.0, eta=0.5, n=10, w_max=1.0):
    """One penalty step (no data gradient) as a map w -> w': L2 (28), L1 (41), soft threshold.

    The step size of both penalties is eta lambda / n.  L2 multiplies w by (1 - eta lambda / n):
    it removes an amount proportional to w.  The naive L1 step (41) removes eta lambda / n sgn(w),
    a constant amount, so a weight smaller than that jumps across zero; the soft threshold stops
    at exactly 0.  All three come from :func:`lecture5.regularization.apply_penalty_step`.
    Returns ``(fig, caption)``.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    n = _validate.integer("n", n, low=1)
    w = _w_grid(_validate.number("w_max", w_max, low=0.0, low_open=True))
    fig, (ax1, ax2) = new_figure(1, 2)
    draw.layout_once(fig)  # frames and saves after an update keep this layout
    ax1.plot(w, w, color=METHOD_COLOURS["grey"], lw=1.2, ls=":", label="no penalty: w' = w")
    kinds = ("l2", "l1", "l1_prox")
    styles = [dict(color=METHOD_COLOURS[c], ls=ls) for c, ls in
              (("l2", "-"), ("l1", "-"), ("prox", "--"))]
    new_w = [ax1.plot(w, w, **st, label=lab)[0] for st, lab in
             zip(styles, ("L2 (28)", "L1, sgn(w) step (41)", "L1, soft threshold"))]
    ax1.set(xlabel="weight w before the step", ylabel="weight w' after the step",
            title="new weight after one penalty step")
    legends = [ax1.legend(loc="upper left", fontsize="small")]
    removed = [ax2.plot(w, w, **st, label=lab)[0] for st, lab in
               zip(styles, (r"L2: $\frac{\eta\lambda}{n}\,w$",
                            r"L1: $\frac{\eta\lambda}{n}\,\mathrm{sgn}(w)$", "soft threshold"))]
    zero = ax2.axhline(0, color="black", lw=0.8)
    ax2.set(xlabel="weight w before the step", ylabel="amount removed  w - w'",
            title="amount removed by one step")
    legends.append(ax2.legend(loc="upper left", fontsize="small"))
    # its y tick labels (0.5 or -0.00025: the axis scales with the step) padded to one width,
    # so that a change of lambda never needs a wider margin than the first layout gave
    ax2.yaxis.set_major_formatter(draw.PaddedFormatter(8))
    room = []  # the right panel's y tick labels as first laid out (measured at the first update)

    def show(lmbda):
        """The curves for this lambda (the right panel's y-axis scales with the step): the
        caption, or None when the new tick labels are longer than those the figure was laid
        out for (the app builds it afresh, laid out again)."""
        lmbda = _validate.number("lmbda", lmbda, low=0.0)
        step = eta * lmbda / n
        if step >= 1.0:
            raise ValueError(f"ηλ/n = {step:.3g} must stay below 1 (the L2 factor 1 − ηλ/n "
                             "would flip or zero every weight); lower λ (lmbda)")
        if hasattr(fig, "lecture5_update") and not room:
            room.append(draw.tick_label_width(ax2.yaxis))
        after = [apply_penalty_step(w.copy(), eta, lmbda, n, p) for p in kinds]
        for line, gone, a in zip(new_w, removed, after):
            line.set_ydata(a)
            gone.set_ydata(w - a)
        for ax in (ax1, ax2):
            ax.relim()
            ax.autoscale_view()
        if room and any(new > old for new, old in
                        zip(draw.tick_label_width(ax2.yaxis), room[0])):
            return None
        return (f"ηλ/n = {eta:g} × {lmbda:.3g} / {n} = {step:.4g}: L2 keeps the fraction "
                f"{1 - step:.4f} of every weight; L1 removes {step:.4g} from every |w|, and "
                f"weights with |w| < {step:.4g} cross zero (sgn step) or stop at 0 (soft "
                "threshold)")

    caption = show(lmbda)
    changing = [*new_w, *removed, zero, *legends, ax2.yaxis,
                *ax1.spines.values(), *ax2.spines.values()]
    return updatable(fig, show, changing), caption


@styled
def l1_l2_eigen_figure(lmbda=1.0, eigenvalues=(0.1, 0.3, 1.0, 3.0, 10.0),
                       w_star=(1.0, -1.5, 2.0, -1.0, 1.5)):
    """Minimizers of C_0 + penalty for a quadratic C_0 whose Hessian is *diagonal in the weights*.

    C_0(w) = 1/2 sum_i H_ii (w_i - w*_i)^2 (eq (31) with H = diag(``eigenvalues``): the weights
    themselves are the eigen-directions, Q = I in eq (35)), penalty lambda/2 ||w||^2 or
    lambda sum |w| (the slides' m = 1).  L2 rescales each weight by H_ii / (H_ii + lambda) (eq (38),
    :func:`lecture5.hessian.shrink_factors`): it never reaches zero.  L1 moves each weight towards
    0 by lambda / H_ii and stops at 0: the minimizer is the soft threshold of w*_i at
    lambda / H_ii (:func:`lecture5.regularization.soft_threshold`), zero when
    |w*_i| <= lambda / H_ii.  Only for a diagonal H: |w|_1 is not rotation invariant, so for a
    rotated H this formula applied to the eigen-components is wrong (:func:`l1_rotated_figure`).
    Returns ``(fig, caption)``.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    D = np.asarray(eigenvalues, dtype=float)
    ws = np.asarray(w_star, dtype=float)
    if D.ndim != 1 or D.shape != ws.shape or D.size == 0:
        raise ValueError(f"eigenvalues and w_star must be 1-D of the same length, got shapes "
                         f"{D.shape} and {ws.shape}")
    if not np.all(D > 0):
        raise ValueError("eigenvalues must be > 0 (a minimum w* needs a positive definite H)")
    k = np.arange(D.size)
    fig, ax = new_figure()
    draw.layout_once(fig)  # frames and saves after an update keep this layout
    ax.set_axisbelow(True)  # the grid under the bars: the axes stay out of a slider's frames
    width = 0.27
    ax.bar(k - width, ws, width, color="white", edgecolor="black", label="$w^*$ (no penalty)")
    l2_bars = ax.bar(k, ws, width, color=METHOD_COLOURS["l2"], label="L2 minimizer (38)")
    l1_bars = ax.bar(k + width, ws, width, color=METHOD_COLOURS["l1"], label="L1 minimizer")
    zeros = [ax.text(k[i] + width, 0.04 * np.sign(ws[i]) * np.abs(ws).max(), "0", ha="center",
                     va="bottom" if ws[i] > 0 else "top", color=METHOD_COLOURS["l1"],
                     fontweight="bold") for i in range(D.size)]
    axis_line = ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(k, [f"$H_{{{i + 1}{i + 1}}}$ = {d:g}" for i, d in enumerate(D)])
    ax.set(xlabel="weight i (its curvature H_ii; H diagonal)", ylabel="weight", title="")
    top = float(np.abs(ws).max())
    ax.set_ylim(min(0.0, float(ws.min())) * 1.15, top * 1.45)
    legend = ax.legend(loc="upper left", fontsize="small", ncol=3)

    def show(lmbda):
        """Set the minimizers' bars, the zeros and the title for this lambda: the caption."""
        lmbda = _validate.number("lmbda", lmbda, low=0.0)
        w_l2 = hessian.shrink_factors(D, lmbda) * ws
        w_l1 = soft_threshold(ws, lmbda / D)
        for bars, heights in ((l2_bars, w_l2), (l1_bars, w_l1)):
            for bar, h in zip(bars, heights):
                bar.set_height(h)
        for text, w in zip(zeros, w_l1):
            text.set_visible(bool(w == 0))
        ax.title.set_text(f"diagonal H, λ = {lmbda:.3g}: L2 shrinks every weight, L1 zeroes "
                          "the flat ones")
        n_zero = int(np.count_nonzero(w_l1 == 0))
        return (f"diagonal H, λ = {lmbda:.3g}: L1 sets {n_zero} of {D.size} weights exactly to "
                f"0 (those with |w*_i| <= λ / H_ii); L2 sets none to 0, its factors "
                f"H_ii/(H_ii+λ) range from {w_l2[0] / ws[0]:.3f} to {w_l2[-1] / ws[-1]:.3f}")

    caption = show(lmbda)
    changing = [*l2_bars, *l1_bars, *zeros, axis_line, legend, ax.title, *ax.spines.values()]
    return updatable(fig, show, changing), caption


def _l1_runs(runs):
    """``runs`` checked: {"l2": run, form: run} with form "l1_prox" or "l1"; returns the form."""
    if not isinstance(runs, Mapping):
        raise TypeError(f"runs must be a dict {{penalty: run}} (experiments.l1_l2_run), got "
                        f"{type(runs).__name__}")
    forms = sorted(set(runs) - {"l2"})
    if "l2" not in runs or len(runs) != 2 or forms[0] not in ("l1", "l1_prox"):
        raise ValueError(f"runs must map \"l2\" and one of \"l1_prox\", \"l1\" to a run, got "
                         f"keys {sorted(runs)}")
    return forms[0]


@styled
def l1_l2_histograms(runs, lmbda=1.0):
    """Histograms of the trained weights for L1 and L2 with the same lambda, side by side.

    ``runs`` maps "l2" and the L1 form, "l1_prox" (soft threshold) or "l1" (the sgn(w) step
    (41)), to a :class:`lecture5.experiments.TrainingRun` of the same problem and seed with
    penalty ``lmbda`` (notebook 06: :func:`lecture5.experiments.l1_l2_run`).  Weights that are
    exactly zero are drawn as a separate bar at 0; the y-axis is logarithmic so that both the
    spike and the tails show.  Returns ``(fig, caption)``.
    """
    l1_form = _l1_runs(runs)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    flat = {p: np.concatenate([w.ravel() for w in r.weights]) for p, r in runs.items()}
    lim = max(float(np.abs(f).max()) for f in flat.values()) * 1.02
    bins = np.linspace(-lim, lim, 61)
    fig, axes = new_figure(1, 2, sharey=True)
    names = {"l2": "L2 (28)", "l1": "L1, sgn(w) step (41)", "l1_prox": "L1, soft threshold"}
    colors = {"l2": METHOD_COLOURS["l2"], "l1": METHOD_COLOURS["l1"],
              "l1_prox": METHOD_COLOURS["l1"]}
    parts = []
    handles, labels = [], []
    for ax, p in zip(axes, ("l1_prox" if l1_form == "l1_prox" else "l1", "l2")):
        f = flat[p]
        zeros = int(np.count_nonzero(f == 0))
        handles.append(ax.hist(f[f != 0], bins=bins, color=colors[p], alpha=0.85)[2][0])
        labels.append(f"{names[p].split(',')[0]}: nonzero weights")
        if zeros:
            bar = ax.bar(0, zeros, width=(bins[1] - bins[0]) * 0.8, color="black")
            if "exactly 0" not in labels:
                handles.append(bar[0])
                labels.append("exactly 0")
        ax.set_yscale("log")
        # headroom above the peak for the statistics box (taller with projection_mode's fonts)
        ax.set_ylim(0.8, f.size * 10 ** (2.0 * mpl.rcParams["font.size"] / 12 - 0.4))
        # few, short tick labels (−1, −0.5, 0, ...), readable in projection mode too
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2.5, 5, 10],
                                               symmetric=True))
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}".replace("-", "−"))
        r = runs[p]
        ax.set(xlabel="weight value w", title=names[p])
        ax.text(0.03, 0.97, f"exactly 0: {zeros / f.size:.1%}\n"
                f"|w| < 10⁻³: {np.mean(np.abs(f) < 1e-3):.1%}\n"
                f"test acc.: {r.test_accuracy:.1%}", transform=ax.transAxes, va="top",
                fontsize="small", bbox={"fc": "white", "ec": "#999", "alpha": 0.9})
        parts.append(f"{names[p]}: {zeros / f.size:.1%} exactly 0, test accuracy "
                     f"{r.test_accuracy:.3f}")
    # one legend under both panels, so it covers neither the statistics nor the bars
    fig.legend(handles, labels, loc="outside lower center", ncols=len(handles),
               fontsize="small", frameon=False)
    axes[0].set_ylabel("count (log scale)")
    where = "at exactly 0" if l1_form == "l1_prox" else "near 0, none exactly at 0"
    fig.suptitle(f"λ = {lmbda:.3g} in both: L1 piles weights up {where}",
                 fontsize="medium")
    return fig, f"λ = {lmbda:.3g}: " + "; ".join(parts)


@styled
def l1_l2_weight_images(runs, lmbda=1.0, digits=tuple(range(10))):
    """The weights into each output neuron of the [784, 10] problem as 28x28 images, L1 vs L2.

    ``runs`` as for :func:`l1_l2_histograms`, of a [784, 10] network.

    Row j of w^2 holds the 784 weights from the pixels to output neuron j ("is it digit j?").
    Red = positive, blue = negative, white = 0, one colour scale per row of the figure.  L1 keeps
    a few strong pixels (its "high-importance connections") and sets the rest to 0; L2 keeps all
    weights small but nonzero.  Returns ``(fig, caption)``.
    """
    l1_form = _l1_runs(runs)
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    digits = [_validate.integer("digit", d, low=0, high=9) for d in digits]
    if not digits:
        raise ValueError("digits must name at least one digit 0-9")
    for p, run in runs.items():
        if layer_sizes(run.weights) != [784, 10]:
            raise ValueError(f"weight images need sizes (784, 10), got {layer_sizes(run.weights)} "
                             f"for runs[{p!r}]")
    rows = [(p, runs[p]) for p in (l1_form, "l2")]
    fig, axes = new_figure(2, len(digits), figsize=(FIGSIZE[0], 2.6))
    axes = np.asarray(axes).reshape(2, len(digits))
    names = {"l2": "L2", "l1": "L1 (sgn)", "l1_prox": "L1"}
    parts = []
    for r, (p, run) in enumerate(rows):
        w2 = run.weights[0]
        vmax = float(np.abs(w2).max()) or 1.0
        for c, d in enumerate(digits):
            ax = axes[r, c]
            ax.imshow(w2[d].reshape(28, 28), cmap="RdBu_r", vmin=-vmax, vmax=vmax,
                      interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_edgecolor(GREY_400)
                spine.set_visible(True)
            if r == 0:
                ax.set_title(f"digit {d}", fontsize="small")
        nz = np.count_nonzero(w2[digits] != 0) / w2[digits].size
        axes[r, 0].set_ylabel(f"{names[p]}\n{nz:.0%} ≠ 0", fontsize="small")
        parts.append(f"{names[p]}: {nz:.1%} of these weights nonzero")
    fig.suptitle(f"weights from the 784 pixels into each output neuron, λ = {lmbda:.3g}",
                 fontsize="medium")
    return fig, f"λ = {lmbda:.3g}: " + "; ".join(parts)


@styled
def l1_trajectories_figure(res, lmbda=3.0, zoom_steps=40):
    """A few weights of w^2 step by step: the sgn(w) step (41) against the soft threshold.

    ``res`` is a :class:`lecture5.experiments.WeightPaths` (of
    :func:`lecture5.experiments.l1_weight_paths` with penalty ``lmbda``).

    Top row: the whole run.  Bottom row: the last ``zoom_steps`` steps close to zero, where the
    sgn(w) step makes the weights hop across zero by about eta lambda / n while the soft threshold
    holds them at exactly 0.  Returns ``(fig, caption)``.
    """
    zoom_steps = _validate.integer("zoom_steps", zoom_steps, low=2)
    fig, axes = new_figure(2, 2, sharex="row")
    titles = {"l1": "L1 with the sgn(w) step (41)", "l1_prox": "L1 with the soft threshold"}
    colors = [*(METHOD_COLOURS[k] for k in ("l2", "drop", "val", "prox", "l1")), TEAL,
              "#5d4037", "#ad1457"]
    c = res.step_size
    s0 = max(0, res.steps[-1] - zoom_steps)
    for col, p in enumerate(("l1", "l1_prox")):
        path = res.paths[p]
        kept = path.shape[1] - 1  # the last column is the weight that L1 keeps
        axes[0, col].plot(res.steps, path[:, kept], color=METHOD_COLOURS["grey"], lw=1.2,
                          label="a weight L1 keeps")
        for i in range(kept):
            axes[0, col].plot(res.steps, path[:, i], color=colors[i % len(colors)], lw=1.6,
                              label="weights that end at 0" if i == 0 else None)
            axes[1, col].plot(res.steps[s0:], path[s0:, i], color=colors[i % len(colors)],
                              lw=1.2, marker="o", ms=3.5)
        axes[0, col].legend(loc="upper right", fontsize="small")
        axes[0, col].set_title(f"{titles[p]}\n{res.zero_fraction[p]:.1%} of all weights end at 0",
                               fontsize="medium")
        axes[1, col].set_ylim(-4 * c, 4 * c)
        for sgn in (-1, 1):
            axes[1, col].axhline(sgn * c, color="black", lw=0.8, ls=":")
        axes[1, col].set_xlabel("SGD step (mini-batch)")
    axes[0, 0].set_ylabel("weight w")
    axes[1, 0].set_ylabel(r"zoom: $|w| \leq 4\,\eta\lambda/n$")
    axes[1, 1].text(0.99, 0.04, r"dotted: $\pm\eta\lambda/n$", transform=axes[1, 1].transAxes,
                    ha="right", fontsize="small")
    zero_share = {p: float(np.mean(res.paths[p][s0:, :-1] == 0)) for p in res.paths}
    caption = (f"λ = {lmbda:.3g}, ηλ/n = {c:.4g}: over the last {zoom_steps} steps "
               f"the first {res.paths['l1'].shape[1] - 1} weights are exactly 0 in "
               f"{zero_share['l1']:.0%} of the steps with sgn(w), {zero_share['l1_prox']:.0%} "
               f"with the soft threshold")
    return fig, caption
