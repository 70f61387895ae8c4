"""``callback_csv_logger()`` whose file is always a complete CSV, written atomically.

Keras's CSVLogger truncates the file when training starts and appends a row per epoch in
place, so a full disk or a crash leaves a cut row and, with ``append = FALSE``, the old
log is gone before the first epoch ends. Here the rows are kept in memory and, after each
epoch, the whole file (the old contents when appending, the header, every row so far) is
written through a temporary file and ``os.replace`` (``kerasr.atomic``): a reader always
sees whole rows and a failed write keeps the previous state. The format is Keras's, byte
for byte.

R: ``callback_csv_logger("history.csv", append = TRUE)``
Python: ``callback_csv_logger("history.csv", append=True)``
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import _keras
from ..atomic import write_text

__all__: list[str] = []  # built by the callback family's adapter


@lru_cache(maxsize=1)
def _logger_class() -> type:
    base = _keras.keras().callbacks.CSVLogger

    class RCSVLogger(base):  # type: ignore[misc, valid-type]
        """CSVLogger that rewrites its whole file atomically after every epoch."""

        def __init__(self, filename: str, separator: str = ",", append: bool = False,
                     r_name: str = "callback_csv_logger") -> None:
            super().__init__(os.fspath(filename), separator=separator, append=append)
            self.r_name = r_name

        def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
            existing = ""
            path = Path(self.filename)
            if self.append and path.is_file():
                with open(path, newline="") as handle:  # keep Keras's \r\n line ends
                    existing = handle.read()
                first = existing.splitlines(keepends=True)[:1]
                self.append_header = not (first and first[0])
            self.csv_file = io.StringIO(newline="")
            self.csv_file.write(existing)
            self.writer = None
            self.keys = None

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            super().on_epoch_end(epoch, logs)
            write_text(self.filename, self.csv_file.getvalue(), self.r_name)

        def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
            self.csv_file = None
            self.writer = None

    return RCSVLogger


def csv_logger(r_name: str, kwargs: dict[str, Any]) -> Any:
    """Build the CSV logger callback from R-style arguments (see module docstring)."""
    kwargs = dict(kwargs)
    filename = os.fspath(kwargs.pop("filename"))
    return _logger_class()(filename, r_name=r_name, **kwargs)
