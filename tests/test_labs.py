"""The course labs: each runs in fast mode as a script (through ``kerasr lab run``) and as an
executed notebook (nbclient, one shared python3 kernel), and its results and figures are checked.

Offline throughout. The MNIST lab trains on the 10,000 real MNIST test images of
``../shared/data/mnist`` (split 8,000 / 2,000; skipped when that folder is absent).
Fashion-MNIST is generated here in the IDX format and handed to the labs through
``KERASR_LAB_FASHION_MNIST_DIR`` (the loader's pinned SHA-256 digests rule out a fake file in
the cache). Household power is generated in the UCI zip format at the exact size the registry
pins (no digest is published for it), placed in a temporary ``KERASR_DATA_DIR`` cache and
parsed by the real loader.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kerasr import cli
from kerasr.lab_catalog import LABS

ROOT = Path(__file__).resolve().parents[1]
LAB_DIR = ROOT / "labs"
SHARED = ROOT.parent / "shared" / "data"
MNIST_DIR = SHARED / "mnist"
HAS_MNIST = (MNIST_DIR / "t10k-images-idx3-ubyte.gz").is_file()
NAMES = [lab.name for lab in LABS]

#: The figures each lab must write.
FIGURES = {
    "baby_steps": ["ols_history.png", "sine_fit.png", "sine_history.png", "learning_rates.png",
                   "early_stopping_history.png", "relu_output.png"],
    "perceptrons": ["decision_boundaries.png"],
    "boston": ["kfold_mae.png", "history.png", "predicted_vs_actual.png"],
    "kyphosis": ["roc_curves.png", "functional_history.png", "auc_by_split.png"],
    "mnist_mlp": ["mnist_history.png", "mnist_confusion.png", "mnist_misclassified.png",
                  "fashion_history.png", "fashion_confusion.png", "fashion_misclassified.png"],
    "fashion_cnn": ["history.png", "per_class_accuracy.png"],
    "lstm_power": ["series.png", "history.png", "forecast.png"],
    "imdb": ["mlp_history.png", "embedding_history.png"],
    "image_folders": ["augmented_samples.png", "history.png"],
}


# -- generated data -------------------------------------------------------------------------------
def _write_fashion(folder: Path) -> None:
    """A small learnable Fashion-MNIST stand-in: ten blurred templates plus noise, as IDX."""
    from kerasr.data_loaders import write_idx

    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    templates = rng.uniform(0, 1, (10, 7, 7)).repeat(4, axis=1).repeat(4, axis=2)
    for part, n in (("train", 1500), ("t10k", 500)):
        y = rng.integers(0, 10, n).astype(np.uint8)
        x = np.clip(templates[y] * 200 + rng.normal(0, 90, (n, 28, 28)), 0, 255).astype(np.uint8)
        write_idx(x, folder / f"{part}-images-idx3-ubyte.gz")
        write_idx(y, folder / f"{part}-labels-idx1-ubyte.gz")


def _household_zip(size: int, rows: int = 345_000) -> bytes:
    """The UCI zip (one member, ';'-separated, CRLF, d/m/yyyy dates) with hourly-patterned data,
    cut and padded (with a zip comment) to exactly ``size`` bytes."""
    from kerasr.data_loaders.household_power import COLUMNS, MEMBER

    rng = np.random.default_rng(3)
    t = pd.date_range("2006-12-16 17:24", periods=rows, freq="min")
    hour = t.hour.to_numpy() + t.minute.to_numpy() / 60
    hourly_noise = np.repeat(rng.normal(0, 0.3, rows // 60 + 1), 60)[:rows]
    level = np.cumsum(rng.normal(0, 0.002, rows))
    gap = np.clip(1.2 + 0.8 * np.sin(2 * np.pi * (hour - 7) / 24) + hourly_noise + level
                  + rng.normal(0, 0.2, rows), 0.08, None)
    frame = pd.DataFrame({
        "Date": t.day.astype(str) + "/" + t.month.astype(str) + "/" + t.year.astype(str),
        "Time": t.strftime("%H:%M:%S"),
        COLUMNS[0]: gap, COLUMNS[1]: gap * 0.1, COLUMNS[2]: 240 - 2 * gap,
        COLUMNS[3]: gap * 4.2, COLUMNS[4]: rng.integers(0, 3, rows).astype(float),
        COLUMNS[5]: rng.integers(0, 3, rows).astype(float), COLUMNS[6]: np.round(gap * 8),
    })
    lines = frame.to_csv(sep=";", index=False, float_format="%.3f",
                         lineterminator="\r\n").split("\r\n")[:-1]

    def build(body: list[str], comment: bytes = b"") -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(MEMBER, "\r\n".join(body) + "\r\n")
            zf.comment = comment
        return buffer.getvalue()

    data = build(lines)
    while len(data) > size:  # drop rows until it fits, then pad with a comment
        lines = lines[: -((len(data) - size) // 70 + 1)]
        data = build(lines)
    assert size - len(data) < 65_536, "too few rows to reach the pinned size"
    data = build(lines, b" " * (size - len(data)))
    assert len(data) == size
    return data


def _write_imdb(folder: Path) -> None:
    """A small learnable IMDB stand-in in Keras's formats (wave2.md 7.3): an npz of object
    arrays of Python int lists whose sentiment words decide the 0/1 label, and a word index."""
    folder.mkdir(parents=True)
    common = ["the", "and", "a", "of", "to", "is", "in", "it", "i", "this", "that", "was",
              "as", "for", "with", "movie", "but", "film", "on", "not"]
    positive = ["great", "excellent", "wonderful", "best", "loved", "perfect", "beautiful",
                "brilliant", "amazing", "story"]
    negative = ["worst", "awful", "boring", "waste", "bad", "terrible", "poor", "horrible",
                "time", "dull"]
    words = common + positive + negative + [f"word{i}" for i in range(1500)]
    ranks = {w: i + 1 for i, w in enumerate(words)}
    rng = np.random.default_rng(0)

    def reviews(n: int) -> tuple[np.ndarray, np.ndarray]:
        x = np.empty(n, dtype=object)
        y = rng.integers(0, 2, n)
        for i, label in enumerate(y):
            length = int(rng.integers(20, 120))
            body = rng.integers(1, len(words) + 1, length)
            cues = rng.choice([ranks[w] for w in (positive if label else negative)],
                              size=max(2, length // 8))
            body[rng.choice(length, size=len(cues), replace=False)] = cues
            x[i] = [int(w) for w in body]
        return x, y

    (x_train, y_train), (x_test, y_test) = reviews(2000), reviews(1000)
    np.savez(folder / "imdb.npz", x_train=x_train, y_train=y_train, x_test=x_test,
             y_test=y_test)
    (folder / "imdb_word_index.json").write_text(json.dumps(ranks))


@pytest.fixture(scope="session")
def lab_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment variables pointing the labs at offline data (generated or real)."""
    from kerasr.data_loaders import registry

    base = tmp_path_factory.mktemp("lab-data")
    _write_fashion(base / "fashion")
    _write_imdb(base / "imdb")
    cache = base / "cache"
    cache.mkdir()
    entry = registry.get("household_power_consumption.zip")
    assert entry.sha256 is None and entry.size  # size-pinned only: a generated zip can stand in
    (cache / entry.name).write_bytes(_household_zip(entry.size))
    env = {
        "KERASR_FAST": "1",
        "KERASR_DATA_DIR": str(cache),
        "KERASR_LAB_FASHION_MNIST_DIR": str(base / "fashion"),
        "KERASR_LAB_IMDB_DIR": str(base / "imdb"),
        "KERASR_DOWNLOAD_RETRIES": "0",
        "KERASR_DOWNLOAD_TIMEOUT": "2",
    }
    if HAS_MNIST:
        env["KERASR_LAB_MNIST_DIR"] = str(MNIST_DIR)
    return env


