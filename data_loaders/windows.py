"""Turn a time series into supervised arrays for RNNs: (samples, timesteps, features) -> target.

Same windows as the generator of the workshops' LSTM lab (Deep Learning with R, ch. 6: ``lookback``,
``delay``, ``step``), and the same samples as ``keras.utils.timeseries_dataset_from_array(data,
targets=target[lookback - 1 + horizon:], sequence_length=ceil(lookback / step),
sampling_rate=step, sequence_stride=stride)``, but as plain numpy arrays (views, no copy).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .errors import DataValueError

__all__ = ["make_windows"]


def _positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise DataValueError(f"make_windows(): `{name}` must be a positive integer, got {value!r}")
    return int(value)


def make_windows(
    data: pd.DataFrame | np.ndarray,
    lookback: int,
    *,
    horizon: int = 1,
    step: int = 1,
    stride: int = 1,
    target: str | int | None = None,
    features: list[str] | list[int] | None = None,
    copy: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Cut ``data`` (rows = time) into windows of ``lookback`` rows sampled every ``step`` rows.

    Sample ``i`` starts at row ``s = i * stride`` and covers rows ``s, s+step, ... < s+lookback``;
    its target is column ``target`` at row ``s + lookback - 1 + horizon`` (``horizon=1``: the row
    right after the window; the workshops' ``delay`` is ``horizon - 1``). Returns ``(x, y)``
    with ``x`` of shape ``(samples, ceil(lookback/step), features)`` and ``y`` of shape
    ``(samples,)`` (``None`` when ``target`` is None). Without ``copy`` the arrays are read-only
    views (no extra memory); fill NaNs (e.g. ``frame.ffill()``) before windowing.

    R: ``generator(data, lookback = 1440, delay = 144, step = 6, ...)``
    Python: ``x, y = make_windows(power, 1440, horizon=145, step=6, target="Voltage")``
    """
    lookback = _positive("lookback", lookback)
    horizon = _positive("horizon", horizon)
    step = _positive("step", step)
    stride = _positive("stride", stride)
    if isinstance(data, pd.DataFrame):
        columns = list(data.columns)
        chosen = columns if features is None else list(features)
        unknown = [c for c in chosen if c not in columns]
        if unknown:
            raise DataValueError(
                f"make_windows(): unknown `features` {unknown}; columns are {columns}"
            )
        values = data[chosen].to_numpy()
        if target is not None and target not in columns:
            raise DataValueError(
                f"make_windows(): `target` {target!r} is not a column; columns are {columns}"
            )
        target_values = None if target is None else data[target].to_numpy()
    else:
        array = np.asarray(data)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2:
            raise DataValueError(
                f"make_windows(): `data` must be a DataFrame or a 2-D array (rows = time), "
                f"got shape {array.shape}"
            )
        values = array if features is None else array[:, list(features)]
        if target is not None and not isinstance(target, (int, np.integer)):
            raise DataValueError(
                f"make_windows(): with an array, `target` must be a column number, got {target!r}"
            )
        target_values = None if target is None else array[:, int(target)]
    n = len(values)
    count = n - lookback - horizon + 1
    if count < 1:
        raise DataValueError(
            f"make_windows(): {n} rows are too few for `lookback`={lookback} and "
            f"`horizon`={horizon}; need at least {lookback + horizon} rows"
        )
    windows = np.lib.stride_tricks.sliding_window_view(values, lookback, axis=0)
    x = windows[:count:stride].transpose(0, 2, 1)[:, ::step, :]
    y = None
    if target_values is not None:
        first = lookback - 1 + horizon
        y = target_values[first : first + count : stride]
    if copy:
        x = np.ascontiguousarray(x)
        y = None if y is None else np.array(y)
    return x, y
