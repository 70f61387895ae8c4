"""Regenerate each lab's notebook (``labs/NAME.ipynb``) from its jupytext script (``labs/NAME.py``).

    python tools/sync_labs.py          # rewrite the notebooks
    python tools/sync_labs.py --check  # exit 1 when a notebook is out of date

The notebooks are written without outputs; ``tests/test_labs.py`` fails when they drift.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat

LABS = Path(__file__).resolve().parents[1] / "labs"


def lab_scripts() -> list[Path]:
    """The lab scripts: every ``labs/*.py`` except package files."""
    return sorted(p for p in LABS.glob("*.py") if not p.name.startswith("_"))


def notebook_for(script: Path) -> nbformat.NotebookNode:
    """The notebook jupytext makes from ``script`` (no outputs)."""
    return jupytext.read(script)


def cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(cell type, source) of every cell: what must agree between script and notebook."""
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    args = parser.parse_args(argv)
    stale = []
    for script in lab_scripts():
        target = script.with_suffix(".ipynb")
        fresh = notebook_for(script)
        if target.exists() and cells(nbformat.read(target, as_version=4)) == cells(fresh):
            continue
        stale.append(target.name)
        if not args.check:
            jupytext.write(fresh, target, fmt="ipynb")
            print(f"wrote {target.relative_to(LABS.parent)}")
    if args.check and stale:
        print("stale notebooks: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
