"""Explicit-timezone time parsing for journal imports, vectorised.

Every time the journal stores is UTC. A time read from a file either carries its own offset
(``2024-05-01T14:30:00+02:00``, ``…Z``, ``… UTC``) or is *naive* and is read in the timezone the
user named (an IANA name such as ``Europe/Berlin``). A naive time without a named timezone is an
error, never a guess; so is a local time that does not exist or is ambiguous at a daylight-saving
change. Numbers are Unix epoch times (seconds, milliseconds or microseconds, by magnitude),
which are UTC by definition.
"""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from planner.journal.columns import time_range

UTC = "UTC"
#: A time of day followed by an explicit offset (``Z``, ``+02:00``, ``-0500``, `` UTC``).
_OFFSET = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d{2}(?::?\d{2})?|UTC|GMT)$"
NO_TZ = ("no timezone: add an offset such as +00:00 or Z to the time, or name the timezone the "
         "file's times are in")
NOT_A_TIME = "not a date-time (expected ISO-8601, e.g. 2024-05-01T14:30:00+00:00)"
_MAX_US = 9.2e18   # |µs since the epoch| datetime64[us] holds (int64 range, NaT excluded)


def check_timezone(name: str) -> str:
    """Return ``name`` if it is a known IANA timezone (or ``UTC``).

    Raises:
        ValueError: Unknown timezone name.
    """
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r} (use an IANA name such as UTC or "
                         "Europe/London)") from None
    return name


def _blank(values: pd.Series) -> np.ndarray:
    text = values.astype(str).str.strip()
    return np.asarray(values.isna() | (text == "") | text.str.lower().isin(["nan", "nat"]))


def _epoch(values: pd.Series) -> pd.Series:
    if values.empty:
        return pd.Series([], index=values.index, dtype="datetime64[us, UTC]")
    x = values.astype(float)
    scale = np.where(x.abs() < 1e11, 1e6, np.where(x.abs() < 1e14, 1e3, 1.0))
    us = np.round(x.to_numpy() * scale)
    us[~(np.abs(us) < _MAX_US)] = np.nan      # beyond datetime64 (or not finite): not a time
    return pd.Series(pd.to_datetime(us, unit="us", utc=True), index=values.index)


def _strings(text: pd.Series, fmt: str | None, dayfirst: bool, utc: bool) -> pd.Series:
    """Parse text times: ``fmt``, else ISO-8601, else any common layout (slow path)."""
    if text.empty:
        return pd.Series([], index=text.index, dtype="datetime64[us]")
    named = text.str.endswith(("UTC", "GMT"))
    if named.any():
        text = text.where(~named, text.str.replace(r"\s*(UTC|GMT)$", "Z", regex=True))
    kind = "datetime64[us, UTC]" if utc else "datetime64[us]"
    if fmt:
        return _same_kind(_to_datetime(text, fmt, dayfirst, utc), kind)
    out = _same_kind(_to_datetime(text, "ISO8601", dayfirst, utc), kind)
    retry = out.isna()
    if retry.any():
        again = _to_datetime(text[retry], "mixed", dayfirst, utc)
        out = pd.concat([out[~retry], _same_kind(again, kind)]).reindex(text.index)
    return out


def _to_datetime(text: pd.Series, fmt: str, dayfirst: bool, utc: bool) -> pd.Series:
    """``pd.to_datetime`` that never raises: cells it cannot read become NaT."""
    try:
        return pd.to_datetime(text, format=fmt, dayfirst=dayfirst, errors="coerce", utc=utc)
    except (TypeError, ValueError, OverflowError):
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")


def _same_kind(times: pd.Series, dtype: object) -> pd.Series:
    """``times`` as ``dtype``, never raising.

    A time that carries an offset the offset pattern missed cannot be trusted as a naive local
    time (reading it in the named timezone would shift it), so it becomes NaT and is reported
    as "not a time", like anything else that does not fit.
    """
    aware = isinstance(times.dtype, pd.DatetimeTZDtype)
    if aware and not str(dtype).endswith("UTC]"):
        return pd.Series(pd.NaT, index=times.index, dtype=dtype)
    try:
        return times.astype(dtype)
    except (TypeError, ValueError):
        return pd.Series(pd.NaT, index=times.index, dtype=dtype)


def _kinds(cells: pd.Series) -> pd.Series:
    """Classify cells: ``epoch`` number, ``aware``/``naive`` datetime object or ``text``."""
    def kind(v: object) -> str:
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            return "epoch"
        if isinstance(v, _dt.datetime):
            return "aware" if v.tzinfo is not None else "naive"
        return "naive" if isinstance(v, _dt.date) else "text"
    return cells.map(kind)


def _objects(cells: pd.Series) -> pd.Series:
    """``datetime``/``date`` objects to naive or UTC timestamps (as they come)."""
    return pd.Series(pd.to_datetime(list(cells.map(_as_datetime)), utc=None),
                     index=cells.index)


def _as_datetime(v: _dt.date) -> _dt.datetime:
    if isinstance(v, _dt.datetime):
        return v.astimezone(_dt.UTC).replace(tzinfo=None) if v.tzinfo is not None else v
    return _dt.datetime(v.year, v.month, v.day)


