"""Fault cases of the data layer (issue 14): hostile or broken servers, archives and data files.

Every case is named and documented as "bad thing happens -> what the user sees -> what is on disk
afterwards". Downloads run against a real HTTP server on 127.0.0.1 (no network); every time limit
is small, so the whole module runs in a few seconds.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import struct
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from kerasr.data_loaders.archive import safe_extract
from kerasr.data_loaders.download import fetch
from kerasr.data_loaders.errors import (
    ArchiveError,
    ChecksumError,
    DataFormatError,
    DataValueError,
    DownloadError,
)
from kerasr.data_loaders.idx import read_idx, write_idx
from kerasr.data_loaders.registry import RemoteFile

pytestmark = pytest.mark.usefixtures("no_network")

#: quick limits for every download here: 1 s per read, no back-off to speak of
QUICK = {"timeout": 1.0, "retries": 0, "backoff": 0.01, "progress": False}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("KERASR_DATA_DIR", str(directory))
    for name in ("DEADLINE", "MIN_RATE", "TIMEOUT", "RETRIES", "BACKOFF"):
        monkeypatch.delenv(f"KERASR_DOWNLOAD_{name}", raising=False)
    for name in ("MAX_SIZE", "MAX_RATIO"):
        monkeypatch.delenv(f"KERASR_EXTRACT_{name}", raising=False)
    return directory


# -- a local server whose routes are small functions ----------------------------------------------
Reply = Callable[[BaseHTTPRequestHandler, int | None], None]


class Server:
    """A threaded HTTP server on 127.0.0.1; ``routes[path](handler, range_start)`` answers."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.stop = threading.Event()  # ends trickles when the test is over
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                requested = self.headers.get("Range")
                outer.requests.append((self.path, requested))
                reply = outer.routes.get(self.path)
                if reply is None:
                    self.send_error(404, "Not Found")
                    return
                start = int(requested.split("=")[1].split("-")[0]) if requested else None
                try:
                    reply(self, start)
                except OSError:  # the client gave up (the point of several tests)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


def payload(n: int = 200_000, seed: int = 0) -> bytes:
    return bytes((i * 7 + seed + (i >> 8)) % 251 for i in range(n))


def entry_for(data: bytes, *urls: str, name: str = "blob.bin") -> RemoteFile:
    return RemoteFile(name, tuple(urls), hashlib.sha256(data).hexdigest(), len(data), "")


def serve(data: bytes, *, ranges: bool = True) -> Reply:
    """A well-behaved file: 200, or 206 with a correct Content-Range when ``ranges``."""

    def reply(h: BaseHTTPRequestHandler, start: int | None) -> None:
        if start is not None and ranges:
            if start >= len(data):
                h.send_response(416)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            body = data[start:]
            h.send_response(206)
            h.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            body = data
            h.send_response(200)
        if ranges:
            h.send_header("Accept-Ranges", "bytes")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return reply


def trickle(data: bytes, stop: threading.Event, every: float = 0.05) -> Reply:
    """Announces the whole file, then sends one byte every ``every`` seconds (never stalls long
    enough for a per-read timeout)."""

    def reply(h: BaseHTTPRequestHandler, start: int | None) -> None:
        h.send_response(200)
        h.send_header("Accept-Ranges", "bytes")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        for i in range(len(data)):
            if stop.wait(every):
                return
            h.wfile.write(data[i : i + 1])
            h.wfile.flush()

    return reply


def leftovers(directory: Path) -> list[str]:
    """Every file in ``directory`` except the download lock files."""
    if not directory.exists():
        return []
    return sorted(p.name for p in directory.rglob("*") if p.is_file() and ".locks" not in p.parts)


