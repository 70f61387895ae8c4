"""Single-image functions on real PNG and JPEG files written here (Pillow), checked by pixel."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kerasr.errors import InvalidValueError
from kerasr.preprocessing.image import (
    image_array_resize,
    image_array_save,
    image_from_array,
    image_load,
    image_to_array,
)


@pytest.fixture
def rgb() -> np.ndarray:
    """A 12 x 16 RGB picture with distinct rows, columns and channels."""
    r = np.arange(12)[:, None] * 20
    g = np.arange(16)[None, :] * 15
    return np.stack([np.broadcast_to(r, (12, 16)), np.broadcast_to(g, (12, 16)),
                     np.full((12, 16), 77)], axis=-1).astype(np.uint8)


@pytest.fixture
def png(tmp_path: Path, rgb: np.ndarray) -> Path:
    path = tmp_path / "pic.png"
    Image.fromarray(rgb).save(path)
    return path


def test_image_load_png_round_trips_pixels(png: Path, rgb: np.ndarray) -> None:
    img = image_load(png)
    assert img.mode == "RGB" and img.size == (16, 12)
    x = image_to_array(img)
    assert x.dtype == np.float32 and x.shape == (12, 16, 3)
    np.testing.assert_array_equal(x, rgb.astype(np.float32))


def test_image_load_target_size_is_height_width_nearest(png: Path, rgb: np.ndarray) -> None:
    x = image_to_array(image_load(str(png), target_size=(6, 8)))
    assert x.shape == (6, 8, 3)
    # Pillow's nearest filter on an exact 2x reduction picks one of each 2x2 block
    expected = np.asarray(Image.fromarray(rgb).resize((8, 6), Image.Resampling.NEAREST))
    np.testing.assert_array_equal(x, expected)
    smooth = image_to_array(image_load(png, target_size=[6, 8], interpolation="bilinear"))
    assert not np.array_equal(smooth, x)  # a different filter really is used


def test_image_load_grayscale_and_rgba(png: Path, rgb: np.ndarray) -> None:
    gray = image_to_array(image_load(png, grayscale=True))
    assert gray.shape == (12, 16, 1)
    expected = np.asarray(Image.fromarray(rgb).convert("L"), dtype=np.float32)
    np.testing.assert_array_equal(gray[:, :, 0], expected)
    np.testing.assert_array_equal(image_to_array(image_load(png, color_mode="grayscale")), gray)
    rgba = image_to_array(image_load(png, color_mode="rgba"))
    assert rgba.shape == (12, 16, 4) and (rgba[:, :, 3] == 255).all()


def test_image_load_jpeg_is_close_to_source(tmp_path: Path, rgb: np.ndarray) -> None:
    path = tmp_path / "pic.jpg"
    Image.fromarray(rgb).save(path, quality=95)
    x = image_to_array(image_load(path))
    assert x.shape == (12, 16, 3)
    assert np.abs(x - rgb).mean() < 6  # lossy, but the same picture


def test_image_to_array_channels_first(png: Path) -> None:
    img = image_load(png)
    last = image_to_array(img)
    first = image_to_array(img, data_format="channels_first")
    assert first.shape == (3, 12, 16)
    np.testing.assert_array_equal(first.transpose(1, 2, 0), last)
    with pytest.raises(InvalidValueError, match="image_to_array\\(\\): `data_format`"):
        image_to_array(img, data_format="nhwc")


def test_image_load_bad_inputs(tmp_path: Path, png: Path) -> None:
    with pytest.raises(InvalidValueError, match="image_load\\(\\): `target_size` must be 2"):
        image_load(png, target_size=(10, 10, 3))
    with pytest.raises(InvalidValueError, match="image_load\\(\\): `target_size` must be 2"):
        image_load(png, target_size=150)
    with pytest.raises(InvalidValueError, match="`interpolation` must be one of"):
        image_load(png, interpolation="cubic")
    with pytest.raises(InvalidValueError, match="`color_mode` must be one of"):
        image_load(png, color_mode="cmyk")
    with pytest.raises(InvalidValueError, match="no file at"):
        image_load(tmp_path / "absent.png")
    junk = tmp_path / "junk.jpg"
    junk.write_text("not an image")
    with pytest.raises(InvalidValueError, match="cannot read .*junk.jpg.* as an image"):
        image_load(junk)


def test_image_from_array_scales_min_max() -> None:
    x = np.linspace(-1, 1, 2 * 3 * 3, dtype=np.float32).reshape(2, 3, 3)
    img = image_from_array(x)
    assert img.mode == "RGB"
    arr = np.asarray(img)
    assert arr.min() == 0 and arr.max() == 255
    raw = image_from_array(np.full((2, 2, 1), 7.0), scale=False)
    assert raw.mode == "L" and (np.asarray(raw) == 7).all()
    big = image_from_array(np.full((2, 2, 1), 1000.0), scale=False)
    assert big.mode == "I" and (np.asarray(big) == 1000).all()
    assert image_from_array(np.zeros((1, 2, 2, 4))).mode == "RGBA"  # a batch of one
    with pytest.raises(InvalidValueError, match="1, 3 or 4 channels"):
        image_from_array(np.zeros((2, 2, 2)))
    with pytest.raises(InvalidValueError, match="rank 3"):
        image_from_array(np.zeros((5, 2, 2, 3)))


def test_image_array_save_png_exact_and_jpeg(tmp_path: Path, rgb: np.ndarray) -> None:
    x = rgb.astype(np.float32)
    out = tmp_path / "saved.png"
    image_array_save(x, out, scale=False)
    np.testing.assert_array_equal(np.asarray(Image.open(out)), rgb)
    scaled = tmp_path / "scaled.png"
    image_array_save(x, scaled)  # min-max to 0..255
    back = np.asarray(Image.open(scaled)).astype(float)
    assert back.min() == 0 and back.max() == 255
    jpg = tmp_path / "saved.jpg"
    with pytest.warns(UserWarning, match="RGBA"):
        image_array_save(np.dstack([x, np.full((12, 16), 255.0)]), jpg, scale=False)
    assert Image.open(jpg).format == "JPEG" and Image.open(jpg).mode == "RGB"
    named = tmp_path / "no_extension"
    image_array_save(x, named, file_format="png", scale=False)
    assert Image.open(named).format == "PNG"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_image_array_save_failure_keeps_old_file(tmp_path: Path, rgb: np.ndarray) -> None:
    out = tmp_path / "keep.png"
    out.write_bytes(b"old contents")
    with pytest.raises(InvalidValueError, match="cannot tell the image format"):
        image_array_save(rgb, tmp_path / "x.unknownext")
    with pytest.raises(InvalidValueError, match="cannot save"):
        image_array_save(rgb, out, file_format="nosuchformat")
    assert out.read_bytes() == b"old contents"
    assert sorted(os.listdir(tmp_path)) == ["keep.png"]  # no temporary file left behind


def test_image_array_resize_is_bilinear_zoom(rgb: np.ndarray) -> None:
    from scipy import ndimage

    x = rgb.astype(np.float32)
    out = image_array_resize(x, height=24, width=8)
    assert out.shape == (24, 8, 3)
    np.testing.assert_allclose(out, ndimage.zoom(x, (2, 0.5, 1), order=1))
    batch = image_array_resize(x[None], 6, 8)
    assert batch.shape == (1, 6, 8, 3)
    first = image_array_resize(x.transpose(2, 0, 1), 6, 8, data_format="channels_first")
    np.testing.assert_allclose(first.transpose(1, 2, 0), batch[0])
    with pytest.raises(InvalidValueError, match="image_array_resize\\(\\): `img` must be a 3-D"):
        image_array_resize(x[:, :, 0], 6, 8)
    with pytest.raises(InvalidValueError, match="`height` must be a whole number"):
        image_array_resize(x, 6.5, 8)
