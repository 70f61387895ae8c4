"""Arrays as R workshop code shapes them: one-hot labels, row-major reshapes, norms, shapes.

R: ``y <- to_categorical(y, 10); x <- array_reshape(x, c(60000, 784))``
Python: ``y = to_categorical(y, 10); x = array_reshape(x, (60000, 784))``"""

from __future__ import annotations

from typing import Any

import numpy as np

from .arguments import as_int, as_shape
from .errors import InvalidValueError
from .pipe import Target, verb

__all__ = ["array_reshape", "normalize", "shape", "to_categorical"]


ARRAY = Target(
    lambda x: isinstance(x, np.ndarray) or hasattr(x, "__array__") and not callable(x),
    "an array",
)


@verb(Target(lambda x: isinstance(x, (np.ndarray, list, tuple)) or hasattr(x, "__array__"),
             "an array or a list of labels"))
def to_categorical(y: Any, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """One-hot encode 0-based integer labels (``num_classes`` defaults to ``max(y) + 1``).

    Labels stay 0-based, as in R: shift 1-based labels first (``y - 1``).

    R: ``to_categorical(y_train, 10)``
    Python: ``to_categorical(y_train, 10)``
    """
    labels = np.asarray(y)
    if hasattr(y, "cat") and hasattr(y.cat, "codes"):
        labels = np.asarray(y.cat.codes)
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
            raise InvalidValueError(
                "to_categorical(): `y` must hold whole-number class labels (0, 1, 2, ...)"
            )
        labels = labels.astype("int64")
    if labels.dtype.kind not in "iub":
        raise InvalidValueError(
            f"to_categorical(): `y` must hold integer class labels, got dtype {labels.dtype}; "
            f"encode strings first, e.g. pandas.Categorical(y).codes"
        )
    if labels.size and labels.min() < 0:
        raise InvalidValueError(
            f"to_categorical(): labels must be >= 0 (found {int(labels.min())})"
        )
    top = int(labels.max()) + 1 if labels.size else 0
    if num_classes is None:
        num_classes = top
    num_classes = as_int(num_classes, "to_categorical", "num_classes")
    if top > num_classes:
        raise InvalidValueError(
            f"to_categorical(): label {top - 1} does not fit num_classes={num_classes}; labels "
            f"are 0-based, so 1-based labels need y - 1 (or num_classes={top})"
        )
    flat = labels.reshape(-1) if labels.ndim > 1 and labels.shape[-1] == 1 else labels
    out = np.zeros(flat.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, flat[..., None].astype("int64"), 1, axis=-1)
    return out


@verb(ARRAY)
def array_reshape(x: Any, dim: Any, order: str = "C") -> np.ndarray:
    """Reshape an array row-major (C order) as NumPy does, unlike R's ``dim<-``.

    R: ``x_train <- array_reshape(x_train, c(60000, 28 * 28))``
    Python: ``x_train = array_reshape(x_train, (60000, 28 * 28))`` or
    ``x_train >> array_reshape((60000, 784))``
    """
    if order not in ("C", "F"):
        raise InvalidValueError(
            f"array_reshape(): `order` must be 'C' (row-major) or 'F' (column-major), got "
            f"{order!r}"
        )
    dims = list(dim) if isinstance(dim, (list, tuple)) else np.atleast_1d(dim).tolist()
    shape_ = tuple(
        -1 if d is None or d == -1 else as_int(d, "array_reshape", "dim") for d in dims
    )
    array = np.asarray(x)
    try:
        return np.reshape(array, shape_, order=order)
    except ValueError:
        raise InvalidValueError(
            f"array_reshape(): cannot reshape an array of {array.size} elements (shape "
            f"{array.shape}) into {shape_}; the new dimensions must multiply to {array.size}"
        ) from None


@verb(ARRAY)
def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Scale rows to unit norm (``order``-norm along ``axis``; R's 1-based axis, -1 = last).

    R: ``normalize(x)``
    Python: ``normalize(x)``
    """
    axis = as_int(axis, "normalize", "axis")
    if axis == 0:
        raise InvalidValueError("normalize(): `axis` is 1-based, as in R (0 was passed)")
    array = np.asarray(x, dtype="float32" if np.asarray(x).dtype.kind != "f" else None)
    py_axis = axis - 1 if axis > 0 else axis
    norm = np.linalg.norm(array, ord=order, axis=py_axis, keepdims=True)
    norm[norm == 0] = 1
    return array / norm


def shape(*dims: Any) -> tuple[int | None, ...]:
    """A shape tuple (``None`` for unknown sizes), as R's ``shape(NULL, NULL, 3)``.

    R: ``shape(NULL, NULL, 3)``
    Python: ``shape(None, None, 3)``
    """
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = tuple(dims[0])
    return as_shape(list(dims), "shape", "dims")
