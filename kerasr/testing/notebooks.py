"""Execute a notebook in a real Jupyter kernel (nbclient), cell by cell, within a time budget.

The kernel starts in the notebook's folder with the caps in its environment; for Python
kernels a first, hidden cell seeds the session and switches TensorFlow to eager execution
(``runner.prepare``). A failing cell is reported with its number and source; a notebook whose
kernel is not installed is skipped with the reason.

R: ``rmarkdown::render("lab.Rmd")``
Python: ``run_notebook(Path("lab.ipynb"), env, timeout=300, seed=1, eager=True)``
"""

from __future__ import annotations

import importlib.util
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["NotebookFailure", "NotebookSkip", "NotebookTimeout", "run_notebook"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NotebookSkip(Exception):
    """The notebook cannot run here (no nbclient, no such kernel); the message says why."""


@dataclass
class NotebookFailure(Exception):
    """A cell raised: its 1-based number among the notebook's cells, source and error."""

    cell: int
    source: str
    error: str
    traceback: str


@dataclass
class NotebookTimeout(Exception):
    """The time budget ran out in this cell."""

    cell: int
    source: str
    seconds: float


def _kernel_name(nb: Any) -> tuple[str, str]:
    spec = nb.metadata.get("kernelspec", {}) or {}
    language = (spec.get("language") or nb.metadata.get("language_info", {}).get("name")
                or "python")
    return spec.get("name") or "python3", str(language).lower()


def _check_kernel(name: str, path: Path) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        manager.get_kernel_spec(name)
    except NoSuchKernel:
        installed = sorted(manager.find_kernel_specs()) or ["none"]
        raise NotebookSkip(
            f"{path.name} needs the Jupyter kernel {name!r}, which is not installed here "
            f"(installed: {', '.join(installed)}; see `jupyter kernelspec list`)") from None
    if name == "python3" and importlib.util.find_spec("ipykernel") is None:
        raise NotebookSkip(f"{path.name} needs a Python kernel: pip install ipykernel")


def _setup_code(seed: int | None, eager: bool) -> str:
    return ("from kerasr.testing.runner import prepare as _kerasr_prepare\n"
            f"_kerasr_prepare(seed={seed!r}, eager={eager!r})\n"
            "del _kerasr_prepare")


def _error_text(cell: Any) -> tuple[str, str]:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            error = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
            return error, _ANSI.sub("", "\n".join(output.get("traceback", [])))
    return "the cell failed", ""


def run_notebook(path: Path, env: dict[str, str], timeout: float, seed: int | None = None,
                 eager: bool = False) -> Any:
    """Execute the notebook at ``path``; returns it with outputs. Raises NotebookSkip,
    NotebookFailure or NotebookTimeout.

    R: ``rmarkdown::render("lab.Rmd")``
    Python: ``run_notebook(Path("lab.ipynb"), dict(os.environ), timeout=300)``
    """
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    except ImportError as exc:
        raise NotebookSkip(
            f"executing notebooks needs nbclient, nbformat and ipykernel ({exc}); "
            f"pip install \"kerasr[testing]\"") from None
    nb = nbformat.read(path, as_version=4)
    name, language = _kernel_name(nb)
    _check_kernel(name, path)
    hidden = 0
    if language == "python":
        nb.cells.insert(0, nbformat.v4.new_code_cell(_setup_code(seed, eager)))
        hidden = 1
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=name, allow_errors=False,
        startup_timeout=min(60.0, timeout), shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent)}},
    )
    deadline = time.monotonic() + timeout
    client.reset_execution_trackers()
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            number = index + 1 - hidden
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NotebookTimeout(number, cell.source, timeout)
            client.timeout = max(1, int(remaining))
            try:
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            except CellTimeoutError:
                raise NotebookTimeout(max(number, 1), cell.source, timeout) from None
            except CellExecutionError:
                error, trace = _error_text(cell)
                raise NotebookFailure(max(number, 1), cell.source, error, trace) from None
            except DeadKernelError as exc:
                raise NotebookFailure(max(number, 1), cell.source,
                                      f"the kernel died: {exc}", "") from None
    if hidden:
        del nb.cells[0]
    return nb
