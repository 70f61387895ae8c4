"""ls_runs(), latest_run(), run_info(): the runs of a runs directory as a data frame,
with tfruns 1.4's columns, names, order and printing (R/ls_runs.R).
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import ArgumentError, InvalidValueError, did_you_mean
from ..named_list import NamedList
from . import records
from .run_dir import DEFAULT_RUNS_DIR, META, meta_dir, read_properties

__all__ = ["latest_run", "ls_runs", "run_info"]

NUMERIC = ("start", "end", "learning_rate")
INTEGER = ("samples", "validation_samples", "steps", "epochs", "batch_size")
TRUE_VALUES = {"TRUE", "true", "True", "yes", "1"}
MIDDLE = ["samples", "validation_samples", "batch_size", "steps", "steps_completed", "epochs",
          "epochs_completed"]
TAIL = ["metrics", "model", "loss_function", "optimizer", "learning_rate", "script", "source",
        "start", "end", "completed", "output", "error_message", "error_traceback",
        "source_code", "context", "type"]
LONG_FIELDS = {"metrics": "(metrics data frame)", "model": "(model summary)",
               "source_code": "(source archive)", "output": "(script ouptut)"}


def runs_dir_option() -> str:
    """The default runs directory: ``set_option("kerasr.runs_dir", ...)`` or ``"runs"``."""
    from ..options import get_option

    return str(get_option("kerasr.runs_dir", DEFAULT_RUNS_DIR))


def run_dirs(runs_dir: str | os.PathLike[str]) -> list[str]:
    """Subdirectories of ``runs_dir`` holding ``tfruns.d``, newest name first."""
    base = Path(runs_dir)
    if not base.is_dir():
        return []
    names = sorted((p.name for p in base.iterdir() if (p / META).is_dir()), reverse=True)
    return [os.path.join(str(runs_dir), name) for name in names]


def _convert(name: str, text: str) -> Any:
    if name in NUMERIC:
        try:
            return float(text)
        except ValueError:
            return math.nan
    if name in INTEGER:
        try:
            return int(float(text))
        except ValueError:
            return None
    if name == "completed":
        return text.strip() in TRUE_VALUES
    return text


def _last_valid(values: list[Any]) -> tuple[Any, int]:
    valid = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return (valid[-1] if valid else None), len(valid)


def run_record(run: str) -> dict[str, Any]:
    """One run's row: properties, ``eval_*``, ``metric_*``, ``flag_*``, error, file paths."""
    record: dict[str, Any] = {"run_dir": run}
    for name, text in read_properties(run).items():
        record[name] = _convert(name, text)
    if record.get("type") in (None, "local"):
        record["type"] = "training"
    record.setdefault("context", "local")
    record.setdefault("completed", False)  # a run still being set up (or killed then)
    meta = meta_dir(run)
    evaluation = records.read_json(meta / "evaluation.json") or {}
    for key, value in evaluation.items():
        record[f"eval_{key}"] = value[0] if isinstance(value, list) and len(value) == 1 else value
    metrics = records.read_json(meta / "metrics.json")
    completed_key = "steps_completed" if "steps" in record and "epochs" not in record \
        else "epochs_completed"
    record[completed_key] = 0
    if metrics:
        count = 0
        for name, values in metrics.items():
            if name == "epoch":
                continue
            values = values if isinstance(values, list) else [values]
            record[f"metric_{name}"], count = _last_valid(values)
        record[completed_key] = count
        record["metrics"] = str(meta / "metrics.json")
    for key, value in (records.read_json(meta / "flags.json") or {}).items():
        record[f"flag_{key}"] = value
    error = records.read_json(meta / "error.json")
    if error:
        record["error_message"] = error.get("message")
        trace = error.get("traceback") or []
        record["error_traceback"] = "\n".join(trace) if isinstance(trace, list) else str(trace)
    if (meta / "source.tar.gz").exists():
        record["source_code"] = str(meta / "source.tar.gz")
    return record


def column_order(columns: Sequence[str], order: Sequence[str]) -> list[str]:
    """tfruns's column order: run_dir, order columns, eval/metric/flag, the rest as listed."""
    first = ["run_dir"] + [c for c in order if c != "start" and c != "run_dir"]
    out = [c for c in first if c in columns]
    for prefix in ("eval_", "metric_", "flag_"):
        out += [c for c in columns if c.startswith(prefix) and c not in out]
    out += [c for c in MIDDLE + TAIL if c in columns and c not in out]
    out += [c for c in columns if c not in out]
    return out


def _frame_class() -> type:
    import pandas as pd

    class RunsFrame(pd.DataFrame):
        """ls_runs()'s data frame, printed as tfruns prints runs."""

        _metadata = ["_kerasr_order"]

        @property
        def _constructor(self) -> type:
            return RunsFrame

        def __repr__(self) -> str:
            if "run_dir" not in self.columns:  # a selection of columns: pandas's own print
                return pd.DataFrame.__repr__(self)
            try:
                return format_runs(self, getattr(self, "_kerasr_order", None) or ["start"])
            except Exception:  # columns the runs view cannot show: plain pandas
                return pd.DataFrame.__repr__(self)

    return RunsFrame


