"""kerasr.datasets: R names, R return shapes (named lists), R-style errors. Offline: generated
files in a temporary cache; Keras-delegated data sets run real Keras with the network blocked."""

from __future__ import annotations

import hashlib
import inspect
import io
import subprocess
import sys
import urllib.error
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from kerasr.data_loaders import registry
from kerasr.data_loaders.errors import ChecksumError, DownloadError
from kerasr.data_loaders.idx import write_idx

import kerasr.datasets as ds
from kerasr.errors import InvalidValueError
from kerasr.named_list import NamedList

NO_SERVER = ("http://127.0.0.1:9/unreachable",)


pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture(autouse=True)
def _fast_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    monkeypatch.setenv("KERASR_DOWNLOAD_TIMEOUT", "2")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    directory.mkdir()
    monkeypatch.setenv("KERASR_DATA_DIR", str(directory))
    return directory


def place(monkeypatch: pytest.MonkeyPatch, directory: Path, key: str, data: bytes) -> None:
    """Put generated ``data`` in the cache as registry file ``key`` and pin its digest."""
    path = directory / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    entry = registry.FILES[key]
    monkeypatch.setitem(
        registry.FILES,
        key,
        replace(entry, sha256=hashlib.sha256(data).hexdigest(), size=len(data), urls=NO_SERVER),
    )


def digits(n_train: int, n_test: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(11)
    return (
        rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_train, dtype=np.uint8),
        rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_test, dtype=np.uint8),
    )


def check_split(result: NamedList, arrays: tuple[np.ndarray, ...]) -> None:
    assert isinstance(result, NamedList)
    assert result.names() == ["train", "test"]
    assert result.train.names() == ["x", "y"]
    (x_train, y_train), (x_test, y_test) = result  # Python's %<-%
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        assert np.array_equal(got, want) and got.dtype == want.dtype
    assert result["train"]["x"] is result.train.x
    assert result[1][0] is x_test


# -- import hygiene and docs ----------------------------------------------------------------------
def test_import_does_not_import_keras() -> None:
    code = (
        "import sys, kerasr.datasets as d\n"
        "d.dataset_boston_housing(); d.dataset_kyphosis()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('keras', 'tensorflow', 'jax')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ds.__all__)
def test_public_functions_document_r_and_python(name: str) -> None:
    obj = getattr(ds, name)
    if not callable(obj):
        return
    doc = inspect.getdoc(obj) or ""
    assert "R: " in doc and "Python: " in doc, name
    r_line = doc.split("R: ")[1].split("\n")[0]
    python_line = doc.split("Python: ")[1].split("\n")[0]
    assert r_line.strip("` ") and name in python_line
    assert inspect.signature(obj).return_annotation is not inspect.Signature.empty


# -- data_loaders-backed --------------------------------------------------------------------------
def test_dataset_mnist_named_list(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    arrays = digits(30, 10)
    buffer = io.BytesIO()
    np.savez(buffer, x_train=arrays[0], y_train=arrays[1], x_test=arrays[2], y_test=arrays[3])
    place(monkeypatch, data_dir, "mnist.npz", buffer.getvalue())
    mnist = ds.dataset_mnist()
    check_split(mnist, arrays)
    assert mnist.train.x.dtype == np.uint8 and mnist.train.x.shape == (30, 28, 28)
    with pytest.raises(InvalidValueError, match=r"dataset_mnist\(\): `path` must be a file name"):
        ds.dataset_mnist(path="mnist.csv")


def test_dataset_mnist_offline_message(data_dir: Path, monkeypatch) -> None:
    for key in ("mnist.npz", *[k for k in registry.FILES if k.startswith("mnist/")]):
        monkeypatch.setitem(registry.FILES, key, replace(registry.FILES[key], urls=NO_SERVER))
    with pytest.raises(DownloadError) as info:
        ds.dataset_mnist()
    assert NO_SERVER[0] in str(info.value)
    assert str(data_dir / "mnist.npz") in str(info.value)


def test_dataset_fashion_mnist(monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path) -> None:
    arrays = digits(8, 4)
    keys = [k for k in registry.FILES if k.startswith("fashion-mnist/")]
    order = ["train-images", "train-labels", "t10k-images", "t10k-labels"]
    for array, prefix in zip(arrays, order):
        key = next(k for k in keys if prefix in k)
        write_idx(array, tmp_path / "f.gz")
        place(monkeypatch, data_dir, key, (tmp_path / "f.gz").read_bytes())
    fashion = ds.dataset_fashion_mnist()
    check_split(fashion, arrays)
    assert ds.fashion_mnist_class_names[int(fashion.test.y[0])] in ds.fashion_mnist_class_names


def test_dataset_boston_housing() -> None:
    boston = ds.dataset_boston_housing()
    (x_train, y_train), (x_test, y_test) = boston
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13)
    assert boston.test.x[0, 0] == 18.0846
    assert round(float(y_train.mean()), 5) == 22.39505
    assert round(float(y_test.mean()), 5) == 23.07843
    other = ds.dataset_boston_housing(test_split=0.1, seed=7)
    assert other.train.x.shape == (455, 13)


def test_dataset_boston_housing_errors_and_custom_path(data_dir: Path) -> None:
    with pytest.raises(InvalidValueError) as info:
        ds.dataset_boston_housing(test_split=2)
    assert str(info.value).startswith("dataset_boston_housing(): `test_split` must be")
    assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidValueError, match="`path` 'mine.npz' does not exist"):
        ds.dataset_boston_housing(path="mine.npz")
    x = np.arange(50.0).reshape(10, 5)
    np.savez(data_dir / "mine.npz", x=x, y=np.arange(10.0))
    mine = ds.dataset_boston_housing(path="mine.npz", test_split=0.2, seed=113)
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert np.array_equal(mine.train.y, order[:8].astype(float))
    assert np.array_equal(mine.test.x, x[order[8:]])


