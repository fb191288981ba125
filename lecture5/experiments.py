"""The runs and studies the notebooks show, and the one recipe that builds a demo network.

Layer "Experiments" of the package: data -> maths -> training -> **experiments** -> figures ->
controls.  Every network a notebook, a figure or a widget trains is made by :func:`make_network`
and :func:`make_trainer` and trained by :class:`lecture5.training.Trainer` (mini-batch SGD, eqs
(27), (28), (41)), so the settings mean exactly what they mean there.  The runs the figures share
are cached: asking twice for the same settings trains once, and the figures of a notebook draw the
same networks.  Figures (:mod:`lecture5.plots`) take these results; they never train.

Numbering: the backprop slides' (Nielsen's), input = layer 1, so ``net.weights[0]`` is w^2 and
``masks[i]`` belongs to hidden layer i+2.  n is the size of the whole training set (the slides' m
in eqs (39)-(41)).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from . import _validate, augment
from .activations import sigmoid
from .costs import CrossEntropyCost, QuadraticCost
from .datasets import load_mnist, one_hot
from .dropout import literal_step5, test_time_weights
from .network import Network
from .training import Trainer

__all__ = [
    "make_network", "make_trainer", "train_all", "untrained_cost", "trained_network",
    "gate_example",
    "TrainingRun", "training_run", "L1_PROBLEM", "l1_l2_run", "zero_fraction", "WeightPaths",
    "l1_weight_paths", "DROPOUT_PROBLEM", "dropout_run", "Step5Runs", "step5_runs",
    "EARLY_PROBLEM", "early_run", "stopped_early", "weight_norm", "TAKE_HOME_METHODS",
    "sample_digits", "training_size_accuracy", "accuracy_table",
]


# ---------------------------------------------------------------- the one recipe
def make_network(sizes, seed=0, cost=CrossEntropyCost, activation=sigmoid, init="default"):
    """``Network(sizes, cost, seed, activation, init)``: every demo network starts here.

    ``init="large"`` draws the initial weights from N(0, 1) instead of N(0, 1/n_in), the start of
    the overfitting experiment in Nielsen's chapter 3.
    """
    return Network(list(sizes), cost=cost, seed=seed, activation=activation, init=init)


def _part(data, name):
    """``data.name`` of a :func:`lecture5.datasets.load_mnist` result, or ``data[name]`` of a
    mapping with the same keys (``X_train``, ``Y_train``, ``y_train``, ``X_test``, ...)."""
    if isinstance(data, Mapping):
        return data.get(name)
    return getattr(data, name, None)


def make_trainer(data, sizes, *, eta, lmbda=0.0, penalty="l2", p_drop=0.0, dropout="slides",
                 mini_batch_size=10, evaluate="test", early_stopping=None, monitor=True,
                 seed=0, cost=CrossEntropyCost, activation=sigmoid, init="default") -> Trainer:
    """A :class:`lecture5.training.Trainer` of a fresh :func:`make_network` on ``data``.

    ``data`` holds ``X_train``, ``Y_train`` and ``y_train`` (and ``X_test``, ``Y_test``,
    ``y_test``, or ``X_val``, ``Y_val``, ``y_val``), as attributes or keys.  ``evaluate`` picks
    the per-epoch evaluation set: "test", "validation" or None (none).  The mini-batch size is
    capped at the number of training examples.  ``eta``, ``lmbda``, ``penalty``, ``p_drop``,
    ``dropout``, ``early_stopping`` and ``seed`` mean what they mean for ``Trainer``.
    """
    _validate.choice("evaluate", evaluate, ("test", "validation", None))
    X, Y = _part(data, "X_train"), _part(data, "Y_train")
    eval_data = None
    if evaluate is not None:
        suffix = "test" if evaluate == "test" else "val"
        eval_data = tuple(_part(data, f"{k}_{suffix}") for k in ("X", "Y", "y"))
    net = make_network(sizes, seed=seed, cost=cost, activation=activation, init=init)
    return Trainer(net, X, Y, eta=eta, mini_batch_size=min(mini_batch_size, X.shape[1]),
                   lmbda=lmbda, penalty=penalty, p_drop=p_drop, dropout=dropout,
                   labels=_part(data, "y_train"), eval_data=eval_data, monitor=monitor,
                   early_stopping=early_stopping, seed=seed)


def train_all(trainers: dict, epochs, progress=None):
    """Train every ``{label: Trainer}`` for ``epochs`` epochs (or until it stops).

    ``progress(done, total)`` is called after every epoch (a progress bar).  Returns
    ``(histories, note)``: ``{label: trainer.history}`` and the trainers' messages joined.
    """
    epochs = _validate.integer("epochs", epochs, low=1)
    total, done = epochs * len(trainers), 0
    for trainer in trainers.values():
        for _ in range(epochs):
            trainer.run_epoch()
            done += 1
            if progress is not None:
                progress(done, total)
            if trainer.stopped:
                break
    if progress is not None:
        progress(total, total)
    note = " ".join(t.message for t in trainers.values() if t.message)
    return {label: t.history for label, t in trainers.items()}, note


def untrained_cost(data, sizes, seed=0) -> float:
    """The training cost C_0 of the network every :func:`make_trainer` run starts from."""
    return make_network(sizes, seed=seed).total_cost(_part(data, "X_train"),
                                                     _part(data, "Y_train"))[0]


def trained_network(run, sizes):
    """A network with the weights and biases of ``run`` (a :class:`TrainingRun`)."""
    net = make_network(sizes)
    net.set_parameters(run.weights, run.biases)
    return net


def gate_example():
    """The fixed network [4, 6, 3] (quadratic cost), input x and target y of notebook 02's
    gate figure (seeded)."""
    net = make_network([4, 6, 3], seed=3, cost=QuadraticCost)
    rng = np.random.default_rng(3)
    return net, rng.normal(size=(4, 1)), np.array([[1.0], [0.0], [0.0]])


# ---------------------------------------------------------------- shared MNIST runs (06-08)

class TrainingRun(NamedTuple):
    """One finished run of :func:`training_run` (all arrays read-only).

    ``history`` is ``Trainer.history`` with tuples instead of lists; ``weights``/``biases`` are
    the network after training (the restored best ones after early stopping); ``eval_accuracy``
    is the accuracy on the evaluation set (validation set if there is one, else the test set) of
    that final network, ``test_accuracy``/``test_cost`` the same on the test set (with the
    test-time weight scaling after the slides' dropout).
    """

    history: dict
    weights: tuple
    biases: tuple
    eval_accuracy: float
    test_accuracy: float
    test_cost: float
    epochs_run: int
    best_epoch: int | None
    message: str


def _frozen(arrays):
    out = []
    for a in arrays:
        a = np.array(a, dtype=float)
        a.setflags(write=False)
        out.append(a)
    return tuple(out)


def training_run(sizes=(784, 30, 10), n_train=1000, epochs=30, eta=0.5, lmbda=0.0,
                 penalty="l2", p_drop=0.0, dropout="slides", patience=None, validation=0,
                 n_test=2000, mini_batch_size=10, seed=0) -> TrainingRun:
    """Train ``Network(sizes, CrossEntropyCost, seed)`` on ``n_train`` bundled MNIST digits.

    Every run goes through :class:`lecture5.training.Trainer` (mini-batch SGD, eqs (27), (28),
    (41)), so the settings mean exactly what they mean there.  The per-epoch evaluation uses the
    ``validation`` digits held out of the training split when ``validation > 0`` (early stopping
    with ``patience`` watches them), else the ``n_test`` test digits.  Runs are cached: asking
    twice for the same settings trains once (the figures of a notebook share runs).
    """
    sizes = tuple(_validate.integer(f"sizes[{i}]", s, low=1) for i, s in enumerate(sizes))
    return _training_run(sizes, n_train, epochs, float(eta), float(lmbda), penalty,
                         float(p_drop), dropout, patience, validation, n_test, mini_batch_size,
                         seed)


@functools.lru_cache(maxsize=48)
def _training_run(sizes, n_train, epochs, eta, lmbda, penalty, p_drop, dropout, patience,
                  validation, n_test, mini_batch_size, seed):
    data = load_mnist(n_train=n_train, n_test=n_test, validation=validation, seed=seed)
    test = (data.X_test, data.Y_test, data.y_test)
    evaluation = (data.X_val, data.Y_val, data.y_val) if validation else test
    trainer = make_trainer(data, sizes, eta=eta, lmbda=lmbda, penalty=penalty, p_drop=p_drop,
                           dropout=dropout, mini_batch_size=mini_batch_size,
                           evaluate="validation" if validation else "test",
                           early_stopping=patience, seed=seed)
    net = trainer.net
    trainer.train(epochs, progress=False)
    _, _, eval_acc = trainer.evaluate(*evaluation)
    test_cost, _, test_acc = trainer.evaluate(*test)
    history = {k: tuple(v) for k, v in trainer.history.items()}
    return TrainingRun(history, _frozen(net.weights), _frozen(net.biases), eval_acc,
                       test_acc, test_cost, trainer.epoch, trainer.best_epoch, trainer.message)


#: the small problem of notebook 06: a [784, 10] network (ten sigmoid "logistic regressions"),
#: 500 training digits, 10 epochs
L1_PROBLEM = {"sizes": (784, 10), "n_train": 500, "epochs": 10, "eta": 0.5, "n_test": 1000}


def l1_l2_run(penalty, lmbda, **settings) -> TrainingRun:
    """The run of notebook 06's small problem (:data:`L1_PROBLEM`) with ``penalty`` and lambda."""
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    return training_run(lmbda=lmbda, penalty=penalty, **kw)


def zero_fraction(weights):
    total = sum(w.size for w in weights)
    return sum(int(np.count_nonzero(w == 0)) for w in weights) / total


class WeightPaths(NamedTuple):
    """Weight trajectories of :func:`l1_weight_paths`: ``paths[p]`` has shape (steps + 1, k)."""

    steps: np.ndarray
    paths: dict
    indices: np.ndarray
    step_size: float
    zero_fraction: dict


def l1_weight_paths(lmbda=3.0, k=4, **settings) -> WeightPaths:
    """Train the small problem twice, with the sgn(w) step (41) and with the soft threshold, and
    follow ``k`` weights of w^2 step by step.

    Both runs use the same seed, hence the same mini-batches: they differ only in the L1 step.
    The weights shown are ones that the soft-threshold run sets to exactly zero by the end (plus
    one that survives), among pixels that are not always blank.  ``step_size`` is eta lambda / n.
    """
    lmbda = _validate.number("lmbda", lmbda, low=0.0, low_open=True)
    k = _validate.integer("k", k, low=2, high=8)
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    return _l1_weight_paths(lmbda, k, tuple(kw["sizes"]), kw["n_train"], kw["epochs"],
                            float(kw["eta"]), kw.get("seed", 0))


@functools.lru_cache(maxsize=8)
def _l1_weight_paths(lmbda, k, sizes, n_train, epochs, eta, seed):
    data = load_mnist(n_train=n_train, n_test=1, seed=seed)
    # candidate weights: into output neurons 0..9 from pixels that some training digit uses
    used = np.flatnonzero(data.X_train.max(axis=1) > 0.5)
    rng = np.random.default_rng(seed)
    cand = np.sort(rng.choice(sizes[1] * used.size, size=min(300, sizes[1] * used.size),
                              replace=False))
    rows_, cols_ = np.divmod(cand, used.size)
    flat_idx = rows_ * sizes[0] + used[cols_]
    paths, zero = {}, {}
    for p in ("l1", "l1_prox"):
        trainer = make_trainer(data, sizes, eta=eta, lmbda=lmbda, penalty=p, evaluate=None,
                               monitor=False, seed=seed)
        net = trainer.net
        total = epochs * trainer.batches_per_epoch
        rec = np.empty((total + 1, flat_idx.size))
        rec[0] = net.weights[0].ravel()[flat_idx]
        for s in range(total):
            trainer.step()
            rec[s + 1] = net.weights[0].ravel()[flat_idx]
        paths[p] = rec
        zero[p] = zero_fraction(net.weights)
    prox = paths["l1_prox"]
    start = np.abs(prox[0])
    # weights the soft threshold holds at exactly 0 for most of the last 40 steps, the largest at
    # the start first; plus one that L1 keeps (a final size near 0.15, to share the axes)
    held = np.mean(prox[-40:] == 0, axis=0)
    zeroed = np.flatnonzero(held >= 0.9)
    zeroed = zeroed[np.argsort(-start[zeroed], kind="stable")][: k - 1]
    alive = np.flatnonzero(prox[-1] != 0)
    survivor = alive[np.argmin(np.abs(np.abs(prox[-1, alive]) - 0.15))]
    pick = np.concatenate([zeroed, [survivor]])
    n = data.X_train.shape[1]
    out_paths = {p: v[:, pick].copy() for p, v in paths.items()}
    return WeightPaths(np.arange(paths["l1"].shape[0]), out_paths, flat_idx[pick],
                       eta * lmbda / n, zero)


#: the overfitting run of notebook 07, the slides' example (Nielsen's chapter 3): 1,000 training
#: digits, a [784, 30, 10] network, eta = 0.5, mini-batches of 10, 30 epochs
DROPOUT_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "epochs": 30, "eta": 0.5,
                   "n_test": 2000}