def _needs_data(name: str) -> None:
    if name == "mnist_mlp" and not HAS_MNIST:
        pytest.skip(f"real MNIST test images absent ({MNIST_DIR})")


# -- checks ---------------------------------------------------------------------------------------
def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def check_results(name: str, out: Path) -> dict:
    """The lab's results.json and figures, checked against what the lab is meant to show."""
    results = json.loads((out / "results.json").read_text())
    for figure in FIGURES[name]:
        data = (out / figure).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000, figure
    r = results
    if name == "baby_steps":
        assert abs(r["nn_intercept"] - r["ols_intercept"]) < 0.3
        assert abs(r["nn_slope"] - r["ols_slope"]) < 0.4
        assert abs(r["ols_intercept"] - 30) < 0.2 and abs(r["ols_slope"] - 5) < 0.3
        assert r["unshuffled_final_val_loss"] > 2 * r["sine_final_val_loss"]
        assert r["min_val_loss lr 1e-05"] > r["min_val_loss lr 0.1"]
        assert r["relu_zero_share"] == 1.0 and r["relu_final_loss"] > 1e4
        assert abs(r["relu_linear_slope"] - r["relu_ols_slope"]) < 1.5
        assert abs(r["relu_linear_intercept"] - r["relu_ols_intercept"]) < 6
        assert r["early_stopping_epochs"] >= 1
    elif name == "perceptrons":
        assert r["single_and_accuracy"] == 1.0 and r["single_or_accuracy"] == 1.0
        assert r["single_xor_accuracy"] <= 0.75
        assert r["hidden_xor_accuracy"] == 1.0
    elif name == "boston":
        assert _finite(r["test_mae"]) and r["test_mae"] < r["baseline_mae"]
        assert r["baseline_mae"] == pytest.approx(6.53, abs=0.01)
        assert all(_finite(v) for v in r["cv_fold_mae"])
    elif name == "kyphosis":
        assert 0.6 <= r["glm_auc"] <= 1
        for key in ("nn_auc", "functional_auc"):
            assert 0.5 <= r[key] <= 1, key
        assert r["nn_rows_sum_to_one"] is True
        assert r["glm_auc"] == pytest.approx(0.882, abs=0.005)  # split 5; glm ignores fast mode
        assert r["n_splits"] == 2
        for key in ("glm", "nn", "functional"):
            by_split = r[f"{key}_auc_by_split"]
            assert len(by_split) == 2 and all(0 <= v <= 1 for v in by_split), key
            assert r[f"{key}_auc_mean"] == pytest.approx(np.mean(by_split)), key
        assert r["glm_auc_by_split"] == pytest.approx([0.779, 0.647], abs=0.005)
    elif name == "mnist_mlp":
        assert r["mnist_n_train"] == 8000 and r["mnist_n_test"] == 2000
        assert r["mnist_test_accuracy"] > 0.90
        assert r["fashion_test_accuracy"] > 0.5
    elif name == "fashion_cnn":
        assert r["checkpoint_saved"] is True and (out / "fashion_cnn.best.hdf5").is_file()
        assert _finite(r["test_loss"]) and r["test_accuracy"] > 0.2
    elif name == "lstm_power":
        assert _finite(r["persistence_mae"]) and r["persistence_mae"] > 0
        assert _finite(r["lstm_mae"]) and r["n_train_windows"] > 1000
    elif name == "imdb":
        assert r["n_train"] == 2000 and r["n_test"] == 1000 and r["num_words"] == 1000
        assert r["mlp_test_accuracy"] > 0.8 and r["embedding_test_accuracy"] > 0.75
        for model in ("new_review_mlp", "new_review_embedding"):
            assert r[model]["positive"] > 0.5 > r[model]["negative"], model
        assert r["first_review_start"].startswith("? ")  # index 1, the start mark, decodes as ?
    elif name == "image_folders":
        assert r["class_indices"] == {"spots": 0, "stripes": 1} and r["n_train"] == 160
        assert r["batch_shape"] == [20, 48, 48, 3]
        assert r["cnn_test_accuracy"] > 0.8 and r["cnn_final_val_accuracy"] > 0.8
        assert r["transfer_learning"] == "skipped (fast mode)"
    return results


