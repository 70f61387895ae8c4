"""Label names of the image data sets (no imports: cheap for ``import kerasr``)."""

from __future__ import annotations

__all__ = ["FASHION_MNIST_CLASS_NAMES"]

#: Class names by label (Keras docstring = Zalando README = R keras docs).
FASHION_MNIST_CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
