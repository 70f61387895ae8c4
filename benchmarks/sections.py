"""A benchmark's own section of a docs page, between ``<!-- NAME: begin -->`` and
``<!-- NAME: end -->`` markers, replaced (or appended) atomically."""

from __future__ import annotations

import os
from pathlib import Path


def write_section(name: str, text: str, path: Path) -> None:
    """Replace (or append) the section of ``path`` marked with ``name``, atomically."""
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    current = path.read_text() if path.exists() else ""
    block = f"{begin}\n{text}{end}\n"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        new = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        new = current.rstrip("\n") + "\n\n" + block
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new)
    os.replace(tmp, path)
