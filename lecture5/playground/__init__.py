"""The live playground: a network that keeps training while eta and lambda move (notebook 10).

Three layers, each readable alone:

* :mod:`.session`: the controls' values -> data, network and trainer; presets; which changes
  reset the network and which reach the running trainer at the next mini-batch (no widgets);
* :mod:`.runner`: the training loop on the event loop (slices of mini-batches, throttled
  redraws, an optional pace); no thread;
* :mod:`.app`: :class:`Playground`, the widgets and their layout.

``from lecture5.playground import Playground`` is all a notebook needs.  The session and the
runner import no ipywidgets; :class:`Playground` (and ipywidgets) is imported on first use.
"""

from .session import (
    ARCHITECTURE,
    DATA,
    DEFAULTS,
    LIVE,
    PRESETS,
    Session,
    load_data,
    thin_history,
)

__all__ = ["Playground", "Session", "PRESETS", "DEFAULTS", "LIVE", "DATA", "ARCHITECTURE",
           "load_data", "thin_history"]


def __getattr__(name):
    if name == "Playground":
        from .app import Playground

        return Playground
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
