"""The figure of notebook 06 where the Hessian is not diagonal: the exact L1 minimiser
(:func:`lecture5.hessian.l1_minimizer`) against soft-thresholding in the eigenbasis, with the
L1 diamond beside the L2 circle (eqs (34)-(35), (39)-(41)).  Split from :mod:`.l1` to keep
each module small; nothing here trains.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _validate, hessian
from ..regularization import soft_threshold
from . import draw
from ._render import updatable
from ._style import FIGSIZE, GREY_700, METHOD_COLOURS, app_projection, new_figure, styled
from .l2_hessian import L2_EIGENVALUES, L2_W_STAR

__all__ = ["L1_ROTATED_ANGLE", "l1_rotated_figure"]


#: notebook 05's Hessian (eigenvalues L2_EIGENVALUES) rotated by this angle, for the L1 picture
L1_ROTATED_ANGLE = 30.0


def _eigen_soft_threshold(Q, D, w_star, lmbda):
    """The *wrong* L1 answer for a rotated H: soft-threshold each eigen-component of w*
    (Q^T w*) at lambda / D_ii and rotate back.  Shown only to compare with the minimiser."""
    return Q @ soft_threshold(Q.T @ w_star, lmbda / D)


def _kink_labels(H, w_star, kinks):
    """For each kink, which weight is exactly 0 just above it but not just below (or the other
    way round): "w₁ = 0" / "w₂ = 0"."""
    labels = []
    for lam in kinks:
        above, below = hessian.l1_path(H, w_star, [lam * (1 + 1e-6), lam * (1 - 1e-6)])
        changed = np.flatnonzero((above == 0) != (below == 0))
        labels.append(", ".join(f"w{'₁₂'[i]}" for i in changed))
    return labels


@functools.lru_cache(maxsize=16)
def _rotated_background(eigenvalues, angle_degrees, w_star):
    """What does not depend on lambda (cached, so the slider only redraws): H, Q, D, the C_0
    grid, both paths on a lambda grid, the kinks and which weight reaches 0 at each."""
    H, Q, D = hessian.hessian_2d(eigenvalues, angle_degrees)
    ws = np.asarray(w_star, dtype=float)
    kinks = hessian.l1_kinks(H, ws)
    lam_top = float(kinks[0]) * 1.6
    grid = np.unique(np.concatenate([np.linspace(0.0, lam_top, 241), kinks]))
    paths = (hessian.l1_path(H, ws, grid), hessian.l2_path(H, ws, grid))
    r = float(np.abs(ws).max())
    xlim = (-0.35 * r, 1.25 * r)
    ylim = (min(-0.35 * r, float(ws[1]) - 0.4 * r), max(float(ws[1]) + 0.45 * r, 0.6 * r))
    cgrid = draw.cost_grid(H, ws, xlim, ylim, num=81)
    return (H, Q, D, ws, kinks, lam_top, grid, paths, (xlim, ylim), cgrid,
            hessian.l1_path(H, ws, kinks), _kink_labels(H, ws, kinks))


#: the legend of :func:`l1_rotated_figure` in an app on a projector (beside its panel)
_SHORT_LABELS = {"L1 diamond through w̃ (L1)": "L1 diamond",
                 "L2 circle through w̃ (L2)": "L2 circle", "kinks of the L1 path": "L1 kinks",
                 "eigen soft threshold (wrong)": "eigen (wrong)"}


@styled
def l1_rotated_figure(lmbda=0.3, eigenvalues=L2_EIGENVALUES, angle_degrees=L1_ROTATED_ANGLE,
                      w_star=L2_W_STAR):
    """L1 against L2 for a 2-D quadratic C_0 whose Hessian is *not* diagonal in the weights.

    H = Q D Q^T (eq (35), :func:`lecture5.hessian.hessian_2d`).  Left: contours of C_0 around
    w*, the L1 diamond |w_1| + |w_2| = const through the L1 minimiser
    (:func:`lecture5.hessian.l1_minimizer`) and the L2 circle through the L2 minimiser (34), the
    two paths w~(lambda) for every lambda (:func:`lecture5.hessian.l1_path`, ``l2_path``), the
    kinks of the L1 path (:func:`lecture5.hessian.l1_kinks`), and, crossed, what soft-thresholding
    the eigen-components of w* would give (wrong here).  Right: the two weights against lambda.
    Returns ``(fig, caption)``.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    key = (tuple(float(v) for v in np.ravel(eigenvalues)),
           _validate.number("angle_degrees", angle_degrees),
           tuple(float(v) for v in np.ravel(w_star)))
    (H, Q, D, ws, kinks, lam_top, grid, (p_l1, p_l2), (xlim, ylim), (W1, W2, C), k_pts,
     labels) = _rotated_background(*key)
    wide = app_projection()  # on a projector the legend gets a column between the panels
    fig, axes = new_figure(1, 3 if wide else 2, figsize=(FIGSIZE[0], 4.8),
                           gridspec_kw=dict(width_ratios=[1.0, 0.1, 1.0] if wide else [1.15, 1.0],
                                            left=0.07,
                                            right=0.98, bottom=0.12, top=0.92, wspace=0.18))
    fig.set_layout_engine("none")  # fixed margins: cheaper to draw while the slider moves
    draw.layout_once(fig)  # projection mode lays it out: frames and saves keep that
    ax, ax_l = axes[0], axes[-1]
    if wide:
        axes[1].axis("off")
    levels = float(C.max()) * np.geomspace(2e-3, 0.6, 8)
    ax.contour(W1, W2, C, levels=levels, colors="#90a4ae", linewidths=0.8, zorder=1.9)
    zero_lines = [ax.axhline(0, color=GREY_700, lw=0.8), ax.axvline(0, color=GREY_700, lw=0.8)]
    t = np.linspace(0, 2 * np.pi, 200)
    square = np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]])
    (diamond,) = ax.plot([], [], "--", color=METHOD_COLOURS["l1"], lw=1.4)
    (circle,) = ax.plot([], [], "--", color=METHOD_COLOURS["l2"], lw=1.4,
                        label="L2 circle through w̃ (L2)")
    on_top = [
        ax.plot(p_l2[:, 0], p_l2[:, 1], color=METHOD_COLOURS["l2"], lw=1.8, alpha=0.6)[0],
        ax.plot(p_l1[:, 0], p_l1[:, 1], color=METHOD_COLOURS["l1"], lw=1.8, alpha=0.6)[0],
        ax.plot(k_pts[:, 0], k_pts[:, 1], "o", color="white", mec=METHOD_COLOURS["l1"], ms=7,
                mew=1.8, label="kinks of the L1 path")[0],
        ax.plot(*ws, "*", color="gold", mec="black", ms=16, label="w* (λ = 0)")[0]]
    marks = [ax.plot([], [], "o", color=METHOD_COLOURS["l2"], mec="black", ms=9,
                     label="w̃ (L2)")[0],
             ax.plot([], [], "D", color=METHOD_COLOURS["l1"], mec="black", ms=9,
                     label="w̃ (L1)")[0],
             ax.plot([], [], "X", color="black", ms=10, label="eigen soft threshold (wrong)")[0]]
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.locator_params(nbins=5)
    ax.grid(False)
    ax.set(xlabel="w₁", ylabel="w₂", title="")  # the title's font as built; updates set its text

    for i, ls in ((0, "-"), (1, "--")):
        ax_l.plot(grid, p_l1[:, i], ls, color=METHOD_COLOURS["l1"], label=f"L1: w{'₁₂'[i]}")
        ax_l.plot(grid, p_l2[:, i], ls, color=METHOD_COLOURS["l2"], lw=1.4,
                  label=f"L2: w{'₁₂'[i]}")
    for lam in kinks:
        ax_l.axvline(lam, color=METHOD_COLOURS["l1"], lw=0.8, ls=":")
    now = ax_l.axvline(lmbda, color="black", lw=2.0, alpha=0.6)
    zero_l = ax_l.axhline(0, color=GREY_700, lw=0.8)
    ax_l.set_xlim(0, lam_top)
    ax_l.set(xlabel="λ (dotted: kinks)" if wide
             else "λ (black: current; dotted: kinks of L1)", ylabel="weight",
             title="paths w̃(λ); black: λ now" if wide else "the paths w̃(λ), weight by weight")
    legends = [None, ax_l.legend(loc="upper right", fontsize=8, ncols=2)]
    contours = []  # the contours of C_0 through w~ (L1) and w~ (L2): new ones for every lambda

    kink_text = ", ".join(f"{lab} reaches 0 at λ = {lam:.3f}"
                          for lam, lab in sorted(zip(kinks, labels)))

    def show(lmbda):
        """Move the minimisers, their diamond, circle and contours to this lambda: the
        caption."""
        lmbda = _validate.number("lmbda", lmbda, low=0.0)
        w_l1 = hessian.l1_minimizer(H, ws, lmbda) + 0.0  # + 0.0: no "-0.000" in the caption
        w_l2 = hessian.l2_minimizer(H, ws, lmbda)
        w_eig = _eigen_soft_threshold(Q, D, ws, lmbda) + 0.0
        new = []
        for w_t, colour in ((w_l1, METHOD_COLOURS["l1"]), (w_l2, METHOD_COLOURS["l2"])):
            level = float(hessian.quadratic_cost(w_t.reshape(2, 1), H, ws).item())
            if level > 1e-12:  # the contour of C_0 that touches the diamond / the circle at w~
                new.append(ax.contour(W1, W2, C, levels=[level], colors=colour, linewidths=1.0,
                                      alpha=0.55, zorder=1.95))
        draw.replace_changing(fig, contours, new)
        contours[:] = new
        size1 = float(np.abs(w_l1).sum())
        diamond.set_data(*(size1 * square).T)
        shown = size1 > 0
        diamond.set_visible(shown)
        diamond.set_label("L1 diamond through w̃ (L1)" if shown else "_no diamond")
        rad = float(np.linalg.norm(w_l2))
        circle.set_data(rad * np.cos(t), rad * np.sin(t))
        for mark, w_t in zip(marks, (w_l2, w_l1, w_eig)):
            mark.set_data([w_t[0]], [w_t[1]])
        if legends[0] is None or (len(legends[0].get_texts()) == 7) != shown:
            # one entry more or less: a new legend (the old one removed first, as it takes
            # the axes' legend with it)
            draw.replace_changing(fig, [] if legends[0] is None else legends[:1], [])
            if wide:  # large text on a projector: short labels beside the panel
                handles, names = ax.get_legend_handles_labels()
                legends[0] = axes[1].legend(
                    handles, [_SHORT_LABELS.get(name, name) for name in names], loc="center",
                    frameon=False)
            else:
                legends[0] = ax.legend(loc="upper left", fontsize=8)
            draw.replace_changing(fig, [], legends[:1])
        ax.title.set_text(f"H rotated by {angle_degrees:g}°, λ = {lmbda:.3g}")
        now.set_xdata([lmbda, lmbda])
        return (f"λ = {lmbda:.3g}: L1 minimiser w̃ = ({w_l1[0]:.3f}, {w_l1[1]:.3f}); eigen soft "
                f"threshold ({w_eig[0]:.3f}, {w_eig[1]:.3f}); L2 (34) ({w_l2[0]:.3f}, "
                f"{w_l2[1]:.3f}) | L1 path: {kink_text}")

    caption = show(lmbda)
    changing = [*contours, *zero_lines, diamond, circle, *on_top, *marks, ax.title, *legends,
                now, zero_l, *ax.spines.values(), *ax_l.spines.values()]
    return updatable(fig, show, changing), caption
