"""JupyterLab in headless Chromium: every notebook with widgets runs, renders and reacts.

nbval runs the notebooks in a kernel but never renders a widget; these tests look at the page a
student sees: no cell shows an error, no widget shows "Error displaying widget", moving an eta or
lambda slider with the keyboard changes the figure behind it (a different image) and leaves exactly
one figure in that output, and no output is lost to the Log Console.
"""

from __future__ import annotations

import labkit
import nbformat
import notebook_checks as nc
import pytest

pytestmark = pytest.mark.browser

RUN_ALL_TIMEOUT = nc.RUN_ALL_TIMEOUT
REDRAW_TIMEOUT = nc.REDRAW_TIMEOUT


# ----------------------------------------------------------------------------- discovery


def test_widget_notebooks_are_found():
    """The parametrization below is not empty (an empty one would silently skip)."""
    assert nc.widget_notebooks(), f"no notebook in {nc.NOTEBOOKS} uses widgets"


def test_expected_notebooks_have_sliders():
    """Notebooks that must have eta/lambda sliders have them in their saved widget state."""
    missing = []
    for name in nc.MUST_HAVE_SLIDERS:
        path = nc.NOTEBOOKS / name
        if not path.exists():
            missing.append(f"{name}: no such notebook")
        elif nc.slider_count(nc.expected_counts(name)) == 0:
            missing.append(f"{name}: no eta/lambda slider in its saved widget state "
                           "(saved without running it, or the slider is gone)")
    assert not missing, "\n".join(missing)


# ----------------------------------------------------------------------------- the harness


SELFTEST = "_browser_selftest.ipynb"


def _selftest_notebook():
    """A notebook with one good app, one that stacks figures instead of replacing them, and a
    slider whose callback prints outside any Output (JupyterLab sends that to the Log Console)."""
    cells = [
        "%matplotlib inline\nimport numpy as np\nimport ipywidgets as w\n"
        "from IPython.display import display\nfrom lecture5 import widgets\n"
        "from lecture5.plots import new_figure, styled",
        "@styled\ndef curve(eta, lmbda):\n    fig, ax = new_figure()\n"
        "    x = np.linspace(0, 5, 100)\n    ax.plot(x, np.exp(-lmbda * x) * np.cos(3 * eta * x))\n"
        "    return fig, f'eta = {eta:.3g}, lambda = {lmbda:.3g}'\n"
        "good = widgets.figure_app(curve, lmbda=widgets.lmbda_slider(), eta=widgets.eta_slider())\n"
        "good",
        "out = w.Output()\nout.add_class('lecture5-figure')\nbad_slider = widgets.lmbda_slider()\n"
        "def stack(_change=None):\n    with out:\n"
        "        display(curve(1.0, bad_slider.value)[0])\n"
        "bad_slider.observe(stack, names='value')\nstack()\nw.VBox([bad_slider, out])",
        "lost = widgets.float_slider('lost', 0.5, 0.0, 1.0, 0.1)\n"
        "lost.observe(lambda _change: print('an output that belongs to no cell'), names='value')\n"
        "lost",
    ]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


@pytest.mark.timeout(180)
def test_harness_sees_a_change_and_a_stacked_figure(lab_page, lab_server, served_root):
    """The checks can fail: a stacked figure and an output lost to the Log Console are caught."""
    nbformat.write(_selftest_notebook(), served_root / SELFTEST)
    page = lab_page
    labkit.open_notebook(page, lab_server, SELFTEST)
    labkit.run_all(page, RUN_ALL_TIMEOUT)
    labkit.assert_no_problems(page, "after Run All")
    ss = labkit.sliders(page)
    assert [s["cls"] for s in ss] == [labkit.LMBDA, labkit.ETA, labkit.LMBDA, ""]
    assert [s["figures"] for s in ss] == [[0], [0], [1], []]
    assert all(s["label"] and not s["labelClipped"] for s in ss)
    nc.rapid_two_slider_move(page, labkit.PANEL, True, REDRAW_TIMEOUT)  # moves the good app
    labkit.assert_no_problems(page, "after the rapid move")
    before = labkit.figures(page)
    labkit.press(page, labkit.slider_locator(page, 2), "PageUp")
    after = labkit.wait_settled(page, labkit.PANEL, [1], before, REDRAW_TIMEOUT)
    assert after[1]["src"] != before[1]["src"]
    with pytest.raises(AssertionError, match="shows 2 figures"):
        nc.assert_one_figure_each(after, [1], "the stacking app")
    assert labkit.log_console_messages(page) is None
    labkit.press(page, labkit.slider_locator(page, 3), "ArrowRight")
    labkit.wait_for(lambda: labkit.log_console_messages(page), 20,
                    "the Log Console status item to report the lost output")
    with pytest.raises(AssertionError, match="Log Console"):
        labkit.assert_no_problems(page, "after the lost output")


# ----------------------------------------------------------------------------- the notebooks


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", [n for n in nc.widget_notebooks()
                                  if n != nc.PLAYGROUND_NOTEBOOK])  # test_browser_playground.py
def test_notebook_runs_renders_and_reacts(name, lab_page, lab_server, artifacts_dir):
    nc.check_lab_notebook(lab_page, lab_server, name, artifacts_dir)
