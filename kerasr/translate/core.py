"""``translate_r()`` and ``translate_file()``: R or R Markdown in, kerasr Python out."""

from __future__ import annotations

import ast
import functools
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import InvalidValueError, KerasrError
from . import rmd
from .emitter import KERASR_IMPORT, TODO_PREFIX, Emitter, KerasrNames
from .formatting import ruff_format
from .parsing import RSyntaxError, parse_r
from .report import Report
from .rules import SYNTAX_TODOS

__all__ = ["translate_file", "translate_r"]

_IMPORT_ORDER = ("import os", "import time", "import matplotlib.pyplot as plt",
                 "import numpy as np", "import pandas as pd", KERASR_IMPORT)


@functools.lru_cache(maxsize=1)
def _names() -> KerasrNames:
    return KerasrNames()


def _check_code(code: Any, fn: str) -> str:
    if not isinstance(code, str):
        raise InvalidValueError(
            f"{fn}(): `code` must be R source as a string, not {type(code).__name__}; "
            "read a file with translate_file(path)"
        )
    if not code.strip():
        raise InvalidValueError(f"{fn}(): `code` is empty; give it R source to translate")
    return code


def _import_lines(emitter: Emitter, *, always: bool = False) -> list[str]:
    needed = emitter.imports - emitter.library_imports
    if always:
        needed = set(emitter.imports)
    return [line for line in _IMPORT_ORDER if line in needed] + sorted(
        needed - set(_IMPORT_ORDER)
    )


def _translate_chunk(emitter: Emitter, code: str, filename: str, line_offset: int = 0) -> str:
    root = parse_r(code, filename, line_offset)
    return "\n".join(emitter.program(root))


def _finish(text: str, report: Report) -> str:
    formatted, note = ruff_format(text)
    if note:
        report.notes.append(note)
    try:
        ast.parse(formatted)
    except SyntaxError as exc:  # a bug in the translator: never hand out broken Python
        raise KerasrError(
            f"translate_r(): internal error, the translation does not parse ({exc}); "
            "please report it with the R input"
        ) from exc
    return formatted


def translate_r(code: str, *, report: Report | None = None) -> str:
    """Translate R code (a script or one chunk) to Python that uses kerasr.

    Returns formatted Python source; lines it could not translate carry a
    ``# TODO(kerasr): <reason>`` comment above them. Pass ``report`` to collect counts.
    Raises :class:`~kerasr.translate.parsing.RSyntaxError` (with line and column) on
    R that does not parse; nothing is translated then.

    R: ``model %>% compile(optimizer = "sgd", loss = "mse")``
    Python: ``translate_r('model %>% compile(optimizer = "sgd", loss = "mse")')``
    """
    code = _check_code(code, "translate_r")
    report = report if report is not None else Report()
    emitter = Emitter(_names(), report)
    body = _translate_chunk(emitter, code, "<text>")
    header = _import_lines(emitter)
    text = "\n".join(header) + ("\n\n" if header else "") + body + "\n"
    return _finish(text, report)


def _read_source(path: Path) -> str:
    if not path.is_file():
        raise InvalidValueError(f"translate_file(): `path` {str(path)!r} is not a file")
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidValueError(
            f"translate_file(): {path.name} is not UTF-8 text (byte 0x{data[exc.start]:02x} on "
            f"line {line}); convert it first, e.g. iconv -f latin1 -t utf-8 "
            f"{path.name} > fixed{path.suffix}"
        ) from None
    if not text.strip():
        raise InvalidValueError(f"translate_file(): {path.name} is empty; nothing to translate")
    return text.replace("\r\n", "\n")


def _r_cell(emitter: Emitter, source: str, filename: str, line: int, eval_false: bool) -> str:
    try:
        return _translate_chunk(emitter, source, filename, max(line, 0))
    except RSyntaxError:
        if not eval_false:
            raise
        commented = "\n".join("# " + s if s else "#" for s in source.splitlines())
        emitter.report.statements += 1
        emitter.report.statements_todo += 1
        emitter.report.lines += len(source.splitlines())
        emitter.report.lines_todo += len(source.splitlines())
        emitter.report.reasons[SYNTAX_TODOS["chunk"]] += 1
        emitter.report.reason_lines[SYNTAX_TODOS["chunk"]] += len(source.splitlines())
        return TODO_PREFIX + SYNTAX_TODOS["chunk"] + "\n" + commented


def translate_file(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    notebook: bool = False,
    report: Report | None = None,
) -> str:
    """Translate an ``.R`` script or ``.Rmd`` notebook; return (and write to ``out``) the result.

    ``.R`` gives a jupytext percent script; ``.Rmd`` the same with its prose kept as
    markdown cells, or an ``.ipynb`` (JSON) with ``notebook=True``. ``out`` is written
    atomically (temporary file + rename): an error never leaves half a file.

    R: (course files ``lab.R``, ``lab.Rmd``)
    Python: ``translate_file("lab.Rmd", "lab.ipynb", notebook=True)``
    """
    src = Path(path)
    suffix = src.suffix.lower()
    if suffix not in (".r", ".rmd"):
        raise InvalidValueError(
            f"translate_file(): `path` must be an .R or .Rmd file, got {src.name!r}"
        )
    if out is not None:
        if Path(out).is_dir():
            raise InvalidValueError(
                f"translate_file(): `out` ({out}) is a folder; give a file name such as "
                f"{Path(out) / Path(path).with_suffix('.ipynb' if notebook else '.py').name}"
            )
        folder = Path(out).resolve().parent
        if not folder.is_dir():
            raise InvalidValueError(
                f"translate_file(): the folder of `out` ({folder}) does not exist; create it first"
            )
    text = _read_source(src)
    report = report if report is not None else Report()
    emitter = Emitter(_names(), report)
    import nbformat

    if suffix == ".r":
        body = _translate_chunk(emitter, text, src.name)
        cells = [nbformat.v4.new_code_cell(body)]
    else:
        cells = _rmd_cells(emitter, text, src.name)
    imports = _import_lines(emitter)
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    if imports:
        cells.insert(first_code, nbformat.v4.new_code_cell("\n".join(imports)))
    percent = _finish(rmd.to_percent(rmd.new_notebook(cells)), report)
    result = rmd.percent_to_notebook_json(percent) if notebook else percent
    if out is not None:
        write_atomic(Path(out), result)
    return result


def _rmd_cells(emitter: Emitter, text: str, filename: str) -> list[Any]:
    import nbformat

    nb = rmd.read_rmd(text)
    code_sources = [c.source for c in nb.cells if c.cell_type == "code"]
    starts = iter(rmd.chunk_lines(text, code_sources))
    cells: list[Any] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "raw":
            cells.append(nbformat.v4.new_raw_cell(cell.source))
        elif cell.cell_type == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(cell.source))
        else:
            line = next(starts)
            engine = rmd.engine_of(cell.source)
            if engine == "python":
                cells.append(nbformat.v4.new_code_cell(cell.source.split("\n", 1)[1]))
            elif engine is not None:
                body = cell.source.split("\n", 1)[1] if "\n" in cell.source else ""
                cells.append(nbformat.v4.new_markdown_cell(f"```{engine}\n{body}\n```"))
            elif not cell.source.strip():
                continue
            else:
                emitter.chunk = index
                eval_false = cell.metadata.get("eval") is False
                code = _r_cell(emitter, cell.source, filename, line, eval_false)
                if eval_false:
                    code = "# eval = FALSE in the R Markdown: R did not run this chunk\n" + code
                cells.append(nbformat.v4.new_code_cell(code))
    return cells


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
