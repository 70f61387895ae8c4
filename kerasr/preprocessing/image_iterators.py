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
class IteratorCore:
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


class _FilesCore(IteratorCore):
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
        self.split = validation_split_range(fn, subset, gen)
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


def validation_split_range(fn: str, subset: Any, gen: Any) -> tuple[float, float] | None:
    """The share of each class that ``subset`` reads (R's ``validation_split``), or None.

    R: ``flow_images_from_directory(dir, gen, subset = "validation")``
    Python: ``validation_split_range("flow_images_from_directory", "validation", gen)``
    """
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


class _ArrayCore(IteratorCore):
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
