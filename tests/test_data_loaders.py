"""data_loaders' readers and loaders: IDX, MNIST, Fashion-MNIST, Boston, kyphosis, household power,
windows. Offline: generated files, a local HTTP server, and the real files in ../shared/data."""

from __future__ import annotations

import gzip
import hashlib
import io
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kerasr.data_loaders import registry
from kerasr.data_loaders.boston import FEATURE_NAMES, load_boston_frame, load_boston_housing
from kerasr.data_loaders.download import sha256_file
from kerasr.data_loaders.errors import DataFormatError, DataValueError, DownloadError
from kerasr.data_loaders.fashion_mnist import CLASS_NAMES, load_fashion_mnist
from kerasr.data_loaders.household_power import (
    COLUMNS,
    PARSED_NAME,
    load_household_power,
    parse_household_power,
)
from kerasr.data_loaders.idx import read_idx, read_idx_dataset, write_idx
from kerasr.data_loaders.kyphosis import load_kyphosis
from kerasr.data_loaders.manage import data_where, fetch_dataset, verify_cache
from kerasr.data_loaders.mnist import IDX_FILES as MNIST_IDX
from kerasr.data_loaders.mnist import load_mnist, read_mnist_npz
from kerasr.data_loaders.windows import make_windows

from kerasr import data_loaders

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"real data folder {SHARED} is absent"
)
NO_SERVER = ("http://127.0.0.1:9/unreachable",)  # closed port: any download attempt fails fast
FAST = {"timeout": 2.0, "retries": 0, "backoff": 0.0, "progress": False}


# -- fixtures -------------------------------------------------------------------------------------
pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("KERASR_DATA_DIR", str(directory))
    return directory


@pytest.fixture
def server(route_server):
    """conftest's local HTTP server: ``server.routes[path] = bytes``, ``server.hits``."""
    return route_server


def pin(monkeypatch: pytest.MonkeyPatch, key: str, data: bytes, urls: tuple[str, ...]) -> None:
    """Point registry entry ``key`` at generated ``data`` (its digest and size) and ``urls``."""
    entry = registry.FILES[key]
    monkeypatch.setitem(
        registry.FILES,
        key,
        replace(entry, sha256=hashlib.sha256(data).hexdigest(), size=len(data), urls=urls),
    )


def idx_bytes(array: np.ndarray, tmp_path: Path) -> bytes:
    path = tmp_path / f"tmp-{id(array)}.gz"
    write_idx(array, path)
    return path.read_bytes()


def fake_digits(n_train: int = 40, n_test: int = 15):
    rng = np.random.default_rng(5)
    x_train = rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)
    y_train = rng.integers(0, 10, n_train, dtype=np.uint8)
    x_test = rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)
    y_test = rng.integers(0, 10, n_test, dtype=np.uint8)
    return x_train, y_train, x_test, y_test


def npz_bytes(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


# -- import hygiene -------------------------------------------------------------------------------
def test_import_does_not_pull_keras_or_tensorflow() -> None:
    code = (
        "import sys\n"
        "from kerasr.data_loaders import load_mnist, load_household_power, load_boston_housing\n"
        "load_boston_housing()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('keras', 'tensorflow', 'jax', 'torch'))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_public_names_resolve() -> None:
    for name in data_loaders.__all__:
        assert getattr(data_loaders, name) is not None
    assert data_loaders.FASHION_MNIST_CLASS_NAMES[9] == "Ankle boot"
    with pytest.raises(AttributeError):
        data_loaders.no_such_name  # noqa: B018


# -- IDX ------------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(
    dtype=st.sampled_from(["uint8", "int8", "int16", "int32", "float32", "float64"]),
    shape=st.lists(st.integers(0, 5), min_size=1, max_size=4).map(tuple),
    compress=st.booleans(),
)
def test_idx_roundtrip(tmp_path_factory, dtype: str, shape: tuple[int, ...], compress: bool):
    rng = np.random.default_rng(0)
    array = (rng.random(shape) * 100).astype(dtype)
    path = tmp_path_factory.mktemp("idx") / "a.idx"
    write_idx(array, path, compress=compress)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == shape
    assert np.array_equal(back, array)
    assert back.flags.writeable


def test_idx_header_layout(tmp_path: Path) -> None:
    labels = np.array([7, 2, 1], dtype=np.uint8)
    write_idx(labels, tmp_path / "l.idx")
    raw = (tmp_path / "l.idx").read_bytes()
    assert raw == bytes.fromhex("00000801 00000003".replace(" ", "")) + bytes([7, 2, 1])
    images = np.zeros((2, 28, 28), np.uint8)
    write_idx(images, tmp_path / "i.gz")
    head = gzip.decompress((tmp_path / "i.gz").read_bytes())[:16]
    assert head == bytes.fromhex("00000803000000020000001c0000001c")
    assert read_idx(raw).tolist() == [7, 2, 1]  # bytes work too
    assert read_idx(io.BytesIO(raw)).tolist() == [7, 2, 1]  # and streams


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "not an IDX file"),
        (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "not an IDX file"),
        (b"\x00\x00\x08\x02\x00\x00", "truncated inside its header"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", r"truncated: 2 data bytes, expected 5"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x01\x05\x06", "trailing data"),
        (b"", "not an IDX file"),
    ],
)
def test_idx_rejects_bad_files(raw: bytes, message: str) -> None:
    with pytest.raises(DataFormatError, match=message):
        read_idx(raw)


