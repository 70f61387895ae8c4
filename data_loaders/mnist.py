"""MNIST from Keras's ``mnist.npz`` or from the four original IDX files (identical arrays)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from . import registry
from .cache import cache_dir
from .download import fetch, is_cached
from .errors import DataFormatError, DataValueError, DownloadError
from .idx import read_idx_dataset

__all__ = ["IDX_FILES", "load_mnist", "read_mnist_npz"]

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

#: Registry keys of the four IDX files, in the order read_idx_dataset takes them.
IDX_FILES = (
    "mnist/train-images-idx3-ubyte.gz",
    "mnist/train-labels-idx1-ubyte.gz",
    "mnist/t10k-images-idx3-ubyte.gz",
    "mnist/t10k-labels-idx1-ubyte.gz",
)
_KEYS = ("x_train", "y_train", "x_test", "y_test")


def read_mnist_npz(path: str | os.PathLike[str]) -> Split:
    """Read a Keras-style ``mnist.npz`` (no pickles) and check its keys, dtypes and shapes.

    R: ``dataset_mnist(path = "mnist.npz")``
    Python: ``(x_train, y_train), (x_test, y_test) = read_mnist_npz(path)``
    """
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in _KEYS if k not in f.files]
            if missing:
                raise DataFormatError(
                    f"read_mnist_npz(): {os.fspath(path)!r} lacks {', '.join(missing)}; expected "
                    f"the keys {', '.join(_KEYS)} of Keras's mnist.npz"
                )
            arrays = {k: f[k] for k in _KEYS}
    except DataFormatError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise DataFormatError(
            f"read_mnist_npz(): cannot read {os.fspath(path)!r} as a numeric npz ({exc}); "
            "delete the file so it is downloaded again"
        ) from exc
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28):
            raise DataFormatError(
                f"read_mnist_npz(): x_{part} in {os.fspath(path)!r} is {x.dtype} {x.shape}; "
                "expected uint8 (n, 28, 28)"
            )
        if y.ndim != 1 or len(y) != len(x):
            raise DataFormatError(
                f"read_mnist_npz(): y_{part} in {os.fspath(path)!r} has shape {y.shape}; "
                f"expected ({len(x)},)"
            )
        if y.dtype != np.uint8:
            arrays[f"y_{part}"] = y.astype(np.uint8)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_mnist(
    path: str | os.PathLike[str] = "mnist.npz",
    *,
    source: str = "auto",
    directory: str | os.PathLike[str] | None = None,
    **fetch_options: Any,
) -> Split:
    """Load MNIST as ``((x_train, y_train), (x_test, y_test))``, uint8, Keras's shapes.

    ``source="auto"`` uses whichever verified copy the cache holds (Keras's ``mnist.npz`` at
    ``path``, else the four IDX files in ``<cache>/mnist/``) without downloading; when neither
    is there it downloads ``mnist.npz`` and falls back to the IDX mirrors. ``source="npz"`` or
    ``"idx"`` forces one source. Both give identical arrays. ``fetch_options`` go to
    :func:`data_loaders.download.fetch` (timeout, retries, ...).

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()``
    Python: ``(x_train, y_train), (x_test, y_test) = load_mnist()``
    """
    if source not in ("auto", "npz", "idx"):
        raise DataValueError(
            f"load_mnist(): `source` must be 'auto', 'npz' or 'idx', got {source!r}"
        )
    if not os.fspath(path).endswith(".npz"):
        raise DataValueError(
            f"load_mnist(): `path` must name an .npz file such as 'mnist.npz', got {path!r}"
        )
    base = cache_dir(directory, create=False)  # fetch() creates it when a download is needed
    npz_entry = registry.get("mnist.npz")
    npz_dest = base / Path(path)
    idx_entries = [registry.get(key) for key in IDX_FILES]
    idx_dests = [base / e.subdir / e.name for e in idx_entries]

    if source in ("auto", "npz") and is_cached(npz_dest, npz_entry):
        return read_mnist_npz(npz_dest)
    if source in ("auto", "idx") and all(is_cached(d, e) for d, e in zip(idx_dests, idx_entries)):
        return read_idx_dataset(*idx_dests)

    def from_idx() -> Split:
        paths = [fetch(e, dest=d, **fetch_options) for e, d in zip(idx_entries, idx_dests)]
        return read_idx_dataset(*paths)

    if source == "idx":
        return from_idx()
    try:
        return read_mnist_npz(fetch(npz_entry, dest=npz_dest, **fetch_options))
    except DownloadError as npz_error:
        if source == "npz":
            raise
        try:
            return from_idx()
        except DownloadError as idx_error:
            raise DownloadError(
                "load_mnist(): MNIST is not in the cache and could not be downloaded from any "
                "source. Place either file set by hand.\n"
                f"Keras's npz:\n{npz_error}\nOr the original IDX files:\n{idx_error}"
            ) from idx_error
