"""Validate candle and funding rows read from a file, vectorised per column.

Raw cells (numbers or text, keyed by market field, indexed by the file's line number) become a
typed frame of good rows plus one :class:`~planner.errors.CellIssue` per bad cell, naming the file,
the line and the column, in the journal's :class:`~planner.journal.frame.Parsed` so the same
accept-the-good-rows flow applies. Times arrive already parsed (µs since the epoch, UTC).

Rules: prices finite, > 0 and at most :data:`PRICE_MAX`; volume finite, ≥ 0; ``low ≤ open, close
≤ high``; funding rates finite with ``|rate| ≤`` :data:`RATE_MAX` (a fraction per interval) and an
interval of 1–24 hours; times between 2009-01-01 and one day from now (the journal's range). A
time repeated in the same file with the same values is kept once; with other values it is bad.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from planner.errors import CellIssue
from planner.journal.columns import time_range
from planner.journal.frame import Parsed
from planner.journal.times import range_text

PRICE_MAX = 1e12
VOLUME_MAX = 1e18
RATE_MAX = 0.1          # 10 % per funding interval: no venue caps funding anywhere near it
CANDLE_KEYS = ("open_time", "open", "high", "low", "close", "volume")
FUNDING_KEYS = ("time", "rate", "interval_hours")


def numbers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cells as float64 and the mask of cells that are not blank yet not numbers."""
    if raw.dtype.kind in "fiu":
        return raw.to_numpy(dtype=float), np.zeros(len(raw), dtype=bool)
    text = raw.astype(str).str.strip()
    values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    return arr, np.isnan(arr) & ~text.isin(["", "nan", "NaN", "None"]).to_numpy()


def time_bounds_us() -> tuple[int, int]:
    """The times a market row may carry, µs since the epoch (see the module docstring)."""
    lo, hi = time_range()
    return int(lo.timestamp() * 1e6), int(hi.timestamp() * 1e6)


class _Issues:
    """Bad cells collected per check; the first reason per cell wins."""

    def __init__(self, lines: np.ndarray, source: str, headers: Mapping[str, str]) -> None:
        self.lines, self.source, self.headers = lines, source, headers
        self.bad = np.zeros(len(lines), dtype=bool)
        self.items: list[tuple[int, str, str]] = []

    def flag(self, mask: np.ndarray, key: str, why: str) -> None:
        for i in np.flatnonzero(mask):
            self.items.append((int(i), key, why))
        self.bad |= mask

    def parsed(self, frame: pd.DataFrame, total: int) -> Parsed:
        order = sorted(self.items)
        issues = tuple(CellIssue(self.source, int(self.lines[i]), self.headers.get(k, k), why)
                       for i, k, why in order)
        good = frame[~self.bad]
        return Parsed(good, issues, total, self.source,
                      tuple(sorted({int(self.lines[i]) for i, _, _ in order})))


def _number_rules(out: _Issues, key: str, arr: np.ndarray, text_bad: np.ndarray,
                  low: float, high: float, low_open: bool) -> None:
    out.flag(text_bad, key, "not a number")
    out.flag(np.isnan(arr) & ~text_bad, key, "missing")
    out.flag(np.isinf(arr), key, "not a finite number")
    finite = np.isfinite(arr)
    below = (arr <= low) if low_open else (arr < low)
    out.flag(finite & below, key, f"must be {'>' if low_open else '≥'} {low:g}")
    out.flag(finite & (arr > high), key, f"absurd: above {high:g}")


def _time_rules(out: _Issues, key: str, us: np.ndarray, errors: np.ndarray) -> None:
    out.flag(errors, key, "not a time")
    lo, hi = time_bounds_us()
    out.flag(~errors & ((us < lo) | (us > hi)), key, f"outside {range_text()}")


