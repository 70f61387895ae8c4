"""R's ``image_data_generator()`` and the ``flow_images_*`` iterators over Keras 3.

Keras 3 removed ``ImageDataGenerator``; kerasr reimplements keras-preprocessing 1.1.2's algorithm
(what R keras 2 called) in numpy, scipy and Pillow: the same random draws in the same order, the
same affine maths, augmentation before ``preprocessing_function`` and ``rescale``, the same
class order, validation split and short last batch. The ``flow_images_*`` functions return
``keras.utils.PyDataset`` objects, so ``fit()``, ``evaluate()`` and ``predict()`` take them
directly (with ``workers``), and ``generator_next()`` cycles through them as R does.

R: ``gen <- image_data_generator(rescale = 1/255, rotation_range = 40)``
Python: ``gen = image_data_generator(rescale=1/255, rotation_range=40)``
"""

from __future__ import annotations

import numbers
import os
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidValueError
from .image import check_data_format
from .image_settings import GENERATOR_DEFAULTS
from .image_settings import ImageDataGenerator as GeneratorSettings

__all__ = [
    "fit_image_data_generator",
    "flow_images_from_data",
    "flow_images_from_dataframe",
    "flow_images_from_directory",
    "generator_next",
    "image_data_generator",
]

_FN = "image_data_generator"
FILL_MODES = ("constant", "nearest", "reflect", "wrap")


