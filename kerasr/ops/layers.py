"""R's ways to define custom layers and models, producing real Keras Layer subclasses.

``Layer(classname, initialize, build, call, ...)`` (R keras3; ``new_layer_class`` is the same),
``new_model_class`` and ``create_layer(layer_class, object, args)``. The class's constructor
takes the base layer's arguments (``name``, ``trainable``, ``dtype``, ``input_shape``) itself,
passes the rest to ``initialize``, and records them, so ``get_config()``, ``save_model()`` and
``load_model()`` work without a hand-written ``get_config``. The class is registered with Keras
under ``kerasr>classname``: a session that has run the same definition loads saved models.

R: ``layer_scale <- Layer("Scale", initialize = function(k) { self$k <- k }, call = function(x) x * self$k)``
Python: ``Scale = Layer("Scale", initialize=lambda self, k: setattr(self, "k", k), call=lambda self, x: x * self.k)``
"""  # noqa: E501

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .. import _keras
from ..arguments import as_shape
from ..errors import ArgumentError, InvalidValueError
from ..named_list import NamedList
from .custom import register_custom_object

__all__ = ["Layer", "create_layer", "new_layer_class", "new_model_class"]

#: Constructor arguments the Keras base classes take themselves (R's create_layer moves
#: these to the Python constructor, too).
_BASE_ARGS = ("name", "trainable", "dtype", "input_shape", "batch_input_shape", "batch_size")


def _class(function: str, classname: str, base: Any, initialize: Callable[..., Any] | None,
           methods: dict[str, Any]) -> type:
    if not isinstance(classname, str) or not classname.isidentifier():
        raise InvalidValueError(
            f"{function}(): `classname` must be a valid class name, got {classname!r}"
        )
    if not callable(methods.get("call")) and not any(
        "call" in vars(c) and c.__module__.split(".")[0] != "keras" for c in base.__mro__
    ):
        raise ArgumentError(
            f"{function}(): `call` is missing: Keras custom layers must implement the call "
            f"function, e.g. {function}(\"{classname}\", call=lambda self, inputs: ...)"
        )
    init_signature = inspect.signature(initialize) if initialize is not None else None

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        base_kwargs = {k: kwargs.pop(k) for k in _BASE_ARGS if k in kwargs}
        shape = base_kwargs.pop("input_shape", None)
        batch_shape = base_kwargs.pop("batch_input_shape", None)
        batch_size = base_kwargs.pop("batch_size", None)
        if init_signature is None and (args or kwargs):
            raise ArgumentError(
                f"{classname}(): unknown argument(s) {', '.join(map(str, list(kwargs) or args))}"
                f"; the class has no `initialize` method taking them"
            )
        record: dict[str, Any] = {}
        if init_signature is not None:
            try:
                bound = init_signature.bind(self, *args, **kwargs)
            except TypeError as exc:
                raise ArgumentError(f"{classname}(): {exc}") from None
            record = {k: v for k, v in list(bound.arguments.items())[1:]}
            var_kw = [p.name for p in init_signature.parameters.values()
                      if p.kind is p.VAR_KEYWORD]
            if var_kw and var_kw[0] in record:
                record.update(record.pop(var_kw[0]))
        base.__init__(self, **base_kwargs)
        self._kerasr_init_args = record
        if shape is not None or batch_shape is not None:  # R: input_shape on the first layer
            self._input_shape_arg = as_shape(batch_shape[1:] if batch_shape else shape,
                                             classname, "input_shape")
            self._kerasr_batch_size = batch_shape[0] if batch_shape else batch_size
        if initialize is not None:
            initialize(self, *args, **kwargs)

    def get_config(self: Any) -> dict[str, Any]:
        config = base.get_config(self)
        if "get_config" in methods:
            config.update(methods["get_config"](self))
        else:
            config.update(self._kerasr_init_args)
        return config

    namespace: dict[str, Any] = {"__init__": __init__, "get_config": get_config,
                                 "__module__": "kerasr.custom"}
    for key, value in methods.items():
        if key != "get_config":
            namespace[key] = value
    if issubclass(base, _keras.keras().Model) and "from_config" not in methods:
        namespace["from_config"] = classmethod(lambda cls, config: cls(**config))
    cls = type(classname, (base,), namespace)
    registered = _keras.keras().saving.register_keras_serializable(
        package="kerasr", name=classname
    )(cls)
    register_custom_object(f"kerasr>{classname}", registered)
    return registered


