"""Training verbs: R defaults, named evaluate, errors before training, deprecated verbs."""

from __future__ import annotations

import numpy as np
import pytest

from kerasr import (
    InvalidValueError,
    KerasrDeprecationWarning,
    NamedList,
    compile,
    evaluate,
    evaluate_generator,
    fit,
    fit_generator,
    keras_model_sequential,
    layer_dense,
    optimizer_sgd,
    predict,
    predict_classes,
    predict_generator,
    predict_on_batch,
    predict_proba,
    set_random_seed,
    test_on_batch,
    train_on_batch,
)

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core


def small_regression(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=n)).astype("float32")
    return x, y


def compiled_model(metrics=None):
    model = keras_model_sequential(input_shape=3) >> layer_dense(units=1)
    return model >> compile(optimizer="adam", loss="mse", metrics=metrics)


def test_compile_returns_model_and_fit_uses_r_defaults():
    x, y = small_regression()
    model = compiled_model()
    history = model >> fit(x, y, verbose=0)
    assert history.params["epochs"] == 10  # R keras 2 default
    assert history.params["steps"] == 7  # 200 rows / batch 32
    assert len(history.metrics["loss"]) == 10


def test_evaluate_returns_named_list_that_unpacks():
    x, y = small_regression()
    model = compiled_model(metrics=["mae"])
    model >> fit(x, y, epochs=2, verbose=0)
    result = model >> evaluate(x, y, verbose=0)
    assert isinstance(result, NamedList) and result.names() == ["loss", "mae"]
    loss, mae = result
    assert loss == pytest.approx(result.loss) and mae == pytest.approx(result["mae"])
    assert loss > 0 and mae > 0


def test_predict_and_batch_verbs():
    x, y = small_regression()
    model = compiled_model(metrics="mae")
    preds = model >> predict(x, verbose=0)
    assert preds.shape == (200, 1)
    np.testing.assert_allclose(predict_on_batch(model, x[:5]), preds[:5], rtol=1e-5, atol=1e-6)
    before = test_on_batch(model, x, y)
    assert isinstance(before, NamedList) and before.names() == ["loss", "mae"]
    plain = compiled_model()
    loss = train_on_batch(plain, x, y)
    assert isinstance(loss, float) and loss > 0


