"""Assertions about a training history, with messages that say what happened.

They take what ``fit()`` returns (kerasr's history, a Keras ``History``, or a plain dict of
per-epoch lists) and raise ``AssertionError``, so pytest shows them as test failures.

R: ``expect_true(tail(history$metrics$loss, 1) < history$metrics$loss[1])``  (testthat)
Python: ``expect_learns(history)``; ``expect_metric(history, "val_accuracy", above=0.8)``
"""

from __future__ import annotations

import math
from typing import Any

from kerasr.errors import InvalidValueError

__all__ = ["expect_finite", "expect_learns", "expect_metric"]

#: Metrics where larger is better; every other metric (loss, mae, mse...) should go down.
_HIGHER_IS_BETTER = ("accuracy", "acc", "auc", "precision", "recall", "r2", "f1")


def _metrics(function: str, history: Any) -> dict[str, list[float]]:
    metrics = getattr(history, "metrics", None)
    if metrics is None or not hasattr(metrics, "keys"):
        metrics = getattr(history, "history", history)  # a Keras History, or a dict
    if not hasattr(metrics, "keys"):
        raise InvalidValueError(
            f"{function}(): `history` must be what fit() returns (or a dict of per-epoch "
            f"lists), got {type(history).__name__}")
    return {str(name): [float(v) for v in metrics[name]] for name in metrics.keys()}


def _series(function: str, history: Any, metric: str) -> list[float]:
    metrics = _metrics(function, history)
    if metric not in metrics:
        from kerasr.errors import did_you_mean

        raise InvalidValueError(
            f"{function}(): the history has no metric {metric!r}"
            f"{did_you_mean(metric, list(metrics))} (it has: {', '.join(metrics) or 'none'})")
    values = metrics[metric]
    if not values:
        raise AssertionError(f"{function}(): {metric!r} has no epochs recorded")
    return values


def _fmt(values: list[float]) -> str:
    shown = [f"{v:.4g}" for v in values[:8]]
    return "[" + ", ".join(shown) + (", ..." if len(values) > 8 else "") + "]"


def _higher_is_better(metric: str) -> bool:
    name = metric.removeprefix("val_")
    return any(name == key or name.endswith("_" + key) or name.startswith(key)
               for key in _HIGHER_IS_BETTER)


def expect_learns(history: Any, metric: str = "loss", min_change: float = 0.0) -> None:
    """The metric got better from the first epoch to the last (lower for losses and errors,
    higher for accuracy, AUC and the like), by more than ``min_change`` (relative).

    R: ``expect_learns(history, metric = "loss")``
    Python: ``expect_learns(history, metric="loss")``
    """
    values = _series("expect_learns", history, metric)
    if len(values) < 2:
        raise AssertionError(
            f"expect_learns(): {metric!r} has only one epoch ({values[0]:.4g}); learning needs "
            f"at least two (raise epochs, or --kerasr-max-epochs when capped)")
    first, last = values[0], values[-1]
    if not (math.isfinite(first) and math.isfinite(last)):
        raise AssertionError(f"expect_learns(): {metric!r} is not finite: {_fmt(values)}")
    up = _higher_is_better(metric)
    change = (last - first) if up else (first - last)
    needed = abs(first) * min_change
    if change <= needed:
        direction = "rise" if up else "fall"
        raise AssertionError(
            f"expect_learns(): {metric!r} did not {direction} over {len(values)} epochs: "
            f"{first:.4g} -> {last:.4g} {_fmt(values)}"
            + (f" (needed a change of more than {min_change:.0%})" if min_change else ""))


def expect_finite(history: Any) -> None:
    """Every metric of every epoch is a finite number (no NaN or infinity).

    R: ``expect_true(all(is.finite(unlist(history$metrics))))``
    Python: ``expect_finite(history)``
    """
    metrics = _metrics("expect_finite", history)
    bad = []
    for name, values in metrics.items():
        for epoch, value in enumerate(values, start=1):
            if not math.isfinite(value):
                bad.append(f"{name} is {value} at epoch {epoch}")
                break
    if bad:
        raise AssertionError("expect_finite(): " + "; ".join(bad) +
                             " (a learning rate too high, unscaled inputs, or a log of 0?)")


def expect_metric(history: Any, metric: str, above: float | None = None,
                  below: float | None = None) -> None:
    """The metric's final value is above and/or below the given bounds.

    R: ``expect_metric(history, "val_accuracy", above = 0.8)``
    Python: ``expect_metric(history, "val_accuracy", above=0.8)``
    """
    if above is None and below is None:
        raise InvalidValueError("expect_metric(): give `above`, `below` or both, e.g. "
                                "expect_metric(history, \"val_accuracy\", above=0.8)")
    values = _series("expect_metric", history, metric)
    last = values[-1]
    epochs = f"after {len(values)} epoch{'s' if len(values) != 1 else ''}"
    if not math.isfinite(last):
        raise AssertionError(f"expect_metric(): final {metric!r} is {last} {epochs}")
    if above is not None and not last > above:
        raise AssertionError(f"expect_metric(): final {metric!r} is {last:.4g} {epochs}, "
                             f"expected above {above:g}; per epoch: {_fmt(values)}")
    if below is not None and not last < below:
        raise AssertionError(f"expect_metric(): final {metric!r} is {last:.4g} {epochs}, "
                             f"expected below {below:g}; per epoch: {_fmt(values)}")
