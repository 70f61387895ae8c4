"""tuning_run(): a training run for each combination of flag values (the full grid or a random
sample), one after another, in parallel processes, or on any ``concurrent.futures.Executor``
(a Dask ``distributed`` client's ``get_executor()`` runs a sweep on a cluster).
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import os
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ArgumentError, InvalidValueError
from .training_run import execute_run, make_spec, resolve_script, shown_path

__all__ = ["tuning_run"]


def flag_grid(flags: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``expand.grid(flags)``: every combination, the first flag varying fastest."""
    names = list(flags)
    values = [[_plain(x) for x in _values(v)] for v in flags.values()]
    if any(len(v) == 0 for v in values):
        empty = [n for n, v in zip(names, values) if len(v) == 0]
        raise InvalidValueError(f"tuning_run(): flag `{empty[0]}` has no values to try")
    rows = []
    for combo in itertools.product(*reversed(values)):
        rows.append(dict(zip(names, reversed(combo))))
    return rows


def _values(value: Any) -> list[Any]:
    """The values to try for one flag: a list, tuple, range, array or Series; else one value."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [value]
    if isinstance(value, Mapping):
        raise InvalidValueError(
            f"tuning_run(): the values of a flag must be a list such as [32, 64], got {value!r}"
        )
    return list(value)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) \
        else value


def deparse(flags: Mapping[str, Any]) -> str:
    """R's ``deparse(list(units = 64L, activation = "tanh"))`` of one combination."""
    def one(value: Any) -> str:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return f"{value}L"
        if isinstance(value, float):
            return repr(value)
        if value is None:
            return "NA"
        return '"' + str(value).replace('"', '\\"') + '"'

    return "list(" + ", ".join(f"{k} = {one(v)}" for k, v in flags.items()) + ")"


def _done_runs(runs_dir: Path, script: str) -> dict[str, str]:
    """Completed runs of ``script`` in ``runs_dir``: canonical flags JSON -> run dir."""
    from . import records
    from .listing import run_dirs
    from .run_dir import meta_dir, read_properties

    done: dict[str, str] = {}
    for run in run_dirs(runs_dir):
        props = read_properties(run)
        if props.get("script") != script or props.get("completed") != "TRUE":
            continue
        flags = records.read_json(meta_dir(run) / "flags.json") or {}
        done.setdefault(_key(flags), run)
    return done


def _key(flags: Mapping[str, Any]) -> str:
    import json

    from .records import jsonable

    return json.dumps(jsonable(dict(flags)), sort_keys=True)


def _matches(done: Mapping[str, str], combo: Mapping[str, Any]) -> str | None:
    """A completed run whose flags include ``combo``'s values (defaults may fill the rest)."""
    import json

    for key, run in done.items():
        recorded = json.loads(key)
        if all(name in recorded and recorded[name] == value for name, value in
               json.loads(_key(combo)).items()):
            return run
    return None