def test_fit_before_compile_is_a_clear_error():
    model = keras_model_sequential(input_shape=3) >> layer_dense(units=1)
    with pytest.raises(InvalidValueError, match="not compiled; call `model >> compile"):
        model >> fit(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(InvalidValueError, match="not compiled"):
        model >> evaluate(np.zeros((4, 3)), np.zeros(4))


def test_input_errors_are_reported_before_training():
    x, y = small_regression()
    model = compiled_model()
    with pytest.raises(InvalidValueError, match="expected 3 columns, got 2"):
        model >> fit(x[:, :2], y)
    with pytest.raises(InvalidValueError, match="expected 3 columns, got 2"):
        model >> predict(x[:, :2])
    with pytest.raises(InvalidValueError, match="`x` has 200 rows but `y` has 150"):
        model >> fit(x, y[:150])
    bad_y = y.copy()
    bad_y[[3, 9]] = [np.nan, np.inf]
    with pytest.raises(InvalidValueError, match="`y` contains 1 NaN and 1 infinite values .*row 4"):
        model >> fit(x, bad_y)
    weights = model.get_weights()
    np.testing.assert_array_equal(model.get_weights()[0], weights[0])  # nothing trained


def test_unknown_loss_and_metric_strings_suggest_names():
    model = keras_model_sequential(input_shape=3) >> layer_dense(units=1)
    with pytest.raises(InvalidValueError, match="unknown loss 'msee'; did you mean `mse`"):
        model >> compile(optimizer="sgd", loss="msee")
    with pytest.raises(InvalidValueError, match="unknown metric 'accuarcy'; did you mean"):
        model >> compile(optimizer="sgd", loss="mse", metrics="accuarcy")


def test_verbose_true_false_and_callbacks_single_or_list():
    x, y = small_regression()
    model = compiled_model()
    seen = []
    from kerasr import callback_lambda

    cb = callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    model >> fit(x, y, epochs=2, verbose=False, callbacks=cb)
    model >> fit(x, y, epochs=2, verbose=False, callbacks=[cb])
    assert seen == [0, 1, 0, 1]


def test_validation_data_as_list_or_tuple():
    x, y = small_regression()
    model = compiled_model()
    h1 = model >> fit(x, y, epochs=1, verbose=0, validation_data=[x[:50], y[:50]])
    h2 = model >> fit(x, y, epochs=1, verbose=0, validation_data=(x[:50], y[:50]))
    assert "val_loss" in h1.metrics.names() and "val_loss" in h2.metrics.names()


def test_deprecated_verbs_warn_and_work():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = np.eye(3)[rng.integers(0, 3, 64)].astype("float32")
    model = keras_model_sequential(input_shape=3) >> layer_dense(3, activation="softmax")
    model >> compile(optimizer="sgd", loss="categorical_crossentropy", metrics="accuracy")
    with pytest.warns(KerasrDeprecationWarning, match="predict_classes\\(\\)` is deprecated"):
        classes = predict_classes(model, x)
    assert classes.shape == (64,) and set(classes) <= {0, 1, 2}
    with pytest.warns(KerasrDeprecationWarning, match="use `predict\\(\\)`"):
        probs = predict_proba(model, x)
    np.testing.assert_array_equal(classes, probs.argmax(axis=1))

    def batches():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    with pytest.warns(KerasrDeprecationWarning, match="fit\\(\\), which now accepts generators"):
        history = fit_generator(model, batches(), steps_per_epoch=4, epochs=2, verbose=0)
    assert len(history.metrics["loss"]) == 2
    with pytest.warns(KerasrDeprecationWarning, match="evaluate_generator"):
        scores = evaluate_generator(model, batches(), steps=2)
    assert set(scores.names()) <= {"loss", "accuracy", "acc"}
    with pytest.warns(KerasrDeprecationWarning, match="predict_generator"):
        out = predict_generator(model, (xb for xb, _ in batches()), steps=2)
    assert out.shape == (32, 3)


def test_sigmoid_predict_classes_threshold():
    x = np.array([[-10.0], [10.0]], dtype="float32")
    model = keras_model_sequential(input_shape=1) >> layer_dense(1, activation="sigmoid",
                                                                kernel_initializer="ones")
    with pytest.warns(KerasrDeprecationWarning):
        assert predict_classes(model, x).tolist() == [0, 1]


def test_interrupted_fit_keeps_weights_and_returns_partial_history():
    x, y = small_regression()
    model = compiled_model()
    from kerasr import callback_lambda

    def stop(epoch, logs):
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.warns(RuntimeWarning, match="interrupted after 3 of 10 epochs"):
        history = model >> fit(x, y, verbose=0, callbacks=callback_lambda(on_epoch_end=stop))
    assert len(history.metrics["loss"]) == 3
    again = model >> fit(x, y, epochs=1, verbose=0)
    assert again.metrics["loss"][0] < history.metrics["loss"][0]  # continued training


def test_continued_fit_returns_new_history_and_initial_epoch():
    x, y = small_regression()
    model = compiled_model()
    first = model >> fit(x, y, epochs=3, verbose=0)
    second = model >> fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert len(first.metrics["loss"]) == 3 and len(second.metrics["loss"]) == 2
    assert second.metrics["loss"][-1] < first.metrics["loss"][0]


# --- workshop acceptance (reference/workshops.md section 4.1) -----------------------------
def test_ols_through_one_dense_unit_recovers_coefficients():
    """Anderson / Boehmke: y = 30 + 5x + noise; batch 16, 20 epochs, validation 0.2."""
    rng = np.random.default_rng(123)
    x = rng.uniform(-1, 1, 1000)
    y = 30 + 5 * x + rng.normal(size=1000)
    set_random_seed(1)
    model = keras_model_sequential(input_shape=1) >> layer_dense(units=1, activation="linear")
    model >> compile(optimizer="sgd", loss="mse")
    history = model >> fit(x, y, batch_size=16, epochs=20, validation_split=0.2, verbose=0)
    kernel, bias = model.get_weights()
    assert 29.9 <= bias[0] <= 30.1
    assert 4.85 <= kernel[0, 0] <= 5.10
    assert 0.9 <= history.metrics["loss"][-1] <= 1.15
    ols = np.polyfit(x, y, 1)
    assert abs(kernel[0, 0] - ols[0]) < 0.15 and abs(bias[0] - ols[1]) < 0.1


def test_sine_wave_with_sgd_momentum_and_reduce_lr_on_plateau():
    """Anderson: 3 x 256 relu, optimizer_sgd(lr = 0.01, momentum = 0.9), batch 16, 50 epochs,
    validation_split 0.2, callback_reduce_lr_on_plateau(factor = 0.1, patience = 5);
    shuffled data reaches MSE ~0.04-0.07 (noise floor 0.04) and the LR is reduced."""
    from kerasr import callback_reduce_lr_on_plateau

    rng = np.random.default_rng(123)
    n = 1000
    x = np.linspace(-1, 2 * np.pi, n)
    y = np.sin(x) + rng.normal(scale=0.2, size=n)
    order = rng.permutation(n)
    x, y = x[order], y[order]
    set_random_seed(1)
    model = keras_model_sequential(input_shape=1)
    for _ in range(3):
        model >> layer_dense(units=256, activation="relu")
    model >> layer_dense(units=1)
    with pytest.warns(KerasrDeprecationWarning, match="`lr` is deprecated"):
        opt = optimizer_sgd(lr=0.01, momentum=0.9)
    model >> compile(optimizer=opt, loss="mse")
    history = model >> fit(
        x, y, batch_size=16, epochs=50, validation_split=0.2, verbose=0,
        callbacks=callback_reduce_lr_on_plateau(factor=0.1, patience=5),
    )
    assert history.metrics["loss"][-1] < 0.07
    assert history.metrics["val_loss"][-1] < 0.08
    lrs = history.metrics["learning_rate"]
    assert lrs[0] == pytest.approx(0.01) and min(lrs) <= 0.001 + 1e-9


def test_a_vector_is_a_one_column_matrix_as_in_r():
    """Anderson's relu.R model 5: no input_shape; x is a plain vector, as R passes it."""
    rng = np.random.default_rng(42820)
    x = rng.normal(size=200)
    y = -200 - 5 * x + rng.normal(scale=10, size=200)
    model = keras_model_sequential() >> layer_dense(units=1, activation="linear")
    model >> compile(optimizer="sgd", loss="mse")
    history = model >> fit(x, y, epochs=2, verbose=0, validation_split=0.2)
    assert model.input_shape[-1] == 1 and len(history.metrics["val_loss"]) == 2
    assert (model >> predict(np.linspace(0, 1, 5), verbose=0)).shape == (5, 1)
    assert (model >> predict([0.0, 1.0], verbose=0)).shape == (2, 1)


def test_input_checks_make_no_copy_of_the_data():
    """kerasr's checks before fit() (rows, NaN/Inf, width, vector-to-column) allocate almost
    nothing: no hidden float64 or other copies of x (issue 7, memory)."""
    import tracemalloc

    from kerasr.data_checks import as_model_input, check_finite, check_input_width, check_rows

    model = keras_model_sequential(input_shape=784) >> layer_dense(units=10)
    x = np.random.default_rng(0).random((20000, 784), dtype="float32")  # 62.7 MB
    y = np.zeros(20000, dtype="uint8")
    tracemalloc.start()
    x2 = as_model_input(model, x)
    check_rows("fit", x2, y)
    check_finite("fit", "x", x2)
    check_input_width("fit", model, x2)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert x2 is x
    assert peak < 0.01 * x.nbytes
