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
