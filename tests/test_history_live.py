"""The live metrics view: in_notebook(), one figure updated in place through a display handle."""

from __future__ import annotations

import os
import sys
import types

import numpy as np
import pytest

from kerasr.display import in_notebook
from kerasr.errors import InvalidValueError
from kerasr.history import TrainingHistory, live_metrics_callback


class FakeHandle:
    def __init__(self, log: list) -> None:
        self.log = log

    def update(self, obj, **kwargs) -> None:
        self.log.append(("update", obj, _snapshot(obj)))


class FakeDisplay:
    """Stands in for IPython.display.display: records calls, returns one handle."""

    def __init__(self) -> None:
        self.log: list = []
        self.handles: list[FakeHandle] = []

    def __call__(self, obj, display_id=False, **kwargs):
        assert display_id is True
        self.log.append(("display", obj, _snapshot(obj)))
        handle = FakeHandle(self.log)
        self.handles.append(handle)
        return handle


def _snapshot(fig) -> dict:
    ax = fig.axes[0]
    n_points = [len(c.get_offsets()) for c in ax.collections]
    return {"xlim": ax.get_xlim(), "n_points": n_points, "n_axes": len(fig.axes),
            "ylabels": [a.get_ylabel() for a in fig.axes]}


# -- in_notebook -------------------------------------------------------------------------
def _fake_ipython(monkeypatch: pytest.MonkeyPatch, shell_class_name: str | None) -> None:
    mod = types.ModuleType("IPython")
    if shell_class_name is None:
        mod.get_ipython = lambda: None
    else:
        base = type(shell_class_name, (), {})
        sub = type("ColabShell", (base,), {})  # subclasses count too (Colab, VS Code)
        mod.get_ipython = lambda: sub()
    monkeypatch.setitem(sys.modules, "IPython", mod)


def test_in_notebook_false_in_tests() -> None:
    assert in_notebook() is False


def test_in_notebook_only_for_kernel_shells(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_ipython(monkeypatch, "ZMQInteractiveShell")
    assert in_notebook() is True
    _fake_ipython(monkeypatch, "TerminalInteractiveShell")
    assert in_notebook() is False
    _fake_ipython(monkeypatch, None)
    assert in_notebook() is False
    monkeypatch.delitem(sys.modules, "IPython")
    assert in_notebook() is False


# -- the callback, driven by hand --------------------------------------------------------
@pytest.fixture(scope="module")
def keras_mod():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return pytest.importorskip("keras")


def test_callback_updates_one_figure_in_place(keras_mod) -> None:
    disp = FakeDisplay()
    cb = live_metrics_callback(epochs=20, display=disp, max_overhead=None, image=False)
    assert isinstance(cb, keras_mod.callbacks.Callback)
    cb.on_train_begin()
    for epoch in range(5):
        cb.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 1.2 / (epoch + 1)})
    cb.on_train_end()
    kinds = [k for k, _, _ in disp.log]
    assert kinds == ["display"] + ["update"] * 4
    assert len(disp.handles) == 1
    assert len({id(obj) for _, obj, _ in disp.log}) == 1  # the same figure every time
    first = disp.log[0][2]
    assert first["xlim"][1] > 20  # the axis spans all planned epochs from the first frame
    assert first["n_points"] == [1, 1]
    assert disp.log[-1][2]["n_points"] == [5, 5]
    assert cb.displays == 1 and cb.updates == 4 and cb.draws == 5
    assert isinstance(cb.history, TrainingHistory) and len(cb.history) == 5
    assert cb.history.params["epochs"] == 20


def test_callback_throttles_to_its_time_budget(keras_mod) -> None:
    now = [0.0]

    def clock() -> float:
        return now[0]

    disp = FakeDisplay()
    cb = live_metrics_callback(epochs=30, display=disp, max_overhead=0.05, clock=clock,
                               image=False)
    cb.frame_cost_estimate = 0.5
    orig_draw = cb._draw

    def slow_draw() -> None:  # each frame "takes" 0.5 s of the fake clock
        def advancing() -> float:  # read at the start and at the end of the frame
            now[0] += 0.5
            return now[0]

        cb._clock = advancing
        try:
            orig_draw()
        finally:
            cb._clock = clock

    cb._draw = slow_draw
    cb.on_train_begin()
    for epoch in range(30):
        now[0] += 1.0  # 1 s epochs: a 0.5 s frame fits the 5% budget every 10 s
        cb.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    cb.on_train_end()
    assert [k for k, _, _ in disp.log] == ["display", "update", "update"]
    assert [snap["n_points"] for _, _, snap in disp.log] == [[10], [20], [30]]
    assert disp.log[0][2]["xlim"][1] > 30  # full planned axis from the first frame