def dropout_run(p_drop=0.5, dropout="slides", **settings) -> TrainingRun:
    """The run of notebook 07's problem (:data:`DROPOUT_PROBLEM`) with dropout ``p_drop``."""
    kw = dict(DROPOUT_PROBLEM)
    kw.update(settings)
    if p_drop == 0:
        dropout = "slides"  # without dropout both modes are the same run
    return training_run(p_drop=p_drop, dropout=dropout, **kw)


class Step5Runs(NamedTuple):
    """:func:`step5_runs`: per-epoch test accuracy and weight norm, the correct test-time scaling
    against the slide's step 5 taken literally, and the accuracy after halving k times."""

    correct_accuracy: tuple
    correct_norm: tuple
    literal_accuracy: tuple
    literal_norm: tuple
    halved_accuracy: tuple  # the finished correct network with all weights halved k = 0, 1, ...


def step5_runs(p_drop=0.5, halvings=8, **settings) -> Step5Runs:
    """Train :data:`DROPOUT_PROBLEM` with dropout twice from the same start.

    *correct*: the network is used at test time with the weights leaving the hidden layer scaled
    by (1 - p_drop), once (:func:`lecture5.dropout.test_time_weights`).  *literal*: after each
    epoch every weight is multiplied by 1/2 (:func:`lecture5.dropout.literal_step5`), training
    goes on from the halved weights, and the network is tested as it is.  ``halved_accuracy[k]``
    is the test accuracy of the finished correct network after k literal halvings with no
    training in between.
    """
    kw = dict(DROPOUT_PROBLEM)
    kw.update(settings)
    halvings = _validate.integer("halvings", halvings, low=0, high=30)
    return _step5_runs(float(p_drop), halvings, tuple(kw["sizes"]), kw["n_train"],
                       kw["epochs"], float(kw["eta"]), kw["n_test"], kw.get("seed", 0))


