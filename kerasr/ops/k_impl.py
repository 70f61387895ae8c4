"""Hand-written ``k_*`` bodies: R keras 2's semantics that no single ``keras.ops`` call has.

Each function takes Keras's (0-based) axes: ``k_table`` converts R's axes before calling.

R: ``k_sqrt(x)`` (clips negatives to 0 first, as Keras 2 did)
Python: ``k_sqrt(x)``
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _keras
from ..errors import InvalidValueError
from .support import rank_of

__all__: list[str] = []


def _k() -> Any:
    return _keras.keras()


def sqrt(x: Any) -> Any:
    ops = _k().ops
    return ops.sqrt(ops.maximum(ops.convert_to_tensor(x), 0))


def clip(x: Any, min_value: Any = None, max_value: Any = None) -> Any:
    ops = _k().ops
    if min_value is None:
        min_value = -np.inf
    if max_value is None:
        max_value = np.inf
    if np.isscalar(min_value) and np.isscalar(max_value) and max_value < min_value:
        max_value = min_value
    return ops.clip(x, min_value, max_value)


def dot(x: Any, y: Any) -> Any:
    """Keras 2's dot: matmul for 2-D, else the last axis of x with the second-to-last of y."""
    ops = _k().ops
    rx, ry = rank_of(x), rank_of(y)
    if rx is not None and ry is not None and (rx > 2 or ry > 2):
        return ops.tensordot(x, y, axes=[[rx - 1], [max(ry - 2, 0)]])
    return ops.matmul(x, y)


def batch_dot(x: Any, y: Any, axes: Any = None) -> Any:
    """Keras 2's batch_dot over static shapes: contract ``axes`` per sample."""
    ops = _k().ops
    x, y = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
    rx, ry = len(x.shape), len(y.shape)
    if axes is None:
        axes = (rx - 1, ry - 1 if ry == 2 else ry - 2)
    if isinstance(axes, int):
        axes = (axes, axes)
    ax, ay = (a % r for a, r in zip(axes, (rx, ry)))
    xm = ops.moveaxis(x, ax, -1)
    ym = ops.moveaxis(y, ay, 1)
    x_rest, y_rest = tuple(xm.shape[1:-1]), tuple(ym.shape[2:])
    batch = ops.shape(x)[0]
    flat_x = ops.reshape(xm, (batch, int(np.prod(x_rest)) if x_rest else 1, xm.shape[-1]))
    flat_y = ops.reshape(ym, (batch, ym.shape[1], int(np.prod(y_rest)) if y_rest else 1))
    out = ops.matmul(flat_x, flat_y)
    shape = (batch,) + x_rest + y_rest
    return ops.reshape(out, shape if len(shape) > 1 else (batch, 1))


def gather(reference: Any, indices: Any) -> Any:
    """Keras 2's gather: rows of ``reference`` (along the first axis)."""
    return _k().ops.take(reference, indices, axis=0)


def flatten(x: Any) -> Any:
    return _k().ops.reshape(x, (-1,))


def batch_flatten(x: Any) -> Any:
    ops = _k().ops
    rest = x.shape[1:] if hasattr(x, "shape") else np.shape(x)[1:]
    return ops.reshape(x, (-1, int(np.prod(rest))))


def repeat(x: Any, n: int) -> Any:
    ops = _k().ops
    return ops.tile(ops.expand_dims(x, 1), (1, n, 1))


def l2_normalize(x: Any, axis: Any = None) -> Any:
    ops = _k().ops
    x = ops.convert_to_tensor(x)
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.rsqrt(ops.maximum(square_sum, 1e-12)))


def relu(x: Any, alpha: float = 0.0, max_value: Any = None) -> Any:
    return _k().activations.relu(x, negative_slope=alpha, max_value=max_value)


def cast_to_floatx(x: Any) -> Any:
    k = _k()
    return k.ops.cast(x, k.config.floatx())


