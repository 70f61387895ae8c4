"""Small real slices of the workshop data sets, offline, for fast tests.

Boston housing and kyphosis ship with kerasr. MNIST and Fashion-MNIST are read from a folder
of their IDX files (``KERASR_LAB_MNIST_DIR`` / ``KERASR_LAB_FASHION_MNIST_DIR``, or the
``shared/data`` folder beside the project) or from kerasr's data cache when already
downloaded; never from the network. A folder with only the 10,000 test images is split
into train and test rows.

R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_boston_housing()``
Python: ``(x_train, y_train), (x_test, y_test) = tiny_data("boston")``
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kerasr.errors import InvalidValueError, did_you_mean

__all__ = ["DataUnavailable", "TINY_DATA", "tiny_data"]

#: name -> (default rows of train, rows of test) for the train/test sets; kyphosis: rows.
TINY_DATA: dict[str, tuple[int, int]] = {
    "boston": (64, 16),
    "kyphosis": (40, 0),
    "mnist": (512, 128),
    "fashion_mnist": (512, 128),
}

_IDX = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte")
_FOLDERS = {"mnist": ("KERASR_LAB_MNIST_DIR", "mnist"),
            "fashion_mnist": ("KERASR_LAB_FASHION_MNIST_DIR", "fashion-mnist")}


class DataUnavailable(LookupError):
    """The data set is not available offline here; the message says where it was looked for."""


def _file(folder: Path, name: str) -> Path | None:
    return next((p for p in (folder / (name + ".gz"), folder / name) if p.is_file()), None)


def _idx_slices(name: str, n_train: int, n_test: int, roots: list[Path]) -> Any:
    from ..data_loaders import read_idx

    variable, sub = _FOLDERS[name]
    folders = ([Path(os.environ[variable])] if os.environ.get(variable) else []) + \
        [root / "shared" / "data" / sub for root in roots]
    for folder in folders:
        test_x, test_y = _file(folder, _IDX[2]), _file(folder, _IDX[3])
        if test_x is None or test_y is None:
            continue
        train_x, train_y = _file(folder, _IDX[0]), _file(folder, _IDX[1])
        if train_x is not None and train_y is not None:
            x, y = read_idx(train_x)[:n_train], read_idx(train_y)[:n_train]
            tx, ty = read_idx(test_x)[:n_test], read_idx(test_y)[:n_test]
            return (x, y), (tx, ty)
        x, y = read_idx(test_x), read_idx(test_y)
        if len(x) < n_train + n_test:
            raise InvalidValueError(f"tiny_data(): {folder} holds {len(x)} {name} images, "
                                    f"fewer than n_train + n_test = {n_train + n_test}")
        return (x[:n_train], y[:n_train]), (x[-n_test:], y[-n_test:])
    cached = _from_cache(name)
    if cached is not None:
        (x, y), (tx, ty) = cached
        return (x[:n_train], y[:n_train]), (tx[:n_test], ty[:n_test])
    looked = ", ".join(str(f) for f in folders) or "(no folder)"
    raise DataUnavailable(
        f"tiny_data({name!r}): not available offline; looked in {looked} and kerasr's data "
        f"cache. Set {variable} to a folder of its IDX files, or run "
        f"`kerasr data fetch {name.replace('_', '-')}` once")


def _from_cache(name: str) -> Any:
    from .. import data_loaders

    path = data_loaders.cache_path("mnist.npz") if name == "mnist" else None
    if path is None or not path.is_file():
        return None
    return data_loaders.load_mnist("mnist.npz")


def tiny_data(name: str, n_train: int | None = None, n_test: int | None = None,
              roots: list[Path] | None = None) -> Any:
    """A small real slice of a workshop data set, as its ``dataset_*()`` function shapes it:
    a named list ``train``/``test`` of ``x``/``y`` (kyphosis: a data frame of ``n_train``
    rows). Rows are the data set's first ones, so every run sees the same data.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()``
    Python: ``(x_train, y_train), (x_test, y_test) = tiny_data("mnist", 256, 64)``
    """
    from kerasr.named_list import NamedList

    if name not in TINY_DATA:
        raise InvalidValueError(
            f"tiny_data(): no data set {name!r}{did_you_mean(name, list(TINY_DATA))} "
            f"(available: {', '.join(TINY_DATA)})")
    default_train, default_test = TINY_DATA[name]
    n_train = default_train if n_train is None else int(n_train)
    n_test = default_test if n_test is None else int(n_test)
    if n_train < 1 or n_test < 0:
        raise InvalidValueError(f"tiny_data(): `n_train` must be at least 1 and `n_test` at "
                                f"least 0, got {n_train} and {n_test}")
    if name == "kyphosis":
        from ..data_loaders import load_kyphosis

        return load_kyphosis().head(n_train).reset_index(drop=True)
    if name == "boston":
        from ..data_loaders import load_boston_housing

        (x, y), (tx, ty) = load_boston_housing()
        (x, y), (tx, ty) = (x[:n_train], y[:n_train]), (tx[:n_test], ty[:n_test])
    else:
        (x, y), (tx, ty) = _idx_slices(name, n_train, n_test, roots or [])
    return NamedList({"train": NamedList({"x": x, "y": y}),
                      "test": NamedList({"x": tx, "y": ty})})
