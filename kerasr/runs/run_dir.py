"""The run directory: tfruns 1.4's on-disk layout, the active run, and write_run_metadata().

    runs/2020-03-05T14-02-11Z/
      tfruns.d/properties/<name>   one text file per property (type, script, start, ...)
      tfruns.d/flags.json  metrics.json  evaluation.json  error.json  source.tar.gz
      tfruns.d/fits/fit-001.json   every fit()'s history (kerasr addition; metrics.json is the last)
      plots/Rplot001.png           figures made during the run
      <files the script added or changed in the working directory>

A run is *active* in the process that runs the script: ``training_run()`` sets the
``KERASR_RUN_DIR`` environment variable of that process.
"""

from __future__ import annotations

import io
import os
import tarfile
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ArgumentError, InvalidValueError
from . import records

__all__ = ["is_run_active", "run_dir", "unique_run_dir", "write_run_metadata"]

#: environment variable naming the active run's directory (set by training_run for its script)
RUN_DIR_ENV = "KERASR_RUN_DIR"
META = "tfruns.d"
PROPERTIES = "properties"
JSON_TYPES = ("flags", "evaluation", "error", "metrics")
DEFAULT_RUNS_DIR = "runs"


def meta_dir(run: str | os.PathLike[str]) -> Path:
    """``<run>/tfruns.d``."""
    return Path(run) / META


def active_run_dir() -> Path | None:
    """The active run's directory, or None outside a run."""
    value = os.environ.get(RUN_DIR_ENV)
    return Path(value) if value else None


def is_run_active() -> bool:
    """Whether this process is running a script inside ``training_run()``.

    R: ``is_run_active()``
    Python: ``is_run_active()``
    """
    return active_run_dir() is not None


def run_dir() -> str:
    """The active run's directory, or the working directory outside a run.

    R: ``save_model_hdf5(model, file.path(run_dir(), "model.h5"))``
    Python: ``save_model_hdf5(model, os.path.join(run_dir(), "model.h5"))``
    """
    active = active_run_dir()
    return str(active) if active is not None else os.getcwd()


def timestamp_name(when: float | None = None) -> str:
    """tfruns's run name: UTC time as ``%Y-%m-%dT%H-%M-%SZ``."""
    moment = datetime.fromtimestamp(time.time() if when is None else when, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H-%M-%SZ")


def unique_run_dir(runs_dir: str | os.PathLike[str] = DEFAULT_RUNS_DIR) -> str:
    """Create and return a new, timestamped run directory under ``runs_dir``.

    As tfruns, a name already taken makes it wait 0.5 s and try again; the directory is
    created with one atomic ``mkdir``, so concurrent runs and sweeps never share one.

    R: ``unique_run_dir(runs_dir = "runs")``
    Python: ``unique_run_dir(runs_dir="runs")``
    """
    base = Path(runs_dir)
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidValueError(
            f"training_run(): cannot create the runs directory `{base}` ({exc.strerror}); "
            f"pass a writable `runs_dir`"
        ) from None
    while True:
        candidate = base / timestamp_name()
        try:
            candidate.mkdir()
        except FileExistsError:
            time.sleep(0.5)
            continue
        except OSError as exc:
            raise InvalidValueError(
                f"training_run(): cannot create a run directory in `{base}` ({exc.strerror}); "
                f"pass a writable `runs_dir`"
            ) from None
        return str(candidate)


def write_properties(run: str | os.PathLike[str], properties: Mapping[str, Any]) -> None:
    """One text file per property under ``tfruns.d/properties`` (R: writeLines(as.character))."""
    folder = meta_dir(run) / PROPERTIES
    for name, value in properties.items():
        records.write_text(folder / name, _as_character(value) + "\n")


def _as_character(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "\n".join(_as_character(v) for v in value)
    return str(value)


def read_properties(run: str | os.PathLike[str]) -> dict[str, str]:
    """Every property file, read as text with the trailing newline removed."""
    folder = meta_dir(run) / PROPERTIES
    out: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                out[path.name] = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
    return out


def source_archive(directory: str | os.PathLike[str], pattern: str = "*.py") -> bytes:
    """A gzip tar of ``source/`` holding each ``pattern`` file of ``directory`` (not recursive)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in sorted(Path(directory).glob(pattern)):
            if path.is_file():
                tar.add(str(path), arcname=f"source/{path.name}")
    return buffer.getvalue()


def read_sources(run: str | os.PathLike[str]) -> dict[str, str]:
    """The files in a run's ``source.tar.gz``, name -> text (empty when there is none)."""
    archive = meta_dir(run) / "source.tar.gz"
    out: dict[str, str] = {}
    if not archive.exists():
        return out
    with tarfile.open(archive, mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                handle = tar.extractfile(member)
                if handle is not None:
                    name = member.name.split("/", 1)[-1]
                    out[name] = handle.read().decode("utf-8", errors="replace")
    return out


def write_run_metadata(type: str, data: Any, run_dir: str | os.PathLike[str] | None = None
                       ) -> None:
    """Record ``data`` of a given ``type`` in a run (the active one unless ``run_dir``).

    ``"flags"``, ``"evaluation"``, ``"error"`` and ``"metrics"`` write ``<type>.json``;
    ``"properties"`` writes one file per name; ``"source"`` archives that folder's scripts;
    any other type needs a function ``data(data_dir)`` that writes into ``tfruns.d``.
    Outside a run, without ``run_dir``, it does nothing (tfruns discards the write).

    R: ``write_run_metadata("evaluation", list(best_loss = 0.21))``
    Python: ``write_run_metadata("evaluation", {"best_loss": 0.21})``
    """
    if not isinstance(type, str) or not type:
        raise ArgumentError(
            f'write_run_metadata(): `type` must be a string such as "evaluation", got {type!r}'
        )
    target = Path(run_dir) if run_dir is not None else active_run_dir()
    if target is None:
        return
    meta = meta_dir(target)
    if type in JSON_TYPES:
        if hasattr(data, "to_dict") and not isinstance(data, Mapping):
            data = data.to_dict()
        records.write_json(meta / f"{type}.json", data)
    elif type == "properties":
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        if not isinstance(data, Mapping):
            raise InvalidValueError(
                "write_run_metadata(): properties must be a named list (a dict), "
                f"got {data.__class__.__name__}"
            )
        write_properties(target, data)
    elif type == "source":
        records.write_bytes(meta / "source.tar.gz", source_archive(data))
    else:
        if not isinstance(data, Callable):  # type: ignore[arg-type]
            raise InvalidValueError(
                "write_run_metadata(): The data parameter must be a function for custom data "
                f"types (type = {type!r}); pass a function that takes the data directory"
            )
        meta.mkdir(parents=True, exist_ok=True)
        data(str(meta))
