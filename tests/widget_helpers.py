"""Helpers shared by the widget tests (tests/test_widgets*.py): drive an app like a student."""

from lecture5 import plots


def png(app):
    """The app's current figure as PNG bytes."""
    return plots.to_png(app.figure)


def extremes(app, name):
    """Move the slider ``name`` to its minimum and maximum; return the captions."""
    s = app.controls[name]
    out = []
    for v in ((10 ** s.min, 10 ** s.max) if hasattr(s, "base") else (s.min, s.max)):
        s.value = v
        assert app.error is None, app.error
        out.append(app.caption.value)
    return out
