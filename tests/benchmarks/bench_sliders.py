"""Slider latency in JupyterLab, by hand: ``python tests/benchmarks/bench_sliders.py``.

Not a test (pytest ignores tests/benchmarks): it prints a table and asserts nothing.  For each
notebook (01-10 by default) it serves a stripped copy in JupyterLab, opens it in headless Debian
Chromium, runs all cells, and then moves every enabled slider of every app with the keyboard:
``--moves`` moves per slider (at least five), each move three ArrowRight (or ArrowLeft) presses on
the focused handle, the direction alternating so the value stays in range (``--extremes``: two
moves instead, End then Home, each slider to its maximum and its minimum).  The first move comes
``--settle`` seconds (default 1) after all cells ran, and each move after a pause of
``--pause`` seconds (default 0).  While the kernel is idle, closed-form apps draw the frames of
their sliders' next values and ends, and a retraining app trains its slider's other values, so
a slider's times depend on those waits (and on the moves before).  The servers, browser
settings, notebook copies and page actions are the browser tests' (tests/browser/labkit.py and
tests/browser/conftest.py, imported here).

Timing is done inside the page (tests/browser timing through locators adds about 80 ms a move): a
capturing ``keydown`` listener stamps ``performance.now()`` at the first press, and a
``requestAnimationFrame`` loop compares, every frame, a signature of the app's figure outputs
(``.lecture5-figure``): every ``img`` src, and for each ``canvas`` a hash of sampled
``getImageData`` bytes (so an ipympl canvas counts too).  Per move it records

- ``response``: first frame where anything the app shows besides the sliders changed (caption,
  status line, progress bar, or the figure);
- ``figure``:   first frame whose figure signature differs from the one before the first press;
- ``final``:    the last figure change before the app went quiet (kernel idle, no retraining app
  saying "training (…)…", nothing changed for ``--quiet`` seconds): the figure for the value the
  slider ended on.

A move with no figure change (the playground's training controls change only its caption while
it is paused) counts in ``response`` only.  ``kB/frame`` is what the kernel's websocket delivered
during the move divided by the figure frames seen (distinct figure signatures; two updates inside
one animation frame count as one), ``png kB`` the size of the last PNG shown, and
``blank`` the animation frames (over all moves) in which the figure showed nothing: no picture,
or a picture with no decoded pixels yet (a flicker; an ``img`` whose ``src`` changes keeps its
old picture until the new one is decoded, which is not blank).

Kind: ``retraining`` when the app's outermost widget carries the CSS class ``lecture5-retrain``;
until the package adds that class, apps are classified by :data:`RETRAINING_FALLBACK` below (the
apps whose builder trains a network on release).  Everything else, including the playground's
controls while it is paused, is ``closed-form``.

The machine's load matters (2 shared cores): the table header records ``uptime`` before and after.
``--notebook-dir`` serves another folder (e.g. prototype notebooks; set ``PYTHONPATH`` so their
kernel imports what they need), ``--apps`` keeps only apps whose name contains one of the strings.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BROWSER_TESTS = ROOT / "tests" / "browser"
sys.path.insert(0, str(BROWSER_TESTS))

import labkit  # noqa: E402 - the browser tests' helpers, found through the path above


def _browser_conftest():
    """tests/browser/conftest.py as a module (its name clashes with the root conftest.py)."""
    spec = importlib.util.spec_from_file_location("browser_conftest", BROWSER_TESTS / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


RETRAIN_CLASS = "lecture5-retrain"
#: apps that retrain a network when a slider is released, by their outermost widget's class or
#: (when it has none) the app function named in the cell; used until ``lecture5-retrain`` exists
RETRAINING_FALLBACK = ("sgd_eta_app", "weight_decay_app", "l1_l2_app", "dropout_app",
                       "early_stopping_app", "early_vs_l2_app")
DEFAULT_NOTEBOOKS = tuple(f"{i:02d}" for i in range(1, 11))
KEYS_PER_MOVE = 3


def _parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--notebooks", nargs="+", default=list(DEFAULT_NOTEBOOKS),
                   help="notebook name prefixes (default 01 .. 10)")
    p.add_argument("--moves", type=int, default=5, help="moves per slider (at least 5)")
    p.add_argument("--extremes", action="store_true",
                   help="move each slider to its maximum (End) and then its minimum (Home) "
                        "instead of arrow-key moves")
    p.add_argument("--settle", type=float, default=1.0,
                   help="seconds between running all cells and the first move (a retraining "
                        "app trains its other values ahead meanwhile, as while a lecturer talks)")
    p.add_argument("--pause", type=float, default=0.0,
                   help="seconds to wait before every move, the app quiet (a lecturer talking "
                        "between two moves: the apps work ahead meanwhile)")
    p.add_argument("--json", type=Path, help="also write every measurement to this file")
    p.add_argument("--notebook-dir", type=Path, default=ROOT / "notebooks",
                   help="folder whose notebooks are served (default notebooks/)")
    p.add_argument("--apps", nargs="+", help="only apps whose name contains one of these")
    p.add_argument("--quiet", type=float, default=0.6,
                   help="seconds without change that end a move (default 0.6)")
    p.add_argument("--move-timeout", type=float, default=120.0, help="seconds per move at most")
    p.add_argument("--run-all-timeout", type=float, default=900.0,
                   help="seconds Run All may take per notebook (default 900: a loaded machine)")
    args = p.parse_args(argv)
    if args.moves < 5:
        p.error(f"--moves must be at least 5 (the issue asks for five), got {args.moves}")
    return args


# ----------------------------------------------------------------------------- in the page

#: facts about the slider ``el`` and the app around it (its outermost widget)
_SLIDER_INFO_JS = """
(el) => {
  let root = el, n = el;
  while ((n = n.parentElement)) { if (n.classList.contains('jupyter-widgets')) root = n; }
  const cell = el.closest('.jp-Cell');
  const src = cell ? ((cell.querySelector('.jp-InputArea-editor') || {}).innerText || '') : '';
  const call = src.match(/\\b([A-Za-z_]\\w*(?:_app|App)|Playground)\\s*\\(/);
  const appCls = [...root.classList].find(c => /^lecture5-.*(-app|playground)$/.test(c));
  const handle = el.querySelector('.noUi-handle');
  const label = el.querySelector('.widget-label');
  const cellIndex = cell ? [...cell.parentElement.children].indexOf(cell) : -1;
  return {
    app: call ? call[1] : (appCls || 'app'),
    appClasses: [...root.classList].filter(c => c.startsWith('lecture5-')),
    retrainClass: root.classList.contains('RETRAIN'),
    cell: cellIndex,
    label: label ? label.textContent.trim() : '',
    cls: [...el.classList].find(c => c.startsWith('lecture5-')) || '',
    value: handle ? parseFloat(handle.getAttribute('aria-valuenow')) : null,
    min: handle ? parseFloat(handle.getAttribute('aria-valuemin')) : null,
    max: handle ? parseFloat(handle.getAttribute('aria-valuemax')) : null,
    disabled: el.classList.contains('mod-disabled') || !!el.querySelector('[disabled]'),
  };
}
"""

#: start watching the app around slider ``el``: keydown stamp + rAF signature loop
_WATCH_JS = """
(el) => {
  let root = el, n = el;
  while ((n = n.parentElement)) { if (n.classList.contains('jupyter-widgets')) root = n; }
  const old = window.__bench_sliders;
  if (old) { old.run = false; document.removeEventListener('keydown', old.onKey, true); }
  const hash = (c) => {
    let ctx = null;
    try { ctx = c.getContext('2d'); } catch (e) { return 'x'; }
    if (!ctx || !c.width || !c.height) return 'e' + c.width + 'x' + c.height;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 61) { h = Math.imul(h ^ d[i], 16777619); }
    return c.width + 'x' + c.height + ':' + (h >>> 0);
  };
  const figSig = () => {
    const parts = [];
    for (const f of root.querySelectorAll('.FIGURE')) {
      for (const img of f.querySelectorAll('img')) parts.push(img.getAttribute('src') || '');
      for (const c of f.querySelectorAll('canvas')) parts.push(hash(c));
      if (!parts.length) parts.push('empty');
    }
    return parts;
  };
  const respSig = () => {
    const parts = [];
    for (const e of root.querySelectorAll('.CAPTION, .lecture5-status, .lecture5-epoch'))
      parts.push(e.innerText || '');
    for (const e of root.querySelectorAll('.progress-bar, .widget-progress [role=progressbar]'))
      parts.push((e.style.width || '') + (e.style.height || ''));
    return parts.join('|');
  };
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const w = {run: true, t0: null, firstResp: null, firstFig: null, lastFig: null,
             lastResp: null, figFrames: 0, respFrames: 0, frames: 0, now: 0, blank: 0,
             fig: figSig(), resp: respSig()};
  w.onKey = () => { if (w.t0 === null) w.t0 = performance.now(); };
  document.addEventListener('keydown', w.onKey, true);
  // compare the figure and the response with the last ones seen; true if either changed
  const sample = (t) => {
    let changed = false;
    const f = figSig(), r = respSig();
    if (!same(f, w.fig)) {
      w.fig = f; w.figFrames += 1; w.lastFig = t; changed = true;
      if (w.firstFig === null) w.firstFig = t;
      if (w.firstResp === null) w.firstResp = t;
    }
    if (r !== w.resp) {
      w.resp = r; w.respFrames += 1; w.lastResp = t; changed = true;
      if (w.firstResp === null) w.firstResp = t;
    }
    return changed;
  };
  const tick = () => {
    if (!w.run) return;
    const t = performance.now();
    w.frames += 1;
    if (w.t0 !== null) {
      // a frame where the figure shows nothing: no picture, or one not decoded yet (flicker);
      // an <img> whose src changed keeps showing the old picture (and its naturalWidth) until
      // the new one is decoded, so only a picture with no size at all is blank
      const imgs = [...root.querySelectorAll('.FIGURE img')];
      if (!imgs.length && !root.querySelector('.FIGURE canvas')
          || imgs.some(i => !i.naturalWidth)) w.blank += 1;
      sample(t);
    }
    requestAnimationFrame(tick);
  };
  // headless Chromium sometimes stops calling requestAnimationFrame for a while (seen on 5 of
  // about 90 retraining moves: the page had the new figure, the loop had not seen it); each
  // read of the state samples too, so a change is then timed at most one read (~0.1 s) late,
  // and counted in lateSamples
  w.lateSamples = 0;
  w.sample = () => {
    if (w.run && w.t0 !== null && sample(performance.now())) w.lateSamples += 1;
  };
  w.root = root;
  window.__bench_sliders = w;
  requestAnimationFrame(tick);
}
"""

_WATCH_STATE_JS = """
async () => {
  const w = window.__bench_sliders;
  if (!w) return null;
  w.sample();
  const rel = (t) => (t === null || w.t0 === null) ? null : t - w.t0;
  // the PNG bytes shown: a data: URL (an output area) or a blob: URL (an ipywidgets Image)
  let pngBytes = 0;
  for (const s of w.fig) {
    if (s.startsWith('data:')) pngBytes += Math.floor((s.length - s.indexOf(',') - 1) * 3 / 4);
    else if (s.startsWith('blob:')) {
      try { pngBytes += (await (await fetch(s)).blob()).size; } catch (e) { /* replaced */ }
    }
  }
  return {now: rel(performance.now()), t0: w.t0, firstResp: rel(w.firstResp),
          firstFig: rel(w.firstFig), lastFig: rel(w.lastFig), lastResp: rel(w.lastResp),
          figFrames: w.figFrames, respFrames: w.respFrames, frames: w.frames, blank: w.blank,
          pngBytes, lateSamples: w.lateSamples,
          // a retraining app says so in its caption until its new figure is there: it trains
          // on a timer after the last key press, while the kernel reports itself idle
          training: [...w.root.querySelectorAll('.CAPTION')].some(
            (e) => (e.innerText || '').startsWith('training ('))};
}
"""

_WATCH_STOP_JS = """
() => { const w = window.__bench_sliders; if (w) { w.run = false;
  document.removeEventListener('keydown', w.onKey, true); } }
