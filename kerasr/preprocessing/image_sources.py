"""Where the ``flow_images_*`` iterators get their images: a class-per-folder tree, a data frame
of file names, or arrays. Each builder checks its inputs (clear errors naming the function and
the argument), lists the files in the reference's order, applies the validation split and
returns a ready iterator (see ``image_iterators``).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from ..errors import InvalidValueError
from .image_iterators import (
    CLASS_MODES,
    DF_CLASS_MODES,
    WHITE_LIST,
    iterator_class,
    validation_split_range,
)

__all__: list[str] = []  # internal: reached through flow_images_*()


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
    split = validation_split_range(fn, subset, gen)
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