@functools.lru_cache(maxsize=4)
def _step5_runs(p_drop, halvings, sizes, n_train, epochs, eta, n_test, seed):
    correct = dropout_run(p_drop, "slides", sizes=sizes, n_train=n_train, epochs=epochs, eta=eta,
                          n_test=n_test, seed=seed)
    data = load_mnist(n_train=n_train, n_test=n_test, seed=seed)
    trainer = make_trainer(data, sizes, eta=eta, p_drop=p_drop, evaluate=None, monitor=False,
                           seed=seed)
    net = trainer.net
    acc, norm = [], []
    for _ in range(epochs):
        trainer.run_epoch()
        for w, half in zip(net.weights, literal_step5(net.weights)):
            w[...] = half  # step 5 read literally: every weight times 1/2, after each epoch
        acc.append(net.accuracy(data.X_test, data.y_test))
        norm.append(weight_norm(net.weights))
    final = trained_network(correct, sizes)
    final.weights = test_time_weights(final.weights, p_drop)
    halved = []
    for _ in range(halvings + 1):
        halved.append(final.accuracy(data.X_test, data.y_test))
        final.weights = literal_step5(final.weights)
    h = correct.history
    return Step5Runs(tuple(h["eval_accuracy"]), tuple(h["weight_norm"]), tuple(acc), tuple(norm),
                     tuple(halved))


#: the run of notebook 08: 1,000 training digits and 1,000 validation digits held out of MNIST's
#: training split, a [784, 30, 10] network, at most 30 epochs; 2,000 test digits for the end
EARLY_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "validation": 1000, "epochs": 30,
                 "eta": 0.5, "n_test": 2000}


def early_run(patience=None, **settings) -> TrainingRun:
    """The run of notebook 08 (:data:`EARLY_PROBLEM`), with early stopping after ``patience``
    epochs without a better validation accuracy (None: all epochs).  Other settings (lmbda,
    penalty, p_drop, ...) go to :func:`training_run`."""
    kw = dict(EARLY_PROBLEM)
    kw.update(settings)
    return training_run(patience=patience, **kw)


def stopped_early(run) -> bool:
    """True if early stopping stopped the run (and so restored the weights of its best epoch)."""
    return run.message.startswith("Early stopping")


def weight_norm(weights) -> float:
    """sqrt(sum_w w^2) over all weight matrices (the Trainer's history key "weight_norm")."""
    return math.sqrt(sum(float(np.vdot(w, w)) for w in weights))


#: the methods of notebook 08's take-home figure: label -> settings for :func:`early_run`
TAKE_HOME_METHODS = {
    "none": {},
    "L2\nλ = 1": {"lmbda": 1.0, "penalty": "l2"},
    "L1\nλ = 0.3": {"lmbda": 0.3, "penalty": "l1_prox"},
    "dropout\np = 0.2": {"p_drop": 0.2},
    "early\nstopping\nk = 5": {"patience": 5},
}


def sample_digits(labels=(5, 0, 4, 1)):
    """The first bundled MNIST training digit of each class in ``labels``, in MNIST's own order.

    Returns ``(X, y)``: ``X`` (784, k) with one digit per column, ``y`` (k,) its labels.  The very
    first MNIST training digit is a 5, the one to rotate as on the slide.
    """
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__") or len(labels) == 0:
        raise TypeError(f"labels must be a non-empty list of digit classes 0-9, got {labels!r}")
    labels = [_validate.integer(f"labels[{i}]", c, low=0, high=9) for i, c in enumerate(labels)]
    data = load_mnist(n_test=1, seed=None)
    cols = [int(np.flatnonzero(data.y_train == c)[0]) for c in labels]
    return data.X_train[:, cols].copy(), data.y_train[cols].copy()


def training_size_accuracy(sizes=(250, 500, 1000, 2000), copies=0, examples_seen=30_000,
                           seeds=(0, 1, 2), eta=0.5, mini_batch_size=10, n_test=10_000,
                           transforms=("rotate", "shift", "elastic"), **expand_options):
    """Test accuracy of a [784, 30, 10] cross-entropy network against the training-set size n.

    For every n in ``sizes`` and every seed: take n bundled MNIST training digits (a random sample,
    the same for every seed), optionally add ``copies`` randomly transformed versions of each
    (:func:`lecture5.augment.expand_dataset` with ``transforms`` and ``expand_options``, seeded by
    the seed), train with mini-batch SGD (eq (27)/(28) with lambda = 0, learning rate ``eta``)
    until the network has seen ``examples_seen`` examples (``examples_seen / (n (copies + 1))``
    epochs, rounded, at least 1), and measure the accuracy on ``n_test`` test digits.  Every run
    sees the same number of examples, so expansion costs no extra training steps here; only the
    variety of the data differs.

    Returns a dict with ``sizes``, ``copies``, ``epochs`` (per size), ``accuracy`` (array of
    shape (len(sizes), len(seeds)), fractions) and ``mean`` (over the seeds).
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) == 0:
        raise TypeError(f"sizes must be a non-empty list of training-set sizes, got {sizes!r}")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__len__") or len(seeds) == 0:
        raise TypeError(f"seeds must be a non-empty list of integers, got {seeds!r}")
    data = load_mnist(n_test=_validate.integer("n_test", n_test, low=1, high=10_000),
                      seed=0)
    available = data.X_train.shape[1]
    sizes = [_validate.integer(f"sizes[{i}]", n, low=1, high=available)
             for i, n in enumerate(sizes)]
    seeds = [_validate.integer(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds)]
    copies = _validate.integer("copies", copies, low=0)
    examples_seen = _validate.integer("examples_seen", examples_seen, low=1)
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    mini_batch_size = _validate.integer("mini_batch_size", mini_batch_size, low=1)

    accuracy = np.empty((len(sizes), len(seeds)))
    epochs = []
    for a, n in enumerate(sizes):
        X, y = data.X_train[:, :n], data.y_train[:n]
        n_total = n * (copies + 1)
        epochs.append(max(1, round(examples_seen / n_total)))
        for b, seed in enumerate(seeds):
            Xs, ys = X, y
            if copies:
                Xs, ys = augment.expand_dataset(X, y, copies=copies, transforms=transforms,
                                                seed=seed, **expand_options)
            trainer = make_trainer({"X_train": Xs, "Y_train": one_hot(ys, 10), "y_train": ys},
                                   (784, 30, 10), eta=eta, mini_batch_size=mini_batch_size,
                                   evaluate=None, monitor=False, seed=seed)
            net = trainer.net
            trainer.train(epochs[-1], progress=False)
            if trainer.stopped:
                raise FloatingPointError(trainer.message)
            accuracy[a, b] = net.accuracy(data.X_test, data.y_test)
    return {"sizes": sizes, "copies": copies, "epochs": epochs, "accuracy": accuracy,
            "mean": accuracy.mean(axis=1), "examples_seen": examples_seen}


def accuracy_table(*results):
    """The accuracies of :func:`training_size_accuracy` results as a text table, in percent.

    One line per training-set size n, one column per result (mean over the seeds, then the
    lowest and highest seed in brackets).
    """
    if not results:
        raise ValueError("accuracy_table needs at least one result of training_size_accuracy")
    sizes = sorted({n for r in results for n in r["sizes"]})
    head = "n digits | " + " | ".join(
        "original only" if r["copies"] == 0 else f"expanded x{r['copies'] + 1}" for r in results)
    lines = [head]
    for n in sizes:
        cells = []
        for r in results:
            if n in r["sizes"]:
                i = r["sizes"].index(n)
                acc = 100.0 * r["accuracy"][i]
                cells.append(f"{acc.mean():5.1f}% [{acc.min():.1f}, {acc.max():.1f}]")
            else:
                cells.append("-")
        lines.append(f"{n:8d} | " + " | ".join(cells))
    return "\n".join(lines)


# ================================================================ notebooks 04 and 05
# The learning-rate runs of notebook 04 and what saturation does to them; the initialisation,
# the validation-chosen lambda and the Hessian model checked, of notebook 05.

import warnings  # noqa: E402  (kept in this block so that parallel edits merge cleanly)

__all__ += ["SGD_PROBLEM", "SgdRun", "sgd_run", "sgd_data", "SATURATION_MARGIN", "Saturation",
            "saturation", "saturation_over_seeds", "Overshoot", "overshoot", "init_saturation",
            "RidgeCheck", "ridge_check", "MOONS_PROBLEM", "NetworkL2Check", "network_l2_check",
            "L2_PROBLEM", "L2Run", "l2_run", "l2_validation_study"]


#: notebook 04's runs: [784, 30, 10], 1,000 training and 1,000 test digits, mini-batches of 10
SGD_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "n_test": 1000, "epochs": 8,
               "mini_batch_size": 10}


class SgdRun(NamedTuple):
    """One finished run of :func:`sgd_run` (arrays read-only); ``message`` holds the trainer's
    message and any warning the run raised (a run that cannot learn says so here, not on
    stderr)."""

    history: dict
    weights: tuple
    biases: tuple
    message: str


def _quiet_train(trainer, epochs):
    """``trainer.train(epochs)`` with warnings recorded into the returned message."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.train(epochs, progress=False)
    texts = [trainer.message] if trainer.message else []
    for w in caught:
        text = str(w.message)
        if text not in texts:
            texts.append(text)
    return " ".join(texts)


