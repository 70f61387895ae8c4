"""Run-time helpers of the generated ``op_*`` functions: ranks, dtypes, 1-based indices.

R: ``op_argmax(x, axis = 2)`` (1-based result)
Python: ``op_argmax(x, axis=2)`` (1-based result; ``zero_indexed=True`` for Keras's)
"""

from __future__ import annotations

import numbers
from types import ModuleType
from typing import Any

import numpy as np

from .. import _keras
from ..arguments import as_int_like
from ..errors import InvalidValueError, did_you_mean
from .axis import as_axis
from .custom import register_pending

__all__: list[str] = []


def ops() -> ModuleType:
    """``keras.ops`` (Keras is imported on first use)."""
    return keras().ops


def keras() -> ModuleType:
    """The keras module (imported on first use), with kerasr's custom objects registered."""
    k = _keras.keras()
    register_pending(k)
    return k


def rank_of(x: Any) -> int | None:
    """The rank of a tensor, array, nested list or number; None when it cannot be told."""
    shape = getattr(x, "shape", None)
    if shape is not None:
        try:
            return len(shape)
        except TypeError:  # an unknown-rank symbolic shape
            return None
    if isinstance(x, (numbers.Number, np.generic)):
        return 0
    if isinstance(x, (list, tuple)):
        if x and not all(isinstance(v, (numbers.Number, list, tuple, np.generic)) for v in x):
            return None
        try:
            return np.ndim(np.asarray(x))
        except (ValueError, TypeError):
            return None
    return None


def first_rank(xs: Any) -> int | None:
    """The rank of the first tensor of a list (``op_concatenate(list(a, b))``)."""
    if isinstance(xs, (list, tuple)) and xs:
        return rank_of(xs[0])
    return None


def plus(rank: int | None, n: int) -> int | None:
    return None if rank is None else rank + n


def axis(value: Any, function: str, argument: str, rank: int | None = None) -> Any:
    """R's 1-based axis (see ``as_axis``) for a generated op."""
    return as_axis(value, function, argument, rank)


def count_or_axes(value: Any, function: str, argument: str) -> Any:
    """``tensordot``'s ``axes``: an integer is a count; lists of axes are 1-based."""
    if isinstance(value, (list, tuple)):
        return [as_axis(list(v) if isinstance(v, (list, tuple)) else v, function, argument)
                for v in value]
    return as_int_like(value)


def integer(value: Any) -> Any:
    """Integral floats (R's ``3``) become ints; anything else passes."""
    return as_int_like(value)


def reshape_shape(value: Any, function: str, argument: str) -> Any:
    """A new shape in R's spelling: ``NA``/``None`` is the inferred size (Keras's -1)."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return (int(as_int_like(value)),)
    if isinstance(value, (list, tuple)):
        return tuple(
            -1 if v is None or (isinstance(v, float) and np.isnan(v)) else as_int_like(v)
            for v in value
        )
    return value


def dtype(value: Any, function: str, argument: str = "dtype") -> Any:
    """Check a dtype name Keras knows, with a clear error naming the op."""
    if value is None or not isinstance(value, str):
        return value
    k = _keras.keras()
    try:
        k.backend.standardize_dtype(value)
    except (ValueError, TypeError):
        known = sorted(_known_dtypes(k))
        raise InvalidValueError(
            f"{function}(): `{argument}` = {value!r} is not a dtype Keras can cast to"
            f"{did_you_mean(value, known)} (valid: {', '.join(known)})"
        ) from None
    return value


def _known_dtypes(k: ModuleType) -> set[str]:
    try:
        return set(k.src.backend.common.dtypes.ALLOWED_DTYPES)
    except AttributeError:  # pragma: no cover - Keras internals moved
        return {"bool", "int8", "int16", "int32", "int64", "uint8", "float16", "bfloat16",
                "float32", "float64", "string"}


def one_based(result: Any) -> Any:
    """Shift 0-based indices returned by Keras to R's 1-based ones (dtype kept)."""
    return ops().add(result, 1)


def zero_based(indices: Any, function: str, argument: str) -> Any:
    """Shift R's 1-based indices to Keras's 0-based ones; a 0 index is an error when visible."""
    if isinstance(indices, (numbers.Integral, list, tuple, np.ndarray)):
        array = np.asarray(indices)
        if array.dtype.kind in "iuf" and array.size and (array == 0).any():
            raise InvalidValueError(
                f"{function}(): `{argument}` holds 1-based indices, as in R, and 0 was passed; "
                f"pass zero_indexed=True for 0-based indices"
            )
        return array - 1
    return ops().subtract(indices, 1)
