"""The plugin's options (``--kerasr-*`` on the command line, ``kerasr_*`` in the ini file),
read into one checked :class:`Settings`.

Every option is also an ini setting (``pytest.ini``'s ``[pytest]`` or ``pyproject.toml``'s
``[tool.pytest.ini_options]``); the command line wins. The plugin is *engaged* only when at
least one of them is given; otherwise it changes nothing.

R: (no equivalent)
Python: ``pytest --kerasr-fast --kerasr-labs labs/ --kerasr-seed 1``
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["DEFAULT_MAX_EPOCHS", "DEFAULT_MAX_STEPS", "DEFAULT_TIMEOUT", "Settings",
           "add_options", "read_settings"]

#: ``--kerasr-fast``'s caps: epochs per fit, batches per epoch (and per evaluate()).
DEFAULT_MAX_EPOCHS = 3
DEFAULT_MAX_STEPS = 2
#: Seconds a lab may run before it is stopped.
DEFAULT_TIMEOUT = 600.0

BACKENDS = ("tensorflow", "jax")
PAIRED = ("script", "notebook", "both")

# name -> (ini type, help); the command-line flag is --kerasr-<name with dashes>
_OPTIONS: dict[str, tuple[str, str]] = {
    "fast": ("bool", "cap every fit() to a few epochs and batches, evaluate() to a few batches, "
                     "run TensorFlow functions eagerly and set KERASR_FAST=1 for the labs"),
    "max_epochs": ("string", f"epochs per fit() (default with --kerasr-fast: "
                             f"{DEFAULT_MAX_EPOCHS})"),
    "max_steps": ("string", f"batches per epoch and per evaluate() (default with "
                            f"--kerasr-fast: {DEFAULT_MAX_STEPS})"),
    "labs": ("paths", "folders (or files) of labs to run as test items: .py scripts (jupytext "
                      "percent scripts too), .ipynb notebooks, .R scripts (translated)"),
    "timeout": ("string", f"seconds each lab may run before it is stopped (default "
                          f"{DEFAULT_TIMEOUT:g})"),
    "json": ("string", "also write the lab summary as JSON to this file"),
    "backend": ("string", "Keras backend for the labs and tests: tensorflow or jax"),
    "seed": ("string", "seed Python, NumPy and Keras with this number before every test and lab"),
    "graph": ("bool", "with --kerasr-fast, keep TensorFlow's compiled functions (no eager)"),
    "no_warm": ("bool", "start every lab in a fresh Python instead of forking it from a warm "
                        "process that has imported Keras once"),
    "jobs": ("string", "labs run at once (default 1): each item starts the next script labs "
                       "ahead while it runs; labs must not write the same files"),
    "paired": ("string", "a notebook and a script with the same name (a jupytext pair) run as: "
                         "script (default), notebook or both"),
}


def add_options(parser: pytest.Parser) -> None:
    """Register the command-line options and ini settings."""
    group = parser.getgroup("kerasr", "kerasr: smoke-test course labs and notebooks")
    for name, (kind, text) in _OPTIONS.items():
        flag = "--kerasr-" + name.replace("_", "-")
        if kind == "bool":
            group.addoption(flag, action="store_true", default=None, dest=f"kerasr_{name}",
                            help=text)
        elif kind == "paths":
            group.addoption(flag, action="append", default=None, dest=f"kerasr_{name}",
                            metavar="DIR", help=text + " (repeatable)")
        else:
            group.addoption(flag, default=None, dest=f"kerasr_{name}", metavar=name.upper(),
                            help=text)
        parser.addini(f"kerasr_{name}", text, type=kind if kind != "string" else None,
                      default=None)


@dataclass
class Settings:
    """The plugin's settings for this run, checked."""

    engaged: bool = False
    fast: bool = False
    max_epochs: int | None = None
    max_steps: int | None = None
    labs: list[Path] = field(default_factory=list)
    labs_from_command_line: bool = False
    timeout: float = DEFAULT_TIMEOUT
    json: Path | None = None
    backend: str | None = None
    seed: int | None = None
    eager: bool = False
    warm: bool = True
    paired: str = "script"
    jobs: int = 1

    def lab_environment(self) -> dict[str, str]:
        """Environment variables every lab process gets."""
        from .caps import cap_environment

        env = cap_environment(self.max_epochs, self.max_steps)
        if self.fast:
            env["KERASR_FAST"] = "1"
        if self.backend:
            env["KERAS_BACKEND"] = self.backend
        return env

    def describe(self) -> str:
        """One line for the report header."""
        parts = []
        if self.max_epochs or self.max_steps:
            parts.append(f"caps: {self.max_epochs or 'all'} epochs x {self.max_steps or 'all'} "
                         f"batches")
        if self.eager:
            parts.append("eager")
        if self.backend:
            parts.append(f"backend {self.backend}")
        if self.seed is not None:
            parts.append(f"seed {self.seed}")
        return ", ".join(parts) or "no caps"


