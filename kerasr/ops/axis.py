"""R's 1-based ``axis`` rule (R keras >= 2.9 and keras3 ``as_axis``), with clear errors.

Positive axes count from 1 (R's first dimension is ``axis = 1``), negative axes count from
the end exactly as in Python (``-1`` is the last axis), and 0 is an error, as in R.

R: ``k_mean(x, axis = 2)``
Python: ``k_mean(x, axis=2)`` (Keras's ``axis=1``)
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..errors import ArgumentError, InvalidValueError

__all__ = ["as_axis"]


def _as_integer(value: Any, function: str, argument: str) -> int:
    if isinstance(value, bool):
        raise ArgumentError(f"{function}(): `{argument}` must be an integer axis, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _as_integer(value.item(), function, argument)
    raise ArgumentError(
        f"{function}(): `{argument}` must be a whole-number axis (1-based, as in R; negative "
        f"counts from the end), got {value!r}"
    )


def _one(value: Any, function: str, argument: str, rank: int | None) -> int:
    axis = _as_integer(value, function, argument)
    if axis == 0:
        raise InvalidValueError(
            f"{function}(): `{argument}` is 1-based, as in R: the first axis is {argument}=1 "
            f"and the last is {argument}=-1; 0 was passed"
        )
    if rank is not None and not (-rank <= axis <= rank):
        valid = f"1..{rank} or -{rank}..-1" if rank > 0 else "none (the tensor is a scalar)"
        raise InvalidValueError(
            f"{function}(): `{argument}` = {axis} is out of range for a tensor of rank "
            f"{rank} (valid: {valid})"
        )
    return axis - 1 if axis > 0 else axis


def as_axis(axis: Any, function: str = "as_axis", argument: str = "axis",
            rank: int | None = None) -> Any:
    """Convert R's 1-based axis (or a list of axes) to Keras's 0-based axis.

    ``None`` stays ``None`` (all axes); negative axes are unchanged; 0 is an error; when
    ``rank`` is given, an axis outside the tensor's dimensions is an error naming them.

    R: ``op_sum(x, axis = c(1, 2))``
    Python: ``as_axis([1, 2])`` gives ``[0, 1]``
    """
    if axis is None:
        return None
    if isinstance(axis, np.ndarray) and axis.ndim > 0:
        axis = axis.tolist()
    if isinstance(axis, (list, tuple)):
        converted = [_one(a, function, argument, rank) for a in axis]
        return tuple(converted) if isinstance(axis, tuple) else converted
    return _one(axis, function, argument, rank)

