"""Test-session settings shared by the unit tests, nbval and the browser tests.

The networks here multiply small matrices, where a multi-threaded BLAS gains nothing and, on a
busy two-core machine, loses up to ten times its speed to thread contention.  One BLAS thread for
every kernel the tests start (nbval, JupyterLab, Voila) makes run times stable and the saved
notebook outputs (made by tests/tools/refresh_notebooks.py with the same setting) reproducible.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
