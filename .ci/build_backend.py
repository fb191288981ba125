"""setuptools' build backend, with the data files put into editable wheels too.

``pip install -e .`` builds an *editable* wheel; setuptools (84.2 here) leaves the
``[tool.setuptools.data-files]`` out of it (its editable_wheel asks the distribution for
``has_data()``, which does not exist), so an editable install lacked
``share/jupyter/lab/settings/overrides.json`` and its JupyterLab sent plots to the Log Console
(binder/overrides.json says why).  This backend builds the editable wheel with setuptools and then
adds every data file that is missing from it, exactly where a normal wheel holds it
(``<name>.data/data/<target dir>/<file>``), recording each in the wheel's RECORD.  When setuptools
puts them there itself, nothing is added.  Everything else is setuptools.build_meta unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import sys
import zipfile
from pathlib import Path

from setuptools import build_meta as _orig
from setuptools.build_meta import *  # noqa: F403 - the PEP 517/660 hooks we do not change

if sys.version_info >= (3, 11):
    import tomllib
else:  # pyproject's build-system asks for tomli on 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _data_files() -> dict[str, Path]:
    """``{path inside the wheel's data dir: source file}`` from pyproject's data-files."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    table = config.get("tool", {}).get("setuptools", {}).get("data-files", {})
    return {f"{target}/{Path(src).name}": ROOT / src
            for target, sources in table.items() for src in sources}


def _record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def add_data_files(wheel: Path) -> list[str]:
    """Add the missing data files to ``wheel`` (in place); return the names added."""
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        record_text = zf.read(record).decode()
        entries = {n: zf.read(n) for n in names if n != record}
    data_dir = record.split(".dist-info/")[0] + ".data/data"
    added = []
    for target, source in _data_files().items():
        arcname = f"{data_dir}/{target}"
        if arcname not in entries:
            entries[arcname] = source.read_bytes()
            added.append(arcname)
    if not added:
        return added
    lines = [line for line in record_text.splitlines() if line and not line.startswith(record)]
    lines += [_record_line(name, entries[name]) for name in added]
    lines.append(f"{record},,")
    tmp = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        zf.writestr(record, "\n".join(lines) + "\n")
    tmp.replace(wheel)
    return added


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name = _orig.build_editable(wheel_directory, config_settings, metadata_directory)
    add_data_files(Path(wheel_directory) / name)
    return name