def shape(x: Any) -> Any:
    """The dynamic shape as an int32 tensor (Keras 2's ``K.shape``)."""
    ops = _k().ops
    return ops.stack([ops.cast(d, "int32") for d in ops.shape(x)])


def int_shape(x: Any) -> tuple[int | None, ...]:
    return tuple(None if d is None else int(d) for d in _k().ops.shape(x))


def ndim(x: Any) -> int:
    return len(_k().ops.shape(x))


def dtype(x: Any) -> str:
    return _k().backend.standardize_dtype(x.dtype)


def count_params(x: Any) -> int:
    return int(np.prod(int_shape(x)))


def is_keras_tensor(x: Any) -> bool:
    return isinstance(x, _k().KerasTensor)


def constant(value: Any, dtype: Any = None, shape: Any = None) -> Any:
    k = _k()
    ops = k.ops
    dtype = dtype or k.config.floatx()
    if shape is not None:
        shape = tuple(int(s) for s in np.atleast_1d(shape))
        if np.ndim(value) == 0:
            return ops.full(shape, value, dtype=dtype)
        return ops.reshape(ops.convert_to_tensor(value, dtype=dtype), shape)
    return ops.convert_to_tensor(value, dtype=dtype)


def variable(value: Any, dtype: Any = None, name: Any = None, constraint: Any = None) -> Any:
    k = _k()
    if constraint is not None:
        raise InvalidValueError(
            "k_variable(): `constraint` is not supported by Keras 3 variables; give the "
            "constraint to the layer weight instead (add_weight(constraint=...))"
        )
    value = np.asarray(value) if not _keras.is_tensor(value) else value
    return k.Variable(value, dtype=dtype or k.config.floatx(), name=name)


def eval_(x: Any) -> Any:
    return _k().ops.convert_to_numpy(x)


def set_value(x: Any, value: Any) -> None:
    x.assign(value)


def batch_get_value(ops: Any) -> list[Any]:
    return [eval_(x) for x in ops]


def batch_set_value(tuples: Any) -> None:
    for x, value in tuples:
        x.assign(value)


def update(x: Any, new_x: Any) -> Any:
    x.assign(new_x)
    return x


def update_add(x: Any, increment: Any) -> Any:
    x.assign_add(increment)
    return x


def update_sub(x: Any, decrement: Any) -> Any:
    x.assign_sub(decrement)
    return x


def moving_average_update(x: Any, value: Any, momentum: Any) -> Any:
    ops = _k().ops
    x.assign(ops.add(ops.multiply(x, momentum), ops.multiply(value, 1 - momentum)))
    return x


def random_binomial(shape: Any, p: float = 0.0, dtype: Any = None, seed: Any = None) -> Any:
    k = _k()
    dtype = dtype or k.config.floatx()
    draw = k.random.uniform(shape, seed=seed)
    return k.ops.cast(k.ops.less(draw, p), dtype)


def random_normal_variable(shape: Any, mean: Any, scale: Any, dtype: Any = None,
                           name: Any = None, seed: Any = None) -> Any:
    k = _k()
    value = k.random.normal(shape, mean=mean, stddev=scale, dtype=dtype, seed=seed)
    return k.Variable(value, name=name)


def random_uniform_variable(shape: Any, low: Any, high: Any, dtype: Any = None,
                            name: Any = None, seed: Any = None) -> Any:
    k = _k()
    value = k.random.uniform(shape, minval=low, maxval=high, dtype=dtype, seed=seed)
    return k.Variable(value, name=name)


def switch(condition: Any, then_expression: Any, else_expression: Any) -> Any:
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    return _k().ops.where(condition, then_value, else_value)


def foldl(fn: Any, elems: Any, initializer: Any = None, reverse: bool = False) -> Any:
    ops = _k().ops
    elems = ops.convert_to_tensor(elems)
    if initializer is None:
        first = elems[-1] if reverse else elems[0]
        elems = elems[:-1] if reverse else elems[1:]
        initializer = first

    def step(carry: Any, x: Any) -> Any:
        out = fn(carry, x)
        return out, out

    carry, _ = ops.scan(step, initializer, elems, reverse=reverse)
    return carry


