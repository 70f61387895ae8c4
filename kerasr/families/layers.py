"""R's layer composition rules: what ``layer_*()`` does with its first argument.

- no target: the Keras layer itself (usable as ``layer(tensor)`` and in ``>>``);
- a Sequential model: the layer is added in place and the model returned;
- a symbolic tensor (or a list of them, for merge layers): the layer's output tensor.

R: ``model %>% layer_dense(units = 16)``
Python: ``model >> layer_dense(units=16)``
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import _keras
from ..arguments import REQUIRED, as_int, as_int_like, as_shape
from ..errors import (
    ArgumentError,
    InvalidValueError,
    TargetError,
    did_you_mean,
    match_arguments,
)
from ..pipe import Deferred, Target, describe, register_step
from .factories import r_doubles
from .spec import FAMILIES

__all__ = [
    "LAYER_TARGET", "MERGE_TARGET", "LayerStep", "compose_layer", "create_layer", "layer_function",
]

#: Layer parameters that are counts or sizes: integral floats become ints.
INT_PARAMS = frozenset(
    {
        "units", "filters", "kernel_size", "strides", "pool_size", "dilation_rate", "groups",
        "input_dim", "output_dim", "size", "depth_multiplier", "num_heads", "key_dim",
        "value_dim", "cropping", "padding_size", "target_shape", "dims", "n", "max_tokens",
        "num_tokens", "output_sequence_length", "height", "width", "axis", "axes", "seed",
        "num_bins", "ngrams", "sequence_length", "num_groups", "rank", "lora_rank",
    }
)

#: shape arguments where a scalar means a 1-tuple (the family table's rule)
SHAPE_ARGS = FAMILIES["layers"].shape_args

_SHAPE_KEYS = ("input_shape", "batch_input_shape", "batch_size", "input_length")


def _is_layer_target(obj: Any) -> bool:
    return _keras.is_model(obj) or _keras.is_tensor(obj)


def _is_merge_target(obj: Any) -> bool:
    return (
        isinstance(obj, (list, tuple))
        and len(obj) > 0
        and all(_keras.is_tensor(t) for t in obj)
    ) or _keras.is_model(obj)


LAYER_TARGET = Target(_is_layer_target, "a Keras model or a tensor")
MERGE_TARGET = Target(_is_merge_target, "a list of tensors")


def layer_function(target: Target = LAYER_TARGET) -> Callable[[Callable[..., Any]], Any]:
    """Decorator for ``layer_*`` functions: the first parameter is the optional target.

    When the first positional argument is not a target, the arguments shift right, so
    ``layer_dense(8, activation="relu")`` means ``units=8`` as in a piped R call.
    """
    import functools

    def decorate(function: Callable[..., Any]) -> Any:
        code = function.__code__  # cheaper than inspect.signature: import kerasr stays fast
        params = list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
        valid = frozenset(params)
        name = function.__name__

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if any(key not in valid for key in kwargs):
                kwargs = match_arguments(name, kwargs, params)  # R's partial matching
            if target is MERGE_TARGET and len(args) > 1 and all(
                _keras.is_tensor(a) for a in args[:2]
            ):  # R: layer_add(a, b); layer_dot(a, b, axes = 1): separate tensors are the inputs
                count = 0
                while count < len(args) and _keras.is_tensor(args[count]):
                    count += 1
                args = (list(args[:count]),) + tuple(args[count:])
            if args and target.accepts(args[0]):
                return function(*args, **kwargs)
            if params[0] in kwargs:
                return function(**kwargs, **dict(zip(params[1:], args)))
            if len(args) > len(params) - 1:
                raise ArgumentError(
                    f"{name}(): too many positional arguments ({len(args)}); pass the "
                    f"rest by name"
                )
            return function(None, *args, **kwargs)

        return wrapper

    return decorate


def create_layer(class_name: str, r_name: str, arguments: dict[str, Any]) -> Any:
    """Build the Keras layer ``class_name`` from an R-style argument dict and compose it."""
    k = _keras.keras()
    arguments = dict(arguments)
    target = arguments.pop("object", None)
    if "inputs" in arguments and class_name in _MERGE_CLASSES:
        target = arguments.pop("inputs")
    missing = [n for n, v in arguments.items() if v is REQUIRED]
    if missing:
        raise ArgumentError(
            f"{r_name}(): missing required argument `{missing[0]}`, e.g. "
            f"{r_name}({missing[0]}=...); see help({r_name})"
        )
    shape_args = {key: arguments.pop(key, None) for key in _SHAPE_KEYS}
    weights = arguments.pop("weights", None)
    if arguments.get("trainable") is None:
        arguments.pop("trainable", None)
    for key in ("dtype", "name"):
        if key in arguments and arguments[key] is None:
            arguments.pop(key)
    for key, value in list(arguments.items()):
        if key in INT_PARAMS:
            _check_count(r_name, key, value)
            arguments[key] = as_int_like(value)
        if key == "activation" and isinstance(value, str):
            _check_activation(value, r_name)
    input_shape, batch_size = _input_spec(r_name, shape_args)
    for key in SHAPE_ARGS & arguments.keys():  # R's c(784) is a length-1 vector: a 1-tuple
        value = arguments[key]
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            arguments[key] = (as_int(value, r_name, key),)
    cls = getattr(k.layers, class_name)
    try:
        layer = cls(**r_doubles(cls, arguments))
    except TypeError as exc:
        raise ArgumentError(f"{r_name}(): {exc}") from None
    if input_shape is not None:
        layer._input_shape_arg = input_shape
        layer._kerasr_batch_size = batch_size
    if weights is not None:
        layer._kerasr_pending_weights = list(weights)
    if target is None:
        return layer
    return compose_layer(target, layer)


_MERGE_CLASSES = frozenset(
    {"Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract"}
)


#: counts that must be at least 1 (``units = -1`` is an error, not a Keras traceback)
POSITIVE_COUNTS = frozenset({"units", "filters", "input_dim", "output_dim", "num_heads",
                             "key_dim", "max_tokens", "num_bins", "depth_multiplier"})


def _check_count(r_name: str, key: str, value: Any) -> None:
    """A count or size argument: a whole number (R's ``16`` or ``2^4``), never TRUE or "16"."""
    if value is None or isinstance(value, (list, tuple)):
        return
    wrong = isinstance(value, bool) or not isinstance(value, numbers.Real) or (
        isinstance(value, float) and not value.is_integer())
    if wrong:
        hint = f"; did you mean {key}={int(value)}?" if isinstance(value, str) and \
            value.strip().isdigit() else ""
        raise InvalidValueError(
            f"{r_name}(): `{key}` must be a whole number, got {value!r}{hint}"
        )
    if key in POSITIVE_COUNTS and value < 1:
        raise InvalidValueError(
            f"{r_name}(): `{key}` must be at least 1, got {value!r}"
        )


def _input_spec(r_name: str, shape_args: dict[str, Any]) -> tuple[Any, int | None]:
    input_shape = shape_args["input_shape"]
    batch_size = shape_args["batch_size"]
    if shape_args["batch_input_shape"] is not None:
        full = as_shape(shape_args["batch_input_shape"], r_name, "batch_input_shape")
        input_shape, batch_size = full[1:], full[0]
    elif input_shape is not None:
        input_shape = as_shape(input_shape, r_name, "input_shape")
    if input_shape is None and shape_args["input_length"] is not None:
        input_shape = (as_int(shape_args["input_length"], r_name, "input_length"),)
    if batch_size is not None:
        batch_size = as_int(batch_size, r_name, "batch_size")
    return input_shape, batch_size


def _check_activation(name: str, r_name: str) -> None:
    k = _keras.keras()
    try:
        k.activations.get(name)
    except (ValueError, TypeError):
        known = sorted(
            n for n in dir(k.activations) if not n.startswith("_") and n.islower()
            and n not in {"get", "serialize", "deserialize"}
        )
        raise InvalidValueError(
            f"{r_name}(): unknown activation {name!r}{did_you_mean(name, known)}"
            f" (valid: {', '.join(known)})"
        ) from None


def compose_layer(target: Any, layer: Any) -> Any:
    """Apply R's composition rule for ``target %>% layer``."""
    k = _keras.keras()
    if isinstance(target, k.Sequential):
        _add_to_sequential(target, layer)
        return target
    if isinstance(target, k.Model):
        raise TargetError(
            f"cannot add layer `{layer.name}` to the functional model `{target.name}`: only "
            f"Sequential models grow in place. Call the layer on a tensor instead, e.g. "
            f"`output = layer(model.output)`, then build `keras_model(inputs, output)`."
        )
    if isinstance(target, k.layers.Layer):
        return _layer_chain(target, layer)
    if _keras.is_tensor(target) or isinstance(target, (list, tuple, dict)):
        output = layer(target)
        _apply_pending_weights(layer)
        return output
    raise TargetError(
        f"`{type(layer).__name__}` layer: `target >> layer` needs a Sequential model or a "
        f"tensor on the left, got {describe(target)}."
    )


def _layer_chain(first: Any, second: Any) -> Deferred:
    return Deferred((LayerStep(first), LayerStep(second)))


def _add_to_sequential(model: Any, layer: Any) -> None:
    k = _keras.keras()
    shape = getattr(layer, "_input_shape_arg", None)
    if not model.layers and shape is not None and not _has_input(model):
        batch = getattr(layer, "_kerasr_batch_size", None)
        model.add(k.Input(shape=shape, batch_size=batch))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Do not pass an `input_shape`")
        model.add(layer)
    _apply_pending_weights(layer)


def _has_input(model: Any) -> bool:
    return getattr(model, "_functional", None) is not None or any(
        type(op).__name__ == "InputLayer" for op in getattr(model, "_layers", [])
    )


def _apply_pending_weights(layer: Any) -> None:
    pending = getattr(layer, "_kerasr_pending_weights", None)
    if pending is not None and layer.built:
        layer.set_weights(pending)
        del layer._kerasr_pending_weights


def layer_rrshift(layer: Any, target: Any) -> Any:
    """``target >> layer``: installed as ``keras.layers.Layer.__rrshift__``."""
    return compose_layer(target, layer)


def layer_rshift(layer: Any, other: Any) -> Any:
    """``layer >> other`` (a layer or a deferred call): a chain to pipe a model into later.

    Installed as ``keras.layers.Layer.__rshift__``; Python only tries ``__rrshift__`` when
    the two operands differ in type, so ``Dense >> Dense`` needs this side too.
    """
    if _keras.is_model(layer):  # a model on the left is a target, not a chain element
        if _keras.is_layer(other):
            return compose_layer(layer, other)
        if isinstance(other, Deferred):
            return other.__rrshift__(layer)
        return NotImplemented
    if _keras.is_layer(other):
        return Deferred((LayerStep(layer), LayerStep(other)))
    if isinstance(other, Deferred):
        first = other._steps[0]
        target = getattr(first, "target", None)
        if target is not None and target.accepts(layer):  # layer >> get_weights()
            return other.__rrshift__(layer)
        return Deferred((LayerStep(layer),) + other._steps)
    return NotImplemented


@dataclass(frozen=True)
class LayerStep:
    """A Keras layer as a step of a deferred chain: ``deferred >> layer``."""

    layer: Any

    def apply(self, target: Any) -> Any:
        return compose_layer(target, self.layer)

    def label(self) -> str:
        return f"<{type(self.layer).__name__} {getattr(self.layer, 'name', '')}>"


def install_layer_pipe(keras: Any) -> None:
    """Give Keras layers R's ``%>%``: ``target >> layer`` and ``layer >> layer``."""
    layer_cls = keras.layers.Layer
    if getattr(layer_cls, "__rrshift__", None) is not layer_rrshift:
        layer_cls.__rrshift__ = layer_rrshift  # type: ignore[attr-defined]
        layer_cls.__rshift__ = layer_rshift  # type: ignore[attr-defined]


_keras.on_keras_loaded(install_layer_pipe)
register_step(_keras.is_layer, LayerStep)
