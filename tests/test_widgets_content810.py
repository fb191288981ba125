"""widgets.filter_app (notebook 08): early stopping and L2 as two filters over the Hessian's
spectrum; the figure follows tau and lambda, and a button sets lambda = 1/(eta tau)."""

import pytest
from widget_helpers import extremes, png

from lecture5 import experiments, widgets


def test_filter_app_follows_tau_and_lambda_and_the_match_button():
    app = widgets.filter_app()
    first, cap0 = png(app), app.caption.value
    app.controls["tau"].value = 100
    assert png(app) != first and app.caption.value != cap0 and "τ = 100" in app.caption.value
    app.controls["lmbda"].value = 2.0
    assert "λ = 2" in app.caption.value
    app.match()
    assert app.controls["lmbda"].value == pytest.approx(0.1)  # 1 / (0.1 * 100)
    gap, _, _ = experiments.filter_gap(0.1, 100)
    assert app.caption.value.count(f"{gap:+.3f}") == 2
    for name in ("tau", "lmbda"):
        extremes(app, name)
