"""R keras 2's ``k_*`` backend functions, built from one table over ``keras.ops``.

Each entry says which Keras function serves the R function, R's argument names and defaults,
how they map onto Keras's, and which are 1-based axes (the modern ``as_axis`` rule: 0 is an
error, negatives count from the end; see docs/ops.md for how R keras 2.3 differed). Graph-mode
functions (``k_function``, ``k_gradients``, ``k_placeholder``, ...) raise an error that shows
the eager replacement.

R: ``k_mean(k_square(y_pred - y_true), axis = -1)``
Python: ``k_mean(k_square(y_pred - y_true), axis=-1)``
"""

# The k_* functions are built from TABLE at import (globals().update below), so ruff cannot
# see the names __all__ lists; a test checks __all__ against the table.
# ruff: noqa: F822
from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import _keras
from ..arguments import REQUIRED, as_int_like
from ..errors import ArgumentError, KerasrError, unknown_argument
from . import k_impl, support
from .axis import as_axis


class GraphModeError(KerasrError, NotImplementedError):
    """A TensorFlow 1 graph-mode ``k_*`` function: Keras 3 runs eagerly.

    R: ``k_gradients(loss, model$input)``
    Python: ``with tf.GradientTape() as tape: ...`` (the error message shows the code)
    """


@dataclass(frozen=True)
class K:
    """One ``k_*`` function: ``target`` is ``"ops.mean"``, ``"random.normal"``, ``"config.x"``
    (a path under ``keras``) or a callable from ``k_impl``; ``r_args`` is R's signature as
    Python source; ``rename`` maps R argument names to Keras's (None: dropped, as
    ``name =`` is in eager mode); ``axes`` are R's 1-based axis arguments."""

    target: str | Callable[..., Any]
    r_args: str = "x"
    rename: dict[str, str | None] = field(default_factory=dict)
    axes: tuple[str, ...] = ()
    ints: tuple[str, ...] = ()
    shape: tuple[str, ...] = ()
    zero_based_in: tuple[str, ...] = ()
    summary: str = ""


def _unary(op: str, summary: str) -> K:
    return K(f"ops.{op}", "x", summary=summary)


def _binary(op: str, summary: str) -> K:
    return K(f"ops.{op}", "x, y", {"x": "x1", "y": "x2"}, summary=summary)


def _reduce(op: str, summary: str) -> K:
    return K(f"ops.{op}", "x, axis=None, keepdims=False", axes=("axis",), summary=summary)


_RANDOM = "shape, {a}={x}, {b}={y}, dtype=None, seed=None"
_CONV = "x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1"

