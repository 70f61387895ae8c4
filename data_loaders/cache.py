"""Where data files live: Keras's ``~/.keras/datasets``, unless ``KERASR_DATA_DIR`` is set."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import CacheDirError

__all__ = ["ENV_VAR", "cache_dir", "cache_path"]

#: Environment variable that overrides the cache directory.
ENV_VAR = "KERASR_DATA_DIR"


def _default_dir() -> Path:
    # Keras's own cache (keras.utils.get_file): $KERAS_HOME or ~/.keras, then "datasets".
    keras_home = os.environ.get("KERAS_HOME")
    base = Path(keras_home).expanduser() if keras_home else Path.home() / ".keras"
    return base / "datasets"


def cache_dir(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Path:
    """Return the data cache directory, creating it and checking that it is writable.

    Order: the ``path`` argument, then ``$KERASR_DATA_DIR``, then Keras's ``~/.keras/datasets``
    (``$KERAS_HOME/datasets`` when ``KERAS_HOME`` is set), so files Keras already downloaded are
    reused.

    R: (no equivalent; R keras also caches in ``~/.keras/datasets``)
    Python: ``cache_dir()``
    """
    if path is not None:
        directory = Path(path).expanduser()
    elif os.environ.get(ENV_VAR):
        directory = Path(os.environ[ENV_VAR]).expanduser()
    else:
        directory = _default_dir()
    directory = directory.absolute()
    if not create:
        return directory
    how = f"set {ENV_VAR} to a writable directory (e.g. export {ENV_VAR}=/tmp/kerasr-data)"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheDirError(
            f"cache_dir(): cannot create the data cache directory {str(directory)!r} "
            f"({exc.strerror or exc}); {how}"
        ) from exc
    if not directory.is_dir():
        raise CacheDirError(
            f"cache_dir(): the data cache path {str(directory)!r} exists but is not a "
            f"directory; {how}"
        )
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".kerasr-write-test-"):
            pass
    except OSError as exc:
        raise CacheDirError(
            f"cache_dir(): the data cache directory {str(directory)!r} is not writable "
            f"({exc.strerror or exc}); {how}"
        ) from exc
    return directory


def cache_path(
    name: str, subdir: str = "", *, directory: str | os.PathLike[str] | None = None
) -> Path:
    """The full path of cached file ``name`` (inside ``subdir``), without creating anything.

    R: ``file.path("~/.keras/datasets", "mnist.npz")``
    Python: ``cache_path("mnist.npz")``
    """
    base = cache_dir(directory, create=False)
    return (base / subdir / name) if subdir else base / name
