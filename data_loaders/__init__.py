"""data_loaders: the workshops' data sets, downloaded safely and loaded as numpy/pandas.

Never imports keras, tensorflow or jax (and not kerasr either). Names are loaded lazily on first
use, so ``import data_loaders`` costs almost nothing and a download needs only the standard
library. Files are cached in Keras's ``~/.keras/datasets`` (``$KERASR_DATA_DIR`` overrides),
downloaded atomically and verified against pinned SHA-256 digests (see
:mod:`data_loaders.registry`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "ArchiveError",
    "BOSTON_FEATURE_NAMES",
    "CacheDirError",
    "ChecksumError",
    "DATASETS",
    "DataError",
    "DataFormatError",
    "DataValueError",
    "DownloadError",
    "FASHION_MNIST_CLASS_NAMES",
    "FILES",
    "REUTERS_LABEL_NAMES",
    "RemoteFile",
    "cache_dir",
    "cache_path",
    "data_where",
    "fetch",
    "fetch_dataset",
    "is_cached",
    "load_boston_frame",
    "load_boston_housing",
    "load_fashion_mnist",
    "load_household_power",
    "load_imdb",
    "load_imdb_word_index",
    "load_kyphosis",
    "load_mnist",
    "make_windows",
    "parse_household_power",
    "read_idx",
    "read_idx_dataset",
    "read_mnist_npz",
    "load_reuters",
    "load_reuters_word_index",
    "read_sequences_npz",
    "safe_extract",
    "select_household_power",
    "sha256_file",
    "verify_cache",
    "write_idx",
]

# public name -> (submodule, attribute in it)
_LAZY: dict[str, tuple[str, str]] = {
    "ArchiveError": ("errors", "ArchiveError"),
    "CacheDirError": ("errors", "CacheDirError"),
    "ChecksumError": ("errors", "ChecksumError"),
    "DataError": ("errors", "DataError"),
    "DataFormatError": ("errors", "DataFormatError"),
    "DataValueError": ("errors", "DataValueError"),
    "DownloadError": ("errors", "DownloadError"),
    "BOSTON_FEATURE_NAMES": ("boston", "FEATURE_NAMES"),
    "load_boston_frame": ("boston", "load_boston_frame"),
    "load_boston_housing": ("boston", "load_boston_housing"),
    "cache_dir": ("cache", "cache_dir"),
    "cache_path": ("cache", "cache_path"),
    "fetch": ("download", "fetch"),
    "is_cached": ("download", "is_cached"),
    "sha256_file": ("download", "sha256_file"),
    "FASHION_MNIST_CLASS_NAMES": ("labels", "FASHION_MNIST_CLASS_NAMES"),
    "load_fashion_mnist": ("fashion_mnist", "load_fashion_mnist"),
    "load_household_power": ("household_power", "load_household_power"),
    "parse_household_power": ("household_power", "parse_household_power"),
    "select_household_power": ("household_power", "select_household_power"),
    "read_idx": ("idx", "read_idx"),
    "read_idx_dataset": ("idx", "read_idx_dataset"),
    "write_idx": ("idx", "write_idx"),
    "load_kyphosis": ("kyphosis", "load_kyphosis"),
    "DATASETS": ("manage", "DATASETS"),
    "data_where": ("manage", "data_where"),
    "fetch_dataset": ("manage", "fetch_dataset"),
    "verify_cache": ("manage", "verify_cache"),
    "load_mnist": ("mnist", "load_mnist"),
    "read_mnist_npz": ("mnist", "read_mnist_npz"),
    "FILES": ("registry", "FILES"),
    "RemoteFile": ("registry", "RemoteFile"),
    "safe_extract": ("archive", "safe_extract"),
    "make_windows": ("windows", "make_windows"),
    "load_imdb": ("imdb", "load_imdb"),
    "load_imdb_word_index": ("imdb", "load_imdb_word_index"),
    "read_sequences_npz": ("imdb", "read_sequences_npz"),
    "REUTERS_LABEL_NAMES": ("reuters", "REUTERS_LABEL_NAMES"),
    "load_reuters": ("reuters", "load_reuters"),
    "load_reuters_word_index": ("reuters", "load_reuters_word_index"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs; never executed
    from .archive import safe_extract
    from .boston import FEATURE_NAMES as BOSTON_FEATURE_NAMES
    from .boston import load_boston_frame, load_boston_housing
    from .cache import cache_dir, cache_path
    from .download import fetch, is_cached, sha256_file
    from .errors import (
        ArchiveError,
        CacheDirError,
        ChecksumError,
        DataError,
        DataFormatError,
        DataValueError,
        DownloadError,
    )
    from .fashion_mnist import load_fashion_mnist
    from .household_power import (
        load_household_power,
        parse_household_power,
        select_household_power,
    )
    from .idx import read_idx, read_idx_dataset, write_idx
    from .imdb import load_imdb, load_imdb_word_index, read_sequences_npz
    from .kyphosis import load_kyphosis
    from .labels import FASHION_MNIST_CLASS_NAMES
    from .manage import DATASETS, data_where, fetch_dataset, verify_cache
    from .mnist import load_mnist, read_mnist_npz
    from .registry import FILES, RemoteFile
    from .reuters import REUTERS_LABEL_NAMES, load_reuters, load_reuters_word_index
    from .windows import make_windows
