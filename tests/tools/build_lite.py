"""Build the course as a static JupyterLite site: the notebooks run in the browser on Pyodide.

    python tests/tools/build_lite.py [--out DIR]        # default DIR: build/lite (git-ignored)
    python -m http.server -d DIR/site -b 127.0.0.1 8000  # then open http://127.0.0.1:8000/

``DIR/site`` is the whole site (copy it to any static host, e.g. GitHub Pages); ``DIR/cache`` holds
what the build downloaded (npm's ``pyodide`` package, wheels from the package index) and is reused;
``DIR/work`` is JupyterLite's working directory.

Needs the ``lite`` extra (jupyterlite-core and jupyterlite-pyodide-kernel, pinned below), ``npm``
and ``pip`` with access to their registries.  What goes into the site:

* the JupyterLab front end with two extensions: the Pyodide kernel and the ipywidgets manager;
* all of ``notebooks/`` (as committed, outputs included);
* the Pyodide runtime from npm (``pyodide@PYODIDE_VERSION``, the version the kernel was built for)
  in ``static/pyodide/``;
* every pure-Python wheel the kernel and ``lecture5`` need from Pyodide's package list (micropip,
  IPython, jedi, tqdm, matplotlib's pure dependencies, ...): the package index's wheels of the
  lock's exact versions, next to the runtime, and the lock file rewritten to the files shipped
  (their sha256 too: Pyodide's own builds of them differ byte-wise and live only on its CDN);
* the ``lecture5`` wheel built from this repository, and the wheels Pyodide does not list
  (ipywidgets, comm, jupyterlab_widgets: the versions of this environment's JupyterLab), in
  ``pypi/``: ``%pip install lecture5`` installs from the site (piplite).  They are added to the
  lock file too, so the kernel loads them when a cell imports them: ``import lecture5`` needs no
  ``%pip`` line.

Not in the site: the compiled WebAssembly wheels (numpy, scipy, matplotlib, contourpy, kiwisolver,
pillow, and the libraries they load).  They exist only on Pyodide's CDN; the lock file points at
``CDN_URL`` for them, so a browser with internet fetches them when a notebook imports ``lecture5``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().parent / "lite"

#: jupyterlite-core and jupyterlite-pyodide-kernel must be released together; the kernel is built
#: for exactly one Pyodide (``jupyterlite_pyodide_kernel.constants.PYODIDE_VERSION``).
LITE_PINS = {"jupyterlite-core": "0.8.6", "jupyterlite-pyodide-kernel": "0.8.6"}
PYODIDE_VERSION = "314.0.6"
CDN_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"

#: packages of Pyodide's lock the kernel loads while it starts (micropip by loadPackage; IPython and
#: jedi by piplite) -- they and their dependencies ship in the site
KERNEL_PACKAGES = ("micropip", "ipython", "jedi")
#: served by the Pyodide kernel extension itself (its ``static/pypi``): never downloaded
KERNEL_MOCKS = ("ipykernel", "piplite", "pyodide-kernel", "widgetsnbextension")
#: the front-end extensions the site needs (others installed in this environment stay out)
LAB_EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager")


def norm(name: str) -> str:
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def log(msg: str) -> None:
    print(f"[build_lite] {msg}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    log(" ".join(map(str, cmd)))
    subprocess.run(cmd, check=True, **kwargs)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- checks


def check_versions() -> None:
    """Stop with one line if the lite packages are missing or not the pinned versions."""
    for name, want in LITE_PINS.items():
        try:
            got = md.version(name)
        except md.PackageNotFoundError:
            sys.exit(f"build_lite: {name} is not installed; pip install -e '.[lite]' "
                     f"(or {name}=={want})")
        if got != want:
            sys.exit(f"build_lite: {name} {got} is installed, this build is pinned to {want}")
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION as kernel_pyodide
    if kernel_pyodide != PYODIDE_VERSION:
        sys.exit(f"build_lite: jupyterlite-pyodide-kernel expects Pyodide {kernel_pyodide}, "
                 f"PYODIDE_VERSION is {PYODIDE_VERSION}")
    for tool in ("npm",):
        if shutil.which(tool) is None:
            sys.exit(f"build_lite: `{tool}` not found; it fetches the Pyodide runtime")


# ----------------------------------------------------------------------------- downloads


def pyodide_runtime(cache: Path) -> Path:
    """npm's ``pyodide@PYODIDE_VERSION`` unpacked into the cache (the core runtime, no packages)."""
    dest = cache / "npm" / f"pyodide-{PYODIDE_VERSION}"
    if (dest / "pyodide.mjs").is_file():
        return dest
    npm_dir = cache / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--silent"], cwd=npm_dir,
        stdout=subprocess.DEVNULL)
    tgz = npm_dir / f"pyodide-{PYODIDE_VERSION}.tgz"
    tmp = npm_dir / "unpack"
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(tgz) as tar:
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(tmp, **safe)
    shutil.rmtree(dest, ignore_errors=True)
    (tmp / "package").rename(dest)
    tmp.rmdir()
    return dest


