"""The kerasr command: help and listing stay light (no Keras import), info, data, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kerasr.cli import main


def run_cli(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    code = ("import sys; from kerasr.cli import main; rc = main(sys.argv[1:]); "
            "heavy = [m for m in ('keras', 'tensorflow', 'jax') if m in sys.modules]; "
            "print('HEAVY', heavy); sys.exit(rc)")
    import os

    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env)


def test_help_and_lab_list_do_not_import_keras():
    out = run_cli("lab", "list")
    assert out.returncode == 0, out.stderr
    assert "baby_steps" in out.stdout and "HEAVY []" in out.stdout
    help_out = subprocess.run([sys.executable, "-m", "kerasr.cli", "--help"],
                              capture_output=True, text=True)
    assert help_out.returncode == 0 and "lab" in help_out.stdout and "data" in help_out.stdout


def test_info_reports_versions_backend_and_cache(tmp_path):
    out = run_cli("info", "--json", env_extra={"KERASR_DATA_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.split("HEAVY")[0])
    assert info["keras"].startswith("3.") and info["data cache"] == str(tmp_path)
    assert "backend" in info and "HEAVY []" in out.stdout


def test_data_where_and_fetch_shipped_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KERASR_DATA_DIR", str(tmp_path))
    assert main(["data", "where"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path)
    assert main(["data", "fetch", "boston_housing"]) == 0
    assert capsys.readouterr().out.strip().endswith("Boston.csv")


def test_unknown_lab_and_dataset_are_clear_errors(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("KERASR_DATA_DIR", str(tmp_path))
    assert main(["lab", "run", "baby_step"]) == 2
    assert "did you mean `baby_steps`" in capsys.readouterr().err
    assert main(["data", "fetch", "mnistt"]) == 2
    assert "unknown data set 'mnistt'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["nonsense"])
