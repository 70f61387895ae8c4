"""UCI individual household electric power consumption: download, parse, cache, select.

The 20 MB zip holds one member, ``household_power_consumption.txt`` (2,075,259 rows, one a
minute from 16/12/2006 17:24 to 26/11/2010 21:02): ``;``-separated, CRLF line endings, ``?`` or
an empty field for missing values, dates ``d/m/yyyy`` without zero padding. The member is read
straight from the zip (zipfile checks its CRC-32; nothing is extracted). The parsed frame is
cached as an uncompressed ``.npz`` of float32 columns and an int64 nanosecond index, written
atomically, so a second load only maps those arrays back (well under a second).
"""

from __future__ import annotations

import os
import warnings
import zipfile
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from . import registry
from .atomic import atomic_file
from .cache import cache_dir
from .download import fetch, forget, recorded_sha256, sha256_file
from .errors import DataFormatError, DataValueError

__all__ = [
    "COLUMNS",
    "MEMBER",
    "PARSED_NAME",
    "load_household_power",
    "parse_household_power",
    "select_household_power",
]

#: The numeric columns, in file order (units: kW, kW, V, A, then Wh for the three sub-meters).
COLUMNS: tuple[str, ...] = (
    "Global_active_power",
    "Global_reactive_power",
    "Voltage",
    "Global_intensity",
    "Sub_metering_1",
    "Sub_metering_2",
    "Sub_metering_3",
)
#: The single member of the UCI zip.
MEMBER = "household_power_consumption.txt"
#: File name of the parsed cache, next to the zip.
PARSED_NAME = "household_power_consumption.parsed.npz"
_FORMAT_VERSION = 1
_HEADER = ["Date", "Time", *COLUMNS]


def _open_text(source: str | os.PathLike[str] | IO[bytes]) -> tuple[IO[bytes], Any]:
    """Open the data text: the known member of a zip, or a plain text file/stream."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if zipfile.is_zipfile(path):
            zf = zipfile.ZipFile(path)
            names = zf.namelist()
            if MEMBER not in names:
                zf.close()
                raise DataFormatError(
                    f"parse_household_power(): {str(path)!r} has no member {MEMBER!r} "
                    f"(members: {', '.join(names[:5]) or 'none'}); expected the UCI zip"
                )
            return zf.open(MEMBER), zf
        return open(path, "rb"), None
    return source, None


def parse_household_power(source: str | os.PathLike[str] | IO[bytes]) -> pd.DataFrame:
    """Parse the UCI text (from the zip, the extracted .txt, or a binary stream).

    Returns a DataFrame with a ``DatetimeIndex`` named ``datetime`` and the seven float32
    columns of :data:`COLUMNS`; ``?`` and empty fields become NaN.

    R: ``read.table(unz(zip, "household_power_consumption.txt"), sep = ";", header = TRUE,
    na.strings = c("?", ""))``
    Python: ``power = parse_household_power("household_power_consumption.zip")``
    """
    stream, owner = _open_text(source)
    try:
        try:
            frame = pd.read_csv(
                stream,
                sep=";",
                header=0,
                na_values=["?", ""],
                keep_default_na=False,
                dtype={"Date": "category", "Time": "category", **dict.fromkeys(COLUMNS, "float32")},
                engine="c",
            )
        except (ValueError, zipfile.BadZipFile, EOFError) as exc:
            raise DataFormatError(
                f"parse_household_power(): cannot parse the household power text: {exc}; "
                "expected ';'-separated columns " + ";".join(_HEADER)
            ) from exc
    finally:
        stream.close()
        if owner is not None:
            owner.close()
    if list(frame.columns) != _HEADER:
        raise DataFormatError(
            f"parse_household_power(): header is {';'.join(map(str, frame.columns))}; "
            f"expected {';'.join(_HEADER)}"
        )
    index = _timestamps(frame["Date"], frame["Time"])
    data = {c: frame[c].to_numpy(dtype=np.float32) for c in COLUMNS}
    return _frame(index, data)


def _timestamps(date: pd.Series, time: pd.Series) -> np.ndarray:
    """int64 nanoseconds from categorical d/m/yyyy dates and hh:mm:ss times (parsed once per
    distinct value: about 1,440 dates and 1,440 times instead of 2 million strings)."""
    if date.isna().any() or time.isna().any():
        raise DataFormatError(
            "parse_household_power(): some rows have no Date or Time; expected d/m/yyyy and "
            "hh:mm:ss on every row"
        )
    try:
        days = pd.to_datetime(pd.Index(date.cat.categories.astype(str)), format="%d/%m/%Y").as_unit(
            "ns"
        )
        times = pd.to_timedelta(pd.Index(time.cat.categories.astype(str))).as_unit("ns")
    except (ValueError, TypeError) as exc:
        raise DataFormatError(
            f"parse_household_power(): bad Date or Time value ({exc}); expected d/m/yyyy "
            "(e.g. 16/12/2006 or 1/1/2007) and hh:mm:ss"
        ) from exc
    day_ns = days.asi8[date.cat.codes.to_numpy()]
    time_ns = times.asi8[time.cat.codes.to_numpy()]
    return day_ns + time_ns


def _frame(index_ns: np.ndarray, data: dict[str, np.ndarray]) -> pd.DataFrame:
    index = pd.DatetimeIndex(index_ns.astype("datetime64[ns]"), name="datetime")
    frame = pd.DataFrame(data, index=index, copy=False)
    return frame


def _write_parsed(frame: pd.DataFrame, path: Path, source_sha256: str) -> None:
    arrays: dict[str, np.ndarray] = {
        "index": frame.index.asi8.astype(np.int64),
        "format_version": np.array(_FORMAT_VERSION, dtype=np.int64),
        "source_sha256": np.array(source_sha256, dtype="<U64"),
    }
    for column in COLUMNS:
        arrays[column] = frame[column].to_numpy(dtype=np.float32)
    with atomic_file(path) as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]


def _read_parsed(path: Path, source_sha256: str | None) -> pd.DataFrame | None:
    """The cached frame, or None when absent, stale (another zip) or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as f:
            if int(f["format_version"]) != _FORMAT_VERSION:
                return None
            if source_sha256 is not None and str(f["source_sha256"]) != source_sha256:
                return None
            index = f["index"]
            data = {c: f[c] for c in COLUMNS}
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError):
        return None
    if any(len(v) != len(index) or v.dtype != np.float32 for v in data.values()):
        return None
    return _frame(index, data)


