"""Find the Chromium the browser tests drive, installing Debian's package when we can.

The browser tests use Debian's ``chromium`` (never a browser Playwright downloads).  On a fresh
machine the README's test command should still pass, so before any browser test runs
(``conftest.py`` at the repository root calls :func:`ensure_chromium`):

* ``LECTURE5_CHROMIUM`` set: that file must be an executable, nothing is installed;
* otherwise ``/usr/bin/chromium`` (or ``chromium`` on PATH) is used when present;
* otherwise, as root on a Debian-like system with ``apt-get``: ``apt-get update`` and
  ``apt-get install -y chromium``, then use it;
* otherwise (or if that failed): :class:`ChromiumMissing` with ONE line that says exactly what to
  install, which the test session prints instead of a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

DEFAULT = "/usr/bin/chromium"
ENV = "LECTURE5_CHROMIUM"
APT = (["apt-get", "update", "-qq"],
       ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"])
SKIP_HINT = "or leave the browser tests out: python -m pytest -m 'not browser'"


class ChromiumMissing(RuntimeError):
    """No Chromium, and none could be installed; ``str()`` is the one line to show."""


def _executable(path: str | None) -> bool:
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def debian_like(os_release: Path = Path("/etc/os-release")) -> bool:
    """Debian, Ubuntu and their relatives (``ID``/``ID_LIKE`` in /etc/os-release)."""
    try:
        text = os_release.read_text(encoding="utf-8")
    except OSError:
        return False
    ids = set()
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids.update(value.strip().strip('"').split())
    return bool(ids & {"debian", "ubuntu"})


def ensure_chromium(*, env: Mapping[str, str] = os.environ, default: str = DEFAULT,
                    euid: int | None = None, which: Callable = shutil.which,
                    os_release: Path = Path("/etc/os-release"),
                    run: Callable = subprocess.run, say: Callable[[str], None] = print) -> str:
    """The path of a Chromium executable; installs Debian's when it can (see the module doc).

    Every argument is there so that a test can simulate a machine (no Chromium, not root, ...).
    """
    chosen = env.get(ENV)
    if chosen:
        if _executable(chosen):
            return chosen
        raise ChromiumMissing(f"{ENV}={chosen} is not an executable file: point it at a "
                              f"Chromium, or unset it to use {default}")
    for candidate in (default, which("chromium")):
        if _executable(candidate):
            return candidate

    euid = (os.geteuid() if hasattr(os, "geteuid") else -1) if euid is None else euid
    install = "sudo apt-get install chromium" if debian_like(os_release) else (
        "Chromium (Debian/Ubuntu: apt-get install chromium)")
    what = (f"the browser tests need Chromium at {default}: install it ({install}), or set "
            f"{ENV}=/path/to/chromium, {SKIP_HINT}")
    if euid != 0 or not which("apt-get") or not debian_like(os_release):
        raise ChromiumMissing(what)

    steps = " && ".join(" ".join(cmd) for cmd in APT)
    say(f"the browser tests need Chromium; installing Debian's package: {steps}")
    apt_env = {**env, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd, timeout in zip(APT, (600, 900)):
        try:
            proc = run(cmd, env=apt_env, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ChromiumMissing(f"`{' '.join(cmd)}` failed ({type(exc).__name__}); "
                                  + what) from None
        if proc.returncode != 0:
            last = (proc.stderr or proc.stdout or "").strip().splitlines()[-1:] or [""]
            raise ChromiumMissing(f"`{' '.join(cmd)}` failed (exit {proc.returncode}: "
                                  f"{last[0][:200]}); " + what)
    for candidate in (default, which("chromium")):
        if _executable(candidate):
            return candidate
    raise ChromiumMissing(f"apt-get installed chromium but no executable appeared at {default} "
                          "(on Ubuntu it is a snap); " + what)


if __name__ == "__main__":  # python tests/browser/chromium.py: find or install it, say where
    try:
        print(ensure_chromium())
    except ChromiumMissing as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
