"""Figures of notebook 07: dropout, the slides' procedure and inverted dropout.

The network pictures are closed form; the other figures draw the runs they are given (those of
:func:`lecture5.experiments.dropout_run`, :func:`lecture5.experiments.step5_runs` and
:func:`lecture5.experiments.slides_dropout_run`); nothing here trains.
Numbering: Nielsen's, input = layer 1, so masks[i] belongs to hidden layer i+2.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.ticker import MaxNLocator

from .. import _validate
from .._measures import layer_sizes, seed_range
from ..dropout import check_p_drop, dropout_masks, sample_preactivations, test_time_preactivation
from . import draw
from ._render import updatable
from ._style import METHOD_COLOURS, new_figure, styled

__all__ = [
    "dropout_network_figure", "dropout_expectation_figure", "dropout_overfitting_figure",
    "step5_figure", "dropout_seeds_figure",
]


@styled
def dropout_network_figure(mini_batch=1, p_drop=0.5, sizes=(5, 8, 8, 3), seed=0):
    """Step 2 of the dropout procedure, drawn: the full network and the network of one mini-batch.

    The deleted hidden nodes (greyed out, crossed) come from
    :func:`lecture5.dropout.dropout_masks` with the generator ``default_rng([seed, mini_batch])``,
    so every mini-batch number gives its own reproducible choice.  Input and output nodes are
    never deleted.  Returns ``(fig, caption)``.
    """
    mini_batch = _validate.integer("mini_batch", mini_batch, low=0)
    sizes = [_validate.integer(f"sizes[{i}]", s, low=1, high=12) for i, s in enumerate(sizes)]
    if len(sizes) < 3:
        raise ValueError(f"sizes must have at least one hidden layer to drop from, got {sizes}")
    fig, (ax1, ax2) = new_figure(1, 2)
    draw.layout_once(fig)  # frames and saves after an update keep this layout
    draw.dropout_network(ax1, sizes)
    ax1.set_title("full network\n(used at test time)")
    net = draw.network_skeleton(ax2, sizes)
    ax2.set_title("")  # the title's font as built; an update only changes its text

    def show(mini_batch=None, p_drop=None):
        """Delete the nodes of this mini-batch's masks (None: as it is): the caption."""
        mini_batch = _validate.integer("mini_batch", now["mini_batch"] if mini_batch is None
                                       else mini_batch, low=0)
        p_drop = now["p_drop"] if p_drop is None else p_drop
        masks = dropout_masks(sizes, p_drop, np.random.default_rng([seed, mini_batch]))
        now.update(mini_batch=mini_batch, p_drop=p_drop)
        deleted = draw.set_dropout_network(net, masks)
        n_del = sum(len(d) for d in deleted)
        ax2.title.set_text(f"mini-batch {mini_batch}:\n{n_del} of {sum(sizes[1:-1])} hidden "
                           "nodes deleted")
        parts = [f"layer {i + 2}: nodes {', '.join(str(j + 1) for j in d) or 'none'}"
                 for i, d in enumerate(deleted)]
        return f"mini-batch {mini_batch}, p_drop = {p_drop:g}: deleted " + "; ".join(parts)

    now = {"mini_batch": mini_batch, "p_drop": p_drop}
    caption = show()
    return updatable(fig, show, [*draw.network_artists(net), ax2.title]), caption


