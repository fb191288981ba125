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
  :func:`toy_train_test` make two-class point clouds with numpy alone.
* :func:`one_hot` and :func:`train_validation_split` are the small helpers around them.
"""

from __future__ import annotations

import functools
import numbers
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import _validate

__all__ = [
    "MnistData",
    "ToySet",
    "ToySplit",
    "ColumnSplit",
    "BUNDLED_PATH",
    "load_mnist",
    "bundled_info",
    "one_hot",
    "train_validation_split",
    "download_mnist",
    "load_full_mnist",
    "make_moons",
    "make_circles",
    "make_spiral",
    "make_xor",
    "make_toy",
    "toy_train_test",
    "TOY_SETS",
]

BUNDLED_PATH = Path(__file__).with_name("data") / "mnist_bundled.npz"
IMAGE_SIDE = 28
IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE
NUM_CLASSES = 10


# ---------------------------------------------------------------------------------- containers
class MnistData(NamedTuple):
    """MNIST in column form.  ``X_*`` float64 (784, m) in [0, 1]; ``Y_*`` one-hot (10, m);
    ``y_*`` int64 labels (m,).  The ``*_val`` fields are ``None`` when no validation set was asked
    for.  Every array is a fresh copy: changing it never changes what the next call returns."""

    X_train: np.ndarray
    Y_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    y_test: np.ndarray
    X_val: np.ndarray | None = None
    Y_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


class ToySet(NamedTuple):
    """A two-class point cloud: ``X`` (2, m), one-hot ``Y`` (2, m), ``labels`` (m,) in {0, 1}."""

    X: np.ndarray
    Y: np.ndarray
    labels: np.ndarray


class ToySplit(NamedTuple):
    """A toy set split into training and test columns (same fields as :class:`MnistData`)."""

    X_train: np.ndarray
    Y_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    y_test: np.ndarray


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
              validation, seed) -> MnistData:
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
    return MnistData(*part(train_images, train_labels, train_idx),
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


def load_mnist(n_train=None, n_test=None, validation=0, seed=0) -> MnistData:
    """The bundled MNIST digits in column form, as an :class:`MnistData` named tuple.

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


def load_full_mnist(n_train=None, n_test=None, validation=0, seed=0, **options) -> MnistData:
    """All 70,000 MNIST digits (60,000 training, 10,000 test), arranged like :func:`load_mnist`;
    missing files are downloaded once.  ``options`` (``cache_dir``, ``download=False``, ...): see
    :func:`lecture5._mnist_download.load_full_mnist`."""
    from . import _mnist_download

    return _mnist_download.load_full_mnist(n_train, n_test, validation, seed, **options)


_DOWNLOAD_NAMES = ("MnistDownloadError", "ChecksumError", "DEFAULT_URL", "URL_ENV_VAR",
                   "CACHE_ENV_VAR", "MNIST_FILES", "MNIST_IDX_SHA256", "parse_idx", "read_idx_gz",
                   "default_cache_dir")
__all__ += _DOWNLOAD_NAMES


