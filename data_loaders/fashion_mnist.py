"""Fashion-MNIST: Keras's four IDX files (pinned by SHA-256, unlike Keras) and the class names."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import registry
from .cache import cache_dir
from .download import fetch
from .idx import read_idx_dataset

__all__ = ["CLASS_NAMES", "IDX_FILES", "load_fashion_mnist"]

from .labels import FASHION_MNIST_CLASS_NAMES as CLASS_NAMES  # noqa: E402

#: Registry keys of the four IDX files (cached in ``<cache>/fashion-mnist/``, as Keras does).
IDX_FILES = (
    "fashion-mnist/train-images-idx3-ubyte.gz",
    "fashion-mnist/train-labels-idx1-ubyte.gz",
    "fashion-mnist/t10k-images-idx3-ubyte.gz",
    "fashion-mnist/t10k-labels-idx1-ubyte.gz",
)


def load_fashion_mnist(
    *, directory: str | os.PathLike[str] | None = None, **fetch_options: Any
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST as ``((x_train, y_train), (x_test, y_test))``, uint8, Keras's shapes.

    Files already in Keras's cache (``~/.keras/datasets/fashion-mnist/``) are reused after their
    SHA-256 is checked. Class names: ``CLASS_NAMES[label]``.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_fashion_mnist()``
    Python: ``(x_train, y_train), (x_test, y_test) = load_fashion_mnist()``
    """
    base = cache_dir(directory, create=False)  # fetch() creates it when a download is needed
    paths = [fetch(registry.get(key), directory=base, **fetch_options) for key in IDX_FILES]
    return read_idx_dataset(*paths)
