"""The application_* family (issue 16): R's names and arguments over keras.applications.

Every application builds with ``weights = NULL`` (the full sweep is marked slow); the small
ones are built here on small inputs, transfer learning works the R way, and the ImageNet
helpers decode as R does (one data frame per sample).
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import kerasr
from kerasr import (
    ArgumentError,
    InvalidValueError,
    application_mobilenet,
    application_vgg16,
    compile,
    fit,
    freeze_weights,
    imagenet_preprocess_input,
    keras_model_sequential,
    layer_dense,
    layer_flatten,
    unfreeze_weights,
    vgg16_preprocess_input,
)
from kerasr.families.spec import FAMILIES, r_name


def keras_applications():
    from kerasr import _keras

    apps = _keras.keras().applications
    return [n for n in dir(apps) if n[0].isupper() and inspect.isfunction(getattr(apps, n))]


def test_every_keras_application_has_its_r_name():
    names = {n: r_name("applications", n) for n in keras_applications()}
    missing = [f"{k} -> {v}" for k, v in names.items() if not callable(getattr(kerasr, v, None))]
    assert not missing
    # R keras's spellings of the workshops' applications
    for expected in ("application_vgg16", "application_resnet50", "application_inception_v3",
                     "application_mobilenet_v2", "application_xception", "application_densenet121",
                     "application_nasnetlarge", "application_efficientnet_b0",
                     "application_efficientnet_v2b0", "application_convnext_tiny",
                     "application_inception_resnet_v2", "application_resnet50_v2"):
        assert expected in names.values(), expected
    assert FAMILIES["applications"].kind == "function"


def test_signature_has_r_arguments():
    params = inspect.signature(application_vgg16).parameters
    for arg in ("include_top", "weights", "input_tensor", "input_shape", "pooling", "classes"):
        assert arg in params


# R: conv_base <- application_vgg16(weights = NULL, include_top = FALSE,
#                                   input_shape = c(32, 32, 3))
#    model <- keras_model_sequential() %>% conv_base %>% layer_flatten() %>% layer_dense(1)
#    freeze_weights(conv_base); unfreeze_weights(conv_base, from = "block5_conv1")
def test_transfer_learning_the_r_way():
    conv_base = application_vgg16(weights=None, include_top=False, input_shape=[32, 32, 3])
    model = (keras_model_sequential() >> conv_base >> layer_flatten()
             >> layer_dense(units=1, activation="sigmoid"))
    freeze_weights(conv_base)
    assert len(model.trainable_weights) == 2
    unfreeze_weights(conv_base, from_="block5_conv1")
    trainable = [layer.name for layer in conv_base.layers if layer.trainable and layer.weights]
    assert trainable == ["block5_conv1", "block5_conv2", "block5_conv3"]
    model >> compile(optimizer="sgd", loss="binary_crossentropy")
    x = np.random.default_rng(0).random((4, 32, 32, 3)).astype("float32")
    history = model >> fit(x, np.array([0, 1, 0, 1.0]), epochs=1, verbose=0)
    assert np.isfinite(history.metrics.loss[0])


def test_pooling_and_classes_arguments():
    base = application_mobilenet(weights=None, include_top=False, input_shape=(32, 32, 3),
                                 pooling="avg")
    assert tuple(base.output.shape) == (None, 1024)
    top = application_mobilenet(weights=None, input_shape=(32, 32, 3), classes=3.0)
    assert tuple(top.output.shape) == (None, 3)


def test_bad_arguments_are_clear():
    with pytest.raises(InvalidValueError, match="`pooling` must be"):
        application_mobilenet(weights=None, include_top=False, input_shape=(32, 32, 3),
                              pooling="mean")
    with pytest.raises(InvalidValueError, match='weights = "imagenet".*classes = 1000'):
        application_vgg16(weights="imagenet", classes=10)
    with pytest.raises(ArgumentError, match="did you mean `include_top`"):
        application_vgg16(include_tops=False)


# R: x <- imagenet_preprocess_input(x)   (decoding: tests/test_image_imagenet.py)
def test_imagenet_helpers():
    x = np.full((1, 2, 2, 3), 255.0)
    out = imagenet_preprocess_input(x)
    assert x[0, 0, 0, 0] == 255.0  # the input is not changed in place
    np.testing.assert_allclose(out[0, 0, 0], [255 - 103.939, 255 - 116.779, 255 - 123.68],
                               rtol=1e-5)
    np.testing.assert_allclose(vgg16_preprocess_input(x), out)


@pytest.mark.slow
@pytest.mark.parametrize("name", keras_applications())
def test_every_application_builds_without_weights(name):
    function = getattr(kerasr, r_name("applications", name))
    model = function(weights=None)
    assert model.count_params() > 0


@pytest.fixture
def weights_server(route_server, tmp_path, monkeypatch):
    """The local server standing in for Keras's weights host, and a fresh Keras cache."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    return route_server.url("/"), route_server.routes, route_server.hits


# R: conv_base <- application_mobilenet(weights = "imagenet", include_top = FALSE, alpha = 0.25,
#                                       input_shape = c(128, 128, 3))
def test_imagenet_weights_download_once_through_kerasr(weights_server, tmp_path, monkeypatch):
    """weights = "imagenet": the file comes through kerasr's get_file (atomic, verified,
    cached where Keras caches weights) and is downloaded once."""
    import importlib

    import h5py

    from kerasr import _keras

    base, routes, hits = weights_server
    keras = _keras.keras()
    legacy = importlib.import_module("keras.src.legacy.saving.legacy_h5_format")
    reference = keras.applications.MobileNet(weights=None, include_top=False, alpha=0.25,
                                             input_shape=(128, 128, 3))
    name = "mobilenet_2_5_128_tf_no_top.h5"
    with h5py.File(tmp_path / name, "w") as handle:
        legacy.save_weights_to_hdf5_group(handle, reference)
    routes["/" + name] = (tmp_path / name).read_bytes()
    mobilenet = importlib.import_module("keras.src.applications.mobilenet")
    monkeypatch.setattr(mobilenet, "BASE_WEIGHT_PATH", base)

    def build():
        return application_mobilenet(weights="imagenet", include_top=False, alpha=0.25,
                                     input_shape=(128, 128, 3))

    model = build()
    for got, expected in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(got, expected)
    cached = tmp_path / "keras_home" / "models" / name
    assert cached.exists() and hits == ["/" + name]
    leftovers = [p.name for p in cached.parent.iterdir() if p.name not in (name, ".locks")]
    assert not leftovers  # no partial or temporary files
    build()
    assert hits == ["/" + name]  # the second build reads the cache
