"""The pipe: R's ``%>%`` as Python's ``>>``.

Every verb takes its target first, as in R (``fit(model, x, y)``). Called without its
target, a verb returns a :class:`Deferred` call, and ``target >> deferred`` applies it.
Which objects are a verb's target is declared per verb (:func:`verb`), so ``fit(x, y)`` is
never mistaken for ``fit(model=x, ...)``.

R: ``model %>% compile(optimizer = "sgd", loss = "mse")``
Python: ``model >> compile(optimizer="sgd", loss="mse")``
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from . import _keras
from .errors import ArgumentError, TargetError, match_arguments

__all__ = ["Deferred", "Target", "verb", "pipe_apply", "register_step"]

#: ``deferred >> other`` for non-deferred ``other``: (accepts(other), make_step(other)) pairs
#: registered by the families that pipe (the layer family registers Keras layers).
_STEP_MAKERS: list[tuple[Callable[[Any], bool], Callable[[Any], Any]]] = []


def register_step(accepts: Callable[[Any], bool], make_step: Callable[[Any], Any]) -> None:
    """Let ``deferred >> obj`` append ``make_step(obj)`` when ``accepts(obj)``.

    A step has ``apply(target)`` and ``label()``. The pipe itself knows no Keras types.

    R: ``model %>% layer``
    Python: ``register_step(is_layer, LayerStep)``
    """
    _STEP_MAKERS.append((accepts, make_step))

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Target:
    """What a verb accepts as its first argument: a test and a description for errors."""

    accepts: Callable[[Any], bool]
    description: str


class Deferred:
    """A verb call waiting for its target: ``target >> deferred`` applies it.

    Deferred calls compose without mutating: ``a >> b`` is a new chain that applies ``a``
    then ``b``. NumPy arrays and pandas objects on the left defer to it (no element-wise
    ``>>``), so ``x_train >> array_reshape((60000, 784))`` works.

    R: ``x %>% array_reshape(c(60000, 784))``
    Python: ``x >> array_reshape((60000, 784))``
    """

    __slots__ = ("_steps",)
    __array_ufunc__ = None  # numpy: `array >> deferred` calls our __rrshift__
    __array_priority__ = 10_000
    __pandas_priority__ = 10_000  # pandas >= 2.1 defers binary operators to us

    def __init__(self, steps: tuple[_Step, ...]) -> None:
        object.__setattr__(self, "_steps", steps)

    def __rrshift__(self, target: Any) -> Any:
        for step in self._steps:
            target = step.apply(target)
        return target

    def __call__(self, target: Any) -> Any:
        """Apply the chain to ``target`` (same as ``target >> self``)."""
        return self.__rrshift__(target)

    def __rshift__(self, other: Any) -> Deferred:
        if isinstance(other, Deferred):
            return Deferred(self._steps + other._steps)
        for accepts, make_step in _STEP_MAKERS:
            if accepts(other):
                return Deferred(self._steps + (make_step(other),))
        return NotImplemented

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        first = self._steps[0].label()
        raise AttributeError(
            f"{first} was called without its target, so it returned a deferred call, which has "
            f"no attribute `{name}`. Pipe the target into it: `target >> {first}`, or pass the "
            f"target first: `{first.split('(')[0]}(target, ...)`."
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a deferred call is immutable; `a >> b` builds a new chain")

    def __repr__(self) -> str:
        chain = " >> ".join(step.label() for step in self._steps)
        return f"<deferred: {chain}; apply with `target >> ...`>"

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class _Step:
    name: str
    function: Callable[..., Any]
    target: Target
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def apply(self, target: Any) -> Any:
        if not self.target.accepts(target):
            raise TargetError(
                f"{self.name}(): `target >> {self.name}(...)` needs {self.target.description} "
                f"on the left, got {describe(target)}."
            )
        return self.function(target, *self.args, **self.kwargs)

    def label(self) -> str:
        parts = [_short_repr(a) for a in self.args]
        parts += [f"{k}={_short_repr(v)}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(parts)})"


def verb(target: Target, *, data_first: bool = False) -> Callable[[F], F]:
    """Declare a function as a pipe verb whose first parameter is its target.

    ``data_first`` marks verbs whose first non-target argument is data (``x``), so a string
    there is taken as a mistaken target (``fit("model", x, y)``) and reported.

    R: ``my_verb <- function(object, ...) UseMethod("my_verb")`` then ``model %>% my_verb()``
    Python: ``@verb(MODEL)`` on ``def my_verb(object, ...)`` then ``model >> my_verb()``
    """

    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        params = list(signature.parameters.values())
        target_name = params[0].name
        valid = frozenset(p.name for p in params)
        has_var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
        name = function.__name__

        names = [p.name for p in params if p.kind is not p.VAR_POSITIONAL]

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not has_var_kw and any(key not in valid for key in kwargs):
                kwargs = match_arguments(name, kwargs, names)  # R's partial matching
            if args and target.accepts(args[0]):
                return function(*args, **kwargs)
            if target_name in kwargs:
                tgt = kwargs.pop(target_name)
                if not target.accepts(tgt):
                    raise TargetError(
                        f"{name}(): `{target_name}` must be {target.description}, "
                        f"got {describe(tgt)}."
                    )
                return function(tgt, *args, **kwargs)
            if data_first and args and isinstance(args[0], (str, bytes, os.PathLike)):
                raise TargetError(
                    f"{name}(): the first argument must be {target.description} (the target), "
                    f"got {describe(args[0])}. Call it as `{name}(model, x, y, ...)` or "
                    f"`model >> {name}(x, y, ...)`."
                )
            if args and _keras.is_layer(args[0]):
                raise TargetError(
                    f"{name}(): needs {target.description}, got a {type(args[0]).__name__} "
                    f"layer. Build a model around it first (keras_model_sequential() >> layer, "
                    f"or keras_model(inputs, outputs))."
                )
            try:
                signature.bind(None, *args, **kwargs)
            except TypeError as exc:
                raise ArgumentError(f"{name}(): {exc}") from None
            return Deferred((_Step(name, function, target, args, kwargs),))

        wrapper._kerasr_target = target  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def pipe_apply(target: Any, step: Any) -> Any:
    """Apply ``step`` to ``target`` as ``target >> step`` would (for code that builds chains)."""
    return target >> step


def describe(value: Any) -> str:
    """A short description of a value for error messages (type, shape or string)."""
    if isinstance(value, str):
        return f"the string {value!r}"
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"a {type(value).__name__} of shape {tuple(shape)}"
    return f"a {type(value).__module__.split('.')[0]}.{type(value).__name__}"


def _short_repr(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, (int, float)):
        return f"<{type(value).__name__} {tuple(shape)}>"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
