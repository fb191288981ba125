"""Tests for lecture5.augment: rotation direction, shifts, skew, elastic distortion, expansion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5.augment import (
    elastic_distortion,
    elastic_field,
    expand_dataset,
    rotate,
    shift,
    skew,
)
from lecture5.datasets import load_mnist


@pytest.fixture(scope="module")
def digits():
    d = load_mnist(n_train=40, n_test=1, seed=None)
    return d.X_train, d.y_train


@pytest.fixture
def asymmetric():
    """A 28 x 28 test picture with no symmetry, so every wrong orientation shows."""
    img = np.zeros((28, 28))
    img[3:8, 5:20] = 1.0   # a bar near the top
    img[8:24, 5:8] = 0.6   # a post on the left
    img[20, 15] = 0.3      # a dot low on the right
    return img


def _centre_of_mass(img):
    """(row, column) of the ink's centre of mass."""
    img = np.asarray(img).reshape(28, 28)
    rows, cols = np.indices(img.shape)
    total = img.sum()
    return (rows * img).sum() / total, (cols * img).sum() / total


# ---------------------------------------------------------------------------------- rotate
def test_rotate_90_equals_rot90(asymmetric, digits):
    np.testing.assert_allclose(rotate(asymmetric, 90), np.rot90(asymmetric), atol=1e-12)
    five = digits[0][:, 0].reshape(28, 28)
    np.testing.assert_allclose(rotate(five, 90), np.rot90(five), atol=1e-12)
    np.testing.assert_allclose(rotate(five, 180), np.rot90(five, 2), atol=1e-12)


def test_negative_angle_turns_right(asymmetric):
    np.testing.assert_allclose(rotate(asymmetric, -90), np.rot90(asymmetric, -1), atol=1e-12)
    assert not np.allclose(rotate(asymmetric, -90), np.rot90(asymmetric), atol=0.1)


def test_small_left_rotation_moves_top_ink_left():
    # a single vertical stroke: turned to the left, its top goes left and its bottom goes right
    img = np.zeros((28, 28))
    img[4:24, 13:15] = 1.0
    out = rotate(img, 15)
    top_r, top_c = _centre_of_mass(np.where(np.arange(28)[:, None] < 10, out, 0))
    bottom_r, bottom_c = _centre_of_mass(np.where(np.arange(28)[:, None] > 17, out, 0))
    assert top_c < 13.5 - 1 and bottom_c > 13.5 + 1


def test_rotate_vector_in_vector_out(digits):
    column = digits[0][:, 3]
    out = rotate(column, 15)
    assert out.shape == (784,) and out.dtype == np.float64
    np.testing.assert_allclose(out, rotate(column.reshape(28, 28), 15).ravel())
    np.testing.assert_array_equal(rotate(column, 0), column)
    assert 0.0 <= out.min() and out.max() <= 1.0  # bilinear never overshoots
    np.testing.assert_array_equal(column, digits[0][:, 3])  # input untouched


def test_rotation_keeps_most_ink(digits):
    five = digits[0][:, 0]
    assert abs(rotate(five, 15).sum() - five.sum()) < 0.05 * five.sum()


# ---------------------------------------------------------------------------------- shift
def test_shift_moves_mass(digits):
    img = digits[0][:, 1].reshape(28, 28)
    r0, c0 = _centre_of_mass(img)
    r1, c1 = _centre_of_mass(shift(img, 3, 0))
    assert c1 == pytest.approx(c0 + 3) and r1 == pytest.approx(r0)
    r2, c2 = _centre_of_mass(shift(img, 0, -2))
    assert r2 == pytest.approx(r0 - 2) and c2 == pytest.approx(c0)


def test_whole_pixel_shift_is_exact_and_drops_border(asymmetric):
    out = shift(asymmetric, 2, 1)
    np.testing.assert_array_equal(out[1:, 2:], asymmetric[:-1, :-2])
    assert (out[0] == 0).all() and (out[:, :2] == 0).all()
    assert shift(asymmetric, 40, 0).sum() == 0  # pushed out of the picture


