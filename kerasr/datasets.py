"""R keras's ``dataset_*()`` functions: R's names, R's return shapes (named lists).

MNIST, Fashion-MNIST, Boston housing, kyphosis and household power come from
:mod:`kerasr.data_loaders` (verified downloads, no Keras import); IMDB, Reuters and CIFAR go through
``keras.datasets``, imported only when one of them is called. Each train/test data set comes
back as ``NamedList(train=NamedList(x=..., y=...), test=NamedList(x=..., y=...))``, so all of
``mnist$train$x`` -> ``mnist.train.x``, ``mnist["train"]["x"]`` and Python unpacking work::

    # R:      c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()
    # Python: (x_train, y_train), (x_test, y_test) = dataset_mnist()
"""

from __future__ import annotations

import contextlib
import os
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _keras, data_loaders
from .data_loaders.errors import ChecksumError, DataValueError, DownloadError
from .errors import InvalidValueError
from .named_list import NamedList

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "dataset_boston_housing",
    "dataset_cifar10",
    "dataset_cifar100",
    "dataset_fashion_mnist",
    "dataset_household_power",
    "dataset_imdb",
    "dataset_imdb_word_index",
    "dataset_kyphosis",
    "dataset_mnist",
    "dataset_reuters",
    "dataset_reuters_word_index",
    "fashion_mnist_class_names",
]

#: Fashion-MNIST class names by label (0 = "T-shirt/top", ..., 9 = "Ankle boot").
fashion_mnist_class_names: tuple[str, ...] = data_loaders.FASHION_MNIST_CLASS_NAMES

_KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def _split(train: tuple[Any, Any], test: tuple[Any, Any]) -> NamedList:
    return NamedList(train=NamedList(x=train[0], y=train[1]), test=NamedList(x=test[0], y=test[1]))


@contextlib.contextmanager
def _as_r(function: str, loader: str) -> Iterator[None]:
    """Re-raise data_loaders' argument errors as InvalidValueError naming the R function."""
    try:
        yield
    except DataValueError as exc:
        raise InvalidValueError(str(exc).replace(f"{loader}()", f"{function}()")) from exc


def _keras_cache(name: str) -> Path:
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / name


@contextlib.contextmanager
def _keras_download(function: str, url: str, cached_as: str) -> Iterator[None]:
    """Turn Keras's download failures into a DownloadError naming the URL and the cache path."""
    path = _keras_cache(cached_as)
    try:
        yield
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        raise DownloadError(
            f"{function}(): could not download {url} ({exc}). If this machine is offline, "
            f"download it by hand and place it at {path} (Keras's cache)."
        ) from exc
    except ValueError as exc:
        if "corrupted" not in str(exc).lower():
            raise
        raise ChecksumError(
            f"{function}(): the file downloaded from {url} is corrupt ({exc}); delete {path} "
            "and try again."
        ) from exc
    except Exception as exc:  # Keras raises a bare Exception("URL fetch failure on ...")
        if "URL fetch failure" not in str(exc):
            raise
        raise DownloadError(
            f"{function}(): could not download {url} ({exc}). If this machine is offline, "
            f"download it by hand and place it at {path} (Keras's cache)."
        ) from exc


def _check_name(function: str, argument: str, value: Any, suffix: str) -> str:
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value).endswith(suffix):
        raise InvalidValueError(
            f"{function}(): `{argument}` must be a file name ending in {suffix!r}, got {value!r}"
        )
    return os.fspath(value)


# -- data_loaders ---------------------------------------------------------------------------------
def dataset_mnist(path: str = "mnist.npz") -> NamedList:
    """MNIST handwritten digits: 60,000 train and 10,000 test 28x28 uint8 images, uint8 labels.

    ``path`` is the file name in the cache (``~/.keras/datasets``, or ``$KERASR_DATA_DIR``);
    a cache holding Keras's ``mnist.npz`` or the four original IDX files is used without
    downloading. Returns ``list(train = list(x, y), test = list(x, y))`` as a NamedList.

    ``path`` may also be a folder holding the four original IDX files (``train-images-idx3-
    ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``,
    gzipped or not), read offline.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()``
    Python: ``(x_train, y_train), (x_test, y_test) = dataset_mnist()``;
    ``dataset_mnist(path="~/data/mnist")`` (a folder of IDX files)
    """
    if _is_folder(path):
        return _from_idx_folder("dataset_mnist", path)
    _check_name("dataset_mnist", "path", path, ".npz")
    with _as_r("dataset_mnist", "load_mnist"):
        train, test = data_loaders.load_mnist(path)
    return _split(train, test)


#: the four IDX files of MNIST and Fashion-MNIST, in read_idx_dataset()'s order
_IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
              "t10k-labels-idx1-ubyte")


def _is_folder(path: Any) -> bool:
    return path is not None and os.path.isdir(os.path.expanduser(os.fspath(path)))


