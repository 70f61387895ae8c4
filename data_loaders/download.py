"""Verified, atomic, resumable downloads into the cache.

A file is streamed into ``<name>.part`` in the destination directory, checked against its pinned
size and SHA-256, and only then renamed onto its final name with ``os.replace`` (atomic), so a
reader never sees a half-written or unverified file under the final name. A small sidecar json
(``.<name>.sha256.json``) remembers size, mtime and digest, so a cached file is re-hashed only when
its size or mtime changed. Transient failures (timeouts, dropped connections, HTTP 5xx/429) are
retried with exponential back-off and resumed with an HTTP ``Range`` request when the server
allows it; permanent ones (404, ...) move on to the next mirror. Two processes fetching the same
file take a lock, so only one downloads.

Limits: every socket read waits at most ``timeout`` seconds; a server that keeps sending but too
slowly (fewer than ``min_rate`` bytes per second over any ``timeout``-second span) is dropped like
a stalled one; and one ``fetch()`` call, retries and mirrors included, gives up after ``deadline``
seconds. The error says which limit was hit. A resumed download is validated: the server must
answer the ``Range`` request with 206 and a matching ``Content-Range`` (else the download restarts
from byte 0), and a digest mismatch after resuming discards the partial file and downloads it once
more from byte 0 before anything is blamed on the server.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import registry
from .atomic import atomic_write_bytes
from .cache import cache_dir
from .errors import CacheDirError, ChecksumError, DataValueError, DownloadError
from .registry import RemoteFile

__all__ = ["fetch", "forget", "is_cached", "recorded_sha256", "sha256_file"]

_CHUNK = 1 << 20
_TRANSIENT_HTTP = {408, 425, 429, 500, 502, 503, 504}
_USER_AGENT = "kerasr-data-loaders/0.1 (Python urllib)"


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        return default


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 hex digest of a file, read in 1 MiB chunks.

    R: ``digest::digest(file = path, algo = "sha256")``
    Python: ``sha256_file(path)``
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# -- sidecar: remembered size + mtime + digest ---------------------------------------------------
def _sidecar(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.sha256.json")


def _read_sidecar(dest: Path) -> dict[str, Any]:
    try:
        data = json.loads(_sidecar(dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_sidecar(dest: Path, digest: str) -> None:
    st = dest.stat()
    data = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
    with contextlib.suppress(OSError):  # only a shortcut: without it the file is hashed again
        atomic_write_bytes(_sidecar(dest), json.dumps(data).encode("utf-8"))


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def is_cached(dest: str | os.PathLike[str], entry: RemoteFile, *, repair: bool = False) -> bool:
    """Whether ``dest`` holds a verified copy of ``entry``.

    Cheap when the sidecar's size and mtime still match the file; otherwise the file is re-hashed.
    With ``repair=True`` a corrupt file (wrong size or digest) is removed, with a warning.

    R: (no equivalent)
    Python: ``is_cached(cache_path("mnist.npz"), FILES["mnist.npz"])``
    """
    dest = Path(dest)
    try:
        st = dest.stat()
    except OSError:
        return False
    if not dest.is_file():
        return False
    side = _read_sidecar(dest)
    expected = entry.sha256 or side.get("sha256")
    if (
        side.get("size") == st.st_size
        and side.get("mtime_ns") == st.st_mtime_ns
        and expected is not None
        and side.get("sha256") == expected
        and (entry.size is None or entry.size == st.st_size)
    ):
        return True
    problem = None
    digest = ""
    if entry.size is not None and st.st_size != entry.size:
        problem = f"it has {st.st_size:,} bytes, expected {entry.size:,}"
    else:
        digest = sha256_file(dest)
        if expected is not None and digest != expected:
            problem = f"its SHA-256 is {digest}, expected {expected}"
    if problem is None:
        _write_sidecar(dest, digest)
        return True
    if repair:
        warnings.warn(
            f"data_loaders: cached file {str(dest)!r} is corrupt ({problem}); "
            "removing it and downloading it again",
            RuntimeWarning,
            stacklevel=3,
        )
        _remove(dest)
        _remove(_sidecar(dest))
    return False


# -- inter-process lock -------------------------------------------------------------------------
@contextlib.contextmanager
def _lock(dest: Path) -> Iterator[None]:
    """An exclusive lock for one destination file, shared between processes (POSIX flock)."""
    try:
        import fcntl
    except ImportError:  # Windows: no cross-process lock; atomic replace still prevents corruption
        yield
        return
    lock_dir = dest.parent / ".locks"
    lock_dir.mkdir(exist_ok=True)
    with open(lock_dir / f"{dest.name}.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# -- progress -----------------------------------------------------------------------------------
class _Progress:
    """A progress bar on stderr, only on a terminal and only once a download has run 1 second."""

    def __init__(self, name: str, total: int | None, initial: int, enabled: bool | None) -> None:
        if enabled is None:
            enabled = bool(getattr(sys.stderr, "isatty", lambda: False)())
        self.enabled = enabled
        self.name = name
        self.total = total
        self.done = initial
        self.start = time.monotonic()
        self.last_draw = 0.0
        self.bar: Any = None
        self.shown = False

    def update(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < 1.0:
            return
        if not self.shown:
            self.shown = True
            try:
                from tqdm import tqdm  # optional: used only when already installed
            except ImportError:
                self.bar = None
            else:
                self.bar = tqdm(
                    total=self.total, initial=self.done, unit="B", unit_scale=True, desc=self.name
                )
                return
        if self.bar is not None:
            self.bar.update(n)
            return
        if now - self.last_draw < 0.2:
            return
        self.last_draw = now
        rate = self.done / max(now - self.start, 1e-9) / 1e6
        if self.total:
            frac = min(self.done / self.total, 1.0)
            filled = int(frac * 30)
            line = (
                f"\r{self.name} [{'=' * filled}{'.' * (30 - filled)}] {frac:4.0%} "
                f"{self.done / 1e6:.1f}/{self.total / 1e6:.1f} MB {rate:.1f} MB/s"
            )
        else:
            line = f"\r{self.name} {self.done / 1e6:.1f} MB {rate:.1f} MB/s"
        sys.stderr.write(line)
        sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


# -- limits -------------------------------------------------------------------------------------
class _Limits:
    """The time limits of one ``fetch()`` call: per-read ``timeout``, the ``min_rate`` over any
    ``timeout``-second span, and the overall ``deadline`` (``None``: no such limit)."""

    def __init__(self, timeout: float, min_rate: float | None, deadline: float | None) -> None:
        self.timeout = timeout
        self.min_rate = min_rate
        self.deadline = deadline
        self.started = time.monotonic()
        self.ends = None if deadline is None else self.started + deadline

    def remaining(self) -> float | None:
        return None if self.ends is None else self.ends - time.monotonic()

    def read_timeout(self) -> float:
        """The socket timeout: ``timeout``, or less when the deadline is nearer."""
        left = self.remaining()
        return self.timeout if left is None else max(min(self.timeout, left), 0.01)

    def check_deadline(self, received: str = "") -> None:
        left = self.remaining()
        if left is not None and left <= 0:
            raise _DeadlineHit(
                f"the overall deadline of {self.deadline:g} s was hit{received} "
                "(raise it with deadline= or $KERASR_DOWNLOAD_DEADLINE)"
            )


class _RateMeter:
    """Raises _Transient when fewer than ``min_rate * span`` bytes arrived in a span of at least
    ``window`` seconds (a trickling server defeats the per-read timeout; this does not)."""

    def __init__(self, limits: _Limits) -> None:
        self.limits = limits
        self.span_start = time.monotonic()
        self.span_bytes = 0

    def add(self, n: int) -> None:
        self.span_bytes += n
        rate = self.limits.min_rate
        if not rate:
            return
        now = time.monotonic()
        span = now - self.span_start
        if span < self.limits.timeout:
            return
        if self.span_bytes < rate * span:
            raise _Transient(
                f"too slow: {self.span_bytes:,} bytes in {span:.1f} s, below the minimum rate "
                f"of {rate:,g} bytes/s (lower it with min_rate= or $KERASR_DOWNLOAD_MIN_RATE)"
            )
        self.span_start, self.span_bytes = now, 0


# -- one attempt --------------------------------------------------------------------------------
class _Transient(Exception):
    """A failure worth retrying (timeout, dropped connection, 5xx). ``wait`` from Retry-After."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class _Permanent(Exception):
    """A failure not worth retrying on this URL (404, wrong size or digest)."""