@styled
def dropout_expectation_figure(net, data, p_drop=0.5, samples=4000, example=0, seed=0):
    """Why the outgoing weights are scaled at test time: the input z^3 = w^3 a^2 + b^3 of one
    output neuron, for one test digit, over many random masks of the hidden layer.

    ``net`` is a network trained with dropout (notebook 07: the run
    :func:`lecture5.experiments.dropout_run` as a network,
    :func:`lecture5.experiments.trained_network`); ``data`` holds the test digits ``X_test``,
    ``y_test`` (a :class:`lecture5.datasets.Split`); the digit shown is
    ``data.X_test[:, example]``.  Left: the slides'
    procedure (kept nodes pass a^2 unchanged); the average over masks
    (:func:`lecture5.dropout.sample_preactivations`) equals z^3 of the full network with
    (1 - p_drop) w^3 (:func:`lecture5.dropout.test_time_preactivation`), not z^3 with w^3 itself.
    Right: inverted dropout (kept nodes pass a^2 / (1 - p_drop)); the average equals the
    unscaled z^3.  The neuron shown is the one of the digit's true class.  Each panel's x-axis
    spans the histogram and the lines, the shared y-axis the slides' histogram with room for the
    legends, both widened to round numbers (:func:`_rounded_out`), so that a small change of
    p_drop mostly keeps the axes where they were.  Returns ``(fig, caption)``.
    """
    example = _validate.integer("example", example, low=0, high=data.X_test.shape[1] - 1)
    x = data.X_test[:, example:example + 1]
    j = int(data.y_test[example])
    # the full network with w^3 as trained (no scaling: p_drop = 0)
    unscaled = float(test_time_preactivation(net, x, 0.0)[j, 0])
    fig, axes = new_figure(1, 2, sharey=True)
    lines, legends, numbers = [], [], []
    draw.layout_once(fig)  # frames and saves after an update keep this layout
    for ax, inverted in zip(axes, (False, True)):
        kinds = ("mean", "test") if inverted else ("mean", "test", "unscaled")
        styles = {"mean": dict(color="black", lw=2.5, ls="--"),
                  "test": dict(color=METHOD_COLOURS["prox"], lw=2.2),
                  "unscaled": dict(color=METHOD_COLOURS["l1"], lw=2.2)}
        # the legend's words never change (frames paste it); its numbers are texts over it,
        # right-aligned at its right edge, in the room the figure spaces leave after each label
        labels = {"mean": "average over masks:",
                  "test": "full network, w³ as trained:" if inverted
                  else "full network, (1 − p) w³:",
                  "unscaled": "full network, w³ unscaled:"}
        lines.append({k: ax.axvline(unscaled, **styles[k], label=labels[k] + "\u2007" * 7)
                      for k in kinds})
        ax.set(xlabel=f"$z^3_{{{j}}}$ (input of output neuron {j})",
               title="inverted dropout: $a^2/(1-p)$ kept" if inverted
               else "slides' dropout: kept $a^2$ unchanged")
        legends.append(ax.legend(loc="upper left", fontsize="small"))
        numbers.append([ax.annotate("", (1, 0.5), xycoords=(legends[-1], text),
                                    xytext=(-mpl.rcParams["legend.borderpad"] * 6, 0),
                                    textcoords="offset points", ha="right", va="center",
                                    fontsize="small", zorder=legends[-1].get_zorder() + 0.1,
                                    in_layout=False)
                        for text in legends[-1].get_texts()])
    axes[0].set_ylabel("number of masks")
    # counts from tens to thousands and inputs z from "−4" to "−20" (p_drop 0.05 to 0.9): one
    # room for their labels at every p_drop, one layout
    axes[0].yaxis.set_major_formatter(draw.PaddedFormatter(4))
    for ax in axes:
        ax.xaxis.set_major_formatter(draw.PaddedFormatter(4, align="center"))
    # each panel's histogram: its 50 bars as one artist (drawn in one call), made once and
    # given new bars by every update (ax.hist would add 50 new patches each time); the bars look
    # as ax.hist draws them (grey, white edges), below the lines; the axes, grid included, are
    # drawn below the bars, so an app's frame can paste an axis that stayed as it was
    # (lecture5/plots/_pastes.py) and draw the bars over it
    hists = [ax.add_collection(PolyCollection(
        [], facecolors=METHOD_COLOURS["grey"], edgecolors="white", joinstyle="miter",
        capstyle="butt"), autolim=False) for ax in axes]
    for ax in axes:
        ax.set_axisbelow(True)
    room = []  # the room the texts had as first laid out (measured at the first update)
    fits = set()  # the axis limits whose tick labels were found to fit in that room
    title = []
    sampled = {}  # p_drop -> what the masks gave each panel (the same seed: the same masks)

    def sample(p_drop):
        """Per panel: the histogram's counts and bin edges, the mean over the masks and z^3
        of the full network at test time (kept for the last 64 values of p_drop sampled)."""
        if p_drop not in sampled:
            if len(sampled) >= 64:
                sampled.pop(next(iter(sampled)))
            rng = np.random.default_rng(seed)
            panels = []
            for inverted in (False, True):
                z = sample_preactivations(net, x, p_drop, rng, samples,
                                          inverted=inverted)[:, j, 0]
                test_z = float(test_time_preactivation(net, x, p_drop, inverted=inverted)[j, 0])
                # the bins ax.hist(z, bins=50) would use
                panels.append((*np.histogram(z, bins=50), float(z.mean()), test_z))
            sampled[p_drop] = panels
        return sampled[p_drop]

    def show(p_drop):
        """Sample the masks for this p_drop (or recall them) and redraw the histograms, lines,
        limits and numbers: the caption, or None when a text came out longer than the figure
        was laid out for (the app builds it afresh, laid out again)."""
        p_drop = check_p_drop(p_drop)
        if hasattr(fig, "lecture5_update") and not room:
            room.append(draw.text_sizes(fig))
        parts, top = [], None
        for ax, inverted, panel, bars, texts, (counts, edges, mean, test_z) in zip(
                axes, (False, True), lines, hists, numbers, sample(p_drop)):
            bars.set_verts(_bar_outlines(counts, edges))
            panel["mean"].set_xdata([mean] * 2)
            panel["test"].set_xdata([test_z] * 2)
            for text, value in zip(texts, (mean, test_z, unscaled)):
                text.set_text(f"{value:.2f}")
            spots = (edges[0], edges[-1], mean, test_z, *([] if inverted else [unscaled]))
            ax.set_xlim(*_rounded_out(min(spots), max(spots)))
            if top is None:  # the shared y-axis: the first panel's counts, with headroom
                top = float(counts.max()) * (1.0 + ax.margins()[1]) * 1.35 * 1.35
                top = _rounded_out(0.0, top, bins=10)[1]
            parts.append(f"{'inverted' if inverted else 'slides'}: mean over {samples} masks "
                         f"{mean:.3f}, test-time z {test_z:.3f}")
        axes[0].set_ylim(0.0, top)
        text = (f"a test digit '{j}', p_drop = {p_drop:g}: what output neuron {j} receives "
                "with random masks")
        if title:
            title[0].set_text(text)  # where the layout put it (fig.suptitle would move it back)
        else:
            title.append(fig.suptitle(text, fontsize="medium"))
        # the tick labels are all that can outgrow the layout, and they follow the limits
        limits = (*(ax.get_xlim() for ax in axes), axes[0].get_ylim())
        if room and limits not in fits:
            if any(new > old for new, old in zip(draw.text_sizes(fig), room[0])):
                return None
            fits.add(limits)
        return "; ".join(parts) + f"; unscaled full network {unscaled:.3f}"

    caption = show(p_drop)
    # the axes first (drawn first: below everything else), the y-axes before the x-axes whose
    # grids cross them: an axis is pasted only while what was drawn under it stayed the same
    changing = [*(ax.yaxis for ax in axes), *(ax.xaxis for ax in axes), *hists,
                *(line for d in lines for line in d.values()), *legends,
                *(text for texts in numbers for text in texts), *title,
                *(spine for ax in axes for spine in ax.spines.values())]
    return updatable(fig, show, changing), caption


