"""binder/ builds a working environment, checked the way repo2docker (Binder) would use it.

repo2docker reads binder/runtime.txt (the Python version), runs ``pip install -r
binder/requirements.txt`` from the repository root, then runs ``binder/postBuild``.  This test
does the same in a fresh virtual environment on a copy of the repository (so the working tree
gets no build files), then checks that

* the pinned versions install together (``pip check``),
* postBuild put binder/overrides.json (commsOverSubshells off) where that environment's
  JupyterLab reads its default settings,
* a notebook executes in that environment's own kernel without an error.

It downloads from PyPI only (pip may use its cache) and took 102 s here with a warm pip cache,
so it is marked ``slow``: run it with ``python -m pytest -m slow tests/test_binder.py``.  The
cheap checks of binder/ itself run by default.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
NOTEBOOK = "00_start_here.ipynb"
SETTING = ("@jupyterlab/apputils-extension:kernels-settings", "commsOverSubshells")
# not copied: version control, caches and build products of the working tree
IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.egg-info", "build",
                                "dist", ".pytest_cache", ".ruff_cache", ".hypothesis",
                                ".ipynb_checkpoints", "test-artifacts", "node_modules")


def _run(cmd, *, cwd, env, timeout, what):
    """Run ``cmd``; on failure show what failed and the end of its output."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{what} did not finish within {timeout} s: {cmd}\n{exc.stdout or ''}")
    if proc.returncode != 0:
        pytest.fail(f"{what} failed with exit code {proc.returncode}: {cmd}\n"
                    f"--- stdout (end) ---\n{proc.stdout[-4000:]}\n"
                    f"--- stderr (end) ---\n{proc.stderr[-4000:]}")
    return proc


def _runtime_python() -> str:
    """A Python of the version that binder/runtime.txt asks for (this one, if it matches)."""
    text = (BINDER / "runtime.txt").read_text().strip()
    assert text.startswith("python-"), f"runtime.txt should read like python-3.11, got {text!r}"
    version = text.removeprefix("python-")
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    other = shutil.which(f"python{version}")
    if other is None:
        pytest.skip(f"binder/runtime.txt asks for Python {version}; none found on this machine")
    return other


def test_binder_files_are_complete():
    """Cheap checks of binder/ itself, in the default run (the slow test repeats them)."""
    assert (BINDER / "overrides.json").is_file()
    settings = json.loads((BINDER / "overrides.json").read_text())
    assert settings[SETTING[0]][SETTING[1]] == "disabled"
    assert os.access(BINDER / "postBuild", os.X_OK), "binder/postBuild must be executable"
    assert (BINDER / "postBuild").read_text().startswith("#!/usr/bin/env bash")
    requirements = (BINDER / "requirements.txt").read_text().splitlines()
    lines = [line.split("#")[0].strip() for line in requirements]
    assert "-e ." in lines or "." in lines, "the package itself must be installed"
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in lines if "==" in line}
    for name in ("jupyterlab", "ipywidgets", "jupyterlab-widgets", "ipykernel", "matplotlib",
                 "numpy", "scipy", "tqdm", "notebook-shim"):
        assert name in pinned, f"{name} should be pinned exactly in binder/requirements.txt"


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_binder_environment_builds_and_runs_a_notebook(tmp_path):
    test_binder_files_are_complete()
    python = _runtime_python()
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    venv = tmp_path / "venv"
    _run([python, "-m", "venv", str(venv)], cwd=tmp_path, env=os.environ.copy(), timeout=120,
         what="python -m venv")
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    vpython = str(bindir / "python")

    # the environment Binder would give: this venv first on PATH, nothing of ours leaking in
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "NB_PYTHON_PREFIX",
                        "JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "CONDA_PREFIX")}
    env.update(PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
               JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
               IPYTHONDIR=str(tmp_path / "ipython"), MPLCONFIGDIR=str(tmp_path / "mpl"),
               PYDEVD_DISABLE_FILE_VALIDATION="1")

    # 1. what repo2docker runs, from the repository root
    _run([vpython, "-m", "pip", "install", "--disable-pip-version-check", "-r",
          "binder/requirements.txt"], cwd=repo, env=env, timeout=1200,
         what="pip install -r binder/requirements.txt")
    _run([vpython, "-m", "pip", "check"], cwd=repo, env=env, timeout=120, what="pip check")
    proc = _run(["binder/postBuild"], cwd=repo, env=env, timeout=120, what="binder/postBuild")
    assert "overrides written" in proc.stdout

    # 2. the override sits where this environment's JupyterLab reads its default settings
    overrides = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert overrides.is_file(), f"postBuild did not create {overrides}"
    assert json.loads(overrides.read_text())[SETTING[0]][SETTING[1]] == "disabled"
    paths = _run([vpython, "-m", "jupyterlab", "path"], cwd=repo, env=env, timeout=120,
                 what="jupyter lab path").stdout
    app_dir = next(line.split(":", 1)[1].strip() for line in paths.splitlines()
                   if line.startswith("Application directory"))
    assert Path(app_dir).resolve() == overrides.parent.parent.resolve()

    # 3. a notebook runs in this environment's kernel; a probe says which kernel that was
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, lecture5, ipywidgets\nprint(sys.prefix)\nprint(lecture5.__file__)")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    nbformat.write(probe, repo / "notebooks" / "probe.ipynb")
    out = tmp_path / "executed"
    _run([vpython, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
          "--ExecutePreprocessor.timeout=180", "--ExecutePreprocessor.kernel_name=python3",
          "--output-dir", str(out), NOTEBOOK, "probe.ipynb"],
         cwd=repo / "notebooks", env=env, timeout=600, what=f"nbconvert --execute {NOTEBOOK}")

    printed = nbformat.read(out / "probe.ipynb", as_version=4).cells[0].outputs[0]["text"]
    prefix, module = printed.split()
    assert Path(prefix).resolve() == venv.resolve(), "the kernel did not run in the new venv"
    assert Path(module).resolve().is_relative_to(repo.resolve()), "lecture5 not from the repo"

    executed = nbformat.read(out / NOTEBOOK, as_version=4)
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert code_cells and all(c.execution_count for c in code_cells)
    for cell in code_cells:
        for output in cell.outputs:
            assert output.output_type != "error", (
                f"error in {NOTEBOOK}: {output.get('ename')}: {output.get('evalue')}")
            if output.output_type == "stream":
                assert output.name != "stderr", f"stderr in {NOTEBOOK}: {output.text[:500]}"
