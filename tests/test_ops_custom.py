"""Workshop custom metrics and losses (R², RMSE, capped MSE written with k_*) and custom layers:
they train, save and load back with the model."""

from __future__ import annotations

import numpy as np
import pytest

import kerasr
from kerasr import (
    Layer,
    as_custom_objects,
    create_layer,
    custom_metric,
    k_clip,
    k_concatenate,
    k_dot,
    k_epsilon,
    k_flatten,
    k_mean,
    k_sqrt,
    k_square,
    k_sum,
    named_list,
    new_layer_class,
    new_model_class,
)
from kerasr.errors import ArgumentError, InvalidValueError

# the workshops' R² metric and RMSE loss, written with k_* as in R
r2 = custom_metric("r2", lambda y_true, y_pred: 1 - k_sum(k_square(y_true - y_pred)) / (
    k_sum(k_square(y_true - k_mean(y_true))) + k_epsilon()))


def rmse(y_true, y_pred):
    return k_sqrt(k_mean(k_square(y_pred - y_true)))


capped_mse = custom_metric(
    "metric_capped_mse",
    lambda y_true, y_pred: k_mean(k_square(k_clip(y_pred, 0, 1) - y_true)),
)


def regression_data(n=64, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def fitted_model(loss=rmse, metrics=(r2,), epochs=15):
    kerasr.set_random_seed(1)
    x, y = regression_data()
    model = kerasr.keras_model_sequential(input_shape=3) >> kerasr.layer_dense(units=1)
    kerasr.compile(model, optimizer=kerasr.optimizer_adam(learning_rate=0.1), loss=loss,
                   metrics=list(metrics))
    history = kerasr.fit(model, x, y, epochs=epochs, batch_size=32, verbose=0)
    return model, history, x, y


@pytest.fixture(scope="module")
def trained():
    """One model trained with the workshop R² metric and RMSE loss, shared by the tests."""
    return fitted_model()


def test_r2_and_rmse_train_and_report_under_their_names(trained):
    model, history, x, y = trained
    assert "r2" in history.metrics.names()
    assert history.metrics["loss"][-1] < history.metrics["loss"][0]
    result = kerasr.evaluate(model, x, y, batch_size=len(x), verbose=0)
    pred = np.asarray(kerasr.predict(model, x, verbose=0))
    expected_r2 = 1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert result["r2"] == pytest.approx(expected_r2, abs=1e-3)
    assert result["loss"] == pytest.approx(np.sqrt(((pred - y) ** 2).mean()), rel=1e-3)
    assert result["r2"] > 0.9


def test_custom_metric_and_loss_survive_save_and_load(trained, tmp_path):
    model, _, x, y = trained
    before = kerasr.evaluate(model, x, y, batch_size=len(x), verbose=0)
    for name in ("m.keras", "m.h5"):
        path = tmp_path / name
        kerasr.save_model_hdf5(model, path) if name.endswith(".h5") else \
            kerasr.save_model(model, path)
        # R: load_model(path, custom_objects = list(rmse = rmse)); the .keras file finds r2
        # through custom_metric()'s registration, the HDF5 reader needs it named, as in R
        objects = named_list(rmse=rmse, r2=r2) if name.endswith(".h5") else named_list(rmse=rmse)
        loaded = kerasr.load_model(path, custom_objects=as_custom_objects(objects))
        after = kerasr.evaluate(loaded, x, y, batch_size=len(x), verbose=0)
        assert after["loss"] == pytest.approx(before["loss"], rel=1e-5)
        assert after["r2"] == pytest.approx(before["r2"], rel=1e-5)
        history = kerasr.fit(loaded, x, y, epochs=1, verbose=0)  # keeps training
        assert "r2" in history.metrics.names()


def test_loading_without_the_custom_loss_says_what_is_missing(trained, tmp_path):
    model = trained[0]
    kerasr.save_model(model, tmp_path / "m.keras")
    with pytest.raises(Exception, match="rmse"):
        kerasr.load_model(tmp_path / "m.keras")


def test_capped_mse_as_the_loss_as_in_the_amazon_workshop():
    model, history, _, _ = fitted_model(loss=capped_mse, metrics=("mse",), epochs=4)
    assert history.metrics["loss"][-1] <= history.metrics["loss"][0]
    assert capped_mse.__name__ == "metric_capped_mse"


def test_custom_objects_in_r_forms():
    assert as_custom_objects(named_list(rmse=rmse)) == {"rmse": rmse}
    assert as_custom_objects([rmse, r2]) == {"rmse": rmse, "r2": r2}
    assert as_custom_objects(rmse) == {"rmse": rmse}
    assert as_custom_objects({"a": rmse}) == {"a": rmse}
    with pytest.raises(InvalidValueError, match="custom_objects.*need a name"):
        as_custom_objects([lambda a, b: a])


def test_custom_metric_errors_name_the_function():
    with pytest.raises(InvalidValueError, match=r"custom_metric\(\): `name`"):
        custom_metric("", rmse)
    with pytest.raises(InvalidValueError, match=r"custom_metric\(\): `metric_fn`"):
        custom_metric("x", 3)
    bad = custom_metric("bad_shape", lambda y_true, y_pred: k_flatten(
        k_concatenate([y_pred, y_pred])))
    y = np.ones((4, 1), "float32")
    with pytest.raises(InvalidValueError, match=r"custom_metric\(\): metric `bad_shape` returned "
                                                r"shape \(8,\)"):
        bad(y, y)


# -- custom layers --------------------------------------------------------------------------

def _init_dense(self, units=2):
    self.units = units


def _build_dense(self, input_shape):
    self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                  initializer="glorot_uniform", name="kernel")


