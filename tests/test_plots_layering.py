"""plots/ draws what it is given: importing it loads neither the training engine nor the
experiments (issue 8: "figures take run results and never train")."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import lecture5

PACKAGE = Path(lecture5.__file__).parent
#: the modules that build, train or run networks; plots/ must not need any of them
ENGINE = ("lecture5.network", "lecture5.training", "lecture5._engine", "lecture5.experiments")

#: run in a fresh interpreter; ``bare`` skips lecture5/__init__.py (which imports Network for
#: the package's public API) so that only what plots/ itself needs gets loaded
SCRIPT = """
import json, sys, types
if {bare}:
    pkg = types.ModuleType("lecture5")
    pkg.__path__ = [{path!r}]
    sys.modules["lecture5"] = pkg
import lecture5.plots
print(json.dumps(sorted(m for m in sys.modules if m.startswith("lecture5"))))
"""


def _loaded(bare):
    code = SCRIPT.format(bare=bare, path=str(PACKAGE))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("bare", [False, True], ids=["import lecture5.plots", "plots alone"])
def test_importing_plots_loads_no_training_engine(bare):
    loaded = _loaded(bare)
    assert "lecture5.plots.dropout" in loaded and "lecture5.plots.early_stopping" in loaded
    engine = ENGINE if bare else ENGINE[1:]  # lecture5/__init__ itself imports network
    assert [m for m in engine if m in loaded] == []


def _imported_names(path):
    """Every module an ``import`` in ``path`` names, at top level or inside a function."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names += [base] + [f"{base}.{a.name}" for a in node.names]
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "plots").glob("*.py")), ids=lambda p: p.name)
def test_no_plots_module_imports_the_engine_even_lazily(path):
    bad = {"network", "training", "_engine", "experiments"}
    hits = [n for n in _imported_names(path) if n.split(".")[-1] in bad]
    assert hits == [], f"{path.name} imports {hits}"
