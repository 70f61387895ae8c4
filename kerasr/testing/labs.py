"""Labs as pytest items: scripts (``.py``, jupytext percent scripts too), notebooks
(``.ipynb``) and R scripts (``.R``, translated to Python when ``kerasr.translate`` is there).

Each item runs its lab in a process of its own with the caps in its environment, records its
time, the fits it ran and their final metrics, and on failure shows the failing line or cell
with its source.

R: (no equivalent)
Python: ``pytest --kerasr-fast --kerasr-labs labs/``
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .caps import ENV_RECORD, read_records
from .runner import atomic_write_text, source_excerpt, timeout_location

__all__ = ["LAB_SUFFIXES", "LabError", "LabFile", "LabItem", "Launch", "is_lab_file"]

LAB_SUFFIXES = {".py": "script", ".ipynb": "notebook", ".r": "R"}
PROPERTY = "kerasr_lab"


def is_lab_file(path: Path) -> bool:
    """A file the plugin runs as a lab (not a helper module, test module or conftest)."""
    name = path.name
    return (path.suffix.lower() in LAB_SUFFIXES and not name.startswith(("_", "."))
            and name != "conftest.py" and not name.startswith("test_")
            and not name.endswith("_test.py"))


class LabError(Exception):
    """A lab failed; ``text`` is the whole report shown for it."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass
class Launch:
    """A lab's working folder and, for a script, its process once started."""

    workdir: Path
    script: Path | None = None
    shown_as: str | None = None
    running: Any = None
    error: BaseException | None = None


class LabFile(pytest.File):
    """One lab file: one item."""

    def collect(self):
        yield LabItem.from_parent(self, name=self.path.name)


