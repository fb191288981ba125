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
