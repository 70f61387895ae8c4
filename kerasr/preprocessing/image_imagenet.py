"""ImageNet input preprocessing and prediction decoding (R's ``imagenet_*`` helpers).

``imagenet_preprocess_input`` is Keras's ``imagenet_utils.preprocess_input`` on a copy (R never
changed its argument). ``imagenet_decode_predictions`` reads Keras's ImageNet class index,
downloaded once into ``~/.keras/models`` through ``get_file()`` (MD5-verified, atomic), and
returns R's list of data frames.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..errors import InvalidValueError
from .image import check_data_format

__all__ = ["imagenet_decode_predictions", "imagenet_preprocess_input"]

CLASS_INDEX_URL = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"
MODES = ("caffe", "tf", "torch")
_class_index: dict[str, Any] = {}


def imagenet_preprocess_input(x: Any, data_format: str | None = None,
                              mode: str = "caffe") -> np.ndarray:
    """Scale images as the ImageNet models expect; returns a new float32 array.

    ``mode="caffe"`` (VGG, ResNet): RGB to BGR, then minus the ImageNet channel means;
    ``"tf"``: to -1..1; ``"torch"``: to 0..1, then standardized per channel.

    R: ``x <- imagenet_preprocess_input(x)``
    Python: ``x = imagenet_preprocess_input(x)``
    """
    from .._keras import keras

    fn = "imagenet_preprocess_input"
    if mode not in MODES:
        raise InvalidValueError(f"{fn}(): `mode` must be one of \"caffe\", \"tf\" or \"torch\", "
                                f"got {mode!r}")
    data_format = check_data_format(data_format, fn)
    arr = np.array(x, dtype="float32")  # a copy: Keras works in place on float arrays
    axis = 1 if data_format == "channels_first" else -1
    if arr.ndim < 3 or arr.shape[axis] != 3:
        raise InvalidValueError(
            f"{fn}(): `x` must hold RGB images with 3 channels ({data_format}), e.g. shape "
            f"(n, 224, 224, 3); got shape {arr.shape}"
        )
    return keras().applications.imagenet_utils.preprocess_input(
        arr, data_format=data_format, mode=mode)


def _load_class_index() -> dict[str, Any]:
    if not _class_index:
        from ..downloads import get_file

        path = get_file("imagenet_class_index.json", CLASS_INDEX_URL, cache_subdir="models",
                        file_hash=CLASS_INDEX_MD5)
        with open(path, encoding="utf-8") as handle:
            _class_index.update(json.load(handle))
    return _class_index


def imagenet_decode_predictions(preds: Any, top: int = 5) -> list[Any]:
    """The ``top`` ImageNet classes of each prediction, as R's list of data frames.

    Each frame has columns ``class_name`` (the WordNet id), ``class_description`` and
    ``score``, best first. ``preds`` must be ``(samples, 1000)``.

    R: ``imagenet_decode_predictions(preds, top = 3)[[1]]``
    Python: ``imagenet_decode_predictions(preds, top=3)[0]``
    """
    import pandas as pd

    from ..arguments import as_int

    fn = "imagenet_decode_predictions"
    arr = np.asarray(preds)
    if arr.ndim != 2 or arr.shape[1] != 1000:
        raise InvalidValueError(
            f"{fn}(): `preds` must be a batch of ImageNet predictions, a 2-D array of shape "
            f"(samples, 1000); got shape {arr.shape}. Use a model with include_top = TRUE"
        )
    top = as_int(top, fn, "top")
    if not 1 <= top <= 1000:
        raise InvalidValueError(f"{fn}(): `top` must be between 1 and 1000, got {top}")
    index = _load_class_index()
    frames = []
    for row in arr:
        best = np.argsort(row)[-top:][::-1]
        frames.append(pd.DataFrame({
            "class_name": [index[str(i)][0] for i in best],
            "class_description": [index[str(i)][1] for i in best],
            "score": row[best].astype(float),
        }))
    return frames