def sgd_run(eta, seed=0, mini_batch_size=SGD_PROBLEM["mini_batch_size"],
            epochs=SGD_PROBLEM["epochs"]) -> SgdRun:
    """Mini-batch SGD, eqs (27)/(28) with lambda = 0, on notebook 04's problem
    (:data:`SGD_PROBLEM`): the network and the shuffling seeded by ``seed``, the digits fixed.
    Cached: the curves, the saturation study and the widget's first view share the runs."""
    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    seed = _validate.integer("seed", seed, low=0)
    mini_batch_size = _validate.integer("mini_batch_size", mini_batch_size, low=1)
    epochs = _validate.integer("epochs", epochs, low=1)
    return _sgd_run(eta, seed, mini_batch_size, epochs)


def sgd_data():
    """The digits of notebook 04 (:data:`SGD_PROBLEM`): ``load_mnist(1000, 1000, seed=0)``
    (fresh arrays at every call, safe to modify)."""
    return load_mnist(n_train=SGD_PROBLEM["n_train"], n_test=SGD_PROBLEM["n_test"], seed=0)


@functools.lru_cache(maxsize=32)
def _sgd_run(eta, seed, mini_batch_size, epochs, monitor=True):
    trainer = make_trainer(sgd_data(), SGD_PROBLEM["sizes"], eta=eta, seed=seed,
                           mini_batch_size=mini_batch_size, monitor=monitor)
    message = _quiet_train(trainer, epochs)
    history = {k: tuple(v) for k, v in trainer.history.items()}
    return SgdRun(history, _frozen(trainer.net.weights), _frozen(trainer.net.biases), message)


#: a sigmoid unit counts as saturated when its output is within this distance of 0 or 1:
#: then sigma'(z) = a (1 - a) < 0.01 (at most 4 % of its largest value 1/4)
SATURATION_MARGIN = 0.01


class Saturation(NamedTuple):
    """How saturated the first hidden layer of a sigmoid network is on a set of digits
    (:func:`saturation`)."""

    saturated: float          # fraction of (unit, digit) pairs with a within 0.01 of 0 or 1
    units_always: float       # fraction of hidden units saturated on every digit
    sigma_prime: float        # mean of sigma'(z) = a (1 - a) over units and digits (<= 1/4)
    hidden_spread: float      # max over units of (largest - smallest output over the digits)
    predicted_classes: int    # how many different digits the network predicts
    output_spread: float      # max over output units of (largest - smallest a^L over the digits)
    mean_output: tuple        # a^L averaged over the digits, one entry per class


def saturation(weights, biases, X) -> Saturation:
    """Measure the first hidden layer a^2 = sigma(w^2 x + b^2), eq (4), on the columns of X.

    A unit with a within :data:`SATURATION_MARGIN` of 0 or 1 passes less than 4 % of the
    largest possible sigma' back in BP2, so its incoming weights hardly learn.
    ``hidden_spread`` near 0 means the layer gives (nearly) the same vector for every digit, and
    then the output layer sees the same input for every digit and can only output a constant.
    """
    if len(weights) < 2 or len(weights) != len(biases):
        raise ValueError(f"weights and biases must describe a network with a hidden layer "
                         f"(at least 2 weight matrices, as many biases), got {len(weights)} "
                         f"and {len(biases)}")
    net = make_network([weights[0].shape[1]] + [w.shape[0] for w in weights])
    net.set_parameters([np.array(w) for w in weights], [np.array(b) for b in biases])
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    a = sigmoid(net.weights[0] @ X + net.biases[0])
    sat = (a < SATURATION_MARGIN) | (a > 1.0 - SATURATION_MARGIN)
    out = net.feedforward(X)
    return Saturation(float(sat.mean()), float(sat.all(axis=1).mean()),
                      float((a * (1.0 - a)).mean()), float((a.max(axis=1) - a.min(axis=1)).max()),
                      int(np.unique(out.argmax(axis=0)).size),
                      float((out.max(axis=1) - out.min(axis=1)).max()),
                      tuple(float(v) for v in out.mean(axis=1)))


def saturation_over_seeds(eta, seeds=(0, 1, 2)) -> dict:
    """:func:`saturation` on notebook 04's test digits after :func:`sgd_run` (eta, seed), for
    every seed: ``{seed: Saturation}``."""
    X = sgd_data().X_test
    out = {}
    for seed in seeds:
        seed = _validate.integer("seed", seed, low=0)
        # seed 0 is the run the curves show; the others need only their final weights
        run = sgd_run(eta, seed) if seed == 0 else _sgd_run(
            float(eta), seed, SGD_PROBLEM["mini_batch_size"], SGD_PROBLEM["epochs"], False)
        out[seed] = saturation(run.weights, run.biases, X)
    return out


class Overshoot(NamedTuple):
    """What the output layer of a network whose hidden layer is stuck does (:func:`overshoot`)."""

    outputs: np.ndarray       # (steps + 1, classes): a^L (one digit's) before and after each step
    z_jump: float             # the largest change of one z^L_j in one of these steps
    frequencies: np.ndarray   # (classes,): how often each class occurs in the training set
    best_constant_cost: float  # C_0 of the best constant output a^L = frequencies
    cost: float               # C_0 of the network on the training set before the steps


def overshoot(eta, seed=0, steps=6, epochs=SGD_PROBLEM["epochs"]) -> Overshoot:
    """Continue :func:`sgd_run` (eta, seed, epochs) for ``steps`` more mini-batch steps
    (27)/(28) and record the output a^L for the first training digit before and after each.

    Once every hidden unit is saturated (:func:`saturation`), a^L is the same for every digit,
    so the best the network can do is a constant output; the cross-entropy of a constant is
    smallest at a_j = the frequency of class j.  With cross-entropy the output error a - y does
    not vanish, so each step still moves b^3 by eta times the mini-batch mean of a - y: with a
    large eta that move jumps past the best constant.
    """
    steps = _validate.integer("steps", steps, low=1)
    run = sgd_run(eta, seed, epochs=epochs)
    data = sgd_data()
    net = make_network(SGD_PROBLEM["sizes"])
    net.set_parameters([np.array(w) for w in run.weights], [np.array(b) for b in run.biases])
    X, Y = data.X_train, data.Y_train
    cost = float(net.total_cost(X, Y)[0])
    m_hat = SGD_PROBLEM["mini_batch_size"]
    x = X[:, :1]

    def z_out():
        a = x
        for w, b in zip(net.weights[:-1], net.biases[:-1]):
            a = sigmoid(w @ a + b)
        return (net.weights[-1] @ a + net.biases[-1])[:, 0]

    zs = [z_out()]
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("ignore")
        for i in range(steps):
            cols = slice(i * m_hat, (i + 1) * m_hat)
            net.update_mini_batch(X[:, cols], Y[:, cols], eta)
            zs.append(z_out())
    zs = np.array(zs)
    freq = Y.mean(axis=1)
    best = float(-np.sum(freq * np.log(freq) + (1 - freq) * np.log(1 - freq)))
    return Overshoot(sigmoid(zs), float(np.abs(np.diff(zs, axis=0)).max()), freq, best, cost)