def parse_times(values: pd.Series, tz: str | None = None, *, fmt: str | None = None,
                dayfirst: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse a column of times to UTC.

    Args:
        values: Cells as read (text, ``datetime`` objects from a workbook, epoch numbers, blanks).
        tz: IANA timezone for naive times, or ``None`` to refuse naive times.
        fmt: ``strftime`` pattern of the text, or ``None`` for ISO-8601 (then other common
            layouts are tried, day first when ``dayfirst``).
        dayfirst: Read ``03/04/2024`` as 3 April rather than 4 March (only without ``fmt``).

    Returns:
        ``(times, errors)``: ``datetime64[us, UTC]`` (NaT where blank or bad) and, per cell, the
        reason it is bad (NA when fine); both share ``values``' index.

    Raises:
        ValueError: ``tz`` is not a known timezone.
    """
    if tz is not None:
        check_timezone(tz)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    errors = pd.Series(None, index=values.index, dtype=object)
    cells = values[~_blank(values)]
    if cells.empty:
        return out, errors
    all_text = pd.api.types.infer_dtype(cells, skipna=True) == "string"
    kinds = pd.Series("text", index=cells.index) if all_text else _kinds(cells)
    text = cells[kinds == "text"].astype(str).str.strip()
    has_offset = text.str.contains(_OFFSET, regex=True)
    utc_parts = [_epoch(cells[kinds == "epoch"]),
                 _objects(cells[kinds == "aware"]).dt.tz_localize(UTC),
                 _strings(text[has_offset], fmt, dayfirst, True)]
    naive_parts = [_objects(cells[kinds == "naive"]),
                   _strings(text[~has_offset], fmt, dayfirst, False)]
    for part in utc_parts:
        _put(out, part)
    naive = pd.concat([p.astype("datetime64[us]") for p in naive_parts if len(p)]) \
        if any(len(p) for p in naive_parts) else None
    if naive is not None:
        _put(out, _localise_or_flag(naive, tz, errors))
    bad = out[cells.index].isna() & errors[cells.index].isna()
    errors[bad[bad].index] = NOT_A_TIME
    return out, errors


def _put(out: pd.Series, part: pd.Series) -> None:
    if len(part):
        good = part.dropna()
        out[good.index] = good.dt.tz_convert(UTC).dt.as_unit("us")


def _localise_or_flag(naive: pd.Series, tz: str | None, errors: pd.Series) -> pd.Series:
    """Read naive times in ``tz``; flag them when there is no timezone or the time is invalid."""
    parsed = naive.dropna()
    if tz is None:
        errors[parsed.index] = NO_TZ
        return parsed.iloc[:0].dt.tz_localize(UTC)
    local = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    missing = local.isna()
    errors[missing[missing].index] = (f"this local time does not exist or is ambiguous in {tz} "
                                      "(a daylight-saving change): add an offset")
    return local[~missing]


def iso_utc(times: pd.Series) -> pd.Series:
    """Format UTC times as ISO-8601 with an explicit ``+00:00`` offset ("" where NaT)."""
    text = times.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    text = text.str.replace(r"\.000000\+", "+", regex=True)
    return text.fillna("").astype(object)


def to_micros(times: pd.Series) -> np.ndarray:
    """UTC times as int64 microseconds since the Unix epoch (object array, ``None`` for NaT)."""
    us = times.dt.as_unit("us").astype("int64").to_numpy().astype(object)
    us[times.isna().to_numpy()] = None
    return us


def from_micros(values: object) -> pd.Series:
    """Int64 microseconds since the Unix epoch (``None`` allowed) to ``datetime64[us, UTC]``.

    A value that is not a whole number of microseconds in the int64 range (text or a real
    number put in the file by another program) becomes NaT rather than an error.
    """
    try:
        with np.errstate(invalid="ignore", over="ignore"):
            us = pd.Series(values, dtype="Int64")
    except (TypeError, ValueError, OverflowError):
        us = pd.Series([_whole(v) for v in pd.Series(values, dtype=object)], dtype="Int64")
    return pd.Series(pd.to_datetime(us, unit="us", utc=True)).dt.as_unit("us")


def _whole(v: object) -> int | None:
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v) if abs(int(v)) < _MAX_US else None
    if isinstance(v, (float, np.floating)) and abs(float(v)) < _MAX_US and float(v).is_integer():
        return int(v)
    return None


def outside_range(times: pd.Series, now: _dt.datetime | None = None) -> np.ndarray:
    """Mask of the times (NaT excluded) outside :func:`planner.journal.columns.time_range`."""
    lo, hi = (np.datetime64(t.replace(tzinfo=None), "us") for t in time_range(now))
    us = times.dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
    return (us < lo) | (us > hi)


def range_text(now: _dt.datetime | None = None) -> str:
    """The supported range of journal times, in words."""
    lo, hi = time_range(now)
    return f"{lo:%Y-%m-%d} to {hi:%Y-%m-%d %H:%M} UTC, one day from now"


def stamp_text(value: object) -> str:
    """One UTC time as ``YYYY-MM-DD HH:MM``, whatever its year (no ``strftime``)."""
    stamp = pd.Timestamp(value)
    naive = stamp.tz_convert(None) if stamp.tzinfo is not None else stamp
    return str(np.datetime_as_string(naive.to_datetime64(), unit="m")).replace("T", " ")
