"""The training history that ``fit()`` returns (R's ``keras_training_history``).

``core``: the object, R's print and data frames; ``plot``: the ggplot-style figure;
``live``: the live view in notebooks. The history registers its methods of R's generics
``plot()`` and ``as_data_frame()`` (:mod:`kerasr.generics`).

R: ``history <- model %>% fit(x, y); plot(history); as.data.frame(history)``
Python: ``history = model >> fit(x, y); plot(history); as_data_frame(history)``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import generics
from .core import TrainingHistory, check_history, plot_history
from .live import live_metrics_callback

__all__ = ["TrainingHistory", "live_metrics_callback", "plot_history"]


# the generics' own "no method" errors, kept before the history's fallbacks replace them
# (the generics are reached through their module: ``kerasr.history.plot`` is the plot submodule)
_NO_METHOD = {
    "plot": generics.plot.dispatch(object),
    "as_data_frame": generics.as_data_frame.dispatch(object),
}


def _is_keras_history(x: Any) -> bool:
    return isinstance(getattr(x, "history", None), Mapping)


@generics.plot.register
def _plot_training_history(x: TrainingHistory, *args: Any, **kwargs: Any) -> Any:
    return plot_history(x, *args, **kwargs)


@generics.as_data_frame.register
def _training_history_frame(x: TrainingHistory, *args: Any, **kwargs: Any) -> Any:
    return x.as_data_frame(*args, **kwargs)


@generics.plot.register
def _plot_object(x: object, *args: Any, **kwargs: Any) -> Any:
    """A raw ``keras.callbacks.History`` plots as a TrainingHistory; others have no method."""
    if _is_keras_history(x):
        return plot_history(x, *args, **kwargs)
    return _NO_METHOD["plot"](x, *args, **kwargs)


@generics.as_data_frame.register
def _object_frame(x: object, *args: Any, **kwargs: Any) -> Any:
    if _is_keras_history(x):
        return check_history(x, "as_data_frame").as_data_frame(*args, **kwargs)
    return _NO_METHOD["as_data_frame"](x, *args, **kwargs)