def _range_arg(value: Any, name: str) -> Any:
    """A shift range as the reference takes it: a number, or a list of allowed pixel shifts."""
    if isinstance(value, bool):
        raise InvalidValueError(f"{_FN}(): `{name}` must be a number or a list of numbers")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if value < 0:
            raise InvalidValueError(f"{_FN}(): `{name}` must be >= 0, got {value}")
        return float(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(np.asarray(value).tolist())
    raise InvalidValueError(
        f"{_FN}(): `{name}` must be a number (a fraction of the size if < 1, else pixels) or a "
        f"list of allowed pixel shifts, got {value!r}"
    )


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise InvalidValueError(f"{_FN}(): `{name}` must be a number >= 0, got {value!r}")
    return float(value)


class ImageDataGenerator(GeneratorSettings):
    """What ``image_data_generator()`` returns: its settings, plus Keras 2's method names
    (``gen.fit(x)``, ``gen.flow(x, y)``, ``gen.flow_from_directory(dir)``), as R's
    ``generator$flow(...)`` reaches them through reticulate.

    R: ``gen <- image_data_generator(rescale = 1/255); gen$flow(x, y)``
    Python: ``gen = image_data_generator(rescale=1/255); gen.flow(x, y)``
    """

    # -- Keras 2 method names ----------------------------------------------------------------
    def fit(self, x: Any, augment: bool = False, rounds: int = 1,
            seed: int | None = None) -> None:
        fit_image_data_generator(self, x, augment=augment, rounds=rounds, seed=seed)

    def flow(self, x: Any, y: Any = None, **kwargs: Any) -> Any:
        return flow_images_from_data(x, y, generator=self, **kwargs)

    def flow_from_directory(self, directory: str, **kwargs: Any) -> Any:
        return flow_images_from_directory(directory, generator=self, **kwargs)

    def flow_from_dataframe(self, dataframe: Any, **kwargs: Any) -> Any:
        return flow_images_from_dataframe(dataframe, generator=self, **kwargs)


def image_data_generator(
    featurewise_center: bool = False,
    samplewise_center: bool = False,
    featurewise_std_normalization: bool = False,
    samplewise_std_normalization: bool = False,
    zca_whitening: bool = False,
    zca_epsilon: float = 1e-6,
    rotation_range: float = 0.0,
    width_shift_range: Any = 0.0,
    height_shift_range: Any = 0.0,
    brightness_range: Sequence[float] | None = None,
    shear_range: float = 0.0,
    zoom_range: Any = 0.0,
    channel_shift_range: float = 0.0,
    fill_mode: str = "nearest",
    cval: float = 0.0,
    horizontal_flip: bool = False,
    vertical_flip: bool = False,
    rescale: float | None = None,
    preprocessing_function: Callable[[np.ndarray], np.ndarray] | None = None,
    data_format: str | None = None,
    validation_split: float = 0.0,
) -> ImageDataGenerator:
    """Settings for real-time image augmentation and standardization (R's ``image_data_generator``).

    Angles are in degrees (``rotation_range``, ``shear_range``); shifts below 1 are fractions of
    the size, from 1 pixels (an int ``n`` draws from ``-(n-1)..n-1``, as the reference);
    ``zoom_range=z`` draws from ``[1-z, 1+z]`` (above 1 zooms out). Augmentation runs first, then
    ``preprocessing_function``, ``rescale`` and the sample- and feature-wise statistics.

    R: ``gen <- image_data_generator(rescale = 1/255, rotation_range = 40, horizontal_flip = TRUE)``
    Python: ``gen = image_data_generator(rescale=1/255, rotation_range=40, horizontal_flip=True)``
    """
    data_format = check_data_format(data_format, _FN)
    if fill_mode not in FILL_MODES:
        raise InvalidValueError(
            f"{_FN}(): `fill_mode` must be one of {', '.join(map(repr, FILL_MODES))}, "
            f"got {fill_mode!r}"
        )
    if isinstance(zoom_range, numbers.Real) and not isinstance(zoom_range, bool):
        if zoom_range < 0:
            raise InvalidValueError(f"{_FN}(): `zoom_range` must be >= 0, got {zoom_range}")
        zoom = [1 - float(zoom_range), 1 + float(zoom_range)]
    elif isinstance(zoom_range, (list, tuple, np.ndarray)) and len(zoom_range) == 2:
        zoom = [float(zoom_range[0]), float(zoom_range[1])]
    else:
        raise InvalidValueError(
            f"{_FN}(): `zoom_range` should be a number or a pair (lower, upper), e.g. "
            f"zoom_range=0.2 or zoom_range=(0.8, 1.2); got {zoom_range!r}"
        )
    if brightness_range is not None:
        if not isinstance(brightness_range, (list, tuple, np.ndarray)) or len(
                brightness_range) != 2:
            raise InvalidValueError(
                f"{_FN}(): `brightness_range` must be a pair (lower, upper), e.g. "
                f"brightness_range=(0.5, 1.5); got {brightness_range!r}"
            )
        brightness_range = [float(brightness_range[0]), float(brightness_range[1])]
    validation_split = _number(validation_split, "validation_split")
    if validation_split and not 0 < validation_split < 1:
        raise InvalidValueError(
            f"{_FN}(): `validation_split` must be strictly between 0 and 1, got {validation_split}"
        )
    if preprocessing_function is not None and not callable(preprocessing_function):
        raise InvalidValueError(f"{_FN}(): `preprocessing_function` must be a function")
    if rescale is not None and not isinstance(rescale, numbers.Real):
        raise InvalidValueError(
            f"{_FN}(): `rescale` must be a number (e.g. 1/255), got {rescale!r}"
        )
    if zca_whitening:
        if not featurewise_center:
            warnings.warn(f"{_FN}(): `zca_whitening` overrides `featurewise_center=True`",
                          UserWarning, stacklevel=2)
            featurewise_center = True
        if featurewise_std_normalization:
            warnings.warn(f"{_FN}(): `zca_whitening` overrides "
                          "`featurewise_std_normalization=False`", UserWarning, stacklevel=2)
            featurewise_std_normalization = False
    if featurewise_std_normalization and not featurewise_center:
        warnings.warn(f"{_FN}(): `featurewise_std_normalization` overrides "
                      "`featurewise_center=True`", UserWarning, stacklevel=2)
        featurewise_center = True
    if samplewise_std_normalization and not samplewise_center:
        warnings.warn(f"{_FN}(): `samplewise_std_normalization` overrides "
                      "`samplewise_center=True`", UserWarning, stacklevel=2)
        samplewise_center = True
    return ImageDataGenerator(
        featurewise_center=bool(featurewise_center),
        samplewise_center=bool(samplewise_center),
        featurewise_std_normalization=bool(featurewise_std_normalization),
        samplewise_std_normalization=bool(samplewise_std_normalization),
        zca_whitening=bool(zca_whitening),
        zca_epsilon=float(zca_epsilon),
        rotation_range=_number(rotation_range, "rotation_range"),
        width_shift_range=_range_arg(width_shift_range, "width_shift_range"),
        height_shift_range=_range_arg(height_shift_range, "height_shift_range"),
        brightness_range=brightness_range,
        shear_range=_number(shear_range, "shear_range"),
        zoom_range=zoom,
        channel_shift_range=_number(channel_shift_range, "channel_shift_range"),
        fill_mode=fill_mode,
        cval=float(cval),
        horizontal_flip=bool(horizontal_flip),
        vertical_flip=bool(vertical_flip),
        rescale=rescale,
        preprocessing_function=preprocessing_function,
        data_format=data_format,
        validation_split=validation_split,
        _validation_split=validation_split,
    )


GENERATOR_DEFAULTS.update(image_data_generator().__dict__)
for _k in ("mean", "std", "principal_components", "interpolation_order", "dtype",
           "_validation_split"):
    GENERATOR_DEFAULTS.pop(_k, None)


def _check_generator(generator: Any, function: str) -> ImageDataGenerator:
    if not isinstance(generator, ImageDataGenerator):
        raise InvalidValueError(
            f"{function}(): `generator` must come from image_data_generator(), got "
            f"{type(generator).__name__}"
        )
    return generator


def fit_image_data_generator(object: ImageDataGenerator, x: Any, augment: bool = False,
                             rounds: int = 1, seed: int | None = None) -> ImageDataGenerator:
    """Compute the featurewise mean, std and ZCA matrix from sample images (in place).

    R: ``fit_image_data_generator(gen, x_train)``
    Python: ``fit_image_data_generator(gen, x_train)``
    """
    fn = "fit_image_data_generator"
    gen = _check_generator(object, fn)
    x = np.asarray(x, dtype=gen.dtype)
    if x.ndim != 4:
        raise InvalidValueError(
            f"{fn}(): `x` must be a rank-4 array of images (samples, height, width, channels), "
            f"got shape {x.shape}"
        )
    cf = gen.data_format == "channels_first"
    caxis, raxis, kaxis = (1, 2, 3) if cf else (3, 1, 2)
    if x.shape[caxis] not in {1, 3, 4}:
        warnings.warn(f"{fn}(): expected 1, 3 or 4 channels on axis {caxis} "
                      f"({gen.data_format}), got an array of shape {x.shape}",
                      UserWarning, stacklevel=2)
    rounds = int(rounds)
    if rounds < 1:
        raise InvalidValueError(f"{fn}(): `rounds` must be at least 1, got {rounds}")
    if seed is not None:
        np.random.seed(int(seed))
    x = np.copy(x)
    if gen.rescale:
        x *= gen.rescale
    if augment:
        ax = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=gen.dtype)
        for r in range(rounds):
            for i in range(x.shape[0]):
                ax[i + r * x.shape[0]] = gen.random_transform(x[i])
        x = ax
    shape = [1, 1, 1]
    shape[caxis - 1] = x.shape[caxis]
    if gen.featurewise_center:
        gen.mean = np.reshape(np.mean(x, axis=(0, raxis, kaxis)), shape)
        x -= gen.mean
    if gen.featurewise_std_normalization:
        gen.std = np.reshape(np.std(x, axis=(0, raxis, kaxis)), shape)
        x /= gen.std + 1e-6
    if gen.zca_whitening:
        from scipy import linalg

        flat = np.reshape(x, (x.shape[0], -1))
        sigma = flat.T @ flat / flat.shape[0]
        u, s, _ = linalg.svd(sigma)
        s_inv = 1.0 / np.sqrt(s[np.newaxis] + gen.zca_epsilon)
        gen.principal_components = (u * s_inv) @ u.T
    return gen


