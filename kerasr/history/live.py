"""The live metrics view of ``fit(view_metrics = TRUE)``, for Jupyter notebooks.

R keras shows the metrics in RStudio's Viewer while ``fit()`` runs and updates the same
widget each epoch, with the epoch axis laid out for all planned epochs from the start.
kerasr does the same in a notebook: one matplotlib figure, shown once through a display
handle (``handle = IPython.display.display(frame, display_id=True)``) and updated in place
with ``handle.update(frame)`` (never ``clear_output``, so the cell does not flicker and
the rest of its output stays). ``frame`` is the figure rendered once to PNG
(:class:`PngFrame`); ``image=False`` passes the Figure itself, which IPython renders
(twice as slow: its ``bbox_inches="tight"`` draws the figure twice).

Redrawing costs time, so by default a frame is drawn only when drawing it costs at most
``max_overhead`` (3%) of the training time since the previous frame (or since training
began), and always at the end of training (last epoch, early stop, interruption): a long
fit updates every epoch or every few epochs, a fit of a few seconds shows its final frame.
``max_overhead=None`` draws every epoch. Keras, IPython and matplotlib are imported inside
the functions.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from ..display import in_notebook
from .core import TrainingHistory, to_float

__all__ = ["PngFrame", "live_metrics_callback"]


class PngFrame:
    """A rendered frame of the live view: displays as its PNG bytes (``_repr_png_``).

    Used with ``live_metrics_callback(image=True)``: the figure is rendered once per
    frame by the callback, instead of twice by IPython's ``bbox_inches="tight"``.
    """

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def _repr_png_(self) -> bytes:
        return self.data

    def __repr__(self) -> str:
        return f"<PngFrame {len(self.data)} bytes>"


class _NullHandle:
    """A display handle that shows nothing (no notebook to show the figure in)."""

    def update(self, obj: Any, **kwargs: Any) -> None:  # noqa: D401 - protocol method
        return None


def _null_display(obj: Any, display_id: bool | str = False, **kwargs: Any) -> _NullHandle:
    return _NullHandle()


def _default_display() -> Callable[..., Any]:
    if in_notebook():
        from IPython.display import display

        from ..display import activate_inline_display

        activate_inline_display()
        return display
    return _null_display


_CALLBACK_CLASS: type | None = None
# What the first frame of the last fit cost (seconds): how long the next fit's first frame
# is held back (it must fit the time budget like any other frame).
_LAST_FRAME_COST = [0.15]


def _callback_class() -> type:
    """Build the Keras Callback subclass on first use (keeps Keras out of imports)."""
    global _CALLBACK_CLASS
    if _CALLBACK_CLASS is not None:
        return _CALLBACK_CLASS
    from .. import _keras

    keras = _keras.keras()

    class LiveMetricsCallback(keras.callbacks.Callback):
        """Keras callback drawing the metrics so far into one figure, updated in place.

        Attributes after training: ``figure`` (the matplotlib Figure), ``handle`` (the
        display handle), ``displays`` (1 once shown), ``updates`` (in-place updates),
        ``draws`` (redraws), ``history`` (a :class:`TrainingHistory` of the epochs seen),
        ``draw_seconds`` (time spent drawing and displaying).

        R: ``fit(..., view_metrics = TRUE)``
        Python: ``fit(..., view_metrics=True)``
        """

        def __init__(
            self,
            epochs: int,
            metrics: str | Sequence[str] | None,
            display: Callable[..., Any] | None,
            smooth: bool | None,
            theme_bw: bool | None,
            max_overhead: float | None,
            figsize: tuple[float, float] | None,
            dpi: float,
            clock: Callable[[], float],
            image: bool = True,
        ) -> None:
            super().__init__()
            self.epochs = int(epochs)
            self.metrics = metrics
            self._display = display
            self.smooth = smooth
            self.theme_bw = theme_bw
            self.max_overhead = max_overhead
            self.figsize = figsize
            self.dpi = dpi
            self._clock = clock
            self.image = bool(image)
            #: Expected cost of the first frame (the last fit's first frame, if any).
            self.frame_cost_estimate = _LAST_FRAME_COST[0]
            self._reset()

        def _reset(self) -> None:
            self._values: dict[str, list[float]] = {}
            self._n_epochs = 0
            self._initial_epoch: int | None = None
            self._drawn_epochs = -1
            self._last_draw_end = 0.0
            self._last_draw_cost = 0.0
            self._train_start = self._clock()
            self._shown_with: Callable[..., Any] = (
                self._display if self._display is not None else _null_display
            )
            self.figure: Any = None
            self.handle: Any = None
            self.displays = 0
            self.updates = 0
            self.draws = 0
            self.draw_seconds = 0.0
            self.history = TrainingHistory(params={"epochs": self.epochs}, metrics={})

        # -- Keras hooks ------------------------------------------------------------
        def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
            self._reset()
            self._shown_with = self._display if self._display is not None else _default_display()

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            if self._initial_epoch is None:
                self._initial_epoch = int(epoch)
            logs = dict(logs or {})
            for name in logs:
                if name not in self._values:
                    self._values[name] = [float("nan")] * self._n_epochs
            for name, values in self._values.items():
                values.append(to_float(logs[name]) if name in logs else float("nan"))
            self._n_epochs += 1
            if self._shown_with is _null_display:  # not in a notebook: keep the data only
                self.history = self._current_history()
                return
            last = int(epoch) + 1 >= self.epochs
            if last or self._due():
                self._safe_draw()

        def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
            if self._shown_with is _null_display:
                return
            if self._n_epochs > 0 and self._drawn_epochs != self._n_epochs:
                self._safe_draw()

        # -- drawing ----------------------------------------------------------------
        def _safe_draw(self) -> None:
            """Draw a frame; a plotting error turns the view off, never stops training."""
            try:
                self._draw()
            except Exception as exc:
                self._shown_with = _null_display
                self.history = self._current_history()
                warnings.warn(
                    f"view_metrics: the live plot failed and is turned off for this fit "
                    f"({type(exc).__name__}: {exc})",
                    RuntimeWarning,
                    stacklevel=2,
                )

        def _due(self) -> bool:
            if self.max_overhead is None:
                return True
            if self.draws == 0:  # no frame yet: budget against the time trained so far
                elapsed = self._clock() - self._train_start
                return self.frame_cost_estimate <= self.max_overhead * elapsed
            elapsed = self._clock() - self._last_draw_end
            return self._last_draw_cost <= self.max_overhead * elapsed

        def _current_history(self) -> TrainingHistory:
            params = dict(getattr(self, "params", None) or {})
            params["epochs"] = self.epochs
            return TrainingHistory(params=params, metrics=self._values,
                                   initial_epoch=self._initial_epoch or 0)

        def _draw(self) -> None:
            from ..display import new_bare_figure
            from ..options import get_option
            from .plot import update_history

            start = self._clock()
            self.history = self._current_history()
            smooth = self.smooth
            if smooth is None:
                smooth = bool(get_option("keras.plot.history.smooth", True))
            theme_bw = self.theme_bw
            if theme_bw is None:
                theme_bw = bool(get_option("keras.plot.history.theme_bw", False))
            if self.figure is None:
                n_panels = max(1, len([n for n in self._values if not n.startswith("val_")]))
                figsize = self.figsize or (7.0, max(5.0, 1.9 * n_panels + 1.0))
                self.figure = new_bare_figure(figsize, dpi=self.dpi, layout=None)
            update_history(self.figure, self.history, metrics=self.metrics, smooth=smooth,
                           theme_bw=theme_bw, epochs=max(self.epochs, len(self.history)),
                           minor_grid=False)
            display = self._shown_with
            shown: Any = self.figure
            if self.image:
                import io

                buf = io.BytesIO()
                self.figure.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
                shown = PngFrame(buf.getvalue())
            if self.handle is None:
                self.handle = display(shown, display_id=True)
                self.displays += 1
            else:
                self.handle.update(shown)
                self.updates += 1
            self.draws += 1
            self._drawn_epochs = self._n_epochs
            end = self._clock()
            self._last_draw_cost = end - start
            self._last_draw_end = end
            self.draw_seconds += end - start
            if self.draws == 1:  # a first frame builds the figure: the dearest kind
                _LAST_FRAME_COST[0] = end - start

    _CALLBACK_CLASS = LiveMetricsCallback
    return LiveMetricsCallback


def live_metrics_callback(
    epochs: int,
    metrics: str | Sequence[str] | None = None,
    display: Callable[..., Any] | None = None,
    *,
    smooth: bool | None = None,
    theme_bw: bool | None = None,
    max_overhead: float | None = 0.03,
    figsize: tuple[float, float] | None = None,
    dpi: float = 80.0,
    image: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> Any:

    """A Keras callback showing the training metrics live, updating one figure in place.

    ``epochs``: the planned epochs (the epoch axis spans them from the first frame).
    ``metrics``: the metrics to draw (default all, as ``plot(history)``). ``display``: a
    function like ``IPython.display.display`` called once as ``display(fig,
    display_id=True)``; the handle it returns gets ``handle.update(fig)`` afterwards
    (default: IPython's in a notebook, nothing elsewhere; tests pass a fake).
    ``max_overhead``: draw a frame only when its cost is at most this share of the
    training time since the previous frame (``None``: every epoch); the end of training
    is always drawn. ``image`` (default): display a PNG rendered once by the callback
    (:class:`PngFrame`); ``image=False`` displays the Figure itself, which IPython renders
    twice (``bbox_inches="tight"``), about double the cost. ``clock`` is for tests.
    Put it last in the callback list so it sees ``learning_rate``.

    R: ``fit(..., view_metrics = TRUE)``
    Python: ``model.fit(..., callbacks=[live_metrics_callback(epochs=20)])``
    """
    if int(epochs) < 1:
        from ..errors import InvalidValueError

        raise InvalidValueError(
            f"live_metrics_callback(): `epochs` must be a positive integer, got {epochs!r}"
        )
    cls = _callback_class()
    return cls(int(epochs), metrics, display, smooth, theme_bw, max_overhead, figsize,
               float(dpi), clock, image)
