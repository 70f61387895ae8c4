"""R's ``get_file()``: download a file once into the Keras cache, verified, atomically.

Built on ``data_loaders``' downloader (retries, resumption, progress bar, offline message). The
file is streamed into a temporary name in the destination folder, its MD5 or SHA-256 is checked,
and only then is it renamed onto its final name, so a failed or corrupted download never leaves
a file under that name. Paths follow R keras 2.x over Keras 2 (``<cache_dir>/<cache_subdir>/
<fname>``, ``extract`` unpacks next to the archive and returns the archive's path, ``untar``
returns the unpacked folder), except that a ``fname`` with a folder saves into that folder
rather than R's working directory.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import urllib.parse
import warnings
from pathlib import Path
from typing import Any

from .errors import InvalidValueError, KerasrError

__all__ = ["get_file"]

_FN = "get_file"


class DownloadFailed(KerasrError, OSError):
    """``get_file()`` could not download, or the download failed its digest check."""


def _keras_home() -> Path:
    """Keras's cache root: ``$KERAS_HOME``, else ``~/.keras`` if writable, else ``/tmp/.keras``."""
    env = os.environ.get("KERAS_HOME")
    if env:
        return Path(env).expanduser()
    home = Path.home() / ".keras"
    probe = home if home.exists() else home.parent
    return home if os.access(probe, os.W_OK) else Path(tempfile.gettempdir()) / ".keras"


def _algorithm(file_hash: str, hash_algorithm: str) -> str:
    if hash_algorithm not in ("auto", "md5", "sha256"):
        raise InvalidValueError(
            f"{_FN}(): `hash_algorithm` must be \"auto\", \"md5\" or \"sha256\", "
            f"got {hash_algorithm!r}"
        )
    if not re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{64}", file_hash):
        raise InvalidValueError(
            f"{_FN}(): `file_hash` must be an MD5 (32 hex digits) or SHA-256 (64 hex digits) "
            f"digest, got {file_hash!r}"
        )
    if hash_algorithm == "auto":
        return "sha256" if len(file_hash) == 64 else "md5"
    return hash_algorithm


