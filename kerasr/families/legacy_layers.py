"""R keras 2 layer names that Keras 3 no longer has as classes, mapped onto what it has.

- ``layer_activation_selu()``: an ``Activation("selu")`` layer (Keras 3 has no SELU class);
- ``layer_activation_thresholded_relu(theta)``: ``ReLU(threshold = theta)`` (Keras 3 removed
  ThresholdedReLU; the two agree except at ``x == theta``, where ReLU keeps ``x``);
- ``layer_locally_connected_1d/2d()``: removed from Keras 3 with no equivalent; calling them
  raises an error that names the replacement.

R: ``model %>% layer_activation_selu()``
Python: ``model >> layer_activation_selu()``
"""

from __future__ import annotations

from typing import Any

from ..errors import ArgumentError
from .layers import LAYER_TARGET, create_layer, layer_function

__all__ = [
    "layer_activation_selu",
    "layer_activation_thresholded_relu",
    "layer_locally_connected_1d",
    "layer_locally_connected_2d",
]


@layer_function(LAYER_TARGET)
def layer_activation_selu(
    object: Any = None,
    input_shape: Any = None,
    batch_input_shape: Any = None,
    batch_size: Any = None,
    dtype: Any = None,
    name: Any = None,
    trainable: Any = None,
    weights: Any = None,
) -> Any:
    """Scaled exponential linear unit (R keras 2's layer; Keras 3: ``Activation("selu")``).

    R: ``model %>% layer_activation_selu()``
    Python: ``model >> layer_activation_selu()``
    """
    args = dict(locals())
    args["activation"] = "selu"
    return create_layer("Activation", "layer_activation_selu", args)


@layer_function(LAYER_TARGET)
def layer_activation_thresholded_relu(
    object: Any = None,
    theta: Any = 1.0,
    input_shape: Any = None,
    batch_input_shape: Any = None,
    batch_size: Any = None,
    dtype: Any = None,
    name: Any = None,
    trainable: Any = None,
    weights: Any = None,
) -> Any:
    """``x`` where ``x > theta``, else 0 (R keras 2's layer; Keras 3: ``ReLU(threshold=)``).

    R: ``model %>% layer_activation_thresholded_relu(theta = 1)``
    Python: ``model >> layer_activation_thresholded_relu(theta=1)``
    """
    args = dict(locals())
    args["threshold"] = float(args.pop("theta"))
    return create_layer("ReLU", "layer_activation_thresholded_relu", args)


def _removed(r_name: str, dims: str) -> Any:
    def layer(*args: Any, **kwargs: Any) -> Any:
        raise ArgumentError(
            f"{r_name}(): locally connected layers were removed from Keras 3 (R keras3 has no "
            f"{r_name}() either). Use layer_conv_{dims}() (shared weights), or for unshared "
            f"weights a layer_dense() per position; see the Keras 3 migration guide"
        )

    layer.__name__ = layer.__qualname__ = r_name
    layer.__doc__ = (
        f"Removed from Keras 3: raises an error naming the replacement (layer_conv_{dims}).\n\n"
        f"    R: ``model %>% {r_name}(filters = 16, kernel_size = 3)``\n"
        f"    Python: ``model >> layer_conv_{dims}(filters=16, kernel_size=3)``\n"
    )
    return layer


layer_locally_connected_1d = _removed("layer_locally_connected_1d", "1d")
layer_locally_connected_2d = _removed("layer_locally_connected_2d", "2d")


