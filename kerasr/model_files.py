"""Model and weight files: built in memory, written atomically, checked before loading.

Keras and h5py write files in place, and h5py can crash the process when the disk fills
mid-write. Here every format is built in memory first (a ``.keras`` zip in a BytesIO,
HDF5 through h5py's in-memory ``core`` driver), then written with
:func:`kerasr.atomic.write_bytes`, so a full disk is a clear ``OSError`` and the old file
survives. Files are recognised by their content (zip or HDF5), so a damaged or truncated
file gets an error naming the function, the file and the fix, not Keras's "File not
found" or a raw h5py message. Weight loads are all or nothing.

R: ``save_model_hdf5(model, "m.h5")``
Python: ``write_model_file(model, "m.h5", "save_model_hdf5")``
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import _keras
from .atomic import atomic_path, write_bytes
from .errors import InvalidValueError

__all__: list[str] = []  # used by persistence and the checkpoint callback

PathLike = str | os.PathLike
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_memory_names = itertools.count()


# =====================================================================================
# Saving: bytes in memory, then one atomic write
# =====================================================================================
def file_format(filepath: PathLike, weights_only: bool = False) -> str:
    """``"keras"``, ``"h5"`` (a whole model in legacy HDF5) or ``"weights"`` by file name."""
    name = os.fspath(filepath)
    if weights_only or name.endswith(".weights.h5"):
        return "weights"
    return "keras" if name.endswith(".keras") else "h5"


def keras_bytes(model: Any) -> bytes:
    """The model as a ``.keras`` archive, built in memory."""
    saving_lib = _keras.keras().src.saving.saving_lib
    buffer = io.BytesIO()
    saving_lib.save_model(model, buffer)
    return buffer.getvalue()


def hdf5_model_bytes(model: Any, include_optimizer: bool = True) -> bytes:
    """The model in legacy HDF5 (R keras 2's ``save_model_hdf5`` format), built in memory."""
    import h5py

    legacy = _keras.keras().src.legacy.saving.legacy_h5_format
    name = f"kerasr-memory-{os.getpid()}-{next(_memory_names)}.h5"
    with h5py.File(name, "w", driver="core", backing_store=False) as handle:
        legacy.save_model_to_hdf5(model, handle, True, include_optimizer)
        handle.flush()
        return bytes(handle.id.get_file_image())


def weights_bytes(model: Any) -> bytes | None:
    """The weights in Keras 3's ``.weights.h5`` format, built in memory (None if impossible)."""
    saving_lib = _keras.keras().src.saving.saving_lib
    store_class = getattr(saving_lib, "H5IOStore", None)
    save_state = getattr(saving_lib, "_save_state", None)
    if store_class is None or save_state is None:
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        store = store_class("model.weights.h5", archive=archive, mode="w")
        try:
            save_state(model, weights_store=store, assets_store=None, inner_path="",
                       visited_saveables=set())
        finally:
            store.close()
    with zipfile.ZipFile(buffer) as archive:
        return archive.read("model.weights.h5")


def write_model_file(model: Any, filepath: PathLike, function: str, *,
                     weights_only: bool = False, include_optimizer: bool = True) -> None:
    """Write ``model`` (or its weights) to ``filepath`` atomically, format by file name."""
    fmt = file_format(filepath, weights_only)
    if fmt == "weights" and not getattr(model, "built", True):
        raise InvalidValueError(
            f"{function}(): model {model.name!r} is not built yet, so it has no weights to "
            f"save; call it on data or fit() it first"
        )
    if fmt == "keras":
        data: bytes | None = keras_bytes(model)
    elif fmt == "h5":
        data = hdf5_model_bytes(model, include_optimizer)
    else:
        data = weights_bytes(model)
    if data is None:  # a Keras without the in-memory pieces: a temporary file instead
        with atomic_path(filepath, function, ".weights.h5") as tmp:
            model.save_weights(tmp)
        return
    write_bytes(filepath, data, function)


# =====================================================================================
# Loading: recognise the file, then load with errors that name it
# =====================================================================================
def sniff(path: Path) -> str:
    """``"zip"``, ``"hdf5"``, ``"empty"`` or ``"other"`` from the first bytes of a file."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        return "empty"
    if head == HDF5_MAGIC:
        return "hdf5"
    if head[:2] == b"PK":
        return "zip"
    return "other"


def existing_file(filepath: PathLike, function: str) -> Path:
    """``filepath`` as a Path after checking that it is a readable file."""
    path = Path(os.fspath(filepath))
    if not path.exists():
        raise InvalidValueError(f"{function}(): file '{path}' does not exist")
    if path.is_dir():
        raise InvalidValueError(
            f"{function}(): '{path}' is a folder, not a file; give the model file inside it"
        )
    return path


def damaged(function: str, path: Path, what: str, error: BaseException | None = None) -> str:
    """The message for a file that is not what ``function`` expects."""
    detail = f" ({type(error).__name__}: {_first_line(error)})" if error is not None else ""
    return (f"{function}(): '{path}' {what}{detail}; the file is damaged, truncated or "
            f"not a model file: save the model again (or copy the file again)")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def load_keras_archive(source: Path | bytes, function: str,
                       custom_objects: dict[str, Any] | None, compile: bool,
                       safe_mode: bool) -> Any:
    """Load a ``.keras`` zip from a file or bytes, whatever its name."""
    saving_lib = _keras.keras().src.saving.saving_lib
    shown = source if isinstance(source, Path) else Path("<bytes>")
    if isinstance(source, Path):
        if not zipfile.is_zipfile(source):
            raise InvalidValueError(damaged(function, shown, "is not a complete .keras (zip) "
                                                             "archive"))
        opener: Any = open(source, "rb")
    else:
        if not zipfile.is_zipfile(io.BytesIO(source)):
            raise InvalidValueError(damaged(function, shown, "are not a complete .keras (zip) "
                                                             "archive"))
        opener = io.BytesIO(source)
    with opener as handle:
        try:
            return saving_lib.load_model(handle, custom_objects=custom_objects,
                                         compile=compile, safe_mode=safe_mode)
        except (zipfile.BadZipFile, KeyError, EOFError, OSError) as e:
            raise InvalidValueError(damaged(function, shown, "could not be read", e)) from e


@contextlib.contextmanager
def open_hdf5(source: Path | bytes, function: str) -> Iterator[Any]:
    """Open an HDF5 file (or bytes) read-only; a damaged file is a clear error."""
    import h5py

    shown = source if isinstance(source, Path) else Path("<bytes>")
    try:
        handle = h5py.File(source if isinstance(source, Path) else io.BytesIO(source), "r")
    except OSError as e:
        raise InvalidValueError(damaged(function, shown, "could not be opened as HDF5", e)) \
            from e
    with handle:
        yield handle


def load_hdf5_model(source: Path | bytes, function: str,
                    custom_objects: dict[str, Any] | None, compile: bool,
                    safe_mode: bool, compile_from: Any) -> Any:
    """Load a whole model from legacy HDF5 (a file or bytes); ``compile_from`` compiles it."""
    legacy = _keras.keras().src.legacy.saving.legacy_h5_format
    shown = source if isinstance(source, Path) else Path("<bytes>")
    with open_hdf5(source, function) as handle:
        if handle.attrs.get("model_config") is None:
            raise InvalidValueError(
                f"{function}(): '{shown}' holds weights only, not a model; build the model "
                f"with the same layers and call load_model_weights_hdf5(model, '{shown}')"
            )
        try:
            model = legacy.load_model_from_hdf5(handle, custom_objects=custom_objects,
                                                compile=False, safe_mode=safe_mode)
        except (KeyError, OSError, EOFError) as e:
            raise InvalidValueError(damaged(function, shown, "could not be read", e)) from e
        if compile:
            compile_from(model, handle, custom_objects or {})
    return model


# =====================================================================================
# Weight loads: all or nothing
# =====================================================================================
def _state_variables(model: Any) -> list[Any]:
    variables = list(model.weights)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        variables += list(optimizer.variables)
    seen: set[int] = set()
    unique = []
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            unique.append(v)
    return unique


_KERAS3_MISMATCH = re.compile(
    r"object <(?P<cls>\w+) name=(?P<layer>[^,>]+).*?variable\.shape=(?P<expected>\([^)]*\)),"
    r" Received: value\.shape=(?P<got>\([^)]*\))", re.S)
_KERAS3_COUNT = re.compile(
    r"Layer '(?P<layer>[^']+)' expected (?P<expected>\d+) variables?, but received "
    r"(?P<got>\d+)")
_LEGACY_MISMATCH = re.compile(
    r"named (?P<layer>[^)]+)\)\s*for weight (?P<weight>\S+)\. Weight expects shape "
    r"(?P<expected>\([^)]*\))\. Received saved weight with shape (?P<got>\([^)]*\))")
_LEGACY_COUNT = re.compile(
    r"Layer #\d+ \(named \"?(?P<layer>[^\")]+)\"?.*?expects (?P<expected>\d+) weight\(s\), "
    r"but the saved weights have (?P<got>\d+)", re.S)


def first_mismatch(error: BaseException) -> str:
    """The first mismatch in a Keras loading error, as ``layer ...: expected ..., got ...``."""
    text = str(error)
    for pattern, what in ((_KERAS3_MISMATCH, "shape"), (_LEGACY_MISMATCH, "shape"),
                          (_KERAS3_COUNT, "weights"), (_LEGACY_COUNT, "weights")):
        m = pattern.search(text)
        if m:
            expected, got = m["expected"], m["got"]
            if what == "weights":
                return (f"layer '{m['layer']}': expected {expected} weights, got {got} in "
                        f"the file")
            return f"layer '{m['layer'].strip()}': expected shape {expected}, got {got}"
    return _first_line(error)


@contextlib.contextmanager
def all_or_nothing(model: Any, function: str, path: PathLike) -> Iterator[None]:
    """Restore every weight (optimizer's included) if the block fails, then explain."""
    variables = _state_variables(model)
    saved = [v.numpy() for v in variables]
    try:
        yield
    except BaseException as e:
        for variable, value in zip(variables, saved):
            variable.assign(value)
        if isinstance(e, (ValueError, KeyError, OSError)) and not isinstance(
                e, InvalidValueError):
            raise InvalidValueError(
                f"{function}(): the weights in '{path}' do not fit model {model.name!r}: "
                f"{first_mismatch(e)}; the model is unchanged. Build the model with the same "
                f"layers as the one that saved the file, or pass skip_mismatch=True to load "
                f"only the layers that fit"
            ) from e
        raise
