"""``destructure()``: the generic that splits one object into values for ``unpack()``."""

from __future__ import annotations

import datetime
import functools
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..named_list import NamedList
from .errors import INCORRECT_NUMBER_OF_VALUES, UnpackValueCountError


# =====================================================================================
# destructure()
# =====================================================================================
@functools.singledispatch
def destructure(value: Any) -> list[Any]:
    """Split one object into a list of values, for ``unpack()``; extend it for your types.

    ``unpack()`` calls it when a value is not a list or an array (a data frame, a date,
    a single string) or is a one-element list whose element does not fit the pattern,
    as zeallot does. Methods: ``str`` -> its characters; ``datetime.date`` (and
    ``datetime``) -> ``[year, month, day]``; ``complex`` -> ``[real, imag]``; pandas
    ``DataFrame`` -> its columns as Series (never the column names); ``dict`` and
    ``NamedList`` -> their values; numpy arrays -> sub-arrays along the first axis; a
    pandas ``Series`` -> its elements;
    ``list``/``tuple`` (any sequence but strings) -> their elements. Anything else raises
    :class:`UnpackValueCountError`. Register a method for your own class with
    ``@destructure.register``; it must return a list.

    R: ``destructure.shape <- function(x) list(x$sides, x$color)``
    Python: ``@destructure.register(Shape)`` / ``def _(x): return [x.sides, x.color]``
    """
    kind = type(value).__name__
    if _register_pandas():  # a pandas object met before its methods were registered
        return destructure(value)
    raise UnpackValueCountError(
        INCORRECT_NUMBER_OF_VALUES + f": destructure() has no method for {kind}; "
        f"register one with @destructure.register({kind})"
    )


_destructure_default = destructure.dispatch(object)


@destructure.register(str)
def _destructure_str(value: str) -> list[Any]:
    return list(value)


@destructure.register(datetime.date)
def _destructure_date(value: datetime.date) -> list[Any]:
    return [value.year, value.month, value.day]


@destructure.register(np.datetime64)
def _destructure_datetime64(value: np.datetime64) -> list[Any]:
    day = value.astype("datetime64[D]").item()
    if not isinstance(day, datetime.date):
        return _destructure_default(value)
    return _destructure_date(day)


@destructure.register(complex)
@destructure.register(np.complexfloating)
def _destructure_complex(value: complex) -> list[Any]:
    return [value.real, value.imag]


def _destructure_data_frame(value: Any) -> list[Any]:
    # by position, so that duplicated column names still give one Series each
    return [value.iloc[:, j] for j in range(value.shape[1])]


def _destructure_series(value: Any) -> list[Any]:
    return value.tolist()


def _register_pandas() -> bool:
    """Register the pandas methods once pandas is loaded (``import kerasr`` stays fast).

    Returns True when it registered them just now."""
    pd = sys.modules.get("pandas")
    if pd is None or pd.DataFrame in destructure.registry:
        return False
    destructure.register(pd.DataFrame, _destructure_data_frame)
    destructure.register(pd.Series, _destructure_series)
    return True


@destructure.register(Mapping)
def _destructure_mapping(value: Mapping[Any, Any]) -> list[Any]:
    return list(value.values())


@destructure.register(NamedList)
def _destructure_named_list(value: NamedList) -> list[Any]:
    return value.values()


@destructure.register(np.ndarray)
def _destructure_ndarray(value: np.ndarray) -> list[Any]:
    if value.ndim == 0:
        return destructure(value[()])
    return list(value)


@destructure.register(list)
@destructure.register(tuple)
@destructure.register(Sequence)
def _destructure_sequence(value: Sequence[Any]) -> list[Any]:
    return list(value)


def has_method(value: Any) -> bool:
    _register_pandas()
    return destructure.dispatch(type(value)) is not _destructure_default
