"""Checks on ``x`` and ``y`` before Keras sees them, with R-user-friendly messages.

Cheap by design (a min/max pass over float arrays, shape comparisons), so they cost nothing
measurable next to training.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import InvalidValueError
from .named_list import NamedList

__all__ = [
    "as_model_data", "as_model_input", "check_data", "check_finite", "check_input_width",
    "check_rows",
]


def as_model_data(value: Any) -> Any:
    """Convert R-shaped inputs: a NamedList becomes a dict (named) or a list (unnamed);
    a list of plain numbers (an R vector) becomes a NumPy array."""
    if isinstance(value, NamedList):
        names = value.names()
        if all(names):
            return {n: as_model_data(v) for n, v in value.items()}
        return [as_model_data(v) for v in value]
    if isinstance(value, tuple) and value and all(hasattr(v, "shape") for v in value):
        return list(value)
    if isinstance(value, list) and value and all(
        isinstance(v, (int, float, np.number, bool)) for v in value
    ):
        return np.asarray(value)
    return value


def as_model_input(model: Any, x: Any) -> Any:
    """R treats a vector as a one-column matrix: give a 1-D ``x`` its column axis when the
    model expects one feature per row, or has no input shape yet (it builds on first use)."""
    x = as_model_data(x)
    if not isinstance(x, np.ndarray) or x.ndim != 1:
        return x
    if not getattr(model, "built", False):
        return x[:, None]
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return x
    if inputs and len(inputs) == 1 and tuple(inputs[0].shape)[1:] == (1,):
        return x[:, None]
    return x


def _arrays(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(f"[{k!r}]", v) for k, v in value.items() if isinstance(v, np.ndarray)]
    if isinstance(value, list):
        return [(f"[{i}]", v) for i, v in enumerate(value) if isinstance(v, np.ndarray)]
    if isinstance(value, np.ndarray):
        return [("", value)]
    return []


def check_finite(function: str, argument: str, value: Any) -> None:
    """Raise when a float array holds NaN or infinite values (instead of training to NaN)."""
    for suffix, array in _arrays(value):
        if array.dtype.kind not in "fc" or array.size == 0:
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.sum(array)
        if np.isfinite(total):  # one pass; NaN/Inf always make the sum non-finite
            continue
        if np.isfinite(array).all():  # the sum only overflowed: large but finite values
            continue
        n_nan = int(np.isnan(array).sum())
        n_inf = int(np.isinf(array).sum())
        bad_rows = np.nonzero(~np.isfinite(array.reshape(len(array), -1)).all(axis=1))[0]
        raise InvalidValueError(
            f"{function}(): `{argument}{suffix}` contains {n_nan} NaN and {n_inf} infinite "
            f"values (first in row {int(bad_rows[0]) + 1}, counting from 1 as R does); remove "
            f"or impute them before training (e.g. with np.nan_to_num or by dropping those "
            f"rows), otherwise the loss becomes NaN"
        )


def _rows(value: Any) -> int | None:
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    elif isinstance(value, list) and value and hasattr(value[0], "shape"):
        value = value[0]
    shape = getattr(value, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return None


def check_rows(function: str, x: Any, y: Any) -> None:
    """Raise when ``x`` and ``y`` have different numbers of rows (samples)."""
    nx, ny = _rows(x), _rows(y)
    if nx is not None and ny is not None and nx != ny:
        raise InvalidValueError(
            f"{function}(): `x` has {nx} rows but `y` has {ny}; they need one row per sample "
            f"(check how x and y were subset or split)"
        )


def check_input_width(function: str, model: Any, x: Any) -> None:
    """Raise when a single-input model gets an array whose feature shape does not match."""
    if not isinstance(x, np.ndarray) or not getattr(model, "built", False):
        return
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return
    if not inputs or len(inputs) != 1:
        return
    expected = tuple(inputs[0].shape)[1:]
    got = x.shape[1:]
    if len(got) == len(expected) - 1 and expected and expected[-1] == 1:
        got = got + (1,)  # Keras adds the trailing axis of size 1 itself
    if len(got) != len(expected) or any(
        e is not None and e != g for e, g in zip(expected, got)
    ):
        if len(expected) == 1 and len(got) == 1:
            detail = f"expected {expected[0]} columns, got {got[0]}"
        else:
            detail = f"expected rows of shape {expected}, got {tuple(got)}"
        raise InvalidValueError(
            f"{function}(): `x` does not fit the model's input: {detail} (x has shape "
            f"{x.shape}, the model's input_shape is {expected}). Select the right columns of "
            f"x, reshape it with array_reshape(), or build the model with input_shape="
            f"{tuple(got) if len(got) > 1 else got[0] if got else '...'}"
        )


def _kind(array: np.ndarray) -> str:
    return "Python objects" if array.dtype.kind == "O" else "strings"


def check_data(function: str, argument: str, value: Any, required: bool = True) -> None:
    """``x``/``y`` must be numbers: no strings, no ragged lists, no empty data.

    R: ``fit(model, x = character_matrix, y)`` (an error from R keras)
    Python: ``fit(model, x=np.array([["a"]]), y=...)`` raises naming `x` and the fix
    """
    if value is None:
        if required:
            raise InvalidValueError(
                f"{function}(): `{argument}` is missing; pass the data, e.g. "
                f"{function}(model, x_train, y_train)"
            )
        return
    if isinstance(value, list) and value and not hasattr(value[0], "shape"):
        try:
            value = np.asarray(value)
        except ValueError:
            raise InvalidValueError(
                f"{function}(): `{argument}` is a list of rows of different lengths; pass a "
                f"matrix (a NumPy array), e.g. pad the rows with pad_sequences()"
            ) from None
        if value.dtype == object:
            raise InvalidValueError(
                f"{function}(): `{argument}` is a list of rows of different lengths; pass a "
                f"matrix (a NumPy array), e.g. pad the rows with pad_sequences()"
            )
    for suffix, array in _arrays(value):
        if array.dtype.kind in "USO":
            raise InvalidValueError(
                f"{function}(): `{argument}{suffix}` holds {_kind(array)} ({array.dtype}); "
                f"models need numbers: encode text with text_tokenizer() or labels with "
                f"integer codes (e.g. pandas.factorize) first"
            )
        if array.ndim > 0 and array.shape[0] == 0:
            raise InvalidValueError(
                f"{function}(): `{argument}{suffix}` has 0 rows (shape {array.shape}); check "
                f"how the data was subset or filtered"
            )
