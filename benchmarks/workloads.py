"""The workshop workloads, each written twice: through kerasr and in plain Keras.

Both versions build the same model on the same data with the same settings, so the ratio
of their times is kerasr's overhead. Imported only inside a worker process whose Keras
backend is already chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Workload:
    """One benchmark: data maker, a kerasr run (kerasr's defaults) and a plain-Keras run
    (``steps_per_execution`` given: the same work, or 1 for Keras's default)."""

    name: str
    make_data: Callable[[bool], tuple[Any, Any]]
    run_kerasr: Callable[[Any, Any, bool], float]
    run_keras: Callable[[Any, Any, bool, int], float]


def _ols_data(quick: bool) -> tuple[Any, Any]:
    rng = np.random.default_rng(123)
    x = rng.uniform(-1, 1, (1000, 1)).astype("float32")
    return x, (30 + 5 * x[:, 0] + rng.normal(size=1000)).astype("float32")


def _sine_data(quick: bool) -> tuple[Any, Any]:
    rng = np.random.default_rng(123)
    x = rng.uniform(-1, 2 * np.pi, (1000, 1)).astype("float32")
    return x, (np.sin(x[:, 0]) + rng.normal(scale=0.2, size=1000)).astype("float32")


def _mnist_like(quick: bool) -> tuple[Any, Any]:
    rng = np.random.default_rng(0)
    n = 12000 if quick else 60000
    return rng.random((n, 784), dtype="float32"), rng.integers(0, 10, n)


def _fashion_cnn_like(quick: bool) -> tuple[Any, Any]:
    rng = np.random.default_rng(0)
    n = 6000 if quick else 60000
    return rng.random((n, 28, 28, 1), dtype="float32"), rng.integers(0, 10, n)


def _lstm_like(quick: bool) -> tuple[Any, Any]:
    rng = np.random.default_rng(0)
    n = 4000 if quick else 20000
    return rng.normal(size=(n, 48, 7)).astype("float32"), rng.normal(size=n).astype("float32")


# -- the models, kerasr spelling ------------------------------------------------------------
def _k():
    import kerasr as kr

    return kr


def kr_ols(x: Any, y: Any, quick: bool) -> float:
    kr = _k()
    kr.set_random_seed(1)
    model = kr.keras_model_sequential(input_shape=1) >> kr.layer_dense(units=1)
    model >> kr.compile(optimizer="sgd", loss="mse")
    h = model >> kr.fit(x, y, batch_size=16, epochs=5 if quick else 20, verbose=0)
    return float(h.metrics["loss"][-1])


def kr_sine(x: Any, y: Any, quick: bool) -> float:
    kr = _k()
    kr.set_random_seed(1)
    model = kr.keras_model_sequential(input_shape=1)
    for _ in range(3):
        model >> kr.layer_dense(units=256, activation="relu")
    model >> kr.layer_dense(units=1)
    model >> kr.compile(optimizer=kr.optimizer_sgd(learning_rate=0.01, momentum=0.9),
                        loss="mse")
    h = model >> kr.fit(x, y, batch_size=16, epochs=10 if quick else 50, verbose=0)
    return float(h.metrics["loss"][-1])


def kr_mlp(x: Any, y: Any, quick: bool) -> float:
    kr = _k()
    kr.set_random_seed(1)
    model = (kr.keras_model_sequential(input_shape=784)
             >> kr.layer_dense(128, activation="relu") >> kr.layer_dense(10, activation="softmax"))
    model >> kr.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                        metrics="accuracy")
    h = model >> kr.fit(x, y, batch_size=128, epochs=2 if quick else 5, verbose=0)
    return float(h.metrics["loss"][-1])


def kr_cnn(x: Any, y: Any, quick: bool) -> float:
    kr = _k()
    kr.set_random_seed(1)
    model = (kr.keras_model_sequential(input_shape=(28, 28, 1))
             >> kr.layer_conv_2d(32, kernel_size=3, activation="relu")
             >> kr.layer_batch_normalization()
             >> kr.layer_max_pooling_2d(pool_size=2)
             >> kr.layer_dropout(0.25)
             >> kr.layer_flatten()
             >> kr.layer_dense(64, activation="relu")
             >> kr.layer_dense(10, activation="softmax"))
    model >> kr.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    h = model >> kr.fit(x, y, batch_size=128, epochs=1, verbose=0)
    return float(h.metrics["loss"][-1])


def kr_lstm(x: Any, y: Any, quick: bool) -> float:
    kr = _k()
    kr.set_random_seed(1)
    model = (kr.keras_model_sequential(input_shape=(48, 7))
             >> kr.layer_conv_1d(32, kernel_size=5, activation="relu")
             >> kr.layer_lstm(32, return_sequences=True)
             >> kr.layer_lstm(16)
             >> kr.layer_dense(1))
    model >> kr.compile(optimizer="adam", loss="mse")
    h = model >> kr.fit(x, y, batch_size=128, epochs=1 if quick else 2, verbose=0)
    return float(h.metrics["loss"][-1])


# -- the same, plain Keras ---------------------------------------------------------------------
def _keras():
    import keras

    return keras


def ks_ols(x: Any, y: Any, quick: bool, steps_per_execution: int = 1) -> float:
    keras = _keras()
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=steps_per_execution)
    h = model.fit(x, y, batch_size=16, epochs=5 if quick else 20, verbose=0)
    return float(h.history["loss"][-1])


