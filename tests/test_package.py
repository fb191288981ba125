"""``import lecture5`` is light and leads everywhere: every module is reachable as
``lecture5.<module>`` (imported on first use), and ``help(lecture5)`` is the module map."""

from __future__ import annotations

import json
import pydoc
import subprocess
import sys
from pathlib import Path

import pytest

import lecture5

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ["Network", "QuadraticCost", "CrossEntropyCost", "hadamard", "bp1", "bp2", "bp3",
            "bp4", "sigmoid", "tanh", "relu", "linear"]


def _fresh(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_contract_names_stay_in_all():
    assert lecture5.__all__ == CONTRACT
    for name in CONTRACT:
        assert getattr(lecture5, name) is not None


def test_import_lecture5_loads_neither_matplotlib_nor_ipywidgets():
    loaded = json.loads(_fresh(
        "import json, sys, lecture5; print(json.dumps(sorted(sys.modules)))"))
    heavy = [m for m in loaded if m.split(".")[0] in ("matplotlib", "ipywidgets", "IPython",
                                                      "tqdm")]
    assert heavy == []
    assert "lecture5.widgets" not in loaded and "lecture5.datasets" not in loaded


def test_every_module_is_reachable_after_import_lecture5():
    names = lecture5.submodules()
    for expected in ("datasets", "training", "network", "hessian", "plots", "widgets"):
        assert expected in names
    out = _fresh("import lecture5\n"
                 f"for n in {names!r}:\n"
                 "    m = getattr(lecture5, n)\n"
                 "    assert m.__name__ == 'lecture5.' + n, m\n"
                 "print(lecture5.datasets.load_mnist is not None, "
                 "lecture5.training.Trainer.__name__)")
    assert out.split() == ["True", "Trainer"]


def test_every_public_module_has_a_line_in_the_map():
    assert set(lecture5.submodules()) <= set(lecture5.MODULES), (
        "add a one-line description to lecture5.MODULES for "
        f"{sorted(set(lecture5.submodules()) - set(lecture5.MODULES))}")
    assert set(lecture5.submodules()) <= set(dir(lecture5))


def test_help_lecture5_is_the_module_map():
    text = pydoc.render_doc(lecture5, renderer=pydoc.plaintext)
    for name in lecture5.submodules():
        line = next((ln for ln in text.splitlines() if ln.strip().startswith(name + " ")), None)
        assert line and lecture5.MODULES[name] in line, f"help(lecture5) lacks {name}"
    assert "load_mnist" in text and "Trainer" in text


def test_an_unknown_name_says_what_exists():
    with pytest.raises(AttributeError, match=r"no attribute 'dataset'.*datasets"):
        lecture5.dataset  # noqa: B018
    with pytest.raises(AttributeError):
        lecture5._validate_missing  # noqa: B018
