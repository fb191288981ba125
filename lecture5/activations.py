"""Activation functions, each paired with its derivative.

The slides use the sigmoid throughout and remark that "sigma can be replaced by an arbitrary
activation function that is differentiable" (after eq (2)).  An :class:`Activation` is called like
the function itself, ``sigmoid(z)``, and ``sigmoid.prime(z)`` is its derivative sigma'(z), the
factor that appears in BP1 and BP2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

__all__ = ["Activation", "sigmoid", "tanh", "relu", "linear", "ACTIVATIONS", "get_activation"]


@dataclass(frozen=True)
class Activation:
    """A differentiable activation: ``fn(z)`` and ``prime(z)``, both elementwise."""

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    prime: Callable[[np.ndarray], np.ndarray]

    def __call__(self, z):
        return self.fn(z)

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


def _sigmoid_prime(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)), the identity used before eq (12)."""
    s = expit(z)
    return s * (1.0 - s)


def _tanh_prime(z):
    t = np.tanh(z)
    return 1.0 - t * t


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_prime(z):
    return (np.asarray(z) > 0).astype(float)


def _linear(z):
    return np.asarray(z, dtype=float)


def _linear_prime(z):
    return np.ones_like(np.asarray(z, dtype=float))


# scipy's expit is the logistic function 1 / (1 + exp(-z)) without overflow warnings
sigmoid = Activation("sigmoid", expit, _sigmoid_prime)
tanh = Activation("tanh", np.tanh, _tanh_prime)
relu = Activation("relu", _relu, _relu_prime)
linear = Activation("linear", _linear, _linear_prime)

ACTIVATIONS = {a.name: a for a in (sigmoid, tanh, relu, linear)}


def get_activation(activation, name: str = "activation") -> Activation:
    """Return the :class:`Activation` named by a string, or the object itself.

    ``name`` is the argument named in the error message (e.g. ``"output_activation"``).
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(
        f"{name} must be an Activation or one of {sorted(ACTIVATIONS)}, got {activation!r}"
    )