MyDense = new_layer_class("MyDense", initialize=_init_dense, build=_build_dense,
                          call=lambda self, x: k_dot(x, self.kernel))
Scale = Layer("Scale", initialize=lambda self, k=2.0: setattr(self, "k", k),
              call=lambda self, x: x * self.k)


def layer_my_dense(object=None, units=2):  # noqa: A002 - R's argument name
    return create_layer(MyDense, object, {"units": units})


def test_custom_layers_compose_with_the_pipe_and_round_trip(tmp_path):
    kerasr.set_random_seed(2)
    model = (kerasr.keras_model_sequential(input_shape=3) >> Scale(k=3.0)
             >> layer_my_dense(units=4) >> kerasr.layer_dense(units=1))
    assert [type(layer).__name__ for layer in model.layers] == ["Scale", "MyDense", "Dense"]
    assert model.layers[1].get_config()["units"] == 4
    x, _ = regression_data(8)
    expected = np.asarray(kerasr.predict(model, x, verbose=0))
    kerasr.save_model(model, tmp_path / "layers.keras")
    loaded = kerasr.load_model(tmp_path / "layers.keras")
    assert [type(layer).__name__ for layer in loaded.layers] == ["Scale", "MyDense", "Dense"]
    assert loaded.layers[0].k == 3.0
    np.testing.assert_allclose(np.asarray(kerasr.predict(loaded, x, verbose=0)), expected,
                               rtol=1e-6)


def test_input_shape_on_a_custom_first_layer_builds_the_model():
    model = kerasr.keras_model_sequential() >> Scale(k=2.0, input_shape=3)
    assert tuple(model.input_shape) == (None, 3)
    np.testing.assert_allclose(np.asarray(model(np.ones((1, 3)))), [[2.0, 2.0, 2.0]])


def test_create_layer_on_a_tensor_builds_a_functional_model():
    inputs = kerasr.layer_input(shape=3)
    outputs = layer_my_dense(inputs, units=5)
    assert tuple(outputs.shape) == (None, 5)
    model = kerasr.keras_model(inputs, outputs)
    assert model.count_params() == 15


def test_new_model_class_trains_and_round_trips(tmp_path):
    def init(self, units=3):
        self.hidden = kerasr.layer_dense(units=units, activation="relu")
        self.out = kerasr.layer_dense(units=1)

    MLP = new_model_class("MLP", initialize=init, call=lambda self, x: self.out(self.hidden(x)))
    kerasr.set_random_seed(3)
    model = MLP(units=4)
    x, y = regression_data(32)
    kerasr.compile(model, optimizer="adam", loss="mse")
    kerasr.fit(model, x, y, epochs=2, verbose=0)
    expected = np.asarray(kerasr.predict(model, x, verbose=0))
    kerasr.save_model(model, tmp_path / "mlp.keras")
    loaded = kerasr.load_model(tmp_path / "mlp.keras")
    assert type(loaded).__name__ == "MLP"
    np.testing.assert_allclose(np.asarray(kerasr.predict(loaded, x, verbose=0)), expected,
                               rtol=1e-5)


def test_custom_layer_errors_name_the_function_and_argument():
    with pytest.raises(ArgumentError, match=r"Layer\(\): `call` is missing"):
        Layer("NoCall", initialize=_init_dense)
    with pytest.raises(ArgumentError, match=r"new_model_class\(\): `call` is missing"):
        new_model_class("NoCallModel")
    with pytest.raises(InvalidValueError, match=r"Layer\(\): `classname`"):
        Layer("not a name", call=lambda self, x: x)
    with pytest.raises(InvalidValueError, match=r"Layer\(\): `inherit`"):
        Layer("X", call=lambda self, x: x, inherit=int)
    with pytest.raises(InvalidValueError, match=r"create_layer\(\): `layer_class`"):
        create_layer(dict, None, {})
    with pytest.raises(ArgumentError, match=r"MyDense\(\):.*unexpected keyword.*unit"):
        MyDense(unit=3)
