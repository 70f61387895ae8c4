"""imagenet_preprocess_input (checked by formula) and imagenet_decode_predictions (class index
served from 127.0.0.1, verified by MD5 through get_file)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from kerasr.downloads import DownloadFailed
from kerasr.errors import InvalidValueError
from kerasr.preprocessing import image_imagenet
from kerasr.preprocessing.image_imagenet import (
    imagenet_decode_predictions,
    imagenet_preprocess_input,
)

pytestmark = pytest.mark.usefixtures("no_network")


def test_preprocess_modes_by_formula() -> None:
    rs = np.random.RandomState(0)
    x = rs.uniform(0, 255, (2, 4, 5, 3)).astype("float32")
    before = x.copy()
    caffe = imagenet_preprocess_input(x)
    np.testing.assert_allclose(caffe, x[..., ::-1] - np.array([103.939, 116.779, 123.68]),
                               rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(x, before)  # R never changed its argument
    np.testing.assert_allclose(imagenet_preprocess_input(x, mode="tf"), x / 127.5 - 1,
                               rtol=1e-5, atol=1e-6)
    torch = (x / 255 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(imagenet_preprocess_input(x, mode="torch"), torch,
                               rtol=1e-5, atol=1e-5)
    first = imagenet_preprocess_input(x.transpose(0, 3, 1, 2), data_format="channels_first")
    np.testing.assert_allclose(first.transpose(0, 2, 3, 1), caffe, rtol=1e-5, atol=1e-4)
    ints = imagenet_preprocess_input(x.astype("uint8"))
    assert ints.dtype == np.float32


def test_preprocess_bad_inputs() -> None:
    with pytest.raises(InvalidValueError, match="imagenet_preprocess_input\\(\\): `mode` must"):
        imagenet_preprocess_input(np.zeros((1, 2, 2, 3)), mode="pytorch")
    with pytest.raises(InvalidValueError, match="RGB images with 3 channels"):
        imagenet_preprocess_input(np.zeros((1, 2, 2, 1)))


@pytest.fixture
def class_index_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, route_server):
    """A 1000-class index in Keras's format on 127.0.0.1; the module's URL and MD5 point at it."""
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    body = json.dumps(index).encode()
    route_server.routes["/imagenet_class_index.json"] = body
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    monkeypatch.setattr(image_imagenet, "CLASS_INDEX_URL",
                        route_server.url("/imagenet_class_index.json"))
    monkeypatch.setattr(image_imagenet, "CLASS_INDEX_MD5", hashlib.md5(body).hexdigest())
    monkeypatch.setattr(image_imagenet, "_class_index", {})
    return route_server.hits


def test_decode_predictions_frames(class_index_server, tmp_path: Path) -> None:
    preds = np.full((2, 1000), 0.0001)
    preds[0, [386, 101, 7]] = [0.7, 0.2, 0.05]
    preds[1, 999] = 0.9
    frames = imagenet_decode_predictions(preds, top=3)
    assert len(frames) == 2
    assert list(frames[0].columns) == ["class_name", "class_description", "score"]
    assert frames[0]["class_name"].tolist() == ["n00000386", "n00000101", "n00000007"]
    assert frames[0]["class_description"].tolist() == ["class_386", "class_101", "class_7"]
    np.testing.assert_allclose(frames[0]["score"], [0.7, 0.2, 0.05])
    assert frames[1]["class_name"][0] == "n00000999"
    assert (tmp_path / "keras_home" / "models" / "imagenet_class_index.json").is_file()
    imagenet_decode_predictions(preds)
    assert class_index_server == ["/imagenet_class_index.json"]  # downloaded once


def test_decode_predictions_bad_inputs(class_index_server, monkeypatch, tmp_path) -> None:
    with pytest.raises(InvalidValueError, match="\\(samples, 1000\\); got shape \\(1, 10\\)"):
        imagenet_decode_predictions(np.zeros((1, 10)))
    with pytest.raises(InvalidValueError, match="`top` must be between 1 and 1000"):
        imagenet_decode_predictions(np.zeros((1, 1000)), top=0)
    monkeypatch.setattr(image_imagenet, "CLASS_INDEX_MD5", "0" * 32)
    with pytest.raises(DownloadFailed, match="incomplete or corrupted"):
        imagenet_decode_predictions(np.zeros((1, 1000)))
    assert not (tmp_path / "keras_home" / "models" / "imagenet_class_index.json").exists()
