"""Atomic writes of run records: every file goes through a temporary file in the same folder
and ``os.replace``, so a reader never sees half a file and a failed write keeps the old one.

JSON is written at full precision (Python's shortest round-tripping float repr); tfruns 1.4
rounded flags, evaluation and metrics to 4 decimals (jsonlite ``digits = 4``), kerasr does not.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from .. import atomic

__all__: list[str] = []


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder + os.replace).

    In a multi-worker fit only the chief writes run records (see ``atomic.is_writer``).
    """
    path = Path(path)
    if not atomic.is_writer():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))


def jsonable(value: Any) -> Any:
    """Plain JSON values: NaN/Inf -> null (R's NA), numpy scalars and arrays -> numbers, lists."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return jsonable(value.to_dict())
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    if hasattr(value, "item"):
        return jsonable(value.item())
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return str(value)


def write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as pretty JSON at full precision, atomically (NaN written as null)."""
    text = json.dumps(jsonable(data), indent=2, allow_nan=False, ensure_ascii=False)
    return write_text(path, text + "\n")


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON record; ``None`` when the file does not exist."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None
