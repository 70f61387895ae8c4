"""steps_per_execution="auto": several batches per execution, identical numbers, and one
batch at a time whenever a callback must see each batch."""

from __future__ import annotations

import numpy as np
import pytest

import kerasr as kr
from kerasr import InvalidValueError
from kerasr.execution import AUTO_STEPS_PER_EXECUTION, needs_every_batch

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core

N_ROWS, BATCH = 400, 16  # 400 rows: 25 batches, not a multiple of the 32 in an execution


def data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_ROWS, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=N_ROWS)).astype("float32")
    return x, y


def seeded_model(steps_per_execution="auto"):
    kr.set_random_seed(7)
    model = (kr.keras_model_sequential(input_shape=3) >> kr.layer_dense(8, activation="relu")
             >> kr.layer_dense(1))
    return model >> kr.compile(optimizer=kr.optimizer_sgd(learning_rate=0.05, momentum=0.9),
                               loss="mse", metrics="mae",
                               steps_per_execution=steps_per_execution)


def test_auto_gives_the_same_numbers_as_one_batch_per_execution():
    x, y = data()
    results = {}
    for setting in ("auto", 1):
        model = seeded_model(setting)
        history = model >> kr.fit(x, y, batch_size=BATCH, epochs=4, validation_split=0.2,
                                  verbose=0)
        results[setting] = (history, model >> kr.evaluate(x, y, verbose=0),
                            model >> kr.predict(x, verbose=0), model.steps_per_execution)
    auto, one = results["auto"], results[1]
    assert auto[3] == AUTO_STEPS_PER_EXECUTION and one[3] == 1
    for key in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(auto[0].metrics[key], one[0].metrics[key], rtol=1e-5)
    np.testing.assert_allclose(auto[1]["loss"], one[1]["loss"], rtol=1e-5)
    np.testing.assert_allclose(auto[2], one[2], rtol=1e-5, atol=1e-6)
    assert auto[0].metrics["loss"][-1] < auto[0].metrics["loss"][0]  # it did train


def test_a_batch_callback_sees_every_batch_and_switching_back_is_fine():
    x, y = data()
    model = seeded_model()
    model >> kr.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    assert model.steps_per_execution == AUTO_STEPS_PER_EXECUTION
    seen: list[int] = []
    counter = kr.callback_lambda(on_batch_end=lambda batch, logs: seen.append(batch))
    model >> kr.fit(x, y, batch_size=BATCH, epochs=2, verbose=0, callbacks=counter)
    assert model.steps_per_execution == 1
    assert seen == list(range(25)) * 2
    model >> kr.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    assert model.steps_per_execution == AUTO_STEPS_PER_EXECUTION


def test_steps_per_epoch_is_honoured_exactly():
    """Keras rounds an epoch up to whole executions, so "auto" uses a divisor of it."""
    x, y = data()
    served = 0

    def batches():
        nonlocal served
        while True:
            for start in range(0, N_ROWS, BATCH):
                served += 1
                yield x[start:start + BATCH], y[start:start + BATCH]

    model = seeded_model()
    history = model >> kr.fit(batches(), steps_per_epoch=10, epochs=3, verbose=0)
    assert model.steps_per_execution == 2  # gcd(32, 10)
    assert len(history.metrics["loss"]) == 3
    assert served <= 30 + 10  # Keras may prefetch a little, never a whole extra execution


def test_eager_debugging_runs_one_batch_at_a_time():
    x, y = data()
    kr.set_random_seed(7)
    model = kr.keras_model_sequential(input_shape=3) >> kr.layer_dense(1)
    model >> kr.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    model >> kr.fit(x[:64], y[:64], batch_size=BATCH, epochs=1, verbose=0)
    assert model.steps_per_execution == 1


