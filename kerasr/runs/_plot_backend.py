"""Plots made inside a run are saved as ``<run>/plots/Rplot001.png``, ``Rplot002.png``...
(tfruns opens a png device for the run the same way).

training_run() selects this module as the script's matplotlib backend
(``MPLBACKEND=module://kerasr.runs._plot_backend``), so ``plt.show()`` saves the open pyplot
figures; ``track_figures()`` also remembers every ``Figure`` the script creates (kerasr's
``plot(history)`` returns one without pyplot), and ``save_figures()`` at the end of the run
saves those not saved yet, in the order they were made.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__: list[str] = []

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase

_created: list[Any] = []
_saved: set[int] = set()


def track_figures() -> None:
    """Remember every matplotlib Figure created from now on (kept alive until the run ends)."""
    from matplotlib.figure import Figure

    original = Figure.__init__
    if getattr(original, "_kerasr_tracked", False):
        return

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        _created.append(self)

    __init__._kerasr_tracked = True  # type: ignore[attr-defined]
    Figure.__init__ = __init__  # type: ignore[method-assign]


def _save(figure: Any) -> str | None:
    from . import records
    from .run_dir import active_run_dir

    run = active_run_dir()
    if run is None or id(figure) in _saved or not figure.get_axes():
        return None
    _saved.add(id(figure))
    folder = run / "plots"
    folder.mkdir(parents=True, exist_ok=True)
    index = len(list(folder.glob("Rplot*.png"))) + 1
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=192)
    return str(records.write_bytes(folder / f"Rplot{index:03d}.png", buffer.getvalue()))


def save_figures() -> list[str]:
    """Save the open pyplot figures, then every other figure the script made, not yet saved."""
    import sys

    saved: list[str] = []
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        for number in plt.get_fignums():
            figure = plt.figure(number)
            path = _save(figure)
            if path:
                saved.append(path)
            plt.close(figure)
    for figure in list(_created):
        path = _save(figure)
        if path:
            saved.append(path)
    return saved


def show(*args: Any, **kwargs: Any) -> None:
    """``plt.show()`` inside a run: save the open figures into the run."""
    save_figures()
