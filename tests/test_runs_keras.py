"""Run tracking through real Keras: fit() and evaluate() record into the active run, and (slow)
training and tuning runs of a small Keras script, in parallel and on a Dask LocalCluster."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import kerasr
from kerasr.runs.run_dir import RUN_DIR_ENV

KERAS_SCRIPT = """\
import numpy as np
from kerasr import *

FLAGS = flags(flag_integer("units", 4), flag_numeric("dropout", 0.1))
set_random_seed(1)
x = np.random.default_rng(0).random((16, 3)).astype("float32")
y = (x.sum(axis=1) > 1.5).astype("float32")
model = keras_model_sequential(input_shape=3) >> \\
    layer_dense(units=FLAGS.units, activation="relu") >> \\
    layer_dropout(rate=FLAGS.dropout) >> layer_dense(units=1, activation="sigmoid")
model >> compile(loss="binary_crossentropy", optimizer=optimizer_adam(learning_rate=0.01),
                 metrics="accuracy")
history = model >> fit(x, y, epochs=2, batch_size=8, validation_split=0.25, verbose=0)
print(model >> evaluate(x, y, verbose=0))
plot(history)
"""


def _model():
    kerasr.set_random_seed(1)
    model = kerasr.keras_model_sequential(input_shape=3) >> \
        kerasr.layer_dense(units=4, activation="relu") >> \
        kerasr.layer_dense(units=1, activation="sigmoid")
    model >> kerasr.compile(loss="binary_crossentropy",
                            optimizer=kerasr.optimizer_adam(learning_rate=0.01),
                            metrics="accuracy")
    x = np.random.default_rng(0).random((16, 3)).astype("float32")
    y = (x.sum(axis=1) > 1.5).astype("float32")
    return model, x, y


def test_fit_and_evaluate_record_into_the_active_run(tmp_path, monkeypatch):
    model, x, y = _model()
    run = tmp_path / "runs" / "r"
    monkeypatch.setenv(RUN_DIR_ENV, str(run))
    history = model >> kerasr.fit(x, y, epochs=2, batch_size=8, validation_split=0.25,
                                  verbose=0)
    meta = run / "tfruns.d"
    metrics = json.loads((meta / "metrics.json").read_text())
    assert set(metrics) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert metrics["loss"] == pytest.approx(history.metrics["loss"])
    assert metrics["val_accuracy"] == pytest.approx(history.metrics["val_accuracy"])
    props = meta / "properties"
    assert (props / "epochs").read_text() == "2\n"
    assert (props / "loss_function").read_text() == "binary_crossentropy\n"
    assert float((props / "learning_rate").read_text()) == pytest.approx(0.01)
    assert "Adam" in (props / "optimizer").read_text()
    summary = (props / "model").read_text()
    assert summary.startswith("Model\n") and "Total params: 21" in summary
    # a second fit: metrics.json is the latest fit (tfruns); every fit is kept in fits/
    model >> kerasr.fit(x, y, epochs=3, verbose=0)
    metrics = json.loads((meta / "metrics.json").read_text())
    assert set(metrics) == {"loss", "accuracy"} and len(metrics["loss"]) == 3
    assert sorted(p.name for p in (meta / "fits").iterdir()) == ["fit-001.json",
                                                                "fit-002.json"]
    scores = model >> kerasr.evaluate(x, y, verbose=0)
    evaluation = json.loads((meta / "evaluation.json").read_text())
    assert evaluation == pytest.approx(scores.to_dict())
    row = kerasr.ls_runs(runs_dir=tmp_path / "runs").iloc[0]
    assert row["epochs_completed"] == 3 and row["metric_loss"] == pytest.approx(
        metrics["loss"][-1])
    assert row["eval_accuracy"] == pytest.approx(scores.accuracy)


def test_no_run_no_records(tmp_path, monkeypatch):
    monkeypatch.delenv(RUN_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    model, x, y = _model()
    model >> kerasr.fit(x, y, epochs=1, verbose=0)
    model >> kerasr.evaluate(x, y, verbose=0)
    assert list(tmp_path.iterdir()) == []
    from kerasr.runs.tracking import run_callbacks

    assert run_callbacks() == []


def test_metrics_json_is_padded_to_epochs_while_training(tmp_path, monkeypatch):
    model, x, y = _model()
    run = tmp_path / "run"
    monkeypatch.setenv(RUN_DIR_ENV, str(run))
    seen = []

    from kerasr._keras import keras

    class Peek(keras().callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            path = run / "tfruns.d" / "metrics.json"
            seen.append(json.loads(path.read_text()) if path.exists() else None)

    model >> kerasr.fit(x, y, epochs=3, verbose=0, callbacks=[Peek()])
    # the run's callback comes after the user's: Peek sees the file of the previous epoch
    assert seen[0] is None
    assert seen[1]["loss"][0] is not None and seen[1]["loss"][1:] == [None, None]
    assert seen[2]["loss"][1] is not None and seen[2]["loss"][2] is None


@pytest.fixture
def keras_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(RUN_DIR_ENV, raising=False)
    (tmp_path / "train.py").write_text(KERAS_SCRIPT)
    return tmp_path


def _check_keras_grid(df):
    assert len(df) == 4 and list(df["completed"]) == [True] * 4
    assert sorted(zip(df["flag_units"], df["flag_dropout"])) == [
        (4, 0.1), (4, 0.2), (8, 0.1), (8, 0.2)]
    for _, row in df.iterrows():
        assert row["epochs"] == 2 and row["epochs_completed"] == 2
        for column in ("metric_loss", "metric_accuracy", "metric_val_loss",
                       "metric_val_accuracy", "eval_loss", "eval_accuracy"):
            assert np.isfinite(row[column]), column
        assert 0 <= row["metric_val_accuracy"] <= 1
        assert f"Total params: {3 * row['flag_units'] + row['flag_units'] * 2 + 1}" in \
            row["model"]
        assert (Path(row["run_dir"]) / "plots" / "Rplot001.png").exists()


@pytest.mark.slow
def test_keras_training_run_end_to_end(keras_work):
    df = kerasr.training_run("train.py", flags={"units": 8}, echo=False)
    row = df.iloc[0]
    assert bool(row["completed"]) and row["flag_units"] == 8 and row["epochs_completed"] == 2
    assert row["loss_function"] == "binary_crossentropy"
    assert set(json.loads(Path(row["metrics"]).read_text())) == {
        "loss", "accuracy", "val_loss", "val_accuracy"}
    assert "accuracy" in row["output"]  # the printed evaluate() result


@pytest.mark.slow
def test_keras_grid_in_parallel(keras_work):
    df = kerasr.tuning_run("train.py", flags={"units": [4, 8], "dropout": [0.1, 0.2]},
                           parallel=2, confirm=False)
    _check_keras_grid(df)
    assert len(kerasr.ls_runs("completed == TRUE")) == 4


@pytest.mark.slow
def test_keras_grid_on_a_dask_local_cluster(keras_work):
    distributed = pytest.importorskip("distributed", reason="pip install 'kerasr[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        df = kerasr.tuning_run("train.py", flags={"units": [4, 8], "dropout": [0.1, 0.2]},
                               executor=client.get_executor(), confirm=False)
    _check_keras_grid(df)
