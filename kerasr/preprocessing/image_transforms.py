"""The augmentation maths of R's ``image_data_generator`` (keras-preprocessing 1.1.2, to the pixel).

Images here are float32 ``(height, width, channels)``. Random parameters are drawn from a numpy
``RandomState`` (or the ``np.random`` module itself) in the reference order: rotation, height
shift, width shift, shear, zoom x and y, horizontal flip, vertical flip, channel shift,
brightness. One affine map (rotation . shift . shear . zoom, centred at ``size/2 + 0.5``) maps
output to input coordinates and is applied per channel by ``scipy.ndimage.affine_transform``
with linear interpolation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__: list[str] = []  # internal: the public face is image_data_generator()


@dataclass
class Transform:
    """One image's random parameters (``get_random_transform``'s dict, as fields)."""

    theta: float = 0.0
    tx: float = 0.0
    ty: float = 0.0
    shear: float = 0.0
    zx: float = 1.0
    zy: float = 1.0
    flip_horizontal: bool = False
    flip_vertical: bool = False
    channel_shift_intensity: float | None = None
    brightness: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _shift(rng: Any, spec: Any, size: int) -> float:
    """A shift in pixels: ints and lists draw from a set with a random sign, floats uniformly;
    a range whose maximum is below 1 is a fraction of ``size``."""
    try:
        value = rng.choice(spec)
        value *= rng.choice([-1, 1])
    except ValueError:
        value = rng.uniform(-spec, spec)
    if np.max(spec) < 1:
        value *= size
    return value


def draw_transform(settings: Any, rng: Any, img_shape: tuple[int, ...],
                   row_axis: int = 0, col_axis: int = 1) -> Transform:
    """Draw one image's parameters in the reference order (``get_random_transform``)."""
    s = settings
    t = Transform()
    if s.rotation_range:
        t.theta = rng.uniform(-s.rotation_range, s.rotation_range)
    if s.height_shift_range:
        t.tx = _shift(rng, s.height_shift_range, img_shape[row_axis])
    if s.width_shift_range:
        t.ty = _shift(rng, s.width_shift_range, img_shape[col_axis])
    if s.shear_range:
        t.shear = rng.uniform(-s.shear_range, s.shear_range)
    if not (s.zoom_range[0] == 1 and s.zoom_range[1] == 1):
        t.zx, t.zy = rng.uniform(s.zoom_range[0], s.zoom_range[1], 2)
    t.flip_horizontal = bool((rng.random() < 0.5) * s.horizontal_flip)
    t.flip_vertical = bool((rng.random() < 0.5) * s.vertical_flip)
    if s.channel_shift_range != 0:
        t.channel_shift_intensity = rng.uniform(-s.channel_shift_range, s.channel_shift_range)
    if s.brightness_range is not None:
        t.brightness = rng.uniform(s.brightness_range[0], s.brightness_range[1])
    return t


def affine_matrix(t: Transform, h: int, w: int) -> np.ndarray | None:
    """The 3x3 output->input map for ``t``, centred on the image, or None for the identity."""
    m = None
    if t.theta != 0:
        a = np.deg2rad(t.theta)
        m = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    if t.tx != 0 or t.ty != 0:
        s = np.array([[1, 0, t.tx], [0, 1, t.ty], [0, 0, 1]])
        m = s if m is None else m @ s
    if t.shear != 0:
        a = np.deg2rad(t.shear)
        s = np.array([[1, -np.sin(a), 0], [0, np.cos(a), 0], [0, 0, 1]])
        m = s if m is None else m @ s
    if t.zx != 1 or t.zy != 1:
        s = np.array([[t.zx, 0, 0], [0, t.zy, 0], [0, 0, 1]])
        m = s if m is None else m @ s
    if m is None:
        return None
    ox, oy = float(h) / 2 + 0.5, float(w) / 2 + 0.5
    offset = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]])
    reset = np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
    return offset @ m @ reset


def apply_affine(x: np.ndarray, matrix: np.ndarray, fill_mode: str, cval: float,
                 order: int = 1) -> np.ndarray:
    """Apply a 3x3 map to each channel of a ``(h, w, c)`` image (scipy, linear)."""
    from scipy import ndimage

    out = np.empty(x.shape, dtype=x.dtype)
    lin, off = matrix[:2, :2], matrix[:2, 2]
    for c in range(x.shape[2]):
        out[:, :, c] = ndimage.affine_transform(
            x[:, :, c], lin, off, order=order, mode=fill_mode, cval=cval
        )
    return out


def channel_shift(x: np.ndarray, intensity: float) -> np.ndarray:
    """Add ``intensity`` to every channel, clipped to the image's own min..max."""
    # float32 + float64 gives float64, as in the reference (the batch array rounds it back)
    return np.clip(x + intensity, np.min(x), np.max(x))


def brightness_shift(x: np.ndarray, brightness: float) -> np.ndarray:
    """Pillow's brightness enhancement after min-max rescaling to 0..255 (as the reference)."""
    from PIL import ImageEnhance

    from .image import image_from_array

    img = image_from_array(x, scale=True)
    img = ImageEnhance.Brightness(img).enhance(brightness)
    out = np.asarray(img, dtype="float32")
    return out[:, :, None] if out.ndim == 2 else out


def apply_transform(x: np.ndarray, t: Transform, fill_mode: str, cval: float,
                    order: int = 1) -> np.ndarray:
    """Affine map, channel shift, horizontal then vertical flip, brightness; channels last."""
    matrix = affine_matrix(t, x.shape[0], x.shape[1])
    if matrix is not None:
        x = apply_affine(x, matrix, fill_mode, cval, order)
    if t.channel_shift_intensity is not None:
        x = channel_shift(x, t.channel_shift_intensity)
    if t.flip_horizontal:
        x = x[:, ::-1, :]
    if t.flip_vertical:
        x = x[::-1, :, :]
    if t.brightness is not None:
        x = brightness_shift(x, t.brightness)
    return x
