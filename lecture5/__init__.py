"""lecture5: the mathematics of Lecture 5 (backpropagation and regularization) in numpy.

Arrays are columns: activations of a layer have shape (d_l, m), one column per example.
"""

from .activations import linear, relu, sigmoid, tanh
from .backprop import bp1, bp2, bp3, bp4, hadamard
from .costs import CrossEntropyCost, QuadraticCost
from .network import Network

__all__ = [
    "Network",
    "QuadraticCost",
    "CrossEntropyCost",
    "hadamard",
    "bp1",
    "bp2",
    "bp3",
    "bp4",
    "sigmoid",
    "tanh",
    "relu",
    "linear",
]

__version__ = "0.1.0"
