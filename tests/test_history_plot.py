"""plot(history): panel structure, points, smooth lines, legend, images; the loess smoother."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from kerasr.errors import InvalidValueError
from kerasr.history import TrainingHistory, plot_history
from kerasr.history.plot import GGPLOT_COLOURS, SMOOTH_BLUE
from kerasr.options import set_option
from kerasr.rbase.stats import loess


def _hist(epochs: int, run: int | None = None, val: bool = True, extra: dict | None = None,
          seed: int = 0) -> TrainingHistory:
    run = epochs if run is None else run
    rng = np.random.default_rng(seed)
    e = np.arange(run)
    metrics = {"loss": list(np.exp(-e / 5) + rng.normal(0, 0.01, run)),
               "accuracy": list(1 - 0.5 * np.exp(-e / 5))}
    if val:
        metrics["val_loss"] = list(1.1 * np.exp(-e / 5) + 0.05)
        metrics["val_accuracy"] = list(0.95 - 0.5 * np.exp(-e / 5))
    metrics.update(extra or {})
    return TrainingHistory({"verbose": 0, "epochs": epochs, "steps": 10}, metrics)


def _points(ax) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def _smooth_lines(ax) -> list:
    return [ln for ln in ax.get_lines()
            if str(ln.get_gid() or "").startswith("smooth:") and len(ln.get_xdata())]


def _legend_labels(fig: Figure) -> list[str]:
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()]


def _save(fig: Figure, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    fig.savefig(path, dpi=60)
    assert path.stat().st_size > 1000
    return path


def test_validation_and_smooth(tmp_path: Path) -> None:
    fig = _hist(20).plot()
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert [ax.get_ylabel() for ax in axes] == ["loss", "accuracy"]
    assert axes[-1].get_xlabel() == "epoch" and axes[0].get_xlabel() == ""
    for ax in axes:
        pts = _points(ax)
        assert len(pts) == 2  # training, validation
        assert [len(p.get_offsets()) for p in pts] == [20, 20]
        lines = _smooth_lines(ax)
        assert len(lines) == 2
        assert [ln.get_color() for ln in lines] == [GGPLOT_COLOURS["training"],
                                                     GGPLOT_COLOURS["validation"]]
        assert len(lines[0].get_xdata()) == 80
        lo, hi = ax.get_xlim()
        assert lo < 1 and 20 < hi < 21
        assert all(float(t).is_integer() for t in ax.get_xticks())
    # shared epoch axis, grey ggplot panel
    assert axes[0].get_shared_x_axes().joined(axes[0], axes[1])
    assert axes[0].get_facecolor()[:3] == pytest.approx((0.922, 0.922, 0.922), abs=0.01)
    assert _legend_labels(fig) == ["training", "validation"]
    assert fig.legends[0].get_title().get_text() == "data"
    _save(fig, tmp_path, "validation")


def test_no_validation(tmp_path: Path) -> None:
    fig = _hist(12, val=False).plot()
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(_points(ax)) == 1
        lines = _smooth_lines(ax)
        assert len(lines) == 1 and lines[0].get_color() == SMOOTH_BLUE
    assert fig.legends == []  # R: no colour mapping, no legend
    _save(fig, tmp_path, "no_validation")


def test_smooth_only_from_ten_epochs(tmp_path: Path) -> None:
    fig = _hist(9).plot()
    assert all(_smooth_lines(ax) == [] for ax in fig.axes)
    assert all(len(_points(ax)) == 2 for ax in fig.axes)
    fig = _hist(10).plot(smooth=False)
    assert all(_smooth_lines(ax) == [] for ax in fig.axes)
    _save(fig, tmp_path, "nine_epochs")


def test_smooth_and_theme_options(tmp_path: Path) -> None:
    old_smooth = set_option("keras.plot.history.smooth", False)
    old_bw = set_option("keras.plot.history.theme_bw", True)
    try:
        fig = _hist(20).plot()
        assert all(_smooth_lines(ax) == [] for ax in fig.axes)
        assert fig.axes[0].get_facecolor()[:3] == pytest.approx((1, 1, 1))
    finally:
        set_option("keras.plot.history.smooth", old_smooth)
        set_option("keras.plot.history.theme_bw", old_bw)
    _save(fig, tmp_path, "options")


def test_theme_bw_markers_and_linetypes(tmp_path: Path) -> None:
    fig = _hist(20).plot(theme_bw=True)
    ax = fig.axes[0]
    lines = _smooth_lines(ax)
    assert len(lines) == 2
    assert lines[0].get_linestyle() == "-" and lines[1].get_linestyle() == "--"
    train, val = _points(ax)
    assert train.get_paths()[0] != val.get_paths()[0]  # circle vs triangle
    assert _legend_labels(fig) == ["training", "validation"]
    _save(fig, tmp_path, "theme_bw")


def test_early_stopping_keeps_planned_axis(tmp_path: Path) -> None:
    lr = {"learning_rate": [0.01] * 30 + [0.001] * 11}
    fig = _hist(100, run=41, extra=lr).plot()
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy", "learning_rate"]
    for ax in fig.axes:
        assert ax.get_xlim()[1] > 100  # R: x axis spans params$epochs
        assert max(len(p.get_offsets()) for p in _points(ax)) == 41
    assert len(_points(fig.axes[2])) == 2  # learning_rate: training points, empty validation
    assert len(_points(fig.axes[2])[1].get_offsets()) == 0
    _save(fig, tmp_path, "early_stopping")


def test_nan_values_are_dropped(tmp_path: Path) -> None:
    loss = list(np.linspace(1, 0.2, 15))
    loss[4] = float("nan")
    loss[9] = float("inf")
    h = TrainingHistory({"epochs": 15}, {"loss": loss, "val_loss": [float("nan")] * 15})
    fig = h.plot()
    ax = fig.axes[0]
    train, val = _points(ax)
    assert len(train.get_offsets()) == 13 and len(val.get_offsets()) == 0
    lines = _smooth_lines(ax)
    assert len(lines) == 1 and np.isfinite(lines[0].get_ydata()).all()
    _save(fig, tmp_path, "nan_values")


def test_single_epoch(tmp_path: Path) -> None:
    fig = TrainingHistory({"epochs": 1}, {"loss": [0.5], "val_loss": [0.6]}).plot()
    ax = fig.axes[0]
    assert list(ax.get_xticks()) == [1.0]
    assert ax.get_xlim() == pytest.approx((0.5, 1.5))
    assert _smooth_lines(ax) == []
    _save(fig, tmp_path, "single_epoch")


def test_500_epochs(tmp_path: Path) -> None:
    fig = _hist(500).plot()
    assert [len(p.get_offsets()) for p in _points(fig.axes[0])] == [500, 500]
    assert len(_smooth_lines(fig.axes[0])) == 2
    _save(fig, tmp_path, "epochs_500")


def test_metrics_argument_and_errors() -> None:
    h = _hist(20)
    fig = plot_history(h, metrics="accuracy")
    assert [ax.get_ylabel() for ax in fig.axes] == ["accuracy"]
    assert len(_points(fig.axes[0])) == 2
    fig = h.plot(metrics=["val_loss"])  # a val_ name selects its metric's panel
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss"]
    with pytest.raises(InvalidValueError, match="did you mean `accuracy`"):
        h.plot(metrics="acuracy")


def test_returns_bare_figure_without_pyplot_state() -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = _hist(3).plot()
    assert plt.get_fignums() == before  # nothing registered: no duplicate inline display
    assert fig.canvas is not None


# -- loess -----------------------------------------------------------------------------
def test_loess_reproduces_quadratics_exactly() -> None:
    x = np.linspace(0, 10, 30)
    y = 1 + 2 * x - 0.3 * x**2
    assert np.allclose(loess(x, y, x), y, atol=1e-9)


def test_loess_smooths_noise_and_drops_nan() -> None:
    rng = np.random.default_rng(0)
    x = np.arange(1.0, 101.0)
    truth = np.exp(-x / 30)
    y = truth + rng.normal(0, 0.05, x.size)
    y[[3, 50]] = np.nan
    fit = loess(x, y, x)
    assert np.isfinite(fit).all()
    assert np.sqrt(np.mean((fit - truth) ** 2)) < 0.6 * np.sqrt(np.nanmean((y - truth) ** 2))


def test_loess_small_inputs() -> None:
    assert loess([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [2.0]) == pytest.approx([2.0])
    assert len(loess([1.0], [2.0])) == 80
    assert np.isnan(loess([], [], [1.0])).all()
    with pytest.raises(InvalidValueError):
        loess([1, 2], [1, 2, 3])


def test_loess_500_epochs_is_fast() -> None:
    x = np.arange(1.0, 501.0)
    y = np.exp(-x / 80)
    loess(x, y)
    start = time.perf_counter()
    for _ in range(5):
        loess(x, y)
    per_call = (time.perf_counter() - start) / 5
    assert per_call < 0.5  # measured ~6 ms on 2 shared CPU cores


def test_r_generic_plot_dispatches_on_history():
    import matplotlib.figure

    from kerasr import InvalidValueError, plot
    from kerasr.history import TrainingHistory

    history = TrainingHistory(params={"verbose": 0, "epochs": 3, "steps": 1},
                              metrics={"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 2.0]})
    figure = plot(history)
    assert isinstance(figure, matplotlib.figure.Figure)
    assert [ax.get_ylabel() for ax in figure.axes if ax.get_ylabel()] == ["loss"]
    with pytest.raises(InvalidValueError, match="plot\\(\\): no method for list"):
        plot([1, 2, 3])


# -- where plot() goes: R's devices ------------------------------------------------------
_SCRIPT = """
import sys
import numpy as np
from kerasr import plot, set_option
from kerasr.history import TrainingHistory
e = np.arange(12)
h = TrainingHistory({"verbose": 0, "epochs": 12, "steps": 1},
                    {"loss": list(np.exp(-e / 5)), "val_loss": list(np.exp(-e / 6))})
