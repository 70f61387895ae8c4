"""Safe extraction of zip and tar archives: nothing may land outside the target directory.

Every member is checked *before* anything is written: absolute paths (POSIX or Windows drive),
``..`` components, names that resolve (through existing symlinks too) outside the target,
symbolic or hard links whose target leaves the directory, and device files are rejected with an
:class:`~data_loaders.errors.ArchiveError`. Tar extraction also uses Python's ``filter="data"``
where available, as a second line of defence. Prefer reading a known member directly
(``zipfile.ZipFile(path).open(name)``) when only one file is needed.

Archive bombs are refused too, before anything is written: an archive whose members add up to more
than ``max_size`` bytes (default 4 GiB, ``$KERASR_EXTRACT_MAX_SIZE``), or to more than 1 MiB and
more than ``max_ratio`` times the archive's own size (default 100, ``$KERASR_EXTRACT_MAX_RATIO``).
Zip members are copied with a byte counter, so a member whose header understates its size cannot
write past the limit either; a member that fails (bad CRC, disk full) removes what this call wrote.
So are archives of more than ``max_members`` entries (default 1,000,000,
``$KERASR_EXTRACT_MAX_MEMBERS``): millions of empty files pass every size limit.

Nothing is half-extracted: zip members are written through temporary files, and a tar archive is
extracted into a hidden staging folder inside the target, then moved into place one entry at a
time (renames, which do not fail half-way); a truncated or corrupt archive, a full disk or an
interruption leaves the target as it was, apart from files of an earlier extraction that an
already-moved member replaced.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath, PureWindowsPath

from .errors import ArchiveError

__all__ = ["check_member_name", "safe_extract"]

DEFAULT_MAX_SIZE = 4 << 30  # bytes, all members together
DEFAULT_MAX_RATIO = 100.0  # expanded size / archive size
DEFAULT_MAX_MEMBERS = 1_000_000  # entries (files, folders, links)
_RATIO_FLOOR = 1 << 20  # the ratio is not checked below 1 MiB expanded (tiny archives)
_COPY_CHUNK = 1 << 20


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


def _limit(value: float | None, env: str, default: float, name: str) -> float | None:
    """The limit to use: the argument, else ``$env``, else ``default``; 0 turns it off."""
    if value is None:
        text = os.environ.get(env, "").strip()
        try:
            value = float(text) if text else default
        except ValueError:
            raise ArchiveError(
                f"safe_extract(): ${env} must be a number (0 turns the limit off), got {text!r}"
            ) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ArchiveError(
            f"safe_extract(): `{name}` must be a non-negative number (0 turns the limit off), "
            f"got {value!r}"
        )
    return float(value) or None


class _Budget:
    """Adds up member sizes and refuses the archive once they pass ``max_size`` or the ratio."""

    def __init__(self, archive: Path, max_size: float | None, max_ratio: float | None,
                 max_members: float | None = None) -> None:
        self.archive = archive
        self.packed = max(archive.stat().st_size, 1)
        self.max_size = max_size
        self.max_ratio = max_ratio
        self.max_members = max_members
        self.total = 0
        self.members = 0

    def count(self, member: str) -> None:
        """One more entry; refuse the archive past ``max_members``."""
        self.members += 1
        if self.max_members is not None and self.members > self.max_members:
            raise ArchiveError(
                f"safe_extract(): {str(self.archive)!r} (at member {member!r}) has more than "
                f"max_members={self.max_members:,.0f} entries; refusing to extract it. If you "
                "trust this archive, raise the limit with max_members= or "
                "$KERASR_EXTRACT_MAX_MEMBERS"
            )

    def add(self, size: int, member: str) -> None:
        self.total += max(size, 0)
        where = f"{str(self.archive)!r} (at member {member!r})"
        if self.max_size is not None and self.total > self.max_size:
            raise ArchiveError(
                f"safe_extract(): {where} expands to more than max_size={self.max_size:,.0f} "
                f"bytes ({self.total:,} so far); refusing to extract it. If you trust this "
                "archive, raise the limit with max_size= or $KERASR_EXTRACT_MAX_SIZE"
            )
        ratio = self.total / self.packed
        if self.max_ratio is not None and self.total > _RATIO_FLOOR and ratio > self.max_ratio:
            raise ArchiveError(
                f"safe_extract(): {where} expands to {self.total:,} bytes, {ratio:,.0f} times "
                f"its own {self.packed:,} bytes, more than max_ratio={self.max_ratio:g} (an "
                "archive bomb?); refusing to extract it. If you trust this archive, raise the "
                "limit with max_ratio= or $KERASR_EXTRACT_MAX_RATIO"
            )


def _remove(created: list[Path]) -> None:
    """Undo an extraction: remove what it created, newest first."""
    for path in reversed(created):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def _extract_zip(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], base: str, budget: _Budget
) -> None:
    """Copy the members with a byte counter; on any failure remove what was written."""
    created: list[Path] = []
    budget.total = 0
    try:
        for info in infos:
            dest = check_member_name(info.filename, base)
            if info.is_dir():
                if not dest.is_dir():
                    missing = [p for p in (dest, *dest.parents) if not p.exists()]
                    dest.mkdir(parents=True, exist_ok=True)
                    created.extend(reversed(missing))
                continue
            if not dest.parent.is_dir():
                missing = [p for p in dest.parents if not p.exists()]
                dest.parent.mkdir(parents=True, exist_ok=True)
                created.extend(reversed(missing))
            tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
            created.append(tmp)
            with zf.open(info) as source, open(tmp, "wb") as out:
                size = 0
                for block in iter(lambda: source.read(_COPY_CHUNK), b""):  # noqa: B023
                    size += len(block)
                    if size > info.file_size:
                        raise ArchiveError(
                            f"safe_extract(): zip member {info.filename!r} holds more than "
                            f"the {info.file_size:,} bytes its header declares; refusing it"
                        )
                    budget.add(len(block), info.filename)
                    out.write(block)
            existed = dest.exists()
            os.replace(tmp, dest)
            created.pop()
            if not existed:
                created.append(dest)
    except BaseException as exc:
        _remove(created)
        if isinstance(exc, (zipfile.BadZipFile, EOFError, NotImplementedError)):
            raise ArchiveError(
                f"safe_extract(): {zf.filename!r} is corrupt ({exc}); nothing was extracted"
            ) from exc
        raise


def safe_extract(
    archive: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    max_size: float | None = None,
    max_ratio: float | None = None,
    max_members: float | None = None,
) -> list[Path]:
    """Extract a zip or tar archive into ``target`` after checking every member.

    Returns the paths written. Raises :class:`ArchiveError` (and writes nothing) when any member
    has an absolute path, a ``..`` component, or is a link leaving ``target``, when the
    members add up to more than ``max_size`` bytes (default 4 GiB or
    ``$KERASR_EXTRACT_MAX_SIZE``) or, past 1 MiB, to more than ``max_ratio`` times the archive's
    size (default 100 or ``$KERASR_EXTRACT_MAX_RATIO``), when there are more than
    ``max_members`` entries (default 1,000,000 or ``$KERASR_EXTRACT_MAX_MEMBERS``), and when
    the archive is truncated or corrupt; 0 turns a limit off.

    R: ``unzip(archive, exdir = target)``
    Python: ``safe_extract(archive, target, max_size=2e9)``
    """
    archive = Path(archive)
    budget = _Budget(
        archive,
        _limit(max_size, "KERASR_EXTRACT_MAX_SIZE", DEFAULT_MAX_SIZE, "max_size"),
        _limit(max_ratio, "KERASR_EXTRACT_MAX_RATIO", DEFAULT_MAX_RATIO, "max_ratio"),
        _limit(max_members, "KERASR_EXTRACT_MAX_MEMBERS", DEFAULT_MAX_MEMBERS, "max_members"),
    )
    Path(target).mkdir(parents=True, exist_ok=True)
    base = os.path.realpath(target)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            written = []
            for info in infos:
                budget.count(info.filename)
                written.append(check_member_name(info.filename, base))
                if _zip_is_symlink(info):
                    link = zf.read(info).decode("utf-8", "replace")
                    _check_link(info.filename, link, base, hard=False)
                    raise ArchiveError(
                        f"safe_extract(): zip member {info.filename!r} is a symbolic link; "
                        "links in zip archives are not extracted"
                    )
                budget.add(info.file_size, info.filename)  # the declared sizes, before writing
            _extract_zip(zf, infos, base, budget)  # ... and the real ones, while writing
            return written
    if tarfile.is_tarfile(archive):
        try:
            with tarfile.open(archive) as tf:
                return _checked_tar(tf, archive, base, budget)
        except _CORRUPT as exc:
            raise ArchiveError(
                f"safe_extract(): {str(archive)!r} is truncated or corrupt ({exc}); nothing was "
                "extracted. Download it again"
            ) from exc
    raise ArchiveError(
        f"safe_extract(): {str(archive)!r} is neither a zip nor a tar archive; "
        "expected a .zip, .tar, .tar.gz or .tgz file"
    )


#: What a truncated or damaged tar stream raises while it is read (tarfile's own ReadError and
#: friends, gzip's EOFError and zlib.error, bz2's and lzma's OSError subclasses are not caught
#: here: an OSError may be a full disk, reported as it is).
_CORRUPT = (tarfile.ReadError, tarfile.CompressionError, tarfile.HeaderError, EOFError,
            zlib.error)


def _checked_tar(tf: tarfile.TarFile, archive: Path, base: str, budget: _Budget) -> list[Path]:
    members = []
    written = []
    links: set[tuple[str, ...]] = set()
    # one header at a time: a bomb is refused at its first header past a limit,
    # before the rest of a compressed stream is even decompressed
    for member in tf:
        budget.count(member.name)
        members.append(member)
        written.append(check_member_name(member.name, base))
        if member.isfile():
            budget.add(member.size, member.name)
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
    staging = Path(tempfile.mkdtemp(prefix=".kerasr-extract-", dir=base))
    try:
        try:
            if hasattr(tarfile, "data_filter"):
                tf.extractall(staging, members=members, filter="data")
            else:  # pragma: no cover - Python without extraction filters
                tf.extractall(staging, members=members)
        except _CORRUPT:
            raise
        except tarfile.TarError as exc:  # FilterError and friends: a second line of defence
            raise ArchiveError(
                f"safe_extract(): {str(archive)!r} was rejected while extracting ({exc}); "
                "nothing was extracted"
            ) from exc
        _move_into_place(staging, Path(base))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _move_into_place(staging: Path, base: Path) -> None:
    """Move an extracted tree from ``staging`` into ``base``, merging with what is there:
    folders are created where missing, files and links renamed over their old versions. Type
    clashes (a file where the archive has a folder, or the reverse) are found before anything
    moves; if a rename still fails, what this call created is removed."""
    moves: list[tuple[Path, Path]] = []
    folders: list[Path] = []
    for root, dirs, files in os.walk(staging):
        here = Path(root)
        # an archive's read-only folder (0o555) would refuse the renames out of it
        os.chmod(here, stat.S_IMODE(here.stat().st_mode) | stat.S_IRWXU)
        into = base / here.relative_to(staging)
        for name in list(dirs):
            if (here / name).is_symlink():  # a link to a folder moves as a link
                dirs.remove(name)
                files.append(name)
            else:
                folders.append(into / name)
        moves.extend((here / name, into / name) for name in files)
    for folder in folders:
        if folder.exists() and not folder.is_dir():
            raise ArchiveError(f"safe_extract(): the archive has a folder {str(folder)!r} where "
                               "a file of that name exists; nothing was extracted")
    for _, dest in moves:
        if dest.is_dir() and not dest.is_symlink():
            raise ArchiveError(f"safe_extract(): the archive has a file {str(dest)!r} where "
                               "a folder of that name exists; nothing was extracted")
    created: list[Path] = []
    try:
        for folder in folders:
            if not folder.exists():
                folder.mkdir()
                created.append(folder)
        for source, dest in moves:
            existed = dest.exists() or dest.is_symlink()
            os.replace(source, dest)
            if not existed:
                created.append(dest)
    except BaseException:
        _remove(created)
        raise
