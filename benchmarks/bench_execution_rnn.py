"""Batches per execution on a recurrent workload: kerasr's ``"auto"`` against one batch.

    python benchmarks/bench_execution_rnn.py                  # TensorFlow, 9 rounds, writes docs
    python benchmarks/bench_execution_rnn.py --rounds 11 --backends tensorflow,jax
    python benchmarks/bench_execution_rnn.py --quick          # 1 round, small data, prints only

Issue 20 reported the conv1d + LSTM workload of ``benchmarks/workloads.py`` at 0.84x and
0.90x of plain Keras's defaults with kerasr's ``steps_per_execution="auto"`` (3 rounds each).
This settles it with more rounds. Each backend runs in its own worker process; inside it,
after an untimed warm-up of each version on small data, every round runs three versions in
rotating order:

- **kerasr**: kerasr's defaults (``"auto"``: ``AUTO_STEPS_PER_EXECUTION`` batches per
  execution);
- **Keras, auto's steps**: plain Keras with the same ``steps_per_execution`` (the effect of
  the execution size alone, without kerasr);
- **Keras, 1 step**: plain Keras's defaults, one batch per execution.

Both wall time and the process's CPU time (all threads) are recorded: on a shared machine
with a load average above the core count, wall time mostly measures the neighbours, while
CPU time measures the work done. The section of docs/performance.md between this script's
markers is replaced (atomically); the rest of the file is left as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sections import write_section  # noqa: E402

WORKLOAD = "LSTM conv1d + 2 LSTM"
LABELS = ("kerasr", "keras_auto", "keras_one")


def worker(backend: str, rounds: int, quick: bool) -> dict[str, Any]:
    """Time the three versions of the LSTM workload in rotating order; return the rounds."""
    os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from benchmarks.workloads import WORKLOADS
    from kerasr.execution import AUTO_STEPS_PER_EXECUTION

    workload = next(w for w in WORKLOADS if w.name == WORKLOAD)
    runs = {
        "kerasr": workload.run_kerasr,
        "keras_auto": lambda x, y, q: workload.run_keras(x, y, q, AUTO_STEPS_PER_EXECUTION),
        "keras_one": lambda x, y, q: workload.run_keras(x, y, q, 1),
    }
    small_x, small_y = workload.make_data(True)
    for label in LABELS:  # warm-up: imports, kernels, allocator
        runs[label](small_x[:512], small_y[:512], True)
    x, y = workload.make_data(quick)
    wall: dict[str, list[float]] = {label: [] for label in LABELS}
    cpu: dict[str, list[float]] = {label: [] for label in LABELS}
    losses: dict[str, float] = {}
    loads = []
    for i in range(rounds):
        order = LABELS[i % 3:] + LABELS[:i % 3]
        for label in order:
            loads.append(os.getloadavg()[0])
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            losses[label] = runs[label](x, y, quick)
            cpu[label].append(time.process_time() - start_cpu)
            wall[label].append(time.perf_counter() - start_wall)
        print(f"  [{backend}] round {i + 1}/{rounds}: "
              + ", ".join(f"{k} {wall[k][-1]:.1f}s wall / {cpu[k][-1]:.1f}s cpu" for k in LABELS),
              file=sys.stderr)
    return {"backend": backend, "rounds": rounds, "wall": wall, "cpu": cpu, "losses": losses,
            "loads": loads, "steps": AUTO_STEPS_PER_EXECUTION, "rows": int(len(x)),
            "epochs": 1 if quick else 2}


def spread(values: list[float]) -> str:
    """Median and range, e.g. ``0.93 (0.88-0.99)``."""
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def ratios(report: dict[str, Any], kind: str, slow: str, fast: str) -> list[float]:
    """Per-round ratios ``slow / fast``: above 1 means ``fast`` is faster."""
    return [a / b for a, b in zip(report[kind][slow], report[kind][fast])]


def table(reports: list[dict[str, Any]], host_cores: int) -> str:
    r0 = reports[0]
    loads = [v for r in reports for v in r["loads"]]
    lines = [
        "## Batches per execution on a recurrent model",
        "",
        "Written by `python benchmarks/bench_execution_rnn.py` on this machine "
        f"({host_cores} CPU cores, shared); do not edit by hand. The workload is "
        f"\"{WORKLOAD}\" of `benchmarks/workloads.py` (conv1d 32 + LSTM 32 + LSTM 16 + dense, "
        f"{r0['rows']:,} sequences of 48 x 7, batch 128, {r0['epochs']} epoch(s), adam), run "
        f"three ways in rotating order, {r0['rounds']} round(s) per backend: kerasr's defaults "
        f"(`steps_per_execution=\"auto\"`, {r0['steps']} batches per execution), plain Keras "
        f"with {r0['steps']} batches per execution, and plain Keras's default of one batch. "
        "Seconds are medians; ratios are medians of the per-round ratios with their range "
        "(min-max) in brackets; above 1 means the second version is faster. CPU time is the "
        "process's own time over all its threads, which the other work on the machine does "
        f"not inflate; the load average during the rounds was {statistics.median(loads):.1f} "
        f"(median; {min(loads):.1f}-{max(loads):.1f}) on {host_cores} cores.",
        "",
        "| backend | measure | kerasr (s) | Keras, auto's steps (s) | Keras, 1 step (s) | "
        "1 step / kerasr | 1 step / Keras auto's steps | same final loss |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        ref = r["losses"]["keras_one"]
        same = all(abs(v - ref) <= 1e-4 * max(1.0, abs(ref)) for v in r["losses"].values())
        for kind, name in (("wall", "wall time"), ("cpu", "CPU time")):
            lines.append(
                f"| {r['backend']} | {name} | {statistics.median(r[kind]['kerasr']):.2f} | "
                f"{statistics.median(r[kind]['keras_auto']):.2f} | "
                f"{statistics.median(r[kind]['keras_one']):.2f} | "
                f"{spread(ratios(r, kind, 'keras_one', 'kerasr'))} | "
                f"{spread(ratios(r, kind, 'keras_one', 'keras_auto'))} | "
                f"{'yes' if same else 'no'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--backends", default="tensorflow", help="comma-separated")
    parser.add_argument("--quick", action="store_true", help="small data, 1 round, prints only")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--json", default=None, help="also write the raw rounds here")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 9)
    if args.worker:
        print(json.dumps(worker(args.worker, rounds, args.quick)))
        return 0
    reports = []
    for backend in args.backends.split(","):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", backend,
               "--rounds", str(rounds)] + (["--quick"] if args.quick else [])
        out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        if out.returncode != 0:
            return out.returncode
        reports.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=1))
    text = table(reports, os.cpu_count() or 1)
    print(text)
    if not (args.quick or args.no_docs):
        write_section("bench_execution_rnn", text, ROOT / "docs" / "performance.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
