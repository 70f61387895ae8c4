"""Eager TensorFlow fits on arrays: kerasr (NumPy batches) vs plain Keras (a tf.data pipeline).

With ``tf.config.run_functions_eagerly(True)`` (debugging, and ``pytest --kerasr-fast``),
kerasr feeds in-memory arrays to ``fit()``/``evaluate()``/``predict()`` as NumPy batches
(``kerasr/eager_batches.py``); plain Keras builds a ``tf.data`` pipeline per call. Two
workloads, each a fresh model per round, timed in two processes (one imports only Keras,
one imports kerasr), run in alternating order:

- capped: the plugin's shape of work, a Boston-sized MLP (404 x 13 -> 64 -> 64 -> 1),
  ``fit()`` of 3 epochs x 2 batches with 2 validation batches, then ``evaluate()`` and
  ``predict()`` on 102 rows;
- full: the same model, 3 whole epochs of batch 32 with ``validation_split=0.2`` (13
  batches, 3 validation batches per epoch).

    python benchmarks/bench_eager.py [--rounds 7] [--write]

Prints median seconds per round and kerasr / plain Keras (below 1: kerasr is faster).
``--write`` puts the table into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKER = r"""
import json, os, sys, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
if sys.argv[1] == "kerasr":
    import kerasr
    from kerasr import _keras
    keras = _keras.keras()
else:
    import keras
import tensorflow as tf
tf.config.run_functions_eagerly(True)
rng = np.random.default_rng(0)
x = rng.normal(size=(404, 13))
y = x @ rng.normal(size=13) + 22.0
vx, vy = x[:102], y[:102]

def model():
    m = keras.Sequential([keras.Input((13,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    m.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return m

def capped():
    m = model()
    m.fit(x, y, epochs=3, batch_size=32, steps_per_epoch=2, validation_data=(vx, vy),
          validation_steps=2, verbose=0)
    m.evaluate(vx, vy, verbose=0)
    m.predict(vx, verbose=0)

def full():
    m = model()
    m.fit(x, y, epochs=3, batch_size=32, validation_split=0.2, verbose=0)

work = {"capped": capped, "full": full}[sys.argv[2]]
keras.utils.set_random_seed(1)
work()  # warm-up: first-call costs (op registration, optimizer) out of the timing
times = []
for _ in range(int(sys.argv[3])):
    keras.utils.set_random_seed(1)
    start = time.perf_counter()
    work()
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""


def timed(side: str, workload: str, reps: int) -> float:
    env = {**os.environ, "KERAS_BACKEND": "tensorflow",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                         if p)}
    done = subprocess.run([sys.executable, "-c", WORKER, side, workload, str(reps)], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench_eager: the {side} worker failed:\n{done.stderr[-3000:]}")
    return statistics.median(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="processes per side and workload")
    parser.add_argument("--reps", type=int, default=5, help="timed repetitions per process")
    parser.add_argument("--write", action="store_true", help="write docs/performance.md")
    args = parser.parse_args(argv)
    rows = []
    for workload in ("capped", "full"):
        kerasr_s, keras_s, ratios = [], [], []
        for round_ in range(args.rounds):
            order = ("kerasr", "keras") if round_ % 2 == 0 else ("keras", "kerasr")
            got = {side: timed(side, workload, args.reps) for side in order}
            kerasr_s.append(got["kerasr"])
            keras_s.append(got["keras"])
            ratios.append(got["kerasr"] / got["keras"])
        med = statistics.median
        rows.append((workload, med(kerasr_s), med(keras_s), med(ratios), min(ratios),
                     max(ratios)))
        print(f"{workload}: kerasr {med(kerasr_s) * 1000:.0f} ms, plain Keras "
              f"{med(keras_s) * 1000:.0f} ms, ratio {med(ratios):.2f} "
              f"({min(ratios):.2f}-{max(ratios):.2f})", flush=True)
    load = os.getloadavg()[0]
    text = (
        "## Eager fits on arrays\n\n"
        f"Written by `python benchmarks/bench_eager.py --rounds {args.rounds} --write` (2 CPU "
        f"cores, shared; load average {load:.1f}); do not edit by hand. With "
        "`tf.config.run_functions_eagerly(True)` (debugging, and `pytest --kerasr-fast`) kerasr "
        "feeds arrays as NumPy batches, plain Keras builds a `tf.data` pipeline per call. "
        "A Boston-sized MLP (404 x 13 -> 64 -> 64 -> 1), a fresh model per repetition; "
        f"medians over {args.rounds} processes per side of {args.reps} repetitions each; "
        "ratio = kerasr / plain Keras (below 1: kerasr is faster), range in brackets.\n\n"
        "| work | kerasr (ms) | plain Keras (ms) | ratio |\n|---|---:|---:|---:|\n"
        + "".join(f"| {name} | {k * 1000:.0f} | {p * 1000:.0f} | {r:.2f} ({lo:.2f}-{hi:.2f}) |\n"
                  for name, k, p, r, lo, hi in rows)
        + "\ncapped: `fit()` of 3 epochs x 2 batches with 2 validation batches, `evaluate()` "
        "and `predict()` on 102 rows (the plugin's caps); full: 3 whole epochs of batch 32 "
        "with `validation_split=0.2`.\n"
    )
    if args.write:
        from benchmarks.sections import write_section

        write_section("bench_eager", text, ROOT / "docs" / "performance.md")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
