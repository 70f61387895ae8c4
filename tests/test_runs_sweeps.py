"""training_run() and tuning_run() with real subprocesses: each run runs a small script (no
Keras: it records made-up metrics computed from its flags, so a run takes well under a second),
sequentially, with parallel = 2, on a process pool, on a Dask LocalCluster, failing, resumed,
and two sweeps into one runs directory at once."""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import os
import tarfile
import threading
import time
from pathlib import Path

import pytest

import kerasr
from kerasr.errors import ArgumentError, InvalidValueError
from kerasr.runs import RunFailedError
from kerasr.runs.run_dir import RUN_DIR_ENV

SCRIPT = """\
import os
import time
from kerasr import *

FLAGS = flags(flag_integer("units", 32, "hidden units"), flag_numeric("dropout", 0.5),
              flag_string("fail_on", "never"), flag_numeric("sleep", 0))
time.sleep(FLAGS.sleep)
score = FLAGS.units / 1000 + FLAGS.dropout
write_run_metadata("metrics", {"loss": [1.0, 1 - score], "val_accuracy": [0.1, score]})
write_run_metadata("evaluation", {"accuracy": score})
print(f"units={FLAGS.units} dropout={FLAGS.dropout} pid={os.getpid()}")
with open("model-%d.txt" % FLAGS.units, "w") as handle:
    handle.write("weights")
if FLAGS.fail_on == str(FLAGS.units):
    raise ValueError(f"units {FLAGS.units} is not supported")
"""


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in (RUN_DIR_ENV, "KERASR_RUN_FLAGS", "KERASR_RUN_FLAGS_FILE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "train.py").write_text(SCRIPT)
    (tmp_path / "helper.py").write_text("X = 1\n")
    return tmp_path


def _check_grid(df, expected_units=(64, 128), expected_dropout=(0.2, 0.3)):
    assert len(df) == 4
    assert list(df["completed"]) == [True] * 4
    combos = sorted(zip(df["flag_units"], df["flag_dropout"]))
    assert combos == sorted((u, d) for u in expected_units for d in expected_dropout)
    for _, row in df.iterrows():
        score = row["flag_units"] / 1000 + row["flag_dropout"]
        assert row["metric_val_accuracy"] == pytest.approx(score)
        assert row["eval_accuracy"] == pytest.approx(score)
        assert row["epochs_completed"] == 2
        assert f"units={row['flag_units']} dropout={row['flag_dropout']}" in row["output"]
    assert df["run_dir"].nunique() == 4


def test_training_run_records_a_run_in_tfruns_layout(work, capsys):
    df = kerasr.training_run("train.py", flags={"units": 64})
    out = capsys.readouterr().out
    assert len(df) == 1
    run = Path(df["run_dir"][0])
    assert run.parent.name == "runs" and len(run.name) == len("2020-03-05T14-02-11Z")
    assert f"Using run directory {df['run_dir'][0]}" in out
    assert f"Run completed: {df['run_dir'][0]}" in out and "units=64 dropout=0.5" in out
    props = run / "tfruns.d" / "properties"
    assert {p.name for p in props.iterdir()} >= {"type", "context", "script", "start", "end",
                                                  "completed", "output"}
    assert (props / "completed").read_text() == "TRUE\n"
    assert (props / "script").read_text() == "train.py\n"
    assert float((props / "end").read_text()) >= float((props / "start").read_text())
    assert json.loads((run / "tfruns.d" / "flags.json").read_text()) == {
        "units": 64, "dropout": 0.5, "fail_on": "never", "sleep": 0}
    with tarfile.open(run / "tfruns.d" / "source.tar.gz") as tar:
        assert sorted(tar.getnames()) == ["source/helper.py", "source/train.py"]
    # files the script added to the working directory are copied into the run
    assert (run / "model-64.txt").read_text() == "weights"
    row = df.iloc[0]
    assert row["metric_val_accuracy"] == pytest.approx(0.564) and bool(row["completed"])
    assert row["type"] == "training" and row["context"] == "local"
    # the run's own process is gone; the caller is not inside a run
    assert not kerasr.is_run_active()


def test_script_runs_on_its_own_with_command_line_flags(work):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "train.py", "--units", "128", "--dropout=0.25"],
                         capture_output=True, text=True, check=True).stdout
    assert "units=128 dropout=0.25" in out
    assert not (work / "runs").exists()  # outside a run nothing is recorded