def pip_download(specs: list[str], dest: Path) -> None:
    """Pure-Python wheels, exactly these versions, no dependencies (resolved here, not by pip)."""
    dest.mkdir(parents=True, exist_ok=True)
    missing = [s for s in specs if not list(dest.glob(wheel_glob(s)))]
    if missing:
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--python-version", "3.14", "--implementation", "py",
             "--platform", "any", "--dest", str(dest), *missing])


def wheel_glob(spec: str) -> str:
    name, version = spec.split("==")
    return f"{re.sub(r'[-_.]+', '_', name)}-{version}-*.whl"


def find_wheel(spec: str, where: Path) -> Path:
    name, version = spec.split("==")
    for whl in where.glob("*.whl"):
        parts = whl.name.split("-")
        if norm(parts[0]) == norm(name) and parts[1] == version:
            return whl
    raise FileNotFoundError(f"no wheel for {spec} in {where}")


def build_lecture5_wheel(dest: Path) -> Path:
    """The project's own wheel, built from the repository (a fresh one every build)."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("lecture5-*.whl"):
        old.unlink()
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dest),
         str(ROOT)])
    (whl,) = dest.glob("lecture5-*.whl")
    return whl


def wheel_requires(whl: Path) -> list[str]:
    """Names of the unconditional ``Requires-Dist`` of a wheel."""
    with zipfile.ZipFile(whl) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode()
    names = []
    for line in text.splitlines():
        if line.startswith("Requires-Dist:") and ";" not in line:
            names.append(norm(re.match(r"[A-Za-z0-9._-]+", line.split(":", 1)[1].strip())[0]))
    return names


# ----------------------------------------------------------------------------- resolution


def lock_closure(lock: dict, names) -> set[str]:
    """``names`` and everything they depend on in Pyodide's lock (normalized names)."""
    pkgs = {norm(k): v for k, v in lock["packages"].items()}
    todo, seen = [norm(n) for n in names], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(norm(d) for d in pkgs[name]["depends"])
    return seen


def is_pure(pkg: dict) -> bool:
    return pkg["file_name"].endswith("-none-any.whl")


def piplite_closure(roots, lock_names: set[str]) -> tuple[list[str], list[str]]:
    """Split the dependencies of ``roots`` (installed here) into Pyodide-lock names and
    ``name==version`` pins (this environment's versions) for wheels the lock does not have."""
    in_lock, pins, todo, seen = set(), [], list(roots), set()
    while todo:
        name = norm(todo.pop())
        if name in seen or name in KERNEL_MOCKS:
            continue
        seen.add(name)
        if name in lock_names:
            in_lock.add(name)
            continue
        dist = md.distribution(name)
        pins.append(f"{name}=={dist.version}")
        for req in dist.requires or []:
            if ";" not in req:
                todo.append(re.match(r"[A-Za-z0-9._-]+", req)[0])
    return sorted(in_lock), sorted(pins)


def top_level(whl: Path) -> list[str]:
    """Import names a wheel provides (its top-level packages and modules)."""
    with zipfile.ZipFile(whl) as zf:
        names = {n.split("/")[0].removesuffix(".py") for n in zf.namelist()}
    return sorted(n for n in names if not n.endswith((".dist-info", ".data")))


