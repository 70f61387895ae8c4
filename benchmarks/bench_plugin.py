"""kerasr's labs through the pytest plugin (``--kerasr-fast``) vs their fast mode today.

    python benchmarks/bench_plugin.py               # one round
    python benchmarks/bench_plugin.py --rounds 3    # medians of three rounds
    python benchmarks/bench_plugin.py --labs boston kyphosis
    python benchmarks/bench_plugin.py --rounds 3 --jobs 2   # also with --kerasr-jobs 2

Baseline ("fast mode today"): ``kerasr lab run NAME --fast`` for each lab, each in its own
process, as a course repository runs them now. Plugin: one ``pytest --kerasr-fast
--kerasr-labs labs/`` in a fresh course folder holding copies of the lab scripts (no
conftest, nothing kerasr-specific besides the installed plugin). Both see the same offline
data: MNIST's real test images from ``../shared/data/mnist`` when present (else the MNIST lab
is left out of both), and the generated Fashion-MNIST, household-power and IMDB files the lab
tests use. Wall-clock and CPU seconds (user + system of all child processes) are reported,
with the ratio plugin / baseline; the goal is under 0.25. With ``--jobs N`` each round also
runs the plugin with ``--kerasr-jobs N`` (labs side by side), reported on its own rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MNIST = ROOT.parent / "shared" / "data" / "mnist"


def lab_data(base: Path) -> dict[str, str]:
    """Environment pointing the labs at offline data (the lab tests' generators)."""
    from kerasr.data_loaders import registry

    try:
        from tests import test_labs
        from tests.test_labs import _household_zip, _write_fashion
    except ImportError as exc:
        raise SystemExit(
            f"bench_plugin: needs the data generators of tests/test_labs.py: {exc}") from None
    _write_fashion(base / "fashion")
    write_imdb = getattr(test_labs, "_write_imdb", None)
    if write_imdb is not None:
        write_imdb(base / "imdb")
    cache = base / "cache"
    cache.mkdir()
    entry = registry.get("household_power_consumption.zip")
    (cache / entry.name).write_bytes(_household_zip(entry.size))
    env = {"KERASR_DATA_DIR": str(cache), "KERASR_LAB_FASHION_MNIST_DIR": str(base / "fashion"),
           "KERASR_LAB_IMDB_DIR": str(base / "imdb"),
           "KERASR_DOWNLOAD_RETRIES": "0", "KERASR_DOWNLOAD_TIMEOUT": "2",
           "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"}
    if (MNIST / "t10k-images-idx3-ubyte.gz").is_file():
        env["KERASR_LAB_MNIST_DIR"] = str(MNIST)
    return env


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the children, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        print(done.stdout[-3000:], file=sys.stderr)
    return wall, cpu, done.returncode


def baseline(names: list[str], env: dict[str, str], work: Path) -> dict[str, tuple[float, float]]:
    kerasr = Path(sys.executable).with_name("kerasr")
    command = [str(kerasr)] if kerasr.exists() else [sys.executable, "-m", "kerasr.cli"]
    times = {}
    for name in names:
        out = work / f"fast-{name}"
        wall, cpu, code = _timed([*command, "lab", "run", name, "--fast", "--out", str(out)],
                                 env, work)
        if code != 0:
            raise SystemExit(f"bench_plugin: `kerasr lab run {name} --fast` failed")
        times[name] = (wall, cpu)
    return times


def plugin(names: list[str], env: dict[str, str], work: Path,
           extra: tuple[str, ...] = ()) -> tuple[float, float, dict]:
    course = work / ("course" + "".join(extra).replace("-", "_"))
    (course / "labs").mkdir(parents=True)
    for name in names:
        shutil.copy(ROOT / "labs" / f"{name}.py", course / "labs" / f"{name}.py")
    report = course / "labs.json"
    wall, cpu, code = _timed([sys.executable, "-m", "pytest", "--kerasr-fast", "--kerasr-labs",
                              "labs", "--kerasr-json", str(report), "-p", "no:cacheprovider",
                              "-q", *extra], env, course)
    if code != 0:
        raise SystemExit("bench_plugin: the plugin run failed (output above)")
    labs = {Path(lab["lab"]).stem: lab for lab in json.loads(report.read_text())["labs"]}
    return wall, cpu, labs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--labs", nargs="*", default=None)
    parser.add_argument("--jobs", type=int, default=1,
                        help="also run the plugin with --kerasr-jobs JOBS (when more than 1)")
    args = parser.parse_args(argv)
    from kerasr.lab_catalog import LABS

    names = args.labs or [lab.name for lab in LABS]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-plugin-") as tmp:
        base = Path(tmp)
        env = {**os.environ, **lab_data(base / "data")}
        # both sides import this checkout (the plugin's runner does the same)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        if "KERASR_LAB_MNIST_DIR" not in env and "mnist_mlp" in names:
            names.remove("mnist_mlp")
            print("bench_plugin: ../shared/data/mnist absent; mnist_mlp left out of both runs")
        for round_ in range(args.rounds):
            work = base / f"round{round_}"
            work.mkdir()
            # alternate the order so a busy machine does not favour one side
            jobs = ("--kerasr-jobs", str(args.jobs)) if args.jobs > 1 else None
            if round_ % 2 == 0:
                fast = baseline(names, env, work)
                p_wall, p_cpu, labs = plugin(names, env, work)
                j_wall, j_cpu, _ = plugin(names, env, work, jobs) if jobs else (0, 0, {})
            else:
                j_wall, j_cpu, _ = plugin(names, env, work, jobs) if jobs else (0, 0, {})
                p_wall, p_cpu, labs = plugin(names, env, work)
                fast = baseline(names, env, work)
            rows.append((fast, p_wall, p_cpu, labs, j_wall, j_cpu))
            print(f"round {round_ + 1}: fast mode {sum(w for w, _ in fast.values()):.1f} s "
                  f"wall / {sum(c for _, c in fast.values()):.1f} s CPU; plugin {p_wall:.1f} s "
                  f"wall / {p_cpu:.1f} s CPU"
                  + (f"; with {' '.join(jobs)} {j_wall:.1f} s wall / {j_cpu:.1f} s CPU"
                     if jobs else "") + f" (load average {os.getloadavg()[0]:.1f})",
                  flush=True)
    med = statistics.median
    print(f"\n{'lab':12} {'fast mode (s)':>14} {'in plugin (s)':>14}")
    for name in names:
        print(f"{name:12} {med(r[0][name][0] for r in rows):14.1f} "
              f"{med(r[3][name]['seconds'] for r in rows):14.1f}")
    fast_wall = med(sum(w for w, _ in r[0].values()) for r in rows)
    fast_cpu = med(sum(c for _, c in r[0].values()) for r in rows)
    p_wall, p_cpu = med(r[1] for r in rows), med(r[2] for r in rows)
    print(f"{'total':12} {fast_wall:14.1f} {p_wall:14.1f}  (whole pytest run, wall)")
    print(f"\nwall: {p_wall:.1f} s / {fast_wall:.1f} s = {p_wall / fast_wall:.2f}")
    print(f"CPU:  {p_cpu:.1f} s / {fast_cpu:.1f} s = {p_cpu / fast_cpu:.2f}")
    if args.jobs > 1:
        j_wall, j_cpu = med(r[4] for r in rows), med(r[5] for r in rows)
        print(f"with --kerasr-jobs {args.jobs}: wall {j_wall:.1f} s / {fast_wall:.1f} s = "
              f"{j_wall / fast_wall:.2f}; CPU {j_cpu:.1f} s / {fast_cpu:.1f} s = "
              f"{j_cpu / fast_cpu:.2f}")
    print(f"({len(names)} labs, {args.rounds} round(s), {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
