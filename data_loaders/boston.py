"""Boston housing from the shipped MASS-order CSV, split exactly as Keras splits it.

Keras's ``boston_housing.npz`` holds MASS::Boston's rows in their original order (x = the 13
columns crim..lstat, y = medv), and splits them with numpy's legacy ``RandomState(seed)``
shuffling ``arange(506)``; doing the same on the shipped CSV gives Keras's arrays without a
download (see ``shared/reference/datasets.md`` section 3).
"""

from __future__ import annotations

import io
import numbers

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
