"""Models: construction, inspection, weights and R's freeze semantics (ported R tests)."""

from __future__ import annotations

import numpy as np
import pytest

from kerasr import (
    ArgumentError,
    InvalidValueError,
    TargetError,
    clone_model,
    count_params,
    freeze_weights,
    get_layer,
    get_weights,
    initializer_ones,
    keras_model,
    keras_model_sequential,
    layer_activation,
    layer_dense,
    layer_dropout,
    layer_embedding,
    layer_input,
    layer_lstm,
    pop_layer,
    reset_states,
    set_weights,
    summary,
    unfreeze_weights,
)
from kerasr.models import layer_name_matches

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core


def define_model():
    return (
        keras_model_sequential()
        >> layer_dense(32, input_shape=784, kernel_initializer=initializer_ones())
        >> layer_activation("relu", name="first_activation")
        >> layer_dense(10)
        >> layer_activation("softmax")
    )


def define_freeze_model():
    return (
        keras_model_sequential()
        >> layer_dense(32, input_shape=784, kernel_initializer=initializer_ones(), name="input")
        >> layer_activation("relu", name="relu_activation")
        >> layer_dense(10, name="dense")
        >> layer_activation("softmax", name="softmax_activation")
    )


def test_sequential_with_input_shape_builds_input_without_warning(recwarn):
    model = keras_model_sequential() >> layer_dense(units=16, activation="tanh", input_shape=13)
    model >> layer_dense(units=1)
    assert model.built and tuple(model.input_shape) == (None, 13)
    assert count_params(model) == 13 * 16 + 16 + 17
    assert not [w for w in recwarn if "input_shape" in str(w.message)]


def test_keras_model_sequential_arguments():
    model = keras_model_sequential(input_shape=(28, 28), name="mnist") >> layer_dense(2)
    assert model.name == "mnist" and tuple(model.output_shape) == (None, 28, 2)
    prefilled = keras_model_sequential(layers=[layer_dense(3, input_shape=2), layer_dense(1)])
    assert [layer.units for layer in prefilled.layers] == [3, 1]
    assert count_params(prefilled) == 2 * 3 + 3 + 4
    with pytest.raises(InvalidValueError, match="`name` must be a string"):
        keras_model_sequential(None, 3)


def test_shapes_accept_r_spellings():
    model = keras_model_sequential() >> layer_dense(units=2**4.0, input_shape=[13.0])
    assert model.layers[0].units == 16 and isinstance(model.layers[0].units, int)
    inp = layer_input(shape=float("nan"))
    assert tuple(inp.shape) == (None, None)  # R's layer_input(shape = c(NA))
    with pytest.raises(InvalidValueError, match="whole number"):
        layer_dense(units=2.5, input_shape=3)


def test_missing_required_argument_is_clear():
    with pytest.raises(ArgumentError, match="layer_dense\\(\\): missing required argument `units`"):
        keras_model_sequential(input_shape=1) >> layer_dense(activation="linear")


def test_unknown_activation_lists_close_names():
    with pytest.raises(InvalidValueError, match="unknown activation 'rleu'; did you mean `relu`"):
        layer_dense(units=3, activation="rleu")


def test_functional_model_and_name():
    inp = layer_input(shape=784)
    out = inp >> layer_dense(32, activation="relu") >> layer_dense(10)
    model = keras_model(inp, out, name="My_keras_model")
    assert model.name == "My_keras_model"
    assert tuple(model.output_shape) == (None, 10)
    with pytest.raises(TargetError, match="only Sequential models grow in place"):
        model >> layer_dense(3)


def test_get_layer_by_name_and_one_based_index():
    model = define_model()
    assert get_layer(model, name="first_activation").name == "first_activation"
    assert get_layer(model, index=1) is model.layers[0]
    assert get_layer(model, index=-1) is model.layers[-1]
    with pytest.raises(InvalidValueError, match="1-based, as in R \\(0 was passed\\)"):
        get_layer(model, index=0)
    with pytest.raises(InvalidValueError, match="did you mean `first_activation`"):
        get_layer(model, name="first_activaton")


def test_pop_layer_removes_the_last_layer():
    model = define_model()
    assert len(model.layers) == 4
    assert pop_layer(model) is model
    assert len(model.layers) == 3


