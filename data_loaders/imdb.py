"""IMDB movie reviews from Keras's ``imdb.npz``, processed exactly as ``keras.datasets.imdb``.

The npz holds ragged word-rank sequences as numpy *object* arrays, which numpy stores as
pickles. They are read with an unpickler that accepts only what rebuilds a numpy array
(``numpy.ndarray``, ``numpy.dtype``, ``multiarray._reconstruct``), as Keras 3.15 does, so a
tampered file cannot run code. The processing (shuffle with ``RandomState(seed)``, ``start_char``
and ``index_from`` shifting, dropping sequences of ``maxlen`` or more, ``skip_top`` /
``num_words`` / ``oov_char``) follows ``keras/src/datasets/imdb.py`` (``shared/reference/
wave2.md`` section 7.3), vectorized with numpy. Sequences come back as lists of Python ints.
"""

from __future__ import annotations

import hashlib
import io
import json
import numbers
import os
import pickle
import zipfile
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from . import registry
from .cache import cache_dir
from .download import fetch, forget
from .errors import ChecksumError, DataFormatError, DataValueError

__all__ = [
    "WORD_INDEX_MD5",
    "keras_sequences",
    "load_imdb",
    "load_word_index",
    "load_imdb_word_index",
    "read_sequences_npz",
]

Sequences = list[list[int]]
Split = tuple[tuple[Sequences, np.ndarray], tuple[Sequences, np.ndarray]]

#: Keras pins the word-index files by MD5 only (keras/src/datasets/*.py); checked after fetch.
WORD_INDEX_MD5: dict[str, str] = {
    "imdb_word_index.json": "bfafd718b763782e994055a2d397834f",
    "reuters_word_index.json": "4d44cc38712099c9e383dc6e5f11a921",
}
_ALLOWED = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused global {module}.{name}")


def _read_member(data: bytes) -> np.ndarray:
    stream = io.BytesIO(data)
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError as exc:
        if "allow_pickle" not in str(exc):
            raise
    stream.seek(0)
    version = np.lib.format.read_magic(stream)
    if version[0] == 1:
        np.lib.format.read_array_header_1_0(stream)
    else:  # 2.0 and 3.0 share the header-length layout
        np.lib.format.read_array_header_2_0(stream)
    array = _ArrayUnpickler(stream).load()
    if not isinstance(array, np.ndarray):
        raise ValueError(f"the member holds a {type(array).__name__}, not an array")
    return array


def read_sequences_npz(
    path: str | os.PathLike[str], keys: tuple[str, ...], function: str = "read_sequences_npz"
) -> dict[str, np.ndarray]:
    """Read members ``keys`` of a Keras sequence npz (object arrays via a restricted unpickler).

    R: (no equivalent; R keras 2 used ``np.load(allow_pickle = TRUE)``)
    Python: ``read_sequences_npz("imdb.npz", ("x_train", "y_train", "x_test", "y_test"))``
    """
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            missing = [k for k in keys if f"{k}.npy" not in names]
            if missing:
                raise DataFormatError(
                    f"{function}(): {os.fspath(path)!r} lacks {', '.join(missing)}; expected the "
                    f"arrays {', '.join(keys)}"
                )
            for key in keys:
                arrays[key] = _read_member(archive.read(f"{key}.npy"))
    except DataFormatError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, pickle.UnpicklingError) as exc:
        raise DataFormatError(
            f"{function}(): cannot read {os.fspath(path)!r} safely ({exc}); delete the file so it "
            "is downloaded again"
        ) from exc
    return arrays


def _as_lists(x: np.ndarray, key: str, path: Any, function: str) -> list[list[int]]:
    if x.ndim == 2 and x.dtype.kind in "iuO":  # equal-length sequences make a 2-D array
        rows = list(x)
    elif x.ndim == 1:
        rows = list(x)
    else:
        raise DataFormatError(
            f"{function}(): {key} in {os.fspath(path)!r} is {x.dtype} {x.shape}; expected a 1-D "
            "object array of integer sequences"
        )
    out = []
    for row in rows:
        seq = row.tolist() if isinstance(row, np.ndarray) else row
        if isinstance(seq, list) and set(map(type, seq)) <= {int}:  # the usual case, in C
            out.append(seq)
            continue
        if not isinstance(seq, list) or not all(
            isinstance(w, numbers.Integral) and not isinstance(w, bool) for w in seq
        ):
            raise DataFormatError(
                f"{function}(): {key} in {os.fspath(path)!r} holds a {type(row).__name__} that is "
                "not a list of integers"
            )
        out.append([int(w) for w in seq])
    return out


