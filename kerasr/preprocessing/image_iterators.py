"""The ``flow_images_*`` iterators: ``keras.utils.PyDataset`` subclasses built on first use.

Two ways to read batches, both following keras-preprocessing 1.1.2 (``Iterator``):

* ``generator_next(it)`` (or ``it.next()``): an endless cycle. A pass starts with a new order
  (``permutation(n)`` when shuffling); the last batch of a pass is short; with ``seed`` the
  random state is ``seed + total_batches_seen`` before every batch, so the batches equal the
  reference's for the same seed (without a seed the global ``np.random`` is used, as there).
* ``it[i]`` (what ``fit()``/``evaluate()``/``predict()`` use, possibly from several worker
  threads): batch ``i`` of the current epoch, a pure function of (epoch, i). With ``seed``, epoch
  ``e`` is shuffled by ``RandomState(seed + e*len)`` and batch ``i`` draws from
  ``RandomState(seed + e*len + i)``, which is the reference's ``seed + total_batches_seen`` when
  the batches are read in order once per epoch; without a seed, each epoch takes a base seed from
  the global ``np.random`` (so ``set_random_seed()`` makes training repeatable with workers too).
"""

from __future__ import annotations

import os
import threading
import warnings
from typing import Any

import numpy as np

from ..arguments import as_int
from ..errors import InvalidValueError
from . import image as image_mod
from . import image_transforms as tf_

__all__: list[str] = []  # internal: reached through flow_images_*()

WHITE_LIST = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")
CLASS_MODES = ("categorical", "binary", "sparse", "input", None)
DF_CLASS_MODES = ("categorical", "binary", "sparse", "input", "raw", "multi_output", None)