def test_idx_checks_expected_dims(tmp_path: Path) -> None:
    write_idx(np.zeros((3, 4, 4), np.uint8), tmp_path / "x.gz")
    with pytest.raises(DataFormatError, match="has 3 dimensions, expected 1"):
        read_idx(tmp_path / "x.gz", ndim=1)
    with pytest.raises(DataFormatError, match=r"shape \(3, 4, 4\), expected \(None, 28, 28\)"):
        read_idx(tmp_path / "x.gz", shape=(None, 28, 28))
    with pytest.raises(DataFormatError, match="cannot read|corrupt|not an IDX"):
        read_idx(b"\x1f\x8b\x08\x00garbage")


@needs_shared
def test_real_mnist_test_set_through_idx_reader() -> None:
    x = read_idx(SHARED / "mnist" / "t10k-images-idx3-ubyte.gz", ndim=3)
    y = read_idx(SHARED / "mnist" / "t10k-labels-idx1-ubyte.gz", ndim=1)
    assert x.shape == (10000, 28, 28) and x.dtype == np.uint8
    assert y.shape == (10000,) and y.dtype == np.uint8
    assert y[:12].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6]
    assert np.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert x.min() == 0 and x.max() == 255
    assert x[0, :4, :4].sum() == 0  # a blank corner
    train_y = read_idx(SHARED / "mnist" / "train-labels-idx1-ubyte.gz")
    assert train_y[:12].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4, 3, 5]
    assert np.bincount(train_y).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]


@needs_shared
def test_real_fashion_labels_and_pins() -> None:
    train = read_idx(SHARED / "fashion-mnist" / "train-labels-idx1-ubyte.gz")
    test = read_idx(SHARED / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz")
    assert train[:12].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9]
    assert test[:12].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5]
    assert np.bincount(train).tolist() == [6000] * 10
    assert np.bincount(test).tolist() == [1000] * 10


@needs_shared
@pytest.mark.parametrize(
    "key, relative",
    [
        ("mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz"),
        ("mnist/t10k-labels-idx1-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"),
        ("mnist/train-labels-idx1-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz"),
        ("fashion-mnist/t10k-labels-idx1-ubyte.gz", "fashion-mnist/t10k-labels-idx1-ubyte.gz"),
        ("fashion-mnist/train-labels-idx1-ubyte.gz", "fashion-mnist/train-labels-idx1-ubyte.gz"),
    ],
)
def test_registry_pins_match_real_files(key: str, relative: str) -> None:
    entry = registry.FILES[key]
    path = SHARED / relative
    assert path.stat().st_size == entry.size
    assert sha256_file(path) == entry.sha256


def test_registry_entries_are_complete() -> None:
    for key, entry in registry.FILES.items():
        assert entry.urls and all(u.startswith(("https://", "http://")) for u in entry.urls)
        assert entry.sha256 is None or len(entry.sha256) == 64
        assert entry.size and entry.size > 0
        assert key.endswith(entry.name)
    assert registry.FILES["mnist.npz"].sha256 == (
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    )
    assert len(registry.FILES["household_power_consumption.zip"].urls) == 3
    with pytest.raises(DataValueError, match="unknown file 'nope'"):
        registry.get("nope")


