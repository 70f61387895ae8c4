"""Format translated Python with ruff (``ruff format``), when ruff is installed."""

from __future__ import annotations

import os
import subprocess
import sys

__all__: list[str] = []

NOTE_NO_RUFF = "ruff is not installed: the output is not formatted (pip install ruff)"


def _ruff_command() -> list[str] | None:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        return [os.fsdecode(find_ruff_bin())]
    except FileNotFoundError:
        return [sys.executable, "-m", "ruff"]


def ruff_format(source: str, line_length: int = 100) -> tuple[str, str | None]:
    """``(formatted source, note)``; the note says why the source was left unformatted.

    R: (styler::style_text)
    Python: ``text, note = ruff_format("x=1")``
    """
    command = _ruff_command()
    if command is None:
        return source, NOTE_NO_RUFF
    proc = subprocess.run(
        [*command, "format", "--isolated", f"--line-length={line_length}",
         "--stdin-filename=translated.py", "-"],
        input=source, capture_output=True, text=True, encoding="utf-8", check=False,
    )
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["unknown error"])[0]
        return source, f"ruff format failed, output left unformatted: {first}"
    return proc.stdout, None