class _DeadlineHit(Exception):
    """The overall deadline of the fetch() call passed: no more retries, no more mirrors."""


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _range_problem(headers: Any, offset: int, entry: RemoteFile) -> str | None:
    """Why a 206 answer to ``Range: bytes=<offset>-`` cannot be appended to the partial file
    (``None`` when it can): it must be ``Content-Range: bytes <offset>-<last>/<total>`` with
    ``last == total - 1`` and ``total`` the pinned size."""
    value = headers.get("Content-Range", "")
    found = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*", value)
    if found is None:
        return f"a 206 answer with the Content-Range {value!r}"
    first, last, total = int(found[1]), int(found[2]), found[3]
    if first != offset:
        return f"bytes from {first:,} (Content-Range {value!r}) where {offset:,} were asked for"
    if total != "*":
        if entry.size is not None and int(total) != entry.size:
            return f"a file of {int(total):,} bytes (Content-Range {value!r})"
        if last != int(total) - 1:
            return f"only part of the rest (Content-Range {value!r})"
    return None


def _open(url: str, offset: int, entry: RemoteFile, limits: _Limits, state: dict[str, bool]) -> Any:
    """Send the request (with ``Range`` when ``offset``); map failures to _Transient/_Permanent.
    Returns the response, or ``None`` when the partial file is already complete (416)."""
    headers = {"User-Agent": _USER_AGENT, "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        return urllib.request.urlopen(request, timeout=limits.read_timeout())
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and offset:
            if entry.size is not None and offset == entry.size:
                state["resumable"] = True
                return None  # the partial file is already complete
            return _RESTART
        if exc.code in _TRANSIENT_HTTP:
            raise _Transient(f"HTTP {exc.code} {exc.reason}", _retry_after(exc.headers)) from exc
        raise _Permanent(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, (socket.gaierror, ConnectionRefusedError)):
            # unknown host or nothing listening: offline or a dead mirror; try the next one now
            raise _Permanent(f"{type(reason).__name__}: {reason}") from exc
        raise _Transient(f"{type(exc).__name__}: {reason}") from exc


_RESTART = object()  # the server refused the resumed range (416): start again from byte 0


def _attempt(
    url: str,
    part: Path,
    entry: RemoteFile,
    limits: _Limits,
    progress: bool | None,
    state: dict[str, bool],
) -> int:
    """Download ``url`` into ``part``, resuming it when possible; returns the number of bytes
    kept from an earlier attempt (0: downloaded from byte 0). A range answer that does not fit
    the partial file (not 206, wrong Content-Range, 416) restarts from byte 0 in the same
    attempt. Sets ``state["resumable"]`` as soon as the server shows it accepts range requests.
    Raises _Transient, _Permanent or _DeadlineHit."""
    offset = part.stat().st_size if part.exists() else 0
    if entry.size is not None and offset > entry.size:
        _remove(part)
        offset = 0
    response = _open(url, offset, entry, limits, state)
    if response is None:
        return offset
    if response is _RESTART:
        _remove(part)
        offset = 0
        response = _open(url, 0, entry, limits, state)
    with response:
        status = getattr(response, "status", 200) or 200
        if response.headers.get("Accept-Ranges", "").lower() == "bytes":
            state["resumable"] = True
        if offset and status == 206:
            problem = _range_problem(response.headers, offset, entry)
            if problem is not None:
                # the partial file cannot be continued from this answer: start from byte 0
                response.close()
                _remove(part)
                return _attempt(url, part, entry, limits, progress, state)
            state["resumable"] = True
            mode = "ab"
        else:
            offset = 0  # the server ignored the range (plain 200): start over
            mode = "wb"
        length_header = response.headers.get("Content-Length")
        length = int(length_header) if length_header and length_header.isdigit() else None
        if length is not None and entry.size is not None and offset + length != entry.size:
            raise _Permanent(
                f"size mismatch: the server announced {offset + length:,} bytes, "
                f"expected {entry.size:,}"
            )
        total = entry.size if entry.size is not None else (offset + length if length else None)
        bar = _Progress(entry.name, total, offset, progress)
        meter = _RateMeter(limits)
        received = 0
        of_total = f" of {total:,}" if total is not None else ""
        try:
            with open(part, mode) as out:
                while True:
                    try:
                        # read1: returns what has arrived (at most one socket read), so the
                        # deadline and the rate are checked even while a server trickles
                        block = response.read1(_CHUNK)
                    except (OSError, http.client.HTTPException) as exc:
                        limits.check_deadline(
                            f" after {offset + received:,}{of_total} bytes, while waiting for "
                            f"more ({type(exc).__name__}: {exc})"
                        )
                        raise _Transient(
                            f"connection lost after {offset + received:,} bytes "
                            f"({type(exc).__name__}: {exc})"
                        ) from exc
                    if not block:
                        break
                    out.write(block)
                    received += len(block)
                    bar.update(len(block))
                    if entry.size is not None and offset + received > entry.size:
                        raise _Permanent(f"size mismatch: received more than {entry.size:,} bytes")
                    limits.check_deadline(f" after {offset + received:,}{of_total} bytes")
                    meter.add(len(block))
        finally:
            bar.close()
        if length is not None and received < length:
            raise _Transient(
                f"connection closed after {offset + received:,} of {offset + length:,} bytes"
            )
    return offset


def _verify_part(part: Path, entry: RemoteFile) -> str:
    size = part.stat().st_size
    if entry.size is not None and size != entry.size:
        raise _Permanent(f"size mismatch: got {size:,} bytes, expected {entry.size:,}")
    digest = sha256_file(part)
    if entry.sha256 is not None and digest != entry.sha256:
        raise _Permanent(f"SHA-256 mismatch: got {digest}, expected {entry.sha256}")
    return digest


def _download(
    entry: RemoteFile,
    dest: Path,
    limits: _Limits,
    retries: int,
    backoff: float,
    progress: bool | None,
) -> None:
    part = dest.with_name(dest.name + ".part")
    failures: list[str] = []
    checksum_only = True
    deadline_hit = False
    for url in entry.urls:
        state = {"resumable": False}
        restarted = False  # a mismatch after resuming is retried once from byte 0
        attempt = 0
        last_error = ""  # the transient failure before the deadline, if any
        while True:
            try:
                limits.check_deadline()
                kept = _attempt(url, part, entry, limits, progress, state)
                try:
                    digest = _verify_part(part, entry)
                except _Permanent as exc:
                    if kept and not restarted:
                        # the stale bytes of an earlier partial file, not the server, may be
                        # wrong: discard them and download the whole file once more
                        restarted = True
                        _remove(part)
                        continue
                    if restarted:
                        raise _Permanent(
                            f"{exc} (also after discarding the resumed partial file and "
                            "downloading from byte 0)"
                        ) from exc
                    raise
            except _DeadlineHit as exc:
                checksum_only = False
                deadline_hit = True
                if not state["resumable"]:
                    _remove(part)
                failures.append(f"{url}: {exc}{last_error}")
                break
            except _Transient as exc:
                checksum_only = False
                if not state["resumable"]:
                    _remove(part)
                left = limits.remaining()
                if left is not None and left <= 0:  # e.g. a read timed out at the deadline
                    deadline_hit = True
                    failures.append(
                        f"{url}: the overall deadline of {limits.deadline:g} s was hit (raise it "
                        f"with deadline= or $KERASR_DOWNLOAD_DEADLINE; last error: {exc})"
                    )
                    break
                last_error = f" (last error: {exc})"
                if attempt < retries:
                    delay = backoff * (2**attempt)
                    if exc.wait is not None:
                        delay = max(delay, exc.wait)
                    delay = min(delay, 30.0)
                    if left is not None:
                        delay = min(delay, left)
                    time.sleep(delay)
                    attempt += 1
                    continue
                failures.append(f"{url}: {exc} (gave up after {attempt + 1} attempts)")
                break
            except _Permanent as exc:
                _remove(part)
                if "mismatch" not in str(exc):
                    checksum_only = False
                failures.append(f"{url}: {exc}")
                break
            except BaseException:
                if not state["resumable"]:
                    _remove(part)
                raise
            try:
                os.replace(part, dest)
            except OSError as exc:
                _remove(part)
                raise CacheDirError(
                    f"fetch(): cannot write {str(dest)!r} ({exc.strerror or exc}); "
                    "set KERASR_DATA_DIR to a writable directory"
                ) from exc
            _write_sidecar(dest, digest)
            return
        if deadline_hit:
            break
    kept_note = (
        f"\nThe partial download is kept at {str(part)!r} and will be resumed next time."
        if part.exists()
        else ""
    )
    size = f", {entry.size:,} bytes" if entry.size is not None else ""
    pin = f"SHA-256 {entry.sha256}" if entry.sha256 else "its size"
    untried = [u for u in entry.urls if not any(f.startswith(f"{u}: ") for f in failures)]
    skipped = (
        "\nNot tried (the deadline had passed):\n  " + "\n  ".join(untried)
        if deadline_hit and untried
        else ""
    )
    message = (
        f"fetch(): could not download {entry.name!r}{size}.\nTried:\n  "
        + "\n  ".join(failures)
        + skipped
        + "\nIf this machine is offline, download the file by hand from one of the URLs above "
        f"and place it at:\n  {dest}\nIt is checked against {pin} before use." + kept_note
    )
    error = ChecksumError if checksum_only and failures else DownloadError
    raise error(message)


def fetch(
    entry: RemoteFile | str,
    *,
    directory: str | os.PathLike[str] | None = None,
    dest: str | os.PathLike[str] | None = None,
    force: bool = False,
    timeout: float | None = None,
    retries: int | None = None,
    backoff: float | None = None,
    progress: bool | None = None,
    deadline: float | None = None,
    min_rate: float | None = None,
) -> Path:
    """Return the path of a verified local copy of ``entry``, downloading it when needed.

    ``entry`` is a :class:`~data_loaders.registry.RemoteFile` or a registry key such as
    ``"mnist.npz"``. The file goes to ``dest`` or ``<cache>/<subdir>/<name>``. A cached copy is
    used when its size and SHA-256 match (re-hashed only when its size or mtime changed) and
    replaced when corrupt. ``timeout`` (seconds per connection/read, default 30 or
    ``$KERASR_DOWNLOAD_TIMEOUT``), ``retries`` (per URL, default 3 or
    ``$KERASR_DOWNLOAD_RETRIES``) and ``backoff`` (first delay in seconds, doubled each time,
    default 1 or ``$KERASR_DOWNLOAD_BACKOFF``) control failures; ``progress=None`` shows a bar
    only on a terminal and only for downloads longer than a second. A server that trickles is
    dropped (and retried) when fewer than ``min_rate`` bytes per second arrive over any
    ``timeout``-second span (default 1024 or ``$KERASR_DOWNLOAD_MIN_RATE``), and the whole
    call, retries and mirrors included, gives up after ``deadline`` seconds (default 3600 or
    ``$KERASR_DOWNLOAD_DEADLINE``); 0 turns either limit off. The error names the limit hit.

    R: ``get_file("mnist.npz", origin = url, file_hash = sha256)``
    Python: ``fetch("mnist.npz")``
    """
    if isinstance(entry, str):
        entry = registry.get(entry)
    timeout = _env_number("KERASR_DOWNLOAD_TIMEOUT", 30.0) if timeout is None else timeout
    retries = int(_env_number("KERASR_DOWNLOAD_RETRIES", 3)) if retries is None else retries
    backoff = _env_number("KERASR_DOWNLOAD_BACKOFF", 1.0) if backoff is None else backoff
    deadline = _env_number("KERASR_DOWNLOAD_DEADLINE", 3600.0) if deadline is None else deadline
    min_rate = _env_number("KERASR_DOWNLOAD_MIN_RATE", 1024.0) if min_rate is None else min_rate
    for name, value in (("timeout", timeout), ("deadline", deadline), ("min_rate", min_rate)):
        positive = name == "timeout"
        number = not isinstance(value, bool) and isinstance(value, (int, float))
        if not number or not (value > 0 if positive else value >= 0):
            unit = "bytes per second" if name == "min_rate" else "seconds"
            raise DataValueError(
                f"fetch(): `{name}` must be a {'positive' if positive else 'non-negative'} "
                f"number of {unit}, got {value!r}"
                + ("" if positive else "; use 0 to turn this limit off")
            )
    if dest is None:
        base = cache_dir(directory, create=False)
        target = base / entry.subdir / entry.name if entry.subdir else base / entry.name
    else:
        target = Path(dest).expanduser().absolute()
    if not force and is_cached(target, entry):
        return target  # a verified copy: works even in a read-only cache
    if dest is None:
        cache_dir(directory)  # create it, or explain why it cannot be written
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheDirError(
            f"fetch(): cannot create {str(target.parent)!r} ({exc.strerror or exc}); "
            "set KERASR_DATA_DIR to a writable directory"
        ) from exc
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(_lock(target))
        except OSError as exc:
            raise CacheDirError(
                f"fetch(): cannot write in {str(target.parent)!r} ({exc.strerror or exc}); "
                "set KERASR_DATA_DIR to a writable directory"
            ) from exc
        # Another process may have finished the download while this one waited for the lock.
        if not force and is_cached(target, entry, repair=True):
            return target
        if force:
            _remove(target)
            _remove(_sidecar(target))
        limits = _Limits(timeout, min_rate or None, deadline or None)
        _download(entry, target, limits, retries, backoff, progress)
    return target


def forget(path: str | os.PathLike[str]) -> None:
    """Remove a cached file and its sidecar (e.g. a file that failed to parse).

    R: ``unlink(path)``
    Python: ``forget(cache_path("household_power_consumption.zip"))``
    """
    dest = Path(path)
    _remove(dest)
    _remove(_sidecar(dest))


def recorded_sha256(path: str | os.PathLike[str]) -> str | None:
    """The digest remembered for a cached file, when its sidecar still matches it (else None).

    R: (no equivalent)
    Python: ``recorded_sha256(cache_path("household_power_consumption.zip"))``
    """
    dest = Path(path)
    side = _read_sidecar(dest)
    try:
        st = dest.stat()
    except OSError:
        return None
    if side.get("size") == st.st_size and side.get("mtime_ns") == st.st_mtime_ns:
        digest = side.get("sha256")
        return digest if isinstance(digest, str) else None
    return None
