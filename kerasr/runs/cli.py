"""``kerasr runs``: tfruns from the shell.

    kerasr runs ls [--runs-dir runs] [--order metric_val_accuracy] [--subset "flag_units > 32"]
    kerasr runs view [RUN] [--out report.html] [--no-open]
    kerasr runs compare [RUN1 RUN2] [--out compare.html] [--no-open]
    kerasr runs clean [RUN ...] [--yes]
    kerasr runs purge [--yes]

Building the parser imports only argparse; each command imports what it needs.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__: list[str] = []


def add_runs_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``runs`` command and its subcommands to the ``kerasr`` parser."""
    runs = sub.add_parser("runs", help="list, view, compare and clean training runs (tfruns)")
    runs_sub = runs.add_subparsers(dest="runs_command", required=True)

    def with_dir(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--runs-dir", default=None, help="runs directory (default runs)")
        return parser

    ls = with_dir(runs_sub.add_parser("ls", help="list the runs as ls_runs() prints them"))
    ls.add_argument("--order", default="start", help="column to sort by (default start)")
    ls.add_argument("--increasing", action="store_true", help="sort increasing")
    ls.add_argument("--subset", default=None, help='R condition, e.g. "metric_loss < 0.5"')
    ls.add_argument("--latest-n", type=int, default=None, help="only the newest N runs")
    ls.add_argument("--columns", default=None,
                    help="comma-separated columns to print as a table instead")
    for name, text in (("view", "a run's HTML report (default: the latest run)"),
                       ("compare", "two runs side by side (default: the latest two)")):
        parser = with_dir(runs_sub.add_parser(name, help=text))
        parser.add_argument("runs", nargs="*", help="run directories")
        parser.add_argument("--out", default=None, help="write the HTML here")
        parser.add_argument("--no-open", action="store_true", help="do not open a browser")
    clean = with_dir(runs_sub.add_parser("clean", help="move runs to <runs-dir>/archive"))
    clean.add_argument("runs", nargs="*", help="run directories (default: all)")
    clean.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge = with_dir(runs_sub.add_parser("purge", help="delete the archived runs"))
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return runs


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed ``kerasr runs ...`` command."""
    from ..errors import InvalidValueError
    from . import clean_runs, ls_runs, purge_runs
    from .listing import runs_dir_option
    from .report import save_run_comparison, save_run_view, show_report

    runs_dir = args.runs_dir or runs_dir_option()
    command = args.runs_command
    if command == "ls":
        frame = ls_runs(subset=args.subset, order=args.order, decreasing=not args.increasing,
                        latest_n=args.latest_n, runs_dir=runs_dir)
        if args.columns and len(frame):
            print(frame[[c.strip() for c in args.columns.split(",")]].to_string())
        else:
            print(repr(frame))
        return 0
    if command in ("view", "compare"):
        import os

        targets = [r if os.path.isdir(os.path.join(r, "tfruns.d")) else
                   os.path.join(runs_dir, r) for r in args.runs]
        if command == "view":
            if len(targets) > 1:
                print("kerasr: runs view takes one run", flush=True)
                return 2
            if not targets:
                targets = list(ls_runs(latest_n=1, runs_dir=runs_dir)["run_dir"])
            if not targets:
                raise InvalidValueError(f"runs view: no runs found in {runs_dir}")
            path = save_run_view(targets[0], args.out or "auto")
        else:
            if not targets:
                targets = list(ls_runs(latest_n=2, runs_dir=runs_dir)["run_dir"])
            path = save_run_comparison(targets, args.out or "auto")
        print(path)
        if not args.no_open:
            show_report(path, "browser")
        return 0
    if command == "clean":
        runs = args.runs or None
        clean_runs(runs, runs_dir=runs_dir, confirm=not args.yes)
        return 0
    purge_runs(runs_dir=runs_dir, confirm=not args.yes)
    return 0
