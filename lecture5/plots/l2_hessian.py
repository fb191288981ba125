"""Figures of notebook 05: L2 regularization and the Hessian view, eqs (21)-(38).

The 2-D picture is the textbook's fig 7.1: contours of a quadratic C_0 (eq (31)), circles of equal
penalty, and the regularized minimum w~ of eq (34) with its shrink factors (38).
"""

from __future__ import annotations

import functools

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection

from .. import _validate, hessian, quadratic
from . import draw
from ._render import updatable
from ._style import (
    BLUE,
    FIGSIZE,
    ORANGE,
    PURPLE,
    RED,
    RUN_COLOURS,
    app_projection,
    new_figure,
    styled,
)

_Q_COLOURS = (BLUE, ORANGE)  # the eigen-directions q_1, q_2

__all__ = ["L2_EIGENVALUES", "L2_ANGLE", "L2_W_STAR", "hessian_spectrum", "l2_hessian_picture"]


L2_EIGENVALUES = (0.25, 2.0)
L2_ANGLE = 0.0
L2_W_STAR = (2.0, 1.2)


@styled
def hessian_spectrum(eigenvalues, lmbda):
    """The eigenvalues D_ii of a Hessian, eq (35), and their shrink factors, eq (38): a Figure.

    Left: |D_ii| in descending order of D_ii on a log scale (filled dots; a slightly negative
    eigenvalue, a direction that is flat to rounding or a saddle, is an open circle), with lambda
    as a dashed line: directions above it keep most of their weight, directions below it are
    shrunk towards 0.  Right: D_ii / (D_ii + lambda) per direction.
    """
    hessian.shrink_factors(eigenvalues, lmbda)  # validates both arguments
    D = np.sort(np.asarray(eigenvalues, dtype=float))[::-1]
    factors = hessian.shrink_factors(D, lmbda)
    i = np.arange(1, D.size + 1)
    fig, (ax_d, ax_f) = new_figure(1, 2, figsize=(FIGSIZE[0], 4.6))
    kept = D > lmbda
    size = np.abs(D)
    floor = max(float(size.max()), lmbda, 1e-300) * 1e-8  # exact zeros are drawn at the floor
    for mask, colour, fill, label in (
            (kept, RUN_COLOURS[0], True, "$D_{ii} > λ$: kept"),
            (~kept & (D >= 0), RUN_COLOURS[1], True, "$D_{ii} < λ$: shrunk"),
            (D < 0, RUN_COLOURS[1], False, "$D_{ii} < 0$ (shown as $|D_{ii}|$)")):
        if mask.any():
            ax_d.plot(i[mask], np.maximum(size[mask], floor), "o", ms=6, color=colour,
                      mfc=colour if fill else "white", label=label)
    ax_d.axhline(lmbda, color="black", ls="--", lw=1.2, label=f"λ = {lmbda:.3g}")
    ax_d.set_yscale("log")
    ax_d.set_xlabel("direction i (largest curvature first)")
    ax_d.set_ylabel("$|D_{ii}|$ (log scale)")
    ax_d.set_title(f"the {D.size} eigenvalues of H (35)")
    ax_d.legend(loc="lower left", fontsize=10)
    ax_f.bar(i, factors, color=np.where(kept, RUN_COLOURS[0], RUN_COLOURS[1]), width=0.8)
    ax_f.axhline(0.5, color="black", ls=":", lw=1)
    ax_f.set_ylim(min(0.0, float(factors.min())) - 0.05, 1.05)
    ax_f.set_xlabel("direction i")
    ax_f.set_ylabel("$D_{ii} / (D_{ii} + λ)$")
    ax_f.set_title(f"shrink factors (38) for λ = {lmbda:.3g}")
    return fig


def _l2_view(w_star):
    r = float(np.linalg.norm(w_star)) or 1.0
    xs, ys = (0.0, float(w_star[0])), (0.0, float(w_star[1]))
    pad = 0.4 * r
    return (min(xs) - pad, max(xs) + pad), (min(ys) - pad, max(ys) + pad), r