# ---------------------------------------------------------------------------------- skew
def test_skew_slants_top_right_bottom_left():
    img = np.zeros((28, 28))
    img[:, 13:15] = 1.0
    out = skew(img, 0.3)
    top_c = _centre_of_mass(np.where(np.arange(28)[:, None] < 6, out, 0))[1]
    bottom_c = _centre_of_mass(np.where(np.arange(28)[:, None] > 21, out, 0))[1]
    middle_c = _centre_of_mass(np.where(np.abs(np.arange(28)[:, None] - 13.5) < 1, out, 0))[1]
    assert top_c > 13.5 + 2 and bottom_c < 13.5 - 2 and middle_c == pytest.approx(13.5)
    np.testing.assert_allclose(skew(img, 0.0), img)
    # negative factor mirrors the slant
    assert _centre_of_mass(np.where(np.arange(28)[:, None] < 6, skew(img, -0.3), 0))[1] < 11.5


# ---------------------------------------------------------------------------------- elastic
def test_zero_alpha_elastic_is_identity(digits):
    img = digits[0][:, 2]
    np.testing.assert_array_equal(elastic_distortion(img, alpha=0.0, sigma=4.0, rng=1), img)


def test_elastic_seeded_reproducible_and_changes_image(digits):
    img = digits[0][:, 2].reshape(28, 28)
    a = elastic_distortion(img, 34, 4, rng=7)
    b = elastic_distortion(img, 34, 4, rng=7)
    c = elastic_distortion(img, 34, 4, rng=8)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert a.shape == (28, 28) and np.abs(a - img).max() > 0.1
    assert 0.0 <= a.min() and a.max() <= 1.0
    gen = np.random.default_rng(7)
    np.testing.assert_array_equal(elastic_distortion(img, 34, 4, rng=gen), a)


def test_elastic_field_is_smoothed_uniform_noise_scaled_by_alpha():
    dx, dy = elastic_field((28, 28), alpha=1.0, sigma=4.0, rng=3)
    dx2, dy2 = elastic_field((28, 28), alpha=10.0, sigma=4.0, rng=3)
    np.testing.assert_allclose(dx2, 10 * dx)
    np.testing.assert_allclose(dy2, 10 * dy)
    rough = elastic_field((28, 28), alpha=1.0, sigma=0.3, rng=3)[0]
    # smoothing shrinks uniform [-1, 1] noise; a wider Gaussian shrinks it more
    assert np.abs(dx).max() < np.abs(rough).max() <= 1.0
    # neighbouring displacements agree far more for a smooth field
    assert np.corrcoef(dx[:, :-1].ravel(), dx[:, 1:].ravel())[0, 1] > 0.9


@settings(max_examples=25, deadline=None)
@given(
    alpha=st.floats(0, 60),
    sigma=st.floats(0.5, 8),
    degrees=st.floats(-180, 180),
    seed=st.integers(0, 2**32 - 1),
)
def test_shapes_preserved_and_values_in_range(alpha, sigma, degrees, seed):
    img = np.random.default_rng(seed).uniform(0, 1, 784)
    for out in (elastic_distortion(img, alpha, sigma, rng=seed), rotate(img, degrees),
                skew(img, degrees / 360), shift(img, degrees / 30, -degrees / 40)):
        assert out.shape == (784,)
        assert np.isfinite(out).all() and out.min() >= -1e-12 and out.max() <= 1 + 1e-12


