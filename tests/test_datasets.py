"""Tests for lecture5.datasets: bundled MNIST, IDX parsing, the verified download, toy sets."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecture5 import datasets
from lecture5.datasets import (
    MNIST_FILES,
    ChecksumError,
    MnistDownloadError,
    download_mnist,
    load_full_mnist,
    load_mnist,
    make_circles,
    make_moons,
    make_spiral,
    make_toy,
    make_xor,
    one_hot,
    parse_idx,
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
        ((np.zeros((2, 5)), np.zeros((2, 5)), [0, 1]), {}, "labels must have length"),
        ((np.zeros((2, 5)), np.zeros((2, 5))), {"validation": 0.0}, "validation"),
        ((np.zeros((2, 5)), np.zeros((2, 5))), {"validation": 5}, "validation"),
        ((np.zeros((2, 1)), np.zeros((2, 1))), {}, "at least 2"),
        ((np.zeros(5), np.zeros((2, 5))), {}, "X must be 2-D"),
    ],
)
def test_train_validation_split_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_validation_split(*args, **kwargs)


# ---------------------------------------------------------------------------------- IDX
def _idx_bytes(arr: np.ndarray) -> bytes:
    arr = np.asarray(arr, dtype=np.uint8)
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(d.to_bytes(4, "big") for d in arr.shape)
    return header + arr.tobytes()


def test_parse_idx_round_trip():
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(parse_idx(_idx_bytes(arr)), arr)
    np.testing.assert_array_equal(parse_idx(_idx_bytes(np.array([7, 1]))), [7, 1])


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"\x00\x00", "truncated"),
        (b"\x00\x01\x08\x01" + (1).to_bytes(4, "big") + b"\x05", "magic number 0x00010801"),
        (b"\x00\x00\x0d\x01" + (1).to_bytes(4, "big") + b"\x05", "magic number"),
        (b"\x00\x00\x08\x00", "magic number"),
        (b"\x00\x00\x08\x03" + (1).to_bytes(4, "big"), "truncated IDX header"),
        (b"\x00\x00\x08\x01" + (3).to_bytes(4, "big") + b"\x05", "truncated IDX file"),
        (b"\x00\x00\x08\x01" + (1).to_bytes(4, "big") + b"\x05\x06", "trailing"),
    ],
)
def test_parse_idx_rejects_bad_files(data, match):
    with pytest.raises(ValueError, match=match):
        parse_idx(data, "f.idx")
    with pytest.raises(TypeError):
        parse_idx("not bytes")


# ---------------------------------------------------------------------------------- download
N_TRAIN, N_TEST = 12, 6


def _make_mnist_files(folder: Path, seed=0) -> dict:
    """Small but well-formed MNIST-like IDX gz files; returns file name -> content SHA-256."""
    rng = np.random.default_rng(seed)
    content = {
        "train_images": rng.integers(0, 256, (N_TRAIN, 28, 28)),
        "train_labels": np.arange(N_TRAIN) % 10,
        "test_images": rng.integers(0, 256, (N_TEST, 28, 28)),
        "test_labels": (np.arange(N_TEST) * 3) % 10,
    }
    sums = {}
    for role, arr in content.items():
        raw = _idx_bytes(arr)
        (folder / MNIST_FILES[role]).write_bytes(gzip.compress(raw))
        sums[MNIST_FILES[role]] = hashlib.sha256(raw).hexdigest()
    return sums


class _Server:
    """An http.server on 127.0.0.1 (free port) serving a folder, counting requests per path.

    ``lie_about_length`` names files for which the server announces more bytes than it sends
    and then closes the connection (a download cut off half way).
    """

    def __init__(self, root: Path):
        self.root = root
        self.requests: dict[str, int] = {}
        self.lie_about_length: set[str] = set()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests[name] = server.requests.get(name, 0) + 1
                if name in server.lie_about_length:
                    body = (root / self.path.lstrip("/")).read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body) + 1000))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.close_connection = True
                    return
                super().do_GET()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/mnist/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def mnist_server(tmp_path):
    root = tmp_path / "served"
    (root / "mnist").mkdir(parents=True)
    sums = _make_mnist_files(root / "mnist")
    server = _Server(root)
    server.sums = sums
    server.files = root / "mnist"
    yield server
    server.close()


def _cache_listing(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_download_and_load_full(mnist_server, tmp_path):
    cache = tmp_path / "cache"
    paths = download_mnist(cache, base_url=mnist_server.url, checksums=mnist_server.sums,
                           timeout=10)
    assert set(paths) == set(MNIST_FILES)
    assert _cache_listing(cache) == sorted(MNIST_FILES.values())  # no leftover temp files
    d = load_full_mnist(cache_dir=cache, base_url=mnist_server.url, checksums=mnist_server.sums,
                        seed=None)
    assert d.X_train.shape == (784, N_TRAIN) and d.X_test.shape == (784, N_TEST)
    assert d.y_train.tolist() == (np.arange(N_TRAIN) % 10).tolist()
    served = np.frombuffer(gzip.decompress((mnist_server.files / MNIST_FILES["train_images"])
                                           .read_bytes())[16:], np.uint8).reshape(N_TRAIN, 784)
    np.testing.assert_allclose(d.X_train, served.T / 255.0)
    with pytest.raises(ValueError, match="n_train"):
        load_full_mnist(n_train=N_TRAIN + 1, cache_dir=cache, download=False,
                        checksums=mnist_server.sums)


def test_cached_good_files_are_not_downloaded_again(mnist_server, tmp_path):
    cache = tmp_path / "cache"
    download_mnist(cache, base_url=mnist_server.url, checksums=mnist_server.sums)
    assert all(n == 1 for n in mnist_server.requests.values()) and len(mnist_server.requests) == 4
    download_mnist(cache, base_url=mnist_server.url, checksums=mnist_server.sums)
    load_full_mnist(cache_dir=cache, base_url=mnist_server.url, checksums=mnist_server.sums)
    assert all(n == 1 for n in mnist_server.requests.values())
    download_mnist(cache, base_url=mnist_server.url, checksums=mnist_server.sums, force=True)
    assert all(n == 2 for n in mnist_server.requests.values())


def test_checksum_mismatch_leaves_nothing_in_cache(mnist_server, tmp_path):
    name = MNIST_FILES["test_images"]
    expected = mnist_server.sums[name]
    other = tmp_path / "other"
    other.mkdir()
    _make_mnist_files(other, seed=1)  # same structure, other pixels
    (mnist_server.files / name).write_bytes((other / name).read_bytes())
    cache = tmp_path / "cache"
    with pytest.raises(ChecksumError) as info:
        download_mnist(cache, base_url=mnist_server.url, checksums=mnist_server.sums)
    message = str(info.value)
    assert name in message and expected in message
    assert re.search(r"is [0-9a-f]{64}, expected", message)
    # the files before it verified and stay; the bad one and its temporary file are gone
    assert _cache_listing(cache) == sorted([MNIST_FILES["train_images"],
                                            MNIST_FILES["train_labels"]])


def test_truncated_gzip_is_rejected(mnist_server, tmp_path):
    name = MNIST_FILES["train_labels"]
    path = mnist_server.files / name
    path.write_bytes(path.read_bytes()[:-12])
    cache = tmp_path / "cache"
    with pytest.raises(MnistDownloadError, match=f"{name}.*truncated gzip"):
        download_mnist(cache, base_url=mnist_server.url, checksums=None)
    assert name not in _cache_listing(cache)
    assert not [n for n in _cache_listing(cache) if n.endswith(".part")]


def test_truncated_idx_inside_good_gzip_is_rejected(mnist_server, tmp_path):
    name = MNIST_FILES["test_labels"]
    path = mnist_server.files / name
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes())[:-2]))
    with pytest.raises(MnistDownloadError, match=f"{name}.*truncated IDX"):
        download_mnist(tmp_path / "cache", base_url=mnist_server.url, checksums=None)


def test_connection_cut_half_way_is_rejected(mnist_server, tmp_path):
    name = MNIST_FILES["train_images"]
    mnist_server.lie_about_length.add(name)
    cache = tmp_path / "cache"
    with pytest.raises(MnistDownloadError, match=f"{name}: truncated download"):
        download_mnist(cache, base_url=mnist_server.url, checksums=mnist_server.sums, timeout=10)
    assert _cache_listing(cache) == []


def test_missing_file_gives_http_error(mnist_server, tmp_path):
    (mnist_server.files / MNIST_FILES["test_labels"]).unlink()
    with pytest.raises(MnistDownloadError, match="t10k-labels-idx1-ubyte.gz: HTTP 404"):
        download_mnist(tmp_path / "cache", base_url=mnist_server.url, checksums=mnist_server.sums)


def test_damaged_cached_file_is_downloaded_again(mnist_server, tmp_path):
    cache = tmp_path / "cache"
    download_mnist(cache, base_url=mnist_server.url, checksums=mnist_server.sums)
    name = MNIST_FILES["train_labels"]
    (cache / name).write_bytes(b"garbage")
    download_mnist(cache, base_url=mnist_server.url, checksums=mnist_server.sums)
    assert mnist_server.requests[name] == 2
    assert mnist_server.requests[MNIST_FILES["train_images"]] == 1
    assert (cache / name).read_bytes() == (mnist_server.files / name).read_bytes()


def test_base_url_from_environment(mnist_server, tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.URL_ENV_VAR, mnist_server.url.rstrip("/"))
    monkeypatch.setenv(datasets.CACHE_ENV_VAR, str(tmp_path / "envcache"))
    assert datasets.default_cache_dir() == tmp_path / "envcache"
    download_mnist(checksums=mnist_server.sums)
    assert _cache_listing(tmp_path / "envcache") == sorted(MNIST_FILES.values())


def test_file_url_works_offline(mnist_server, tmp_path):
    d = load_full_mnist(cache_dir=tmp_path / "c", base_url=mnist_server.files.as_uri(),
                        checksums=mnist_server.sums, n_train=5)
    assert d.X_train.shape == (784, 5)
    assert mnist_server.requests == {}


def test_default_checksums_reject_other_content(mnist_server, tmp_path):
    # the tiny generated files are not MNIST: the built-in checksums must refuse them
    with pytest.raises(ChecksumError):
        download_mnist(tmp_path / "cache", base_url=mnist_server.url)


def test_load_full_without_download_needs_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="download_mnist"):
        load_full_mnist(cache_dir=tmp_path, download=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"base_url": "ftp://example.invalid/"}, ValueError, "base_url"),
        ({"base_url": 3}, TypeError, "base_url"),
        ({"checksums": {"x": "0" * 64}}, ValueError, "no entry"),
        ({"checksums": dict.fromkeys(MNIST_FILES.values(), "abc")}, ValueError, "64 hex"),
        ({"checksums": ["a"]}, TypeError, "checksums"),
        ({"timeout": 0}, ValueError, "timeout"),
    ],
)
def test_download_rejects_bad_arguments(kwargs, error, match, tmp_path):
    with pytest.raises(error, match=match):
        download_mnist(tmp_path, **kwargs)
    assert _cache_listing(tmp_path) == []


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
