"""Exercises of notebooks 01-03: the right answer passes, typical wrong answers do not.

The right answers below are computed independently of the exercise modules (by hand from the
equations), so a wrong solution function would fail here.  Numbering: Nielsen's (input = layer 1).
"""

import numpy as np
import pytest

from lecture5 import Network, sigmoid
from lecture5.exercises import EXERCISES, check
from lecture5.exercises.nb01_notation import tiny_network
from lecture5.exercises.nb02_hadamard import S, T, Z
from lecture5.exercises.nb03_backpropagation import example


def _by_hand_03():
    """delta^L, delta^2 and the activations of the 03 example, written out with numpy."""
    net, x, y = example()
    (w2, w3), (b2, b3) = net.weights, net.biases
    z2 = w2 @ x + b2
    a2 = 1 / (1 + np.exp(-z2))
    z3 = w3 @ a2 + b3
    a3 = 1 / (1 + np.exp(-z3))
    delta3 = (a3 - y) * a3 * (1 - a3)  # eq (12)
    delta2 = (w3.T @ delta3) * a2 * (1 - a2)  # eq (18)
    return x, delta2, delta3, a3 - y


def _z_3_2_by_hand():
    """z^3_2 with explicit sums over k (eqs (1), (3)); also two typical slips."""
    net, x = tiny_network()
    (w2, w3), (b2, b3) = net.weights, net.biases
    a2 = [1 / (1 + np.exp(-(sum(w2[j, k] * x[k, 0] for k in range(3)) + b2[j, 0])))
          for j in range(4)]
    no_bias = sum(w3[1, k] * a2[k] for k in range(4))
    z2 = [sum(w2[j, k] * x[k, 0] for k in range(3)) + b2[j, 0] for j in range(4)]
    no_sigma = sum(w3[1, k] * z2[k] for k in range(4)) + b3[1, 0]
    return no_bias + b3[1, 0], no_bias, no_sigma


RIGHT = {
    "01.1": lambda: (2, 4),
    "01.2": lambda: _z_3_2_by_hand()[0],
    "01.3": lambda: 784 * 30 + 30 + 30 * 10 + 10,
    "02.1": lambda: np.array([S[0] * T[0], S[1] * T[1], S[2] * T[2]]),
    "02.2": lambda: (4, 4),
    "02.3": lambda: np.diag(sigmoid(Z) * (1 - sigmoid(Z))),
    "03.1": lambda: _by_hand_03()[2],
    "03.2": lambda: _by_hand_03()[0][0, 0] * _by_hand_03()[1][2, 0],  # a^1_1 delta^2_3
    "03.3": lambda: 2 * (784 * 100 + 100 + 100 * 10 + 10),
}

WRONG = {
    "01.1": [(4, 2), (2, 3), 8],  # transposed, wrong layer, size instead of shape
    "01.2": [lambda: _z_3_2_by_hand()[1],  # bias forgotten
             lambda: float(sigmoid(_z_3_2_by_hand()[0])),  # a^3_2 instead of z^3_2
             lambda: _z_3_2_by_hand()[2]],  # x fed into layer 3's neuron without sigma
    "01.3": [784 * 30 + 30 * 10, 784 + 30 + 10],  # biases forgotten; neurons counted
    "02.1": [np.outer(S, T), np.dot(S, T), S + T],
    "02.2": [(4, 1), (1, 4), (4,)],
    "02.3": [sigmoid.prime(Z), np.diag(sigmoid(Z)), np.eye(3) * 0.25],
    "03.1": [lambda: _by_hand_03()[3],  # a^L - y: the cross-entropy's delta^L, not (13)
             lambda: -_by_hand_03()[2], lambda: _by_hand_03()[2].T],
    "03.2": [lambda: _by_hand_03()[0][2, 0] * _by_hand_03()[1][0, 0],  # j and k swapped
             lambda: _by_hand_03()[1][2, 0]],  # dC/db^2_3 instead
    "03.3": [784 * 100 + 100 + 100 * 10 + 10, 2 * (784 * 100 + 100 * 10)],
}


def test_every_exercise_of_01_03_is_registered():
    check("01.1", None)  # loads every exercise module
    keys = {k for k in EXERCISES if k[:2] in ("01", "02", "03")}
    assert keys == set(RIGHT)


@pytest.mark.parametrize("key", sorted(RIGHT))
def test_the_right_answer_is_accepted(key, capsys):
    assert check(key, RIGHT[key]())
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("key, wrong", [(k, w) for k, ws in sorted(WRONG.items()) for w in ws])
def test_wrong_answers_are_rejected_with_a_hint(key, wrong, capsys):
    answer = wrong() if callable(wrong) else wrong
    assert not check(key, answer)
    out = capsys.readouterr().out
    assert "not yet" in out and "Hint:" in out


@pytest.mark.parametrize("key", sorted(RIGHT))
def test_no_answer_yet(key, capsys):
    assert not check(key, ...)
    assert "no answer yet" in capsys.readouterr().out


def test_the_example_networks_are_fixed():
    a, b = tiny_network()[0], tiny_network()[0]
    for w, v in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(w, v)
    assert example()[0].sizes == Network([3, 4, 2]).sizes


def test_a_verdict_displays_nothing_in_a_notebook_beyond_the_printed_message(capsys):
    from IPython.core.formatters import DisplayFormatter

    verdict = check("01.1", ...)
    assert not verdict and verdict.correct is False
    assert "no answer yet" in capsys.readouterr().out
    # the notebook's display machinery shows nothing for it: no "Out[...]: False" under the message
    assert DisplayFormatter().format(verdict) == ({}, {})
    assert "not yet" in repr(verdict)