# -- the logic, independent of Keras -----------------------------------------------------------
class _IteratorCore:
    """Index bookkeeping and batch assembly shared by the three iterators."""

    def _setup(self, fn: str, n: int, gen: Any, batch_size: Any, shuffle: bool, seed: Any,
               save_to_dir: Any, save_prefix: str, save_format: str, workers: Any,
               use_multiprocessing: bool, max_queue_size: Any) -> None:
        batch_size = as_int(batch_size, fn, "batch_size")
        if batch_size < 1:
            raise InvalidValueError(f"{fn}(): `batch_size` must be > 0, got {batch_size}")
        self.n = int(n)
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.seed = None if seed is None else as_int(seed, fn, "seed")
        self.image_data_generator = gen
        self.data_format = gen.data_format
        self.dtype = "float32"
        if save_to_dir is not None:
            save_to_dir = os.path.abspath(os.path.expanduser(os.fspath(save_to_dir)))
            if not os.path.isdir(save_to_dir):
                raise InvalidValueError(f"{fn}(): `save_to_dir` {save_to_dir!r} is not a folder")
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        # next(): the reference's state
        self.batch_index = 0
        self.total_batches_seen = 0
        self.index_array: np.ndarray | None = None
        self.lock = threading.Lock()
        # it[i]: per-epoch state
        self._epoch = 0
        self._epoch_base: int | None = None
        self._epoch_order: np.ndarray | None = None
        self._function = fn
        from .._keras import keras

        keras().utils.PyDataset.__init__(
            self, workers=as_int(workers, fn, "workers"),
            use_multiprocessing=bool(use_multiprocessing),
            max_queue_size=as_int(max_queue_size, fn, "max_queue_size"),
        )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.lock = threading.Lock()

    # -- Sequence protocol (Keras) ----------------------------------------------------------------
    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def _order_for_epoch(self) -> tuple[int, np.ndarray]:
        with self.lock:
            if self._epoch_order is None:
                if self.seed is not None:
                    base = self.seed + self._epoch * len(self)
                else:
                    base = int(np.random.randint(0, 2**31 - 1))
                self._epoch_base = base
                self._epoch_order = (np.random.RandomState(base % 2**32).permutation(self.n)
                                     if self.shuffle else np.arange(self.n))
            return self._epoch_base, self._epoch_order  # type: ignore[return-value]

    def __getitem__(self, idx: int) -> Any:
        length = len(self)
        if not 0 <= idx < length:
            raise IndexError(
                f"{self._function}(): batch {idx} asked for, but there are {length} batches "
                f"(0 to {length - 1})"
            )
        base, order = self._order_for_epoch()
        rng = np.random.RandomState((base + idx) % 2**32)
        if idx == 0 and self.shuffle:
            rng.permutation(self.n)  # the reference draws the order first from this state
        chosen = order[self.batch_size * idx: self.batch_size * (idx + 1)]
        return self._batch(chosen, rng)

    def on_epoch_end(self) -> None:
        with self.lock:
            self._epoch += 1
            self._epoch_order = None

    # -- iterator protocol (R's generator_next) ---------------------------------------------------
    def reset(self) -> None:
        """Start the next ``generator_next()`` pass from the beginning (as the reference)."""
        self.batch_index = 0

    def next(self) -> Any:
        """The next batch of the endless cycle (what ``generator_next()`` returns).

        Not ``__next__``: a PyDataset must not look like a Python generator to ``fit()``,
        which would then read it forever; ``for batch in it`` reads one pass (PyDataset).
        """
        with self.lock:
            rng: Any = np.random
            if self.seed is not None:
                rng = np.random.RandomState(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self.index_array = (rng.permutation(self.n) if self.shuffle
                                    else np.arange(self.n))
            current = 0 if self.n == 0 else (self.batch_index * self.batch_size) % self.n
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            chosen = self.index_array[current: current + self.batch_size]  # type: ignore[index]
        return self._batch(chosen, rng)

    # -- batches ------------------------------------------------------------------------------
    def _image(self, j: int) -> np.ndarray:  # one image, channels last, float32
        raise NotImplementedError

    def _augment(self, x: np.ndarray, rng: Any) -> np.ndarray:
        gen = self.image_data_generator
        t = tf_.draw_transform(gen, rng, x.shape, 0, 1)
        x = tf_.apply_transform(x, t, gen.fill_mode, gen.cval, gen.interpolation_order)
        if self.data_format == "channels_first":
            x = x.transpose(2, 0, 1)
        return gen.standardize(x)

    def _batch_x(self, chosen: np.ndarray, rng: Any) -> np.ndarray:
        batch = np.zeros((len(chosen),) + self.image_shape, dtype=self.dtype)
        for i, j in enumerate(chosen):
            batch[i] = self._augment(self._image(int(j)), rng)
        if self.save_to_dir:
            fmt = self.save_format
            for i, j in enumerate(chosen):
                name = f"{self.save_prefix}_{j}_{rng.randint(10**7)}.{fmt}"
                image_mod.image_array_save(batch[i], os.path.join(self.save_to_dir, name),
                                           data_format=self.data_format, file_format=fmt)
        return batch

    def _batch(self, chosen: np.ndarray, rng: Any) -> Any:
        raise NotImplementedError


class _FilesCore(_IteratorCore):
    """Batches read from image files (directory and data frame iterators)."""

    def _files_setup(self, fn: str, target_size: Any, color_mode: str, class_mode: Any,
                     interpolation: str, subset: Any, gen: Any, modes: tuple[Any, ...]) -> None:
        self.target_size = image_mod.as_target_size(target_size, fn)
        if self.target_size is None:
            raise InvalidValueError(f"{fn}(): `target_size` must be (height, width), not None")
        self.color_mode = image_mod.check_color_mode(color_mode, fn)
        self._resample = image_mod.resample_filter(interpolation, fn)
        self.interpolation = interpolation
        if class_mode not in modes:
            raise InvalidValueError(
                f"{fn}(): `class_mode` must be one of "
                f"{', '.join(repr(m) for m in modes)}, got {class_mode!r}"
            )
        self.class_mode = class_mode
        channels = image_mod.COLOR_MODES[self.color_mode]
        self.image_shape = (self.target_size + (channels,) if gen.data_format == "channels_last"
                            else (channels,) + self.target_size)
        self.split = _split(fn, subset, gen)
        self.subset = subset

    def _image(self, j: int) -> np.ndarray:
        img = image_mod.open_image(self.filepaths[j], self.color_mode, self.target_size,
                                   self._resample, self._function)
        x = np.asarray(img, dtype="float32")
        return x[:, :, None] if x.ndim == 2 else x

    def _batch(self, chosen: np.ndarray, rng: Any) -> Any:
        batch_x = self._batch_x(chosen, rng)
        mode = self.class_mode
        if mode == "input":
            batch_y: Any = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray([self.classes[j] for j in chosen], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(chosen):
                batch_y[i, self.classes[j]] = 1.0
        elif mode == "multi_output":
            batch_y = [out[chosen] for out in self._targets]
        elif mode == "raw":
            batch_y = self._targets[chosen]
        else:
            return batch_x
        weights = getattr(self, "_sample_weight", None)
        if weights is None:
            return batch_x, batch_y
        return batch_x, batch_y, weights[chosen]

    @property
    def num_classes(self) -> int:
        return len(getattr(self, "class_indices", {}))


def _split(fn: str, subset: Any, gen: Any) -> tuple[float, float] | None:
    if subset is None:
        return None
    v = gen._validation_split
    if subset not in ("training", "validation"):
        raise InvalidValueError(
            f"{fn}(): `subset` must be \"training\" or \"validation\" (or None), got {subset!r}"
        )
    if not v:
        raise InvalidValueError(
            f"{fn}(): `subset={subset!r}` needs a generator with a validation split, e.g. "
            "image_data_generator(validation_split=0.2)"
        )
    return (0.0, v) if subset == "validation" else (v, 1.0)


class _DirectoryCore(_FilesCore):
    def _filepaths_list(self) -> list[str]:
        return [os.path.join(self.directory, f) for f in self.filenames]


class _DataFrameCore(_FilesCore):
    pass


class _ArrayCore(_IteratorCore):
    def _image(self, j: int) -> np.ndarray:
        x = self.x[j]
        if self.data_format == "channels_first":
            x = x.transpose(1, 2, 0)
        return x.astype(self.dtype)  # a copy: standardize works in place

    def _batch(self, chosen: np.ndarray, rng: Any) -> Any:
        batch_x = self._batch_x(chosen, rng)
        if self.y is None:
            return batch_x
        if self._sample_weight is None:
            return batch_x, self.y[chosen]
        return batch_x, self.y[chosen], self._sample_weight[chosen]


# -- Keras classes, created on first use ------------------------------------------------------
_CLASSES: dict[str, type] = {}
_NAMES = {"DirectoryIterator": _DirectoryCore, "DataFrameIterator": _DataFrameCore,
          "NumpyArrayIterator": _ArrayCore}


def iterator_class(name: str) -> type:
    """The PyDataset subclass ``name``, created on first use (so importing kerasr stays light)."""
    if name not in _CLASSES:
        from .._keras import keras

        base = keras().utils.PyDataset
        cls = type(name, (_NAMES[name], base), {"__module__": __name__, "__qualname__": name})
        _CLASSES[name] = cls
    return _CLASSES[name]


def __getattr__(name: str) -> Any:  # pickling (use_multiprocessing) finds the classes here
    if name in _NAMES:
        return iterator_class(name)
    raise AttributeError(name)


def _walk_images(folder: str, follow_links: bool) -> tuple[list[str], list[str]]:
    """(image paths, skipped non-image paths) under ``folder``, sorted as the reference."""
    kept, skipped = [], []
    for root, _, files in sorted(os.walk(folder, followlinks=follow_links), key=lambda w: w[0]):
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.lower().endswith(".tiff"):
                warnings.warn(f"{path}: .tiff files with several bands are distorted",
                              UserWarning, stacklevel=4)
            if name.lower().endswith(WHITE_LIST):
                kept.append(path)
            else:
                skipped.append(path)
    return kept, skipped


def make_directory_iterator(fn: str, directory: Any, gen: Any, *, target_size: Any,
                            color_mode: str, classes: Any, class_mode: Any, batch_size: Any,
                            shuffle: bool, seed: Any, save_to_dir: Any, save_prefix: str,
                            save_format: str, follow_links: bool, subset: Any,
                            interpolation: str, workers: Any, use_multiprocessing: bool,
                            max_queue_size: Any) -> Any:
    directory = os.path.abspath(os.path.expanduser(os.fspath(directory)))
    if not os.path.isdir(directory):
        raise InvalidValueError(f"{fn}(): `directory` {directory!r} is not a folder")
    it = iterator_class("DirectoryIterator").__new__(iterator_class("DirectoryIterator"))
    it._function = fn
    it._files_setup(fn, target_size, color_mode, class_mode, interpolation, subset, gen,
                    CLASS_MODES)
    if classes is None:
        classes = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d))]
    elif isinstance(classes, str):
        classes = [classes]
    classes = [str(c) for c in classes]
    if not classes:
        raise InvalidValueError(
            f"{fn}(): `directory` {directory!r} has no sub-folders; put each class's images in "
            "its own sub-folder (e.g. train/cats, train/dogs)"
        )
    missing = [c for c in classes if not os.path.isdir(os.path.join(directory, c))]
    if missing:
        raise InvalidValueError(f"{fn}(): `classes` names folders that do not exist in "
                                f"{directory!r}: {', '.join(missing)}")
    if class_mode == "binary" and len(classes) != 2:
        raise InvalidValueError(
            f"{fn}(): class_mode=\"binary\" needs exactly 2 classes, found {len(classes)} "
            f"({', '.join(classes[:10])}); use class_mode=\"categorical\" (or \"sparse\") for "
            "more"
        )
    it.directory = directory
    it.class_indices = {c: i for i, c in enumerate(classes)}
    filenames: list[str] = []
    labels: list[int] = []
    skipped: list[str] = []
    for c in classes:
        kept, other = _walk_images(os.path.join(directory, c), follow_links)
        skipped += other
        if it.split is not None:
            start, stop = int(it.split[0] * len(kept)), int(it.split[1] * len(kept))
            kept = kept[start:stop]
        filenames += [os.path.relpath(p, directory) for p in kept]
        labels += [it.class_indices[c]] * len(kept)
    if skipped:
        shown = ", ".join(os.path.relpath(p, directory) for p in skipped[:10])
        more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        warnings.warn(f"{fn}(): skipped {len(skipped)} file(s) that are not images "
                      f"(png, jpg, jpeg, bmp, ppm, tif, tiff): {shown}{more}",
                      UserWarning, stacklevel=3)
    if not filenames:
        raise InvalidValueError(
            f"{fn}(): found no images in the class folders of {directory!r} "
            f"({', '.join(classes[:10])})"
            + (f" for subset={subset!r}" if subset else "")
        )
    it.filenames = filenames
    it.classes = np.asarray(labels, dtype="int32")
    it.samples = len(filenames)
    it.filepaths = it._filepaths_list()
    print(f"Found {it.samples} images belonging to {len(classes)} classes.")
    it._setup(fn, it.samples, gen, batch_size, shuffle, seed, save_to_dir, save_prefix,
              save_format, workers, use_multiprocessing, max_queue_size)
    return it


