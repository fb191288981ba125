"""Helpers for the browser tests: servers, stripped notebook copies, and JupyterLab page actions.

Everything here is about *seeing* the notebooks as a person does: a JupyterLab (or Voila) server on
127.0.0.1 serving a temporary copy of ``notebooks/``, and a headless Chromium driven by Playwright
that opens a notebook, runs it, and moves the sliders with the keyboard.

Timeouts are in seconds unless a name ends in ``_ms``.  Every wait has one: ipykernel 7 has been
seen to stall once in a while, and a stalled browser test must fail, not hang.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

# ----------------------------------------------------------------------------- notebooks

#: stable CSS classes the package's widgets carry (lecture5/widgets/, lecture5/playground/)
ETA = "lecture5-eta"
LMBDA = "lecture5-lmbda"
FIGURE = "lecture5-figure"
CAPTION = "lecture5-caption"
SLIDER_CLASSES = (LMBDA, ETA)


def strip_notebook(src: Path, dst: Path) -> None:
    """Copy a notebook without outputs, execution counts and saved widget state.

    Saved widget state would render static, disconnected sliders that match the test's selectors
    before anything has run; outputs would show old figures.  A fresh copy shows only what Run All
    produces.
    """
    nb = nbformat.read(src, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, dst)


def copy_notebooks(src_dir: Path, dst_dir: Path) -> list[str]:
    """Copy ``src_dir`` (notebooks and any files they read) to ``dst_dir``, stripping notebooks."""
    shutil.copytree(src_dir, dst_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    names = []
    for nb in sorted(dst_dir.glob("*.ipynb")):
        strip_notebook(nb, nb)
        names.append(nb.name)
    return names


def saved_widget_classes(path: Path) -> dict[str, int]:
    """How many widgets of each ``lecture5-*`` class (and ``"slider"``: sliders of any kind) the
    notebook's *saved* outputs display.

    Notebooks are committed executed (tests/tools/refresh_notebooks.py): their metadata records
    every widget the run created, with its ``_dom_classes``, and their outputs the widgets shown.
    Counted are the widgets reachable from a shown one (children, an Output's contents), not those
    a cell created without showing them.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    state = (nb.get("metadata", {}).get("widgets", {})
             .get("application/vnd.jupyter.widget-state+json", {}).get("state", {}))
    shown = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view and view.get("model_id") in state:
                shown.append(view["model_id"])
    reached, todo = set(shown), list(shown)
    while todo:
        text = json.dumps(state[todo.pop()])
        for ref in _MODEL_ID.findall(text):
            if ref in state and ref not in reached:
                reached.add(ref)
                todo.append(ref)
    counts: dict[str, int] = {}
    for mid in reached:
        model = state[mid]
        if model.get("model_name", "").endswith("SliderModel"):
            counts["slider"] = counts.get("slider", 0) + 1
        for cls in model.get("state", {}).get("_dom_classes", []):
            if cls.startswith("lecture5-"):
                counts[cls] = counts.get(cls, 0) + 1
    return counts


_MODEL_ID = re.compile(r"[0-9a-f]{32}")


def source_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c.get("source", "")) for c in nb.get("cells", []))


# ----------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, n: int = 40) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-n:])