def test_training_run_with_a_flags_file(work):
    (work / "big.yml").write_text("units: 99\ndropout: 0.125\n")
    df = kerasr.training_run("train.py", flags="big.yml", echo=False)
    assert (df["flag_units"][0], df["flag_dropout"][0]) == (99, 0.125)
    with pytest.raises(InvalidValueError, match="flags file 'nope.yml' does not exist"):
        kerasr.training_run("train.py", flags="nope.yml")


def test_raising_script_is_recorded_as_failed(work):
    with pytest.raises(RunFailedError) as err:
        kerasr.training_run("train.py", flags={"units": 7, "fail_on": "7"}, echo=False)
    assert "ValueError: units 7 is not supported" in str(err.value)
    info = kerasr.run_info(err.value.run_dir)
    assert info.completed is False
    assert info.error_message == "ValueError: units 7 is not supported"
    assert "Traceback (most recent call last)" in info.output
    assert 'raise ValueError(f"units {FLAGS.units} is not supported")' in info.output
    assert "train.py" in info.error_traceback
    assert info.metric_val_accuracy == pytest.approx(0.507)  # recorded before it raised


def test_unknown_and_wrong_typed_flags_fail_before_running(work):
    with pytest.raises(ArgumentError) as err:
        kerasr.training_run("train.py", flags={"unit": 64})
    message = str(err.value)
    assert "training_run(): The following flags were provided but not declared: unit" in message
    assert "did you mean `units`" in message and "units, dropout, fail_on, sleep" in message
    with pytest.raises(InvalidValueError,
                       match="Unable to convert flag 'units' with value 'many' to type integer"):
        kerasr.training_run("train.py", flags={"units": "many"})
    with pytest.raises(ArgumentError, match="tuning_run\\(\\): The following flags"):
        kerasr.tuning_run("train.py", flags={"units": [1, 2], "dropot": [0.1]}, confirm=False)
    assert not (work / "runs").exists()  # nothing ran


def test_flags_the_script_builds_dynamically_are_checked_by_the_run(work):
    (work / "dyn.py").write_text(
        "from kerasr import *\nname = 'units'\nFLAGS = flags(flag_integer(name, 3))\n")
    with pytest.raises(RunFailedError, match="provided but not declared: unitz"):
        kerasr.training_run("dyn.py", flags={"unitz": 4}, echo=False)