@pytest.mark.tensorflow_only
def test_functions_run_eagerly_everywhere_runs_one_batch_at_a_time():
    import tensorflow as tf

    x, y = data()
    model = seeded_model()
    tf.config.run_functions_eagerly(True)
    try:
        model >> kr.fit(x[:64], y[:64], batch_size=BATCH, epochs=1, verbose=0)
        assert model.steps_per_execution == 1
    finally:
        tf.config.run_functions_eagerly(False)
    model >> kr.fit(x[:64], y[:64], batch_size=BATCH, epochs=1, verbose=0)
    assert model.steps_per_execution > 1  # back to several batches per execution


def test_fixed_number_is_kept_and_bad_values_are_refused():
    x, y = data()
    model = seeded_model(1)
    model >> kr.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    assert model.steps_per_execution == 1
    for bad in (0, -3, 2.5, "fast", True):
        with pytest.raises(InvalidValueError, match=r"compile\(\): `steps_per_execution`"):
            seeded_model(bad)


def test_single_batch_verbs_match_after_an_auto_fit():
    x, y = data()
    out = {}
    for setting in ("auto", 1):
        model = seeded_model(setting)
        model >> kr.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        trained = kr.train_on_batch(model, x[:BATCH], y[:BATCH])
        out[setting] = (trained["loss"], kr.test_on_batch(model, x[:BATCH], y[:BATCH])["loss"],
                        kr.predict_on_batch(model, x[:5]))
    for auto, one in zip(out["auto"], out[1]):
        np.testing.assert_allclose(auto, one, rtol=1e-5, atol=1e-6)
    assert out["auto"][2].shape == (5, 1)


def test_which_callbacks_need_every_batch(tmp_path):
    def on_batch(batch, logs):
        return None

    assert not needs_every_batch([], ["train", "test"])
    assert not needs_every_batch([kr.callback_early_stopping(patience=2),
                                  kr.callback_reduce_lr_on_plateau(patience=1),
                                  kr.callback_csv_logger(str(tmp_path / "log.csv"))], ["train"])
    with pytest.warns(kr.KerasrDeprecationWarning, match="period"):
        workshop_checkpoint = kr.callback_model_checkpoint(
            str(tmp_path / "m.{epoch:02d}.hdf5"), period=1)
    assert not needs_every_batch([workshop_checkpoint], ["train"])
    assert needs_every_batch(
        [kr.callback_model_checkpoint(str(tmp_path / "m.keras"), save_freq=5)], ["train"])
    assert needs_every_batch([kr.callback_terminate_on_nan()], ["train"])
    assert needs_every_batch([kr.callback_lambda(on_batch_end=on_batch)], ["train"])
    assert not needs_every_batch([kr.callback_lambda(on_batch_end=on_batch)], ["predict"])
    assert needs_every_batch([kr.callback_lambda(on_epoch_end=on_batch),
                              kr.callback_lambda(on_batch_begin=on_batch)], ["train"])
    assert not needs_every_batch([kr.callback_lambda(on_epoch_end=on_batch)], ["train"])


@pytest.mark.tensorflow_only
def test_tensorboard_per_epoch_keeps_auto_per_batch_does_not(tmp_path):
    assert not needs_every_batch([kr.callback_tensorboard(str(tmp_path / "a"))], ["train"])
    assert needs_every_batch(
        [kr.callback_tensorboard(str(tmp_path / "b"), update_freq="batch")], ["train"])


@pytest.mark.parametrize("save, load, name", [
    (kr.save_model, kr.load_model, "m.keras"),
    (kr.save_model_hdf5, kr.load_model_hdf5, "m.hdf5"),
])
def test_a_reloaded_model_keeps_auto(tmp_path, save, load, name):
    x, y = data()
    model = seeded_model()
    model >> kr.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    save(model, tmp_path / name)
    again = load(tmp_path / name)
    again >> kr.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    assert again.steps_per_execution == AUTO_STEPS_PER_EXECUTION
    fixed = seeded_model(4)
    fixed >> kr.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    save(fixed, tmp_path / ("fixed-" + name))
    if name.endswith(".keras"):  # the .keras format stores compile(); legacy HDF5 does not
        assert load(tmp_path / ("fixed-" + name)).steps_per_execution == 4
