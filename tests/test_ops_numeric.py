"""30 op_* functions and the workshop k_* functions checked against numpy (any backend).

``pytest tests/test_ops_numeric.py --backend jax`` runs the same checks on JAX.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import kerasr
from kerasr import ops as K

ROOT = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(7)
X = RNG.normal(size=(3, 4)).astype("float32")
Y = RNG.normal(size=(3, 4)).astype("float32")
P = np.abs(X) + 0.5
C = RNG.normal(size=(2, 3, 4)).astype("float32")
M = RNG.normal(size=(4, 2)).astype("float32")


def value(t):
    return np.asarray(kerasr.op_convert_to_numpy(t))


# (R call, numpy result): R's 1-based axes on the left, numpy's 0-based on the right
CASES = {
    "op_abs": (lambda: K.op_abs(X), np.abs(X)),
    "op_add": (lambda: K.op_add(X, Y), X + Y),
    "op_multiply": (lambda: K.op_multiply(X, Y), X * Y),
    "op_exp": (lambda: K.op_exp(X), np.exp(X)),
    "op_log": (lambda: K.op_log(P), np.log(P)),
    "op_sqrt": (lambda: K.op_sqrt(P), np.sqrt(P)),
    "op_square": (lambda: K.op_square(X), X**2),
    "op_power": (lambda: K.op_power(P, 1.25), P**1.25),
    "op_maximum": (lambda: K.op_maximum(X, Y), np.maximum(X, Y)),
    "op_clip": (lambda: K.op_clip(X, -0.5, 0.5), np.clip(X, -0.5, 0.5)),
    "op_mean": (lambda: K.op_mean(X, axis=2), X.mean(axis=1)),
    "op_sum": (lambda: K.op_sum(C, axis=[1, 3]), C.sum(axis=(0, 2))),
    "op_max": (lambda: K.op_max(X, axis=1, keepdims=True), X.max(axis=0, keepdims=True)),
    "op_min": (lambda: K.op_min(C, axis=-1), C.min(axis=-1)),
    "op_prod": (lambda: K.op_prod(P, axis=2), P.prod(axis=1)),
    "op_std": (lambda: K.op_std(X, axis=1), X.std(axis=0)),
    "op_var": (lambda: K.op_var(X), X.var()),
    "op_cumsum": (lambda: K.op_cumsum(X, axis=2), np.cumsum(X, axis=1)),
    "op_argmax": (lambda: K.op_argmax(X, axis=2), X.argmax(axis=1) + 1),
    "op_argmin": (lambda: K.op_argmin(X, axis=1, zero_indexed=True), X.argmin(axis=0)),
    "op_sort": (lambda: K.op_sort(X, axis=1), np.sort(X, axis=0)),
    "op_transpose": (lambda: K.op_transpose(C, axes=[3, 1, 2]), C.transpose(2, 0, 1)),
    "op_reshape": (lambda: K.op_reshape(C, [None, 4]), C.reshape(-1, 4)),
    "op_concatenate": (lambda: K.op_concatenate([X, Y], axis=2), np.concatenate([X, Y], 1)),
    "op_stack": (lambda: K.op_stack([X, Y], axis=2), np.stack([X, Y], axis=1)),
    "op_expand_dims": (lambda: K.op_expand_dims(X, 1), X[None]),
    "op_matmul": (lambda: K.op_matmul(X, M), X @ M),
    "op_softmax": (lambda: K.op_softmax(X, axis=1),
                   np.exp(X) / np.exp(X).sum(axis=0, keepdims=True)),
    "op_take": (lambda: K.op_take(X, [1, 3], axis=2), X[:, [0, 2]]),
    "op_one_hot": (lambda: K.op_one_hot(np.array([1, 3]), 3), np.eye(3)[[0, 2]]),
    "op_moveaxis": (lambda: K.op_moveaxis(C, 1, 3), np.moveaxis(C, 0, 2)),
    "op_flip": (lambda: K.op_flip(X, axis=2), np.flip(X, axis=1)),
    "op_swapaxes": (lambda: K.op_swapaxes(C, 1, 3), np.swapaxes(C, 0, 2)),
    "op_tensordot": (lambda: K.op_tensordot(X, M, axes=[[2], [1]]),
                     np.tensordot(X, M, axes=[[1], [0]])),
}


def test_at_least_thirty_ops_are_checked():
    assert len(CASES) >= 30


def check_cases(cases) -> None:
    """One test per table (Keras state is reset between tests, which costs more than a case)."""
    failures = []
    for name, (call, expected) in sorted(cases.items()):
        try:
            np.testing.assert_allclose(value(call()), expected, rtol=1e-5, atol=1e-5)
        except Exception as exc:  # noqa: BLE001 - reported with the function's name
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)


def test_ops_match_numpy():
    check_cases(CASES)


def test_top_k_indices_are_one_based():
    values, indices = K.op_top_k(np.array([3.0, 1.0, 2.0]), 2)
    np.testing.assert_allclose(value(values), [3.0, 2.0])
    assert value(indices).tolist() == [1, 3]
    _, zero = K.op_top_k(np.array([3.0, 1.0, 2.0]), 2, zero_indexed=True)
    assert value(zero).tolist() == [0, 2]


K_CASES = {
    "k_mean": (lambda: K.k_mean(X, axis=2), X.mean(axis=1)),
    "k_sum": (lambda: K.k_sum(X), X.sum()),
    "k_square": (lambda: K.k_square(X), X**2),
    "k_sqrt": (lambda: K.k_sqrt(X), np.sqrt(np.maximum(X, 0))),
    "k_clip": (lambda: K.k_clip(X, 0, 1), np.clip(X, 0, 1)),
    "k_clip_swapped": (lambda: K.k_clip(X, 0.5, 0.1), np.full_like(X, 0.5)),
    "k_abs": (lambda: K.k_abs(X), np.abs(X)),
    "k_exp": (lambda: K.k_exp(X), np.exp(X)),
    "k_maximum": (lambda: K.k_maximum(X, 0.1), np.maximum(X, 0.1)),
    "k_pow": (lambda: K.k_pow(P, 1.25), P**1.25),
    "k_prod": (lambda: K.k_prod(K.k_cast(K.k_shape(C), "float32")), 24.0),
    "k_dot": (lambda: K.k_dot(X, K.k_transpose(X)), X @ X.T),
    "k_dot_3d": (lambda: K.k_dot(C, M), np.tensordot(C, M, axes=[[2], [0]])),
    "k_flatten": (lambda: K.k_flatten(C), C.reshape(-1)),
    "k_batch_flatten": (lambda: K.k_batch_flatten(C), C.reshape(2, -1)),
    "k_argmax": (lambda: K.k_argmax(X), X.argmax(axis=-1)),
    "k_concatenate": (lambda: K.k_concatenate([X, Y]), np.concatenate([X, Y], axis=-1)),
    "k_permute_dimensions": (lambda: K.k_permute_dimensions(C, [1, 3, 2]), C.transpose(0, 2, 1)),
    "k_cumsum": (lambda: K.k_cumsum(X), np.cumsum(X, axis=0)),
    "k_gather": (lambda: K.k_gather(X, [1, 3]), X[[0, 2]]),
    "k_batch_dot": (lambda: K.k_batch_dot(C, np.ones((2, 4, 5), "float32"), axes=[3, 2]),
                    np.einsum("bij,bjk->bik", C, np.ones((2, 4, 5), "float32"))),
    "k_l2_normalize": (lambda: K.k_l2_normalize(X, axis=2),
                       X / np.linalg.norm(X, axis=1, keepdims=True)),
    "k_std": (lambda: K.k_std(X, axis=1), X.std(axis=0)),
}


def test_k_functions_match_numpy():
    check_cases(K_CASES)


def test_variables_values_and_config():
    v = K.k_variable(np.zeros((2, 2)))
    K.k_set_value(v, np.ones((2, 2)))
    np.testing.assert_allclose(K.k_get_value(v), np.ones((2, 2)))
    np.testing.assert_allclose(K.k_eval(K.k_constant(2.0, shape=(2,))), [2.0, 2.0])
    assert K.k_int_shape(v) == (2, 2)
    assert K.k_epsilon() == pytest.approx(1e-7)
    assert K.k_floatx() == "float32"
    assert K.k_eval(v).dtype == np.float32
    r = K.k_random_normal((50, 4), mean=3.0, seed=1)
    assert tuple(r.shape) == (50, 4) and abs(float(np.mean(value(r))) - 3.0) < 0.5


def test_graph_mode_functions_show_the_eager_replacement():
    with pytest.raises(K.GraphModeError, match=r"k_gradients\(\).*GradientTape"):
        K.k_gradients(1, 2)
    with pytest.raises(K.GraphModeError, match=r"k_function\(\).*keras_model"):
        K.k_function([], [])
    with pytest.raises(K.GraphModeError, match=r"k_placeholder\(\).*layer_input"):
        K.k_placeholder(shape=(1, 2))


def test_k_table_and_exports_agree():
    from kerasr.ops import k_table

    names = set(k_table.TABLE) | set(k_table.GRAPH_MODE) | {"GraphModeError"}
    assert set(k_table.__all__) == names
    for name in names:
        assert getattr(kerasr, name) is getattr(k_table, name)
    assert "k_clear_session" not in names  # lives in kerasr.utils
    # every k_* the workshops call is served (or, graph-mode, explains its replacement)
    workshop = json.loads((ROOT / "docs/data/r_workshop_functions.json").read_text())
    used = [e["function"] for e in workshop if e["function"].startswith("k_")]
    assert len(used) >= 20
    for name in used:
        assert name in k_table.TABLE or name in k_table.GRAPH_MODE \
            or name == "k_clear_session", name
        assert hasattr(kerasr, name), name
        if name in k_table.GRAPH_MODE:
            assert getattr(kerasr, name).__kerasr_not_applicable__


def test_k_argument_errors_name_the_function():
    with pytest.raises(kerasr.ArgumentError, match=r"k_mean\(\): unknown argument `axes`.*axis"):
        K.k_mean(X, axes=1)
    with pytest.raises(kerasr.InvalidValueError, match=r"k_sum\(\): `axis` is 1-based"):
        K.k_sum(X, axis=0)
    with pytest.raises(kerasr.InvalidValueError, match=r"k_gather\(\): `indices` holds 1-based"):
        K.k_gather(X, [0, 1])
