"""The package installed the ways the README says, each checked in a fresh virtual environment.

* **A JupyterHub image** installs the package with the one line of README's hub section,
  ``pip install "lecture5 @ git+<repository>@<branch>"``; here the repository is this checkout
  (``git+file://``, at its current commit, so uncommitted changes are not in it).  A notebook
  copied outside the repository -- as nbgitpuller's copy in a student's home directory is, with
  the package's sources beside it but not importable -- then runs in that environment's kernel,
  imports the *installed* package, and finds its bundled data; the wheel holds every module of
  ``lecture5/``, subpackages included.
* **JupyterLab's setting**: in that environment (normal install), then after ``pip install -e``
  of a copy of the working tree, a JupyterLab server reports ``commsOverSubshells: "disabled"``
  as the default of ``@jupyterlab/apputils-extension:kernels-settings`` in /lab/api/settings
  (binder/overrides.json says why); with the package uninstalled in between, it reports
  JupyterLab's own default, so the check can fail.

It downloads from PyPI (pip may use its cache) and takes minutes, so it is marked ``slow``:
``python -m pytest -m slow tests/test_install.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest
from test_binder import IGNORE, _run

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "00_start_here.ipynb"
PLUGIN, KEY = "@jupyterlab/apputils-extension:kernels-settings", "commsOverSubshells"


@pytest.fixture(scope="module")
def env_dirs(tmp_path_factory):
    """A fresh venv and an environment in which nothing of this session leaks in."""
    tmp = tmp_path_factory.mktemp("install")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp, env=os.environ.copy(), timeout=180,
         what="python -m venv")
    bindir = venv / "bin"
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH",
                        "JUPYTER_CONFIG_PATH", "JUPYTERLAB_SETTINGS_DIR", "CONDA_PREFIX")}
    env.update(PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               HOME=str(tmp / "home"), JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"),
               JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"), IPYTHONDIR=str(tmp / "ipython"),
               MPLCONFIGDIR=str(tmp / "mpl"), JUPYTER_PREFER_ENV_PATH="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    (tmp / "home").mkdir()
    return tmp, venv, env


def _head_commit() -> str:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the hub line installs from a git repository")
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def _package_files(top: Path) -> set[str]:
    return {p.relative_to(top).as_posix() for p in top.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def _lab_setting(vpython: str, env: dict, workdir: Path) -> tuple[str, dict]:
    """Start JupyterLab from ``vpython``; the setting it reports, and its whole reply."""
    port = _free_port()
    token = uuid.uuid4().hex
    cmd = [vpython, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={workdir}", "--LabApp.news_url="]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = workdir / f"jupyterlab-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def get(path):
        req = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                get("/api/status")
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        reply = get(f"/lab/api/settings/{PLUGIN}")
        # no user setting here, so the value in force is the schema's default, which the
        # environment's overrides.json replaces
        default = reply["schema"]["properties"][KEY]["default"]
        return reply["settings"].get(KEY, default), reply
    finally:
        try:
            req = urllib.request.Request(base + "/api/shutdown", method="POST",
                                         headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(req, timeout=10).close()
            proc.wait(20)
        except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(10)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.timeout(2400)
def test_hub_install_runs_a_pulled_notebook_then_editable_keeps_the_lab_setting(env_dirs):
    tmp, venv, env = env_dirs
    vpython = str(venv / "bin" / "python")
    pip = [vpython, "-m", "pip", "install", "--disable-pip-version-check", "-q"]

    # 1. the hub image's line (plus what a hub image has anyway: a kernel, nbconvert, JupyterLab);
    # the venv's own pip (23.2 with Python 3.11.7) refuses a git+file:/// requirement
    _run([*pip, "--upgrade", "pip"], cwd=tmp, env=env, timeout=600, what="pip install -U pip")
    source = f"lecture5 @ git+file://{ROOT}@{_head_commit()}"
    _run([*pip, source, "ipykernel", "nbconvert", "jupyterlab"], cwd=tmp, env=env, timeout=1800,
         what=f"pip install {source!r}")
    site = Path(_run([vpython, "-c", "import lecture5, pathlib; "
                      "print(pathlib.Path(lecture5.__file__).parent)"],
                     cwd=tmp, env=env, timeout=120, what="import lecture5").stdout.strip())
    assert site.is_relative_to(venv), f"lecture5 imported from {site}, not from the venv"
    committed = subprocess.run(["git", "ls-files", "lecture5"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.split()
    shipped = _package_files(site)
    missing = {f.removeprefix("lecture5/") for f in committed} - shipped
    assert not missing, f"the wheel lacks {sorted(missing)}"

    # 2. nbgitpuller's copy: the whole repository in the student's home, run from notebooks/
    pulled = tmp / "home" / "course"
    shutil.copytree(ROOT, pulled, ignore=IGNORE)
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, lecture5\nfrom lecture5.datasets import load_mnist\n"
        "print(sys.prefix)\nprint(lecture5.__file__)\n"
        "print(load_mnist(n_train=20, n_test=10).X_train.shape)")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    nbformat.write(probe, pulled / "notebooks" / "probe.ipynb")
    out = tmp / "executed"
    _run([vpython, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
          "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=python3",
          "--output-dir", str(out), "probe.ipynb", NOTEBOOK],
         cwd=pulled / "notebooks", env=env, timeout=900, what=f"nbconvert --execute {NOTEBOOK}")
    outputs = nbformat.read(out / "probe.ipynb", as_version=4).cells[0].outputs
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    prefix, module, shape = printed.strip().split("\n")
    assert Path(prefix).resolve() == venv.resolve(), "the kernel did not run in the new venv"
    assert Path(module).resolve().is_relative_to(venv.resolve()), (
        f"the pulled notebook imported {module}, not the installed package")
    assert shape == "(784, 20)"
    executed = nbformat.read(out / NOTEBOOK, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", f"{output.get('ename')}: {output.get('evalue')}"

    # 3. JupyterLab of the normal install reports the setting
    overrides = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(overrides.read_text())[PLUGIN][KEY] == "disabled"
    value, reply = _lab_setting(vpython, env, tmp)
    assert value == "disabled", f"JupyterLab (pip install) reports {KEY}={value!r}: {reply}"

    # 4. without the package, JupyterLab's own default (subshells on) is back ...
    _run([vpython, "-m", "pip", "uninstall", "-y", "-q", "lecture5"], cwd=tmp, env=env,
         timeout=300, what="pip uninstall lecture5")
    assert not overrides.exists()
    value, reply = _lab_setting(vpython, env, tmp)
    assert value != "disabled", f"{KEY} is disabled without the package: the check proves nothing"

    # ... and an editable install brings the setting back
    work = tmp / "worktree"
    shutil.copytree(ROOT, work, ignore=IGNORE)
    _run([*pip, "--no-deps", "-e", str(work)], cwd=tmp, env=env, timeout=900,
         what="pip install -e")
    module = _run([vpython, "-c", "import lecture5; print(lecture5.__file__)"], cwd=tmp, env=env,
                  timeout=120, what="import lecture5").stdout.strip()
    assert Path(module).resolve().is_relative_to(work.resolve()), "not the editable copy"
    assert json.loads(overrides.read_text())[PLUGIN][KEY] == "disabled"
    value, reply = _lab_setting(vpython, env, tmp)
    assert value == "disabled", f"JupyterLab (pip install -e) reports {KEY}={value!r}: {reply}"
