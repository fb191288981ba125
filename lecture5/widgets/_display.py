"""How an app looks: where its figure is shown (an :class:`ipywidgets.Image` fed PNGs), its
caption and title, and the stylesheet of projection mode (large text, the figure fitted under the
controls on a 1280x720 projector).  The apps themselves are in :mod:`lecture5.widgets._core`."""

from __future__ import annotations

import base64
import html

import ipywidgets as w

from .. import plots
from ..plots._style import projection_on

#: the width a slider asks for in a row of controls (two a row in a notebook of 760 px or more)
_SLIDER_BASIS = 380
#: the notebook's width for outputs on a 1280x720 projector at 125 % (JupyterLab, side bars
#: collapsed), measured by tests/browser/test_projector.py
_NOTEBOOK_WIDTH = 840
#: average width of a character of control text at 18 px, and what a button adds to its text
_CHAR_PX, _BUTTON_PX = 10, 36
#: CSS class of every app in projection mode
PROJECTION_CLASS = "lecture5-projection"
#: how much of the page's height an app's figure may not use in projection mode, by the app's
#: rows of controls: JupyterLab's bars (about 125 px at 1280x720 and 125 %), the title and the
#: controls, so that the controls and the whole figure are on screen together
_FIGURE_BUDGET = {1: 215, 2: 260, 3: 305, 4: 350}
#: one stylesheet for every app (an HTML widget holding <style>, shipped inside each app, so it
#: reaches JupyterLab, Voila and a static page alike); its rules apply only inside an app
STYLESHEET = (
    "<style>"
    # every control's text 18 px, rows tall enough for it, readouts as wide as their text
    f".{PROJECTION_CLASS}{{--jp-widgets-font-size:18px;--jp-widgets-inline-height:36px;"
    "--jp-widgets-inline-width-tiny:5.5em;--jp-widgets-slider-handle-size:22px;"
    "--jp-ui-font-size1:18px;font-size:18px}"
    f".{PROJECTION_CLASS} .widget-label,.{PROJECTION_CLASS} .widget-readout,"
    f".{PROJECTION_CLASS} .widget-toggle-button,.{PROJECTION_CLASS} .jupyter-button,"
    f".{PROJECTION_CLASS} .widget-dropdown select,.{PROJECTION_CLASS} .widget-html-content,"
    f".{PROJECTION_CLASS} .widget-text input,.{PROJECTION_CLASS} .widget-label-basic"
    "{font-size:18px !important;line-height:1.3}"
    f".{PROJECTION_CLASS} .widget-readout{{min-width:5.5em;width:auto;overflow:visible}}"
    f".{PROJECTION_CLASS} .widget-dropdown select{{min-width:0;height:auto}}"
    f".{PROJECTION_CLASS} .widget-button{{width:auto !important;min-width:6em;padding:0 12px}}"
    f".{PROJECTION_CLASS} .lecture5-caption{{font-size:18px}}"
    # a toggle's label beside its buttons, not above them (one row, as _control_rows counts)
    f".{PROJECTION_CLASS} .widget-toggle-buttons{{display:flex;flex-flow:row nowrap;"
    "align-items:center}"
    # never wider than the notebook: pictures shrink to the width they have
    ".lecture5-app .lecture5-figure img{max-width:100%;height:auto}"
    ".lecture5-app .widget-inline-hbox{min-width:0}"
    + "".join(f".{PROJECTION_CLASS}.lecture5-rows-{n} .lecture5-figure img"
              f"{{max-height:calc(100vh - {b}px);width:auto;object-fit:contain}}"
              for n, b in _FIGURE_BUDGET.items())
    + "</style>")


def _projected_width(control) -> int:
    """About how wide ``control`` is in projection mode (px): a slider its flex basis, a toggle
    or a button its 18 px text."""
    if isinstance(control, w.ToggleButtons):
        labels = [str(o[0] if isinstance(o, tuple) else o) for o in control.options]
        return (12 + _CHAR_PX * len(control.description)
                + sum(_CHAR_PX * len(t) + _BUTTON_PX for t in labels))
    if isinstance(control, w.Button):
        return _CHAR_PX * len(control.description) + _BUTTON_PX + 12
    return _SLIDER_BASIS


