"""Where output goes: notebook detection and figures that show once, inline or in a window.

R's ``plot()`` draws on the current device: inline in a notebook, a window in an
interactive session, and ``Rplots.pdf`` under ``Rscript``. kerasr's plots do the same
(:func:`plot_device`, :func:`present_figure`): inline in a notebook, a window in an
interactive session with a screen, and in a plain script a PNG file in the working folder
(``Rplots.png``, then ``Rplots-2.png``, ...), named on stderr.

Imports neither IPython nor matplotlib.pyplot unless a notebook or GUI session is in use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure


__all__ = [
    "activate_inline_display", "in_notebook", "new_bare_figure", "new_figure", "plot_device",
    "present_figure",
]

#: The option (and environment variable) naming the file a script's plots go to.
PLOT_FILE_OPTION = "kerasr.plot_file"
PLOT_FILE_ENV = "KERASR_PLOT_FILE"
DEFAULT_PLOT_FILE = "Rplots.png"
_GUI_FREE = ("agg", "inline", "pdf", "svg", "ps", "cairo", "template")
_files_written: list[Path] = []


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
    if _gui_session():
        import matplotlib.pyplot as plt

        return plt.figure(figsize=figsize, layout="constrained")
    return new_bare_figure(figsize)


def _gui_backend() -> bool:
    import matplotlib

    backend = str(matplotlib.get_backend()).lower()
    return not any(b in backend for b in _GUI_FREE)


def _interactive_session() -> bool:
    """A person at a prompt: the Python or IPython REPL, or ``python -i``."""
    return hasattr(sys, "ps1") or bool(sys.flags.interactive)


def _gui_session() -> bool:
    """pyplot in interactive mode with a window backend, or a REPL with a screen."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        import matplotlib

        if matplotlib.is_interactive() and _gui_backend():
            return True
    if not _interactive_session() or "PYTEST_CURRENT_TEST" in os.environ:
        return False
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    try:
        import matplotlib.pyplot as plt
    except Exception:  # no usable backend
        return False
    if not _gui_backend():
        return False
    plt.ion()  # R's interactive device: the window opens and stays while the prompt runs
    return True


def plot_file() -> str | None:
    """The file a script's plots are written to, or None when turned off.

    Default ``Rplots.png`` in the working folder (R's ``Rscript`` writes ``Rplots.pdf``).
    ``set_option("kerasr.plot_file", "out/fig.png")`` or ``KERASR_PLOT_FILE=out/fig.png``
    changes it; ``False`` (or an empty variable) turns the file off.

    R: ``pdf("Rplots.pdf")``
    Python: ``set_option("kerasr.plot_file", "Rplots.png")``
    """
    from .options import get_option

    value = get_option(PLOT_FILE_OPTION)
    if value is None:
        value = os.environ.get(PLOT_FILE_ENV, DEFAULT_PLOT_FILE)
    if value is False or value == "" or str(value).lower() in ("false", "0", "none"):
        return None
    return os.fspath(value)


def plot_device() -> str:
    """Where a kerasr plot goes now: ``"notebook"``, ``"window"``, ``"file"`` or ``"none"``.

    ``"none"`` under pytest and when :func:`plot_file` is turned off: the Figure is
    only returned.

    R: ``names(dev.cur())``
    Python: ``plot_device()``
    """
    if in_notebook():
        return "notebook"
    if _gui_session():
        return "window"
    if "PYTEST_CURRENT_TEST" in os.environ or plot_file() is None:
        return "none"
    return "file"


def _numbered(path: Path, n: int) -> Path:
    return path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")


def present_figure(fig: Figure, function: str = "plot()") -> Path | None:
    """Show ``fig`` where R's ``plot()`` would; returns the file written, if any.

    In a notebook the Figure displays as the cell's value; in a window session it is
    drawn in its window. In a plain script it is saved to :func:`plot_file` (the second
    plot of a run to ``Rplots-2.png``, and so on), written atomically, and the path is
    printed on stderr, since a script has no screen.

    R: ``plot(history)``  # Rscript: written to Rplots.pdf
    Python: ``present_figure(history.plot())``
    """
    device = plot_device()
    if device == "window":
        import matplotlib.pyplot as plt

        if plt.fignum_exists(getattr(fig, "number", -1)):
            fig.canvas.draw_idle()
            plt.show(block=False)
        return None
    if device != "file":
        return None
    from .atomic import atomic_path

    base = Path(plot_file() or DEFAULT_PLOT_FILE)
    target = _numbered(base, len(_files_written) + 1)
    suffix = target.suffix or ".png"
    with atomic_path(target, function, suffix) as tmp:
        fig.savefig(tmp, dpi=100, format=suffix.lstrip("."))
    _files_written.append(target)
    print(f"{function}: figure written to {target.resolve()} (a script has no screen; "
          f"set_option({PLOT_FILE_OPTION!r}, False) turns this off)", file=sys.stderr)
    return target


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
