"""training_run(): run a Python script as a real subprocess in a fresh run directory.

The script runs in the caller's working directory with the run active (``KERASR_RUN_DIR``),
so its ``flags()``, ``fit()`` and ``evaluate()`` record themselves into the run; its console
output is captured into ``tfruns.d/properties/output``; files it adds or changes in the working
directory are copied into the run directory afterwards, as tfruns does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..distribute.cluster import chief_by_environment
from ..errors import ArgumentError, InvalidValueError, KerasrError
from . import records
from .flags import RUN_FLAGS_ENV, RUN_FLAGS_FILE_ENV, check_declared, coerce, script_flags
from .run_dir import (
    RUN_DIR_ENV,
    meta_dir,
    source_archive,
    unique_run_dir,
    write_properties,
)

__all__ = ["RunFailedError", "training_run"]

#: folders never snapshotted for changed files (besides the runs directory itself)
SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", "node_modules", ".ipynb_checkpoints",
             "packrat", "gs", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
SNAPSHOT_LIMIT = 5000


class RunFailedError(KerasrError, RuntimeError):
    """A training run whose script raised; the run is recorded as failed with its traceback.

    R: ``tryCatch(training_run("train.R"), error = function(e) e)``
    Python: ``try: training_run("train.py")`` / ``except RunFailedError as e: e.run_dir``
    """

    def __init__(self, message: str, run_dir: str | None) -> None:
        super().__init__(message)
        self.run_dir = run_dir


def resolve_script(file: Any, function: str) -> Path:
    """The script to run: ``file``, or the only ``*.py`` of the working directory."""
    if file is None:
        found = sorted(Path.cwd().glob("*.py"))
        if len(found) != 1:
            raise ArgumentError(
                f"{function}(): pass `file`, the script to run (the working directory has "
                f"{len(found)} .py files, so none can be chosen for you)"
            )
        return found[0].resolve()
    if not isinstance(file, (str, os.PathLike)):
        raise ArgumentError(f"{function}(): `file` must be a path to a .py script, got {file!r}")
    path = Path(file)
    if not path.is_file():
        raise InvalidValueError(
            f"{function}(): The Python script '{file}' does not exist (working directory "
            f"{os.getcwd()})"
        )
    return path.resolve()


def check_flag_values(script: Path, values: Mapping[str, Any], function: str) -> dict[str, Any]:
    """Check flag values against the flags the script declares, before anything runs.

    Unknown names and values of the wrong type raise here; a script whose flags cannot be read
    statically is checked by the run itself.
    """
    declared = script_flags(script)
    if declared is None:
        return dict(values)
    check_declared(values, list(declared), function)
    return {name: coerce(name, declared[name], value, function) for name, value in values.items()}


def _snapshot(root: Path, exclude: list[Path]) -> dict[str, tuple[float, int]] | None:
    out: dict[str, tuple[float, int]] = {}
    excluded = {str(p) for p in exclude}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                   and os.path.join(folder, d) not in excluded]
        for name in files:
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            out[os.path.relpath(path, root)] = (stat.st_mtime, stat.st_size)
            if len(out) > SNAPSHOT_LIMIT:
                return None
    return out


def _copy_changed(root: Path, before: dict[str, tuple[float, int]] | None, run: Path,
                  exclude: list[Path]) -> None:
    if before is None:
        return
    after = _snapshot(root, exclude) or {}
    for rel, stamp in after.items():
        if before.get(rel) != stamp:
            target = run / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.copy")
            try:
                shutil.copy2(root / rel, tmp)
                os.replace(tmp, target)
            except OSError:
                tmp.unlink(missing_ok=True)


def _pump(stream: Any, sink: list[str], echo: bool) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", errors="replace")
        sink.append(line)
        if echo:
            sys.stdout.write(line)
            sys.stdout.flush()
    stream.close()


def execute_run(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Run one training run from a plain, picklable ``spec``; never raises for a failing script.

    This is the function a tuning sweep sends to its executor (a process pool, a Dask
    cluster): the spec holds absolute paths, and the result says where the run is and how it
    ended: ``{"run_dir", "completed", "message"}``.
    """
    cwd = Path(spec["cwd"])
    script = Path(spec["script"])
    if spec.get("run_dir"):
        run = Path(spec["run_dir"])
        run.mkdir(parents=True, exist_ok=True)
        run = run.resolve()
    else:
        run = Path(unique_run_dir(spec["runs_dir"])).resolve()
    meta = meta_dir(run)
    properties: dict[str, Any] = {"type": "training", "context": spec.get("context", "local")}
    properties.update(spec.get("properties") or {})
    write_properties(run, properties)
    records.write_bytes(meta / "source.tar.gz", source_archive(script.parent))
    exclude = [Path(spec["runs_dir"]).resolve(), run]
    before = _snapshot(cwd, exclude)
    start = time.time()
    write_properties(run, {"script": script.name, "start": start, "completed": False})
    env = dict(os.environ)
    env[RUN_DIR_ENV] = str(run)
    env[RUN_FLAGS_ENV] = json.dumps(records.jsonable(spec.get("flags") or {}))
    env.pop(RUN_FLAGS_FILE_ENV, None)
    if spec.get("flags_file"):
        env[RUN_FLAGS_FILE_ENV] = str(spec["flags_file"])
    if spec.get("config"):
        env["R_CONFIG_ACTIVE"] = str(spec["config"])
    env["MPLBACKEND"] = "module://kerasr.runs._plot_backend"
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("COLUMNS", "100")
    echo = bool(spec.get("echo", True))
    output: list[str] = []
    banner = f"Using run directory {shown_path(run, cwd)}\n"
    output.append(banner)
    if echo:
        sys.stdout.write(banner)
    interrupted = False
    process = subprocess.Popen(
        [sys.executable, "-m", "kerasr.runs._child", str(script)],
        cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    reader = threading.Thread(target=_pump, args=(process.stdout, output, echo), daemon=True)
    reader.start()
    try:
        code = process.wait()
    except KeyboardInterrupt:
        interrupted = True
        process.terminate()
        code = process.wait()
    reader.join()
    completed = code == 0 and not interrupted
    if not completed and not (meta / "error.json").exists():
        message = "interrupted" if interrupted else f"the script exited with status {code}"
        records.write_json(meta / "error.json", {"message": message, "traceback": []})
    write_properties(run, {"output": "".join(output).rstrip("\n"), "end": time.time(),
                           "completed": completed})
    _copy_changed(cwd, before, run, exclude)
    if interrupted:
        raise KeyboardInterrupt
    error = records.read_json(meta / "error.json") if not completed else None
    return {"run_dir": str(run), "completed": completed,
            "message": (error or {}).get("message") if error else None}


def shown_path(run: Path, cwd: Path) -> str:
    """A run directory as tfruns shows it: relative to the working folder when it can be.

    R: ``"runs/2026-12-01T15-04-05Z"``
    Python: ``shown_path(run, Path.cwd())``
    """
    try:
        return os.path.relpath(run, cwd)
    except ValueError:
        return str(run)


def make_spec(script: Path, flags: Any, runs_dir: Any, run_dir: Any, context: str,
              config: Any, properties: Any, echo: bool, function: str) -> dict[str, Any]:
    """Check the arguments of a run and build its picklable spec (absolute paths)."""
    spec: dict[str, Any] = {
        "script": str(script), "cwd": os.getcwd(), "context": context, "config": config,
        "runs_dir": str(Path(runs_dir).resolve()), "run_dir": None, "echo": echo,
        "flags": {}, "flags_file": None, "properties": None,
    }
    if run_dir is not None:
        spec["run_dir"] = str(Path(run_dir).resolve())
    if isinstance(flags, (str, os.PathLike)):
        if not Path(flags).is_file():
            raise InvalidValueError(f"{function}(): flags file '{flags}' does not exist")
        spec["flags_file"] = str(Path(flags).resolve())
    elif flags is not None:
        if hasattr(flags, "to_dict"):
            flags = flags.to_dict()
        if not isinstance(flags, Mapping):
            raise ArgumentError(
                f"{function}(): `flags` must be a named list (a dict such as "
                f"{{'units': 64}}) or the path of a flags YAML file, got {flags!r}"
            )
        spec["flags"] = check_flag_values(script, flags, function)
    if properties is not None:
        if hasattr(properties, "to_dict"):
            properties = properties.to_dict()
        if not isinstance(properties, Mapping):
            raise ArgumentError(f"{function}(): `properties` must be a named list (a dict)")
        spec["properties"] = {str(k): str(v) for k, v in properties.items()}
    try:
        Path(runs_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidValueError(
            f"{function}(): cannot create the runs directory `{runs_dir}` ({exc.strerror}); "
            f"pass a writable `runs_dir`"
        ) from None
    return spec


def _run_without_record(script: Path, flags: Any, context: str, config: Any,
                        properties: Any, echo: bool) -> Any:
    """Run the script in a scratch run folder that is deleted afterwards (the chief's run,
    on another process, holds the record)."""
    from .listing import load_runs

    with tempfile.TemporaryDirectory(prefix="kerasr-worker-run-") as scratch:
        spec = make_spec(script, flags, scratch, None, context, config, properties, echo,
                         "training_run")
        result = execute_run(spec)
        if not result["completed"]:
            raise RunFailedError(
                f"training_run(): the script '{script.name}' failed in this worker: "
                f"{result['message']} (this worker keeps no run record; its output is above)",
                None)
        print("\nRun completed (a worker other than the chief: only the chief keeps the run "
              "record)\n")
        return load_runs([result["run_dir"]])


def training_run(file: str | os.PathLike[str] | None = "train.py", context: str = "local",
                 config: str | None = None, flags: Any = None, properties: Any = None,
                 run_dir: str | os.PathLike[str] | None = None, echo: bool = True,
                 view: Any = "auto", runs_dir: str | os.PathLike[str] | None = None) -> Any:
    """Run a training script in a new run directory and record everything about it.

    The script runs as a separate Python process in the working directory; flags, output,
    the metrics of every ``fit()``, ``evaluate()`` results, plots, source and timings are
    written under ``runs/<timestamp>/`` in tfruns's layout. A failing script is recorded
    (``completed`` FALSE, ``error.json``, the traceback in its output) and raises
    ``RunFailedError``. Returns the run as a one-row ``ls_runs()`` data frame.

    R: ``training_run("mnist_mlp.R", flags = list(dropout = 0.3))``
    Python: ``training_run("mnist_mlp.py", flags={"dropout": 0.3})``
    """
    from .listing import load_runs, runs_dir_option
    from .session import interactive

    script = resolve_script(file, "training_run")
    runs_dir = runs_dir if runs_dir is not None else runs_dir_option()
    if not chief_by_environment():  # a multi-worker fit's other process: only the chief
        return _run_without_record(script, flags, context, config, properties, echo)
    spec = make_spec(script, flags, runs_dir, run_dir, context, config, properties, echo,
                     "training_run")
    result = execute_run(spec)
    run = result["run_dir"]
    if not result["completed"]:
        raise RunFailedError(
            f"training_run(): the script '{script.name}' failed in run "
            f"{shown_path(Path(run), Path.cwd())}: {result['message']} (the traceback is in the "
            f"run's output: run_info('{run}')['output'])", run)
    print(f"\nRun completed: {shown_path(Path(run), Path.cwd())}\n")
    record = load_runs([shown_path(Path(run), Path.cwd())])
    if view == "save":
        from .report import save_run_view

        save_run_view(run, filename=str(meta_dir(run) / "view.html"))
    elif view is True or (view == "auto" and interactive()):
        from .report import view_run

        view_run(run)
    return record