class LabItem(pytest.Item):
    """Runs one lab and records what it did."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = LAB_SUFFIXES[self.path.suffix.lower()]
        self.seconds: float | None = None
        self.add_marker(pytest.mark.kerasr_lab)

    # -- helpers ---------------------------------------------------------------------------
    @property
    def state(self) -> Any:
        return self.config.stash[STATE_KEY]

    def _workdir(self) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.path.name)
        return self.state.new_workdir(safe)

    def _record(self, outcome: str, seconds: float, fits: list[dict[str, Any]],
                workdir: Path | None, message: str = "") -> None:
        data = {"lab": self.state.display_path(self.path), "kind": self.kind,
                "outcome": outcome, "seconds": round(seconds, 3), "fits": fits,
                "output": str(workdir) if workdir else None}
        if message:
            data["message"] = message
        self.user_properties.append((PROPERTY, data))

    def _lab_env(self, workdir: Path) -> dict[str, str]:
        out = workdir / "out"
        out.mkdir(exist_ok=True)
        return {**self.state.settings.lab_environment(), "KERASR_LAB_OUT": str(out),
                ENV_RECORD: str(workdir / "fits.jsonl"), "MPLBACKEND": "Agg",
                "PYTEST_CURRENT_TEST": f"{self.nodeid} (call)"}

    # -- pytest ----------------------------------------------------------------------------
    def pairing_skip(self) -> str | None:
        """Why this lab does not run (its jupytext pair runs instead), or None."""
        settings = self.state.settings
        if self.kind == "notebook":
            paired = self.path.with_suffix(".py")
            if settings.paired == "script" and paired.exists():
                return (f"paired with {paired.name} (a jupytext pair), which runs instead; "
                        f"kerasr_paired = notebook or both to run the notebook")
        elif self.kind == "script" and settings.paired == "notebook" and \
                self.path.with_suffix(".ipynb").exists():
            return (f"paired with {self.path.with_suffix('.ipynb').name}, which runs "
                    f"instead (kerasr_paired = notebook)")
        return None

    def runtest(self) -> None:
        reason = self.pairing_skip()
        if reason:
            _skip(reason)
        launch = self.state.take_launch(self)  # started ahead (--kerasr-jobs), or None
        if launch is None:
            launch = self.new_launch()
        self.state.launch_ahead(self)
        workdir = launch.workdir
        started = time.perf_counter()
        try:
            if self.kind == "notebook":
                self._run_notebook(workdir)
            else:
                self._finish_script(launch)
        except LabError as exc:
            self._record("failed", self.seconds or time.perf_counter() - started,
                         read_records(workdir / "fits.jsonl"), workdir,
                         exc.text.splitlines()[0])
            raise
        except pytest.skip.Exception as exc:
            self._record("skipped", time.perf_counter() - started, [], None, str(exc))
            raise
        self._record("passed", self.seconds or time.perf_counter() - started,
                     read_records(workdir / "fits.jsonl"), workdir)

    def new_launch(self) -> Launch:
        """The lab's working folder and, for a script, its process started now (possibly
        ahead of its turn, with ``--kerasr-jobs``). A translation error or a skip is kept
        and raised when the item runs."""
        launch = Launch(self._workdir())
        if self.kind == "notebook":
            return launch  # runs in its kernel when its turn comes
        try:
            launch.script, launch.shown_as = self._script_for(launch.workdir)
            launch.running = self.state.runner().start(self._spec(launch))
        except (LabError, pytest.skip.Exception) as exc:
            launch.error = exc
        return launch

    def _script_for(self, workdir: Path) -> tuple[Path, str | None]:
        """The Python script to run (the R script's translation for .R files)."""
        if self.kind != "R":
            return self.path, None
        try:
            from kerasr.translate import translate_r
        except ImportError as exc:
            _skip(f"{self.path.name}: R labs need kerasr's R translator "
                        f"(kerasr.translate.translate_r), not available here: {exc}")
        try:
            code = translate_r(self.path.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001  -- the translator's message names the line
            raise LabError(f"{self.path.name}: could not translate the R script: "
                           f"{type(exc).__name__}: {exc}") from None
        translated = workdir / (self.path.stem + "_translated.py")
        atomic_write_text(translated, code)
        return translated, str(self.path)

    def _spec(self, launch: Launch) -> Path:
        settings = self.state.settings
        workdir = launch.workdir
        spec = {"script": str(launch.script), "cwd": str(self.path.parent),
                "shown_as": launch.shown_as, "output": str(workdir / "output.txt"),
                "result": str(workdir / "outcome.json"), "env": self._lab_env(workdir),
                "seed": settings.seed, "eager": settings.eager}
        spec_path = workdir / "spec.json"
        atomic_write_text(spec_path, json.dumps(spec))
        return spec_path

    def _finish_script(self, launch: Launch) -> None:
        settings = self.state.settings
        if launch.error is not None:
            raise launch.error
        assert launch.running is not None and launch.script is not None
        workdir, script = launch.workdir, launch.script
        finished = self.state.runner().wait(launch.running, settings.timeout)
        self.seconds = finished.seconds  # the lab's own time, not the runner's start-up
        output = _read(workdir / "output.txt")
        if finished.timed_out:
            line = timeout_location(output, str(script))
            where = ""
            if line:
                where = (f"; it was running line {line}:\n"
                         f"{source_excerpt(_read(script), line, 2, 0)}")
            raise LabError(f"{self.path.name} was stopped after {settings.timeout:g} s "
                           f"(timeout: --kerasr-timeout / kerasr_timeout){where}\n"
                           f"output: {workdir / 'output.txt'}")
        result = workdir / "outcome.json"
        if not result.exists():
            raise LabError(f"{self.path.name}: the lab process ended without a result "
                           f"(exit code {finished.code}; a negative code is the signal that "
                           f"killed it, e.g. -9 when memory ran out)\n"
                           f"--- last output ---\n{_tail(output)}")
        outcome = json.loads(result.read_text(encoding="utf-8"))
        if not outcome["ok"]:
            raise LabError(_script_failure(self.path, script, outcome, output))

    def _run_notebook(self, workdir: Path) -> None:
        from .notebooks import NotebookFailure, NotebookSkip, NotebookTimeout, run_notebook

        settings = self.state.settings
        env = {**os.environ, **self._lab_env(workdir)}
        env.pop("MPLBACKEND", None)  # the notebook's own (inline) backend
        try:
            run_notebook(self.path, env, settings.timeout, settings.seed, settings.eager)
        except NotebookSkip as exc:
            _skip(str(exc))
        except NotebookTimeout as exc:
            raise LabError(f"{self.path.name} was stopped after {settings.timeout:g} s "
                           f"(timeout: --kerasr-timeout / kerasr_timeout) in cell "
                           f"{exc.cell}:\n{_indent(exc.source)}") from None
        except NotebookFailure as exc:
            raise LabError(f"{self.path.name}: cell {exc.cell} failed: {exc.error}\n"
                           f"--- cell {exc.cell} ---\n{_indent(exc.source)}\n"
                           f"--- traceback ---\n{_tail(exc.traceback, 40)}") from None

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:
        if isinstance(excinfo.value, LabError):
            return excinfo.value.text
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.kind} lab {self.path.name}"


def _skip(reason: str) -> None:
    """Skip the lab, reported at the lab's own file rather than at this module."""
    try:
        raise pytest.skip.Exception(reason, _use_item_location=True)
    except TypeError:  # a pytest without the keyword
        pytest.skip(reason)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _script_failure(path: Path, script: Path, outcome: dict[str, Any], output: str) -> str:
    where = path.name
    if outcome.get("line"):
        where += f", line {outcome['line']}"
        if script != path:
            where += f" of the translation {script.name}"
        if outcome.get("cell"):
            where += f" (cell {outcome['cell']})"
    parts = [f"{where}: {outcome['error']}"]
    if outcome.get("source"):
        parts.append(outcome["source"])
    parts.append(f"--- traceback ---\n{_tail(outcome.get('traceback', ''), 30)}")
    printed = _tail(output.split("Traceback (most recent call last)")[0], 15)
    if printed:
        parts.append(f"--- last output ---\n{printed}")
    return "\n".join(parts)


STATE_KEY: pytest.StashKey[Any] = pytest.StashKey()
