"""Runtime side of the generated ``application_*`` family: pretrained models with R's
arguments, and their ``*_preprocess_input`` / ``*_decode_predictions`` helpers.

Weights (``weights = "imagenet"``) are downloaded once by Keras's own code, into Keras's
cache (``~/.keras/models``), verified against the digests Keras pins; when kerasr's
``get_file()`` is available (``kerasr.downloads``) the download goes through it, so it is
atomic, resumable and bounded in time like every kerasr download.

R: ``conv_base <- application_vgg16(weights = "imagenet", include_top = FALSE,
input_shape = c(150, 150, 3))``
Python: ``conv_base = application_vgg16(weights="imagenet", include_top=False,
input_shape=(150, 150, 3))``
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import _keras
from ..arguments import REQUIRED, as_int, as_shape
from ..errors import ArgumentError, InvalidValueError
from .factories import KERAS_DEFAULT

__all__ = ["application_helper", "create_application"]

_POOLING = (None, "avg", "max")


def _arguments(r_name: str, args: dict[str, Any]) -> dict[str, Any]:
    missing = [n for n, v in args.items() if v is REQUIRED]
    if missing:
        raise ArgumentError(f"{r_name}(): missing required argument `{missing[0]}`")
    kwargs = {k: v for k, v in args.items() if v is not KERAS_DEFAULT}
    if kwargs.get("input_shape") is not None:
        kwargs["input_shape"] = as_shape(kwargs["input_shape"], r_name, "input_shape")
    if "classes" in kwargs:
        kwargs["classes"] = as_int(kwargs["classes"], r_name, "classes")
    if kwargs.get("pooling") not in _POOLING:
        raise InvalidValueError(
            f"{r_name}(): `pooling` must be NULL (None), \"avg\" or \"max\", got "
            f"{kwargs['pooling']!r}"
        )
    weights = kwargs.get("weights")
    if weights == "imagenet" and kwargs.get("include_top", True) and kwargs.get(
            "classes", 1000) != 1000:
        raise InvalidValueError(
            f"{r_name}(): `weights = \"imagenet\"` with `include_top = TRUE` needs "
            f"`classes = 1000` (got {kwargs['classes']}); use include_top = FALSE and add your "
            f"own classifier, or weights = NULL"
        )
    return kwargs


@contextlib.contextmanager
def _kerasr_downloads() -> Iterator[None]:
    """Route Keras's weight downloads through kerasr's ``get_file()`` when it exists."""
    try:
        downloads = importlib.import_module("kerasr.downloads")
    except ImportError:  # pragma: no cover - the downloads module is optional here
        yield
        return
    file_utils = importlib.import_module("keras.src.utils.file_utils")
    keras_get_file = file_utils.get_file

    def get_file(fname: Any = None, origin: Any = None, **kwargs: Any) -> Any:
        return downloads.get_file(fname, origin, **kwargs)

    file_utils.get_file = get_file
    try:
        yield
    finally:
        file_utils.get_file = keras_get_file


def create_application(function_name: str, r_name: str, args: dict[str, Any]) -> Any:
    """Build ``keras.applications.<function_name>`` from R-style arguments."""
    kwargs = _arguments(r_name, args)
    function = getattr(_keras.keras().applications, function_name)
    try:
        with _kerasr_downloads():
            return function(**kwargs)
    except ValueError as exc:
        raise InvalidValueError(f"{r_name}(): {exc}") from None
    except TypeError as exc:
        raise ArgumentError(f"{r_name}(): {exc}") from None


def application_helper(module: str, function_name: str, r_name: str,
                       args: dict[str, Any]) -> Any:
    """Call ``keras.applications.<module>.<function_name>``; decoded predictions come back
    as R does: one data frame per sample (``class_name``, ``class_description``, ``score``)."""
    kwargs = {k: v for k, v in args.items() if v is not KERAS_DEFAULT}
    first = next(iter(kwargs))
    if kwargs[first] is REQUIRED:
        raise ArgumentError(f"{r_name}(): missing required argument `{first}`")
    function = getattr(getattr(_keras.keras().applications, module), function_name)
    if function_name == "preprocess_input":
        x = kwargs.pop(first)
        x = np.array(x, dtype="float32", copy=True)  # Keras works in place on float arrays
        return function(x, **kwargs)
    if "top" in kwargs:
        kwargs["top"] = as_int(kwargs["top"], r_name, "top")
    try:
        decoded = function(**kwargs)
    except ValueError as exc:
        raise InvalidValueError(f"{r_name}(): {exc}") from None
    import pandas as pd

    return [pd.DataFrame(rows, columns=["class_name", "class_description", "score"])
            for rows in decoded]