def Layer(classname: str, initialize: Callable[..., Any] | None = None,  # noqa: N802
          call: Callable[..., Any] | None = None, build: Callable[..., Any] | None = None,
          get_config: Callable[..., Any] | None = None, *, inherit: Any = None,
          **methods: Any) -> type:
    """Define a custom layer class (R keras3's ``Layer()``): a real Keras Layer subclass.

    ``initialize(self, ...)`` sets attributes (the base class is initialised for you);
    ``build(self, input_shape)`` creates weights with ``self.add_weight()``;
    ``call(self, inputs, ...)`` computes the output. Other methods go in ``**methods``.

    R: ``Layer("Scale", initialize = function(k) self$k <- k, call = function(x) x * self$k)``
    Python: ``Layer("Scale", initialize=init, call=lambda self, x: x * self.k)``
    """
    base = inherit if inherit is not None else _keras.keras().layers.Layer
    if not (isinstance(base, type) and issubclass(base, _keras.keras().layers.Layer)):
        raise InvalidValueError(
            f"Layer(): `inherit` must be a Keras Layer class, got {base!r}"
        )
    for key, value in (("call", call), ("build", build), ("get_config", get_config)):
        if value is not None:
            methods[key] = value
    return _class("Layer", classname, base, initialize, methods)


def new_layer_class(classname: str, initialize: Callable[..., Any] | None = None,
                    call: Callable[..., Any] | None = None,
                    build: Callable[..., Any] | None = None,
                    get_config: Callable[..., Any] | None = None, *, inherit: Any = None,
                    **methods: Any) -> type:
    """R keras's ``new_layer_class()``, the same as ``Layer()``.

    R: ``new_layer_class("Scale", initialize = ..., call = ...)``
    Python: ``new_layer_class("Scale", initialize=..., call=...)``
    """
    return Layer(classname, initialize, call, build, get_config, inherit=inherit, **methods)


def new_model_class(classname: str, initialize: Callable[..., Any] | None = None,
                    call: Callable[..., Any] | None = None, *, inherit: Any = None,
                    **methods: Any) -> type:
    """Define a custom model class (a Keras Model subclass) the R way.

    R: ``new_model_class("MLP", initialize = function(units) self$d <- layer_dense(units = units), call = function(x) self$d(x))``
    Python: ``new_model_class("MLP", initialize=init, call=lambda self, x: self.d(x))``
    """  # noqa: E501
    base = inherit if inherit is not None else _keras.keras().Model
    if "call" not in methods and call is None:
        raise ArgumentError(
            f"new_model_class(): `call` is missing: custom models must implement the call "
            f"function, e.g. new_model_class(\"{classname}\", call=lambda self, inputs: ...)"
        )
    if call is not None:
        methods["call"] = call
    return _class("new_model_class", classname, base, initialize, methods)


def create_layer(layer_class: Any, object: Any = None, args: Any = None) -> Any:  # noqa: A002
    """Instantiate ``layer_class`` with ``args`` and compose it with ``object``, as R does.

    ``object`` may be missing (the layer is returned), a Sequential model (the layer is added
    and the model returned) or a tensor (the layer's output is returned).

    R: ``layer_scale <- function(object, k) create_layer(Scale, object, list(k = k))``
    Python: ``def layer_scale(object=None, k=1): return create_layer(Scale, object, {"k": k})``
    """
    k = _keras.keras()
    if not (isinstance(layer_class, type) and issubclass(layer_class, k.layers.Layer)):
        raise InvalidValueError(
            f"create_layer(): `layer_class` must be a Keras Layer class (from Layer() or a "
            f"class derived from keras.layers.Layer), got {layer_class!r}"
        )
    if args is None:
        kwargs: dict[str, Any] = {}
    elif isinstance(args, NamedList):
        kwargs = args.to_dict()
    elif isinstance(args, dict):
        kwargs = dict(args)
    else:
        raise InvalidValueError(
            f"create_layer(): `args` must be a named list or a dict of arguments, got "
            f"{type(args).__name__}"
        )
    layer = layer_class(**kwargs)
    if object is None:
        return layer
    return object >> layer
