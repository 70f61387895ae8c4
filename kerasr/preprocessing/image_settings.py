"""The object ``image_data_generator()`` returns: its settings, fitted statistics, and the
reference's per-image steps (``get_random_transform``, ``apply_transform``, ``standardize``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import image_transforms as tf_

__all__: list[str] = []  # internal: built by image_data_generator()


class ImageDataGenerator:
    """The settings and fitted statistics behind ``image_data_generator()``.

    Its methods keep keras-preprocessing's names (``get_random_transform``, ``apply_transform``,
    ``standardize``, ``random_transform``, ``fit``, ``flow``, ``flow_from_directory``,
    ``flow_from_dataframe``) for code written against Keras 2.

    R: ``gen <- image_data_generator(rescale = 1/255)``
    Python: ``gen = image_data_generator(rescale=1/255)``
    """

    def __init__(self, **settings: Any) -> None:
        self.__dict__.update(settings)
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.principal_components: np.ndarray | None = None
        self.interpolation_order = 1
        self.dtype = "float32"

    def __repr__(self) -> str:
        changed = {k: v for k, v in _settings_diff(self).items()}
        inner = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"<image_data_generator({inner})>"

    # -- the reference's per-image steps ---------------------------------------------------
    def get_random_transform(self, img_shape: Sequence[int], seed: int | None = None,
                             rng: Any = None) -> dict[str, Any]:
        """Draw one image's parameters (from the global ``np.random`` unless ``rng``)."""
        if rng is None:
            if seed is not None:
                np.random.seed(seed)
            rng = np.random
        shape = tuple(img_shape)
        rows, cols = (1, 2) if self.data_format == "channels_first" else (0, 1)
        return draw(self, rng, shape, rows, cols).as_dict()

    def apply_transform(self, x: np.ndarray, transform_parameters: dict[str, Any]) -> np.ndarray:
        """Apply drawn parameters to one image in the generator's data format."""
        t = tf_.Transform(**{k: v for k, v in transform_parameters.items()
                             if k in tf_.Transform.__dataclass_fields__})
        return self._transform(np.asarray(x), t)

    def _transform(self, x: np.ndarray, t: tf_.Transform) -> np.ndarray:
        if self.data_format == "channels_first":
            out = tf_.apply_transform(x.transpose(1, 2, 0), t, self.fill_mode, self.cval,
                                      self.interpolation_order)
            return out.transpose(2, 0, 1)
        return tf_.apply_transform(x, t, self.fill_mode, self.cval, self.interpolation_order)

    def random_transform(self, x: np.ndarray, seed: int | None = None) -> np.ndarray:
        """A randomly transformed copy of one image (global ``np.random``)."""
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    def standardize(self, x: np.ndarray) -> np.ndarray:
        """preprocessing_function, rescale, samplewise, featurewise, ZCA (in place, in order)."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        for flag, stat, what in (("featurewise_center", "mean", "featurewise_center"),
                                 ("featurewise_std_normalization", "std",
                                  "featurewise_std_normalization"),
                                 ("zca_whitening", "principal_components", "zca_whitening")):
            if not getattr(self, flag):
                continue
            value = getattr(self, stat)
            if value is None:
                warnings.warn(
                    f"image_data_generator(): `{what}` is set but the generator was never fit; "
                    "call fit_image_data_generator(generator, x_train) first (step skipped)",
                    UserWarning, stacklevel=3,
                )
            elif stat == "mean":
                x -= value
            elif stat == "std":
                x /= value + 1e-6
            else:
                flat = np.reshape(x, (-1, int(np.prod(x.shape[-3:]))))
                x = np.reshape(flat @ value, x.shape)
        return x


def draw(gen: ImageDataGenerator, rng: Any, shape: tuple[int, ...], rows: int = 0,
         cols: int = 1) -> tf_.Transform:
    return tf_.draw_transform(gen, rng, shape, rows, cols)


GENERATOR_DEFAULTS: dict[str, Any] = {}


def _settings_diff(gen: ImageDataGenerator) -> dict[str, Any]:
    return {k: getattr(gen, k) for k, v in GENERATOR_DEFAULTS.items()
            if k in gen.__dict__ and not _same(getattr(gen, k), v)}


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(np.all(np.asarray(a) == np.asarray(b))) and type(a) is type(b)
    except Exception:
        return a is b
