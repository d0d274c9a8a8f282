"""Filters over journal trades: close-date range, bucket, symbol, venue, side.

An empty filter keeps every trade; a filter that keeps none gives an empty frame (and empty
statistics), never an error. Text filters match case-insensitively; several values of one field
are alternatives (OR), different fields combine (AND).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.journal.times import check_timezone

#: Earliest and latest dates a filter bound may name (the journal itself holds 2009 onwards).
FILTER_EARLIEST = _dt.date(1970, 1, 1)
FILTER_LATEST = _dt.date(2999, 12, 31)


@dataclass(frozen=True)
class JournalFilter:
    """Which trades to keep.

    Attributes:
        start: Keep trades closed at or after this instant (UTC), or ``None``.
        end: Keep trades closed before this instant (UTC, exclusive), or ``None``.
        buckets: Bucket names to keep (empty = all).
        symbols: Symbols to keep (empty = all).
        venues: Venue names to keep (empty = all).
        sides: ``long`` and/or ``short`` (empty = both).
        tags: Keep trades carrying any of these tags (empty = all).
    """

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    buckets: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows of ``frame`` this filter keeps."""
        keep = np.ones(len(frame), dtype=bool)
        closed = frame["closed_at"]
        if self.start is not None:
            keep &= (closed >= self.start).to_numpy()
        if self.end is not None:
            keep &= (closed < self.end).to_numpy()
        for key, wanted in (("bucket", self.buckets), ("symbol", self.symbols),
                            ("venue", self.venues), ("side", self.sides)):
            if wanted:
                low = frame[key].astype(str).str.lower()
                keep &= low.isin([w.lower() for w in wanted]).to_numpy()
        if self.tags and "tags" in frame:
            keep &= tag_mask(frame["tags"], self.tags)
        return keep

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``frame`` this filter keeps, in their order."""
        return frame[self.mask(frame)] if not self.is_empty() else frame

    def is_empty(self) -> bool:
        """True when the filter keeps everything."""
        return self == JournalFilter()

    def describe(self) -> dict[str, Any]:
        """The filter as plain data (ISO times, lists), for JSON output."""
        return {"start": None if self.start is None else self.start.isoformat(),
                "end": None if self.end is None else self.end.isoformat(),
                "buckets": list(self.buckets), "symbols": list(self.symbols),
                "venues": list(self.venues), "sides": list(self.sides),
                "tags": list(self.tags)}


def tag_mask(tags: pd.Series, wanted: tuple[str, ...]) -> np.ndarray:
    """Rows whose comma-separated ``tags`` hold any of ``wanted`` (case-insensitive)."""
    padded = ", " + tags.astype(str).str.lower() + ","
    keep = np.zeros(len(tags), dtype=bool)
    for w in wanted:
        keep |= padded.str.contains(f", {w.strip().lower()},", regex=False).to_numpy()
    return keep


def parse_bound(text: str, tz: str = "UTC", *, end: bool = False,
                name: str = "date") -> pd.Timestamp:
    """Parse a filter bound: a date (``2024-05-01``) or an ISO date-time.

    A date means the start of that day in ``tz``; as an ``end`` bound it means the end of that
    day (the bound is exclusive, so the day is included). A date-time without an offset is read
    in ``tz``. Bounds lie between :data:`FILTER_EARLIEST` and :data:`FILTER_LATEST`.

    Args:
        text: What the user typed.
        tz: IANA timezone of a date, or of a date-time without an offset.
        end: An end bound (a date then means the end of that day).
        name: What the bound is called in messages (``--from``).

    Raises:
        ValueError: Not a date or date-time, outside the supported range, or an unknown
            timezone.
    """
    check_timezone(tz)
    text = text.strip()
    try:
        day = _dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        _check_day(day, text, name)
        stamp = pd.Timestamp(_dt.datetime.combine(day, _dt.time())).as_unit("us")
        stamp = stamp.tz_localize(tz).tz_convert("UTC")
        return (stamp + pd.Timedelta(days=1)) if end else stamp
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, OverflowError):
        raise ValueError(f"{name} {text!r}: not a date or date-time (use 2024-05-01 or "
                         "2024-05-01T14:30:00+00:00)") from None
    if stamp is pd.NaT:
        raise ValueError(f"{name} {text!r}: not a date or date-time")
    _check_day(_dt.date(stamp.year, stamp.month, stamp.day), text, name)
    stamp = stamp.as_unit("us")
    return (stamp.tz_localize(tz) if stamp.tzinfo is None else stamp).tz_convert("UTC")


def _check_day(day: _dt.date, text: str, name: str) -> None:
    if not FILTER_EARLIEST <= day <= FILTER_LATEST:
        raise ValueError(f"{name} {text!r}: outside the supported range of dates "
                         f"({FILTER_EARLIEST} to {FILTER_LATEST})")


def parse_range(start: str | None, end: str | None, tz: str = "UTC",
                names: tuple[str, str] = ("start", "end")
                ) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Parse a close-date range (either end may be missing); see :func:`parse_bound`.

    Raises:
        ValueError: A bound is bad (see :func:`parse_bound`), or the start is not before the
            end (no trade could match: the dates are probably swapped).
    """
    lo = parse_bound(start, tz, name=names[0]) if start else None
    hi = parse_bound(end, tz, end=True, name=names[1]) if end else None
    if lo is not None and hi is not None and lo >= hi:
        raise ValueError(f"{names[0]} {start} is after {names[1]} {end}: no trade can match "
                         "(swap the two dates)")
    return lo, hi
