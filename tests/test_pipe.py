"""The pipe: dispatch rule, deferred chains, numpy/pandas on the left, error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kerasr import (
    ArgumentError,
    TargetError,
    array_reshape,
    compile,
    fit,
    keras_model_sequential,
    layer_dense,
    layer_dropout,
    layer_input,
    to_categorical,
)
from kerasr.pipe import Deferred

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core


def test_verb_without_target_defers_and_applies_with_rshift():
    step = array_reshape((3, 4))
    assert isinstance(step, Deferred)
    out = np.arange(12) >> step
    assert out.shape == (3, 4)
    assert out[1, 0] == 4  # row-major, as R's array_reshape


def test_verb_with_target_runs_at_once():
    out = array_reshape(np.arange(6), (2, 3))
    assert isinstance(out, np.ndarray) and out.shape == (2, 3)


def test_deferred_chains_compose_without_mutating():
    a = array_reshape((2, 6))
    b = array_reshape((3, 4))
    chain = a >> b
    assert isinstance(chain, Deferred) and chain is not a and chain is not b
    assert (np.arange(12) >> chain).shape == (3, 4)
    assert (np.arange(12) >> a).shape == (2, 6)  # `a` unchanged by composition


def test_pandas_and_numpy_on_the_left_defer_to_the_pipe():
    frame = pd.DataFrame({"a": range(6)})
    out = frame >> array_reshape((2, 3))
    assert isinstance(out, np.ndarray) and out.tolist() == [[0, 1, 2], [3, 4, 5]]
    labels = np.array([0, 2, 1])
    onehot = labels >> to_categorical(num_classes=3)
    np.testing.assert_array_equal(onehot, np.eye(3)[[0, 2, 1]])


def test_deferred_repr_and_forgotten_target_message():
    step = fit(np.zeros((2, 1)), np.zeros(2), epochs=3)
    assert "fit(" in repr(step) and "epochs=3" in repr(step)
    with pytest.raises(AttributeError, match="without its target"):
        step.plot()


def test_wrong_target_type_is_reported():
    with pytest.raises(TargetError, match="fit\\(\\): the first argument must be a Keras model"):
        fit("model", np.zeros((2, 1)), np.zeros(2))
    with pytest.raises(TargetError, match="needs a Keras model on the left"):
        np.zeros(3) >> compile(optimizer="sgd", loss="mse")


def test_unknown_argument_suggests_closest_name():
    # a unique prefix (`callback`, `metric`, `unit`) is R's partial matching and works; a
    # misspelling is an error with a hint (tests/test_r_fidelity.py covers the matching)
    with pytest.raises(ArgumentError, match="`calback`; did you mean `callbacks`"):
        fit(np.zeros((2, 1)), np.zeros(2), calback=None)
    with pytest.raises(ArgumentError, match="did you mean `metrics`"):
        compile(optimizer="sgd", loss="mse", metrix="mae")
    with pytest.raises(ArgumentError, match="layer_dense\\(\\): unknown argument `unitz`"):
        layer_dense(unitz=3)


def test_layers_compose_with_models_tensors_and_each_other():
    model = keras_model_sequential(input_shape=4) >> layer_dense(8) >> layer_dropout(0.5)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dropout"]
    assert model.layers[0].units == 8 and model.layers[1].rate == 0.5
    stack = layer_dense(units=3) >> layer_dense(units=1)
    assert isinstance(stack, Deferred)
    m2 = keras_model_sequential(input_shape=2) >> stack
    assert [layer.units for layer in m2.layers] == [3, 1]
    inputs = layer_input(shape=5)
    out = inputs >> layer_dense(units=2)
    assert tuple(out.shape) == (None, 2)
    out2 = layer_dense(inputs, units=7)
    assert tuple(out2.shape) == (None, 7)


def test_model_piped_as_a_layer():
    inner = keras_model_sequential(input_shape=3) >> layer_dense(4)
    outer = keras_model_sequential(input_shape=3) >> inner >> layer_dense(1)
    assert outer.layers[0] is inner
    assert tuple(outer.output_shape) == (None, 1)
