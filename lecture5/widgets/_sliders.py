"""The package's sliders: every slider of an app is made here, with one layout, and the log
sliders (eta, lambda) stop only on the 1-2-5 values the text can name (:class:`StepSlider`)."""

from __future__ import annotations

import math

import ipywidgets as w
import traitlets

from ..plots._style import projection_on

__all__ = ["one_two_five", "StepSlider", "log_slider", "float_slider", "int_slider",
           "eta_slider", "lmbda_slider", "displayed_value", "likely_first"]

#: a slider fills the width it is given, up to 560 px, and shrinks with a narrow notebook
_SLIDER_LAYOUT = {"width": "100%", "max_width": "560px", "min_width": "0"}
_SLIDER_STYLE = {"description_width": "140px"}
_PROJECTION_DESCRIPTION_WIDTH = "190px"  # "regularization λ" at 18 px


def _trimmed_readout():
    """A readout format that may use d3-format's "~" (trim trailing zeros: "0.5", not "0.500"),
    which the browser understands and ipywidgets' Python-side check does not allow."""
    return traitlets.Unicode(".3~g", help="d3-format of the readout").tag(sync=True)


class FloatSlider(w.FloatSlider):
    """:class:`ipywidgets.FloatSlider` whose readout drops trailing zeros."""

    readout_format = _trimmed_readout()


def one_two_five(low, high, named=()) -> list[float]:
    """The values 1, 2, 5 times a power of ten from ``low`` to ``high`` (both included when they
    are such values, to 2 %: 10**-1.3 = 0.0501 ends at 0.05), with the ``named`` values (those
    the text uses, like eta = 0.15) added.

    ``one_two_five(0.001, 1, named=[0.15])`` is [0.001, 0.002, 0.005, 0.01, ..., 0.1, 0.15, 0.2,
    0.5, 1].  Values are the shortest floats that print as they read (0.2, not 0.2000000001).
    """
    if not (0 < low < high and math.isfinite(high)):
        raise ValueError(f"one_two_five needs 0 < low < high, got low={low!r}, high={high!r}")
    lo, hi = low * 0.98, high * 1.02
    values = {float(v) for v in named if lo <= v <= hi}
    for e in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
        for m in (1, 2, 5):
            v = float(f"{m}e{e}")
            if lo <= v <= hi:
                values.add(v)
    return sorted(values)


def _label(value) -> str:
    """A slider's readout for ``value``: three significant digits at most, without trailing
    zeros or an exponent ("0.15", "0.501", "1000")."""
    return format(float(f"{value:.3g}"), "g") if 1e-4 <= abs(value) < 1e6 else f"{value:.3g}"


class StepSlider(w.SelectionSlider):
    """A slider over a list of numbers (:func:`one_two_five`), read out as the text writes them.

    Every stop is a value the notebook uses, so no position shows 0.158 or 0.501.  The browser
    moves the handle from stop to stop (arrow keys: one stop; dragging snaps); a number set from
    Python (a preset, a button, a test) that is no stop becomes one, so the slider shows exactly
    what the code chose, and a number beyond the ends is moved to the nearer end.  ``values``
    lists the stops, ``min`` and ``max`` are the first and the last.
    """

    @property
    def values(self) -> tuple:
        return tuple(v for _, v in self._options_full)

    @property
    def min(self) -> float:
        """The lowest stop (a value, not an exponent as with a FloatLogSlider)."""
        return self.values[0]

    @property
    def max(self) -> float:
        """The highest stop."""
        return self.values[-1]

    def _as_stop(self, value):
        """``value`` as one of the stops: the stop it equals (to 1e-9), the nearer end when it
        lies beyond the ends, or a new stop inserted in order."""
        stops = self.values
        if not stops or isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        for v in stops:
            if math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-15):
                return v
        if value <= stops[0] or value >= stops[-1]:
            return stops[0] if value <= stops[0] else stops[-1]
        value = float(value)
        options = sorted([*self._options_full, (_label(value), value)], key=lambda o: o[1])
        self._initializing_traits_ = True  # keep the handle where it is until value is set
        try:
            self.options = options
        finally:
            self._initializing_traits_ = False
        return value

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        proposal.value = self._as_stop(proposal.value)
        return super()._validate_value(proposal)


def _slider(cls, description, value, continuous_update, **range_):
    style = dict(_SLIDER_STYLE)
    if projection_on():
        style["description_width"] = _PROJECTION_DESCRIPTION_WIDTH
    return cls(value=value, description=description, continuous_update=continuous_update,
               layout=w.Layout(**_SLIDER_LAYOUT), style=style, **range_)


