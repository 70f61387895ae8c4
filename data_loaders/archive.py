"""Safe extraction of zip and tar archives: nothing may land outside the target directory.

Every member is checked *before* anything is written: absolute paths (POSIX or Windows drive),
``..`` components, names that resolve (through existing symlinks too) outside the target,
symbolic or hard links whose target leaves the directory, and device files are rejected with an
:class:`~data_loaders.errors.ArchiveError`. Tar extraction also uses Python's ``filter="data"``
where available, as a second line of defence. Prefer reading a known member directly
(``zipfile.ZipFile(path).open(name)``) when only one file is needed.
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from .errors import ArchiveError

__all__ = ["check_member_name", "safe_extract"]


def _inside(base: str, candidate: str) -> bool:
    return os.path.commonpath([base, candidate]) == base


def check_member_name(name: str, target: str | os.PathLike[str]) -> Path:
    """Return where member ``name`` would be written in ``target``; raise if that leaves it.

    R: (no equivalent)
    Python: ``check_member_name("data/x.csv", "/tmp/out")``
    """
    if not name or "\x00" in name:
        raise ArchiveError(f"safe_extract(): archive member {name!r} has an invalid name")
    posix = PurePosixPath(name.replace("\\", "/"))
    windows = PureWindowsPath(name)
    if (
        posix.is_absolute()
        or windows.is_absolute()
        or windows.drive
        or name.startswith(("/", "\\"))
    ):
        raise ArchiveError(
            f"safe_extract(): archive member {name!r} has an absolute path; refusing to extract"
        )
    if ".." in posix.parts:
        raise ArchiveError(
            f"safe_extract(): archive member {name!r} contains '..'; refusing to extract"
        )
    base = os.path.realpath(target)
    resolved = os.path.realpath(os.path.join(base, *posix.parts))
    if not _inside(base, resolved):
        raise ArchiveError(
            f"safe_extract(): archive member {name!r} would be written to {resolved!r}, "
            f"outside {base!r}; refusing to extract"
        )
    return Path(resolved)


def _check_link(name: str, link: str, target: str, *, hard: bool) -> None:
    base = os.path.realpath(target)
    if os.path.isabs(link) or PureWindowsPath(link).drive:
        raise ArchiveError(
            f"safe_extract(): archive link {name!r} points to the absolute path {link!r}; "
            "refusing to extract"
        )
    parts = PurePosixPath(name).parts
    start = base if hard else os.path.join(base, *parts[:-1])
    resolved = os.path.realpath(os.path.join(start, link))
    if not _inside(base, resolved):
        raise ArchiveError(
            f"safe_extract(): archive link {name!r} -> {link!r} leaves {base!r}; "
            "refusing to extract"
        )


def _zip_is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def safe_extract(archive: str | os.PathLike[str], target: str | os.PathLike[str]) -> list[Path]:
    """Extract a zip or tar archive into ``target`` after checking every member.

    Returns the paths written. Raises :class:`ArchiveError` (and writes nothing) when any member
    has an absolute path, a ``..`` component, or is a link leaving ``target``.

    R: ``unzip(archive, exdir = target)``
    Python: ``safe_extract(archive, target)``
    """
    archive = Path(archive)
    Path(target).mkdir(parents=True, exist_ok=True)
    base = os.path.realpath(target)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            written = []
            for info in infos:
                written.append(check_member_name(info.filename, base))
                if _zip_is_symlink(info):
                    link = zf.read(info).decode("utf-8", "replace")
                    _check_link(info.filename, link, base, hard=False)
                    raise ArchiveError(
                        f"safe_extract(): zip member {info.filename!r} is a symbolic link; "
                        "links in zip archives are not extracted"
                    )
            for info in infos:
                zf.extract(info, base)
            return written
    if tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            members = tf.getmembers()
            written = []
            links: set[tuple[str, ...]] = set()
            for member in members:
                written.append(check_member_name(member.name, base))
                parts = PurePosixPath(member.name.replace("\\", "/")).parts
                through = [parts[:i] for i in range(1, len(parts)) if parts[:i] in links]
                if through:
                    raise ArchiveError(
                        f"safe_extract(): tar member {member.name!r} goes through the link "
                        f"{'/'.join(through[0])!r} of the same archive; refusing to extract"
                    )
                if member.issym() or member.islnk():
                    _check_link(member.name, member.linkname, base, hard=member.islnk())
                    links.add(parts)
                elif not (member.isfile() or member.isdir()):
                    raise ArchiveError(
                        f"safe_extract(): tar member {member.name!r} is a device, fifo or "
                        "other special file; refusing to extract"
                    )
            try:
                if hasattr(tarfile, "data_filter"):
                    tf.extractall(base, members=members, filter="data")
                else:  # pragma: no cover - Python without extraction filters
                    tf.extractall(base, members=members)
            except tarfile.TarError as exc:  # FilterError and friends: a second line of defence
                raise ArchiveError(
                    f"safe_extract(): {str(archive)!r} was rejected while extracting ({exc}); "
                    "refusing to extract the rest"
                ) from exc
            return written
    raise ArchiveError(
        f"safe_extract(): {str(archive)!r} is neither a zip nor a tar archive; "
        "expected a .zip, .tar, .tar.gz or .tgz file"
    )