# == downloads: trickling servers (issue 14, item 4) ==============================================
def test_trickling_server__too_slow_error_naming_min_rate__partial_kept_for_resume(
    server: Server, data_dir: Path
) -> None:
    """A server sends one byte every 0.05 s (each read returns before the per-read timeout)
    -> after one ``timeout`` span below ``min_rate`` fetch() raises DownloadError "too slow ...
    minimum rate ... min_rate= or $KERASR_DOWNLOAD_MIN_RATE", within about a second
    -> no final file; the bytes received stay in ``blob.bin.part`` (the server accepts ranges),
    and the error says they will be resumed."""
    data = payload(5000)
    server.routes["/blob.bin"] = trickle(data, server.stop)
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        fetch(entry_for(data, server.url("/blob.bin")), **{**QUICK, "timeout": 0.5},
              min_rate=1000, deadline=0)
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert "too slow" in message and "minimum rate of 1,000 bytes/s" in message
    assert "KERASR_DOWNLOAD_MIN_RATE" in message and "deadline" not in message
    assert 0.5 <= elapsed < 2.5
    assert leftovers(data_dir) == ["blob.bin.part"]
    assert 0 < (data_dir / "blob.bin.part").stat().st_size < 100
    assert "will be resumed next time" in message


def test_trickling_server_without_rate_limit__deadline_error__nothing_but_the_partial(
    server: Server, data_dir: Path
) -> None:
    """The same trickle with the rate check off (``min_rate=0``) and ``deadline=1``
    -> fetch() stops after about 1 s with DownloadError "the overall deadline of 1 s was hit
    after N of 5,000 bytes (... deadline= or $KERASR_DOWNLOAD_DEADLINE)"; the second mirror is
    listed as not tried
    -> no final file; only ``blob.bin.part``."""
    data = payload(5000)
    server.routes["/blob.bin"] = trickle(data, server.stop)
    entry = entry_for(data, server.url("/blob.bin"), server.url("/mirror.bin"))
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        fetch(entry, **QUICK, min_rate=0, deadline=1)
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert "overall deadline of 1 s was hit after" in message and "of 5,000 bytes" in message
    assert "KERASR_DOWNLOAD_DEADLINE" in message and "too slow" not in message
    assert "Not tried (the deadline had passed):\n  " + server.url("/mirror.bin") in message
    assert not isinstance(info.value, ChecksumError)
    assert 0.9 <= elapsed < 2.5
    assert [p for p, _ in server.requests] == ["/blob.bin"]
    assert leftovers(data_dir) == ["blob.bin.part"]


