"""Fault cases for model files, checkpoints, weight loads and unpack() (issue 14).

Each case reads: bad thing happens -> what the user sees -> what is on disk afterwards.
Full disks and read-only folders run in one child process (tests/fault_scenarios.py):
the disk fills through ``RLIMIT_FSIZE`` (no root needed; writes fail with EFBIG) and,
in the slow variant, a real 2 MB tmpfs fills up (ENOSPC, where h5py used to segfault;
needs root to mount, skipped otherwise). Read-only folders are real: as root (CI) the
child drops to uid 65534 with ``setpriv``, so permissions apply.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kerasr
from kerasr import InvalidValueError
from kerasr.atomic import atomic_path
from kerasr.zeallot import UnpackDefaultError, UnpackError, UnpackValueCountError, unpack

pytestmark = pytest.mark.usefixtures("no_network")

SCENARIOS = Path(__file__).with_name("fault_scenarios.py")
X = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)


# =====================================================================================
# The child process: full disks and read-only folders
# =====================================================================================
def run_child(workdir: Path, *flags: str, as_nobody: bool = False) -> dict[str, Any]:
    env = {**os.environ, "HOME": str(workdir), "KERAS_HOME": str(workdir),
           "MPLCONFIGDIR": str(workdir), "TF_CPP_MIN_LOG_LEVEL": "3",
           "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, str(SCENARIOS), str(workdir), *flags]
    if as_nobody:
        command = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                   *command]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600,
                          cwd=workdir)
    cases = {}
    for line in done.stdout.splitlines():
        if line.startswith('{"case"'):
            record = json.loads(line)
            cases[record.pop("case")] = record
    cases["_returncode"] = done.returncode
    cases["_stderr"] = done.stderr[-3000:]
    return cases


def readonly_plan() -> tuple[bool, str]:
    """(drop privileges?, reason to skip read-only cases or '')."""
    if os.geteuid() != 0:
        return False, ""
    if shutil.which("setpriv") is None:
        return False, "running as root without setpriv: a read-only folder cannot be tested"
    return True, ""


@pytest.fixture(scope="module")
def child(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The scenarios' results, computed once per test session (xdist workers share them)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    results = shared / "kerasr_fault_scenarios.json"
    with open(shared / "kerasr_fault_scenarios.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if results.exists():
            return json.loads(results.read_text())
        as_nobody, skip = readonly_plan()
        workdir = Path(tempfile.mkdtemp(prefix="kerasr-faults-"))
        workdir.chmod(0o777)
        try:
            flags = ("--no-readonly",) if skip else ()
            cases = run_child(workdir, *flags, as_nobody=as_nobody)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        cases["_skip_readonly"] = skip
        results.write_text(json.dumps(cases))
        return cases


def case(cases: dict[str, Any], name: str) -> dict[str, Any]:
    assert cases["_returncode"] == 0, (
        f"the child process died (return code {cases['_returncode']}; -11 is a segfault) "
        f"during the fault scenarios:\n{cases['_stderr']}")
    assert name in cases, f"scenario {name} did not report:\n{cases['_stderr']}"
    result = cases[name]
    assert "scenario_error" not in result, result
    return result


def assert_clear_write_error(result: dict[str, Any], function: str, file: str) -> None:
    assert result["error"] == "AtomicWriteError" and result["oserror"], result
    message = result["message"]
    assert message.startswith(f"{function}(): cannot write '") and file in message, message
    assert ".tmp" not in message, message  # names the target, not the temporary file


SAVE_CASES = {
    "save_model": "m.keras",
    "save_model_hdf5": "m.hdf5",
    "save_model_weights_hdf5": "m.weights.h5",
    "save_model_tf": "model.keras",
}


@pytest.mark.parametrize("function", list(SAVE_CASES))
def test_full_disk_while_saving_over_a_good_file(child: Any, function: str) -> None:
    # the disk fills during the save -> a clear OSError naming the function and the file
    # -> the previous file is still there, loads and predicts as before; no temporary file
    result = case(child, f"disk:{function}")
    assert_clear_write_error(result, function, SAVE_CASES[function])
    assert "disk is full" in result["message"] or "size limit" in result["message"]
    assert "unchanged" in result["message"]
    assert result["old_kept"]
    if function == "save_model_tf":
        assert result["files"] == ["tf_dir"] and result["inner"] == ["model.keras"]
    else:
        assert result["files"] == [SAVE_CASES[function]]


def test_full_disk_while_saving_a_new_file(child: Any) -> None:
    # the disk is full -> OSError "nothing was written" -> no file, no temporary file
    result = case(child, "disk:new_file")
    assert_clear_write_error(result, "save_model", "new.keras")
    assert "nothing was written" in result["message"]
    assert result["files"] == []


@pytest.mark.parametrize("name", ["ck.keras", "ck.weights.h5", "ck.hdf5"])
def test_full_disk_in_epoch_3_keeps_the_epoch_2_checkpoint(child: Any, name: str) -> None:
    # the disk fills in epoch 3 -> fit() stops with an OSError naming
    # callback_model_checkpoint() and the file (no segfault for .weights.h5) -> the
    # epoch-2 checkpoint is intact and holds exactly the epoch-2 weights
    result = case(child, f"disk:checkpoint.{name.split('.', 1)[1]}")
    assert_clear_write_error(result, "callback_model_checkpoint", name)
    assert result["files"] == [name]
    assert result["epoch_2_kept"]


def test_full_disk_in_epoch_3_keeps_a_complete_csv_log(child: Any) -> None:
    # the disk fills in epoch 3 -> fit() stops with an OSError naming
    # callback_csv_logger() and the file -> the log holds the header and the two complete
    # rows of epochs 1-2 (no cut row), and no temporary file
    result = case(child, "disk:csv_logger")
    assert_clear_write_error(result, "callback_csv_logger", "log.csv")
    assert result["files"] == ["log.csv"]
    rows = list(csv.reader(io.StringIO(result["text"])))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [row[0] for row in rows[1:]] == ["0", "1"]
    assert all(len(row) == 3 and float(row[1]) >= 0 for row in rows[1:])


def readonly_case(child: Any, name: str) -> dict[str, Any]:
    if child["_skip_readonly"]:
        pytest.skip(child["_skip_readonly"])
    return case(child, name)


@pytest.mark.parametrize("function", ["save_model", "save_model_hdf5",
                                      "save_model_weights_hdf5"])
def test_read_only_folder(child: Any, function: str) -> None:
    # saving into a read-only folder -> OSError naming the function, the target file and
    # "not writable" (not a hidden temporary name) -> the old file is unchanged, nothing new
    result = readonly_case(child, f"readonly:{function}")
    assert_clear_write_error(result, function, SAVE_CASES[function])
    assert "is not writable" in result["message"]
    assert result["old_kept"]
    assert_clear_write_error(result["new_file"], "save_model", "other.keras")
    assert result["files"] == [SAVE_CASES[function]]


def test_read_only_folder_checkpoint(child: Any) -> None:
    # a checkpoint into a read-only folder -> fit() stops with a clear OSError -> no files
    result = readonly_case(child, "readonly:checkpoint")
    assert_clear_write_error(result, "callback_model_checkpoint", "ck.keras")
    assert "is not writable" in result["message"]
    assert result["files"] == []


@pytest.mark.slow
def test_real_full_tmpfs_never_crashes(tmp_path: Path) -> None:
    # a real filesystem runs out of space (ENOSPC) during every kind of save -> clear
    # OSErrors, no segfault (h5py used to crash here) -> every old file intact
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {done.stderr.strip()}")
    try:
        cases = run_child(mount, "--tmpfs", "--no-readonly")
        for function in SAVE_CASES:
            result = case(cases, f"disk:{function}")
            assert "No space left on device" in result["message"], result
            assert result["old_kept"], result
        for name in ("keras", "weights.h5", "hdf5"):
            result = case(cases, f"disk:checkpoint.{name}")
            assert result["epoch_2_kept"] and len(result["files"]) == 1, result
        result = case(cases, "disk:csv_logger")
        assert result["files"] == ["log.csv"] and len(result["text"].splitlines()) == 3
    finally:
        subprocess.run(["umount", str(mount)], check=False)


# =====================================================================================
# In process: damaged files, folders, safe mode, weight loads, interrupts
# =====================================================================================
@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("models")
    kerasr.set_random_seed(3)
    model = kerasr.keras_model_sequential(input_shape=3) >> kerasr.layer_dense(4)
    model >> kerasr.layer_dense(2)
    model >> kerasr.compile(optimizer="adam", loss="mse")
    kerasr.save_model(model, folder / "good.keras")
    kerasr.save_model_hdf5(model, folder / "good.h5")
    kerasr.save_model_weights_hdf5(model, folder / "good.weights.h5")
    keras_bytes = (folder / "good.keras").read_bytes()
    h5_bytes = (folder / "good.h5").read_bytes()
    (folder / "trunc.keras").write_bytes(keras_bytes[: len(keras_bytes) // 2])
    (folder / "trunc.h5").write_bytes(h5_bytes[: len(h5_bytes) // 2])
    (folder / "text.h5").write_text("not a model\n")
    (folder / "noise.keras").write_bytes(bytes(range(256)) * 4)
    (folder / "empty.keras").write_bytes(b"")
    return {"folder": folder, "model": model}


def other_model() -> Any:
    """Same layer kinds, a different second layer (3 units instead of 2)."""
    m = kerasr.keras_model_sequential(input_shape=3) >> kerasr.layer_dense(4)
    m >> kerasr.layer_dense(3)
    return m >> kerasr.compile(optimizer="adam", loss="mse")


@pytest.mark.parametrize("name, load, says", [
    ("noise.keras", kerasr.load_model, "is neither a .keras (zip) archive nor HDF5"),
    ("trunc.keras", kerasr.load_model, "is not a complete .keras (zip) archive"),
    ("empty.keras", kerasr.load_model, "is empty"),
    ("trunc.h5", kerasr.load_model, "could not be opened as HDF5 (OSError: "),
    ("trunc.h5", kerasr.load_model_hdf5, "could not be opened as HDF5 (OSError: "),
    ("text.h5", kerasr.load_model_hdf5, "is not an HDF5 file"),
    ("text.h5", kerasr.load_model, "is neither a .keras (zip) archive nor HDF5"),
])
def test_damaged_file(files: dict[str, Any], name: str, load: Any, says: str) -> None:
    # a damaged/truncated/foreign file -> InvalidValueError naming the function, the file,
    # what is wrong and the fix (not "File not found", not a raw h5py message)
    # -> the file is left as it was
    path = files["folder"] / name
    before = path.read_bytes()
    with pytest.raises(InvalidValueError) as info:
        load(path)
    message = str(info.value)
    assert message.startswith(f"{load.__name__}(): '{path}' {says}"), message
    assert "save the model again" in message and "File not found" not in message
    assert path.read_bytes() == before


def test_keras_archive_given_to_load_model_hdf5(files: dict[str, Any]) -> None:
    # load_model_hdf5() on a .keras file -> says it is a .keras archive, use load_model()
    path = files["folder"] / "good.keras"
    with pytest.raises(InvalidValueError, match=r"is a \.keras archive, not HDF5; load it "
                                                r"with load_model\("):
        kerasr.load_model_hdf5(path)


def test_weights_file_given_to_load_model_hdf5(files: dict[str, Any], tmp_path: Path) -> None:
    # a weights-only HDF5 file (R's save_model_weights_hdf5 name) -> "holds weights only",
    # with the load_model_weights_hdf5() call to use
    legacy = tmp_path / "weights.h5"
    shutil.copy(files["folder"] / "good.h5", legacy)
    import h5py

    with h5py.File(legacy, "a") as handle:  # a legacy file without its model config
        del handle.attrs["model_config"]
    with pytest.raises(InvalidValueError, match="holds weights only.*load_model_weights_hdf5"):
        kerasr.load_model_hdf5(legacy)


@pytest.mark.parametrize("make, says", [
    (lambda p: None, "is a folder without a model in it"),
    (lambda p: (p / "saved_model.pb").write_bytes(b"\0"), "TFSMLayer"),
])
def test_load_model_on_a_folder(tmp_path: Path, make: Any, says: str) -> None:
    # load_model() on a folder -> names that folder (never an internal temporary path)
    # and what to give instead -> the folder is unchanged
    folder = tmp_path / "mymodel"
    folder.mkdir()
    make(folder)
    before = sorted(os.listdir(folder))
    with pytest.raises(InvalidValueError) as info:
        kerasr.load_model(folder)
    assert str(info.value).startswith(f"load_model(): '{folder}' ") and says in str(info.value)
    assert "kerasr-" not in str(info.value).replace(str(tmp_path), "")
    assert sorted(os.listdir(folder)) == before


def test_load_model_hdf5_on_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError, match="is a folder, not a file"):
        kerasr.load_model_hdf5(tmp_path)


def test_garbage_bytes(files: dict[str, Any]) -> None:
    # bytes that are no model -> a clear error from unserialize_model()/load_model()
    with pytest.raises(InvalidValueError, match=r"^unserialize_model\(\): '<bytes>' are not "
                                                r"a complete \.keras"):
        kerasr.unserialize_model(b"hello world")
    with pytest.raises(InvalidValueError, match="are not a complete"):
        kerasr.load_model(b"PK but not a zip")


@pytest.fixture(scope="module")
def lambda_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import keras

    folder = tmp_path_factory.mktemp("lambda")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2)])
    kerasr.save_model_hdf5(model, folder / "lambda.h5")
    return {"h5": folder / "lambda.h5", "bytes": kerasr.serialize_model(model)}


@pytest.mark.parametrize("load", [
    lambda f, **kw: kerasr.load_model_hdf5(f["h5"], **kw),
    lambda f, **kw: kerasr.load_model(f["h5"], **kw),
    lambda f, **kw: kerasr.load_model(f["bytes"], **kw),
    lambda f, **kw: kerasr.unserialize_model(f["bytes"], **kw),
], ids=["load_model_hdf5", "load_model-h5", "load_model-bytes", "unserialize_model"])
def test_safe_mode_applies_to_h5_and_bytes(lambda_files: dict[str, Any], load: Any) -> None:
    # a Lambda layer holding Python code -> refused by default (safe_mode=TRUE), loaded
    # with safe_mode=False, for .h5 files and bytes as for .keras files
    with pytest.raises(ValueError, match="safe_mode=False"):
        load(lambda_files)
    model = load(lambda_files, safe_mode=False)
    np.testing.assert_allclose(model.predict(X, verbose=0), X * 2, rtol=1e-6)


def weights_of(model: Any) -> list[np.ndarray]:
    return [w.copy() for w in model.get_weights()]


@pytest.mark.parametrize("source", ["good.weights.h5", "good.h5"])
def test_mismatched_weight_file_changes_nothing(files: dict[str, Any], source: str) -> None:
    # weights saved from another architecture -> InvalidValueError naming the first
    # mismatch (layer, expected, got) -> the model's weights are all unchanged (the first
    # layer, which fits, is not overwritten either)
    model = other_model()
    before = weights_of(model)
    with pytest.raises(InvalidValueError) as info:
        kerasr.load_model_weights_hdf5(model, files["folder"] / source)
    message = str(info.value)
    assert message.startswith("load_model_weights_hdf5(): the weights in "), message
    assert "expected shape (4, 3), got (4, 2)" in message and "layer '" in message, message
    assert "the model is unchanged" in message
    assert all(np.array_equal(a, b) for a, b in zip(before, weights_of(model)))


def test_set_weights_checks_every_shape_first(files: dict[str, Any]) -> None:
    # set_weights() with the second layer's shapes wrong -> error naming the weight, the
    # layer, the expected and given shapes -> the first layer is not overwritten
    model = other_model()
    before = weights_of(model)
    given = [np.ones_like(w) for w in before]
    given[2] = np.ones((4, 2), dtype="float32")
    with pytest.raises(InvalidValueError) as info:
        kerasr.set_weights(model, given)
    message = str(info.value)
    assert "`weights[[3]]`" in message and "expects shape (4, 3), got (4, 2)" in message
    assert "the model is unchanged" in message
    assert all(np.array_equal(a, b) for a, b in zip(before, weights_of(model)))


def test_interrupt_during_a_write_keeps_the_old_file(tmp_path: Path) -> None:
    # Ctrl-C while the new file is half written -> KeyboardInterrupt as usual
    # -> the old file is byte for byte the same; no temporary file
    target = tmp_path / "m.keras"
    target.write_bytes(b"old contents")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target, "save_model") as tmp:
            Path(tmp).write_bytes(b"half a new fi")
            raise KeyboardInterrupt
    assert target.read_bytes() == b"old contents"
    assert os.listdir(tmp_path) == ["m.keras"]


def test_saved_files_keep_usual_permissions_and_links(files: dict[str, Any],
                                                      tmp_path: Path) -> None:
    # a save through a temporary file -> new files get the usual permissions (not
    # mkstemp's 0600), an existing file keeps its mode, a symlink stays a symlink
    model = files["model"]
    fresh = tmp_path / "new.keras"
    kerasr.save_model(model, fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    fresh.chmod(0o640)
    kerasr.save_model(model, fresh, overwrite=True)
    assert fresh.stat().st_mode & 0o777 == 0o640
    real = tmp_path / "real.h5"
    link = tmp_path / "link.h5"
    kerasr.save_model_hdf5(model, real)
    link.symlink_to(real)
    kerasr.save_model_hdf5(model, link)
    assert link.is_symlink() and kerasr.load_model(link) is not None
    assert sorted(os.listdir(tmp_path)) == ["link.h5", "new.keras", "real.h5"]


def test_in_memory_weights_file_is_keras_own(files: dict[str, Any], tmp_path: Path) -> None:
    # weights are built in memory (no HDF5 write on disk) -> the file holds exactly what
    # Keras's own save_weights() writes: every dataset, value and attribute
    import h5py

    def content(path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        with h5py.File(path) as handle:
            handle.visititems(lambda name, obj: out.__setitem__(
                name, (obj[()].tolist() if hasattr(obj, "shape") else None, dict(obj.attrs))))
            out["/"] = dict(handle.attrs)
        return out

    files["model"].save_weights(tmp_path / "keras.weights.h5")
    assert content(files["folder"] / "good.weights.h5") == content(tmp_path / "keras.weights.h5")


def test_saving_onto_a_folder(files: dict[str, Any], tmp_path: Path) -> None:
    # a file name that is an existing folder -> a clear error -> the folder is untouched
    (tmp_path / "m.keras").mkdir()
    with pytest.raises(InvalidValueError, match=r"^save_model\(\): '.*m\.keras' is a folder"):
        kerasr.save_model(files["model"], tmp_path / "m.keras", overwrite=True)
    assert (tmp_path / "m.keras").is_dir() and os.listdir(tmp_path / "m.keras") == []


@pytest.mark.parametrize("append", [False, True])
def test_csv_log_survives_an_interrupt_before_the_first_row(tmp_path: Path,
                                                            append: bool) -> None:
    # training is interrupted in epoch 1 -> fit() stops with its "interrupted after 0 of 2
    # epochs" warning -> last run's log
    # is intact (Keras's CSVLogger had already truncated it); then a full run writes
    # Keras's format (\r\n rows, header once when appending)
    from kerasr.families.csv_logger import csv_logger

    keras = pytest.importorskip("keras")
    path = tmp_path / "log.csv"
    path.write_bytes(b"epoch,loss\r\n0,0.5\r\n")
    model = kerasr.keras_model_sequential(input_shape=3) >> kerasr.layer_dense(1)
    model >> kerasr.compile(optimizer="sgd", loss="mse")

    def stop(batch: int, logs: Any) -> None:
        raise KeyboardInterrupt

    logger = csv_logger("callback_csv_logger", {"filename": str(path), "append": append})
    with pytest.warns(RuntimeWarning, match="interrupted after 0 of 2 epochs"):
        model >> kerasr.fit(X, X[:, :1], epochs=2, verbose=0, callbacks=[
            logger, keras.callbacks.LambdaCallback(on_train_batch_end=stop)])
    assert path.read_bytes() == b"epoch,loss\r\n0,0.5\r\n"
    model >> kerasr.fit(X, X[:, :1], epochs=2, verbose=0, callbacks=[logger])
    lines = path.read_bytes().split(b"\r\n")
    if append:  # the old rows stay, no second header
        assert lines[:2] == [b"epoch,loss", b"0,0.5"]
        assert [line.split(b",")[0] for line in lines[2:4]] == [b"0", b"1"]
    else:
        assert lines[0] == b"epoch,loss,val_loss"
        assert [line.split(b",")[0] for line in lines[1:3]] == [b"0", b"1"]
    assert lines[-1] == b"" and len(lines) == (5 if append else 4)
    assert os.listdir(tmp_path) == ["log.csv"]


# =====================================================================================
# unpack(): defaults are R literals, never Python
# =====================================================================================
ESCAPES = [
    "c(a, b = (g for g in ()).gi_frame.f_back.f_builtins)",
    "c(a, b = [x for x in ()].__class__.__base__.__subclasses__())",
    "c(a, b = open('/etc/passwd').read())",
    "c(a, b = touch())",
    "c(a, b = __import__('os').system('echo pwned'))",
    "c(a, b = (lambda: touch())())",
    "c(a, b = getattr(touch, 'x'))",
    "c(a, b = touch$x)",
    "c(a, b = {touch()})",
    "c(a, b = 1 + touch)",
    'c(a, b = f"{touch()}")',
]


@pytest.mark.parametrize("pattern", ESCAPES)
def test_crafted_defaults_cannot_run_code(pattern: str) -> None:
    # a pattern whose default is Python code (the old restricted eval could be escaped)
    # -> UnpackError when the pattern is parsed, before any value is looked at
    # -> nothing ran: the function in scope was never called
    calls: list[int] = []

    def touch(*args: Any) -> None:
        calls.append(1)

    with pytest.raises(UnpackError, match="default"):
        unpack(pattern, [1], into={"touch": touch})
    assert calls == []


def test_python_internals_are_not_variables() -> None:
    # `__builtins__` (backquoted, so a valid R name) -> not looked up -> nothing bound
    into: dict[str, Any] = {}
    with pytest.raises(UnpackDefaultError, match="names starting with `__`"):
        unpack("c(a, b = `__builtins__`)", [1], into=into)
    assert into == {}


def test_all_default_pattern_on_an_empty_value() -> None:
    # c(a = 1) %<-% list() -> says exactly how many values it needs and why 0 do not do
    with pytest.raises(UnpackValueCountError) as info:
        unpack("c(a = 1)", [])
    assert ("`c(a = 1)` has 1 name, so it needs exactly 1 value (an empty value is never "
            "unpacked, even when defaults cover every name), but the value has 0"
            ) in str(info.value)
