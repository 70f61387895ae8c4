"""Access to the CSV files shipped inside the package (``data_loaders/files/``)."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable

__all__ = ["shipped_file"]


def shipped_file(name: str) -> Traversable:
    """The shipped data file ``name`` (``Boston.csv``, ``kyphosis.csv``).

    R: ``system.file("extdata", "Boston.csv", package = "kerasr")``
    Python: ``shipped_file("Boston.csv").read_text()``
    """
    # kerasr.data_loaders when installed (the repository folder is not a top-level package)
    return resources.files(__package__).joinpath("files", name)
