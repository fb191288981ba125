"""Every notebook carries the slide metadata of tests/tools/slides.py (RISE can present it).

If this fails, run ``python tests/tools/slides.py`` and commit the notebooks (only their
``slideshow``/``rise`` metadata changes; outputs stay).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("slides", ROOT / "tests" / "tools" / "slides.py")
slides = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("slides", slides)
_spec.loader.exec_module(slides)


def test_every_notebook_carries_slide_metadata(capsys):
    assert slides.main(["--check"]) == 0, capsys.readouterr().out
