"""Saving and loading models and weights under R keras's names.

Every file is built in memory and written to a temporary name in the target folder, then
renamed into place (``kerasr.atomic``), so an interrupted save or a full disk never leaves a
half-written model and the previous file survives. Files are recognised by their content
when loaded, so a damaged file gets a clear error instead of Keras's or h5py's. File names
the workshops use work (``"model.h5"``, ``"model.hdf5"``, ``"weights.h5"``).

R: ``save_model_hdf5(model, "model.hdf5"); model <- load_model_hdf5("model.hdf5")``
Python: ``save_model_hdf5(model, "model.hdf5"); model = load_model_hdf5("model.hdf5")``
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import _keras, atomic, model_files
from .atomic import write_error
from .errors import InvalidValueError
from .execution import mark_auto
from .models import MODEL
from .pipe import verb

__all__ = [
    "load_model",
    "load_model_hdf5",
    "load_model_tf",
    "load_model_weights",
    "load_model_weights_hdf5",
    "model_from_json",
    "model_to_json",
    "save_model",
    "save_model_hdf5",
    "save_model_tf",
    "save_model_weights",
    "save_model_weights_hdf5",
    "serialize_model",
    "unserialize_model",
]

PathLike = str | os.PathLike


def _check_target(filepath: PathLike, overwrite: bool, function: str) -> Path:
    """Refuse an existing file without ``overwrite`` and a missing folder, before any work.

    In a multi-worker fit's other processes nothing is written, so nothing is checked.
    """
    target = Path(os.fspath(filepath))
    if not atomic.is_writer():
        return target
    if target.is_dir():
        raise InvalidValueError(
            f"{function}(): '{target}' is a folder; give a file name inside it, e.g. "
            f"'{target / 'model.keras'}'"
        )
    if target.exists() and not overwrite:
        raise InvalidValueError(
            f"{function}(): file '{target}' already exists (pass overwrite=True to replace it)"
        )
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InvalidValueError(
            f"{function}(): directory '{directory}' does not exist; create it first "
            f"(e.g. os.makedirs('{directory}', exist_ok=True))"
        )
    return target


@contextlib.contextmanager
def _readable_as(filepath: PathLike, suffix: str, function: str) -> Iterator[str]:
    """Yield a path to ``filepath`` that ends in ``suffix`` (a temporary link if needed)."""
    path = model_files.existing_file(filepath, function)
    if str(path).endswith(suffix):
        yield str(path)
        return
    tmpdir = tempfile.mkdtemp(prefix="kerasr-")
    link = os.path.join(tmpdir, "file" + suffix)
    try:
        try:
            os.symlink(path.resolve(), link)
        except OSError:
            shutil.copyfile(path, link)
        yield link
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


@verb(MODEL)
def save_model(object: Any, filepath: PathLike | None = None, overwrite: bool = False,
               zipped: bool | None = None) -> Any:
    """Save a model in the Keras format (``.keras``); with no ``filepath``, return its bytes.

    R: ``save_model(model, "model.keras")``
    Python: ``save_model(model, "model.keras")``
    """
    if filepath is None:
        return serialize_model(object)
    if not str(filepath).endswith(".keras"):
        raise InvalidValueError(
            f"save_model(): `filepath` must end in '.keras', got '{filepath}'; for R's legacy "
            f"files use save_model_hdf5('{filepath}')"
        )
    _check_target(filepath, overwrite, "save_model")
    model_files.write_model_file(object, filepath, "save_model")
    return object


def _auto_steps(model: Any) -> Any:
    """A loaded compiled model trains like one compiled here: kerasr chooses
    ``steps_per_execution`` unless the file fixed a number other than 1."""
    if getattr(model, "compiled", False) and getattr(model, "steps_per_execution", 1) == 1:
        mark_auto(model)
    return model


def load_model(filepath: PathLike | bytes, custom_objects: dict[str, Any] | None = None,
               compile: bool = True, safe_mode: bool = True) -> Any:
    """Load a model saved with save_model() (a ``.keras`` file, or bytes); safe_mode on.

    HDF5 files (R keras 2's) and folders written by save_model_tf() load too, whatever
    their names: the file's content decides. ``safe_mode=False`` (needed for Lambda layers
    holding Python code) applies to every format.

    R: ``model <- load_model("model.keras")``
    Python: ``model = load_model("model.keras")``
    """
    if isinstance(filepath, (bytes, bytearray)):
        return unserialize_model(bytes(filepath), custom_objects=custom_objects,
                                 compile=compile, safe_mode=safe_mode)
    path = Path(os.fspath(filepath))
    if path.is_dir():
        return _load_folder(path, custom_objects, compile, safe_mode)
    path = model_files.existing_file(path, "load_model")
    kind = model_files.sniff(path)
    if kind == "hdf5":
        return _load_hdf5_file(path, custom_objects, compile, safe_mode, "load_model")
    if kind == "zip":
        return _auto_steps(model_files.load_keras_archive(
            path, "load_model", custom_objects, compile, safe_mode))
    what = "is empty" if kind == "empty" else "is neither a .keras (zip) archive nor HDF5"
    raise InvalidValueError(model_files.damaged("load_model", path, what))


def _load_folder(path: Path, custom_objects: dict[str, Any] | None, compile: bool,
                 safe_mode: bool) -> Any:
    if (path / "model.keras").exists():
        return load_model_tf(path, custom_objects=custom_objects, compile=compile,
                             safe_mode=safe_mode)
    if (path / "config.json").exists():  # Keras's unzipped model folder
        return _auto_steps(_keras.keras().saving.load_model(
            str(path), custom_objects=custom_objects, compile=compile, safe_mode=safe_mode))
    if (path / "saved_model.pb").exists():
        raise InvalidValueError(
            f"load_model(): '{path}' is a TensorFlow SavedModel (R keras 2's save_model_tf), "
            f"which Keras 3 cannot load as a model; for inference use "
            f"keras.layers.TFSMLayer('{path}', call_endpoint='serving_default')"
        )
    raise InvalidValueError(
        f"load_model(): '{path}' is a folder without a model in it (no model.keras, "
        f"config.json or saved_model.pb); give the .keras or .h5 file itself"
    )


@verb(MODEL)
def save_model_hdf5(object: Any, filepath: PathLike, overwrite: bool = True,
                    include_optimizer: bool = True) -> Any:
    """Save a model in the legacy HDF5 format (any file name, e.g. ``"model.hdf5"``).

    R: ``save_model_hdf5(model, "models/boston_model.hdf5")``
    Python: ``save_model_hdf5(model, "models/boston_model.hdf5")``
    """
    _check_target(filepath, overwrite, "save_model_hdf5")
    model_files.write_model_file(object, filepath, "save_model_hdf5",
                                 include_optimizer=include_optimizer)
    return object


def load_model_hdf5(filepath: PathLike, custom_objects: dict[str, Any] | None = None,
                    compile: bool = True, safe_mode: bool = True) -> Any:
    """Load a model saved in HDF5 (by save_model_hdf5 or R keras 2), any file name.

    ``safe_mode=False`` allows Lambda layers that hold Python code (only for trusted files).

    R: ``model <- load_model_hdf5("model.h5", compile = FALSE)``
    Python: ``model = load_model_hdf5("model.h5", compile=False)``
    """
    return _load_hdf5_file(filepath, custom_objects, compile, safe_mode, "load_model_hdf5")


def _load_hdf5_file(filepath: PathLike, custom_objects: dict[str, Any] | None, compile: bool,
                    safe_mode: bool, function: str) -> Any:
    path = model_files.existing_file(filepath, function)
    kind = model_files.sniff(path)
    if kind == "zip":
        raise InvalidValueError(
            f"{function}(): '{path}' is a .keras archive, not HDF5; load it with "
            f"load_model('{path}')"
        )
    if kind != "hdf5":
        what = "is empty" if kind == "empty" else "is not an HDF5 file"
        raise InvalidValueError(model_files.damaged(function, path, what))
    return _auto_steps(model_files.load_hdf5_model(
        path, function, custom_objects, compile, safe_mode, _compile_from_hdf5))


def _compile_from_hdf5(model: Any, handle: Any, custom_objects: dict[str, Any]) -> None:
    """Compile ``model`` from the training config stored in a legacy HDF5 file.

    Keras 3's own legacy loader cannot read back shorthand names such as ``"mse"`` and
    builds an optimizer that cannot continue training; this rebuilds both. The optimizer
    starts with fresh state (its moments are not restored).
    """
    import json

    k = _keras.keras()
    raw = handle.attrs.get("training_config")
    if raw is None:
        return
    config = json.loads(raw.decode() if isinstance(raw, bytes) else raw)

    def resolve(item: Any) -> Any:
        if isinstance(item, list):
            return [resolve(i) for i in item]
        if isinstance(item, dict) and "class_name" not in item and "config" not in item:
            return {key: resolve(value) for key, value in item.items()}
        if isinstance(item, str):
            return custom_objects.get(item, item)
        if isinstance(item, dict):
            name = item.get("config") if item.get("class_name") == "function" else None
            if isinstance(name, str) and name in custom_objects:
                return custom_objects[name]
            return k.saving.deserialize_keras_object(item, custom_objects=custom_objects)
        return item

    model.compile(
        optimizer=k.optimizers.deserialize(config["optimizer_config"]),
        loss=resolve(config.get("loss")),
        metrics=resolve(config.get("metrics")),
        loss_weights=config.get("loss_weights"),
        weighted_metrics=resolve(config.get("weighted_metrics")),
    )


@verb(MODEL)
def save_model_tf(object: Any, filepath: PathLike, overwrite: bool = True,
                  include_optimizer: bool = True) -> Any:
    """Save a model to a directory (Keras 3's equivalent of a TF SavedModel for R users).

    The directory holds ``model.keras``, which load_model_tf() reads back for further
    training. For TF Serving / TFLite, export an inference artifact with ``model.export()``.

    R: ``save_model_tf(model, "pima_model")``
    Python: ``save_model_tf(model, "pima_model")``
    """
    directory = Path(filepath)
    if not atomic.is_writer():  # a multi-worker fit's other process: the save goes nowhere
        model_files.write_model_file(object, directory / "model.keras", "save_model_tf")
        return object
    if directory.exists() and not directory.is_dir():
        raise InvalidValueError(f"save_model_tf(): '{directory}' exists and is not a directory")
    if directory.exists() and not overwrite:
        raise InvalidValueError(
            f"save_model_tf(): '{directory}' already exists (pass overwrite=True to replace it)"
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise write_error(e, directory, "save_model_tf", False) from e
    model_files.write_model_file(object, directory / "model.keras", "save_model_tf")
    return object


def load_model_tf(filepath: PathLike, custom_objects: dict[str, Any] | None = None,
                  compile: bool = True, safe_mode: bool = True) -> Any:
    """Load a model saved with save_model_tf().

    R: ``model <- load_model_tf("pima_model")``
    Python: ``model = load_model_tf("pima_model")``
    """
    model_file = Path(filepath) / "model.keras"
    if not model_file.exists():
        raise InvalidValueError(
            f"load_model_tf(): '{filepath}' is not a directory written by save_model_tf() "
            f"(no model.keras inside). TensorFlow SavedModels from R keras 2 cannot be loaded "
            f"as Keras 3 models; use keras.layers.TFSMLayer('{filepath}') for inference"
        )
    return _auto_steps(model_files.load_keras_archive(
        model_file, "load_model_tf", custom_objects, compile, safe_mode))


@verb(MODEL)
def save_model_weights_hdf5(object: Any, filepath: PathLike, overwrite: bool = True) -> Any:
    """Save the weights to an HDF5 file (any name, e.g. ``"weights.h5"``).

    R: ``save_model_weights_hdf5(model, "pima_weights.h5")``
    Python: ``save_model_weights_hdf5(model, "pima_weights.h5")``
    """
    _check_target(filepath, overwrite, "save_model_weights_hdf5")
    model_files.write_model_file(object, filepath, "save_model_weights_hdf5",
                                 weights_only=True)
    return object


def _is_legacy_weights(path: Path, function: str) -> bool:
    kind = model_files.sniff(path)
    if kind != "hdf5":
        what = ("is a .keras archive, not HDF5; use load_model() to load the whole model"
                if kind == "zip" else "is empty" if kind == "empty" else "is not an HDF5 file")
        if kind == "zip":
            raise InvalidValueError(f"{function}(): '{path}' {what}")
        raise InvalidValueError(model_files.damaged(function, path, what))
    with model_files.open_hdf5(path, function) as handle:
        return "layer_names" in handle.attrs or (
            "model_weights" in handle and "layer_names" in handle["model_weights"].attrs
        )


@verb(MODEL)
def load_model_weights_hdf5(object: Any, filepath: PathLike, by_name: bool = False,
                            skip_mismatch: bool = False, reshape: bool = False) -> Any:
    """Load weights in place from an HDF5 file (kerasr's or R keras 2's legacy format).

    R: ``load_model_weights_hdf5(new_model, "pima_weights.h5")``
    Python: ``load_model_weights_hdf5(new_model, "pima_weights.h5")``
    """
    function = "load_model_weights_hdf5"
    path = model_files.existing_file(filepath, function)
    if _is_legacy_weights(path, function):
        with _readable_as(path, ".h5", function) as readable, \
                model_files.all_or_nothing(object, function, path):
            kwargs = {"by_name": True} if by_name else {}
            object.load_weights(readable, skip_mismatch=skip_mismatch, **kwargs)
        return object
    if by_name:
        raise InvalidValueError(
            "load_model_weights_hdf5(): `by_name=True` only works with legacy Keras 2 weight "
            "files; this file is in Keras 3's format, which matches weights by layer order"
        )
    with _readable_as(path, ".weights.h5", function) as readable, \
            model_files.all_or_nothing(object, function, path):
        object.load_weights(readable, skip_mismatch=skip_mismatch)
    return object


@verb(MODEL)
def save_model_weights(object: Any, filepath: PathLike, overwrite: bool = False) -> Any:
    """Save the weights in Keras 3's format (``.weights.h5``).

    R: ``save_model_weights(model, "model.weights.h5")``
    Python: ``save_model_weights(model, "model.weights.h5")``
    """
    return save_model_weights_hdf5(object, filepath, overwrite=overwrite)


@verb(MODEL)
def load_model_weights(object: Any, filepath: PathLike, skip_mismatch: bool = False) -> Any:
    """Load weights saved with save_model_weights(), in place.

    R: ``load_model_weights(model, "model.weights.h5")``
    Python: ``load_model_weights(model, "model.weights.h5")``
    """
    return load_model_weights_hdf5(object, filepath, skip_mismatch=skip_mismatch)


def serialize_model(model: Any, include_optimizer: bool = True) -> bytes:
    """The model as bytes (a ``.keras`` archive), e.g. to store in a database.

    R: ``raw <- serialize_model(model)``
    Python: ``raw = serialize_model(model)``
    """
    if not _keras.is_model(model):
        raise InvalidValueError(
            f"serialize_model(): you must pass a Keras model, got {type(model).__name__}"
        )
    return model_files.keras_bytes(model)


def unserialize_model(model: bytes, custom_objects: dict[str, Any] | None = None,
                      compile: bool = True, safe_mode: bool = True) -> Any:
    """A model from the bytes serialize_model() returned (or R keras 2's HDF5 bytes).

    R: ``model <- unserialize_model(raw)``
    Python: ``model = unserialize_model(raw)``
    """
    if not isinstance(model, (bytes, bytearray)):
        raise InvalidValueError(
            f"unserialize_model(): `model` must be bytes from serialize_model(), got "
            f"{type(model).__name__}"
        )
    data = bytes(model)
    if data[:8] == model_files.HDF5_MAGIC:
        return _auto_steps(model_files.load_hdf5_model(
            data, "unserialize_model", custom_objects, compile, safe_mode, _compile_from_hdf5))
    return _auto_steps(model_files.load_keras_archive(
        data, "unserialize_model", custom_objects, compile, safe_mode))


@verb(MODEL)
def model_to_json(object: Any) -> str:
    """The model's architecture (no weights) as a JSON string.

    R: ``json <- model_to_json(model)``
    Python: ``json = model_to_json(model)``
    """
    return object.to_json()


def model_from_json(json: str, custom_objects: dict[str, Any] | None = None) -> Any:
    """A model (fresh weights) from model_to_json()'s string.

    R: ``model <- model_from_json(json)``
    Python: ``model = model_from_json(json)``
    """
    return _keras.keras().models.model_from_json(json, custom_objects=custom_objects)
