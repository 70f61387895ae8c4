"""Single images: load, convert, resize and save (R keras's ``image_*`` functions, over Pillow).

The maths follow keras-preprocessing 1.1.2 (what R keras 2 called): ``image_load`` opens the
file with Pillow, converts it to the colour mode and resizes it with ``nearest`` by default;
``image_to_array`` gives float32 ``(height, width, channels)``; ``image_from_array`` min-max
rescales to 0..255 when ``scale=True``; ``image_array_resize`` is a bilinear spline zoom
(``scipy.ndimage.zoom(order=1)``). Files are written through a temporary file in the same folder
and an atomic rename. None of this imports Keras.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..arguments import as_int
from ..errors import InvalidValueError, KerasrError

__all__ = [
    "image_array_resize",
    "image_array_save",
    "image_from_array",
    "image_load",
    "image_to_array",
]

#: Pillow resampling filters by R/Keras name.
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
COLOR_MODES = {"grayscale": 1, "rgb": 3, "rgba": 4}
DATA_FORMATS = ("channels_last", "channels_first")


def _pil() -> Any:
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - pillow is a core dependency
        raise KerasrError(
            "The Pillow Python package is required to load images: pip install pillow"
        ) from exc
    return Image


def resample_filter(interpolation: str, function: str) -> int:
    """The Pillow filter for ``interpolation``, or an error naming the valid ones."""
    if interpolation not in INTERPOLATIONS:
        raise InvalidValueError(
            f"{function}(): `interpolation` must be one of {', '.join(map(repr, INTERPOLATIONS))}, "
            f"got {interpolation!r}"
        )
    return int(getattr(_pil().Resampling, interpolation.upper()))


def as_target_size(value: Any, function: str) -> tuple[int, int] | None:
    """R's ``target_size = c(height, width)`` as a tuple of two positive ints (or None)."""
    if value is None:
        return None
    items = value.tolist() if hasattr(value, "tolist") else value
    if not isinstance(items, (list, tuple)) or len(items) != 2:
        raise InvalidValueError(
            f"{function}(): `target_size` must be 2 element integer vector (height, width), "
            f"e.g. target_size=(150, 150); got {value!r}"
        )
    size = tuple(as_int(v, function, "target_size") for v in items)
    if min(size) < 1:
        raise InvalidValueError(
            f"{function}(): `target_size` must be positive (height, width), got {size}"
        )
    return size  # type: ignore[return-value]


def check_color_mode(color_mode: str, function: str) -> str:
    if color_mode not in COLOR_MODES:
        raise InvalidValueError(
            f"{function}(): `color_mode` must be one of \"grayscale\", \"rgb\" or \"rgba\", "
            f"got {color_mode!r}"
        )
    return color_mode


def check_data_format(data_format: Any, function: str) -> str:
    if data_format is None:
        return "channels_last"
    if isinstance(data_format, (list, tuple)):  # R's match.arg default c("channels_last", ...)
        data_format = data_format[0]
    if data_format not in DATA_FORMATS:
        raise InvalidValueError(
            f"{function}(): `data_format` must be \"channels_last\" or \"channels_first\", "
            f"got {data_format!r}"
        )
    return str(data_format)


def open_image(path: str | os.PathLike[str], color_mode: str,
               target_size: tuple[int, int] | None, resample: int, function: str) -> Any:
    """Open, convert and resize one image exactly as keras-preprocessing's ``load_img``."""
    image_mod = _pil()
    try:
        with open(path, "rb") as handle:
            img = image_mod.open(io.BytesIO(handle.read()))
            img.load()
    except FileNotFoundError as exc:
        raise InvalidValueError(f"{function}(): no file at {os.fspath(path)!r}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidValueError(
            f"{function}(): cannot read {os.fspath(path)!r} as an image ({exc}); remove it or "
            "replace it with a PNG/JPEG/BMP/TIFF file"
        ) from exc
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif img.mode != "RGB":
        img = img.convert("RGB")
    if target_size is not None:
        wh = (target_size[1], target_size[0])
        if img.size != wh:
            img = img.resize(wh, resample)
    return img


def image_load(path: str | os.PathLike[str], grayscale: bool = False, color_mode: str = "rgb",
               target_size: Sequence[int] | None = None, interpolation: str = "nearest") -> Any:
    """Load an image file into a Pillow image (R's ``image_load``).

    ``grayscale=True`` is R's older spelling of ``color_mode="grayscale"``; ``target_size`` is
    ``(height, width)``; ``interpolation`` is one of nearest (default), bilinear, bicubic,
    hamming, box, lanczos.

    R: ``img <- image_load("cat.1.jpg", target_size = c(150, 150))``
    Python: ``img = image_load("cat.1.jpg", target_size=(150, 150))``
    """
    fn = "image_load"
    if grayscale:
        color_mode = "grayscale"
    check_color_mode(color_mode, fn)
    size = as_target_size(target_size, fn)
    resample = resample_filter(interpolation, fn)
    return open_image(os.path.expanduser(os.fspath(path)), color_mode, size, resample, fn)


def image_to_array(img: Any, data_format: Any = "channels_last") -> np.ndarray:
    """A Pillow image as a float32 array ``(height, width, channels)`` (R's ``image_to_array``).

    A grayscale image gives one channel; ``data_format="channels_first"`` puts channels first.

    R: ``x <- image_to_array(img)``
    Python: ``x = image_to_array(img)``
    """
    data_format = check_data_format(data_format, "image_to_array")
    x = np.asarray(img, dtype="float32")
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise InvalidValueError(
            f"image_to_array(): `img` must be a 2-D or 3-D image, got shape {x.shape}"
        )
    if data_format == "channels_first":
        x = x.transpose(2, 0, 1)
    return x