_RUNS_FRAME: type | None = None


def runs_frame(rows: list[dict[str, Any]], order: Sequence[str]) -> Any:
    """The rows as a ``RunsFrame`` with tfruns's column order and types."""
    global _RUNS_FRAME
    import pandas as pd

    if _RUNS_FRAME is None:
        _RUNS_FRAME = _frame_class()
    if not rows:
        frame = _RUNS_FRAME(columns=["type", "run_dir", "start", "end"])
    else:
        columns: list[str] = []
        for row in rows:
            columns += [c for c in row if c not in columns]
        frame = _RUNS_FRAME(rows, columns=column_order(columns, order))
        for name in ("start", "end"):
            if name in frame:
                frame[name] = pd.to_datetime(frame[name], unit="s", utc=True)
        for name in INTEGER + ("epochs_completed", "steps_completed"):
            if name in frame:
                frame[name] = frame[name].astype("Int64")
        if "completed" in frame:
            frame["completed"] = frame["completed"].astype("boolean")
    frame._kerasr_order = list(order)
    return frame


def _as_order(order: Any) -> list[str]:
    if order is None:
        return ["start"]
    if isinstance(order, str):
        return [order]
    if isinstance(order, (list, tuple)) and all(isinstance(o, str) for o in order):
        return list(order)
    raise ArgumentError(
        f'ls_runs(): `order` must be a column name such as "metric_val_accuracy" (or a list '
        f"of names), got {order!r}"
    )


def load_runs(dirs: Sequence[str], subset: Any = None, order: Any = "start",
              decreasing: bool = True, function: str = "ls_runs") -> Any:
    """The runs in ``dirs`` as a ``RunsFrame``, filtered by ``subset`` and sorted by ``order``."""
    from . import rexpr

    order_list = _as_order(order)
    frame = runs_frame([run_record(d) for d in dirs], order_list)
    if len(frame) == 0:
        return frame
    if order_list == ["start"] and "start" not in frame.columns:
        order_list = ["run_dir"]  # runs recorded outside training_run(): newest name first
    for name in order_list:
        if name not in frame.columns:
            raise InvalidValueError(
                f"{function}(): `order` names an unknown column `{name}`"
                f"{did_you_mean(name, frame.columns)}; the runs have the columns "
                f"{', '.join(map(str, frame.columns))}"
            )
    if subset is not None:
        if isinstance(subset, str):
            mask = rexpr.evaluate(subset, frame, function)
        elif isinstance(subset, Callable):  # type: ignore[arg-type]
            mask = subset(frame)
        else:
            raise ArgumentError(
                f'{function}(): `subset` must be an R condition string such as '
                f'"metric_val_accuracy > 0.9" or a function of the data frame, got {subset!r}'
            )
        frame = frame[mask.to_numpy(dtype=bool) if hasattr(mask, "to_numpy") else mask]
    frame = frame.sort_values(order_list, ascending=not decreasing, kind="stable",
                              na_position="last")
    frame = frame.reset_index(drop=True)
    frame._kerasr_order = order_list
    return frame


def ls_runs(subset: Any = None, order: Any = "start", decreasing: bool = True,
            latest_n: int | None = None, runs_dir: str | os.PathLike[str] | None = None) -> Any:
    """The training runs of ``runs_dir`` as a data frame, one row per run, newest first.

    Columns follow tfruns: ``run_dir``, ``eval_*``, ``metric_*`` (last value of each
    metric), ``flag_*``, ``epochs``, ``epochs_completed``, ``metrics``, ``model``, ...
    ``subset`` is an R condition on the columns (parsed, never evaluated as Python) or a
    function of the data frame; ``order`` names the column(s) to sort by.

    R: ``ls_runs(metric_val_accuracy > 0.9, order = metric_val_accuracy)``
    Python: ``ls_runs("metric_val_accuracy > 0.9", order="metric_val_accuracy")``
    """
    runs_dir = runs_dir if runs_dir is not None else runs_dir_option()
    dirs = run_dirs(runs_dir)
    if latest_n is not None:
        if isinstance(latest_n, bool) or not isinstance(latest_n, int) or latest_n < 0:
            raise InvalidValueError(
                f"ls_runs(): `latest_n` must be a whole number of runs (>= 0), got {latest_n!r}"
            )
        dirs = dirs[:latest_n]
    return load_runs(dirs, subset=subset, order=order, decreasing=decreasing)


class ModelSummary(str):
    """A run's model summary: prints as text (R: class ``tfruns_model_summary``)."""

    def __repr__(self) -> str:
        return str(self)