def select_household_power(
    frame: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    resample: str | None = None,
    agg: str = "mean",
) -> pd.DataFrame:
    """Select a date range (inclusive, anything pandas accepts: ``"2007-01"``) and optionally
    resample (``"h"`` hourly, ``"D"`` daily, ...) with ``agg`` (``"mean"``, ``"sum"``, ...).

    R: ``power %>% filter(...) %>% group_by(hour) %>% summarise(across(everything(), mean))``
    Python: ``select_household_power(power, start="2007", resample="h")``
    """
    if start is not None or end is not None:
        try:
            frame = frame.loc[start:end]
        except (ValueError, TypeError, KeyError) as exc:
            raise DataValueError(
                f"load_household_power(): cannot select `start`={start!r} to `end`={end!r} "
                f"({exc}); expected dates such as '2007-01-01'"
            ) from exc
    if resample is not None:
        try:
            frame = getattr(frame.resample(resample), agg)().astype(np.float32)
        except (ValueError, TypeError, AttributeError) as exc:
            raise DataValueError(
                f"load_household_power(): cannot resample with `resample`={resample!r} and "
                f"`agg`={agg!r} ({exc}); expected a pandas rule such as 'h' or 'D' and an "
                "aggregation such as 'mean' or 'sum'"
            ) from exc
    return frame


def load_household_power(
    *,
    start: Any = None,
    end: Any = None,
    resample: str | None = None,
    agg: str = "mean",
    directory: str | os.PathLike[str] | None = None,
    refresh: bool = False,
    **fetch_options: Any,
) -> pd.DataFrame:
    """The UCI household power data as a float32 DataFrame with a DatetimeIndex.

    The first call downloads the zip (20,640,916 bytes, cached as
    ``household_power_consumption.zip``), parses it and caches the parsed frame as
    ``household_power_consumption.parsed.npz``; later calls load that cache in a fraction of a
    second. ``refresh=True`` re-parses. ``start``/``end``/``resample``/``agg``: see
    :func:`select_household_power`. Missing minutes are NaN (about 1.25 % of rows).

    R: ``power <- dataset_household_power()``
    Python: ``power = load_household_power(resample="h")``
    """
    base = cache_dir(directory, create=False)  # fetch() creates it when a download is needed
    entry = registry.get("household_power_consumption.zip")
    zip_path = base / entry.subdir / entry.name if entry.subdir else base / entry.name
    parsed_path = zip_path.with_name(PARSED_NAME)
    frame = None
    if not refresh and parsed_path.exists():
        if zip_path.exists():
            fetch(entry, dest=zip_path, **fetch_options)  # cheap re-verification
            frame = _read_parsed(parsed_path, recorded_sha256(zip_path) or entry.sha256)
        else:
            frame = _read_parsed(parsed_path, None)
    if frame is None:
        fetch(entry, dest=zip_path, **fetch_options)
        digest = recorded_sha256(zip_path) or sha256_file(zip_path)
        try:
            frame = parse_household_power(zip_path)
        except DataFormatError as exc:
            if entry.sha256 is not None:
                raise  # a digest-verified file: the parser, not the file, is at fault
            # The zip is pinned by size only: a damaged copy must not stay in the cache.
            forget(zip_path)
            raise DataFormatError(
                f"{exc}\nThe cached zip {str(zip_path)!r} was removed; the next call downloads "
                "it again."
            ) from exc
        try:
            _write_parsed(frame, parsed_path, digest)
        except OSError as exc:  # a read-only cache still gives the data, only slower next time
            warnings.warn(
                f"load_household_power(): could not cache the parsed data at "
                f"{str(parsed_path)!r} ({exc.strerror or exc}); the next load parses again",
                RuntimeWarning,
                stacklevel=2,
            )
    return select_household_power(frame, start=start, end=end, resample=resample, agg=agg)
