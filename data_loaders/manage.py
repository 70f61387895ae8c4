"""What ``kerasr data fetch|where|verify`` does, as plain functions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import fashion_mnist, mnist, registry
from ._files import shipped_file
from .cache import cache_dir
from .download import fetch, is_cached
from .errors import DataValueError

__all__ = ["DATASETS", "data_where", "fetch_dataset", "verify_cache"]

#: Data set name -> registry keys of its files (empty: shipped with the package).
DATASETS: dict[str, tuple[str, ...]] = {
    "mnist": ("mnist.npz",),
    "mnist_idx": mnist.IDX_FILES,
    "fashion_mnist": fashion_mnist.IDX_FILES,
    "household_power": ("household_power_consumption.zip",),
    "imdb": ("imdb.npz", "imdb_word_index.json"),
    "reuters": ("reuters.npz", "reuters_word_index.json"),
    "boston_housing": (),
    "kyphosis": (),
}
_SHIPPED = {"boston_housing": "Boston.csv", "kyphosis": "kyphosis.csv"}


def _keys(name: str) -> tuple[str, ...]:
    key = name.replace("-", "_").lower()
    if key not in DATASETS:
        raise DataValueError(
            f"fetch_dataset(): unknown data set {name!r}; expected one of: {', '.join(DATASETS)}"
        )
    return DATASETS[key]


def fetch_dataset(
    name: str, *, directory: str | os.PathLike[str] | None = None, **fetch_options: Any
) -> list[Path]:
    """Download (or verify) every file of data set ``name``; return their paths.

    R: (shell) ``kerasr data fetch mnist``
    Python: ``fetch_dataset("mnist")``
    """
    keys = _keys(name)
    if not keys:
        return [Path(str(shipped_file(_SHIPPED[name.replace("-", "_").lower()])))]
    base = cache_dir(directory, create=False)  # fetch() creates it when a download is needed
    if keys == DATASETS["mnist"]:
        # either MNIST source will do: keep a cached IDX set rather than download the npz
        idx = [registry.get(k) for k in DATASETS["mnist_idx"]]
        idx_paths = [base / e.subdir / e.name for e in idx]
        npz = registry.get("mnist.npz")
        if not is_cached(base / npz.name, npz) and all(map(is_cached, idx_paths, idx)):
            return idx_paths
    return [fetch(registry.get(k), directory=base, **fetch_options) for k in keys]


def data_where(directory: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory in use (``$KERASR_DATA_DIR`` or ``~/.keras/datasets``).

    R: (shell) ``kerasr data where``
    Python: ``data_where()``
    """
    return cache_dir(directory, create=False)


def verify_cache(directory: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Check every registry file in the cache: ``"ok"``, ``"missing"`` or ``"corrupt"``.

    R: (shell) ``kerasr data verify``
    Python: ``verify_cache()``
    """
    base = cache_dir(directory, create=False)
    report: dict[str, str] = {}
    for key, entry in registry.FILES.items():
        path = base / entry.subdir / entry.name if entry.subdir else base / entry.name
        if not path.exists():
            report[key] = "missing"
        else:
            report[key] = "ok" if is_cached(path, entry) else "corrupt"
    return report