#: R name -> how Keras 3 serves it.
TABLE: dict[str, K] = {
    # element-wise
    "k_abs": _unary("absolute", "Element-wise absolute value."),
    "k_exp": _unary("exp", "Element-wise exponential."),
    "k_log": _unary("log", "Element-wise natural logarithm."),
    "k_sign": _unary("sign", "Element-wise sign."),
    "k_round": _unary("round", "Element-wise rounding to the closest integer."),
    "k_square": _unary("square", "Element-wise square."),
    "k_sin": _unary("sin", "Element-wise sine."),
    "k_cos": _unary("cos", "Element-wise cosine."),
    "k_tanh": _unary("tanh", "Element-wise hyperbolic tangent."),
    "k_sigmoid": _unary("sigmoid", "Element-wise sigmoid."),
    "k_hard_sigmoid": _unary("hard_sigmoid", "Segment-wise linear approximation of sigmoid."),
    "k_softplus": _unary("softplus", "Softplus of a tensor."),
    "k_softsign": _unary("softsign", "Softsign of a tensor."),
    "k_sqrt": K(k_impl.sqrt, summary="Element-wise square root; negatives become 0 first, "
                "as in R keras 2."),
    "k_pow": K("ops.power", "x, a", {"x": "x1", "a": "x2"},
               summary="Element-wise exponentiation (the exponent is not truncated)."),
    "k_clip": K(k_impl.clip, "x, min_value=None, max_value=None",
                summary="Element-wise value clipping (None: unbounded)."),
    "k_equal": _binary("equal", "Element-wise equality between two tensors."),
    "k_not_equal": _binary("not_equal", "Element-wise inequality between two tensors."),
    "k_greater": _binary("greater", "Element-wise truth value of (x > y)."),
    "k_greater_equal": _binary("greater_equal", "Element-wise truth value of (x >= y)."),
    "k_less": _binary("less", "Element-wise truth value of (x < y)."),
    "k_less_equal": _binary("less_equal", "Element-wise truth value of (x <= y)."),
    "k_maximum": _binary("maximum", "Element-wise maximum of two tensors."),
    "k_minimum": _binary("minimum", "Element-wise minimum of two tensors."),
    # reductions
    "k_mean": _reduce("mean", "Mean of a tensor, alongside the specified axis."),
    "k_sum": _reduce("sum", "Sum of the values in a tensor, alongside the specified axis."),
    "k_prod": _reduce("prod", "Multiplies the values in a tensor, alongside the axis."),
    "k_max": _reduce("max", "Maximum value in a tensor."),
    "k_min": _reduce("min", "Minimum value in a tensor."),
    "k_std": _reduce("std", "Standard deviation of a tensor (population), along an axis."),
    "k_var": _reduce("var", "Variance of a tensor (population), along an axis."),
    "k_any": _reduce("any", "Bitwise reduction (logical OR)."),
    "k_all": _reduce("all", "Bitwise reduction (logical AND)."),
    "k_logsumexp": _reduce("logsumexp", "Computes log(sum(exp(elements across dimensions)))."),
    "k_argmax": K("ops.argmax", "x, axis=-1", axes=("axis",),
                  summary="Index of the maximum value along an axis (0-based, as in R keras 2)."),
    "k_argmin": K("ops.argmin", "x, axis=-1", axes=("axis",),
                  summary="Index of the minimum value along an axis (0-based, as in R keras 2)."),
    "k_cumsum": K("ops.cumsum", "x, axis=1", axes=("axis",),
                  summary="Cumulative sum of the values in a tensor, alongside an axis."),
    "k_cumprod": K("ops.cumprod", "x, axis=1", axes=("axis",),
                   summary="Cumulative product of the values in a tensor, alongside an axis."),
    # shapes and structure
    "k_concatenate": K("ops.concatenate", "tensors, axis=-1", {"tensors": "xs"}, ("axis",),
                       summary="Concatenates a list of tensors alongside the specified axis."),
    "k_stack": K("ops.stack", "x, axis=1", axes=("axis",),
                 summary="Stacks a list of rank R tensors into a rank R+1 tensor."),
    "k_unstack": K("ops.unstack", "x, axis=1, num=None, name=None", {"name": None},
                   ("axis",), ("num",), summary="Unstack a rank R tensor into rank R-1 tensors."),
    "k_expand_dims": K("ops.expand_dims", "x, axis=-1", axes=("axis",),
                       summary="Adds a 1-sized dimension at index `axis`."),
    "k_squeeze": K("ops.squeeze", "x, axis=None", axes=("axis",),
                   summary="Removes a 1-dimension from the tensor at index `axis`."),
    "k_reverse": K("ops.flip", "x, axes", {"axes": "axis"}, ("axes",),
                   summary="Reverse a tensor along the specified axes."),
    "k_transpose": K("ops.transpose", summary="Transposes a tensor (reverses its axes)."),
    "k_permute_dimensions": K("ops.transpose", "x, pattern", {"pattern": "axes"}, ("pattern",),
                              summary="Permutes axes in a tensor (1-based pattern)."),
    "k_reshape": K("ops.reshape", "x, shape", {"shape": "newshape"}, shape=("shape",),
                   summary="Reshapes a tensor to the specified shape (NA/None: inferred)."),
    "k_flatten": K(k_impl.flatten, summary="Flatten a tensor."),
    "k_batch_flatten": K(k_impl.batch_flatten,
                         summary="Turn a nD tensor into a 2D tensor with same first dimension."),
    "k_tile": K("ops.tile", "x, n", {"n": "repeats"}, ints=("n",),
                summary="Creates a tensor by tiling `x` by `n`."),
    "k_repeat": K(k_impl.repeat, "x, n", ints=("n",),
                  summary="Repeats a 2D tensor (samples, dim) into (samples, n, dim)."),
    "k_repeat_elements": K("ops.repeat", "x, rep, axis", {"rep": "repeats"}, ("axis",),
                           ("rep",), summary="Repeats the elements of a tensor along an axis."),
    "k_gather": K(k_impl.gather, "reference, indices", zero_based_in=("indices",),
                  summary="Retrieves the elements of indices `indices` (1-based) in `reference`."),
    "k_one_hot": K("ops.one_hot", "indices, num_classes", {"indices": "x"}, ints=("num_classes",),
                   summary="Computes the one-hot representation of an integer tensor (0-based)."),
    "k_cast": K("ops.cast", "x, dtype", summary="Casts a tensor to a different dtype."),
    "k_cast_to_floatx": K(k_impl.cast_to_floatx, summary="Cast to the default float type."),
    "k_identity": K("ops.copy", "x, name=None", {"name": None},
                    summary="Returns a tensor with the same content as the input tensor."),
    "k_stop_gradient": K("ops.stop_gradient", "variables", {"variables": "variable"},
                         summary="Returns `variables` but with zero gradient."),
    "k_zeros_like": K("ops.zeros_like", "x, dtype=None, name=None", {"name": None},
                      summary="All-zeros variable of the same shape as another tensor."),
    "k_ones_like": K("ops.ones_like", "x, dtype=None, name=None", {"name": None},
                     summary="All-ones variable of the same shape as another tensor."),
    "k_zeros": K("ops.zeros", "shape, dtype=None, name=None", {"name": None}, shape=("shape",),
                 summary="Instantiates an all-zeros tensor."),
    "k_ones": K("ops.ones", "shape, dtype=None, name=None", {"name": None}, shape=("shape",),
                summary="Instantiates an all-ones tensor."),
    "k_eye": K("ops.eye", "size, dtype=None, name=None", {"size": "N", "name": None},
               ints=("size",), summary="Instantiate an identity matrix."),
    "k_arange": K("ops.arange", "start, stop=None, step=1, dtype='int32'",
                  summary="Creates a 1D tensor containing a sequence of integers."),
    # linear algebra
    "k_dot": K(k_impl.dot, "x, y", summary="Multiplies 2 tensors (and/or variables)."),
    "k_batch_dot": K(k_impl.batch_dot, "x, y, axes=None", axes=("axes",),
                     summary="Batchwise dot product."),
    "k_l2_normalize": K(k_impl.l2_normalize, "x, axis=None", axes=("axis",),
                        summary="Normalizes a tensor wrt the L2 norm alongside the axis."),
    # neural network
    "k_softmax": K("ops.softmax", "x, axis=-1", axes=("axis",), summary="Softmax of a tensor."),
    "k_relu": K(k_impl.relu, "x, alpha=0.0, max_value=None",
                summary="Rectified linear unit (leaky with `alpha`, capped at `max_value`)."),
    "k_elu": K("ops.elu", "x, alpha=1.0", summary="Exponential linear unit."),
    "k_binary_crossentropy": K("ops.binary_crossentropy", "target, output, from_logits=False",
                               summary="Binary crossentropy between an output and a target."),
    "k_categorical_crossentropy": K(
        "ops.categorical_crossentropy", "target, output, from_logits=False, axis=-1",
        axes=("axis",), summary="Categorical crossentropy between an output and a target."),
    "k_sparse_categorical_crossentropy": K(
        "ops.sparse_categorical_crossentropy", "target, output, from_logits=False, axis=-1",
        axes=("axis",), summary="Categorical crossentropy with integer targets."),
    "k_in_top_k": K("ops.in_top_k", "predictions, targets, k", ints=("k",),
                    summary="Returns whether the `targets` are in the top `k` `predictions`."),
    "k_dropout": K("random.dropout", "x, level, noise_shape=None, seed=None", {"level": "rate"},
                   summary="Sets entries in `x` to zero at random, while scaling the tensor."),
    "k_batch_normalization": K(
        "ops.batch_normalization", "x, mean, var, beta, gamma, axis=-1, epsilon=0.001",
        {"var": "variance", "beta": "offset", "gamma": "scale"}, ("axis",),
        summary="Applies batch normalization on x given mean, var, beta and gamma."),
    "k_normalize_batch_in_training": K(
        k_impl.normalize_batch_in_training, "x, gamma, beta, reduction_axes, epsilon=0.001",
        axes=("reduction_axes",), summary="Computes mean and std for batch then apply "
        "batch_normalization on batch."),
    "k_bias_add": K(k_impl.bias_add, "x, bias, data_format=None",
                    summary="Adds a bias vector to a tensor."),
    "k_conv1d": K("ops.conv", _CONV, summary="1D convolution."),
    "k_conv2d": K("ops.conv", _CONV, summary="2D convolution."),
    "k_conv3d": K("ops.conv", _CONV, summary="3D convolution."),
    "k_depthwise_conv2d": K(
        "ops.depthwise_conv", "x, depthwise_kernel, strides=1, padding='valid', "
        "data_format=None, dilation_rate=1", {"depthwise_kernel": "kernel"},
        summary="Depthwise 2D convolution."),
    "k_separable_conv2d": K(
        "ops.separable_conv", "x, depthwise_kernel, pointwise_kernel, strides=1, "
        "padding='valid', data_format=None, dilation_rate=1", summary="2D convolution with "
        "separable filters."),
    "k_pool2d": K(k_impl.pool, "x, pool_size, strides=1, padding='valid', data_format=None, "
                  "pool_mode='max'", summary="2D Pooling."),
    "k_pool3d": K(k_impl.pool, "x, pool_size, strides=1, padding='valid', data_format=None, "
                  "pool_mode='max'", summary="3D Pooling."),
    "k_temporal_padding": K(k_impl.temporal_padding, "x, padding=(1, 1)",
                            summary="Pads the middle dimension of a 3D tensor."),
    "k_spatial_2d_padding": K(k_impl.spatial_2d_padding,
                              "x, padding=((1, 1), (1, 1)), data_format=None",
                              summary="Pads the 2nd and 3rd dimensions of a 4D tensor."),
    "k_spatial_3d_padding": K(k_impl.spatial_3d_padding,
                              "x, padding=((1, 1), (1, 1), (1, 1)), data_format=None",
                              summary="Pads 5D tensor with zeros along the depth, height, width."),
    "k_resize_images": K(k_impl.resize_images, "x, height_factor, width_factor, "
                         "data_format=None, interpolation='nearest'",
                         ints=("height_factor", "width_factor"),
                         summary="Resizes the images contained in a 4D tensor."),
    "k_resize_volumes": K(k_impl.resize_volumes, "x, depth_factor, height_factor, width_factor, "
                          "data_format=None", ints=("depth_factor", "height_factor",
                                                    "width_factor"),
                          summary="Resizes the volume contained in a 5D tensor."),
    # control flow
    "k_switch": K(k_impl.switch, "condition, then_expression, else_expression",
                  summary="Switches between two operations depending on a scalar value."),
    "k_map_fn": K("ops.map", "fn, elems, name=None, dtype=None",
                  {"fn": "f", "elems": "xs", "name": None, "dtype": None},
                  summary="Map the function fn over the elements elems and return the outputs."),
    "k_foldl": K(k_impl.foldl, "fn, elems, initializer=None, name=None", {"name": None},
                 summary="Reduce elems using fn to combine them from left to right."),
    "k_foldr": K(k_impl.foldr, "fn, elems, initializer=None, name=None", {"name": None},
                 summary="Reduce elems using fn to combine them from right to left."),
    # random
    "k_random_normal": K("random.normal", _RANDOM.format(a="mean", x=0.0, b="stddev", y=1.0),
                         shape=("shape",), ints=("seed",),
                         summary="Returns a tensor with normal distribution of values."),
    "k_random_uniform": K("random.uniform", _RANDOM.format(a="minval", x=0.0, b="maxval", y=1.0),
                          shape=("shape",), ints=("seed",),
                          summary="Returns a tensor with uniform distribution of values."),
    "k_truncated_normal": K("random.truncated_normal",
                            _RANDOM.format(a="mean", x=0.0, b="stddev", y=1.0),
                            shape=("shape",), ints=("seed",),
                            summary="Returns a tensor with truncated random normal distribution."),
    "k_random_binomial": K(k_impl.random_binomial, "shape, p=0.0, dtype=None, seed=None",
                           shape=("shape",), ints=("seed",),
                           summary="Returns a tensor with random binomial distribution."),
    "k_random_bernoulli": K(k_impl.random_binomial, "shape, p=0.0, dtype=None, seed=None",
                            shape=("shape",), ints=("seed",),
                            summary="Returns a tensor with random Bernoulli distribution."),
    "k_random_normal_variable": K(
        k_impl.random_normal_variable, "shape, mean, scale, dtype=None, name=None, seed=None",
        shape=("shape",), ints=("seed",), summary="Instantiates a variable with values drawn "
        "from a normal distribution."),
    "k_random_uniform_variable": K(
        k_impl.random_uniform_variable, "shape, low, high, dtype=None, name=None, seed=None",
        shape=("shape",), ints=("seed",), summary="Instantiates a variable with values drawn "
        "from a uniform distribution."),
    # tensors, variables and their values
    "k_variable": K(k_impl.variable, "value, dtype=None, name=None, constraint=None",
                    summary="Instantiates a variable and returns it."),
    "k_constant": K(k_impl.constant, "value, dtype=None, shape=None, name=None", {"name": None},
                    summary="Creates a constant tensor."),
    "k_shape": K(k_impl.shape, summary="Returns the symbolic shape of a tensor or variable."),
    "k_int_shape": K(k_impl.int_shape,
                     summary="Returns the shape of a tensor or variable as a tuple (None: NA)."),
    "k_get_variable_shape": K(k_impl.int_shape, summary="Returns the shape of a variable."),
    "k_ndim": K(k_impl.ndim, summary="Returns the number of axes in a tensor, as an integer."),
    "k_dtype": K(k_impl.dtype, summary="Returns the dtype of a Keras tensor or variable, "
                 "as a string."),
    "k_count_params": K(k_impl.count_params,
                        summary="Returns the static number of elements in a variable or tensor."),
    "k_is_tensor": K("ops.is_tensor", summary="Returns whether `x` is a backend tensor."),
    "k_is_keras_tensor": K(k_impl.is_keras_tensor,
                           summary="Returns whether `x` is a Keras (symbolic) tensor."),
    "k_is_sparse": K(k_impl.is_sparse, "tensor", summary="Returns whether a tensor is sparse."),
    "k_to_dense": K(k_impl.to_dense, "tensor", summary="Converts a sparse tensor into a dense "
                    "tensor and returns it."),
    "k_eval": K(k_impl.eval_, summary="Evaluates the value of a tensor (an array)."),
    "k_get_value": K(k_impl.eval_, summary="Returns the value of a variable (an array)."),
    "k_batch_get_value": K(k_impl.batch_get_value, "ops",
                           summary="Returns the value of more than one tensor variable."),
    "k_set_value": K(k_impl.set_value, "x, value",
                     summary="Sets the value of a variable, from an array."),
    "k_batch_set_value": K(k_impl.batch_set_value, "tuples",
                           summary="Sets the values of many tensor variables at once."),
    "k_update": K(k_impl.update, "x, new_x", summary="Update the value of `x` to `new_x`."),
    "k_update_add": K(k_impl.update_add, "x, increment",
                      summary="Update the value of `x` by adding `increment`."),
    "k_update_sub": K(k_impl.update_sub, "x, decrement",
                      summary="Update the value of `x` by subtracting `decrement`."),
    "k_moving_average_update": K(k_impl.moving_average_update, "x, value, momentum",
                                 summary="Compute the moving average of a variable."),
    "k_print_tensor": K(k_impl.print_tensor, "x, message=''",
                        summary="Prints `message` and the tensor value, returns `x`."),
    # configuration
    "k_epsilon": K("config.epsilon", "", summary="Fuzz factor used in numeric expressions."),
    "k_set_epsilon": K("config.set_epsilon", "e", {"e": "value"},
                       summary="Sets the value of the fuzz factor used in numeric expressions."),
    "k_floatx": K("config.floatx", "", summary="Default float type, as a string."),
    "k_set_floatx": K("config.set_floatx", "floatx", {"floatx": "value"},
                      summary="Sets the default float type."),
    "k_image_data_format": K("config.image_data_format", "",
                             summary="Default image data format convention."),
    "k_set_image_data_format": K("config.set_image_data_format", "data_format",
                                 summary="Sets the value of the data format convention."),
    "k_backend": K("backend.backend", "", summary="Active Keras backend, as a string."),
    "k_get_uid": K("backend.get_uid", "prefix=''",
                   summary="Get the uid for the default graph."),
}