def flow_images_from_data(
    x: Any, y: Any = None, generator: ImageDataGenerator | None = None, batch_size: int = 32,
    shuffle: bool = True, sample_weight: Any = None, seed: int | None = None,
    save_to_dir: str | None = None, save_prefix: str = "", save_format: str = "png",
    subset: str | None = None, workers: int = 1, use_multiprocessing: bool = False,
    max_queue_size: int = 10,
) -> Any:
    """Batches of augmented images from arrays (R's ``flow_images_from_data``), as a PyDataset.

    Yields ``(x, y)`` (``y`` as given, not one-hot), ``(x, y, sample_weight)``, or ``x`` alone
    when ``y`` is None. ``subset="validation"`` takes the first ``validation_split`` of the rows.

    R: ``gen <- flow_images_from_data(x, y, image_data_generator(rotation_range = 20))``
    Python: ``gen = flow_images_from_data(x, y, image_data_generator(rotation_range=20))``
    """
    from .image_sources import make_array_iterator

    fn = "flow_images_from_data"
    gen = _check_generator(generator if generator is not None else image_data_generator(), fn)
    return make_array_iterator(
        fn, x, y, gen, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
        seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
        subset=subset, workers=workers, use_multiprocessing=use_multiprocessing,
        max_queue_size=max_queue_size,
    )


