"""One notebook rendered by Voila (the optional ``voila`` extra) in the same Chromium.

Voila runs the whole notebook and shows only the outputs: the figures and sliders must be there,
with no error, and moving a slider must redraw its figure (one figure, a different image).
"""

from __future__ import annotations

import re
import time

import labkit
import notebook_checks as nc
import pytest

pytestmark = pytest.mark.browser

#: a notebook with eta/lambda sliders whose figures redraw without retraining (fast)
VOILA_NOTEBOOK = "06_l1_sparsity.ipynb"
SCOPE = "body"
#: a cell that makes no progress for this long has stalled (every cell runs in a few seconds)
STALL_SECONDS = 40.0
_EXECUTING = re.compile(r"Executing \d+ of \d+")


@pytest.mark.timeout(300)
def test_voila_renders_and_reacts(page, voila_server, artifacts_dir):
    name = VOILA_NOTEBOOK
    expected = nc.expected_counts(name)
    assert nc.slider_count(expected) > 0, f"{name} has no eta/lambda slider in its saved state"
    n_figures = expected.get(labkit.FIGURE, 0)
    t0 = time.monotonic()
    # the page streams in while Voila runs the cells ("Executing 3 of 36"): watch that progress
    page.goto(voila_server.url(f"/voila/render/{name}"), timeout=60_000, wait_until="commit")
    progress = {"text": None, "since": time.monotonic()}

    def rendered():
        text = page.evaluate("() => document.body ? document.body.innerText : ''")
        m = _EXECUTING.search(text or "")
        now = m.group(0) if m else None
        if now != progress["text"]:
            progress.update(text=now, since=time.monotonic())
        elif now and time.monotonic() - progress["since"] > STALL_SECONDS:
            raise labkit.LabError(
                f"Voila stalled: the page has shown {now!r} for {STALL_SECONDS:.0f} s while "
                f"rendering {name} (the kernel idle: a known Voila 0.5 stall, seen here in about 1 "
                "of 4 renders when a cell draws into an ipywidgets Output while it runs)")
        problems = labkit.output_problems(page, SCOPE)
        if problems["errors"] or problems["widgetErrors"]:
            raise labkit.LabError(f"Voila shows errors in {name}: {problems}")
        figs = labkit.figures(page, SCOPE)
        return (len(figs) == n_figures and all(f["images"] for f in figs)
                and len(labkit.sliders(page, SCOPE)) == expected.get("slider", 0))

    labkit.wait_for(rendered, 150, f"Voila to render {name} ({n_figures} figures, "
                    f"{expected.get('slider', 0)} sliders)", 0.25)
    t_render = time.monotonic() - t0
    labkit.assert_no_problems(page, f"{name} in Voila", scope=SCOPE, lab=False)
    figs = labkit.figures(page, SCOPE)
    nc.assert_one_figure_each(figs, range(len(figs)), f"{name} in Voila")

    t1 = time.monotonic()
    where = nc.rapid_two_slider_move(page, SCOPE, False, 45)
    labkit.assert_no_problems(page, f"{name} in Voila {where}", scope=SCOPE, lab=False)
    notes = nc.Notes(f"{name} (Voila)")
    nc.look_at_layout(page, SCOPE, notes)
    moved = nc.move_each_slider(page, SCOPE, False, 45, notes,
                                only=(labkit.ETA, labkit.LMBDA), limit=1,
                                shots=artifacts_dir / "figures" if nc.os_screenshots_all()
                                else None)
    assert moved == 1
    labkit.assert_no_problems(page, f"{name} in Voila after moving sliders", scope=SCOPE,
                              lab=False)
    print(f"Voila {name}: rendered in {t_render:.1f} s, {moved} sliders moved in "
          f"{time.monotonic() - t1:.1f} s")
    if notes.lines:
        notes.write(artifacts_dir)
