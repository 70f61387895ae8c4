"""The IDX format of MNIST and Fashion-MNIST: read (gzip or raw) and write.

Layout: two zero bytes, a type byte (0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float,
0x0E double), a byte with the number of dimensions, one big-endian uint32 per dimension, then the
data in row-major order, big-endian. MNIST labels are ``0x00000801`` (8-byte header), images
``0x00000803`` (16-byte header).
"""

from __future__ import annotations

import gzip
import io
import math
import os
import struct
from typing import BinaryIO

import numpy as np

from .atomic import atomic_write_bytes
from .errors import DataFormatError

__all__ = ["read_idx", "read_idx_dataset", "write_idx"]

_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dt.newbyteorder("=") if dt.itemsize > 1 else dt: code for code, dt in _TYPES.items()}


#: deflate cannot expand more than about 1032:1, so a gzip file of n bytes holds < n * 1100
_GZIP_MAX_RATIO = 1100


def _size_left(stream: BinaryIO) -> int:
    """Bytes from the current position of a seekable stream to its end."""
    here = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(here)
    return end - here


def _open(source: str | os.PathLike[str] | bytes | BinaryIO) -> tuple[BinaryIO, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw: BinaryIO = io.BytesIO(bytes(source))
        label = "<bytes>"
    elif isinstance(source, (str, os.PathLike)):
        raw = open(source, "rb")  # noqa: SIM115 - closed by the caller
        label = os.fspath(source)
    else:
        raw = source
        label = getattr(source, "name", "<stream>")
        if not raw.seekable():
            raw = io.BytesIO(raw.read())
    head = raw.read(2)
    raw.seek(-len(head), io.SEEK_CUR)
    if head == b"\x1f\x8b":
        packed = _size_left(raw)
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
        stream.packed_size = packed  # type: ignore[attr-defined]
        return stream, label  # type: ignore[return-value]
    return raw, label


def read_idx(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    ndim: int | None = None,
    shape: tuple[int | None, ...] | None = None,
) -> np.ndarray:
    """Read one IDX file (gzip-compressed or raw) into a writable numpy array.

    ``ndim`` and ``shape`` (``None`` entries match anything) check the header; a wrong magic
    number, dimension count or data length raises :class:`DataFormatError`. Unsigned bytes come
    back as ``uint8``; other types in native byte order.

    R: ``readBin(gzcon(file(path, "rb")), ...)`` (no keras equivalent)
    Python: ``x = read_idx("t10k-images-idx3-ubyte.gz")``
    """
    stream, label = _open(source)
    owned = isinstance(source, (str, os.PathLike))
    try:
        try:
            magic = stream.read(4)
        except (OSError, EOFError) as exc:
            raise DataFormatError(f"read_idx(): cannot read {label!r}: {exc}") from exc
        if len(magic) != 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _TYPES:
            raise DataFormatError(
                f"read_idx(): {label!r} is not an IDX file (magic bytes {magic.hex() or 'none'}; "
                "expected 0000 followed by a type byte 08/09/0b/0c/0d/0e and a dimension count)"
            )
        dtype = _TYPES[magic[2]]
        dims_count = magic[3]
        if ndim is not None and dims_count != ndim:
            raise DataFormatError(
                f"read_idx(): {label!r} has {dims_count} dimensions, expected {ndim} "
                f"(magic 0x{magic.hex()}; labels are 0x00000801, images 0x00000803)"
            )
        header = stream.read(4 * dims_count)
        if len(header) != 4 * dims_count:
            raise DataFormatError(f"read_idx(): {label!r} is truncated inside its header")
        dims = struct.unpack(f">{dims_count}I", header)
        if shape is not None and (
            len(shape) != len(dims) or any(s is not None and s != d for s, d in zip(shape, dims))
        ):
            raise DataFormatError(f"read_idx(): {label!r} has shape {dims}, expected {shape}")
        count = math.prod(dims)
        needed = count * dtype.itemsize
        packed = getattr(stream, "packed_size", None)
        # checked before allocating: a corrupt or hostile header is not a MemoryError
        if packed is None:  # raw: exactly the rest of the file
            available = _size_left(stream)
            if needed > available:
                raise DataFormatError(
                    f"read_idx(): {label!r} is truncated: {available:,} data bytes, expected "
                    f"{needed:,} for shape {dims} (or its header is corrupt; download it again)"
                )
        elif needed > packed * _GZIP_MAX_RATIO:  # gzip: more than deflate can expand it to
            raise DataFormatError(
                f"read_idx(): {label!r} has a header claiming shape {dims} ({needed:,} bytes "
                f"of data), but its {packed:,} compressed bytes cannot expand to more than "
                f"{packed * _GZIP_MAX_RATIO:,}; the header is corrupt (download it again)"
            )
        out = np.empty(count, dtype=dtype)
        view = memoryview(out).cast("B")
        try:
            got = 0
            while got < len(view):
                n = stream.readinto(view[got:])
                if not n:
                    break
                got += n
            extra = stream.read(1)
        except (OSError, EOFError) as exc:
            raise DataFormatError(f"read_idx(): {label!r} is corrupt: {exc}") from exc
        if got != len(view):
            raise DataFormatError(
                f"read_idx(): {label!r} is truncated: {got:,} data bytes, expected "
                f"{len(view):,} for shape {dims}"
            )
        if extra:
            raise DataFormatError(
                f"read_idx(): {label!r} has trailing data after the {len(view):,} bytes of "
                f"shape {dims}"
            )
    finally:
        if owned or isinstance(stream, gzip.GzipFile):
            stream.close()
    out = out.reshape(dims)
    if dtype.itemsize > 1:
        out = out.astype(dtype.newbyteorder("="), copy=False)
    return out


def write_idx(
    array: np.ndarray, path: str | os.PathLike[str], *, compress: bool | None = None
) -> None:
    """Write ``array`` as an IDX file (gzip-compressed when ``compress`` or the name ends in .gz).

    R: (no equivalent)
    Python: ``write_idx(labels.astype("uint8"), "labels-idx1-ubyte.gz")``
    """
    array = np.asarray(array)
    key = array.dtype.newbyteorder("=") if array.dtype.itemsize > 1 else array.dtype
    if key not in _CODES:
        raise DataFormatError(
            f"write_idx(): dtype {array.dtype} has no IDX type code; use uint8, int8, int16, "
            "int32, float32 or float64"
        )
    code = _CODES[key]
    big = array.astype(_TYPES[code], copy=False)
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + np.ascontiguousarray(big).tobytes()
    if compress is None:
        compress = os.fspath(path).endswith(".gz")
    if compress:
        payload = gzip.compress(payload, mtime=0)
    atomic_write_bytes(path, payload)  # whole or not at all


def read_idx_dataset(
    train_images: str | os.PathLike[str],
    train_labels: str | os.PathLike[str],
    test_images: str | os.PathLike[str],
    test_labels: str | os.PathLike[str],
    *,
    image_shape: tuple[int, int] = (28, 28),
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Read the four IDX files of MNIST or Fashion-MNIST as Keras returns them.

    Returns ``((x_train, y_train), (x_test, y_test))``: uint8 images ``(n, 28, 28)`` and uint8
    labels ``(n,)``; image and label counts must agree.

    R: ``c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()``
    Python: ``(x_train, y_train), (x_test, y_test) = read_idx_dataset(*paths)``
    """
    result = []
    for images_path, labels_path in ((train_images, train_labels), (test_images, test_labels)):
        x = read_idx(images_path, ndim=3, shape=(None, *image_shape))
        y = read_idx(labels_path, ndim=1)
        if x.dtype != np.uint8 or y.dtype != np.uint8:
            raise DataFormatError(
                f"read_idx_dataset(): expected unsigned-byte IDX files, got {x.dtype} images "
                f"({os.fspath(images_path)!r}) and {y.dtype} labels ({os.fspath(labels_path)!r})"
            )
        if len(x) != len(y):
            raise DataFormatError(
                f"read_idx_dataset(): {os.fspath(images_path)!r} has {len(x):,} images but "
                f"{os.fspath(labels_path)!r} has {len(y):,} labels"
            )
        result.append((x, y))
    return result[0], result[1]
