"""The Keras backend and its session: backend choice, seeds, clearing state.

R: ``use_backend("jax"); set_random_seed(1); k_clear_session()``
Python: ``use_backend("jax"); set_random_seed(1); k_clear_session()``"""

from __future__ import annotations

import os
import random
import sys

import numpy as np

from . import _keras
from .arguments import as_int, deprecated
from .errors import InvalidValueError

__all__ = [
    "k_clear_session", "set_random_seed", "use_backend", "use_session_with_seed",
]


def set_random_seed(seed: int) -> None:
    """Seed Python, NumPy and the Keras backend so runs repeat.

    R: ``set_random_seed(1)``
    Python: ``set_random_seed(1)``
    """
    seed = as_int(seed, "set_random_seed", "seed")
    random.seed(seed)
    np.random.seed(seed)
    _keras.keras().utils.set_random_seed(seed)


def use_session_with_seed(seed: int, disable_gpu: bool = True,
                          disable_parallel_cpu: bool = True, quiet: bool = False) -> None:
    """Deprecated: use ``set_random_seed()``.

    R: ``use_session_with_seed(42)``
    Python: ``set_random_seed(42)``
    """
    deprecated("use_session_with_seed", "use_session_with_seed()", "set_random_seed()")
    set_random_seed(seed)
    if not quiet:
        print(f"Set session seed to {seed}")


def k_clear_session(free_memory: bool = True) -> None:
    """Reset Keras's global state (layer name counters, memory of old models).

    R: ``k_clear_session()``
    Python: ``k_clear_session()``
    """
    _keras.keras().backend.clear_session(free_memory=free_memory)


_BACKENDS = ("tensorflow", "jax", "torch", "numpy")


def use_backend(backend: str) -> str:
    """Choose the Keras backend; must run before Keras is first used (R keras3's semantics).

    R: ``use_backend("jax")``
    Python: ``use_backend("jax")``
    """
    if backend not in _BACKENDS:
        raise InvalidValueError(
            f"use_backend(): `backend` must be one of {', '.join(_BACKENDS)}, got {backend!r}"
        )
    if "keras" in sys.modules:
        current = sys.modules["keras"].backend.backend()
        if current != backend:
            raise InvalidValueError(
                f"use_backend(): Keras is already running on the {current!r} backend; the "
                f"backend must be set before Keras is first used. Restart the Python session "
                f"(in a notebook: restart the kernel) and call use_backend({backend!r}) first"
            )
        return backend
    os.environ["KERAS_BACKEND"] = backend
    return backend
