"""Fixtures for the browser tests: one JupyterLab (and, when asked for, one Voila) per session,
serving a stripped temporary copy of notebooks/, and one headless Debian Chromium per session.

On a failed test, a screenshot of the page and the browser's console log are written to
``test-artifacts/<test name>/`` at the repository root (git-ignored), with the server's log.
Set ``LECTURE5_SCREENSHOTS=all`` to also keep screenshots of passing tests (for looking at them).

A browser that cannot start fails the suite with a message saying how to install it: these tests
never pass by skipping.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import labkit
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("LECTURE5_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
#: a laptop / projector sized window
VIEWPORT = {"width": 1366, "height": 900}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _safe(nodeid: str) -> str:
    name = nodeid.replace("tests/browser/", "").replace(".py::", "-")
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:120]


# ----------------------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def served_root(tmp_path_factory) -> Path:
    """A temporary copy of notebooks/ without outputs or widget state (what the servers serve)."""
    root = tmp_path_factory.mktemp("served")
    labkit.copy_notebooks(NOTEBOOKS, root)
    return root


@pytest.fixture(scope="session")
def lab_server(served_root, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("jupyterlab")
    try:
        server = labkit.start_jupyterlab(served_root, workdir)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        for plugin, values in labkit.lab_settings().items():
            pid = ":".join(plugin.rsplit("/", 1))  # "@scope/package:plugin"
            got = server.request("GET", f"/lab/api/settings/{pid}")["settings"]
            for key, want in values.items():
                assert got.get(key) == want, (
                    f"JupyterLab setting {pid} {key} is {got.get(key)!r}, the tests need {want!r}")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def voila_server(served_root, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("voila")
    try:
        server = labkit.start_voila(served_root, workdir)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


# ----------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser():
    # the root conftest.py found (or installed) Chromium and says where in LECTURE5_CHROMIUM
    chromium = os.environ.get("LECTURE5_CHROMIUM", CHROMIUM)
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        pytest.fail(f"Chromium not found at {chromium}: the browser tests need Debian's chromium "
                    "(apt-get install chromium; tests/browser/chromium.py). They do not skip.",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"Playwright's Python package is missing ({exc}): pip install -e '.[test]'",
                    pytrace=False)
    pw = sync_playwright().start()
    try:
        try:
            b = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                                   timeout=60_000)
        except Exception as exc:  # noqa: BLE001 - any launch failure ends the suite clearly
            pytest.fail(f"Chromium at {chromium} did not start: {exc}", pytrace=False)
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


@pytest.fixture
def artifacts_dir(request) -> Path:
    return ARTIFACTS / _safe(request.node.nodeid)


def _new_page(browser):
    """A page in a fresh context whose console, page errors and failed requests are recorded."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    console: list[str] = []
    pg.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
    pg.on("pageerror", lambda e: console.append(f"[pageerror] {e}"))
    pg.on("requestfailed", lambda r: console.append(f"[requestfailed] {r.url} {r.failure}"))
    pg.console_lines = console
    return pg


def _keep_artifacts(request, pg, artifacts_dir, console_from=0):
    """On failure (or with LECTURE5_SCREENSHOTS=all): screenshot, console log, server log."""
    rep = getattr(request.node, "rep_call", None)
    failed = rep is None or rep.failed
    if not (failed or os.environ.get("LECTURE5_SCREENSHOTS") == "all"):
        return
    artifacts_dir.mkdir(parents=True, exist_ok=True)
    lines = pg.console_lines[console_from:]
    try:
        pg.screenshot(path=str(artifacts_dir / "page.png"), timeout=10_000)
    except Exception as exc:  # noqa: BLE001 - a dead page still gets its log written
        lines.append(f"[artifacts] screenshot failed: {exc}")
    (artifacts_dir / "console.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("lab_server", "voila_server"):
        if name in request.fixturenames:
            server = request.getfixturevalue(name)
            shutil.copy(server.log_path, artifacts_dir / f"{server.name.lower()}.log")


@pytest.fixture
def page(browser, request, artifacts_dir):
    """A fresh browser context and page; on failure its screenshot and console log are kept."""
    shutil.rmtree(artifacts_dir, ignore_errors=True)  # nothing stale from an earlier run
    pg = _new_page(browser)
    try:
        yield pg
    finally:
        _keep_artifacts(request, pg, artifacts_dir)
        pg.context.close()


class _LabApp:
    """One JupyterLab page for the session: loading the app once saves seconds per notebook."""

    def __init__(self, browser, server):
        self.browser, self.server, self.page = browser, server, None

    def ready_page(self):
        if self.page is None or self.page.is_closed() or not labkit.app_loaded(self.page):
            if self.page is not None and not self.page.is_closed():
                self.page.context.close()
            self.page = _new_page(self.browser)
            labkit.load_lab(self.page, self.server)
        return self.page

    def close(self):
        if self.page is not None and not self.page.is_closed():
            self.page.context.close()


@pytest.fixture(scope="session")
def lab_app(browser, lab_server):
    app = _LabApp(browser, lab_server)
    yield app
    app.close()


@pytest.fixture
def lab_page(lab_app, lab_server, request, artifacts_dir):
    """The session's JupyterLab page with no notebook open; afterwards (on failure: screenshot
    and console log first) its notebooks are closed and their kernels shut down."""
    shutil.rmtree(artifacts_dir, ignore_errors=True)
    pg = lab_app.ready_page()
    start = len(pg.console_lines)
    try:
        yield pg
    finally:
        _keep_artifacts(request, pg, artifacts_dir, start)
        try:
            labkit.close_notebooks(pg)
        except Exception:  # noqa: BLE001 - a broken page is replaced by the next test
            pg.context.close()
        labkit.shutdown_all_sessions(lab_server)
