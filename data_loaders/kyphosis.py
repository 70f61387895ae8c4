"""rpart's kyphosis data (81 children after corrective spinal surgery), shipped with the package."""

from __future__ import annotations

import io

import pandas as pd

from ._files import shipped_file
from .errors import DataFormatError

__all__ = ["LEVELS", "load_kyphosis"]

#: The factor levels of ``Kyphosis``, in R's (alphabetical) order.
LEVELS: tuple[str, ...] = ("absent", "present")


def load_kyphosis() -> pd.DataFrame:
    """The kyphosis data frame with R's types.

    81 rows; ``Kyphosis`` is categorical with levels ``absent``, ``present`` (R factor);
    ``Age`` (months), ``Number`` (vertebrae involved) and ``Start`` (first vertebra operated on)
    are integers (int64).

    R: ``data(kyphosis, package = "rpart")``
    Python: ``kyphosis = load_kyphosis()``
    """
    text = shipped_file("kyphosis.csv").read_text(encoding="utf-8")
    frame = pd.read_csv(
        io.StringIO(text),
        index_col=0,
        dtype={"Kyphosis": "str", "Age": "int64", "Number": "int64", "Start": "int64"},
    )
    if list(frame.columns) != ["Kyphosis", "Age", "Number", "Start"] or len(frame) != 81:
        raise DataFormatError(
            f"load_kyphosis(): the shipped kyphosis.csv has columns {list(frame.columns)} and "
            f"{len(frame)} rows; expected Kyphosis, Age, Number, Start and 81 rows"
        )
    unknown = set(frame["Kyphosis"]) - set(LEVELS)
    if unknown:
        raise DataFormatError(
            f"load_kyphosis(): unexpected Kyphosis values {sorted(unknown)}; expected {LEVELS}"
        )
    frame["Kyphosis"] = pd.Categorical(frame["Kyphosis"], categories=list(LEVELS))
    frame.index = pd.RangeIndex(len(frame))
    return frame
