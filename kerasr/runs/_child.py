"""The process that runs a user's script inside a training run (``python -m kerasr.runs._child``).

training_run() starts it with ``KERASR_RUN_DIR`` (the run), ``KERASR_RUN_FLAGS`` (the flag
values) and the script's path. The script runs as ``__main__`` in the caller's working
directory. A raised error prints its traceback (captured in the run's output), is written to
``tfruns.d/error.json`` and makes the process exit with status 1.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import runpy
import sys
import traceback
from typing import Any

__all__: list[str] = []


class _FigureHook(importlib.abc.MetaPathFinder):
    """Patch matplotlib's Figure when (and only if) the script imports matplotlib."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "matplotlib.figure":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module  # type: ignore[attr-defined]

        def exec_module(module: Any) -> None:
            original(module)
            from ._plot_backend import track_figures

            track_figures()

        loader.exec_module = exec_module  # type: ignore[attr-defined]
        return spec


def _track_plots() -> None:
    if "matplotlib.figure" in sys.modules:
        from ._plot_backend import track_figures

        track_figures()
    else:
        sys.meta_path.insert(0, _FigureHook())


def _save_plots() -> None:
    if "matplotlib" in sys.modules:
        from ._plot_backend import save_figures

        save_figures()


def main(argv: list[str]) -> int:
    """Run the script ``argv[0]`` with ``argv[1:]`` as its arguments."""
    from .run_dir import write_run_metadata

    script = argv[0]
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    _track_plots()
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        if code in (None, 0):
            return 0
        message = code if isinstance(code, str) else f"the script exited with status {code}"
        write_run_metadata("error", {"message": str(message), "traceback": []})
        return code if isinstance(code, int) else 1
    except BaseException as exc:
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        sys.stderr.write("".join(lines))
        sys.stderr.flush()
        message = f"{type(exc).__name__}: {exc}"
        frames = [line.rstrip("\n") for line in traceback.format_tb(exc.__traceback__)]
        write_run_metadata("error", {"message": message, "traceback": frames})
        return 130 if isinstance(exc, KeyboardInterrupt) else 1
    finally:
        try:
            _save_plots()
        except Exception as exc:  # a broken figure must not hide the run's own result
            sys.stderr.write(f"kerasr: could not save the run's plots: {exc}\n")
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
