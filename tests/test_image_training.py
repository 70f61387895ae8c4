"""fit(), evaluate() and predict() take the flow_images_* iterators directly (Keras PyDataset)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def _colour_tree(root: Path, n: int = 24, size: int = 20) -> None:
    """Two classes told apart by colour: reddish and bluish noisy PNG/JPEG images."""
    rs = np.random.RandomState(0)
    for name in ("blue", "red"):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(n):
            base = np.array([200, 40, 60]) if name == "red" else np.array([40, 60, 200])
            pixels = np.clip(base + rs.normal(0, 40, (size, size + 4, 3)), 0, 255)
            ext = "png" if i % 2 else "jpg"
            Image.fromarray(pixels.astype(np.uint8)).save(folder / f"{name}{i}.{ext}")


def _tiny_cnn(kerasr, shape, units=1, activation="sigmoid"):
    model = (kerasr.keras_model_sequential(input_shape=shape)
             >> kerasr.layer_conv_2d(filters=4, kernel_size=3, activation="relu")
             >> kerasr.layer_global_average_pooling_2d()
             >> kerasr.layer_dense(units=units, activation=activation))
    loss = "binary_crossentropy" if units == 1 else "categorical_crossentropy"
    model >> kerasr.compile(optimizer=kerasr.optimizer_adam(learning_rate=0.05), loss=loss,
                            metrics="accuracy")
    return model


def test_fit_from_directory_generator(tmp_path: Path) -> None:
    import kerasr

    kerasr.set_random_seed(1)
    _colour_tree(tmp_path / "train")
    train = kerasr.flow_images_from_directory(
        tmp_path / "train",
        kerasr.image_data_generator(rescale=1 / 255, horizontal_flip=True, rotation_range=10),
        target_size=(16, 16), batch_size=8, class_mode="binary", seed=1, workers=2,
    )
    assert len(train) == 6 and train.class_indices == {"blue": 0, "red": 1}
    model = _tiny_cnn(kerasr, (16, 16, 3))
    history = model >> kerasr.fit(train, steps_per_epoch=len(train), epochs=6, verbose=0)
    loss = history.metrics["loss"]
    assert len(loss) == 6 and loss[-1] < loss[0]
    plain = kerasr.flow_images_from_directory(
        tmp_path / "train", kerasr.image_data_generator(rescale=1 / 255), target_size=(16, 16),
        batch_size=10, class_mode="binary", shuffle=False,
    )
    scores = model >> kerasr.evaluate(plain, verbose=0)
    assert scores["accuracy"] >= 0.9
    probs = model >> kerasr.predict(plain, verbose=0)
    assert probs.shape == (48, 1)  # 5 batches, the last one short (8 images)
    assert ((probs[:, 0] > 0.5) == plain.classes.astype(bool)).mean() >= 0.9


def test_fit_from_flow_images_from_data_with_validation() -> None:
    import kerasr

    kerasr.set_random_seed(2)
    rs = np.random.RandomState(0)
    y = np.arange(60) % 2
    x = rs.uniform(0, 120, (60, 12, 12, 3)).astype("float32")
    x[y == 1, :, :, 0] += 120  # class 1 is redder
    gen = kerasr.image_data_generator(rescale=1 / 255, width_shift_range=0.1,
                                      validation_split=0.2)
    train = kerasr.flow_images_from_data(x, y, gen, batch_size=12, subset="training", seed=3)
    valid = kerasr.flow_images_from_data(x, y, gen, batch_size=12, subset="validation")
    assert train.samples == 48 and valid.samples == 12
    model = _tiny_cnn(kerasr, (12, 12, 3))
    history = model >> kerasr.fit(train, epochs=6, validation_data=valid, verbose=0)
    assert history.metrics["val_accuracy"][-1] >= 0.9
    assert history.metrics["loss"][-1] < history.metrics["loss"][0]
    with pytest.warns(FutureWarning, match="fit_generator"):  # the workshops' spelling
        again = kerasr.fit_generator(model, train, steps_per_epoch=len(train), epochs=1,
                                     verbose=0)
    assert len(again.metrics["loss"]) == 1


def test_seeded_training_repeats_with_workers(tmp_path: Path) -> None:
    """Batches are a pure function of (epoch, index), so two threads give identical training."""
    import kerasr

    _colour_tree(tmp_path / "t", n=8)

    def train_once():
        kerasr.set_random_seed(5)
        it = kerasr.flow_images_from_directory(
            tmp_path / "t", kerasr.image_data_generator(rescale=1 / 255, zoom_range=0.2),
            target_size=(12, 12), batch_size=4, workers=2,
        )
        model = _tiny_cnn(kerasr, (12, 12, 3), units=2, activation="softmax")
        model >> kerasr.fit(it, epochs=2, verbose=0, shuffle=False)
        return model.get_weights()

    for a, b in zip(train_once(), train_once()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