def _info(row: dict[str, Any]) -> NamedList:
    import pandas as pd

    out = NamedList()
    for name, value in row.items():
        if value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
            value = None
        if name == "metrics" and value:
            value = pd.DataFrame(records.read_json(value) or {})
        elif name == "model" and value:
            value = ModelSummary(value)
        out[name] = value
    return out


def run_info(run_dir: Any, runs_dir: str | os.PathLike[str] | None = None) -> Any:
    """Everything recorded about a run, as a named list (``metrics`` read into a data frame).

    ``run_dir`` is a run's path, its name under ``runs_dir``, or rows of ``ls_runs()``; several
    runs give a list.

    R: ``run_info("runs/2020-03-05T14-02-11Z")``
    Python: ``run_info("runs/2020-03-05T14-02-11Z")``
    """
    import pandas as pd

    if isinstance(run_dir, pd.DataFrame):
        dirs = list(run_dir["run_dir"])
    elif isinstance(run_dir, NamedList) and "run_dir" in run_dir.names():
        dirs = [run_dir["run_dir"]]
    elif isinstance(run_dir, (list, tuple)):
        dirs = list(run_dir)
    else:
        dirs = [run_dir]
    base = runs_dir if runs_dir is not None else runs_dir_option()
    resolved = []
    for d in dirs:
        if not isinstance(d, (str, os.PathLike)):
            raise ArgumentError(f"run_info(): `run_dir` must be a run's path, got {d!r}")
        path = str(d)
        if not (Path(path) / META).is_dir() and (Path(base) / path / META).is_dir():
            path = os.path.join(str(base), path)
        if not (Path(path) / META).is_dir():
            raise InvalidValueError(
                f"run_info(): '{d}' is not a run directory (no {META}/ inside); pass a path "
                f"from ls_runs()$run_dir"
            )
        resolved.append(path)
    frame = load_runs(resolved, order="start", function="run_info")
    infos = [_info(dict(row)) for _, row in frame.iterrows()]
    order = {d: i for i, d in enumerate(resolved)}
    infos.sort(key=lambda info: order.get(info["run_dir"], 0))
    return infos[0] if len(infos) == 1 else infos


def latest_run(runs_dir: str | os.PathLike[str] | None = None) -> Any:
    """The newest run of ``runs_dir`` (``run_info()``), or None when there is none.

    R: ``latest_run()``
    Python: ``latest_run()``
    """
    runs_dir = runs_dir if runs_dir is not None else runs_dir_option()
    dirs = run_dirs(runs_dir)
    return run_info(dirs[0]) if dirs else None


# -- printing -------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float) and math.isnan(value)):
        return "NA"
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.7g}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _str_one(frame: Any) -> str:
    row = frame.iloc[0]
    width = max(len(str(c)) for c in frame.columns)
    lines = [f"List of {len(frame.columns)}"]
    for column in frame.columns:
        value = row[column]
        if column in LONG_FIELDS and _cell(value) != "NA":
            shown = LONG_FIELDS[column]
        else:
            kind = _kind(frame[column])
            text = _cell(value)
            if kind == "chr" and text != "NA":
                text = '"' + text.replace("\n", "\\n")[:60] + '"'
            shown = f"{kind} {text}"
        lines.append(f" $ {str(column).ljust(width)}: {shown}")
    return "\n".join(lines)


def _kind(series: Any) -> str:
    dtype = str(series.dtype)
    if "datetime" in dtype:
        return "POSIXct"
    if dtype in ("bool", "boolean"):
        return "logi"
    if dtype.lower().startswith("int"):
        return "int"
    if dtype.startswith("float"):
        return "num"
    return "chr"


def format_runs(frame: Any, order: Sequence[str]) -> str:
    """tfruns's print: ``str()`` of one run; a header, the key columns and a tail otherwise."""
    import pandas as pd

    if len(frame) == 0:
        return "No training runs found."
    if len(frame) == 1:
        return _str_one(frame)
    shown = ["run_dir"] + [c for c in order if c != "start" and c in frame.columns]
    shown += [c for c in frame.columns
              if (c.startswith("eval_") or c.startswith("metric_")) and c not in shown]
    shown = [c for c in shown if c in frame.columns]
    head = frame[shown].head(10)
    table = pd.DataFrame({c: [_cell(v) for v in head[c]] for c in shown},
                         index=range(1, len(head) + 1))
    lines = [f"Data frame: {len(frame)} x {len(frame.columns)}", table.to_string()]
    if len(frame) > 10:
        lines.append(f"# ... with {len(frame) - 10} more rows")
    rest = [c for c in frame.columns if c not in shown]
    if rest:
        lines.append(f"# ... with {len(rest)} more columns:")
        lines += textwrap.wrap(", ".join(rest), width=80, initial_indent="#   ",
                               subsequent_indent="#   ")
    return "\n".join(lines)
