"""kerasr.runs without subprocesses: flags, the subset parser, ls_runs/run_info on recorded runs,
records, clean/purge, and the ``kerasr runs`` command (tfruns 1.4 behaviour and messages)."""

from __future__ import annotations

import json
import math
import os
import sys

import pandas as pd
import pytest

import kerasr
from kerasr.errors import ArgumentError, InvalidValueError
from kerasr.runs import records, rexpr
from kerasr.runs.flags import (
    Flag,
    flag_boolean,
    flag_integer,
    flag_numeric,
    flag_string,
    flags,
    parse_arguments,
    script_flags,
)
from kerasr.runs.listing import column_order
from kerasr.runs.run_dir import RUN_DIR_ENV, write_properties, write_run_metadata
from kerasr.runs.tuning import deparse, flag_grid


@pytest.fixture(autouse=True)
def _no_run(monkeypatch):
    for name in (RUN_DIR_ENV, "KERASR_RUN_FLAGS", "KERASR_RUN_FLAGS_FILE", "R_CONFIG_ACTIVE"):
        monkeypatch.delenv(name, raising=False)


def _defs() -> list[Flag]:
    return [flag_integer("units", 32, "hidden units"), flag_numeric("dropout", 0.4),
            flag_boolean("batch_norm", False), flag_string("activation", "relu")]


# -- flags ------------------------------------------------------------------------------------

