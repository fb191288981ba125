"""Exercises of notebook 08 (early stopping).  Solutions computed with the package, on the run of
the notebook (:data:`lecture5.plots.EARLY_PROBLEM`)."""

from __future__ import annotations

from .. import plots
from . import exercise

__all__ = ["PATIENCE_1", "PATIENCE_2"]

#: the patience of exercise 08.1 and of exercise 08.2
PATIENCE_1, PATIENCE_2 = 4, 5


@exercise("08.1", hint="training stops after k epochs in a row without a better validation "
                       "accuracy, counted from the best epoch.")
def epochs_after_best():
    """With patience PATIENCE_1: (epoch after which training stops) - (epoch that is restored)."""
    run = plots.early_run(PATIENCE_1)
    return run.epochs_run - run.best_epoch


@exercise("08.2", hint="plots.early_run(None) is the full run, plots.early_run(5) the early-"
                       "stopped one; plots.weight_norm(run.weights) gives sqrt(sum w^2).",
          rtol=5e-3)
def norm_ratio():
    """Weight norm after all epochs divided by that of the network restored with PATIENCE_2."""
    return plots.weight_norm(plots.early_run(None).weights) / plots.weight_norm(
        plots.early_run(PATIENCE_2).weights)


@exercise("08.3", hint="look at the right panel of the take-home figure; answer with the name "
                       "as it is written there (none, L2, L1, dropout or early stopping).")
def largest_weights():
    """The method of the take-home figure whose final network has the largest weight norm."""
    norms = {}
    for label, settings in plots.TAKE_HOME_METHODS.items():
        settings = dict(settings)
        run = plots.early_run(settings.pop("patience", None), **settings)
        name = " ".join(label.split("\n")[:-1]) or label  # "L2\nλ = 1" -> "L2"
        norms[name] = plots.weight_norm(run.weights)
    return max(norms, key=norms.get)