def _rounded_out(lo, hi, bins=5):
    """``(lo, hi)`` widened to the next multiples of a round step (1, 2, 2.5 or 5 times a power
    of ten, about ``1/bins`` of the span): limits that move in steps as ``lo`` and ``hi`` move.
    They are narrowed by a millionth of the span, which leaves the ticks at those multiples
    just out of view: no tick label at the ends, as with limits found by autoscaling (a label
    "100" at the top as soon as the counts passed 80 would be longer than the labels the
    figure may have been laid out for, and the app would build it afresh)."""
    locator = MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10])
    step = float(np.diff(locator.tick_values(lo, hi))[0])
    digits = max(0, 1 - int(np.floor(np.log10(step))))  # the decimals of step's multiples
    lo, hi = (round(float(v) * step, digits) + 0.0 for v in (np.floor(lo / step),
                                                             np.ceil(hi / step)))
    inset = (hi - lo) * 1e-6
    return lo + inset, hi - inset


def _bar_outlines(counts, edges):
    """The corners of a histogram's bars, shape (bins, 4, 2): from (left, 0) up, across and
    down to (right, 0), for a :class:`~matplotlib.collections.PolyCollection`."""
    verts = np.zeros((len(counts), 4, 2))
    verts[:, :2, 0], verts[:, 2:, 0] = edges[:-1, None], edges[1:, None]
    verts[:, 1:3, 1] = np.asarray(counts, dtype=float)[:, None]
    return verts


def _gap(run):
    return run.history["train_accuracy"][-1] - run.history["eval_accuracy"][-1]