# -- MNIST ----------------------------------------------------------------------------------------
@pytest.fixture
def mnist_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Generated MNIST in both forms, with the registry pinned to their digests (no URLs)."""
    x_train, y_train, x_test, y_test = fake_digits()
    idx = {
        MNIST_IDX[0]: idx_bytes(x_train, tmp_path),
        MNIST_IDX[1]: idx_bytes(y_train, tmp_path),
        MNIST_IDX[2]: idx_bytes(x_test, tmp_path),
        MNIST_IDX[3]: idx_bytes(y_test, tmp_path),
    }
    npz = npz_bytes(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    for key, data in idx.items():
        pin(monkeypatch, key, data, NO_SERVER)
    pin(monkeypatch, "mnist.npz", npz, NO_SERVER)
    return {"arrays": (x_train, y_train, x_test, y_test), "idx": idx, "npz": npz}


def assert_mnist(result, arrays) -> None:
    (x_train, y_train), (x_test, y_test) = result
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        assert got.dtype == np.uint8
        assert np.array_equal(got, want)


def test_mnist_from_cached_idx_without_download(mnist_files, data_dir: Path) -> None:
    (data_dir / "mnist").mkdir(parents=True)
    for key, data in mnist_files["idx"].items():
        (data_dir / key).write_bytes(data)
    assert_mnist(load_mnist(**FAST), mnist_files["arrays"])


def test_mnist_from_cached_npz_without_download(mnist_files, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "mnist.npz").write_bytes(mnist_files["npz"])
    assert_mnist(load_mnist(**FAST), mnist_files["arrays"])
    with pytest.raises(DownloadError):  # forcing the IDX source needs the IDX files
        load_mnist(source="idx", **FAST)


def test_mnist_downloads_npz_then_falls_back_to_idx(
    mnist_files, server: Any, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    pin(monkeypatch, "mnist.npz", mnist_files["npz"], (server.url("/mnist.npz"),))
    for key, data in mnist_files["idx"].items():
        pin(monkeypatch, key, data, (server.url("/" + key),))
        server.routes["/" + key] = data
    # npz missing on the server: the IDX mirror is used
    assert_mnist(load_mnist(**FAST), mnist_files["arrays"])
    assert server.hits[0] == "/mnist.npz" and len(server.hits) == 5
    assert (data_dir / "mnist" / "t10k-labels-idx1-ubyte.gz").exists()
    # now the npz is served too, and wins when both sources are forced apart
    server.routes["/mnist.npz"] = mnist_files["npz"]
    assert_mnist(load_mnist(source="npz", **FAST), mnist_files["arrays"])
    assert (data_dir / "mnist.npz").exists()


def test_mnist_offline_names_both_sources(mnist_files, data_dir: Path) -> None:
    with pytest.raises(DownloadError) as info:
        load_mnist(**FAST)
    message = str(info.value)
    assert str(data_dir.absolute() / "mnist.npz") in message
    assert str(data_dir.absolute() / "mnist" / "train-images-idx3-ubyte.gz") in message


def test_mnist_argument_errors() -> None:
    with pytest.raises(DataValueError, match="`source` must be 'auto', 'npz' or 'idx'"):
        load_mnist(source="csv")
    with pytest.raises(DataValueError, match="`path` must name an .npz file"):
        load_mnist("mnist.zip")


def test_mnist_npz_refuses_pickles_and_bad_layout(tmp_path: Path) -> None:
    x = np.zeros((2, 28, 28), np.uint8)
    y = np.zeros(2, np.uint8)
    (tmp_path / "obj.npz").write_bytes(
        npz_bytes(x_train=np.array([{"evil": 1}], dtype=object), y_train=y, x_test=x, y_test=y)
    )
    with pytest.raises(DataFormatError, match="numeric npz"):
        read_mnist_npz(tmp_path / "obj.npz")
    (tmp_path / "keys.npz").write_bytes(npz_bytes(x_train=x, y_train=y))
    with pytest.raises(DataFormatError, match="lacks x_test, y_test"):
        read_mnist_npz(tmp_path / "keys.npz")
    (tmp_path / "shape.npz").write_bytes(
        npz_bytes(x_train=np.zeros((2, 8, 8), np.uint8), y_train=y, x_test=x, y_test=y)
    )
    with pytest.raises(DataFormatError, match=r"expected uint8 \(n, 28, 28\)"):
        read_mnist_npz(tmp_path / "shape.npz")


def test_read_idx_dataset_checks_counts(tmp_path: Path) -> None:
    write_idx(np.zeros((3, 28, 28), np.uint8), tmp_path / "x.gz")
    write_idx(np.zeros(4, np.uint8), tmp_path / "y.gz")
    with pytest.raises(DataFormatError, match="3 images but .* 4 labels"):
        read_idx_dataset(tmp_path / "x.gz", tmp_path / "y.gz", tmp_path / "x.gz", tmp_path / "y.gz")


@needs_shared
def test_real_mnist_test_files_in_cache_load_as_idx_set(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real test files play both train and test roles: the loader reads them from the cache."""
    (data_dir / "mnist").mkdir(parents=True)
    images = (SHARED / "mnist" / "t10k-images-idx3-ubyte.gz").read_bytes()
    labels = (SHARED / "mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes()
    for key, data in zip(MNIST_IDX, (images, labels, images, labels)):
        (data_dir / key).write_bytes(data)
        pin(monkeypatch, key, data, NO_SERVER)
    (x_train, y_train), (x_test, y_test) = load_mnist(source="idx", **FAST)
    assert x_train.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_test[:12].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6]


