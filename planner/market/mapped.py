"""Any OHLCV or funding CSV through a column mapping (as the journal reads any export).

A :class:`MarketMapping` names the file's column for each field — candles: ``time``, ``open``,
``high``, ``low``, ``close``, ``volume`` (volume optional); funding: ``time``, ``rate``,
``interval`` (optional: else ``interval_hours``) — and the timezone of times without an offset.
Times may be ISO-8601, a layout given by ``time_format``, or epoch numbers (seconds,
milliseconds or microseconds by magnitude), parsed by the journal's time reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import CellIssue, FileRefused
from planner.journal.csvio import read_table, repeated_headers
from planner.journal.frame import Parsed
from planner.journal.times import check_timezone, parse_times
from planner.market.binance import Loaded
from planner.market.checks import check_candles, check_funding
from planner.market.files import MAX_BYTES, refuse
from planner.market.names import check_symbol, interval_us

CANDLE_FIELDS = ("time", "open", "high", "low", "close", "volume")
FUNDING_FIELDS = ("time", "rate", "interval")
_REQUIRED = {"candles": ("time", "open", "high", "low", "close"), "funding": ("time", "rate")}


@dataclass(frozen=True)
class MarketMapping:
    """How to read one shape of market CSV.

    Attributes:
        kind: ``candles`` or ``funding``.
        columns: Field -> the file's column header.
        timezone: IANA timezone of times without an offset.
        time_format: ``strftime`` pattern of the times ("" = ISO-8601 or a common layout).
        dayfirst: Read ``03/04/2024`` as 3 April (only when ``time_format`` is "").
        rate_in_percent: Funding rates are written in % (``0.01`` = 0.01 %), not as fractions.
        interval_hours: Funding interval when no column is mapped to ``interval``.
    """

    kind: str = "candles"
    columns: Mapping[str, str] = field(default_factory=dict)
    timezone: str = "UTC"
    time_format: str = ""
    dayfirst: bool = False
    rate_in_percent: bool = False
    interval_hours: float = 8.0

    def problems(self, headers: list[str]) -> list[str]:
        """What makes the mapping unusable on a file with ``headers``, in plain words."""
        if self.kind not in _REQUIRED:
            return [f"unknown kind {self.kind!r} (candles or funding)"]
        fields = CANDLE_FIELDS if self.kind == "candles" else FUNDING_FIELDS
        out = [f"map a column to {k!r}" for k in _REQUIRED[self.kind] if not self.columns.get(k)]
        out += [f"unknown field {k!r} (use {', '.join(fields)})" for k in self.columns
                if k not in fields]
        out += [f"the file has no column {h!r} (mapped to {k!r})"
                for k, h in self.columns.items() if h and h not in headers]
        out += repeated_headers(headers, [h for h in self.columns.values() if h])
        try:
            check_timezone(self.timezone)
        except ValueError as exc:
            out.append(str(exc))
        return out


def parse_map(items: list[str], *, kind: str = "candles", timezone: str = "UTC",
              time_format: str = "", rate_in_percent: bool = False) -> MarketMapping:
    """A mapping from ``FIELD=HEADER`` words (the CLI's ``--map``).

    Raises:
        ValueError: A word without ``=``.
    """
    columns: dict[str, str] = {}
    for item in items:
        key, sep, header = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--map wants FIELD=HEADER, got {item!r}")
        columns[key.strip().lower()] = header.strip()
    return MarketMapping(kind, columns, timezone, time_format, False, rate_in_percent)


def read_mapped(path: str | Path, mapping: MarketMapping, *, symbol: str,
                interval: str = "") -> Loaded:
    """Read a CSV through ``mapping``; store nothing.

    Args:
        path: The CSV file.
        mapping: The columns and time rules.
        symbol: The series' symbol (a mapped file does not name it).
        interval: Candle interval (required for candles).

    Raises:
        FileRefused: Unreadable file, or the mapping does not fit it.
    """
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        raise refuse(path, f"larger than {MAX_BYTES // 2**20} MB")
    table = read_table(path)
    problems = mapping.problems(list(table.columns))
    try:
        sym = check_symbol(symbol) if symbol else ""
        if mapping.kind == "candles":
            interval_us(interval)
    except ValueError as exc:
        problems.append(str(exc))
    if not sym:
        problems.append("name the symbol (--symbol)")
    if problems:
        raise FileRefused([CellIssue(path.name, None, None, p) for p in problems])
    if table.empty:
        raise refuse(path, "no rows below the header")
    return _read(path, table, mapping, sym, interval)


def _read(path: Path, table: pd.DataFrame, m: MarketMapping, symbol: str,
          interval: str) -> Loaded:
    times, errors = parse_times(table[m.columns["time"]], m.timezone,
                                fmt=m.time_format or None, dayfirst=m.dayfirst)
    bad = errors.notna().to_numpy() | times.isna().to_numpy()
    us = times.dt.as_unit("us").astype("int64").to_numpy().copy()
    us[bad] = 0
    headers = {("open_time" if k == "time" else k): h for k, h in m.columns.items()}
    if m.kind == "funding":
        return Loaded("funding", symbol, "", _funding(path, table, m, us, bad, headers),
                      str(path))
    raw = pd.DataFrame({k: table[m.columns[k]] if m.columns.get(k) else "0"
                        for k in CANDLE_FIELDS[1:]}, index=table.index)
    parsed = check_candles(raw, us, bad, source=path.name, headers=headers)
    return Loaded("candles", symbol, interval, parsed, str(path))


def _funding(path: Path, table: pd.DataFrame, m: MarketMapping, us: np.ndarray,
             bad: np.ndarray, headers: dict[str, str]) -> Parsed:
    hours = (table[m.columns["interval"]] if m.columns.get("interval")
             else pd.Series(m.interval_hours, index=table.index))
    raw = pd.DataFrame({"rate": table[m.columns["rate"]], "interval_hours": hours},
                       index=table.index)
    headers = {("time" if k == "open_time" else k): h for k, h in headers.items()}
    headers["interval_hours"] = headers.pop("interval", "interval_hours")
    return check_funding(raw, us, bad, source=path.name, headers=headers,
                         rate_scale=0.01 if m.rate_in_percent else 1.0)
