"""Tests for lecture5.datasets: bundled MNIST, one_hot, splits and toy sets.

The optional download is tested in test_mnist_download.py."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5 import datasets
from lecture5.datasets import (
    MNIST_FILES,
    load_mnist,
    make_circles,
    make_moons,
    make_spiral,
    make_toy,
    make_xor,
    one_hot,
    toy_train_test,
    train_validation_split,
)


def _column_hashes(X: np.ndarray) -> set:
    return {hashlib.sha256(np.round(col * 255).astype(np.uint8).tobytes()).digest()
            for col in X.T}


# ---------------------------------------------------------------------------------- bundled MNIST
def test_bundled_default_sizes_shapes_and_ranges():
    d = load_mnist()
    assert d.X_train.shape == (784, 10000) and d.X_test.shape == (784, 10000)
    assert d.Y_train.shape == (10, 10000) and d.y_train.shape == (10000,)
    assert d.X_train.dtype == np.float64
    assert d.X_train.min() == 0.0 and d.X_train.max() == 1.0
    assert d.X_val is None and d.Y_val is None and d.y_val is None
    np.testing.assert_array_equal(d.Y_train.argmax(axis=0), d.y_train)
    np.testing.assert_array_equal(d.Y_test.sum(axis=0), np.ones(10000))
    # class counts recorded in PROVENANCE.md
    assert np.bincount(d.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974,
                                              1009]
    assert np.bincount(d.y_train).tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944,
                                               978]


def test_bundled_mnist_order_when_seed_is_none():
    d = load_mnist(n_train=10, n_test=10, seed=None)
    assert d.y_train.tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert d.y_test.tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    # grey values are k/255 for whole numbers k
    k = d.X_train * 255
    np.testing.assert_allclose(k, np.round(k), atol=1e-9)


def test_bundled_pixels_look_like_digits():
    d = load_mnist(n_train=500, n_test=1)
    images = d.X_train.T.reshape(-1, 28, 28)
    # ink sits in the middle: the border rows and columns are nearly empty
    assert images[:, :, :2].mean() < 0.01 and images[:, 10:18, 10:18].mean() > 0.2


def test_train_test_and_validation_are_disjoint():
    d = load_mnist(validation=1000, seed=3)
    assert d.X_train.shape == (784, 9000) and d.X_val.shape == (784, 1000)
    train, val, test = (_column_hashes(d.X_train), _column_hashes(d.X_val),
                        _column_hashes(d.X_test))
    assert len(train) == 9000 and len(val) == 1000 and len(test) == 10000
    assert not train & val and not train & test and not val & test


def test_seed_reproducible_and_different_seeds_differ():
    a, b, c = load_mnist(200, 50, seed=1), load_mnist(200, 50, seed=1), load_mnist(200, 50, seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_train, c.y_train)
    assert len(np.unique(a.y_train)) == 10  # a random sample of 200 holds every class


def test_returned_arrays_cannot_change_the_cache():
    first = load_mnist(n_train=5, n_test=5, seed=None)
    first.X_train[:] = 7.0
    first.y_train[:] = 0
    first.Y_test[:] = 0
    again = load_mnist(n_train=5, n_test=5, seed=None)
    assert again.X_train.max() == 1.0
    assert again.y_train.tolist() == [5, 0, 4, 1, 9]
    cached = datasets._bundled_arrays()
    assert not any(arr.flags.writeable for arr in cached.values())
    with pytest.raises(ValueError):
        cached["train_images"][0, 0] = 1


def test_bundle_checksum_matches_provenance_note():
    digest = hashlib.sha256(datasets.BUNDLED_PATH.read_bytes()).hexdigest()
    note = (datasets.BUNDLED_PATH.parent / "PROVENANCE.md").read_text()
    assert digest in note
    for fname, content_sha in datasets.MNIST_IDX_SHA256.items():
        assert fname in MNIST_FILES.values() and content_sha in note
    info = datasets.bundled_info()
    assert info["n_train"] == 10000 and info["n_test"] == 10000


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_train": 0}, ValueError, "n_train"),
        ({"n_train": 10001}, ValueError, "n_train"),
        ({"n_train": 9500, "validation": 1000}, ValueError, "n_train"),
        ({"n_test": 10001}, ValueError, "n_test"),
        ({"validation": 10000}, ValueError, "validation"),
        ({"validation": -1}, ValueError, "validation"),
        ({"n_train": 2.5}, TypeError, "n_train"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": "a"}, TypeError, "seed"),
    ],
)
def test_load_mnist_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_mnist(**kwargs)


# ---------------------------------------------------------------------------------- one_hot / split
def test_one_hot_basic():
    Y = one_hot([2, 0, 1], num_classes=3)
    np.testing.assert_array_equal(Y, [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    assert one_hot(np.array([], dtype=int)).shape == (10, 0)
    np.testing.assert_array_equal(one_hot(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])


@pytest.mark.parametrize(
    ("labels", "num_classes", "error", "match"),
    [
        ([0, 10], 10, ValueError, "0..9"),
        ([-1, 0], 10, ValueError, "found -1"),
        ([0.5], 10, TypeError, "integer"),
        ([[0, 1]], 10, ValueError, "1-D"),
        ("012", 10, TypeError, "labels"),
        ([0, 1], 0, ValueError, "num_classes"),
    ],
)
def test_one_hot_rejects_bad_input(labels, num_classes, error, match):
    with pytest.raises(error, match=match):
        one_hot(labels, num_classes)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=50))
def test_one_hot_inverts_argmax(labels):
    Y = one_hot(labels)
    np.testing.assert_array_equal(Y.argmax(axis=0), labels)
    np.testing.assert_array_equal(Y.sum(axis=0), 1.0)


def test_train_validation_split_partitions_columns():
    m = 50
    X = np.arange(3 * m, dtype=float).reshape(3, m)
    y = np.arange(m) % 4
    s = train_validation_split(X, one_hot(y, 4), y, validation=0.2, seed=5)
    assert s.X_train.shape == (3, 40) and s.X_val.shape == (3, 10)
    cols = np.concatenate([s.X_train[0], s.X_val[0]])
    assert sorted(cols.tolist()) == X[0].tolist()  # every column exactly once
    np.testing.assert_array_equal(s.Y_val.argmax(axis=0), s.y_val)
    np.testing.assert_array_equal(X[1, (s.X_val[0]).astype(int)], s.X_val[1])
    again = train_validation_split(X, one_hot(y, 4), y, validation=10, seed=5)
    np.testing.assert_array_equal(again.X_val, s.X_val)
    no_labels = train_validation_split(X, one_hot(y, 4), validation=3)
    assert no_labels.y_train is None and no_labels.X_val.shape == (3, 3)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((np.zeros((2, 5)), np.zeros((2, 4))), {}, "Y must have shape"),
        ((np.zeros((2, 5)), np.zeros((2, 5)), [0, 1]), {}, "labels must have shape"),
        ((np.zeros((2, 5)), np.zeros((2, 5))), {"validation": 0.0}, "validation"),
        ((np.zeros((2, 5)), np.zeros((2, 5))), {"validation": 5}, "validation"),
        ((np.zeros((2, 1)), np.zeros((2, 1))), {}, "at least 2"),
        ((np.zeros(5), np.zeros((2, 5))), {}, "X must be 2-D"),
    ],
)
def test_train_validation_split_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_validation_split(*args, **kwargs)


# ---------------------------------------------------------------------------------- toy sets
@pytest.mark.parametrize("name", ["moons", "circles", "spiral", "xor"])
def test_toy_shapes_labels_and_seeds(name):
    a = make_toy(name, m=101, noise=0.1, seed=4)
    assert a.X.shape == (2, 101) and a.Y.shape == (2, 101) and a.labels.shape == (101,)
    assert set(np.unique(a.labels)) == {0, 1}
    np.testing.assert_array_equal(a.Y.argmax(axis=0), a.labels)
    b, c = make_toy(name, m=101, noise=0.1, seed=4), make_toy(name, m=101, noise=0.1, seed=5)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)
    # columns are shuffled: the first 20 are not all of one class
    assert 0 < a.labels[:20].sum() < 20


def test_noise_free_toy_geometry():
    moons = make_moons(m=200, noise=0.0, seed=0)
    up, low = moons.X[:, moons.labels == 0], moons.X[:, moons.labels == 1]
    np.testing.assert_allclose(np.hypot(*up), 1.0)
    np.testing.assert_allclose(np.hypot(low[0] - 1.0, low[1] - 0.5), 1.0)
    assert (up[1] >= 0).all() and (low[1] <= 0.5).all()
    assert (moons.labels == 0).sum() == 100

    circles = make_circles(m=100, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(*circles.X)
    np.testing.assert_allclose(radius[circles.labels == 0], 1.0)
    np.testing.assert_allclose(radius[circles.labels == 1], 0.3)

    xor = make_xor(m=300, noise=0.0, seed=0)
    np.testing.assert_array_equal(xor.labels, (xor.X[0] * xor.X[1] < 0).astype(int))

    spiral = make_spiral(m=100, noise=0.0, seed=0)
    radius = np.hypot(*spiral.X)
    assert radius.min() >= 0.1 and radius.max() <= 1.1 + 1e-12


def test_noise_spreads_points():
    clean = make_circles(m=400, noise=0.0, seed=1)
    noisy = make_circles(m=400, noise=0.2, seed=1)
    outer = noisy.labels == 0
    spread = np.std(np.hypot(*noisy.X[:, outer]))
    assert spread > 0.1 and np.std(np.hypot(*clean.X[:, clean.labels == 0])) < 1e-12


def test_toy_train_test_split():
    s = toy_train_test("spiral", n_train=30, n_test=70, noise=0.05, seed=2, turns=2.0)
    assert s.X_train.shape == (2, 30) and s.X_test.shape == (2, 70)
    assert s.y_train.shape == (30,) and s.Y_test.shape == (2, 70)
    both = np.concatenate([s.X_train, s.X_test], axis=1)
    assert len({tuple(col) for col in both.T}) == 100  # no point in both parts
    whole = make_spiral(m=100, noise=0.05, seed=2, turns=2.0)
    np.testing.assert_array_equal(both, whole.X)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: make_moons(m=1), ValueError, "m must be >= 2"),
        (lambda: make_moons(m=10.0), TypeError, "m must be an integer"),
        (lambda: make_moons(noise=-0.1), ValueError, "noise"),
        (lambda: make_moons(noise=float("nan")), ValueError, "noise"),
        (lambda: make_xor(seed=-2), ValueError, "seed"),
        (lambda: make_circles(factor=1.0), ValueError, "factor"),
        (lambda: make_spiral(turns=0), ValueError, "turns"),
        (lambda: make_toy("blobs"), ValueError, "name must be one of"),
        (lambda: toy_train_test(n_train=0), ValueError, "n_train"),
        (lambda: toy_train_test(n_test=0), ValueError, "n_test"),
    ],
)
def test_toy_rejects_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_every_name_of_datasets_imports_from_it_including_those_living_elsewhere():
    """The toy sets live in lecture5.toy and the downloader in lecture5._mnist_download; every
    name in ``datasets.__all__`` still imports from lecture5.datasets, as the same object."""
    from lecture5 import _mnist_download, toy

    for name in datasets.__all__:
        value = getattr(datasets, name)
        home = {"toy": toy, "_mnist_download": _mnist_download}.get(datasets._ELSEWHERE.get(name))
        assert home is None or value is getattr(home, name), name
    assert datasets.ToySplit is datasets.MnistData is datasets.Split
    assert isinstance(toy.toy_train_test(n_train=3, n_test=4), datasets.Split)