#: Graph-mode (TensorFlow 1) functions: R name -> the eager replacement shown in the error.
GRAPH_MODE: dict[str, str] = {
    "k_function": (
        "call the model or a function directly; for intermediate outputs build a model: "
        "`keras_model(inputs = model$input, outputs = layer$output)` / "
        "`keras_model(inputs=model.input, outputs=layer.output)`"),
    "k_gradients": (
        "use a gradient tape: `with tf.GradientTape() as tape: tape.watch(x); loss = f(x)` "
        "then `tape.gradient(loss, x)` (TensorFlow backend), or `jax.grad(f)(x)` on JAX"),
    "k_placeholder": (
        "use a symbolic input, `layer_input(shape=...)`, or pass arrays/tensors directly"),
    "k_is_placeholder": "there are no placeholders in Keras 3; use k_is_keras_tensor(x)",
    "k_get_session": "Keras 3 has no session; tensors evaluate eagerly (k_eval(x))",
    "k_set_session": "Keras 3 has no session; tensors evaluate eagerly (k_eval(x))",
    "k_learning_phase": "pass `training=TRUE/FALSE` / `training=True/False` to the layer call",
    "k_set_learning_phase": "pass `training=True/False` to the layer or model call",
    "k_in_train_phase": "branch on the `training` argument of your layer's call()",
    "k_in_test_phase": "branch on the `training` argument of your layer's call()",
    "k_manual_variable_initialization": "Keras 3 variables are initialized when created",
    "k_rnn": "use layer_rnn(cell = ...) / layer_rnn(cell=...) or op_scan for a custom loop",
    "k_local_conv1d": "Keras 3 dropped locally-connected layers; use op_conv with a kernel per "
                      "position, or layer_conv_1d",
    "k_local_conv2d": "Keras 3 dropped locally-connected layers; use layer_conv_2d",
    "k_conv2d_transpose": "use op_conv_transpose(x, kernel, strides, padding, output_padding)",
    "k_conv3d_transpose": "use op_conv_transpose(x, kernel, strides, padding, output_padding)",
    "k_ctc_batch_cost": "use op_ctc_loss(target, output, target_length, output_length, "
                        "mask_index) (Keras 3's blank index is 0 by default; Keras 2's was "
                        "the last class)",
    "k_ctc_decode": "use op_ctc_decode(inputs, sequence_lengths, strategy='greedy')",
    "k_ctc_label_dense_to_sparse": "Keras 3 has no sparse CTC labels; use op_ctc_loss with "
                                   "dense labels",
    "k_reset_uids": "use k_clear_session(), which also resets layer name counters",
}