def test_limits_from_environment__same_errors__same_disk_state(
    server: Server, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$KERASR_DOWNLOAD_MIN_RATE=0 and $KERASR_DOWNLOAD_DEADLINE=0.8 set the limits when the
    arguments are not given -> the deadline error after about 0.8 s -> only the partial file."""
    data = payload(5000)
    server.routes["/blob.bin"] = trickle(data, server.stop)
    monkeypatch.setenv("KERASR_DOWNLOAD_MIN_RATE", "0")
    monkeypatch.setenv("KERASR_DOWNLOAD_DEADLINE", "0.8")
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"overall deadline of 0\.8 s was hit"):
        fetch(entry_for(data, server.url("/blob.bin")), **QUICK)
    assert time.monotonic() - started < 2.0
    assert leftovers(data_dir) == ["blob.bin.part"]
    # and the environment's rate limit, with the deadline off
    monkeypatch.setenv("KERASR_DOWNLOAD_MIN_RATE", "500")
    monkeypatch.setenv("KERASR_DOWNLOAD_DEADLINE", "0")
    with pytest.raises(DownloadError, match=r"too slow: .* minimum rate of 500 bytes/s"):
        fetch(entry_for(data, server.url("/blob.bin")), **{**QUICK, "timeout": 0.4})


def test_retry_waits_count_against_the_deadline__deadline_error__nothing_on_disk(
    server: Server, data_dir: Path
) -> None:
    """The server answers 503 with ``Retry-After: 30`` (a retry would wait 30 s) and
    ``deadline=0.6`` -> fetch() waits only until the deadline and raises the deadline error
    (the 503 is reported too) -> nothing on disk (no byte was received)."""

    def busy(h: BaseHTTPRequestHandler, start: int | None) -> None:
        h.send_response(503)
        h.send_header("Retry-After", "30")
        h.send_header("Content-Length", "0")
        h.end_headers()

    server.routes["/blob.bin"] = busy
    data = payload(100)
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"overall deadline of 0\.6 s was hit") as info:
        fetch(entry_for(data, server.url("/blob.bin")), **{**QUICK, "retries": 5}, deadline=0.6)
    assert "(last error: HTTP 503 Service Unavailable)" in str(info.value)
    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 1
    assert leftovers(data_dir) == []


def test_fast_server_under_the_limits__file_arrives__only_the_file_and_its_sidecar(
    server: Server, data_dir: Path
) -> None:
    """A healthy server with the rate and deadline checks on (small ``timeout``, high
    ``min_rate``) -> the file is returned -> the verified file and its sidecar, nothing else."""
    data = payload(300_000)
    server.routes["/blob.bin"] = serve(data)
    path = fetch(entry_for(data, server.url("/blob.bin")), **QUICK, min_rate=10_000, deadline=5)
    assert path.read_bytes() == data
    assert leftovers(data_dir) == [".blob.bin.sha256.json", "blob.bin"]


@pytest.mark.parametrize(
    ("argument", "value", "expected"),
    [
        ("deadline", -1, "`deadline` must be a non-negative number of seconds"),
        ("min_rate", "fast", "`min_rate` must be a non-negative number of bytes per second"),
        ("timeout", 0, "`timeout` must be a positive number of seconds"),
    ],
    ids=["deadline", "min_rate", "timeout"],
)
def test_bad_limit_argument__clear_error_naming_it__nothing_downloaded(
    server: Server, data_dir: Path, argument: str, value: object, expected: str
) -> None:
    """``fetch(deadline=-1)`` and friends -> DataValueError "fetch(): `deadline` must be ..."
    -> no request was sent, nothing on disk."""
    data = payload(100)
    server.routes["/blob.bin"] = serve(data)
    options = {**QUICK, argument: value}
    with pytest.raises(DataValueError, match=rf"fetch\(\): {expected}"):
        fetch(entry_for(data, server.url("/blob.bin")), **options)
    assert server.requests == [] and leftovers(data_dir) == []


# == downloads: stale partial files (issue 14, item 6) ============================================
def test_stale_part_with_other_bytes__restarted_from_zero_and_verified__only_the_file(
    server: Server, data_dir: Path
) -> None:
    """A ``.part`` left by another version of the file (same length prefix, other bytes) is
    resumed, and the digest does not match -> fetch() discards it, downloads from byte 0 once
    more and returns the verified file (no ChecksumError blaming the server) -> the verified file
    and its sidecar; no ``.part``."""
    data = payload()
    server.routes["/blob.bin"] = serve(data)
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin.part").write_bytes(payload(80_000, seed=5))
    path = fetch(entry_for(data, server.url("/blob.bin")), **QUICK)
    assert path.read_bytes() == data
    assert server.requests == [("/blob.bin", "bytes=80000-"), ("/blob.bin", None)]
    assert leftovers(data_dir) == [".blob.bin.sha256.json", "blob.bin"]


def test_server_really_serves_other_bytes_after_resume__checksum_error_says_restarted__nothing(
    server: Server, data_dir: Path
) -> None:
    """A stale ``.part`` is resumed and the server itself serves other bytes than pinned -> after
    the one restart from byte 0 fetch() raises ChecksumError "SHA-256 mismatch ... (also after
    discarding the resumed partial file and downloading from byte 0)" -> nothing on disk."""
    pinned = payload()
    server.routes["/blob.bin"] = serve(payload(seed=9))
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin.part").write_bytes(pinned[:50_000])
    with pytest.raises(ChecksumError) as info:
        fetch(entry_for(pinned, server.url("/blob.bin")), **QUICK)
    assert "SHA-256 mismatch" in str(info.value)
    assert "also after discarding the resumed partial file" in str(info.value)
    assert [r for _, r in server.requests] == ["bytes=50000-", None]
    assert leftovers(data_dir) == []


