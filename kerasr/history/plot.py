"""``plot(history)`` with matplotlib, drawn like R keras's ggplot2 version.

R keras draws ``ggplot(df, aes(epoch, value, color = data, fill = data)) +
geom_point(shape = 21, col = 1) + geom_smooth(method = "loess", se = FALSE) +
facet_grid(metric ~ ., switch = "y", scales = "free_y")``: one panel per metric stacked
vertically over a shared integer epoch axis, training and validation in ggplot's two hues,
points with a black outline, a loess smooth from 10 epochs on, the metric name at the left
of each panel, ggplot's grey panel with white grid lines, the legend at the right.

The smooth is a small local regression written with numpy (:func:`loess`): R's ``loess``
defaults (``span = 0.75``, ``degree = 2``, tricube weights, no robustness iterations),
evaluated directly at 80 points as ``geom_smooth`` does. statsmodels is not needed.

matplotlib is imported inside the functions, so ``import kerasr`` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidValueError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .core import TrainingHistory

from ..display import new_figure, present_figure
from ..rbase.stats import SMOOTH_POINTS, loess

__all__ = ["GGPLOT_COLOURS", "draw_history", "figure_for_history", "update_history"]

#: ggplot2's default discrete hues for two groups (training, validation).
GGPLOT_COLOURS = {"training": "#F8766D", "validation": "#00BFC4"}
#: geom_smooth's colour when nothing is mapped to colour (no validation data).
SMOOTH_BLUE = "#3366FF"
#: theme_grey's panel background (grey92) and theme_bw's grid colour (grey92).
PANEL_GREY = "#EBEBEB"
GREY92 = "#EBEBEB"
GREY20 = "#333333"
GREY30 = "#4D4D4D"
GREY47 = "#787878"
GREY95 = "#F2F2F2"

# ggplot2 sizes converted to points: .pt = 72.27 / 25.4; line widths are in units of
# 0.75 pt (1/96 inch) after multiplying by .pt.
_PT = 72.27 / 25.4
_SMOOTH_LW = 1.0 * _PT * 0.75  # geom_smooth linewidth 1
_SMOOTH_LW_BW = 0.5 * _PT * 0.75  # theme_bw: size 0.5
_POINT_DIAMETER = 1.5 * _PT + 0.5 * 0.96 * _PT / 2  # geom_point size 1.5, stroke 0.5
_MIN_SMOOTH_EPOCHS = 10  # R: smooth && params$epochs >= 10


# --------------------------------------------------------------------------------------
# Data preparation (no pandas: the live view redraws each epoch)
# --------------------------------------------------------------------------------------
def _panels(history: TrainingHistory, metrics: str | Sequence[str] | None) -> list[str]:
    names = [str(n) for n in history.metrics.names()]
    default = [n for n in names if not n.startswith("val_")]
    if metrics is None:
        return default
    wanted = [metrics] if isinstance(metrics, str) else [str(m) for m in metrics]
    bases = list(dict.fromkeys(n[4:] if n.startswith("val_") else n for n in names))
    out = []
    for m in wanted:
        base = m[4:] if m.startswith("val_") and m[4:] in bases else m
        if base not in bases:
            raise InvalidValueError(
                f"plot(): unknown metric `{m}`{did_you_mean(m, bases)}"
                f" (recorded: {', '.join(bases) or 'none'})"
            )
        if base not in out:
            out.append(base)
    return out


def _series(history: TrainingHistory) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """metric base name -> {"training"/"validation": (epochs, values)}, finite values only."""
    out: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    start = int(getattr(history, "initial_epoch", 0) or 0)
    for name, values in history.metrics.items():
        name = str(name)
        vals = np.asarray(values, dtype=float)
        ep = np.arange(start + 1, start + 1 + vals.size, dtype=float)
        ok = np.isfinite(vals)
        data = "validation" if name.startswith("val_") else "training"
        base = name[4:] if data == "validation" else name
        out.setdefault(base, {})[data] = (ep[ok], vals[ok])
    return out


# --------------------------------------------------------------------------------------
# Styling
# --------------------------------------------------------------------------------------
def _style_axes(ax: Axes, theme_bw: bool, bottom: bool, minor: bool = True) -> None:
    from matplotlib.ticker import AutoMinorLocator, MaxNLocator, NullLocator, ScalarFormatter

    ax.set_facecolor("white" if theme_bw else PANEL_GREY)
    ax.set_axisbelow(True)
    grid = GREY92 if theme_bw else "white"
    ax.grid(True, which="major", color=grid, linewidth=0.5 * _PT * 0.75 * 1.4)
    ax.grid(True, which="minor", color=grid, linewidth=0.25 * _PT * 0.75 * 1.4)
    for spine in ax.spines.values():
        spine.set_visible(theme_bw)
        spine.set_color(GREY20)
        spine.set_linewidth(0.8)
    ax.tick_params(which="major", length=2.75, width=0.8, color=GREY20, labelsize=8.8,
                   labelcolor=GREY30)
    ax.tick_params(which="minor", length=0)
    ax.xaxis.set_minor_locator(AutoMinorLocator(2) if minor else NullLocator())
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_minor_locator(AutoMinorLocator(2) if minor else NullLocator())
    fmt = ScalarFormatter(useOffset=False)
    fmt.set_powerlimits((-5, 6))
    ax.yaxis.set_major_formatter(fmt)
    if not bottom:
        ax.tick_params(axis="x", which="both", labelbottom=False)


def _xlim(n_epochs: int, first: int) -> tuple[float, float]:
    lo, hi = float(first), float(max(n_epochs, first))
    if hi - lo <= 0:
        return lo - 0.5, hi + 0.5  # ggplot's zero-width range expansion
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def _int_breaks(lo: float, hi: float) -> list[float]:
    """R's ``int_breaks``: ``pretty(x)[pretty(x) %% 1 == 0]`` within the axis limits."""
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    out = [float(t) for t in ticks if lo <= t <= hi and abs(t - round(t)) < 1e-9]
    if not out:
        out = [float(round((lo + hi) / 2))]
    return out