# -- Fashion-MNIST --------------------------------------------------------------------------------
def test_fashion_mnist_from_cache(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    x_train, y_train, x_test, y_test = fake_digits(12, 6)
    (data_dir / "fashion-mnist").mkdir(parents=True)
    keys = data_loaders.fashion_mnist.IDX_FILES
    for key, array in zip(keys, (x_train, y_train, x_test, y_test)):
        data = idx_bytes(array, tmp_path)
        (data_dir / key).write_bytes(data)
        pin(monkeypatch, key, data, NO_SERVER)
    (a, b), (c, d) = load_fashion_mnist(**FAST)
    assert a.shape == (12, 28, 28) and c.shape == (6, 28, 28) and b.dtype == np.uint8
    assert np.array_equal(d, y_test)
    assert len(CLASS_NAMES) == 10
    assert CLASS_NAMES[0] == "T-shirt/top" and CLASS_NAMES[7] == "Sneaker"


# -- Boston ---------------------------------------------------------------------------------------
def test_boston_reproduces_keras_split() -> None:
    (x_train, y_train), (x_test, y_test) = load_boston_housing()
    assert x_train.shape == (404, 13) and y_train.shape == (404,)
    assert x_test.shape == (102, 13) and y_test.shape == (102,)
    assert x_train.dtype == np.float64 and y_test.dtype == np.float64
    assert x_train[0].tolist() == [
        1.23247,
        0.0,
        8.14,
        0.0,
        0.538,
        6.142,
        91.7,
        3.9769,
        4.0,
        307.0,
        21.0,
        396.9,
        18.72,
    ]
    assert x_test[0].tolist() == [
        18.0846,
        0.0,
        18.1,
        0.0,
        0.679,
        6.434,
        100.0,
        1.8347,
        24.0,
        666.0,
        20.2,
        27.25,
        29.05,
    ]
    assert round(float(y_train.mean()), 5) == 22.39505
    assert round(float(y_test.mean()), 5) == 23.07843
    # standardised x_train[0] published in a Keras notebook (train mean/std over all 404 rows)
    z = (x_train[0] - x_train.mean(axis=0)) / x_train.std(axis=0)
    assert z[0] == pytest.approx(-0.27224633, abs=1e-8)
    assert z[1] == pytest.approx(-0.48361547, abs=1e-8)
    assert z[-1] == pytest.approx(0.8252202, abs=1e-7)


def test_boston_permutation_matches_reference() -> None:
    frame = load_boston_frame()
    (x_train, _), (x_test, _) = load_boston_housing()
    rows = frame[list(FEATURE_NAMES)].to_numpy()
    train_rows = [22, 202, 368, 335, 461, 323, 382, 143, 146, 141]
    test_rows = [415, 112, 339, 160, 87, 494, 344, 83, 122, 472]
    assert np.array_equal(x_train[:10], rows[train_rows])
    assert np.array_equal(x_test[:10], rows[test_rows])
    permutation = np.arange(506)
    np.random.RandomState(113).shuffle(permutation)
    assert permutation[:10].tolist() == train_rows and permutation[404:414].tolist() == test_rows
    assert frame.shape == (506, 14) and list(frame.columns[:2]) == ["crim", "zn"]


def test_boston_split_options() -> None:
    (a, _), (b, _) = load_boston_housing(test_split=0.0)
    assert a.shape == (506, 13) and b.shape == (0, 13)
    (c, _), (d, _) = load_boston_housing(test_split=0.5, seed=1)
    assert c.shape == (253, 13) and d.shape == (253, 13)
    assert not np.array_equal(c[:5], load_boston_housing()[0][0][:5])
    for bad in (1.0, -0.1, "0.2", True):
        with pytest.raises(DataValueError, match="`test_split` must be a number in"):
            load_boston_housing(test_split=bad)  # type: ignore[arg-type]
    with pytest.raises(DataValueError, match="`seed` must be a non-negative integer"):
        load_boston_housing(seed=1.5)  # type: ignore[arg-type]


@needs_shared
def test_shipped_csvs_equal_shared_copies() -> None:
    files = Path(data_loaders.__file__).parent / "files"
    for name in ("Boston.csv", "kyphosis.csv"):
        assert (files / name).read_bytes() == (SHARED / name).read_bytes()
    shared = pd.read_csv(SHARED / "Boston.csv", index_col=0)
    assert np.array_equal(shared.to_numpy(), load_boston_frame().to_numpy())


# -- kyphosis -------------------------------------------------------------------------------------
def test_kyphosis_types_and_values() -> None:
    k = load_kyphosis()
    assert k.shape == (81, 4)
    assert list(k.columns) == ["Kyphosis", "Age", "Number", "Start"]
    assert isinstance(k["Kyphosis"].dtype, pd.CategoricalDtype)
    assert list(k["Kyphosis"].cat.categories) == ["absent", "present"]
    assert k["Kyphosis"].value_counts().to_dict() == {"absent": 64, "present": 17}
    for column in ("Age", "Number", "Start"):
        assert k[column].dtype == np.int64
    assert k.iloc[0].tolist() == ["absent", 71, 3, 5]
    assert k.iloc[2].tolist() == ["present", 128, 4, 5]
    assert k.iloc[80].tolist() == ["absent", 36, 4, 13]
    assert (k.Age.min(), k.Age.max()) == (1, 206)
    assert (k.Number.min(), k.Number.max()) == (2, 10)
    assert (k.Start.min(), k.Start.max()) == (1, 18)


# -- household power ------------------------------------------------------------------------------
HEADER = (
    "Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;"
    "Sub_metering_1;Sub_metering_2;Sub_metering_3"
)
REAL_ROWS = [
    "16/12/2006;17:24:00;4.216;0.418;234.840;18.400;0.000;1.000;17.000",
    "16/12/2006;17:25:00;5.360;0.436;233.630;23.000;0.000;1.000;16.000",
]


def household_text() -> str:
    rows = [HEADER, *REAL_ROWS]
    rows.append("21/12/2006;11:23:00;?;?;?;?;?;?;")  # the real missing-row form
    rows.append("21/12/2006;11:24:00;1.000;0.100;240.000;4.000;0.000;0.000;")  # empty last field
    rows.append("1/1/2007;00:00:00;2.580;0.136;241.970;10.600;0.000;0.000;0.000")
    rows.append("1/1/2007;00:01:00;2.552;0.100;241.750;10.400;0.000;0.000;0.000")
    rows.append("11/1/2007;09:05:00;0.500;0.000;238.000;2.200;1.000;2.000;3.000")
    rows.append("26/11/2010;21:02:00;0.932;0.000;239.550;3.800;0.000;0.000;0.000")
    return "\r\n".join(rows) + "\r\n"


def household_zip(text: str, member: str = "household_power_consumption.txt") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, text)
    return buffer.getvalue()