@dataclass
class Server:
    """A server process this test session started, and how to reach it."""

    name: str
    proc: subprocess.Popen
    base_url: str
    token: str
    log_path: Path
    shutdown_path: str | None = None
    extra: dict = field(default_factory=dict)

    def url(self, path: str, **query) -> str:
        query = {**query, "token": self.token}
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        return f"{self.base_url}{path}?{qs}"

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 10.0):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw) if raw.strip() else None

    def log_tail(self, n: int = 40) -> str:
        return _tail(self.log_path, n)

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the server to shut down (its kernels with it); then end our own process."""
        if self.proc.poll() is None and self.shutdown_path:
            try:
                self.request("POST", self.shutdown_path, timeout=5)
            except (OSError, urllib.error.URLError):
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)


def _wait_until_answers(server: Server, status_path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with code {server.proc.returncode} before answering; "
                f"log {server.log_path}:\n{server.log_tail()}")
        req = urllib.request.Request(server.base_url + status_path,
                                     headers={"Authorization": f"token {server.token}"})
        try:
            with urllib.request.urlopen(req, timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except (OSError, urllib.error.URLError) as exc:
            last = repr(exc)
        time.sleep(0.25)
    raise RuntimeError(f"{server.name} did not answer {status_path} within {timeout:.0f} s "
                       f"({last}); log {server.log_path}:\n{server.log_tail()}")


def _spawn(name, cmd, env, log_path, base_url, token, status_path, shutdown_path, timeout):
    log = open(log_path, "wb")  # noqa: SIM115 - closed when the process is
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    log.close()
    server = Server(name, proc, base_url, token, log_path, shutdown_path)
    try:
        _wait_until_answers(server, status_path, timeout)
    except BaseException:
        server.stop(timeout=5)
        raise
    return server


def lab_settings() -> dict[str, dict]:
    """User settings for the test's JupyterLab: quiet, no autosave, every cell in the DOM.

    ``commsOverSubshells: disabled`` is what binder/overrides.json ships (a non-editable install
    puts it into the environment; an editable one does not), so the browser sees what students see.
    """
    return {
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                         "checkForUpdates": False},
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/kernels-settings": {
            # LECTURE5_COMMS_OVER_SUBSHELLS=perCommTarget reproduces JupyterLab's default, under
            # which the rapid slider move loses figures to the Log Console
            "commsOverSubshells": os.environ.get("LECTURE5_COMMS_OVER_SUBSHELLS", "disabled")},
    }


def _jupyter_env(workdir: Path) -> dict:
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython"),
                     ("MPLCONFIGDIR", "matplotlib")]:
        path = workdir / sub
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"  # the kernel of this environment, not a user-wide one
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("JUPYTER_TOKEN", None)
    return env


def start_jupyterlab(root: Path, workdir: Path, timeout: float = 60.0, attempts: int = 3) -> Server:
    """JupyterLab on 127.0.0.1, a free port, a token, ``root`` as its root; returns when it answers.

    A fresh user-settings dir holds :func:`lab_settings`; the served app is exposed as
    ``window.jupyterapp`` so tests can run commands.
    """
    env = _jupyter_env(workdir)
    settings_dir = Path(env["JUPYTERLAB_SETTINGS_DIR"])
    for plugin, values in lab_settings().items():
        path = settings_dir / (plugin + ".jupyterlab-settings")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    errors = []
    for attempt in range(attempts):
        port = free_port()
        token = uuid.uuid4().hex
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
               "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        log_path = workdir / f"jupyterlab-{attempt}.log"
        try:
            return _spawn("JupyterLab", cmd, env, log_path, f"http://127.0.0.1:{port}", token,
                          "/api/status", "/api/shutdown", timeout)
        except RuntimeError as exc:  # most likely the port was taken in between: try another
            errors.append(str(exc))
    raise RuntimeError("JupyterLab did not start:\n" + "\n\n".join(errors))


def start_voila(root: Path, workdir: Path, timeout: float = 60.0, attempts: int = 3,
                extra: list[str] | tuple[str, ...] = ()) -> Server:
    """Voila on 127.0.0.1, a free port, a token, serving the notebooks under ``root``."""
    env = _jupyter_env(workdir)
    errors = []
    for attempt in range(attempts):
        port = free_port()
        token = uuid.uuid4().hex
        cmd = [sys.executable, "-m", "voila", "--no-browser", "--Voila.ip=127.0.0.1",
               f"--port={port}", "--Voila.port_retries=0", f"--token={token}",
               f"--Voila.root_dir={root}", "--show_tracebacks=True", *extra]
        log_path = workdir / f"voila-{attempt}.log"
        try:
            return _spawn("Voila", cmd, env, log_path, f"http://127.0.0.1:{port}", token,
                          "/voila/tree", None, timeout)
        except RuntimeError as exc:
            errors.append(str(exc))
    raise RuntimeError("Voila did not start:\n" + "\n\n".join(errors))


def shutdown_all_sessions(server: Server) -> None:
    """End the kernels a test left running (the machine has two cores)."""
    try:
        for sess in server.request("GET", "/api/sessions") or []:
            server.request("DELETE", f"/api/sessions/{sess['id']}")
    except (OSError, urllib.error.URLError):
        pass


# ----------------------------------------------------------------------------- the page

#: the notebook in front; hidden tabs may hold stale copies of the same widgets
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


class LabError(AssertionError):
    """Something a person would see as broken (a traceback, a dead widget, a lost figure)."""


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    """Poll ``predicate()`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise LabError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def app_loaded(page) -> bool:
    try:
        return bool(page.evaluate(
            "() => !!(window.jupyterapp && document.querySelector('.jp-LabShell'))"))
    except Exception:  # noqa: BLE001 - a crashed page
        return False


def load_lab(page, server: Server, timeout: float = 60.0) -> None:
    """Load JupyterLab in a workspace of its own (no notebooks restored from earlier runs)."""
    workspace = f"t{uuid.uuid4().hex[:12]}"
    page.goto(server.url(f"/lab/workspaces/{workspace}"), timeout=timeout * 1000,
              wait_until="domcontentloaded")
    wait_for(lambda: page.evaluate(
        "() => !!(window.jupyterapp && window.jupyterapp.shell"
        " && document.querySelector('.jp-LabShell'))"), timeout, "JupyterLab to load")
    # the layout restorer has finished (a promise; bounded, page.evaluate has no timeout)
    page.evaluate("(ms) => Promise.race([window.jupyterapp.restored,"
                  " new Promise(r => setTimeout(r, ms))])", timeout * 1000)


def open_notebook(page, server: Server, name: str, timeout: float = 60.0) -> None:
    """Open ``name`` (loading JupyterLab first if needed) and wait for its kernel to be idle."""
    if not app_loaded(page):
        load_lab(page, server, timeout)
    # not awaited (see run_all); the wait below sees the notebook arrive
    page.evaluate("(p) => { window.jupyterapp.commands.execute('docmanager:open', "
                  "{path: p, factory: 'Notebook'}); }", name)
    page.locator(f"{PANEL} .jp-Notebook").first.wait_for(state="visible", timeout=timeout * 1000)
    wait_for(lambda: page.evaluate(_READY_JS, name), timeout,
             f"{name} to load and its kernel to connect")
    wait_kernel_idle(page, timeout)


def close_notebooks(page) -> None:
    """Close every open document without saving (they are temporary copies anyway)."""
    page.evaluate("""() => {
        const app = window.jupyterapp;
        if (!app) return;
        for (const w of [...app.shell.widgets('main')]) { w.dispose(); }
    }""")


_READY_JS = """
(name) => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.context || !w.context.isReady || !w.content || !w.sessionContext) return false;
  if (!w.context.path.endsWith(name)) return false;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!k || k.connectionStatus !== 'connected' || k.status !== 'idle') return false;
  const cells = w.content.model ? w.content.model.cells.length : -1;
  return w.content.widgets.length === cells && cells > 0;
}
"""


_NOTEBOOK_STATE_JS = """
(panelSel) => {
  const panel = document.querySelector(panelSel);
  if (!panel) return null;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  const prompts = cells.map(c => {
    const p = c.querySelector('.jp-InputArea-prompt');
    return p ? p.textContent.trim() : '';
  });
  const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const status = ind ? ind.getAttribute('data-status') : null;
  return {
    total: cells.length,
    executed: prompts.filter(p => /^\\[\\d+\\]/.test(p)).length,
    running: prompts.filter(p => p.includes('*')).length,
    status,
  };
}
"""


def notebook_state(page) -> dict | None:
    return page.evaluate(_NOTEBOOK_STATE_JS, PANEL)


def wait_kernel_idle(page, timeout: float = 60.0) -> None:
    def idle():
        st = notebook_state(page)
        return st and st["status"] == "idle" and st["running"] == 0
    wait_for(idle, timeout, "the kernel to be idle")


def run_all(page, timeout: float = 120.0) -> float:
    """Run every cell (as the Run menu does); return the seconds it took.

    Stops early with the cell's error text as soon as a cell shows an error.
    """
    t0 = time.monotonic()
    # not awaited: a command's promise has been seen never to settle
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

    def done():
        errs = cell_errors(page)
        if errs:
            raise LabError("a cell shows an error during Run All:\n" + "\n---\n".join(errs))
        st = notebook_state(page)
        return (st and st["total"] > 0 and st["executed"] == st["total"] and st["running"] == 0
                and st["status"] == "idle")

    wait_for(done, timeout, "Run All to finish (every cell executed, kernel idle)", 0.25)
    return time.monotonic() - t0


_PROBLEMS_JS = """
(panelSel) => {
  const root = document.querySelector(panelSel);
  if (!root) return {errors: [], stderr: [], widgetErrors: []};
  const text = el => (el.innerText || el.textContent || '').trim().slice(0, 2000);
  // JupyterLab and Voila render an error output like stderr text: tell them apart by the text
  const looksLikeError = t => /Traceback \\(most recent call last\\)/.test(t)
      || /^\\w*(Error|Exception)\\b.*/m.test(t.split('\\n').slice(-1)[0] || '');
  const red = [...root.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
      + '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')].map(text);
  const errors = red.filter(looksLikeError);
  const stderr = red.filter(t => !looksLikeError(t));
  // errors recorded in the notebook model (JupyterLab only)
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (w && w.content && w.content.model && root.contains(w.node)) {
    const cells = w.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
      const c = cells.get(i);
      if (c.type !== 'code') continue;
      for (let j = 0; j < c.outputs.length; j++) {
        const o = c.outputs.get(j).toJSON();
        if (o.output_type === 'error') {
          const msg = `cell ${i}: ${o.ename}: ${o.evalue}`;
          if (!errors.some(e => e.includes(o.ename + ': ' + o.evalue))) errors.push(msg);
        }
      }
    }
  }
  const widgetErrors = [...root.querySelectorAll('.jp-OutputArea-output')]
      .map(text).filter(t => t.includes('Error displaying widget')
                          || t.includes('Error rendering widget'));
  return {errors, stderr, widgetErrors};
}
"""


def output_problems(page, scope: str = PANEL) -> dict:
    """Tracebacks, other stderr text, and broken widgets shown inside ``scope``."""
    return page.evaluate(_PROBLEMS_JS, scope)


def cell_errors(page) -> list[str]:
    p = output_problems(page)
    return p["errors"] + p["widgetErrors"]


def assert_no_problems(page, where: str, scope: str = PANEL, lab: bool = True) -> None:
    """Fail naming everything a person would see as broken in ``scope``."""
    p = output_problems(page, scope)
    msgs = []
    if p["errors"]:
        msgs.append("cells show errors:\n" + "\n---\n".join(p["errors"]))
    if p["widgetErrors"]:
        msgs.append("widgets show errors:\n" + "\n---\n".join(p["widgetErrors"]))
    if p["stderr"]:
        msgs.append("cells print to stderr (a red box for students):\n"
                    + "\n---\n".join(p["stderr"]))
    if not p["widgetErrors"] and page.locator(f"{scope} :text('Error displaying widget')").count():
        msgs.append("'Error displaying widget' is shown")
    lost = log_console_messages(page) if lab else None
    if lost:
        msgs.append("an output went to the Log Console instead of the notebook (a figure a "
                    f"student would not see; the status bar's Log Console item shows {lost!r})")
    if msgs:
        raise LabError(f"{where}: " + "\n\n".join(msgs))


def log_console_messages(page) -> str | None:
    """What the Log Console's status item says, when it shows at all.

    JupyterLab shows that item only when the Log Console received something, such as a figure
    whose routing to its Output widget was lost ("1 new messages, 1 log entries for x.ipynb").
    """
    return page.evaluate("""() => {
        const items = [...document.querySelectorAll('.jp-LogConsoleStatusItem')]
            .filter(e => !e.classList.contains('lm-mod-hidden'));
        if (!items.length) return null;
        const e = items[0];
        return (e.getAttribute('title') || '') + ' ' + (e.innerText || '').trim();
    }""")


# ----------------------------------------------------------------------------- sliders, figures

_SLIDERS_JS = """
([panelSel, figureCls]) => {
  const panel = document.querySelector(panelSel);
  if (!panel) return [];
  const figures = [...panel.querySelectorAll('.' + figureCls)];
  const anchor = panel.querySelector('.jp-Cell') || panel.firstElementChild;
  const out = [];
  for (const el of panel.querySelectorAll('.widget-hslider')) {
    // the figures of the app this slider belongs to: the nearest ancestor holding any, within
    // the cell's own output area (the one not inside a widget)
    let node = el.parentElement, mine = [];
    while (node && node !== panel) {
      mine = [...node.querySelectorAll('.' + figureCls)];
      if (mine.length) break;
      if (node.classList.contains('jp-OutputArea')
          && !node.parentElement.closest('.jupyter-widgets')) break;
      node = node.parentElement;
    }
    const handle = el.querySelector('.noUi-handle');
    const label = el.querySelector('.widget-label');
    out.push({
      cls: [...el.classList].find(c => c.startsWith('lecture5-')) || '',
      label: label ? label.textContent : '',
      labelClipped: label ? label.scrollWidth > label.clientWidth + 1 : false,
      figures: mine.map(f => figures.indexOf(f)),
      value: handle ? handle.getAttribute('aria-valuenow') : null,
      min: handle ? handle.getAttribute('aria-valuemin') : null,
      max: handle ? handle.getAttribute('aria-valuemax') : null,
      readout: (el.querySelector('.widget-readout') || {}).textContent || '',
      disabled: el.classList.contains('mod-disabled') || !!el.querySelector('[disabled]'),
      playground: !!el.closest('.lecture5-playground'),
      // position in the document (independent of scrolling): a jump moves it
      top: el.getBoundingClientRect().top - (anchor ? anchor.getBoundingClientRect().top : 0),
    });
  }
  return out;
}
"""

#: every horizontal slider: numbers (FloatSlider, FloatLogSlider, IntSlider: also .widget-slider)
#: and stops (SelectionSlider, the package's StepSlider, whose element lacks .jupyter-widgets)
SLIDER = ".widget-hslider"


def sliders(page, scope: str = PANEL) -> list[dict]:
    """Every slider in ``scope``, in page order, with the figures of the app it belongs to."""
    return page.evaluate(_SLIDERS_JS, [scope, FIGURE])


def slider_locator(page, index: int, scope: str = PANEL):
    return page.locator(f"{scope} {SLIDER}").nth(index)


_FIGURES_JS = """
([scope, figureCls]) => {
  const root = document.querySelector(scope);
  if (!root) return [];
  return [...root.querySelectorAll('.' + figureCls)].map(f => {
    const imgs = [...f.querySelectorAll('img')];
    const canvases = f.querySelectorAll('canvas').length;
    // what holds a picture: an ipywidgets Image (the apps), or an output area's child
    const outputs = f.querySelectorAll('.widget-image, .jp-OutputArea-child').length;
    const r = f.getBoundingClientRect();
    return {
      images: imgs.length + canvases,
      outputs,
      src: imgs.map(i => i.getAttribute('src') || '').join('|'),
      width: imgs.length ? imgs[0].getBoundingClientRect().width : 0,
      naturalWidth: imgs.length ? imgs[0].naturalWidth : 0,
      height: r.height,
      text: (f.innerText || '').trim().slice(0, 500),
    };
  });
}
"""


def figures(page, scope: str = PANEL) -> list[dict]:
    """The state of every ``lecture5-figure`` output in ``scope``: image count and PNG source."""
    return page.evaluate(_FIGURES_JS, [scope, FIGURE])


def captions(page, scope: str = PANEL) -> list[str]:
    return page.evaluate(
        "([s, c]) => { const r = document.querySelector(s); return r ? "
        "[...r.querySelectorAll('.' + c)].map(e => (e.innerText || '').trim()) : []; }",
        [scope, CAPTION])


def press(page, slider, key: str, times: int = 1) -> None:
    """Focus the slider's handle and press ``key`` (one step per ArrowRight/Left, five per Page)."""
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed(timeout=10_000)
    handle.focus(timeout=10_000)
    for _ in range(times):
        handle.press(key, timeout=10_000)


def wait_settled(page, scope: str, indices: list[int], before: list[dict] | None,
                 timeout: float, quiet: float = 0.3, kernel: bool = True) -> list[dict]:
    """Wait until the figures ``indices`` stop changing (and, in Lab, the kernel is idle).

    If ``before`` is given, also wait until at least one of them differs from it.
    Returns the final figure states.
    """
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while True:
        figs = figures(page, scope)
        now = [figs[i]["src"] if i < len(figs) else None for i in indices]
        if now != last:
            last, since = now, time.monotonic()
        changed = before is None or any(
            i < len(figs) and figs[i]["src"] != before[i]["src"] and figs[i]["src"]
            for i in indices)
        idle = True
        if kernel:
            st = notebook_state(page)
            idle = bool(st) and st["status"] == "idle"
        if changed and idle and time.monotonic() - since >= quiet:
            return figs
        if time.monotonic() > deadline:
            why = "the figure to change" if not changed else "the figure to settle"
            raise LabError(f"timed out after {timeout:.0f} s waiting for {why} "
                           f"(figures {indices}, kernel idle: {idle})")
        time.sleep(0.1)


def screenshot_figure(page, scope: str, index: int, path: Path, whole_app: bool = False) -> None:
    """A screenshot of one figure output (or of the whole app around it) as it is on screen:
    scrolled into view, its image decoded."""
    loc = page.locator(f"{scope} .{FIGURE}").nth(index)
    if whole_app:
        loc = loc.locator("xpath=ancestor::div[contains(@class, 'jupyter-widgets')][last()]")
    loc.scroll_into_view_if_needed(timeout=10_000)
    loc.evaluate("""async el => {
        for (const img of el.querySelectorAll('img')) { try { await img.decode(); } catch (e) {} }
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    }""")
    path.parent.mkdir(parents=True, exist_ok=True)
    loc.screenshot(path=str(path), timeout=10_000)


_WATCH_START_JS = """
([scope, figureCls]) => {
  const root = document.querySelector(scope);
  const anchor = root.querySelector('.jp-Cell') || root.firstElementChild;
  const w = {run: true, figs: {}, frames: 0};
  const tick = () => {
    if (!w.run) return;
    w.frames += 1;
    const base = anchor ? anchor.getBoundingClientRect().top : 0;
    [...root.querySelectorAll('.' + figureCls)].forEach((f, i) => {
      const r = f.getBoundingClientRect();
      const s = w.figs[i] || (w.figs[i] = {minH: 1e9, maxH: 0, minTop: 1e9, maxTop: -1e9});
      s.minH = Math.min(s.minH, r.height); s.maxH = Math.max(s.maxH, r.height);
      s.minTop = Math.min(s.minTop, r.top - base); s.maxTop = Math.max(s.maxTop, r.top - base);
    });
    requestAnimationFrame(tick);
  };
  window.__lecture5_watch = w;
  requestAnimationFrame(tick);
}
"""


def watch_layout(page, scope: str) -> None:
    """Start sampling every figure output's height and position at each animation frame."""
    page.evaluate(_WATCH_START_JS, [scope, FIGURE])


def stop_watching(page) -> dict:
    """Stop :func:`watch_layout`; per figure index: min/max height and top seen meanwhile."""
    return page.evaluate("""() => {
        const w = window.__lecture5_watch; if (!w) return {};
        w.run = false; return {frames: w.frames, figs: w.figs};
    }""")
