"""kerasr's pytest plugin (kerasr.testing), tested with pytest's own pytester on real lab
files (scripts and notebooks written here) with real Keras fits on tiny data.

Fast tests run labs that need no Keras in a fresh Python each (--kerasr-no-warm), unit-test
the caps, and run one real capped fit in-process; the end-to-end runs (warm runner importing
Keras, a real Jupyter kernel) are marked slow.
"""

from __future__ import annotations

import json
import math
import os
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from kerasr.testing import caps
from kerasr.testing.expectations import expect_finite, expect_learns, expect_metric
from kerasr.testing.runner import cell_of_line, source_excerpt, timeout_location
from kerasr.testing.summary import format_table, metric_text

pytest_plugins = ["pytester"]

KERAS_LAB = """\
# %% [markdown]
# A tiny regression lab: R's workshop code in Python.

# %%
import numpy as np
from kerasr import compile, evaluate, fit, keras_model_sequential, layer_dense, predict

rng = np.random.default_rng(0)
x = rng.normal(size=(4000, 3)).astype("float32")
y = x @ np.array([1.0, -2.0, 0.5], dtype="float32") + 3

# %%
model = keras_model_sequential() >> layer_dense(units=1, input_shape=3)
model >> compile(optimizer="sgd", loss="mse", metrics="mae")
history = model >> fit(x, y, epochs=50, batch_size=32, validation_split=0.2)
assert len(history.metrics["loss"]) == {epochs}, history.metrics["loss"]
print(model >> evaluate(x, y))
assert (model >> predict(x)).shape == (4000, 1)  # predict() keeps every row
"""


def _lab(pytester: pytest.Pytester, name: str, text: str) -> Path:
    folder = pytester.path / "labs"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


# -- caps, read by kerasr's fit/evaluate/predict ---------------------------------------------------
def test_caps_absent_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(caps.ENV_MAX_STEPS, raising=False)
    x = np.zeros((1000, 3))
    assert caps.fit_steps(x, 32, 0.2, None, None, None) == (None, None)
    assert caps.eval_steps(x, 32, 7) == 7
    assert caps.predict_steps(iter([]), 32, None) is None


def test_caps_limit_batches_only_when_the_data_has_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(caps.ENV_MAX_STEPS, "5")
    x = np.zeros((1000, 3))
    # 800 training rows = 25 batches -> 5; 200 validation rows = 7 batches -> 5
    assert caps.fit_steps(x, 32, 0.2, None, None, None) == (5, 5)
    assert caps.fit_steps(x[:100], 32, 0.0, None, None, None) == (None, None)  # 4 batches
    assert caps.fit_steps(x, 32, 0.0, (x[:64], x[:64]), 3, None) == (3, None)
    assert caps.eval_steps(x, 10, None) == 5 and caps.eval_steps(x[:40], 10, None) is None
    assert caps.predict_steps(x, 32, None) is None  # arrays keep every row...
    assert caps.predict_batch_size(x, None, None) == 200  # ...in about 5 larger batches
    assert caps.predict_batch_size(np.zeros((10**6, 1)), 32, None) == caps.PREDICT_BATCH_LIMIT
    assert caps.predict_batch_size(x, 32, 3) == 32  # explicit steps: rows stay as asked
    assert caps.predict_steps(iter([]), 32, 100) == 5  # generators are cut


def test_caps_reject_bad_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(caps.ENV_MAX_STEPS, "zero")
    with pytest.raises(ValueError, match="KERASR_MAX_STEPS='zero' must be a whole number"):
        caps.max_steps()


def test_record_fit_appends_json_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "fits.jsonl"
    monkeypatch.setenv(caps.ENV_RECORD, str(record))

    class History:
        metrics = {"loss": [2.0, 1.0], "val_loss": [3.0, float("nan")]}
        params = {"steps": 5}

    caps.record_fit(History(), caps.now())
    caps.record_fit(History(), caps.now())
    fits = caps.read_records(record)
    assert len(fits) == 2 and fits[0]["epochs"] == 2 and fits[0]["steps"] == 5
    assert fits[0]["final"] == {"loss": 1.0, "val_loss": "nan"} and fits[0]["first_loss"] == 2.0
    assert caps.read_records(tmp_path / "missing.jsonl") == []


