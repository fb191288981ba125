"""tests/tools/slides.py on a temporary copy of notebooks/: the rule, idempotence, nothing else
changed, and every widget on the slide of its heading."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("slides", ROOT / "tests" / "tools" / "slides.py")
slides = importlib.util.module_from_spec(_spec)
sys.modules["slides"] = slides
_spec.loader.exec_module(slides)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("slides")
    paths = []
    for src in sorted((ROOT / "notebooks").glob("*.ipynb")):  # as they were before the tool ran
        nb = _without_slide_metadata(json.loads(src.read_text(encoding="utf-8")))
        (out / src.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
        paths.append(out / src.name)
    assert paths
    return paths


def _without_slide_metadata(nb: dict) -> dict:
    nb = copy.deepcopy(nb)
    nb["metadata"].pop("rise", None)
    for cell in nb["cells"]:
        cell["metadata"].pop("slideshow", None)
    return nb


def test_the_rule():
    md = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell
    assert slides.slide_type(code("import numpy"), first=True) == "slide"
    assert slides.slide_type(md("# Title\ntext"), first=False) == "slide"
    assert slides.slide_type(md("\n## Section"), first=False) == "slide"
    assert slides.slide_type(md("### Part"), first=False) == "subslide"
    assert slides.slide_type(md("**Try it:** move eta"), first=False) == "-"
    assert slides.slide_type(md("#not a heading"), first=False) == "-"
    assert slides.slide_type(code("# a comment\nx = 1"), first=False) == "-"


def test_applied_to_every_notebook_idempotent_and_nothing_else(copies, capsys):
    before = {p: p.read_bytes() for p in copies}
    assert slides.main(["--check", *map(str, copies)]) == 1
    assert {p: p.read_bytes() for p in copies} == before, "--check must not write"

    assert slides.main(list(map(str, copies))) == 0
    once = {p: p.read_bytes() for p in copies}
    assert slides.main(list(map(str, copies))) == 0
    assert {p: p.read_bytes() for p in copies} == once, "a second run changed a notebook"
    assert slides.main(["--check", *map(str, copies)]) == 0
    assert "already carry slide metadata" in capsys.readouterr().out

    for path in copies:
        new = json.loads(once[path])
        old = json.loads(before[path])
        assert _without_slide_metadata(new) == _without_slide_metadata(old), path.name
        nbformat.validate(nbformat.reads(once[path].decode(), as_version=4))
        assert new["metadata"]["rise"]["scroll"] is True
        types = [c["metadata"]["slideshow"]["slide_type"] for c in new["cells"]]
        assert types[0] == "slide"
        assert types.count("slide") >= 2, f"{path.name}: one slide for the whole notebook"
        assert set(types) <= {"slide", "subslide", "-"}


def test_every_widget_is_on_the_slide_of_a_heading(copies):
    slides.main(list(map(str, copies)))
    widgets = 0
    for path in copies:
        nb = json.loads(path.read_text())
        head = None
        for cell in nb["cells"]:
            if cell["metadata"]["slideshow"]["slide_type"] in ("slide", "subslide"):
                head = cell
            shows_widget = any(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", []))
            if shows_widget:
                widgets += 1
                assert head is not None and head["cell_type"] == "markdown", path.name
                assert "".join(head["source"]).lstrip().startswith("#"), (
                    f"{path.name}: a widget on a slide that does not start with a heading")
    assert widgets > 0, "no saved widget output found: the check would be empty"
