"""Sequence preprocessing: ``pad_sequences()`` (R keras's ``R/preprocessing.R``).

R: ``x <- pad_sequences(sequences, maxlen = 500)``
Python: ``x = pad_sequences(sequences, maxlen=500)``"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _keras
from ..arguments import as_int
from ..errors import InvalidValueError

__all__ = ["pad_sequences"]


def pad_sequences(sequences: Sequence[Sequence[Any]], maxlen: int | None = None,
                  dtype: str = "int32", padding: str = "pre", truncating: str = "pre",
                  value: float = 0.0) -> np.ndarray:
    """Pad (or cut) sequences to the same length, as a 2-D array.

    R: ``pad_sequences(sequences, maxlen = 500)``
    Python: ``pad_sequences(sequences, maxlen=500)``
    """
    for name, val in (("padding", padding), ("truncating", truncating)):
        if val not in ("pre", "post"):
            raise InvalidValueError(
                f"pad_sequences(): `{name}` must be 'pre' or 'post', got {val!r}"
            )
    return _keras.keras().utils.pad_sequences(
        [list(s) for s in sequences],
        maxlen=None if maxlen is None else as_int(maxlen, "pad_sequences", "maxlen"),
        dtype=dtype, padding=padding, truncating=truncating, value=value,
    )