# ---------------------------------------------------------------- notebook 05

def init_saturation(seeds=(0, 1, 2), n=1000) -> dict:
    """:func:`saturation` of an *untrained* [784, 30, 10] network on ``n`` training digits, for
    both starts, w ~ N(0, 1/n_in) (``"default"``) and w ~ N(0, 1) (``"large"``), per seed:
    ``{(init, seed): Saturation}``.  With N(0, 1) weights z = w x + b of a hidden unit has a
    standard deviation of about ||x|| (around 9 for a digit), so most units start saturated."""
    X = load_mnist(n_train=_validate.integer("n", n, low=1), n_test=1, seed=0).X_train
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
    from .hessian import analytic_hessian_linear, l2_minimizer

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
    from .datasets import toy_train_test

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
    if isinstance(lambdas, (str, bytes)) or not hasattr(lambdas, "__len__") or not lambdas:
        raise TypeError(f"lambdas must be a non-empty list of numbers > 0, got {lambdas!r}")
    lambdas = tuple(_validate.number(f"lambdas[{i}]", v, low=0.0, low_open=True)
                    for i, v in enumerate(lambdas))
    return _network_l2_check(lambdas, _validate.number("tol", tol, low=0.0, low_open=True),
                             _validate.integer("max_steps", max_steps, low=1))


@functools.lru_cache(maxsize=4)
def _network_l2_check(lambdas, tol, max_steps):
    from .hessian import eigen_decomposition, hessian, l2_minimizer

    toy = _moons()
    X, Y = toy.X_train, toy.Y_train
    sizes = MOONS_PROBLEM["sizes"]
    net = make_network(sizes, seed=0)
    Trainer(net, X, Y, eta=1.0, mini_batch_size=10).train(200, progress=False)
    Trainer(net, X, Y, eta=2.0, mini_batch_size=X.shape[1], monitor=False).train(
        1000, progress=False)
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
    history = {k: tuple(v) for k, v in trainer.history.items()}
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
# ======================================================================== notebooks 00-03
# content03 block (notation, Hadamard, backpropagation): the size of delta^l layer by layer, and
# the operation counts behind "in what sense is backpropagation fast".
class DeltaNorms(NamedTuple):
    """The result of :func:`delta_norms`.

    ``layers`` are l = 2..L (input = layer 1); ``norms[s, i]`` is the mean over the examples x of
    ||delta^{x,l}|| for seed ``seeds[s]`` and layer ``layers[i]``; ``ratios[s, i]`` is
    ``norms[s, i] / norms[s, i + 1]``, how much smaller delta^l is than delta^{l+1};
    ``sigma_prime_rms[s, i]`` is the root mean square of sigma'(z^l_j) over the neurons j and the
    examples of hidden layer ``layers[i]`` (the factor BP2 multiplies by).
    """

    sizes: tuple
    cost: str
    n_examples: int
    seeds: tuple
    layers: tuple
    norms: np.ndarray
    ratios: np.ndarray
    sigma_prime_rms: np.ndarray


def delta_norms(sizes=(784, 30, 30, 30, 30, 10), seeds=(0, 1, 2), n_examples=1000,
                cost=CrossEntropyCost) -> DeltaNorms:
    """How large the error delta^l = dC_x/dz^l (eq (6)) is in each layer of an untrained network.

    For every seed a sigmoid ``Network(sizes, cost, seed)`` (weights N(0, 1/n_in), biases
    N(0, 1)) gets ``n_examples`` bundled MNIST training digits; BP1 gives delta^{x,L} and BP2
    (eq (18)) every delta^{x,l}, one column per example
    (:func:`lecture5.backprop.forward_backward`).
    The Euclidean norm of each column is averaged over the examples.  BP2 multiplies by
    (w^{l+1})^T and by sigma'(z^l) <= 1/4 once per layer, so through several sigmoid layers the
    errors, and with them the gradients BP3/BP4 of the early layers, shrink layer by layer: the
    vanishing-gradient problem.  Cached; the arrays are read-only.
    """
    sizes = tuple(_validate.integer(f"sizes[{i}]", s, low=1) for i, s in enumerate(sizes))
    if len(sizes) < 3:
        raise ValueError(f"sizes must have at least 3 layers (one hidden), got {sizes!r}")
    if sizes[0] != 784:
        raise ValueError(f"sizes[0] must be 784 (MNIST pixels), got {sizes[0]}")
    if sizes[-1] != 10:
        raise ValueError(f"sizes[-1] must be 10 (MNIST digits), got {sizes[-1]}")
    seeds = tuple(_validate.integer(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds))
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    n_examples = _validate.integer("n_examples", n_examples, low=1, high=10_000)
    if cost not in (CrossEntropyCost, QuadraticCost):
        raise ValueError(f"cost must be CrossEntropyCost or QuadraticCost, got {cost!r}")
    return _delta_norms(sizes, seeds, n_examples, cost)


@functools.lru_cache(maxsize=8)
def _delta_norms(sizes, seeds, n_examples, cost):
    from .backprop import feedforward_trace, forward_backward

    data = load_mnist(n_train=n_examples, n_test=1, seed=0)
    norms = np.empty((len(seeds), len(sizes) - 1))
    rms = np.empty((len(seeds), len(sizes) - 2))
    for s, seed in enumerate(seeds):
        net = make_network(sizes, seed=seed, cost=cost)
        _, deltas = forward_backward(net.weights, net.biases, data.X_train, data.Y_train, cost)
        norms[s] = [float(np.linalg.norm(d, axis=0).mean()) for d in deltas]
        zs = feedforward_trace(net.weights, net.biases, data.X_train)[0]
        rms[s] = [float(np.sqrt(np.mean(sigmoid.prime(z) ** 2))) for z in zs[:-1]]
    ratios = norms[:, :-1] / norms[:, 1:]
    for a in (norms, ratios, rms):
        a.flags.writeable = False
    return DeltaNorms(sizes, cost.name, n_examples, seeds, tuple(range(2, len(sizes) + 1)),
                      norms, ratios, rms)


class GradientCost(NamedTuple):
    """One row of :func:`gradient_costs`: the work of one gradient of a ``[n_in, hidden, n_out]``
    network on ``m`` examples, counted as multiplications in the matrix products."""

    hidden: int
    n_params: int
    fd_forward_passes: int
    fd_multiplications: int
    bp_multiplications: int

    @property
    def ratio(self) -> float:
        return self.fd_multiplications / self.bp_multiplications


def _matrix_multiplications(sizes, m):
    """Multiplications of one forward pass (eq (4) for every layer), one BP2 sweep and one BP4
    sweep, for ``m`` columns: forward m sum_l d(l) d(l-1); BP2, (w^{l+1})^T delta^{l+1} for
    l = L-1..2, m sum over every weight matrix but the first; BP4, delta^l (a^{l-1})^T, as many
    as the forward pass."""
    per_matrix = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    forward = m * sum(per_matrix)
    return forward, m * sum(per_matrix[1:]), forward