def test_dataset_kyphosis() -> None:
    k = ds.dataset_kyphosis()
    assert isinstance(k, pd.DataFrame) and k.shape == (81, 4)
    assert list(k.Kyphosis.cat.categories) == ["absent", "present"]
    assert k.Age.dtype == np.int64 and int(k.Start.iloc[0]) == 5


def test_dataset_household_power(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    text = (
        "Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;"
        "Sub_metering_1;Sub_metering_2;Sub_metering_3\r\n"
        "16/12/2006;17:24:00;4.216;0.418;234.840;18.400;0.000;1.000;17.000\r\n"
        "16/12/2006;17:25:00;?;?;?;?;?;?;\r\n"
        "1/1/2007;00:00:00;2.580;0.136;241.970;10.600;0.000;0.000;0.000\r\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("household_power_consumption.txt", text)
    place(monkeypatch, data_dir, "household_power_consumption.zip", buffer.getvalue())
    power = ds.dataset_household_power()
    assert power.shape == (3, 7) and str(power.index[2]) == "2007-01-01 00:00:00"
    assert power.dtypes.unique().tolist() == [np.dtype("float32")]
    assert np.isnan(power.Voltage.iloc[1])
    assert len(ds.dataset_household_power(start="2007")) == 1
    with pytest.raises(InvalidValueError, match=r"dataset_household_power\(\): cannot resample"):
        ds.dataset_household_power(resample="nonsense")


# -- keras-delegated data sets: real Keras, network blocked by the autouse fixture ----------
def test_keras_split_becomes_r_named_list() -> None:
    x = np.zeros((2, 3), np.int32)
    y = np.array([0, 1])
    result = ds._split((x, y), (x + 1, y))
    check_split(result, (x, y, x + 1, y))


def test_keras_argument_errors_come_before_any_download() -> None:
    with pytest.raises(InvalidValueError, match="`label_mode` must be 'fine' or 'coarse'"):
        ds.dataset_cifar100(label_mode="medium")
    with pytest.raises(InvalidValueError, match=r"dataset_reuters\(\): `test_split` must be"):
        ds.dataset_reuters(test_split=1.5)
    with pytest.raises(InvalidValueError, match=r"dataset_imdb\(\): `path` must be a file name"):
        ds.dataset_imdb(path=3)  # type: ignore[arg-type]


def test_real_download_failure_is_explained(monkeypatch, tmp_path: Path) -> None:
    """IMDB (kerasr's own verified download) with the network blocked: the message names
    the URL and the digest, and nothing is left in the cache."""
    monkeypatch.setenv("KERASR_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    with pytest.raises(DownloadError) as info:
        ds.dataset_imdb()
    message = str(info.value)
    assert message.startswith("dataset_imdb(): could not download ")
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz" in message
    assert not list((tmp_path / "cache").glob("imdb.npz*"))


def test_keras_error_translation(tmp_path: Path) -> None:
    """Keras's own exception types and texts, as its get_file raises them."""
    url = "https://example.invalid/cifar-10-python.tar.gz"
    with pytest.raises(ChecksumError, match="is corrupt .*; delete .*cifar-10"):
        with ds._keras_download("dataset_cifar10", url, "cifar-10-batches-py-target_archive"):
            raise ValueError("Incomplete or corrupted file detected. The sha256 ...")
    for error in (urllib.error.URLError("[Errno -3] Temporary failure in name resolution"),
                  TimeoutError("timed out"),
                  Exception(f"URL fetch failure on {url}: None -- [Errno -2]")):
        with pytest.raises(DownloadError, match="could not download") as info:
            with ds._keras_download("dataset_cifar10", url, "x"):
                raise error
        assert info.value.__cause__ is error
    boom = RuntimeError("unrelated")
    with pytest.raises(RuntimeError) as other:
        with ds._keras_download("dataset_cifar10", url, "x"):
            raise boom
    assert other.value is boom
