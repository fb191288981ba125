"""Test-session settings shared by the unit tests, nbval and the browser tests.

The networks here multiply small matrices, where a multi-threaded BLAS gains nothing and, on a
busy two-core machine, loses up to ten times its speed to thread contention.  One BLAS thread for
every kernel the tests start (nbval, JupyterLab, Voila) makes run times stable and the saved
notebook outputs (made by tests/tools/refresh_notebooks.py with the same setting) reproducible.
"""

import os

import pytest

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def pytest_collection_modifyitems(session, config, items):
    """Order the run: without pytest-xdist (``-n 0``) the browser tests run last, after the unit
    tests and notebooks, which keeps the quick feedback first; with xdist (every worker collects
    the same order) they come first, so one worker spends the run on them while the others take
    everything else (:func:`pytest_xdist_make_scheduler`).

    Playwright's synchronous API keeps an asyncio event loop running in its thread from the first
    browser test on; the playground's tests run ``asyncio.run`` in a thread of their own then.
    """
    first = bool(getattr(config.option, "numprocesses", None) or hasattr(config, "workerinput"))
    items.sort(key=lambda item: (item.get_closest_marker("browser") is None) == first)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """How pytest-xdist hands out the tests (the test command runs on every core): the cells of
    one notebook share its kernel, so each notebook goes to one worker whole; the browser tests
    share one JupyterLab server and one Chromium, so they go to one worker together; every
    other test goes wherever a worker is free.  (xdist's own ``--dist loadgroup`` does this
    with markers, but its renaming of test ids has no effect under pytest 9.)"""
    from xdist.scheduler import LoadScopeScheduling

    class Together(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if path.startswith("tests/browser/"):
                return "the browser tests"
            return path if path.endswith(".ipynb") else nodeid

    return Together(config, log)


def _ensure_chromium(config, say) -> None:
    """Find Chromium, or install Debian's, or stop with one line (tests/browser/chromium.py);
    the browser tests (and every xdist worker, started later) find it in the environment."""
    import importlib.util
    from pathlib import Path

    import pytest

    spec = importlib.util.spec_from_file_location(
        "lecture5_chromium", Path(__file__).parent / "tests" / "browser" / "chromium.py")
    chromium = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chromium)
    try:
        os.environ[chromium.ENV] = chromium.ensure_chromium(say=say)
    except chromium.ChromiumMissing as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)


def _may_run_browser_tests(config) -> bool:
    """Whether the paths and the ``-m`` expression of this run can select a browser test (what
    the xdist controller knows before its workers collect anything)."""
    from pathlib import Path

    markexpr = config.getoption("markexpr") or ""
    if markexpr:
        try:
            from _pytest.mark.expression import Expression

            if not Expression.compile(markexpr).evaluate(lambda name, **_: name == "browser"):
                return False
        except Exception:  # an expression this pytest reads otherwise: look for the browser
            pass
    browser = (Path(__file__).parent / "tests" / "browser").resolve()
    for arg in config.args or ["."]:
        path = (Path(config.invocation_params.dir) / str(arg).split("::")[0]).resolve()
        if path == browser or browser in path.parents or path in browser.parents:
            return True
    return False


def pytest_configure(config):
    """Under pytest-xdist, look for Chromium in the controller, before the workers start: a
    machine without it then gets exactly one line, not one per worker."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if config.option.collectonly or not _may_run_browser_tests(config):
        return
    _ensure_chromium(config, say=lambda line: print(line, flush=True))


def pytest_collection_finish(session):
    """Before any browser test runs: find Chromium, or install Debian's, or stop with one line.

    A machine without a browser then gets either a working run or exactly one line that says what
    to install (tests/browser/chromium.py), instead of one failing browser test after another.
    Under pytest-xdist the controller has done this already (:func:`pytest_configure`).
    """
    config = session.config
    if hasattr(config, "workerinput") or getattr(config.option, "numprocesses", None):
        return
    if config.option.collectonly or not any(
            item.get_closest_marker("browser") for item in session.items):
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    _ensure_chromium(config, say=reporter.write_line if reporter else print)
