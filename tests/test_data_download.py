"""data_loaders' download layer and archive extraction, against a local HTTP server only."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from kerasr.data_loaders import download
from kerasr.data_loaders.archive import safe_extract
from kerasr.data_loaders.cache import cache_dir
from kerasr.data_loaders.download import fetch, is_cached
from kerasr.data_loaders.errors import ArchiveError, CacheDirError, ChecksumError, DownloadError
from kerasr.data_loaders.registry import FILES, RemoteFile

FAST = {"timeout": 2.0, "retries": 2, "backoff": 0.01, "progress": False}


# -- fixtures -------------------------------------------------------------------------------------
pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("KERASR_DATA_DIR", str(directory))
    return directory


@dataclass
class Route:
    data: bytes
    ranges: bool = True  # honour Range requests
    fail: list[int] = field(default_factory=list)  # statuses to return first, one per request
    cut_at: int | None = None  # send only this many bytes (then close) ...
    cut_times: int = 1 << 30  # ... for this many requests
    stall: float = 0.0  # sleep before the body on the first request
    chunk_delay: float = 0.0  # sleep between 64 KiB chunks
    length: int | None = None  # announce another Content-Length
    hits: int = 0


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.bytes_sent = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Range")))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                route.hits += 1
                if route.fail:
                    status = route.fail.pop(0)
                    self.send_response(status)
                    self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data, start, status = route.data, 0, 200
                requested = self.headers.get("Range")
                if requested and route.ranges:
                    start = int(requested.split("=")[1].split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    status = 206
                body = data[start:]
                self.send_response(status)
                if route.ranges:
                    self.send_header("Accept-Ranges", "bytes")
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                length = route.length if route.length is not None else len(body)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                if route.stall and route.hits == 1:
                    time.sleep(route.stall)
                if route.cut_at is not None and route.hits <= route.cut_times:
                    body = body[: max(route.cut_at - start, 0)]
                for i in range(0, len(body), 1 << 16):
                    block = body[i : i + (1 << 16)]
                    server.bytes_sent += len(block)  # counted before the client can see it
                    try:
                        self.wfile.write(block)
                    except OSError:
                        return
                    if route.chunk_delay:
                        time.sleep(route.chunk_delay)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def add(self, path: str, data: bytes, **options: object) -> Route:
        route = Route(data, **options)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.close()


def payload(n: int = 300_000, seed: int = 0) -> bytes:
    return bytes((i * 7 + seed + (i >> 8)) % 251 for i in range(n))


def entry_for(data: bytes, urls: list[str], name: str = "blob.bin", subdir: str = "") -> RemoteFile:
    return RemoteFile(name, tuple(urls), hashlib.sha256(data).hexdigest(), len(data), subdir)


def leftovers(directory: Path) -> list[str]:
    """Files other than the final data files and their sidecars (temp files, partial files)."""
    found = []
    for p in directory.rglob("*"):
        if p.is_file() and (p.name.endswith((".part", ".tmp")) or "write-test" in p.name):
            found.append(p.name)
    return found


# -- cache directory ------------------------------------------------------------------------------
def test_cache_dir_respects_env_var(data_dir: Path) -> None:
    assert cache_dir() == data_dir.absolute()
    assert data_dir.is_dir()


def test_cache_dir_defaults_to_keras_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KERASR_DATA_DIR")
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir(create=False) == tmp_path / "home" / ".keras" / "datasets"
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert cache_dir(create=False) == tmp_path / "kh" / "datasets"


def test_unwritable_cache_dir_names_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("KERASR_DATA_DIR", str(blocker / "sub"))
    with pytest.raises(CacheDirError) as info:
        cache_dir()
    assert str(blocker / "sub") in str(info.value)
    assert "KERASR_DATA_DIR" in str(info.value)
    with pytest.raises(CacheDirError):
        fetch(entry_for(b"x", ["http://127.0.0.1:9/x"]), **FAST)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores directory permissions"
)
def test_read_only_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    monkeypatch.setenv("KERASR_DATA_DIR", str(ro))
    try:
        with pytest.raises(CacheDirError, match="not writable"):
            cache_dir()
    finally:
        ro.chmod(0o700)


# -- downloads ------------------------------------------------------------------------------------
def test_good_download_lands_verified_and_is_reused(server: LocalServer, data_dir: Path) -> None:
    data = payload()
    server.add("/blob.bin", data)
    entry = entry_for(data, [server.url("/blob.bin")])
    path = fetch(entry, **FAST)
    assert path == data_dir.absolute() / "blob.bin"
    assert path.read_bytes() == data
    side = json.loads((data_dir / ".blob.bin.sha256.json").read_text())
    assert side["sha256"] == hashlib.sha256(data).hexdigest()
    assert side["size"] == len(data)
    assert leftovers(data_dir) == []
    assert len(server.requests) == 1
    # second call: no request, no re-hash (size + mtime unchanged)
    calls = []
    real = download.sha256_file
    download.sha256_file = lambda p: calls.append(p) or real(p)  # type: ignore[assignment]
    try:
        assert fetch(entry, **FAST) == path
    finally:
        download.sha256_file = real  # type: ignore[assignment]
    assert calls == []
    assert len(server.requests) == 1


def test_subdir_and_registry_key(server: LocalServer, data_dir: Path) -> None:
    data = payload(1000)
    server.add("/f/labels.gz", data)
    entry = entry_for(data, [server.url("/f/labels.gz")], name="labels.gz", subdir="fashion")
    assert fetch(entry, **FAST) == data_dir.absolute() / "fashion" / "labels.gz"
    assert "mnist.npz" in FILES and FILES["mnist.npz"].size == 11_490_434


def test_corrupt_cached_file_is_rehashed_and_replaced(server: LocalServer, data_dir: Path) -> None:
    data = payload()
    server.add("/blob.bin", data)
    entry = entry_for(data, [server.url("/blob.bin")])
    path = fetch(entry, **FAST)
    broken = bytearray(data)
    broken[1234] ^= 0xFF
    path.write_bytes(bytes(broken))  # same size, new mtime
    os.utime(path, ns=(1, 1))
    assert not is_cached(path, entry)
    with pytest.warns(RuntimeWarning, match="corrupt"):
        fetch(entry, **FAST)
    assert path.read_bytes() == data
    assert len(server.requests) == 2


def test_file_placed_by_hand_is_used_without_download(data_dir: Path) -> None:
    data = payload(5000)
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin").write_bytes(data)
    entry = entry_for(data, ["http://127.0.0.1:9/never-contacted"])
    assert fetch(entry, **FAST).read_bytes() == data


def test_digest_mismatch_leaves_nothing(server: LocalServer, data_dir: Path) -> None:
    data = payload()
    server.add("/blob.bin", payload(seed=1))  # same size, other bytes
    entry = entry_for(data, [server.url("/blob.bin")])
    with pytest.raises(ChecksumError) as info:
        fetch(entry, **FAST)
    message = str(info.value)
    assert "SHA-256 mismatch" in message and entry.sha256 in message
    assert not (data_dir / "blob.bin").exists()
    assert leftovers(data_dir) == []
    assert len(server.requests) == 1  # a bad digest is not retried on the same URL


def test_wrong_announced_size_fails_early(server: LocalServer, data_dir: Path) -> None:
    data = payload()
    server.add("/blob.bin", data + b"extra")
    with pytest.raises(ChecksumError, match="announced 300,005 bytes, expected 300,000"):
        fetch(entry_for(data, [server.url("/blob.bin")]), **FAST)
    assert leftovers(data_dir) == [] and not (data_dir / "blob.bin").exists()


def test_truncated_body_without_ranges_fails_cleanly(server: LocalServer, data_dir: Path) -> None:
    data = payload()
    server.add("/blob.bin", data, ranges=False, cut_at=100_000)
    entry = entry_for(data, [server.url("/blob.bin")])
    with pytest.raises(DownloadError) as info:
        fetch(entry, **FAST)
    message = str(info.value)
    assert "connection closed after 100,000 of 300,000 bytes" in message
    assert server.url("/blob.bin") in message
    assert str(data_dir.absolute() / "blob.bin") in message
    assert len(server.requests) == FAST["retries"] + 1
    assert not (data_dir / "blob.bin").exists()
    assert leftovers(data_dir) == []


def test_missing_file_gives_offline_message(server: LocalServer, data_dir: Path) -> None:
    data = payload(100)
    urls = [server.url("/nope.bin"), "http://127.0.0.1:9/refused.bin"]
    entry = entry_for(data, urls, name="thing.npz")
    with pytest.raises(DownloadError) as info:
        fetch(entry, **FAST)
    message = str(info.value)
    assert not isinstance(info.value, ChecksumError)
    assert f"{urls[0]}: HTTP 404" in message
    assert urls[1] in message
    assert "place it at:\n  " + str(data_dir.absolute() / "thing.npz") in message
    assert entry.sha256 in message
    assert server.requests == [("/nope.bin", None)]  # 404 is not retried


def test_retry_after_transient_503(server: LocalServer) -> None:
    data = payload()
    server.add("/blob.bin", data, fail=[503, 500])
    path = fetch(entry_for(data, [server.url("/blob.bin")]), **FAST)
    assert path.read_bytes() == data
    assert len(server.requests) == 3


def test_retries_are_bounded(server: LocalServer) -> None:
    data = payload(100)
    server.add("/blob.bin", data, fail=[503] * 10)
    with pytest.raises(DownloadError, match=r"HTTP 503 .*gave up after 2 attempts"):
        fetch(entry_for(data, [server.url("/blob.bin")]), timeout=2, retries=1, backoff=0.01)
    assert len(server.requests) == 2


def test_mirror_fallback(server: LocalServer) -> None:
    data = payload()
    server.add("/bad.bin", payload(seed=3))
    server.add("/good.bin", data)
    urls = [server.url("/missing.bin"), server.url("/bad.bin"), server.url("/good.bin")]
    path = fetch(entry_for(data, urls), **FAST)
    assert path.read_bytes() == data
    assert [p for p, _ in server.requests] == ["/missing.bin", "/bad.bin", "/good.bin"]


def test_resume_partial_file_with_range(server: LocalServer, data_dir: Path) -> None:
    data = payload()
    server.add("/blob.bin", data)
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin.part").write_bytes(data[:120_000])
    path = fetch(entry_for(data, [server.url("/blob.bin")]), **FAST)
    assert path.read_bytes() == data
    assert server.requests == [("/blob.bin", "bytes=120000-")]
    assert server.bytes_sent == len(data) - 120_000
    assert leftovers(data_dir) == []


def test_cut_connection_is_resumed(server: LocalServer) -> None:
    data = payload()
    server.add("/blob.bin", data, cut_at=70_000, cut_times=1)
    path = fetch(entry_for(data, [server.url("/blob.bin")]), **FAST)
    assert path.read_bytes() == data
    assert server.requests == [("/blob.bin", None), ("/blob.bin", "bytes=70000-")]


def test_server_ignoring_range_restarts(server: LocalServer, data_dir: Path) -> None:
    data = payload()
    server.add("/blob.bin", data, ranges=False)
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin.part").write_bytes(b"garbage" * 100)
    path = fetch(entry_for(data, [server.url("/blob.bin")]), **FAST)
    assert path.read_bytes() == data


def test_complete_partial_file_gets_416_and_verifies(server: LocalServer, data_dir: Path) -> None:
    data = payload(5000)
    server.add("/blob.bin", data)
    data_dir.mkdir(parents=True)
    (data_dir / "blob.bin.part").write_bytes(data)
    assert fetch(entry_for(data, [server.url("/blob.bin")]), **FAST).read_bytes() == data
    assert server.requests == [("/blob.bin", "bytes=5000-")]


def test_stalled_server_times_out_then_retries(server: LocalServer) -> None:
    data = payload(2000)
    server.add("/blob.bin", data, stall=1.5)
    started = time.monotonic()
    path = fetch(entry_for(data, [server.url("/blob.bin")]), timeout=0.3, retries=2, backoff=0.01)
    assert path.read_bytes() == data
    assert len(server.requests) == 2
    assert time.monotonic() - started < 1.4


def test_unpinned_file_trusts_first_download(server: LocalServer, data_dir: Path) -> None:
    data = payload(4000)
    server.add("/u.zip", data)
    entry = RemoteFile("u.zip", (server.url("/u.zip"),), None, len(data))
    path = fetch(entry, **FAST)
    assert download.recorded_sha256(path) == hashlib.sha256(data).hexdigest()
    path.write_bytes(payload(4000, seed=9))  # same size, other bytes: the remembered digest differs
    os.utime(path, ns=(5, 5))
    with pytest.warns(RuntimeWarning, match="corrupt"):
        fetch(entry, **FAST)
    assert path.read_bytes() == data


def test_progress_bar_only_after_a_second(capsys: pytest.CaptureFixture[str]) -> None:
    bar = download._Progress("blob.bin", 1000, 0, enabled=True)
    bar.update(100)
    assert capsys.readouterr().err == ""  # under a second: nothing
    bar.start -= 2
    bar.update(400)
    bar.close()
    err = capsys.readouterr().err
    if "tqdm" not in sys.modules:
        assert "blob.bin [" in err and " 50% " in err
    quiet = download._Progress("blob.bin", 1000, 0, enabled=None)  # stderr is not a terminal here
    quiet.start -= 2
    quiet.update(500)
    quiet.close()
    assert capsys.readouterr().err == ""


_CHILD = """
import sys, json
from kerasr.data_loaders.download import fetch
from kerasr.data_loaders.registry import RemoteFile
spec = json.loads(sys.argv[1])
path = fetch(RemoteFile(spec["name"], tuple(spec["urls"]), spec["sha256"], spec["size"]),
             timeout=5, retries=1, backoff=0.01, progress=False)