def _labels(y: np.ndarray, n: int, key: str, path: Any, function: str) -> np.ndarray:
    if y.ndim != 1 or len(y) != n or y.dtype.kind not in "iu":
        raise DataFormatError(
            f"{function}(): {key} in {os.fspath(path)!r} is {y.dtype} {y.shape}; expected {n} "
            "integer labels"
        )
    return y


def _check_options(function: str, **values: Any) -> None:
    for name, value in values.items():
        if value is None and name in ("num_words", "maxlen", "start_char", "oov_char"):
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            can_be_null = name in ("num_words", "maxlen", "start_char", "oov_char")
            raise DataValueError(
                f"{function}(): `{name}` must be a non-negative whole number"
                f"{' or None (NULL)' if can_be_null else ''}, got {value!r}"
            )


def keras_sequences(
    parts: list[Sequences],
    labels: list[np.ndarray],
    *,
    num_words: int | None,
    skip_top: int,
    maxlen: int | None,
    start_char: int | None,
    oov_char: int | None,
    index_from: int,
    function: str,
) -> tuple[list[Sequences], list[np.ndarray]]:
    """Keras's steps 2-5 on already shuffled parts: shift, drop long ones, cut the vocabulary.

    R: (inside ``dataset_imdb()``)
    Python: ``keras_sequences([x_train], [y_train], num_words=10000, ...)``
    """
    # vectorized: one flat int64 array of every index, with the length of every sequence
    sizes = [len(xs) for xs in parts]
    lengths = np.fromiter((len(x) for xs in parts for x in xs), dtype=np.int64, count=sum(sizes))
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(parts)), dtype=np.int64,
                       count=int(lengths.sum()))
    # 2. start_char and index_from
    if start_char is not None:
        flat = np.insert(flat + index_from, np.cumsum(lengths) - lengths, start_char)
        lengths = lengths + 1
    elif index_from:
        flat = flat + index_from
    # 3. maxlen: drop (not truncate) sequences with len >= maxlen (the start char counts)
    if maxlen:
        keep = lengths < maxlen
        kept = np.split(keep, np.cumsum(sizes)[:-1])
        if not all(k.any() for k in kept):
            raise DataValueError(
                f"{function}(): after filtering for sequences shorter than maxlen={maxlen}, no "
                "sequence was kept. Increase maxlen."
            )
        labels = [y[k] for y, k in zip(labels, kept)]
        flat = flat[np.repeat(keep, lengths)]
        lengths = lengths[keep]
        sizes = [int(k.sum()) for k in kept]
    # 4. num_words defaults to the largest index; 5. skip_top <= w < num_words, else oov_char
    if not num_words:
        num_words = int(flat.max()) if flat.size else 0
    inside = (flat >= skip_top) & (flat < num_words)
    if oov_char is not None:
        flat = np.where(inside, flat, oov_char)
    else:
        rows = np.repeat(np.arange(len(lengths)), lengths)
        flat = flat[inside]
        lengths = np.bincount(rows[inside], minlength=len(lengths))
    values = flat.tolist()
    ends = np.cumsum(lengths).tolist()
    sequences = [values[a:b] for a, b in zip([0, *ends[:-1]], ends)]
    out, first = [], 0
    for n in sizes:
        out.append(sequences[first:first + n])
        first += n
    return out, labels


def _local(file: str | os.PathLike[str], function: str) -> Path:
    local = Path(file).expanduser()
    if not local.is_file():
        raise DataValueError(f"{function}(): `file` {os.fspath(file)!r} is not a file")
    return local


def _fetch_npz(key: str, path: str | os.PathLike[str], directory: Any, function: str,
               fetch_options: dict[str, Any], file: str | os.PathLike[str] | None = None) -> Path:
    if file is not None:  # a local copy (a fixture, a mirror): read as is, no digest
        return _local(file, function)
    if not os.fspath(path).endswith(".npz"):
        raise DataValueError(
            f"{function}(): `path` must name an .npz file such as {key!r}, got {path!r}"
        )
    base = cache_dir(directory, create=False)
    return fetch(registry.get(key), dest=base / Path(path), **fetch_options)


