"""Issue 14, bad arguments: each case is "bad input -> the error the user sees -> the model
is untouched". Every error names the function and the argument and suggests the fix.

(Data, downloads and the command line: test_faults_data.py and test_faults_cli.py; files and
checkpoints: test_faults_models.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

from kerasr import (
    ArgumentError,
    InvalidValueError,
    callback_early_stopping,
    compile,
    evaluate,
    fit,
    freeze_weights,
    get_weights,
    keras_model_sequential,
    layer_dense,
    optimizer_adam,
    predict,
)

pytestmark = pytest.mark.backend_core

X = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
Y = X.sum(axis=1)


@pytest.fixture
def model():
    m = (keras_model_sequential() >> layer_dense(units=4, input_shape=3, name="d1")
         >> layer_dense(units=2, name="d2") >> layer_dense(units=1, name="d3"))
    return m >> compile(optimizer="sgd", loss="mse")


def unchanged(model, before) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(get_weights(model), before))


@pytest.mark.parametrize("kwargs, message", [
    (dict(validation_split=1.5), r"fit\(\): `validation_split` must be a number in \[0, 1\)"),
    (dict(validation_split=-0.2), r"`validation_split` must be a number in \[0, 1\)"),
    (dict(batch_size=0), r"fit\(\): `batch_size` must be at least 1, got 0"),
    (dict(batch_size=-5), r"`batch_size` must be at least 1, got -5"),
    (dict(batch_size=2.5), r"`batch_size` must be a whole number, got 2.5; did you mean 2"),
    (dict(epochs="ten"), r"fit\(\): `epochs` must be a whole number, got 'ten'"),
    (dict(epochs=0), r"`epochs` must be at least 1"),
])
def test_fit_arguments_out_of_range(model, kwargs, message):
    """A bad fit() argument -> InvalidValueError naming it and the range -> no training."""
    before = get_weights(model)
    with pytest.raises(InvalidValueError, match=message):
        model >> fit(X, Y, verbose=0, **kwargs)
    assert unchanged(model, before)


def test_empty_data_is_an_error_not_an_empty_history(model):
    """0-row x/y -> "has 0 rows" naming `x` -> no history, weights untouched."""
    before = get_weights(model)
    with pytest.raises(InvalidValueError, match=r"fit\(\): `x` has 0 rows"):
        model >> fit(X[:0], Y[:0], verbose=0)
    with pytest.raises(InvalidValueError, match=r"predict\(\): `x` has 0 rows"):
        model >> predict(X[:0])
    assert unchanged(model, before)


def test_missing_x_names_the_argument(model):
    """fit(model, epochs = 1) with no data -> "`x` is missing" (not Keras's KeyError)."""
    with pytest.raises(InvalidValueError, match=r"fit\(\): `x` is missing"):
        fit(model, epochs=1)


def test_non_finite_validation_data(model):
    """NaN in validation_data -> the error names validation_data's y and the first row."""
    bad = Y.copy()
    bad[4] = np.nan
    with pytest.raises(InvalidValueError, match=r"`validation_data y` contains 1 NaN .* row 5"):
        model >> fit(X, Y, verbose=0, validation_data=(X, bad))


def test_string_data_says_to_encode_it(model):
    """Strings as x or y -> "holds strings" with the fix (not "Invalid dtype: str32")."""
    with pytest.raises(InvalidValueError, match=r"`x` holds strings .* text_tokenizer"):
        model >> fit(np.array([["a", "b", "c"]] * 4), np.zeros(4), verbose=0)
    with pytest.raises(InvalidValueError, match=r"evaluate\(\): `y` holds strings"):
        model >> evaluate(X[:2], np.array(["yes", "no"]), verbose=0)


def test_ragged_list_to_predict(model):
    """predict() on a list of rows of different lengths -> says to pad them."""
    with pytest.raises(InvalidValueError, match=r"different lengths.*pad_sequences"):
        model >> predict([[1.0, 2.0, 3.0], [1.0, 2.0]])


def test_freeze_weights_empty_range_and_mixed_selection(model):
    """from_ after to -> names both layers and the swap; which with from_ -> R's error;
    nothing is frozen either way."""
    with pytest.raises(InvalidValueError, match=r"`from_` \(layer 2, 'd2'\) comes after `to`"):
        freeze_weights(model, from_=2, to=1)
    with pytest.raises(ArgumentError, match=r"either `which` or a range `from_`/`to`"):
        freeze_weights(model, from_=2, which=[1])
    assert all(layer.trainable for layer in model.layers)


@pytest.mark.parametrize("units, message", [
    (True, r"layer_dense\(\): `units` must be a whole number, got True"),
    ("16", r"`units` must be a whole number, got '16'; did you mean units=16"),
    (-1, r"`units` must be at least 1, got -1"),
    (2.5, r"`units` must be a whole number, got 2.5"),
])
def test_layer_counts(units, message):
    """layer_dense(units = TRUE) used to build a 1-unit layer: now an error."""
    with pytest.raises(InvalidValueError, match=message):
        layer_dense(units=units)


def test_generated_functions_suggest_the_argument():
    """Misspelt arguments of generated families get the verbs' "did you mean"."""
    with pytest.raises(ArgumentError, match=r"callback_early_stopping\(\): unknown argument "
                                            r"`patiance`; did you mean `patience`"):
        callback_early_stopping(patiance=3)
    with pytest.raises(ArgumentError, match=r"did you mean `learning_rate`"):
        optimizer_adam(learnig_rate=0.01)
