"""Binance public-data files: klines (candles) and funding rates.

Klines: ``SYMBOL-INTERVAL-YYYY-MM.zip`` (or ``-YYYY-MM-DD``, or the unpacked ``.csv``), futures
or spot, with or without the header row ``open_time,open,high,low,close,volume,close_time,
quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore``. Open times are epoch
milliseconds, or microseconds in newer files: each value is read by its magnitude (≥ 10¹⁴ is
µs). Funding: ``SYMBOL-fundingRate-YYYY-MM.zip`` with ``calc_time,funding_interval_hours,
last_funding_rate`` (the rate a fraction per interval). Symbol and interval come from the file
name unless given. The file is read with pandas' C parser; cells that are not numbers are found
afterwards, so a clean file costs one ``read_csv``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import FileRefused
from planner.journal.frame import Parsed
from planner.market.checks import check_candles, check_funding, numbers
from planner.market.files import read_bytes, refuse, text_head
from planner.market.names import check_symbol, interval_us

KLINE_HEADER = ("open_time", "open", "high", "low", "close", "volume", "close_time",
                "quote_volume", "count", "taker_buy_volume", "taker_buy_quote_volume", "ignore")
FUNDING_HEADER = ("calc_time", "funding_interval_hours", "last_funding_rate")
_KLINE_NAME = re.compile(r"^([A-Za-z0-9]+)-(\d+(?:s|m|h|d|w|M|mo))-\d{4}-\d{2}(?:-\d{2})?$")
_FUNDING_NAME = re.compile(r"^([A-Za-z0-9]+)-fundingRate-\d{4}-\d{2}$")
_MICROS_FROM = 1e14


@dataclass(frozen=True, eq=False)
class Loaded:
    """One file read: what it holds and its rows.

    Attributes:
        kind: ``candles`` or ``funding``.
        symbol: The series' symbol (upper case).
        interval: Candle interval (``1h``…), "" for funding.
        parsed: Good rows (typed, times µs UTC) and every issue, with line numbers.
        path: The file read.
    """

    kind: str
    symbol: str
    interval: str
    parsed: Parsed
    path: str = ""


def name_parts(path: Path) -> tuple[str, str, str]:
    """``(kind, symbol, interval)`` from a Binance file name ("" where it does not say)."""
    stem = path.name.rsplit(".", 1)[0]
    if m := _FUNDING_NAME.match(stem):
        return "funding", m.group(1).upper(), ""
    if m := _KLINE_NAME.match(stem):
        return "candles", m.group(1).upper(), m.group(2)
    return "", "", ""


def _header(path: Path, first: str) -> tuple[str, bool]:
    """``(kind, has_header)`` from the first line; refuses a header that is not Binance's."""
    cells = [c.strip().lower() for c in first.split(",")]
    try:
        float(cells[0])
        return ("funding" if len(cells) == 3 else "candles"), False
    except ValueError:
        pass
    for kind, want in (("candles", KLINE_HEADER), ("funding", FUNDING_HEADER)):
        if tuple(cells) == want:
            return kind, True
    raise refuse(path, f"not a Binance kline or funding header: {first[:120]!r} (expected "
                       f"{','.join(KLINE_HEADER)} or {','.join(FUNDING_HEADER)}; map the "
                       "columns of any other CSV instead)", 1)


def _table(path: Path, data: bytes, names: tuple[str, ...], header: bool) -> pd.DataFrame:
    first = data[:65536].lstrip(b"\xef\xbb\xbf").splitlines()[int(header):int(header) + 1]
    if first and first[0].count(b",") + 1 > len(names):
        raise refuse(path, f"not a {len(names)}-column table (line {1 + header} has "
                           f"{first[0].count(b',') + 1} fields)", 1 + header)
    try:
        frame = pd.read_csv(io.BytesIO(data), header=None, names=list(names),
                            skiprows=1 if header else 0, encoding="utf-8-sig",
                            skip_blank_lines=False, index_col=False)
    except pd.errors.EmptyDataError:
        raise refuse(path, "no rows below the header") from None
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        raise refuse(path, f"not a {len(names)}-column table ({str(exc).strip()})") from None
    frame = frame.set_axis(pd.RangeIndex(1 + header, len(frame) + 1 + header))
    filled = frame.notna().any(axis=1)
    if not filled.all():
        frame = frame[filled]                    # blank lines: skipped, numbering kept
    if frame.empty:
        raise refuse(path, "no rows below the header")
    return frame


def epoch_us(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Epoch times in ms or µs (per value, by magnitude) -> (int64 µs, mask of bad cells)."""
    x, _ = numbers(raw)
    bad = ~np.isfinite(x) | (x != np.round(x)) | (np.abs(x) > 9e18)
    scaled = np.where(np.abs(x) >= _MICROS_FROM, x, x * 1000.0)
    ok = ~bad & (np.abs(scaled) < 9e18)
    us = np.zeros(len(x), dtype=np.int64)
    us[ok] = scaled[ok].astype(np.int64)
    return us, ~ok


def read_binance(path: str | Path, *, symbol: str | None = None,
                 interval: str | None = None) -> Loaded:
    """Read a Binance kline or funding file (``.zip`` or ``.csv``); store nothing.

    Args:
        path: The file.
        symbol: The series' symbol, overriding the file name's.
        interval: Candle interval, overriding the file name's.

    Raises:
        FileRefused: The file is unreadable, not Binance's layout, or names no symbol/interval.
    """
    path = Path(path)
    data = read_bytes(path)
    kind, has_header = _header(path, text_head(path, data))
    name_kind, name_symbol, name_interval = name_parts(path)
    if name_kind and name_kind != kind:
        raise refuse(path, f"the name says {name_kind} but the rows are {kind}")
    sym = _symbol(path, symbol or name_symbol)
    if kind == "funding":
        return _funding(path, data, has_header, sym)
    return _klines(path, data, has_header, sym, _interval(path, interval or name_interval))


def _symbol(path: Path, text: str) -> str:
    if not text:
        raise refuse(path, "the file name does not give the symbol: name it (--symbol)")
    try:
        return check_symbol(text)
    except ValueError as exc:
        raise refuse(path, str(exc)) from None


def _interval(path: Path, text: str) -> str:
    if not text:
        raise refuse(path, "the file name does not give the interval: name it (--interval)")
    try:
        interval_us(text)
    except ValueError as exc:
        raise refuse(path, str(exc)) from None
    return text


def _klines(path: Path, data: bytes, header: bool, symbol: str, interval: str) -> Loaded:
    table = _table(path, data, KLINE_HEADER, header)
    times, bad = epoch_us(table["open_time"])
    grid = interval_us(interval) if interval != "1w" else 0
    parsed = check_candles(table, times, bad, source=path.name,
                           headers={k: k for k in KLINE_HEADER}, grid_us=grid)
    return Loaded("candles", symbol, interval, parsed, str(path))


def _funding(path: Path, data: bytes, header: bool, symbol: str) -> Loaded:
    table = _table(path, data, FUNDING_HEADER, header)
    raw = pd.DataFrame({"rate": table["last_funding_rate"],
                        "interval_hours": table["funding_interval_hours"]}, index=table.index)
    times, bad = epoch_us(table["calc_time"])
    parsed = check_funding(raw, times, bad, source=path.name,
                           headers={"time": "calc_time", "rate": "last_funding_rate",
                                    "interval_hours": "funding_interval_hours"})
    return Loaded("funding", symbol, "", parsed, str(path))


__all__ = ["FileRefused", "Loaded", "read_binance"]