def tuning_run(file: str | os.PathLike[str] = "train.py", context: str = "local",
               config: str | None = None, flags: Any = None, sample: float | None = None,
               properties: Any = None, runs_dir: str | os.PathLike[str] | None = None,
               echo: bool = True, confirm: bool | None = None, parallel: int = 1,
               executor: concurrent.futures.Executor | None = None,
               resume: bool = False) -> Any:
    """Train the script once for each combination of flag values; the runs as a data frame.

    ``flags`` maps each flag to the values to try; the grid is R's ``expand.grid`` (the first
    flag varies fastest). ``sample`` (0 < sample <= 1) runs a random fraction of it.
    Beyond tfruns: ``parallel = n`` runs n at once on this machine (each run is its own
    process), ``executor`` sends each run to any ``concurrent.futures.Executor`` (e.g.
    ``dask.distributed.Client(...).get_executor()``; the runs directory must then be on a
    filesystem the workers share). A failed run is recorded as failed and the sweep goes on;
    ``resume = True`` skips combinations that already have a completed run in ``runs_dir``.

    R: ``tuning_run("mnist.R", flags = list(dropout = c(0.2, 0.3), units = c(64, 128)))``
    Python: ``tuning_run("mnist.py", flags={"dropout": [0.2, 0.3], "units": [64, 128]})``
    """
    from .listing import load_runs
    from .session import confirmed, interactive

    if hasattr(flags, "to_dict"):
        flags = flags.to_dict()
    if not isinstance(flags, Mapping) or not flags or not all(isinstance(k, str) for k in flags):
        raise ArgumentError(
            "tuning_run(): flags must be specified as a named list (a dict such as "
            f"{{'units': [64, 128]}}), got {flags!r}"
        )
    if isinstance(parallel, bool) or not isinstance(parallel, int) or parallel < 1:
        raise InvalidValueError(
            f"tuning_run(): `parallel` must be a whole number of runs at once (>= 1), "
            f"got {parallel!r}"
        )
    if executor is not None and not isinstance(executor, concurrent.futures.Executor):
        raise ArgumentError(
            "tuning_run(): `executor` must be a concurrent.futures.Executor (a process pool, "
            f"or a Dask client's client.get_executor()), got {executor!r}"
        )
    from .listing import runs_dir_option

    runs_dir = runs_dir if runs_dir is not None else runs_dir_option()
    script = resolve_script(file, "tuning_run")
    grid = flag_grid(flags)
    total = len(grid)
    specs = [make_spec(script, combo, runs_dir, None, context, config, properties,
                       echo and parallel == 1 and executor is None, "tuning_run")
             for combo in grid]
    if sample is not None:
        if isinstance(sample, bool) or not isinstance(sample, (int, float)) \
                or not 0 < sample <= 1:
            raise InvalidValueError(
                f"tuning_run(): `sample` must be a fraction of the grid (0 < sample <= 1), "
                f"got {sample!r}"
            )
        size = math.floor(sample * total)  # tfruns 1.4: sample(1:N, size = sample * N)
        if size < 1:
            raise InvalidValueError(
                f"tuning_run(): sample = {sample} of {total} combinations selects none; use "
                f"sample >= {1 / total:.3g}"
            )
        chosen = random.sample(range(total), size)
        grid = [grid[i] for i in chosen]
        specs = [specs[i] for i in chosen]
        print(f"{total} total combinations of flags (sampled to {size} combinations)")
    else:
        print(f"{total} total combinations of flags "
              "(use sample parameter to run a random subset)")
    if confirm is None:
        confirm = interactive()
    if confirm and not confirmed("Proceed with tuning run? [Y/n]: "):
        return None
    count = len(grid)
    resumed: dict[int, str] = {}
    if resume:
        done = _done_runs(Path(runs_dir), script.name)
        for i, combo in enumerate(grid):
            match = _matches(done, specs[i]["flags"])
            if match is not None:
                resumed[i] = match
                print(f"Skipping training run {i + 1}/{count} (flags = {deparse(combo)}): "
                      f"completed in {match}")
    results: dict[int, dict[str, Any]] = {}
    pending = [i for i in range(count) if i not in resumed]

    def report(i: int, result: dict[str, Any]) -> None:
        results[i] = result
        where = shown_path(Path(result["run_dir"]), Path.cwd())
        if result["completed"]:
            print(f"Run {i + 1}/{count} completed: {where}")
        else:
            print(f"Run {i + 1}/{count} failed: {result['message']} ({where})")

    if executor is None and parallel == 1:
        for i in pending:
            print(f"Training run {i + 1}/{count} (flags = {deparse(grid[i])}) ")
            report(i, execute_run(specs[i]))
    else:
        own = executor is None
        pool = concurrent.futures.ThreadPoolExecutor(parallel) if own else executor
        try:
            futures = {}
            for i in pending:
                print(f"Training run {i + 1}/{count} (flags = {deparse(grid[i])}) ")
                futures[pool.submit(execute_run, specs[i])] = i  # type: ignore[union-attr]
            for future in concurrent.futures.as_completed(futures):
                i = futures[future]
                try:
                    report(i, future.result())
                except Exception as exc:  # the executor itself failed (a lost worker)
                    print(f"Run {i + 1}/{count} failed in the executor: {exc!r}")
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)  # type: ignore[union-attr]
    dirs = [shown_path(Path(r["run_dir"]), Path.cwd()) for r in results.values()]
    dirs += [shown_path(Path(d).resolve(), Path.cwd()) for d in resumed.values()]
    return load_runs(dirs, order="start", function="tuning_run")