# -- catalog, command line, notebooks in sync -----------------------------------------------------
def test_catalog_matches_lab_files() -> None:
    scripts = sorted(p.stem for p in LAB_DIR.glob("*.py") if not p.name.startswith("_"))
    assert sorted(NAMES) == scripts
    assert set(FIGURES) == set(NAMES)
    offline = {lab.name: lab.offline for lab in LABS}
    assert offline == {"baby_steps": True, "perceptrons": True, "boston": True,
                       "kyphosis": True, "mnist_mlp": False, "fashion_cnn": False,
                       "lstm_power": False, "imdb": False, "image_folders": False}


def test_lab_list_command() -> None:
    kerasr = Path(sys.executable).with_name("kerasr")
    command = [str(kerasr)] if kerasr.exists() else [sys.executable, "-m", "kerasr.cli"]
    done = subprocess.run([*command, "lab", "list"], capture_output=True, text=True,
                          timeout=60, check=True)
    for lab in LABS:
        assert lab.name in done.stdout
    assert "no " in done.stdout and "yes" in done.stdout


def test_lab_notebook_command_names_the_notebook_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["lab", "notebook", "boston", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert (tmp_path / "boston.ipynb").is_file()
    assert "pip install 'kerasr[notebook]'" in printed and "jupyter lab" in printed
    assert "boston-output/" in printed
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert any(req.startswith("jupyterlab") for req in extras["notebook"])
    assert any(req.startswith("ipykernel") for req in extras["notebook"])


def test_data_fetch_help_lists_the_data_sets(capsys: pytest.CaptureFixture[str]) -> None:
    from kerasr.data_loaders.manage import DATASETS

    with pytest.raises(SystemExit) as done:
        cli.main(["data", "fetch", "--help"])
    assert done.value.code == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "one of: " + ", ".join(DATASETS) in printed


def test_lab_out_defaults_to_a_folder_the_lab_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run by hand or as a notebook, a lab writes into NAME-output/, never beside itself;
    plot()'s Rplots.png is off in labs (show() saves each figure by name)."""
    from matplotlib.figure import Figure

    from kerasr import lab_support
    from kerasr.display import plot_file
    from kerasr.options import set_option

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KERASR_LAB_OUT", raising=False)
    monkeypatch.delenv("KERASR_PLOT_FILE", raising=False)
    monkeypatch.setattr(lab_support, "_chosen", ["."])
    try:
        assert lab_support.lab_out("boston") == "boston-output"
        assert plot_file() is None
    finally:
        set_option("kerasr.plot_file", None)
    assert "boston-output" in capsys.readouterr().out
    fig = Figure()
    fig.add_subplot().plot([1, 2], [3, 4])
    lab_support.show(fig, "line.png")
    lab_support.write_results({"mae": 2.5})
    assert sorted(p.name for p in (tmp_path / "boston-output").iterdir()) == [
        "line.png", "results.json"]
    assert json.loads((tmp_path / "boston-output" / "results.json").read_text()) == {"mae": 2.5}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boston-output"]
    monkeypatch.setenv("KERASR_LAB_OUT", str(tmp_path / "elsewhere"))
    assert lab_support.lab_out("boston") == str(tmp_path / "elsewhere")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_in_sync_with_script(name: str) -> None:
    """The committed .ipynb holds exactly the cells jupytext makes from the .py
    (regenerate with ``python tools/sync_labs.py``)."""
    jupytext = pytest.importorskip("jupytext")
    nbformat = pytest.importorskip("nbformat")
    fresh = jupytext.read(LAB_DIR / f"{name}.py")
    committed = nbformat.read(LAB_DIR / f"{name}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in fresh.cells
    ], f"labs/{name}.ipynb is out of date: run python tools/sync_labs.py"
    assert committed.metadata["kernelspec"]["name"] == "python3"
    assert all(not c.get("outputs") for c in committed.cells if c.cell_type == "code")


@pytest.mark.usefixtures("no_network")
def test_download_lab_fails_offline_with_the_loaders_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an empty cache and no network, a download lab stops with the URL and the path."""
    monkeypatch.setenv("KERASR_DATA_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    monkeypatch.setenv("KERASR_DOWNLOAD_TIMEOUT", "2")
    monkeypatch.setenv("KERASR_FAST", "1")
    monkeypatch.setenv("KERASR_LAB_OUT", str(tmp_path))
    monkeypatch.delenv("KERASR_LAB_FASHION_MNIST_DIR", raising=False)
    code = cli.main(["lab", "run", "fashion_cnn", "--fast", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "kerasr: error:" in err and "fashion-mnist" in err
    assert "http" in err and str(tmp_path / "empty-cache") in err


# -- the labs, as scripts -------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_lab_runs_as_script(
    name: str, lab_data: dict[str, str], notebooks: NotebookRunner | None, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """``kerasr lab run NAME --fast --out DIR``, in this process (Keras is imported once);
    the notebooks meanwhile run in their kernel (the ``notebooks`` fixture)."""
    _needs_data(name)
    for key, value in lab_data.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("KERASR_LAB_OUT", str(tmp_path))  # restored after the test
    out = tmp_path / "out"
    assert cli.main(["lab", "run", name, "--fast", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"lab {name!r} finished" in printed and "results.json" in printed
    check_results(name, out)


# -- the labs, as notebooks -----------------------------------------------------------------------
def _execute_notebook(name: str, km, out: Path):
    """Execute the committed notebook in kernel ``km``, writing into ``out``; returns it."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(LAB_DIR / f"{name}.ipynb", as_version=4)
    setup = (
        "import os, keras\n"
        f"os.environ['KERASR_LAB_OUT'] = {str(out)!r}\n"
        f"os.chdir({str(out)!r})\n"
        "keras.backend.clear_session()"
    )
    nb.cells.insert(0, nbformat.v4.new_code_cell(setup))
    NotebookClient(nb, km=km, timeout=600, allow_errors=False).execute()
    return nb


class NotebookRunner:
    """Executes the lab notebooks one after another in a background thread, in one shared
    python3 kernel (Keras is imported once), while the script tests run in this process: the
    kernel and pytest then use two cores instead of one."""

    def __init__(self, km, base: Path, names: list[str]) -> None:
        self.km, self.base, self.names = km, base, names
        self.done = {name: threading.Event() for name in names}
        self.outcome: dict[str, tuple[Path, object, BaseException | None]] = {}
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="lab-notebooks", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for name in self.names:
            if self.stopping:
                break
            out = self.base / name
            out.mkdir()
            try:
                self.outcome[name] = (out, _execute_notebook(name, self.km, out), None)
            except BaseException as exc:  # reported by the test of that notebook
                self.outcome[name] = (out, None, exc)
            self.done[name].set()

    def result(self, name: str):
        assert self.done[name].wait(timeout=1800), f"notebook {name} did not finish"
        assert name in self.outcome, f"notebook {name} was not run"
        out, nb, error = self.outcome[name]
        if error is not None:
            raise error
        return out, nb


@pytest.fixture(scope="session")
def notebooks(
    request: pytest.FixtureRequest, lab_data: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
):
    """The notebook runner, started by the first lab test (script or notebook); None when
    the notebook tooling (nbclient, ipykernel) is not installed."""
    try:
        import ipykernel  # noqa: F401
        import nbclient  # noqa: F401
        from jupyter_client.manager import KernelManager
    except ImportError:
        yield None
        return

    km = KernelManager(kernel_name="python3")
    env = {**os.environ, **lab_data, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("MPLBACKEND", None)  # the notebook's own inline backend
    km.start_kernel(env=env, cwd=str(tmp_path_factory.mktemp("kernel")))
    selected = {item.callspec.params["name"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_lab_runs_as_notebook"}
    names = [n for n in NAMES if n in selected and (n != "mnist_mlp" or HAS_MNIST)]
    runner = NotebookRunner(km, tmp_path_factory.mktemp("notebooks"), names)
    yield runner
    runner.stopping = True  # a partial run (-k) does not wait for the remaining notebooks
    km.shutdown_kernel(now=True)
    runner.thread.join(timeout=60)


@pytest.mark.parametrize("name", NAMES)
def test_lab_runs_as_notebook(name: str, notebooks: NotebookRunner | None) -> None:
    """The committed notebook, executed by nbclient; figures are displayed and written."""
    _needs_data(name)
    if notebooks is None:
        pytest.skip("nbclient and ipykernel are needed to execute the notebooks")
    out, nb = notebooks.result(name)
    check_results(name, out)
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) >= len(FIGURES[name]), "every saved figure is also shown"


# -- a lab through kerasr's pytest plugin (kerasr.testing) -----------------------------------------
@pytest.mark.slow
def test_lab_runs_through_the_pytest_plugin(lab_data: dict[str, str], tmp_path: Path) -> None:
    """``pytest --kerasr-fast --kerasr-labs labs/`` in a fresh course folder holding the kyphosis
    lab: one passing item, every fit capped to 3 epochs, the lab's figures and results written
    (the numbers themselves are not checked: capped fits learn little)."""
    course = tmp_path / "course"
    (course / "labs").mkdir(parents=True)
    (course / "labs" / "kyphosis.py").write_text((LAB_DIR / "kyphosis.py").read_text())
    summary = tmp_path / "labs.json"
    env = {**os.environ, **lab_data, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--kerasr-fast", "--kerasr-labs", "labs",
         "--kerasr-seed", "1", "--kerasr-json", str(summary), "-p", "no:cacheprovider"],
        cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "kerasr labs (caps: 3 epochs x 2 batches" in done.stdout
    (lab,) = json.loads(summary.read_text())["labs"]
    assert lab["lab"] == "labs/kyphosis.py" and lab["outcome"] == "passed"
    assert len(lab["fits"]) >= 2 and all(fit["epochs"] <= 3 for fit in lab["fits"])
    out = Path(lab["output"]) / "out"
    results = json.loads((out / "results.json").read_text())
    assert 0.6 <= results["glm_auc"] <= 1 and results["nn_rows_sum_to_one"] is True
    for figure in FIGURES["kyphosis"]:
        assert (out / figure).read_bytes().startswith(b"\x89PNG"), figure


@pytest.mark.slow
def test_kyphosis_full_mode_reaches_the_logistic_regression(tmp_path: Path) -> None:
    """``kerasr lab run kyphosis`` in full mode (about a minute): on the lab's split the
    one-layer network on scaled inputs ranks the test rows as the logistic regression does,
    and over ten splits the embedding network's mean AUC is within reach of the glm's."""
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k not in ("KERASR_FAST", "KERASR_LAB_OUT")}
    done = subprocess.run(
        [sys.executable, "-m", "kerasr.cli", "lab", "run", "kyphosis", "--out", str(out)],
        env={**env, "MPLBACKEND": "Agg"}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    r = json.loads((out / "results.json").read_text())
    for figure in FIGURES["kyphosis"]:
        assert (out / figure).read_bytes().startswith(b"\x89PNG"), figure
    assert r["n_splits"] == 10
    assert r["nn_auc"] == pytest.approx(r["glm_auc"], abs=0.02)
    assert r["nn_auc_mean"] == pytest.approx(r["glm_auc_mean"], abs=0.02)
    assert r["glm_auc_mean"] == pytest.approx(0.812, abs=0.005)
    assert r["glm_auc_mean"] - 0.08 <= r["functional_auc_mean"] <= r["glm_auc_mean"] + 0.05
    assert r["functional_auc_by_split"][5] == pytest.approx(r["functional_auc"])  # same split
