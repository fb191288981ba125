"""The runs and studies the notebooks show, and the one recipe that builds a demo network.

Layer "Experiments" of the package: data -> maths -> training -> **experiments** -> figures ->
controls.  Every network a notebook, a figure or a widget trains is made by :func:`make_network`
and :func:`make_trainer` and trained by :class:`lecture5.training.Trainer` (mini-batch SGD, eqs
(27), (28), (41)), so the settings mean exactly what they mean there.  The runs the figures share
are cached: asking twice for the same settings trains once, and the figures of a notebook draw the
same networks.  Figures (:mod:`lecture5.plots`) take these results; they never train.

- :mod:`._core`: :func:`make_network`, :func:`make_trainer`, :func:`train_all`, the shared cached
  MNIST run :func:`training_run` (:class:`TrainingRun`), :func:`weight_norm`, :func:`seed_range`
- :mod:`._runs`: the cache of those runs, which can also train a run a slice at a time;
  :func:`next_untrained` names the next run a call would train (an app trains it while the
  kernel idles)
- one module per topic, in lecture order: :mod:`.backprop` (00-03), :mod:`.descent` (04),
  :mod:`.l2` (05), :mod:`.l1` (06), :mod:`.dropout` (07), :mod:`.early_stopping` (08),
  :mod:`.more_data` (09), :mod:`.live` (10, the playground)

``from lecture5 import experiments; experiments.early_run()`` works for every name; a module-level
setting (``EARLY_PROBLEM``, ``L2_PROBLEM``, ...) is read by the topic module that defines it.

Numbering: the backprop slides' (Nielsen's), input = layer 1, so ``net.weights[0]`` is w^2 and
``masks[i]`` belongs to hidden layer i+2.  n is the size of the whole training set (the slides' m
in eqs (39)-(41)).
"""

from ._core import (
    TrainingRun,
    make_network,
    make_trainer,
    seed_range,
    train_all,
    trained_network,
    training_run,
    untrained_cost,
    weight_norm,
)
from ._core import (
    _training_run as _training_run,  # tests read its cache_info()
)
from ._runs import next_untrained
from .backprop import (
    DeltaNorms,
    GradientCost,
    delta_norms,
    finite_difference_passes,
    gate_example,
    gradient_costs,
    loglog_slope,
)
from .descent import (
    SATURATION_MARGIN,
    SGD_PROBLEM,
    Overshoot,
    Saturation,
    SgdRun,
    overshoot,
    saturation,
    saturation_over_seeds,
    sgd_data,
    sgd_run,
)
from .dropout import (
    DROPOUT_PROBLEM,
    DROPOUT_SEEDS,
    MASKS_PER,
    SLIDES_DROPOUT,
    DropoutRun,
    DropoutStudy,
    Step5Runs,
    dropout_run,
    dropout_study,
    slides_dropout_run,
    step5_runs,
)
from .early_stopping import (
    EARLY_PROBLEM,
    TAKE_HOME_METHODS,
    MethodSeeds,
    early_run,
    filter_gap,
    method_seeds,
    stopped_early,
)
from .l1 import (
    L1_PROBLEM,
    L1Sparsity,
    WeightPaths,
    blank_pixels,
    closest_accuracy,
    l1_l2_run,
    l1_l2_table,
    l1_sparsity,
    l1_weight_paths,
    zero_fraction,
)
from .l2 import (
    L2_PROBLEM,
    MOONS_PROBLEM,
    L2Run,
    NetworkL2Check,
    RidgeCheck,
    init_saturation,
    l2_run,
    l2_validation_study,
    network_l2_check,
    ridge_check,
)
from .l2 import (
    _l2_data as _l2_data,  # widgets.l2_app trains on these digits
)
from .live import (
    LARGE_ETA_PROBLEM,
    SaturationReport,
    large_eta_reports,
    saturation_report,
)
from .more_data import (
    accuracy_table,
    sample_digits,
    training_size_accuracy,
)

__all__ = [
    "make_network", "make_trainer", "train_all", "untrained_cost", "trained_network",
    "next_untrained", "TrainingRun", "training_run", "weight_norm", "seed_range", "gate_example",
    "DeltaNorms",
    "delta_norms", "GradientCost", "gradient_costs", "finite_difference_passes", "loglog_slope",
    "SGD_PROBLEM", "SgdRun", "sgd_run", "sgd_data", "SATURATION_MARGIN", "Saturation",
    "saturation", "saturation_over_seeds", "Overshoot", "overshoot", "init_saturation",
    "RidgeCheck", "ridge_check", "MOONS_PROBLEM", "NetworkL2Check", "network_l2_check",
    "L2_PROBLEM", "L2Run", "l2_run", "l2_validation_study", "L1_PROBLEM", "l1_l2_run",
    "zero_fraction", "WeightPaths", "l1_weight_paths", "blank_pixels", "L1Sparsity",
    "l1_sparsity", "l1_l2_table", "closest_accuracy", "DROPOUT_PROBLEM", "dropout_run",
    "Step5Runs", "step5_runs", "DROPOUT_SEEDS", "SLIDES_DROPOUT", "MASKS_PER", "DropoutRun",
    "slides_dropout_run", "DropoutStudy", "dropout_study", "EARLY_PROBLEM", "early_run",
    "stopped_early", "TAKE_HOME_METHODS", "filter_gap", "MethodSeeds", "method_seeds",
    "sample_digits", "training_size_accuracy", "accuracy_table", "SaturationReport",
    "saturation_report", "LARGE_ETA_PROBLEM", "large_eta_reports"
]
