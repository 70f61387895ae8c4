"""The errors data_loaders raises (it does not import kerasr, so it has its own hierarchy)."""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "CacheDirError",
    "ChecksumError",
    "DataError",
    "DataFormatError",
    "DataValueError",
    "DownloadError",
]


class DataError(Exception):
    """Base class of every error data_loaders raises."""


class DataValueError(DataError, ValueError):
    """An argument has an invalid value (e.g. ``test_split=1.5``)."""


class CacheDirError(DataError, OSError):
    """The cache directory cannot be created or written to."""


class DownloadError(DataError, OSError):
    """A file could not be downloaded from any of its URLs (offline, 404, ...)."""


class ChecksumError(DownloadError):
    """A file's SHA-256 digest or size does not match the pinned value."""


class ArchiveError(DataError, ValueError):
    """An archive member would be written outside the target directory, or is unsafe."""


class DataFormatError(DataError, ValueError):
    """A data file does not have the expected format (bad IDX magic, missing npz key, ...)."""