"""


def _js(src: str) -> str:
    return (src.replace("RETRAIN", RETRAIN_CLASS).replace(".FIGURE", "." + labkit.FIGURE)
            .replace(".CAPTION", "." + labkit.CAPTION))


# ----------------------------------------------------------------------------- measuring


class WireCounter:
    """Bytes the page received over its websockets (the kernel channel among them), counted
    inside the page: Playwright's "framereceived" events would copy every frame (base64, through
    the DevTools protocol) to this process while the browser delivers it, and delayed each
    picture of 160 kB by some 30 ms."""

    _COUNT_JS = """
    (() => {
      window.__lecture5WireBytes = 0;
      const Socket = window.WebSocket;
      window.WebSocket = class extends Socket {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', (ev) => {
            const d = ev.data;
            window.__lecture5WireBytes += typeof d === 'string' ? d.length
              : (d.byteLength ?? d.size ?? 0);
          });
        }
      };
    })();
    """

    def __init__(self, page):
        self.page = page
        page.add_init_script(self._COUNT_JS)

    @property
    def bytes(self) -> int:
        return int(self.page.evaluate("window.__lecture5WireBytes || 0"))


def kind_of(info: dict) -> str:
    if info["retrainClass"]:
        return "retraining"
    names = [info["app"], *(c.removeprefix("lecture5-").replace("-", "_") for c in
                            info["appClasses"])]
    return "retraining" if any(n in RETRAINING_FALLBACK for n in names) else "closed-form"


def one_move(page, slider, key: str, wire: WireCounter, args) -> dict:
    """Press ``key`` three times on the focused handle; wait until the app is quiet."""
    if args.pause:
        page.wait_for_timeout(1000 * args.pause)
    slider.evaluate(_js(_WATCH_JS))
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed(timeout=10_000)
    handle.focus(timeout=10_000)
    page.wait_for_timeout(50)  # let the watcher take its baseline frame
    bytes0 = wire.bytes
    for _ in range(KEYS_PER_MOVE):
        page.keyboard.press(key)
    deadline = time.monotonic() + args.move_timeout
    nothing_after = 5.0  # seconds: a move that changed nothing by then changed nothing
    while True:
        page.wait_for_timeout(100)
        st = page.evaluate(_js(_WATCH_STATE_JS))
        nb = labkit.notebook_state(page)
        idle = bool(nb) and nb["status"] == "idle" and not st["training"]
        last = max([t for t in (st["lastFig"], st["lastResp"]) if t is not None], default=None)
        if idle and last is not None and st["now"] - last >= args.quiet * 1000:
            break
        if idle and last is None and st["now"] is not None and st["now"] >= nothing_after * 1000:
            break
        if time.monotonic() > deadline:
            st["timeout"] = True
            break
    page.evaluate(_WATCH_STOP_JS)
    st["wireBytes"] = wire.bytes - bytes0
    return st


def directions(info: dict, moves: int) -> list[str]:
    """Alternate, starting towards the side with more room."""
    first_right = (info["max"] - info["value"]) >= (info["value"] - info["min"])
    keys = ("ArrowRight", "ArrowLeft") if first_right else ("ArrowLeft", "ArrowRight")
    return [keys[i % 2] for i in range(moves)]


def bench_notebook(page, server, name: str, wire: WireCounter, args) -> list[dict]:
    labkit.open_notebook(page, server, name)
    run_s = labkit.run_all(page, timeout=args.run_all_timeout)
    page.wait_for_timeout(1000 * max(0.0, args.settle))
    rows = []
    count = page.locator(f"{labkit.PANEL} {labkit.SLIDER}").count()
    for i in range(count):
        slider = labkit.slider_locator(page, i)
        info = slider.evaluate(_js(_SLIDER_INFO_JS))
        if info["disabled"]:
            continue
        if args.apps and not any(a in info["app"] for a in args.apps):
            continue
        row = {"notebook": name, "app": info["app"], "cell": info["cell"],
               "slider": info["label"] or info["cls"], "kind": kind_of(info),
               "classes": info["appClasses"], "run_all_s": round(run_s, 1), "moves": []}
        for key in (("End", "Home") if args.extremes else directions(info, args.moves)):
            row["moves"].append(one_move(page, slider, key, wire, args))
        rows.append(row)
        print(_line(row), flush=True)
    problems = labkit.output_problems(page)
    lost = labkit.log_console_messages(page)
    if problems["errors"] or problems["widgetErrors"] or lost:
        print(f"  !! {name}: errors {problems['errors'][:2]} widget errors "
              f"{problems['widgetErrors'][:2]} log console {lost!r}", flush=True)
    labkit.close_notebooks(page)
    labkit.shutdown_all_sessions(server)
    return rows


# ----------------------------------------------------------------------------- the table


def _stats(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None
    return statistics.median(vals), max(vals)


def summary(row: dict) -> dict:
    m = row["moves"]
    resp = _stats([x["firstResp"] for x in m])
    fig = _stats([x["firstFig"] for x in m])
    final = _stats([x["lastFig"] for x in m])
    frames = sum(x["figFrames"] for x in m)
    wire = sum(x["wireBytes"] for x in m if x["figFrames"])
    png = [x["pngBytes"] for x in m if x["pngBytes"]]
    return {"response": resp, "figure": fig, "final": final,
            "kb_per_frame": wire / frames / 1000 if frames else None,
            "png_kb": statistics.median(png) / 1000 if png else None,
            "no_change": sum(1 for x in m if x["firstResp"] is None),
            "blank": sum(x.get("blank", 0) for x in m),
            "timeouts": sum(1 for x in m if x.get("timeout"))}


def _ms(v):
    return "-" if v is None else f"{v:.0f}"


def _kb(v):
    return "-" if v is None else f"{v:.0f}"


HEADER = (f"{'notebook':<26} {'app':<24} {'slider':<20} {'kind':<11} "
          f"{'resp med/max':>13} {'figure med/max':>15} {'final med/max':>14} "
          f"{'kB/frame':>8} {'png kB':>6} {'blank':>5}")


def _line(row: dict) -> str:
    s = summary(row)
    pair = lambda p: f"{_ms(p[0])}/{_ms(p[1])}"  # noqa: E731
    extra = ""
    if s["no_change"]:
        extra += f"  ({s['no_change']} of {len(row['moves'])} moves changed nothing)"
    if s["timeouts"]:
        extra += f"  ({s['timeouts']} timed out)"
    return (f"{row['notebook'][:26]:<26} {row['app'][:24]:<24} {row['slider'][:20]:<20} "
            f"{row['kind']:<11} {pair(s['response']):>13} {pair(s['figure']):>15} "
            f"{pair(s['final']):>14} {_kb(s['kb_per_frame']):>8} {_kb(s['png_kb']):>6} "
            f"{s['blank']:>5}{extra}")


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"(uptime failed: {exc})"


def _notebooks(directory: Path, prefixes) -> list[str]:
    names = sorted(p.name for p in directory.glob("*.ipynb"))
    chosen = [n for n in names if any(n.startswith(p) for p in prefixes)]
    missing = [p for p in prefixes if not any(n.startswith(p) for n in names)]
    if missing:
        raise SystemExit(f"--notebooks: no notebook in {directory} starts with {missing}; "
                         f"there are {names}")
    return chosen


def main(argv=None) -> int:
    args = _parse(argv)
    names = _notebooks(args.notebook_dir, args.notebooks)
    bc = _browser_conftest()
    load_before = _uptime()
    print(f"# bench_sliders {time.strftime('%Y-%m-%d %H:%M:%S')}  {load_before}")
    moves = "End, then Home" if args.extremes else f"{args.moves} moves"
    moves += f", first move {args.settle:g} s after running all cells"
    if args.pause:
        moves += f", each move after a pause of {args.pause:g} s"
    print(f"# {moves} x {KEYS_PER_MOVE} keys per slider; times in ms from the first "
          "keydown; kind by class '%s' or fallback list" % RETRAIN_CLASS)
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_sliders_") as tmp:
        served, work = Path(tmp) / "served", Path(tmp) / "lab"
        served.mkdir()
        work.mkdir()
        labkit.copy_notebooks(args.notebook_dir, served)
        server = labkit.start_jupyterlab(served, work)
        pw = sync_playwright().start()
        try:
            browser = pw.chromium.launch(executable_path=bc.CHROMIUM, headless=True,
                                         args=bc.CHROMIUM_ARGS, timeout=60_000)
            page = bc._new_page(browser)
            wire = WireCounter(page)
            labkit.load_lab(page, server)
            print(HEADER, flush=True)
            for name in names:
                try:
                    rows += bench_notebook(page, server, name, wire, args)
                except Exception as exc:  # noqa: BLE001 - one broken notebook, the rest still run
                    print(f"  !! {name}: {type(exc).__name__}: {exc}", flush=True)
                    labkit.shutdown_all_sessions(server)
                    if not labkit.app_loaded(page):
                        page.context.close()
                        page = bc._new_page(browser)
                        wire = WireCounter(page)
                        labkit.load_lab(page, server)
            browser.close()
        finally:
            pw.stop()
            server.stop()
    load_after = _uptime()
    print(f"# load before: {load_before}\n# load after:  {load_after}")
    for kind in ("closed-form", "retraining"):
        mine = [r for r in rows if r["kind"] == kind]
        finals = [x["lastFig"] for r in mine for x in r["moves"] if x["lastFig"] is not None]
        firsts = [x["firstResp"] for r in mine for x in r["moves"] if x["firstResp"] is not None]
        if firsts:
            print(f"# {kind}: {len(mine)} sliders; response median {statistics.median(firsts):.0f}"
                  f" ms; final figure median {statistics.median(finals):.0f} ms, worst "
                  f"{max(finals):.0f} ms" if finals else f"# {kind}: {len(mine)} sliders")
    if args.json:
        args.json.write_text(json.dumps({"load_before": load_before, "load_after": load_after,
                                         "moves": args.moves, "rows": rows}, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