def test_household_parser_handles_format_quirks(tmp_path: Path) -> None:
    (tmp_path / "h.zip").write_bytes(household_zip(household_text()))
    frame = parse_household_power(tmp_path / "h.zip")
    assert list(frame.columns) == list(COLUMNS)
    assert all(dtype == np.float32 for dtype in frame.dtypes)
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "datetime"
    assert [str(t) for t in frame.index] == [
        "2006-12-16 17:24:00",
        "2006-12-16 17:25:00",
        "2006-12-21 11:23:00",
        "2006-12-21 11:24:00",
        "2007-01-01 00:00:00",
        "2007-01-01 00:01:00",
        "2007-01-11 09:05:00",  # 11/1/2007 is the 11th of January
        "2010-11-26 21:02:00",
    ]
    first = frame.iloc[0].to_numpy()
    assert first.tolist() == pytest.approx([4.216, 0.418, 234.84, 18.4, 0.0, 1.0, 17.0], rel=1e-6)
    assert frame.iloc[1]["Global_active_power"] == np.float32(5.36)
    assert frame.iloc[2].isna().all()
    assert frame.iloc[3].isna().tolist() == [False] * 6 + [True]
    assert frame["Sub_metering_3"].iloc[6] == 3.0
    # the plain text and a stream parse the same
    (tmp_path / "h.txt").write_text(household_text(), newline="")
    assert frame.equals(parse_household_power(tmp_path / "h.txt"))
    assert frame.equals(parse_household_power(io.BytesIO(household_text().encode())))


