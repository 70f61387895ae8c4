"""Lazy access to Keras: ``import kerasr`` never imports Keras, TensorFlow or JAX.

The first call that needs Keras imports it (with TensorFlow's C++ log noise turned down)
and runs the hooks registered with :func:`on_keras_loaded` (the layer family installs
``Layer.__rrshift__`` there, so that ``model >> layer`` composes as R's ``%>%`` does).
This is the one module of kerasr that imports ``keras`` (a test checks it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = [
    "is_layer", "is_model", "is_sequential", "is_symbolic_tensor", "is_tensor", "keras",
    "keras_loaded", "on_keras_loaded",
]

_keras: ModuleType | None = None
_HOOKS: list[Callable[[ModuleType], None]] = []


def keras() -> ModuleType:
    """Import Keras on first use and return the module."""
    global _keras
    if _keras is None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import keras as _k

        _keras = _k
        for hook in list(_HOOKS):
            hook(_k)
    return _keras


def on_keras_loaded(hook: Callable[[ModuleType], None]) -> None:
    """Run ``hook(keras)`` when kerasr first loads Keras (now, if it already has).

    R: ``setHook(packageEvent("keras", "onLoad"), hook)``
    Python: ``on_keras_loaded(lambda keras: ...)``
    """
    _HOOKS.append(hook)
    if _keras is not None:
        hook(_keras)


def keras_loaded() -> bool:
    """True when Keras has been imported (by kerasr or by anyone else)."""
    return "keras" in sys.modules


# -- cheap type predicates (never import Keras themselves) ----------------------------
def _k() -> ModuleType | None:
    if _keras is not None:
        return _keras
    if "keras" in sys.modules:
        return keras()
    return None


def is_model(obj: Any) -> bool:
    """True for any Keras model (Sequential or functional)."""
    k = _k()
    return k is not None and isinstance(obj, k.Model)


def is_sequential(obj: Any) -> bool:
    """True for a Keras Sequential model."""
    k = _k()
    return k is not None and isinstance(obj, k.Sequential)


def is_layer(obj: Any) -> bool:
    """True for any Keras layer (models included)."""
    k = _k()
    return k is not None and isinstance(obj, k.layers.Layer)


def is_symbolic_tensor(obj: Any) -> bool:
    """True for a Keras symbolic tensor (the output of ``layer_input()``)."""
    k = _k()
    return k is not None and isinstance(obj, k.KerasTensor)


def is_tensor(obj: Any) -> bool:
    """True for a symbolic Keras tensor or a backend (eager) tensor."""
    k = _k()
    if k is None:
        return False
    if isinstance(obj, k.KerasTensor):
        return True
    try:
        return bool(k.ops.is_tensor(obj))
    except Exception:  # pragma: no cover - backend specific
        return False
