"""kerasr's pytest plugin: smoke-test R-style labs and notebooks on CPU in seconds.

Registered through the ``pytest11`` entry point, so it is active wherever kerasr is installed,
and inert until one of its options is given: no Keras import, no fixture that runs by itself,
no change to collection or reports.

- ``--kerasr-labs DIR`` (ini ``kerasr_labs``): every lab in DIR is a test item.
- ``--kerasr-fast``: caps every ``fit()``/``evaluate()``; ``--kerasr-max-epochs N``,
  ``--kerasr-max-steps N`` set the caps; ``--kerasr-timeout S`` stops a lab that runs too long.
- ``--kerasr-backend jax|tensorflow``, ``--kerasr-seed N``, ``--kerasr-json PATH``.
- Fixtures: ``kerasr_fast``, ``keras_session``, ``tiny_data``; helpers in
  :mod:`kerasr.testing.expectations`.

R: ``testthat::test_dir("tests")``
Python: ``pytest --kerasr-fast --kerasr-labs labs/``
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .labs import PROPERTY, STATE_KEY, LabFile, is_lab_file
from .options import DEFAULT_MAX_EPOCHS, DEFAULT_MAX_STEPS, Settings, add_options, read_settings

__all__ = ["Caps", "keras_session", "kerasr_fast", "tiny_data"]


# -- session state -------------------------------------------------------------------------------
class State:
    """The run's settings, its lab runner (started on first use) and the lab reports."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.labs: list[dict[str, Any]] = []
        self._runner: Any = None
        self._tmp: Path | None = None
        self._count = 0
        self.launches: dict[str, Any] = {}  # nodeid -> Launch, script labs started ahead

    def tmp(self) -> Path:
        if self._tmp is None:
            factory = getattr(self.config, "_tmp_path_factory", None)
            self._tmp = (factory.mktemp("kerasr-labs") if factory is not None
                         else Path(tempfile.mkdtemp(prefix="kerasr-labs-")))
        return self._tmp

    def new_workdir(self, name: str) -> Path:
        self._count += 1
        path = self.tmp() / f"{self._count:03d}-{name}"
        path.mkdir()
        return path

    def display_path(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.config.rootpath))
        except ValueError:
            return str(path)

    def runner_env(self) -> dict[str, str]:
        env = {**os.environ, **self.settings.lab_environment(), "MPLBACKEND": "Agg"}
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        # the child must import the kerasr this pytest uses, even from a source checkout
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        return env

    def runner(self) -> Any:
        from .process import ColdRunner, WarmRunner

        if self._runner is None:
            if self.settings.warm:
                self._runner = WarmRunner(self.runner_env(), self.tmp() / "runner.log")
            else:
                self._runner = ColdRunner(self.runner_env())
        return self._runner

    def take_launch(self, item: Any) -> Any:
        """The lab ``item`` started ahead of its turn (``--kerasr-jobs``), or None."""
        return self.launches.pop(item.nodeid, None)

    def launch_ahead(self, item: Any) -> None:
        """With ``--kerasr-jobs N``: while ``item`` runs, start the script labs that follow it
        in the run, so that up to N labs run at once (each in its own process, forked from
        the same warm runner). Not under xdist (its workers get their items one by one)."""
        jobs = self.settings.jobs
        if jobs <= 1 or hasattr(self.config, "workerinput"):
            return
        from .labs import LabItem

        items = item.session.items
        try:
            following = items[items.index(item) + 1:]
        except ValueError:
            return
        for other in following:
            if len(self.launches) >= jobs - 1:
                break
            if (not isinstance(other, LabItem) or other.kind == "notebook"
                    or other.nodeid in self.launches or other.pairing_skip()
                    or any(other.get_closest_marker(name) for name in ("skip", "skipif"))):
                continue
            self.launches[other.nodeid] = other.new_launch()

    def close(self) -> None:
        self.launches.clear()
        if self._runner is not None:
            self._runner.close()
            self._runner = None


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(trylast=True)  # after pytest's tmp_path factory exists
def pytest_configure(config: pytest.Config) -> None:
    settings = read_settings(config)
    if not settings.engaged:
        return
    state = State(config, settings)
    config.stash[STATE_KEY] = state
    config.pluginmanager.register(Reporter(state), "kerasr-reporter")
    config.addinivalue_line("markers", "kerasr_lab: a lab run by the kerasr plugin")
    if settings.backend:
        os.environ["KERAS_BACKEND"] = settings.backend
    if settings.labs:
        _add_lab_paths(config, settings)
        if _runs_labs_here(config):
            state.runner()  # Keras imports in the warm runner while pytest collects


def _runs_labs_here(config: pytest.Config) -> bool:
    """False for --collect-only, --help and an xdist controller (its workers run the labs)."""
    if config.getoption("collectonly", False) or config.getoption("help", False):
        return False
    is_worker = hasattr(config, "workerinput")
    return is_worker or not config.getoption("numprocesses", None)