def gradient_costs(hidden_widths=(4, 16, 64, 256, 1024, 4096), n_in=16, n_out=4, m=20):
    """Count the work of one gradient, finite differences against backpropagation.

    For every width h a network ``[n_in, h, n_out]`` with P = h (n_in + n_out + 1) + n_out
    parameters.  Finite differences (:func:`lecture5.gradcheck.numerical_gradient`) run 2P forward
    passes, each costing m sum_l d(l) d(l-1) multiplications, so their work grows like P^2.
    Backpropagation runs one forward pass, BP2 and BP4: about three forward passes' worth, so its
    work grows like P.  Counted are the multiplications of the matrix products, which dominate;
    the elementwise work (sigma, sigma', the Hadamard products of BP1/BP2) adds m sum_l d(l) per
    pass and is left out of both.  Deterministic: no clock involved (timings are in
    ``tests/benchmarks/bench_backprop_speed.py``).  Returns a list of :class:`GradientCost`.
    """
    if isinstance(hidden_widths, (str, bytes)) or not hasattr(hidden_widths, "__iter__"):
        raise TypeError(f"hidden_widths must be a sequence of integers, got {hidden_widths!r}")
    widths = [_validate.integer(f"hidden_widths[{i}]", h, low=1)
              for i, h in enumerate(hidden_widths)]
    if not widths:
        raise ValueError("hidden_widths must contain at least one width, got an empty sequence")
    n_in = _validate.integer("n_in", n_in, low=1)
    n_out = _validate.integer("n_out", n_out, low=1)
    m = _validate.integer("m", m, low=1)
    rows = []
    for h in widths:
        sizes = (n_in, h, n_out)
        n_params = h * n_in + h + n_out * h + n_out
        forward, bp2_work, bp4_work = _matrix_multiplications(sizes, m)
        rows.append(GradientCost(h, n_params, 2 * n_params, 2 * n_params * forward,
                                 forward + bp2_work + bp4_work))
    return rows


def finite_difference_passes(sizes=(3, 4, 2), m=1, seed=0) -> tuple:
    """``(P, passes)``: the parameters of ``Network(sizes)`` and the forward passes that
    :func:`lecture5.gradcheck.numerical_gradient` actually runs for one gradient on ``m`` random
    columns, counted by wrapping the network's ``feedforward`` (2 per parameter)."""
    from .gradcheck import numerical_gradient

    net = make_network(sizes, seed=seed, cost=QuadraticCost)
    m = _validate.integer("m", m, low=1)
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(net.sizes[0], m)), rng.uniform(size=(net.sizes[-1], m))
    calls = [0]
    plain = net.feedforward

    def counting(*args, **kwargs):
        calls[0] += 1
        return plain(*args, **kwargs)

    net.feedforward = counting
    numerical_gradient(net, X, Y)
    return int(net.parameter_vector().size), calls[0]


