"""Tests for the optional full-MNIST download (lecture5/_mnist_download.py), reached through
lecture5.datasets as a user would: IDX parsing, checksums, the atomic cache, and a local HTTP
server on 127.0.0.1 standing in for the MNIST mirror (no internet needed)."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from lecture5 import datasets
from lecture5.datasets import (
    MNIST_FILES,
    ChecksumError,
    MnistDownloadError,
    download_mnist,
    load_full_mnist,
    parse_idx,
)

# ---------------------------------------------------------------------------------- lazy import
HEAVY = ("lecture5._mnist_download", "urllib.request", "http.client", "gzip")


def _modules_after(code: str) -> set:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(*sorted(sys.modules))"],
                         capture_output=True, text=True, check=True, timeout=120)
    return set(out.stdout.split())


def test_importing_datasets_does_not_load_the_downloader():
    loaded = _modules_after("import lecture5.datasets\nlecture5.datasets.load_mnist(n_train=5)")
    assert "lecture5.datasets" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_download_names_load_it_on_first_use():
    loaded = _modules_after("from lecture5.datasets import parse_idx, ChecksumError")
    assert set(HEAVY) <= loaded
    assert datasets.ChecksumError.__module__ == "lecture5._mnist_download"
    assert issubclass(datasets.ChecksumError, datasets.MnistDownloadError)
    assert {"parse_idx", "download_mnist", "default_cache_dir"} <= set(datasets.__all__)
    with pytest.raises(AttributeError, match="no_such_name"):
        datasets.no_such_name  # noqa: B018


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
