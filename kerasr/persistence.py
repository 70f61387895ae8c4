"""Saving and loading models and weights under R keras's names.

Every file is written to a temporary name in the target directory and renamed into place,
so an interrupted save never leaves a half-written model. File names the workshops use
work (``"model.h5"``, ``"model.hdf5"``, ``"weights.h5"``).

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

from . import _keras
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


@contextlib.contextmanager
def _atomic_target(filepath: PathLike, suffix: str, overwrite: bool, function: str
                   ) -> Iterator[str]:
    """Yield a temporary path (ending in ``suffix``) beside ``filepath``; rename on success."""
    target = Path(filepath)
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
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp" + suffix, dir=directory)
    os.close(fd)
    os.unlink(tmp)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            if os.path.isdir(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                os.unlink(tmp)


@contextlib.contextmanager
def _readable_as(filepath: PathLike, suffix: str, function: str) -> Iterator[str]:
    """Yield a path to ``filepath`` that ends in ``suffix`` (a temporary link if needed)."""
    path = Path(filepath)
    if not path.exists():
        raise InvalidValueError(f"{function}(): file '{path}' does not exist")
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
    with _atomic_target(filepath, ".keras", overwrite, "save_model") as tmp:
        object.save(tmp)
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

    R: ``model <- load_model("model.keras")``
    Python: ``model = load_model("model.keras")``
    """
    if isinstance(filepath, (bytes, bytearray)):
        return unserialize_model(bytes(filepath), custom_objects=custom_objects,
                                 compile=compile)
    k = _keras.keras()
    path = str(filepath)
    if path.endswith((".h5", ".hdf5")):
        return load_model_hdf5(path, custom_objects=custom_objects, compile=compile)
    if Path(path).is_dir() and (Path(path) / "model.keras").exists():
        return load_model_tf(path, custom_objects=custom_objects, compile=compile)
    with _readable_as(path, ".keras", "load_model") as readable:
        return _auto_steps(k.models.load_model(readable, custom_objects=custom_objects,
                                               compile=compile, safe_mode=safe_mode))


@verb(MODEL)
def save_model_hdf5(object: Any, filepath: PathLike, overwrite: bool = True,
                    include_optimizer: bool = True) -> Any:
    """Save a model in the legacy HDF5 format (any file name, e.g. ``"model.hdf5"``).

    R: ``save_model_hdf5(model, "models/boston_model.hdf5")``
    Python: ``save_model_hdf5(model, "models/boston_model.hdf5")``
    """
    with _atomic_target(filepath, ".h5", overwrite, "save_model_hdf5") as tmp:
        _keras.keras().saving.save_model(object, tmp, include_optimizer=include_optimizer)
    return object


def load_model_hdf5(filepath: PathLike, custom_objects: dict[str, Any] | None = None,
                    compile: bool = True) -> Any:
    """Load a model saved in HDF5 (by save_model_hdf5 or R keras 2).

    R: ``model <- load_model_hdf5("model.h5", compile = FALSE)``
    Python: ``model = load_model_hdf5("model.h5", compile=False)``
    """
    k = _keras.keras()
    with _readable_as(filepath, ".h5", "load_model_hdf5") as readable:
        model = k.models.load_model(readable, custom_objects=custom_objects, compile=False)
        if compile:
            _compile_from_hdf5(model, readable, custom_objects or {})
    return _auto_steps(model)


def _compile_from_hdf5(model: Any, path: str, custom_objects: dict[str, Any]) -> None:
    """Compile ``model`` from the training config stored in a legacy HDF5 file.

    Keras 3's own legacy loader cannot read back shorthand names such as ``"mse"`` and
    builds an optimizer that cannot continue training; this rebuilds both. The optimizer
    starts with fresh state (its moments are not restored).
    """
    import json

    import h5py

    k = _keras.keras()
    with h5py.File(path, "r") as handle:
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
    if directory.exists() and not directory.is_dir():
        raise InvalidValueError(f"save_model_tf(): '{directory}' exists and is not a directory")
    if directory.exists() and not overwrite:
        raise InvalidValueError(
            f"save_model_tf(): '{directory}' already exists (pass overwrite=True to replace it)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    with _atomic_target(directory / "model.keras", ".keras", True, "save_model_tf") as tmp:
        object.save(tmp)
    return object


def load_model_tf(filepath: PathLike, custom_objects: dict[str, Any] | None = None,
                  compile: bool = True) -> Any:
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
    return _auto_steps(_keras.keras().models.load_model(model_file, custom_objects=custom_objects,
                                                        compile=compile))


@verb(MODEL)
def save_model_weights_hdf5(object: Any, filepath: PathLike, overwrite: bool = True) -> Any:
    """Save the weights to an HDF5 file (any name, e.g. ``"weights.h5"``).

    R: ``save_model_weights_hdf5(model, "pima_weights.h5")``
    Python: ``save_model_weights_hdf5(model, "pima_weights.h5")``
    """
    with _atomic_target(filepath, ".weights.h5", overwrite, "save_model_weights_hdf5") as tmp:
        object.save_weights(tmp)
    return object


def _is_legacy_weights(path: PathLike) -> bool:
    import h5py

    with h5py.File(path, "r") as handle:
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
    if not Path(filepath).exists():
        raise InvalidValueError(f"load_model_weights_hdf5(): file '{filepath}' does not exist")
    if _is_legacy_weights(filepath):
        with _readable_as(filepath, ".h5", "load_model_weights_hdf5") as readable:
            kwargs = {"by_name": True} if by_name else {}
            object.load_weights(readable, skip_mismatch=skip_mismatch, **kwargs)
        return object
    if by_name:
        raise InvalidValueError(
            "load_model_weights_hdf5(): `by_name=True` only works with legacy Keras 2 weight "
            "files; this file is in Keras 3's format, which matches weights by layer order"
        )
    with _readable_as(filepath, ".weights.h5", "load_model_weights_hdf5") as readable:
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
    with tempfile.TemporaryDirectory(prefix="kerasr-") as tmpdir:
        path = os.path.join(tmpdir, "model.keras")
        model.save(path)
        return Path(path).read_bytes()


def unserialize_model(model: bytes, custom_objects: dict[str, Any] | None = None,
                      compile: bool = True) -> Any:
    """A model from the bytes serialize_model() returned.

    R: ``model <- unserialize_model(raw)``
    Python: ``model = unserialize_model(raw)``
    """
    if not isinstance(model, (bytes, bytearray)):
        raise InvalidValueError(
            f"unserialize_model(): `model` must be bytes from serialize_model(), got "
            f"{type(model).__name__}"
        )
    with tempfile.TemporaryDirectory(prefix="kerasr-") as tmpdir:
        path = os.path.join(tmpdir, "model.keras")
        Path(path).write_bytes(bytes(model))
        return _auto_steps(_keras.keras().models.load_model(
            path, custom_objects=custom_objects, compile=compile))


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