def _parse(r_args: str) -> list[inspect.Parameter]:
    node = ast.parse(f"def f({r_args}): pass").body[0].args  # type: ignore[attr-defined]
    defaults = [ast.literal_eval(d) for d in node.defaults]
    params = node.args
    first_default = len(params) - len(defaults)
    out = []
    for i, arg in enumerate(params):
        default = defaults[i - first_default] if i >= first_default else inspect.Parameter.empty
        out.append(inspect.Parameter(arg.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                     default=default))
    return out


def _resolve(target: str) -> Callable[..., Any]:
    obj: Any = _keras.keras()
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj


def _shape(value: Any, function: str, argument: str) -> Any:
    if _keras.is_tensor(value):
        return value
    return support.reshape_shape(value, function, argument)


def _build(r_name: str, entry: K) -> Callable[..., Any]:
    params = _parse(entry.r_args)
    signature = inspect.Signature(params)
    first = params[0].name if params else None

    def function(*args: Any, **kwargs: Any) -> Any:
        for key in kwargs:
            if key not in signature.parameters:
                raise unknown_argument(r_name, key, list(signature.parameters))
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise ArgumentError(f"{r_name}(): {exc} (see help({r_name}))") from None
        bound.apply_defaults()
        values = dict(bound.arguments)
        rank = None
        if entry.axes and first is not None:
            rank = support.rank_of(values[first])
            if r_name in ("k_stack", "k_concatenate"):
                rank = support.first_rank(values[first])
                if rank is not None and r_name == "k_stack":
                    rank += 1
            elif r_name == "k_expand_dims" and rank is not None:
                rank += 1
        for name in entry.axes:
            values[name] = as_axis(values[name], r_name, name, rank)
        for name in entry.ints:
            values[name] = as_int_like(values[name])
        for name in entry.shape:
            values[name] = _shape(values[name], r_name, name)
        for name in entry.zero_based_in:
            if not _keras.is_tensor(values[name]):
                values[name] = support.zero_based(values[name], r_name, name)
        if "dtype" in values:
            values["dtype"] = support.dtype(values["dtype"], r_name)
        call = {}
        for name, value in values.items():
            target_name = entry.rename.get(name, name)
            if target_name is not None:
                call[target_name] = value
        fn = entry.target if callable(entry.target) else _resolve(entry.target)
        return fn(**call)

    function.__name__ = function.__qualname__ = r_name
    function.__signature__ = signature  # type: ignore[attr-defined]
    function.__module__ = __name__
    function.__doc__ = _doc(r_name, entry, params)
    function.__kerasr_k__ = entry  # type: ignore[attr-defined]
    #: the plain Keras spelling, for the translation table
    function.__kerasr_keras__ = (  # type: ignore[attr-defined]
        f"keras.{entry.target}()" if isinstance(entry.target, str) else None)
    return function


