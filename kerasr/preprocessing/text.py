"""R keras 2's text preprocessing: the ``text_tokenizer`` family, and ``adapt`` /
``get_vocabulary`` for ``layer_text_vectorization``.

Keras 3 removed ``Tokenizer``, ``text_to_word_sequence``, ``one_hot`` and ``hashing_trick``;
kerasr re-implements them (:mod:`kerasr.preprocessing.text_core`) with results identical to
``keras_preprocessing`` 1.1.2, the code R keras 2.x called::

    # R:      tokenizer <- text_tokenizer(num_words = 10000) %>% fit_text_tokenizer(texts)
    # Python: tokenizer = text_tokenizer(num_words=10000) >> fit_text_tokenizer(texts)

Differences from R keras 2.3, each where R did something surprising:

- ``fit_text_tokenizer(tokenizer, x)``: R fitted *sequences* whenever ``x`` was an R list, even
  a list of strings (``as.list(texts)`` mis-fitted silently). Here a list of strings is texts;
  only a list of integer sequences is fitted as sequences.
- ``texts_to_matrix`` / ``sequences_to_matrix`` without ``mode``: R passed all four modes to
  Python and failed with "Unknown vectorization mode" (or returned zeros when every sequence
  was empty); here ``mode`` is required and checked.
- ``num_words``: R's help says the ``num_words`` most common words are kept; like the reference
  code, conversions keep indices ``1 .. num_words - 1`` (``num_words - 2`` words with an
  ``oov_token``, which takes index 1).
- ``index_word`` has integer keys (R's names ``"1"``, ``"2"`` are accepted as keys too).
- ``save_text_tokenizer`` writes the reference's JSON (``to_json()``), not a pickle;
  ``load_text_tokenizer`` reads R keras 2's pickles only with ``allow_pickle=True``.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import numbers
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .. import _keras
from ..errors import InvalidValueError
from ..pipe import Deferred, Target, verb
from .text_core import (
    DEFAULT_FILTERS,
    MODES,
    Tokenizer,
    as_sequences,
    as_texts,
    checked_iter,
    describe,
    word_splitter,
)
from .text_io import TokenizerFileError, read_tokenizer, write_tokenizer

__all__ = [
    "Tokenizer",
    "TokenizerFileError",
    "adapt",
    "fit_text_tokenizer",
    "get_vocabulary",
    "load_text_tokenizer",
    "save_text_tokenizer",
    "sequences_to_matrix",
    "sequences_to_texts",
    "text_hashing_trick",
    "text_one_hot",
    "text_to_word_sequence",
    "text_tokenizer",
    "texts_to_matrix",
    "texts_to_sequences",
    "texts_to_sequences_generator",
]

TOKENIZER = Target(lambda o: isinstance(o, Tokenizer), "a text tokenizer (from text_tokenizer())")
ADAPTABLE = Target(
    lambda o: _keras.is_layer(o) and callable(getattr(o, "adapt", None)),
    "a preprocessing layer with adapt() (layer_text_vectorization(), layer_normalization(), ...)",
)
VOCABULARY_LAYER = Target(
    lambda o: _keras.is_layer(o) and callable(getattr(o, "get_vocabulary", None)),
    "a layer with a vocabulary (layer_text_vectorization(), layer_string_lookup(), ...)",
)


def text_tokenizer(
    num_words: int | None = None,
    filters: str = DEFAULT_FILTERS,
    lower: bool = True,
    split: str = " ",
    char_level: bool = False,
    oov_token: str | None = None,
) -> Tokenizer:
    """A text tokenizer: vectorizes texts into word-index sequences or matrices.

    ``num_words``: conversions keep the ``num_words - 1`` most frequent words (indices
    ``1 .. num_words - 1``; the vocabulary itself keeps every word). ``filters``: characters
    replaced by ``split`` before splitting (no filtering when ``char_level``). ``oov_token``:
    replaces unknown words, at index 1. Fit it with :func:`fit_text_tokenizer`.

    R: ``tokenizer <- text_tokenizer(num_words = 10000)``
    Python: ``tokenizer = text_tokenizer(num_words=10000)``
    """
    return Tokenizer(num_words, filters, lower, split, char_level, oov_token)


def _is_sequence_list(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return x.ndim == 2 and x.dtype.kind in "iu"
    if not isinstance(x, (list, tuple)) or not x:
        return False
    return all(isinstance(s, (list, tuple, np.ndarray, range)) for s in x)


@verb(TOKENIZER)
def fit_text_tokenizer(object: Tokenizer, x: Any) -> Tokenizer:
    """Update the tokenizer's vocabulary from texts (or integer sequences); refits accumulate.

    ``x``: a string, a sequence of strings, a generator (or a function returning an iterator)
    of strings, or a list of integer sequences (then only document frequencies for ``tfidf``
    are counted, R's ``fit_on_sequences``). Fits in place and returns the tokenizer.

    R: ``tokenizer %>% fit_text_tokenizer(texts)``
    Python: ``tokenizer >> fit_text_tokenizer(texts)``
    """
    if callable(x) and not isinstance(x, (str, list, tuple, np.ndarray)):
        x = x()  # R: a function is wrapped with py_iterator()
    if isinstance(x, Iterator):
        object.fit_on_texts(checked_iter(x, "fit_text_tokenizer", "x"))
    elif _is_sequence_list(x):
        object.fit_on_sequences(as_sequences(x, "fit_text_tokenizer", "x"))
    else:
        object.fit_on_texts(as_texts(x, "fit_text_tokenizer", "x"))
    return object


def _fitted(tokenizer: Tokenizer, function: str) -> None:
    if not tokenizer.word_index:
        raise InvalidValueError(
            f"{function}(): the tokenizer has not been fitted on texts (its word_index is "
            "empty); call fit_text_tokenizer(tokenizer, texts) first"
        )


@verb(TOKENIZER)
def texts_to_sequences(tokenizer: Tokenizer, texts: Any) -> list[list[int]]:
    """Each text as a list of word indices (words not kept are dropped, or become the OOV index).

    R: ``sequences <- texts_to_sequences(tokenizer, texts)``
    Python: ``sequences = texts_to_sequences(tokenizer, texts)``
    """
    texts = as_texts(texts, "texts_to_sequences")
    _fitted(tokenizer, "texts_to_sequences")
    return list(tokenizer.sequences_from_texts(texts))


@verb(TOKENIZER)
def texts_to_sequences_generator(tokenizer: Tokenizer, texts: Any) -> Iterator[list[int]]:
    """A generator of word-index lists, one per text (lazy: texts may be a generator too).

    R: ``gen <- texts_to_sequences_generator(tokenizer, texts); generator_next(gen)``
    Python: ``gen = texts_to_sequences_generator(tokenizer, texts); next(gen)``
    """
    _fitted(tokenizer, "texts_to_sequences_generator")
    if isinstance(texts, Iterator):
        items: Iterable[str] = checked_iter(texts, "texts_to_sequences_generator", "texts")
    else:
        items = as_texts(texts, "texts_to_sequences_generator")
    return tokenizer.sequences_from_texts(items)


@verb(TOKENIZER)
def sequences_to_texts(tokenizer: Tokenizer, sequences: Any) -> list[str]:
    """Turn word-index sequences back into space-joined texts (unknown indices dropped or OOV).

    R: ``texts <- sequences_to_texts(tokenizer, sequences)``
    Python: ``texts = sequences_to_texts(tokenizer, sequences)``
    """
    sequences = as_sequences(sequences, "sequences_to_texts")
    _fitted(tokenizer, "sequences_to_texts")
    return list(tokenizer.texts_from_sequences(sequences))


def _mode(mode: Any, function: str) -> str:
    if mode is None or not isinstance(mode, str) or mode not in MODES:
        given = "missing" if mode is None else f"{mode!r}"
        raise InvalidValueError(
            f"{function}(): `mode` must be one of {', '.join(repr(m) for m in MODES)}, got "
            f"{given}; e.g. mode = \"binary\" (R keras 2 had no default here either)"
        )
    return mode


@verb(TOKENIZER)
def texts_to_matrix(tokenizer: Tokenizer, texts: Any, mode: str | None = None) -> np.ndarray:
    """A float64 matrix, one row per text, ``num_words`` columns (``binary``, ``count``,
    ``tfidf`` or ``freq`` values; column 0 is never set).

    R: ``x <- texts_to_matrix(tokenizer, texts, mode = "binary")``
    Python: ``x = texts_to_matrix(tokenizer, texts, mode="binary")``
    """
    mode = _mode(mode, "texts_to_matrix")
    texts = as_texts(texts, "texts_to_matrix")
    _fitted(tokenizer, "texts_to_matrix")
    return tokenizer.matrix(list(tokenizer.sequences_from_texts(texts)), mode, "texts_to_matrix")


@verb(TOKENIZER)
def sequences_to_matrix(
    tokenizer: Tokenizer, sequences: Any, mode: str | None = None
) -> np.ndarray:
    """A float64 matrix from word-index sequences (``binary``, ``count``, ``tfidf``, ``freq``).

    R: ``x <- sequences_to_matrix(tokenizer, sequences, mode = "binary")``
    Python: ``x = sequences_to_matrix(tokenizer, sequences, mode="binary")``
    """
    mode = _mode(mode, "sequences_to_matrix")
    sequences = as_sequences(sequences, "sequences_to_matrix")
    return tokenizer.matrix(sequences, mode, "sequences_to_matrix")


@verb(TOKENIZER)
def save_text_tokenizer(object: Tokenizer, filename: str | os.PathLike[str]) -> Tokenizer:
    """Save a tokenizer as JSON (the reference's ``to_json()`` layout), atomically.

    R: ``save_text_tokenizer(tokenizer, "tokenizer")``
    Python: ``save_text_tokenizer(tokenizer, "tokenizer")``
    """
    if not isinstance(filename, (str, os.PathLike)) or not os.fspath(filename):
        raise InvalidValueError(
            f"save_text_tokenizer(): `filename` must be a file path, got {describe(filename)}"
        )
    folder = Path(filename).expanduser().parent
    if not folder.is_dir():
        raise InvalidValueError(
            f"save_text_tokenizer(): the folder of `filename` {os.fspath(filename)!r} does not "
            f"exist ({str(folder)!r}); create it first"
        )
    write_tokenizer(object, filename)
    return object


def load_text_tokenizer(
    filename: str | os.PathLike[str], allow_pickle: bool = False
) -> Tokenizer:
    """Load a tokenizer saved by :func:`save_text_tokenizer` (JSON, also the reference's
    ``to_json()``), or by R keras 2 (a pickle: pass ``allow_pickle=True`` if you trust it).

    R: ``tokenizer <- load_text_tokenizer("tokenizer")``
    Python: ``tokenizer = load_text_tokenizer("tokenizer")``
    """
    if not isinstance(filename, (str, os.PathLike)):
        raise InvalidValueError(
            f"load_text_tokenizer(): `filename` must be a file path, got {describe(filename)}"
        )
    if not isinstance(allow_pickle, bool):
        raise InvalidValueError(
            f"load_text_tokenizer(): `allow_pickle` must be TRUE or FALSE, got {allow_pickle!r}"
        )
    return read_tokenizer(filename, allow_pickle)


def _one_text(text: Any, function: str) -> str:
    if not isinstance(text, str):
        raise InvalidValueError(
            f"{function}(): `text` must be a single string, got {describe(text)}; for several "
            f"texts use [{function}(t, ...) for t in texts]"
        )
    return text


def text_to_word_sequence(
    text: str, filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " "
) -> list[str]:
    """Split a text into words: lowercase, replace ``filters`` by ``split``, split, drop empties.

    R: ``text_to_word_sequence("The cat sat.")``
    Python: ``text_to_word_sequence("The cat sat.")``
    """
    text = _one_text(text, "text_to_word_sequence")
    Tokenizer(None, filters, lower, split, function="text_to_word_sequence")  # checks arguments
    return word_splitter(filters, bool(lower), split)(text)


def _check_n(n: Any, function: str) -> int:
    if (
        isinstance(n, bool) or not isinstance(n, numbers.Real)
        or not float(n).is_integer() or n < 2
    ):
        raise InvalidValueError(
            f"{function}(): `n` must be a whole number >= 2 (the size of the hashing space; "
            f"indices are 1 .. n - 1), got {n!r}"
        )
    return int(n)


def text_hashing_trick(
    text: str,
    n: int,
    hash_function: str | Callable[[str], int] | None = None,
    filters: str = DEFAULT_FILTERS,
    lower: bool = True,
    split: str = " ",
) -> list[int]:
    """Words hashed into ``1 .. n - 1`` (``hash_function``: None = Python's ``hash``, which
    changes between sessions; ``"md5"`` is stable; or a function of a string).

    R: ``text_hashing_trick("the cat", n = 100, hash_function = "md5")``
    Python: ``text_hashing_trick("the cat", n=100, hash_function="md5")``
    """
    text = _one_text(text, "text_hashing_trick")
    n = _check_n(n, "text_hashing_trick")
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":

        def hash_function(w: str) -> int:
            return int(hashlib.md5(w.encode()).hexdigest(), 16)

    elif not callable(hash_function):
        raise InvalidValueError(
            "text_hashing_trick(): `hash_function` must be NULL (None), \"md5\" or a function of "
            f"a string, got {hash_function!r}"
        )
    words = text_to_word_sequence(text, filters, lower, split)
    return [hash_function(w) % (n - 1) + 1 for w in words]


def text_one_hot(
    text: str, n: int, filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " "
) -> list[int]:
    """Words hashed into ``1 .. n - 1`` with Python's ``hash`` (``text_hashing_trick``).

    R: ``text_one_hot("the cat sat", n = 100)``
    Python: ``text_one_hot("the cat sat", n=100)``
    """
    text = _one_text(text, "text_one_hot")
    n = _check_n(n, "text_one_hot")
    return text_hashing_trick(text, n, hash, filters, lower, split)


# -- layer_text_vectorization --------------------------------------------------------------------
class LayerVerbCall:
    """A verb call waiting for its layer target: ``layer >> adapt(texts)``.

    Keras layers define ``>>`` to chain layers, which would take a plain deferred call as a
    chain element; this object is not a :class:`~kerasr.pipe.Deferred`, so ``Layer.__rshift__``
    declines and Python applies the call to the layer (``__rrshift__``).

    R: ``vectorizer %>% adapt(texts)``
    Python: ``vectorizer >> adapt(texts)``
    """

    __slots__ = ("_call",)
    __array_ufunc__ = None

    def __init__(self, call: Deferred) -> None:
        self._call = call

    def __rrshift__(self, target: Any) -> Any:
        return self._call.__rrshift__(target)

    def __call__(self, target: Any) -> Any:
        return self._call(target)

    def __repr__(self) -> str:
        return repr(self._call)


def _layer_verb(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        return LayerVerbCall(result) if isinstance(result, Deferred) else result

    return wrapper


@_layer_verb
@verb(ADAPTABLE)
def adapt(object: Any, data: Any, batch_size: int | None = None, steps: int | None = None) -> Any:
    """Fit a preprocessing layer's state (vocabulary, mean and variance) to data; returns it.

    Character vectors (lists of strings) are passed as a 1-D string array.

    R: ``vectorizer %>% adapt(texts)``
    Python: ``vectorizer >> adapt(texts)``
    """
    from ..arguments import as_int

    if isinstance(data, str):
        data = [data]
    if isinstance(data, (list, tuple)) and data and all(isinstance(d, str) for d in data):
        data = np.asarray(data, dtype="O")
    elif isinstance(data, (list, tuple)) and any(d is None for d in data):
        raise InvalidValueError("adapt(): `data` holds None (R's NA); drop missing values first")
    kwargs: dict[str, Any] = {}
    if batch_size is not None:
        kwargs["batch_size"] = as_int(batch_size, "adapt", "batch_size")
    if steps is not None:
        kwargs["steps"] = as_int(steps, "adapt", "steps")
    accepted = inspect.signature(object.adapt).parameters
    for name in kwargs:
        if name not in accepted:
            raise InvalidValueError(
                f"adapt(): `{name}` is not supported by {type(object).__name__}.adapt(); "
                "batch the data yourself (e.g. a tf.data.Dataset) or leave it NULL"
            )
    object.adapt(data, **kwargs)
    return object


@_layer_verb
@verb(VOCABULARY_LAYER)
def get_vocabulary(object: Any, include_special_tokens: bool = True) -> list[str]:
    """The layer's vocabulary as a list of strings (index order; ``""`` and ``"[UNK]"`` first
    unless ``include_special_tokens = FALSE``).

    R: ``get_vocabulary(vectorizer)``
    Python: ``get_vocabulary(vectorizer)``
    """
    vocabulary = object.get_vocabulary(include_special_tokens=bool(include_special_tokens))
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in vocabulary]

