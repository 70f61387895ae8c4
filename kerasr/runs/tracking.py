"""Run tracking for fit() and evaluate(): the only runs module that touches Keras.

When a run is active (``training_run()`` started this process), ``fit()`` adds
``run_callbacks()``: a Keras callback that writes the run's properties at the start of training
(epochs, batch size, samples, model summary, loss, optimizer, learning rate) and rewrites
``tfruns.d/metrics.json`` after every epoch, padded with null up to ``epochs``, as R keras's
metrics callback does for tfruns. Each fit's history is also kept in
``tfruns.d/fits/fit-NNN.json`` (metrics.json holds the latest fit, as in tfruns).
``record_evaluation()`` writes ``evaluation.json`` from ``evaluate()``.
"""

from __future__ import annotations

import functools
from typing import Any

from . import records
from .run_dir import active_run_dir, meta_dir, write_properties

__all__: list[str] = []


def run_callbacks() -> list[Any]:
    """The callbacks ``fit()`` adds: ``[]`` outside a run (no Keras work at all)."""
    if active_run_dir() is None:
        return []
    return [_callback_class()()]


def record_evaluation(result: Any) -> None:
    """Write ``evaluate()``'s named scores to the active run's ``evaluation.json``."""
    run = active_run_dir()
    if run is None:
        return
    data = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    records.write_json(meta_dir(run) / "evaluation.json", data)


def _summary(model: Any) -> str:
    lines: list[str] = []
    try:
        model.summary(line_length=80, print_fn=lambda line, **_: lines.append(line))
    except Exception as exc:  # an unbuilt subclassed model has no summary yet
        return f"Model\n(summary unavailable: {exc})"
    return "Model\n" + "\n".join(lines)


def _optimizer(model: Any) -> tuple[str | None, float | None]:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None, None
    rate = None
    try:
        import numpy as np

        rate = float(np.asarray(optimizer.learning_rate))
    except Exception:  # a schedule: recorded by name only
        rate = None
    kind = type(optimizer)
    return f"<{kind.__module__}.{kind.__name__} object>", rate


def _loss(model: Any) -> str | None:
    loss = getattr(model, "loss", None)
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or str(loss)


@functools.lru_cache(maxsize=1)
def _callback_class() -> type:
    from .._keras import keras

    base = keras().callbacks.Callback

    class RunTracker(base):  # type: ignore[misc, valid-type]
        """Writes a fit's properties and metrics history into the active run."""

        def on_train_begin(self, logs: Any = None) -> None:
            self.run = active_run_dir()
            self.history: dict[str, list[Any]] = {}
            self.epochs = int((self.params or {}).get("epochs") or 0)
            fits = meta_dir(self.run) / "fits"
            fits.mkdir(parents=True, exist_ok=True)
            self.fit_file = fits / f"fit-{len(list(fits.glob('fit-*.json'))) + 1:03d}.json"
            props: dict[str, Any] = {}
            for key in ("samples", "validation_samples", "epochs", "batch_size", "steps"):
                value = (self.params or {}).get(key)
                if value is not None and key != "steps":
                    props[key] = value
            props["model"] = _summary(self.model)
            loss = _loss(self.model)
            if loss is not None:
                props["loss_function"] = loss
            optimizer, rate = _optimizer(self.model)
            if optimizer is not None:
                props["optimizer"] = optimizer
            if rate is not None:
                props["learning_rate"] = rate
            write_properties(self.run, props)

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            import numpy as np

            done = len(next(iter(self.history.values()), []))
            for key, value in (logs or {}).items():
                column = self.history.setdefault(key, [None] * done)
                column.append(float(np.asarray(value)))
            for column in self.history.values():
                if len(column) < done + 1:
                    column.append(None)
            self._write()

        def on_train_end(self, logs: Any = None) -> None:
            self._write()

        def _write(self) -> None:
            data = {key: values + [None] * max(0, self.epochs - len(values))
                    for key, values in self.history.items()}
            records.write_json(self.fit_file, data)
            records.write_json(meta_dir(self.run) / "metrics.json", data)

    return RunTracker