def test_plots_are_saved_into_the_run(work):
    (work / "plots.py").write_text(
        "import matplotlib.pyplot as plt\nfrom matplotlib.figure import Figure\n"
        "plt.plot([1, 2, 3])\nplt.show()\n"
        "figure = Figure()\nfigure.gca().plot([3, 2, 1])\n"  # a figure without pyplot
        "Figure()\n")  # an empty one: nothing to save
    df = kerasr.training_run("plots.py", echo=False)
    plots = sorted((Path(df["run_dir"][0]) / "plots").iterdir())
    assert [p.name for p in plots] == ["Rplot001.png", "Rplot002.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in plots)


def test_missing_script_and_unwritable_runs_dir(work):
    with pytest.raises(InvalidValueError, match="The Python script 'nope.py' does not exist"):
        kerasr.training_run("nope.py")
    (work / "afile").write_text("")
    with pytest.raises(InvalidValueError, match="cannot create the runs directory"):
        kerasr.training_run("train.py", runs_dir=work / "afile" / "runs")
    with pytest.raises(InvalidValueError, match="tuning_run\\(\\): cannot create the runs"):
        kerasr.tuning_run("train.py", flags={"units": [1, 2]}, runs_dir=work / "afile" / "r",
                          parallel=2, confirm=False)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes into read-only folders; the file-parent case covers it")
def test_read_only_runs_dir(work):
    ro = work / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(InvalidValueError, match="cannot create"):
            kerasr.training_run("train.py", runs_dir=ro / "runs")
    finally:
        ro.chmod(0o755)


def test_tuning_run_grid_in_parallel(work, capsys):
    started = time.perf_counter()
    # each run lasts over a second, so two runs overlap even though run directories, named
    # by the second as tfruns names them, start at most one per second
    df = kerasr.tuning_run("train.py", flags={"dropout": [0.2, 0.3], "units": [64, 128],
                                              "sleep": [1.5]},
                           parallel=2, confirm=False)
    seconds = time.perf_counter() - started
    out = capsys.readouterr().out
    assert "4 total combinations of flags (use sample parameter to run a random subset)" in out
    assert "Training run 1/4 (flags = list(dropout = 0.2, units = 64L, sleep = 1.5))" in out
    assert "Training run 4/4 (flags = list(dropout = 0.3, units = 128L, sleep = 1.5))" in out
    _check_grid(df)
    assert df.equals(df) and set(kerasr.ls_runs()["run_dir"]) == set(df["run_dir"])
    # two runs at a time: they overlap in time
    spans = sorted(zip(df["start"], df["end"]))
    assert any(b[0] < a[1] for a, b in zip(spans, spans[1:])), spans
    assert seconds < 60


@pytest.mark.slow
def test_tuning_run_on_a_process_pool_executor(work):
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        df = kerasr.tuning_run("train.py", flags={"dropout": [0.2, 0.3], "units": [64, 128]},
                               executor=pool, confirm=False)
    _check_grid(df)
    pids = {line.split("pid=")[1] for line in df["output"] for line in line.splitlines()
            if "pid=" in line}
    assert len(pids) == 4  # each run is its own process


@pytest.mark.slow
def test_failed_runs_do_not_stop_the_sweep_and_resume_skips_completed(work, capsys):
    grid = {"units": [64, 128], "dropout": [0.2, 0.3], "fail_on": ["128"]}
    df = kerasr.tuning_run("train.py", flags=grid, confirm=False)
    assert len(df) == 4
    failed = df[~df["completed"].astype(bool)]
    assert sorted(failed["flag_units"]) == [128, 128]
    assert set(failed["error_message"]) == {"ValueError: units 128 is not supported"}
    assert "Run 2/4 failed: ValueError: units 128 is not supported" in capsys.readouterr().out
    # the fix: the same grid minus the failure, resumed: only the two failed ones run again
    grid["fail_on"] = ["never"]
    df2 = kerasr.tuning_run("train.py", flags=grid, confirm=False, resume=True)
    out = capsys.readouterr().out
    assert out.count("Skipping training run") == 0  # fail_on changed: every combination is new
    grid = {"units": [64, 128], "dropout": [0.2, 0.3]}
    df3 = kerasr.tuning_run("train.py", flags=grid, confirm=False, resume=True)
    out = capsys.readouterr().out
    assert out.count("Skipping training run") == 4 and "Training run" not in out
    assert set(df3["run_dir"]) == set(df2["run_dir"])
    _check_grid(df3)
    assert len(kerasr.ls_runs()) == 8


def test_sample_and_confirm(work, monkeypatch, capsys):
    df = kerasr.tuning_run("train.py", flags={"units": [1, 2, 3, 4]}, sample=0.5,
                           confirm=False, echo=False)
    assert len(df) == 2 and len(set(df["flag_units"])) == 2
    assert "4 total combinations of flags (sampled to 2 combinations)" in capsys.readouterr().out
    with pytest.raises(InvalidValueError, match="selects none"):
        kerasr.tuning_run("train.py", flags={"units": [1, 2, 3, 4]}, sample=0.1)
    with pytest.raises(InvalidValueError, match="0 < sample <= 1"):
        kerasr.tuning_run("train.py", flags={"units": [1, 2]}, sample=1.5)
    with pytest.raises(ArgumentError, match="flags must be specified as a named list"):
        kerasr.tuning_run("train.py", flags=[1, 2])
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert kerasr.tuning_run("train.py", flags={"units": [1]}, confirm=True) is None
    assert len(kerasr.ls_runs()) == 2


def test_two_sweeps_into_one_runs_dir_at_once(work):
    results = {}

    def sweep(name, units):
        results[name] = kerasr.tuning_run(
            "train.py", flags={"units": units, "dropout": [0.25]}, parallel=2,
            confirm=False, echo=False)

    threads = [threading.Thread(target=sweep, args=("a", [11, 12])),
               threading.Thread(target=sweep, args=("b", [21, 22]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results["a"]["flag_units"]) == [11, 12]  # each sweep returns its own runs
    assert sorted(results["b"]["flag_units"]) == [21, 22]
    everything = kerasr.ls_runs()
    assert len(everything) == 4 and everything["run_dir"].nunique() == 4
    assert list(everything["completed"]) == [True] * 4
    for _, row in everything.iterrows():  # each run's records belong to that run alone
        assert f"units={row['flag_units']} dropout=0.25" in row["output"]
        assert row["output"].count("units=") == 1
        assert row["metric_val_accuracy"] == pytest.approx(row["flag_units"] / 1000 + 0.25)
        assert (Path(row["run_dir"]) / f"model-{row['flag_units']}.txt").exists()


@pytest.mark.slow
def test_interrupted_sweep_keeps_completed_runs_and_resumes(work):
    import signal
    import subprocess
    import sys

    (work / "wait.py").write_text(
        "import os, time\nfrom kerasr import *\nFLAGS = flags(flag_integer('units', 1))\n"
        "write_run_metadata('metrics', {'loss': [1.0 / FLAGS.units]})\n"
        "while FLAGS.units == 3 and os.path.exists('hold'):\n    time.sleep(0.1)\n")
    (work / "hold").write_text("")
    code = ("from kerasr import tuning_run\n"
            "tuning_run('wait.py', flags={'units': [1, 2, 3, 4]}, confirm=False, echo=False)\n")
    sweep = subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline and len(kerasr.ls_runs("completed == TRUE")) < 2:
        time.sleep(0.5)

    def third_run_waiting():  # its flags are recorded: it is in the `hold` loop
        return any(json.loads(p.read_text()).get("units") == 3
                   for p in (work / "runs").glob("*/tfruns.d/flags.json"))

    while time.time() < deadline and not third_run_waiting():
        time.sleep(0.2)
    time.sleep(0.5)
    os.killpg(sweep.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
    output = sweep.communicate(timeout=60)[0].decode()
    assert sweep.returncode != 0 and "KeyboardInterrupt" in output
    df = kerasr.ls_runs()
    assert len(df) == 3
    assert sorted(df[df["completed"].astype(bool)]["flag_units"]) == [1, 2]
    assert not bool(df[df["flag_units"] == 3]["completed"].iloc[0])
    (work / "hold").unlink()
    resumed = kerasr.tuning_run("wait.py", flags={"units": [1, 2, 3, 4]}, confirm=False,
                                echo=False, resume=True)
    assert sorted(resumed["flag_units"]) == [1, 2, 3, 4]
    assert list(resumed["completed"]) == [True] * 4
    assert len(kerasr.ls_runs()) == 5  # the interrupted run stays, recorded as incomplete


@pytest.mark.slow
def test_tuning_run_on_a_dask_local_cluster(work):
    distributed = pytest.importorskip("distributed", reason="pip install 'kerasr[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        df = kerasr.tuning_run("train.py", flags={"dropout": [0.2, 0.3], "units": [64, 128]},
                               executor=client.get_executor(), confirm=False)
    _check_grid(df)
