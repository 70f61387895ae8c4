"""get_file() against a local HTTP server on 127.0.0.1 (offline): cache paths, digests, no partial
files, extraction, errors."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from kerasr.downloads import DownloadFailed, get_file
from kerasr.errors import InvalidValueError

pytestmark = pytest.mark.usefixtures("no_network")

PAYLOAD = bytes(range(256)) * 400  # 100 KiB


@pytest.fixture(autouse=True)
def _fast_downloads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    monkeypatch.setenv("KERASR_DOWNLOAD_TIMEOUT", "5")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))


@pytest.fixture
def server(route_server):
    return route_server


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` except the downloader's lock folder."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and ".locks" not in p.parts)


def test_downloads_into_keras_cache_once(server, tmp_path: Path, capsys) -> None:
    server.routes["/data/file.bin"] = PAYLOAD
    md5 = hashlib.md5(PAYLOAD).hexdigest()
    path = get_file("file.bin", server.url("/data/file.bin"), file_hash=md5)
    home = tmp_path / "keras_home"
    assert path == str(home / "datasets" / "file.bin")
    assert Path(path).read_bytes() == PAYLOAD
    assert "Downloading data from http://127.0.0.1" in capsys.readouterr().out
    assert _files(home) == ["datasets/file.bin"]  # no temporary or sidecar file left
    again = get_file("file.bin", server.url("/data/file.bin"), file_hash=md5)
    assert again == path and server.hits == ["/data/file.bin"]  # verified cache, no request


def test_sha256_cache_subdir_cache_dir_and_default_name(server, tmp_path: Path) -> None:
    server.routes["/w/weights.h5"] = PAYLOAD
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    path = get_file(origin=server.url("/w/weights.h5"), file_hash=sha, cache_subdir="models",
                    cache_dir=tmp_path / "mine")
    assert path == str(tmp_path / "mine" / "models" / "weights.h5")
    assert Path(path).read_bytes() == PAYLOAD


def test_digest_mismatch_leaves_no_file(server, tmp_path: Path) -> None:
    server.routes["/bad.bin"] = PAYLOAD
    wrong = hashlib.md5(b"something else").hexdigest()
    with pytest.raises(DownloadFailed, match="get_file\\(\\): incomplete or corrupted file"):
        get_file("bad.bin", server.url("/bad.bin"), file_hash=wrong)
    assert _files(tmp_path / "keras_home") == []
    with pytest.raises(DownloadFailed, match="expected " + "0" * 64):
        get_file("bad.bin", server.url("/bad.bin"), file_hash="0" * 64)
    assert _files(tmp_path / "keras_home") == []


def test_corrupt_cached_file_is_downloaded_again(server, tmp_path: Path) -> None:
    server.routes["/f.bin"] = PAYLOAD
    cached = tmp_path / "keras_home" / "datasets" / "f.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(PAYLOAD[:1000])
    with pytest.warns(UserWarning, match="downloading it again"):
        path = get_file("f.bin", server.url("/f.bin"), file_hash=hashlib.md5(PAYLOAD).hexdigest())
    assert Path(path).read_bytes() == PAYLOAD
    get_file("f.bin", server.url("/f.bin"), force_download=True)
    assert server.hits == ["/f.bin", "/f.bin"]


def test_fname_with_a_folder_saves_there(server, tmp_path: Path) -> None:
    server.routes["/q.tsv"] = b"a\tb\n1\t2\n"
    target = tmp_path / "project" / "quora.tsv"
    assert get_file(str(target), server.url("/q.tsv")) == str(target)
    assert target.read_bytes() == b"a\tb\n1\t2\n"


def test_extract_and_untar(server, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = b"hello images"
        info = tarfile.TarInfo("pets/readme.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    server.routes["/pets.tar.gz"] = buffer.getvalue()
    path = get_file("pets.tar.gz", server.url("/pets.tar.gz"), extract=True)
    home = tmp_path / "keras_home" / "datasets"
    assert path == str(home / "pets.tar.gz")
    assert (home / "pets" / "readme.txt").read_bytes() == b"hello images"
    folder = get_file("pets", server.url("/pets.tar.gz"), untar=True, cache_subdir="other")
    assert folder == str(tmp_path / "keras_home" / "other" / "pets")
    assert (Path(folder) / "readme.txt").is_file()
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        zf.writestr("../evil.txt", "outside")
    server.routes["/evil.zip"] = zbuf.getvalue()
    with pytest.raises(DownloadFailed, match="cannot extract"):
        get_file("evil.zip", server.url("/evil.zip"), extract=True)
    assert not (tmp_path / "keras_home" / "evil.txt").exists()
    server.routes["/plain.txt"] = b"plain"
    with pytest.raises(InvalidValueError, match="is not a tar or zip archive"):
        get_file("plain.txt", server.url("/plain.txt"), extract=True)


def test_errors_name_function_argument_and_fix(server, tmp_path: Path) -> None:
    with pytest.raises(DownloadFailed, match=r"could not download .*missing.bin.*HTTP 404"
                                             r"(.|\n)*place it at:\n  .*missing.bin"):
        get_file("missing.bin", server.url("/missing.bin"))
    assert not os.path.exists(tmp_path / "keras_home" / "datasets" / "missing.bin")
    with pytest.raises(InvalidValueError, match="get_file\\(\\): `origin` .* is required"):
        get_file("x.bin")
    with pytest.raises(InvalidValueError, match="`origin` must be a URL"):
        get_file("x.bin", "not a url")
    with pytest.raises(InvalidValueError, match="`file_hash` must be an MD5"):
        get_file("x.bin", server.url("/x"), file_hash="abc")
    with pytest.raises(InvalidValueError, match="`hash_algorithm` must be"):
        get_file("x.bin", server.url("/x"), file_hash="0" * 32, hash_algorithm="sha1")