def test_short_fit_shows_final_frame_only(keras_mod) -> None:
    disp = FakeDisplay()
    cb = live_metrics_callback(epochs=20, display=disp, max_overhead=0.03, image=False)
    cb.frame_cost_estimate = 60.0  # a frame would cost far more than these epochs
    cb.on_train_begin()
    for epoch in range(20):
        cb.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    assert [k for k, _, _ in disp.log] == ["display"]
    assert disp.log[0][2]["n_points"] == [20]
    cb.on_train_end()
    assert len(disp.log) == 1  # already drawn: not again


def test_callback_draws_at_train_end_after_early_stop(keras_mod) -> None:
    disp = FakeDisplay()
    cb = live_metrics_callback(epochs=50, display=disp, max_overhead=1e-9, image=False)
    cb.frame_cost_estimate = 0.0  # first frame at once, then none until the end
    cb.on_train_begin()
    for epoch in range(4):
        cb.on_epoch_end(epoch, {"loss": 1.0, "learning_rate": 0.01})
    cb.on_train_end()
    assert [k for k, _, _ in disp.log] == ["display", "update"]
    snap = disp.log[-1][2]
    assert snap["ylabels"] == ["loss", "learning_rate"] and snap["xlim"][1] > 50


def test_metric_appearing_late_is_padded(keras_mod) -> None:
    disp = FakeDisplay()
    cb = live_metrics_callback(epochs=3, display=disp, max_overhead=None, image=False)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0})
    cb.on_epoch_end(1, {"loss": 0.5, "val_loss": 0.7})
    assert cb.history.metrics.val_loss[0] != cb.history.metrics.val_loss[0]  # NaN
    assert cb.history.metrics.val_loss[1] == 0.7


def test_invalid_epochs() -> None:
    with pytest.raises(InvalidValueError):
        live_metrics_callback(epochs=0)


def test_default_display_outside_notebook_draws_nothing(keras_mod) -> None:
    cb = live_metrics_callback(epochs=2, max_overhead=None)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0})
    cb.on_epoch_end(1, {"loss": 0.5})
    cb.on_train_end()
    assert cb.draws == 0 and cb.figure is None  # nowhere to show it: no time spent
    assert cb.history.metrics.loss == [1.0, 0.5]


# -- a real 3-epoch fit ------------------------------------------------------------------
def test_real_fit_with_fake_display(keras_mod) -> None:
    keras = keras_mod
    keras.utils.set_random_seed(2)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(200, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5], dtype="float32")).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    disp = FakeDisplay()
    cb = live_metrics_callback(epochs=3, display=disp, max_overhead=None, image=False)
    kh = model.fit(x, y, epochs=3, batch_size=50, validation_split=0.25, verbose=0,
                   callbacks=[cb])
    assert [k for k, _, _ in disp.log] == ["display", "update", "update"]
    assert cb.displays == 1 and cb.updates == 2
    assert disp.log[-1][2]["ylabels"] == ["loss", "mae"]
    assert disp.log[-1][2]["n_points"] == [3, 3]
    live = cb.history
    final = TrainingHistory.from_keras(kh)
    assert live.metrics.names() == final.metrics.names()
    assert live.metrics.loss == pytest.approx(final.metrics.loss)


def test_image_mode_displays_png_frames(keras_mod) -> None:
    from kerasr.history.live import PngFrame

    shown: list = []

    class Handle:
        def update(self, obj) -> None:
            shown.append(obj)

    def display(obj, display_id=False):
        shown.append(obj)
        return Handle()

    cb = live_metrics_callback(epochs=2, display=display, max_overhead=None, image=True)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0, "val_loss": 1.2})
    cb.on_epoch_end(1, {"loss": 0.5, "val_loss": 0.6})
    cb.on_train_end()
    assert len(shown) == 2 and all(isinstance(o, PngFrame) for o in shown)
    assert shown[0]._repr_png_().startswith(b"\x89PNG")
    assert cb.figure is not None and cb.updates == 1


def test_plot_in_notebook_returns_unmanaged_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    _fake_ipython(monkeypatch, "ZMQInteractiveShell")
    before = plt.get_fignums()
    fig = TrainingHistory({"epochs": 2}, {"loss": [1.0, 0.5]}).plot()
    assert plt.get_fignums() == before  # shown once, as the cell's value
    assert len(fig.axes) == 1


def test_plot_error_turns_view_off_without_stopping_training(keras_mod) -> None:
    disp = FakeDisplay()
    cb = live_metrics_callback(epochs=3, metrics="accuracy", display=disp, max_overhead=None)
    cb.on_train_begin()
    with pytest.warns(RuntimeWarning, match="live plot failed"):
        cb.on_epoch_end(0, {"loss": 1.0})
    cb.on_epoch_end(1, {"loss": 0.5})  # no second warning, no exception
    cb.on_train_end()
    assert disp.log == [] and cb.history.metrics.loss == [1.0, 0.5]
