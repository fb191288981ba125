"""Projector check (issue 13): every notebook with an app, in JupyterLab at 1280x720 with browser
zoom 125 % (a 1024x576 CSS viewport at device scale 1.25, file browser collapsed), the kernel
started with ``LECTURE5_PROJECTION=1``; for every app, after scrolling its top to the top of the
notebook:

* every control's text (labels, readouts, buttons, toggles, dropdowns) is at least 18 px;
* its first slider (or control) and its whole figure are inside the visible notebook area;
* no control is clipped: none sticks out of the app, and no label, readout or button is cut
  short;
* its figure is shown at >= 70 % of its pixels (built wide and short for the space it gets), so
  text of the projection style (15 pt and up, 21 px in the picture) stays >= about 14 px.

Notebooks 04 and 06 are then also checked at 1024x768 with the file browser open (a small
laptop): no control clipped.

Each notebook starts its own server-side kernel under the environment variable, so this module
runs its own JupyterLab (the session's shared one has no projection mode).  Run it alone:
``timeout 1500 python -m pytest -q -p no:cacheprovider tests/browser/test_projector.py``.
A line per app (sizes, how much the figure is scaled down on screen) is printed with ``-s``.
"""

from __future__ import annotations

import os
from pathlib import Path

import labkit
import pytest

# in the default run (about 5 minutes: every notebook with an app is run once)
pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "projector"

#: 1280x720 at 125 % zoom: what the page lays out in CSS pixels
PROJECTOR = {"width": 1024, "height": 576}
ZOOM = 1.25
MIN_FONT_PX = 18.0
#: least share of its pixels an app's figure is shown at (CSS width / natural width)
MIN_SCALE = 0.70
#: every notebook with an app
NOTEBOOKS = ["01_notation.ipynb", "02_hadamard.ipynb", "03_backpropagation.ipynb", "04_sgd.ipynb",
             "05_l2_and_the_hessian.ipynb", "06_l1_sparsity.ipynb", "07_dropout.ipynb",
             "08_early_stopping.ipynb", "09_more_data.ipynb", "10_playground.ipynb"]
#: apps that cannot hold a slider and their whole figure on one projector screen, with why
TOO_TALL = {
    "lecture5-playground": "the playground's 2x2 figure and its 15 controls: in projection mode "
                           "the buttons and the figure come first, the sliders follow below",
}