# --------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------
def _smooth_xy(ep: np.ndarray, vals: np.ndarray, do_smooth: bool) -> tuple[np.ndarray, np.ndarray]:
    if do_smooth and ep.size >= 3:
        grid = np.linspace(ep.min(), ep.max(), SMOOTH_POINTS)
        return grid, loess(ep, vals, grid)
    return np.empty(0), np.empty(0)


def _set_ylim(ax: Axes, arrays: list[np.ndarray]) -> None:
    """ggplot's y scale: the data range (points and smooths) expanded by 5% each side."""
    finite = [a[np.isfinite(a)] for a in arrays if a.size]
    finite = [a for a in finite if a.size]
    if not finite:
        return
    lo = min(float(a.min()) for a in finite)
    hi = max(float(a.max()) for a in finite)
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1e-300):
        pad = 0.05 * abs(lo) if lo != 0 else 0.05
    else:
        pad = 0.05 * (hi - lo)
    ax.set_ylim(lo - pad, hi + pad)


def _layout_key(
    history: TrainingHistory, panels: list[str], smooth: bool, theme_bw: bool, n_epochs: int
) -> tuple:
    names = [str(n) for n in history.metrics.names()]
    has_val = any(n.startswith("val_") for n in names)
    planned = int(history.params.get("epochs") or 0) if hasattr(history, "params") else 0
    do_smooth = bool(smooth) and max(planned, len(history)) >= _MIN_SMOOTH_EPOCHS
    return (tuple(panels), has_val, do_smooth, bool(theme_bw), int(n_epochs))


