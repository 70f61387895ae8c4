"""Smoke-test caps on training, read from the environment by kerasr's fit/evaluate/predict.

``pytest --kerasr-fast`` runs every lab with these variables set; nothing here imports Keras,
and every function returns its input unchanged when the variables are absent, so ordinary
runs are untouched.

- ``KERAS_MAX_EPOCHS``: Keras's own cap on the epochs of every ``fit()`` (read by Keras at
  import time; plain ``model.fit()`` calls obey it too).
- ``KERASR_MAX_STEPS``: batches per epoch of ``fit()`` (training and validation), and batches
  of ``evaluate()``; ``predict()`` on a generator or dataset too. ``predict()`` on arrays keeps
  every row, because labs compare its result row by row with the labels. (Keras's own
  ``KERAS_MAX_STEPS_PER_EPOCH`` is not used: it also cuts ``predict()`` on arrays short, and
  kerasr's ``steps_per_execution="auto"`` would round each epoch up to 32 batches.)
- ``KERASR_TESTING_RECORD``: a JSON-lines file; each ``fit()`` appends its epochs, seconds
  and final metrics, which the pytest plugin reads back for its summary.

R: (no equivalent; R's workshops run in full)
Python: ``KERASR_MAX_STEPS=5 KERAS_MAX_EPOCHS=3 python lab.py``
"""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any

__all__ = [
    "ENV_MAX_EPOCHS",
    "ENV_MAX_STEPS",
    "ENV_RECORD",
    "cap_environment",
    "eval_steps",
    "fit_steps",
    "max_epochs",
    "max_steps",
    "now",
    "predict_batch_size",
    "predict_steps",
    "read_records",
    "record_fit",
]

ENV_MAX_EPOCHS = "KERAS_MAX_EPOCHS"
ENV_MAX_STEPS = "KERASR_MAX_STEPS"
ENV_RECORD = "KERASR_TESTING_RECORD"


def _positive(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(
            f"kerasr: environment variable {name}={value!r} must be a whole number of at least 1"
        ) from None
    if number < 1:
        raise ValueError(f"kerasr: environment variable {name}={value!r} must be at least 1")
    return number


def max_epochs() -> int | None:
    """The cap on epochs per ``fit()`` (``KERAS_MAX_EPOCHS``), or None.

    R: (no equivalent)
    Python: ``max_epochs()``
    """
    return _positive(ENV_MAX_EPOCHS)


def max_steps() -> int | None:
    """The cap on batches per epoch / per evaluation (``KERASR_MAX_STEPS``), or None.

    R: (no equivalent)
    Python: ``max_steps()``
    """
    return _positive(ENV_MAX_STEPS)


def cap_environment(epochs: int | None, steps: int | None) -> dict[str, str]:
    """The environment variables that apply these caps in a lab's process.

    R: (no equivalent)
    Python: ``os.environ.update(cap_environment(3, 5))``
    """
    env = {}
    if epochs is not None:
        env[ENV_MAX_EPOCHS] = str(int(epochs))
    if steps is not None:
        env[ENV_MAX_STEPS] = str(int(steps))
    return env


def _rows(x: Any) -> int | None:
    """Number of samples in array-like input (first of a list/tuple/dict), None if unknown."""
    if isinstance(x, dict):
        x = next(iter(x.values()), None)
    elif isinstance(x, (list, tuple)) and x and hasattr(x[0], "shape"):
        x = x[0]
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape) > 0 and shape[0] is not None:
        try:
            return int(shape[0])
        except TypeError:
            return None
    if isinstance(x, (list, tuple)):
        return len(x)
    return None


def _capped(given: int | None, rows: int | None, batch_size: int | None, cap: int) -> int | None:
    """``given`` limited to ``cap``; None (all batches) when the data has no more than ``cap``."""
    if given is not None:
        return min(int(given), cap)
    if rows is not None:
        batches = math.ceil(rows / (batch_size or 32))
        return cap if batches > cap else None
    return cap  # a generator or dataset of unknown length