def _doc(r_name: str, entry: K, params: list[inspect.Parameter]) -> str:
    target = entry.target if isinstance(entry.target, str) else f"k_impl.{entry.target.__name__}"
    required = ", ".join(p.name for p in params if p.default is inspect.Parameter.empty)
    lines = [entry.summary or f"R keras 2's {r_name}().", "",
             f"Served by ``keras.{target}``." if isinstance(entry.target, str)
             else f"Implemented in ``kerasr.ops.{target}``."]
    if entry.axes:
        lines.append(", ".join(f"``{a}``" for a in entry.axes)
                     + ": 1-based, as in R (negative counts from the end; 0 is an error).")
    lines += ["", f"R: ``{r_name}({required})``", f"Python: ``{r_name}({required})``"]
    return "\n".join(lines)


def _graph_mode(r_name: str, replacement: str) -> Callable[..., Any]:
    def function(*args: Any, **kwargs: Any) -> Any:
        raise GraphModeError(
            f"{r_name}() is a TensorFlow 1 graph-mode function and Keras 3 runs eagerly; "
            f"{replacement}"
        )

    function.__name__ = function.__qualname__ = r_name
    function.__module__ = __name__
    #: read by the translation table: not applicable in Python, and what to write instead
    function.__kerasr_not_applicable__ = replacement  # type: ignore[attr-defined]
    function.__doc__ = (
        f"Not available in Keras 3 (graph mode): raises GraphModeError.\n\n"
        f"Instead: {replacement}.\n\nR: ``{r_name}(...)``\nPython: see the replacement above"
    )
    return function


