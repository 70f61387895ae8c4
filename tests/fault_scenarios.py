"""Fault scenarios for model files, run in a child process by tests/test_faults_models.py.

A full disk is simulated with ``RLIMIT_FSIZE`` (SIGXFSZ ignored, so writes fail with
EFBIG; no root needed) or, with ``--tmpfs``, by filling a real small tmpfs (ENOSPC, the
case where h5py used to crash the process). Read-only folders are real: the process runs
as an unprivileged user and removes its own write permission. Each scenario prints one
JSON line ``{"case": ..., ...}`` so a crash in one still reports the others.

Usage: ``python tests/fault_scenarios.py WORKDIR [--tmpfs] [--no-readonly]``
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import kerasr  # noqa: E402

WORK = Path(sys.argv[1])
TMPFS = "--tmpfs" in sys.argv
READONLY = "--no-readonly" not in sys.argv
X = np.linspace(-1, 1, 48, dtype="float32").reshape(16, 3)
Y = X.sum(axis=1, keepdims=True)


def model() -> Any:
    kerasr.set_random_seed(1)
    m = kerasr.keras_model_sequential(input_shape=3) >> kerasr.layer_dense(64, activation="relu")
    m >> kerasr.layer_dense(1)
    return m >> kerasr.compile(optimizer="adam", loss="mse")


def predictions(m: Any) -> list[float]:
    return np.asarray(m.predict(X, verbose=0)).ravel().tolist()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@contextlib.contextmanager
def full_disk(folder: Path, limit: int = 512) -> Iterator[None]:
    """Writes past ``limit`` bytes of a file (or any, on the tmpfs) fail in the block."""
    if TMPFS:
        stats = os.statvfs(folder)
        ballast = folder / "ballast.bin"
        free = stats.f_bavail * stats.f_frsize
        with open(ballast, "wb") as handle:
            handle.write(b"\0" * max(free - 512, 0))
        try:
            yield
        finally:
            ballast.unlink()
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def report(case: str, run: Callable[[], dict[str, Any]]) -> None:
    try:
        result = run()
    except BaseException as e:  # the scenario itself broke: say how
        result = {"scenario_error": f"{type(e).__name__}: {e}",
                  "traceback": traceback.format_exc()[-2000:]}
    print(json.dumps({"case": case, **result}), flush=True)


def outcome(action: Callable[[], Any]) -> dict[str, Any]:
    try:
        action()
    except BaseException as e:
        return {"error": type(e).__name__, "oserror": isinstance(e, OSError),
                "message": str(e)}
    return {"error": None}


# -- saving over a good file on a full disk --------------------------------------------
SAVERS = {
    "save_model": ("m.keras", lambda m, p: kerasr.save_model(m, p, overwrite=True),
                   lambda p, m: kerasr.load_model(p)),
    "save_model_hdf5": ("m.hdf5", lambda m, p: kerasr.save_model_hdf5(m, p),
                        lambda p, m: kerasr.load_model_hdf5(p)),
    "save_model_weights_hdf5": ("m.weights.h5",
                                lambda m, p: kerasr.save_model_weights_hdf5(m, p),
                                lambda p, m: kerasr.load_model_weights_hdf5(m, p)),
    "save_model_tf": ("tf_dir", lambda m, p: kerasr.save_model_tf(m, p),
                      lambda p, m: kerasr.load_model_tf(p)),
}


def save_over_old(function: str) -> dict[str, Any]:
    name, save, load = SAVERS[function]
    folder = WORK / f"disk_{function}"
    folder.mkdir()
    old = model()
    save(old, str(folder / name))
    expected = predictions(old)
    new = model()
    new >> kerasr.fit(X, Y, epochs=2, verbose=0)  # different weights
    with full_disk(folder):
        seen = outcome(lambda: save(new, str(folder / name)))
    fresh = model()
    fresh.set_weights([w * 0 for w in fresh.get_weights()])
    loaded = load(str(folder / name), fresh)
    inner = listing(folder / name) if (folder / name).is_dir() else []
    return {**seen, "files": listing(folder), "inner": inner,
            "old_kept": bool(np.allclose(predictions(loaded), expected, atol=1e-6))}


def save_new_file() -> dict[str, Any]:
    folder = WORK / "disk_new"
    folder.mkdir()
    with full_disk(folder):
        seen = outcome(lambda: kerasr.save_model(model(), str(folder / "new.keras")))
    return {**seen, "files": listing(folder)}


# -- a checkpoint callback when the disk fills in epoch 3 ------------------------------
def checkpoint(name: str, weights_only: bool) -> dict[str, Any]:
    folder = WORK / f"ckpt_{name.replace('.', '_')}"
    folder.mkdir()
    path = str(folder / name)
    m = model()
    after_epoch_2: list[Any] = []
    stack = contextlib.ExitStack()

    def epoch_end(epoch: int, logs: Any) -> None:
        if epoch == 1:
            after_epoch_2[:] = [w.copy() for w in m.get_weights()]

    def epoch_begin(epoch: int, logs: Any) -> None:
        if epoch == 2:
            stack.enter_context(full_disk(folder))

    callbacks = [
        kerasr.callback_model_checkpoint(path, save_weights_only=weights_only),
        kerasr.callback_lambda(on_epoch_end=epoch_end, on_epoch_begin=epoch_begin),
    ]
    with stack:
        seen = outcome(lambda: m >> kerasr.fit(X, Y, epochs=4, verbose=0, callbacks=callbacks))
    probe = model()
    if weights_only:
        kerasr.load_model_weights_hdf5(probe, path)
    else:
        probe = kerasr.load_model(path)
    kept = all(np.allclose(a, b) for a, b in zip(probe.get_weights(), after_epoch_2))
    return {**seen, "files": listing(folder), "epoch_2_kept": kept}


def csv_log() -> dict[str, Any]:
    """The CSV logger's file when the disk fills in epoch 3."""
    from kerasr.families.csv_logger import csv_logger

    folder = WORK / "csv"
    folder.mkdir()
    path = folder / "log.csv"
    stack = contextlib.ExitStack()

    def epoch_begin(epoch: int, logs: Any) -> None:
        if epoch == 2:  # a log a byte longer than now cannot be written
            stack.enter_context(full_disk(folder, path.stat().st_size + 1))

    callbacks = [csv_logger("callback_csv_logger", {"filename": str(path)}),
                 kerasr.callback_lambda(on_epoch_begin=epoch_begin)]
    with stack:
        seen = outcome(lambda: model() >> kerasr.fit(X, Y, epochs=4, verbose=0,
                                                     callbacks=callbacks))
    return {**seen, "files": listing(folder), "text": path.read_text()}


