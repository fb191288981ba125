"""What the browser tests check in a notebook with widgets (JupyterLab and Voila alike).

Which notebooks: every notebook whose code uses widgets.  How many eta/lambda sliders and figure
outputs it must show: what its saved widget state records (notebooks are committed executed by
tests/tools/refresh_notebooks.py), so a slider that stops rendering is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import labkit

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"

#: notebooks that must show eta or lambda sliders (kept in sync with notebooks/ by hand: a notebook
#: listed here without sliders in its saved state fails test_expected_notebooks_have_sliders)
MUST_HAVE_SLIDERS: tuple[str, ...] = (
    "04_sgd.ipynb", "05_l2_and_the_hessian.ipynb", "06_l1_sparsity.ipynb",
    "08_early_stopping.ipynb", "10_playground.ipynb",
)

RUN_ALL_TIMEOUT = 150.0  # a notebook must run in well under a minute; this is a hang guard
REDRAW_TIMEOUT = 45.0  # a slider that retrains must answer within a few seconds

#: the notebook with the live playground (Play / Pause, training while lambda moves)
PLAYGROUND_NOTEBOOK = "10_playground.ipynb"

_USES_WIDGETS = re.compile(r"\bwidgets\.|\bPlayground\(|_slider\(|figure_app\(|FigureApp\(")


def os_screenshots_all() -> bool:
    """``LECTURE5_SCREENSHOTS=all``: keep screenshots of passing tests too (to look at them)."""
    return os.environ.get("LECTURE5_SCREENSHOTS") == "all"


def widget_notebooks() -> list[str]:
    """Notebooks whose code cells use widgets (apps from lecture5.widgets or the playground)."""
    names = []
    for path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = "\n".join("".join(c.get("source", "")) for c in nb.get("cells", [])
                         if c.get("cell_type") == "code")
        if _USES_WIDGETS.search(code):
            names.append(path.name)
    return names


def expected_counts(name: str) -> dict[str, int]:
    """``lecture5-*`` widget classes and how many of each the saved notebook holds."""
    return labkit.saved_widget_classes(NOTEBOOKS / name)


def slider_count(counts: dict[str, int]) -> int:
    return counts.get(labkit.ETA, 0) + counts.get(labkit.LMBDA, 0)


# ----------------------------------------------------------------------------- polish notes

@dataclass
class Notes:
    """Things a person would not accept but that do not break the widget: written to a file."""

    notebook: str
    lines: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def add(self, text: str, polish: bool = True) -> None:
        (self.lines if polish else self.log).append(text)
        print(("POLISH " if polish else "") + text)

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "polish.txt"
        path.write_text("\n".join(self.lines) + ("\n" if self.lines else ""), encoding="utf-8")


def look_at_layout(page, scope: str, notes: Notes) -> None:
    """Note clipped slider labels and figures too small to read when projected."""
    for i, s in enumerate(labkit.sliders(page, scope)):
        if s["labelClipped"]:
            notes.add(f"slider {i} ({s['cls']}, label {s['label']!r}): label is cut off")
    for i, f in enumerate(labkit.figures(page, scope)):
        if f["width"] and f["width"] < 600:
            notes.add(f"figure {i}: shown only {f['width']:.0f} px wide")
        if f["naturalWidth"] and f["width"] and f["width"] < 0.8 * f["naturalWidth"]:
            notes.add(f"figure {i}: scaled down from {f['naturalWidth']} to {f['width']:.0f} px")


# ----------------------------------------------------------------------------- slider moves

def _key_towards_room(s: dict, big: bool) -> str:
    """ArrowRight/PageUp unless the slider is too close to its maximum, then the other way."""
    value, hi, lo = (float(s[k]) for k in ("value", "max", "min"))
    room = (hi - value) / max(hi - lo, 1e-12)
    up = room > (0.3 if big else 0.1)
    if big:
        return "PageUp" if up else "PageDown"
    return "ArrowRight" if up else "ArrowLeft"


def assert_one_figure_each(figs: list[dict], indices, where: str) -> None:
    for i in indices:
        f = figs[i]
        assert f["images"] == 1, (
            f"{where}: figure output {i} shows {f['images']} figures, expected exactly one "
            f"(stacked or missing); its text: {f['text'][:300]!r}")
        assert f["outputs"] == 1, (
            f"{where}: figure output {i} holds {f['outputs']} outputs, expected one "
            f"(something is appended instead of replaced): {f['text'][:300]!r}")


def rapid_two_slider_move(page, scope: str, lab: bool, timeout: float) -> str:
    """Move two sliders in quick succession, before any other interaction after Run All.

    This is the case that lost figures to the Log Console with kernel subshells: the second
    slider changes while the first one's redraws are still arriving.
    """
    ss = [(i, s) for i, s in enumerate(labkit.sliders(page, scope))
          if not s["playground"] and s["figures"]]
    if not ss:
        return "no slider with a figure"
    # two sliders of the same app (one figure output, overlapping redraws) catch it best:
    # lambda and eta if an app has both, else any two of one app, else two of different apps
    apps: dict[tuple, list] = {}
    for i, s in ss:
        apps.setdefault(tuple(s["figures"]), []).append((i, s))

    def rank(members):
        classes = {s["cls"] for _, s in members}
        return (len(members) >= 2, {labkit.LMBDA, labkit.ETA} <= classes,
                bool(classes & {labkit.LMBDA, labkit.ETA}))

    members = max(apps.values(), key=rank)
    if len(members) >= 2:
        first = next(((i, s) for i, s in members if s["cls"] == labkit.LMBDA), members[0])
        second = next(((i, s) for i, s in members if s["cls"] == labkit.ETA and i != first[0]),
                      next((i, s) for i, s in members if i != first[0]))
    else:
        first = next(((i, s) for i, s in ss if s["cls"] == labkit.LMBDA), ss[0])
        second = next(((i, s) for i, s in ss if i != first[0]), first)
    before = labkit.figures(page, scope)
    indices = sorted(set(first[1]["figures"]) | set(second[1]["figures"]))
    for i, s in (first, second):
        labkit.press(page, labkit.slider_locator(page, i, scope), _key_towards_room(s, False), 2)
    figs = labkit.wait_settled(page, scope, indices, before, timeout, quiet=0.5, kernel=lab)
    where = f"after moving sliders {first[0]} and {second[0]} quickly one after the other"
    assert_one_figure_each(figs, indices, where)
    return where


def move_each_slider(page, scope: str, lab: bool, timeout: float, notes: Notes,
                     shots: Path | None = None, only: tuple[str, ...] | None = None,
                     limit: int | None = None) -> int:
    """PageUp (or PageDown) on every eta and lambda slider, and on the first other slider of each
    figure app: its figure must change, and stay one figure."""
    moved = 0
    apps_done = set()
    n = len(labkit.sliders(page, scope))
    for i in range(n):
        if limit is not None and moved >= limit:
            break
        s = labkit.sliders(page, scope)[i]
        if s["playground"] or (only is not None and s["cls"] not in only):
            continue
        # every eta and lambda slider; of the other sliders, the first of each app (time)
        app = tuple(s["figures"])
        if s["cls"] not in labkit.SLIDER_CLASSES and app in apps_done:
            continue
        apps_done.add(app)
        assert s["figures"], (f"slider {i} ({s['cls']}, {s['label']!r}) belongs to no app with a "
                              f"'{labkit.FIGURE}' output: nothing to see change")
        assert not s["disabled"], f"slider {i} ({s['cls']}, {s['label']!r}) is disabled"
        before = labkit.figures(page, scope)
        caps_before = labkit.captions(page, scope)
        key = _key_towards_room(s, True)
        t0 = time.monotonic()
        labkit.watch_layout(page, scope)
        labkit.press(page, labkit.slider_locator(page, i, scope), key)
        try:
            figs = labkit.wait_settled(page, scope, s["figures"], before, timeout, kernel=lab)
        except labkit.LabError as exc:
            after = labkit.sliders(page, scope)[i]
            raise labkit.LabError(
                f"slider {i} ({s['cls']}, {s['label']!r}, {key}: aria-valuenow "
                f"{s['value']} -> {after['value']}): {exc}; captions now "
                f"{labkit.captions(page, scope)}") from None
        took = time.monotonic() - t0
        seen = labkit.stop_watching(page).get("figs", {})
        after = labkit.sliders(page, scope)[i]
        where = f"after {key} on slider {i} ({s['cls']}, {s['label']!r})"
        assert_one_figure_each(figs, s["figures"], where)
        if abs(after["top"] - s["top"]) > 2:
            notes.add(f"slider {i} ({s['label']!r}): moved on the page by "
                      f"{after['top'] - s['top']:+.0f} px after its redraw (layout jump)")
        for j in s["figures"]:
            h0, h1 = before[j]["height"], figs[j]["height"]
            m = seen.get(str(j))
            if abs(h1 - h0) > 2 or (m and m["maxH"] - m["minH"] > 2):
                span = f" (between {m['minH']:.0f} and {m['maxH']:.0f} px meanwhile)" if m else ""
                notes.add(f"slider {i} ({s['label']!r}): figure {j} height {h0:.0f} -> "
                          f"{h1:.0f} px{span}: the content below jumps while it redraws")
        notes.add(f"slider {i} ({s['label']!r}) {key}: {s['readout']} -> {after['readout']}, "
                  f"figure changed, settled after {took:.1f} s", polish=False)
        if took > 3.0:
            notes.add(f"slider {i} ({s['label']!r}): the redraw took {took:.1f} s")
        caps_after = labkit.captions(page, scope)
        if caps_before == caps_after and caps_after:
            notes.add(f"slider {i} ({s['label']!r}): the figure changed but no caption did")
        if shots is not None:
            labkit.screenshot_figure(page, scope, s["figures"][0], shots / f"slider{i}-app.png",
                                     whole_app=True)
        moved += 1
    return moved


# ----------------------------------------------------------------------------- one notebook


def check_lab_notebook(page, server, name: str, artifacts_dir: Path) -> None:
    """Open ``name`` in JupyterLab, Run All, and check what a student sees, then move sliders.

    * no cell shows an error or a traceback, no widget "Error displaying widget", nothing on
      stderr, nothing misrouted to the Log Console;
    * the page shows as many sliders and figure outputs as the saved notebook records, each
      figure output holding exactly one figure;
    * the first interaction moves two sliders quickly one after the other (the case that lost
      figures to the Log Console with kernel subshells), then every eta/lambda slider (and the
      first other slider of each app) is moved with the keyboard: its figure must change and
      stay one figure.
    Layout remarks (clipped labels, small figures, jumps) go to ``artifacts_dir/polish.txt``.
    """
    expected = expected_counts(name)
    notes = Notes(name)
    t0 = time.monotonic()
    labkit.open_notebook(page, server, name)
    t_open = time.monotonic() - t0
    t_run = labkit.run_all(page, RUN_ALL_TIMEOUT)
    labkit.assert_no_problems(page, f"{name} after Run All")

    shown = labkit.sliders(page)
    want = {c: expected.get(c, 0) for c in (*labkit.SLIDER_CLASSES, "slider")}
    got = {c: sum(s["cls"] == c for s in shown) for c in labkit.SLIDER_CLASSES}
    got["slider"] = len(shown)
    assert got == want, (f"{name}: the page shows sliders {got}, the saved notebook has {want} "
                         "(a slider that does not render, or a notebook saved stale)")
    figs = labkit.figures(page)
    assert len(figs) == expected.get(labkit.FIGURE, 0), (
        f"{name}: the page shows {len(figs)} '{labkit.FIGURE}' outputs, the saved notebook has "
        f"{expected.get(labkit.FIGURE, 0)}")
    every = range(len(figs))
    assert_one_figure_each(figs, every, f"{name} after Run All")
    look_at_layout(page, labkit.PANEL, notes)

    t1 = time.monotonic()
    moved = 0
    if any(not s["playground"] and s["figures"] for s in shown):
        where = rapid_two_slider_move(page, labkit.PANEL, True, REDRAW_TIMEOUT)
        labkit.assert_no_problems(page, f"{name} {where}")
        moved = move_each_slider(page, labkit.PANEL, True, REDRAW_TIMEOUT, notes,
                                 shots=artifacts_dir / "figures" if os_screenshots_all()
                                 else None)
        labkit.assert_no_problems(page, f"{name} after moving the sliders")
    print(f"{name}: open {t_open:.1f} s, Run All {t_run:.1f} s, {moved} sliders moved in "
          f"{time.monotonic() - t1:.1f} s")
    assert_one_figure_each(labkit.figures(page), every, f"{name} at the end")
    if notes.lines:
        notes.write(artifacts_dir)