def write_lock(lock: dict, local: dict[str, Path], extra: dict[str, tuple[Path, str, list[str]]],
               out: Path) -> None:
    """Pyodide's lock, each package pointing at a wheel shipped here or else at the CDN.

    ``local``: lock packages shipped next to the runtime (name -> wheel).  ``extra``: packages
    added to the lock (name -> (wheel, URL relative to the runtime, dependencies)), so that the
    kernel loads them on ``import`` as it does Pyodide's own (``import lecture5`` just works).
    """
    lock = json.loads(json.dumps(lock))
    for key, pkg in lock["packages"].items():
        whl = local.get(norm(key))
        if whl is not None:
            pkg["file_name"] = whl.name
            pkg["sha256"] = sha256(whl)
            pkg["version"] = whl.name.split("-")[1]
        else:
            pkg["file_name"] = CDN_URL + pkg["file_name"]
    for name, (whl, url, depends) in sorted(extra.items()):
        lock["packages"][name] = {
            "name": name, "version": whl.name.split("-")[1], "file_name": url,
            "install_dir": "site", "package_type": "package", "sha256": sha256(whl),
            "imports": top_level(whl), "depends": sorted(depends), "unvendored_tests": False}
    missing = ({norm(d) for pkg in lock["packages"].values() for d in pkg["depends"]}
               - {norm(k) for k in lock["packages"]})
    if missing:
        raise RuntimeError(f"the site's pyodide-lock.json lacks dependencies {sorted(missing)}")
    out.write_text(json.dumps(lock, indent=1) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- the build


def build(out: Path, extra_contents: list[Path] | tuple = (), cache: Path | None = None) -> Path:
    """Build the site into ``out/site`` and return its path.

    ``cache`` (default ``out/cache``) keeps the downloads between builds; ``out/work`` is
    JupyterLite's working directory.  ``extra_contents``: more files to put in the site.
    """
    check_versions()
    out = out.resolve()
    cache = (cache or out / "cache").resolve()
    site, lite_dir = out / "site", out / "work"
    shutil.rmtree(lite_dir, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)

    runtime = pyodide_runtime(cache)
    lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    lock_pkgs = {norm(k): v for k, v in lock["packages"].items()}

    lecture5 = build_lecture5_wheel(cache / "project")
    roots = wheel_requires(lecture5)
    in_lock, pins = piplite_closure(roots, set(lock_pkgs))
    shipped = sorted(n for n in lock_closure(lock, [*KERNEL_PACKAGES, *in_lock])
                     if is_pure(lock_pkgs[n]))
    lock_specs = [f"{n}=={lock_pkgs[n]['version']}" for n in shipped]
    wheels = cache / "wheels"
    pip_download(lock_specs + pins, wheels)

    # static/pyodide: runtime + the lock's pure wheels + the rewritten lock
    static = lite_dir / "static" / "pyodide"
    shutil.copytree(runtime, static, ignore=shutil.ignore_patterns(
        "*.map", "*.d.ts", "*.html", "README.md", "package.json", "pyodide-lock.json"))
    local = {}
    for spec in lock_specs:
        whl = find_wheel(spec, wheels)
        shutil.copy2(whl, static / whl.name)
        local[norm(spec.split("==")[0])] = whl

    # pypi/: piplite's index (the project's wheel and what Pyodide's lock lacks), also added to
    # the lock so that the kernel loads them on import
    pypi = lite_dir / "pypi"
    pypi.mkdir(parents=True)
    extra = {}
    for whl in [lecture5, *(find_wheel(spec, wheels) for spec in pins)]:
        shutil.copy2(whl, pypi / whl.name)
        name = norm(whl.name.split("-")[0])
        requires = wheel_requires(whl) if whl is lecture5 else [
            norm(re.match(r"[A-Za-z0-9._-]+", r)[0]) for r in md.requires(name) or []
            if ";" not in r]
        extra[name] = (whl, f"../../pypi/{whl.name}", requires)
    mocks = Path(sys.prefix, "share", "jupyter", "labextensions", LAB_EXTENSIONS[0], "static",
                 "pypi")
    for name in ("widgetsnbextension",):  # ipywidgets needs it; the kernel's empty stand-in
        whl = max(mocks.glob(f"{name}-4.*.whl"))
        extra[name] = (whl, f"../../extensions/{LAB_EXTENSIONS[0]}/static/pypi/{whl.name}", [])
    write_lock(lock, local, extra, static / "pyodide-lock.json")

    config = json.loads((CONFIG / "jupyter_lite_config.json").read_text(encoding="utf-8"))
    labext = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    config["LiteBuildConfig"]["federated_extensions"] = [str(labext / e) for e in LAB_EXTENSIONS]
    config["LiteBuildConfig"]["contents"] = [str(ROOT / "notebooks"), *map(str, extra_contents)]
    config["LiteBuildConfig"]["output_dir"] = str(site)
    config["LiteBuildConfig"]["cache_dir"] = str(lite_dir / ".cache")
    (lite_dir / "jupyter_lite_config.json").write_text(json.dumps(config, indent=1),
                                                       encoding="utf-8")
    shutil.copy2(CONFIG / "jupyter-lite.json", lite_dir / "jupyter-lite.json")
    shutil.copy2(CONFIG / "overrides.json", lite_dir / "overrides.json")

    run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir)],
        cwd=lite_dir, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    log(f"lock: {len(local)} pure wheels shipped, "
        f"{len(lock_pkgs) - len(local)} packages left on {CDN_URL}")
    log(f"piplite: {lecture5.name}, {', '.join(pins)}")
    return site


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lite",
                        help="output directory: the site goes to OUT/site, downloads to OUT/cache "
                             "(default: build/lite)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="where downloads are kept between builds (default: OUT/cache)")
    parser.add_argument("--add", type=Path, action="append", default=[], metavar="FILE",
                        help="one more file for the site's contents (repeatable; the browser "
                             "test adds its check notebook)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    site = build(args.out, extra_contents=args.add, cache=args.cache)
    log(f"site: {site} ({tree_size(site) / 1e6:.1f} MB) built in "
        f"{time.perf_counter() - start:.1f} s")
    log(f"serve it: python -m http.server -d {site} -b 127.0.0.1 8000")
    return 0


if __name__ == "__main__":
    sys.exit(main())
