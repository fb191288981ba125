"""Exercises of notebook 07 (dropout).  Solutions computed with the package.

Numbering: Nielsen's (input = layer 1); ``weights[1]`` is w^3, the weights leaving hidden layer 2.
"""

from __future__ import annotations

import numpy as np

from ..dropout import dropout_masks, test_time_weights
from . import exercise

__all__ = ["SIZES_1", "P_DROP_1", "W3", "P_DROP_2", "P_DROP_3"]

#: exercise 07.1: the network and p_drop
SIZES_1, P_DROP_1 = (784, 100, 30, 10), 0.2
#: exercise 07.2: w^3 of a [2, 3, 1] network trained with dropout p_drop = 0.25
W3, P_DROP_2 = np.array([[0.8, -0.4, 1.2]]), 0.25
#: exercise 07.3: p_drop for inverted dropout
P_DROP_3 = 0.2


@exercise("07.1", hint="only hidden nodes are deleted, p_drop of each hidden layer; input and "
                       "output nodes always stay.")
def deleted_per_mini_batch():
    """How many nodes the procedure deletes in each mini-batch for SIZES_1 and P_DROP_1."""
    masks = dropout_masks(SIZES_1, P_DROP_1, np.random.default_rng(0))
    return int(sum(np.count_nonzero(m == 0) for m in masks))


@exercise("07.2", hint="at test time every node is there, but in training each one was present "
                       "only with probability 1 - p_drop: scale the weights leaving it by that.")
def test_time_w3():
    """w^3 to use at test time (the weights leaving the dropped-out hidden layer)."""
    return test_time_weights([np.ones((3, 2)), W3], P_DROP_2)[1]


@exercise("07.3", hint="inverted dropout keeps the expected activation unchanged: a kept node "
                       "is multiplied by 1 / (probability of being kept).")
def inverted_scale():
    """The factor by which inverted dropout multiplies a kept activation, p_drop = P_DROP_3."""
    (mask,) = dropout_masks([1, 10, 1], P_DROP_3, np.random.default_rng(0), inverted=True)
    return float(mask.max())
