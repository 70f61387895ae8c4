"""Runtime side of the generated families: turn R-style arguments into Keras objects.

The generated modules (``kerasr/generated/*.py``) hold explicit signatures and docstrings;
each function body calls one of these factories with ``locals()``.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .. import _keras
from ..arguments import REQUIRED, as_int_like, deprecated
from ..errors import ArgumentError, InvalidValueError, match_arguments
from .spec import DEPRECATED_ALIASES, FAMILIES

__all__ = [
    "KERAS_DEFAULT",
    "create_callback",
    "create_loss",
    "create_metric",
    "create_object",
    "create_optimizer",
    "factory",
    "is_factory",
]

F = TypeVar("F", bound=Callable[..., Any])


class _KerasDefault:
    """Default that means "leave it to Keras" (its own default is not a plain literal)."""

    def __repr__(self) -> str:
        return "<keras default>"


KERAS_DEFAULT: Any = _KerasDefault()


def factory(family: str) -> Callable[[F], F]:
    """Mark a generated function, so ``compile(loss=loss_mse)`` (uncalled) works as in R.

    The wrapper gives every generated function R's argument matching (exact names, then a
    unique prefix) and the same "did you mean" errors as the verbs.
    """

    def mark(function: F) -> F:
        code = function.__code__
        params = list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
        valid = frozenset(params)
        name = function.__name__
        if code.co_flags & 0x08:  # **kwargs: nothing to match (deprecated aliases)
            function._kerasr_family = family  # type: ignore[attr-defined]
            return function

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if any(key not in valid for key in kwargs):
                kwargs = match_arguments(name, kwargs, params)
            return function(*args, **kwargs)

        wrapper._kerasr_family = family  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return mark


def is_factory(obj: Any, family: str) -> bool:
    """True when ``obj`` is an (uncalled) kerasr function of ``family``."""
    return getattr(obj, "_kerasr_family", None) == family


@functools.cache
def float_arguments(cls: type) -> frozenset[str]:
    """Arguments of ``cls`` whose Keras default is a float (R passes doubles for them)."""
    import inspect

    try:
        parameters = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return frozenset()
    return frozenset(
        name for name, p in parameters.items()
        if isinstance(p.default, float) and not isinstance(p.default, bool)
    )


def r_doubles(cls: type, kwargs: dict[str, Any]) -> dict[str, Any]:
    """R's numbers are doubles: an int where Keras's default is a float becomes a float."""
    floats = float_arguments(cls)
    return {
        key: float(value)
        if key in floats and isinstance(value, int) and not isinstance(value, bool)
        else value
        for key, value in kwargs.items()
    }


def _clean(family: str, class_name: str, r_name: str, args: dict[str, Any]) -> dict[str, Any]:
    missing = [n for n, v in args.items() if v is REQUIRED]
    if missing:
        raise ArgumentError(
            f"{r_name}(): missing required argument `{missing[0]}`, e.g. "
            f"{r_name}({missing[0]}=...); see help({r_name})"
        )
    renames = FAMILIES[family].arg_names.get(class_name, {})
    out = {}
    for key, value in args.items():
        if value is KERAS_DEFAULT:
            continue
        out[renames.get(key, key)] = value
    return out


def _instantiate(module: Any, class_name: str, r_name: str, kwargs: dict[str, Any]) -> Any:
    cls = getattr(module, class_name)
    try:
        return cls(**r_doubles(cls, kwargs))
    except TypeError as exc:
        raise ArgumentError(f"{r_name}(): {exc}") from None


def create_optimizer(class_name: str, r_name: str, args: dict[str, Any]) -> Any:
    """Build a Keras optimizer, honouring R keras's legacy ``lr=`` and ``decay=``."""
    k = _keras.keras()
    args = dict(args)
    lr = args.pop("lr", None)
    decay = args.pop("decay", None)
    kwargs = _clean("optimizers", class_name, r_name, args)
    if lr is not None:
        if kwargs.get("learning_rate") != _class_default(k.optimizers, class_name, "learning_rate"):
            raise ArgumentError(
                f"{r_name}(): you can't supply both `lr` and `learning_rate`; use only "
                f"`learning_rate`"
            )
        deprecated(r_name, "lr", "learning_rate")
        kwargs["learning_rate"] = lr
    if decay:
        deprecated(r_name, "decay", "learning_rate=a schedule (kerasr applies Keras 2's "
                   "inverse-time decay: lr / (1 + decay * iterations))")
        kwargs["learning_rate"] = k.optimizers.schedules.InverseTimeDecay(
            initial_learning_rate=float(kwargs.get("learning_rate", 0.001)),
            decay_steps=1,
            decay_rate=float(decay),
        )
    if kwargs.get("epsilon", 0) is None:
        kwargs.pop("epsilon")
    return _instantiate(k.optimizers, class_name, r_name, kwargs)