@styled
def dropout_overfitting_figure(base, run, n_train, p_drop=0.5, dropout="slides"):
    """Training vs test accuracy and cost, without dropout (``base``) and with ``p_drop``
    (``run``), per epoch.

    ``base`` and ``run`` are :class:`lecture5.experiments.TrainingRun` s of the same problem and
    seed (notebook 07: :func:`lecture5.experiments.dropout_run` with 0 and ``p_drop``, trained on
    ``n_train`` digits); ``p_drop`` and ``dropout`` ("slides" or "inverted") name ``run`` in the
    legend.  Test accuracy and cost are those of the full network at test time (weights leaving
    the hidden layer scaled by 1 - p_drop after the slides' dropout).  Returns
    ``(fig, caption)``.
    """
    n_train = _validate.integer("n_train", n_train, low=1)
    epochs = np.arange(1, len(run.history["epoch"]) + 1)
    fig, (ax1, ax2) = new_figure(1, 2)
    label = f"p_drop = {p_drop:g}" + (" (inverted)" if dropout == "inverted" else "")
    for r, name, color in ((base, "no dropout", METHOD_COLOURS["none"]),
                           (run, label, METHOD_COLOURS["drop"])):
        h = r.history
        ax1.plot(epochs, h["train_accuracy"], color=color, ls="--", lw=1.6,
                 label=f"{name}: training")
        ax1.plot(epochs, h["eval_accuracy"], color=color, label=f"{name}: test")
        ax2.plot(epochs, h["train_cost"], color=color, ls="--", lw=1.6,
                 label=f"{name}: training")
        ax2.plot(epochs, h["eval_cost"], color=color, label=f"{name}: test")
    # the lower limit follows the data (a large p_drop starts far below 0.75)
    lowest = min(min(r.history[k]) for r in (base, run) for k in ("train_accuracy",
                                                                    "eval_accuracy"))
    low = min(max(0.0, lowest - 0.03), 0.95)
    ax1.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(low, 1.005))
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set(xlabel="epoch", ylabel="cross-entropy cost $C_0$", title="cost")
    # both panels share one legend, under them, where it hides no curve
    fig.legend(*ax1.get_legend_handles_labels(), loc="outside lower center", ncols=2,
               fontsize="small", frameon=False)
    fig.suptitle(f"{n_train:,} training digits, {layer_sizes(run.weights)}: overfitting without "
                 "and with dropout", fontsize="medium")
    caption = (f"no dropout: training {base.history['train_accuracy'][-1]:.3f}, test "
               f"{base.history['eval_accuracy'][-1]:.3f} (gap {_gap(base):.3f}), test cost "
               f"{base.history['eval_cost'][-1]:.3f}; {label}: training "
               f"{run.history['train_accuracy'][-1]:.3f}, test "
               f"{run.history['eval_accuracy'][-1]:.3f} (gap {_gap(run):.3f}), test cost "
               f"{run.history['eval_cost'][-1]:.3f}")
    return fig, caption


@styled
def step5_figure(res, p_drop=0.5):
    """The slide's step 5 ("after each epoch decrease each weight by a factor 1/2") read
    literally, against scaling the outgoing weights once at test time: test accuracy and weight
    norm per epoch.  ``res`` is a :class:`lecture5.experiments.Step5Runs` (of
    :func:`lecture5.experiments.step5_runs` with ``p_drop``).  Returns ``(fig, caption)``."""
    epochs = np.arange(1, len(res.correct_accuracy) + 1)
    fig, (ax1, ax2) = new_figure(1, 2)
    ax1.plot(epochs, res.correct_accuracy, color=METHOD_COLOURS["prox"], marker="o", ms=4,
             label="scale $w^3$ by $1-p$ once, at test time")
    ax1.plot(epochs, res.literal_accuracy, color=METHOD_COLOURS["l1"], marker="s", ms=4,
             label="halve every weight after each epoch")
    ax1.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1), title="test accuracy")
    ax1.legend(loc="lower right", fontsize="small")
    ax2.plot(epochs, res.correct_norm, color=METHOD_COLOURS["prox"], marker="o", ms=4,
             label="as trained (scaled only at test time)")
    ax2.plot(epochs, res.literal_norm, color=METHOD_COLOURS["l1"], marker="s", ms=4,
             label="halved after each epoch")
    ax2.set(xlabel="epoch", ylabel=r"weight norm $\sqrt{\sum w^2}$", ylim=(0, None),
            title="size of the weights")
    ax2.legend(loc="lower right", bbox_to_anchor=(0.99, 0.27), fontsize="small")
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(f"dropout with p_drop = {p_drop:g}: step 5 of the slides read literally",
                 fontsize="medium")
    caption = (f"after {epochs[-1]} epochs: test accuracy {res.correct_accuracy[-1]:.3f} with the "
               f"test-time scaling, {res.literal_accuracy[-1]:.3f} with halving after each "
               f"epoch; weight norm {res.correct_norm[-1]:.1f} vs {res.literal_norm[-1]:.1f}")
    return fig, caption


