"""One epoch of a small dense model on 1 and 2 (virtual) TensorFlow CPU devices, and on 2
worker processes.

    python benchmarks/bench_distribute.py              # 3 rounds; writes docs/performance.md
    python benchmarks/bench_distribute.py --quick      # 1 round, less data; prints only

Each measurement runs in a fresh process, because TensorFlow's devices are fixed before it
starts: the one physical CPU is split into N logical devices
(``tf.config.set_logical_device_configuration``), a 784-128-10 MLP is built and compiled
inside ``distribute_data_parallel()`` (``MirroredStrategy`` over the N devices), one epoch
warms up (tracing), and the next epoch is timed (wall time and the process's CPU time). A
third version trains without a strategy, with kerasr's defaults; a fourth runs two worker
processes on 127.0.0.1 under ``distribute_multi_worker()`` (``MultiWorkerMirroredStrategy``,
the cluster in ``TF_CONFIG``), timed in the chief, CPU time summed over both. Rounds run the
versions in rotating order.

Virtual CPU devices share the same cores: they show that data-parallel training is correct
(the same loss as one device), not that it is faster. A speed-up needs real devices (GPUs).
The section of docs/performance.md between this script's markers is replaced (atomically).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sections import write_section  # noqa: E402
from tests.test_distribute import free_ports  # noqa: E402  (the tests' port picker)

# (label, logical CPU devices, under a distribution, worker processes)
VERSIONS = (("no strategy (kerasr defaults)", 1, False, 1),
            ("distribute_data_parallel(), 1 device", 1, True, 1),
            ("distribute_data_parallel(), 2 virtual devices", 2, True, 1),
            ("distribute_multi_worker(), 2 processes on 127.0.0.1", 1, True, 2))

MEASURE = """
import json, os, time
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * {n})
import numpy as np
import kerasr as kr
rng = np.random.default_rng(0)
x = rng.random(({rows}, 784), dtype="float32")
y = rng.integers(0, 10, {rows})
kr.set_random_seed(1)

def build():
    model = (kr.keras_model_sequential(input_shape=784)
             >> kr.layer_dense(128, activation="relu") >> kr.layer_dense(10, activation="softmax"))
    model >> kr.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    return model

if {workers} > 1:
    scope = kr.distribute_multi_worker(timeout=300)
    with scope:
        model = build()
    replicas = scope.num_replicas
elif {strategy}:
    with kr.distribute_data_parallel() as scope:
        model = build()
    replicas = scope.num_replicas
else:
    model, replicas = build(), 1
model >> kr.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=False)  # warm-up: tracing
wall, cpu_time = time.perf_counter(), time.process_time()
h = model >> kr.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=False)
cpu_time, wall = time.process_time() - cpu_time, time.perf_counter() - wall
print(json.dumps({{"wall": wall, "cpu": cpu_time, "loss": float(h.metrics["loss"][-1]),
                  "replicas": replicas, "load": os.getloadavg()[0],
                  "steps_per_execution": int(model.steps_per_execution)}}))
"""


def measure(n: int, strategy: bool, rows: int, workers: int = 1) -> dict[str, Any]:
    """One epoch in fresh processes: ``workers`` of them, each with ``n`` logical CPU
    devices; the chief's figures, with the CPU time of all workers."""
    code = textwrap.dedent(MEASURE).format(n=n, strategy=strategy, rows=rows, workers=workers)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3",
           "KERAS_BACKEND": "tensorflow"}
    addresses = [f"127.0.0.1:{port}" for port in free_ports(workers)]
    processes = []
    for index in range(workers):
        if workers > 1:
            env = {**env, "TF_CONFIG": json.dumps({"cluster": {"worker": addresses},
                                                   "task": {"type": "worker", "index": index}})}
        processes.append(subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT))
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=900)
        if process.returncode != 0:
            raise RuntimeError(stderr[-3000:])
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    chief = results[0]
    chief["cpu"] = sum(r["cpu"] for r in results)
    return chief


def run(rounds: int, rows: int) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {label: [] for label, *_ in VERSIONS}
    for i in range(rounds):
        order = VERSIONS[i % len(VERSIONS):] + VERSIONS[:i % len(VERSIONS)]
        for label, n, strategy, workers in order:
            results[label].append(measure(n, strategy, rows, workers))
            r = results[label][-1]
            print(f"  round {i + 1}/{rounds}, {label}: {r['wall']:.2f} s wall, "
                  f"{r['cpu']:.2f} s CPU, loss {r['loss']:.4f}", file=sys.stderr)
    return results


def table(results: dict[str, list[dict[str, Any]]], rounds: int, rows: int) -> str:
    loads = [r["load"] for rs in results.values() for r in rs]
    one = statistics.median(r["loss"] for r in results[VERSIONS[1][0]])
    lines = [
        "## Training on more than one device",
        "",
        "Written by `python benchmarks/bench_distribute.py` on this machine "
        f"({os.cpu_count()} CPU cores, shared); do not edit by hand. One epoch (the second: "
        f"the first traces) of a 784-128-10 MLP on {rows:,} rows, global batch 128, rmsprop, "
        "TensorFlow, each measurement in a fresh process; median of "
        f"{rounds} round(s) in rotating order, range (min-max) in brackets. The load average "
        f"was {statistics.median(loads):.1f} (median) on {os.cpu_count()} cores.",
        "",
        "**Virtual CPU devices show correctness, not speed-up**: the 2 logical devices share "
        "the same CPU cores, so the same loss as on one device is the point here; a speed-up "
        "needs real devices (several GPUs). Under a strategy kerasr runs one batch per "
        "execution (see [Training on more than one device](distribute.md)), which is part of "
        "the cost against the row without a strategy. The two worker processes share the same "
        "2 cores too and talk over gRPC on 127.0.0.1 each step: their row shows that "
        "multi-worker training is correct, and what one step's communication costs, not a "
        "speed-up (CPU time is summed over both workers).",
        "",
        "| version | replicas | batches per execution | wall time (s) | CPU time (s) | "
        "final loss | loss / 1-device loss |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, *_ in VERSIONS:
        rs = results[label]
        wall = [r["wall"] for r in rs]
        cpu = [r["cpu"] for r in rs]
        loss = statistics.median(r["loss"] for r in rs)
        lines.append(
            f"| {label} | {rs[0]['replicas']} | {rs[0]['steps_per_execution']} | "
            f"{statistics.median(wall):.2f} ({min(wall):.2f}-{max(wall):.2f}) | "
            f"{statistics.median(cpu):.2f} ({min(cpu):.2f}-{max(cpu):.2f}) | {loss:.4f} | "
            f"{loss / one:.4f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="1 round, 2,048 rows, prints only")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    rows = args.rows or (2048 if args.quick else 16384)
    text = table(run(rounds, rows), rounds, rows)
    print(text)
    if not (args.quick or args.no_docs):
        write_section("bench_distribute", text, ROOT / "docs" / "performance.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