@functools.lru_cache(maxsize=64)
def _l2_background(eig1, eig2, angle_degrees, w_star):
    """What does not depend on lambda (cached, so the lambda slider only redraws): H, Q, D, nine
    contours of C_0 (ellipses, eq (31)) and the trail of w~(lambda) for lambda from ~0 to
    ~infinity (eq (34))."""
    H, Q, D = hessian.hessian_2d((eig1, eig2), angle_degrees)
    if D.min() <= 0:
        raise ValueError(f"eig1 and eig2 must be > 0 (a minimum w* exists), got {tuple(D)}")
    w_star = np.asarray(w_star, dtype=float)
    r = _l2_view(w_star)[2]
    levels = 0.5 * float(D.max()) * r * r * np.geomspace(3e-4, 1.0, 9)
    contours = [quadratic.level_curve(H, w_star, c).T for c in levels]
    lambdas = np.geomspace(D.min() * 1e-3, D.max() * 1e3, 80)
    trail = np.array([w_star] + [hessian.l2_minimizer(H, w_star, lam) for lam in lambdas]
                     + [[0.0, 0.0]])
    return H, Q, D, w_star, contours, trail


@styled
def l2_hessian_picture(lmbda, eig1=L2_EIGENVALUES[0], eig2=L2_EIGENVALUES[1],
                       angle_degrees=L2_ANGLE, w_star=L2_W_STAR):
    """Where the L2 penalty moves the minimum, eqs (31)-(38) (the textbook's fig 7.1).

    Left: contours of C_0 (eq (31), Hessian H = Q D Q^T built from ``eig1``, ``eig2`` and the
    rotation ``angle_degrees``, eq (35)) around the unregularized minimum w*; dotted circles of
    equal penalty lambda/2 ||w||^2 around the origin; the regularized minimum w~(lambda) of eq (34),
    where a C_0 contour (bold) touches a penalty circle (dashed); the path of w~ as lambda goes
    from 0 (w~ = w*) to infinity (w~ = 0); and the eigenvector directions q_1, q_2.  Right: the
    shrink factor D_ii / (D_ii + lambda), eq (38), of each eigen-direction, lambda in its title.
    Returns ``(fig, caption)``.  Closed form and lean (contours as exact ellipses, a legend that
    never changes, no mathtext that changes with the sliders), so a slider can redraw it
    continuously.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    w_star = tuple(float(v) for v in np.asarray(w_star, dtype=float).ravel())
    xlim, ylim, r = _l2_view(np.asarray(w_star))
    fig, (ax, ax_bar) = new_figure(1, 2, figsize=(FIGSIZE[0], 5.2),
                                   gridspec_kw=dict(width_ratios=[2.2, 1.0], left=0.07,
                                                    right=0.98, bottom=0.17, top=0.85,
                                                    wspace=0.12))
    fig.set_layout_engine("none")  # the fixed margins above: a third cheaper to draw
    draw.layout_once(fig)  # projection mode lays it out: frames and saves keep that
    angles = np.linspace(0, 2 * np.pi, 160)
    circle = np.stack([np.cos(angles), np.sin(angles)])
    rings = [ax.plot(*(rad * circle), ":", color=RED, lw=0.8)[0]
             for rad in r * np.array([0.25, 0.5, 0.75, 1.0, 1.25])]
    (through,) = ax.plot([], [], "--", color=RED, lw=2.0, label="penalty circle through w̃")
    (trail,) = ax.plot([], [], "-", color=PURPLE, lw=1.5, alpha=0.8, label="w̃(λ) for every λ")
    arrows = [ax.annotate("", xy=w_star, xytext=w_star,
                          arrowprops=dict(arrowstyle="-|>", color=_Q_COLOURS[k], lw=2))
              for k in range(2)]
    q_names = [ax.text(*w_star, "q₁" if k == 0 else "q₂", color=_Q_COLOURS[k], fontsize=14,
                       ha="center", va="center") for k in range(2)]
    marks = [ax.plot(0, 0, "+", color="black", ms=12, mew=2)[0],
             ax.plot(*w_star, "*", color="gold", mec="black", ms=18, label="w* (λ = 0)")[0]]
    (w_mark,) = ax.plot([], [], "o", color=RED, mec="black", ms=10, label="w̃ (with the penalty)")
    # C_0's contours (ellipses, eq (31)) under everything else, and the bold one through w~
    ellipses = ax.add_collection(LineCollection([], colors="#90a4ae", linewidths=0.8,
                                                zorder=1.9), autolim=False)
    (bold,) = ax.plot([], [], color="#37474f", lw=2.0, zorder=1.95)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.locator_params(nbins=4)
    ax.grid(False)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    # in an app on a projector the legend sits to the right of the panel: the title may run
    # over it, starting at the panel's left edge
    ax.set_title("contours of C₀ and circles of equal penalty",
                 loc="left" if app_projection() else "center")
    if app_projection():  # large text on a projector: beside the panel, not over the path
        legend = ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    else:
        legend = ax.legend(loc="lower right", fontsize=10)

    bars = ax_bar.bar([0, 1], [0.0, 0.0], color=_Q_COLOURS, width=0.6)
    values = [ax_bar.text(b.get_x() + b.get_width() / 2, 0.02, "", ha="center", va="bottom",
                          fontsize=13) for b in bars]
    ax_bar.set_yticks([0.0, 0.5, 1.0])
    ax_bar.set_ylim(0, 1.15)
    ax_bar.set_xticks([0, 1], ["", ""])
    ax_bar.grid(False)
    # the eigenvalues under the bars: texts where tick labels would be (cheaper to redraw)
    names = [ax_bar.annotate("", (b.get_x() + b.get_width() / 2, 0),
                             xycoords=ax_bar.get_xaxis_transform(), xytext=(0, -7),
                             textcoords="offset points", ha="center", va="top",
                             fontsize=mpl.rcParams["xtick.labelsize"]) for b in bars]
    # what an update changes or draws again, bottom to top
    changing = [ellipses, bold, *rings, through, trail, *arrows, *q_names, *marks, w_mark,
                legend, *bars, *values, *names, ax_bar.title, *ax.spines.values(),
                *ax_bar.spines.values()]
    now = {"lmbda": lmbda, "eig1": eig1, "eig2": eig2, "angle_degrees": angle_degrees}

    def show(lmbda=None, eig1=None, eig2=None, angle_degrees=None):
        """Redraw what depends on the sliders (None: as it is): the caption."""
        asked = {"lmbda": lmbda, "eig1": eig1, "eig2": eig2, "angle_degrees": angle_degrees}
        v = {**now, **{k: x for k, x in asked.items() if x is not None}}
        lmbda = _validate.number("lmbda", v["lmbda"], low=0.0)
        eig1 = _validate.number("eig1", v["eig1"], low=0.0, low_open=True)
        eig2 = _validate.number("eig2", v["eig2"], low=0.0, low_open=True)
        angle = _validate.number("angle_degrees", v["angle_degrees"])
        H, Q, D, ws, contours, path = _l2_background(eig1, eig2, angle, w_star)
        w_t = hessian.l2_minimizer(H, ws, lmbda)
        factors = hessian.shrink_factors(D, lmbda)
        now.update(lmbda=lmbda, eig1=eig1, eig2=eig2, angle_degrees=angle)
        ellipses.set_segments(contours)
        bold.set_data(*quadratic.level_curve(H, ws, hessian.quadratic_cost(w_t, H, ws)))
        rad = float(np.linalg.norm(w_t))
        through.set_data(*(rad * circle))
        trail.set_data(path[:, 0], path[:, 1])
        for k in range(2):
            q = Q[:, k] * 0.3 * r
            arrows[k].xy = ws + q
            q_names[k].set_position(ws + 1.2 * q)
        w_mark.set_data([w_t[0]], [w_t[1]])
        for b, text, f in zip(bars, values, factors):
            b.set_height(f)
            text.set_y(f + 0.02)
            text.set_text(f"{f:.2f}")
        for k, name in enumerate(names):
            name.set_text(f"along q{'₁₂'[k]}\nD{'₁₂'[k] * 2} = {D[k]:.3g}")
        ax_bar.set_title(f"shrink factor (38)\nat λ = {lmbda:.3g}:\nDᵢᵢ / (Dᵢᵢ + λ)")
        return (f"λ = {lmbda:.3g} | D = ({D[0]:.3g}, {D[1]:.3g}), angle {angle:.0f}° | "
                f"shrink (38): along q₁ × {factors[0]:.2f}, along q₂ × {factors[1]:.2f} | "
                f"w* = ({ws[0]:.2f}, {ws[1]:.2f}) → w̃ = ({w_t[0]:.2f}, {w_t[1]:.2f}), "
                f"‖w̃‖ = {rad:.2f}")

    caption = show()
    return updatable(fig, show, changing), caption