def log_slider(description, value, min_exp, max_exp, continuous_update=True, named=()):
    """A slider over 10**min_exp .. 10**max_exp (eta and lambda span several decades) whose
    stops are the 1-2-5 values (0.001, 0.002, 0.005, 0.01, ...) plus ``value`` and the
    ``named`` values: every position is a number the text can name, the readout shows it as
    written ("0.15", "0.5"), and a caption computed from it agrees (:class:`StepSlider`).
    """
    if not (isinstance(value, (int, float)) and value > 0):
        raise ValueError(f"log_slider {description!r}: value must be a positive number, "
                         f"got {value!r}")
    stops = one_two_five(10.0 ** min_exp, 10.0 ** max_exp, named=(value, *named))
    return _slider(StepSlider, description, float(value), continuous_update,
                   options=[(_label(v), v) for v in stops])


def float_slider(description, value, lo, hi, step, continuous_update=True, readout_format=".3~g"):
    """A linear slider with the package's layout."""
    return _slider(FloatSlider, description, value, continuous_update, min=lo, max=hi,
                   step=step, readout_format=readout_format)


def int_slider(description, value, lo, hi, continuous_update=True):
    """An integer slider with the package's layout."""
    return _slider(w.IntSlider, description, value, continuous_update, min=lo, max=hi, step=1)


def _toggle(description, options, value, button_width=None):
    # in projection mode the label and each button are as wide as their 18 px text, so a
    # toggle shares its row with a slider when both fit (see FigureApp._control_rows)
    style = {"description_width": "auto" if projection_on() else "140px"}
    if button_width:
        style["button_width"] = "auto" if projection_on() else button_width
    return w.ToggleButtons(options=options, value=value, description=description, style=style)


def eta_slider(value=0.5, min_exp=-3, max_exp=1, continuous_update=True, named=()):
    """The learning rate eta, on a log scale of 1-2-5 stops (:func:`log_slider`)."""
    s = log_slider("learning rate η", value, min_exp, max_exp,
                   continuous_update=continuous_update, named=named)
    s.add_class("lecture5-eta")
    return s


def lmbda_slider(value=1.0, min_exp=-3, max_exp=2, continuous_update=True, named=()):
    """The regularization parameter lambda, on a log scale of 1-2-5 stops (:func:`log_slider`)."""
    s = log_slider("regularization λ", value, min_exp, max_exp,
                   continuous_update=continuous_update, named=named)
    s.add_class("lecture5-lmbda")
    return s


def displayed_value(control):
    """The value a control shows: a float slider's value rounded as its readout prints it (a
    caption computed from it then agrees with the readout: 0.5 x 2 / 10 = 0.1, not 0.09976)."""
    value = control.value
    if isinstance(control, StepSlider) and isinstance(value, float):
        try:
            return float(control.label)  # a stop set from Python shows 3 significant digits
        except (TypeError, ValueError):
            return value
    return _as_read_out(control, value)


def likely_first(control) -> list:
    """Every value the slider ``control`` can show, as :func:`displayed_value` gives it, in the
    order a retraining app trains them ahead (:class:`RetrainApp`): the current one, the two one
    step away (an arrow key), the two ends (End and Home, a drag to the end), then the others
    nearest first (at equal distance the higher first)."""
    if isinstance(control, StepSlider):
        stops = [float(label) for label, _ in control._options_full]
        here = control.index
    else:
        count = round((control.max - control.min) / control.step)
        stops = [_as_read_out(control, control.min + i * control.step) for i in range(count + 1)]
        here = round((control.value - control.min) / control.step)
    ends = (0, len(stops) - 1)
    order = sorted(range(len(stops)), key=lambda i: (abs(i - here) > 1 and i not in ends,
                                                    abs(i - here), -i))
    return [stops[i] for i in order]


def _choices(control) -> list:
    """The values a selection control (a toggle, a dropdown) can take."""
    return [o[1] if isinstance(o, tuple) else o for o in getattr(control, "options", ()) or ()]


def _as_read_out(control, value):
    fmt = (getattr(control, "readout_format", None) or "").replace("~", "")  # d3's "trim zeros"
    if isinstance(value, float) and fmt and fmt[-1] in "gfe" and "%" not in fmt:
        try:
            return float(format(value, fmt))
        except ValueError:
            return value
    return value
