"""view_run() and compare_runs(): self-contained HTML reports of runs (no scripts, no network:
inline CSS, SVG history charts and base64 plots), opened in the browser or shown inline in
Jupyter. The page follows tfruns 1.4's: Summary (run, metrics, evaluation, flags, optimization
and training cards; error, history and model), Output (files, plots, console) and Code.
"""

from __future__ import annotations

import base64
import difflib
import html
import math
import os
import tempfile
import webbrowser
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import ArgumentError, InvalidValueError
from . import records
from .run_dir import META, read_sources

__all__ = ["compare_runs", "save_run_comparison", "save_run_view", "view_run"]

COLOURS = ("#3f51b5", "#ff7f0e")
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f5f5;
color:#212121}
header{background:#3f51b5;color:#fff;padding:14px 24px;font-size:20px}
header small{opacity:.85;margin-left:12px;font-size:15px}
nav{background:#303f9f;padding:0 24px}nav a{color:#fff;display:inline-block;padding:10px 14px;
text-decoration:none;font-size:14px;text-transform:uppercase}
main{display:flex;gap:16px;padding:16px 24px;flex-wrap:wrap}
.col{flex:1 1 420px;min-width:0}.side{flex:0 0 340px}
.card{background:#fff;border-radius:3px;box-shadow:0 1px 3px rgba(0,0,0,.2);margin-bottom:16px;
padding:12px 16px}
.card h2{font-size:16px;margin:0 0 8px;color:#3f51b5}
table{border-collapse:collapse;width:100%;font-size:14px}
td,th{padding:3px 6px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.v{text-align:right;font-family:ui-monospace,Menlo,Consolas,monospace}
tr.diff td{background:#fff3cd}
pre{font-size:12px;overflow-x:auto;background:#fafafa;padding:8px;margin:0;white-space:pre}
.error{border-left:4px solid #d32f2f}.error h2{color:#d32f2f}
.charts{display:flex;flex-wrap:wrap;gap:8px}
.legend span{display:inline-block;margin-right:12px;font-size:12px}
img.plot{max-width:100%;border:1px solid #ddd}
table.diff{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.diff_add{background:#e6ffed}.diff_chg{background:#fff5b1}.diff_sub{background:#ffeef0}
section{width:100%}
"""


# -- data ----------------------------------------------------------------------------------

def _resolve_run(run: Any, function: str) -> str:
    import pandas as pd

    from ..named_list import NamedList
    from .listing import latest_run

    if run is None:
        latest = latest_run()
        if latest is None:
            raise InvalidValueError(f"{function}(): no runs found in the runs directory")
        return str(latest["run_dir"])
    if isinstance(run, pd.DataFrame):
        if len(run) != 1:
            raise InvalidValueError(f"{function}(): pass one run (got {len(run)} rows)")
        run = run["run_dir"].iloc[0]
    if isinstance(run, NamedList):
        run = run["run_dir"]
    if not isinstance(run, (str, os.PathLike)):
        raise ArgumentError(f"{function}(): `run_dir` must be a run's path, got {run!r}")
    from .listing import runs_dir_option

    path = Path(run)
    if not (path / META).is_dir() and (Path(runs_dir_option()) / path / META).is_dir():
        path = Path(runs_dir_option()) / path
    if not (path / META).is_dir():
        raise InvalidValueError(
            f"{function}(): '{run}' is not a run directory (no {META}/ inside); pass a path "
            f"from ls_runs()$run_dir"
        )
    return str(path)


def _info(run: str) -> Any:
    from .listing import run_info

    return run_info(run)


def _value(value: Any, digits: int | None = None) -> str:
    if value is None:
        return "NA"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return "NA"
        return f"{value:.{digits}f}" if digits is not None else repr(value)
    return str(value)


def _prefixed(info: Any, prefix: str, strip: bool) -> dict[str, Any]:
    return {(name[len(prefix):] if strip else name): info[name]
            for name in info.names() if name and name.startswith(prefix)}


def _elapsed(info: Any) -> str:
    start, end = _get(info, "start"), _get(info, "end")
    if start is None or end is None:
        return "NA"
    seconds = int(round((end - start).total_seconds()))
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _get(info: Any, name: str) -> Any:
    return info[name] if name in info.names() else None


# -- html pieces ---------------------------------------------------------------------------

def _table(rows: Mapping[str, Any], digits: int | None = None,
           full: bool = False, highlight: Sequence[str] = ()) -> str:
    cells = []
    for name, value in rows.items():
        shown = html.escape(_value(value, digits))
        title = f' title="{html.escape(_value(value))}"' if digits is not None else ""
        cls = ' class="diff"' if name in highlight else ""
        cells.append(f"<tr{cls}><td>{html.escape(name)}</td><td class=\"v\"{title}>{shown}</td>"
                     f"</tr>")
    return "<table>" + "".join(cells) + "</table>"


def _card(title: str, body: str, cls: str = "") -> str:
    return f'<div class="card {cls}"><h2>{html.escape(title)}</h2>{body}</div>'


def _summary_cards(info: Any) -> str:
    started = _get(info, "start")
    run_rows = {"context": _get(info, "context"), "script": _get(info, "script"),
                "started": f"{started:%Y-%m-%d %H:%M:%S} GMT" if started is not None else None,
                "time": _elapsed(info), "completed": _get(info, "completed")}
    out = [_card("Run", _table(run_rows))]
    metrics = _prefixed(info, "metric_", True)
    if metrics:
        out.append(_card("Metrics", _table(metrics, digits=4)))
    evaluation = _prefixed(info, "eval_", False)
    if evaluation:
        out.append(_card("Evaluation", _table(evaluation, digits=4)))
    flags = _prefixed(info, "flag_", True)
    if flags:
        out.append(_card("Flags", _table(flags)))
    optimization = {k: _get(info, n) for k, n in (("loss", "loss_function"),
                    ("optimizer", "optimizer"), ("lr", "learning_rate"))
                    if _get(info, n) is not None}
    if optimization:
        out.append(_card("Optimization", _table(optimization)))
    training = {}
    for name in ("samples", "validation_samples", "epochs", "batch_size"):
        value = _get(info, name)
        if value is None:
            continue
        if name == "epochs" and _get(info, "epochs_completed") not in (None, value):
            value = f"{_get(info, 'epochs_completed')}/{value}"
        elif isinstance(value, int):
            value = f"{value:,}"
        training[name] = value
    if training:
        out.append(_card("Training", _table(training)))
    return "".join(out)


def _chart(name: str, series: Mapping[str, list[Any]], width: int = 380,
           height: int = 190) -> str:
    pad_l, pad_r, pad_t, pad_b = 52, 10, 22, 26
    values = [v for s in series.values() for v in s if v is not None]
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 0.5, low - 0.5
    count = max(len(s) for s in series.values())
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b

    def x(i: int) -> float:
        return pad_l + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(v: float) -> float:
        return pad_t + plot_h * (high - v) / (high - low)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{html.escape(name)}">',
             f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
             f'stroke="#ccc"/>',
             f'<text x="{pad_l}" y="15" font-size="13" fill="#333">{html.escape(name)}</text>']
    for frac in (0, 0.5, 1):
        v = low + (high - low) * frac
        parts.append(f'<text x="{pad_l - 4}" y="{y(v) + 4:.1f}" font-size="10" '
                     f'text-anchor="end" fill="#666">{v:.4g}</text>')
    parts.append(f'<text x="{pad_l}" y="{height - 8}" font-size="10" fill="#666">1</text>')
    parts.append(f'<text x="{width - pad_r}" y="{height - 8}" font-size="10" fill="#666" '
                 f'text-anchor="end">epoch {count}</text>')
    for colour, (label, data) in zip(COLOURS, series.items()):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(data) if v is not None)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{points}"/>')
        for i, v in enumerate(data):
            if v is not None:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" '
                             f'fill="{colour}"><title>{html.escape(label)} epoch {i + 1}: '
                             f'{v!r}</title></circle>')
    parts.append("</svg>")
    legend = "".join(f'<span style="color:{c}">&#9632; {html.escape(label)}</span>'
                     for c, label in zip(COLOURS, series))
    return f'<div><div class="legend">{legend}</div>{"".join(parts)}</div>'


def _history(run: str) -> str:
    metrics = records.read_json(Path(run) / META / "metrics.json")
    if not metrics:
        return ""
    charts = []
    for name, values in metrics.items():
        if name.startswith("val_") or name == "epoch":
            continue
        series = {name: values}
        if f"val_{name}" in metrics:
            series[f"val_{name}"] = metrics[f"val_{name}"]
        charts.append(_chart(name, series))
    return _card("History", f'<div class="charts">{"".join(charts)}</div>')


def _model(info: Any) -> str:
    text = _get(info, "model")
    if not text:
        return ""
    lines = [ln for ln in str(text).split("\n") if ln.strip() != "Model"]
    lines = [ln for ln in lines if not set(ln.strip()) <= {"_"} or not ln.strip()]
    return _card("Model", f"<pre>{html.escape(chr(10).join(lines).strip())}</pre>")


def _error(info: Any) -> str:
    message = _get(info, "error_message")
    if not message:
        return ""
    trace = _get(info, "error_traceback") or ""
    return _card("Error", f"<pre>{html.escape(str(message))}\n\n{html.escape(str(trace))}</pre>",
                 "error")


def _files(run: str) -> str:
    names = sorted(p.name + ("/" if p.is_dir() else "") for p in Path(run).iterdir()
                   if p.name not in (META, "plots", "logs"))
    if not names:
        return ""
    return _card("Files", "<pre>" + html.escape("\n".join(names)) + "</pre>")


def _plots(run: str) -> str:
    pngs = sorted((Path(run) / "plots").glob("*.png"))
    if not pngs:
        return ""
    images = "".join(
        f'<p><img class="plot" alt="{html.escape(p.name)}" src="data:image/png;base64,'
        f'{base64.b64encode(p.read_bytes()).decode("ascii")}"></p>' for p in pngs)
    return _card("Plots", images)


def _code(run: str, script: str | None) -> str:
    sources = read_sources(run)
    names = sorted(sources, key=lambda n: (n != script, n))
    return "".join(_card(n, f"<pre>{html.escape(sources[n])}</pre>") for n in names)


def _page(title: str, subtitle: str, sections: Sequence[tuple[str, str, str]]) -> str:
    nav = "".join(f'<a href="#{sid}">{html.escape(label)}</a>' for sid, label, _ in sections)
    body = "".join(f'<section id="{sid}"><main>{content}</main></section>'
                   for sid, _, content in sections)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}: {html.escape(subtitle)}</title><style>{CSS}</style>"
            f"</head><body><header>{html.escape(title)}<small>{html.escape(subtitle)}</small>"
            f"</header><nav>{nav}</nav>{body}</body></html>")


def run_view_html(run_dir: Any = None) -> str:
    """The HTML page of one run (what ``view_run()`` shows)."""
    run = _resolve_run(run_dir, "view_run")
    info = _info(run)
    summary = (f'<div class="col">{_error(info)}{_history(run)}{_model(info)}</div>'
               f'<div class="side">{_summary_cards(info)}</div>')
    output = _files(run) + _plots(run) + _card(
        "Console", f"<pre>{html.escape(str(_get(info, 'output') or ''))}</pre>")
    sections = [("summary", "Summary", summary),
                ("output", "Output", f'<div class="col">{output}</div>'),
                ("code", "Code", f'<div class="col">{_code(run, _get(info, "script"))}</div>')]
    return _page("Training Run", Path(run).name, sections)


def _auto_file(prefix: str, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tfruns-"))
    return folder / f"{prefix}-{name}.html"


def save_run_view(run_dir: Any = None, filename: str | os.PathLike[str] = "auto") -> str:
    """Write a run's HTML report to ``filename`` (``"auto"``: a temporary file); its path.

    R: ``save_run_view("runs/2020-03-05T14-02-11Z", "run.html")``
    Python: ``save_run_view("runs/2020-03-05T14-02-11Z", "run.html")``
    """
    page = run_view_html(run_dir)
    run = _resolve_run(run_dir, "save_run_view")
    target = _auto_file("run", Path(run).name) if str(filename) == "auto" else Path(filename)
    return str(records.write_text(target, page))


def show_report(path: str, viewer: Any) -> None:
    """Open a saved report: inline in a notebook, in the browser, or not at all (FALSE).

    R: ``view_run(run, viewer = getOption("tfruns.viewer"))``
    Python: ``show_report(path, "browser")``
    """
    from .session import in_notebook

    if viewer is False:
        return
    if callable(viewer):
        viewer(path)
        return
    if viewer is None and in_notebook():
        from IPython.display import HTML, display

        page = Path(path).read_text(encoding="utf-8")
        display(HTML(f'<iframe srcdoc="{html.escape(page)}" style="width:100%;height:700px;'
                     f'border:0"></iframe>'))
        return
    webbrowser.open(Path(path).resolve().as_uri())


def view_run(run_dir: Any = None, viewer: Any = None) -> str:
    """Open a run's report (default: the latest run) in the browser, or inline in Jupyter.

    ``viewer`` may be a function of the HTML file's path, or False to only write the file.
    Returns the path of the HTML file.

    R: ``view_run("runs/2020-03-05T14-02-11Z")``
    Python: ``view_run("runs/2020-03-05T14-02-11Z")``
    """
    path = save_run_view(run_dir)
    show_report(path, viewer)
    return path


def _yaml(flags: Mapping[str, Any]) -> str:
    return "".join(f"{k}: {_value(v)}\n" for k, v in flags.items())


def _diff(title: str, old: str, new: str, old_label: str, new_label: str) -> str:
    if old == new:
        return _card(title, "<p>(no differences)</p>")
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        old.splitlines(), new.splitlines(), old_label, new_label, context=True, numlines=3)
    return _card(title, table)


def _two_runs(runs: Any) -> list[str]:
    import pandas as pd

    from .listing import ls_runs

    if runs is None:
        runs = ls_runs(latest_n=2)
    if isinstance(runs, pd.DataFrame):
        runs = list(runs["run_dir"]) if "run_dir" in runs else []
    elif isinstance(runs, (str, os.PathLike)):
        runs = [runs]
    runs = list(runs)
    if len(runs) != 2:
        raise InvalidValueError(
            f"compare_runs(): You must pass at least 2 run directories to compare_runs "
            f"(exactly two; got {len(runs)})"
        )
    return [_resolve_run(r, "compare_runs") for r in runs]


def run_comparison_html(runs: Any = None) -> str:
    """The HTML page comparing two runs (what ``compare_runs()`` shows)."""
    dirs = _two_runs(runs)
    infos = [_info(d) for d in dirs]
    pairs = sorted(zip(dirs, infos), key=lambda p: (_get(p[1], "start") is None,
                                                   _get(p[1], "start")))
    (old, old_info), (new, new_info) = pairs
    names = [Path(old).name, Path(new).name]
    columns = []
    for run, info in pairs:
        columns.append(f'<div class="col"><h3>{html.escape(Path(run).name)}</h3>'
                       f"{_summary_cards(info)}{_error(info)}{_history(run)}</div>")
    # a table of flags and metrics with the differing rows highlighted
    rows = []
    keys: list[str] = []
    for info in (old_info, new_info):
        keys += [n for n in info.names() if n and n.startswith(("flag_", "metric_", "eval_"))
                 and n not in keys]
    for key in keys:
        a, b = _value(_get(old_info, key)), _value(_get(new_info, key))
        cls = ' class="diff"' if a != b else ""
        rows.append(f"<tr{cls}><td>{html.escape(key)}</td><td class=\"v\">{html.escape(a)}"
                    f"</td><td class=\"v\">{html.escape(b)}</td></tr>")
    head = (f"<tr><th></th><th>{html.escape(names[0])}</th><th>{html.escape(names[1])}</th>"
            f"</tr>")
    table = _card("Differences", f"<table>{head}{''.join(rows)}</table>")
    diffs = [_diff("FLAGS", _yaml(_prefixed(old_info, "flag_", True)),
                   _yaml(_prefixed(new_info, "flag_", True)), names[0], names[1])]
    old_src, new_src = read_sources(old), read_sources(new)
    for name in sorted(set(old_src) | set(new_src)):
        diffs.append(_diff(name, old_src.get(name, ""), new_src.get(name, ""),
                           names[0] if name in old_src else "(absent)",
                           names[1] if name in new_src else "(absent)"))
    sections = [("summary", "Summary", table + "".join(columns)),
                ("code", "Code", f'<div class="col">{"".join(diffs)}</div>')]
    return _page("Training Runs", f"{names[0]} vs {names[1]}", sections)


def save_run_comparison(runs: Any = None, filename: str | os.PathLike[str] = "auto") -> str:
    """Write the comparison of two runs to ``filename`` (``"auto"``: a temporary file).

    R: ``save_run_comparison(c(run1, run2), "compare.html")``
    Python: ``save_run_comparison([run1, run2], "compare.html")``
    """
    page = run_comparison_html(runs)
    target = _auto_file("compare", "runs") if str(filename) == "auto" else Path(filename)
    return str(records.write_text(target, page))


def compare_runs(runs: Any = None, viewer: Any = None) -> str:
    """Two runs side by side (default: the latest two), their differences highlighted: flags,
    metrics and a diff of each source file. Returns the HTML file's path.

    R: ``compare_runs(c(run1, run2))``
    Python: ``compare_runs([run1, run2])``
    """
    path = save_run_comparison(runs)
    show_report(path, viewer)
    return path