def _duplicates(out: _Issues, key: str, frame: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    """Flag repeated times with other values; return the mask of exact repeats (dropped)."""
    same_time = frame.duplicated(subset=[key], keep="first").to_numpy()
    exact = frame.duplicated(subset=list(keys), keep="first").to_numpy()
    first_line = frame.groupby(key, sort=False)["_line"].transform("first").to_numpy()
    for i in np.flatnonzero(same_time & ~exact):
        out.items.append((int(i), key, f"time repeats line {int(first_line[i])} with other "
                                       "values"))
    out.bad |= same_time & ~exact
    return exact


def check_candles(raw: pd.DataFrame, times: np.ndarray, time_errors: np.ndarray, *,
                  source: str, headers: Mapping[str, str], grid_us: int = 0) -> Parsed:
    """Validate candles.

    Args:
        raw: Cells of ``open``, ``high``, ``low``, ``close``, ``volume`` (index = line numbers).
        times: Open times, int64 µs since the epoch (any value where ``time_errors``).
        time_errors: Mask of cells that are not times.
        source: File name for the issues.
        headers: Field -> the column header the user sees.
        grid_us: When > 0, open times must be whole multiples of it (the interval's grid).

    Returns:
        Good rows (``CANDLE_KEYS``, times as int64 µs) and every issue.
    """
    lines = raw.index.to_numpy()
    out = _Issues(lines, source, headers)
    _time_rules(out, "open_time", times, time_errors)
    if grid_us:
        off = ~time_errors & (times % grid_us != 0)
        out.flag(off, "open_time", "not on the interval's grid (is the interval right?)")
    cols = {"open_time": times}
    for key in CANDLE_KEYS[1:]:
        arr, text_bad = numbers(raw[key])
        is_vol = key == "volume"
        _number_rules(out, key, arr, text_bad, 0.0, VOLUME_MAX if is_vol else PRICE_MAX,
                      not is_vol)
        cols[key] = arr
    o, h, lo, c = cols["open"], cols["high"], cols["low"], cols["close"]
    with np.errstate(invalid="ignore"):
        out.flag(h < lo, "high", "high below low")
        out.flag((h >= lo) & (h < np.maximum(o, c)), "high", "high below open or close")
        out.flag((h >= lo) & (lo > np.minimum(o, c)), "low", "low above open or close")
    frame = pd.DataFrame(cols, index=raw.index)
    frame["open_time"] = frame["open_time"].astype("int64")
    return _finish(out, frame, "open_time", CANDLE_KEYS)


def check_funding(raw: pd.DataFrame, times: np.ndarray, time_errors: np.ndarray, *,
                  source: str, headers: Mapping[str, str], rate_scale: float = 1.0) -> Parsed:
    """Validate funding rows (``rate`` a fraction per interval, ``interval_hours``).

    ``rate_scale`` multiplies the rates as read (0.01 for a file that writes them in %).

    Returns:
        Good rows (``FUNDING_KEYS``, times as int64 µs) and every issue.
    """
    out = _Issues(raw.index.to_numpy(), source, headers)
    _time_rules(out, "time", times, time_errors)
    rate, rate_text = numbers(raw["rate"])
    rate = rate * rate_scale
    out.flag(rate_text, "rate", "not a number")
    out.flag(np.isnan(rate) & ~rate_text, "rate", "missing")
    out.flag(np.isinf(rate), "rate", "not a finite number")
    out.flag(np.isfinite(rate) & (np.abs(rate) > RATE_MAX), "rate",
             f"absurd: |rate| above {RATE_MAX:g} per interval (is it in % rather than a "
             "fraction?)")
    hours, hours_text = numbers(raw["interval_hours"])
    _number_rules(out, "interval_hours", hours, hours_text, 1.0, 24.0, False)
    frame = pd.DataFrame({"time": times, "rate": rate, "interval_hours": hours}, index=raw.index)
    frame["time"] = frame["time"].astype("int64")
    return _finish(out, frame, "time", FUNDING_KEYS)


def _finish(out: _Issues, frame: pd.DataFrame, key: str, keys: tuple[str, ...]) -> Parsed:
    total = len(frame)
    frame = frame.assign(_line=frame.index.to_numpy())
    ok = ~out.bad
    exact = np.zeros(total, dtype=bool)
    times = frame[key].to_numpy()[ok]
    if ok.any() and not bool(np.all(times[1:] > times[:-1])):   # sorted and unique: no repeat
        exact[ok] = _duplicates_ok(out, frame, key, keys, ok)
    parsed = out.parsed(frame.drop(columns="_line"), total)
    good = parsed.frame
    if exact.any():
        good = good[~exact[~out.bad]]
    if not bool(np.all(np.diff(good[key].to_numpy()) > 0)):
        good = good.sort_values(key, kind="stable")
    return Parsed(good, parsed.issues, total, parsed.source, parsed.bad_rows)


def _duplicates_ok(out: _Issues, frame: pd.DataFrame, key: str, keys: tuple[str, ...],
                   ok: np.ndarray) -> np.ndarray:
    sub = _Issues(out.lines[ok], out.source, out.headers)
    exact = _duplicates(sub, key, frame[ok], keys)
    idx = np.flatnonzero(ok)
    for i, k, why in sub.items:
        out.items.append((int(idx[i]), k, why))
    out.bad[idx[sub.bad]] = True
    return exact