def _from_idx_folder(function: str, folder: Any) -> NamedList:
    """Read a folder of the four IDX files (``.gz`` or not); name the first one missing."""
    base = Path(os.path.expanduser(os.fspath(folder)))
    found = []
    for name in _IDX_FILES:
        candidates = [base / (name + ".gz"), base / name]
        hit = next((c for c in candidates if c.is_file()), None)
        if hit is None:
            present = sorted(p.name for p in base.iterdir())[:8]
            raise InvalidValueError(
                f"{function}(): the folder {str(base)!r} has no `{name}` (or `{name}.gz`); "
                f"it needs the four IDX files {', '.join(_IDX_FILES)}. Found: "
                f"{', '.join(present) or 'nothing'}"
            )
        found.append(hit)
    with _as_r(function, "read_idx_dataset"):
        train, test = data_loaders.read_idx_dataset(*found)
    return _split(train, test)


def dataset_fashion_mnist(path: str | None = None) -> NamedList:
    """Fashion-MNIST: 60,000 train and 10,000 test 28x28 uint8 images of 10 clothing classes.

    Labels index ``fashion_mnist_class_names``. Returns ``list(train = list(x, y), test =
    list(x, y))`` as a NamedList.

    ``path``: a folder holding the four IDX files, read offline (default: the cache).

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_fashion_mnist()``
    Python: ``(x_train, y_train), (x_test, y_test) = dataset_fashion_mnist()``
    """
    if path is not None:
        if not _is_folder(path):
            raise InvalidValueError(
                f"dataset_fashion_mnist(): `path` must be a folder holding the four IDX files, "
                f"got {os.fspath(path)!r} (no such folder)"
            )
        return _from_idx_folder("dataset_fashion_mnist", path)
    with _as_r("dataset_fashion_mnist", "load_fashion_mnist"):
        train, test = data_loaders.load_fashion_mnist()
    return _split(train, test)


def dataset_boston_housing(
    path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113
) -> NamedList:
    """Boston housing prices: 13 float64 features, median value (in $1000s) as the target.

    Reproduces ``keras.datasets.boston_housing.load_data`` exactly (404 train / 102 test rows
    with the defaults) from the CSV shipped with kerasr: no download. ``path`` is accepted for
    R compatibility; a non-default ``path`` must name an existing npz with ``x`` and ``y`` (it
    is split the same way). Column names: ``kerasr.data_loaders.BOSTON_FEATURE_NAMES``.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_boston_housing()``
    Python: ``(x_train, y_train), (x_test, y_test) = dataset_boston_housing()``
    """
    path = _check_name("dataset_boston_housing", "path", path, ".npz")
    with _as_r("dataset_boston_housing", "load_boston_housing"):
        # Validates test_split and seed whichever source is used.
        train, test = data_loaders.load_boston_housing(test_split=test_split, seed=seed)
    if path == "boston_housing.npz":
        return _split(train, test)
    file = data_loaders.cache_dir(create=False) / path
    if not file.is_file():
        raise InvalidValueError(
            f"dataset_boston_housing(): `path` {path!r} does not exist (looked at {file}); "
            "leave `path` at its default to use the copy shipped with kerasr"
        )
    from .data_loaders.boston import read_boston_npz, split_indices
    from .data_loaders.errors import DataFormatError

    try:  # refuses pickles and other layouts with a message naming the function and `path`
        x, y = read_boston_npz(file, function="dataset_boston_housing")
    except DataFormatError as exc:
        raise InvalidValueError(str(exc)) from exc

    train_rows, test_rows = split_indices(len(x), float(test_split), seed)
    return _split((x[train_rows], y[train_rows]), (x[test_rows], y[test_rows]))


def dataset_kyphosis() -> pd.DataFrame:
    """rpart's kyphosis data frame: 81 rows; ``Kyphosis`` a factor (absent, present), integer
    ``Age`` (months), ``Number`` and ``Start``.

    R: ``data(kyphosis, package = "rpart")``
    Python: ``kyphosis = dataset_kyphosis()``
    """
    return data_loaders.load_kyphosis()


def dataset_household_power(
    start: Any = None, end: Any = None, resample: str | None = None, agg: str = "mean"
) -> pd.DataFrame:
    """UCI individual household electric power consumption: one row a minute, 2006-12-16 to
    2010-11-26, seven float32 columns, a DatetimeIndex, NaN for missing minutes.

    Downloaded once (20 MB), then loaded from a parsed cache in well under a second.
    ``start``/``end`` select dates (``"2007-01"``), ``resample`` aggregates (``"h"`` hourly)
    with ``agg`` (``"mean"``).

    R: ``power <- dataset_household_power(resample = "h")``
    Python: ``power = dataset_household_power(resample="h")``
    """
    with _as_r("dataset_household_power", "load_household_power"):
        return data_loaders.load_household_power(start=start, end=end, resample=resample, agg=agg)


# -- IMDB and Reuters: data_loaders (restricted npz reader, Keras's processing) ------------------
@contextlib.contextmanager
def _named(function: str, loader: str) -> Iterator[None]:
    """data_loaders' errors, re-raised with the R function's name first."""
    with _as_r(function, loader):
        try:
            yield
        except DownloadError as exc:  # also ChecksumError
            message = str(exc)
            for prefix in ("fetch(): ", f"{loader}(): "):
                message = message.removeprefix(prefix)
            raise type(exc)(f"{function}(): {message}") from exc


