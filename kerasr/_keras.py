"""Lazy access to Keras: ``import kerasr`` never imports Keras, TensorFlow or JAX.

The first call that needs Keras imports it and runs the hooks registered with
:func:`on_keras_loaded` (the layer family installs ``Layer.__rrshift__`` there, so that
``model >> layer`` composes as R's ``%>%`` does). This is the one module of kerasr that
imports ``keras`` (a test checks it).

TensorFlow's C++ start-up lines (``oneDNN custom operations are on ...``, ``All log
messages before absl::InitializeLog() ...``, CPU-instruction notes) are printed at import,
some of them whatever ``TF_CPP_MIN_LOG_LEVEL`` says; R users never see them. So the import
runs with file descriptor 2 caught: TensorFlow's informational and warning lines are
dropped and everything else (errors, Python warnings) is written back to stderr.
``KERASR_TF_LOG=1`` or ``set_option("kerasr.tf_log", True)`` before Keras loads shows
TensorFlow's logging untouched.

TensorFlow also warns when recent calls of a ``tf.function`` "triggered tf.function
retracing". kerasr runs many batches per call (``kerasr.execution``), so a script that fits
or predicts with a few models in turn (k-fold validation, a learning-rate sweep) makes
only a handful of calls per model, each new model's first trace counts as a retrace, and
the warning fires although nothing is traced twice. Keras's own trainer functions are
therefore left out of that warning (:class:`KerasTraceWarningFilter`); a user's own
``tf.function`` still gets it.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

__all__ = [
    "is_layer", "is_model", "is_sequential", "is_symbolic_tensor", "is_tensor", "keras",
    "keras_loaded", "on_keras_loaded", "tensorflow",
]

_keras: ModuleType | None = None
_HOOKS: list[Callable[[ModuleType], None]] = []


#: TensorFlow's C++ log lines at INFO or WARNING level (absl's format), and the notes that
#: come with them at start-up.
_TF_NOISE = re.compile(
    r"^(?:[IW]\d{4} [\d:.]+\s+\d+ \S+:\d+\] "
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|To enable the following instructions: .* rebuild TensorFlow)"
)


def tf_log_shown() -> bool:
    """True when TensorFlow's start-up logging is wanted (``KERASR_TF_LOG``/option).

    R: (R's keras shows no TensorFlow start-up lines)
    Python: ``set_option("kerasr.tf_log", True)``
    """
    from .options import get_option

    value = get_option("kerasr.tf_log")
    if value is None:
        value = os.environ.get("KERASR_TF_LOG", "")
    return str(value).strip().lower() in ("1", "true", "yes", "on", "all")


@contextlib.contextmanager
def _quiet_tensorflow_start() -> Iterator[None]:
    """Catch fd 2 while Keras (and TensorFlow's C++ libraries) load; replay what matters."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable fd 2: nothing to quiet
        yield
        return
    caught = tempfile.TemporaryFile()
    try:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, 2)
        caught.seek(0)
        text = caught.read().decode("utf-8", "replace")
    finally:
        os.close(saved)
        caught.close()
    kept = [line for line in text.splitlines(keepends=True) if not _TF_NOISE.match(line)]
    if kept:
        sys.stderr.write("".join(kept))
        sys.stderr.flush()


class KerasTraceWarningFilter(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning about Keras's trainer.

    R: (R's keras shows no tracing warnings)
    Python: ``logging.getLogger("tensorflow").addFilter(KerasTraceWarningFilter())``
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to judge
            return True
        return not ("triggered tf.function retracing" in message
                    and "TensorFlowTrainer." in message)


def _quiet_trace_warnings() -> None:
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, KerasTraceWarningFilter) for f in logger.filters):
        logger.addFilter(KerasTraceWarningFilter())


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """On the JAX or torch backend Keras imports TensorFlow later, on its own (``tf.data``
    for a callback or a data set): that first import runs quieted too."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "tensorflow":
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)  # once: the real finders take it from here
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        real = spec.loader

        class QuietLoader(importlib.abc.Loader):
            def create_module(self, spec: Any) -> Any:
                return real.create_module(spec)

            def exec_module(self, module: ModuleType) -> None:
                with _quiet_tensorflow_start():
                    real.exec_module(module)

        spec.loader = QuietLoader()
        return spec


def _quiet_later_tensorflow_import() -> None:
    if "tensorflow" not in sys.modules and not any(
            isinstance(f, _QuietTensorFlowImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowImport())


def keras() -> ModuleType:
    """Import Keras on first use and return the module."""
    global _keras
    if _keras is None:
        if "keras" in sys.modules or tf_log_shown():
            import keras as _k
        else:
            with _quiet_tensorflow_start():
                import keras as _k
        if not tf_log_shown():
            _quiet_trace_warnings()
            _quiet_later_tensorflow_import()

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


def tensorflow() -> ModuleType:
    """TensorFlow itself, for the few things Keras does not wrap (``tf.distribute``).

    Loads Keras first (so its start-up settings apply), then returns ``tensorflow``.

    R: ``tf <- tensorflow::tf``
    Python: ``tf = tensorflow()``
    """
    keras()
    import tensorflow as tf

    return tf