def fit_steps(x: Any, batch_size: int | None, validation_split: float, validation_data: Any,
              steps_per_epoch: int | None, validation_steps: int | None,
              validation_batch_size: int | None = None) -> tuple[int | None, int | None]:
    """``fit()``'s ``steps_per_epoch`` and ``validation_steps`` under the step cap.

    R: (no equivalent)
    Python: ``steps, vsteps = fit_steps(x, 32, 0.2, None, None, None)``
    """
    cap = max_steps()
    if cap is None:
        return steps_per_epoch, validation_steps
    rows = _rows(x)
    train_rows = val_rows = None
    if rows is not None:
        train_rows = math.ceil(rows * (1.0 - float(validation_split or 0.0)))
        val_rows = rows - train_rows
    if validation_data is not None:
        first = validation_data[0] if isinstance(validation_data, (tuple, list)) else \
            validation_data
        val_rows = _rows(first)
    steps = _capped(steps_per_epoch, train_rows, batch_size, cap)
    has_validation = validation_data is not None or bool(validation_split)
    vsteps = validation_steps
    if has_validation:
        vsteps = _capped(validation_steps, val_rows, validation_batch_size or batch_size, cap)
    return steps, vsteps


def eval_steps(x: Any, batch_size: int | None, steps: int | None) -> int | None:
    """``evaluate()``'s ``steps`` under the step cap.

    R: (no equivalent)
    Python: ``steps = eval_steps(x, 32, None)``
    """
    cap = max_steps()
    if cap is None:
        return steps
    return _capped(steps, _rows(x), batch_size, cap)


def predict_steps(x: Any, batch_size: int | None, steps: int | None) -> int | None:
    """``predict()``'s ``steps`` under the step cap: arrays keep every row; generators and
    datasets stop after the cap.

    R: (no equivalent)
    Python: ``steps = predict_steps(generator, 32, None)``
    """
    cap = max_steps()
    if cap is None or _rows(x) is not None:
        return steps
    return min(int(steps), cap) if steps is not None else cap


#: Rows per ``predict()`` batch under the caps, at most (so memory stays small).
PREDICT_BATCH_LIMIT = 4096


def predict_batch_size(x: Any, batch_size: int | None, steps: int | None) -> int | None:
    """``predict()``'s ``batch_size`` under the step cap: arrays are predicted in about
    ``KERASR_MAX_STEPS`` batches (of at most 4096 rows), every row still predicted, so a
    capped lab does not spend its time predicting one batch of 32 after another.

    R: (no equivalent)
    Python: ``batch_size = predict_batch_size(x_test, None, None)``
    """
    cap = max_steps()
    rows = _rows(x)
    if cap is None or rows is None or steps is not None:
        return batch_size
    size = int(batch_size or 32)
    return max(size, min(math.ceil(rows / cap), PREDICT_BATCH_LIMIT))


def _json_number(value: Any) -> float | str | None:
    """A metric value for JSON: a float, "nan"/"inf" as text, None if not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else str(number)


def record_fit(history: Any, started: float) -> None:
    """Append one ``fit()``'s epochs, seconds and final metrics to ``KERASR_TESTING_RECORD``.

    R: (no equivalent)
    Python: ``record_fit(history, time.perf_counter())``
    """
    path = os.environ.get(ENV_RECORD)
    if not path:
        return
    metrics = getattr(history, "metrics", {}) or {}
    final: dict[str, Any] = {}
    epochs = 0
    for name in list(metrics.keys()) if hasattr(metrics, "keys") else []:
        values = list(metrics[name])
        epochs = max(epochs, len(values))
        if values:
            final[str(name)] = _json_number(values[-1])
    first_loss = None
    if "loss" in final and len(metrics["loss"]):
        first_loss = _json_number(list(metrics["loss"])[0])
    params = getattr(history, "params", None) or {}
    steps = params.get("steps") if hasattr(params, "get") else None
    line = {"epochs": epochs, "steps": steps, "seconds": round(time.perf_counter() - started, 4),
            "final": final, "first_loss": first_loss}
    # one write() of one line in append mode: lines from one process never interleave
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, allow_nan=False) + "\n")


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The fits recorded in a ``KERASR_TESTING_RECORD`` file (missing file: none).

    R: (no equivalent)
    Python: ``fits = read_records("fits.jsonl")``
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return []
    fits = []
    for line in lines:
        try:
            fits.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a killed process
    return fits


def now() -> float:
    """The clock ``record_fit()`` measures with (``time.perf_counter``).

    R: ``Sys.time()``
    Python: ``started = now()``
    """
    return time.perf_counter()
