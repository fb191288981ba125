"""Execute notebooks from a fresh kernel and save them with outputs, reproducibly.

    python tests/tools/refresh_notebooks.py notebooks/03_backpropagation.ipynb [...]
    python tests/tools/refresh_notebooks.py --all

Runs each notebook with nbconvert's ExecutePreprocessor (cwd = notebooks/, timeout per cell,
no timing metadata), then renames the random widget model ids to deterministic ones and sorts the
saved widget state, so that two refreshes of an unchanged notebook are byte-identical.  Prints the
run time of each notebook.  Commit only notebooks saved by this script (JupyterLab saves no widget
state, which shows "Error displaying widget: model not found" when reopened).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def _refs(obj):
    """Model ids referenced (IPY_MODEL_...) inside a JSON value, in a deterministic order."""
    text = json.dumps(obj, sort_keys=True)
    seen = []
    for mid in REF.findall(text):
        if mid not in seen:
            seen.append(mid)
    return seen


def stabilise_widget_ids(nb) -> None:
    state_block = nb.metadata.get("widgets", {}).get(WIDGET_STATE)
    if not state_block:
        return
    state = state_block["state"]
    order = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view and view.get("model_id") in state and view["model_id"] not in order:
                order.append(view["model_id"])
    i = 0
    while i < len(order):  # breadth-first through the references
        for ref in _refs(state[order[i]]):
            if ref in state and ref not in order:
                order.append(ref)
        i += 1
    rest = sorted((mid for mid in state if mid not in order),
                  key=lambda mid: json.dumps(state[mid], sort_keys=True))
    order += rest
    mapping = {old: hashlib.sha1(f"lecture5-{k}".encode()).hexdigest()[:32]
               for k, old in enumerate(order)}
    text = json.dumps(nb, sort_keys=True)
    text = re.sub(r"[0-9a-f]{32}", lambda m: mapping.get(m.group(0), m.group(0)), text)
    new = nbformat.from_dict(json.loads(text))
    new_state = new.metadata["widgets"][WIDGET_STATE]["state"]
    new.metadata["widgets"][WIDGET_STATE]["state"] = {k: new_state[k] for k in sorted(new_state)}
    nb.clear()
    nb.update(new)


def refresh(path: Path, timeout: int = 120) -> float:
    nb = nbformat.read(path, as_version=4)
    ep = ExecutePreprocessor(timeout=timeout, kernel_name="python3", record_timing=False)
    t0 = time.perf_counter()
    ep.preprocess(nb, {"metadata": {"path": str(path.parent)}})
    seconds = time.perf_counter() - t0
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
    stabilise_widget_ids(nb)
    nbformat.write(nb, path)
    return seconds


def main(argv=None) -> int:
    # the kernels run with one BLAS thread, as under pytest (see conftest.py at the top level)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every notebook in notebooks/")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOKS.glob("*.ipynb")) if args.all else args.notebooks
    if not paths:
        parser.error("name notebooks or pass --all")
    total = 0.0
    for path in paths:
        seconds = refresh(Path(path).resolve(), args.timeout)
        total += seconds
        print(f"{seconds:7.1f} s  {path}")
    print(f"{total:7.1f} s  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
