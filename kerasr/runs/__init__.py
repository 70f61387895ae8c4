"""R's tfruns for kerasr: flags, training and tuning runs, ls_runs, reports, cleaning.

Follows tfruns 1.4 (behaviour, messages and the ``runs/<timestamp>/tfruns.d`` layout), with
full-precision JSON records where 1.4 rounded to 4 decimals, and sweeps that run in parallel
processes or on any ``concurrent.futures.Executor`` (Dask). Importing it imports neither Keras
nor pandas.

R: ``library(tfruns); tuning_run("train.R", flags = list(units = c(32, 64)))``
Python: ``from kerasr import *; tuning_run("train.py", flags={"units": [32, 64]})``
"""

from .cleaning import clean_runs, purge_runs
from .flags import Flags, flag_boolean, flag_integer, flag_numeric, flag_string, flags
from .listing import latest_run, ls_runs, run_info
from .report import compare_runs, save_run_comparison, save_run_view, view_run
from .run_dir import is_run_active, run_dir, unique_run_dir, write_run_metadata
from .training_run import RunFailedError, training_run
from .tuning import tuning_run

__all__ = [
    "Flags",
    "RunFailedError",
    "clean_runs",
    "compare_runs",
    "flag_boolean",
    "flag_integer",
    "flag_numeric",
    "flag_string",
    "flags",
    "is_run_active",
    "latest_run",
    "ls_runs",
    "purge_runs",
    "run_dir",
    "run_info",
    "save_run_comparison",
    "save_run_view",
    "training_run",
    "tuning_run",
    "unique_run_dir",
    "view_run",
    "write_run_metadata",
]
