"""kerasr's version, from the installed package's metadata (pyproject.toml is the one place)."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("kerasr")
except metadata.PackageNotFoundError:  # pragma: no cover - a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