def _class_default(module: Any, class_name: str, argument: str) -> Any:
    import inspect

    parameter = inspect.signature(getattr(module, class_name)).parameters.get(argument)
    return None if parameter is None else parameter.default


def _dual(module: Any, class_name: str, function_name: str | None, r_name: str,
          args: dict[str, Any], family: str) -> Any:
    args = dict(args)
    y_true = args.pop("y_true", None)
    y_pred = args.pop("y_pred", None)
    alias_of = DEPRECATED_ALIASES.get(r_name)
    if alias_of:
        deprecated(r_name, r_name, alias_of, stacklevel=5)
    kwargs = _clean(family, class_name, r_name, args)
    if y_true is None and y_pred is None:
        return _instantiate(module, class_name, r_name, kwargs)
    if y_true is None or y_pred is None:
        given, missing = ("y_true", "y_pred") if y_pred is None else ("y_pred", "y_true")
        raise ArgumentError(
            f"{r_name}(): `{given}` was given without `{missing}`; pass both to compute the "
            f"value, or neither to get a {family[:-1]} object for compile()"
        )
    function = getattr(module, function_name, None) if function_name else None
    if function is not None:
        import inspect

        accepted = inspect.signature(function).parameters
        fn_kwargs = {k: v for k, v in kwargs.items() if k in accepted}
        return function(y_true, y_pred, **fn_kwargs)
    instance = _instantiate(module, class_name, r_name, kwargs)
    if family == "metrics":
        instance.update_state(y_true, y_pred)
        return instance.result()
    return instance(y_true, y_pred)


def create_loss(class_name: str, function_name: str | None, r_name: str,
                args: dict[str, Any]) -> Any:
    """A Keras loss object, or the loss values when ``y_true`` and ``y_pred`` are given."""
    return _dual(_keras.keras().losses, class_name, function_name, r_name, args, "losses")


def create_metric(class_name: str, function_name: str | None, r_name: str,
                  args: dict[str, Any]) -> Any:
    """A Keras metric object, or the metric values when ``y_true`` and ``y_pred`` are given."""
    return _dual(_keras.keras().metrics, class_name, function_name, r_name, args, "metrics")


def create_object(family: str, class_name: str, r_name: str, args: dict[str, Any]) -> Any:
    """A regularizer, initializer or constraint."""
    kwargs = _clean(family, class_name, r_name, args)
    kwargs = {k: as_int_like(v) if k == "seed" else v for k, v in kwargs.items()}
    return _instantiate(getattr(_keras.keras(), family), class_name, r_name, kwargs)


def create_callback(class_name: str, r_name: str, args: dict[str, Any]) -> Any:
    """A Keras callback; handles R's ``period=`` and ``.h5``/``.hdf5`` checkpoint names."""
    k = _keras.keras()
    alias_of = DEPRECATED_ALIASES.get(r_name)
    if alias_of:
        deprecated(r_name, r_name, alias_of, stacklevel=5)
    kwargs = _clean("callbacks", class_name, r_name, args)
    if class_name == "ModelCheckpoint":
        from .checkpoint import model_checkpoint

        return model_checkpoint(r_name, kwargs)
    if class_name == "CSVLogger":  # the file is rewritten atomically after each epoch
        from .csv_logger import csv_logger

        return csv_logger(r_name, kwargs)
    if class_name == "LambdaCallback":
        kwargs = {key: value for key, value in kwargs.items() if value is not None}
    if class_name in ("CSVLogger", "BackupAndRestore", "TensorBoard"):
        for key in ("filename", "backup_dir", "log_dir"):
            if key in kwargs and isinstance(kwargs[key], os.PathLike):
                kwargs[key] = os.fspath(kwargs[key])
    if class_name == "EarlyStopping" and not isinstance(kwargs.get("patience", 0), int):
        kwargs["patience"] = as_int_like(kwargs["patience"])
        if not isinstance(kwargs["patience"], int):
            raise InvalidValueError(
                f"{r_name}(): `patience` must be a whole number of epochs, got "
                f"{kwargs['patience']!r}"
            )
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        return _instantiate(k.callbacks, class_name, r_name, kwargs)
