"""Data for the lecture: real MNIST digits, the full MNIST on request, and small 2-D toy sets.

Slides: "More training data improves test accuracy" and "Artificial expansion of training data"
(the expansion itself lives in :mod:`lecture5.augment`); the toy sets serve the overfitting and
regularization demos.

Everything is in the lecture's column convention: ``X`` has shape ``(784, m)`` (or ``(2, m)`` for
the toy sets), one column per example, with grey values scaled to [0, 1]; ``Y`` is the one-hot
target of shape ``(10, m)`` (``(2, m)`` for the toy sets), the ``y`` of the cost C(a, y); ``labels``
/ ``y_*`` are the integer classes of shape ``(m,)``.

* :func:`load_mnist` reads the digits bundled in ``lecture5/data/mnist_bundled.npz``: the first
  10,000 images of MNIST's training split and all 10,000 images of its test split (see
  ``data/PROVENANCE.md``).  Works offline.
* :func:`download_mnist` / :func:`load_full_mnist` fetch the standard four IDX files (70,000
  digits) once, verify them by SHA-256, and cache them atomically.  Optional; nothing in the
  package or its tests needs the internet.  The download code is in the private module
  ``_mnist_download.py``, loaded only when one of them is called.
* :func:`make_moons`, :func:`make_circles`, :func:`make_spiral`, :func:`make_xor` and
  :func:`toy_train_test` make two-class point clouds with numpy alone.  They live in
  :mod:`lecture5.toy` and are importable from here too.
* :func:`one_hot` and :func:`train_validation_split` are the small helpers around them.
"""

from __future__ import annotations

import functools
import importlib
import numbers
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import _validate

__all__ = [
    "Split",
    "MnistData",
    "ToySplit",
    "ColumnSplit",
    "BUNDLED_PATH",
    "load_mnist",
    "bundled_info",
    "one_hot",
    "train_validation_split",
    "download_mnist",
    "load_full_mnist",
]

BUNDLED_PATH = Path(__file__).with_name("data") / "mnist_bundled.npz"
IMAGE_SIDE = 28
IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE
NUM_CLASSES = 10