def _add_lab_paths(config: pytest.Config, settings: Settings) -> None:
    """Make pytest collect the lab folders: always when given on the command line; from the
    ini file only when pytest was run without paths of its own."""
    explicit = config.args_source == pytest.Config.ArgsSource.ARGS
    if explicit and not settings.labs_from_command_line:
        return
    given = [Path(config.invocation_params.dir, a.split("::")[0]).resolve() for a in config.args]
    for lab in settings.labs:
        if not any(lab == g or g in lab.parents for g in given):
            config.args.append(str(lab))


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if state is not None:
        state.close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> LabFile | None:
    state = parent.config.stash.get(STATE_KEY, None)
    if state is None or not state.settings.labs or not is_lab_file(file_path):
        return None
    path = file_path.resolve()
    if any(path == lab or lab in path.parents for lab in state.settings.labs):
        return LabFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the warm runner (if the labs came from elsewhere than the options), so Keras
    imports while the other tests run."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or not state.settings.warm or not _runs_labs_here(session.config):
        return
    from .labs import LabItem

    if any(isinstance(item, LabItem) and item.kind != "notebook" for item in session.items):
        state.runner()


# -- summary -------------------------------------------------------------------------------------
class Reporter:
    """Collects the labs' records from their reports (also from xdist workers) and prints the
    summary table at the end (and writes the JSON)."""

    def __init__(self, state: State) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when not in ("call", "setup"):
            return
        for name, data in report.user_properties:
            if name == PROPERTY and isinstance(data, dict):
                self.state.labs.append(data)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        labs = self.state.labs
        if not labs:
            return
        from .summary import format_table, summary_json

        settings = self.state.settings
        terminalreporter.write_sep("=", f"kerasr labs ({settings.describe()})")
        for line in format_table(labs):
            terminalreporter.write_line(line)
        if settings.json is not None:
            from .runner import atomic_write_text

            atomic_write_text(settings.json, summary_json(labs, {
                "max_epochs": settings.max_epochs, "max_steps": settings.max_steps,
                "eager": settings.eager, "backend": settings.backend or os.environ.get(
                    "KERAS_BACKEND", "tensorflow"), "seed": settings.seed,
                "timeout": settings.timeout}))
            terminalreporter.write_line(f"kerasr: lab summary written to {settings.json}")


# -- fixtures ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Caps:
    """The caps a ``kerasr_fast`` test runs under."""

    max_epochs: int
    max_steps: int
    eager: bool


@pytest.fixture(autouse=True)
def _kerasr_fresh_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """When the plugin is engaged: a fresh Keras session and the seed before every test
    (Keras is cleared only if some test already imported it)."""
    state = request.config.stash.get(STATE_KEY, None)
    if state is not None and "keras" in sys.modules:
        import kerasr

        kerasr.k_clear_session()
    if state is not None and state.settings.seed is not None:
        from .runner import prepare

        prepare(seed=state.settings.seed)
    yield


@pytest.fixture
def keras_session() -> Iterator[None]:
    """A fresh Keras session for this test: ``k_clear_session()`` before and after.

    R: ``k_clear_session()``
    Python: ``def test_model(keras_session): ...``
    """
    import kerasr

    kerasr.k_clear_session()
    yield
    kerasr.k_clear_session()


@pytest.fixture
def kerasr_fast(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                keras_session: None) -> Iterator[Caps]:
    """The ``--kerasr-fast`` caps for a hand-written test: every ``fit()`` in the test runs at
    most the capped epochs and batches, and TensorFlow runs eagerly (unless --kerasr-graph).

    R: (no equivalent)
    Python: ``def test_lab(kerasr_fast): history = model >> fit(x, y, epochs=100)``
    """
    from kerasr import _keras

    from .caps import cap_environment

    state = request.config.stash.get(STATE_KEY, None)
    settings = state.settings if state is not None else Settings()
    epochs = settings.max_epochs or DEFAULT_MAX_EPOCHS
    steps = settings.max_steps or DEFAULT_MAX_STEPS
    for name, value in cap_environment(epochs, steps).items():
        monkeypatch.setenv(name, value)
    keras = _keras.keras()
    previous_epochs = keras.config.max_epochs()
    keras.config.set_max_epochs(epochs)
    eager = keras.backend.backend() == "tensorflow" and not (
        state is not None and state.settings.fast and not state.settings.eager)
    tf_config = sys.modules["tensorflow"].config if eager else None
    previous_eager = tf_config.functions_run_eagerly() if tf_config else None
    if tf_config:
        tf_config.run_functions_eagerly(True)
    try:
        yield Caps(epochs, steps, eager)
    finally:
        keras.config.set_max_epochs(previous_epochs)
        if tf_config:
            tf_config.run_functions_eagerly(previous_eager)


@pytest.fixture
def tiny_data(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``tiny_data(name, n_train=None, n_test=None)``: a small real slice of a workshop data
    set (boston, kyphosis, mnist, fashion_mnist); skips the test when it is not available
    offline.

    R: ``dataset_boston_housing()``
    Python: ``(x, y), (x_test, y_test) = tiny_data("boston")``
    """
    from .data import DataUnavailable
    from .data import tiny_data as load

    roots = [request.config.rootpath.parent, request.config.rootpath]

    def get(name: str, n_train: int | None = None, n_test: int | None = None) -> Any:
        try:
            return load(name, n_train, n_test, roots=roots)
        except DataUnavailable as exc:
            pytest.skip(str(exc))

    return get

