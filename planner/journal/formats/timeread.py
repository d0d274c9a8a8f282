"""The date layouts of exchange exports, rewritten to ISO-8601 before parsing (vectorised).

Seen in the exports: ISO (``2026-03-17T10:00:00Z``), ``2026-03-17 10:00:00``, Bybit's
``10:00 2026-01-10`` (time first), two-digit years ``26-03-17 10:00:00`` (read as yy-mm-dd, as
Binance writes them), epoch milliseconds, and the browser-locale ``18/09/2025 - 14:03:11``.

A slashed date whose day/month order the file itself does not settle (no day above 12 in either
place) is never guessed: the caller names the order (``dayfirst``), else the file is refused
with a message naming ``--dayfirst`` / ``--monthfirst``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.errors import CellIssue, FileRefused
from planner.journal.times import parse_times

_TIME_FIRST = r"^(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s+(\d{4}-\d{1,2}-\d{1,2})$"
_SHORT_YEAR = r"^(\d{2})-(\d{2})-(\d{2})([ T].*)$"
_SLASHED = r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:\s*-\s*|\s+|T)?(.*)$"
AMBIGUOUS_MARK = "could be day/month or month/day"
AMBIGUOUS = ("{n} date(s) such as {example!r} could be day/month or month/day; say which with "
             "--dayfirst (18/09 = 18 September) or --monthfirst (09/18 = 18 September)")


def _year(text: pd.Series) -> pd.Series:
    return text.where(text.str.len() == 4, "20" + text)


def _slashed(text: pd.Series, dayfirst: bool | None, name: str, header: str) -> pd.Series:
    parts = text.str.extract(_SLASHED)
    found = parts[0].notna()
    if not found.any():
        return text
    a, b = parts[0][found].astype(int), parts[1][found].astype(int)
    order = _order(a, b, dayfirst, text[found], name, header)
    day, month = (a, b) if order else (b, a)
    iso = (_year(parts[2][found]) + "-" + month.map("{:02d}".format) + "-"
           + day.map("{:02d}".format) + " " + parts[3][found].str.strip()).str.strip()
    return text.where(~found, iso)


def _order(a: pd.Series, b: pd.Series, dayfirst: bool | None, cells: pd.Series, name: str,
           header: str) -> bool:
    """True for day first: from the file when a value above 12 settles it, else as asked."""
    day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
    if day_first and month_first:
        raise FileRefused(CellIssue(name, int(cells.index[int(np.argmax((b > 12).to_numpy()))]),
                                    header, "dates mix day/month and month/day orders"))
    if day_first or month_first:
        if dayfirst is not None and dayfirst != day_first:
            raise FileRefused(CellIssue(name, None, header, "the file's dates contradict the "
                                        "day/month order asked for"))
        return day_first
    if dayfirst is None:
        raise FileRefused(CellIssue(name, int(cells.index[0]), header, AMBIGUOUS.format(
            n=len(cells), example=str(cells.iloc[0]))))
    return dayfirst


def rewrite(text: pd.Series, dayfirst: bool | None, name: str, header: str) -> pd.Series:
    """Exchange date layouts rewritten as ISO text (others pass through unchanged)."""
    text = text.astype(str).str.strip()
    third = text.str[2:3]
    text = _sub(text, (third == ":") | (text.str[1:2] == ":"), _TIME_FIRST, r"\2 \1")
    text = _sub(text, third == "-", _SHORT_YEAR, r"20\1-\2-\3\4")
    slashed = text.str.contains("/", regex=False).to_numpy()
    if not slashed.any():
        return text
    return text.where(~slashed, _slashed(text[slashed], dayfirst, name, header))


def _sub(text: pd.Series, maybe: pd.Series, pattern: str, repl: str) -> pd.Series:
    """``str.replace`` on the cells a cheap test says may match (the rest are left as they are)."""
    rows = maybe.to_numpy(dtype=bool)
    if not rows.any():
        return text
    return text.where(~rows, text[rows].str.replace(pattern, repl, regex=True))


def read_times(cells: pd.Series, offset: str, tz: str | None, dayfirst: bool | None,
               name: str, header: str) -> tuple[pd.Series, pd.Series]:
    """Parse an export's time column to UTC.

    Args:
        cells: The column's text.
        offset: UTC offset of naive times (``+08:00``) from the file, or "".
        tz: IANA timezone of naive times when the file names no offset (``None``: refused).
        dayfirst: Day/month order of slashed dates, or ``None`` when not given.
        name: File name for messages.
        header: Column header for messages.

    Returns:
        ``(times, errors)`` as :func:`planner.journal.times.parse_times`.

    Raises:
        FileRefused: Slashed dates whose order is ambiguous and not given.
    """
    text = rewrite(cells, dayfirst, name, header)
    digits = text.str.fullmatch(r"\d{10,16}(?:\.\d+)?")
    if offset:
        naive = ~digits & ~text.str.contains(r"(?:[zZ]|[+-]\d{2}:?\d{2}|UTC|GMT)$", regex=True)
        text = text.where(~naive | (text == ""), text + offset)
    mixed = text.astype(object)
    if digits.any():
        mixed[digits] = pd.to_numeric(text[digits]).astype(float).astype(object)
    return parse_times(mixed, tz, dayfirst=bool(dayfirst))