# -- helpers ------------------------------------------------------------------------------------
def test_failure_helpers() -> None:
    source = "# %%\na = 1\n# %%\nb = 2\nc = b / 0\n"
    assert cell_of_line(source, 5) == 2 and cell_of_line("a = 1\n", 1) is None
    assert source_excerpt(source, 5, 1, 0) == "  4 | b = 2\n> 5 | c = b / 0"
    dump = ('Current thread 0x1 (most recent call first):\n  File "/x/lib.py", line 9 in f\n'
            '  File "/c/lab.py", line 12 in <module>\n')
    assert timeout_location(dump, "/c/lab.py") == 12 and timeout_location(dump, "/o.py") is None


def test_summary_table_and_metric_text() -> None:
    fit = {"epochs": 3, "first_loss": 2.5, "final": {"loss": 0.5, "mae": 0.61234}}
    assert metric_text(fit) == "loss 2.5 -> 0.5, mae 0.6123"
    lines = format_table([
        {"lab": "labs/a.py", "outcome": "passed", "seconds": 1.25, "fits": [fit]},
        {"lab": "labs/b.ipynb", "outcome": "failed", "seconds": 0.5, "fits": []},
    ])
    assert lines[0].split() == ["lab", "result", "time", "fits", "last", "fit"]
    assert "labs/a.py" in lines[1] and "1.2s" in lines[1] and "loss 2.5 -> 0.5" in lines[1]
    assert lines[-1] == "2 labs, 1.8s in labs, 1 fits"


def test_expectations_pass_and_fail_with_clear_messages() -> None:
    history = {"loss": [1.0, 0.5, 0.25], "val_accuracy": [0.5, 0.7, 0.9]}
    expect_learns(history)
    expect_learns(history, metric="val_accuracy")
    expect_finite(history)
    expect_metric(history, "val_accuracy", above=0.8)
    with pytest.raises(AssertionError, match=r"'loss' did not fall over 3 epochs: 1 -> 1"):
        expect_learns({"loss": [1.0, 2.0, 1.0]})
    with pytest.raises(AssertionError, match=r"val_accuracy' is 0.9 after 3 epochs, expected "
                                             r"above 0.95"):
        expect_metric(history, "val_accuracy", above=0.95)
    with pytest.raises(AssertionError, match="loss is nan at epoch 2"):
        expect_finite({"loss": [1.0, math.nan]})
    with pytest.raises(Exception, match="no metric 'val_acc'.*did you mean"):
        expect_metric(history, "val_acc", above=0.5)
    with pytest.raises(AssertionError, match="only one epoch"):
        expect_learns({"loss": [1.0]})


