"""Slides: a notebook opened as a RISE slideshow (jupyterlab-rise, the ``present`` extra), run
slide by slide as an instructor would (Shift+Enter), and its eta slider moves the figure.

The served copy gets its slide metadata from tests/tools/slides.py (the committed notebooks get it
when the lead applies that tool), so the slideshow has one slide per heading.

Known today (jupyterlab-rise 0.43.1 with JupyterLab 4.6.6 and jupyterlab_widgets 3.0.17): RISE's
own page (``/rise/<notebook>``, also what *Render as Slideshow* shows) bundles JupyterLab 4.3
packages, and the widget manager extension fails to load in it ("Shared module
@jupyterlab/console doesn't exist in shared scope default"): the app cells print their text repr
instead of sliders.  The test is a strict xfail for that reason, so it turns red the day widgets
do render in slides (then remove the mark).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import labkit
import nbformat
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "04_sgd.ipynb"
SLIDE = "section.present"
_spec = importlib.util.spec_from_file_location("slides", ROOT / "tests" / "tools" / "slides.py")
slides = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("slides", slides)
_spec.loader.exec_module(slides)

_STATE_JS = """
() => {
  const cells = [...document.querySelectorAll('.reveal .jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '');
  const text = [...document.querySelectorAll('.reveal .jp-OutputArea-output')]
      .map(e => e.innerText || '');
  return {
    cells: cells.length,
    run: prompts.filter(p => /\\[\\d+\\]/.test(p)).length,
    busy: prompts.some(p => p.includes('*')),
    sliders: document.querySelectorAll(
        '.reveal .widget-hslider.lecture5-eta').length,
    reprs: text.filter(t => /^\\w+App\\(children=/.test(t.trim())).map(t => t.slice(0, 120)),
    errors: text.filter(t => /Traceback|Error displaying widget/.test(t)).map(t => t.slice(-400)),
    slides: document.querySelectorAll('.reveal .slides > section').length,
  };
}
"""


@pytest.fixture(scope="module")
def rise_server(served_root, tmp_path_factory):
    """JupyterLab for the slideshow, with a start timeout for a busy machine (JupyterLab took
    over 60 s to answer here at a load average of 18)."""
    try:
        server = labkit.start_jupyterlab(served_root, tmp_path_factory.mktemp("rise"),
                                         timeout=300, attempts=1)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


def _state(page) -> dict:
    return page.evaluate(_STATE_JS)


def _run_until_a_slider(page, timeout: float) -> dict:
    """Shift+Enter, cell after cell, until an eta slider shows (or the notebook ends)."""
    deadline = time.monotonic() + timeout
    page.locator(f"{SLIDE} .jp-Cell").first.click()
    while True:
        st = _state(page)
        if st["errors"]:
            raise labkit.LabError("a cell shows an error in the slideshow:\n"
                                  + "\n---\n".join(st["errors"]))
        if st["sliders"]:
            return st
        if st["reprs"]:
            widget_logs = [ln for ln in page.console_lines
                           if "jupyter-widgets" in ln or "Shared module" in ln][:3]
            raise labkit.LabError("the slideshow shows widgets as text, not as sliders: "
                                  f"{st['reprs'][0]!r}; console: {widget_logs}")
        if time.monotonic() > deadline:
            raise labkit.LabError(f"no eta slider after {timeout:.0f} s of Shift+Enter ({st})")
        if not st["busy"]:
            if st["run"] == st["cells"]:
                raise labkit.LabError(f"every cell ran and no eta slider showed ({st})")
            page.keyboard.press("Shift+Enter")
        page.wait_for_timeout(300)


@pytest.mark.xfail(strict=True, raises=labkit.LabError,
                   reason="jupyterlab-rise 0.43.1's slideshow page cannot load the ipywidgets "
                          "manager of jupyterlab_widgets 3.0.17 (see the module docstring)")
@pytest.mark.timeout(600)
def test_a_notebook_as_slides_runs_and_its_slider_moves_the_figure(page, rise_server,
                                                                    served_root):
    assert slides.main([str(served_root / NOTEBOOK)]) == 0
    cells = nbformat.read(served_root / NOTEBOOK, as_version=4).cells
    heads = sum(slides.slide_type(c, i == 0) == "slide" for i, c in enumerate(cells))

    page.goto(rise_server.url(f"/rise/{NOTEBOOK}"), wait_until="domcontentloaded",
              timeout=120_000)
    page.locator(SLIDE).first.wait_for(state="visible", timeout=120_000)
    assert _state(page)["slides"] == heads, "one slide per heading (tests/tools/slides.py)"

    _run_until_a_slider(page, timeout=400)
    scope = ".reveal"
    slider = page.locator(f"{SLIDE} .widget-hslider.{labkit.ETA}").first
    slider.wait_for(state="visible", timeout=30_000)
    figs = labkit.figures(page, scope)
    assert figs and figs[0]["images"] == 1, f"no figure beside the slider: {figs}"
    before = labkit.wait_settled(page, scope, [0], None, 60, kernel=False)
    labkit.press(page, slider, "ArrowRight", times=3)
    after = labkit.wait_settled(page, scope, [0], before, 60, kernel=False)
    assert after[0]["src"] != before[0]["src"] and after[0]["images"] == 1