def flow_images_from_directory(
    directory: str | os.PathLike[str], generator: ImageDataGenerator | None = None,
    target_size: Sequence[int] = (256, 256), color_mode: str = "rgb",
    classes: Sequence[str] | None = None, class_mode: str | None = "categorical",
    batch_size: int = 32, shuffle: bool = True, seed: int | None = None,
    save_to_dir: str | None = None, save_prefix: str = "", save_format: str = "png",
    follow_links: bool = False, subset: str | None = None, interpolation: str = "nearest",
    workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10,
) -> Any:
    """Batches of augmented images from a folder of class sub-folders (R's
    ``flow_images_from_directory``), as a ``keras.utils.PyDataset``.

    Classes are the sub-folder names in code-point order (or ``classes``); files with a png,
    jpg, jpeg, bmp, ppm, tif or tiff ending are used, others skipped with a warning naming them.
    ``class_mode`` is "categorical" (one-hot), "binary" (needs 2 classes), "sparse", "input" or
    None. ``subset`` takes the first ``validation_split`` of each class's sorted files as
    "validation", the rest as "training". Has ``class_indices``, ``classes``, ``filenames``,
    ``samples``.

    R: ``gen <- flow_images_from_directory("train", datagen, target_size = c(150, 150))``
    Python: ``gen = flow_images_from_directory("train", datagen, target_size=(150, 150))``
    """
    from .image_sources import make_directory_iterator

    fn = "flow_images_from_directory"
    gen = _check_generator(generator if generator is not None else image_data_generator(), fn)
    return make_directory_iterator(
        fn, directory, gen, target_size=target_size, color_mode=color_mode, classes=classes,
        class_mode=class_mode, batch_size=batch_size, shuffle=shuffle, seed=seed,
        save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
        follow_links=follow_links, subset=subset, interpolation=interpolation, workers=workers,
        use_multiprocessing=use_multiprocessing, max_queue_size=max_queue_size,
    )


def flow_images_from_dataframe(
    dataframe: Any, directory: str | None = None, x_col: str = "filename", y_col: Any = "class",
    generator: ImageDataGenerator | None = None, target_size: Sequence[int] = (256, 256),
    color_mode: str = "rgb", classes: Sequence[str] | None = None,
    class_mode: str | None = "categorical", batch_size: int = 32, shuffle: bool = True,
    seed: int | None = None, save_to_dir: str | None = None, save_prefix: str = "",
    save_format: str = "png", subset: str | None = None, interpolation: str = "nearest",
    drop_duplicates: bool = True, weight_col: str | None = None,
    validate_filenames: bool = True, workers: int = 1, use_multiprocessing: bool = False,
    max_queue_size: int = 10,
) -> Any:
    """Batches of augmented images named in a data frame (R's ``flow_images_from_dataframe``).

    ``x_col`` holds file names (relative to ``directory``), ``y_col`` the labels; class_mode as in
    ``flow_images_from_directory`` plus "raw" (the ``y_col`` values) and "multi_output".
    ``subset`` splits the rows (first ``validation_split`` for "validation").

    R: ``gen <- flow_images_from_dataframe(df, "images", x_col = "file", y_col = "label")``
    Python: ``gen = flow_images_from_dataframe(df, "images", x_col="file", y_col="label")``
    """
    from .image_sources import make_dataframe_iterator

    fn = "flow_images_from_dataframe"
    gen = _check_generator(generator if generator is not None else image_data_generator(), fn)
    return make_dataframe_iterator(
        fn, dataframe, directory, gen, x_col=x_col, y_col=y_col, target_size=target_size,
        color_mode=color_mode, classes=classes, class_mode=class_mode, batch_size=batch_size,
        shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
        save_format=save_format, subset=subset, interpolation=interpolation,
        drop_duplicates=drop_duplicates, weight_col=weight_col,
        validate_filenames=validate_filenames, workers=workers,
        use_multiprocessing=use_multiprocessing, max_queue_size=max_queue_size,
    )


def generator_next(generator: Any, completed: Any = None) -> Any:
    """The next batch of a generator: ``(x, y)``, or ``x`` alone when there are no labels.

    The ``flow_images_*`` iterators never end: after the last (short) batch of a pass they
    reshuffle and start again, as in R. A finished plain Python iterator returns ``completed``.

    R: ``batch <- generator_next(train_generator)``
    Python: ``batch = generator_next(train_generator)``
    """
    from .image_iterators import IteratorCore

    if isinstance(generator, IteratorCore):
        return generator.next()
    try:
        return next(generator)
    except StopIteration:
        return completed
    except TypeError as exc:
        if not hasattr(generator, "__next__"):
            raise InvalidValueError(
                f"generator_next(): `generator` must be an iterator (e.g. from "
                f"flow_images_from_directory()), got {type(generator).__name__}"
            ) from exc
        raise