def foldr(fn: Any, elems: Any, initializer: Any = None) -> Any:
    return foldl(fn, elems, initializer, reverse=True)


def bias_add(x: Any, bias: Any, data_format: Any = None) -> Any:
    k = _k()
    data_format = data_format or k.config.image_data_format()
    if data_format == "channels_first" and rank_of(x) and rank_of(x) > 2:
        shape = (1, -1) + (1,) * (rank_of(x) - 2)
        return k.ops.add(x, k.ops.reshape(bias, shape))
    return k.ops.add(x, bias)


def pool(x: Any, pool_size: Any, strides: Any = 1, padding: str = "valid",
         data_format: Any = None, pool_mode: str = "max") -> Any:
    ops = _k().ops
    if pool_mode not in ("max", "avg"):
        raise InvalidValueError(
            f"k_pool2d(): `pool_mode` must be 'max' or 'avg', got {pool_mode!r}"
        )
    fn = ops.max_pool if pool_mode == "max" else ops.average_pool
    return fn(x, pool_size, strides=strides, padding=padding, data_format=data_format)


def _padding(x: Any, pairs: Any, data_format: Any) -> Any:
    k = _k()
    data_format = data_format or k.config.image_data_format()
    pairs = [tuple(int(v) for v in p) for p in pairs]
    if data_format == "channels_first":
        width = [(0, 0), (0, 0)] + pairs
    else:
        width = [(0, 0)] + pairs + [(0, 0)]
    return k.ops.pad(x, width)


def temporal_padding(x: Any, padding: Any = (1, 1)) -> Any:
    return _k().ops.pad(x, [(0, 0), tuple(int(v) for v in padding), (0, 0)])


def spatial_2d_padding(x: Any, padding: Any = ((1, 1), (1, 1)), data_format: Any = None) -> Any:
    return _padding(x, padding, data_format)


def spatial_3d_padding(x: Any, padding: Any = ((1, 1), (1, 1), (1, 1)),
                       data_format: Any = None) -> Any:
    return _padding(x, padding, data_format)


def resize(x: Any, factors: Any, data_format: Any) -> Any:
    k = _k()
    data_format = data_format or k.config.image_data_format()
    first = 2 if data_format == "channels_first" else 1
    for i, factor in enumerate(factors):
        x = k.ops.repeat(x, int(factor), axis=first + i)
    return x


def resize_images(x: Any, height_factor: Any, width_factor: Any, data_format: Any = None,
                  interpolation: str = "nearest") -> Any:
    if interpolation != "nearest":
        raise InvalidValueError(
            "k_resize_images(): only interpolation='nearest' is served; use "
            "op_image_resize(x, size, interpolation='bilinear') for bilinear resizing"
        )
    return resize(x, (height_factor, width_factor), data_format)


def resize_volumes(x: Any, depth_factor: Any, height_factor: Any, width_factor: Any,
                   data_format: Any = None) -> Any:
    return resize(x, (depth_factor, height_factor, width_factor), data_format)


def normalize_batch_in_training(x: Any, gamma: Any, beta: Any, reduction_axes: Any,
                                epsilon: float = 0.001) -> tuple[Any, Any, Any]:
    ops = _k().ops
    mean, var = ops.moments(x, axes=reduction_axes)
    normed = ops.batch_normalization(x, mean, var, axis=-1, offset=beta, scale=gamma,
                                     epsilon=epsilon)
    return normed, mean, var


def print_tensor(x: Any, message: str = "") -> Any:
    print(message, x)
    return x


def is_sparse(tensor: Any) -> bool:
    return bool(getattr(tensor, "sparse", False)) or type(tensor).__name__ == "SparseTensor"


def to_dense(tensor: Any) -> Any:
    return _k().ops.convert_to_tensor(tensor, sparse=False)
