"""What every lab needs besides kerasr itself: its mode, its output folder, figures, results.

``kerasr lab run NAME --fast --out DIR`` sets ``KERASR_FAST=1`` and ``KERASR_LAB_OUT=DIR``;
run by hand (or as a notebook), a lab uses full mode and the current folder.

R: (the workshops' notebooks knit their figures and printed results)
Python: ``FAST, OUT = lab_fast(), lab_out()``; ``show(fig, "history.png")``;
``write_results(results)``
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

__all__ = ["lab_fast", "lab_out", "show", "write_results"]


def lab_fast() -> bool:
    """True in fast mode (few epochs, small subsets), set by ``kerasr lab run NAME --fast``.

    R: (no equivalent)
    Python: ``FAST = lab_fast()``
    """
    return os.environ.get("KERASR_FAST") == "1"


def lab_out() -> str:
    """The folder a lab writes its figures and ``results.json`` into (default: here).

    R: (no equivalent)
    Python: ``OUT = lab_out()``
    """
    return os.environ.get("KERASR_LAB_OUT", ".")


def show(fig: Any, name: str) -> None:
    """Save a figure into the output folder, and display it when running in a notebook.

    R: ``ggsave("history.png", plot(history))``
    Python: ``show(history.plot(), "history.png")``
    """
    import matplotlib.pyplot as plt

    fig.savefig(os.path.join(lab_out(), name), dpi=100)
    if "ipykernel" in sys.modules:
        from IPython.display import display

        display(fig)
    plt.close(fig)


def write_results(results: dict[str, Any]) -> None:
    """Write the lab's key numbers to ``results.json`` in the output folder and print them.

    R: ``jsonlite::write_json(results, "results.json")``
    Python: ``write_results(results)``
    """
    with open(os.path.join(lab_out(), "results.json"), "w") as handle:
        json.dump(results, handle, indent=2)
    print(json.dumps(results, indent=2))
