"""A griffe extension for the API reference: show a docstring's ``R:`` and ``Python:`` lines
as two labelled lines (markdown would otherwise join them into one paragraph), and render
Sphinx roles (``:class:`TrainingHistory` ``) as code."""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension

_R_LINE = re.compile(r"^(\s*)R:\s+(.*\S)\s*$")
_PY_LINE = re.compile(r"^(\s*)Python:\s+(.*\S)\s*$")
_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|exc|obj):`~?([^`]+)`")


def label_r_python_lines(text: str) -> str:
    """``R: x`` / ``Python: y`` lines -> ``**R:** x`` (hard line break) / ``**Python:** y``."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        m = _R_LINE.match(line)
        if m:
            follows = i + 1 < len(lines) and _PY_LINE.match(lines[i + 1])
            out.append(f"{m.group(1)}**R:** {m.group(2)}" + ("  " if follows else ""))
            continue
        m = _PY_LINE.match(line)
        if m:
            out.append(f"{m.group(1)}**Python:** {m.group(2)}")
            continue
        out.append(line)
    return "\n".join(out)


class RPythonLines(Extension):
    """Label the R and Python lines of every docstring kerasr's reference renders."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        docstring = getattr(obj, "docstring", None)
        if docstring is not None and docstring.value:
            docstring.value = label_r_python_lines(_ROLE.sub(r"``\1``", docstring.value))
