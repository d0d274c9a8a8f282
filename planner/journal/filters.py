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
    """

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    buckets: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()

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
                "venues": list(self.venues), "sides": list(self.sides)}


def parse_bound(text: str, tz: str = "UTC", *, end: bool = False) -> pd.Timestamp:
    """Parse a filter bound: a date (``2024-05-01``) or an ISO date-time.

    A date means the start of that day in ``tz``; as an ``end`` bound it means the end of that
    day (the bound is exclusive, so the day is included). A date-time without an offset is read
    in ``tz``.

    Raises:
        ValueError: Not a date or date-time, or an unknown timezone.
    """
    check_timezone(tz)
    text = text.strip()
    try:
        day = _dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        stamp = pd.Timestamp(day) + (pd.Timedelta(days=1) if end else pd.Timedelta(0))
        return stamp.tz_localize(tz).tz_convert("UTC")
    try:
        stamp = pd.Timestamp(text)
    except ValueError:
        raise ValueError(f"not a date or date-time: {text!r} (use 2024-05-01 or "
                         "2024-05-01T14:30:00+00:00)") from None
    return (stamp.tz_localize(tz) if stamp.tzinfo is None else stamp).tz_convert("UTC")