def test_dropout_respects_training_flag():
    model = keras_model_sequential(input_shape=1) >> layer_dropout(rate=0.99999999)
    ones = np.ones((1, 1), dtype="float32")
    assert float(model(ones, training=True)[0, 0]) == 0.0
    assert float(model(ones, training=False)[0, 0]) == 1.0


def test_weights_round_trip_and_trainable_selection():
    model = define_model()
    weights = get_weights(model)
    assert [w.shape for w in weights] == [(784, 32), (32,), (32, 10), (10,)]
    np.testing.assert_array_equal(weights[0], np.ones((784, 32)))
    assert set_weights(model, [w * 0 for w in weights]) is model
    assert all(np.all(w == 0) for w in get_weights(model))
    freeze_weights(model, from_=3)
    assert len(get_weights(model, trainable=True)) == 2
    assert len(get_weights(model, trainable=False)) == 2
    with pytest.raises(InvalidValueError, match="set_weights\\(\\): `weights` has 1 arrays"):
        set_weights(model, weights[:1])
    with pytest.raises(InvalidValueError, match="`trainable` must be None"):
        get_weights(model, trainable="yes")


# --- ported from R keras tests/testthat/test-freeze.R ------------------------------------
def test_freeze_entire_model_and_unfreeze():
    model = define_freeze_model()
    freeze_weights(model)
    assert len(model.trainable_weights) == 0
    unfreeze_weights(model)
    assert len(model.trainable_weights) == 4


def test_freeze_by_index_and_name():
    model = define_freeze_model()
    freeze_weights(model, from_=2, to=3)
    assert len(model.trainable_weights) == 2
    model = define_freeze_model()
    freeze_weights(model, from_="dense")
    assert len(model.trainable_weights) == 2


def test_freeze_which_and_negative_indices():
    model = keras_model_sequential(input_shape=32)
    model >> layer_dense(32, name="input") >> layer_activation("relu", name="relu_activation")
    for i in range(1, 6):
        model >> layer_dense(10, name=f"dense{i}")
    model >> layer_activation("softmax", name="softmax_activation")
    freeze_weights(model, from_=-2)
    assert len(model.non_trainable_weights) == 2
    freeze_weights(model, from_=-3)
    assert len(model.non_trainable_weights) == 4
    freeze_weights(model, from_=-4, to=-3)
    assert len(model.non_trainable_weights) == 4
    freeze_weights(model, which=layer_name_matches("^dense"))
    assert len(model.trainable_weights) == 2
    unfreeze_weights(model, which=lambda layer: layer.name.startswith("dense"))
    assert len(model.non_trainable_weights) == 2
    unfreeze_weights(model, which=[6, 7])
    assert len(model.trainable_weights) == 4
    unfreeze_weights(model, which=["dense1", "dense2"])
    assert len(model.trainable_weights) == 4
    freeze_weights(model, which=[6, 7])
    assert len(model.non_trainable_weights) == 4
    freeze_weights(model, which=["dense1", "dense2"])
    assert len(model.non_trainable_weights) == 4
    freeze_weights(model, which=[3, "dense3"])
    assert len(model.non_trainable_weights) == 4
    with pytest.raises(ArgumentError, match="give either `which` or a range `from_`/`to`"):
        freeze_weights(model, from_=1, to=2, which=[3])


def test_count_params_clone_and_summary(capsys):
    model = define_model()
    assert count_params(model) == 784 * 32 + 32 + 32 * 10 + 10
    clone = clone_model(model)
    assert clone is not model and count_params(clone) == count_params(model)
    assert summary(model) is model
    printed = capsys.readouterr().out
    assert "first_activation" in printed and "25,450" in printed


def test_reset_states_on_stateful_lstm():
    model = keras_model_sequential() >> layer_lstm(
        units=4, input_shape=(10, 16), batch_size=32, stateful=True
    )
    assert tuple(model.input_shape) == (32, 10, 16)
    x = np.random.default_rng(0).normal(size=(32, 10, 16)).astype("float32")
    first = np.asarray(model(x))
    second = np.asarray(model(x))
    assert not np.allclose(first, second)  # state carried over
    assert reset_states(model) is model
    np.testing.assert_allclose(np.asarray(model(x)), first, rtol=1e-5, atol=1e-6)


def test_embedding_input_length_builds_the_input():
    model = keras_model_sequential() >> layer_embedding(1000, 64, input_length=10)
    assert tuple(model.output_shape) == (None, 10, 64)