# -- read-only folders -----------------------------------------------------------------
def read_only(function: str) -> dict[str, Any]:
    name, save, load = SAVERS[function]
    folder = WORK / f"ro_{function}"
    folder.mkdir()
    old = model()
    save(old, str(folder / name))
    expected = predictions(old)
    new = model()
    new >> kerasr.fit(X, Y, epochs=1, verbose=0)
    folder.chmod(0o555)
    try:
        seen = outcome(lambda: save(new, str(folder / name)))
        seen_new = outcome(lambda: kerasr.save_model(model(), str(folder / "other.keras")))
    finally:
        folder.chmod(0o755)
    fresh = model()
    loaded = load(str(folder / name), fresh)
    return {**seen, "new_file": seen_new, "files": listing(folder),
            "old_kept": bool(np.allclose(predictions(loaded), expected, atol=1e-6))}


def read_only_checkpoint() -> dict[str, Any]:
    folder = WORK / "ro_ckpt"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        cb = kerasr.callback_model_checkpoint(str(folder / "ck.keras"))
        seen = outcome(lambda: model() >> kerasr.fit(X, Y, epochs=1, verbose=0, callbacks=cb))
    finally:
        folder.chmod(0o755)
    return {**seen, "files": listing(folder)}


def main() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    print(json.dumps({"case": "start", "uid": os.geteuid()}), flush=True)
    for function in SAVERS:
        report(f"disk:{function}", lambda f=function: save_over_old(f))
    report("disk:new_file", save_new_file)
    report("disk:checkpoint.keras", lambda: checkpoint("ck.keras", False))
    report("disk:checkpoint.weights.h5", lambda: checkpoint("ck.weights.h5", True))
    report("disk:checkpoint.hdf5", lambda: checkpoint("ck.hdf5", False))
    report("disk:csv_logger", csv_log)
    if READONLY and os.geteuid() != 0:
        for function in ("save_model", "save_model_hdf5", "save_model_weights_hdf5"):
            report(f"readonly:{function}", lambda f=function: read_only(f))
        report("readonly:checkpoint", read_only_checkpoint)
    print(json.dumps({"case": "end"}), flush=True)


if __name__ == "__main__":
    main()