def test_flag_defaults_types_and_access(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    FLAGS = flags(*_defs(), arguments=[])
    assert FLAGS.units == 32 and isinstance(FLAGS.units, int)
    assert FLAGS["dropout"] == 0.4 and FLAGS.batch_norm is False
    assert FLAGS.activation == "relu"
    assert FLAGS.types() == {"units": "integer", "dropout": "numeric", "batch_norm": "boolean",
                             "activation": "string"}
    assert FLAGS.descriptions()["units"] == "hidden units"
    lines = repr(FLAGS).splitlines()
    assert lines[0].split() == ["name", "type", "value", "description"]
    assert lines[1].split() == ["units", "integer", "32", "hidden", "units"]
    assert lines[3].split() == ["batch_norm", "boolean", "FALSE", "NA"]
    # flags() also takes one list of flags, as flags(list(...)) in R
    assert flags(_defs(), arguments=[]).to_dict() == FLAGS.to_dict()


def test_flags_from_command_line_override_file_and_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flags.yml").write_text("units: 64\ndropout: 0.1\n")
    FLAGS = flags(*_defs(), arguments=["script.py", "--units", "128", "--batch-norm=yes",
                                       "positional", "--args", "--dropout", "0.9"])
    assert FLAGS.units == 128  # command line beats flags.yml
    assert FLAGS.dropout == 0.1  # from flags.yml; --dropout after --args is ignored
    assert FLAGS.batch_norm is True


def test_profile_flags_file_chooses_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flags.yml").write_text("default:\n  units: 16\ntest:\n  dropout: 0.05\n")
    assert flags(*_defs(), arguments=[]).units == 16
    FLAGS = flags(*_defs(), config="test", arguments=[])
    assert (FLAGS.units, FLAGS.dropout) == (16, 0.05)
    with pytest.raises(InvalidValueError, match="configuration `prod` not found"):
        flags(*_defs(), config="prod", arguments=[])


def test_missing_explicit_flags_file_warns(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match="configuration file 'other.yml' does not exist"):
        flags(*_defs(), file="other.yml", arguments=[])


def test_run_values_win_and_are_written_to_flags_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "runs" / "r1"
    monkeypatch.setenv(RUN_DIR_ENV, str(run))
    monkeypatch.setenv("KERASR_RUN_FLAGS", json.dumps({"units": 256, "dropout": 2e-5}))
    FLAGS = flags(*_defs(), arguments=["--units", "8"])
    assert FLAGS.units == 256
    recorded = json.loads((run / "tfruns.d" / "flags.json").read_text())
    # full precision: tfruns 1.4 wrote 2e-5 as 0 (jsonlite digits = 4)
    assert recorded == {"units": 256, "dropout": 2e-5, "batch_norm": False,
                        "activation": "relu"}


def test_undeclared_flag_is_named_with_did_you_mean(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArgumentError) as err:
        flags(*_defs(), arguments=["--unit", "3", "--zzz", "1"])
    message = str(err.value)
    assert "The following flags were provided but not declared: unit, zzz" in message
    assert "did you mean `units`" in message
    assert "units, dropout, batch_norm, activation" in message


@pytest.mark.parametrize("definition, value, kind", [
    (flag_integer("units", 32), "abc", "integer"),
    (flag_integer("units", 32), 2.5, "integer"),
    (flag_numeric("lr", 0.1), "fast", "numeric"),
    (flag_boolean("bn", False), "maybe", "boolean"),
])
def test_wrong_typed_flag_value(tmp_path, monkeypatch, definition, value, kind):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KERASR_RUN_FLAGS", json.dumps({definition.name: value}))
    with pytest.raises(InvalidValueError,
                       match=f"Unable to convert flag '{definition.name}' with value "
                             f"'{value}' to type {kind}"):
        flags(definition, arguments=[])


def test_flag_declaration_errors():
    with pytest.raises(InvalidValueError, match="A flag named 'a' has already been defined"):
        flags(flag_integer("a", 1), flag_integer("a", 2), arguments=[])
    with pytest.raises(InvalidValueError, match='flag "a" has length > 1'):
        flag_integer("a", [1, 2])
    with pytest.raises(ArgumentError, match="flag_integer\\(\\): `name` must be"):
        flag_integer(3, 1)
    with pytest.raises(ArgumentError, match="every argument must be a flag_"):
        flags(("units", 3), arguments=[])


def test_help_prints_options_and_exits(capsys):
    with pytest.raises(SystemExit) as stop:
        parse_arguments(["--help"], _defs())
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Options:") and "--units" in out and "hidden units (32)" in out


def test_script_flags_read_without_running(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("from kerasr import *\nFLAGS = flags(flag_integer('units', 3),\n"
                      "  kerasr.flag_string(name='act', default='relu'))\n")
    assert script_flags(script) == {"units": "integer", "act": "string"}
    script.write_text("name = 'x'\nFLAGS = flags(flag_integer(name, 3))\n")
    assert script_flags(script) is None  # computed names: only the run can check


# -- the subset parser ---------------------------------------------------------------------

@pytest.fixture
def frame():
    return pd.DataFrame({"metric_acc": [0.5, 0.95, 0.91, float("nan")],
                         "flag_units": [32, 64, 128, 64],
                         "flag_act": ["relu", "tanh", "relu", "relu"],
                         "completed": [True, True, False, True]})


@pytest.mark.parametrize("text, rows", [
    ("metric_acc > 0.9", [1, 2]),
    ("metric_acc > 0.9 & flag_units == 64", [1]),
    ("metric_acc > 0.9 && flag_act == 'relu' | flag_units < 40", [0, 2]),
    ("!completed", [2]),
    ("!flag_units %in% c(64, 128)", [0]),
    ("is.na(metric_acc)", [3]),
    ("flag_units * 2 >= 2^7 & `flag_act` != \"tanh\"", [2, 3]),
    ("-flag_units < -100", [2]),
    ("grepl('^re', flag_act) & completed == TRUE", [0, 3]),
])
def test_subset_follows_r_precedence(frame, text, rows):
    mask = rexpr.evaluate(text, frame)
    assert list(frame.index[mask.to_numpy()]) == rows


@pytest.mark.parametrize("text, message", [
    ("metric_ac > 0.9", "unknown column `metric_ac`; did you mean `metric_acc`"),
    ("__import__('os').system('true')", "cannot read `subset` at '__import__"),
    ("system('true')", "unknown function `system\\(\\)`"),
    ("open('x')", "unknown function `open"),
    ("metric_acc > ", "ends too early"),
    ("metric_acc > 0.9 )", "unexpected `\\)`"),
    ("metric_acc ; 1", "cannot read `subset`"),
])
def test_subset_errors_never_evaluate_python(frame, text, message):
    with pytest.raises(InvalidValueError, match=message):
        rexpr.evaluate(text, frame)


# -- records and ls_runs -------------------------------------------------------------------

def _make_run(base, name, *, flags_=None, metrics=None, evaluation=None, start=1.0e9,
              completed=True, error=None, **props):
    run = base / name
    write_properties(run, {"type": "training", "context": "local", "script": "train.py",
                           "start": start, "end": start + 65.0, "completed": completed,
                           **props})
    if flags_ is not None:
        write_run_metadata("flags", flags_, run_dir=run)
    if metrics is not None:
        write_run_metadata("metrics", metrics, run_dir=run)
    if evaluation is not None:
        write_run_metadata("evaluation", evaluation, run_dir=run)
    if error is not None:
        write_run_metadata("error", error, run_dir=run)
    return run


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = tmp_path / "runs"
    _make_run(base, "2020-01-01T00-00-01Z", flags_={"units": 32, "lr": 0.001},
              metrics={"loss": [0.9, 0.7, None], "val_acc": [0.5, 0.6, None]},
              evaluation={"loss": 0.75}, start=1.0e9, epochs=3)
    _make_run(base, "2020-01-01T00-00-02Z", flags_={"units": 64, "lr": 0.01},
              metrics={"loss": [0.8, 0.4, 0.3], "val_acc": [0.7, 0.8, 0.9]},
              evaluation={"loss": 0.35}, start=1.0e9 + 10, epochs=3)
    _make_run(base, "2020-01-01T00-00-03Z", flags_={"units": 128, "lr": 0.1},
              completed=False, start=1.0e9 + 20,
              error={"message": "ValueError: boom", "traceback": ["line 1", "line 2"]})
    (base / "archive").mkdir()  # not a run: no tfruns.d
    (base / "notes").mkdir()
    return base


def test_ls_runs_columns_values_and_types(runs):
    df = kerasr.ls_runs()
    assert list(df["run_dir"]) == [f"runs/2020-01-01T00-00-0{i}Z" for i in (3, 2, 1)]
    assert list(df.columns[:7]) == ["run_dir", "eval_loss", "metric_loss", "metric_val_acc",
                                    "flag_units", "flag_lr", "epochs"]
    assert list(df.columns[7:]) == ["epochs_completed", "metrics", "script", "start", "end",
                                    "completed", "error_message", "error_traceback",
                                    "context", "type"]
    first = df.iloc[2]
    # the last non-NA value of each metric, and the non-NA count of the last column
    assert first["metric_loss"] == pytest.approx(0.7)
    assert first["metric_val_acc"] == pytest.approx(0.6)
    assert first["epochs_completed"] == 2 and first["epochs"] == 3
    assert df.iloc[0]["epochs_completed"] == 0 and pd.isna(df.iloc[0]["metric_loss"])
    assert df.iloc[0]["error_message"] == "ValueError: boom"
    assert df.iloc[0]["error_traceback"] == "line 1\nline 2"
    assert list(df["completed"]) == [False, True, True]
    assert str(df["start"].dtype).startswith("datetime64") and str(df["start"].dt.tz) == "UTC"
    assert df.iloc[2]["end"] - df.iloc[2]["start"] == pd.Timedelta(seconds=65)
    assert df["metrics"].iloc[1].endswith(os.path.join("tfruns.d", "metrics.json"))


def test_ls_runs_order_subset_and_latest_n(runs):
    df = kerasr.ls_runs(order="metric_val_acc", decreasing=False)
    assert list(df["flag_units"]) == [32, 64, 128]  # NA last
    assert list(df.columns[:2]) == ["run_dir", "metric_val_acc"]
    df = kerasr.ls_runs("metric_val_acc > 0.55 & flag_lr < 0.05")
    assert list(df["flag_units"]) == [64, 32] and list(df.index) == [0, 1]
    assert list(kerasr.ls_runs(lambda d: d.flag_units > 100)["flag_units"]) == [128]
    assert len(kerasr.ls_runs(latest_n=1)) == 1
    assert kerasr.ls_runs(latest_n=1)["flag_units"][0] == 128


def test_ls_runs_unknown_order_column(runs):
    with pytest.raises(InvalidValueError) as err:
        kerasr.ls_runs(order="metric_val_accuracy")
    assert "`order` names an unknown column `metric_val_accuracy`" in str(err.value)
    assert "did you mean `metric_val_acc`" in str(err.value)
    with pytest.raises(ArgumentError, match="`order` must be a column name"):
        kerasr.ls_runs(order=3)


def test_ls_runs_prints_as_tfruns(runs):
    text = repr(kerasr.ls_runs())
    lines = text.splitlines()
    assert lines[0] == "Data frame: 3 x 17"
    assert lines[1].split() == ["run_dir", "eval_loss", "metric_loss", "metric_val_acc"]
    assert lines[2].split()[:2] == ["1", "runs/2020-01-01T00-00-03Z"]
    assert "# ... with 13 more columns:" in text
    assert "#   flag_units, flag_lr, epochs" in text
    one = repr(kerasr.ls_runs(latest_n=1))
    assert one.startswith("List of ") and ' $ run_dir' in one
    assert "chr \"runs/2020-01-01T00-00-03Z\"" in one and "logi FALSE" in one


def test_no_runs(tmp_path):
    df = kerasr.ls_runs(runs_dir=tmp_path / "nothing")
    assert len(df) == 0 and list(df.columns) == ["type", "run_dir", "start", "end"]
    assert repr(df) == "No training runs found."
    assert kerasr.latest_run(runs_dir=tmp_path / "nothing") is None


def test_run_info_and_latest_run(runs):
    info = kerasr.latest_run()
    assert info.run_dir == "runs/2020-01-01T00-00-03Z" and info.completed is False
    info = kerasr.run_info("2020-01-01T00-00-02Z")  # a name under runs_dir
    assert isinstance(info.metrics, pd.DataFrame)
    assert list(info.metrics["val_acc"]) == pytest.approx([0.7, 0.8, 0.9])
    assert info.flag_units == 64 and info.eval_loss == pytest.approx(0.35)
    both = kerasr.run_info(kerasr.ls_runs(latest_n=2))
    assert [i.flag_units for i in both] == [128, 64]
    with pytest.raises(InvalidValueError, match="is not a run directory"):
        kerasr.run_info("runs/notes")


def test_column_order_puts_unknown_columns_last():
    cols = ["type", "custom", "flag_a", "start", "metric_x", "run_dir", "eval_y", "epochs"]
    assert column_order(cols, ["start"]) == ["run_dir", "eval_y", "metric_x", "flag_a",
                                             "epochs", "start", "type", "custom"]


def test_records_full_precision_and_atomic(tmp_path, monkeypatch):
    path = tmp_path / "r.json"
    records.write_json(path, {"a": 0.123456789012345, "b": float("nan"), "c": [1, 2e-5]})
    assert json.loads(path.read_text()) == {"a": 0.123456789012345, "b": None, "c": [1, 2e-5]}

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        records.write_json(path, {"a": 1})
    assert json.loads(path.read_text())["a"] == 0.123456789012345  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary left behind


def test_write_run_metadata(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_run_metadata("evaluation", {"loss": 1.0})  # outside a run: nothing written
    assert list(tmp_path.iterdir()) == []
    assert kerasr.run_dir() == str(tmp_path) and not kerasr.is_run_active()
    run = tmp_path / "run"
    monkeypatch.setenv(RUN_DIR_ENV, str(run))
    assert kerasr.is_run_active() and kerasr.run_dir() == str(run)
    write_run_metadata("properties", {"note": "first try"})
    write_run_metadata("custom", lambda d: open(os.path.join(d, "x.txt"), "w").close())
    assert (run / "tfruns.d" / "properties" / "note").read_text() == "first try\n"
    assert (run / "tfruns.d" / "x.txt").exists()
    with pytest.raises(InvalidValueError, match="must be a function for custom data types"):
        write_run_metadata("custom", {"a": 1})


def test_grid_first_flag_varies_fastest_and_deparse():
    grid = flag_grid({"dropout": [0.2, 0.3], "units": [64, 128], "act": "relu"})
    assert grid == [{"dropout": 0.2, "units": 64, "act": "relu"},
                    {"dropout": 0.3, "units": 64, "act": "relu"},
                    {"dropout": 0.2, "units": 128, "act": "relu"},
                    {"dropout": 0.3, "units": 128, "act": "relu"}]
    import numpy as np

    assert flag_grid({"units": np.array([32, 64]), "lr": range(1, 2)}) == [
        {"units": 32, "lr": 1}, {"units": 64, "lr": 1}]
    assert type(flag_grid({"units": np.array([32])})[0]["units"]) is int
    assert deparse({"units": 2, "act": "tanh", "bn": True, "lr": 0.5}) == \
        'list(units = 2L, act = "tanh", bn = TRUE, lr = 0.5)'


# -- clean, purge, CLI ---------------------------------------------------------------------

def test_clean_and_purge_runs(runs, capsys):
    assert kerasr.clean_runs(kerasr.ls_runs("completed == FALSE"), confirm=False) == 1
    assert "Moved 1 runs to runs/archive (purge_runs() to remove permanently)" in \
        capsys.readouterr().out
    assert len(kerasr.ls_runs()) == 2
    assert len(kerasr.ls_runs(runs_dir="runs/archive")) == 1
    assert kerasr.purge_runs(confirm=False) == 1
    assert "Permanently removed 1 runs" in capsys.readouterr().out
    assert kerasr.ls_runs(runs_dir="runs/archive").empty
    assert kerasr.clean_runs(confirm=False) == 2
    assert kerasr.clean_runs(confirm=False) == 0
    assert "No runs found to clean." in capsys.readouterr().out


def test_clean_runs_asks_before_moving(runs, monkeypatch, capsys):
    monkeypatch.setattr("builtins.input", lambda prompt: print(prompt) or "n")
    assert kerasr.clean_runs(confirm=True) == 0
    assert "Move 3 run directories to runs/archive? [Y/n]: " in capsys.readouterr().out
    assert len(kerasr.ls_runs()) == 3


def test_cli_runs_commands(runs, capsys):
    from kerasr.cli import main

    assert main(["runs", "ls", "--order", "metric_val_acc"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Data frame: 3 x ") and "metric_val_acc" in out.splitlines()[1]
    assert main(["runs", "ls", "--subset", "flag_units == 64", "--columns",
                 "flag_units,metric_loss"]) == 0
    assert capsys.readouterr().out.split()[-2:] == ["64", "0.3"]
    assert main(["runs", "ls", "--order", "nope"]) == 2
    assert "unknown column `nope`" in capsys.readouterr().err
    out_file = runs.parent / "view.html"
    assert main(["runs", "view", "2020-01-01T00-00-02Z", "--out", str(out_file),
                 "--no-open"]) == 0
    assert "metric" in out_file.read_text().lower()
    assert main(["runs", "compare", "--out", str(runs.parent / "c.html"), "--no-open"]) == 0
    assert main(["runs", "clean", "--yes"]) == 0
    assert "Moved 3 runs" in capsys.readouterr().out


def test_cli_help_does_not_import_pandas_or_keras():
    import subprocess

    code = ("import sys; from kerasr.cli import build_parser; build_parser(); "
            "print('pandas' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]


def test_importing_runs_imports_neither_keras_nor_pandas():
    import subprocess

    code = ("import sys, kerasr.runs; "
            "print('pandas' in sys.modules, 'keras' in sys.modules, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_nan_metric_counts_as_missing():
    assert math.isnan(float("nan"))  # guard for the helper below
    from kerasr.runs.listing import _last_valid

    assert _last_valid([0.5, float("nan"), None]) == (0.5, 1)


def test_runs_dir_option(runs, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert kerasr.ls_runs().empty
    kerasr.set_option("kerasr.runs_dir", str(runs))  # R: options(tfruns.runs_dir = ...)
    try:
        assert len(kerasr.ls_runs()) == 3
        assert kerasr.latest_run().flag_units == 128
    finally:
        kerasr.set_option("kerasr.runs_dir", None)


def test_a_run_still_being_set_up_counts_as_not_completed(tmp_path, monkeypatch):
    """A sweep's newest run folder exists before its `completed` property is written;
    filtering on `completed` meanwhile must not fail (it did, as an unknown column)."""
    monkeypatch.chdir(tmp_path)
    write_properties(tmp_path / "runs" / "2026-01-01T00-00-00Z", {"type": "training"})
    frame = kerasr.ls_runs("completed == FALSE")
    assert len(frame) == 1 and not bool(frame["completed"][0])
    assert len(kerasr.ls_runs("completed == TRUE")) == 0
