"""Data generators the R way, for fit(), evaluate() and predict().

R passes a *function* that returns ``list(x, y)`` on each call; Python code passes a
generator. Batches may be tuples or lists (``[x, y]``, ``[x, y, sample_weight]``), a named
list, or a bare ``x`` (for predict), and R's scalars are length-1 vectors. Keras wants
tuples of arrays, so every batch is normalised here.

R: ``fit(model, generator_function, steps_per_epoch = 100)``
Python: ``fit(model, generator_function, steps_per_epoch=100)``
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import _keras
from .errors import InvalidValueError
from .named_list import NamedList

__all__ = ["as_batches", "is_generator"]


def is_generator(x: Any) -> bool:
    """An iterator of batches (a Python generator), not an array or a Keras dataset."""
    if not hasattr(x, "__next__") or isinstance(x, np.ndarray):
        return False
    if "keras" in sys.modules:  # a PyDataset (image iterators) is read by index, not next()
        return not isinstance(x, _keras.keras().utils.PyDataset)
    return True


def _is_batch_function(x: Any) -> bool:
    return (callable(x) and not isinstance(x, (np.ndarray, type)) and not hasattr(x, "__next__")
            and not _keras.is_layer(x) and not hasattr(x, "__getitem__"))


def _part(value: Any) -> Any:
    if isinstance(value, NamedList):
        names = value.names()
        return ({n: _part(v) for n, v in value.items()} if all(names)
                else [_part(v) for v in value])
    if isinstance(value, (numbers.Number, np.number, bool)):
        return np.atleast_1d(np.asarray(value))  # R's scalars are length-1 vectors
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.reshape(1)
    return value


def normalise_batch(batch: Any) -> tuple[Any, ...]:
    """One batch as Keras wants it: ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    if isinstance(batch, NamedList):
        batch = tuple(batch)
    if isinstance(batch, (list, tuple)) and 1 <= len(batch) <= 3 and not (
        isinstance(batch, list) and all(isinstance(v, numbers.Number) for v in batch)
    ):
        return tuple(_part(v) for v in batch)
    return (_part(batch),)


def _from_function(function: Any) -> Iterator[tuple[Any, ...]]:
    while True:
        yield normalise_batch(function())


def as_batches(function: str, x: Any, steps: int | None, steps_argument: str) -> Any:
    """``x`` as Keras takes it: R batch functions and generators yield normalised tuples.

    A batch function never ends, so ``steps`` (``steps_per_epoch`` or ``steps``) must be
    given, as in R.
    """
    if _is_batch_function(x):
        if steps is None:
            raise InvalidValueError(
                f"{function}(): `{steps_argument}` is required when `x` is a generator "
                f"function (it never runs out of batches); e.g. {steps_argument} = "
                f"ceiling(n_samples / batch_size)"
            )
        return _from_function(x)
    if is_generator(x):
        return (normalise_batch(batch) for batch in x)
    return x
