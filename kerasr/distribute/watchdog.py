"""A time limit on a call that cannot be interrupted from Python.

TensorFlow's ``MultiWorkerMirroredStrategy()`` waits inside C++, holding the interpreter, until
every worker of the cluster has joined: a worker that never starts leaves the others waiting
for ever, deaf to Ctrl-C and to SIGTERM. A Python thread or signal handler cannot run then,
so the limit is kept by a tiny separate process: when the call returns, this process closes a
pipe and the watchdog exits quietly; when the time is up first, the watchdog prints the
message to this process's standard error and stops it (SIGKILL, the only signal that works).

R: ``setTimeLimit(elapsed = 600)``  # R's own limit cannot interrupt C code either
Python: ``with deadline(600, "worker 1 did not join"): strategy = ...``
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator

__all__: list[str] = []

_WATCHDOG = r"""
import os, select, signal, sys
pid, limit, message = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
ready, _, _ = select.select([sys.stdin], [], [], limit)
if not ready:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    os.kill(pid, signal.SIGKILL)
"""


@contextlib.contextmanager
def deadline(seconds: float | None, message: str) -> Iterator[None]:
    """Stop this process with ``message`` if the block runs longer than ``seconds``.

    ``None`` means no limit. Only on POSIX systems (elsewhere the block runs unlimited).

    R: ``setTimeLimit(elapsed = 60)``
    Python: ``with deadline(60, "f(): took over 60 s"): f()``
    """
    if seconds is None or os.name != "posix":
        yield
        return
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(float(seconds)), message],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, close_fds=True)
    try:
        yield
    finally:
        assert watchdog.stdin is not None
        watchdog.stdin.close()  # end of file: the watchdog exits without a word
        watchdog.wait()
