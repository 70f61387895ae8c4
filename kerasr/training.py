"""Training verbs: compile, fit, evaluate, predict and friends, with R keras 2's defaults.

R: ``model %>% compile(optimizer = "sgd", loss = "mse"); history <- model %>% fit(x, y)``
Python: ``model >> compile(optimizer="sgd", loss="mse"); history = model >> fit(x, y)``
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from typing import Any

import numpy as np

from . import (
    _keras,
    eager_batches,  # installs itself when Keras loads (TensorFlow)
)
from .arguments import as_int, deprecated
from .data_checks import (
    as_model_data,
    as_model_input,
    check_data,
    check_finite,
    check_input_width,
    check_rows,
)
from .display import in_notebook
from .distribute.multi_worker import worker_failures
from .distribute.scopes import (
    check_batch_size,
    check_model_scope,
    local_prediction,
    model_distribution,
    remember_distribution,
)
from .errors import InvalidValueError, KerasrDeprecationWarning, did_you_mean, warn
from .execution import (
    check_steps_per_execution,
    mark_auto,
    progress_callbacks,
    use_steps_per_execution,
)
from .families.factories import is_factory
from .generators import as_batches, is_generator
from .metric_order import r_metric_order
from .models import MODEL
from .named_list import NamedList
from .options import get_option
from .pipe import verb
from .testing import caps as _caps  # pytest --kerasr-fast caps and records; no-op otherwise

__all__ = [
    "compile",
    "evaluate",
    "evaluate_generator",
    "fit",
    "fit_generator",
    "predict",
    "predict_classes",
    "predict_generator",
    "predict_on_batch",
    "predict_proba",
    "resolve_verbose",
    "test_on_batch",
    "train_on_batch",
]


# -- progress output ------------------------------------------------------------------
def resolve_verbose(verbose: Any) -> int:
    """R's ``verbose`` to Keras's: "auto" gives a bar in a terminal, one line per epoch in
    notebooks and logs, silence under pytest (option ``keras.fit_verbose`` overrides)."""
    if verbose is None or verbose == "auto":
        verbose = get_option("keras.fit_verbose", "auto")
    if verbose is True:
        return 1 if sys.stdout.isatty() else 2
    if verbose is False:
        return 0
    if verbose == "auto":
        if "PYTEST_CURRENT_TEST" in os.environ:
            return 0
        if in_notebook():
            return 2
        return 1 if sys.stdout.isatty() else 2
    if verbose in (0, 1, 2):
        return int(verbose)
    raise InvalidValueError(
        f"`verbose` must be 'auto', True/False or 0, 1, 2, got {verbose!r}"
    )


# -- compile ----------------------------------------------------------------------------
def _known(module: Any, base: type) -> list[str]:
    names = set()
    for name in dir(module):
        obj = getattr(module, name)
        if name.startswith("_") or name in {"get", "serialize", "deserialize"}:
            continue
        if isinstance(obj, type) and issubclass(obj, base) and obj is not base:
            names.add(name.lower())
        elif callable(obj) and not isinstance(obj, type) and name.islower():
            names.add(name)
    return sorted(names)


def _resolve(kind: str, value: Any, module: Any, base: type, family: str) -> Any:
    if is_factory(value, family):
        return value()
    if not isinstance(value, str):
        return value
    special = {"metrics": {"accuracy", "acc", "crossentropy", "ce"}}.get(kind, set())
    if value in special:
        return value
    try:
        module.get(value)
    except (ValueError, TypeError, KeyError):
        known = _known(module, base)
        extra = {"losses": ["mse", "mae", "mape", "msle"], "metrics": ["mse", "mae", "mape",
                 "msle", "accuracy", "acc"]}.get(kind, [])
        known = sorted(set(known) | set(extra))
        raise InvalidValueError(
            f"compile(): unknown {kind[:-1] if kind != 'losses' else 'loss'} {value!r}"
            f"{did_you_mean(value, known)} (valid strings include: {', '.join(known[:20])}"
            f"{', ...' if len(known) > 20 else ''})"
        ) from None
    return value


@verb(MODEL)
def compile(
    object: Any,
    optimizer: Any = "rmsprop",
    loss: Any = None,
    metrics: Any = None,
    loss_weights: Any = None,
    weighted_metrics: Any = None,
    run_eagerly: bool = False,
    steps_per_execution: int | str = "auto",
    jit_compile: Any = "auto",
    auto_scale_loss: bool = True,
) -> Any:
    """Configure the model for training, in place; returns the model.

    ``metrics`` takes a string or a list; ``loss``/``metrics`` also take kerasr's
    ``loss_*``/``metric_*`` functions uncalled, as R code passes them.

    ``steps_per_execution="auto"`` (kerasr's default; R and Keras use 1) runs several
    batches per call into the backend whenever that gives identical results, and one batch
    at a time when a callback needs to see each batch (see ``kerasr.execution``). Pass a
    number to fix it.

    R: ``model %>% compile(optimizer = "sgd", loss = "mse", metrics = c("mae"))``
    Python: ``model >> compile(optimizer="sgd", loss="mse", metrics="mae")``
    """
    k = _keras.keras()
    optimizer = _resolve("optimizers", optimizer, k.optimizers, k.optimizers.Optimizer,
                         "optimizers")
    if isinstance(loss, NamedList):  # R: loss = list(out1 = "mse", out2 = "mae")
        loss = dict(loss.items()) if all(loss.names()) else list(loss)
    if isinstance(loss_weights, NamedList):
        loss_weights = dict(loss_weights.items()) if all(loss_weights.names()) else list(
            loss_weights)
    if isinstance(loss, (list, tuple)):
        loss = [_resolve("losses", v, k.losses, k.losses.Loss, "losses") for v in loss]
    elif isinstance(loss, dict):
        loss = {n: _resolve("losses", v, k.losses, k.losses.Loss, "losses")
                for n, v in loss.items()}
    else:
        loss = _resolve("losses", loss, k.losses, k.losses.Loss, "losses")
    metrics = _metrics_list(_named_metric_functions(object, metrics))
    weighted_metrics = _metrics_list(_named_metric_functions(object, weighted_metrics))
    steps_per_execution = check_steps_per_execution(steps_per_execution)
    auto_steps = steps_per_execution == "auto"
    object.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=metrics,
        loss_weights=loss_weights,
        weighted_metrics=weighted_metrics,
        run_eagerly=run_eagerly,
        steps_per_execution=1 if auto_steps else steps_per_execution,
        jit_compile=jit_compile,
        auto_scale_loss=auto_scale_loss,
    )
    mark_auto(object, auto_steps)
    remember_distribution(object)
    return object


def _named_metric_functions(model: Any, metrics: Any) -> Any:
    """R keras 2: ``metrics = list(mean_pred = function(y_true, y_pred) ...)`` names each
    function after its list name (deprecated there in favour of custom_metric())."""
    if not isinstance(metrics, (NamedList, dict)):
        return metrics
    items = list(metrics.items())
    outputs = set(getattr(model, "output_names", None) or [])
    if not items or not all(callable(v) and not isinstance(v, str) for _, v in items):
        return metrics
    if outputs and all(name in outputs for name, _ in items):
        return metrics  # one metric per model output
    from .ops.custom import custom_metric

    warn("compile(): a named list of metric functions is deprecated (as in R keras 2); "
         "name each one with custom_metric(name, fn) and pass a list",
         KerasrDeprecationWarning)
    return [custom_metric(str(name), fn) for name, fn in items]


def _metrics_list(metrics: Any) -> Any:
    k = _keras.keras()
    if metrics is None:
        return None

    def one(m: Any) -> Any:
        return _resolve("metrics", m, k.metrics, k.metrics.Metric, "metrics")

    if isinstance(metrics, dict):
        return {n: ([one(v) for v in m] if isinstance(m, (list, tuple)) else one(m))
                for n, m in metrics.items()}
    if isinstance(metrics, NamedList):
        return {n: one(v) for n, v in metrics.items()}
    if isinstance(metrics, (list, tuple)):
        return [one(m) for m in metrics]
    return [one(metrics)]


# -- fit --------------------------------------------------------------------------------
def _check_compiled(function: str, model: Any) -> None:
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise InvalidValueError(
            f"{function}(): the model is not compiled; call "
            f"`model >> compile(optimizer=..., loss=...)` before {function}()"
        )


def _check_xy(function: str, model: Any, x: Any, y: Any) -> None:
    if not is_generator(x):
        check_data(function, "x", x)
        check_data(function, "y", y, required=False)
    check_rows(function, x, y)
    check_finite(function, "x", x)
    check_finite(function, "y", y)
    check_input_width(function, model, x)


def _callbacks(callbacks: Any) -> list[Any]:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple, NamedList)):
        return list(callbacks)
    return [callbacks]


def _validation_data(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (NamedList, list)):
        value = tuple(value)
    if isinstance(value, tuple):
        value = tuple(as_model_data(v) for v in value)
        for name, part in zip(("x", "y", "sample_weight"), value):
            check_finite("fit", f"validation_data {name}", part)
        return value
    return as_batches("fit", value, 1, "validation_steps") if is_generator(value) else value


def _count(function: str, argument: str, value: Any, minimum: int = 1) -> int | None:
    """A count argument (epochs, batch size, steps): a whole number >= ``minimum``."""
    if value is None:
        return None
    if isinstance(value, str) or isinstance(value, bool):
        raise InvalidValueError(
            f"{function}(): `{argument}` must be a whole number, got {value!r}; e.g. "
            f"{argument}={max(minimum, 10) if argument == 'epochs' else 32}"
        )
    number = as_int(value, function, argument)
    if number < minimum:
        raise InvalidValueError(
            f"{function}(): `{argument}` must be at least {minimum}, got {number}"
        )
    return number


def _check_split(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not (
        0 <= float(value) < 1
    ):
        raise InvalidValueError(
            f"fit(): `validation_split` must be a number in [0, 1) (the share of rows held "
            f"out), got {value!r}; e.g. validation_split=0.2"
        )
    return float(value)


@verb(MODEL, data_first=True)
def fit(
    object: Any,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    epochs: int = 10,
    verbose: Any = "auto",
    callbacks: Any = None,
    view_metrics: Any = "auto",
    validation_split: float = 0.0,
    validation_data: Any = None,
    shuffle: bool = True,
    class_weight: Any = None,
    sample_weight: Any = None,
    initial_epoch: int = 0,
    steps_per_epoch: int | None = None,
    validation_steps: int | None = None,
    validation_batch_size: int | None = None,
    validation_freq: int = 1,
) -> Any:
    """Train the model in place for ``epochs`` (default 10, batch 32, as R keras 2); returns
    the training history. Calling fit again continues from the current weights.

    Interrupting (Ctrl-C, notebook stop) keeps the weights trained so far and returns the
    history of the completed epochs, with a warning.

    R: ``history <- model %>% fit(x, y, epochs = 20, validation_split = 0.2)``
    Python: ``history = model >> fit(x, y, epochs=20, validation_split=0.2)``
    """
    from .history import TrainingHistory

    _check_compiled("fit", object)
    check_model_scope("fit", object)
    epochs = _count("fit", "epochs", epochs)
    batch_size = _count("fit", "batch_size", batch_size)
    check_batch_size("fit", object, batch_size)
    initial_epoch = _count("fit", "initial_epoch", initial_epoch, minimum=0)
    steps_per_epoch = _count("fit", "steps_per_epoch", steps_per_epoch)
    validation_split = _check_split(validation_split)
    x = as_batches("fit", as_model_input(object, x), steps_per_epoch, "steps_per_epoch")
    y = as_model_data(y)
    _check_xy("fit", object, x, y)
    if isinstance(class_weight, NamedList):
        class_weight = {int(n): v for n, v in class_weight.items()}
    verbose_level = resolve_verbose(verbose)
    started = _caps.now()
    recorder = _recorder()
    cbs = [recorder] + _callbacks(callbacks)
    from .runs import tracking  # inside training_run(): record the history into the run

    cbs += tracking.run_callbacks()
    live = None
    if _view_metrics_on(view_metrics, epochs - int(initial_epoch)):
        from .history import live_metrics_callback

        live = live_metrics_callback(epochs=epochs)
        cbs.append(live)  # last: it sees metrics other callbacks add (learning_rate)
    has_validation = validation_data is not None or validation_split
    steps_per_epoch, validation_steps = _caps.fit_steps(
        x, batch_size, validation_split, validation_data, steps_per_epoch, validation_steps,
        validation_batch_size)
    use_steps_per_execution(object, cbs, ("train", "test") if has_validation else ("train",),
                            (steps_per_epoch, validation_steps))
    cbs += progress_callbacks(verbose_level)
    try:
        with (worker_failures("fit"), model_distribution(object),
              eager_batches.eager_model(object)):
            object.fit(
                x=x,
                y=y,
                batch_size=batch_size,
                epochs=epochs,
                verbose=verbose_level,
                callbacks=cbs,
                validation_split=validation_split,
                validation_data=_validation_data(validation_data),
                shuffle=shuffle and not is_generator(x),
                class_weight=class_weight,
                sample_weight=sample_weight,
                initial_epoch=int(initial_epoch),
                steps_per_epoch=steps_per_epoch,
                validation_steps=validation_steps,
                validation_batch_size=validation_batch_size,
                validation_freq=validation_freq,
            )
    except KeyboardInterrupt:
        if live is not None:
            live.on_train_end()  # Keras skips on_train_end when interrupted: draw the last frame
        done = len(getattr(recorder, "epoch", []) or [])
        warnings.warn(
            f"fit(): interrupted after {done} of {epochs - int(initial_epoch)} epochs; the "
            f"model keeps the weights trained so far and the returned history covers the "
            f"{done} completed epochs. Call fit() again to continue training.",
            RuntimeWarning,
            stacklevel=3,
        )
        if not getattr(recorder, "params", None):
            recorder.params = {"verbose": verbose_level, "epochs": epochs, "steps": None}
    recorder.finalize()
    recorder.history = {name: recorder.history[name]
                        for name in r_metric_order(recorder.history, object)}
    history = TrainingHistory.from_keras(recorder)
    _caps.record_fit(history, started)
    return history


@functools.lru_cache(maxsize=1)
def _recorder_class() -> type:
    history_cls = _keras.keras().callbacks.History

    class EpochRecorder(history_cls):  # type: ignore[misc, valid-type]
        """A History that goes first in the callback list yet sees what later callbacks add.

        Each epoch's logs dict is shared by all callbacks, so keeping a reference and
        reading it after fit() captures e.g. ReduceLROnPlateau's ``learning_rate``, and an
        epoch interrupted from a later callback's ``on_epoch_end`` still counts as done.
        """

        def on_train_begin(self, logs: Any = None) -> None:
            self.epoch = []
            self.history = {}
            self._epoch_logs: list[dict[str, Any]] = []

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.epoch.append(epoch)
            self._epoch_logs.append(logs if logs is not None else {})

        def finalize(self) -> None:
            history: dict[str, list[Any]] = {}
            for i, logs in enumerate(getattr(self, "_epoch_logs", [])):
                for key, value in logs.items():
                    history.setdefault(key, [float("nan")] * i).append(value)
                for values in history.values():
                    if len(values) < i + 1:
                        values.append(float("nan"))
            self.history = history

    return EpochRecorder


def _recorder() -> Any:
    return _recorder_class()()


def _view_metrics_on(view_metrics: Any, epochs: int) -> bool:
    if view_metrics == "auto":
        view_metrics = get_option("keras.view_metrics", "auto")
    if view_metrics == "auto":
        return epochs > 1 and in_notebook()
    return bool(view_metrics)


# -- evaluate / predict -----------------------------------------------------------------
@verb(MODEL, data_first=True)
def evaluate(
    object: Any,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    verbose: Any = "auto",
    sample_weight: Any = None,
    steps: int | None = None,
    callbacks: Any = None,
) -> NamedList:
    """Loss and metrics on data, as a named list (``$loss``, ``$accuracy``...).

    R: ``model %>% evaluate(x_test, y_test)``
    Python: ``model >> evaluate(x_test, y_test)``; ``loss, acc = model >> evaluate(x, y)``
    """
    _check_compiled("evaluate", object)
    batch_size = _count("evaluate", "batch_size", batch_size)
    x = as_batches("evaluate", as_model_input(object, x), _count("evaluate", "steps", steps),
                   "steps")
    y = as_model_data(y)
    _check_xy("evaluate", object, x, y)
    cbs = _callbacks(callbacks)
    steps = _caps.eval_steps(x, batch_size, steps)
    use_steps_per_execution(object, cbs, ("test",), (steps,))
    verbose_level = resolve_verbose(verbose)
    with (worker_failures("evaluate"), model_distribution(object),
          eager_batches.eager_model(object)):
        result = object.evaluate(
            x=x, y=y, batch_size=batch_size, verbose=verbose_level, sample_weight=sample_weight,
            steps=steps, callbacks=cbs + progress_callbacks(verbose_level), return_dict=True,
        )
    scores = NamedList({name: float(np.asarray(result[name]))
                        for name in r_metric_order(result, object)})
    from .runs import tracking  # inside training_run(): evaluation.json

    tracking.record_evaluation(scores)
    return scores


@verb(MODEL, data_first=True)
def predict(
    object: Any,
    x: Any,
    batch_size: int | None = None,
    verbose: Any = 0,
    steps: int | None = None,
    callbacks: Any = None,
) -> Any:
    """Predictions as a NumPy array (a list or dict of arrays for multi-output models).

    Silent by default, as R keras 2's ``predict()`` is (``verbose = "auto"`` shows progress).

    R: ``model %>% predict(x_test)``
    Python: ``model >> predict(x_test)``
    """
    batch_size = _count("predict", "batch_size", batch_size)
    steps = _count("predict", "steps", steps)
    x = as_batches("predict", as_model_input(object, x), steps, "steps")
    if not is_generator(x):
        check_data("predict", "x", x)
    check_input_width("predict", object, x)
    check_finite("predict", "x", x)
    cbs = _callbacks(callbacks)
    steps = _caps.predict_steps(x, batch_size, steps)
    batch_size = _caps.predict_batch_size(x, batch_size, steps)
    use_steps_per_execution(object, cbs, ("predict",), (steps,))
    verbose_level = resolve_verbose(verbose)
    with worker_failures("predict"), local_prediction(), eager_batches.eager_model(object):
        return object.predict(
            x, batch_size=batch_size, verbose=verbose_level, steps=steps,
            callbacks=cbs + progress_callbacks(verbose_level),
        )


@verb(MODEL, data_first=True)
def predict_on_batch(object: Any, x: Any) -> Any:
    """Predictions for one batch of samples, as a NumPy array.

    R: ``predict_on_batch(model, x)``
    Python: ``predict_on_batch(model, x)``
    """
    x = as_model_input(object, x)
    check_input_width("predict_on_batch", object, x)
    return object.predict_on_batch(x)


def _scalar_or_list(result: Any) -> Any:
    if isinstance(result, dict):
        values = NamedList({n: float(np.asarray(v)) for n, v in result.items()})
        return values[0] if len(values) == 1 else values
    return float(np.asarray(result))


@verb(MODEL, data_first=True)
def train_on_batch(
    object: Any, x: Any, y: Any = None, sample_weight: Any = None, class_weight: Any = None
) -> Any:
    """One gradient update on one batch; the loss (or a named list with metrics).

    R: ``train_on_batch(model, x, y)``
    Python: ``train_on_batch(model, x, y)``
    """
    _check_compiled("train_on_batch", object)
    x, y = as_model_input(object, x), as_model_data(y)
    _check_xy("train_on_batch", object, x, y)
    return _scalar_or_list(object.train_on_batch(
        x, y, sample_weight=sample_weight, class_weight=class_weight, return_dict=True
    ))


@verb(MODEL, data_first=True)
def test_on_batch(object: Any, x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """Loss (or a named list with metrics) on one batch, without updating the weights.

    R: ``test_on_batch(model, x, y)``
    Python: ``test_on_batch(model, x, y)``
    """
    _check_compiled("test_on_batch", object)
    x, y = as_model_input(object, x), as_model_data(y)
    _check_xy("test_on_batch", object, x, y)
    return _scalar_or_list(
        object.test_on_batch(x, y, sample_weight=sample_weight, return_dict=True)
    )


# -- removed-but-used verbs -------------------------------------------------------------
@verb(MODEL, data_first=True)
def predict_proba(object: Any, x: Any, batch_size: int | None = None, verbose: Any = 0,
                  steps: int | None = None) -> Any:
    """Deprecated (removed from TensorFlow 2.6): probabilities, i.e. ``predict()``.

    R: ``predict_proba(model, x)``
    Python: ``predict(model, x)``
    """
    deprecated("predict_proba", "predict_proba()", "predict()")
    return predict(object, x, batch_size=batch_size, verbose=verbose, steps=steps)


@verb(MODEL, data_first=True)
def predict_classes(object: Any, x: Any, batch_size: int | None = None, verbose: Any = 0,
                    steps: int | None = None) -> Any:
    """Deprecated (removed from TensorFlow 2.6): 0-based class indices.

    Softmax outputs give the argmax; a single sigmoid output gives ``prob > 0.5``.

    R: ``predict_classes(model, x)``
    Python: ``predict(model, x).argmax(axis=-1)`` (or ``(predict(model, x) > 0.5).astype(int)``)
    """
    deprecated("predict_classes", "predict_classes()",
               "predict(model, x).argmax(axis=-1), or (predict(model, x) > 0.5).astype(int) "
               "for a sigmoid output")
    probs = predict(object, x, batch_size=batch_size, verbose=verbose, steps=steps)
    if probs.ndim >= 2 and probs.shape[-1] > 1:
        return probs.argmax(axis=-1).astype("int32")
    return (probs > 0.5).astype("int32").reshape(len(probs), -1)[:, 0]


@verb(MODEL)
def fit_generator(
    object: Any,
    generator: Any,
    steps_per_epoch: int | None = None,
    epochs: int = 1,
    verbose: Any = "auto",
    callbacks: Any = None,
    view_metrics: Any = "auto",
    validation_data: Any = None,
    validation_steps: int | None = None,
    class_weight: Any = None,
    max_queue_size: int = 10,
    workers: int = 1,
    initial_epoch: int = 0,
) -> Any:
    """Deprecated: ``fit()`` now accepts generators.

    R: ``model %>% fit_generator(gen, steps_per_epoch = 100, epochs = 30)``
    Python: ``model >> fit(gen, steps_per_epoch=100, epochs=30)``
    """
    deprecated("fit_generator", "fit_generator()", "fit(), which now accepts generators")
    return fit(object, generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
               verbose=verbose, callbacks=callbacks, view_metrics=view_metrics,
               validation_data=validation_data, validation_steps=validation_steps,
               class_weight=class_weight, initial_epoch=initial_epoch)


@verb(MODEL)
def evaluate_generator(object: Any, generator: Any, steps: int | None = None,
                       max_queue_size: int = 10, workers: int = 1,
                       callbacks: Any = None) -> NamedList:
    """Deprecated: ``evaluate()`` now accepts generators.

    R: ``evaluate_generator(model, gen, steps = 18)``
    Python: ``evaluate(model, gen, steps=18)``
    """
    deprecated("evaluate_generator", "evaluate_generator()",
               "evaluate(), which now accepts generators")
    return evaluate(object, generator, steps=steps, callbacks=callbacks)


@verb(MODEL)
def predict_generator(object: Any, generator: Any, steps: int | None = None,
                      max_queue_size: int = 10, workers: int = 1, verbose: Any = 0,
                      callbacks: Any = None) -> Any:
    """Deprecated: ``predict()`` now accepts generators.

    R: ``predict_generator(model, gen, steps = 18)``
    Python: ``predict(model, gen, steps=18)``
    """
    deprecated("predict_generator", "predict_generator()",
               "predict(), which now accepts generators")
    return predict(object, generator, steps=steps, verbose=verbose, callbacks=callbacks)


test_on_batch.__test__ = False  # type: ignore[attr-defined]  # not a pytest test function
