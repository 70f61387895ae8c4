"""image_data_generator() and the flow_images_* iterators.

The reference is keras-preprocessing 1.1.2 (what R keras 2 called), installed as a test oracle:
seeded batches, every deterministic transform, fitted statistics, class order, file order and the
validation split must equal it. Images are real PNG/JPEG files written here.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from kerasr.errors import InvalidValueError
from kerasr.preprocessing.image_generators import (
    fit_image_data_generator,
    flow_images_from_data,
    flow_images_from_dataframe,
    flow_images_from_directory,
    generator_next,
    image_data_generator,
)

kp = pytest.importorskip("keras_preprocessing.image", reason="keras-preprocessing 1.1.2 oracle")

#: Every augmentation at once (with rescale, so augmentation-before-rescale is checked too).
FULL = dict(rotation_range=30, width_shift_range=0.2, height_shift_range=3, shear_range=10,
            zoom_range=0.2, horizontal_flip=True, vertical_flip=True, channel_shift_range=20,
            brightness_range=(0.5, 1.5), rescale=1 / 255, fill_mode="reflect")


def _quiet_kp(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kp.ImageDataGenerator(**kwargs)


@pytest.fixture
def images() -> tuple[np.ndarray, np.ndarray]:
    rs = np.random.RandomState(0)
    return rs.uniform(0, 255, (10, 14, 18, 3)).astype("float32"), np.arange(10) % 3


def _write_tree(root: Path, sizes: dict[str, int], seed: int = 0) -> None:
    """Class folders of PNG and JPEG files (varied sizes, so resizing happens)."""
    rs = np.random.RandomState(seed)
    for k, (name, n) in enumerate(sizes.items()):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(n):
            h, w = 20 + 2 * (i % 3), 24 - (i % 2) * 4
            pixels = np.clip(rs.normal(60 + 50 * k, 30, (h, w, 3)), 0, 255).astype(np.uint8)
            ext = "png" if i % 2 == 0 else "jpg"
            Image.fromarray(pixels).save(folder / f"img{i:02d}.{ext}")


# -- the reference algorithm ----------------------------------------------------------------------
def test_seeded_batches_equal_reference_next(images) -> None:
    x, y = images
    ref = _quiet_kp(**FULL).flow(x, y, batch_size=4, seed=7)
    ours = flow_images_from_data(x, y, image_data_generator(**FULL), batch_size=4, seed=7)
    for step in range(7):  # crosses two pass boundaries; passes end with a short batch of 2
        a, b = next(ref), generator_next(ours)
        assert a[0].shape == b[0].shape == ((2,) if step % 3 == 2 else (4,)) + (14, 18, 3)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        assert b[0].dtype == np.float32 and b[0].max() <= 1.0  # rescaled after augmenting


def test_unseeded_batches_follow_the_global_numpy_state(images) -> None:
    x, y = images
    np.random.seed(3)
    ref = _quiet_kp(**FULL).flow(x, y, batch_size=4)
    expected = [next(ref) for _ in range(3)]
    np.random.seed(3)
    ours = flow_images_from_data(x, y, image_data_generator(**FULL), batch_size=4)
    for a in expected:
        np.testing.assert_array_equal(a[0], generator_next(ours)[0])


def test_indexed_batches_equal_reference_for_one_epoch_in_order(images) -> None:
    x, y = images
    ref = _quiet_kp(**FULL).flow(x, y, batch_size=4, seed=11)
    ours = flow_images_from_data(x, y, image_data_generator(**FULL), batch_size=4, seed=11)
    assert len(ours) == len(ref) == 3
    for i in range(3):  # the reference's batch depends on how many were read: read each once
        a, b = ref[i], ours[i]
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    # a pure function of (epoch, index): asking again, or out of order, gives the same batch
    np.testing.assert_array_equal(ours[1][0], ours[1][0])
    first = ours[0][0]
    ours.on_epoch_end()
    assert not np.array_equal(first, ours[0][0])  # a new epoch reshuffles and redraws
    with pytest.raises(IndexError, match="batch 3 asked for, but there are 3 batches"):
        ours[3]


@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
def test_each_deterministic_transform_equals_reference(images, fill_mode) -> None:
    x = images[0][0]
    params = [dict(theta=17.0), dict(tx=2.5), dict(ty=-3.0), dict(shear=12.0),
              dict(zx=0.8, zy=1.3), dict(flip_horizontal=True), dict(flip_vertical=True),
              dict(channel_shift_intensity=25.0), dict(brightness=1.4),
              dict(theta=-8.0, tx=1.0, ty=2.0, shear=5.0, zx=1.1, zy=0.9,
                   flip_horizontal=True, channel_shift_intensity=-10.0)]
    ref = _quiet_kp(fill_mode=fill_mode, cval=33.0)
    ours = image_data_generator(fill_mode=fill_mode, cval=33.0)
    for p in params:
        np.testing.assert_array_equal(ref.apply_transform(x.copy(), p),
                                      ours.apply_transform(x.copy(), p), err_msg=str(p))


def test_shift_ranges_int_list_and_fraction(images) -> None:
    x, y = images
    for spec in (2, [-3, 0, 3], 0.25, 4.0):
        kw = dict(width_shift_range=spec, height_shift_range=spec)
        ref = _quiet_kp(**kw).flow(x, y, batch_size=5, seed=1)
        ours = flow_images_from_data(x, y, image_data_generator(**kw), batch_size=5, seed=1)
        for _ in range(2):
            np.testing.assert_array_equal(next(ref)[0], generator_next(ours)[0], err_msg=str(spec))


def test_fit_featurewise_and_zca_equal_reference(images) -> None:
    x = images[0][:, :6, :6, :]
    for kw in (dict(featurewise_center=True, featurewise_std_normalization=True,
                    rescale=1 / 255),
               dict(zca_whitening=True, zca_epsilon=1e-3)):
        ref = _quiet_kp(**kw)
        ref.fit(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = image_data_generator(**kw)
        assert fit_image_data_generator(ours, x) is ours
        for attr in ("mean", "std", "principal_components"):
            a, b = getattr(ref, attr), getattr(ours, attr)
            assert (a is None) == (b is None), attr
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ref.standardize(x[0].copy()), ours.standardize(x[0].copy()),
                                   rtol=1e-4, atol=1e-4)


def test_fit_with_augmentation_equals_reference(images) -> None:
    x = images[0][:4]
    ref = _quiet_kp(featurewise_center=True, rotation_range=20)
    ref.fit(x, augment=True, rounds=2, seed=5)
    ours = image_data_generator(featurewise_center=True, rotation_range=20)
    fit_image_data_generator(ours, x, augment=True, rounds=2, seed=5)
    np.testing.assert_allclose(ref.mean, ours.mean, rtol=1e-6)


def test_samplewise_and_preprocessing_function_order() -> None:
    x = np.arange(2 * 2 * 3, dtype="float32").reshape(2, 2, 3) + 10
    with pytest.warns(UserWarning, match="overrides `samplewise_center=True`"):
        gen = image_data_generator(samplewise_std_normalization=True,
                                   preprocessing_function=lambda a: a * 2, rescale=0.5)
    assert gen.samplewise_center  # forced on, as the reference does
    out = gen.standardize(x.copy())
    ref = (x * 2) * 0.5
    ref = (ref - ref.mean()) / (ref.std() + 1e-6)
    np.testing.assert_allclose(out, ref, rtol=1e-5)
    with pytest.warns(UserWarning, match="never fit"):
        image_data_generator(featurewise_center=True).standardize(x.copy())


# -- directories ----------------------------------------------------------------------------------
def test_directory_classes_files_and_batches_equal_reference(tmp_path: Path) -> None:
    root = tmp_path / "train"
    _write_tree(root, {"class2": 3, "class10": 2, "Zebra": 2, "apple": 3})
    (root / "apple" / "nested").mkdir()
    Image.new("RGB", (9, 9), (10, 200, 30)).save(root / "apple" / "nested" / "deep.PNG")
    kw = dict(rotation_range=20, zoom_range=0.1, horizontal_flip=True, rescale=1 / 255)
    ref = _quiet_kp(**kw).flow_from_directory(str(root), target_size=(16, 12), batch_size=4,
                                              seed=3)
    ours = flow_images_from_directory(root, image_data_generator(**kw), target_size=(16, 12),
                                      batch_size=4, seed=3)
    assert ours.class_indices == ref.class_indices
    assert list(ours.class_indices) == ["Zebra", "apple", "class10", "class2"]  # code points
    assert ours.filenames == ref.filenames and "apple/nested/deep.PNG" in ours.filenames
    np.testing.assert_array_equal(ours.classes, ref.classes)
    assert ours.samples == ref.samples == 11 and ours.num_classes == 4
    for _ in range(4):  # 3 batches per pass, the third has 3 images
        a, b = next(ref), generator_next(ours)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        assert b[1].shape[1] == 4 and (b[1].sum(axis=1) == 1).all()


def test_directory_validation_split_is_per_class(tmp_path: Path) -> None:
    root = tmp_path / "d"
    _write_tree(root, {"a": 2, "b": 3, "c": 4, "d": 5})
    gen = image_data_generator(validation_split=0.25)
    ref_gen = _quiet_kp(validation_split=0.25)
    for subset, n in (("validation", 2), ("training", 12)):
        ours = flow_images_from_directory(root, gen, target_size=(8, 8), subset=subset,
                                          class_mode="sparse")
        ref = ref_gen.flow_from_directory(str(root), target_size=(8, 8), subset=subset,
                                          class_mode="sparse")
        assert ours.filenames == ref.filenames and ours.samples == n
    assert ours.filenames[0] == "a/img00.png"  # training keeps the last files of each class
    with pytest.raises(InvalidValueError, match="`subset` must be \"training\" or"):
        flow_images_from_directory(root, gen, subset="test")
    with pytest.raises(InvalidValueError, match="needs a generator with a validation split"):
        flow_images_from_directory(root, image_data_generator(), subset="training")


def test_directory_class_modes_and_generator_next(tmp_path: Path) -> None:
    root = tmp_path / "two"
    _write_tree(root, {"cats": 3, "dogs": 2})
    gen = image_data_generator(rescale=1 / 255)
    binary = flow_images_from_directory(root, gen, target_size=(10, 10), class_mode="binary",
                                        batch_size=5, shuffle=False)
    x, y = generator_next(binary)
    assert x.shape == (5, 10, 10, 3) and y.tolist() == [0, 0, 0, 1, 1] and y.dtype == np.float32
    only_x = flow_images_from_directory(root, gen, target_size=(10, 10), class_mode=None,
                                        batch_size=2, shuffle=False, color_mode="grayscale")
    assert generator_next(only_x).shape == (2, 10, 10, 1)
    auto = flow_images_from_directory(root, gen, target_size=(10, 10), class_mode="input",
                                      batch_size=2)
    a, b = generator_next(auto)
    np.testing.assert_array_equal(a, b)
    assert generator_next(iter([]), completed="done") == "done"
    with pytest.raises(InvalidValueError, match="generator_next\\(\\): `generator` must be"):
        generator_next([1, 2])


def test_directory_bad_inputs(tmp_path: Path) -> None:
    root = tmp_path / "three"
    _write_tree(root, {"a": 1, "b": 1, "c": 1})
    gen = image_data_generator()
    fn = "flow_images_from_directory\\(\\)"
    with pytest.raises(InvalidValueError, match=f"{fn}: class_mode=\"binary\" needs exactly 2"):
        flow_images_from_directory(root, gen, class_mode="binary")
    with pytest.raises(InvalidValueError, match=f"{fn}: `target_size` must be 2 element"):
        flow_images_from_directory(root, gen, target_size=(32, 32, 3))
    with pytest.raises(InvalidValueError, match=f"{fn}: `class_mode` must be one of"):
        flow_images_from_directory(root, gen, class_mode="onehot")
    with pytest.raises(InvalidValueError, match=f"{fn}: `batch_size` must be > 0"):
        flow_images_from_directory(root, gen, batch_size=0)
    with pytest.raises(InvalidValueError, match="is not a folder"):
        flow_images_from_directory(tmp_path / "absent", gen)
    with pytest.raises(InvalidValueError, match="`classes` names folders that do not exist"):
        flow_images_from_directory(root, gen, classes=["a", "zzz"])
    flat = tmp_path / "flat"
    flat.mkdir()
    Image.new("RGB", (4, 4)).save(flat / "x.png")
    with pytest.raises(InvalidValueError, match="has no sub-folders"):
        flow_images_from_directory(flat, gen)
    empty = tmp_path / "empty"
    (empty / "cats").mkdir(parents=True)
    (empty / "dogs").mkdir()
    with pytest.raises(InvalidValueError, match="found no images in the class folders"):
        flow_images_from_directory(empty, gen)
    with pytest.raises(InvalidValueError, match="must come from image_data_generator"):
        flow_images_from_directory(root, generator="rescale")


def test_directory_non_images_warned_and_corrupt_images_named(tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    _write_tree(root, {"a": 2, "b": 2})
    (root / "a" / "notes.txt").write_text("hello")
    (root / "b" / "Thumbs.db").write_bytes(b"\x00\x01")
    with pytest.warns(UserWarning, match=r"skipped 2 file\(s\) that are not images.*notes.txt"):
        it = flow_images_from_directory(root, image_data_generator(), target_size=(8, 8))
    assert it.samples == 4
    (root / "b" / "broken.jpg").write_bytes(b"\xff\xd8 truncated")
    with pytest.warns(UserWarning, match="skipped 2 file"):
        it = flow_images_from_directory(root, image_data_generator(), target_size=(8, 8),
                                        shuffle=False, batch_size=8)
    with pytest.raises(InvalidValueError, match="cannot read .*broken.jpg.* as an image"):
        generator_next(it)


def test_dataframe_iterator_equals_reference(tmp_path: Path) -> None:
    root = tmp_path / "imgs"
    _write_tree(root, {"x": 4, "y": 3})
    df = pd.DataFrame({"file": [f"x/img{i:02d}.{'png' if i % 2 == 0 else 'jpg'}"
                                for i in range(4)]
                       + [f"y/img{i:02d}.{'png' if i % 2 == 0 else 'jpg'}" for i in range(3)]
                       + ["x/missing.png"],
                       "label": ["cat", "dog", "cat", "dog", "dog", "cat", "dog", "cat"]})
    kw = dict(rotation_range=15, validation_split=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = _quiet_kp(**kw).flow_from_dataframe(df, str(root), x_col="file", y_col="label",
                                                  target_size=(12, 12), batch_size=3, seed=2,
                                                  subset="training")
    with pytest.warns(UserWarning, match="1 invalid image filename"):
        ours = flow_images_from_dataframe(df, root, x_col="file", y_col="label",
                                          generator=image_data_generator(**kw),
                                          target_size=(12, 12), batch_size=3, seed=2,
                                          subset="training")
    assert ours.filenames == ref.filenames and ours.class_indices == ref.class_indices
    assert list(ours.classes) == list(ref.classes)
    for _ in range(3):
        a, b = next(ref), ours.next()
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    with pytest.raises(InvalidValueError, match="no column 'klass'"):
        flow_images_from_dataframe(df, root, x_col="file", y_col="klass")


def test_array_flow_bad_inputs_and_subsets(images) -> None:
    x, y = images
    fn = "flow_images_from_data\\(\\)"
    with pytest.raises(InvalidValueError, match=f"{fn}: `x` must be a rank-4 array"):
        flow_images_from_data(x[:, :, :, 0], y)
    with pytest.raises(InvalidValueError, match="must have the same length"):
        flow_images_from_data(x, y[:3])
    gen = image_data_generator(validation_split=0.3)
    val = flow_images_from_data(x, y, gen, subset="validation", shuffle=False, batch_size=10)
    xb, yb = generator_next(val)
    np.testing.assert_array_equal(xb, x[:3])  # the first rows, unshuffled
    with pytest.raises(InvalidValueError, match="different classes after the split"):
        flow_images_from_data(x, np.r_[np.zeros(3), np.ones(7)], gen, subset="training")
    w = np.arange(10.0)
    xb, yb, wb = generator_next(flow_images_from_data(x, y, sample_weight=w, shuffle=False))
    np.testing.assert_array_equal(wb, w)
    assert generator_next(flow_images_from_data(x, batch_size=4)).shape == (4, 14, 18, 3)


def test_save_to_dir_writes_augmented_images(tmp_path: Path, images) -> None:
    out = tmp_path / "aug"
    out.mkdir()
    it = flow_images_from_data(images[0], images[1], image_data_generator(rotation_range=10),
                               batch_size=3, seed=1, save_to_dir=out, save_prefix="aug",
                               save_format="jpeg")
    generator_next(it)
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 3 and all(f.startswith("aug_") and f.endswith(".jpeg") for f in files)


def test_generator_argument_errors() -> None:
    fn = "image_data_generator\\(\\)"
    with pytest.raises(InvalidValueError, match=f"{fn}: `zoom_range` should be a number or a"):
        image_data_generator(zoom_range=(0.5, 1.0, 2.0))
    with pytest.raises(InvalidValueError, match=f"{fn}: `validation_split` must be strictly"):
        image_data_generator(validation_split=1.5)
    with pytest.raises(InvalidValueError, match=f"{fn}: `brightness_range` must be a pair"):
        image_data_generator(brightness_range=0.5)
    with pytest.raises(InvalidValueError, match=f"{fn}: `fill_mode` must be one of"):
        image_data_generator(fill_mode="mirror")
    with pytest.warns(UserWarning, match="overrides `featurewise_center=True`"):
        gen = image_data_generator(zca_whitening=True)
    assert gen.featurewise_center and "zca_whitening=True" in repr(gen)
    assert image_data_generator(zoom_range=0.2).zoom_range == [0.8, 1.2]


def test_iterators_are_pydatasets_not_python_generators(images) -> None:
    """fit() must see a finite PyDataset: iterating gives one pass, generator_next() cycles."""
    from kerasr._keras import keras

    it = flow_images_from_data(images[0], images[1], batch_size=4, shuffle=False)
    assert isinstance(it, keras().utils.PyDataset) and not hasattr(it, "__next__")
    assert [len(b[0]) for b in it] == [4, 4, 2]
    assert [len(generator_next(it)[0]) for _ in range(4)] == [4, 4, 2, 4]
