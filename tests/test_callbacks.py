"""Callbacks from the R test suite: each runs inside fit(); R's legacy file names work."""

from __future__ import annotations

import csv

import keras
import numpy as np
import pytest

from kerasr import (
    KerasrDeprecationWarning,
    callback_csv_logger,
    callback_early_stopping,
    callback_lambda,
    callback_learning_rate_scheduler,
    callback_model_checkpoint,
    callback_reduce_lr_on_plateau,
    callback_tensorboard,
    callback_terminate_on_naan,
    compile,
    evaluate,
    fit,
    keras_model_sequential,
    layer_dense,
    load_model_hdf5,
    predict,
)

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def model_():
    model = keras_model_sequential(input_shape=4) >> layer_dense(units=1)
    return model >> compile(optimizer="sgd", loss="mse")


def test_checkpoint_with_r_hdf5_pattern_and_period(tmp_path, data):
    x, y = data
    pattern = str(tmp_path / "bin_model.{epoch:02d}-{val_loss:.2f}.hdf5")
    with pytest.warns(KerasrDeprecationWarning, match="`period` is deprecated"):
        cb = callback_model_checkpoint(filepath=pattern, monitor="val_loss", period=2)
    model_() >> fit(x, y, epochs=4, validation_split=0.25, verbose=0, callbacks=cb)
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert [name[:12] for name in saved] == ["bin_model.02", "bin_model.04"]
    assert all(name.endswith(".hdf5") for name in saved)
    restored = load_model_hdf5(tmp_path / saved[-1])
    assert restored.count_params() == 5


def test_checkpoint_keras_file_and_bad_name(tmp_path, data):
    x, y = data
    path = tmp_path / "best.keras"
    cb = callback_model_checkpoint(str(path), monitor="loss", save_best_only=True)
    assert isinstance(cb, keras.callbacks.ModelCheckpoint)  # kerasr's atomic subclass
    model_() >> fit(x, y, epochs=2, verbose=0, callbacks=cb)
    assert path.exists()
    with pytest.raises(Exception, match="must end in '.weights.h5'"):
        callback_model_checkpoint(str(tmp_path / "w.h5"), save_weights_only=True)


def test_lr_scheduler_csv_logger_terminate_on_naan_tensorboard(tmp_path, data):
    x, y = data
    csv_path = tmp_path / "history.csv"
    cbs = [
        callback_learning_rate_scheduler(lambda epoch, lr: 0.1),
        callback_csv_logger(str(csv_path)),
        callback_terminate_on_naan(),
        callback_reduce_lr_on_plateau(monitor="loss"),
        callback_tensorboard(log_dir=str(tmp_path / "tb_logs")),
    ]
    model = model_()
    model >> fit(x, y, epochs=2, verbose=0, callbacks=cbs)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1)
    rows = list(csv.DictReader(csv_path.open()))
    assert [r["epoch"] for r in rows] == ["0", "1"] and "loss" in rows[0]
    assert any((tmp_path / "tb_logs").rglob("events.out.tfevents*"))


def test_lambda_prediction_and_test_hooks_print(capsys, data):
    x, y = data
    model = model_()
    clb = callback_lambda(on_predict_begin=lambda logs: print("Prediction Begin"),
                          on_test_begin=lambda logs: print("Test Begin"))
    model >> predict(x, verbose=0, callbacks=clb)
    assert capsys.readouterr().out == "Prediction Begin\n"
    model >> evaluate(x, y, verbose=0, callbacks=[clb])
    assert capsys.readouterr().out == "Test Begin\n"


def test_early_stopping_ends_training(data):
    x, y = data
    model = keras_model_sequential(input_shape=4) >> layer_dense(units=1)
    model >> compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model >> fit(x, y, epochs=50, verbose=0,
                           callbacks=callback_early_stopping(monitor="loss", patience=1))
    assert len(history.metrics["loss"]) < 50
    assert history.params["epochs"] == 50
