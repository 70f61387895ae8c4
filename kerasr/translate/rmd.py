"""R Markdown and R scripts as notebooks: chunks become jupytext percent cells.

``jupytext`` reads the ``.Rmd`` (YAML header -> raw cell, prose -> markdown cells, R chunks
-> code cells with their options as metadata); R cells are translated, prose is kept, and
``jupytext`` writes the percent script or, with ``--notebook``, an ``.ipynb``.
"""

from __future__ import annotations

from typing import Any

from ..errors import KerasrError

__all__: list[str] = []

PYTHON_KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def jupytext_module() -> Any:
    """The jupytext module, or a clear error naming the extra."""
    try:
        import jupytext
    except ImportError as exc:
        raise KerasrError(
            "translate_file(): jupytext is needed to read R Markdown and write notebooks; "
            'install it with: pip install "kerasr[translate]"'
        ) from exc
    return jupytext


def read_rmd(text: str) -> Any:
    """An R Markdown document as a notebook of raw, markdown and (R) code cells."""
    return jupytext_module().reads(text, fmt="Rmd")


def chunk_lines(text: str, sources: list[str]) -> list[int]:
    """The 0-based line in ``text`` where each code cell's source starts (for errors)."""
    out: list[int] = []
    offset = 0
    for source in sources:
        first = source.split("\n", 1)[0]
        at = text.find(first, offset) if first else -1
        if at < 0:
            out.append(-1)
            continue
        out.append(text.count("\n", 0, at))
        offset = at + len(first)
    return out


def engine_of(source: str) -> str | None:
    """The knitr engine of a non-R chunk (jupytext writes it as a ``%%engine`` magic)."""
    first = source.split("\n", 1)[0].strip()
    if first.startswith("%%"):
        return first[2:].split()[0] if first[2:].split() else ""
    return None


def new_notebook(cells: list[Any]) -> Any:
    """A Python notebook (nbformat 4) holding ``cells``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = dict(PYTHON_KERNEL)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def to_percent(nb: Any) -> str:
    """The notebook as a jupytext percent script."""
    return jupytext_module().writes(nb, fmt="py:percent")


def percent_to_notebook_json(text: str) -> str:
    """A percent script (already formatted) as ``.ipynb`` JSON."""
    import nbformat

    nb = jupytext_module().reads(text, fmt="py:percent")
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = dict(PYTHON_KERNEL)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(nb) + "\n"