def _all_functions() -> dict[str, Callable[..., Any]]:
    built = {name: _build(name, entry) for name, entry in TABLE.items()}
    built.update({name: _graph_mode(name, text) for name, text in GRAPH_MODE.items()})
    return built


_FUNCTIONS = _all_functions()
globals().update(_FUNCTIONS)
_ = REQUIRED

__all__ = [
    "GraphModeError",
    "k_abs", "k_all", "k_any", "k_arange", "k_argmax", "k_argmin", "k_backend",
    "k_batch_dot", "k_batch_flatten", "k_batch_get_value", "k_batch_normalization",
    "k_batch_set_value", "k_bias_add", "k_binary_crossentropy", "k_cast", "k_cast_to_floatx",
    "k_categorical_crossentropy", "k_clip", "k_concatenate", "k_constant", "k_conv1d",
    "k_conv2d", "k_conv2d_transpose", "k_conv3d", "k_conv3d_transpose", "k_cos",
    "k_count_params", "k_ctc_batch_cost", "k_ctc_decode", "k_ctc_label_dense_to_sparse",
    "k_cumprod", "k_cumsum", "k_depthwise_conv2d", "k_dot", "k_dropout", "k_dtype", "k_elu",
    "k_epsilon", "k_equal", "k_eval", "k_exp", "k_expand_dims", "k_eye", "k_flatten",
    "k_floatx", "k_foldl", "k_foldr", "k_function", "k_gather", "k_get_session", "k_get_uid",
    "k_get_value", "k_get_variable_shape", "k_gradients", "k_greater", "k_greater_equal",
    "k_hard_sigmoid", "k_identity", "k_image_data_format", "k_in_test_phase", "k_in_top_k",
    "k_in_train_phase", "k_int_shape", "k_is_keras_tensor", "k_is_placeholder", "k_is_sparse",
    "k_is_tensor", "k_l2_normalize", "k_learning_phase", "k_less", "k_less_equal",
    "k_local_conv1d", "k_local_conv2d", "k_log", "k_logsumexp",
    "k_manual_variable_initialization", "k_map_fn", "k_max", "k_maximum", "k_mean", "k_min",
    "k_minimum", "k_moving_average_update", "k_ndim", "k_normalize_batch_in_training",
    "k_not_equal", "k_one_hot", "k_ones", "k_ones_like", "k_permute_dimensions",
    "k_placeholder", "k_pool2d", "k_pool3d", "k_pow", "k_print_tensor", "k_prod",
    "k_random_bernoulli", "k_random_binomial", "k_random_normal", "k_random_normal_variable",
    "k_random_uniform", "k_random_uniform_variable", "k_relu", "k_repeat",
    "k_repeat_elements", "k_reset_uids", "k_reshape", "k_resize_images", "k_resize_volumes",
    "k_reverse", "k_rnn", "k_round", "k_separable_conv2d", "k_set_epsilon", "k_set_floatx",
    "k_set_image_data_format", "k_set_learning_phase", "k_set_session", "k_set_value",
    "k_shape", "k_sigmoid", "k_sign", "k_sin", "k_softmax", "k_softplus", "k_softsign",
    "k_sparse_categorical_crossentropy", "k_spatial_2d_padding", "k_spatial_3d_padding",
    "k_sqrt", "k_square", "k_squeeze", "k_stack", "k_std", "k_stop_gradient", "k_sum",
    "k_switch", "k_tanh", "k_temporal_padding", "k_tile", "k_to_dense", "k_transpose",
    "k_truncated_normal", "k_unstack", "k_update", "k_update_add", "k_update_sub", "k_var",
    "k_variable", "k_zeros", "k_zeros_like",
]
