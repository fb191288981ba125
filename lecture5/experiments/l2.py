"""Notebook 05 (L2 and the Hessian): saturation at initialisation, the Hessian model (31)/(34)/(37)
checked on least squares and on a small network, and lambda chosen on validation digits."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from .. import _validate
from ..datasets import load_mnist, toy_train_test
from ..hessian import analytic_hessian_linear, eigen_decomposition, hessian, l2_minimizer
from ._core import (
    _frozen_history,
    _nonempty,
    _quiet_train,
    _training_digits,
    make_network,
    make_trainer,
)
from .descent import saturation

__all__ = ["init_saturation", "RidgeCheck", "ridge_check", "MOONS_PROBLEM", "NetworkL2Check",
           "network_l2_check", "L2_PROBLEM", "L2Run", "l2_run", "l2_validation_study"]


def init_saturation(seeds=(0, 1, 2), n=1000) -> dict:
    """:func:`saturation` of an *untrained* [784, 30, 10] network on ``n`` training digits, for
    both starts, w ~ N(0, 1/n_in) (``"default"``) and w ~ N(0, 1) (``"large"``), per seed:
    ``{(init, seed): Saturation}``.  With N(0, 1) weights z = w x + b of a hidden unit has a
    standard deviation of about ||x|| (around 9 for a digit), so most units start saturated."""
    X = _training_digits(_validate.integer("n", n, low=1)).X_train
    out = {}
    for init in ("default", "large"):
        for seed in seeds:
            net = make_network((784, 30, 10), seed=_validate.integer("seed", seed, low=0),
                               init=init)
            out[(init, seed)] = saturation(net.weights, net.biases, X)
    return out


class RidgeCheck(NamedTuple):
    """Eq (34)/(37) on linear least squares, where the quadratic model (31) is exact
    (:func:`ridge_check`)."""

    H: np.ndarray             # X X^T / m, :func:`lecture5.hessian.analytic_hessian_linear`
    w_star: np.ndarray        # the least-squares weights, the minimum of C_0
    w_formula: np.ndarray     # (34)/(37): l2_minimizer(H, w*, lambda)
    w_direct: np.ndarray      # the minimum of C_0 + lambda/2 ||w||^2 solved directly
    gradient_at_formula: float  # |grad (C_0 + lambda/2 ||w||^2)| at w_formula, from the data


def ridge_check(lmbda=0.5, k=10, m=200, seed=0) -> RidgeCheck:
    """Linear least squares C_0(w) = 1/(2m) sum_x (w . x - y)^2 on random data (k inputs, m
    examples, seeded): C_0 is exactly the quadratic (31) with H = X X^T / m, so (34)/(37) must
    give the exact regularized minimum.  ``w_direct`` solves the normal equations
    (X X^T / m + lambda I) w = X y / m of C_0 + lambda/2 ||w||^2 (the slides' m = 1 penalty)
    without H's eigen-decomposition or w*; ``gradient_at_formula`` is the gradient of that cost,
    computed from the data, at the formula's answer."""
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    k = _validate.integer("k", k, low=1)
    m = _validate.integer("m", m, low=k)
    rng = np.random.default_rng(_validate.integer("seed", seed, low=0))
    X = rng.normal(size=(k, m)) * np.linspace(0.2, 2.0, k)[:, None]  # curvatures of all sizes
    y = rng.normal(size=k) @ X + 0.5 * rng.normal(size=m)
    H = analytic_hessian_linear(X)
    w_star = np.linalg.lstsq(X.T, y, rcond=None)[0]
    w_formula = l2_minimizer(H, w_star, lmbda)
    w_direct = np.linalg.solve(X @ X.T / m + lmbda * np.eye(k), X @ y / m)
    grad = X @ (X.T @ w_formula - y) / m + lmbda * w_formula
    return RidgeCheck(H, w_star, w_formula, w_direct, float(np.linalg.norm(grad)))


#: notebook 05's small network: [2, 8, 2] on 200 points of the two-moons set
MOONS_PROBLEM = {"sizes": (2, 8, 2), "n_train": 200, "n_test": 500, "noise": 0.2}


def _moons():
    return toy_train_test("moons", n_train=MOONS_PROBLEM["n_train"],
                          n_test=MOONS_PROBLEM["n_test"], noise=MOONS_PROBLEM["noise"], seed=0)


def _weights_gradient(net, X, Y, lmbda):
    """The gradient of C_0 + lambda/2 ||w||^2 with respect to the weights alone (flattened)."""
    _, nabla_w = net.backprop(X, Y)
    return np.concatenate([(g + lmbda * w).ravel() for g, w in zip(nabla_w, net.weights)])


def _descend_weights(net, X, Y, lmbda, eta, tol, max_steps):
    """Full-batch gradient descent on the weights alone (biases fixed) until the gradient of
    C_0 + lambda/2 ||w||^2 is below ``tol``: returns (steps, final gradient norm)."""
    for step in range(max_steps + 1):
        g = _weights_gradient(net, X, Y, lmbda)
        norm = float(np.linalg.norm(g))
        if norm < tol or step == max_steps:
            return step, norm
        i = 0
        for w in net.weights:
            w -= eta * g[i:i + w.size].reshape(w.shape)
            i += w.size
    return max_steps, norm


class NetworkL2Check(NamedTuple):
    """Eq (34)/(37) against the real regularized minimum of a small network
    (:func:`network_l2_check`)."""

    w_star: np.ndarray        # the trained weights (the model's centre)
    gradient_at_w_star: float  # |grad C_0(w*)| (weights): 0 only at a true minimum
    eigenvalues: np.ndarray   # of H at w*, descending
    test_accuracy: float      # of the network at w*
    lambdas: tuple            # the slides' lambda' = lambda / m of each comparison
    w_formula: tuple          # (34)/(37) for each lambda'
    w_actual: tuple           # the stationary point of C_0 + lambda'/2 ||w||^2 reached from w*
    gradient_at_actual: tuple  # |grad| there
    steps: tuple              # gradient-descent steps it took
    c0_star: float            # C_0(w*)
    c0_actual: tuple          # the real C_0 at each w_actual
    c0_model: tuple           # the quadratic model (31) of C_0 at each w_actual


def network_l2_check(lambdas=(1.0, 10.0), tol=1e-7, max_steps=20_000) -> NetworkL2Check:
    """Train notebook 05's network (:data:`MOONS_PROBLEM`: 200 epochs of SGD with mini-batches
    of 10 and eta = 1, then 1,000 full-batch steps with eta = 2, no penalty) to w*, take the
    Hessian of C_0 in the weights there (eq (30), finite differences of backprop), and for every
    lambda in ``lambdas`` (the penalty lambda/(2m) ||w||^2 of (21), m = 200, i.e. the slides'
    lambda' = lambda/m) compare:

    * the prediction of the quadratic model, ``l2_minimizer(H, w*, lambda')``, eqs (34)/(37);
    * the real regularized minimum: full-batch gradient descent on the weights of the network
      itself (biases fixed, as in (30)-(38)), from w*, until |grad (C_0 + lambda'/2 ||w||^2)| <
      ``tol``.

    Cached: asking twice for the same settings trains once.
    """
    _nonempty("lambdas", lambdas, "numbers > 0")
    lambdas = tuple(_validate.number(f"lambdas[{i}]", v, low=0.0, low_open=True)
                    for i, v in enumerate(lambdas))
    return _network_l2_check(lambdas, _validate.number("tol", tol, low=0.0, low_open=True),
                             _validate.integer("max_steps", max_steps, low=1))


@functools.lru_cache(maxsize=4)
def _network_l2_check(lambdas, tol, max_steps):
    toy = _moons()
    X, Y = toy.X_train, toy.Y_train
    sizes = MOONS_PROBLEM["sizes"]
    first = make_trainer(toy, sizes, eta=1.0, evaluate=None)
    first.train(200, progress=False)
    net = first.net
    make_trainer(toy, sizes, eta=2.0, mini_batch_size=X.shape[1], evaluate=None, monitor=False,
                 net=net).train(1000, progress=False)
    w_star = np.concatenate([w.ravel() for w in net.weights])
    g_star = float(np.linalg.norm(_weights_gradient(net, X, Y, 0.0)))
    H = hessian(net, X, Y, weights_only=True)
    D, _ = eigen_decomposition(H)
    acc = net.accuracy(toy.X_test, toy.y_test)
    m = X.shape[1]
    c0_star = float(net.total_cost(X, Y)[0])
    lams, formula, actual, grads, steps, c0_actual, c0_model = [], [], [], [], [], [], []
    for lmbda in lambdas:
        lam = lmbda / m
        lams.append(lam)
        formula.append(l2_minimizer(H, w_star, lam))
        run = net.copy()
        n_steps, g = _descend_weights(run, X, Y, lam, eta=2.0, tol=tol, max_steps=max_steps)
        actual.append(np.concatenate([w.ravel() for w in run.weights]))
        grads.append(g)
        steps.append(n_steps)
        c0_actual.append(float(run.total_cost(X, Y)[0]))
        d = actual[-1] - w_star
        c0_model.append(c0_star + 0.5 * float(d @ H @ d))  # eq (31)
    return NetworkL2Check(w_star, g_star, D, acc, tuple(lams), tuple(formula), tuple(actual),
                          tuple(grads), tuple(steps), c0_star, tuple(c0_actual), tuple(c0_model))


#: notebook 05's MNIST runs: [784, 30, 10], 1,000 validation digits held out of MNIST's training
#: split and 1,000 test digits; eta = 0.5, mini-batches of 10
L2_PROBLEM = {"sizes": (784, 30, 10), "validation": 1000, "n_test": 1000, "eta": 0.5,
              "mini_batch_size": 10}


class L2Run(NamedTuple):
    """One finished run of :func:`l2_run` (per-epoch history evaluated on the validation digits;
    the test digits are measured once, at the end)."""

    history: dict
    val_accuracy: float
    val_cost: float
    test_accuracy: float
    test_cost: float
    message: str


@functools.lru_cache(maxsize=8)
def _l2_data(n_train):
    return load_mnist(n_train=n_train, n_test=L2_PROBLEM["n_test"],
                      validation=L2_PROBLEM["validation"], seed=0)


def l2_run(lmbda, init="default", seed=0, n_train=1000, epochs=20, monitor=True) -> L2Run:
    """Mini-batch SGD with weight decay, eq (28), on ``n_train`` MNIST digits
    (:data:`L2_PROBLEM`), from w ~ N(0, 1/n_in) (``init="default"``) or N(0, 1) (``"large"``).
    ``monitor=False`` skips the per-epoch evaluation (the history is then empty).  Cached."""
    lmbda = _validate.number("lmbda", lmbda, low=0.0)
    _validate.choice("init", init, ("default", "large"))
    return _l2_run(lmbda, init, _validate.integer("seed", seed, low=0),
                   _validate.integer("n_train", n_train, low=1),
                   _validate.integer("epochs", epochs, low=1), bool(monitor))


@functools.lru_cache(maxsize=64)
def _l2_run(lmbda, init, seed, n_train, epochs, monitor):
    data = _l2_data(n_train)
    trainer = make_trainer(data, L2_PROBLEM["sizes"], eta=L2_PROBLEM["eta"], lmbda=lmbda,
                           mini_batch_size=L2_PROBLEM["mini_batch_size"], evaluate="validation",
                           monitor=monitor, seed=seed, init=init)
    message = _quiet_train(trainer, epochs)
    val_cost, _, val_acc = trainer.evaluate(data.X_val, data.Y_val, data.y_val)
    test_cost, _, test_acc = trainer.evaluate(data.X_test, data.Y_test, data.y_test)
    history = _frozen_history(trainer)
    return L2Run(history, val_acc, val_cost, test_acc, test_cost, message)


def l2_validation_study(lambdas=(0.0, 0.3, 1.0), seeds=(0, 1, 2), init="default", n_train=100,
                        epochs=100, criterion="cost") -> dict:
    """Choose lambda on the validation digits, then measure the test digits once.

    For every lambda and seed, :func:`l2_run` (``init``, ``n_train``, ``epochs``, unmonitored).
    The chosen lambda is the one with the best mean over the seeds of the validation
    ``criterion`` ("cost": lowest C_0; "accuracy": highest).  Returns a dict with ``lambdas``,
    ``seeds``, ``val_accuracy`` and ``val_cost`` (arrays (len(lambdas), len(seeds))), ``chosen``,
    and ``test_accuracy`` / ``test_cost``: ``{lambda: array over seeds}`` for lambda = 0 (if in
    the grid) and the chosen lambda only.
    """
    _validate.choice("criterion", criterion, ("cost", "accuracy"))
    lambdas = [_validate.number(f"lambdas[{i}]", v, low=0.0) for i, v in enumerate(lambdas)]
    seeds = [_validate.integer(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds)]
    if not lambdas or not seeds:
        raise ValueError(f"lambdas and seeds must not be empty, got {lambdas} and {seeds}")
    runs = {(lam, s): l2_run(lam, init, s, n_train, epochs, monitor=False)
            for lam in lambdas for s in seeds}
    val_acc = np.array([[runs[lam, s].val_accuracy for s in seeds] for lam in lambdas])
    val_cost = np.array([[runs[lam, s].val_cost for s in seeds] for lam in lambdas])
    best = (int(np.argmin(val_cost.mean(axis=1))) if criterion == "cost"
            else int(np.argmax(val_acc.mean(axis=1))))
    chosen = lambdas[best]
    reported = [lam for lam in (0.0, chosen) if lam in lambdas]
    return {"lambdas": lambdas, "seeds": seeds, "val_accuracy": val_acc, "val_cost": val_cost,
            "chosen": chosen,
            "test_accuracy": {lam: np.array([runs[lam, s].test_accuracy for s in seeds])
                              for lam in reported},
            "test_cost": {lam: np.array([runs[lam, s].test_cost for s in seeds])
                          for lam in reported}}