plot(h)
h.plot(metrics="loss")
if len(sys.argv) > 1:
    set_option("kerasr.plot_file", False)
    plot(h)
print("keras loaded:", "keras" in sys.modules)
"""


def _run_plot_script(tmp_path: Path, *args: str, **env: str):
    import os
    import subprocess
    import sys

    script = tmp_path / "plots.py"
    script.write_text(_SCRIPT)
    child_env = {k: v for k, v in os.environ.items()
                 if k not in ("PYTEST_CURRENT_TEST", "KERASR_PLOT_FILE", "DISPLAY")}
    child_env.update(MPLBACKEND="Agg", **env)
    root = Path(__file__).resolve().parents[1]
    child_env["PYTHONPATH"] = os.pathsep.join([str(root), child_env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, env=child_env,
                          capture_output=True, text=True, timeout=120)


def test_plot_in_a_script_writes_rplots_png_and_says_where(tmp_path: Path) -> None:
    proc = _run_plot_script(tmp_path, "off")
    assert proc.returncode == 0, proc.stderr
    first, second = tmp_path / "Rplots.png", tmp_path / "Rplots-2.png"
    for path in (first, second):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 5000
        assert f"plot(): figure written to {path.resolve()}" in proc.stderr
    # turned off with the option: no third file, no third message; Keras never loaded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Rplots-2.png", "Rplots.png",
                                                          "plots.py"]
    assert proc.stderr.count("figure written to") == 2
    assert "keras loaded: False" in proc.stdout
    from PIL import Image

    with Image.open(first) as img:
        assert img.size == (700, 500)  # R's 7 x 5 inches at 100 dpi


def test_plot_file_from_the_environment_and_turned_off(tmp_path: Path, monkeypatch,
                                                      capsys) -> None:
    from kerasr import display

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PYTEST_CURRENT_TEST")  # as in a script
    monkeypatch.setattr(display, "_files_written", [])
    monkeypatch.setenv("KERASR_PLOT_FILE", "figs/history.png")
    (tmp_path / "figs").mkdir()
    assert display.plot_device() == "file"
    _hist(12).plot()
    _hist(12).plot()
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["history-2.png",
                                                                      "history.png"]
    assert "figure written to " + str(tmp_path / "figs" / "history-2.png") in (
        capsys.readouterr().err)
    monkeypatch.setenv("KERASR_PLOT_FILE", "")
    assert display.plot_device() == "none"
    _hist(12).plot()
    set_option("kerasr.plot_file", "option.png")  # the option beats the variable
    try:
        assert display.plot_file() == "option.png"
    finally:
        set_option("kerasr.plot_file", None)
    assert sorted(p.name for p in tmp_path.rglob("*.png")) == ["history-2.png", "history.png"]
    assert "figure written" not in capsys.readouterr().err


def test_plot_under_pytest_only_returns_the_figure(tmp_path: Path, monkeypatch) -> None:
    from kerasr.display import plot_device

    monkeypatch.chdir(tmp_path)
    assert plot_device() == "none"
    fig = _hist(3).plot()
    assert isinstance(fig, Figure)
    assert list(tmp_path.iterdir()) == []
