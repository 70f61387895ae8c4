"""Every generated op_* function: its R name, its signature against Keras's, its axis rule."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import numpy as np
import pytest

import kerasr
from kerasr.errors import InvalidValueError
from kerasr.generated import ops as generated
from kerasr.ops import spec

ROOT = Path(__file__).resolve().parents[1]
OPS = sorted(generated.OPS.items())


def keras_function(key: str):
    k = kerasr._keras.keras()
    obj = k.ops
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def test_every_keras_op_has_its_r_name():
    k = kerasr._keras.keras()
    names = {n for n in dir(k.ops) if not n.startswith("_") and callable(getattr(k.ops, n))
             and not isinstance(getattr(k.ops, n), type)}
    assert {key for key, _ in generated.OPS.values() if "." not in key} == names
    assert len(generated.OPS) >= 300
    for name in names:
        assert hasattr(kerasr, f"op_{name}"), name


def test_generated_module_is_up_to_date():
    found = importlib.util.spec_from_file_location("generate_ops", ROOT / "tools/generate_ops.py")
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    for path, text in module.generated_files().items():
        assert path.read_text() == text, f"{path} is stale: run python tools/generate_ops.py"


def check_signature(r_name: str, key: str, axes: tuple[str, ...]) -> None:
    fn = getattr(kerasr, r_name)
    assert fn is getattr(generated, r_name)
    assert fn.__name__ == r_name == spec.r_name(*reversed(key.split(".")))
    ours = inspect.signature(fn).parameters
    theirs = inspect.signature(keras_function(key)).parameters
    assert [n for n in ours if n not in theirs] in ([], ["zero_indexed"])
    assert [n for n in ours if n in theirs] == list(theirs)
    for name, param in theirs.items():
        if param.default is inspect.Parameter.empty:
            assert ours[name].default is inspect.Parameter.empty, name
            continue
        expected = spec.r_axis_default(param.default) if name in axes else param.default
        assert ours[name].default == expected, name
    assert set(axes) == {a for a in spec.axis_args(key) if a in theirs} if "." not in key \
        else axes == ()
    assert "R: ``" in fn.__doc__ and "Python: ``" in fn.__doc__


def check_axis_zero(r_name: str, axes: tuple[str, ...]) -> None:
    fn = getattr(kerasr, r_name)
    params = inspect.signature(fn).parameters
    if any(p.kind is p.VAR_POSITIONAL for p in params.values()):
        return
    required = {n: (1 if n in axes else np.zeros((2, 2))) for n, p in params.items()
                if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD}
    for axis_arg in axes:
        with pytest.raises(InvalidValueError, match=rf"{r_name}\(\): `{axis_arg}` is 1-based"):
            fn(**dict(required, **{axis_arg: 0}))


def test_every_generated_op_name_signature_and_axis_rule():
    """Table-driven over all generated ops (one test: Keras state is reset per test)."""
    failures = []
    for r_name, (key, axes) in OPS:
        try:
            check_signature(r_name, key, axes)
            check_axis_zero(r_name, axes)
        except AssertionError as exc:
            failures.append(f"{r_name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - reported with the op's name
            failures.append(f"{r_name}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)
    assert sum(bool(axes) for _, (_, axes) in OPS) >= 80


def test_axis_out_of_range_names_the_rank():
    x = np.zeros((2, 3))
    with pytest.raises(InvalidValueError, match=r"op_sum\(\): `axis` = 3 is out of range for a "
                                                r"tensor of rank 2 \(valid: 1..2 or -2..-1\)"):
        kerasr.op_sum(x, axis=3)
    with pytest.raises(InvalidValueError, match="out of range"):
        kerasr.op_mean(x, axis=[1, -3])
    # expand_dims and stack address one axis past the input's rank
    assert tuple(kerasr.op_expand_dims(x, 3).shape) == (2, 3, 1)
    assert tuple(kerasr.op_stack([x, x], axis=3).shape) == (2, 3, 2)


def test_as_axis_rule():
    assert kerasr.as_axis(None) is None
    assert kerasr.as_axis(1) == 0 and kerasr.as_axis(-1) == -1 and kerasr.as_axis(-2) == -2
    assert kerasr.as_axis([1, 3]) == [0, 2] and kerasr.as_axis((2,)) == (1,)
    assert kerasr.as_axis(2.0) == 1
    with pytest.raises(InvalidValueError, match="1-based"):
        kerasr.as_axis(0)
    with pytest.raises(kerasr.ArgumentError, match="whole-number"):
        kerasr.as_axis(1.5)


def test_bad_dtype_names_the_function_and_argument():
    with pytest.raises(InvalidValueError, match=r"op_cast\(\): `dtype` = 'flaot32' is not a "
                                                r"dtype.*did you mean `float32`"):
        kerasr.op_cast(np.ones(2), "flaot32")
    with pytest.raises(InvalidValueError, match=r"k_cast\(\): `dtype`"):
        kerasr.k_cast(np.ones(2), "int33")


def test_every_activation_has_its_r_name_signature_and_axis_rule():
    from kerasr.generated import activations

    k = kerasr._keras.keras()
    assert len(activations.ACTIVATIONS) >= 17
    failures = []
    for r_name, (name, axes) in sorted(activations.ACTIVATIONS.items()):
        try:
            fn = getattr(kerasr, r_name)
            ours = inspect.signature(fn).parameters
            theirs = inspect.signature(getattr(k.activations, name)).parameters
            assert list(ours) == list(theirs)
            for arg, param in theirs.items():
                expected = spec.r_axis_default(param.default) if arg in axes else param.default
                assert ours[arg].default == expected, arg
            check_axis_zero(r_name, axes)
        except Exception as exc:  # noqa: BLE001 - reported with the function's name
            failures.append(f"{r_name}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)
    for r_name in ("activation_relu", "activation_softmax", "activation_sigmoid",
                   "activation_tanh", "activation_elu", "activation_selu", "activation_gelu"):
        assert r_name in activations.ACTIVATIONS


def test_activations_compute_and_serialise_in_a_saved_model(tmp_path):
    x = np.array([[-1.0, 0.5, 2.0], [3.0, -2.0, 0.0]], dtype="float32")
    relu = np.asarray(kerasr.op_convert_to_numpy(kerasr.activation_relu(x, max_value=1.5)))
    np.testing.assert_allclose(relu, np.clip(x, 0, 1.5))
    soft = np.asarray(kerasr.op_convert_to_numpy(kerasr.activation_softmax(x, axis=1)))
    np.testing.assert_allclose(soft, np.exp(x) / np.exp(x).sum(axis=0), rtol=1e-5)
    kerasr.set_random_seed(4)
    model = (kerasr.keras_model_sequential(input_shape=3)
             >> kerasr.layer_dense(units=2, activation=kerasr.activation_relu))
    expected = np.asarray(kerasr.predict(model, x, verbose=0))
    kerasr.save_model(model, tmp_path / "act.keras")
    loaded = kerasr.load_model(tmp_path / "act.keras")
    assert loaded.layers[0].activation is kerasr.activation_relu
    np.testing.assert_allclose(np.asarray(kerasr.predict(loaded, x, verbose=0)), expected)
