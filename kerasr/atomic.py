"""Atomic file writes: a temporary file in the target's folder, fsync, then ``os.replace``.

Every file kerasr writes (models, weights, checkpoints, logs) goes through here, so a
reader never sees half a file and a failure (a full disk, a read-only folder, an
interrupt) leaves the old file exactly as it was and no temporary file behind. Errors
name the function and the target file, never the hidden temporary name, and say what
to do. This module never imports Keras.

R: ``saveRDS(x, "x.rds")``  # R writes in place
Python: ``with atomic_path("x.bin", "my_save") as tmp: write(tmp)``
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__: list[str] = []  # internal helpers, not re-exported at the top level

PathLike = str | os.PathLike

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


class AtomicWriteError(OSError):
    """A write that failed cleanly: ``filename`` is the target, the old file is intact.

    R: ``tryCatch(save_model(m, "m.keras"), error = function(e) conditionMessage(e))``
    Python: ``try: save_model(m, "m.keras")`` / ``except OSError as e: print(e)``
    """

    def __str__(self) -> str:
        return str(self.strerror)


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _target(filepath: PathLike) -> Path:
    """The file to replace: a symlink's destination, so the link itself survives."""
    path = Path(os.fspath(filepath))
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    return path


def write_error(error: OSError, target: PathLike, function: str, existed: bool) -> OSError:
    """An OSError that names ``function`` and ``target`` (not a temporary name) with a fix."""
    target = Path(os.fspath(target))
    folder = target.parent if str(target.parent) else Path(".")
    code = error.errno
    kept = (f"the previous '{target.name}' is unchanged" if existed
            else "nothing was written")
    if code == errno.EFBIG:
        why = ("the file would exceed the size limit for files "
               f"({os.strerror(code)}); raise the limit (ulimit -f) or save less")
    elif code in _FULL:
        why = f"the disk is full ({os.strerror(code)}); free some space or choose another folder"
    elif code in _DENIED:
        why = (f"the folder '{folder}' is not writable ({os.strerror(code)}); choose a "
               "writable folder or change its permissions")
    elif code == errno.ENOENT:
        why = (f"the folder '{folder}' does not exist; create it first "
               f"(os.makedirs('{folder}', exist_ok=True))")
    elif code == errno.EISDIR:
        why = "it is a folder; give a file name inside it"
    else:
        why = f"{type(error).__name__}: {error.strerror or error}"
    return AtomicWriteError(
        code or errno.EIO, f"{function}(): cannot write '{target}': {why}; {kept}", str(target)
    )


def _always() -> bool:
    return True


_is_writer: Callable[[], bool] = _always


def set_writer(is_writer: Callable[[], bool]) -> None:
    """Decide which process writes files: in a multi-worker fit only the chief does.

    ``distribute_multi_worker()`` calls it; in the other processes every write still runs
    (the engines' collective steps must match) but lands in a scratch folder, deleted after.

    R: (TensorFlow's rule: only the chief writes checkpoints)
    Python: ``set_writer(lambda: scope.is_chief)``
    """
    global _is_writer
    _is_writer = is_writer


def is_writer() -> bool:
    """True in the process whose writes reach the disk (always, outside a multi-worker fit).

    R: ``tf$distribute$get_strategy()$cluster_resolver$task_id == 0``
    Python: ``is_writer()``
    """
    return bool(_is_writer())


@contextlib.contextmanager
def _scratch_path(filepath: PathLike, suffix: str) -> Iterator[str]:
    scratch = tempfile.mkdtemp(prefix="kerasr-not-chief-")
    try:
        yield os.path.join(scratch, f"{Path(os.fspath(filepath)).name}.tmp{suffix}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(filepath: PathLike, function: str, suffix: str = "") -> Iterator[str]:
    """Yield a temporary path (ending in ``suffix``) in ``filepath``'s folder.

    When the block ends without an exception, the temporary file is fsynced and renamed
    over ``filepath`` with ``os.replace``; on any exception (KeyboardInterrupt included)
    it is removed and the old file is untouched. An ``OSError`` from the block or the
    rename is re-raised as :class:`AtomicWriteError` naming ``function`` and the target.
    The new file gets the old file's permissions, or the usual ones (``0o666 & ~umask``).

    R: ``save_model(model, "m.keras")``  # writes m.keras in place
    Python: ``with atomic_path("m.keras", "save_model", ".keras") as tmp: model.save(tmp)``

    In a multi-worker fit's other processes (not the chief, see :func:`set_writer`) the
    block writes to a scratch folder that is deleted afterwards: only the chief writes.
    """
    if not is_writer():
        with _scratch_path(filepath, suffix) as scratch:
            yield scratch
        return
    target = _target(filepath)
    folder = target.parent if str(target.parent) else Path(".")
    existed = target.exists()
    if target.is_dir():
        raise write_error(OSError(errno.EISDIR, "is a directory"), target, function, False)
    if not folder.is_dir():
        raise write_error(OSError(errno.ENOENT, "no such folder"), target, function, False)
    tmp = str(folder / f".{target.name}.{secrets.token_hex(4)}.tmp{suffix}")
    try:
        try:
            yield tmp
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            mode = (stat.S_IMODE(target.stat().st_mode) if existed
                    else 0o666 & ~_umask())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except OSError as e:
            if isinstance(e, AtomicWriteError):
                raise
            raise write_error(e, target, function, existed) from e
    finally:
        if os.path.lexists(tmp):
            with contextlib.suppress(OSError):
                if os.path.isdir(tmp) and not os.path.islink(tmp):
                    shutil.rmtree(tmp, ignore_errors=True)
                else:
                    os.unlink(tmp)
    _fsync_dir(folder)


def write_bytes(filepath: PathLike, data: bytes, function: str) -> None:
    """Write ``data`` to ``filepath`` atomically (see :func:`atomic_path`).

    R: ``writeBin(raw, "model.keras")``
    Python: ``write_bytes("model.keras", raw, "save_model")``
    """
    with atomic_path(filepath, function) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            view = memoryview(data)
            while view:
                written = handle.write(view)
                view = view[written:]
            handle.flush()


def write_text(filepath: PathLike, text: str, function: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``filepath`` atomically (see :func:`atomic_path`).

    R: ``writeLines(text, "log.csv")``
    Python: ``write_text("log.csv", text, "callback_csv_logger")``
    """
    write_bytes(filepath, text.encode(encoding), function)
