"""Reuters newswires from Keras's ``reuters.npz``, processed exactly as ``keras.datasets.reuters``.

One array of 11,228 word-rank sequences (``x``) and topic labels (``y``, 0-45): shuffled with
``RandomState(seed)``, shifted and cut as for IMDB (:mod:`data_loaders.imdb`), then split at
``int(n * (1 - test_split))`` (8,982 train / 2,246 test with the defaults).
"""

from __future__ import annotations

import numbers
import os
from typing import Any

import numpy as np

from .errors import DataValueError
from .imdb import (
    Split,
    _as_lists,
    _check_options,
    _fetch_npz,
    _labels,
    keras_sequences,
    load_word_index,
    read_sequences_npz,
)

__all__ = ["REUTERS_LABEL_NAMES", "load_reuters", "load_reuters_word_index"]

#: The 46 topics by label (keras.datasets.reuters.get_label_names()).
REUTERS_LABEL_NAMES: tuple[str, ...] = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_reuters(
    path: str | os.PathLike[str] = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    *,
    directory: str | os.PathLike[str] | None = None,
    file: str | os.PathLike[str] | None = None,
    **fetch_options: Any,
) -> Split:
    """Reuters as ``keras.datasets.reuters.load_data`` returns it: ``((x_train, y_train),
    (x_test, y_test))``, x as lists of int lists, y as int arrays.

    ``file``: read this local npz instead (no download, no digest check), e.g. a fixture.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_reuters(num_words = 10000)``
    Python: ``(x_train, y_train), (x_test, y_test) = load_reuters(num_words=10000)``
    """
    function = "load_reuters"
    _check_options(function, num_words=num_words, skip_top=skip_top, maxlen=maxlen, seed=seed,
                   start_char=start_char, oov_char=oov_char, index_from=index_from)
    if (
        isinstance(test_split, bool) or not isinstance(test_split, numbers.Real)
        or not 0 <= float(test_split) < 1
    ):
        raise DataValueError(
            f"{function}(): `test_split` must be a number in [0, 1), got {test_split!r}; "
            "use e.g. test_split = 0.2"
        )
    npz = _fetch_npz("reuters.npz", path, directory, function, fetch_options, file)
    arrays = read_sequences_npz(npz, ("x", "y"), function)
    xs = _as_lists(arrays["x"], "x", npz, function)
    ys = _labels(arrays["y"], len(xs), "y", npz, function)
    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs, ys = [xs[i] for i in order.tolist()], ys[order]
    (xs,), (ys,) = keras_sequences(
        [xs], [ys], num_words=num_words, skip_top=skip_top, maxlen=maxlen,
        start_char=start_char, oov_char=oov_char, index_from=index_from, function=function,
    )
    cut = int(len(xs) * (1 - float(test_split)))
    return (xs[:cut], ys[:cut]), (xs[cut:], ys[cut:])


def load_reuters_word_index(
    path: str | os.PathLike[str] = "reuters_word_index.json",
    *,
    directory: str | os.PathLike[str] | None = None,
    file: str | os.PathLike[str] | None = None,
    **fetch_options: Any,
) -> dict[str, int]:
    """The Reuters word index: word -> frequency rank; data indices are rank + 3.
    ``file``: read this local JSON instead (no download, no digest check).

    R: ``word_index <- dataset_reuters_word_index()``
    Python: ``word_index = load_reuters_word_index()``
    """
    return load_word_index(
        "reuters_word_index.json", path, "load_reuters_word_index", directory, file,
        **fetch_options,
    )