def draw_history(
    fig: Figure,
    history: TrainingHistory,
    metrics: str | Sequence[str] | None = None,
    smooth: bool = True,
    theme_bw: bool = False,
    epochs: int | None = None,
    minor_grid: bool = True,
) -> list[Axes]:
    """Draw ``history`` into ``fig`` (cleared first); returns the panels' Axes, top first.

    ``epochs`` fixes the epoch axis (default ``history.epochs``: the planned epochs, so an
    early-stopped history keeps R's full axis). ``minor_grid=False`` leaves out ggplot's
    minor grid lines (the live view does, to draw faster). Used by :func:`plot_history`;
    the live view uses :func:`update_history`, which redraws in place.

    R: ``print(plot(history))``
    Python: ``draw_history(fig, history)``
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator

    fig.clear()
    panels = _panels(history, metrics) or ["loss"]
    series = _series(history)
    n_epochs = int(epochs if epochs is not None else history.epochs)
    key = _layout_key(history, panels, smooth, theme_bw, n_epochs)
    _, has_val, do_smooth, _, _ = key
    first = 1  # R's epoch axis always starts at 1 (a continued fit leaves early epochs empty)

    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    fig.patch.set_facecolor("white")

    groups = ["training", "validation"] if has_val else ["training"]
    markers = {"training": "o", "validation": "^"}
    linestyles = {"training": "-", "validation": (0, (2.5, 2.5))}
    artists: dict[tuple[str, str], tuple[Any, Any, Any]] = {}
    for i, (ax, metric) in enumerate(zip(axes, panels)):
        _style_axes(ax, theme_bw, bottom=(i == len(panels) - 1), minor=minor_grid)
        ax.set_ylabel(metric, fontsize=11, color="black")
        in_panel: list[np.ndarray] = []
        for group in groups:
            ep, vals = series.get(metric, {}).get(group, (np.empty(0), np.empty(0)))
            if theme_bw:
                face = "none"
                marker = markers[group] if has_val else "o"
                line_colour = GREY47
                lw = _SMOOTH_LW_BW
                ls = linestyles[group] if has_val else "-"
            else:
                face = GGPLOT_COLOURS[group] if has_val else "none"
                marker = "o"
                line_colour = GGPLOT_COLOURS[group] if has_val else SMOOTH_BLUE
                lw = _SMOOTH_LW
                ls = "-"
            size = (_POINT_DIAMETER * (1.33 if theme_bw else 1.0)) ** 2
            points = ax.scatter(ep, vals, s=size, marker=marker, facecolors=face,
                                edgecolors="black", linewidths=0.8 if theme_bw else 0.5,
                                zorder=2, label=f"_points_{group}",
                                gid=f"points:{metric}:{group}")
            line = None
            if do_smooth:  # ggplot adds geom_smooth after geom_point: lines on top
                sx, sy = _smooth_xy(ep, vals, do_smooth)
                (line,) = ax.plot(sx, sy, color=line_colour, linewidth=lw, linestyle=ls,
                                  zorder=3, label=f"_smooth_{group}",
                                  gid=f"smooth:{metric}:{group}")
                in_panel.append(sy)
            in_panel.append(vals)
            artists[(metric, group)] = (ax, points, line)
        _set_ylim(ax, in_panel)
    lo, hi = _xlim(n_epochs, first)
    axes[0].set_xlim(lo, hi)
    axes[0].xaxis.set_major_locator(FixedLocator(_int_breaks(lo, hi)))
    axes[-1].set_xlabel("epoch", fontsize=11, color="black")

    constrained = fig.get_layout_engine() is not None
    if not constrained:  # fixed margins: cheap to render again and again (live view)
        fig.subplots_adjust(left=0.12, right=0.80 if has_val else 0.97, bottom=0.1,
                            top=0.97, hspace=0.06)
    if has_val:
        handles = []
        for group in groups:
            if theme_bw:
                h = Line2D([], [], color=GREY47 if do_smooth else "none", linewidth=_SMOOTH_LW_BW,
                           linestyle=linestyles[group], marker=markers[group],
                           markerfacecolor="none", markeredgecolor="black",
                           markersize=_POINT_DIAMETER * 1.33)
            else:
                h = Line2D([], [], color=GGPLOT_COLOURS[group] if do_smooth else "none",
                           linewidth=_SMOOTH_LW, marker="o",
                           markerfacecolor=GGPLOT_COLOURS[group], markeredgecolor="black",
                           markeredgewidth=0.5, markersize=_POINT_DIAMETER)
            handles.append(h)
        where: dict[str, Any] = (
            {"loc": "outside right center"} if constrained
            else {"loc": "center left", "bbox_to_anchor": (0.81, 0.5)}
        )
        leg = fig.legend(handles, groups, title="data", frameon=False, fontsize=8.8,
                         title_fontsize=11, handlelength=1.6, alignment="left", **where)
        leg.set_gid("history-legend")
    fig._kerasr_history = {"key": key, "artists": artists, "axes": list(axes)}  # type: ignore[attr-defined]
    return list(axes)


def update_history(
    fig: Figure,
    history: TrainingHistory,
    metrics: str | Sequence[str] | None = None,
    smooth: bool = True,
    theme_bw: bool = False,
    epochs: int | None = None,
    minor_grid: bool = True,
) -> list[Axes]:
    """Redraw ``history`` into a figure made by :func:`draw_history`, in place.

    When the panels, data sets and options are unchanged only the points, smooth lines
    and y ranges are updated (much cheaper than rebuilding the axes); otherwise the figure
    is drawn afresh. The live view calls this at each epoch end.

    R: ``tfruns::update_run_metrics(viewer, metrics)``
    Python: ``update_history(fig, history)``
    """
    state = getattr(fig, "_kerasr_history", None)
    panels = _panels(history, metrics) or ["loss"]
    n_epochs = int(epochs if epochs is not None else history.epochs)
    key = _layout_key(history, panels, smooth, theme_bw, n_epochs)
    if state is None or state["key"] != key:
        return draw_history(fig, history, metrics=metrics, smooth=smooth, theme_bw=theme_bw,
                            epochs=epochs, minor_grid=minor_grid)
    do_smooth = key[2]
    series = _series(history)
    per_axis: dict[int, tuple[Any, list[np.ndarray]]] = {}
    for (metric, group), (ax, points, line) in state["artists"].items():
        ep, vals = series.get(metric, {}).get(group, (np.empty(0), np.empty(0)))
        points.set_offsets(np.column_stack([ep, vals]) if ep.size else np.empty((0, 2)))
        arrays = per_axis.setdefault(id(ax), (ax, []))[1]
        arrays.append(vals)
        if line is not None:
            sx, sy = _smooth_xy(ep, vals, do_smooth)
            line.set_data(sx, sy)
            arrays.append(sy)
    for ax, arrays in per_axis.values():
        _set_ylim(ax, arrays)
    return list(state["axes"])


def figure_for_history(
    history: TrainingHistory,
    metrics: str | Sequence[str] | None = None,
    smooth: bool | None = None,
    theme_bw: bool | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """R's ``plot(history)``: a matplotlib Figure with one panel per metric.

    ``metrics``: the metrics to draw (default: every metric not starting with ``val_``,
    so ``learning_rate`` gets its own panel; validation values go in their metric's
    panel). ``smooth``: add a loess line when there are at least 10 epochs (default
    option ``keras.plot.history.smooth``, TRUE). ``theme_bw``: black-and-white, shapes and
    line types tell training from validation (default option
    ``keras.plot.history.theme_bw``, FALSE). ``figsize`` defaults to R's 7 x 5 inches,
    taller when there are more than two panels. Epochs not run (early stopping) and
    non-finite values are left out; the epoch axis spans all planned epochs.

    The Figure is returned and shown where R's ``plot()`` would show it: in a notebook
    as the cell's value, in an interactive session in a window, and in a plain script it
    is written to ``Rplots.png`` in the working folder (option ``kerasr.plot_file``), the
    path printed on stderr; see :func:`kerasr.display.present_figure`.

    R: ``plot(history, metrics = NULL, smooth = TRUE, theme_bw = FALSE)``
    Python: ``plot_history(history, metrics=None, smooth=True, theme_bw=False)``
    """
    from ..options import get_option

    if smooth is None:
        smooth = bool(get_option("keras.plot.history.smooth", True))
    if theme_bw is None:
        theme_bw = bool(get_option("keras.plot.history.theme_bw", False))
    panels = _panels(history, metrics)  # validate before creating a figure
    if figsize is None:
        figsize = (7.0, max(5.0, 1.9 * len(panels) + 1.0))
    fig = new_figure(figsize)
    draw_history(fig, history, metrics=panels or None, smooth=smooth, theme_bw=theme_bw)
    present_figure(fig, "plot()")
    return fig
