"""Custom metrics and losses the R way, and R's forms of ``custom_objects``.

``custom_metric(name, fn)`` names a plain ``(y_true, y_pred)`` function (history keys are
``name`` and ``val_<name>``) and registers it with Keras, so a model compiled with it saves and,
in a session that has run the same ``custom_metric()`` call, loads without ``custom_objects``.
A custom loss is any plain ``(y_true, y_pred)`` function written with ``k_*``/``op_*``.

R: ``custom_metric("mean_pred", function(y_true, y_pred) k_mean(y_pred))``
Python: ``custom_metric("mean_pred", lambda y_true, y_pred: k_mean(y_pred))``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _keras
from ..errors import InvalidValueError
from ..named_list import NamedList

__all__ = ["as_custom_objects", "custom_metric"]

#: Objects named by custom_metric()/Layer(), registered with Keras when it loads.
_PENDING: dict[str, Any] = {}
_HOOKED = False


def register_custom_object(name: str, obj: Any) -> None:
    """Make ``obj`` findable by ``name`` when Keras deserializes a saved model."""
    if _keras.keras_loaded():
        _keras.keras().saving.get_custom_objects()[name] = obj
        return
    _PENDING[name] = obj
    global _HOOKED
    hook = getattr(_keras, "on_keras_loaded", None)
    if hook is not None and not _HOOKED:
        _HOOKED = True
        hook(register_pending)


def register_pending(k: Any = None) -> None:
    """Register what was named before Keras loaded (``k``: the keras module, when known)."""
    if _PENDING and (k is not None or _keras.keras_loaded()):
        registry = (k or _keras.keras()).saving.get_custom_objects()
        for name, obj in _PENDING.items():
            registry.setdefault(name, obj)
        _PENDING.clear()


def custom_metric(name: str, metric_fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Name a ``(y_true, y_pred)`` function so compile(), history and evaluate() use ``name``.

    The function may serve as ``loss=`` or in ``metrics=``. It must return one value per sample
    (or a scalar); a result of another shape is an error naming the metric.

    R: ``custom_metric("metric_capped_mse", function(y_true, y_pred) k_mean(k_square(y_pred - y_true)))``
    Python: ``custom_metric("metric_capped_mse", lambda y_true, y_pred: k_mean(k_square(y_pred - y_true)))``
    """  # noqa: E501
    if not isinstance(name, str) or not name.strip():
        raise InvalidValueError(
            f"custom_metric(): `name` must be a non-empty string (it becomes the history key), "
            f"got {name!r}"
        )
    if not callable(metric_fn):
        raise InvalidValueError(
            f"custom_metric(): `metric_fn` must be a function of (y_true, y_pred), got "
            f"{type(metric_fn).__name__}"
        )

    def metric(y_true: Any, y_pred: Any) -> Any:
        register_pending()
        value = metric_fn(y_true, y_pred)
        _check_shape(name, value, y_pred)
        return value

    metric.__name__ = name
    metric.__qualname__ = name
    metric.__doc__ = getattr(metric_fn, "__doc__", None)
    register_custom_object(name, metric)
    return metric


def _check_shape(name: str, value: Any, y_pred: Any) -> None:
    shape = getattr(value, "shape", None)
    pred_shape = getattr(y_pred, "shape", None)
    if shape is None or pred_shape is None or len(shape) == 0:
        return
    batch = pred_shape[0] if len(pred_shape) else None
    per_sample = len(shape) <= len(pred_shape) and (
        shape[0] is None or batch is None or shape[0] == batch
    )
    if not per_sample:
        raise InvalidValueError(
            f"custom_metric(): metric `{name}` returned shape {tuple(shape)} for predictions of "
            f"shape {tuple(pred_shape)}; a metric must return a scalar or one value per sample "
            f"(reduce with k_mean(..., axis=-1) or k_mean(...))"
        )


def as_custom_objects(objects: Any, function: str = "load_model") -> dict[str, Any] | None:
    """R's forms of ``custom_objects`` as Keras's dict.

    Accepts a dict, a named list, a list of functions/classes (named by their ``__name__``, as
    R keras3 does for unnamed entries) or one function/class.

    R: ``load_model(path, custom_objects = list(metric_capped_mse = metric_capped_mse))``
    Python: ``as_custom_objects(named_list(metric_capped_mse=metric_capped_mse))``
    """
    if objects is None:
        return None
    if isinstance(objects, dict):
        return dict(objects)
    if isinstance(objects, NamedList):
        pairs = list(zip(objects.names(), objects.values()))
    elif isinstance(objects, (list, tuple)):
        pairs = [(None, value) for value in objects]
    else:
        pairs = [(None, objects)]
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key is None:
            key = getattr(value, "__name__", None)
            if not key or key == "<lambda>":
                raise InvalidValueError(
                    f"{function}(): `custom_objects` entries need a name: use a named list, "
                    f"e.g. custom_objects=named_list(my_loss=my_loss), or named functions"
                )
        out[key] = value
    return out
