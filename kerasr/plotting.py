"""R's generic ``plot()``: ``plot(history)`` draws a training history.

A ``functools.singledispatch`` generic, so other kerasr types (or users) can add methods.

R: ``plot(history)``
Python: ``plot(history)`` (same as ``history.plot()``)
"""

from __future__ import annotations

import functools
from typing import Any

from .errors import InvalidValueError
from .history import TrainingHistory, plot_history

__all__ = ["plot"]


@functools.singledispatch
def plot(x: Any, *args: Any, **kwargs: Any) -> Any:
    """Plot an object as R's ``plot()`` does; a training history gives its metric panels.

    R: ``plot(history, metrics = "loss", smooth = FALSE)``
    Python: ``plot(history, metrics="loss", smooth=False)``
    """
    raise InvalidValueError(
        f"plot(): no method for {type(x).__name__}; kerasr plots training histories "
        f"(the value fit() returns). For arrays use matplotlib, e.g. plt.plot(x)"
    )


@plot.register
def _plot_history(x: TrainingHistory, *args: Any, **kwargs: Any) -> Any:
    return plot_history(x, *args, **kwargs)