def hash_file(path: str | os.PathLike[str], algorithm: str = "sha256") -> str:
    """The hex digest of a file (``md5`` or ``sha256``), read in 1 MiB blocks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(origin: str, dest: Path, algorithm: str | None, expected: str | None) -> None:
    """Fetch ``origin`` into a temporary file beside ``dest``, verify it, then rename it."""
    from .data_loaders.download import fetch, forget
    from .data_loaders.errors import DataError
    from .data_loaders.registry import RemoteFile

    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.download")
    print(f"Downloading data from {origin}")
    try:
        fetch(RemoteFile(dest.name, (origin,), None, None), dest=tmp, force=True)
        if expected is not None:
            got = hash_file(tmp, algorithm or "sha256")
            if got.lower() != expected.lower():
                raise DownloadFailed(
                    f"{_FN}(): incomplete or corrupted file detected: the {algorithm} of "
                    f"{origin} is {got}, expected {expected}; nothing was saved at {str(dest)!r}. "
                    "Check `file_hash`, or try again later"
                )
        os.replace(tmp, dest)
    except DataError as exc:
        tried = [line.strip()[len(origin) + 1:].strip() for line in str(exc).splitlines()
                 if line.strip().startswith(origin + ":")]
        reason = "; ".join(tried) or str(exc).splitlines()[0]
        raise DownloadFailed(
            f"{_FN}(): could not download {origin} ({reason}).\n"
            f"If this machine is offline, download it by hand and place it at:\n  {dest}"
        ) from exc
    finally:
        forget(tmp)  # the temporary file (when not renamed) and the downloader's sidecar


def _archive_kind(path: Path, archive_format: Any) -> str | None:
    import tarfile
    import zipfile

    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    if isinstance(formats, str):
        formats = [formats]
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise InvalidValueError(
                f"{_FN}(): `archive_format` must be \"auto\", \"tar\", \"zip\" or a list of them, "
                f"got {archive_format!r}"
            )
        if kind == "tar" and tarfile.is_tarfile(path):
            return kind
        if kind == "zip" and zipfile.is_zipfile(path):
            return kind
    return None


def _extract(path: Path, into: Path, archive_format: Any) -> None:
    from .data_loaders.archive import safe_extract
    from .data_loaders.errors import DataError

    kind = _archive_kind(path, archive_format)
    if kind is None:
        wanted = "tar or zip" if archive_format == "auto" else archive_format
        raise InvalidValueError(
            f"{_FN}(): {str(path)!r} is not a {wanted} archive; set extract=False to keep the "
            "file as it is"
        )
    try:
        safe_extract(path, into)
    except DataError as exc:
        raise DownloadFailed(f"{_FN}(): cannot extract {str(path)!r}: {exc}") from exc


def get_file(
    fname: str | os.PathLike[str] | None = None,
    origin: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: Any = "auto",
    cache_dir: str | os.PathLike[str] | None = None,
    untar: bool = False,
    force_download: bool = False,
    md5_hash: str | None = None,
) -> str:
    """Download a file from a URL unless it is already in the cache; return its local path.

    The file lands in ``<cache_dir>/<cache_subdir>/<fname>`` (``cache_dir`` defaults to Keras's
    ``~/.keras``, or ``$KERAS_HOME``). With ``file_hash`` (MD5, or SHA-256 when 64 hex digits) a
    cached copy is checked and a download is verified before it is kept; a mismatch keeps no file.
    ``extract=True`` unpacks a tar or zip archive next to it; ``untar=True`` (legacy) downloads
    ``<fname>.tar.gz`` and returns the unpacked folder.

    R: ``path <- get_file("quora.tsv", "https://example.org/quora.tsv")``
    Python: ``path = get_file("quora.tsv", "https://example.org/quora.tsv")``
    """
    if not origin or not isinstance(origin, str):
        raise InvalidValueError(f"{_FN}(): `origin` (the URL to download) is required, e.g. "
                                "get_file(\"data.csv\", origin = \"https://example.org/data.csv\")")
    if urllib.parse.urlparse(origin).scheme not in ("http", "https", "ftp", "file"):
        raise InvalidValueError(f"{_FN}(): `origin` must be a URL (http, https, ftp or file), "
                                f"got {origin!r}")
    if md5_hash is not None:
        from .arguments import deprecated

        deprecated(_FN, "md5_hash", "file_hash")
        file_hash = file_hash or md5_hash
    algorithm = _algorithm(file_hash, hash_algorithm) if file_hash else None
    if fname is None or str(fname) == "":
        fname = os.path.basename(urllib.parse.urlparse(origin).path)
        if not fname:
            raise InvalidValueError(f"{_FN}(): cannot take a file name from {origin!r}; pass "
                                    "`fname`")
    fname = os.path.expanduser(os.fspath(fname))
    if os.path.dirname(fname):  # a path: save exactly there (R 2.x put it under getwd())
        datadir = Path(fname).absolute().parent
        fname = os.path.basename(fname)
    else:
        base = Path(cache_dir).expanduser() if cache_dir is not None else _keras_home()
        datadir = (base / cache_subdir).absolute()
    try:
        datadir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadFailed(f"{_FN}(): cannot create the cache folder {str(datadir)!r} "
                             f"({exc.strerror or exc}); pass a writable `cache_dir`") from exc
    if untar:
        untar_path = datadir / fname
        dest = datadir / f"{fname}.tar.gz"
    else:
        dest = datadir / fname
    download = force_download or not dest.is_file()
    if not download and file_hash is not None:
        got = hash_file(dest, algorithm or "sha256")
        if got.lower() != file_hash.lower():
            warnings.warn(f"{_FN}(): the cached {str(dest)!r} has {algorithm} {got}, expected "
                          f"{file_hash}; downloading it again", UserWarning, stacklevel=2)
            download = True
    if download:
        _download(origin, dest, algorithm, file_hash)
    if untar:
        if not untar_path.exists() or download:
            _extract(dest, datadir, "tar")
        return str(untar_path)
    if extract:
        _extract(dest, datadir, archive_format)
    return str(dest)
