"""Exercises of notebook 04 (gradient descent and mini-batch SGD, eqs (27)/(28) with lambda = 0).

Every solution is computed with the package: the step-size regimes of the 2-D quadratic come from
:mod:`lecture5.hessian`, the number of mini-batch updates from running :class:`Trainer`.
"""

from __future__ import annotations

import numpy as np

from ..hessian import step_regime, step_thresholds
from ..network import Network
from ..training import Trainer
from . import exercise

__all__ = ["EIGENVALUES", "ETA_2", "N_TRAIN", "MINI_BATCH", "EPOCHS"]

#: eigenvalues D of the Hessian of the notebook's quadratic cost (the slider figure's default)
EIGENVALUES = (5.0, 1.0)
#: the learning rate of exercise 04.2
ETA_2 = 0.3
#: the training set, mini-batch size and epochs of exercise 04.3
N_TRAIN, MINI_BATCH, EPOCHS = 1000, 32, 3


@exercise("04.1", hint="along the i-th eigenvector the distance to w* is multiplied by "
                       "1 - eta D_ii at every step; the steepest direction must keep "
                       "|1 - eta D_max| < 1.")
def largest_converging_eta():
    """The learning rate above which gradient descent diverges on the quadratic: 2 / D_max."""
    return step_thresholds(EIGENVALUES).diverging_above


@exercise("04.2", hint="compare eta with 1/(2 D_max), 1/D_max and 2/D_max; answer one word: "
                       "'slow', 'good', 'oscillating' or 'diverging'.")
def regime_of_eta_2():
    """The regime of eta = 0.3 on the quadratic with eigenvalues (5, 1)."""
    return step_regime(ETA_2, EIGENVALUES)


@exercise("04.3", hint="one update (27)/(28) per mini-batch; an epoch walks once through all n "
                       "examples, and the last mini-batch of an epoch may be smaller.")
def updates_in_three_epochs():
    """How many mini-batch updates Trainer makes in 3 epochs with n = 1000 and m-hat = 32."""
    net = Network([1, 1], seed=0)
    X, Y = np.zeros((1, N_TRAIN)), np.zeros((1, N_TRAIN))
    trainer = Trainer(net, X, Y, eta=0.1, mini_batch_size=MINI_BATCH, monitor=False)
    trainer.train(EPOCHS, progress=False)
    return trainer.steps
