"""lecture5: the mathematics of Lecture 5 (backpropagation and regularization) in numpy.

Arrays are columns: activations of a layer have shape (d_l, m), one column per example.

A first run (the bundled MNIST digits, a network, training, its test accuracy)::

    import lecture5
    from lecture5 import CrossEntropyCost, Network

    data = lecture5.datasets.load_mnist()
    net = Network([784, 30, 10], cost=CrossEntropyCost, seed=0)
    trainer = lecture5.training.Trainer(net, data.X_train, data.Y_train, eta=0.5, lmbda=5.0)
    trainer.train(epochs=5)
    net.accuracy(data.X_test, data.y_test)

Every module below is reachable as ``lecture5.<module>`` after ``import lecture5``; it is
imported the first time it is used (so ``import lecture5`` loads neither matplotlib nor
ipywidgets).  Module map, in the order the lecture builds up:
"""

from __future__ import annotations

import importlib
import pkgutil

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

#: the public modules, one line each, in the order the lecture builds up (data, maths, training,
#: experiments, figures, controls); help(lecture5) shows those that exist
MODULES = {
    "datasets": "bundled MNIST digits (load_mnist), the optional full download, 2-D toy sets",
    "toy": "2-D toy sets (moons, circles, spiral, xor) for the playground",
    "augment": "rotate, shift, skew, elastic distortion; expanding a data set",
    "activations": "sigmoid and its derivative; tanh, ReLU, linear for comparison",
    "costs": "quadratic cost (8), cross-entropy (21), their delta^L",
    "backprop": "Hadamard product (9), BP1-BP4, the algorithm per mini-batch and per example",
    "network": "Network: the forward pass (1)-(4), backprop, update_mini_batch (27)/(28)/(41)",
    "gradcheck": "finite differences; in what sense backpropagation is fast",
    "regularization": "L2 / weight decay (21)-(28), L1 (39)-(41), soft threshold",
    "dropout": "the slides' dropout procedure and inverted dropout",
    "hessian": "Hessian (30), eigenvalues (35), L2 minimizer (34)/(37), shrink factors (38), "
               "the exact L1 minimizer and both paths w~(lambda)",
    "quadratic": "the quadratic model (31)-(32): gradient descent, step regimes, the optimal step, "
                 "early stopping as a filter",
    "training": "Trainer: mini-batch SGD with history, early stopping, divergence detection",
    "experiments": "the runs and studies the notebooks show",
    "plots": "figure builders: parameters or results in, a matplotlib figure out",
    "widgets": "slider apps: controls, an Output, a figure",
    "playground": "the live trainer that keeps learning while eta and lambda move",
    "exercises": "the notebooks' exercises and check()",
}


def submodules() -> list[str]:
    """The public modules of the package that exist in this installation (none imported)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def _module_map() -> str:
    present = set(submodules())
    names = [n for n in MODULES if n in present] + sorted(present - set(MODULES))
    width = max(map(len, names), default=0)
    return "\n".join(f"    {n:<{width}}  {MODULES.get(n, '')}".rstrip() for n in names)


if __doc__:  # None under python -OO
    __doc__ += "\n" + _module_map() + "\n"


def __getattr__(name: str):
    """``lecture5.<module>``: import a public submodule the first time it is asked for."""
    if not name.startswith("_") and name in submodules():
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}; its modules are "
                         f"{', '.join(submodules())}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(submodules()))