@pytest.fixture(scope="module")
def projector_server(served_root, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("jupyterlab-projector")
    before = os.environ.get("LECTURE5_PROJECTION")
    os.environ["LECTURE5_PROJECTION"] = "1"  # the server's environment is its kernels'
    try:
        server = labkit.start_jupyterlab(served_root, workdir)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    finally:
        if before is None:
            os.environ.pop("LECTURE5_PROJECTION", None)
        else:
            os.environ["LECTURE5_PROJECTION"] = before
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def projector_page(browser, projector_server):
    context = browser.new_context(viewport=PROJECTOR, device_scale_factor=ZOOM)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    labkit.load_lab(pg, projector_server)
    pg.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # an instructor's full width
    try:
        yield pg
    finally:
        context.close()


_MEASURE_JS = """
([panelSel, index, minFont]) => {
  const panel = document.querySelector(panelSel);
  const app = panel.querySelectorAll('.lecture5-app')[index];
  // the notebook's scrolling area: what the class sees of the notebook
  let scroller = app.parentElement;
  while (scroller && !(/(auto|scroll)/.test(getComputedStyle(scroller).overflowY)
                       && scroller.scrollHeight > scroller.clientHeight)) {
    scroller = scroller.parentElement;
  }
  const view = scroller.getBoundingClientRect();
  const seen = {top: Math.max(view.top, 0), bottom: Math.min(view.bottom, innerHeight),
                left: Math.max(view.left, 0), right: Math.min(view.right, innerWidth)};
  const inside = r => r.width > 0 && r.top >= seen.top - 2 && r.bottom <= seen.bottom + 2
                      && r.left >= seen.left - 2 && r.right <= seen.right + 2;
  const shown = el => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
  const name = el => (el.className && typeof el.className === 'string' ? el.className : el.tagName)
      .split(' ').filter(c => c.startsWith('widget-') || c.startsWith('lecture5-')).join('.')
      + ' ' + JSON.stringify((el.innerText || el.value || '').trim().slice(0, 30));
  const textEls = [...app.querySelectorAll(
      '.widget-label, .widget-readout, .widget-toggle-button, .jupyter-button, '
      + '.widget-dropdown select, .widget-text input, .lecture5-caption')]
      .filter(shown).filter(el => (el.innerText || el.value || '').trim());
  const small = textEls.map(el => [name(el), parseFloat(getComputedStyle(el).fontSize)])
      .filter(([, px]) => px < minFont);
  const appRect = app.getBoundingClientRect();
  const controls = [...app.querySelectorAll(
      '.widget-hslider, .widget-dropdown, .widget-toggle-buttons, .jupyter-button, '
      + '.widget-toggle-button, .widget-text, .widget-readout, .widget-label')].filter(shown);
  const clipped = [];
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    if (r.right > appRect.right + 1 || r.left < appRect.left - 1 || r.right > seen.right + 1) {
      clipped.push(name(el) + ' sticks out');
    } else if ((el.matches('.widget-label, .widget-readout, .jupyter-button'))
               && el.scrollWidth > el.clientWidth + 1) {
      clipped.push(name(el) + ' cut short');
    }
  }
  const slider = app.querySelector('.widget-hslider') || controls[0];
  const img = app.querySelector('.lecture5-figure img');
  const r = img ? img.getBoundingClientRect() : null;
  return {
    classes: [...app.classList].filter(c => c.startsWith('lecture5-')),
    small, clipped,
    sliderInside: slider ? inside(slider.getBoundingClientRect()) : false,
    figureInside: r ? inside(r) : false,
    figure: r ? {top: Math.round(r.top), bottom: Math.round(r.bottom),
                 width: Math.round(r.width), natural: img.naturalWidth} : null,
    seen: {top: Math.round(seen.top), bottom: Math.round(seen.bottom)},
  };
}
"""


def _scroll_app_to_top(page, index):
    # scroll, then wait two animation frames (layout and paint of the new position)
    page.evaluate("""([sel, i]) => new Promise(done => {
        const app = document.querySelector(sel).querySelectorAll('.lecture5-app')[i];
        app.scrollIntoView({block: 'start'});
        requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
    })""", [labkit.PANEL, index])


def _wait_for_figures(page, count, timeout=120.0):
    js = """([sel, n]) => {
        const apps = [...document.querySelector(sel).querySelectorAll('.lecture5-app')];
        return apps.length >= n && apps.every(a => {
            const img = a.querySelector('.lecture5-figure img');
            return img && img.complete && img.naturalWidth > 0;
        });
    }"""
    labkit.wait_for(lambda: page.evaluate(js, [labkit.PANEL, count]), timeout,
                    "every app's figure")


#: a small laptop with JupyterLab's file browser open: controls must shrink, not be cut (checked
#: on these notebooks after their projector check, in the same run: CSS layout does not depend
#: on the device scale, so resizing the page is the laptop's layout without a second Run All)
LAPTOP = {"width": 1024, "height": 768}
LAPTOP_NOTEBOOKS = ("04_sgd.ipynb", "06_l1_sparsity.ipynb")


def _check_projector(page, notebook, count):
    problems = []
    for i in range(count):
        _scroll_app_to_top(page, i)
        m = page.evaluate(_MEASURE_JS, [labkit.PANEL, i, MIN_FONT_PX])
        kind = next((c for c in m["classes"] if c not in ("lecture5-app", "lecture5-projection")
                     and not c.startswith("lecture5-rows")), "app")
        fig = m["figure"] or {}
        scale = fig.get("width", 0) / max(fig.get("natural", 1), 1)
        print(f"{notebook} app {i} {kind}: figure {fig.get('width')} px wide "
              f"({scale:.0%} of its pixels), rows {fig.get('top')}-{fig.get('bottom')} in "
              f"{m['seen']['top']}-{m['seen']['bottom']}; small text {len(m['small'])}, "
              f"clipped {len(m['clipped'])}")
        where = f"{notebook} app {i} ({kind})"
        if os.environ.get("LECTURE5_SCREENSHOTS") == "all":
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{notebook[:2]}-app{i}.png"))
        if "lecture5-projection" not in m["classes"]:
            problems.append(f"{where}: no lecture5-projection class (env var not seen)")
        if m["small"]:
            problems.append(f"{where}: text under {MIN_FONT_PX:g} px: {m['small'][:5]}")
        if m["clipped"]:
            problems.append(f"{where}: clipped controls: {m['clipped'][:5]}")
        if scale < MIN_SCALE:
            problems.append(f"{where}: figure shown at {scale:.0%} of its pixels (< "
                            f"{MIN_SCALE:.0%}): its text is too small to read from the back")
        together = m["sliderInside"] and m["figureInside"]
        if not together and not any(c in TOO_TALL for c in m["classes"]):
            problems.append(f"{where}: slider inside {m['sliderInside']}, figure inside "
                            f"{m['figureInside']} ({fig}, visible {m['seen']})")
    return problems


def _check_laptop(page, notebook, count):
    """At 1024x768 with the file browser open: no control clipped."""
    page.set_viewport_size(LAPTOP)
    page.evaluate("() => window.jupyterapp.shell.expandLeft()")
    try:
        page.wait_for_function("() => !window.jupyterapp.shell.leftCollapsed")
        problems = []
        for i in range(count):
            _scroll_app_to_top(page, i)
            m = page.evaluate(_MEASURE_JS, [labkit.PANEL, i, MIN_FONT_PX])
            if m["clipped"]:
                problems.append(f"{notebook} app {i} at 1024x768 with the file browser open: "
                                f"clipped controls: {m['clipped'][:5]}")
            if os.environ.get("LECTURE5_SCREENSHOTS") == "all":
                page.screenshot(path=str(SHOTS / f"{notebook[:2]}-app{i}-laptop.png"))
        return problems
    finally:
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        page.set_viewport_size(PROJECTOR)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_app_fits_a_projector(projector_page, projector_server, notebook):
    page = projector_page
    labkit.close_notebooks(page)
    labkit.open_notebook(page, projector_server, notebook)
    labkit.run_all(page, timeout=600)
    count = page.locator(f"{labkit.PANEL} .lecture5-app").count()
    assert count > 0, f"{notebook}: no app (CSS class lecture5-app) after Run All"
    _wait_for_figures(page, count)
    problems = _check_projector(page, notebook, count)
    if notebook in LAPTOP_NOTEBOOKS:
        problems += _check_laptop(page, notebook, count)
    labkit.close_notebooks(page)
    assert not problems, "\n".join(problems)
