"""Generated families: coverage of Keras's classes, freshness, R legacy arguments, dual use."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import keras
import numpy as np
import pytest

import kerasr
from kerasr import (
    KerasrDeprecationWarning,
    compile,
    fit,
    keras_model_sequential,
    layer_dense,
    loss_binary_crossentropy,
    loss_cosine_proximity,
    metric_binary_accuracy,
    optimizer_adadelta,
    optimizer_adagrad,
    optimizer_adam,
    optimizer_adamax,
    optimizer_nadam,
    optimizer_rmsprop,
    optimizer_sgd,
    regularizer_l1,
    regularizer_l1_l2,
    regularizer_l2,
)
from kerasr.families.spec import FAMILIES, r_name

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core

ROOT = Path(__file__).resolve().parents[1]
BASES = {
    "layers": keras.layers.Layer, "optimizers": keras.optimizers.Optimizer,
    "losses": keras.losses.Loss, "metrics": keras.metrics.Metric,
    "callbacks": keras.callbacks.Callback, "regularizers": keras.regularizers.Regularizer,
    "initializers": keras.initializers.Initializer, "constraints": keras.constraints.Constraint,
}


@pytest.mark.parametrize("family", sorted(BASES))
def test_every_public_keras_class_has_its_r_name(family):
    module = getattr(keras, family)
    missing = []
    for name in dir(module):
        cls = getattr(module, name)
        if not (isinstance(cls, type) and issubclass(cls, BASES[family])) or not name[0].isupper():
            continue
        skip = FAMILIES[family].not_applicable
        if cls.__name__ in skip or name in skip:
            continue
        names = {r_name(family, name), r_name(family, cls.__name__)}
        if not any(hasattr(kerasr, n) for n in names):
            missing.append(f"{name} -> {sorted(names)}")
    assert not missing, f"Keras {family} without an R name: {missing}"


def test_workshop_names_exist():
    for name in ["layer_dense", "layer_conv_2d", "layer_max_pooling_2d", "layer_lstm",
                 "layer_batch_normalization", "layer_activation_relu", "layer_embedding",
                 "layer_concatenate", "layer_add", "layer_dot", "bidirectional",
                 "time_distributed", "layer_upsampling_2d", "layer_activation_leaky_relu",
                 "layer_global_max_pooling_1d", "layer_conv_2d_transpose", "layer_simple_rnn",
                 "layer_gru", "layer_flatten", "layer_dropout", "layer_reshape",
                 "callback_early_stopping", "callback_reduce_lr_on_plateau",
                 "callback_model_checkpoint", "callback_csv_logger", "callback_tensorboard",
                 "callback_lambda", "callback_learning_rate_scheduler",
                 "callback_terminate_on_naan", "callback_terminate_on_nan",
                 "regularizer_l1", "regularizer_l2", "regularizer_l1_l2",
                 "initializer_ones", "initializer_glorot_uniform", "constraint_maxnorm",
                 "metric_auc", "metric_binary_accuracy", "loss_categorical_crossentropy"]:
        assert callable(getattr(kerasr, name)), name


def test_generated_modules_are_up_to_date():
    """Regenerating from the installed Keras gives exactly the committed modules."""
    spec = importlib.util.spec_from_file_location("_gen", ROOT / "tools" / "generate_api.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    stale = [str(path.relative_to(ROOT)) for path, text in generator.generate().items()
             if not path.exists() or path.read_text() != text]
    assert not stale, f"run `python tools/generate_api.py`; stale: {stale}"


def test_generated_signatures_are_explicit():
    params = inspect.signature(layer_dense).parameters
    assert list(params)[:3] == ["object", "units", "activation"]
    assert "input_shape" in params and "kwargs" not in params
    assert inspect.signature(optimizer_sgd).parameters["learning_rate"].default == 0.01
    assert "R: ``" in layer_dense.__doc__ and "Python: ``" in layer_dense.__doc__


def test_every_optimizer_compiles():
    for make in (optimizer_sgd, optimizer_rmsprop, optimizer_adagrad, optimizer_adadelta,
                 optimizer_adam, optimizer_adamax, optimizer_nadam):
        model = keras_model_sequential(input_shape=2) >> layer_dense(1)
        model >> compile(optimizer=make(), loss="mse")
        assert model.optimizer is not None


def test_lr_and_decay_are_implemented_not_ignored():
    with pytest.warns(KerasrDeprecationWarning, match="`lr` is deprecated; use `learning_rate`"):
        opt = optimizer_adam(lr=0.05)
    assert float(opt.learning_rate) == pytest.approx(0.05)
    with pytest.raises(kerasr.ArgumentError, match="both `lr` and `learning_rate`"):
        optimizer_adam(lr=0.05, learning_rate=0.1)
    with pytest.warns(KerasrDeprecationWarning, match="`decay` is deprecated"):
        decayed = optimizer_sgd(learning_rate=0.1, decay=0.5)
    schedule = decayed.learning_rate if callable(decayed.learning_rate) else decayed._learning_rate
    # Keras 2 inverse-time decay: lr / (1 + decay * iterations)
    assert float(schedule(0)) == pytest.approx(0.1)
    assert float(schedule(2)) == pytest.approx(0.1 / (1 + 0.5 * 2))


def test_regularizers_take_r_argument_names_and_defaults():
    assert float(regularizer_l2(l=0.001).l2) == pytest.approx(0.001)
    assert float(regularizer_l1(l=0.3).l1) == pytest.approx(0.3)
    both = regularizer_l1_l2()
    assert float(both.l1) == pytest.approx(0.01) and float(both.l2) == pytest.approx(0.01)
    model = keras_model_sequential(input_shape=2) >> layer_dense(
        8, kernel_regularizer=regularizer_l2(l=0.001), activity_regularizer=regularizer_l1(l=0.3)
    )
    model >> compile(optimizer="sgd", loss="mse")
    history = model >> fit(np.ones((8, 2)), np.ones((8, 8)), epochs=1, verbose=0)
    assert np.isfinite(history.metrics["loss"][0])


def test_losses_and_metrics_work_uncalled_as_objects_and_on_values():
    y_true = np.array([[0.0], [1.0], [1.0]], dtype="float32")
    y_pred = np.array([[0.1], [0.8], [0.4]], dtype="float32")
    values = np.asarray(loss_binary_crossentropy(y_true, y_pred))
    expected = -(np.log(0.9) + np.log(0.8) + np.log(0.4))
    assert values.shape == (3,) and values.sum() == pytest.approx(expected, rel=1e-4)
    acc = np.asarray(metric_binary_accuracy(y_true, y_pred)).ravel()
    assert acc.tolist() == [1.0, 1.0, 0.0]
    assert isinstance(loss_binary_crossentropy(), keras.losses.BinaryCrossentropy)
    smoothed = loss_binary_crossentropy(np.ones((10, 10)), np.zeros((10, 10)), from_logits=True,
                                        label_smoothing=0.5)
    assert tuple(np.shape(smoothed)) == (10,)
    model = keras_model_sequential(input_shape=1) >> layer_dense(1, activation="sigmoid")
    model >> compile(optimizer="sgd", loss=loss_binary_crossentropy,
                     metrics=metric_binary_accuracy)
    history = model >> fit(np.zeros((4, 1)), np.ones(4), epochs=1, verbose=0)
    assert set(history.metrics.names()) == {"binary_accuracy", "loss"}
    with pytest.warns(KerasrDeprecationWarning, match="cosine_similarity"):
        loss_cosine_proximity()