def _as_image_array(x: Any, data_format: str, function: str) -> np.ndarray:
    arr = np.asarray(x, dtype="float32")
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 3:
        raise InvalidValueError(
            f"{function}(): expected one image of rank 3 (height, width, channels), got an array "
            f"of shape {arr.shape}; index a batch with x[i]"
        )
    if data_format == "channels_first":
        arr = arr.transpose(1, 2, 0)
    return arr


def image_from_array(x: Any, data_format: Any = None, scale: bool = True) -> Any:
    """A Pillow image from a 3-D array (R's ``image_from_array``; Keras's ``array_to_img``).

    ``scale=True`` rescales min..max to 0..255; 1, 3 or 4 channels give L, RGB or RGBA (one
    channel with values above 255 gives a 32-bit ``I`` image).

    R: ``img <- image_from_array(x)``
    Python: ``img = image_from_array(x)``
    """
    fn = "image_from_array"
    arr = _as_image_array(x, check_data_format(data_format, fn), fn)
    if scale:
        arr = arr - np.min(arr)
        top = np.max(arr)
        if top != 0:
            arr /= top
        arr *= 255
    image_mod = _pil()
    channels = arr.shape[2]
    if channels == 4:
        return image_mod.fromarray(arr.astype("uint8"), "RGBA")
    if channels == 3:
        return image_mod.fromarray(arr.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(arr) > 255:
            return image_mod.fromarray(arr[:, :, 0].astype("int32"), "I")
        return image_mod.fromarray(arr[:, :, 0].astype("uint8"), "L")
    raise InvalidValueError(
        f"{fn}(): an image needs 1, 3 or 4 channels, got {channels} (shape {arr.shape})"
    )


def image_array_resize(img: Any, height: int, width: int,
                       data_format: Any = "channels_last") -> np.ndarray:
    """Resize an image array by bilinear spline zoom (R's ``image_array_resize``).

    Uses ``scipy.ndimage.zoom(order=1)`` as R does; a ``(1, h, w, c)`` batch of one stays 4-D.
    (R's ``channels_first`` branch is broken; here it works.)

    R: ``x <- image_array_resize(x, height = 224, width = 224)``
    Python: ``x = image_array_resize(x, height=224, width=224)``
    """
    from scipy import ndimage

    fn = "image_array_resize"
    data_format = check_data_format(data_format, fn)
    height, width = as_int(height, fn, "height"), as_int(width, fn, "width")
    if height < 1 or width < 1:
        raise InvalidValueError(f"{fn}(): `height` and `width` must be positive")
    arr = np.array(img)
    batch = arr.ndim == 4 and arr.shape[0] == 1
    if batch:
        arr = arr[0]
    if arr.ndim != 3:
        raise InvalidValueError(
            f"{fn}(): `img` must be a 3-D image array (or a batch of one), got shape "
            f"{np.shape(img)}"
        )
    if data_format == "channels_first":
        factors = (1, height / arr.shape[1], width / arr.shape[2])
    else:
        factors = (height / arr.shape[0], width / arr.shape[1], 1)
    out = ndimage.zoom(arr, factors, order=1)
    return out[None] if batch else out


def _format_for(path: str, file_format: str | None, function: str) -> str:
    image_mod = _pil()
    if file_format is not None:
        name = str(file_format).lower()
        name = {"jpg": "jpeg", "tif": "tiff"}.get(name, name)
        return name.upper()
    ext = os.path.splitext(path)[1].lower()
    fmt = image_mod.registered_extensions().get(ext)
    if fmt is None:
        raise InvalidValueError(
            f"{function}(): cannot tell the image format from {path!r}; give the file a .png or "
            ".jpg extension or pass file_format=\"png\""
        )
    return str(fmt)


def save_image_atomic(img: Any, path: str, fmt: str, function: str, **kwargs: Any) -> None:
    """Save a Pillow image through a temporary file in the same folder and ``os.replace``."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".kerasr-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            img.save(handle, format=fmt, **kwargs)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, (KeyError, ValueError, OSError)):
            raise InvalidValueError(f"{function}(): cannot save {path!r} as {fmt}: {exc}") from exc
        raise


def image_array_save(img: Any, path: str | os.PathLike[str], data_format: Any = None,
                     file_format: str | None = None, scale: bool = True) -> None:
    """Save a 3-D image array to a file (R's ``image_array_save``; Keras's ``save_img``).

    ``scale=True`` min-max rescales to 0..255 first; the format comes from ``file_format`` or the
    extension. An RGBA image saved as JPEG is converted to RGB, with a warning. The file is
    written atomically (a failure leaves any old file intact).

    R: ``image_array_save(x, "augmented.png")``
    Python: ``image_array_save(x, "augmented.png")``
    """
    fn = "image_array_save"
    path = os.path.expanduser(os.fspath(path))
    fmt = _format_for(path, file_format, fn)
    pil = image_from_array(img, data_format=data_format, scale=scale)
    if pil.mode == "RGBA" and fmt == "JPEG":
        warnings.warn(f"{fn}(): the JPG format does not support RGBA images, converting to RGB",
                      UserWarning, stacklevel=2)
        pil = pil.convert("RGB")
    save_image_atomic(pil, path, fmt, fn)

