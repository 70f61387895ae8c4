"""IMDB and Reuters: small fixtures in the real file formats, served from 127.0.0.1.

The fixtures follow shared/reference/wave2.md section 7.3: npz files whose x members are 1-D
object arrays of Python lists of Python ints (numpy pickles them with protocol 3), integer
labels, and word-index JSONs. The expected results come from ``keras_load_data`` below, a
line-by-line transcription of ``keras/src/datasets/imdb.py`` / ``reuters.py`` (Keras 3.15.1)
after its download step, run on the same file.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import threading
import zipfile
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kerasr.data_loaders import imdb as imdb_module
from kerasr.data_loaders import load_imdb, load_reuters, registry
from kerasr.data_loaders.errors import ChecksumError, DataFormatError, DataValueError

import kerasr.datasets as ds
from kerasr.errors import InvalidValueError
from kerasr.named_list import NamedList

pytestmark = pytest.mark.usefixtures("no_network")
FAST = {"timeout": 2.0, "retries": 0, "backoff": 0.01, "progress": False}


# -- the reference: Keras 3.15.1's load_data after get_file --------------------------------------
def remove_long_seq(maxlen, seq, label):
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def keras_imdb(path, num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
               oov_char=2, index_from=3):
    with np.load(path, allow_pickle=True) as f:  # our own fixture: safe to unpickle
        x_train, labels_train = f["x_train"], f["y_train"]
        x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train = x_train[indices]
    labels_train = labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test = x_test[indices]
    labels_test = labels_test[indices]
    if start_char is not None:
        x_train = [[start_char] + [w + index_from for w in x] for x in x_train]
        x_test = [[start_char] + [w + index_from for w in x] for x in x_test]
    elif index_from:
        x_train = [[w + index_from for w in x] for x in x_train]
        x_test = [[w + index_from for w in x] for x in x_test]
    else:
        x_train = [[w for w in x] for x in x_train]
        x_test = [[w for w in x] for x in x_test]
    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError("no sequence was kept")
    xs = x_train + x_test
    labels = np.concatenate([labels_train, labels_test])
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if (skip_top <= w < num_words) else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    idx = len(x_train)
    return (xs[:idx], labels[:idx]), (xs[idx:], labels[idx:])


def keras_reuters(path, num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
                  start_char=1, oov_char=2, index_from=3):
    with np.load(path, allow_pickle=True) as f:
        xs, labels = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    xs = xs[indices]
    labels = labels[indices]
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    idx = int(len(xs) * (1 - test_split))
    return (list(xs[:idx]), np.array(labels[:idx])), (list(xs[idx:]), np.array(labels[idx:]))


# -- fixtures in the real formats -----------------------------------------------------------------
def ragged(rng: np.random.RandomState, n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for i in range(n):  # Python lists of Python ints, as the real files hold
        out[i] = [int(w) for w in rng.randint(1, 60, size=rng.randint(2, 25))]
    return out


def npz_bytes(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


RNG = np.random.RandomState(0)
IMDB_NPZ = npz_bytes(x_train=ragged(RNG, 40), y_train=RNG.randint(0, 2, 40),
                     x_test=ragged(RNG, 30), y_test=RNG.randint(0, 2, 30))
REUTERS_NPZ = npz_bytes(x=ragged(RNG, 50), y=RNG.randint(0, 46, 50))
WORD_INDEX = json.dumps({"the": 1, "and": 2, "a": 3, "of": 4, "film": 5}).encode()


class Server:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: list[str] = []
        files, hits = self.files, self.hits

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                hits.append(self.path)
                data = files.get(self.path.lstrip("/"))
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, monkeypatch: pytest.MonkeyPatch, key: str, data: bytes) -> None:
        """Serve ``data`` as registry file ``key``, pinned by its own digests."""
        self.files[key] = data
        entry = registry.FILES[key]
        monkeypatch.setitem(registry.FILES, key, replace(
            entry, urls=(self.url + key,), sha256=hashlib.sha256(data).hexdigest(),
            size=len(data)))
        if key in imdb_module.WORD_INDEX_MD5:
            monkeypatch.setitem(imdb_module.WORD_INDEX_MD5, key, hashlib.md5(data).hexdigest())


@pytest.fixture(scope="module")
def http():
    served = Server()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


@pytest.fixture
def server(http: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Server:
    monkeypatch.setenv("KERASR_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    http.hits.clear()
    for key, data in (("imdb.npz", IMDB_NPZ), ("reuters.npz", REUTERS_NPZ),
                      ("imdb_word_index.json", WORD_INDEX),
                      ("reuters_word_index.json", WORD_INDEX)):
        http.serve(monkeypatch, key, data)
    return http


def fixture_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "reference.npz"
    path.write_bytes(data)
    return path


OPTIONS = [
    {},
    {"num_words": 20},
    {"num_words": 30, "skip_top": 5},
    {"maxlen": 15},
    {"seed": 7, "index_from": 0, "start_char": None},
    {"start_char": None, "oov_char": None, "num_words": 25, "skip_top": 4},
    {"oov_char": None, "maxlen": 20, "index_from": 2},
]


# -- IMDB -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("options", OPTIONS)
def test_imdb_matches_keras(server: Server, tmp_path: Path, options: dict):
    (x_train, y_train), (x_test, y_test) = load_imdb(**options, **FAST)
    (kx_train, ky_train), (kx_test, ky_test) = keras_imdb(fixture_file(tmp_path, IMDB_NPZ),
                                                          **options)
    assert x_train == kx_train and x_test == kx_test
    np.testing.assert_array_equal(y_train, ky_train)
    np.testing.assert_array_equal(y_test, ky_test)
    assert all(type(w) is int for x in x_train for w in x)


def test_imdb_worked_values(server: Server):
    # R: dataset_imdb(num_words = 10) keeps ranks < 10 - 3, start 1, OOV 2
    raw = ragged(np.random.RandomState(0), 40)
    order = np.arange(40)
    np.random.RandomState(113).shuffle(order)
    (x_train, _), _ = load_imdb(num_words=10, **FAST)
    first = raw[order[0]]
    assert x_train[0] == [1] + [w + 3 if w + 3 < 10 else 2 for w in first]


def test_dataset_imdb_r_shapes_download_once(server: Server):
    # R: c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_imdb(num_words = 20)
    imdb = ds.dataset_imdb(num_words=20)
    assert isinstance(imdb, NamedList) and imdb.names() == ["train", "test"]
    assert imdb.train.names() == ["x", "y"]
    assert isinstance(imdb.train.x, list) and len(imdb.train.x) == 40 and len(imdb.test.y) == 30
    assert max(max(x) for x in imdb.train.x) < 20
    ds.dataset_imdb(num_words=20)
    assert server.hits.count("/imdb.npz") == 1  # cached and verified the second time
    word_index = ds.dataset_imdb_word_index()
    assert word_index["the"] == 1 and len(word_index) == 5


def test_word_index_md5_is_checked(server: Server, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(imdb_module.WORD_INDEX_MD5, "imdb_word_index.json", "0" * 32)
    with pytest.raises(ChecksumError, match="dataset_imdb_word_index\\(\\).*MD5"):
        ds.dataset_imdb_word_index()
    from kerasr.data_loaders import cache_path

    assert not cache_path("imdb_word_index.json").exists()  # removed, fetched again next time


def test_imdb_bad_arguments_and_maxlen(server: Server):
    with pytest.raises(InvalidValueError, match="dataset_imdb\\(\\): `num_words` must be"):
        ds.dataset_imdb(num_words=-5)
    with pytest.raises(InvalidValueError, match="dataset_imdb\\(\\): `skip_top`"):
        ds.dataset_imdb(skip_top=1.5)
    with pytest.raises(InvalidValueError, match="no sequence was kept. Increase maxlen"):
        ds.dataset_imdb(maxlen=2)
    with pytest.raises(InvalidValueError, match="`path` must be a file name ending in '.npz'"):
        ds.dataset_imdb(path="imdb.pkl")


def evil_npz() -> bytes:
    class Evil:
        def __reduce__(self):
            import os

            return (os.system, ("echo pwned",))

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    member = header.getvalue() + pickle.dumps(Evil(), protocol=3)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for key in ("x_train", "x_test"):
            archive.writestr(f"{key}.npy", member)
        for key in ("y_train", "y_test"):
            inner = io.BytesIO()
            np.save(inner, np.zeros(1, dtype=np.int64))
            archive.writestr(f"{key}.npy", inner.getvalue())
    return buffer.getvalue()


def test_tampered_npz_is_refused(server: Server, monkeypatch: pytest.MonkeyPatch):
    server.serve(monkeypatch, "imdb.npz", evil_npz())
    with pytest.raises(DataFormatError, match="refused global (posix|os|nt).system"):
        load_imdb(**FAST)
    # a list of numpy scalars pickles numpy.core.multiarray.scalar: refused, as Keras does
    x = np.empty(1, dtype=object)
    x[0] = [np.int64(3), np.int64(4)]
    server.serve(monkeypatch, "imdb.npz", npz_bytes(
        x_train=x, y_train=np.zeros(1, np.int64), x_test=x, y_test=np.zeros(1, np.int64)))
    with pytest.raises(DataFormatError, match="refused global numpy"), pytest.warns(
        RuntimeWarning, match="is corrupt"  # the cached evil file no longer matches the pin
    ):
        load_imdb(**FAST)


# -- Reuters --------------------------------------------------------------------------------------
@pytest.mark.parametrize("options", [*OPTIONS[:4], {"test_split": 0.5, "seed": 1}])
def test_reuters_matches_keras(server: Server, tmp_path: Path, options: dict):
    (x_train, y_train), (x_test, y_test) = load_reuters(**options, **FAST)
    (kx_train, ky_train), (kx_test, ky_test) = keras_reuters(
        fixture_file(tmp_path, REUTERS_NPZ), **options)
    assert x_train == kx_train and x_test == kx_test
    np.testing.assert_array_equal(y_train, ky_train)
    np.testing.assert_array_equal(y_test, ky_test)


def test_dataset_reuters_r_shapes(server: Server):
    # R: reuters <- dataset_reuters(num_words = 30, test_split = 0.2)
    reuters = ds.dataset_reuters(num_words=30)
    assert len(reuters.train.x) == 40 and len(reuters.test.x) == 10  # int(50 * 0.8)
    assert ds.dataset_reuters_word_index()["film"] == 5
    with pytest.raises(InvalidValueError, match="dataset_reuters\\(\\): `test_split`"):
        ds.dataset_reuters(test_split=1)
    with pytest.raises(DataValueError, match="load_reuters\\(\\): .*Increase maxlen"):
        load_reuters(maxlen=2, **FAST)
    from kerasr.data_loaders import REUTERS_LABEL_NAMES

    assert len(REUTERS_LABEL_NAMES) == 46 and REUTERS_LABEL_NAMES[3] == "earn"


def test_kerasr_data_fetch_imdb(server: Server, capsys: pytest.CaptureFixture[str]):
    from kerasr.cli import main

    assert main(["data", "fetch", "imdb"]) == 0
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == ["imdb.npz", "imdb_word_index.json"]
    assert all(Path(p).read_bytes() for p in printed)


def test_download_failure_names_the_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KERASR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    monkeypatch.setitem(registry.FILES, "imdb.npz", replace(
        registry.FILES["imdb.npz"], urls=("http://127.0.0.1:9/imdb.npz",)))
    from kerasr.data_loaders.errors import DownloadError

    with pytest.raises(DownloadError, match="dataset_imdb\\(\\): could not download .imdb.npz"):
        ds.dataset_imdb()


def test_local_files_are_read_without_download(tmp_path: Path):
    # a fixture or a private copy: `file=` skips the cache, the download and the digest
    npz = fixture_file(tmp_path, IMDB_NPZ)
    (x_train, _), _ = load_imdb(file=npz, num_words=20)
    (kx_train, _), _ = keras_imdb(npz, num_words=20)
    assert x_train == kx_train
    words = tmp_path / "words.json"
    words.write_bytes(WORD_INDEX)
    from kerasr.data_loaders import load_imdb_word_index, load_reuters_word_index

    assert load_imdb_word_index(file=words)["film"] == 5
    assert load_reuters_word_index(file=words)["the"] == 1
    (rx, _), _ = load_reuters(file=fixture_file(tmp_path, REUTERS_NPZ))
    assert len(rx) == 40
    with pytest.raises(DataValueError, match="load_imdb\\(\\): `file` .* is not a file"):
        load_imdb(file=tmp_path / "missing.npz")


@pytest.mark.parametrize("options", [{"num_words": 20}, {"num_words": 20, "start_char": None},
                                     {"num_words": 25, "oov_char": None, "maxlen": 10}])
def test_empty_and_equal_length_reviews(tmp_path: Path, options: dict):
    rng = np.random.RandomState(3)
    x = ragged(rng, 12)
    x[0], x[5], x[11] = [], [], []  # empty reviews, also last
    path = fixture_file(tmp_path, npz_bytes(x_train=x, y_train=rng.randint(0, 2, 12),
                                            x_test=x[::-1].copy(), y_test=rng.randint(0, 2, 12)))
    (x_train, y_train), (x_test, y_test) = load_imdb(file=path, **options)
    (kx_train, ky_train), (kx_test, ky_test) = keras_imdb(path, **options)
    assert x_train == kx_train and x_test == kx_test
    np.testing.assert_array_equal(y_train, ky_train)
    # equal lengths make numpy store a 2-D array: read as rows
    square = np.array([[1, 2, 3], [4, 5, 6]])
    path = fixture_file(tmp_path, npz_bytes(x_train=square, y_train=np.array([0, 1]),
                                            x_test=square, y_test=np.array([1, 0])))
    (x_train, _), _ = load_imdb(file=path, seed=1)
    # Keras's default num_words is the largest index, and `w < num_words` sends it to OOV (2)
    assert sorted(x_train) == [[1, 4, 5, 6], [1, 7, 8, 2]]


def _object_array(rows: list[list[int]]) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = row
    return out


sequence_lists = st.lists(st.lists(st.integers(1, 40), min_size=1, max_size=15),
                          min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(train=sequence_lists, test=sequence_lists,
       options=st.fixed_dictionaries({
           "num_words": st.one_of(st.none(), st.integers(2, 50)),
           "skip_top": st.integers(0, 5),
           "maxlen": st.one_of(st.none(), st.integers(2, 20)),
           "seed": st.integers(0, 2**31 - 1),
           "start_char": st.sampled_from([None, 1, 7]),
           "oov_char": st.sampled_from([None, 2, 0]),
           "index_from": st.integers(0, 4),
       }))
def test_imdb_processing_matches_keras_on_random_data(tmp_path_factory, train, test, options):
    path = tmp_path_factory.mktemp("npz") / "imdb.npz"
    path.write_bytes(npz_bytes(
        x_train=_object_array(train), y_train=np.arange(len(train)) % 2,
        x_test=_object_array(test), y_test=np.arange(len(test)) % 2))
    try:
        expected = keras_imdb(path, **options)
    except ValueError:  # Keras's "no sequence was kept"
        with pytest.raises(DataValueError, match="Increase maxlen"):
            load_imdb(file=path, **options)
        return
    (x_train, y_train), (x_test, y_test) = load_imdb(file=path, **options)
    assert x_train == expected[0][0] and x_test == expected[1][0]
    np.testing.assert_array_equal(y_train, expected[0][1])
    np.testing.assert_array_equal(y_test, expected[1][1])
