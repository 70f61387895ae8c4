"""Tokenizer files: the reference's JSON (``Tokenizer.to_json``) and, opt-in, R keras 2 pickles.

``save_text_tokenizer`` writes the JSON layout of ``keras_preprocessing`` 1.1.2's
``to_json()`` (``{"class_name": "Tokenizer", "config": {...}}``, with the five dictionaries
double-encoded as JSON strings), through a temporary file and ``os.replace``. R keras 2 saved
tokenizers with ``reticulate::py_save_object``: a Python pickle. Unpickling runs code, so such
a file is read only with ``allow_pickle=True``, and then through an unpickler that accepts the
Tokenizer class (under its ``keras_preprocessing`` / ``keras`` / ``tensorflow`` paths),
``collections.OrderedDict``, ``collections.defaultdict`` and ``builtins.int`` and nothing else.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from ..errors import InvalidValueError, KerasrError
from .text_core import IndexWord, Tokenizer

__all__ = ["TokenizerFileError", "read_tokenizer", "tokenizer_config", "write_tokenizer"]

_CLASS_PATHS = {
    ("keras_preprocessing.text", "Tokenizer"),
    ("keras.preprocessing.text", "Tokenizer"),
    ("keras.src.preprocessing.text", "Tokenizer"),
    ("keras.src.legacy.preprocessing.text", "Tokenizer"),
    ("tensorflow.python.keras.preprocessing.text", "Tokenizer"),
    ("tf_keras.preprocessing.text", "Tokenizer"),
    ("tf_keras.src.preprocessing.text", "Tokenizer"),
}
_SCALARS = ("num_words", "filters", "lower", "split", "char_level", "oov_token", "document_count")
_DICTS = ("word_counts", "word_docs", "index_docs", "index_word", "word_index")


class TokenizerFileError(KerasrError, ValueError):
    """A tokenizer file that cannot be read: corrupt, tampered with, or a refused pickle.

    R: ``load_text_tokenizer("tokenizer")`` (fails inside pickle.load)
    Python: ``load_text_tokenizer("tokenizer")`` raises TokenizerFileError naming the problem
    """


def tokenizer_config(tokenizer: Tokenizer) -> dict[str, Any]:
    """The reference's ``get_config()``: scalars plus the five dictionaries as JSON strings."""
    return {
        "num_words": tokenizer.num_words,
        "filters": tokenizer.filters,
        "lower": tokenizer.lower,
        "split": tokenizer.split,
        "char_level": tokenizer.char_level,
        "oov_token": tokenizer.oov_token,
        "document_count": tokenizer.document_count,
        "word_counts": json.dumps(tokenizer.word_counts),
        "word_docs": json.dumps(tokenizer.word_docs),
        "index_docs": json.dumps(tokenizer.index_docs),
        "index_word": json.dumps(tokenizer.index_word),
        "word_index": json.dumps(tokenizer.word_index),
    }


def write_tokenizer(tokenizer: Tokenizer, filename: str | os.PathLike[str]) -> Path:
    """Write the JSON atomically (temporary file in the same folder, then ``os.replace``)."""
    target = Path(filename).expanduser()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps({"class_name": "Tokenizer", "config": tokenizer_config(tokenizer)}))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


class _PickledTokenizer:
    """Receives a pickled Tokenizer's ``__dict__`` (no code of the pickle's class runs)."""

    def __setstate__(self, state: Any) -> None:
        self.state = state


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        import builtins
        import collections

        if (module, name) in _CLASS_PATHS:
            return _PickledTokenizer
        if module == "collections" and name in ("OrderedDict", "defaultdict"):
            return getattr(collections, name)
        if module == "builtins" and name == "int":
            return builtins.int
        raise pickle.UnpicklingError(f"refused global {module}.{name}")


def _fail(filename: Any, problem: str) -> TokenizerFileError:
    return TokenizerFileError(
        f"load_text_tokenizer(): `filename` {os.fspath(filename)!r} is not a valid tokenizer "
        f"file: {problem}. Save it again with save_text_tokenizer()"
    )


