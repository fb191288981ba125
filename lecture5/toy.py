"""Small 2-D toy sets: two-class point clouds for the overfitting and regularization demos.

Everything is in the lecture's column convention (see :mod:`lecture5.datasets`, which also
exports every name here): ``X`` has shape ``(2, m)``, one column per point; ``Y`` is the one-hot
target of shape ``(2, m)``; ``labels`` the integer classes (m,) in {0, 1}.  numpy alone, seeded:
the same ``seed`` gives the same points.

* :func:`make_moons`, :func:`make_circles`, :func:`make_spiral`, :func:`make_xor` (or any of them
  by name, :func:`make_toy`) draw a :class:`ToySet`;
* :func:`toy_train_test` draws one set and splits it into training and test columns.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _validate
from .datasets import Split, one_hot

__all__ = ["ToySet", "make_moons", "make_circles", "make_spiral", "make_xor", "make_toy",
           "toy_train_test", "TOY_SETS"]


class ToySet(NamedTuple):
    """A two-class point cloud: ``X`` (2, m), one-hot ``Y`` (2, m), ``labels`` (m,) in {0, 1}."""

    X: np.ndarray
    Y: np.ndarray
    labels: np.ndarray


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
                   noise: float = 0.2, seed: int = 0, **kwargs) -> Split:
    """A toy set drawn once with ``n_train + n_test`` points and split at random.

    Training and test points come from the same distribution but are different draws, which is
    what an overfitting demo needs: a small ``n_train`` with a large ``noise`` is easy to overfit.
    """
    n_train = _validate.integer("n_train", n_train, low=1)
    n_test = _validate.integer("n_test", n_test, low=1)
    data = make_toy(name, m=n_train + n_test, noise=noise, seed=seed, **kwargs)
    # the columns are already in random order (make_* shuffles), so a plain cut is a random split
    X, Y, y = data
    return Split(X[:, :n_train].copy(), Y[:, :n_train].copy(), y[:n_train].copy(),
                 X[:, n_train:].copy(), Y[:, n_train:].copy(), y[n_train:].copy())
