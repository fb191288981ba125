"""Figure builders by topic: parameters or run results in, a matplotlib ``Figure`` out.

Every builder computes its numbers with the package's maths modules (or takes the runs of
:mod:`lecture5.experiments`), then draws; nothing here trains a network and nothing here holds
maths.  A builder returns a Figure, or ``(fig, caption)`` when a line of numbers goes with it.

- :mod:`._style`: sizes, fonts, the palette, :func:`new_figure`, :func:`styled`, :func:`to_png`
- :mod:`._render`: :class:`Frames`, how an app renders one figure after another fast; behind
  it :mod:`._pastes` (a legend or an axis drawn again as it was is pasted) and
  :mod:`._fast_artists` (notebook 09's image and arrows, drawn as matplotlib draws them, faster)
- :mod:`.draw`: helpers that take an ``ax`` (matrices, digits, a gradient-descent path, ...)
- one module per topic, in lecture order: :mod:`.notation` (01-02), :mod:`.backprop` (03),
  :mod:`.descent` (04), :mod:`.l2_hessian` (05), :mod:`.l1` and :mod:`.l1_rotated` (06),
  :mod:`.dropout` (07),
  :mod:`.early_stopping` (08), :mod:`.more_data` (09), :mod:`.live` (10, the playground)

``from lecture5 import plots; plots.gd_quadratic(0.1)`` works for every builder.
"""

from . import draw
from ._render import Frames, Interrupted, render_once, updatable, update_in_place
from ._style import (
    DPI,
    FIGSIZE,
    METHOD_COLOURS,
    REGIME_COLOURS,
    RUN_COLOURS,
    new_figure,
    projection_mode,
    style,
    styled,
    to_png,
)
from .backprop import backprop_speed, delta_norms_figure, gradient_cost_figure, output_saturation
from .descent import (
    GD_ANGLE,
    GD_EIGENVALUES,
    GD_ETA_RANGE,
    GD_STEPS,
    GD_W0,
    GD_W_STAR,
    gd_quadratic,
    gd_regimes,
    training_curves,
)
from .dropout import (
    dropout_expectation_figure,
    dropout_network_figure,
    dropout_overfitting_figure,
    dropout_seeds_figure,
    step5_figure,
)
from .early_stopping import early_stopping_figure, early_stopping_vs_l2_figure, take_home_figure
from .l1 import (
    l1_l2_eigen_figure,
    l1_l2_histograms,
    l1_l2_weight_images,
    l1_trajectories_figure,
    penalty_step_figure,
)
from .l1_rotated import l1_rotated_figure
from .l2_hessian import L2_ANGLE, L2_EIGENVALUES, L2_W_STAR, hessian_spectrum, l2_hessian_picture
from .live import (
    PLAYGROUND_FIGSIZE,
    LiveView,
    playground_figure,
    playground_snapshot,
    render_png,
    update_playground_figure,
)
from .more_data import distortion_grid, rotation_figure, training_size_figure
from .notation import hadamard_gate, hadamard_pictures, network_diagram

__all__ = [
    "Frames",
    "Interrupted",
    "render_once",
    "updatable",
    "update_in_place",
    "FIGSIZE", "DPI", "projection_mode", "style", "new_figure", "styled", "to_png",
    "REGIME_COLOURS", "RUN_COLOURS", "METHOD_COLOURS", "draw",
    "network_diagram", "hadamard_pictures", "hadamard_gate",
    "output_saturation", "backprop_speed", "gradient_cost_figure", "delta_norms_figure",
    "GD_EIGENVALUES", "GD_ANGLE", "GD_W_STAR", "GD_W0", "GD_STEPS", "GD_ETA_RANGE",
    "gd_quadratic", "gd_regimes", "training_curves",
    "L2_EIGENVALUES", "L2_ANGLE", "L2_W_STAR", "hessian_spectrum", "l2_hessian_picture",
    "penalty_step_figure", "l1_l2_eigen_figure", "l1_l2_histograms", "l1_l2_weight_images",
    "l1_trajectories_figure", "l1_rotated_figure",
    "dropout_network_figure", "dropout_expectation_figure", "dropout_overfitting_figure",
    "step5_figure", "dropout_seeds_figure",
    "early_stopping_figure", "early_stopping_vs_l2_figure", "take_home_figure",
    "rotation_figure", "distortion_grid", "training_size_figure",
    "PLAYGROUND_FIGSIZE", "LiveView", "playground_figure", "update_playground_figure", "render_png",
    "playground_snapshot",
]

