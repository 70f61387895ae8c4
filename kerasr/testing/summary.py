"""The end-of-run summary of the labs: a table in the terminal and, optionally, JSON.

One row per lab: its result, its time, how many fits it ran, and the last fit's loss
(first -> final epoch) and final metrics, so a lab that got slow or stopped learning stands
out.

R: (no equivalent)
Python: ``pytest --kerasr-labs labs/ --kerasr-json labs.json``
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["format_table", "metric_text", "summary_json"]


def _number(value: Any) -> str:
    if isinstance(value, (int, float)):
        return f"{value:.4g}"
    return str(value)


def metric_text(fit: dict[str, Any], limit: int = 4) -> str:
    """``loss 2.31 -> 0.52, accuracy 0.81`` for one recorded fit.

    R: ``print(history)``
    Python: ``metric_text({"final": {"loss": 0.5}, "first_loss": 2.3})``
    """
    final = dict(fit.get("final", {}))
    parts = []
    if "loss" in final:
        loss = final.pop("loss")
        first = fit.get("first_loss")
        trend = f"{_number(first)} -> " if first is not None and fit.get("epochs", 0) > 1 else ""
        parts.append(f"loss {trend}{_number(loss)}")
    for name, value in list(final.items())[: max(limit - len(parts), 0)]:
        parts.append(f"{name} {_number(value)}")
    return ", ".join(parts)


def format_table(labs: list[dict[str, Any]]) -> list[str]:
    """The summary table's lines.

    R: (no equivalent)
    Python: ``print("\\n".join(format_table(labs)))``
    """
    rows = [("lab", "result", "time", "fits", "last fit")]
    for lab in labs:
        fits = lab.get("fits", [])
        last = metric_text(fits[-1]) if fits else (lab.get("message", "") if
                                                   lab["outcome"] == "skipped" else "")
        rows.append((lab["lab"], lab["outcome"], f"{lab['seconds']:.1f}s", str(len(fits)),
                     last[:90]))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                 row[3].rjust(widths[3]), row[4]]
        lines.append("  ".join(cells).rstrip())
    total = sum(lab["seconds"] for lab in labs)
    lines.append(f"{len(labs)} labs, {total:.1f}s in labs, "
                 f"{sum(len(lab.get('fits', [])) for lab in labs)} fits")
    return lines


def summary_json(labs: list[dict[str, Any]], settings: dict[str, Any]) -> str:
    """The summary as JSON text: the settings and every lab with all its fits.

    R: ``jsonlite::toJSON(summary)``
    Python: ``summary_json(labs, {"max_epochs": 3})``
    """
    return json.dumps({"settings": settings, "labs": labs}, indent=2, allow_nan=False)
