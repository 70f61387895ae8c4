"""Eager TensorFlow runs feed in-memory arrays as NumPy batches (no tf.data pipeline), with
the same numbers as Keras's own path; everything else keeps Keras's path."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import kerasr as kr
from kerasr.eager_batches import feeds_numpy_batches, install_eager_batches

pytestmark = pytest.mark.tensorflow_only

N_ROWS, BATCH = 100, 16  # a partial last batch of 4 rows


@pytest.fixture
def eager():
    import tensorflow as tf

    tf.config.run_functions_eagerly(True)
    try:
        yield
    finally:
        tf.config.run_functions_eagerly(False)


def data(seed: int = 0, n: int = N_ROWS) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))  # float64: Keras casts to float32 on both paths
    y = (x @ np.array([1.0, -2.0, 0.5]) > 0).astype("int32")
    return x, y


def seeded_model():
    kr.set_random_seed(7)
    model = (kr.keras_model_sequential(input_shape=3) >> kr.layer_dense(8, activation="relu")
             >> kr.layer_dense(1, activation="sigmoid"))
    return model >> kr.compile(optimizer=kr.optimizer_sgd(learning_rate=0.1), metrics="accuracy",
                               loss="binary_crossentropy", steps_per_execution=1)


def watch_validation(model, seen: list[bool]):
    """A callback noting, after each epoch's validation, whether it was fed NumPy batches
    (Keras drops its validation iterator when fit() ends)."""
    return kr.callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(
        feeds_numpy_batches(model._eval_epoch_iterator)))


def run_all(**fit_args):
    """Fit (unshuffled, so both paths see the same batches), evaluate and predict."""
    x, y = data()
    vx, vy = data(1, 40)
    model = seeded_model()
    seen: list[bool] = []
    history = model >> kr.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False,
                              validation_data=(vx, vy), verbose=0,
                              callbacks=watch_validation(model, seen), **fit_args)
    return (seen, history, model >> kr.evaluate(vx, vy, batch_size=BATCH, verbose=0),
            model >> kr.predict(vx, batch_size=BATCH, verbose=0), model)


def assert_same(eager_run, graph_run):
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(eager_run[1].metrics[key], graph_run[1].metrics[key],
                                   rtol=1e-5, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(eager_run[2]["loss"], graph_run[2]["loss"], rtol=1e-5)
    np.testing.assert_allclose(eager_run[3], graph_run[3], rtol=1e-5, atol=1e-6)
    for a, b in zip(eager_run[4].get_weights(), graph_run[4].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fit_args", [
    {},
    {"class_weight": {0: 1.0, 1: 3.0}},
    {"sample_weight": np.linspace(0.5, 2.0, N_ROWS)},
], ids=["plain", "class_weight", "sample_weight"])
def test_eager_numpy_batches_give_keras_numbers(eager, fit_args):
    assert install_eager_batches()
    eager_run = run_all(**fit_args)
    assert eager_run[0] == [True] * 3
    import tensorflow as tf

    tf.config.run_functions_eagerly(False)
    graph_run = run_all(**fit_args)
    assert graph_run[0] == [False] * 3  # compiled functions: Keras's tf.data path
    assert_same(eager_run, graph_run)
    assert eager_run[1].metrics["loss"][-1] < eager_run[1].metrics["loss"][0]  # it trained


def test_a_model_compiled_to_run_eagerly_gets_numpy_batches_too():
    """compile(run_eagerly=True), R's way to debug one model: kerasr's fit/evaluate/predict
    feed it NumPy batches, with Keras's numbers; plain compiled models keep tf.data."""
    x, y = data()
    vx, vy = data(1, 40)
    runs = {}
    for eager in (True, False):
        kr.set_random_seed(7)
        model = (kr.keras_model_sequential(input_shape=3) >> kr.layer_dense(4, activation="relu")
                 >> kr.layer_dense(1, activation="sigmoid"))
        model >> kr.compile(optimizer="sgd", loss="binary_crossentropy", run_eagerly=eager)
        seen: list[bool] = []
        history = model >> kr.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False,
                                  validation_data=(vx, vy), verbose=0,
                                  callbacks=watch_validation(model, seen))
        runs[eager] = (seen, history.metrics["val_loss"],
                       model >> kr.predict(vx, batch_size=BATCH, verbose=0))
    assert runs[True][0] == [True, True] and runs[False][0] == [False, False]
    np.testing.assert_allclose(runs[True][1], runs[False][1], rtol=1e-5)
    np.testing.assert_allclose(runs[True][2], runs[False][2], rtol=1e-5, atol=1e-6)


def seen_batch(seen: list[int]):
    return lambda batch, logs: seen.append(batch)


def test_shuffled_eager_fit_is_repeatable_and_sees_every_row(eager):
    x, y = data()
    losses = []
    for _ in range(2):
        model = seeded_model()
        seen: list[int] = []
        rows = kr.callback_lambda(on_batch_end=seen_batch(seen))
        history = model >> kr.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, callbacks=rows)
        losses.append(history.metrics["loss"])
        assert seen == list(range(7)) * 2  # 100 rows: 6 full batches and a partial one
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)


def test_other_inputs_keep_the_keras_path_under_eager(eager):
    import tensorflow as tf

    x, y = data()
    served = 0

    def batches():
        nonlocal served
        for start in range(0, 64, BATCH):
            served += 1
            yield x[start:start + BATCH].astype("float32"), y[start:start + BATCH]

    model = seeded_model()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*ran out of data")
        history = model >> kr.fit(batches(), steps_per_epoch=4, epochs=1, verbose=0)
    assert served == 4 and len(history.metrics["loss"]) == 1  # the generator was read once

    dataset = tf.data.Dataset.from_tensor_slices((x.astype("float32"), y)).batch(BATCH)
    seen: list[bool] = []
    history = model >> kr.fit(dataset, validation_data=dataset, epochs=2, verbose=0,
                              callbacks=watch_validation(model, seen))
    assert seen == [False, False]
    assert np.all(np.isfinite(history.metrics["val_loss"]))


def test_a_distribution_strategy_keeps_the_keras_path(eager):
    import tensorflow as tf

    x, y = data()
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        model = seeded_model()
    seen: list[bool] = []
    history = model >> kr.fit(x, y, batch_size=BATCH, epochs=2, validation_split=0.2,
                              verbose=0, callbacks=watch_validation(model, seen))
    assert seen == [False, False]
    assert np.all(np.isfinite(history.metrics["loss"]))


def test_sparse_inputs_keep_the_keras_path(eager):
    import tensorflow as tf

    x, y = data()
    sparse = tf.sparse.from_dense(np.where(np.abs(x) > 1, x, 0).astype("float32"))
    kr.set_random_seed(7)
    inputs = kr.layer_input(shape=3, sparse=True)
    model = kr.keras_model(inputs, inputs >> kr.layer_dense(1, activation="sigmoid"))
    model >> kr.compile(optimizer="sgd", loss="binary_crossentropy", steps_per_execution=1)
    seen: list[bool] = []
    history = model >> kr.fit(sparse, y, batch_size=BATCH, epochs=1, verbose=0,
                              validation_data=(sparse, y), callbacks=watch_validation(model, seen))
    assert seen == [False]
    assert np.isfinite(history.metrics["val_loss"][0])
