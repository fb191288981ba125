"""Helpers shared by the widget tests (tests/test_widgets*.py): drive an app like a student."""

from lecture5 import plots


def png(app):
    """The app's current figure as PNG bytes."""
    return plots.to_png(app.figure)


def ends(slider):
    """The lowest and the highest value ``slider`` can show (a :class:`StepSlider`'s first and
    last stop, a numeric slider's min and max)."""
    if hasattr(slider, "values"):
        return slider.values[0], slider.values[-1]
    return slider.min, slider.max


def extremes(app, name):
    """Move the slider ``name`` to its minimum and maximum; return the captions."""
    s = app.controls[name]
    out = []
    for v in ends(s):
        s.value = v
        assert app.error is None, app.error
        out.append(app.caption.value)
    return out
