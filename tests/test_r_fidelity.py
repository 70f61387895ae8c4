"""Issue 13: R code that works in R keras works the same in kerasr.

Ported from R keras's tests (rstudio/keras, tests/testthat: test-model.R, test-metrics.R,
test-layers.R) and from workshop code; the R line each case comes from is quoted above it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from kerasr import (
    ArgumentError,
    InvalidValueError,
    KerasrDeprecationWarning,
    PartialMatchWarning,
    TargetError,
    callback_early_stopping,
    callback_lambda,
    callback_reduce_lr_on_plateau,
    compile,
    count_params,
    custom_metric,
    evaluate,
    fit,
    fit_generator,
    from_config,
    get_config,
    get_weights,
    keras_model,
    keras_model_sequential,
    layer_activation_selu,
    layer_activation_thresholded_relu,
    layer_add,
    layer_average,
    layer_concatenate,
    layer_dense,
    layer_dot,
    layer_dropout,
    layer_input,
    layer_locally_connected_1d,
    layer_locally_connected_2d,
    layer_lstm,
    layer_maximum,
    layer_minimum,
    layer_multiply,
    layer_permute,
    layer_reshape,
    layer_subtract,
    named_list,
    optimizer_adam,
    optimizer_sgd,
    predict,
    reset_states,
    set_random_seed,
    set_weights,
    with_custom_object_scope,
)
from kerasr.errors import user_stacklevel

pytestmark = pytest.mark.backend_core


def data(n: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("float32")


def classifier(metrics=("accuracy",)):
    model = keras_model_sequential() >> layer_dense(units=1, activation="sigmoid", input_shape=4)
    return model >> compile(optimizer="sgd", loss="binary_crossentropy", metrics=list(metrics))


# -- silent wrong numbers: R's metric order ---------------------------------------------
# R: c(loss, acc) %<-% (model %>% evaluate(x, y))   # loss first, then compile's metrics
def test_evaluate_returns_loss_first_then_metrics_in_compile_order():
    set_random_seed(1)
    x, y = data()
    model = classifier(metrics=("mae", "accuracy"))
    result = model >> evaluate(x, y, verbose=0)
    assert result.names() == ["loss", "mae", "accuracy"]
    loss, mae, acc = result
    assert loss == pytest.approx(result.loss) and acc == pytest.approx(result.accuracy)
    assert 0 <= acc <= 1 and loss > 0.05  # accuracy is not bound to `loss`


# R: history <- model %>% fit(...); names(history$metrics)
def test_history_print_frame_and_plot_follow_r_order():
    set_random_seed(1)
    x, y = data()
    model = classifier(metrics=("accuracy", "mae"))
    history = model >> fit(x, y, epochs=2, verbose=0, validation_split=0.25)
    assert history.metrics.names() == ["loss", "accuracy", "mae", "val_loss", "val_accuracy",
                                       "val_mae"]
    printed = [line.split(":")[0].strip() for line in repr(history).splitlines()[2:]]
    assert printed == history.metrics.names()
    frame = history.as_data_frame()
    assert list(dict.fromkeys(frame["metric"].astype(str))) == ["loss", "accuracy", "mae"]
    figure = history.plot()
    labels = [ax.get_ylabel() for ax in figure.axes if ax.get_ylabel()]
    assert labels == ["loss", "accuracy", "mae"]


# -- R's numbers are doubles ------------------------------------------------------------
# R: optimizer_sgd(lr = 0.01, momentum = 0)
def test_integers_are_accepted_where_keras_wants_floats():
    with pytest.warns(KerasrDeprecationWarning):
        opt = optimizer_sgd(lr=0.01, momentum=0)
    assert opt.momentum == 0.0 and isinstance(opt.momentum, float)
    assert layer_dropout(rate=0).rate == 0.0
    assert optimizer_adam(beta_1=1 - 0.1, epsilon=1).epsilon == 1.0


# -- history$metrics$lr -----------------------------------------------------------------
# R: plot(history$metrics$lr)
def test_learning_rate_answers_to_lr_and_learning_rate():
    x, y = data()
    model = classifier()
    history = model >> fit(x, y, epochs=2, verbose=0,
                           callbacks=callback_reduce_lr_on_plateau(monitor="loss", patience=1))
    assert history.metrics.lr == history.metrics.learning_rate
    assert history.metrics["lr"] == pytest.approx([0.01, 0.01], rel=1e-5)
    assert "lr" not in history.metrics.names()  # shown once, as learning_rate


# -- verbs that R lets take a layer -----------------------------------------------------
# R: count_params(layer); get_weights(layer); get_config(layer)
def test_layer_verbs_take_a_layer():
    dense = layer_dense(units=3)
    dense.build((None, 2))
    assert count_params(dense) == 9
    weights = get_weights(dense)
    set_weights(dense, [np.ones_like(w) for w in weights])
    assert all((w == 1).all() for w in get_weights(dense))
    config = get_config(dense)
    assert config.units == 3
    clone = from_config(config)
    assert type(clone) is type(dense) and clone.units == 3


def test_a_verb_that_needs_a_model_says_so():
    with pytest.raises(TargetError, match="needs a Keras model, got a Dense layer"):
        fit(layer_dense(units=1), np.zeros((2, 1)), np.zeros(2))


# -- progress bar under steps_per_execution = "auto" --------------------------------------
def test_progress_bar_counts_real_batches(capfd):
    x, y = data(n=350)  # 11 batches of 32
    model = classifier()
    model >> fit(x, y, epochs=1, verbose=1)
    out = capfd.readouterr().out
    assert "11/11" in out and "32/11" not in out


# -- warnings point at the user's line ----------------------------------------------------
# R: model %>% compile(optimizer = optimizer_sgd(lr = 0.01))  (the warning names your call)
def test_warnings_point_at_the_callers_line():
    x, y = data()
    model = classifier()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model >> compile(optimizer=optimizer_sgd(lr=0.01), loss="mse")
        model >> fit_generator(iter([(x, y)] * 3), steps_per_epoch=1, epochs=1, verbose=0)
    ours = [w for w in caught if issubclass(w.category, KerasrDeprecationWarning)]
    assert len(ours) == 2
    assert {w.filename for w in ours} == {__file__}
    assert user_stacklevel() == 1  # called from here: this line is outside kerasr


# -- silence and printing as R keras 2 ------------------------------------------------------
# R: predict(model, x)   (silent)   and   print(model)   (the summary)
def test_predict_is_silent_and_print_shows_the_summary(capfd):
    x, _ = data()
    model = classifier()
    model >> predict(x)
    assert capfd.readouterr().out == ""
    text = repr(model)
    assert "Total params: 5" in text and "dense" in text


# -- merge layers take tensors as separate arguments ----------------------------------------
# R: layer_add(a, b); do.call(layer_concatenate, list(a, b)); layer_dot(a, b, axes = 1)
@pytest.mark.parametrize("merge", [layer_add, layer_subtract, layer_multiply, layer_average,
                                   layer_maximum, layer_minimum, layer_concatenate])
def test_merge_layers_accept_separate_tensors(merge):
    a, b = layer_input(shape=3), layer_input(shape=3)
    separate = merge(a, b)
    as_list = merge([a, b])
    assert tuple(separate.shape) == tuple(as_list.shape)


def test_layer_dot_with_axes_after_the_tensors():
    a, b = layer_input(shape=3), layer_input(shape=3)
    assert tuple(layer_dot(a, b, axes=1).shape) == (None, 1)


# -- reset_states() on a layer ------------------------------------------------------------------
# R: reset_states(lstm_layer)
def test_reset_states_takes_a_stateful_layer():
    lstm = layer_lstm(units=2, stateful=True)
    keras_model_sequential() >> layer_dense(units=1, batch_input_shape=(1, 3, 1)) >> lstm
    lstm(np.ones((1, 3, 1), "float32"))
    assert np.abs(np.asarray(lstm.states[0])).sum() > 0
    assert reset_states(lstm) is lstm
    assert np.abs(np.asarray(lstm.states[0])).sum() == 0


# -- named lists in compile() and model() -----------------------------------------------------
# R: compile(loss = list(out_a = "mse", out_b = "mae"), loss_weights = list(out_a = 1, out_b = 0.5))
def test_named_list_loss_and_loss_weights():
    inputs = layer_input(shape=4)
    out_a = layer_dense(units=1, name="out_a")(inputs)
    out_b = layer_dense(units=1, name="out_b")(inputs)
    model = keras_model(inputs, [out_a, out_b])
    model >> compile(optimizer="sgd", loss=named_list(out_a="mse", out_b="mae"),
                     loss_weights=named_list(out_a=1, out_b=0.5))
    x, y = data()
    history = model >> fit(x, named_list(out_a=y, out_b=y), epochs=1, verbose=0)
    assert np.isfinite(history.metrics.loss[0])


# R: model(list(a = x1, b = x2))
def test_model_called_with_a_named_list_of_inputs():
    a, b = layer_input(shape=2, name="a"), layer_input(shape=3, name="b")
    model = keras_model([a, b], layer_concatenate(a, b))
    out = model(named_list(b=np.ones((1, 3), "float32"), a=np.zeros((1, 2), "float32")))
    assert np.asarray(out).tolist() == [[0, 0, 1, 1, 1]]


# -- R's partial argument matching ------------------------------------------------------------
# R: fit(x, y, epoch = 1); fit(..., callback = list(...)); compile(..., metric = "accuracy")
def test_partial_argument_names_match_as_in_r():
    x, y = data()
    model = keras_model_sequential() >> layer_dense(units=1, activation="sigmoid", input_shape=4)
    with pytest.warns(PartialMatchWarning, match="`metric` partially matches `metrics`"):
        model >> compile(optimizer="sgd", loss="binary_crossentropy", metric="accuracy")
    seen = []
    with pytest.warns(PartialMatchWarning):
        history = model >> fit(
            x, y, epoch=2, verbose=0,
            callback=callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(epoch)))
    assert len(history.metrics.loss) == 2 and seen == [0, 1]
    assert callback_early_stopping(pat=4).patience == 4


def test_ambiguous_and_unknown_prefixes_are_errors():
    x, y = data()
    model = classifier()
    with pytest.raises(ArgumentError, match="`valid` matches several arguments"):
        model >> fit(x, y, valid=0.2)
    with pytest.raises(ArgumentError, match="did you mean `patience`"):
        callback_early_stopping(patiance=3)
    with pytest.raises(ArgumentError, match="did you mean `learning_rate`"):
        optimizer_adam(learnig_rate=0.01)


# -- length-1 shapes everywhere ---------------------------------------------------------------
# R: layer_reshape(target_shape = c(784)); layer_permute(dims = c(1)); noise_shape = c(1)
def test_scalar_shapes_are_length_one_vectors():
    x = layer_input(shape=(4, 1))
    assert tuple(layer_reshape(target_shape=4)(x).shape) == (None, 4)
    assert tuple(layer_permute(dims=1)(layer_input(shape=3)).shape) == (None, 3)
    assert layer_dropout(rate=0.5, noise_shape=1).noise_shape == (1,)


# -- generators the R way ---------------------------------------------------------------------
# R: generator <- function() list(x_batch, y_batch); fit(model, generator, steps_per_epoch = 3)
def test_r_generator_functions_and_list_batches():
    x, y = data()
    model = classifier()
    calls = []

    def r_generator():
        calls.append(1)
        return [x[:16], y[:16]]  # R's list(x, y)

    history = model >> fit(r_generator, steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.metrics.loss) == 2 and len(calls) >= 6
    scores = model >> evaluate(r_generator, steps=2, verbose=0)
    assert scores.names() == ["loss", "accuracy"]
    preds = model >> predict(lambda: x[:8], steps=2)
    assert preds.shape == (16, 1)
    with pytest.raises(InvalidValueError, match="`steps_per_epoch` is required"):
        model >> fit(r_generator, epochs=1)


def test_generator_batches_with_weights_and_scalars():
    x, y = data()
    model = classifier()
    batches = iter([[x[i:i + 1], float(y[i]), 2.0] for i in range(6)])  # R's scalar y, weight
    history = model >> fit(batches, steps_per_epoch=2, epochs=3, verbose=0)
    assert np.isfinite(history.metrics.loss).all()


# -- custom metrics as a named list of functions (R keras 2, deprecated) -----------------------
# R: compile(metrics = list(mean_pred = function(y_true, y_pred) k_mean(y_pred)))
def test_named_list_of_metric_functions_is_named_and_warns():
    from kerasr import _keras

    ops = _keras.keras().ops
    x, y = data()
    model = keras_model_sequential() >> layer_dense(units=1, activation="sigmoid", input_shape=4)
    with pytest.warns(KerasrDeprecationWarning, match="custom_metric"):
        model >> compile(optimizer="sgd", loss="binary_crossentropy",
                         metrics=named_list(mean_pred=lambda t, p: ops.mean(p)))
    history = model >> fit(x, y, epochs=1, verbose=0)
    assert history.metrics.names() == ["loss", "mean_pred"]


# R (test-metrics.R): metric_mean_pred <- custom_metric("mean_pred", function(y_true, y_pred) {
#   k_mean(y_pred) })
def test_custom_metric_names_the_history():
    from kerasr import _keras

    ops = _keras.keras().ops
    x, y = data()
    model = keras_model_sequential() >> layer_dense(units=1, activation="sigmoid", input_shape=4)
    model >> compile(optimizer="sgd", loss="binary_crossentropy",
                     metrics=[custom_metric("mean_pred", lambda t, p: ops.mean(p)), "accuracy"])
    assert (model >> evaluate(x, y, verbose=0)).names() == ["loss", "mean_pred", "accuracy"]


# -- R keras 2 names ---------------------------------------------------------------------------
# R: layer_activation_selu(); layer_activation_thresholded_relu(theta = 1)
def test_r_keras_2_activation_layers():
    model = (keras_model_sequential() >> layer_activation_selu(input_shape=3)
             >> layer_activation_thresholded_relu(theta=0.5))
    out = np.asarray(model(np.array([[-1.0, 0.2, 2.0]], "float32")))
    selu = 1.0507009873554805 * np.array([1.6732632423543772 * (np.exp(-1.0) - 1), 0.2, 2.0])
    expected = np.where(selu > 0.5, selu, 0.0)
    np.testing.assert_allclose(out[0], expected, rtol=1e-5)


@pytest.mark.parametrize("removed", [layer_locally_connected_1d, layer_locally_connected_2d])
def test_locally_connected_layers_name_the_replacement(removed):
    with pytest.raises(ArgumentError, match="removed from Keras 3.*layer_conv_"):
        removed(filters=2, kernel_size=3)


# R: with_custom_object_scope(list(mean_pred = metric_mean_pred), { load_model_hdf5(...) })
def test_with_custom_object_scope_accepts_a_named_list(tmp_path):
    from kerasr import _keras, load_model_hdf5, save_model_hdf5

    ops = _keras.keras().ops

    def mean_pred(y_true, y_pred):
        return ops.mean(y_pred)

    model = keras_model_sequential() >> layer_dense(units=1, input_shape=4)
    model >> compile(optimizer="sgd", loss="mse", metrics=[mean_pred])
    save_model_hdf5(model, tmp_path / "m.h5")
    with with_custom_object_scope(named_list(mean_pred=mean_pred)):
        loaded = load_model_hdf5(tmp_path / "m.h5")
    assert loaded.count_params() == 5
    with pytest.raises(InvalidValueError, match="named list or dict"):
        with with_custom_object_scope([mean_pred]):
            pass