def _given(config: pytest.Config, name: str) -> tuple[Any, str]:
    """The option's value and where it came from ("" when not given)."""
    value = config.getoption(f"kerasr_{name}")
    if value is not None:
        return value, "--kerasr-" + name.replace("_", "-")
    value = config.getini(f"kerasr_{name}")
    if value in (None, "", []):
        return None, ""
    return value, f"ini kerasr_{name}"


def _whole(value: Any, where: str, least: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise pytest.UsageError(f"kerasr: {where} must be a whole number, got {value!r}") from None
    if number < least:
        raise pytest.UsageError(f"kerasr: {where} must be at least {least}, got {number}")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def read_settings(config: pytest.Config) -> Settings:
    """Read and check the options; a bad or conflicting one is a ``pytest.UsageError``."""
    s = Settings()
    given = {name: _given(config, name) for name in _OPTIONS}
    s.engaged = any(where for _, where in given.values())
    if not s.engaged:
        return s
    s.fast = _bool(given["fast"][0])
    for name in ("max_epochs", "max_steps"):
        value, where = given[name]
        if where:
            setattr(s, name, _whole(value, where, 1))
    if s.fast:
        s.max_epochs = s.max_epochs or DEFAULT_MAX_EPOCHS
        s.max_steps = s.max_steps or DEFAULT_MAX_STEPS
    graph = _bool(given["graph"][0])
    if graph and not s.fast:
        raise pytest.UsageError("kerasr: --kerasr-graph only makes sense with --kerasr-fast "
                                "(without it, functions are compiled as usual)")
    value, where = given["timeout"]
    if where:
        try:
            s.timeout = float(value)
        except ValueError:
            raise pytest.UsageError(
                f"kerasr: {where} must be a number of seconds, got {value!r}") from None
        if s.timeout <= 0:
            raise pytest.UsageError(f"kerasr: {where} must be more than 0 seconds, got {value}")
    value, where = given["seed"]
    if where:
        s.seed = _whole(value, where, 0)
    value, where = given["backend"]
    if where:
        s.backend = str(value).strip().lower()
        if s.backend not in BACKENDS:
            raise pytest.UsageError(
                f"kerasr: {where} must be one of {', '.join(BACKENDS)}, got {value!r}")
        if importlib.util.find_spec(s.backend) is None:
            extra = "jax" if s.backend == "jax" else "the default install"
            raise pytest.UsageError(
                f"kerasr: {where} {s.backend} is not installed here; install it "
                f"(pip install \"kerasr[{extra}]\") or choose another backend")
        _check_backend_conflict(config, s.backend, where)
    s.eager = s.fast and not graph and (s.backend or os.environ.get("KERAS_BACKEND",
                                                                    "tensorflow")) == "tensorflow"
    s.warm = not _bool(given["no_warm"][0]) and hasattr(os, "fork")
    value, where = given["jobs"]
    if where:
        s.jobs = _whole(value, where, 1)
    value, where = given["paired"]
    if where:
        s.paired = str(value).strip().lower()
        if s.paired not in PAIRED:
            raise pytest.UsageError(
                f"kerasr: {where} must be one of {', '.join(PAIRED)}, got {value!r}")
    value, where = given["json"]
    if where:
        s.json = Path(str(value)).expanduser()
        if not s.json.parent.resolve().is_dir():
            raise pytest.UsageError(
                f"kerasr: {where}: the folder {str(s.json.parent)!r} does not exist")
    s.labs, s.labs_from_command_line = _labs(config, given["labs"])
    return s


def _check_backend_conflict(config: pytest.Config, backend: str, where: str) -> None:
    import sys

    # a project's own --backend option (kerasr's test suite has one) must agree
    try:
        other = config.getoption("backend")
    except ValueError:
        other = None
    if isinstance(other, str) and other and other != backend:
        raise pytest.UsageError(
            f"kerasr: {where} {backend} conflicts with --backend {other}; give one of them")
    loaded = sys.modules.get("keras")
    if loaded is not None and loaded.backend.backend() != backend:
        raise pytest.UsageError(
            f"kerasr: {where} {backend}: Keras was already imported with the "
            f"{loaded.backend.backend()} backend (by a conftest.py or plugin); set "
            f"KERAS_BACKEND={backend} in the environment instead")


def _labs(config: pytest.Config, given: tuple[Any, str]) -> tuple[list[Path], bool]:
    value, where = given
    if not where:
        return [], False
    from_command_line = where.startswith("--")
    base = Path(config.invocation_params.dir) if from_command_line else Path(config.rootpath)
    labs = []
    for entry in value:
        path = Path(entry).expanduser()
        path = (path if path.is_absolute() else base / path).resolve()
        if not path.exists():
            raise pytest.UsageError(f"kerasr: {where}: {str(entry)!r} does not exist "
                                    f"(looked for {path})")
        labs.append(path)
    return labs, from_command_line
