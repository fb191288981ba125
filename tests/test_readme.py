"""The README's first example (the bundled digits, a network, training, accuracy) runs as printed.

The code block between ``<!-- example -->`` and ``<!-- /example -->`` in README.md is run in a
fresh Python, from a directory outside the repository, exactly as a newcomer would paste it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- example -->\n```python\n(.*?)```\n<!-- /example -->", text, re.DOTALL)
    assert match, "README.md has no ```python block between <!-- example --> markers"
    return match.group(1)


@pytest.mark.timeout(300)
def test_the_readme_example_trains_a_network_that_reads_digits(tmp_path):
    code = readme_example()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=280)
    assert proc.returncode == 0, proc.stderr[-3000:]
    match = re.fullmatch(r"test accuracy: (\d+\.\d)%\n", proc.stdout)
    assert match, f"unexpected output {proc.stdout!r}"
    # far above the 10 % of guessing; the README quotes the number this run prints
    assert float(match.group(1)) > 85.0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`test accuracy: {match.group(1)}%`" in readme, "README quotes another accuracy"
    assert "epochs" in proc.stderr, "the progress bar a newcomer sees is missing"
