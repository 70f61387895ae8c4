"""The README as a newcomer reads it: the two commands CI runs, and the Python snippet run as a
fresh script (it scales its inputs, learns, and writes its plot to a file)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TF_NOISE = ("oneDNN custom operations", "absl::InitializeLog", "cpu_feature_guard",
            "retracing")
#: The test MAE of always predicting the training mean (labs/boston.py computes it).
BASELINE_MAE = 6.53


def _snippet() -> str:
    match = re.search(r"```python\n(.*?)```", README.read_text(), re.S)
    assert match, "README.md lacks its ```python snippet"
    return match.group(1)


def _readme_command(tag: str) -> str:
    """The shell line(s) after ``<!-- readme-command: TAG -->``, read as .ci/run's awk does."""
    proc = subprocess.run(
        ["awk", "-v", f"tag=<!-- readme-command: {tag} -->",
         '$0 == tag { found = 1; next } found && /^```sh/ { inblock = 1; next } '
         'inblock && /^```/ { exit } inblock { print }', str(README)],
        capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_ci_reads_both_readme_commands() -> None:
    lab = _readme_command("lab")
    test = _readme_command("test")
    assert "kerasr lab run baby_steps --fast --out lab-output" in lab
    assert "pip install" in lab and lab.count("\n") == 0
    assert 'pip install -e ".[dev]"' in test and "-m pytest" in test
    assert test.count("\n") == 0


def test_snippet_is_the_workshop_code_with_scaled_inputs() -> None:
    code = _snippet()
    tree = ast.parse(code)  # valid Python
    calls = {n.func.id for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"dataset_boston_housing", "keras_model_sequential", "layer_dense", "compile",
            "fit", "plot", "evaluate", "callback_reduce_lr_on_plateau"} <= calls
    assert "ddof=1" in code  # R's sd() divides by n - 1, as scale() does
    assert "(x_test - mean) / sd" in code  # the test set takes the training set's numbers


@pytest.mark.slow
def test_snippet_as_a_fresh_script_writes_its_plot_and_learns(tmp_path: Path) -> None:
    script = tmp_path / "snippet.py"
    script.write_text(_snippet())
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTEST_CURRENT_TEST", "TF_CPP_MIN_LOG_LEVEL", "KERASR_TF_LOG",
                        "KERASR_PLOT_FILE", "MPLBACKEND", "DISPLAY")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    plot = tmp_path / "Rplots.png"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000
    assert f"plot(): figure written to {plot.resolve()}" in proc.stderr
    for noise in TF_NOISE:
        assert noise not in proc.stderr + proc.stdout, noise
    mae = re.search(r"\$ mae\s*: float ([0-9.]+)", proc.stdout)
    assert mae, proc.stdout[-2000:]
    assert float(mae.group(1)) < 5.0 < BASELINE_MAE
