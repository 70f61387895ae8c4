"""R's generic functions: ``plot()`` and ``as.data.frame()`` dispatch on their argument's type.

Each is a ``functools.singledispatch`` generic, so other kerasr types (or users) add methods
with ``@plot.register``; the history package registers the training history.

R: ``plot(history)``; ``as.data.frame(history)``
Python: ``plot(history)``; ``as_data_frame(history)``
"""

from __future__ import annotations

import functools
from typing import Any

from .errors import InvalidValueError

__all__ = ["as_data_frame", "plot"]


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


@functools.singledispatch
def as_data_frame(x: Any, *args: Any, **kwargs: Any) -> Any:
    """R's ``as.data.frame()``: a pandas DataFrame; a history gives the long format.

    R: ``as.data.frame(history)``
    Python: ``as_data_frame(history)``
    """
    raise InvalidValueError(
        f"as_data_frame(): no method for {type(x).__name__}; kerasr converts training "
        f"histories (the value fit() returns). For other data use pandas.DataFrame(x)"
    )