def _sequences(function: str, loader: str, **kwargs: Any) -> NamedList:
    with _named(function, loader):
        train, test = getattr(data_loaders, loader)(**kwargs)
    return _split(train, test)


def dataset_imdb(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int = 1,
    oov_char: int = 2,
    index_from: int = 3,
) -> NamedList:
    """IMDB movie reviews (25,000 train, 25,000 test) as word-index sequences, 0/1 sentiment.

    Downloaded once into the cache (``~/.keras/datasets`` or ``$KERASR_DATA_DIR``, SHA-256
    checked) and processed exactly as ``keras.datasets.imdb.load_data``: shuffled with
    ``seed``, ``start_char`` first, word ranks shifted by ``index_from``, sequences of
    ``maxlen`` or more dropped, ranks outside ``skip_top .. num_words - 1`` -> ``oov_char``.
    ``x`` is a list of integer lists (R's list of integer vectors), ``y`` an integer array.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_imdb(num_words = 10000)``
    Python: ``(x_train, y_train), (x_test, y_test) = dataset_imdb(num_words=10000)``
    """
    path = _check_name("dataset_imdb", "path", path, ".npz")
    return _sequences(
        "dataset_imdb", "load_imdb", path=path, num_words=num_words, skip_top=skip_top,
        maxlen=maxlen, seed=seed, start_char=start_char, oov_char=oov_char,
        index_from=index_from,
    )


def dataset_imdb_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """The IMDB word index: word -> frequency rank (``"the": 1``); in ``dataset_imdb()``'s
    sequences a word appears as rank + ``index_from`` (3). A dict (R's named list).

    R: ``word_index <- dataset_imdb_word_index()``
    Python: ``word_index = dataset_imdb_word_index()``
    """
    path = _check_name("dataset_imdb_word_index", "path", path, ".json")
    with _named("dataset_imdb_word_index", "load_imdb_word_index"):
        return data_loaders.load_imdb_word_index(path)


def dataset_reuters(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int = 1,
    oov_char: int = 2,
    index_from: int = 3,
) -> NamedList:
    """Reuters newswires (11,228) as word-index sequences, labelled over 46 topics
    (``kerasr.data_loaders.REUTERS_LABEL_NAMES``); 8,982 train / 2,246 test with
    ``test_split = 0.2``.

    Processed exactly as ``keras.datasets.reuters.load_data`` (see ``dataset_imdb()``).

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_reuters(num_words = 10000)``
    Python: ``(x_train, y_train), (x_test, y_test) = dataset_reuters(num_words=10000)``
    """
    path = _check_name("dataset_reuters", "path", path, ".npz")
    if (
        isinstance(test_split, bool)
        or not isinstance(test_split, (int, float))
        or not (0 <= test_split < 1)
    ):
        raise InvalidValueError(
            f"dataset_reuters(): `test_split` must be a number in [0, 1), got {test_split!r}; "
            "use e.g. test_split = 0.2"
        )
    return _sequences(
        "dataset_reuters", "load_reuters", path=path, num_words=num_words, skip_top=skip_top,
        maxlen=maxlen, test_split=test_split, seed=seed, start_char=start_char,
        oov_char=oov_char, index_from=index_from,
    )


def dataset_reuters_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """The Reuters word index: word -> frequency rank (data indices are rank + 3).

    R: ``word_index <- dataset_reuters_word_index()``
    Python: ``word_index = dataset_reuters_word_index()``
    """
    path = _check_name("dataset_reuters_word_index", "path", path, ".json")
    with _named("dataset_reuters_word_index", "load_reuters_word_index"):
        return data_loaders.load_reuters_word_index(path)


# -- through keras.datasets -----------------------------------------------------------------------
def dataset_cifar10() -> NamedList:
    """CIFAR-10: 50,000 train and 10,000 test 32x32x3 uint8 images, labels of shape (n, 1).

    Delegates to ``keras.datasets.cifar10.load_data``.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_cifar10()``
    Python: ``(x_train, y_train), (x_test, y_test) = dataset_cifar10()``
    """
    keras = _keras.keras()

    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    with _keras_download("dataset_cifar10", url, "cifar-10-batches-py-target_archive"):
        train, test = keras.datasets.cifar10.load_data()
    return _split(train, test)


def dataset_cifar100(label_mode: str = "fine") -> NamedList:
    """CIFAR-100: 32x32x3 uint8 images with 100 fine or 20 coarse labels.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_cifar100(label_mode = "fine")``
    Python: ``(x_train, y_train), (x_test, y_test) = dataset_cifar100(label_mode="fine")``
    """
    if label_mode not in ("fine", "coarse"):
        raise InvalidValueError(
            f"dataset_cifar100(): `label_mode` must be 'fine' or 'coarse', got {label_mode!r}"
        )
    keras = _keras.keras()

    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    with _keras_download("dataset_cifar100", url, "cifar-100-python-target_archive"):
        train, test = keras.datasets.cifar100.load_data(label_mode=label_mode)
    return _split(train, test)
