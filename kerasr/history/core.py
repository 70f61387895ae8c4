"""The training history that ``fit()`` returns: R's ``keras_training_history``.

R keras returns ``structure(class = "keras_training_history", list(params, metrics))``
from ``fit()``; it prints the final epoch's metrics, converts to a long data frame with
``as.data.frame()`` and plots with ``plot()``. :class:`TrainingHistory` is the same object
in Python::

    # R:      history <- model %>% fit(x, y, epochs = 20, validation_split = 0.2)
    #         history; plot(history); as.data.frame(history)
    # Python: history = model >> fit(x, y, epochs=20, validation_split=0.2)
    #         history; history.plot(); history.as_data_frame()

Importing this module imports neither Keras nor TensorFlow (nor pandas or matplotlib):
they are imported inside the functions that need them.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidValueError
from ..named_list import NamedList

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd
    from matplotlib.figure import Figure

from ..rbase.format import pretty_num

#: R's ``print.keras_training_history`` header line.
__all__ = ["TrainingHistory", "check_history", "plot_history"]

#: R's ``print.keras_training_history`` header line.
HEADER = "Final epoch (plot to see history):"

# Keras 2 and some callbacks record the learning rate as "lr"; Keras 3 as "learning_rate".
_LR_ALIASES = ("lr",)

# --------------------------------------------------------------------------------------
# The history object
# --------------------------------------------------------------------------------------
def to_float(value: Any) -> float:
    """One per-epoch log value as a float (R ``mean()``-s vector-valued logs)."""
    if value is None:
        return float("nan")
    if isinstance(value, (float, int, np.floating, np.integer)):
        return float(value)
    if hasattr(value, "numpy"):
        value = value.numpy()
    arr = np.asarray(value, dtype=float)
    return float(arr.mean()) if arr.size else float("nan")


def _normalise_metrics(metrics: Mapping[str, Any] | NamedList | None) -> NamedList:
    """Metric name -> list of floats, Keras order kept, ``lr`` renamed ``learning_rate``."""
    if metrics is None:
        return NamedList()
    items = metrics.items()
    names = [n for n, _ in items]
    out: list[tuple[str, list[float]]] = []
    for name, values in items:
        if name is None:
            raise InvalidValueError("TrainingHistory(): every metric needs a name")
        name = str(name)
        if name in _LR_ALIASES and "learning_rate" not in names:
            name = "learning_rate"
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            values = [values]
        out.append((name, [to_float(v) for v in values]))
    return HistoryMetrics(out)


class HistoryMetrics(NamedList):
    """The per-epoch metrics of a history; the learning rate answers to both of its names.

    Keras 3 logs ``learning_rate``; R keras 2 workshop code reads ``history$metrics$lr``.
    Both work (the history prints and plots it as ``learning_rate``).

    R: ``history$metrics$lr``
    Python: ``history.metrics.lr`` (same as ``history.metrics.learning_rate``)
    """

    __slots__ = ()

    _ALIASES = {"lr": "learning_rate", "val_lr": "val_learning_rate"}

    def _resolve(self, name: str) -> str:
        alias = self._ALIASES.get(name)
        if alias is not None and name not in self._names and alias in self._names:
            return alias
        return name

    def _index_of(self, name: str) -> int:
        return super()._index_of(self._resolve(name))

    def __getattr__(self, name: str) -> Any:
        return super().__getattr__(self._resolve(name))


class TrainingHistory:
    """The history of a ``fit()``: R's ``keras_training_history``.

    ``params`` is Keras's ``History.params`` (``verbose``, ``epochs``, ``steps``);
    ``metrics`` a :class:`~kerasr.named_list.NamedList` of per-epoch values in Keras's
    order (``loss``, metrics, ``val_*``, ``learning_rate`` when a callback records it);
    ``history`` the Keras ``History`` it came from (or ``None``); ``len()`` is the number
    of epochs run. Printing shows the final epoch as R does; ``plot()``,
    ``as_data_frame()`` and ``to_pandas()`` are R's ``plot()`` / ``as.data.frame()``.

    ``initial_epoch`` (keyword) is the number of epochs trained before this history
    started (``fit(initial_epoch=)``); the data frames and plots number epochs from it.

    R: ``history <- model %>% fit(x, y, epochs = 20); history$metrics$loss``
    Python: ``history = model >> fit(x, y, epochs=20); history.metrics.loss``
    """

    def __init__(
        self,
        params: Mapping[str, Any] | None = None,
        metrics: Mapping[str, Any] | NamedList | None = None,
        keras_history: Any = None,
        *,
        initial_epoch: int = 0,
    ) -> None:
        self.params: dict[str, Any] = dict(params or {})
        self.metrics: NamedList = _normalise_metrics(metrics)
        self.history: Any = keras_history
        self.initial_epoch: int = max(int(initial_epoch or 0), 0)

    # -- construction --------------------------------------------------------------
    @classmethod
    def from_keras(cls, keras_history: Any) -> TrainingHistory:
        """Wrap a ``keras.callbacks.History`` (``model.fit()``'s return value).

        Uses its ``.history`` (name -> per-epoch values), ``.params`` and, when present,
        ``.epoch`` (0-based epoch numbers, to detect ``initial_epoch``).

        R: ``history <- model %>% fit(...)``  # fit() does this conversion
        Python: ``history = TrainingHistory.from_keras(keras_model.fit(...))``
        """
        raw = getattr(keras_history, "history", None)
        if raw is None or not isinstance(raw, Mapping):
            raise InvalidValueError(
                "TrainingHistory.from_keras(): expected a keras.callbacks.History (with a "
                f"`.history` dict), got {type(keras_history).__name__}"
            )
        params = dict(getattr(keras_history, "params", None) or {})
        epochs_seen = list(getattr(keras_history, "epoch", None) or [])
        initial = int(epochs_seen[0]) if epochs_seen else 0
        return cls(params=params, metrics=raw, keras_history=keras_history,
                   initial_epoch=initial)

    # -- basic protocol ------------------------------------------------------------
    def __len__(self) -> int:
        return max((len(v) for v in self.metrics.values()), default=0)

    @property
    def epochs(self) -> int:
        """Epochs planned: ``params["epochs"]`` (or the epochs run if that is missing).

        R: ``history$params$epochs``
        Python: ``history.epochs``
        """
        planned = self.params.get("epochs")
        try:
            planned = int(planned)
        except (TypeError, ValueError):
            planned = 0
        return max(planned, self.initial_epoch + len(self))

    def __getstate__(self) -> dict[str, Any]:
        # The Keras History holds the model; like R's saveRDS(history), keep only the data.
        return {"params": self.params, "metrics": self.metrics, "history": None,
                "initial_epoch": self.initial_epoch}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- printing --------------------------------------------------------------------
    def final_metrics(self) -> NamedList:
        """Each metric's value at the final epoch run (NaN where a metric has none).

        R: ``lapply(history$metrics, function(m) m[[length(m)]])``
        Python: ``history.final_metrics()``
        """
        n = len(self)
        out = []
        for name, values in self.metrics.items():
            out.append((name, values[n - 1] if len(values) >= n and n > 0 else float("nan")))
        return NamedList(out)

    def format(self) -> str:
        """The exact text R's ``print(history)`` writes, final newline included.

        A blank line, ``Final epoch (plot to see history):``, then one ``name: value`` line
        per metric (names right-aligned, values by ``prettyNum(digits = 4)``), then the
        space and newline of R's ``cat(str, "\\n")``.

        R: ``capture.output(print(history))``
        Python: ``history.format()``
        """
        final = self.final_metrics()
        names = [str(n) for n in final.names()]
        if not names:
            return "\n" + HEADER + "\n" + " \n"
        width = max(len(n) for n in names)
        values = pretty_num(final.values(), digits=4, big_mark=",")
        body = "\n".join(f"{n.rjust(width)}: {v}" for n, v in zip(names, values))
        return "\n" + HEADER + "\n" + body + " \n"

    def __repr__(self) -> str:
        return self.format()

    def __str__(self) -> str:
        # print() adds the final newline itself, so print(history) writes R's bytes.
        return self.format()[:-1]

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.format()[:-1])

    def _repr_html_(self) -> str:
        """Notebook display: the final-epoch table plus the plot as an inline PNG."""
        final = self.final_metrics()
        values = pretty_num(final.values(), digits=4, big_mark=",")
        rows = "".join(
            f"<tr><th style='text-align:right'>{html.escape(str(n))}</th>"
            f"<td style='text-align:right'>{html.escape(v.strip())}</td></tr>"
            for n, v in zip(final.names(), values)
        )
        parts = [
            "<div class='kerasr-history'>",
            f"<p>{html.escape(HEADER)}</p>",
            f"<table>{rows}</table>",
        ]
        if len(self) > 0:
            try:
                fig = self.plot()
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=72)
                data = base64.b64encode(buf.getvalue()).decode("ascii")
                parts.append(
                    f"<img alt='training history plot' src='data:image/png;base64,{data}'/>"
                )
            except Exception as exc:  # the table is still useful without the plot
                parts.append(f"<p><i>(plot unavailable: {html.escape(str(exc))})</i></p>")
        parts.append("</div>")
        return "".join(parts)

    # -- conversion ------------------------------------------------------------------
    def _padded(self) -> list[tuple[str, np.ndarray]]:
        """Each metric as a float array over epochs ``1..self.epochs``, NaN where not run."""
        n_rows = self.epochs
        out = []
        for name, values in self.metrics.items():
            arr = np.full(n_rows, np.nan, dtype=float)
            vals = np.asarray(values, dtype=float)
            start = min(self.initial_epoch, n_rows)
            arr[start : start + len(vals)] = vals[: n_rows - start]
            out.append((str(name), arr))
        return out

    def as_data_frame(self) -> pd.DataFrame:
        """R's ``as.data.frame(history)``: long format ``epoch, value, metric, data``.

        One block of rows per metric, in the metrics' order, each for epochs
        ``1..params["epochs"]`` (NaN for epochs not run, e.g. after early stopping).
        ``epoch`` is int64, ``value`` float64, ``metric`` a categorical whose levels are
        the names without ``val_`` in order of first appearance, ``data`` a categorical
        with levels ``training`` and ``validation``.

        R: ``as.data.frame(history)``
        Python: ``history.as_data_frame()``
        """
        import pandas as pd

        padded = self._padded()
        n_rows = self.epochs
        names = [n for n, _ in padded]
        bases = [_strip_val(n) for n in names]
        levels = list(dict.fromkeys(bases))
        epoch = np.tile(np.arange(1, n_rows + 1, dtype=np.int64), len(names))
        value = (np.concatenate([a for _, a in padded]) if padded
                 else np.empty(0, dtype=float))
        metric = pd.Categorical(np.repeat(np.asarray(bases, dtype=object), n_rows),
                                categories=levels)
        data = pd.Categorical(
            np.repeat(np.asarray(["validation" if _is_val(n) else "training" for n in names],
                                 dtype=object), n_rows),
            categories=["training", "validation"],
        )
        return pd.DataFrame({"epoch": epoch, "value": value, "metric": metric, "data": data})

    def to_pandas(self) -> pd.DataFrame:
        """A wide data frame: one column per metric, one row per epoch run (index ``epoch``).

        R: ``as.data.frame(history$metrics)``
        Python: ``history.to_pandas()``
        """
        import pandas as pd

        n = len(self)
        cols = {}
        for name, values in self.metrics.items():
            arr = np.full(n, np.nan, dtype=float)
            arr[: len(values)] = np.asarray(values, dtype=float)
            cols[str(name)] = arr
        index = pd.RangeIndex(self.initial_epoch + 1, self.initial_epoch + n + 1, name="epoch")
        return pd.DataFrame(cols, index=index)

    # -- plotting --------------------------------------------------------------------
    def plot(
        self,
        metrics: str | Sequence[str] | None = None,
        smooth: bool | None = None,
        theme_bw: bool | None = None,
        **kwargs: Any,
    ) -> Figure:
        """R's ``plot(history)``: one panel per metric, training vs validation, a smooth.

        See :func:`kerasr.history.plot.plot_history` for the arguments.

        R: ``plot(history, metrics = "loss", smooth = TRUE, theme_bw = FALSE)``
        Python: ``history.plot(metrics="loss", smooth=True, theme_bw=False)``
        """
        from .plot import figure_for_history as _plot

        return _plot(self, metrics=metrics, smooth=smooth, theme_bw=theme_bw, **kwargs)


def _is_val(name: str) -> bool:
    return name.startswith("val_")


def _strip_val(name: str) -> str:
    return name[4:] if name.startswith("val_") else name


def check_history(history: Any, function: str) -> TrainingHistory:
    if isinstance(history, TrainingHistory):
        return history
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        return TrainingHistory.from_keras(history)
    raise InvalidValueError(
        f"{function}(): `history` must be the TrainingHistory returned by fit() (or a "
        f"keras.callbacks.History), got {type(history).__name__}"
    )


def plot_history(
    history: TrainingHistory | Any,
    metrics: str | Sequence[str] | None = None,
    smooth: bool | None = None,
    theme_bw: bool | None = None,
    **kwargs: Any,
) -> Figure:
    """R's ``plot(history)``: a matplotlib Figure, one panel per metric.

    Accepts a :class:`TrainingHistory` or a raw ``keras.callbacks.History``; see
    :func:`kerasr.history.plot.plot_history` for the arguments.

    R: ``plot(history)``
    Python: ``plot_history(history)``
    """
    return check_history(history, "plot").plot(
        metrics=metrics, smooth=smooth, theme_bw=theme_bw, **kwargs
    )