@pytest.mark.parametrize(
    "content_range",
    [
        "bytes 0-199999/200000",  # starts at 0, not at the offset asked for
        "bytes 80000-99999/200000",  # stops short of the end
        "bytes 80000-199999/300000",  # another file size than pinned
        "pages 1-2",  # not a byte range
        None,  # no Content-Range at all
    ],
    ids=["wrong-start", "short-end", "other-total", "not-bytes", "missing"],
)
def test_range_answer_that_does_not_fit__restart_from_zero__only_the_file(
    server: Server, data_dir: Path, content_range: str | None
) -> None:
    """A ``.part`` of 80,000 good bytes; the server answers the Range request with 206 and a
    Content-Range that does not continue it -> fetch() does not append; it restarts from byte 0
    in the same attempt (``retries=0``) and returns the verified file -> the file and its
    sidecar; no ``.part``."""
    data = payload()

    def odd(h: BaseHTTPRequestHandler, start: int | None) -> None:
        if start is None:
            serve(data)(h, None)
            return
        h.send_response(206)
        if content_range is not None:
            h.send_header("Content-Range", content_range)
        h.send_header("Content-Length", str(len(data) - start))
        h.end_headers()
        h.wfile.write(data[:len(data) - start])  # bytes from the wrong place

    server.routes["/blob.bin"] = odd
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin.part").write_bytes(data[:80_000])
    path = fetch(entry_for(data, server.url("/blob.bin")), **QUICK)
    assert path.read_bytes() == data
    assert server.requests == [("/blob.bin", "bytes=80000-"), ("/blob.bin", None)]
    assert leftovers(data_dir) == [".blob.bin.sha256.json", "blob.bin"]


def test_range_refused_with_416_for_a_short_part__restart_from_zero__only_the_file(
    server: Server, data_dir: Path
) -> None:
    """The server answers 416 (range not satisfiable) to a ``.part`` shorter than the file
    -> fetch() restarts from byte 0 in the same attempt and succeeds -> the file, no ``.part``."""
    data = payload(10_000)

    def refuses(h: BaseHTTPRequestHandler, start: int | None) -> None:
        if start is not None:
            h.send_response(416)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        serve(data)(h, None)

    server.routes["/blob.bin"] = refuses
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin.part").write_bytes(data[:3000])
    assert fetch(entry_for(data, server.url("/blob.bin")), **QUICK).read_bytes() == data
    assert [r for _, r in server.requests] == ["bytes=3000-", None]
    assert leftovers(data_dir) == [".blob.bin.sha256.json", "blob.bin"]


def test_part_longer_than_the_file__discarded_without_a_range_request__only_the_file(
    server: Server, data_dir: Path
) -> None:
    """A ``.part`` longer than the pinned size (certainly stale) -> it is discarded and the file
    downloaded from byte 0 (no Range header sent) -> the file, no ``.part``."""
    data = payload(10_000)
    server.routes["/blob.bin"] = serve(data)
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin.part").write_bytes(payload(20_000, seed=3))
    assert fetch(entry_for(data, server.url("/blob.bin")), **QUICK).read_bytes() == data
    assert server.requests == [("/blob.bin", None)]
    assert leftovers(data_dir) == [".blob.bin.sha256.json", "blob.bin"]


