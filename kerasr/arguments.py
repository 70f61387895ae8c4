"""Turning what R code passes into what Keras expects.

R code passes ``input_shape = 13``, ``c(28, 28, 1)``, ``kernel_size = c(3, 3)``,
``units = 2^4`` (a double) and ``NA`` in shapes. These helpers coerce such values and fail
with messages that name the R function and the argument.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

from .errors import InvalidValueError, KerasrDeprecationWarning, warn

__all__ = [
    "REQUIRED",
    "as_shape",
    "as_int",
    "as_int_like",
    "as_index",
    "deprecated",
]


class _Required:
    """Default of a required argument in generated signatures (shown as ``<required>``)."""

    _instance: _Required | None = None

    def __new__(cls) -> _Required:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<required>"

    def __reduce__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, R's NA
    except Exception:
        return False


def as_int(value: Any, function: str, argument: str) -> int:
    """An integer from an int or an integral float (``2**4.0`` -> 16), else a clear error."""
    if isinstance(value, bool):
        raise InvalidValueError(f"{function}(): `{argument}` must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    raise InvalidValueError(
        f"{function}(): `{argument}` must be a whole number, got {value!r}"
        + (f"; did you mean {round(float(value))}?" if isinstance(value, numbers.Real) else "")
    )


def as_shape(value: Any, function: str, argument: str) -> tuple[int | None, ...]:
    """A shape tuple from R-style input: ``13``, ``(13,)``, ``[28, 28, 1]``, ``None``/NaN as NA."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        items: Iterable[Any] = [value]
    elif isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        if isinstance(items, numbers.Number):
            items = [items]
    else:
        raise InvalidValueError(
            f"{function}(): `{argument}` must be a number or a sequence of numbers "
            f"(e.g. {argument}=13 or {argument}=(28, 28, 1)), got {value!r}"
        )
    shape: list[int | None] = []
    for item in items:
        if _is_missing(item):
            shape.append(None)
        else:
            dim = as_int(item, function, argument)
            if dim < 0:
                raise InvalidValueError(
                    f"{function}(): `{argument}` has a negative dimension ({dim}); use None "
                    f"for an unknown size"
                )
            shape.append(dim)
    return tuple(shape)


def as_int_like(value: Any) -> Any:
    """Integral floats (and sequences of them) become ints; anything else is returned as is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (list, tuple)):
        converted = [as_int_like(v) for v in value]
        return tuple(converted) if isinstance(value, tuple) or _all_numbers(value) else converted
    return value


def _all_numbers(values: Iterable[Any]) -> bool:
    return all(isinstance(v, numbers.Number) for v in values)


def as_index(index: Any, length: int, function: str, argument: str = "index") -> int:
    """Convert R's 1-based (or negative, from the end) index to a 0-based Python index."""
    i = as_int(index, function, argument)
    if i == 0:
        raise InvalidValueError(
            f"{function}(): `{argument}` is 1-based, as in R (0 was passed); use {argument}=1 "
            f"for the first element or {argument}=-1 for the last"
        )
    if i > length or i < -length:
        raise InvalidValueError(
            f"{function}(): `{argument}` = {i} is out of range; there are {length} elements"
        )
    return i - 1 if i > 0 else length + i


def deprecated(function: str, old: str, new: str, stacklevel: int | None = None) -> None:
    """Warn that a legacy R keras spelling is used, naming the replacement.

    The warning points at the user's line (the first frame outside kerasr), however deep
    the call is (a pipe, a deferred call); ``stacklevel`` is accepted for old callers.
    """
    warn(f"{function}(): `{old}` is deprecated; use `{new}` instead", KerasrDeprecationWarning)
