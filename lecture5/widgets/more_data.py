"""Apps of notebook 09: new training digits from old ones."""

from __future__ import annotations

import functools

from .. import experiments, plots
from ._core import (
    FigureApp,
    float_slider,
)


# ---------------------------------------------------------------- 09: more training data
def distortion_app(X=None, degrees=15.0, dx=2.0, dy=0.0, factor=0.3, alpha=34.0, sigma=4.0):
    """Rotate, shift, skew and elastically distort a few real digits with six sliders.

    ``X``: digits as columns (784, k), 1 <= k <= 6; default: the first 5, 0, 4 and 1 of the
    bundled MNIST training set (:func:`lecture5.experiments.sample_digits`).  The figure is
    :func:`lecture5.plots.distortion_grid` (closed form: every slider redraws while it moves);
    the caption gives the share of ink each transformation keeps and the largest elastic
    displacement.
    """
    if X is None:
        X, _ = experiments.sample_digits()
    plots.distortion_grid(X, degrees, dx, dy, factor, alpha, sigma)  # fail early on bad X
    controls = {
        "degrees": float_slider("rotate (° to the left)", degrees, -45.0, 45.0, 1.0),
        "dx": float_slider("shift right (px)", dx, -6.0, 6.0, 0.5),
        "dy": float_slider("shift down (px)", dy, -6.0, 6.0, 0.5),
        "factor": float_slider("skew factor", factor, -0.6, 0.6, 0.05),
        "alpha": float_slider("elastic α (px)", alpha, 0.0, 80.0, 1.0),
        "sigma": float_slider("elastic σ (px)", sigma, 1.0, 10.0, 0.5),
    }
    for name, slider in controls.items():
        slider.add_class(f"lecture5-{name}")
    app = FigureApp(functools.partial(plots.distortion_grid, X), controls,
                    title="New training digits from old ones: rotate, shift, skew, distort")
    app.add_class("lecture5-distortion-app")
    return app
