"""Layers: R's smoke tests (test-layers.R), merge layers, wrappers, functional API, RNN."""

from __future__ import annotations

import numpy as np
import pytest

from kerasr import (
    bidirectional,
    compile,
    fit,
    keras_model,
    keras_model_sequential,
    layer_add,
    layer_average_pooling_1d,
    layer_batch_normalization,
    layer_concatenate,
    layer_conv_1d,
    layer_conv_2d,
    layer_dense,
    layer_dot,
    layer_dropout,
    layer_embedding,
    layer_flatten,
    layer_gru,
    layer_input,
    layer_lstm,
    layer_lstm_cell,
    layer_max_pooling_1d,
    layer_max_pooling_2d,
    layer_reshape,
    layer_rnn,
    layer_simple_rnn,
    predict,
    time_distributed,
)

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core


def base():
    return keras_model_sequential() >> layer_dense(32, input_shape=784)


@pytest.mark.parametrize(
    "build, out_shape",
    [
        (lambda m: m >> layer_reshape((2, 16)) >> layer_dropout(rate=0.5, noise_shape=(1,)),
         (None, 2, 16)),
        (lambda m: m >> layer_reshape((2, 16)) >> layer_conv_1d(filters=3, kernel_size=2),
         (None, 1, 3)),
        (lambda m: m >> layer_reshape((2, 4, 4)) >> layer_conv_2d(filters=3, kernel_size=(2, 2)),
         (None, 1, 3, 3)),
        (lambda m: m >> layer_reshape((2, 16)) >> layer_max_pooling_1d(), (None, 1, 16)),
        (lambda m: m >> layer_reshape((4, 8)) >> layer_average_pooling_1d(), (None, 2, 8)),
        (lambda m: m >> layer_reshape((2, 4, 4)) >> layer_max_pooling_2d(), (None, 1, 2, 4)),
        (lambda m: m >> layer_reshape((2, 16)) >> layer_simple_rnn(units=2), (None, 2)),
        (lambda m: m >> layer_reshape((2, 16)) >> layer_gru(units=2), (None, 2)),
        (lambda m: m >> layer_reshape((2, 16)) >> layer_lstm(units=2), (None, 2)),
        (lambda m: m >> layer_batch_normalization(), (None, 32)),
    ],
)
def test_r_layer_smoke_tests(build, out_shape):
    model = build(base())
    assert tuple(model.output_shape) == out_shape


def test_conv_kernel_size_and_strides_accept_r_doubles():
    model = keras_model_sequential(input_shape=(28, 28, 1)) >> layer_conv_2d(
        filters=32.0, kernel_size=(3.0, 3.0), activation="relu"
    ) >> layer_max_pooling_2d(pool_size=(2, 2)) >> layer_flatten() >> layer_dense(10)
    assert model.layers[0].kernel_size == (3, 3) and model.layers[0].filters == 32
    assert model.count_params() == 320 + 13 * 13 * 32 * 10 + 10  # Maj's CNN: 320 + 54,090


def test_merge_layers_take_a_list_of_tensors():
    a = layer_input(shape=4, name="a")
    b = layer_input(shape=4, name="b")
    assert tuple(layer_concatenate([a, b]).shape) == (None, 8)
    assert tuple(layer_add([a, b]).shape) == (None, 4)
    assert tuple(layer_dot([a, b], axes=1).shape) == (None, 1)
    concat = layer_concatenate(axis=-1)  # no target: the layer itself
    assert tuple(concat([a, b]).shape) == (None, 8)


def test_kyphosis_style_functional_model_with_named_inputs():
    """Kuo & Luraschi: three named inputs, an embedding of Start, concatenate, dense."""
    age = layer_input(shape=1, name="age")
    number = layer_input(shape=1, name="number")
    start = layer_input(shape=1, name="start")
    start_embedding = layer_embedding(start, 19, 4) >> layer_flatten()
    output = (layer_concatenate([age, number, start_embedding])
              >> layer_dense(8, activation="relu")
              >> layer_dense(2, activation="softmax", name="kyphosis"))
    model = keras_model(inputs=[age, number, start], outputs=output)
    model >> compile(optimizer="adam", loss="binary_crossentropy", metrics="accuracy")
    rng = np.random.default_rng(0)
    x = {"age": rng.normal(size=(20, 1)), "number": rng.normal(size=(20, 1)),
         "start": rng.integers(1, 18, size=(20, 1))}
    y = np.eye(2)[rng.integers(0, 2, 20)]
    from kerasr import NamedList

    history = model >> fit(NamedList(x), y, epochs=2, verbose=0)
    assert len(history.metrics["loss"]) == 2
    probs = model >> predict(x, verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_bidirectional_and_time_distributed_wrappers():
    model = keras_model_sequential(input_shape=(5, 3)) >> bidirectional(layer_lstm(units=4))
    assert tuple(model.output_shape) == (None, 8)
    td = keras_model_sequential(input_shape=(5, 3)) >> time_distributed(layer_dense(units=2))
    assert tuple(td.output_shape) == (None, 5, 2)


def test_rnn_with_cell_returns_sequences_and_state():
    rnn = layer_rnn(cell=layer_lstm_cell(4), return_sequences=True, return_state=True)
    x = np.random.default_rng(0).normal(size=(32, 10, 8)).astype("float32")
    seq, h, c = rnn(x)
    assert tuple(seq.shape) == (32, 10, 4)
    assert tuple(h.shape) == (32, 4) and tuple(c.shape) == (32, 4)
    assert tuple(layer_rnn(cell=layer_lstm_cell(4))(x).shape) == (32, 4)


def test_layer_weights_argument_sets_initial_weights():
    w = [np.full((2, 3), 0.5, "float32"), np.zeros(3, "float32")]
    model = keras_model_sequential(input_shape=2) >> layer_dense(3, weights=w)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], w[0])
