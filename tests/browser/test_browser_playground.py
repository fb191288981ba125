"""The live playground in JupyterLab: Play trains, lambda moves while it trains, Pause stops.

What an instructor does in front of a class: press Play, watch the epoch counter climb, drag lambda
while the network trains and see the curves carry on from where they were (no reset to epoch 0),
then press Pause and see the counter stop.
"""

from __future__ import annotations

import re
import time

import labkit
import notebook_checks as nc
import pytest

pytestmark = pytest.mark.browser

PLAYGROUND = f"{labkit.PANEL} .lecture5-playground"
_EPOCH = re.compile(r"epoch\s+(\d+)")


def _epoch_text(page, scope) -> str:
    return page.locator(f"{scope} .lecture5-epoch").first.inner_text(timeout=10_000)


def _epoch(page, scope) -> int:
    text = _epoch_text(page, scope)
    m = _EPOCH.search(text)
    assert m, f"the epoch counter shows {text!r}, not 'epoch N'"
    return int(m.group(1))


def _status(page, scope) -> str:
    return page.locator(f"{scope} .lecture5-status").first.inner_text(timeout=10_000)


def _caption(page, scope) -> str:
    return page.locator(f"{scope} .{labkit.CAPTION}").first.inner_text(timeout=10_000)


def _selected(select) -> str:
    """The visible label of a <select>'s chosen option."""
    return select.evaluate("s => s.options[s.selectedIndex].textContent.trim()")


def _figure_src(page, scope) -> str:
    return page.locator(f"{scope} .{labkit.FIGURE} img").first.get_attribute("src") or ""


def check_playground(page, scope: str = PLAYGROUND, timeout: float = 60.0) -> dict:
    """Play, see the epochs advance, move lambda while training, Pause; returns what it saw."""
    app = page.locator(scope).first
    app.scroll_into_view_if_needed(timeout=10_000)
    for name in ("play", "pause", "step", "reset"):
        assert page.locator(f"{scope} button.lecture5-{name}").count() == 1, (
            f"the playground has no '{name}' button")
    e0 = _epoch(page, scope)
    page.locator(f"{scope} button.lecture5-play").first.click(timeout=10_000)
    labkit.wait_for(lambda: _epoch(page, scope) >= e0 + 2, timeout,
                    f"the epoch counter to advance after Play (it showed epoch {e0})")
    assert "running" in _epoch_text(page, scope), _epoch_text(page, scope)

    # with penalty "none" lambda has no effect: switch to L2 while it trains (a live control)
    penalty = page.locator(f"{scope} .lecture5-penalty select").first
    if penalty.count() and _selected(penalty) == "none":
        labels = penalty.locator("option").all_inner_texts()
        l2 = next(t for t in labels if t.strip().lower().startswith("l2"))
        penalty.select_option(label=l2)
        labkit.wait_for(lambda: "penalty" in _status(page, scope), 20,
                        "the status line to confirm the new penalty")

    # move lambda while it trains: the network keeps training (no reset)
    e1 = _epoch(page, scope)
    src1 = _figure_src(page, scope)
    lmbda = page.locator(f"{scope} .{labkit.LMBDA}").first
    readout0 = lmbda.locator(".widget-readout").inner_text()
    labkit.press(page, lmbda, "ArrowRight", 3)
    readout1 = lmbda.locator(".widget-readout").inner_text()
    assert readout1 != readout0, f"lambda did not move ({readout0} -> {readout1})"
    seen, srcs = [], [src1]
    t_move = time.monotonic()
    deadline = t_move + timeout
    while time.monotonic() < deadline:
        seen.append(_epoch(page, scope))
        src = _figure_src(page, scope)
        if src != srcs[-1]:
            srcs.append(src)
        if seen[-1] >= e1 + 3 and len(srcs) > 1 and f"λ = {readout1}" in _caption(page, scope):
            break
        time.sleep(0.1)
    t_shown = time.monotonic() - t_move
    assert min(seen) >= e1, (f"the epoch counter went back from {e1} to {min(seen)} after lambda "
                             f"moved: the network was reset (status: {_status(page, scope)!r})")
    assert seen[-1] >= e1 + 3, (f"training did not carry on after lambda moved: epochs {e1} -> "
                                f"{seen[-1]} in {timeout:.0f} s")
    assert _figure_src(page, scope) != src1, "the curves did not change while training ran"
    status = _status(page, scope)
    assert "New network" not in status and "no reset" in status.lower(), (
        f"after moving lambda the status line says {status!r} (expected 'no reset')")
    assert "no effect" not in status, f"lambda has no effect: {status!r}"
    caption = _caption(page, scope)
    assert f"λ = {readout1}" in caption, (
        f"the caption does not show the new λ = {readout1}: {caption!r}")

    # Pause: the counter stops
    page.locator(f"{scope} button.lecture5-pause").first.click(timeout=10_000)
    labkit.wait_for(lambda: "paused" in _epoch_text(page, scope), 20,
                    "the epoch counter to say 'paused' after Pause")
    e_pause = _epoch(page, scope)
    src_pause = _figure_src(page, scope)
    time.sleep(1.5)
    assert _epoch(page, scope) == e_pause, "the epoch counter still moves after Pause"
    assert _figure_src(page, scope) == src_pause, "the figure still changes after Pause"
    figs = labkit.figures(page, scope)
    nc.assert_one_figure_each(figs, range(len(figs)), "the playground after Pause")
    return {"epochs (start, lambda moved, new lambda shown, paused)": (e0, e1, seen[-1], e_pause),
            "lambda": (readout0, readout1), "seconds until the new lambda was shown": t_shown,
            "figure refreshes per second": (len(srcs) - 1) / max(t_shown, 1e-9),
            "status": status}


@pytest.mark.timeout(300)
def test_playground_trains_live(lab_page, lab_server, artifacts_dir):
    name = nc.PLAYGROUND_NOTEBOOK
    assert (nc.NOTEBOOKS / name).exists(), f"notebooks/{name} is missing"
    page = lab_page
    # everything the other notebooks get (Run All, no errors, sliders of its figure apps) ...
    nc.check_lab_notebook(page, lab_server, name, artifacts_dir)
    # ... and the playground itself
    assert page.locator(PLAYGROUND).count() >= 1, f"{name} shows no playground"
    seen = check_playground(page)
    print(f"{name}: {seen}")
    labkit.assert_no_problems(page, f"{name} after Play, lambda, Pause")
    if nc.os_screenshots_all():
        labkit.screenshot_figure(page, PLAYGROUND, 0, artifacts_dir / "playground.png")
