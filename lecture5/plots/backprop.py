"""Figures of notebook 03: why the cross-entropy cost learns where the quadratic cost stalls
(eq (13)), how the errors delta^l shrink backwards through sigmoid layers (BP2, eq (18)), and why
backpropagation is fast.  Numbering: Nielsen's, input = layer 1."""

from __future__ import annotations

import numpy as np

from .. import _validate
from .._measures import loglog_slope
from ..activations import sigmoid
from ..costs import CrossEntropyCost, QuadraticCost
from ._render import updatable
from ._style import BLUE, FIGSIZE, GREEN, GREY, ORANGE, RED, RUN_COLOURS, new_figure, styled

__all__ = ["output_saturation", "backprop_speed", "gradient_cost_figure", "delta_norms_figure"]


@styled
def output_saturation(z_L=-4.0, y=1):
    """How sigma'(z^L) slows the quadratic cost when the output saturates (after eq (13)).

    One sigmoid output neuron with target ``y`` (0 or 1).  Top: a^L = sigma(z^L) and the target.
    Bottom: the output error delta^L for the quadratic cost, (a^L - y) sigma'(z^L) (eq (13)), and
    for the cross-entropy cost, a^L - y, with the current ``z_L`` marked.  Far from the target on
    the flat part of the sigmoid the quadratic delta^L is tiny, so the updates (19)/(20) are tiny;
    the cross-entropy delta^L stays as large as the mistake.  Returns ``(fig, caption)``.
    """
    zz = np.linspace(-8.0, 8.0, 401)
    fig, (top, bottom) = new_figure(2, 1, figsize=FIGSIZE, sharex=True)
    top.plot(zz, sigmoid(zz), color="black", label=r"output $a^L = \sigma(z^L)$")
    target = top.axhline(0.0, color=GREEN, ls="--", label="target")
    (dot,) = top.plot([], [], "o", color=RED, ms=10, zorder=5)
    mistake = top.vlines(0.0, 0.0, 0.0, color=RED, lw=2.5, label=r"mistake $a^L - y$")
    top.set_ylabel("$a^L$")
    top.set_ylim(-0.08, 1.08)
    target_label = top.legend(loc="center left", bbox_to_anchor=(1.0, 0.5)).get_texts()[1]
    (quad_line,) = bottom.plot(zz, zz, color=BLUE,
                               label="quadratic:\n" r"$(a^L-y)\,\sigma'(z^L)$")
    (xent_line,) = bottom.plot(zz, zz, color=ORANGE, label="cross-entropy:\n" r"$a^L - y$")
    dots = [bottom.plot([], [], "o", color=color, ms=10, zorder=5)[0] for color in (BLUE, ORANGE)]
    zero = bottom.axhline(0.0, color="black", lw=0.8)
    notes = [bottom.annotate("", (0.0, 0.0), xytext=(10, 6), textcoords="offset points",
                             color=color, fontsize="medium", fontweight="bold",
                             bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                                   "alpha": 0.85})
             for color in (BLUE, ORANGE)]
    for note in notes:  # near delta = +-1 a value pokes out of the axes: no room made for it,
        note.set_in_layout(False)  # so the layout does not change with z^L
    bottom.set_ylim(-1.1, 1.1)
    bottom.set_xlim(-8.0, 8.0)
    bottom.set_xlabel("weighted input of the output neuron $z^L$")
    bottom.set_ylabel(r"$\delta^L$")
    bottom.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    top.set_title("Output error $\\delta^L$: quadratic cost (13) vs cross-entropy")

    shown = {}

    def show(z_L=None, y=None):
        """Draw what depends on z^L and y (the target, the dots, the deltas; a value not given
        stays as shown): the caption."""
        z_L = shown["z_L"] if z_L is None else z_L
        y = shown["y"] if y is None else y
        z_L = _validate.number("z_L", z_L, low=-50.0, high=50.0)
        if y not in (0, 1):
            raise ValueError(f"y must be 0 or 1, got {y!r}")
        z_all = np.append(zz, z_L)[None, :]
        a_all = sigmoid(z_all)
        y_all = np.full_like(a_all, float(y))
        quad = QuadraticCost.delta(z_all, a_all, y_all)[0]
        xent = CrossEntropyCost.delta(z_all, a_all, y_all)[0]
        a = float(a_all[0, -1])
        dq, dx = float(quad[-1]), float(xent[-1])
        target.set_ydata([y, y])
        target.set_label(f"target $y = {y}$")
        target_label.set_text(target.get_label())
        dot.set_data([z_L], [a])
        mistake.set_segments([[(z_L, min(a, y)), (z_L, max(a, y))]])
        quad_line.set_ydata(quad[:-1])
        xent_line.set_ydata(xent[:-1])
        side = -1 if z_L > 3.0 else 1  # write the values beside the dots, inside the axes
        for value, marker, note in zip((dq, dx), dots, notes):
            marker.set_data([z_L], [value])
            note.xy = (z_L, value)
            note.xyann = (side * 10, 6)
            note.set_text(f"{value:+.3f}")
            note.set_horizontalalignment("left" if side > 0 else "right")
        shown.update(z_L=z_L, y=y)
        ratio = abs(dx) / abs(dq) if dq != 0.0 else float("inf")
        return (f"z^L = {z_L:.2f}, a^L = {a:.4f}, y = {y}: mistake a^L - y = {a - y:+.4f}; "
                f"delta^L quadratic = {dq:+.2e}, cross-entropy = {dx:+.2e} "
                f"(cross-entropy/quadratic = {ratio:.3g})")

    caption = show(z_L, y)
    # redrawn over the rest in the order of a full draw, so also what is drawn over the changing
    # lines where they meet: the zero line, the frame (the curves end on it, at z^L = -8 and 8)
    frame = [s for ax in (top, bottom) for s in ax.spines.values() if s.get_visible()]
    changing = [target, dot, mistake, quad_line, xent_line, *dots, zero, *notes,
                top.get_legend(), *frame]
    return updatable(fig, show, changing), caption