def stylesheet_widget() -> w.HTML:
    """The app stylesheet as an invisible widget (a <style> applies wherever it sits)."""
    sheet = w.HTML(STYLESHEET, layout=w.Layout(display="none"))
    sheet.add_class("lecture5-stylesheet")
    return sheet


def dress(app, rows=1):
    """Give ``app`` the classes the stylesheet knows: ``lecture5-app``, and in projection mode
    ``lecture5-projection`` and ``lecture5-rows-<rows>`` (rows of controls above the figure; the
    figure's height is then capped to fit; ``rows=None``: no cap)."""
    app.add_class("lecture5-app")
    if projection_on():
        app.add_class(PROJECTION_CLASS)
        if rows is not None:
            app.add_class(f"lecture5-rows-{min(max(int(rows), 1), max(_FIGURE_BUDGET))}")
    return app


def placeholder(names, what="slider") -> str:
    """The text/plain of an app before its cell runs: "Run this cell to get the η slider"."""
    names = [n for n in names if n]
    if not names:
        return "Run this cell to get the app."
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    text = f"Run this cell to get the {listed} {what}{'s' if len(names) > 1 else ''}."
    return text if len(text) <= 110 else f"Run this cell to get the app's {len(names)} {what}s."


def figure_place(**layout) -> tuple[w.Box, w.Image]:
    """Where an app shows its figure: a box with the CSS class ``lecture5-figure`` holding one
    :class:`ipywidgets.Image` (hidden until it has a picture).

    A new picture is one state update of the Image, sent as a binary message, and the browser
    swaps it inside the same ``<img>``: no output area is rebuilt, so nothing stacks, and
    nothing is printed (a printed figure can land in JupyterLab's Log Console when callbacks run
    on a kernel subshell).  The picture goes as a ``data:`` URL, which Chromium decodes as it
    is set; the Image's usual ``blob:`` URL loads asynchronously and can leave a frame blank.
    """
    image = w.Image(format="url", layout=w.Layout(display="none"))
    box = w.Box([image], layout=w.Layout(**layout))
    box.add_class("lecture5-figure")
    return box, image


_DATA_URL = b"data:image/png;base64,"


def show_figure(image: w.Image, fig, frames: plots.Frames | None = None) -> None:
    """Show ``fig`` in ``image`` (from :func:`figure_place`), replacing what it showed.

    The picture is rendered here: by ``frames``, an app's :class:`lecture5.plots.Frames` (one
    draw, the app's remembered layout, fast compression), else once with the figure's own
    layout.  It is one state update of the Image, never a blank frame in between.
    """
    show_png(image, frames.png(fig) if frames is not None else plots.render_once(fig))


def show_png(image: w.Image, png: bytes) -> None:
    """Show the picture ``png`` in ``image`` (from :func:`figure_place`)."""
    image.value = _DATA_URL + base64.b64encode(png)
    image.layout.display = None


def shown_png(image: w.Image) -> bytes:
    """The PNG that ``image`` (from :func:`figure_place`) shows; b"" when it shows none."""
    value = bytes(image.value)
    return base64.b64decode(value[len(_DATA_URL):]) if value.startswith(_DATA_URL) else b""


def clear_figure(image: w.Image) -> None:
    """Show no picture (a notebook saved afterwards keeps no stale one)."""
    image.layout.display = "none"
    image.value = b""


def title_html(title: str) -> str:
    """An app's title in bold; ``title`` is HTML (so <sup>/<sub> work), written by the package."""
    size = "20px" if plots.style()["font.size"] > 14 else "15px"
    return f"<b style='font-size:{size}'>{title}</b>"


def set_caption(caption: w.HTML, text: str, error: bool = False) -> None:
    """Show ``text`` (plain text, escaped here) as the line of numbers under a figure: red for an
    error, and as large as the figures' text in projection mode."""
    caption.style.font_size = "18px" if plots.style()["font.size"] > 14 else "14px"
    caption.value = (f"<span style='color:#b00'>{html.escape(text)}</span>" if error
                     else html.escape(text))
