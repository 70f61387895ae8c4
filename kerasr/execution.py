"""How many batches Keras runs per call into the backend (``steps_per_execution``).

Keras defaults to one batch per execution, so every batch pays a round trip through Python
(iterator, callbacks, logs). kerasr's ``compile(steps_per_execution="auto")``, the default,
runs :data:`AUTO_STEPS_PER_EXECUTION` batches per execution instead whenever that gives the
same result: the same batches in the same order and the same weights, losses and
predictions, only fewer trips through Python. It falls back to one batch per execution
when the model runs eagerly (``compile(run_eagerly=True)``, for debugging) or a callback
has to see every batch (``callback_lambda(on_batch_end=...)``,
``callback_terminate_on_nan()``, a checkpoint or TensorBoard writing per batch), and uses
a divisor of ``steps_per_epoch``/``validation_steps``/``steps`` when those are given, because
Keras rounds an epoch up to whole executions.

R: ``model %>% compile(optimizer = "sgd", loss = "mse")``  (one batch per execution)
Python: ``model >> compile(optimizer="sgd", loss="mse")``  (several, same numbers)
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Iterable
from typing import Any

from . import _keras
from .errors import InvalidValueError

__all__ = [
    "AUTO_STEPS_PER_EXECUTION",
    "check_steps_per_execution",
    "mark_auto",
    "needs_every_batch",
    "use_steps_per_execution",
]

AUTO_STEPS_PER_EXECUTION = 32
"""Batches per execution under ``"auto"``; measured in benchmarks/ (docs/performance.md)."""

_AUTO_FLAG = "_kerasr_auto_steps_per_execution"

# The batch hooks each phase calls. Keras's base Callback marks its own no-op hooks with
# ``_is_default``; anything else means the callback wants to see every batch.
PHASE_HOOKS: dict[str, tuple[str, ...]] = {
    "train": ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def _epoch_level_checkpoint(callback: Any) -> bool:
    return getattr(callback, "save_freq", None) == "epoch"


def _epoch_level_tensorboard(callback: Any) -> bool:
    return (getattr(callback, "update_freq", None) == "epoch"
            and not getattr(callback, "write_steps_per_second", False)
            and not getattr(callback, "_should_trace", False))


# Keras callbacks whose batch hooks do nothing per batch in these configurations.
_BATCH_HOOKS_IDLE_WHEN = {
    "ProgbarLogger": lambda callback: True,  # only redraws less often
    "ModelCheckpoint": _epoch_level_checkpoint,
    "BackupAndRestore": _epoch_level_checkpoint,
    "TensorBoard": _epoch_level_tensorboard,
}


def _hook_owner(callback: Any, hook: str) -> type | None:
    """The class that defines ``hook`` for this callback (None: set on the instance)."""
    if hook in vars(callback):
        return None  # e.g. LambdaCallback(on_batch_end=...)
    return next((cls for cls in type(callback).__mro__ if hook in vars(cls)), None)


def needs_every_batch(callbacks: Iterable[Any], phases: Iterable[str]) -> bool:
    """True when some callback acts on individual batches in one of ``phases``."""
    hooks = [hook for phase in phases for hook in PHASE_HOOKS[phase]]
    for callback in callbacks:
        for hook in hooks:
            method = getattr(callback, hook, None)
            if method is None or getattr(method, "_is_default", False):
                continue
            owner = _hook_owner(callback, hook)
            from_keras = owner is not None and owner.__module__.split(".")[0] == "keras"
            idle = _BATCH_HOOKS_IDLE_WHEN.get(owner.__name__) if from_keras else None
            if idle is None or not idle(callback):
                return True
    return False


def check_steps_per_execution(value: Any) -> int | str:
    """Validate ``compile(steps_per_execution=)``: ``"auto"`` or a positive whole number."""
    if value == "auto":
        return "auto"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) \
            or value < 1:
        raise InvalidValueError(
            f'compile(): `steps_per_execution` must be "auto" or a whole number of batches '
            f"of at least 1, got {value!r}; use 1 for one batch per execution (Keras's "
            f'default) or leave it at "auto"'
        )
    return int(value)


def mark_auto(model: Any, auto: bool = True) -> None:
    """Record whether kerasr chooses ``steps_per_execution`` for this model."""
    object.__setattr__(model, _AUTO_FLAG, auto)


def _fixed_lengths_divisor(step_counts: Iterable[int | None]) -> int:
    divisor = AUTO_STEPS_PER_EXECUTION
    for steps in step_counts:
        if steps is not None:
            divisor = math.gcd(divisor, int(steps))
    return max(divisor, 1)


def _functions_run_eagerly() -> bool:
    """``tf.config.run_functions_eagerly(True)`` (debugging, the pytest plugin's capped labs)
    runs every function eagerly: several batches per execution would only add an eager loop."""
    if not _keras.keras_loaded() or "tensorflow" not in sys.modules \
            or _keras.keras().backend.backend() != "tensorflow":
        return False
    return bool(_keras.tensorflow().config.functions_run_eagerly())


def use_steps_per_execution(model: Any, callbacks: Iterable[Any], phases: Iterable[str],
                            step_counts: Iterable[int | None] = ()) -> None:
    """Set the model's batches per execution for the coming fit/evaluate/predict.

    Only models compiled with ``steps_per_execution="auto"`` are touched. The compiled
    Keras functions are rebuilt only when the number changes.
    """
    if not getattr(model, _AUTO_FLAG, False):
        return
    phases = tuple(phases)
    from .distribute.scopes import in_distribution  # under a strategy: one batch per execution

    one_at_a_time = (getattr(model, "run_eagerly", False) or _functions_run_eagerly()
                     or needs_every_batch(callbacks, phases) or in_distribution(model))
    wanted = 1 if one_at_a_time else _fixed_lengths_divisor(step_counts)
    if getattr(model, "steps_per_execution", 1) != wanted:
        model.steps_per_execution = wanted
        model.train_function = None
        model.test_function = None
        model.predict_function = None


@functools.lru_cache(maxsize=1)
def _progress_class() -> type:
    base = _keras.keras().callbacks.ProgbarLogger

    class BatchCountingProgbar(base):  # type: ignore[misc, valid-type]
        """Keras's progress bar, counting real batches when several run per execution.

        Keras reports the last step of each execution (``step + steps_per_execution - 1``),
        so an 11-batch epoch run 32 batches at a time would show ``32/11``; the count is
        clamped to the epoch's size.
        """

        def _update_progbar(self, batch: int, logs: Any = None) -> None:
            if self.target is not None:
                batch = min(batch, int(self.target) - 1)
            super()._update_progbar(batch, logs)

    return BatchCountingProgbar


def progress_callbacks(verbose: int) -> list[Any]:
    """The progress bar kerasr adds itself (Keras then adds none), or nothing when silent.

    Added after the batches per execution are chosen: it sees each execution, not each
    batch, and must not force one batch at a time.
    """
    return [_progress_class()()] if verbose else []
