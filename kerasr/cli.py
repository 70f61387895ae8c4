"""The ``kerasr`` command: list and run labs, locate data, report versions.

    kerasr lab list
    kerasr lab run baby_steps --fast --out lab-output
    kerasr lab notebook baby_steps .
    kerasr data where | fetch NAME | verify
    kerasr runs ls | view [RUN] | compare [RUN1 RUN2] | clean [--yes] | purge [--yes]
    kerasr translate lab.Rmd [-o lab.py] [--notebook]
    kerasr info

``kerasr --help`` and ``kerasr lab list`` never import Keras or TensorFlow.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import runpy
import shutil
import sys
import tempfile
import time
import typing
from importlib import metadata
from pathlib import Path

from .errors import InvalidValueError, KerasrError
from .lab_catalog import LABS, find_lab, lab_path

__all__ = ["main"]


def _cmd_lab_list(args: argparse.Namespace) -> int:
    width = max(len(lab.name) for lab in LABS)
    print(f"{'name'.ljust(width)}  offline  data / topic")
    for lab in LABS:
        print(f"{lab.name.ljust(width)}  {'yes' if lab.offline else 'no ':7}  {lab.data}")
        print(f"{' ' * width}           {lab.topic}")
    return 0


def _output_folder(path: str, command: str, option: str) -> Path:
    """``path`` as a folder the command can write in (created when missing), else a one-line
    error naming the command, the option and why: a file, a path under a file, no permission."""
    folder = Path(path).expanduser().resolve()
    hint = f"give another folder as {option}"
    if option.startswith("-"):
        hint = f"choose another folder with {option} DIR"
    existing = next((p for p in (folder, *folder.parents) if p.exists()), folder)
    if not existing.is_dir():
        where = "is a file" if existing == folder else f"is under the file {str(existing)!r}"
        raise InvalidValueError(
            f"kerasr {command}: {option} {path!r} {where}, not a folder; {hint}"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise InvalidValueError(
            f"kerasr {command}: cannot write in the {option} folder {str(folder)!r} "
            f"({exc.strerror or exc}); {hint}"
        ) from None
    return folder


def _cmd_lab_run(args: argparse.Namespace) -> int:
    lab = find_lab(args.name)
    script = lab_path(lab.name)
    out = _output_folder(args.out, "lab run", "--out")
    os.environ["KERASR_LAB_OUT"] = str(out)
    if args.fast:
        os.environ["KERASR_FAST"] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")
    print(f"kerasr: running lab {lab.name!r} ({'fast' if args.fast else 'full'} mode)")
    if not lab.offline:
        print(f"kerasr: this lab needs data: {lab.data} (downloaded on first use)")
    started = time.perf_counter()
    cwd = os.getcwd()
    try:
        os.chdir(out)
        runpy.run_path(str(script), run_name="__main__")
    finally:
        os.chdir(cwd)
    seconds = time.perf_counter() - started
    files = sorted(p.name for p in out.iterdir())
    print(f"kerasr: lab {lab.name!r} finished in {seconds:.1f} s; outputs in {out}:")
    for name in files:
        print(f"  {name}")
    return 0


def _cmd_lab_notebook(args: argparse.Namespace) -> int:
    source = lab_path(args.name, ".ipynb")
    target = Path(args.dir) / source.name
    if target.exists() and not args.overwrite:
        print(f"kerasr: error: {target} exists (use --overwrite to replace it)", file=sys.stderr)
        return 2
    folder = _output_folder(args.dir, "lab notebook", "DIR")
    tmp = folder / f".{source.name}.{os.getpid()}.tmp"
    try:  # a temporary file and an atomic rename: a failure leaves an old notebook intact
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"kerasr: copied {source.name} to {target}")
    print(f"kerasr: to run it: pip install 'kerasr[notebook]' (JupyterLab and the Python "
          f"kernel), then jupyter lab {target}; its figures and results.json go to "
          f"{source.stem}-output/ beside the notebook")
    return 0


def _cmd_data_where(args: argparse.Namespace) -> int:
    from .data_loaders import data_where

    print(data_where())
    return 0


def _cmd_data_fetch(args: argparse.Namespace) -> int:
    from .data_loaders import fetch_dataset

    for path in fetch_dataset(args.name):
        print(path)
    return 0


def _cmd_data_verify(args: argparse.Namespace) -> int:
    from .data_loaders import verify_cache

    report = verify_cache()
    width = max(len(k) for k in report)
    for key, state in report.items():
        print(f"{key.ljust(width)}  {state}")
    return 1 if "corrupt" in report.values() else 0


def _cmd_info(args: argparse.Namespace) -> int:
    info: dict[str, str] = {
        "kerasr": metadata.version("kerasr"),
        "python": platform.python_version(),
    }
    for dist in ("keras", "tensorflow-cpu", "tensorflow", "jax", "torch", "numpy", "pandas"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    info["backend"] = os.environ.get("KERAS_BACKEND", "tensorflow (default)")
    try:
        from .data_loaders import data_where

        info["data cache"] = str(data_where())
    except Exception as exc:  # pragma: no cover - reported, not fatal
        info["data cache"] = f"unavailable ({exc})"
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            print(f"{key.rjust(width)}: {value}")
    return 0


def _cmd_runs(args: argparse.Namespace) -> int:
    from .runs.cli import run_command  # tfruns commands; imports pandas only when needed

    return run_command(args)


def _cmd_translate(args: argparse.Namespace) -> int:
    from .translate import translate_file
    from .translate.report import Report

    src = Path(args.file)
    notebook = bool(args.notebook)
    out = args.out or str(src.with_suffix(".ipynb" if notebook else ".py"))
    if Path(out).resolve() == src.resolve():
        raise KerasrError(f"translate: the output {out} would overwrite the R source")
    report = Report()
    translate_file(src, out, notebook=notebook, report=report)
    print(report.summary(src.name), file=sys.stderr)
    print(f"kerasr: wrote {out}", file=sys.stderr)
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line (subcommand parsers inherit the class)."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _one_line(exc: BaseException) -> str:
    """An error message on one line (multi-line messages are joined)."""
    return " ".join(line.strip() for line in str(exc).splitlines() if line.strip())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``kerasr`` command."""
    parser = _Parser(
        prog="kerasr", description="R keras workshop labs and data, in Python over Keras 3."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    lab = sub.add_parser("lab", help="list, run and copy the course labs")
    lab_sub = lab.add_subparsers(dest="lab_command", required=True)
    lab_sub.add_parser("list", help="list the labs").set_defaults(func=_cmd_lab_list)
    run = lab_sub.add_parser("run", help="run a lab, writing figures and results to --out")
    run.add_argument("name")
    run.add_argument("--fast", action="store_true", help="few epochs on small data (seconds)")
    run.add_argument("--out", default="lab-output", help="output folder (default lab-output)")
    run.set_defaults(func=_cmd_lab_run)
    nb = lab_sub.add_parser("notebook", help="copy a lab's notebook to a folder")
    nb.add_argument("name")
    nb.add_argument("dir", nargs="?", default=".")
    nb.add_argument("--overwrite", action="store_true")
    nb.set_defaults(func=_cmd_lab_notebook)

    data = sub.add_parser("data", help="locate and fetch data sets")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    data_sub.add_parser("where", help="print the cache folder").set_defaults(func=_cmd_data_where)
    from .data_loaders.manage import DATASETS  # numpy only, never Keras

    fetch = data_sub.add_parser("fetch", help="download and verify a data set",
                                description="Download (or verify) a data set's files into the "
                                "cache; boston_housing and kyphosis ship with kerasr.")
    fetch.add_argument("name", metavar="NAME", help=f"one of: {', '.join(DATASETS)}")
    fetch.set_defaults(func=_cmd_data_fetch)
    data_sub.add_parser("verify", help="check cached files against their digests").set_defaults(
        func=_cmd_data_verify
    )

    tr = sub.add_parser("translate", help="translate an R script or R Markdown file to Python")
    tr.add_argument("file", help="the .R or .Rmd file")
    tr.add_argument("-o", "--out", help="output file (default: FILE with .py, or .ipynb)")
    tr.add_argument("--notebook", action="store_true", help="write a Jupyter notebook (.ipynb)")
    tr.set_defaults(func=_cmd_translate)

    info = sub.add_parser("info", help="versions, backend and cache folder")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=_cmd_info)

    from .runs.cli import add_runs_parser  # argparse only: no pandas, no Keras

    add_runs_parser(sub).set_defaults(func=_cmd_runs)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kerasr`` console script."""
    args = build_parser().parse_args(argv)
    # Every error is one line on stderr and exit status 2 (KERASR_TRACEBACK=1 re-raises).
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("kerasr: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from .data_loaders import DataError

        if os.environ.get("KERASR_TRACEBACK"):
            raise
        if isinstance(exc, (KerasrError, DataError)):
            message = _one_line(exc)
        elif isinstance(exc, OSError):  # e.g. a full disk or a folder without permission
            name = f" {exc.filename!r}" if exc.filename else ""
            message = f"cannot access{name}: {exc.strerror or _one_line(exc)}"
        else:
            message = (
                f"{type(exc).__name__}: {_one_line(exc)} "
                "(set KERASR_TRACEBACK=1 to see the traceback)"
            )
        print(f"kerasr: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