def __getattr__(name):  # PEP 562: e.g. datasets.parse_idx loads the download module on first use
    if name in _DOWNLOAD_NAMES:
        from . import _mnist_download

        return getattr(_mnist_download, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------------- toy sets
def _toy_args(m, noise, seed):
    m = _validate.integer("m", m, low=2)
    noise = _validate.number("noise", noise, low=0.0)
    seed = _validate.integer("seed", seed, low=0)
    return m, noise, np.random.default_rng(seed)


def _finish(points0: np.ndarray, points1: np.ndarray, noise: float, rng) -> ToySet:
    """Stack the two classes as columns, add Gaussian noise of std ``noise``, shuffle columns."""
    X = np.concatenate([points0, points1], axis=1)
    labels = np.concatenate([np.zeros(points0.shape[1], np.int64),
                             np.ones(points1.shape[1], np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(X.shape[1])
    X, labels = X[:, order], labels[order]
    return ToySet(X, one_hot(labels, 2), labels)


def make_moons(m: int = 200, noise: float = 0.1, seed: int = 0) -> ToySet:
    """Two interleaving half circles: class 0 on the upper arc, class 1 on the shifted lower arc.

    ``m`` points (half per class, the odd one to class 1), Gaussian noise of std ``noise`` on each
    coordinate, columns shuffled; all from ``numpy.random.default_rng(seed)``.
    """
    m, noise, rng = _toy_args(m, noise, seed)
    m0 = m // 2
    t0, t1 = rng.uniform(0, np.pi, m0), rng.uniform(0, np.pi, m - m0)
    upper = np.stack([np.cos(t0), np.sin(t0)])
    lower = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    return _finish(upper, lower, noise, rng)


def make_circles(m: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> ToySet:
    """Two concentric circles: class 0 on radius 1, class 1 on radius ``factor`` in (0, 1)."""
    m, noise, rng = _toy_args(m, noise, seed)
    factor = _validate.number("factor", factor, low=0.0, high=1.0, low_open=True, high_open=True)
    m0 = m // 2
    t0, t1 = rng.uniform(0, 2 * np.pi, m0), rng.uniform(0, 2 * np.pi, m - m0)
    outer = np.stack([np.cos(t0), np.sin(t0)])
    inner = factor * np.stack([np.cos(t1), np.sin(t1)])
    return _finish(outer, inner, noise, rng)


def make_spiral(m: int = 200, noise: float = 0.05, turns: float = 1.5, seed: int = 0) -> ToySet:
    """Two interleaved spiral arms (class 1 is class 0 turned by half a revolution).

    A point at parameter t in [0, 1] sits at radius 0.1 + t and angle 2 pi turns t.
    """
    m, noise, rng = _toy_args(m, noise, seed)
    turns = _validate.number("turns", turns, low=0.0, low_open=True, high=20.0)
    m0 = m // 2

    def arm(k, offset):
        t = rng.uniform(0.0, 1.0, k)
        radius, angle = 0.1 + t, 2 * np.pi * turns * t + offset
        return np.stack([radius * np.cos(angle), radius * np.sin(angle)])

    return _finish(arm(m0, 0.0), arm(m - m0, np.pi), noise, rng)


def make_xor(m: int = 200, noise: float = 0.1, seed: int = 0) -> ToySet:
    """The XOR pattern: points uniform in [-1, 1]^2, class 1 where x1 * x2 < 0.

    Labels come from the clean positions; the noise is added afterwards, so classes overlap near
    the axes as ``noise`` grows.  Class sizes are random (about half each).
    """
    m, noise, rng = _toy_args(m, noise, seed)
    P = rng.uniform(-1.0, 1.0, (2, m))
    cls1 = P[0] * P[1] < 0
    return _finish(P[:, ~cls1], P[:, cls1], noise, rng)


TOY_SETS = {"moons": make_moons, "circles": make_circles, "spiral": make_spiral, "xor": make_xor}


def make_toy(name: str, m: int = 200, noise: float = 0.1, seed: int = 0, **kwargs) -> ToySet:
    """Any toy set by name: ``"moons"``, ``"circles"``, ``"spiral"`` or ``"xor"``."""
    _validate.choice("name", name, TOY_SETS)
    return TOY_SETS[name](m=m, noise=noise, seed=seed, **kwargs)


def toy_train_test(name: str = "moons", n_train: int = 100, n_test: int = 500,
                   noise: float = 0.2, seed: int = 0, **kwargs) -> ToySplit:
    """A toy set drawn once with ``n_train + n_test`` points and split at random.

    Training and test points come from the same distribution but are different draws, which is
    what an overfitting demo needs: a small ``n_train`` with a large ``noise`` is easy to overfit.
    """
    n_train = _validate.integer("n_train", n_train, low=1)
    n_test = _validate.integer("n_test", n_test, low=1)
    data = make_toy(name, m=n_train + n_test, noise=noise, seed=seed, **kwargs)
    # the columns are already in random order (make_* shuffles), so a plain cut is a random split
    X, Y, y = data
    return ToySplit(X[:, :n_train].copy(), Y[:, :n_train].copy(), y[:n_train].copy(),
                    X[:, n_train:].copy(), Y[:, n_train:].copy(), y[n_train:].copy())