def make_array_iterator(fn: str, x: Any, y: Any, gen: Any, *, batch_size: Any, shuffle: bool,
                        sample_weight: Any, seed: Any, save_to_dir: Any, save_prefix: str,
                        save_format: str, subset: Any, workers: Any, use_multiprocessing: bool,
                        max_queue_size: Any) -> Any:
    cls = iterator_class("NumpyArrayIterator")
    it = cls.__new__(cls)
    it._function = fn
    x = np.asarray(x)
    if x.ndim != 4:
        raise InvalidValueError(
            f"{fn}(): `x` must be a rank-4 array (samples, height, width, channels), got shape "
            f"{x.shape}; add a channel axis with array_reshape(x, c(dim(x), 1))"
        )
    caxis = 1 if gen.data_format == "channels_first" else 3
    if x.shape[caxis] not in {1, 3, 4}:
        warnings.warn(f"{fn}(): expected 1, 3 or 4 channels on axis {caxis}, got shape {x.shape}",
                      UserWarning, stacklevel=3)
    if y is not None:
        y = np.asarray(y)
        if len(y) != len(x):
            raise InvalidValueError(f"{fn}(): `x` ({len(x)} rows) and `y` ({len(y)} rows) must "
                                    "have the same length")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight)
        if len(sample_weight) != len(x):
            raise InvalidValueError(f"{fn}(): `sample_weight` ({len(sample_weight)}) and `x` "
                                    f"({len(x)}) must have the same length")
    split = _split(fn, subset, gen)
    if split is not None:
        k = int(len(x) * gen._validation_split)
        if y is not None and not np.array_equal(np.unique(y[:k]), np.unique(y[k:])):
            raise InvalidValueError(
                f"{fn}(): the training and validation subsets have different classes after the "
                f"split (the first {k} rows are validation); shuffle x and y before flowing"
            )
        part = slice(0, k) if subset == "validation" else slice(k, None)
        x = x[part]
        y = None if y is None else y[part]
        sample_weight = None if sample_weight is None else sample_weight[part]
    it.x = np.asarray(x, dtype="float32")
    it.y = y
    it._sample_weight = sample_weight
    it.image_shape = tuple(x.shape[1:])
    it.samples = len(x)
    it._setup(fn, len(x), gen, batch_size, shuffle, seed, save_to_dir, save_prefix,
              save_format, workers, use_multiprocessing, max_queue_size)
    return it


