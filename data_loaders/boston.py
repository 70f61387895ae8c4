"""Boston housing from the shipped MASS-order CSV, split exactly as Keras splits it.

Keras's ``boston_housing.npz`` holds MASS::Boston's rows in their original order (x = the 13
columns crim..lstat, y = medv), and splits them with numpy's legacy ``RandomState(seed)``
shuffling ``arange(506)``; doing the same on the shipped CSV gives Keras's arrays without a
download (see ``shared/reference/datasets.md`` section 3).
"""

from __future__ import annotations

import io
import numbers
import os
import zipfile

import numpy as np
import pandas as pd

from ._files import shipped_file
from .errors import DataFormatError, DataValueError

__all__ = [
    "FEATURE_NAMES",
    "KERAS_FEATURE_NAMES",
    "TARGET_NAME",
    "load_boston_frame",
    "load_boston_housing",
    "read_boston_npz",
    "split_indices",
]

#: The 13 feature columns in Keras's order, with MASS's (R's) names.
FEATURE_NAMES: tuple[str, ...] = (
    "crim",
    "zn",
    "indus",
    "chas",
    "nox",
    "rm",
    "age",
    "dis",
    "rad",
    "tax",
    "ptratio",
    "black",
    "lstat",
)
#: The same columns with the StatLib / Keras docstring names.
KERAS_FEATURE_NAMES: tuple[str, ...] = (
    "CRIM",
    "ZN",
    "INDUS",
    "CHAS",
    "NOX",
    "RM",
    "AGE",
    "DIS",
    "RAD",
    "TAX",
    "PTRATIO",
    "B",
    "LSTAT",
)
#: The target: median home value in $1000s.
TARGET_NAME = "medv"


def _read_csv() -> pd.DataFrame:
    text = shipped_file("Boston.csv").read_text(encoding="utf-8")
    header, _, body = text.partition("\n")
    columns = header.strip().split(",")[1:]
    expected = [*FEATURE_NAMES, TARGET_NAME]
    # numpy's parser converts decimals with correct rounding: the same doubles as Keras's npz
    values = np.loadtxt(io.StringIO(body), delimiter=",", dtype=np.float64, ndmin=2)
    if columns != expected or values.shape != (506, 15):
        raise DataFormatError(
            f"load_boston_housing(): the shipped Boston.csv has columns {columns} and shape "
            f"{values.shape}; expected {expected} and 506 rows (reinstall kerasr)"
        )
    return pd.DataFrame(values[:, 1:], columns=expected)


def load_boston_frame() -> pd.DataFrame:
    """All 506 rows of MASS::Boston as a DataFrame (R's column names, original order).

    R: ``data(Boston, package = "MASS")``
    Python: ``boston = load_boston_frame()``
    """
    return _read_csv()


def split_indices(
    n: int, test_split: float = 0.2, seed: int = 113
) -> tuple[np.ndarray, np.ndarray]:
    """Keras's row permutation: ``RandomState(seed).shuffle(arange(n))``, cut at
    ``int(n * (1 - test_split))``. Returns 0-based (train_rows, test_rows).

    R: (no equivalent; R's ``set.seed(113); sample()`` gives another order)
    Python: ``train_rows, test_rows = split_indices(506)``
    """
    indices = np.arange(n)
    np.random.RandomState(seed).shuffle(indices)
    cut = int(n * (1 - test_split))
    return indices[:cut], indices[cut:]


def load_boston_housing(
    test_split: float = 0.2, seed: int = 113
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Boston housing as ``keras.datasets.boston_housing.load_data`` returns it, bit for bit.

    ``((x_train, y_train), (x_test, y_test))``: float64, 404/102 rows with the defaults. No
    download: the CSV ships with the package. Column names: ``FEATURE_NAMES``.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_boston_housing()``
    Python: ``(x_train, y_train), (x_test, y_test) = load_boston_housing()``
    """
    if (
        isinstance(test_split, bool)
        or not isinstance(test_split, numbers.Real)
        or not 0 <= float(test_split) < 1
    ):
        raise DataValueError(
            f"load_boston_housing(): `test_split` must be a number in [0, 1), got {test_split!r}; "
            "use e.g. test_split=0.2"
        )
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise DataValueError(
            f"load_boston_housing(): `seed` must be a non-negative integer, got {seed!r}; "
            "use e.g. seed=113"
        )
    frame = _read_csv()
    x = frame[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    y = frame[TARGET_NAME].to_numpy(dtype=np.float64)
    train_rows, test_rows = split_indices(len(x), float(test_split), int(seed))
    return (x[train_rows], y[train_rows]), (x[test_rows], y[test_rows])


def read_boston_npz(
    path: str | os.PathLike[str], *, function: str = "read_boston_npz", argument: str = "path"
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` from an npz laid out like Keras's ``boston_housing.npz``: numeric ``x`` with
    one row per case (13 columns in Keras's file), ``y`` with one value per row. Never
    unpickles: a pickle, or an npz holding pickled (object) arrays, is refused with a
    :class:`DataFormatError` naming ``function`` and ``argument``, as is any other layout.

    R: ``dataset_boston_housing(path = "boston_housing.npz")``
    Python: ``x, y = read_boston_npz("boston_housing.npz")``
    """
    where = f"{function}(): `{argument}` {os.fspath(path)!r}"
    resave = "re-save it with numpy.savez(path, x=x.astype('float64'), y=y.astype('float64'))"
    with open(path, "rb") as f:
        head = f.read(6)
    if head[:1] == b"\x80":  # pickle protocol 2 and later
        raise DataFormatError(
            f"{where} is a Python pickle, not an npz; kerasr does not load pickles (they can run "
            f"code when loaded); {resave}"
        )
    if head == b"\x93NUMPY" or not zipfile.is_zipfile(path):
        raise DataFormatError(
            f"{where} is not an npz archive (a zip of .npy arrays); expected Keras's "
            f"boston_housing.npz layout with arrays `x` and `y`; {resave}"
        )
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [key for key in ("x", "y") if key not in npz.files]
            if missing:
                raise DataFormatError(
                    f"{where} has no array {' or '.join(f'`{k}`' for k in missing)} (it holds "
                    f"{sorted(npz.files)}); expected Keras's boston_housing.npz layout; {resave}"
                )
            for key in ("x", "y"):
                try:
                    arrays[key] = npz[key]
                except ValueError as exc:
                    if "pickle" not in str(exc):
                        raise
                    raise DataFormatError(
                        f"{where}: array `{key}` holds pickled Python objects (dtype object); "
                        f"kerasr does not load pickles (they can run code when loaded); {resave}"
                    ) from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc, DataFormatError):
            raise
        raise DataFormatError(f"{where} is not a readable npz archive ({exc}); {resave}") from exc
    x, y = arrays["x"], arrays["y"]
    numeric = all(np.issubdtype(a.dtype, np.number) for a in (x, y))
    if not numeric or x.ndim != 2 or y.ndim != 1 or len(y) != len(x):
        raise DataFormatError(
            f"{where} holds x {x.shape} {x.dtype} and y {y.shape} {y.dtype}; expected numeric "
            "x of shape (n, columns) and y of shape (n,), as in Keras's boston_housing.npz "
            "(n = 506, 13 columns)"
        )
    return x, y
