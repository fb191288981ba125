"""A fresh machine without a browser: the browser tests install Debian's Chromium where they can,
and otherwise stop with one line that says what to install (tests/browser/chromium.py).

Machines are simulated through ensure_chromium's parameters (no real apt-get runs here), and one
test runs pytest itself with LECTURE5_CHROMIUM pointing at nothing.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("lecture5_chromium",
                                               ROOT / "tests" / "browser" / "chromium.py")
chromium = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(chromium)

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'


class Machine:
    """A simulated machine: an os-release, apt-get or not, root or not, a Chromium path."""

    def __init__(self, tmp_path: Path, release: str = DEBIAN, apt: bool = True, root: bool = True,
                 install_works: bool = True):
        self.browser = tmp_path / "usr-bin-chromium"  # stands for /usr/bin/chromium
        self.os_release = tmp_path / "os-release"
        self.os_release.write_text(release)
        self.apt, self.root, self.install_works = apt, root, install_works
        self.commands: list[list[str]] = []
        self.said: list[str] = []

    def which(self, name):
        return "/usr/bin/apt-get" if name == "apt-get" and self.apt else None

    def run(self, cmd, **kwargs):
        self.commands.append(cmd)
        assert kwargs["env"]["DEBIAN_FRONTEND"] == "noninteractive" and kwargs["timeout"] > 0
        if cmd[:2] == ["apt-get", "install"]:
            if not self.install_works:
                return subprocess.CompletedProcess(cmd, 100, "", "E: Unable to locate package")
            self.browser.write_text("#!/bin/sh\n")
            self.browser.chmod(0o755)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    def ensure(self, env=None):
        return chromium.ensure_chromium(
            env=env or {}, default=str(self.browser), euid=0 if self.root else 1000,
            which=self.which, os_release=self.os_release, run=self.run, say=self.said.append)


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_present_chromium_is_used_and_nothing_installed(tmp_path):
    m = Machine(tmp_path)
    m.browser.write_text("#!/bin/sh\n")
    m.browser.chmod(0o755)
    assert m.ensure() == str(m.browser)
    assert m.commands == []


@pytest.mark.parametrize("release", [DEBIAN, UBUNTU])
def test_root_on_debian_installs_it_with_apt_get(tmp_path, release):
    m = Machine(tmp_path, release=release)
    assert m.ensure() == str(m.browser)
    assert m.commands == [list(c) for c in chromium.APT]
    assert m.said and "apt-get install" in m.said[0]


@pytest.mark.parametrize("kind", ["not root", "no apt-get", "not Debian"])
def test_where_it_cannot_install_it_says_what_to_install(tmp_path, kind):
    m = Machine(tmp_path, root=kind != "not root", apt=kind != "no apt-get",
                release=FEDORA if kind == "not Debian" else DEBIAN)
    with pytest.raises(chromium.ChromiumMissing) as exc:
        m.ensure()
    line = _one_line(exc)
    assert m.commands == []
    assert str(m.browser) in line and "LECTURE5_CHROMIUM=" in line
    if kind == "not Debian":
        assert "Chromium (Debian/Ubuntu: apt-get install chromium)" in line
    else:
        assert "sudo apt-get install chromium" in line


def test_a_failed_install_is_one_line_too(tmp_path):
    m = Machine(tmp_path, install_works=False)
    with pytest.raises(chromium.ChromiumMissing) as exc:
        m.ensure()
    line = _one_line(exc)
    assert "apt-get install -y" in line and "exit 100" in line and "Unable to locate" in line


def test_an_explicit_path_is_never_replaced_by_an_install(tmp_path):
    m = Machine(tmp_path)
    with pytest.raises(chromium.ChromiumMissing) as exc:
        m.ensure(env={chromium.ENV: str(tmp_path / "nowhere")})
    assert "is not an executable" in _one_line(exc) and m.commands == []
    m.browser.write_text("#!/bin/sh\n")
    m.browser.chmod(0o755)
    assert m.ensure(env={chromium.ENV: str(m.browser)}) == str(m.browser)


@pytest.mark.timeout(180)
def test_pytest_stops_with_one_line_before_any_browser_test(tmp_path):
    """What a person sees: the README's test command on a machine without that browser."""
    env = dict(os.environ, LECTURE5_CHROMIUM=str(tmp_path / "no-chromium"))
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
           "tests/browser/test_voila.py"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=170)
    out = proc.stdout + proc.stderr
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, out
    hits = [ln for ln in out.splitlines() if "no-chromium is not an executable" in ln]
    assert len(hits) == 1, out
    assert "Traceback" not in out and " passed" not in out and "PASSED" not in out, out

    # without browser tests selected, nothing is looked for
    proc = subprocess.run([*cmd, "-m", "not browser"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=170)
    assert "no-chromium" not in proc.stdout + proc.stderr


def test_on_every_core_too_pytest_stops_with_one_line(tmp_path):
    """The same with pytest-xdist (the README's command runs on every core): one line from the
    controller, before any worker starts."""
    env = dict(os.environ, LECTURE5_CHROMIUM=str(tmp_path / "no-chromium"))
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-n", "2"]
    proc = subprocess.run([*cmd, "tests/browser"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=170)
    out = proc.stdout + proc.stderr
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, out
    hits = [ln for ln in out.splitlines() if "no-chromium is not an executable" in ln]
    assert len(hits) == 1, out
    assert "Traceback" not in out and " passed" not in out and "created:" not in out, out

    # a run that cannot select a browser test looks for nothing
    proc = subprocess.run([*cmd, "-m", "not browser", "tests/test_costs.py"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=170)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no-chromium" not in proc.stdout + proc.stderr
