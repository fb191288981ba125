"""Test-session settings shared by the unit tests, nbval and the browser tests.

The networks here multiply small matrices, where a multi-threaded BLAS gains nothing and, on a
busy two-core machine, loses up to ten times its speed to thread contention.  One BLAS thread for
every kernel the tests start (nbval, JupyterLab, Voila) makes run times stable and the saved
notebook outputs (made by tests/tools/refresh_notebooks.py with the same setting) reproducible.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def pytest_collection_modifyitems(session, config, items):
    """Run the browser tests last.

    Playwright's synchronous API keeps an asyncio event loop running in the main thread from the
    first browser test until its session fixtures end, and code that calls ``asyncio.run`` (the
    playground's tests) cannot run inside it.  Putting the browser tests at the end keeps the
    collection order otherwise (unit tests, then notebooks) and the one browser session.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_collection_finish(session):
    """Before any browser test runs: find Chromium, or install Debian's, or stop with one line.

    A machine without a browser then gets either a working run or exactly one line that says what
    to install (tests/browser/chromium.py), instead of one failing browser test after another.
    """
    if session.config.option.collectonly or not any(
            item.get_closest_marker("browser") for item in session.items):
        return
    import importlib.util
    from pathlib import Path

    import pytest

    spec = importlib.util.spec_from_file_location(
        "lecture5_chromium", Path(__file__).parent / "tests" / "browser" / "chromium.py")
    chromium = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chromium)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    say = reporter.write_line if reporter else print
    try:
        os.environ[chromium.ENV] = chromium.ensure_chromium(say=say)
    except chromium.ChromiumMissing as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)
