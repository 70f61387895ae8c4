"""Images per second from a folder of JPEG files, with and without the workshops' augmentation.

    python benchmarks/bench_images.py            # 600 images, 3 rounds; writes docs/performance.md
    python benchmarks/bench_images.py --quick    # 128 images, 1 round, prints only

Three pipelines read the same class-per-folder tree (two classes of 220 x 180 JPEGs, resized to
150 x 150, batches of 32, one full pass per round):

- **kerasr**: ``flow_images_from_directory(image_data_generator(...))``, read the way ``fit()``
  reads it (Keras's PyDataset adapter), in the main thread and with worker threads;
- **keras-preprocessing 1.1.2**: ``ImageDataGenerator.flow_from_directory`` (what R keras 2 ran),
  read with ``next()`` as ``fit_generator`` did;
- **Keras 3**: ``keras.utils.image_dataset_from_directory`` + the matching augmentation layers
  (RandomFlip, RandomRotation, RandomTranslation, RandomShear, RandomZoom, Rescaling) mapped in
  parallel with ``tf.data`` (AUTOTUNE) and prefetched.

Rounds run the pipelines in rotating order; the table reports the median images per second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: The cats-vs-dogs workshop's augmentation (boehmke, 04-computer-vision-CNNs/02-cats-vs-dogs).
AUGMENT = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
               shear_range=0.2, zoom_range=0.2, horizontal_flip=True, rescale=1 / 255)
PLAIN = dict(rescale=1 / 255)
SIZE = (150, 150)
BATCH = 32
SECTION = "bench_images"  # its part of docs/performance.md


def make_folder(root: Path, n: int) -> Path:
    """``n`` JPEGs (220 x 180, smooth shapes plus noise) split over two class folders."""
    from PIL import Image

    rs = np.random.RandomState(0)
    yy, xx = np.mgrid[0:180, 0:220]
    for i in range(n):
        cls = ("cats", "dogs")[i % 2]
        (root / cls).mkdir(parents=True, exist_ok=True)
        cx, cy, r = rs.uniform(40, 180), rs.uniform(40, 140), rs.uniform(20, 60)
        disc = ((xx - cx) ** 2 + (yy - cy) ** 2 < r**2)[..., None]
        colour = rs.uniform(0, 255, 3)
        pixels = np.where(disc, colour, 255 - colour) + rs.normal(0, 20, (180, 220, 3))
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(
            root / cls / f"{cls}.{i}.jpg", quality=90)
    return root


def _drain(iterator, n_batches: int) -> int:
    seen = 0
    for _, batch in zip(range(n_batches), iterator):
        seen += len(batch[0])
    return seen


def kerasr_pipeline(folder: Path, settings: dict, workers: int,
                    processes: bool = False) -> Callable[[], int]:
    from keras.src.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter

    import kerasr

    with _quiet():
        it = kerasr.flow_images_from_directory(
            folder, kerasr.image_data_generator(**settings), target_size=SIZE,
            batch_size=BATCH, class_mode="binary", seed=1, workers=workers,
            use_multiprocessing=processes)

    def run() -> int:
        adapter = PyDatasetAdapter(it, shuffle=False)
        adapter.on_epoch_begin()
        seen = _drain(adapter.get_numpy_iterator(), len(it))
        adapter.on_epoch_end()
        return seen

    return run


def reference_pipeline(folder: Path, settings: dict) -> Callable[[], int]:
    from keras_preprocessing.image import ImageDataGenerator

    with _quiet():
        it = ImageDataGenerator(**settings).flow_from_directory(
            str(folder), target_size=SIZE, batch_size=BATCH, class_mode="binary", seed=1)
    n_batches = len(it)
    return lambda: _drain(it, n_batches)


def keras3_pipeline(folder: Path, augment: bool) -> Callable[[], int]:
    import keras
    import tensorflow as tf

    with _quiet():
        ds = keras.utils.image_dataset_from_directory(
            folder, image_size=SIZE, batch_size=BATCH, label_mode="binary", seed=1,
            verbose=False)
    layers = [keras.layers.Rescaling(1 / 255)]
    if augment:  # the closest layers to AUGMENT (see docs/images.md for the differences)
        layers = [keras.layers.RandomFlip("horizontal"),
                  keras.layers.RandomRotation(40 / 360, fill_mode="nearest"),
                  keras.layers.RandomTranslation(0.2, 0.2, fill_mode="nearest"),
                  keras.layers.RandomShear(x_factor=0.2, y_factor=0.0, fill_mode="nearest"),
                  keras.layers.RandomZoom(0.2, 0.2, fill_mode="nearest"), *layers]
    pipeline = keras.Sequential(layers)
    ds = ds.map(lambda x, y: (pipeline(x, training=True), y),
                num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    return lambda: _drain(ds.as_numpy_iterator(), 1 << 30)


class _quiet:
    def __enter__(self) -> None:
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")
        self._out = sys.stdout
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - "Found N images" lines

    def __exit__(self, *exc: object) -> None:
        sys.stdout.close()
        sys.stdout = self._out
        self._w.__exit__(*exc)


LOAD: list[float] = []


def measure(n_images: int, rounds: int, workers: int) -> list[tuple[str, str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_folder(Path(tmp) / "train", n_images)
        pipelines: list[tuple[str, str, Callable[[], int]]] = []
        for label, settings, augment in (("augmented", AUGMENT, True),
                                         ("rescale only", PLAIN, False)):
            pipelines += [
                ("kerasr, main thread", label, kerasr_pipeline(folder, settings, 1)),
                (f"kerasr, {workers} worker threads", label,
                 kerasr_pipeline(folder, settings, workers)),
                (f"kerasr, {workers} worker processes", label,
                 kerasr_pipeline(folder, settings, workers, processes=True)),
                ("keras-preprocessing 1.1.2", label, reference_pipeline(folder, settings)),
                ("Keras 3 image_dataset_from_directory + layers", label,
                 keras3_pipeline(folder, augment)),
            ]
        for _, _, run in pipelines:  # warm-up: imports, tf.function tracing, file cache
            run()
        rates: dict[int, list[float]] = {i: [] for i in range(len(pipelines))}
        for r in range(rounds):
            order = list(range(len(pipelines)))
            order = order[r % len(order):] + order[: r % len(order)]
            for i in order:
                start = time.perf_counter()
                seen = pipelines[i][2]()
                rates[i].append(seen / (time.perf_counter() - start))
                LOAD.append(os.getloadavg()[0])
                assert seen == n_images, (pipelines[i][0], seen)
        return [(name, label, statistics.median(rates[i]))
                for i, (name, label, _) in enumerate(pipelines)]


def table(results: list[tuple[str, str, float]], n_images: int, rounds: int) -> str:
    cores = os.cpu_count()
    lines = [
        "## Image generators",
        "",
        "Written by `python benchmarks/bench_images.py` on this machine "
        f"({cores} CPU cores, shared); do not edit by hand. Images per second reading "
        f"{n_images} JPEGs (220 x 180, two class folders) resized to 150 x 150 in batches of "
        f"{BATCH}, one full pass per round, median of {rounds} rounds in rotating order. "
        "\"augmented\" is the cats-vs-dogs workshop's generator (rotation 40, shifts 0.2, shear "
        "0.2, zoom 0.2, horizontal flip, rescale); Keras 3 uses the closest augmentation layers, "
        "which differ in detail (see the Images guide). The machine's load average during the "
        f"rounds was {statistics.median(LOAD):.1f} (median), on {cores} cores: other work "
        "competed for the CPU, so compare rows with each other, not with other tables.",
        "",
        "| pipeline | augmented (images/s) | rescale only (images/s) |",
        "|---|---|---|",
    ]
    names = list(dict.fromkeys(name for name, _, _ in results))
    by = {(n, label): rate for n, label, rate in results}
    for name in names:
        lines.append(f"| {name} | {by[(name, 'augmented')]:.0f} | "
                     f"{by[(name, 'rescale only')]:.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="128 images, 1 round, no file")
    parser.add_argument("--images", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--workers", type=int, default=max(2, min(8, os.cpu_count() or 2)))
    args = parser.parse_args(argv)
    n = args.images or (128 if args.quick else 600)
    rounds = args.rounds or (1 if args.quick else 3)
    results = measure(n, rounds, args.workers)
    text = table(results, n, rounds)
    print(text)
    if not args.quick:
        from benchmarks.sections import write_section

        write_section(SECTION, text, ROOT / "docs" / "performance.md")


if __name__ == "__main__":
    main()