# ---------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: rotate(np.zeros(783), 10), ValueError, "square length"),
        (lambda: rotate(np.zeros((2, 28, 28)), 10), ValueError, "2-D image"),
        (lambda: rotate(np.zeros((0, 28)), 10), ValueError, "2-D image"),
        (lambda: rotate("digit", 10), TypeError, "image"),
        (lambda: rotate(np.array(["a"] * 4), 10), TypeError, "dtype"),
        (lambda: rotate(np.full(784, np.nan), 10), ValueError, "finite"),
        (lambda: rotate(np.zeros(784), float("inf")), ValueError, "degrees"),
        (lambda: rotate(np.zeros(784), "15"), TypeError, "degrees"),
        (lambda: rotate(np.zeros(784), 15, order=7), ValueError, "order"),
        (lambda: shift(np.zeros(784), float("nan"), 0), ValueError, "dx"),
        (lambda: shift(np.zeros(784), 0, None), TypeError, "dy"),
        (lambda: skew(np.zeros(784), 10.0), ValueError, "factor"),
        (lambda: elastic_distortion(np.zeros(784), 34, 0.0), ValueError, "sigma"),
        (lambda: elastic_distortion(np.zeros(784), -1, 4), ValueError, "alpha"),
        (lambda: elastic_distortion(np.zeros(784), float("nan"), 4), ValueError, "alpha"),
        (lambda: elastic_field((28,), 1, 4), ValueError, "shape"),
        (lambda: elastic_field(28, 1, 4), TypeError, "shape"),
    ],
)
def test_bad_input_raises(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------------- expand
def test_expand_dataset_sizes_and_label_order(digits):
    X, y = digits
    Xe, ye = expand_dataset(X, y, copies=3, seed=0)
    m = X.shape[1]
    assert Xe.shape == (784, 4 * m) and ye.shape == (4 * m,)
    np.testing.assert_array_equal(Xe[:, :m], X)  # originals first, unchanged
    np.testing.assert_array_equal(ye, np.tile(y, 4))
    for k in range(1, 4):
        block = Xe[:, k * m:(k + 1) * m]
        assert not np.allclose(block, X)
        # each copy stays close to its own original (same digit), more than to another one
        same = np.linalg.norm(block - X, axis=0)
        other = np.linalg.norm(block - np.roll(X, 1, axis=1), axis=0)
        assert np.mean(same < other) > 0.8

    Xc, yc = expand_dataset(X, y, copies=2, include_original=False, seed=0)
    assert Xc.shape == (784, 2 * m)
    np.testing.assert_array_equal(yc, np.tile(y, 2))


def test_expand_dataset_seeded_reproducible(digits):
    X, y = digits
    a, _ = expand_dataset(X, y, copies=1, transforms=("rotate", "shift", "skew", "elastic"),
                          seed=3)
    b, _ = expand_dataset(X, y, copies=1, transforms=("rotate", "shift", "skew", "elastic"),
                          seed=3)
    c, _ = expand_dataset(X, y, copies=1, transforms=("rotate", "shift", "skew", "elastic"),
                          seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_expand_dataset_single_transform_matches_functions(digits):
    X, y = digits
    Xe, _ = expand_dataset(X[:, :10], y[:10], copies=1, transforms="rotate", max_degrees=15,
                           seed=0, include_original=False)
    for i in range(10):
        # some angle in [-15, 15] reproduces the copy: search on a fine grid
        errors = [np.abs(rotate(X[:, i], a) - Xe[:, i]).max() for a in np.linspace(-15, 15, 601)]
        assert min(errors) < 0.02
    Xs, _ = expand_dataset(X[:, :10], y[:10], copies=1, transforms=["shift"], max_shift=1,
                           include_original=False)
    for i in range(10):
        candidates = [shift(X[:, i], dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                      if (dx, dy) != (0, 0)]
        assert any(np.array_equal(Xs[:, i], c) for c in candidates)


def test_expand_dataset_zero_copies_returns_copy(digits):
    X, y = digits
    Xe, ye = expand_dataset(X, y, copies=0)
    np.testing.assert_array_equal(Xe, X)
    Xe[0, 0] = 5.0
    assert X[0, 0] != 5.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": np.zeros((783, 3))}, ValueError, "square number of rows"),
        ({"X": np.zeros(784)}, ValueError, "X must be 2-D"),
        ({"labels": np.zeros(4, int)}, ValueError, "labels must have shape"),
        ({"labels": np.full(3, 0.5)}, TypeError, "labels"),
        ({"copies": -1}, ValueError, "copies"),
        ({"transforms": ()}, ValueError, "transforms"),
        ({"transforms": ("flip",)}, ValueError, "transforms must be one of"),
        ({"max_degrees": -5}, ValueError, "max_degrees"),
        ({"max_shift": 0}, ValueError, "max_shift"),
        ({"sigma": 0}, ValueError, "sigma"),
        ({"alpha": float("inf")}, ValueError, "alpha"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"copies": 0, "include_original": False}, ValueError, "empty"),
        ({"include_original": 1}, TypeError, "include_original"),
    ],
)
def test_expand_dataset_rejects_bad_input(kwargs, error, match):
    args = {"X": np.zeros((784, 3)), "labels": np.zeros(3, int)}
    args.update(kwargs)
    X, labels = args.pop("X"), args.pop("labels")
    with pytest.raises(error, match=match):
        expand_dataset(X, labels, **args)
