"""Lazy access to Keras: ``import kerasr`` never imports Keras, TensorFlow or JAX.

The first call that needs Keras imports it (with TensorFlow's C++ log noise turned down)
and installs the one hook kerasr adds to Keras classes: ``Layer.__rrshift__``, so that
``model >> layer`` and ``tensor >> layer`` compose as R's ``%>%`` does.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any

_keras: ModuleType | None = None


def keras() -> ModuleType:
    """Import Keras on first use and return the module."""
    global _keras
    if _keras is None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import keras as _k

        _install_pipe_hooks(_k)
        _keras = _k
    return _keras


def keras_loaded() -> bool:
    """True when Keras has been imported (by kerasr or by anyone else)."""
    return "keras" in sys.modules


def _install_pipe_hooks(k: ModuleType) -> None:
    from .layers_compose import layer_rrshift, layer_rshift

    layer_cls = k.layers.Layer
    if getattr(layer_cls, "__rrshift__", None) is not layer_rrshift:
        layer_cls.__rrshift__ = layer_rrshift  # type: ignore[attr-defined]
        layer_cls.__rshift__ = layer_rshift  # type: ignore[attr-defined]


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
