"""Models: construction, inspection, weights and freezing, with R keras's semantics.

R: ``model <- keras_model_sequential(input_shape = 13) %>% layer_dense(units = 1)``
Python: ``model = keras_model_sequential(input_shape=13) >> layer_dense(units=1)``
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import _keras
from .arguments import as_index, as_int, as_shape
from .errors import ArgumentError, InvalidValueError
from .named_list import NamedList
from .pipe import Target, verb

__all__ = [
    "MODEL",
    "clone_model",
    "count_params",
    "from_config",
    "get_config",
    "freeze_weights",
    "get_layer",
    "get_weights",
    "keras_input",
    "keras_model",
    "keras_model_sequential",
    "layer_input",
    "pop_layer",
    "reset_states",
    "set_weights",
    "summary",
    "unfreeze_weights",
    "with_custom_object_scope",
]

MODEL = Target(_keras.is_model, "a Keras model")
LAYER_OR_MODEL = Target(_keras.is_layer, "a Keras model or layer")


def keras_model_sequential(
    layers: Sequence[Any] | None = None,
    name: str | None = None,
    *,
    input_shape: Any = None,
    input_batch_size: int | None = None,
    input_dtype: str | None = None,
    input_name: str | None = None,
    trainable: bool = True,
) -> Any:
    """Create an empty (or pre-filled) Sequential model; layers are then piped onto it.

    ``input_shape=`` builds the model's Input first, as R keras3 does.

    R: ``keras_model_sequential(input_shape = c(13)) %>% layer_dense(units = 1)``
    Python: ``keras_model_sequential(input_shape=13) >> layer_dense(units=1)``
    """
    k = _keras.keras()
    if layers is not None and not isinstance(layers, (list, tuple)):
        if _keras.is_layer(layers):
            layers = [layers]
        else:
            raise InvalidValueError(
                f"keras_model_sequential(): `layers` must be a list of layers, got "
                f"{type(layers).__name__}"
            )
    if name is not None and not isinstance(name, str):
        raise InvalidValueError(
            f"keras_model_sequential(): `name` must be a string, got {type(name).__name__}; "
            f"pass layers as keras_model_sequential(layers=[...])"
        )
    model = k.Sequential(name=name, trainable=trainable)
    if input_shape is not None:
        shape = as_shape(input_shape, "keras_model_sequential", "input_shape")
        model.add(
            k.Input(shape=shape, batch_size=input_batch_size, dtype=input_dtype, name=input_name)
        )
    for layer in layers or []:
        model >> layer
    return model


def keras_model(inputs: Any, outputs: Any = None, name: str | None = None, **kwargs: Any) -> Any:
    """Create a functional model from input and output tensors.

    R: ``keras_model(inputs = list(age, number), outputs = kyphosis)``
    Python: ``keras_model(inputs=[age, number], outputs=kyphosis)``
    """
    k = _keras.keras()
    if outputs is None:
        raise ArgumentError(
            "keras_model(): missing `outputs`; build them by piping the inputs through layers, "
            "e.g. outputs = inputs >> layer_dense(units=1)"
        )
    inputs = _unwrap(inputs)
    outputs = _unwrap(outputs)
    return k.Model(inputs=inputs, outputs=outputs, name=name, **kwargs)


def _unwrap(value: Any) -> Any:
    if isinstance(value, NamedList):
        names = value.names()
        if all(names):
            return {n: v for n, v in value.items()}
        return list(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def layer_input(
    shape: Any = None,
    batch_shape: Any = None,
    name: str | None = None,
    dtype: str | None = None,
    sparse: bool = False,
    tensor: Any = None,
    ragged: bool = False,
    batch_size: int | None = None,
    optional: bool = False,
) -> Any:
    """A symbolic input tensor for the functional API (``NA`` / ``None`` for unknown sizes).

    R: ``input <- layer_input(shape = c(784), name = "pixels")``
    Python: ``input = layer_input(shape=784, name="pixels")``
    """
    k = _keras.keras()
    if shape is None and batch_shape is None and tensor is None:
        raise ArgumentError(
            "layer_input(): give `shape` (without the batch dimension), e.g. layer_input(shape=13)"
        )
    kwargs: dict[str, Any] = {"name": name, "dtype": dtype, "sparse": sparse,
                              "tensor": tensor, "optional": optional}
    if ragged:
        kwargs["ragged"] = True
    if batch_shape is not None:
        kwargs["batch_shape"] = as_shape(batch_shape, "layer_input", "batch_shape")
    else:
        kwargs["shape"] = as_shape(shape, "layer_input", "shape") if shape is not None else None
        if batch_size is not None:
            kwargs["batch_size"] = as_int(batch_size, "layer_input", "batch_size")
    return k.Input(**kwargs)


keras_input = layer_input


@verb(MODEL)
def summary(
    object: Any,
    line_length: int | None = None,
    positions: Any = None,
    expand_nested: bool = False,
    show_trainable: bool | None = None,
) -> Any:
    """Print a summary of the model (layers, output shapes, parameters); returns the model.

    R: ``summary(model)``
    Python: ``summary(model)`` or ``model >> summary()``
    """
    if show_trainable is None:
        show_trainable = bool(object.built and object.non_trainable_weights)
    object.summary(
        line_length=line_length,
        positions=positions,
        expand_nested=expand_nested,
        show_trainable=show_trainable,
    )
    return object


@verb(MODEL)
def get_layer(object: Any, name: str | None = None, index: int | None = None) -> Any:
    """A layer of the model, by name or by R's 1-based index (negative counts from the end).

    R: ``get_layer(model, index = 1)``
    Python: ``get_layer(model, index=1)``
    """
    if (name is None) == (index is None):
        raise ArgumentError("get_layer(): give exactly one of `name` or `index` (1-based)")
    if name is not None:
        names = [layer.name for layer in object.layers]
        if name not in names:
            from .errors import did_you_mean

            raise InvalidValueError(
                f"get_layer(): no layer named {name!r}{did_you_mean(name, names)} "
                f"(layers: {', '.join(names)})"
            )
        return object.get_layer(name=name)
    return object.layers[as_index(index, len(object.layers), "get_layer")]


@verb(MODEL)
def pop_layer(object: Any, rebuild: bool = True) -> Any:
    """Remove the last layer of a Sequential model in place; returns the model.

    R: ``pop_layer(model)``
    Python: ``pop_layer(model)``
    """
    k = _keras.keras()
    if not isinstance(object, k.Sequential):
        raise InvalidValueError(
            "pop_layer(): `object` must be a Sequential model; functional models cannot pop "
            "layers (build a new keras_model() from an earlier layer's output instead)"
        )
    if not object.layers:
        raise InvalidValueError("pop_layer(): the model has no layers to remove")
    object.pop(rebuild=rebuild)
    return object


@verb(LAYER_OR_MODEL)
def get_weights(object: Any, trainable: bool | None = None) -> list[Any]:
    """The weights as a list of NumPy arrays; ``trainable=True/False`` selects a subset.

    R: ``get_weights(model)``; ``get_weights(model, trainable = FALSE)``
    Python: ``get_weights(model)``; ``get_weights(model, trainable=False)``
    """
    if trainable is None:
        return object.get_weights()
    if trainable is True:
        return [w.numpy() for w in object.trainable_weights]
    if trainable is False:
        return [w.numpy() for w in object.non_trainable_weights]
    raise InvalidValueError(
        f"get_weights(): `trainable` must be None (all weights), True or False, got {trainable!r}"
    )


@verb(LAYER_OR_MODEL)
def set_weights(object: Any, weights: Sequence[Any]) -> Any:
    """Set the weights in place from a list of arrays (as get_weights returns); returns object.

    R: ``set_weights(model, get_weights(model))``
    Python: ``set_weights(model, get_weights(model))``
    """
    import numpy as np

    variables = list(object.weights)
    expected = len(variables)
    weights = list(weights)
    if len(weights) != expected:
        raise InvalidValueError(
            f"set_weights(): `weights` has {len(weights)} arrays but {object.name} has "
            f"{expected} weights; pass a list shaped like get_weights({object.name})"
        )
    arrays = [np.asarray(w) for w in weights]
    for i, (variable, array) in enumerate(zip(variables, arrays)):  # check all, then assign
        if tuple(variable.shape) != array.shape:
            parts = variable.path.split("/")
            layer = parts[-2] if len(parts) > 1 else object.name
            raise InvalidValueError(
                f"set_weights(): `weights[[{i + 1}]]` ({variable.path}) does not fit: layer "
                f"'{layer}' expects shape {tuple(variable.shape)}, got {array.shape}; the "
                f"model is unchanged (pass a list shaped like get_weights({object.name}))"
            )
    for variable, array in zip(variables, arrays):
        variable.assign(array)
    return object


@verb(LAYER_OR_MODEL)
def count_params(object: Any) -> int:
    """The number of parameters (weights) of a model or a layer.

    R: ``count_params(model)``; ``count_params(layer)``
    Python: ``count_params(model)``; ``count_params(layer)``
    """
    if not object.built:
        kind = "model" if _keras.is_model(object) else "layer"
        raise InvalidValueError(
            f"count_params(): {kind} {object.name!r} is not built yet; give the first layer an "
            f"input_shape or call it on data first"
        )
    return int(object.count_params())


@verb(LAYER_OR_MODEL)
def reset_states(object: Any) -> Any:
    """Reset the states of stateful layers (RNNs) in place; returns the object.

    Takes a model (every stateful layer in it) or one layer, as R does.

    R: ``reset_states(model)``; ``reset_states(lstm_layer)``
    Python: ``reset_states(model)``; ``reset_states(lstm_layer)``
    """
    for layer in object._flatten_layers(include_self=True):
        if hasattr(layer, "reset_state") and getattr(layer, "stateful", False):
            layer.reset_state()
    return object


class Config(NamedList):
    """``get_config()``'s named list, remembering the class it came from (R's attribute
    ``config_class``), so ``from_config()`` can rebuild the object."""

    __slots__ = ("config_class",)

    def __init__(self, values: dict[str, Any], config_class: type) -> None:
        super().__init__(values)
        object.__setattr__(self, "config_class", config_class)  # an attribute, not an element


CONFIGURABLE = Target(lambda x: hasattr(x, "get_config") and hasattr(type(x), "from_config"),
                      "a Keras model, layer or optimizer")


@verb(CONFIGURABLE)
def get_config(object: Any) -> NamedList:
    """The configuration of a model, layer or optimizer, as a named list.

    R: ``config <- get_config(layer)``
    Python: ``config = get_config(layer)``
    """
    return Config(object.get_config(), type(object))


@contextlib.contextmanager
def with_custom_object_scope(objects: Any) -> Iterator[None]:
    """Make custom classes and functions known to Keras while loading (R's
    ``with_custom_object_scope(objects, expr)``); ``objects`` is a named list or dict.

    R: ``with_custom_object_scope(list(rmse = rmse), model <- load_model_hdf5("m.h5"))``
    Python: ``with with_custom_object_scope(named_list(rmse=rmse)): m = load_model_hdf5("m.h5")``
    """
    if isinstance(objects, NamedList):
        objects = dict(objects.items())
    if not isinstance(objects, dict):
        raise InvalidValueError(
            "with_custom_object_scope(): `objects` must be a named list or dict of the custom "
            f"objects by name, e.g. named_list(rmse=rmse), got {type(objects).__name__}"
        )
    with _keras.keras().saving.custom_object_scope(objects):
        yield


def from_config(config: Any, custom_objects: Any = None) -> Any:
    """Rebuild a layer or model from ``get_config()``'s result (R: ``from_config``).

    The configuration must come from a layer or model that kerasr or Keras can identify
    (its ``class_name``), as R's does.

    R: ``layer2 <- from_config(get_config(layer))``
    Python: ``layer2 = from_config(get_config(layer))``
    """
    k = _keras.keras()
    objects = dict(custom_objects.items()) if isinstance(custom_objects, NamedList) else (
        custom_objects or {})
    if isinstance(config, Config):
        with k.saving.custom_object_scope(objects):
            return config.config_class.from_config(dict(config.items()))
    config = dict(config.items()) if isinstance(config, NamedList) else config
    if not isinstance(config, dict):
        raise InvalidValueError(
            f"from_config(): `config` must be what get_config() returns, got "
            f"{type(config).__name__}"
        )
    cls_name = config.get("class_name")
    if cls_name and "config" in config:
        return k.saving.deserialize_keras_object(config, custom_objects=objects)
    if {"layers", "name"} <= config.keys() and "input_layers" in config:
        return k.Model.from_config(config, custom_objects=objects)
    if "layers" in config and "name" in config:
        return k.Sequential.from_config(config, custom_objects=objects)
    raise InvalidValueError(
        "from_config(): cannot tell which class this configuration belongs to; use the "
        "class's own method, e.g. keras.layers.Dense.from_config(config)"
    )


@verb(MODEL)
def clone_model(object: Any, input_tensors: Any = None, clone_function: Any = None) -> Any:
    """A new model with the same architecture and freshly initialised weights.

    R: ``clone_model(model)``
    Python: ``clone_model(model)``
    """
    return _keras.keras().models.clone_model(
        object, input_tensors=input_tensors, clone_function=clone_function
    )


def _layer_position(layers: list[Any], ref: Any, function: str, argument: str) -> int:
    if _keras.is_layer(ref):
        ref = ref.name
    if isinstance(ref, str):
        names = [layer.name for layer in layers]
        if ref not in names:
            from .errors import did_you_mean

            raise InvalidValueError(
                f"{function}(): `{argument}` = {ref!r} is not a layer of the model"
                f"{did_you_mean(ref, names)}"
            )
        return names.index(ref)
    return as_index(ref, len(layers), function, argument)


def _apply_range(object: Any, from_: Any, to: Any, trainable: bool, function: str) -> None:
    layers = object.layers
    start = 0 if from_ is None else _layer_position(layers, from_, function, "from_")
    end = len(layers) - 1 if to is None else _layer_position(layers, to, function, "to")
    if start > end:
        raise InvalidValueError(
            f"{function}(): `from_` (layer {start + 1}, {layers[start].name!r}) comes after "
            f"`to` (layer {end + 1}, {layers[end].name!r}); the range is empty. Swap them: "
            f"{function}(model, from_={end + 1}, to={start + 1})"
        )
    for i, layer in enumerate(layers):
        layer.trainable = trainable if start <= i <= end else not trainable


def _select(layers: list[Any], which: Any, function: str) -> list[Any]:
    if callable(which) and not _keras.is_layer(which):
        return [layer for layer in layers if which(layer)]
    if isinstance(which, str) and which.startswith("~"):
        raise InvalidValueError(
            f"{function}(): R formulas are not Python; pass a function, e.g. "
            f"which=lambda layer: layer.name.startswith('dense')"
        )
    items = which if isinstance(which, (list, tuple)) else [which]
    if items and all(isinstance(i, bool) for i in items):
        if len(items) != len(layers):
            raise InvalidValueError(
                f"{function}(): a logical `which` needs one value per layer ({len(layers)}), "
                f"got {len(items)}"
            )
        return [layer for layer, keep in zip(layers, items) if keep]
    selected = []
    for item in items:
        if _keras.is_layer(item):
            selected.append(item)
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            selected.append(layers[_layer_position(layers, item, function, "which")])
        else:
            raise InvalidValueError(
                f"{function}(): `which` must be layer names, 1-based positions, layers, a list "
                f"of booleans, or a function of a layer returning a bool; got {item!r}"
            )
    return selected


def _apply_which(object: Any, which: Any, trainable: bool, function: str) -> None:
    object.trainable = True
    layers = object.layers
    selected = _select(layers, which, function)
    for layer in layers:
        layer.trainable = not trainable
    for layer in selected:
        layer.trainable = trainable


def _check_which(function: str, which: Any, from_: Any, to: Any) -> None:
    if which is not None and (from_ is not None or to is not None):
        raise ArgumentError(
            f"{function}(): give either `which` or a range `from_`/`to`, not both (R: "
            f"\"both `which` and `from`/`to` can not be supplied\")"
        )


@verb(LAYER_OR_MODEL)
def freeze_weights(
    object: Any,
    from_: Any = None,
    to: Any = None,
    which: Any = None,
) -> Any:
    """Freeze weights in place (R semantics); returns the object.

    With no range, the whole object is frozen. ``from_``/``to`` (layer, name or 1-based or
    negative index, inclusive) freeze that range and unfreeze every other layer. ``which``
    (names, 1-based indices, layers, booleans or a function) unfreezes every layer first,
    then freezes the selected ones. R's ``from`` is spelled ``from_`` (a Python keyword).

    R: ``freeze_weights(conv_base, from = "block1_conv1", to = "block2_pool")``
    Python: ``freeze_weights(conv_base, from_="block1_conv1", to="block2_pool")``
    """
    _check_which("freeze_weights", which, from_, to)
    if which is not None:
        _apply_which(object, which, False, "freeze_weights")
    elif from_ is None and to is None:
        object.trainable = False
    else:
        object.trainable = True
        _apply_range(object, from_, to, False, "freeze_weights")
    return object


@verb(LAYER_OR_MODEL)
def unfreeze_weights(
    object: Any,
    from_: Any = None,
    to: Any = None,
    which: Any = None,
) -> Any:
    """Unfreeze weights in place (R semantics, mirror of freeze_weights); returns the object.

    R: ``unfreeze_weights(conv_base, from = "block3_conv1")``
    Python: ``unfreeze_weights(conv_base, from_="block3_conv1")``
    """
    object.trainable = True
    _check_which("unfreeze_weights", which, from_, to)
    if which is not None:
        _apply_which(object, which, True, "unfreeze_weights")
    elif from_ is not None or to is not None:
        _apply_range(object, from_, to, True, "unfreeze_weights")
    return object


def layer_name_matches(pattern: str) -> Callable[[Any], bool]:
    """A ``which=`` selector for layer names matching a regular expression (R's ``grepl``).

    R: ``freeze_weights(model, which = ~ grepl("^dense", .x$name))``
    Python: ``freeze_weights(model, which=layer_name_matches("^dense"))``
    """
    regex = re.compile(pattern)
    return lambda layer: bool(regex.search(layer.name))


def model_repr(model: Any) -> str:
    """R's ``print(model)``: the model's summary (layers, output shapes, parameters).

    Installed as ``keras.Model.__repr__`` when kerasr loads Keras; option
    ``keras.print_summary`` (default TRUE) turns it off.

    R: ``print(model)`` / ``model``
    Python: ``print(model)`` / ``model``
    """
    from .options import get_option

    if not get_option("keras.print_summary", True):
        return _KERAS_REPR[0](model)
    lines: list[str] = []
    try:
        model.summary(print_fn=lambda line, *args, **kwargs: lines.append(str(line)),
                      show_trainable=bool(model.built and model.non_trainable_weights))
    except Exception:  # a model that cannot summarise itself keeps Keras's repr
        return _KERAS_REPR[0](model)
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(lines))  # rich's colours: plain text


_KERAS_REPR: list[Any] = []


def _install_model_repr(keras: Any) -> None:
    if not _KERAS_REPR:
        _KERAS_REPR.append(keras.Model.__repr__)
        keras.Model.__repr__ = model_repr
        keras.Model.__call__ = _named_list_call(keras.Model.__call__)


def _named_list_call(call: Any) -> Any:
    """``model(named_list(a = x1, b = x2))`` works like a dict of inputs, as R's list does."""

    def model_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], NamedList):
            from .data_checks import as_model_data

            args = (as_model_data(args[0]),) + args[1:]
        return call(self, *args, **kwargs)

    model_call.__wrapped__ = call  # type: ignore[attr-defined]
    return model_call


_keras.on_keras_loaded(_install_model_repr)
