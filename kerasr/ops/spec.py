"""The ``op_*`` family table: R keras3's rules and per-op exceptions over ``keras.ops``.

Read by ``tools/generate_ops.py`` (which writes ``kerasr/generated/ops.py``), by the tests and
by the docs. It imports no Keras: the generator takes the op list and signatures from Keras
itself, and this table says only where R differs.

R: ``op_mean(x, axis = 2)``
Python: ``op_mean(x, axis=2)`` (``keras.ops.mean(x, axis=1)``)
"""

from __future__ import annotations

__all__: list[str] = []

#: R prefix of the family, and Keras submodules whose functions get ``op_<sub>_<name>``.
PREFIX = "op_"
SUBMODULES = ("image",)

#: Argument names that are axes in every op: 1-based in R (negative from the end, 0 an error).
AXIS_ARGS = frozenset({"axis", "axis1", "axis2", "axisa", "axisb", "axisc"})

#: Further axis arguments of particular ops (their names mean something else elsewhere).
EXTRA_AXIS_ARGS: dict[str, tuple[str, ...]] = {
    "transpose": ("axes",),
    "moments": ("axes",),
    "rot90": ("axes",),
    "moveaxis": ("source", "destination"),
}

#: Axes that may be a count instead: an integer stays a count (numpy's rule), lists of axes
#: are 1-based.
COUNT_OR_AXES_ARGS: dict[str, tuple[str, ...]] = {"tensordot": ("axes",)}

#: The argument whose rank bounds the axis (default: the first argument); None: unchecked.
RANK_FROM: dict[str, str | None] = {
    "cross": None, "linspace": None, "geomspace": None, "logspace": None,
    "associative_scan": None, "moveaxis": "x", "concatenate": "xs[0]", "stack": "x[0]",
}
#: Ops whose axis may address one dimension past the input's rank (a new axis).
RANK_PLUS_ONE = frozenset({"expand_dims", "stack", "one_hot", "multi_hot"})
#: First-argument names that are tensors (their rank bounds the axis).
TENSOR_ARGS = frozenset({"x", "x1", "a", "y", "array", "tensor", "inputs", "target", "elems"})

#: R keras3 returns 1-based indices unless ``zero_indexed=True``.
ZERO_INDEXED_OUTPUT = frozenset({"argmax", "argmin", "nanargmax", "nanargmin", "searchsorted"})
#: ... for the second element of the result (``c(values, indices) %<-% op_top_k(x, k)``).
ZERO_INDEXED_SECOND_OUTPUT = frozenset({"top_k"})
#: R keras3 takes 1-based indices in these arguments unless ``zero_indexed=True``.
ZERO_INDEXED_INPUT: dict[str, str] = {"one_hot": "x", "take": "indices"}

#: Arguments that are counts or sizes: integral floats (R's ``3``) become ints.
INT_ARGS = frozenset({
    "k", "num_classes", "num", "sequence_length", "sequence_stride", "fft_length", "length",
    "num_segments", "pool_size", "strides", "dilation_rate", "output_padding", "repeats",
    "decimals", "n", "N", "M", "kth", "shift", "size", "filter_size", "indices_or_sections",
})
#: Shape arguments: R's ``NA``/``NULL`` inside a shape becomes -1 for reshape.
RESHAPE_ARGS: dict[str, str] = {"reshape": "newshape"}

#: Arguments checked as dtypes (an unknown dtype is a clear error naming the op).
DTYPE_ARGS = frozenset({"dtype"})

#: R keras3 spellings that are aliases of a Keras op.
ALIASES: dict[str, str] = {
    "op_convert_to_array": "convert_to_numpy",
    "op_pmax": "maximum",
    "op_pmin": "minimum",
}

#: R prefix of the activation functions, and keras.activations helpers that are not ones.
ACTIVATION_PREFIX = "activation_"
NOT_ACTIVATIONS = frozenset({"get", "serialize", "deserialize"})

#: Keras functions that are not ops a user calls (none at present).
SKIP: frozenset[str] = frozenset()


def r_name(op: str, submodule: str | None = None) -> str:
    """R keras3's name of ``keras.ops[.submodule].op``."""
    return PREFIX + (f"{submodule}_" if submodule else "") + op


def axis_args(op: str) -> tuple[str, ...]:
    """The 1-based axis arguments of ``op`` (by name, in no particular order)."""
    return tuple(sorted(AXIS_ARGS)) + EXTRA_AXIS_ARGS.get(op, ())


def r_axis_default(value: object) -> object:
    """Show a Keras (0-based) default axis in R's 1-based form (for generated signatures)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value + 1 if value >= 0 else value
    if isinstance(value, (list, tuple)):
        return type(value)(r_axis_default(v) for v in value)
    return value
