"""``callback_model_checkpoint()`` with the file names and ``period=`` the workshops use.

Keras 3 accepts ``.keras`` and ``.h5`` model files; R workshop code also writes
``"models/bin_model.{epoch:02d}-{val_loss:.2f}.hdf5"`` and passes ``period = 1``. Every
checkpoint is written atomically (``kerasr.model_files``): a failed save keeps the previous
checkpoint.

R: ``callback_model_checkpoint("m.{epoch:02d}.hdf5", period = 1)``
Python: ``callback_model_checkpoint("m.{epoch:02d}.hdf5", period=1)``
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from .. import _keras
from ..arguments import as_int, deprecated
from ..errors import InvalidValueError

__all__ = ["model_checkpoint"]


@lru_cache(maxsize=1)
def _checkpoint_class() -> type:
    base = _keras.keras().callbacks.ModelCheckpoint

    class RModelCheckpoint(base):  # type: ignore[misc, valid-type]
        """ModelCheckpoint that writes atomically, saves every ``period`` epochs and accepts
        ``.hdf5`` names.

        Each checkpoint is built in memory and renamed into place, so a full disk or an
        interrupt mid-save leaves the previous checkpoint loadable and no temporary file;
        the failure is an ``OSError`` naming the callback and the file.
        """

        def __init__(self, filepath: str, period: int = 1, r_name: str = "",
                     **kwargs: Any) -> None:
            accepted = filepath if filepath.endswith((".keras", ".h5")) else filepath + ".keras"
            super().__init__(accepted, **kwargs)
            self.filepath = filepath
            self.period = period
            self.r_name = r_name or "callback_model_checkpoint"

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            if (epoch + 1) % self.period == 0:
                super().on_epoch_end(epoch, logs)

        def _save_model(self, epoch: int, batch: int | None,
                        logs: dict[str, Any] | None) -> None:
            from .. import model_files

            logs = logs or {}
            filepath = self._get_file_path(epoch, batch, logs)
            if not self._should_save_model(epoch, batch, logs, filepath):
                return
            if os.path.isdir(filepath):
                raise InvalidValueError(
                    f"{self.r_name}(): '{filepath}' is an existing folder; give a file name "
                    f"such as '{os.path.join(filepath, 'model.keras')}'"
                )
            dirname = os.path.dirname(filepath)
            if dirname:
                os.makedirs(dirname, exist_ok=True)
            model_files.write_model_file(self.model, filepath, self.r_name,
                                         weights_only=self.save_weights_only)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    return RModelCheckpoint


def model_checkpoint(r_name: str, kwargs: dict[str, Any]) -> Any:
    """Build the checkpoint callback from R-style arguments (see module docstring)."""
    kwargs = dict(kwargs)
    filepath = os.fspath(kwargs.pop("filepath"))
    period = kwargs.pop("period", None)
    weights_only = bool(kwargs.get("save_weights_only", False))
    if weights_only and not filepath.endswith(".weights.h5"):
        raise InvalidValueError(
            f"{r_name}(): with save_weights_only=True the `filepath` must end in "
            f"'.weights.h5' (Keras 3's weights format), got {filepath!r}; e.g. "
            f"{os.path.splitext(filepath)[0]}.weights.h5"
        )
    if not weights_only and not filepath.endswith((".keras", ".h5", ".hdf5")):
        raise InvalidValueError(
            f"{r_name}(): `filepath` must end in '.keras' (recommended), '.h5' or '.hdf5', "
            f"got {filepath!r}"
        )
    if period is not None:
        deprecated(r_name, "period", "save_freq ('epoch' saves every epoch)", stacklevel=5)
        period = as_int(period, r_name, "period")
        if period < 1:
            raise InvalidValueError(f"{r_name}(): `period` must be >= 1, got {period}")
    return _checkpoint_class()(filepath, period=period or 1, r_name=r_name, **kwargs)