print(path)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="the download lock uses POSIX flock")
def test_two_processes_download_once(server: LocalServer, data_dir: Path) -> None:
    data = payload(400_000)
    server.add("/blob.bin", data, chunk_delay=0.05)  # about 0.3 s per download
    entry = entry_for(data, [server.url("/blob.bin")])
    spec = json.dumps(
        {"name": entry.name, "urls": list(entry.urls), "sha256": entry.sha256, "size": entry.size}
    )
    env = {**os.environ, "KERASR_DATA_DIR": str(data_dir)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, spec], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs == [str(data_dir.absolute() / "blob.bin")] * 2
    assert len(server.requests) == 1
    assert (data_dir / "blob.bin").read_bytes() == data
    assert leftovers(data_dir) == []


# -- archives -------------------------------------------------------------------------------------
def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members.items():
            zf.writestr(zipfile.ZipInfo(name), content)
    return path


def make_tar(path: Path, members: list[tarfile.TarInfo], contents: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for info in members:
            data = contents.get(info.name)
            if data is not None:
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            else:
                tf.addfile(info)
    return path


def tar_link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def test_safe_zip_extracts(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "ok.zip", {"a.txt": b"A", "sub/b.txt": b"B"})
    written = safe_extract(archive, tmp_path / "out")
    assert sorted(p.name for p in written) == ["a.txt", "b.txt"]
    assert (tmp_path / "out" / "sub" / "b.txt").read_bytes() == b"B"


def test_safe_tar_extracts_with_inner_link(tmp_path: Path) -> None:
    archive = make_tar(
        tmp_path / "ok.tar.gz",
        [tarfile.TarInfo("d/a.txt"), tar_link("d/alias.txt", "a.txt")],
        {"d/a.txt": b"hello"},
    )
    safe_extract(archive, tmp_path / "out")
    assert (tmp_path / "out" / "d" / "alias.txt").read_bytes() == b"hello"


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/kerasr-evil-abs.txt", "a/../../evil.txt"])
def test_hostile_zip_rejected(tmp_path: Path, name: str) -> None:
    archive = make_zip(tmp_path / "bad.zip", {"fine.txt": b"ok", name: b"pwned"})
    target = tmp_path / "out" / "inner"
    with pytest.raises(ArchiveError, match="refusing to extract"):
        safe_extract(archive, target)
    assert list(target.iterdir()) == []  # nothing written, not even the harmless member
    assert not (tmp_path / "out" / "evil.txt").exists()
    assert not Path("/tmp/kerasr-evil-abs.txt").exists()


@pytest.mark.parametrize(
    "members",
    [
        [tarfile.TarInfo("../evil.txt")],
        [tarfile.TarInfo("/tmp/kerasr-evil-abs.txt")],
        [tar_link("link", "../../outside")],
        [tar_link("link", "/etc")],
        [tar_link("hard", "../outside.txt", tarfile.LNKTYPE)],
        [tar_link("sub/link", "..", tarfile.SYMTYPE), tarfile.TarInfo("sub/link/x.txt")],
        [tar_link("a", "."), tar_link("a/b", ".."), tarfile.TarInfo("b/evil.txt")],
    ],
    ids=[
        "dotdot",
        "absolute",
        "symlink-out",
        "symlink-abs",
        "hardlink-out",
        "file-through-link",
        "chained-links",
    ],
)
def test_hostile_tar_rejected(tmp_path: Path, members: list[tarfile.TarInfo]) -> None:
    contents = {m.name: b"pwned" for m in members if m.type == tarfile.REGTYPE}
    archive = make_tar(tmp_path / "bad.tar.gz", [tarfile.TarInfo("fine.txt"), *members], contents)
    target = tmp_path / "out" / "inner"
    with pytest.raises(ArchiveError, match="refusing to extract|leaves"):
        safe_extract(archive, target)
    assert list(target.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tar.gz", "out"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["inner"]


def test_zip_symlink_rejected(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("link")
    info.external_attr = 0o120777 << 16  # a symbolic link
    with zipfile.ZipFile(tmp_path / "l.zip", "w") as zf:
        zf.writestr(info, "../../etc/passwd")
    with pytest.raises(ArchiveError, match="leaves"):
        safe_extract(tmp_path / "l.zip", tmp_path / "out")


def test_not_an_archive(tmp_path: Path) -> None:
    (tmp_path / "plain.bin").write_bytes(b"hello")
    with pytest.raises(ArchiveError, match="neither a zip nor a tar"):
        safe_extract(tmp_path / "plain.bin", tmp_path / "out")


def test_partial_kept_for_next_call(server: LocalServer, data_dir: Path) -> None:
    data = payload()
    server.add("/blob.bin", data, cut_at=100_000, cut_times=3)
    entry = entry_for(data, [server.url("/blob.bin")])
    with pytest.raises(DownloadError, match="kept at .*blob.bin.part.* resumed next time"):
        fetch(entry, **FAST)
    assert (data_dir / "blob.bin.part").stat().st_size == 100_000
    assert not (data_dir / "blob.bin").exists()
    assert fetch(entry, **FAST).read_bytes() == data
    assert server.requests[-1] == ("/blob.bin", "bytes=100000-")
    assert leftovers(data_dir) == []


def _unwritable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the cache's write probe fail, as a read-only directory would (even for root)."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("kerasr.data_loaders.cache.tempfile.NamedTemporaryFile", refuse)


def test_read_only_cache_explains_and_still_serves_verified_files(
    server: LocalServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = payload(3000)
    server.add("/blob.bin", data)
    entry = entry_for(data, [server.url("/blob.bin")])
    data_dir.mkdir(parents=True)
    _unwritable(monkeypatch)
    with pytest.raises(CacheDirError) as info:
        fetch(entry, **FAST)
    assert f"{str(data_dir.absolute())!r} is not writable (Permission denied)" in str(info.value)
    assert server.requests == []
    (data_dir / "blob.bin").write_bytes(data)  # placed by an administrator
    assert fetch(entry, **FAST).read_bytes() == data


def test_offline_fails_fast_without_retrying_dead_hosts(data_dir: Path) -> None:
    data = payload(100)
    urls = ["http://127.0.0.1:9/a.bin", "http://127.0.0.1:9/b.bin"]  # nothing listens on port 9
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        fetch(entry_for(data, urls), timeout=2, retries=3, backoff=1.0, progress=False)
    assert time.monotonic() - started < 0.9  # no back-off sleeps for refused connections
    message = str(info.value)
    assert all(f"{u}: ConnectionRefusedError" in message for u in urls)
    assert str(data_dir.absolute() / "blob.bin") in message