def test_household_parser_rejects_bad_files(tmp_path: Path) -> None:
    (tmp_path / "other.zip").write_bytes(household_zip(household_text(), member="data.txt"))
    with pytest.raises(DataFormatError, match="no member 'household_power_consumption.txt'"):
        parse_household_power(tmp_path / "other.zip")
    bad_header = household_text().replace("Voltage", "Volts")
    with pytest.raises(DataFormatError, match="header is"):
        parse_household_power(io.BytesIO(bad_header.encode()))
    bad_date = household_text().replace("26/11/2010", "2010-11-26")
    with pytest.raises(DataFormatError, match="bad Date or Time"):
        parse_household_power(io.BytesIO(bad_date.encode()))


@pytest.fixture
def household_served(server: Any, monkeypatch: pytest.MonkeyPatch) -> bytes:
    data = household_zip(household_text())
    server.routes["/hpc.zip"] = data
    entry = registry.FILES["household_power_consumption.zip"]
    assert entry.sha256 is None  # no published digest: size-pinned, trust on first use
    monkeypatch.setitem(
        registry.FILES,
        "household_power_consumption.zip",
        replace(entry, urls=(server.url("/missing.zip"), server.url("/hpc.zip")), size=len(data)),
    )
    return data


def test_household_download_parse_and_fast_cached_reload(
    household_served: bytes, server: Any, data_dir: Path
) -> None:
    frame = load_household_power(**FAST)
    assert frame.shape == (8, 7)
    assert server.hits == ["/missing.zip", "/hpc.zip"]  # mirror fallback
    parsed = data_dir / PARSED_NAME
    assert parsed.exists()
    with np.load(parsed, allow_pickle=False) as f:
        assert f["index"].dtype == np.int64 and f["Voltage"].dtype == np.float32
    started = time.perf_counter()
    again = load_household_power(**FAST)
    assert time.perf_counter() - started < 0.5
    assert again.equals(frame)
    assert len(server.hits) == 2  # no new download
    assert all(dtype == np.float32 for dtype in again.dtypes)
    assert list(data_dir.glob("*.tmp")) == []


def test_household_parsed_cache_rebuilt_when_zip_changes(
    household_served: bytes, server: Any, data_dir: Path, monkeypatch
) -> None:
    load_household_power(**FAST)
    text = household_text().replace("4.216", "9.999")
    data = household_zip(text)
    (data_dir / "household_power_consumption.zip").write_bytes(data)
    entry = registry.FILES["household_power_consumption.zip"]
    monkeypatch.setitem(
        registry.FILES, "household_power_consumption.zip", replace(entry, size=len(data))
    )
    (data_dir / ".household_power_consumption.zip.sha256.json").unlink()  # a new, by-hand copy
    frame = load_household_power(**FAST)
    assert frame["Global_active_power"].iloc[0] == np.float32(9.999)


