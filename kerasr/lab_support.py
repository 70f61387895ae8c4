"""What every lab needs besides kerasr itself: its mode, its output folder, figures, results.

``kerasr lab run NAME --fast --out DIR`` sets ``KERASR_FAST=1`` and ``KERASR_LAB_OUT=DIR``;
run by hand (or as a notebook), a lab uses full mode and writes into a folder named after
it (``boston-output/`` for the Boston lab), never loose files beside the notebook.

R: (the workshops' notebooks knit their figures and printed results)
Python: ``FAST, OUT = lab_fast(), lab_out("boston")``; ``show(fig, "history.png")``;
``write_results(results)``
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

__all__ = ["lab_fast", "lab_out", "show", "write_results"]

#: The folder the lab's last :func:`lab_out` call chose (when ``KERASR_LAB_OUT`` is unset).
_chosen = ["."]


def lab_fast() -> bool:
    """True in fast mode (few epochs, small subsets), set by ``kerasr lab run NAME --fast``.

    R: (no equivalent)
    Python: ``FAST = lab_fast()``
    """
    return os.environ.get("KERASR_FAST") == "1"


def lab_out(name: str | None = None) -> str:
    """The folder a lab writes its figures and ``results.json`` into.

    ``KERASR_LAB_OUT`` (set by ``kerasr lab run --out DIR``) wins; otherwise the folder
    ``NAME-output`` in the working folder, created and announced (the working folder
    itself when no ``name`` is given). A lab saves every figure by name with :func:`show`,
    so plot()'s ``Rplots.png`` for scripts is turned off unless the user set it.

    R: (no equivalent)
    Python: ``OUT = lab_out("boston")``
    """
    from .display import PLOT_FILE_ENV, PLOT_FILE_OPTION
    from .options import get_option, set_option

    if get_option(PLOT_FILE_OPTION) is None and PLOT_FILE_ENV not in os.environ:
        set_option(PLOT_FILE_OPTION, False)
    out = os.environ.get("KERASR_LAB_OUT")
    if out:
        return out
    if not name:
        _chosen[0] = "."
        return "."
    out = f"{name}-output"
    os.makedirs(out, exist_ok=True)
    _chosen[0] = out
    print(f"figures and results.json go to {os.path.abspath(out)}")
    return out


def show(fig: Any, name: str) -> None:
    """Save a figure into the output folder, and display it when running in a notebook.

    R: ``ggsave("history.png", plot(history))``
    Python: ``show(history.plot(), "history.png")``
    """
    import matplotlib.pyplot as plt

    from .atomic import atomic_path
    from .display import in_notebook

    path = os.path.join(_out(), name)
    suffix = os.path.splitext(name)[1] or ".png"
    with atomic_path(path, "show", suffix) as tmp:
        fig.savefig(tmp, dpi=100, format=suffix.lstrip("."))
    if in_notebook():
        from IPython.display import Image, display

        # the PNG as saved, whatever matplotlib backend the kernel has; the file name
        # travels with the output, so the docs can caption the figure
        buf = io.BytesIO()
        fig.savefig(buf, dpi=100, format="png")
        display(Image(data=buf.getvalue(), format="png"), metadata={"kerasr_figure": name})
    plt.close(fig)


def _out() -> str:
    """The output folder chosen by the lab's :func:`lab_out` call (or the environment)."""
    return os.environ.get("KERASR_LAB_OUT") or _chosen[0]



def write_results(results: dict[str, Any]) -> None:
    """Write the lab's key numbers to ``results.json`` in the output folder and print them.

    R: ``jsonlite::write_json(results, "results.json")``
    Python: ``write_results(results)``
    """
    from .atomic import write_text

    text = json.dumps(results, indent=2)
    write_text(os.path.join(_out(), "results.json"), text + "\n", "write_results")
    print(text)
