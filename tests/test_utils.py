"""Utilities: to_categorical, array_reshape, normalize, pad_sequences, seeds, backend."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from kerasr import (
    InvalidValueError,
    KerasrDeprecationWarning,
    array_reshape,
    keras_model_sequential,
    layer_dense,
    normalize,
    pad_sequences,
    predict,
    set_random_seed,
    shape,
    to_categorical,
    use_backend,
    use_session_with_seed,
)

# the core subset that CI runs again on the JAX backend (`-m backend_core`)
pytestmark = pytest.mark.backend_core


def test_to_categorical_is_zero_based_and_infers_classes():
    out = to_categorical([0, 2, 1])
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])
    assert out.dtype == np.float32
    assert to_categorical(np.array([1, 3]), num_classes=10).shape == (2, 10)
    with pytest.raises(InvalidValueError, match="labels are 0-based, so 1-based labels need y - 1"):
        to_categorical([1, 2, 3], num_classes=3)
    with pytest.raises(InvalidValueError, match="whole-number"):
        to_categorical([0.5, 1.0])


def test_array_reshape_is_row_major_unlike_r_dim():
    x = np.arange(24).reshape(2, 3, 4)
    flat = array_reshape(x, (2, 12))
    assert flat[0].tolist() == list(range(12))
    col = array_reshape(np.arange(6), (2, 3), order="F")
    assert col.tolist() == [[0, 2, 4], [1, 3, 5]]
    assert array_reshape(np.arange(6), (-1, 2)).shape == (3, 2)
    with pytest.raises(InvalidValueError, match="cannot reshape an array of 6 elements"):
        array_reshape(np.arange(6), (4, 2))


def test_normalize_and_r_axis():
    out = normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(np.array([[3.0], [4.0]]), axis=1), [[0.6], [0.8]])
    with pytest.raises(InvalidValueError, match="1-based"):
        normalize(np.ones((2, 2)), axis=0)


def test_pad_sequences_matches_r_test():
    out = pad_sequences([[1], [1, 2], [1, 2, 3]], maxlen=3, padding="pre")
    assert out.tolist() == [[0, 0, 1], [0, 1, 2], [1, 2, 3]]


def test_shape_helper():
    assert shape(None, None, 3) == (None, None, 3)


def test_set_random_seed_makes_initialisation_repeatable():
    def run():
        set_random_seed(1)
        model = keras_model_sequential(input_shape=1) >> layer_dense(units=1)
        return model >> predict(np.ones((1, 1)), verbose=0)

    np.testing.assert_array_equal(run(), run())
    with pytest.warns(KerasrDeprecationWarning, match="use `set_random_seed\\(\\)`"):
        use_session_with_seed(42, quiet=True)


def test_use_backend_too_late_is_a_clear_error():
    import keras

    assert use_backend(keras.backend.backend()) == keras.backend.backend()
    other = "jax" if keras.backend.backend() != "jax" else "tensorflow"
    with pytest.raises(InvalidValueError, match="restart the kernel"):
        use_backend(other)
    with pytest.raises(InvalidValueError, match="must be one of"):
        use_backend("theano")


def test_import_kerasr_does_not_import_keras():
    code = ("import sys, kerasr; heavy = [m for m in ('keras', 'tensorflow', 'jax') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
