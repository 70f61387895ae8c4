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

__all__ = ["ColdRunner", "Finished", "Running", "RunnerError", "WarmRunner"]

#: Seconds the warm runner may take to import Keras before the plugin gives up on it.
STARTUP_TIMEOUT = 300.0
#: Seconds between asking a stopped lab where it is (faulthandler) and killing it.
DUMP_GRACE = 1.0


@dataclass
class Running:
    """A lab process that was started: its process (a pid, or the Popen of a cold run) and
    when it started (``time.perf_counter()``)."""

    process: Any
    started: float

    def left(self, timeout: float) -> float:
        """Seconds left of ``timeout``, counted from the lab's start."""
        return max(timeout - (time.perf_counter() - self.started), 0.0)


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
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, spec_path: Path) -> Running:
        process = subprocess.Popen(
            [sys.executable, "-m", "kerasr.testing.runner", "run", str(spec_path)],
            env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.running.append(process)
        return Running(process, time.perf_counter())

    def wait(self, running: Running, timeout: float) -> Finished:
        process = running.process
        try:
            code = process.wait(timeout=running.left(timeout))
            timed_out = False
        except subprocess.TimeoutExpired:
            _stop(process.pid)
            code = process.wait()
            timed_out = True
        self.running.remove(process)
        return Finished(code, timed_out, time.perf_counter() - running.started)

    def run(self, spec_path: Path, timeout: float) -> Finished:
        return self.wait(self.start(spec_path), timeout)

    def close(self) -> None:
        for process in self.running:  # started ahead, never awaited (interrupted, -x)
            process.kill()
            process.wait()
        self.running.clear()


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
        self.lock = threading.RLock()
        self.pids: dict[str, int] = {}  # spec path -> pid, for labs just started
        self.ended: dict[int, tuple[int, float]] = {}  # pid -> (exit code, when it ended)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                continue
            message["at"] = time.perf_counter()  # when the lab's end was heard of
            self.messages.put(message)
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

    def start(self, spec_path: Path) -> Running:
        with self.lock:
            self.wait_ready()
            assert self.process.stdin is not None
            self.process.stdin.write(f"{spec_path}\n")
            self.process.stdin.flush()
            started = time.perf_counter()
            deadline = started + 30.0
            while str(spec_path) not in self.pids:
                self._pump(deadline)
            return Running(self.pids.pop(str(spec_path)), started)

    def wait(self, running: Running, timeout: float) -> Finished:
        pid = running.process
        deadline = time.perf_counter() + running.left(timeout)
        with self.lock:
            try:
                while pid not in self.ended:
                    self._pump(deadline)
                timed_out = False
            except TimeoutError:
                _stop(pid)
                deadline = time.perf_counter() + 60.0
                while pid not in self.ended:
                    self._pump(deadline)
                timed_out = True
            code, ended = self.ended.pop(pid)
        return Finished(code, timed_out, ended - running.started)

    def _pump(self, deadline: float) -> None:
        """Take the runner's next message (waiting until ``deadline``) and file it."""
        message = self._next(max(deadline - time.perf_counter(), 0.0))
        if "status" in message:
            self.ended[message["pid"]] = (message["status"], message["at"])
        elif "spec" in message:
            self.pids[message["spec"]] = message["pid"]

    def run(self, spec_path: Path, timeout: float) -> Finished:
        return self.wait(self.start(spec_path), timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