def _from_state(state: Any, filename: Any) -> Tokenizer:
    """Build a Tokenizer from the reference's attributes, checking every one of them."""
    if not isinstance(state, dict):
        raise _fail(filename, f"the tokenizer state is a {type(state).__name__}, not a dict")
    missing = [k for k in _SCALARS + _DICTS if k not in state]
    if missing:
        raise _fail(filename, f"it lacks {', '.join(missing)}")
    unknown = set(state) - set(_SCALARS + _DICTS) - {"analyzer"}
    if unknown or state.get("analyzer") is not None:
        raise _fail(filename, f"unexpected entries {sorted(unknown | {'analyzer'} & set(state))}")
    try:
        tokenizer = Tokenizer(
            num_words=state["num_words"], filters=state["filters"], lower=state["lower"],
            split=state["split"], char_level=state["char_level"], oov_token=state["oov_token"],
            function="load_text_tokenizer",
        )
    except InvalidValueError as exc:
        raise _fail(filename, str(exc).split(": ", 1)[1]) from None
    count = state["document_count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise _fail(filename, f"document_count is {count!r}")
    tokenizer.document_count = count

    def table(name: str, key_type: type, value_type: type, minimum: int) -> dict[Any, Any]:
        value = state[name]
        if not isinstance(value, dict):
            raise _fail(filename, f"{name} is a {type(value).__name__}, not a dict")
        for k, v in value.items():
            if (
                not isinstance(k, key_type) or isinstance(k, bool)
                or not isinstance(v, value_type) or isinstance(v, bool)
                or (isinstance(v, int) and v < minimum)
                or (isinstance(k, int) and k < 0)
            ):
                raise _fail(filename, f"{name} holds the entry {k!r}: {v!r}")
        return dict(value)

    tokenizer.word_counts = table("word_counts", str, int, 1)
    tokenizer.word_docs = table("word_docs", str, int, 1)
    tokenizer.index_docs = table("index_docs", int, int, 0)
    tokenizer.word_index = table("word_index", str, int, 1)
    tokenizer.index_word = IndexWord(table("index_word", int, str, 0))
    if any(tokenizer.index_word.get(i) != w for w, i in tokenizer.word_index.items()) or any(
        tokenizer.word_index.get(w) != i for i, w in tokenizer.index_word.items()
    ):
        raise _fail(filename, "word_index and index_word do not match")
    if set(tokenizer.word_counts) - set(tokenizer.word_index):
        raise _fail(filename, "word_counts has words missing from word_index")
    return tokenizer


def _json_state(text: str, filename: Any) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise _fail(filename, f"it is not valid JSON ({exc})") from None
    if (
        not isinstance(document, dict)
        or document.get("class_name") != "Tokenizer"
        or not isinstance(document.get("config"), dict)
    ):
        raise _fail(filename, 'expected {"class_name": "Tokenizer", "config": {...}}')
    state = dict(document["config"])
    for name in _DICTS:
        value = state.get(name)
        if not isinstance(value, str):
            raise _fail(filename, f"config.{name} is not a JSON string")
        try:
            state[name] = json.loads(value)
        except ValueError as exc:
            raise _fail(filename, f"config.{name} is not valid JSON ({exc})") from None
        if not isinstance(state[name], dict):
            raise _fail(filename, f"config.{name} is not a JSON object")
    for name in ("index_docs", "index_word"):  # JSON keys are strings; the reference int()s them
        try:
            state[name] = {int(k): v for k, v in state[name].items()}
        except ValueError:
            raise _fail(filename, f"config.{name} has a key that is not an integer") from None
    return state


def read_tokenizer(filename: str | os.PathLike[str], allow_pickle: bool = False) -> Tokenizer:
    """Read a tokenizer saved as JSON, or (with ``allow_pickle=True``) as an R keras 2 pickle."""
    path = Path(filename).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidValueError(
            f"load_text_tokenizer(): cannot read `filename` {os.fspath(filename)!r} "
            f"({exc.strerror or exc}); check the path"
        ) from None
    if data[:1] == b"\x80":  # pickle protocol >= 2, as py_save_object writes
        if not allow_pickle:
            raise TokenizerFileError(
                f"load_text_tokenizer(): {os.fspath(filename)!r} is a Python pickle (R keras 2's "
                "save_text_tokenizer() format). Loading a pickle can run arbitrary code: if you "
                "trust the file, pass allow_pickle=True (only the tokenizer class and plain "
                "containers are accepted), then save_text_tokenizer() it again as JSON"
            )
        try:
            obj = _RestrictedUnpickler(io.BytesIO(data)).load()
        except Exception as exc:  # any malformed or refused pickle
            raise _fail(filename, f"the pickle cannot be read safely ({exc})") from None
        if not isinstance(obj, _PickledTokenizer):
            raise _fail(filename, f"the pickle holds a {type(obj).__name__}, not a Tokenizer")
        return _from_state(obj.state, filename)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(filename, "it is neither JSON nor a pickle") from None
    return _from_state(_json_state(text, filename), filename)
