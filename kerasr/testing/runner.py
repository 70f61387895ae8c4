"""Run one lab script in a process of its own, and report how it ended.

The pytest plugin starts ``python -m kerasr.testing.runner serve`` once per session: a warm
process that imports kerasr, Keras and matplotlib once, then forks a fresh child for each lab
(each lab still gets a process of its own; only the imports are shared). Where ``fork`` is not
available, or with ``--kerasr-no-warm``, each lab runs in ``python -m kerasr.testing.runner run
SPEC`` instead. Either way the child reads a JSON spec (script, folder, environment, seed),
runs the script as ``__main__``, and writes a JSON outcome: ``{"ok": true}`` or the error with
the failing line of the lab and its source.

R: ``Rscript lab.R``
Python: ``python -m kerasr.testing.runner run spec.json``
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import random
import re
import select
import signal
import sys
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "atomic_write_text",
    "cell_of_line",
    "failure_outcome",
    "prepare",
    "run_spec",
    "source_excerpt",
    "timeout_location",
]

#: Modules the warm runner imports before it reports ready: what every lab needs.
PRELOAD = ("numpy", "kerasr")

#: Modules it imports afterwards, one at a time while it waits for requests (a lab usually
#: runs meanwhile, on the other core), so later labs find them loaded; the first lab imports
#: what it needs itself instead of waiting for all of them (scikit-learn alone is 0.7 s).
PRELOAD_LATER = ("matplotlib.pyplot", "pandas", "sklearn.metrics")


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and
    ``os.replace``: readers see the old file or the new one, never half of one.

    R: ``writeLines(text, path)``
    Python: ``atomic_write_text(path, text)``
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def prepare(seed: int | None = None, eager: bool = False) -> None:
    """Seed the process and switch TensorFlow functions to eager execution, now or as soon
    as kerasr loads Keras (a lab that never uses Keras never pays for importing it).

    Eager execution skips tracing each model's training and prediction graphs, which is most
    of a capped fit's time; results are the same up to floating-point rounding. Eager runs
    also use one TensorFlow thread per op (measured: 3 % less CPU on kerasr's labs, same
    wall-clock time; a lab's few small batches gain nothing from a thread pool).

    R: ``set.seed(1)``
    Python: ``prepare(seed=1, eager=True)``
    """
    if seed is not None:
        import numpy as np

        random.seed(seed)
        np.random.seed(seed)

    # expected under the caps: Keras's own "Limiting epochs to 3", and tf.data's note that
    # its (already fast) input functions stay compiled
    warnings.filterwarnings("ignore", message="Limiting epochs to")
    warnings.filterwarnings("ignore", message="Even though the `tf.config.experimental_run")

    def on_keras(keras: Any) -> None:
        if seed is not None:
            keras.utils.set_random_seed(seed)
        epochs = os.environ.get("KERAS_MAX_EPOCHS")
        if epochs:
            keras.config.set_max_epochs(int(epochs))
        if eager and keras.backend.backend() == "tensorflow":
            tf_config = sys.modules["tensorflow"].config
            tf_config.run_functions_eagerly(True)
            try:  # capped batches are small: one thread per op, no hand-offs between pools
                tf_config.threading.set_intra_op_parallelism_threads(1)
                tf_config.threading.set_inter_op_parallelism_threads(1)
            except RuntimeError:
                pass  # TensorFlow already started (Keras used before prepare()): keep its pools

    from kerasr import _keras

    _keras.on_keras_loaded(on_keras)


# -- failures ------------------------------------------------------------------------------------
_CELL = re.compile(r"^# %%")


def cell_of_line(source: str, line: int) -> int | None:
    """The 1-based ``# %%`` cell that holds ``line`` of a jupytext percent script (None when
    the script has no cell markers).

    R: (no equivalent)
    Python: ``cell_of_line(text, 42)``
    """
    lines = source.splitlines()
    if not any(_CELL.match(text) for text in lines):
        return None
    return sum(1 for text in lines[:line] if _CELL.match(text)) or None


def source_excerpt(source: str, line: int, before: int = 3, after: int = 1) -> str:
    """Numbered lines around ``line`` with a ``>`` on it, as pytest shows failing code.

    R: (no equivalent)
    Python: ``print(source_excerpt(text, 42))``
    """
    lines = source.splitlines()
    first, last = max(1, line - before), min(len(lines), line + after)
    width = len(str(last))
    return "\n".join(
        f"{'>' if n == line else ' '} {str(n).rjust(width)} | {lines[n - 1]}"
        for n in range(first, last + 1)
    )


def _frames_in(tb: Any, path: str) -> Iterator[traceback.FrameSummary]:
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == path:
            yield frame


def failure_outcome(exc: BaseException, path: str, shown_as: str | None = None) -> dict[str, Any]:
    """What went wrong, for the plugin: the error, the lab's innermost line in the traceback
    and its source around it, its ``# %%`` cell, and the full traceback.

    R: ``traceback()``
    Python: ``failure_outcome(exc, "/course/labs/lab1.py")``
    """
    path = os.path.abspath(path)
    frames = list(_frames_in(exc.__traceback__, path))
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == path:
        line = exc.lineno
    else:
        line = frames[-1].lineno if frames else None
    tb = exc.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != path:
        tb = tb.tb_next  # drop the runner's and runpy's frames above the lab's own
    outcome: dict[str, Any] = {
        "ok": False,
        "error": "".join(traceback.format_exception_only(type(exc), exc)).strip(),
        "traceback": "".join(traceback.format_exception(type(exc), exc,
                                                        tb or exc.__traceback__)),
        "line": line,
        "file": shown_as or path,
    }
    if line:
        try:
            source = Path(path).read_text(encoding="utf-8")
        except OSError:
            source = ""
        if source:
            outcome["source"] = source_excerpt(source, line)
            outcome["cell"] = cell_of_line(source, line)
    return outcome


_DUMP_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def timeout_location(dump: str, path: str) -> int | None:
    """The line of ``path`` a stopped lab was running, from faulthandler's stack dump
    (innermost frame of the lab's own file), or None.

    R: (no equivalent)
    Python: ``timeout_location(output_text, "/course/labs/lab1.py")``
    """
    path = os.path.abspath(path)
    marker = dump.rfind("most recent call first")
    for match in _DUMP_FRAME.finditer(dump, max(marker, 0)):
        if os.path.abspath(match["file"]) == path:
            return int(match["line"])
    return None


# -- running one lab -----------------------------------------------------------------------------
def _redirect_output(path: str) -> Any:
    """Send this process's stdout and stderr (Python's and C's) to ``path``."""
    handle = open(path, "a", buffering=1, encoding="utf-8", errors="replace")  # noqa: SIM115
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(handle.fileno(), 1)
    os.dup2(handle.fileno(), 2)
    sys.stdout = sys.stderr = handle
    return handle


def run_spec(spec: dict[str, Any]) -> int:
    """Run the lab a spec describes, in this process; write its outcome; return 0 or 1.

    R: ``source("lab.R")``
    Python: ``run_spec({"script": "lab.py", "cwd": ".", "result": "outcome.json", ...})``
    """
    import runpy

    output = _redirect_output(spec["output"])
    if hasattr(signal, "SIGUSR1"):  # the plugin asks where a lab is before stopping it
        faulthandler.register(signal.SIGUSR1, file=output, all_threads=False)
    stdin = os.open(os.devnull, os.O_RDONLY)  # input() ends at once instead of waiting
    os.dup2(stdin, 0)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
    os.environ.update(spec.get("env", {}))
    os.chdir(spec["cwd"])
    script = os.path.abspath(spec["script"])
    sys.argv = [script]
    sys.path.insert(0, os.path.dirname(script))
    outcome: dict[str, Any] = {"ok": True}
    try:
        prepare(spec.get("seed"), bool(spec.get("eager")))
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            outcome = failure_outcome(exc, script, spec.get("shown_as"))
            outcome["error"] = f"the lab called sys.exit({exc.code!r})"
    except BaseException as exc:  # noqa: BLE001  -- the lab's own error is the result
        outcome = failure_outcome(exc, script, spec.get("shown_as"))
        traceback.print_exception(type(exc), exc, exc.__traceback__)
    output.flush()
    atomic_write_text(spec["result"], json.dumps(outcome))
    return 0 if outcome["ok"] else 1


def _load_spec(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# -- the warm runner -----------------------------------------------------------------------------
def _preload() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in PRELOAD:
        _import_if_present(name)
    from kerasr import _keras

    _keras.keras()


def _import_if_present(name: str) -> None:
    import importlib

    try:
        importlib.import_module(name)
    except ImportError:
        pass


def serve() -> int:
    """The warm runner: import once, then fork one child per spec path read from stdin.

    It reports ready once Keras is imported (:data:`PRELOAD`); the rest of the common imports
    (:data:`PRELOAD_LATER`) follow between requests.

    Protocol (one JSON object per line on the original stdout): ``{"ready": true}`` or
    ``{"error": ...}`` after the imports; then, per request, ``{"spec": PATH, "pid": N}`` as
    the child starts and ``{"pid": N, "status": code}`` when it ends (negative: killed by that
    signal). Several labs may run at once (``--kerasr-jobs``): requests are read while
    children run. When stdin closes, children still running are killed.

    R: (no equivalent)
    Python: ``python -m kerasr.testing.runner serve``
    """
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    log = os.environ.get("KERASR_RUNNER_LOG", os.devnull)
    _redirect_output(log)

    def say(message: dict[str, Any]) -> None:
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    try:
        _preload()
    except BaseException as exc:  # noqa: BLE001  -- reported to the plugin, which explains it
        say({"error": "".join(traceback.format_exception_only(type(exc), exc)).strip()})
        return 1
    # a child's end wakes the select() below through this pipe
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_write)
    say({"ready": True})
    running: set[int] = set()
    pending = b""
    stdin = sys.stdin.fileno()
    later = list(PRELOAD_LATER)
    peek = 0.2  # the plugin usually sends its first lab as soon as it reads "ready"
    while True:
        # with imports left, only peek: import the next one when nothing is waiting
        readable, _, _ = select.select([stdin, wake_read], [], [], peek if later else None)
        peek = 0.0
        if not readable and later:
            with contextlib.suppress(Exception):  # a lab that needs it meets the error itself
                _import_if_present(later.pop(0))
            continue
        if wake_read in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_read, 4096)
        while running:  # reap every child that ended
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            if pid in running:
                running.discard(pid)
                say({"pid": pid, "status": os.waitstatus_to_exitcode(status)})
        if stdin not in readable:
            continue
        data = os.read(stdin, 65536)
        if not data:
            break
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            spec_path = line.decode("utf-8").strip()
            if not spec_path:
                continue
            pid = os.fork()
            if pid == 0:  # the child: a fresh process for one lab
                code = 1
                try:
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    os.close(wake_read)
                    os.close(wake_write)
                    channel.close()
                    code = run_spec(_load_spec(spec_path))
                finally:
                    os._exit(code)
            running.add(pid)
            say({"spec": spec_path, "pid": pid})
    for pid in running:  # the plugin has gone (interrupted, -x): stop what it no longer awaits
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    # Leave without Python's finalization: with TensorFlow loaded it takes 1 to 1.5 s of CPU
    # (module teardown, atexit handlers) and nothing of the runner's needs saving; the
    # plugin waits for this exit at the end of every run.
    channel.close()
    sys.stdout.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    """``serve`` (the warm runner) or ``run SPEC`` (one lab in this process).

    R: (no equivalent)
    Python: ``python -m kerasr.testing.runner run spec.json``
    """
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["serve"]:
        return serve()
    if len(args) == 2 and args[0] == "run":
        return run_spec(_load_spec(args[1]))
    print("usage: python -m kerasr.testing.runner serve | run SPEC.json", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