def loglog_slope(x, y) -> float:
    """The slope of the least-squares line through (ln x, ln y): the exponent k of y ~ x^k.

    Needs at least two distinct positive x and positive y of the same length.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {x.shape} and "
                         f"{y.shape}")
    if not (np.all(x > 0) and np.all(y > 0) and np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must hold finite positive numbers (a log-log fit)")
    if np.unique(x).size < 2:
        raise ValueError(f"x must hold at least two distinct values, got {x.tolist()}")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


# ================================================================ notebooks 08 and 10 (content810)
# Early stopping and L2 as one filter (08), the seed ranges of 08's claims, and what a far too
# large eta does to a sigmoid network (10).

def filter_gap(eta, tau, lmbda=None, eigenvalues=None):
    """The largest difference between the early-stopping filter 1 - (1 - eta D)^tau
    (:func:`lecture5.quadratic.early_stopping_factors`) and L2's D / (D + lambda), eq (38)
    (:func:`lecture5.hessian.shrink_factors`), over the eigenvalues D.

    ``lmbda=None`` takes :func:`lecture5.quadratic.matching_lambda` 1 / (eta tau).  Default
    eigenvalues: 2,001 log-spaced values from 1e-4 / eta to 1 / eta (every direction that a step
    eta descends without overshooting).  Returns ``(gap, D_at_gap, lmbda)``, the gap signed
    (early stopping minus L2) at the D where its size is largest.
    """
    from .hessian import shrink_factors
    from .quadratic import early_stopping_factors, matching_lambda

    eta = _validate.number("eta", eta, low=0.0, low_open=True)
    lmbda = matching_lambda(eta, tau) if lmbda is None else _validate.number(
        "lmbda", lmbda, low=0.0, low_open=True)
    D = (np.logspace(-4, 0, 2001) / eta if eigenvalues is None
         else np.asarray(eigenvalues, dtype=float))
    diff = early_stopping_factors(D, eta, tau) - shrink_factors(D, lmbda)
    i = int(np.argmax(np.abs(diff)))
    return float(diff[i]), float(D[i]), float(lmbda)


class MethodSeeds(NamedTuple):
    """:func:`method_seeds`: one array per quantity, shape (methods, seeds), rows in the order of
    ``methods``.  ``train``/``validation``/``test`` are accuracies of the network each run ends
    with (after early stopping: the restored one), ``norm`` its :func:`weight_norm`."""

    methods: tuple
    seeds: tuple
    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    norm: np.ndarray
    best_epoch: np.ndarray  # epoch of the final network (all epochs run without early stopping)


def method_seeds(methods=None, seeds=(0, 1, 2), **settings) -> MethodSeeds:
    """Notebook 08's problem (:data:`EARLY_PROBLEM`) trained with every method of ``methods``
    (label -> settings for :func:`early_run`, default :data:`TAKE_HOME_METHODS`) and every seed.

    The seed picks the training, validation and test digits, the initial weights and the
    mini-batches.  Runs are the cached :func:`early_run` runs, so seed 0 is the run the figures
    draw.
    """
    methods = dict(TAKE_HOME_METHODS if methods is None else methods)
    if not methods:
        raise ValueError("methods must name at least one method")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__len__") or len(seeds) == 0:
        raise TypeError(f"seeds must be a non-empty list of integers, got {seeds!r}")
    seeds = tuple(_validate.integer(f"seeds[{i}]", s, low=0) for i, s in enumerate(seeds))
    shape = (len(methods), len(seeds))
    out = {k: np.empty(shape) for k in ("train", "validation", "test", "norm", "best_epoch")}
    for i, method in enumerate(methods.values()):
        for j, seed in enumerate(seeds):
            kw = dict(method)
            run = early_run(kw.pop("patience", None), **{**settings, **kw, "seed": seed})
            final = run.best_epoch if stopped_early(run) else run.epochs_run
            out["train"][i, j] = run.history["train_accuracy"][final - 1]
            out["validation"][i, j] = run.eval_accuracy
            out["test"][i, j] = run.test_accuracy
            out["norm"][i, j] = weight_norm(run.weights)
            out["best_epoch"][i, j] = final
    return MethodSeeds(tuple(methods), seeds, **out)


class SaturationReport(NamedTuple):
    """:func:`saturation_report`: what the layer before the output does on m examples."""

    saturated: float  # fraction of (hidden unit, example) pairs with sigma'(z) < threshold
    units_always_saturated: int  # hidden units saturated on every example
    units: int
    hidden_spread: float  # largest over hidden units of (max - min of its output over examples)
    output_spread: float  # the same for the output neurons
    predicted: np.ndarray  # how many examples the network puts in each class
    output_delta: float  # mean |delta^L| (= mean |a^L - y| for cross-entropy, sigmoid output)
    hidden_delta: float  # mean |delta^l| of that hidden layer, BP2
    cost: float  # the data cost C_0 of the network on the examples
    constant_cost: float  # C_0 of the best constant output (the class frequencies)
    threshold: float


def saturation_report(net, X, Y, threshold=0.01) -> SaturationReport:
    """How saturated the last hidden layer of ``net`` is on the examples ``X`` (d_1, m), one-hot
    ``Y`` (d_L, m), and what that leaves the output layer.

    A unit is saturated on an example when its sigma'(z) < ``threshold`` (sigmoid: |z| > 4.6 for
    0.01; the largest sigma' is 0.25).  BP2 multiplies by sigma'(z), so a saturated layer passes
    almost no error back (``hidden_delta``), while the output error delta^L of the cross-entropy
    cost, a^L - y, does not vanish (``output_delta``).  When the hidden outputs hardly differ
    between examples (``hidden_spread``), the output layer sees the same input for every example
    and can only produce one constant output: ``constant_cost`` is the best such an output can do.
    """
    from .backprop import bp2

    if len(net.weights) < 2:
        raise ValueError(f"net must have a hidden layer, got sizes {list(net.sizes)}")
    threshold = _validate.number("threshold", threshold, low=0.0, low_open=True)
    X = _validate.as_matrix("X", X, rows=net.sizes[0])
    Y = _validate.as_matrix("Y", Y, rows=net.sizes[-1])
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"Y must have one column per column of X ({X.shape[1]}), got "
                         f"{Y.shape[1]}")
    a = X
    with np.errstate(over="ignore"):
        for w, b in zip(net.weights[:-2], net.biases[:-2]):
            a = net.activation.fn(w @ a + b)
        z = net.weights[-2] @ a + net.biases[-2]
        h = net.activation.fn(z)
        z_out = net.weights[-1] @ h + net.biases[-1]
        a_out = net.output_activation.fn(z_out)
    prime = net.activation.prime(z)
    sat = prime < threshold
    delta_out = net.cost.delta(z_out, a_out, Y, net.output_activation)
    delta_hidden = bp2(net.weights[-1], delta_out, z, net.activation)
    freq = np.broadcast_to(Y.mean(axis=1, keepdims=True), Y.shape)
    return SaturationReport(
        float(sat.mean()), int(np.all(sat, axis=1).sum()), int(z.shape[0]),
        float(np.ptp(h, axis=1).max()), float(np.ptp(a_out, axis=1).max()),
        np.bincount(np.argmax(a_out, axis=0), minlength=net.sizes[-1]),
        float(np.abs(delta_out).mean()), float(np.abs(delta_hidden).mean()),
        float(net.cost.fn(a_out, Y)), float(net.cost.fn(freq, Y)), threshold)


#: notebook 10's run with a far too large eta: the playground preset "η too large"
LARGE_ETA_PROBLEM = {"sizes": (784, 30, 10), "n_train": 1000, "epochs": 10, "eta": 20.0,
                     "n_test": 1000}


def large_eta_reports(seeds=(0, 1, 2), **settings):
    """:data:`LARGE_ETA_PROBLEM` (overridden by ``settings``) trained with every seed, and the
    :func:`saturation_report` of each finished network on its test digits.

    Returns ``(runs, reports, notes)``: lists in the order of ``seeds``; ``notes`` holds the
    messages of warnings the training emitted (a run that cannot learn may say so), recorded
    here instead of printed.
    """
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__len__") or len(seeds) == 0:
        raise TypeError(f"seeds must be a non-empty list of integers, got {seeds!r}")
    kw = {**LARGE_ETA_PROBLEM, **settings}
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kw.items()))
    out = [_large_eta_report(key, _validate.integer(f"seeds[{i}]", s, low=0))
           for i, s in enumerate(seeds)]
    return [o[0] for o in out], [o[1] for o in out], [n for o in out for n in o[2]]


@functools.lru_cache(maxsize=8)
def _large_eta_report(key, seed):
    import warnings

    kw = dict(key)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = training_run(**kw, seed=seed)
    data = load_mnist(n_train=kw["n_train"], n_test=kw["n_test"], seed=seed)
    report = saturation_report(trained_network(run, kw["sizes"]), data.X_test, data.Y_test)
    return run, report, tuple(f"seed {seed}: {w.message}" for w in caught)


# ================================================================ notebooks 06 and 07 (content67)
# 06: which weights L1 zeroes (blank pixels apart), L1 against L2 at matched accuracy.
# 07: dropout on the slides' overfitting example, several seeds, p chosen on a validation split,
#     the slides' version against inverted dropout with only the scaling switched.

__all__ += ["blank_pixels", "L1Sparsity", "l1_sparsity", "l1_l2_table", "closest_accuracy",
            "DROPOUT_SEEDS",
            "SLIDES_DROPOUT", "MASKS_PER", "DropoutRun", "slides_dropout_run", "DropoutStudy",
            "dropout_study", "seed_range"]


def blank_pixels(X):
    """Indices of the rows (pixels) of ``X`` (784, n) that are 0 in every column (every digit)."""
    X = _validate.as_matrix("X", X)
    return np.flatnonzero(~np.any(X != 0, axis=1))


class L1Sparsity(NamedTuple):
    """:func:`l1_sparsity`: where the exact zeros of a trained [784, 10] network are.

    ``blank``: pixels that are 0 in every training digit of the run (their weights get no data
    gradient at all); ``zeros_blank`` / ``zeros_informative``: weights exactly 0 from those pixels
    / from the other pixels, over all 10 output neurons; ``informative``: the number of weights
    from the other pixels (10 per pixel).  ``l1_norm`` = sum |w|, ``l2_norm`` = sqrt(sum w^2).
    """

    penalty: str
    lmbda: float
    seed: int
    blank: int
    zeros_blank: int
    zeros_informative: int
    informative: int
    test_accuracy: float
    l1_norm: float
    l2_norm: float


def l1_sparsity(penalty, lmbda, seed=0, **settings) -> L1Sparsity:
    """Count the exact zeros of the run :func:`l1_l2_run` (penalty, lambda, seed), blank pixels
    apart.  The blank pixels are those of the same training digits the run trained on."""
    kw = dict(L1_PROBLEM)
    kw.update(settings)
    run = l1_l2_run(penalty, lmbda, seed=seed, **settings)
    X = load_mnist(n_train=kw["n_train"], n_test=1, seed=seed).X_train
    blank = blank_pixels(X)
    w = run.weights[0]
    is_blank = np.zeros(w.shape[1], dtype=bool)
    is_blank[blank] = True
    zero = w == 0
    return L1Sparsity(penalty, float(lmbda), seed, int(blank.size),
                      int(zero[:, is_blank].sum()), int(zero[:, ~is_blank].sum()),
                      int(w[:, ~is_blank].size), run.test_accuracy,
                      float(np.abs(w).sum()), weight_norm([w]))


def seed_range(values, fmt="{:.3f}"):
    """"a-b" for the smallest and largest of ``values`` (one per seed), or "a" if they agree."""
    lo, hi = fmt.format(min(values)), fmt.format(max(values))
    return lo if lo == hi else f"{lo}-{hi}"


def l1_l2_table(l1_lambdas=(0.1, 1.0, 3.0), l2_lambdas=(0.1, 1.0, 10.0), seeds=(0, 1, 2),
                **settings):
    """:func:`l1_sparsity` for each penalty, lambda and seed: ``(rows, text)``.

    ``rows`` is a list of lists of :class:`L1Sparsity` (one list per penalty and lambda, one entry
    per seed); ``text`` a table of the ranges over the seeds: test accuracy, zeros among the
    informative weights, zeros among the blank pixels' weights, sum |w| and sqrt(sum w^2).
    """
    rows = [[l1_sparsity(p, lam, s, **settings) for s in seeds]
            for p, lams in (("l1_prox", l1_lambdas), ("l2", l2_lambdas)) for lam in lams]
    lines = ["penalty  lambda | test accuracy | informative weights = 0 | blank-pixel weights = 0"
             " |  sum |w|  | sqrt(sum w^2)"]
    for r in rows:
        name = "L1" if r[0].penalty == "l1_prox" else "L2"
        lines.append(
            f"{name:7s} {r[0].lmbda:6g} | {seed_range([x.test_accuracy for x in r]):>13s} | "
            f"{seed_range([x.zeros_informative / x.informative for x in r], '{:.1%}'):>23s} | "
            f"{seed_range([x.zeros_blank / max(1, 10 * x.blank) for x in r], '{:.1%}'):>23s} | "
            f"{seed_range([x.l1_norm for x in r], '{:.0f}'):>9s} | "
            f"{seed_range([x.l2_norm for x in r], '{:.1f}'):>12s}")
    return rows, "\n".join(lines)


def closest_accuracy(rows, a, candidates):
    """The index among ``candidates`` (indices into ``rows`` of :func:`l1_l2_table`) whose mean
    test accuracy over the seeds is closest to that of ``rows[a]``: "matched accuracy"."""
    def mean(i):
        return float(np.mean([x.test_accuracy for x in rows[i]]))

    candidates = list(candidates)
    if not candidates:
        raise ValueError("candidates must name at least one row")
    return min(candidates, key=lambda i: abs(mean(i) - mean(a)))


#: the seeds every claim of notebook 07 is checked on
DROPOUT_SEEDS = (0, 1, 2)
#: notebook 07's problem with a validation split: the slides' overfitting example
#: (:data:`DROPOUT_PROBLEM`) plus 1,000 validation digits held out of MNIST's training split
SLIDES_DROPOUT = {**DROPOUT_PROBLEM, "validation": 1000}
#: how many masks a mini-batch uses: one for the whole mini-batch (the slides' step 2) or one per
#: example (what ``Trainer(dropout="inverted")`` does)
MASKS_PER = ("mini-batch", "example")


class DropoutRun(NamedTuple):
    """One run of :func:`slides_dropout_run`: ``history`` (per epoch; "eval" = validation),
    ``val_accuracy``/``test_accuracy``/``test_cost`` of the final network as used at test time,
    ``weights``/``biases`` (read-only)."""

    history: dict
    val_accuracy: float
    test_accuracy: float
    test_cost: float
    weights: tuple
    biases: tuple


def slides_dropout_run(p_drop=0.5, dropout="slides", masks_per="mini-batch", seed=0,
                       **settings) -> DropoutRun:
    """Train :data:`SLIDES_DROPOUT` (or ``settings``) with dropout ``p_drop`` (0: none).

    ``dropout`` is "slides" (kept nodes pass a, outgoing weights scaled by 1 - p at test time) or
    "inverted" (kept nodes pass a / (1 - p), nothing scaled at test time); ``masks_per`` is
    "mini-batch" (one set of deleted nodes for the whole mini-batch, step 2 of the slides) or
    "example".  So switching ``dropout`` alone changes only where the factor 1 / (1 - p) goes.
    The per-epoch evaluation is on the validation digits; the test digits are evaluated once, at
    the end.  Cached.
    """
    _validate.choice("dropout", dropout, ("slides", "inverted"))
    _validate.choice("masks_per", masks_per, MASKS_PER)
    kw = dict(SLIDES_DROPOUT)
    kw.update(settings)
    p_drop = float(p_drop)
    if p_drop == 0:
        dropout, masks_per = "slides", "mini-batch"  # without dropout all modes are one run
    return _slides_dropout_run(p_drop, dropout, masks_per, seed, tuple(kw["sizes"]),
                               kw["n_train"], kw["validation"], kw["epochs"], float(kw["eta"]),
                               kw["n_test"])


@functools.lru_cache(maxsize=64)
def _slides_dropout_run(p_drop, dropout, masks_per, seed, sizes, n_train, validation, epochs,
                        eta, n_test):
    from .dropout import dropout_masks

    data = load_mnist(n_train=n_train, n_test=n_test, validation=validation, seed=seed)
    trainer = make_trainer(data, sizes, eta=eta, p_drop=p_drop, dropout=dropout,
                           evaluate="validation", seed=seed)
    if masks_per == "mini-batch" and p_drop > 0:
        # the Trainer draws one mask per example for inverted dropout; here both versions use
        # one per mini-batch, drawn from the Trainer's own generator
        def one_per_mini_batch(_m, t=trainer):
            return dropout_masks(t.net.sizes, t.p_drop, t.rng, m=1,
                                 inverted=t.dropout == "inverted")

        trainer._dropout_masks = one_per_mini_batch
    elif masks_per == "example" and dropout == "slides" and p_drop > 0:
        def one_per_example(m, t=trainer):
            return dropout_masks(t.net.sizes, t.p_drop, t.rng, m=m)

        trainer._dropout_masks = one_per_example
    trainer.train(epochs, progress=False)
    _, _, val_acc = trainer.evaluate(data.X_val, data.Y_val, data.y_val)
    test_cost, _, test_acc = trainer.evaluate(data.X_test, data.Y_test, data.y_test)
    history = {k: tuple(v) for k, v in trainer.history.items()}
    return DropoutRun(history, val_acc, test_acc, test_cost, _frozen(trainer.net.weights),
                      _frozen(trainer.net.biases))


class DropoutStudy(NamedTuple):
    """:func:`dropout_study`.  Arrays have shape (len(p_drops), len(seeds)).

    ``val_accuracy``: final validation accuracy; ``gap``: final training minus validation
    accuracy; ``cost_rise``: final validation cost minus its lowest value over the epochs (how
    far it climbed back: overfitting in the cost); ``chosen``: the p_drop with the best mean
    validation accuracy; ``test_chosen``/``test_none``: test accuracy per seed of the chosen
    p_drop and of no dropout (the test digits are used for nothing else).
    """

    p_drops: tuple
    seeds: tuple
    val_accuracy: np.ndarray
    gap: np.ndarray
    cost_rise: np.ndarray
    chosen: float
    test_chosen: tuple
    test_none: tuple


def dropout_study(p_drops=(0.0, 0.2, 0.5), seeds=DROPOUT_SEEDS, dropout="slides",
                  **settings) -> DropoutStudy:
    """Train :func:`slides_dropout_run` for every p_drop and seed; choose p_drop on the
    validation digits (best mean final validation accuracy over the seeds), then test once."""
    p_drops = tuple(float(check) for check in p_drops)
    seeds = tuple(_validate.integer("seed", s, low=0) for s in seeds)
    if 0.0 not in p_drops:
        raise ValueError(f"p_drops must include 0 (no dropout, the reference), got {p_drops}")
    runs = [[slides_dropout_run(p, dropout, seed=s, **settings) for s in seeds] for p in p_drops]

    def table(f):
        return np.array([[f(r) for r in row] for row in runs])

    val = table(lambda r: r.val_accuracy)
    gap = table(lambda r: r.history["train_accuracy"][-1] - r.history["eval_accuracy"][-1])
    rise = table(lambda r: r.history["eval_cost"][-1] - min(r.history["eval_cost"]))
    best = int(np.argmax(val.mean(axis=1)))
    none = p_drops.index(0.0)
    return DropoutStudy(p_drops, seeds, val, gap, rise, p_drops[best],
                        tuple(r.test_accuracy for r in runs[best]),
                        tuple(r.test_accuracy for r in runs[none]))