def make_dataframe_iterator(fn: str, dataframe: Any, directory: Any, gen: Any, *, x_col: str,
                            y_col: Any, target_size: Any, color_mode: str, classes: Any,
                            class_mode: Any, batch_size: Any, shuffle: bool, seed: Any,
                            save_to_dir: Any, save_prefix: str, save_format: str, subset: Any,
                            interpolation: str, drop_duplicates: bool, weight_col: Any,
                            validate_filenames: bool, workers: Any, use_multiprocessing: bool,
                            max_queue_size: Any) -> Any:
    import pandas as pd

    cls = iterator_class("DataFrameIterator")
    it = cls.__new__(cls)
    it._function = fn
    it._files_setup(fn, target_size, color_mode, class_mode, interpolation, subset, gen,
                    DF_CLASS_MODES)
    if not isinstance(dataframe, pd.DataFrame):
        raise InvalidValueError(f"{fn}(): `dataframe` must be a pandas DataFrame")
    df = dataframe.copy()
    for col in [x_col] + ([y_col] if isinstance(y_col, str) and class_mode else []):
        if col not in df.columns:
            raise InvalidValueError(f"{fn}(): no column {col!r} in `dataframe` (columns: "
                                    f"{', '.join(map(str, df.columns))})")
    if not df[x_col].map(lambda v: isinstance(v, str)).all():
        raise InvalidValueError(f"{fn}(): all values in column x_col={x_col!r} must be strings")
    if drop_duplicates:
        df = df.drop_duplicates(subset=[x_col])
    directory = "" if directory is None else os.path.expanduser(os.fspath(directory))
    it.directory = directory
    if validate_filenames:
        paths = df[x_col].map(lambda f: os.path.join(directory, f))
        ok = paths.map(lambda p: os.path.isfile(p) and p.lower().endswith(WHITE_LIST))
        if (~ok).any():
            warnings.warn(f"{fn}(): found {(~ok).sum()} invalid image filename(s) in "
                          f"x_col={x_col!r} (missing or not an image); they are ignored",
                          UserWarning, stacklevel=3)
        df = df[ok.to_numpy()]
    labelled = class_mode not in ("input", "multi_output", "raw", None)
    if labelled:
        if class_mode in ("binary", "sparse") and not df[y_col].map(
                lambda v: isinstance(v, str)).all():
            raise InvalidValueError(f"{fn}(): class_mode={class_mode!r} needs string labels in "
                                    f"y_col={y_col!r}")
        if classes:
            keep = set(map(str, classes))
            df[y_col] = df[y_col].map(
                lambda v: ([c for c in v if c in keep] or None) if isinstance(v, (list, tuple))
                else (v if v in keep else None))
            df = df.dropna(subset=[y_col])
            names = sorted(keep)
        else:
            found: set[str] = set()
            for v in df[y_col]:
                found.update(v if isinstance(v, (list, tuple)) else [v])
            names = sorted(found)
        if class_mode == "binary" and len(names) != 2:
            raise InvalidValueError(f"{fn}(): class_mode=\"binary\" needs exactly 2 classes, "
                                    f"found {len(names)}")
        it.class_indices = {c: i for i, c in enumerate(names)}
    if it.split is not None:
        start, stop = int(it.split[0] * len(df)), int(it.split[1] * len(df))
        df = df.iloc[start:stop]
    if labelled:
        it.classes = [([it.class_indices[c] for c in v] if isinstance(v, (list, tuple))
                       else it.class_indices[v]) for v in df[y_col]]
    if class_mode == "multi_output":
        it._targets = [np.array(df[c].tolist()) for c in y_col]
    elif class_mode == "raw":
        it._targets = df[y_col].to_numpy()
    it.filenames = df[x_col].tolist()
    it._sample_weight = df[weight_col].to_numpy() if weight_col else None
    it.samples = len(it.filenames)
    if not it.samples:
        raise InvalidValueError(f"{fn}(): no usable image files listed in x_col={x_col!r}")
    it.filepaths = [os.path.join(directory, f) for f in it.filenames]
    state = "validated" if validate_filenames else "non-validated"
    if labelled:
        print(f"Found {it.samples} {state} image filenames belonging to "
              f"{len(it.class_indices)} classes.")
    else:
        print(f"Found {it.samples} {state} image filenames.")
    it._setup(fn, it.samples, gen, batch_size, shuffle, seed, save_to_dir, save_prefix,
              save_format, workers, use_multiprocessing, max_queue_size)
    return it