def load_imdb(
    path: str | os.PathLike[str] = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    *,
    directory: str | os.PathLike[str] | None = None,
    file: str | os.PathLike[str] | None = None,
    **fetch_options: Any,
) -> Split:
    """IMDB as ``keras.datasets.imdb.load_data`` returns it: ``((x_train, y_train), (x_test,
    y_test))``, x as lists of int lists, y as int arrays (25,000 each).

    ``file``: read this local npz instead (no download, no digest check), e.g. a fixture.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_imdb(num_words = 10000)``
    Python: ``(x_train, y_train), (x_test, y_test) = load_imdb(num_words=10000)``
    """
    function = "load_imdb"
    _check_options(function, num_words=num_words, skip_top=skip_top, maxlen=maxlen, seed=seed,
                   start_char=start_char, oov_char=oov_char, index_from=index_from)
    npz = _fetch_npz("imdb.npz", path, directory, function, fetch_options, file)
    keys = ("x_train", "y_train", "x_test", "y_test")
    arrays = read_sequences_npz(npz, keys, function)
    x_train = _as_lists(arrays["x_train"], "x_train", npz, function)
    x_test = _as_lists(arrays["x_test"], "x_test", npz, function)
    y_train = _labels(arrays["y_train"], len(x_train), "y_train", npz, function)
    y_test = _labels(arrays["y_test"], len(x_test), "y_test", npz, function)
    # 1. one RandomState shuffles the train indices, then the test indices
    rng = np.random.RandomState(seed)
    parts, labels = [], []
    for xs, ys in ((x_train, y_train), (x_test, y_test)):
        order = np.arange(len(xs))
        rng.shuffle(order)
        parts.append([xs[i] for i in order.tolist()])
        labels.append(ys[order])
    (train, test), (y_train, y_test) = keras_sequences(
        parts, labels, num_words=num_words, skip_top=skip_top, maxlen=maxlen,
        start_char=start_char, oov_char=oov_char, index_from=index_from, function=function,
    )
    return (train, y_train), (test, y_test)


def load_word_index(
    key: str, path: str | os.PathLike[str], function: str,
    directory: str | os.PathLike[str] | None = None,
    local: str | os.PathLike[str] | None = None, **fetch_options: Any,
) -> dict[str, int]:
    """Fetch a Keras word-index JSON (registry ``key``), check its MD5, return word -> rank.
    ``local``: read this file instead (no download, no digest check).

    R: ``dataset_imdb_word_index()``
    Python: ``load_word_index("imdb_word_index.json", "imdb_word_index.json", "load")``
    """
    if local is not None:
        file = _local(local, function)
        data = file.read_bytes()
    else:
        if not os.fspath(path):
            raise DataValueError(f"{function}(): `path` must be a file name, got {path!r}")
        base = cache_dir(directory, create=False)
        file = fetch(registry.get(key), dest=base / Path(path), **fetch_options)
        data = file.read_bytes()
    expected = WORD_INDEX_MD5[key]
    if local is None and hashlib.md5(data).hexdigest() != expected:
        forget(file)
        raise ChecksumError(
            f"{function}(): {str(file)!r} does not match the MD5 Keras pins for {key} "
            f"({expected}); it was removed, so the next call downloads it again"
        )
    try:
        index = json.loads(data.decode("utf-8"))
    except ValueError as exc:
        raise DataFormatError(f"{function}(): {str(file)!r} is not valid JSON ({exc})") from exc
    if not isinstance(index, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in index.values()
    ):
        raise DataFormatError(
            f"{function}(): {str(file)!r} is not a word index (a JSON object of word: rank)"
        )
    return index


def load_imdb_word_index(
    path: str | os.PathLike[str] = "imdb_word_index.json",
    *,
    directory: str | os.PathLike[str] | None = None,
    file: str | os.PathLike[str] | None = None,
    **fetch_options: Any,
) -> dict[str, int]:
    """The IMDB word index: word -> frequency rank (``"the": 1``); data indices are rank + 3.
    ``file``: read this local JSON instead (no download, no digest check).

    R: ``word_index <- dataset_imdb_word_index()``
    Python: ``word_index = load_imdb_word_index()``
    """
    return load_word_index(
        "imdb_word_index.json", path, "load_imdb_word_index", directory, file, **fetch_options
    )
