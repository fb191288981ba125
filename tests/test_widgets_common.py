"""The shared widget helpers: one figure per Output, captions, titles."""

import ipywidgets as w
from IPython.core.formatters import DisplayFormatter

from lecture5 import plots, widgets


class _Formatter(DisplayFormatter):
    """IPython's formatter plus the PNG that the inline backend adds in a notebook."""

    def format(self, obj, include=None, exclude=None):
        data, metadata = super().format(obj, include, exclude)
        return {**data, "image/png": plots.to_png(obj)}, metadata


class _Shell:
    display_formatter = _Formatter()


@plots.styled
def _figure(slope):
    fig, ax = plots.new_figure()
    ax.plot([0, 1], [0, slope])
    return fig


def test_show_figure_replaces_the_output_in_one_state_update(monkeypatch):
    monkeypatch.setattr(widgets, "get_ipython", lambda: _Shell())
    out = w.Output()
    seen = []
    out.observe(lambda change: seen.append(change["new"]), names="outputs")
    widgets.show_figure(out, _figure(1.0))
    widgets.show_figure(out, _figure(2.0))
    assert len(out.outputs) == 1  # never two pictures stacked
    assert out.outputs[0]["output_type"] == "display_data"
    assert out.outputs[0]["data"]["text/plain"] == "<Figure size 900x400 with 1 Axes>"
    assert out.outputs[0]["data"]["image/png"] == plots.to_png(_figure(2.0))
    assert len(seen) == 2 and all(len(v) == 1 for v in seen)  # no empty frame in between


def test_captions_grow_in_projection_mode_and_errors_are_red():
    caption = w.HTML()
    widgets.set_caption(caption, "η = 0.5 < 2/D_max")
    assert caption.value == "η = 0.5 &lt; 2/D_max" and caption.style.font_size == "14px"
    try:
        plots.projection_mode(True)
        widgets.set_caption(caption, "diverged", error=True)
        assert caption.style.font_size == "18px"
        assert "color:#b00" in caption.value and "diverged" in caption.value
        assert "20px" in widgets.title_html("w<sup>l</sup>")
    finally:
        plots.projection_mode(False)
    assert "15px" in widgets.title_html("t")


def test_a_figure_app_reports_a_bad_setting_instead_of_raising():
    def builder(x):
        if x > 1:
            raise ValueError("x must be <= 1")
        return _figure(x), f"x = {x}"

    app = widgets.figure_app(builder, x=widgets.float_slider("x", 0.5, 0.0, 2.0, 0.1))
    assert app.error is None and app.caption.value == "x = 0.5"
    app.controls["x"].value = 2.0
    assert app.error == "x must be <= 1" and "x must be &lt;= 1" in app.caption.value
    app.controls["x"].value = 1.0
    assert app.error is None and app.caption.value == "x = 1.0"