# -- the plugin in a pytest run -----------------------------------------------------------------
def test_inert_without_options(pytester: pytest.Pytester) -> None:
    """Installed but unused: no Keras import, no lab items, no summary."""
    _lab(pytester, "lab.py", "raise SystemExit('must not run')\n")
    pytester.makepyfile(test_plain="""
        import sys
        from kerasr.testing.labs import STATE_KEY

        def test_no_keras(request):
            assert "keras" not in sys.modules and "tensorflow" not in sys.modules
            assert request.config.stash.get(STATE_KEY, None) is None  # not engaged
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "labs", "test_plain.py")
    result.assert_outcomes(passed=1)
    assert "kerasr labs" not in result.stdout.str()
    help_text = pytester.runpytest("--help").stdout.str()
    for flag in ("--kerasr-fast", "--kerasr-labs", "--kerasr-timeout", "--kerasr-json",
                 "--kerasr-backend", "--kerasr-seed", "--kerasr-max-steps"):
        assert flag in help_text


@pytest.mark.parametrize("args, message", [
    (["--kerasr-max-epochs", "0"], "--kerasr-max-epochs must be at least 1, got 0"),
    (["--kerasr-max-steps", "few"], "--kerasr-max-steps must be a whole number, got 'few'"),
    (["--kerasr-backend", "theano"], "--kerasr-backend must be one of tensorflow, jax"),
    (["--kerasr-timeout", "-1"], "--kerasr-timeout must be more than 0 seconds"),
    (["--kerasr-graph"], "--kerasr-graph only makes sense with --kerasr-fast"),
    (["--kerasr-labs", "nowhere"], "--kerasr-labs: 'nowhere' does not exist"),
    (["--kerasr-paired", "first"], "--kerasr-paired must be one of script, notebook, both"),
    (["--kerasr-jobs", "0"], "--kerasr-jobs must be at least 1, got 0"),
])
def test_bad_options_are_usage_errors(pytester: pytest.Pytester, args: list[str],
                                      message: str) -> None:
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()


def test_backend_conflicts_with_the_projects_own_option(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("""
        def pytest_addoption(parser):
            parser.addoption("--backend", default=None)
    """)
    result = pytester.runpytest("--backend", "jax", "--kerasr-backend", "tensorflow")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--kerasr-backend tensorflow conflicts with --backend jax" in result.stderr.str()


def test_failing_lab_shows_its_line_and_the_others_run(pytester: pytest.Pytester) -> None:
    _lab(pytester, "good.py", "print('fine')\n")
    _lab(pytester, "broken.py", """\
        # %%
        scores = {"a": 1}

        # %%
        total = scores["a"] + scores["b"]
    """)
    _lab(pytester, "_helper.py", "raise SystemExit('helpers are not labs')\n")
    json_path = pytester.path / "labs.json"
    result = pytester.runpytest("--kerasr-labs", "labs", "--kerasr-no-warm",
                                "--kerasr-json", str(json_path), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "broken.py, line 5 (cell 2): KeyError: 'b'" in out
    assert '> 5 | total = scores["a"] + scores["b"]' in out
    assert "kerasr labs (no caps)" in out
    summary = json.loads(json_path.read_text())
    assert [(lab["lab"], lab["outcome"]) for lab in summary["labs"]] == [
        ("labs/broken.py", "failed"), ("labs/good.py", "passed")]
    assert summary["labs"][0]["message"].startswith("broken.py, line 5")


def test_lab_that_runs_forever_is_stopped_at_its_timeout(pytester: pytest.Pytester) -> None:
    _lab(pytester, "forever.py", """\
        n = 0
        while True:
            n += 1
    """)
    result = pytester.runpytest("--kerasr-labs", "labs", "--kerasr-no-warm",
                                "--kerasr-timeout", "3", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "forever.py was stopped after 3 s" in out
    assert "it was running line 3:" in out and "n += 1" in out


# Two labs that only pass when they run at the same time: each writes its marker, then waits
# (at most 60 s) for the other's.
SIDE_BY_SIDE = """\
import os, pathlib, time
here = pathlib.Path({folder!r})
(here / "{me}.started").write_text(str(os.getpid()))
deadline = time.monotonic() + 60
while not (here / "{other}.started").exists():
    assert time.monotonic() < deadline, "{other} never ran beside {me}"
    time.sleep(0.05)
"""


def _side_by_side(pytester: pytest.Pytester) -> Path:
    folder = pytester.path / "markers"
    folder.mkdir()
    for me, other in (("a_first", "b_second"), ("b_second", "a_first")):
        _lab(pytester, f"{me}.py", SIDE_BY_SIDE.format(folder=str(folder), me=me, other=other))
    _lab(pytester, "c_broken.py", "x = 1\nraise ValueError(f'bad x: {x}')\n")
    return folder


def _jobs_run(pytester: pytest.Pytester, *args: str) -> None:
    json_path = pytester.path / "labs.json"
    result = pytester.runpytest_subprocess("--kerasr-labs", "labs", "--kerasr-jobs", "2",
                                           "--kerasr-timeout", "120", "--kerasr-json",
                                           str(json_path), "-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=2, failed=1)
    assert "c_broken.py, line 2: ValueError: bad x: 1" in result.stdout.str()
    labs = json.loads(json_path.read_text())["labs"]
    assert [(Path(lab["lab"]).name, lab["outcome"]) for lab in labs] == [
        ("a_first.py", "passed"), ("b_second.py", "passed"), ("c_broken.py", "failed")]


def test_jobs_run_labs_side_by_side(pytester: pytest.Pytester) -> None:
    """--kerasr-jobs 2: the next lab starts while one runs (the pair below deadlocks one at a
    time); results stay in order, a failing lab started ahead still shows its line."""
    _side_by_side(pytester)
    _jobs_run(pytester, "--kerasr-no-warm")


@pytest.mark.parametrize("runner", [
    ["--kerasr-no-warm"], pytest.param([], marks=pytest.mark.slow, id="warm")], ids=str)
def test_jobs_leftover_lab_is_stopped_when_the_run_ends_early(pytester: pytest.Pytester,
                                                              runner: list[str]) -> None:
    """-x stops the run after the first failure; the lab started ahead of its turn is killed,
    not left running (by the cold runner's close, by the warm runner when its stdin closes)."""
    folder = pytester.path / "markers"
    folder.mkdir()
    _lab(pytester, "a_fails.py", f"""\
        import pathlib, time
        deadline = time.monotonic() + 60
        while not pathlib.Path({str(folder)!r}, "pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        raise RuntimeError("first lab fails")
    """)
    _lab(pytester, "b_forever.py", f"""\
        import os, pathlib, time
        pathlib.Path({str(folder)!r}, "pid").write_text(str(os.getpid()))
        time.sleep(600)
    """)
    result = pytester.runpytest_subprocess("--kerasr-labs", "labs", "--kerasr-jobs", "2",
                                           *runner, "-x", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    pid = int((folder / "pid").read_text())
    assert not _alive(pid), "the lab started ahead outlived the run"


def _alive(pid: int) -> bool:
    import os
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True


def test_ini_labs_and_kernel_missing_skip(pytester: pytest.Pytester) -> None:
    """Labs from the ini file; a notebook whose kernel is not installed is skipped, saying so;
    a jupytext pair runs once (the script)."""
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    _lab(pytester, "pair.py", "print('script half of the pair')\n")
    for name, kernel in (("pair.ipynb", "python3"), ("r_lab.ipynb", "ir")):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel}
        nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
        nbformat.write(nb, str(pytester.path / "labs" / name))
    pytester.makeini("[pytest]\nkerasr_labs = labs\nkerasr_no_warm = true\n")
    result = pytester.runpytest("-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=2)
    out = result.stdout.str()
    assert "needs the Jupyter kernel 'ir', which is not installed here" in out
    assert "paired with pair.py (a jupytext pair)" in out
    assert "labs/r_lab.ipynb" in out  # the skip is reported at the lab, not in the plugin


@pytest.fixture
def keras_imported() -> None:
    """Import Keras in this process first: pytester's in-process runs drop the modules an inner
    run imports, and TensorFlow cannot be imported twice in one process."""
    from kerasr import _keras

    _keras.keras()


@pytest.mark.usefixtures("keras_imported")
def test_kerasr_fast_fixture_caps_a_real_fit(pytester: pytest.Pytester) -> None:
    """Hand-written tests: kerasr_fast caps epochs and batches; tiny_data and the
    expectations work on a real fit (in-process, Keras already imported by this suite)."""
    pytester.makepyfile(test_course="""
        from kerasr import (compile, fit, keras_model_sequential, layer_dense, optimizer_sgd,
                            set_random_seed)
        from kerasr.testing.expectations import expect_finite, expect_learns

        def test_boston(kerasr_fast, tiny_data):
            (x, y), (x_test, y_test) = tiny_data("boston", 200, 20)
            assert x.shape == (200, 13) and x_test.shape == (20, 13)
            x = (x - x.mean(0)) / x.std(0)
            set_random_seed(1)
            model = keras_model_sequential() >> layer_dense(units=1, input_shape=13)
            model >> compile(optimizer=optimizer_sgd(learning_rate=0.05), loss="mse")
            history = model >> fit(x, y, epochs=100, batch_size=16)
            assert kerasr_fast.max_epochs == 2 and kerasr_fast.max_steps == 4
            assert len(history.metrics["loss"]) == 2 and history.params["steps"] == 4
            expect_finite(history)
            expect_learns(history)

        def test_unknown_data(tiny_data):
            tiny_data("bostn")
    """)
    result = pytester.runpytest_inprocess("--kerasr-max-epochs", "2", "--kerasr-max-steps", "4",
                                          "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    assert "tiny_data(): no data set 'bostn'; did you mean `boston`?" in result.stdout.str()


@pytest.mark.usefixtures("keras_imported")
def test_seed_and_fresh_session_before_every_test(pytester: pytest.Pytester) -> None:
    """With the plugin engaged, each test starts from --kerasr-seed and a cleared Keras
    session (layer names restart), so a failure repeats on its own."""
    pytester.makepyfile(test_course="""
        import numpy as np
        from kerasr import layer_dense

        def test_a():
            print("draw", np.random.rand(), layer_dense(units=1).name)

        def test_b():
            print("draw", np.random.rand(), layer_dense(units=1).name)
    """)
    result = pytester.runpytest_inprocess("--kerasr-seed", "3", "-rP", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    import re

    draws = re.findall(r"draw (\S+) (\S+)", result.stdout.str())
    expected = str(np.random.RandomState(3).rand())
    assert draws == [(expected, "dense"), (expected, "dense")]


# -- end to end: Keras labs through the warm runner, a notebook in a real kernel ------------------
@pytest.mark.slow
def test_keras_lab_capped_and_summarised(pytester: pytest.Pytester) -> None:
    _lab(pytester, "regression.py", KERAS_LAB.format(epochs=3))
    json_path = pytester.path / "out.json"
    result = pytester.runpytest("--kerasr-fast", "--kerasr-labs", "labs", "--kerasr-seed", "1",
                                "--kerasr-json", str(json_path), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "kerasr labs (caps: 3 epochs x 2 batches, eager, seed 1)" in result.stdout.str()
    lab = json.loads(json_path.read_text())["labs"][0]
    assert lab["outcome"] == "passed" and len(lab["fits"]) == 1
    fit = lab["fits"][0]
    assert fit["epochs"] == 3 and fit["steps"] == 2  # 50 epochs x 100 batches, capped
    assert fit["final"]["loss"] < fit["first_loss"]
    assert set(fit["final"]) == {"loss", "mae", "val_loss", "val_mae"}


@pytest.mark.slow
def test_jobs_through_the_warm_runner(pytester: pytest.Pytester) -> None:
    """The warm runner forks the next lab while one runs (--kerasr-jobs 2)."""
    _side_by_side(pytester)
    _jobs_run(pytester)


@pytest.mark.slow
def test_notebook_runs_in_a_real_kernel(pytester: pytest.Pytester) -> None:
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    jupytext = pytest.importorskip("jupytext")
    good = jupytext.reads(KERAS_LAB.format(epochs=2), fmt="py:percent")
    good.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                   "language": "python"}
    (pytester.path / "labs").mkdir()
    nbformat.write(good, str(pytester.path / "labs" / "good.ipynb"))
    bad = nbformat.v4.new_notebook()
    bad.metadata["kernelspec"] = good.metadata["kernelspec"]
    bad.cells = [nbformat.v4.new_markdown_cell("# broken"), nbformat.v4.new_code_cell("a = 1"),
                 nbformat.v4.new_code_cell("b = a + undefined_name")]
    nbformat.write(bad, str(pytester.path / "labs" / "bad.ipynb"))
    json_path = pytester.path / "out.json"
    result = pytester.runpytest("--kerasr-labs", "labs", "--kerasr-max-epochs", "2",
                                "--kerasr-max-steps", "5", "--kerasr-json", str(json_path),
                                "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "bad.ipynb: cell 3 failed: NameError: name 'undefined_name' is not defined" in out
    assert "b = a + undefined_name" in out
    labs = {lab["lab"]: lab for lab in json.loads(json_path.read_text())["labs"]}
    fit = labs["labs/good.ipynb"]["fits"][0]
    assert fit["epochs"] == 2 and fit["steps"] == 5


@pytest.mark.slow
def test_r_lab_is_translated_or_skipped_with_the_reason(pytester: pytest.Pytester) -> None:
    _lab(pytester, "lab.R", """\
        library(keras)
        model <- keras_model_sequential() %>%
          layer_dense(units = 1, input_shape = c(3))
        model %>% compile(optimizer = "sgd", loss = "mse")
    """)
    result = pytester.runpytest("--kerasr-fast", "--kerasr-labs", "labs", "-rs",
                                "-p", "no:cacheprovider")
    try:
        from kerasr.translate import translate_r  # noqa: F401
    except ImportError:
        result.assert_outcomes(skipped=1)
        assert "R labs need kerasr's R translator" in result.stdout.str()
    else:
        result.assert_outcomes(passed=1)
        assert "labs/lab.R" in result.stdout.str()


def test_plugin_module_imports_no_keras() -> None:
    """The plugin is loaded into every pytest run where kerasr is installed."""
    import subprocess

    code = ("import sys, kerasr.testing.plugin; "
            "print('keras' in sys.modules, 'tensorflow' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_docs_list_every_option_and_the_workflow_uses_real_ones(pytester: pytest.Pytester) -> None:
    import re

    import yaml

    from kerasr.testing.options import _OPTIONS

    root = Path(__file__).resolve().parents[1]
    page = (root / "docs" / "testing-your-course.md").read_text()
    for name in _OPTIONS:
        assert f"`--kerasr-{name.replace('_', '-')}" in page, name
        assert f"`kerasr_{name} =" in page, name
    assert "(examples/course-ci.yml)" in page
    workflow = yaml.safe_load((root / "docs" / "examples" / "course-ci.yml").read_text())
    steps = workflow["jobs"]["labs"]["steps"]
    command = next(s["run"] for s in steps if "pytest" in s.get("run", ""))
    help_text = pytester.runpytest("--help").stdout.str()
    flags = re.findall(r"--kerasr-[a-z-]+", command)
    assert "--kerasr-fast" in flags and "--kerasr-labs" in flags
    assert all(flag in help_text for flag in flags)


@pytest.mark.slow
def test_jax_backend_for_the_labs(pytester: pytest.Pytester) -> None:
    pytest.importorskip("jax")
    _lab(pytester, "on_jax.py", KERAS_LAB.format(epochs=3) + textwrap.dedent("""
        from kerasr import _keras
        assert _keras.keras().backend.backend() == "jax"
    """))
    # a fresh process: the backend is chosen before Keras is first imported, and this test's
    # own process may already run Keras on TensorFlow
    result = pytester.runpytest_subprocess("--kerasr-fast", "--kerasr-backend", "jax",
                                           "--kerasr-labs", "labs", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "caps: 3 epochs x 2 batches, backend jax" in result.stdout.str()


@pytest.mark.slow
def test_warm_runner_is_ready_after_keras_and_imports_the_rest_between_labs(
        tmp_path: Path) -> None:
    """The first lab starts as soon as Keras is imported; scikit-learn, pandas and
    matplotlib are imported while the runner waits, so later labs find them loaded."""
    from kerasr.testing.process import WarmRunner
    from kerasr.testing.runner import PRELOAD_LATER

    script = tmp_path / "which.py"
    script.write_text(textwrap.dedent("""\
        import json, os, sys
        loaded = {name: name in sys.modules for name in os.environ["WATCH"].split(",")}
        with open(os.environ["SEEN"], "w") as handle:
            json.dump({"keras": "keras" in sys.modules, **loaded}, handle)
    """))

    def spec(n: int) -> Path:
        path = tmp_path / f"spec{n}.json"
        path.write_text(json.dumps({
            "script": str(script), "cwd": str(tmp_path), "output": str(tmp_path / "out.txt"),
            "result": str(tmp_path / f"result{n}.json"),
            "env": {"WATCH": ",".join(PRELOAD_LATER), "SEEN": str(tmp_path / f"seen{n}.json")},
        }))
        return path

    runner = WarmRunner({**os.environ, "MPLBACKEND": "Agg"}, tmp_path / "runner.log")
    try:
        assert runner.run(spec(0), timeout=120).code == 0
        first = json.loads((tmp_path / "seen0.json").read_text())
        assert first["keras"] and not first["sklearn.metrics"], first  # did not wait for it
        for n in range(1, 120):
            assert runner.run(spec(n), timeout=60).code == 0
            seen = json.loads((tmp_path / f"seen{n}.json").read_text())
            if all(seen.values()):
                break
            time.sleep(0.5)
        assert all(seen.values()), seen
    finally:
        runner.close()
