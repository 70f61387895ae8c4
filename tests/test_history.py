"""TrainingHistory: R's print (character by character), prettyNum, data frames, from_keras."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kerasr.generics import as_data_frame
from kerasr.history import TrainingHistory
from kerasr.named_list import NamedList
from kerasr.rbase.format import format_r_number, pretty_num

R_OUTPUTS = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "r-outputs"


def f32(x: float) -> float:
    """A float32 value as Keras logs it (R sees the same double)."""
    return float(np.float32(x))


# The exact text R's print(history) writes, from r-outputs/ (cat -A shows the trailing space).
OLS_PRINT = "\nFinal epoch (plot to see history):\n    loss: 1.005\nval_loss: 0.9989 \n"
BOSTON_PRINT = (
    "\nFinal epoch (plot to see history):\n"
    "    loss: 0.9596\n"
    "     mae: 0.7747\n"
    "val_loss: 1.737\n"
    " val_mae: 1.073 \n"
)
CALLBACKS_PRINT = (
    "\nFinal epoch (plot to see history):\n"
    "         loss: 0.01975\n"
    "     val_loss: 0.01897\n"
    "learning_rate: 0.01 \n"
)
CALLBACKS2_PRINT = (
    "\nFinal epoch (plot to see history):\n"
    "         loss: 0.01149\n"
    "     val_loss: 0.01128\n"
    "learning_rate: 0.00001 \n"
)


def ols_history() -> TrainingHistory:
    loss = [403.648163, 57.922401, 10.333158, 3.146217, 1.750111, 1.339641, 1.170120,
            1.088695, 1.047657, 1.026684] + [1.02 - 0.001 * i for i in range(9)] + [1.00501]
    val = [126.41, 20.18, 4.87, 2.21, 1.53] + [1.2 - 0.01 * i for i in range(14)] + [0.99891]
    return TrainingHistory(
        params={"verbose": 0, "epochs": 20, "steps": 50},
        metrics={"loss": [f32(v) for v in loss], "val_loss": [f32(v) for v in val]},
    )


def boston_history() -> TrainingHistory:
    n = 20
    return TrainingHistory(
        params={"verbose": 0, "epochs": n, "steps": 11},
        metrics={
            "loss": [f32(4.155074)] * (n - 1) + [f32(0.959612)],
            "mae": [f32(1.659)] * (n - 1) + [f32(0.774718)],
            "val_loss": [f32(4.93)] * (n - 1) + [f32(1.73689)],
            "val_mae": [f32(1.83)] * (n - 1) + [f32(1.07312)],
        },
    )


def early_stopped_history() -> TrainingHistory:
    """history2 of callbacks.txt: 59 of 100 epochs run, learning rate cut three times."""
    n = 59
    lr = [f32(0.01)] * 43 + [f32(0.001)] * 6 + [f32(0.0001)] * 7 + [f32(1e-5)] * 3
    return TrainingHistory(
        params={"verbose": 0, "epochs": 100, "steps": 25},
        metrics={
            "loss": [f32(0.2279)] + [f32(0.05)] * (n - 2) + [f32(0.011492)],
            "val_loss": [f32(0.0974)] + [f32(0.04)] * (n - 2) + [f32(0.011278843)],
            "learning_rate": lr,
        },
    )


# -- prettyNum / format ------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, expected",
    [
        (1234.5678, "1,235"),
        (0.000012345, "0.00001234"),
        (0.9989, "0.9989"),
        (f32(0.9989), "0.9989"),
        (1.005, "1.005"),
        (f32(1.005), "1.005"),
        (0.01, "0.01"),
        (f32(0.01), "0.01"),
        (9.999999e-06, "0.00001"),
        (f32(1e-5), "0.00001"),
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (100.0, "100"),
        (100000.0, "100,000"),
        (1234567.8, "1,234,568"),
        (-1234.56, "-1,235"),
        (-0.5, "-0.5"),
        (3.14159, "3.142"),
        (0.30000000000000004, "0.3"),
        (0.99995, "1"),
        (9999.7, "10,000"),
        (123.456, "123.5"),
        (float("nan"), "NaN"),
        (float("inf"), "Inf"),
        (float("-inf"), "-Inf"),
    ],
)
def test_pretty_num_matches_r(value: float, expected: str) -> None:
    assert pretty_num([value]) == [expected]


def test_format_r_number_without_big_mark_and_scientific_fallback() -> None:
    assert format_r_number(1234.5678) == "1235"
    assert format_r_number(1e-120) == "1e-120"  # R: fixed would be >100 chars wider
    assert format_r_number(0.000012345, digits=2) == "0.000012"


def test_pretty_num_common_width_when_marks_added() -> None:
    # R: prettyNum(list(1234.5678, 0.5), big.mark = ",", digits = 4) -> "1,235" "  0.5"
    assert pretty_num([1234.5678, 0.5]) == ["1,235", "  0.5"]
    # no mark added: each keeps its own width (ols.txt: "1.005" and "0.9989")
    assert pretty_num([1.005, 0.9989]) == ["1.005", "0.9989"]


# -- print -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, expected",
    [
        (ols_history, OLS_PRINT),
        (boston_history, BOSTON_PRINT),
        (early_stopped_history, CALLBACKS2_PRINT),
    ],
)
def test_repr_is_r_print_character_by_character(make, expected: str) -> None:
    h = make()
    text = repr(h)
    assert len(text) == len(expected)
    for i, (got, want) in enumerate(zip(text, expected)):
        assert got == want, f"char {i}: {got!r} != {want!r} in {text!r}"
    assert h.format() == expected


def test_repr_learning_rate_history() -> None:
    h = TrainingHistory(
        params={"verbose": "auto", "epochs": 10, "steps": 25},
        metrics={
            "loss": [f32(0.22792065)] * 9 + [f32(0.01974886)],
            "val_loss": [f32(0.09744683)] * 9 + [f32(0.01896806)],
            "learning_rate": [f32(0.01)] * 10,
        },
    )
    assert repr(h) == CALLBACKS_PRINT


def test_print_writes_r_console_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    print(ols_history())
    assert capsys.readouterr().out == OLS_PRINT


def test_expected_strings_are_the_r_outputs() -> None:
    if not R_OUTPUTS.is_dir():
        pytest.skip("../shared/reference/r-outputs not present")
    ols = (R_OUTPUTS / "ols.txt").read_text()
    assert "> print(history)\n" + OLS_PRINT + "> history" in ols
    assert BOSTON_PRINT in (R_OUTPUTS / "boston.txt").read_text()
    callbacks = (R_OUTPUTS / "callbacks.txt").read_text()
    assert "> print(history)\n" + CALLBACKS_PRINT in callbacks
    assert "> print(history2)\n" + CALLBACKS2_PRINT in callbacks


def test_repr_html_has_table_and_inline_plot() -> None:
    out = boston_history()._repr_html_()
    assert "Final epoch (plot to see history):" in out
    assert "<table>" in out and "val_mae" in out and "1.073" in out
    assert "data:image/png;base64," in out


def test_object_fields_and_len() -> None:
    h = early_stopped_history()
    assert isinstance(h.metrics, NamedList)
    assert h.metrics.names() == ["loss", "val_loss", "learning_rate"]
    assert all(isinstance(v, float) for v in h.metrics.loss)
    assert h.params == {"verbose": 0, "epochs": 100, "steps": 25}
    assert h.history is None
    assert len(h) == 59
    assert h.epochs == 100


def test_lr_is_renamed_learning_rate() -> None:
    h = TrainingHistory({"epochs": 2}, {"loss": [1.0, 0.5], "lr": [0.1, 0.1]})
    assert h.metrics.names() == ["loss", "learning_rate"]


def test_vector_values_are_averaged_like_r() -> None:
    h = TrainingHistory({"epochs": 1}, {"loss": [np.array([1.0, 3.0])]})
    assert h.metrics.loss == [2.0]


def test_pickle_drops_keras_history() -> None:
    h = TrainingHistory({"epochs": 2}, {"loss": [1.0, 0.5]}, keras_history=object())
    back = pickle.loads(pickle.dumps(h))
    assert back.history is None and back.metrics.loss == [1.0, 0.5] and repr(back) == repr(h)


# -- data frames -----------------------------------------------------------------------
def test_as_data_frame_long_format_like_r() -> None:
    df = as_data_frame(boston_history())
    assert list(df.columns) == ["epoch", "value", "metric", "data"]
    assert df["epoch"].dtype == np.int64
    assert df["value"].dtype == np.float64
    assert isinstance(df["metric"].dtype, pd.CategoricalDtype)
    assert isinstance(df["data"].dtype, pd.CategoricalDtype)
    assert list(df["metric"].cat.categories) == ["loss", "mae"]
    assert list(df["data"].cat.categories) == ["training", "validation"]
    assert len(df) == 80  # 'data.frame': 80 obs. of 4 variables (boston.txt)
    assert df["epoch"].tolist()[:20] == list(range(1, 21))
    blocks = [(m, d) for m, d in zip(df["metric"], df["data"])][::20]
    assert blocks == [("loss", "training"), ("mae", "training"),
                      ("loss", "validation"), ("mae", "validation")]
    assert df["value"].iloc[20] == pytest.approx(f32(1.659))


def test_as_data_frame_pads_early_stopping_with_nan() -> None:
    h = early_stopped_history()
    df = h.as_data_frame()
    assert len(df) == 300  # 'data.frame': 300 obs. (callbacks.txt)
    assert list(df["metric"].cat.categories) == ["loss", "learning_rate"]
    lr = df[df["metric"] == "learning_rate"]
    assert lr["epoch"].tolist() == list(range(1, 101))
    assert lr["data"].unique().tolist() == ["training"]
    assert lr["value"].iloc[:59].notna().all()
    assert lr["value"].iloc[59:].isna().all()  # epochs 60..100 were not run
    assert lr["value"].iloc[56] == pytest.approx(9.999999e-06, rel=1e-6)
    # the method and the R-named function agree
    pd.testing.assert_frame_equal(df, as_data_frame(h))


def test_to_pandas_wide() -> None:
    wide = early_stopped_history().to_pandas()
    assert list(wide.columns) == ["loss", "val_loss", "learning_rate"]
    assert wide.index.name == "epoch"
    assert wide.index[0] == 1 and wide.index[-1] == 59 and len(wide) == 59


def test_no_metrics_history() -> None:
    h = TrainingHistory({"epochs": 3}, {})
    assert len(h) == 0
    assert list(h.as_data_frame().columns) == ["epoch", "value", "metric", "data"]
    assert repr(h) == "\nFinal epoch (plot to see history):\n \n"


def test_initial_epoch_places_values() -> None:
    h = TrainingHistory({"epochs": 5}, {"loss": [0.3, 0.2]}, initial_epoch=3)
    df = h.as_data_frame()
    assert df["value"].isna().tolist() == [True, True, True, False, False]
    assert h.to_pandas().index.tolist() == [4, 5]


def test_import_does_not_load_keras() -> None:
    code = (
        "import sys, kerasr.history, kerasr.history.plot, kerasr.history.live;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('keras', 'tensorflow')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert res.returncode == 0, res.stdout + res.stderr


# -- from_keras on a real (tiny) fit ---------------------------------------------------
@pytest.fixture(scope="module")
def keras_mod():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    keras = pytest.importorskip("keras")
    return keras


def test_from_keras_real_fit_with_early_stopping(keras_mod) -> None:
    keras = keras_mod
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(200, 1)).astype("float32")
    y = (30 + 5 * x[:, 0] + rng.normal(size=200)).astype("float32")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    callbacks = [
        keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=100),
        # min_delta so large that epoch 2 never "improves": stops after 2 of 10 epochs
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=1e9),
    ]
    kh = model.fit(x, y, epochs=10, batch_size=50, validation_split=0.2, verbose=0,
                   callbacks=callbacks)
    h = TrainingHistory.from_keras(kh)
    assert h.history is kh
    assert len(h) == 2
    assert h.params["epochs"] == 10 and h.params["verbose"] == 0 and h.params["steps"] == 4
    assert h.metrics.names() == list(kh.history)
    assert set(h.metrics.names()) == {"loss", "mae", "val_loss", "val_mae", "learning_rate"}
    assert h.metrics.names()[0] == "loss"
    assert h.metrics.learning_rate == pytest.approx([0.01, 0.01])
    df = h.as_data_frame()
    assert len(df) == 5 * 10
    assert list(df["metric"].cat.categories) == ["loss", "mae", "learning_rate"]
    assert df.groupby(["metric", "data"], observed=True)["value"].count().tolist() == [2] * 5
    text = repr(h)
    assert text.startswith("\nFinal epoch (plot to see history):\n") and text.endswith(" \n")
    assert "learning_rate: 0.01 \n" in text
    # the R-named function also takes the raw Keras History
    assert len(as_data_frame(kh)) == 50