def _band(ax, epochs, runs, key, color, ls, label):
    """Mean over the seeds' runs of history[key], with the range (lowest to highest) shaded."""
    v = np.array([r.history[key] for r in runs])
    ax.fill_between(epochs, v.min(axis=0), v.max(axis=0), color=color, alpha=0.18, lw=0)
    ax.plot(epochs, v.mean(axis=0), color=color, ls=ls, lw=1.8, label=label)


@styled
def dropout_seeds_figure(base, runs, n_train, p_drop=0.5, dropout="slides"):
    """The slides' overfitting example without and with dropout, over several seeds.

    ``base`` and ``runs`` map each seed to a run without dropout and with ``p_drop`` (notebook
    07: :func:`lecture5.experiments.slides_dropout_run`, one mask per mini-batch, as in step 2,
    for both versions, so ``dropout`` switches only where the factor 1/(1 - p) goes), trained on
    ``n_train`` digits.  Left: training (dashed) and validation (solid) accuracy per epoch, the
    mean over the seeds and the range shaded; right: the validation cost C_0.  Returns
    ``(fig, caption)``.
    """
    dropout = _validate.choice("dropout", dropout, ("slides", "inverted"))
    n_train = _validate.integer("n_train", n_train, low=1)
    if not (isinstance(base, Mapping) and isinstance(runs, Mapping)):
        raise TypeError(f"base and runs must be dicts {{seed: run}} "
                        f"(experiments.slides_dropout_run), got {type(base).__name__} and "
                        f"{type(runs).__name__}")
    seeds = tuple(runs)
    if not seeds or tuple(base) != seeds:
        raise ValueError(f"base and runs must map the same seeds (at least one) to runs, got "
                         f"{list(base)} and {list(runs)}")
    base, runs = [base[s] for s in seeds], [runs[s] for s in seeds]
    epochs = np.arange(1, len(runs[0].history["epoch"]) + 1)
    fig, (ax1, ax2) = new_figure(1, 2)
    label = f"p = {p_drop:g}" + (" (inverted)" if dropout == "inverted" else "")
    for rs, name, color in ((base, "no dropout", METHOD_COLOURS["none"]),
                            (runs, label, METHOD_COLOURS["drop"])):
        _band(ax1, epochs, rs, "train_accuracy", color, "--", f"{name}: training")
        _band(ax1, epochs, rs, "eval_accuracy", color, "-", f"{name}: validation")
        _band(ax2, epochs, rs, "eval_cost", color, "-", f"{name}: validation")
    lowest = min(min(r.history["eval_accuracy"]) for r in base + runs)
    ax1.set(xlabel="epoch", ylabel="accuracy", title="accuracy",
            ylim=(min(max(0.0, lowest - 0.03), 0.95), 1.005))
    ax2.set(xlabel="epoch", ylabel="cross-entropy cost $C_0$", title="validation cost")
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.legend(*ax1.get_legend_handles_labels(), loc="outside lower center", ncols=2,
               fontsize="small", frameon=False)
    fig.suptitle(f"{layer_sizes(runs[0].weights)}, {n_train:,} training digits, seeds "
                 f"{', '.join(map(str, seeds))}: mean, range shaded", fontsize="medium")

    def summary(rs):
        val = [r.history["eval_accuracy"][-1] for r in rs]
        gap = [r.history["train_accuracy"][-1] - r.history["eval_accuracy"][-1] for r in rs]
        rise = [r.history["eval_cost"][-1] - min(r.history["eval_cost"]) for r in rs]
        train = [r.history["train_accuracy"][-1] for r in rs]
        return (f"training accuracy {seed_range(train)}, validation accuracy "
                f"{seed_range(val)}, training - validation "
                f"{seed_range(gap)}, validation cost rise after its minimum "
                f"{seed_range(rise)}")

    caption = f"no dropout: {summary(base)}; {label}: {summary(runs)}"
    return fig, caption


# ~~~ 08: early stopping ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
