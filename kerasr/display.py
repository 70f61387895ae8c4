"""Where output goes: notebook detection and figures that show once, inline or in a window.

Imports neither IPython nor matplotlib.pyplot unless a notebook or GUI session is in use.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure


__all__ = ["activate_inline_display", "in_notebook", "new_bare_figure", "new_figure"]


def in_notebook() -> bool:
    """True only inside a Jupyter/IPython *kernel* (a ``ZMQInteractiveShell``).

    False in scripts, tests, the plain Python REPL and the IPython terminal. IPython is
    not imported: a kernel always has it imported already.

    R: ``nzchar(Sys.getenv("RSTUDIO")) && !is.null(getOption("viewer"))``
    Python: ``in_notebook()``
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    get_ipython = getattr(ipython, "get_ipython", None)
    if get_ipython is None:
        return False
    try:
        shell = get_ipython()
    except Exception:
        return False
    if shell is None:
        return False
    return any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A Figure for the plot: pyplot's only in an interactive GUI session, else a bare one.

    A bare Figure (with an Agg canvas) is never shown twice in notebooks (it displays once
    as the cell's value) and never needs a display in scripts and tests.
    """
    if _in_notebook():
        return new_bare_figure(figsize)
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        import matplotlib

        backend = str(matplotlib.get_backend()).lower()
        interactive_gui = matplotlib.is_interactive() and not any(
            b in backend for b in ("agg", "inline", "pdf", "svg", "ps", "cairo", "template")
        )
        if interactive_gui:
            return plt.figure(figsize=figsize, layout="constrained")
    return new_bare_figure(figsize)


def new_bare_figure(
    figsize: tuple[float, float], dpi: float | None = None, layout: str | None = "constrained"
) -> Figure:

    """A Figure outside pyplot, with an Agg canvas (constrained layout unless ``None``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _in_notebook() -> bool:
    if in_notebook():
        activate_inline_display()
        return True
    return False


def activate_inline_display() -> None:
    """Make sure a notebook kernel can show a bare Figure returned as a cell's value.

    IPython renders Figures through the formatter that matplotlib's inline backend
    registers when pyplot is first imported in the kernel; kerasr itself never needs
    pyplot, so it imports it here (notebooks only). Figures kerasr makes are not managed
    by pyplot, so the inline backend does not show them a second time at the cell's end.

    R: ``print(plot(history))``  # in a notebook
    Python: ``activate_inline_display(); history.plot()``
    """
    try:
        import matplotlib.pyplot  # noqa: F401  (registers the inline Figure formatter)
    except Exception:  # no usable backend: the Figure still has an Agg canvas
        pass
