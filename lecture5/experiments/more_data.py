"""Notebook 09 (more data): sample digits to transform, and test accuracy against the size of the
(optionally expanded) training set."""

from __future__ import annotations

import numpy as np

from .. import _validate, augment
from ..datasets import load_mnist, one_hot
from ._core import _nonempty, make_trainer

__all__ = ["sample_digits", "training_size_accuracy", "accuracy_table"]


def sample_digits(labels=(5, 0, 4, 1)):
    """The first bundled MNIST training digit of each class in ``labels``, in MNIST's own order.

    Returns ``(X, y)``: ``X`` (784, k) with one digit per column, ``y`` (k,) its labels.  The very
    first MNIST training digit is a 5, the one to rotate as on the slide.
    """
    _nonempty("labels", labels, "digit classes 0-9")
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
    _nonempty("sizes", sizes, "training-set sizes")
    _nonempty("seeds", seeds, "integers")
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