# == archives: bombs (issue 14, item 5) ===========================================================
def zeros_zip(path: Path, sizes: dict[str, int]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, size in sizes.items():
            zf.writestr(name, bytes(size))
    return path


def zeros_tar(path: Path, sizes: dict[str, int]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, size in sizes.items():
            info = tarfile.TarInfo(name)
            info.size = size
            tf.addfile(info, io.BytesIO(bytes(size)))
    return path


def test_zip_bomb_by_ratio__archive_error_naming_max_ratio__target_empty(tmp_path: Path) -> None:
    """A 10 KB zip that expands 8 MiB of zeros (ratio ~800) -> ArchiveError "... more than
    max_ratio=100 (an archive bomb?) ... $KERASR_EXTRACT_MAX_RATIO" -> the target folder is
    empty (checked against the declared sizes before writing)."""
    bomb = zeros_zip(tmp_path / "bomb.zip", {"a.bin": 4 << 20, "b.bin": 4 << 20})
    assert bomb.stat().st_size < 20_000
    with pytest.raises(ArchiveError, match=r"more than max_ratio=100 \(an archive bomb\?\)"):
        safe_extract(bomb, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    # trusted: the limit raised explicitly, the same archive extracts
    written = safe_extract(bomb, tmp_path / "out", max_ratio=0)
    assert sorted(p.name for p in written) == ["a.bin", "b.bin"]
    assert (tmp_path / "out" / "a.bin").stat().st_size == 4 << 20


def test_zip_over_max_size__archive_error_naming_max_size__target_empty(tmp_path: Path) -> None:
    """A zip whose members add up to 3 MiB with ``max_size=2_000_000`` (ratio check off) ->
    ArchiveError "expands to more than max_size=2,000,000 bytes ... max_size= or
    $KERASR_EXTRACT_MAX_SIZE", naming the member that crossed it -> nothing written."""
    archive = zeros_zip(tmp_path / "big.zip", {"a.bin": 1 << 20, "b.bin": 1 << 20,
                                               "c.bin": 1 << 20})
    with pytest.raises(ArchiveError) as info:
        safe_extract(archive, tmp_path / "out", max_size=2_000_000, max_ratio=0)
    assert "more than max_size=2,000,000 bytes" in str(info.value)
    assert "'b.bin'" in str(info.value) and "KERASR_EXTRACT_MAX_SIZE" in str(info.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_zip_header_understates_size__archive_error__nothing_left(tmp_path: Path) -> None:
    """A zip whose central directory claims 1,000 bytes for a 3 MiB member (passes the size
    check on headers) -> extraction stops at the declared size and reports the archive as
    corrupt (ArchiveError, bad CRC) -> nothing left in the target: the member written so far
    and the one before it are removed."""
    archive = zeros_zip(tmp_path / "liar.zip", {"ok.txt": 10, "sub/liar.bin": 3 << 20})
    raw = bytearray(archive.read_bytes())
    central = raw.rfind(b"PK\x01\x02")  # the last central directory entry: sub/liar.bin
    assert raw[central + 46 : central + 46 + 12] == b"sub/liar.bin"
    raw[central + 24 : central + 28] = struct.pack("<I", 1000)  # its uncompressed size
    archive.write_bytes(bytes(raw))
    with pytest.raises(ArchiveError, match=r"is corrupt .*nothing was extracted"):
        safe_extract(archive, tmp_path / "out", max_ratio=0)
    assert list((tmp_path / "out").rglob("*")) == []


def test_tar_gz_bomb__archive_error_at_the_first_bad_header__target_empty(tmp_path: Path) -> None:
    """A .tar.gz of 3 x 4 MiB of zeros (a few KB) -> ArchiveError naming max_ratio and the
    member at which the limit was passed -> the target folder is empty."""
    bomb = zeros_tar(tmp_path / "bomb.tar.gz", {"a": 4 << 20, "b": 4 << 20, "c": 4 << 20})
    with pytest.raises(ArchiveError, match=r"at member 'a'.*more than max_ratio=100"):
        safe_extract(bomb, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_tar_over_max_size_from_environment__archive_error__target_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$KERASR_EXTRACT_MAX_SIZE=1500000 and a plain (uncompressed) tar of 2 x 1 MiB ->
    ArchiveError naming max_size and member 'b' -> nothing written; a bad value of the variable
    is a clear error too."""
    archive = tmp_path / "two.tar"
    with tarfile.open(archive, "w") as tf:
        for name in ("a", "b"):
            info = tarfile.TarInfo(name)
            info.size = 1 << 20
            tf.addfile(info, io.BytesIO(os.urandom(1 << 20)))
    monkeypatch.setenv("KERASR_EXTRACT_MAX_SIZE", "1500000")
    with pytest.raises(ArchiveError, match=r"at member 'b'.*more than max_size=1,500,000"):
        safe_extract(archive, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    monkeypatch.setenv("KERASR_EXTRACT_MAX_SIZE", "lots")
    with pytest.raises(ArchiveError, match=r"KERASR_EXTRACT_MAX_SIZE must be a number"):
        safe_extract(archive, tmp_path / "out")
    with pytest.raises(ArchiveError, match=r"`max_ratio` must be a non-negative number"):
        safe_extract(archive, tmp_path / "out", max_size=0, max_ratio=-1)


def test_ordinary_archives_under_the_limits__extracted__exactly_their_files(
    tmp_path: Path,
) -> None:
    """A text zip (ratio ~ 5) and a small tar.gz with the default limits -> both extract ->
    exactly their members, byte for byte, and no temporary files."""
    text = "".join(f"{i},{i * 0.37:.4f},{i % 7}\n" for i in range(60_000)).encode()
    with zipfile.ZipFile(tmp_path / "data.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/table.csv", text)
    safe_extract(tmp_path / "data.zip", tmp_path / "z")
    assert (tmp_path / "z" / "data" / "table.csv").read_bytes() == text
    zeros_tar(tmp_path / "small.tar.gz", {"x/y.bin": 1000})
    safe_extract(tmp_path / "small.tar.gz", tmp_path / "t")
    found = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert found == ["data.zip", "small.tar.gz", "t/x/y.bin", "z/data/table.csv"]


def random_tar(path: Path, sizes: dict[str, int], mode: str = "w:gz") -> Path:
    """A tar of random bytes (incompressible, so a cut file loses real members)."""
    with tarfile.open(path, mode) as tf:
        for name, size in sizes.items():
            info = tarfile.TarInfo(name)
            info.size = size
            tf.addfile(info, io.BytesIO(os.urandom(size)))
    return path


def tree_of(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder``: files with their bytes, folders as None."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("mode", ["w:gz", "w"], ids=["tar.gz", "tar"])
def test_truncated_tar__archive_error__earlier_extraction_untouched(tmp_path: Path,
                                                                  mode: str) -> None:
    """A tar cut off in its third member, extracted over an earlier extraction of the same
    names -> ArchiveError "truncated or corrupt ... Download it again" -> the earlier files
    are byte for byte as they were, no new file and no staging folder is left."""
    names = {"data/a.bin": 300_000, "data/b.bin": 300_000, "data/c.bin": 300_000}
    good = random_tar(tmp_path / "v1.tar", names, mode)
    out = tmp_path / "out"
    safe_extract(good, out)
    before = tree_of(out)
    assert len(before) == 4  # data/ and its three files
    cut = random_tar(tmp_path / "v2.tar", {**names, "data/new.bin": 10}, mode)
    cut.write_bytes(cut.read_bytes()[: int(cut.stat().st_size * 0.75)])
    with pytest.raises(ArchiveError, match=r"truncated or corrupt .*nothing was extracted\. "
                                           r"Download it again"):
        safe_extract(cut, out)
    assert tree_of(out) == before


def test_too_many_members__archive_error_naming_max_members__target_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Archives of 6 empty files with max_members=5 (the argument, then
    $KERASR_EXTRACT_MAX_MEMBERS) -> ArchiveError naming max_members and the sixth member,
    for tar and zip -> nothing written; 0 turns the limit off."""
    names = {f"f{i}.txt": 0 for i in range(6)}
    tar = zeros_tar(tmp_path / "many.tar.gz", names)
    zipped = zeros_zip(tmp_path / "many.zip", names)
    for archive in (tar, zipped):
        with pytest.raises(ArchiveError, match=r"at member 'f5.txt'\) has more than "
                                               r"max_members=5 entries"):
            safe_extract(archive, tmp_path / "out", max_members=5)
        assert list((tmp_path / "out").iterdir()) == []
    monkeypatch.setenv("KERASR_EXTRACT_MAX_MEMBERS", "5")
    with pytest.raises(ArchiveError, match=r"KERASR_EXTRACT_MAX_MEMBERS"):
        safe_extract(tar, tmp_path / "out")
    assert len(safe_extract(tar, tmp_path / "out", max_members=0)) == 6


def test_tar_folder_where_a_file_exists__archive_error__nothing_moved(tmp_path: Path) -> None:
    """An extraction folder holding a file ``d`` and a tar with ``a.bin`` and ``d/x.bin`` ->
    ArchiveError naming the clash -> ``d`` unchanged, ``a.bin`` not written."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "d").write_bytes(b"mine")
    archive = random_tar(tmp_path / "clash.tar.gz", {"a.bin": 100, "d/x.bin": 100})
    with pytest.raises(ArchiveError, match=r"a folder .*where a file of that name exists"):
        safe_extract(archive, out)
    assert tree_of(out) == {"d": b"mine"}


def test_tar_with_read_only_folder_and_links_extracts_into_place(tmp_path: Path) -> None:
    """A tar whose folder is read-only (0o555) with a file, a symlink and a hard link in it,
    extracted into a folder that already has other files -> every member in place, the old
    files kept, no staging folder left."""
    archive = tmp_path / "ro.tar"
    with tarfile.open(archive, "w") as tf:
        folder = tarfile.TarInfo("ro")
        folder.type, folder.mode = tarfile.DIRTYPE, 0o555
        tf.addfile(folder)
        data = tarfile.TarInfo("ro/data.txt")
        data.size = 5
        tf.addfile(data, io.BytesIO(b"hello"))
        for name, kind in (("ro/soft.txt", tarfile.SYMTYPE), ("ro/hard.txt", tarfile.LNKTYPE)):
            link = tarfile.TarInfo(name)
            link.type = kind
            link.linkname = "data.txt" if kind == tarfile.SYMTYPE else "ro/data.txt"
            tf.addfile(link)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("kept")
    safe_extract(archive, out)
    assert (out / "ro" / "soft.txt").is_symlink()
    assert [(out / "ro" / n).read_bytes() for n in ("data.txt", "soft.txt", "hard.txt")] == [
        b"hello"] * 3
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt", "ro"]


def test_write_idx_on_a_full_disk__os_error__old_file_intact(tmp_path: Path) -> None:
    """write_idx() over a good file when the disk fills (a child process whose file size
    limit is 64 KB: writes past it fail with EFBIG) -> OSError -> the old file is byte for
    byte as it was and no temporary file is left."""
    good = tmp_path / "labels-idx1-ubyte"
    write_idx(np.arange(10, dtype="uint8"), good)
    before = good.read_bytes()
    child = (
        "import resource, signal, sys, numpy as np\n"
        "from kerasr.data_loaders.idx import write_idx\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "try:\n"
        "    write_idx(np.zeros(200_000, dtype='uint8'), sys.argv[1])\n"
        "except OSError as exc:\n"
        "    print('OSError', exc.errno)\n"
    )
    done = subprocess.run([sys.executable, "-c", child, str(good)], capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.startswith("OSError"), done.stdout + done.stderr
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels-idx1-ubyte"]


# == data files: hostile headers and pickles ======================================================
def idx_header(dims: tuple[int, ...], code: int = 0x08) -> bytes:
    return bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


@pytest.mark.parametrize(
    ("dims", "code"),
    [
        ((1 << 25, 1 << 25), 0x08),  # 1 PiB of bytes
        ((1 << 20, 1 << 20, 1 << 20), 0x0E),  # 8 EiB of doubles (overflows int64 counts)
        ((0xFFFFFFFF,) * 4, 0x08),  # beyond any integer type numpy has
    ],
    ids=["petabyte", "exabyte-doubles", "overflow"],
)
def test_idx_header_claiming_petabytes__data_format_error_not_memory_error__file_untouched(
    tmp_path: Path, dims: tuple[int, ...], code: int
) -> None:
    """A raw IDX file whose 16-byte header claims petabytes, followed by 100 bytes -> read_idx()
    raises DataFormatError "is truncated: 100 data bytes, expected ..." before allocating (no
    MemoryError, no overflow error) -> the file is unchanged."""
    path = tmp_path / "huge-idx3-ubyte"
    raw = idx_header(dims, code) + bytes(100)
    path.write_bytes(raw)
    with pytest.raises(DataFormatError, match=r"read_idx\(\): .* is truncated: 100 data bytes"):
        read_idx(path)
    assert path.read_bytes() == raw


def test_gzip_idx_header_claiming_petabytes__data_format_error__file_untouched(
    tmp_path: Path,
) -> None:
    """The same header inside a small gzip file (sizes of gzip contents are unknown up front)
    -> DataFormatError: its compressed bytes "cannot expand to more than" what the header
    claims -> the file is unchanged; an honest gzip IDX file still reads."""
    path = tmp_path / "huge-idx3-ubyte.gz"
    packed = gzip.compress(idx_header((1 << 25, 1 << 25)) + bytes(1000))
    path.write_bytes(packed)
    with pytest.raises(DataFormatError, match=r"cannot expand to more than"):
        read_idx(path)
    assert path.read_bytes() == packed
    honest = tmp_path / "ok-idx1-ubyte.gz"
    honest.write_bytes(gzip.compress(idx_header((5,)) + bytes([3, 1, 4, 1, 5])))
    assert read_idx(honest).tolist() == [3, 1, 4, 1, 5]


def test_boston_path_is_a_pickled_npz__clear_refusal_naming_path__nothing_unpickled(
    data_dir: Path, tmp_path: Path
) -> None:
    """``dataset_boston_housing(path=...)`` given an npz whose ``x`` is a pickled object array
    -> InvalidValueError "dataset_boston_housing(): `path` ... holds pickled Python objects ...
    does not load pickles ... re-save it with numpy.savez(...)" (not numpy's ValueError) -> the
    file is unchanged, and the pickle was never loaded (its payload would create a file)."""
    import kerasr
    from kerasr import errors

    class Payload:  # unpickling this would write a marker file
        def __reduce__(self):
            return (Path.write_text, (tmp_path / "PWNED", "x"))

    data_dir.mkdir(parents=True)
    hostile = np.empty(2, dtype=object)
    hostile[:] = [Payload(), Payload()]
    np.savez(data_dir / "pickled.npz", x=hostile, y=np.arange(2.0))
    before = (data_dir / "pickled.npz").read_bytes()
    with pytest.raises(errors.InvalidValueError) as info:
        kerasr.dataset_boston_housing(path="pickled.npz")
    message = str(info.value)
    assert message.startswith("dataset_boston_housing(): `path` ")
    assert "array `x` holds pickled Python objects" in message and "numpy.savez" in message
    assert not (tmp_path / "PWNED").exists()
    assert (data_dir / "pickled.npz").read_bytes() == before


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(pickle.dumps({"x": [[1.0]], "y": [1.0]})), "is a Python pickle"),
        (lambda p: np.save(p.with_suffix(".npy"), np.zeros(3)) or
         p.with_suffix(".npy").rename(p), "is not an npz archive"),
        (lambda p: np.savez(p, features=np.zeros((3, 13))), "has no array `x` or `y`"),
        (lambda p: np.savez(p, x=np.zeros((3, 13)), y=np.zeros(4)), r"holds x \(3, 13\)"),
        (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(40)), "is not an npz archive"),
    ],
    ids=["plain-pickle", "npy-not-npz", "missing-keys", "length-mismatch", "broken-zip"],
)
def test_boston_path_wrong_layout__clear_refusal_naming_path__file_untouched(
    data_dir: Path, make: Callable[[Path], object], expected: str
) -> None:
    """A pickle, an .npy, an npz without ``x``/``y``, mismatched lengths, a broken zip ->
    InvalidValueError naming dataset_boston_housing() and `path` -> the file is unchanged."""
    import kerasr
    from kerasr import errors

    data_dir.mkdir(parents=True)
    path = data_dir / "mine.npz"
    make(path)
    before = path.read_bytes()
    with pytest.raises(errors.InvalidValueError, match=expected) as info:
        kerasr.dataset_boston_housing(path="mine.npz")
    assert str(info.value).startswith("dataset_boston_housing(): `path` ")
    assert path.read_bytes() == before


def test_server_stalls_past_the_deadline__deadline_error_with_the_timeout__nothing_on_disk(
    server: Server, data_dir: Path
) -> None:
    """The server sends its headers, then nothing; ``timeout=5`` but ``deadline=0.7`` -> the
    read waits only until the deadline, and fetch() raises DownloadError "the overall deadline
    of 0.7 s was hit after 0 of 1,000 bytes, while waiting for more (TimeoutError: timed out)"
    after about 0.7 s -> nothing on disk (the server does not accept ranges)."""

    def stalls(h: BaseHTTPRequestHandler, start: int | None) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.flush()
        server.stop.wait(10)

    server.routes["/blob.bin"] = stalls
    data = payload(1000)
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        fetch(entry_for(data, server.url("/blob.bin")), **{**QUICK, "timeout": 5}, deadline=0.7)
    assert time.monotonic() - started < 1.6
    assert "overall deadline of 0.7 s was hit after 0 of 1,000 bytes, while waiting for more (" \
        in str(info.value)
    assert "timed out" in str(info.value)
    assert leftovers(data_dir) == []
