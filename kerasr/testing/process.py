"""Start lab processes for the plugin and stop them at their timeout.

:class:`WarmRunner` talks to ``python -m kerasr.testing.runner serve`` (one per pytest process:
Keras is imported once, each lab is a fork of it); :class:`ColdRunner` starts
``python -m kerasr.testing.runner run SPEC`` for every lab. Both return a :class:`Finished`.

R: (no equivalent)
Python: ``WarmRunner(env, log).run(spec_path, timeout=60)``
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ColdRunner", "Finished", "RunnerError", "WarmRunner"]

#: Seconds the warm runner may take to import Keras before the plugin gives up on it.
STARTUP_TIMEOUT = 300.0
#: Seconds between asking a stopped lab where it is (faulthandler) and killing it.
DUMP_GRACE = 1.0


class RunnerError(RuntimeError):
    """The lab runner itself could not start or died."""


@dataclass
class Finished:
    """How a lab process ended: exit code (negative: killed by that signal), whether the
    plugin stopped it at the timeout, and its seconds."""

    code: int | None
    timed_out: bool
    seconds: float


def _stop(pid: int) -> None:
    """Ask the process where it is (a faulthandler stack dump into its output), then kill it."""
    usr1 = getattr(signal, "SIGUSR1", None)
    try:
        if usr1 is not None:
            os.kill(pid, usr1)
            time.sleep(DUMP_GRACE)
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    except ProcessLookupError:
        pass  # it finished meanwhile


class ColdRunner:
    """Each lab in a fresh ``python -m kerasr.testing.runner run SPEC``."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def run(self, spec_path: Path, timeout: float) -> Finished:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "kerasr.testing.runner", "run", str(spec_path)],
            env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            code = process.wait(timeout=timeout)
            return Finished(code, False, time.perf_counter() - started)
        except subprocess.TimeoutExpired:
            _stop(process.pid)
            process.wait()
            return Finished(process.returncode, True, time.perf_counter() - started)

    def close(self) -> None:
        return None


class WarmRunner:
    """One warm ``runner serve`` process; each :meth:`run` forks a child from it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kerasr.testing.runner", "serve"],
            env={**env, "KERASR_RUNNER_LOG": str(log)}, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, name="kerasr-runner", daemon=True)
        self.reader.start()
        self.ready: bool | None = None
        self.error: str | None = None
        self.lock = threading.Lock()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self.messages.put(json.loads(line))
            except json.JSONDecodeError:
                continue
        self.messages.put(None)  # the runner has exited

    def _next(self, timeout: float | None) -> dict[str, Any]:
        try:
            message = self.messages.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None
        if message is None:
            self.messages.put(None)
            raise RunnerError(f"the kerasr lab runner exited (code {self.process.poll()}); "
                              f"its log: {self.log}")
        return message

    def wait_ready(self) -> None:
        if self.ready:
            return
        if self.error:
            raise RunnerError(self.error)
        try:
            message = self._next(STARTUP_TIMEOUT)
        except TimeoutError:
            self.error = (f"the kerasr lab runner did not finish importing Keras within "
                          f"{STARTUP_TIMEOUT:g} s; its log: {self.log}")
            raise RunnerError(self.error) from None
        except RunnerError as exc:
            self.error = str(exc)
            raise
        if "error" in message:
            self.error = f"the kerasr lab runner could not import Keras: {message['error']}"
            raise RunnerError(self.error)
        self.ready = True

    def run(self, spec_path: Path, timeout: float) -> Finished:
        with self.lock:
            self.wait_ready()
            assert self.process.stdin is not None
            self.process.stdin.write(f"{spec_path}\n")
            self.process.stdin.flush()
            started = time.perf_counter()
            pid = self._next(30.0)["pid"]
            try:
                message = self._next(timeout)
                return Finished(message["status"], False, time.perf_counter() - started)
            except TimeoutError:
                _stop(pid)
                message = self._next(60.0)
                return Finished(message["status"], True, time.perf_counter() - started)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