def test_household_selection_and_resampling(household_served: bytes) -> None:
    jan = load_household_power(start="2007-01-01", end="2007-01-31", **FAST)
    assert len(jan) == 3 and str(jan.index[0]) == "2007-01-01 00:00:00"
    hourly = load_household_power(resample="h", start="2006-12-16", end="2006-12-16", **FAST)
    assert len(hourly) == 1
    assert hourly["Global_active_power"].iloc[0] == pytest.approx((4.216 + 5.36) / 2, rel=1e-6)
    assert hourly.dtypes.iloc[0] == np.float32
    daily_sum = load_household_power(resample="D", agg="sum", start="2007-01-01", end="2007-01-01")
    assert daily_sum["Global_active_power"].iloc[0] == pytest.approx(2.58 + 2.552, rel=1e-6)
    with pytest.raises(DataValueError, match="`resample`='fortnightly'"):
        load_household_power(resample="fortnightly", **FAST)


# -- windows --------------------------------------------------------------------------------------
def test_make_windows_shapes_and_targets() -> None:
    frame = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) * 10})
    x, y = make_windows(frame, 6, horizon=2, step=2, stride=3, target="b")
    # windows start at rows 0, 3, 6, 9, 12 (last start 13 = 20 - 6 - 2 + 1 - 1)
    assert x.shape == (5, 3, 2) and y is not None and y.shape == (5,)
    assert x[0, :, 0].tolist() == [0.0, 2.0, 4.0]
    assert x[1, :, 1].tolist() == [30.0, 50.0, 70.0]
    assert y.tolist() == [70.0, 100.0, 130.0, 160.0, 190.0]  # row s + 6 - 1 + 2
    x1, y1 = make_windows(np.arange(10.0), 3, target=0, copy=True)
    assert x1.shape == (7, 3, 1) and x1.flags.c_contiguous and y1.tolist() == list(range(3, 10))
    x2, none = make_windows(frame, 4, features=["a"])
    assert x2.shape == (16, 4, 1) and none is None
    with pytest.raises(DataValueError, match="too few"):
        make_windows(frame, 20)
    with pytest.raises(DataValueError, match="`step` must be a positive integer"):
        make_windows(frame, 4, step=0)
    with pytest.raises(DataValueError, match="`target` 'c' is not a column"):
        make_windows(frame, 4, target="c")


# -- manage ---------------------------------------------------------------------------------------
def test_where_fetch_verify(data_dir: Path, mnist_files) -> None:
    assert data_where() == data_dir.absolute()
    report = verify_cache()
    assert report["mnist.npz"] == "missing" and set(report) == set(registry.FILES)
    data_dir.mkdir(parents=True)
    (data_dir / "mnist.npz").write_bytes(mnist_files["npz"])
    assert fetch_dataset("mnist", **FAST) == [data_dir.absolute() / "mnist.npz"]
    assert verify_cache()["mnist.npz"] == "ok"
    (data_dir / "mnist.npz").write_bytes(b"x" * len(mnist_files["npz"]))
    assert verify_cache()["mnist.npz"] == "corrupt"
    assert fetch_dataset("kyphosis")[0].name == "kyphosis.csv"
    with pytest.raises(DataValueError, match="unknown data set 'mnits'"):
        fetch_dataset("mnits")


def test_public_functions_document_r_and_python() -> None:
    import inspect

    for name in data_loaders.__all__:
        obj = getattr(data_loaders, name)
        if inspect.isfunction(obj):
            doc = inspect.getdoc(obj) or ""
            assert "\nR: " in doc and "\nPython: " in doc, name
            assert inspect.signature(obj).return_annotation is not inspect.Signature.empty, name


def test_household_damaged_zip_is_removed(data_dir: Path, monkeypatch) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("household_power_consumption.txt", household_text())
    data = bytearray(buffer.getvalue())
    where = bytes(data).index(b"4.216")
    data[where : where + 5] = b"4.217"  # same size, CRC-32 no longer matches
    data_dir.mkdir(parents=True)
    (data_dir / "household_power_consumption.zip").write_bytes(bytes(data))
    entry = registry.FILES["household_power_consumption.zip"]
    monkeypatch.setitem(
        registry.FILES,
        "household_power_consumption.zip",
        replace(entry, size=len(data), urls=NO_SERVER),
    )
    with pytest.raises(DataFormatError, match="(?s)CRC.*was removed"):
        load_household_power(**FAST)
    assert not (data_dir / "household_power_consumption.zip").exists()
    assert not (data_dir / PARSED_NAME).exists()
