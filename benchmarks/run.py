"""Benchmark kerasr against plain Keras on the workshop workloads, per backend.

    python benchmarks/run.py                 # full: 3 repetitions, all available backends
    python benchmarks/run.py --quick         # about a minute: smaller data, 1 backend pass
    python benchmarks/run.py --backends tensorflow --reps 5

Each backend runs in its own worker process (Keras's backend is fixed at import). Inside a
worker every workload runs three ways in rotating order, after an untimed warm-up of each
on small data: through kerasr, through plain Keras doing the same work, and through plain
Keras with its defaults. The table reports median seconds, the median overhead ratio
kerasr / plain Keras (same work) and the median speed-up of kerasr's defaults over plain
Keras's. Micro-benchmarks: the pipe's per-verb overhead, kerasr's import time and the data
loaders. The table is also written to docs/performance.md (never typed by hand).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def worker(backend: str, reps: int, quick: bool) -> dict:
    """Run every workload three ways, in rotating order, and return the timings.

    ``kerasr``: kerasr with its defaults. ``keras``: plain Keras doing the same work (the
    same ``steps_per_execution`` kerasr chooses), so kerasr / keras is the wrapper's
    overhead. ``keras_default``: plain Keras with its own defaults (one batch per
    execution), so keras_default / kerasr is what kerasr's defaults save a user.
    """
    os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from benchmarks.workloads import WORKLOADS
    from kerasr.execution import AUTO_STEPS_PER_EXECUTION

    results = []
    for workload in WORKLOADS:
        variants = [
            ("kerasr", workload.run_kerasr),
            ("keras", lambda x, y, q, w=workload: w.run_keras(x, y, q, AUTO_STEPS_PER_EXECUTION)),
            ("keras_default", lambda x, y, q, w=workload: w.run_keras(x, y, q, 1)),
        ]
        small_x, small_y = workload.make_data(True)
        for _, run in variants:  # warm-up on small data: imports, kernels, allocator
            run(small_x, small_y, True)
        x, y = workload.make_data(quick)
        times: dict[str, list[float]] = {label: [] for label, _ in variants}
        losses: dict[str, float] = {}
        for rep in range(reps):
            shift = rep % len(variants)
            for label, run in variants[shift:] + variants[:shift]:
                start = time.perf_counter()
                losses[label] = run(x, y, quick)
                times[label].append(time.perf_counter() - start)
        per_rep = list(zip(times["kerasr"], times["keras"], times["keras_default"]))
        own_ms = kerasr_own_ms(workload, x, y, AUTO_STEPS_PER_EXECUTION)
        reference = losses["keras_default"]
        results.append({
            "workload": workload.name,
            "kerasr_s": statistics.median(times["kerasr"]),
            "keras_s": statistics.median(times["keras"]),
            "keras_default_s": statistics.median(times["keras_default"]),
            "ratio": statistics.median(k / p for k, p, _ in per_rep),
            "speedup": statistics.median(d / k for k, _, d in per_rep),
            "own_ms": own_ms,
            "implied": 1 + own_ms / 1000 / statistics.median(times["keras"]),
            "same_loss": all(abs(v - reference) <= 1e-4 * max(1.0, abs(reference))
                             for v in losses.values()),
        })
        print(f"  [{backend}] {workload.name}: overhead {results[-1]['ratio']:.3f}, "
              f"speed-up {results[-1]['speedup']:.2f}", file=sys.stderr)
    return {"backend": backend, "results": results, "pipe_us": pipe_overhead_us(),
            "steps_per_execution": AUTO_STEPS_PER_EXECUTION}


def kerasr_own_ms(workload: Any, x: Any, y: Any, steps_per_execution: int,
                  pairs: int = 9) -> float:
    """Milliseconds kerasr adds to one fit: building, compiling, input checks, history.

    Both spellings hand Keras's fit the same arguments, so kerasr's cost is per fit, not per
    batch. It is measured on a one-batch fit (16 rows), kerasr and plain Keras back to back
    in alternating order: the median difference, which the host's speed drifts (up to 30 %
    within a minute on a shared 2-core machine) barely touch.
    """
    tiny_x, tiny_y = x[:16], y[:16]
    diffs = []
    for i in range(pairs):
        spent = {}
        order = ["kerasr", "keras"] if i % 2 == 0 else ["keras", "kerasr"]
        for label in order:
            start = time.perf_counter()
            if label == "kerasr":
                workload.run_kerasr(tiny_x, tiny_y, True)
            else:
                workload.run_keras(tiny_x, tiny_y, True, steps_per_execution)
            spent[label] = time.perf_counter() - start
        diffs.append(spent["kerasr"] - spent["keras"])
    return statistics.median(diffs) * 1000


def pipe_overhead_us() -> float:
    """Microseconds to build a deferred verb call and apply it to a target."""
    import numpy as np

    import kerasr as kr

    x = np.arange(12)
    n = 20000
    seconds = timeit.timeit(lambda: x >> kr.array_reshape((3, 4)), number=n)
    direct = timeit.timeit(lambda: np.reshape(x, (3, 4)), number=n)
    return (seconds - direct) / n * 1e6


def data_loader_times() -> dict[str, float]:
    """Seconds for the data loaders kerasr ships: Boston split, IDX read of 10,000 images."""
    import tempfile

    import numpy as np
    from kerasr.data_loaders import load_boston_housing, read_idx, write_idx

    out: dict[str, float] = {}
    out["Boston housing split (shipped CSV)"] = statistics.median(
        timeit.repeat(load_boston_housing, number=1, repeat=5))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "images-idx3-ubyte.gz")
        rng = np.random.default_rng(0)
        write_idx(rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8), path)
        out["IDX read, 10,000 x 28 x 28 gz"] = statistics.median(
            timeit.repeat(lambda: read_idx(path), number=1, repeat=5))
    return out


def import_time_s() -> float:
    """Median wall time of ``import kerasr`` in a fresh interpreter."""
    code = "import time; t = time.perf_counter(); import kerasr; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True, cwd=ROOT).stdout) for _ in range(5)]
    return statistics.median(runs)


def table(reports: list[dict], quick: bool, import_s: float, data_s: dict[str, float]) -> str:
    lines = [
        "# Performance: kerasr against plain Keras",
        "",
        "Written by `python benchmarks/run.py"
        + (" --quick" if quick else "")
        + "` on this machine (2 CPU cores); do not edit by hand.",
        f"Median seconds per fit over {reports[0]['reps']} rounds; each round runs the three "
        "versions in rotating order.",
        "",
        "- **kerasr**: kerasr with its defaults "
        f"(`steps_per_execution=\"auto\"`: {reports[0]['steps_per_execution']} batches per "
        "execution here).",
        "- **plain Keras, same work**: the same model and settings written in plain Keras, "
        "`steps_per_execution` included. **overhead** = median of kerasr / this.",
        "- **plain Keras defaults**: plain Keras as a user writes it, one batch per execution. "
        "**speed-up** = median of this / kerasr.",
        "- **same final loss**: the three final training losses agree (to 1e-4).",
        "- **kerasr's own time**: what kerasr adds per fit (building, compiling, input checks, "
        "history), measured on one-batch fits in alternating pairs; **implied overhead** = "
        "1 + that / plain Keras's fit time. Keras receives the same arguments from both "
        "spellings, so this is the overhead without the host's speed drifts, which make "
        "whole 30 to 60 s fits differ by more than 2 % from run to run on this machine.",
        "",
        "| workload | backend | kerasr (s) | plain Keras, same work (s) | overhead | "
        "kerasr's own time (ms) | implied overhead | plain Keras defaults (s) | speed-up | "
        "same final loss |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for report in reports:
        for r in report["results"]:
            lines.append(
                f"| {r['workload']} | {report['backend']} | {r['kerasr_s']:.2f} | "
                f"{r['keras_s']:.2f} | {r['ratio']:.3f} | {r['own_ms']:.0f} | "
                f"{r['implied']:.3f} | {r['keras_default_s']:.2f} | "
                f"{r['speedup']:.2f}x | {'yes' if r['same_loss'] else 'no'} |"
            )
    lines += ["", "| micro-benchmark | value |", "|---|---|",
              f"| `import kerasr` (fresh interpreter, median of 5) | {import_s:.3f} s |"]
    for report in reports:
        lines.append(f"| pipe overhead per verb ({report['backend']}) | "
                     f"{report['pipe_us']:.1f} µs |")
    for name, seconds in data_s.items():
        lines.append(f"| {name} | {seconds * 1000:.1f} ms |")
    lines += ["", recommendation(reports)]
    return "\n".join(lines) + "\n"


def recommendation(reports: list[dict]) -> str:
    """Which backend is faster for each workload, from the measured table."""
    if len(reports) < 2:
        return "Only one backend was measured; install the `jax` extra to compare."
    best = []
    names = [r["workload"] for r in reports[0]["results"]]
    for i, name in enumerate(names):
        timed = sorted((rep["results"][i]["kerasr_s"], rep["backend"]) for rep in reports)
        fastest, runner_up = timed[0], timed[1]
        best.append(f"- {name}: **{fastest[1]}** ({runner_up[0] / fastest[0]:.1f}x faster "
                     f"than {runner_up[1]})")
    return ("## Which backend on a CPU\n\nMeasured above (kerasr times):\n\n"
            + "\n".join(best))


def main() -> int:
    parser = argparse.ArgumentParser(description="kerasr vs plain Keras benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller data, one repetition")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--backends", default=None,
                        help="comma-separated (default: tensorflow, plus jax if installed)")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    reps = args.reps or (1 if args.quick else 3)
    if args.worker:
        print(json.dumps(worker(args.worker, reps, args.quick) | {"reps": reps}))
        return 0
    backends = (args.backends.split(",") if args.backends else
                ["tensorflow"] + (["jax"] if importlib.util.find_spec("jax") else []))
    reports = []
    for backend in backends:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", backend,
               "--reps", str(reps)] + (["--quick"] if args.quick else [])
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if out.returncode != 0:
            print(out.stderr[-3000:], file=sys.stderr)
            return out.returncode
        reports.append(json.loads(out.stdout.strip().splitlines()[-1]))
    text = table(reports, args.quick, import_time_s(), data_loader_times())
    print(text)
    if not args.no_docs:
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "performance.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