# ---------------------------------------------------------------------------------- containers
class Split(NamedTuple):
    """A data set in column form, split into training, test and (optionally) validation columns.

    ``X_*`` float64 (d, m); ``Y_*`` one-hot (k, m); ``y_*`` int64 labels (m,).  The ``*_val``
    fields are ``None`` when no validation set was asked for.  Every array is a fresh copy:
    changing it never changes what the next call returns.  :func:`load_mnist` returns one
    (d = 784, k = 10), and so does :func:`lecture5.toy.toy_train_test` (d = k = 2, no validation).
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    y_test: np.ndarray
    X_val: np.ndarray | None = None
    Y_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


#: the names under which :class:`Split` was known first (MNIST's split and the toy sets' split)
MnistData = ToySplit = Split


class ColumnSplit(NamedTuple):
    """Result of :func:`train_validation_split`; ``y_*`` are ``None`` if no labels were given."""

    X_train: np.ndarray
    Y_train: np.ndarray
    y_train: np.ndarray | None
    X_val: np.ndarray
    Y_val: np.ndarray
    y_val: np.ndarray | None


# ---------------------------------------------------------------------------------- helpers
def one_hot(labels, num_classes: int = 10) -> np.ndarray:
    """One-hot targets in column form: ``Y[j, i] = 1`` if example i has class j, else 0.

    ``labels`` (m,) integers in ``0..num_classes-1``  ->  ``Y`` float64 of shape (num_classes, m),
    the desired output y(x) of the cost functions (eqs (8) and (21)).
    """
    num_classes = _validate.integer("num_classes", num_classes, low=1)
    y = _validate.labels("labels", labels, num_classes=num_classes)
    Y = np.zeros((num_classes, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y


def _assemble(train_images, train_labels, test_images, test_labels, *, n_train, n_test,
              validation, seed) -> Split:
    """Pick (seeded) subsets of two uint8 splits and turn them into column arrays.

    The validation set is taken from the training split, never from the test split.
    """
    pool, n_test_pool = train_labels.shape[0], test_labels.shape[0]
    validation = _validate.integer("validation", validation, low=0, high=pool - 1)
    n_train = pool - validation if n_train is None else _validate.integer(
        "n_train", n_train, low=1, high=pool - validation)
    n_test = n_test_pool if n_test is None else _validate.integer(
        "n_test", n_test, low=1, high=n_test_pool)
    if seed is None:
        order_train, order_test = np.arange(pool), np.arange(n_test_pool)
    else:
        rng = np.random.default_rng(_validate.integer("seed", seed, low=0))
        order_train, order_test = rng.permutation(pool), rng.permutation(n_test_pool)
    train_idx, val_idx = order_train[:n_train], order_train[pool - validation:]
    test_idx = order_test[:n_test]

    def part(images, labels, idx):
        """uint8 images (k, 784) or (k, 28, 28) -> X (784, k) in [0, 1], Y (10, k), y (k,)."""
        y = labels[idx].astype(np.int64)
        return images[idx].reshape(len(idx), -1).T / 255.0, one_hot(y, NUM_CLASSES), y

    val = part(train_images, train_labels, val_idx) if validation else (None, None, None)
    return Split(*part(train_images, train_labels, train_idx),
                     *part(test_images, test_labels, test_idx), *val)


# ---------------------------------------------------------------------------------- bundled MNIST
def _check_digits(arrays: dict, source: str) -> None:
    """Refuse arrays that are not MNIST-like: per split, uint8 images of 784 pixels (flat or
    28 x 28) and one uint8 label in 0..9 per image.  ``source`` names the file(s) in messages."""
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.dtype != np.uint8 or labels.dtype != np.uint8:
            raise ValueError(f"{source}: {split} images and labels must be uint8, got "
                             f"{images.dtype} and {labels.dtype}")
        if (images.shape[1:] not in ((IMAGE_SIZE,), (IMAGE_SIDE, IMAGE_SIDE))
                or labels.shape != images.shape[:1]):
            raise ValueError(f"{source}: {split} images and labels have shapes {images.shape} and "
                             f"{labels.shape}, expected (n, 784) or (n, 28, 28) and (n,)")
        if labels.size and labels.max() >= NUM_CLASSES:
            raise ValueError(f"{source}: {split} labels include {labels.max()}, above 9")


@functools.lru_cache(maxsize=1)
def _bundled_arrays() -> dict:
    """Read the bundled npz once; the arrays are made read-only so the cache cannot be changed."""
    if not BUNDLED_PATH.is_file():
        raise FileNotFoundError(
            f"the bundled MNIST file is missing: {BUNDLED_PATH} (reinstall lecture5, or rebuild it "
            "with lecture5/data/make_mnist_npz.py)"
        )
    with np.load(BUNDLED_PATH, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in
                  ("train_images", "train_labels", "test_images", "test_labels")}
    _check_digits(arrays, BUNDLED_PATH.name)
    for arr in arrays.values():
        arr.setflags(write=False)
    return arrays


def bundled_info() -> dict:
    """Sizes of the bundled data: ``{"n_train": ..., "n_test": ..., "path": ...}``."""
    arrays = _bundled_arrays()
    return {"n_train": int(arrays["train_labels"].size), "n_test": int(arrays["test_labels"].size),
            "path": str(BUNDLED_PATH)}


def load_mnist(n_train=None, n_test=None, validation=0, seed=0) -> Split:
    """The bundled MNIST digits in column form, as a :class:`Split` named tuple.

    The bundle holds 10,000 training digits (MNIST training images 0-9,999) and 10,000 test digits
    (the whole MNIST test split); no test digit is also a training digit.

    * ``validation``: how many training digits to hold out as ``X_val, Y_val, y_val`` (like the
      50,000 / 10,000 split in Nielsen's book); 0 means no validation set (the fields are None).
    * ``n_train``: how many of the remaining training digits to return (default: all of them);
      ``n_test``: how many test digits (default: all 10,000).
    * ``seed``: digits are picked after a permutation seeded by ``seed`` (so a small ``n_train``
      is a random sample); ``seed=None`` keeps MNIST's own order.

    The file is read once per process; each call returns fresh arrays that are safe to modify.
    """
    arrays = _bundled_arrays()
    return _assemble(arrays["train_images"], arrays["train_labels"], arrays["test_images"],
                     arrays["test_labels"], n_train=n_train, n_test=n_test,
                     validation=validation, seed=seed)


# ---------------------------------------------------------------------------------- splitting
def train_validation_split(X, Y, labels=None, validation=0.2, seed=0) -> ColumnSplit:
    """Split the columns of ``X`` (d, m) and ``Y`` (k, m) (and ``labels`` (m,)) in two, seeded.

    ``validation`` is either a fraction in (0, 1) or a whole number of columns in 1..m-1.  Columns
    are drawn by a permutation from ``numpy.random.default_rng(seed)``; the two parts never share
    a column.  Returns a :class:`ColumnSplit` of new arrays.
    """
    X = _validate.as_matrix("X", X)
    m = X.shape[1]
    Y = _validate.as_matrix("Y", Y, cols=m)
    y = None
    if labels is not None:
        y = _validate.labels("labels", labels, m)
    if m < 2:
        raise ValueError(f"X needs at least 2 columns to split, got {m}")
    if isinstance(validation, numbers.Integral) and not isinstance(validation, bool):
        n_val = _validate.integer("validation", validation, low=1, high=m - 1)
    else:
        frac = _validate.number("validation", validation, low=0.0, high=1.0,
                                low_open=True, high_open=True)
        n_val = min(max(int(round(frac * m)), 1), m - 1)
    seed = _validate.integer("seed", seed, low=0)
    order = np.random.default_rng(seed).permutation(m)
    tr, va = order[: m - n_val], order[m - n_val:]
    return ColumnSplit(X[:, tr].copy(), Y[:, tr].copy(), None if y is None else y[tr].copy(),
                       X[:, va].copy(), Y[:, va].copy(), None if y is None else y[va].copy())


# ---------------------------------------------------------------------------------- full MNIST
# The download (network, gzip, checksums, atomic cache) lives in the private module
# lecture5/_mnist_download.py and is imported only when one of these is called, so importing
# this module never loads urllib, http.client or gzip.

def download_mnist(cache_dir=None, **options) -> dict:
    """Fetch the four standard MNIST files once into ``cache_dir``, verified by SHA-256 and cached
    atomically; ``options``: see :func:`lecture5._mnist_download.download_mnist`."""
    from . import _mnist_download

    return _mnist_download.download_mnist(cache_dir, **options)


def load_full_mnist(n_train=None, n_test=None, validation=0, seed=0, **options) -> Split:
    """All 70,000 MNIST digits (60,000 training, 10,000 test), arranged like :func:`load_mnist`;
    missing files are downloaded once.  ``options`` (``cache_dir``, ``download=False``, ...): see
    :func:`lecture5._mnist_download.load_full_mnist`."""
    from . import _mnist_download

    return _mnist_download.load_full_mnist(n_train, n_test, validation, seed, **options)


# names that live in other modules, loaded on first use (PEP 562): the download code, and the
# 2-D toy sets of lecture5/toy.py (which itself builds on one_hot and Split above)
_ELSEWHERE = dict.fromkeys(("MnistDownloadError", "ChecksumError", "DEFAULT_URL", "URL_ENV_VAR",
                            "CACHE_ENV_VAR", "MNIST_FILES", "MNIST_IDX_SHA256", "parse_idx",
                            "read_idx_gz", "default_cache_dir"), "_mnist_download")
_ELSEWHERE.update(dict.fromkeys(("ToySet", "make_moons", "make_circles", "make_spiral",
                                 "make_xor", "make_toy", "toy_train_test", "TOY_SETS"), "toy"))
__all__ += list(_ELSEWHERE)


def __getattr__(name):  # e.g. datasets.parse_idx loads the download module on first use
    if name in _ELSEWHERE:
        return getattr(importlib.import_module(f".{_ELSEWHERE[name]}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
