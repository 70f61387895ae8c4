"""clean_runs() and purge_runs(): archive runs, then delete archived runs (tfruns 1.4)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import InvalidValueError
from .listing import run_dirs, runs_dir_option
from .run_dir import META

__all__ = ["clean_runs", "purge_runs"]


def _dirs(runs: Any, runs_dir: str) -> list[str]:
    import pandas as pd

    if runs is None:
        return run_dirs(runs_dir)
    if isinstance(runs, pd.DataFrame):
        return [str(d) for d in runs["run_dir"]] if "run_dir" in runs else []
    if isinstance(runs, (str, os.PathLike)):
        return [str(runs)]
    return [str(r) for r in runs]


def clean_runs(runs: Any = None, runs_dir: str | os.PathLike[str] | None = None,
               confirm: bool | None = None) -> int:
    """Move runs (default: all of ``runs_dir``) into ``<runs_dir>/archive``; returns how many.

    R: ``clean_runs(ls_runs(completed == FALSE))``
    Python: ``clean_runs(ls_runs("completed == FALSE"))``
    """
    from .session import confirmed, interactive

    base = str(runs_dir if runs_dir is not None else runs_dir_option())
    dirs = _dirs(runs, base)
    if not dirs:
        print("No runs found to clean.")
        return 0
    archive = Path(base) / "archive"
    if confirm is None:
        confirm = interactive()
    if confirm and not confirmed(
            f"Move {len(dirs)} run directories to {archive.as_posix()}? [Y/n]: "):
        return 0
    archive.mkdir(parents=True, exist_ok=True)
    for d in dirs:
        if not (Path(d) / META).is_dir():
            raise InvalidValueError(f"clean_runs(): '{d}' is not a run directory (no {META}/)")
        os.rename(d, archive / Path(d).name)
    print(f"Moved {len(dirs)} runs to {archive.as_posix()} (purge_runs() to remove permanently)")
    return len(dirs)


def purge_runs(runs_dir: str | os.PathLike[str] | None = None, confirm: bool | None = None
               ) -> int:
    """Delete the runs archived by ``clean_runs()``; returns how many.

    R: ``purge_runs()``
    Python: ``purge_runs()``
    """
    from .session import confirmed, interactive

    base = str(runs_dir if runs_dir is not None else runs_dir_option())
    archive = Path(base) / "archive"
    dirs = run_dirs(archive)
    if not dirs:
        print("No archived runs found to purge.")
        return 0
    if confirm is None:
        confirm = interactive()
    if confirm and not confirmed(
            f"Permanently remove {len(dirs)} run directories from {archive.as_posix()}? "
            f"[Y/n]: "):
        return 0
    for d in dirs:
        shutil.rmtree(d)
    print(f"Permanently removed {len(dirs)} runs")
    return len(dirs)