def ks_sine(x: Any, y: Any, quick: bool, steps_per_execution: int = 1) -> float:
    keras = _keras()
    keras.utils.set_random_seed(1)
    layers = [keras.Input((1,))] + [keras.layers.Dense(256, activation="relu") for _ in range(3)]
    model = keras.Sequential(layers + [keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss="mse",
                  steps_per_execution=steps_per_execution)
    h = model.fit(x, y, batch_size=16, epochs=10 if quick else 50, verbose=0)
    return float(h.history["loss"][-1])


def ks_mlp(x: Any, y: Any, quick: bool, steps_per_execution: int = 1) -> float:
    keras = _keras()
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)
    h = model.fit(x, y, batch_size=128, epochs=2 if quick else 5, verbose=0)
    return float(h.history["loss"][-1])


def ks_cnn(x: Any, y: Any, quick: bool, steps_per_execution: int = 1) -> float:
    keras = _keras()
    keras.utils.set_random_seed(1)
    L = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.BatchNormalization(),
        L.MaxPooling2D(2), L.Dropout(0.25), L.Flatten(), L.Dense(64, activation="relu"),
        L.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  steps_per_execution=steps_per_execution)
    h = model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    return float(h.history["loss"][-1])


def ks_lstm(x: Any, y: Any, quick: bool, steps_per_execution: int = 1) -> float:
    keras = _keras()
    keras.utils.set_random_seed(1)
    L = keras.layers
    model = keras.Sequential([
        keras.Input((48, 7)), L.Conv1D(32, 5, activation="relu"),
        L.LSTM(32, return_sequences=True), L.LSTM(16), L.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse", steps_per_execution=steps_per_execution)
    h = model.fit(x, y, batch_size=128, epochs=1 if quick else 2, verbose=0)
    return float(h.history["loss"][-1])


WORKLOADS: tuple[Workload, ...] = (
    Workload("OLS, 1 unit, 1000 rows, batch 16", _ols_data, kr_ols, ks_ols),
    Workload("sine, 3 x 256 relu, batch 16", _sine_data, kr_sine, ks_sine),
    Workload("MNIST-shaped MLP 784-128-10", _mnist_like, kr_mlp, ks_mlp),
    Workload("Fashion-MNIST-shaped CNN, 1 epoch", _fashion_cnn_like, kr_cnn, ks_cnn),
    Workload("LSTM conv1d + 2 LSTM", _lstm_like, kr_lstm, ks_lstm),
)
