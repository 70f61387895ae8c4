"""How much wall time the live metrics view adds to a 20-epoch fit of a small model.

Runs the same fit (Boston-sized random data, 13 -> 16 tanh -> 1, batch 32, 20 epochs,
validation_split 0.2, verbose 0) without the view and with it, alternating, and prints the
median times and their ratio. The display is a stand-in for IPython's: it renders the
figure to PNG exactly as the inline backend does (``bbox_inches="tight"``), so the cost
of showing the figure is counted. Also times the loess smoother on 500 epochs.

    python benchmarks/bench_view_metrics.py [--repeats 3] [--epochs 20]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Run from anywhere: import kerasr and data_loaders from this checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402


class PngDisplay:
    """Renders like IPython's inline backend; returns a handle with ``update``.

    A Figure is rendered as the inline backend does (``bbox_inches="tight"``, two draws);
    a ``PngFrame`` (``image=True``) is already rendered and only its bytes are taken.
    """

    def __init__(self) -> None:
        self.renders = 0
        self.bytes = 0

    def _render(self, obj) -> None:
        if hasattr(obj, "_repr_png_"):  # a PngFrame: IPython just sends the bytes
            data = obj._repr_png_()
        else:
            buf = io.BytesIO()
            obj.savefig(buf, format="png", bbox_inches="tight")
            data = buf.getvalue()
        self.renders += 1
        self.bytes += len(data)

    def __call__(self, fig, display_id: bool = False):
        self._render(fig)
        outer = self

        class Handle:
            def update(self, obj) -> None:
                outer._render(obj)

        return Handle()


#: The variants timed against the plain fit ("off").
VIEWS: dict[str, dict] = {
    "default": {},  # PNG frames, 3% time budget
    "figure": {"image": False},  # the Figure itself, rendered by "IPython" (tight bbox)
    "every": {"max_overhead": None},  # a PNG frame at every epoch, as R's viewer does
}


def one_fit(epochs: int, view: str, seed: int = 1) -> tuple[float, dict]:
    import keras

    from kerasr.history import live_metrics_callback

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(404, 13)).astype("float32")
    y = (x @ rng.uniform(size=13) + rng.normal(size=404)).astype("float32")
    model = keras.Sequential([keras.Input((13,)), keras.layers.Dense(16, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    callbacks = []
    disp = PngDisplay()
    cb = None
    if view != "off":
        cb = live_metrics_callback(epochs=epochs, display=disp, **VIEWS[view])
        callbacks.append(cb)
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=32, validation_split=0.2, verbose=0,
              callbacks=callbacks)
    wall = time.perf_counter() - start
    info = {"renders": disp.renders, "draws": cb.draws if cb else 0,
            "draw_s": cb.draw_seconds if cb else 0.0}
    return wall, info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()

    one_fit(2, "every")  # warm up: imports, TensorFlow and matplotlib first use
    times: dict[str, list[float]] = {"off": [], **{v: [] for v in VIEWS}}
    infos: dict[str, dict] = {}
    for _ in range(args.repeats):
        for view in times:
            wall, info = one_fit(args.epochs, view)
            times[view].append(wall)
            infos[view] = info
    base = statistics.median(times["off"])
    base_min = min(times["off"])
    print(f"{args.epochs}-epoch fit, {args.repeats} runs each (seconds); wall-time ratios are")
    print("noisy on a shared machine, the drawing time is measured directly:")
    for view, ts in times.items():
        med, low = statistics.median(ts), min(ts)
        extra = infos[view]
        print(f"  view={view:<9} median {med:6.3f} (x{med / base:5.3f})  min {low:6.3f} "
              f"(x{low / base_min:5.3f})  frames={extra['draws']} "
              f"drawing+display={extra['draw_s']:.3f}s = "
              f"{100 * extra['draw_s'] / base:.1f}% of the plain fit")

    from kerasr.rbase.stats import loess

    x = np.arange(1.0, 501.0)
    y = np.exp(-x / 80) + np.random.default_rng(0).normal(0, 0.03, x.size)
    loess(x, y)
    start = time.perf_counter()
    for _ in range(20):
        loess(x, y)
    print(f"loess on 500 epochs -> 80 points: {1000 * (time.perf_counter() - start) / 20:.2f} ms")


if __name__ == "__main__":
    main()
