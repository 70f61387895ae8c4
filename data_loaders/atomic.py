"""Writing a file whole or not at all: a temporary file in the same folder, then ``os.replace``.

data_loaders does not import kerasr (it is Keras-free and usable on its own), so it keeps this
small twin of ``kerasr.atomic``: a reader sees the old file or the new one, never half of one,
and a failure leaves the old file as it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_file", "atomic_write_bytes"]


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file handle whose contents replace ``path`` when the block ends without error.

    R: ``writeBin(bytes, path)``
    Python: ``with atomic_file(path) as f: np.savez(f, x=x)``
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            yield handle
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`).

    R: ``writeBin(bytes, path)``
    Python: ``atomic_write_bytes("labels-idx1-ubyte", payload)``
    """
    with atomic_file(path) as handle:
        handle.write(data)