@styled
def backprop_speed(rows):
    """Why backpropagation is fast: one gradient by BP1-BP4 vs by finite differences.

    ``rows`` come from :func:`lecture5.gradcheck.time_backprop_vs_finite_differences`.  Left: the
    seconds for one whole gradient against the number of parameters P, log-log; finite
    differences need 2P forward passes, so their time grows about like P, while backprop's one
    forward and one backward pass grow far more slowly.  Right: the ratio of the two times.
    Rows whose finite-difference time was extrapolated are drawn with open markers.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one timing row, got none")
    P = np.array([r.n_params for r in rows], dtype=float)
    t_bp = np.array([r.seconds_backprop for r in rows])
    t_fd = np.array([r.seconds_fd for r in rows])
    extra = np.array([r.extrapolated for r in rows])
    fig, (left, right) = new_figure(1, 2, figsize=FIGSIZE)
    for t, color, label in ((t_fd, RED, "finite differences\n(2P forward passes)"),
                            (t_bp, BLUE, "backprop\n(BP1-BP4)")):
        left.loglog(P, t, "-", color=color, label=label)
        left.loglog(P[~extra], t[~extra], "o", color=color)
        if extra.any():
            left.loglog(P[extra], t[extra], "o", mfc="white", color=color)
    left.set_xlabel("number of parameters $P$")
    left.set_ylabel("seconds for one gradient")
    left.set_title("Time for one gradient")
    left.legend(loc="center right", bbox_to_anchor=(1.0, 0.42))
    ratio = t_fd / t_bp
    right.loglog(P, ratio, "o-", color="black", label="measured ratio")
    # a line of slope 1 through the geometric mean of the measured points, for comparison
    c = float(np.exp(np.mean(np.log(ratio) - np.log(P))))
    right.loglog(P, c * P, ":", color=GREY, label=r"$\propto P$ (slope 1)")
    _speedup_axes(left, right)
    return fig


def _speedup_axes(left, right):
    """Labels of the right panel (the speed-up against P) and a log grid on both panels."""
    right.set_xlabel("number of parameters $P$")
    right.set_ylabel("finite differences / backprop")
    right.set_title("Speed-up of backprop")
    right.legend(loc="upper left")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.25)


@styled
def gradient_cost_figure(rows):
    """Why backpropagation is fast, counted: the work of one gradient against the parameters P.

    ``rows`` come from :func:`lecture5.experiments.gradient_costs`.  Left, log-log: the
    multiplications of one finite-difference gradient (2P forward passes, each of them about P
    multiplications per example, so about P^2) and of one backprop gradient (a forward pass, BP2
    and BP4, so about P), with the slope of a least-squares line through each set of points.
    Right: their ratio, which grows like P.  Returns ``(fig, caption)``; the caption gives the
    fitted slopes and the ratio at the largest network.
    """
    rows = list(rows)
    if len(rows) < 2:
        raise ValueError(f"rows must hold at least two networks to fit a slope, got {len(rows)}")
    P = np.array([r.n_params for r in rows], dtype=float)
    fd = np.array([r.fd_multiplications for r in rows], dtype=float)
    bp = np.array([r.bp_multiplications for r in rows], dtype=float)
    slope_fd, slope_bp = loglog_slope(P, fd), loglog_slope(P, bp)
    slope_ratio = loglog_slope(P, fd / bp)
    fig, (left, right) = new_figure(1, 2, figsize=FIGSIZE)
    left.loglog(P, fd, "o-", color=RED,
                label=f"finite differences\n(2P forward passes): slope {slope_fd:.2f}")
    left.loglog(P, bp, "o-", color=BLUE, label=f"backprop (BP1-BP4):\nslope {slope_bp:.2f}")
    left.set_xlabel("number of parameters $P$")
    left.set_ylabel("multiplications for one gradient")
    left.set_title("Work for one gradient")
    left.legend(loc="lower right", fontsize="small")
    right.loglog(P, fd / bp, "o-", color="black", label=f"ratio: slope {slope_ratio:.2f}")
    _speedup_axes(left, right)
    last = rows[-1]
    caption = (f"fitted log-log slopes over the {len(rows)} networks: finite differences "
               f"{slope_fd:.2f}, backprop {slope_bp:.2f}, their ratio {slope_ratio:.2f}; "
               f"at P = {last.n_params} one finite-difference gradient costs "
               f"{last.ratio:.0f} times the multiplications of one backprop gradient")
    return fig, caption


@styled
def delta_norms_figure(result):
    """The vanishing gradient: mean ||delta^l|| per layer, one line per seed, log scale.

    ``result`` is a :class:`lecture5.experiments.DeltaNorms`.  Returns ``(fig, caption)``; the
    caption gives, over the seeds, the range of the factor by which ||delta^l|| shrinks from one
    layer to the one before it and from the output layer to the first hidden layer.
    """
    norms = np.asarray(result.norms)
    layers = np.asarray(result.layers)
    fig, ax = new_figure(1, 1, figsize=FIGSIZE)
    for s, seed in enumerate(result.seeds):
        ax.semilogy(layers, norms[s], "o-", color=RUN_COLOURS[s % len(RUN_COLOURS)],
                    label=f"seed {seed}")
    ax.set_xticks(layers)
    ax.set_xticklabels([f"$\\delta^{{{layer}}}$" + ("\n(output)" if layer == layers[-1] else "")
                        for layer in layers])
    ax.set_xlabel(f"layer $l$ of the untrained network {list(result.sizes)} (input = layer 1)")
    ax.set_ylabel(r"mean over examples of $\|\delta^{x,l}\|$")
    ax.set_title(f"Errors shrink backwards through sigmoid layers ({result.cost} cost, "
                 f"{result.n_examples} digits)")
    ax.legend(loc="upper left")
    ax.grid(True, which="both", alpha=0.25)
    shrink = np.asarray(result.ratios)
    total = norms[:, 0] / norms[:, -1]
    caption = (f"per layer backwards, ||delta^l|| / ||delta^(l+1)|| lies between "
               f"{shrink.min():.2f} and {shrink.max():.2f} over seeds {list(result.seeds)}; "
               f"||delta^2|| / ||delta^{layers[-1]}|| between {total.min():.2g} and "
               f"{total.max():.2g}")
    return fig, caption
