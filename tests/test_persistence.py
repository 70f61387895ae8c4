"""Persistence round trips give identical predictions (R test-model-persistence.R)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from kerasr import (
    InvalidValueError,
    compile,
    custom_metric,
    evaluate,
    fit,
    get_weights,
    keras_model_sequential,
    layer_dense,
    load_model,
    load_model_hdf5,
    load_model_tf,
    load_model_weights_hdf5,
    model_from_json,
    model_to_json,
    predict,
    save_model,
    save_model_hdf5,
    save_model_tf,
    save_model_weights_hdf5,
    serialize_model,
    unserialize_model,
)

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core


@pytest.fixture
def trained():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 784)).astype("float32")
    y = rng.normal(size=(32, 10)).astype("float32")
    model = keras_model_sequential(input_shape=784) >> layer_dense(32, activation="relu")
    model >> layer_dense(10)
    model >> compile(optimizer="adam", loss="mse", metrics="mae")
    model >> fit(x, y, epochs=1, verbose=0)
    return model, x, y


def same_predictions(a, b, x):
    np.testing.assert_allclose(a >> predict(x, verbose=0), b >> predict(x, verbose=0),
                               rtol=1e-6, atol=1e-6)


def test_hdf5_round_trip_with_r_file_names(tmp_path, trained):
    model, x, y = trained
    for name in ("model.h5", "model.hdf5", "model_without_extension"):
        save_model_hdf5(model, tmp_path / name)
        restored = load_model_hdf5(tmp_path / name)
        same_predictions(model, restored, x)
    assert sorted(os.listdir(tmp_path)) == ["model.h5", "model.hdf5", "model_without_extension"]
    restored = load_model_hdf5(tmp_path / "model.h5")
    restored >> fit(x, y, epochs=1, verbose=0)  # optimizer state kept: training continues


def test_keras_format_bytes_json_and_tf_directory(tmp_path, trained):
    model, x, _ = trained
    save_model(model, tmp_path / "m.keras")
    same_predictions(model, load_model(tmp_path / "m.keras"), x)
    with pytest.raises(InvalidValueError, match="already exists"):
        save_model(model, tmp_path / "m.keras")
    raw = serialize_model(model)
    assert isinstance(raw, bytes)
    same_predictions(model, unserialize_model(raw), x)
    same_predictions(model, load_model(raw), x)
    save_model_tf(model, tmp_path / "pima_model")
    same_predictions(model, load_model_tf(tmp_path / "pima_model"), x)
    json = model_to_json(model)
    assert model_to_json(model_from_json(json)) == json
    with pytest.raises(InvalidValueError, match="must pass a Keras model"):
        serialize_model("model")


def test_weights_hdf5_round_trip(tmp_path, trained):
    model, x, _ = trained
    save_model_weights_hdf5(model, tmp_path / "pima_weights.h5")
    fresh = keras_model_sequential(input_shape=784) >> layer_dense(32, activation="relu")
    fresh >> layer_dense(10)
    load_model_weights_hdf5(fresh, tmp_path / "pima_weights.h5")
    for a, b in zip(get_weights(model), get_weights(fresh)):
        np.testing.assert_array_equal(a, b)
    legacy = tmp_path / "legacy.h5"
    model.save(str(legacy))  # Keras's legacy full-model h5 also holds loadable weights
    other = keras_model_sequential(input_shape=784) >> layer_dense(32, activation="relu")
    other >> layer_dense(10)
    load_model_weights_hdf5(other, legacy)
    same_predictions(model, other, x)


def test_custom_metric_reload_with_custom_objects(tmp_path):
    import keras

    def mean_pred(y_true, y_pred):
        return keras.ops.mean(y_pred)

    metric = custom_metric("mean_pred", mean_pred)
    model = keras_model_sequential(input_shape=3) >> layer_dense(1)
    model >> compile(optimizer="sgd", loss="mse", metrics=metric)
    x = np.ones((8, 3), "float32")
    history = model >> fit(x, np.ones(8), epochs=1, verbose=0)
    assert "mean_pred" in history.metrics.names()
    save_model_hdf5(model, tmp_path / "custom.h5")
    restored = load_model_hdf5(tmp_path / "custom.h5", custom_objects={"mean_pred": metric})
    assert "mean_pred" in (restored >> evaluate(x, np.ones(8), verbose=0)).names()


def test_failed_save_leaves_nothing_behind(tmp_path, trained):
    model, _, _ = trained
    with pytest.raises(InvalidValueError, match="does not exist; create it first"):
        save_model_hdf5(model, tmp_path / "missing_dir" / "m.h5")
    assert list(tmp_path.iterdir()) == []
