"""Validate and type journal rows against the journal column schema (``columns.py``).

Raw cells (as a CSV, a workbook sheet or a column mapping delivers them, keyed by journal key
and indexed by the row number the user sees) become a typed journal frame:

* times ``datetime64[us, UTC]`` (NaT when blank), see :mod:`planner.journal.times`;
* text columns ``str`` ("" when blank); numbers ``float64`` (NaN when blank and no default);
* ``reported_pnl_usd``: a realized P&L the file states itself (exchange exports), used when the
  price fields are missing; ``execution_id``: the venue's own id of the fill, when mapped.

Bad cells do not stop the reading: each becomes a :class:`~planner.errors.CellIssue` naming
sheet, row and column, and the row is left out of the good rows, so the caller can show every
problem and let the user accept the good rows or fix the file. Vectorised per column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.errors import CellIssue
from planner.journal.columns import EXIT_KINDS, JOURNAL_INPUTS, MAX_USD
from planner.journal.times import outside_range, parse_times, range_text, stamp_text
from planner.model import DEFAULT_BUCKETS, SIDES
from planner.schema import Column
from planner.validate import bounds_errors, parse_number

REPORTED_PNL = "reported_pnl_usd"
EXECUTION_ID = "execution_id"
TIME_KEYS = tuple(c.key for c in JOURNAL_INPUTS if c.dtype == "datetime")
FLOAT_KEYS = tuple(c.key for c in JOURNAL_INPUTS if c.dtype == "float") + (REPORTED_PNL,)
TEXT_KEYS = tuple(c.key for c in JOURNAL_INPUTS if c.dtype in ("text", "choice")) + (
    EXECUTION_ID,)
FRAME_KEYS = tuple(c.key for c in JOURNAL_INPUTS) + (REPORTED_PNL, EXECUTION_ID)
_REPORTED = Column(REPORTED_PNL, "realized_pnl_usd", "input", "float", "journal", unit="USD",
                   minimum=-MAX_USD, maximum=MAX_USD)
_EXEC = Column(EXECUTION_ID, "execution_id", "input", "text", "journal")
_COLS: dict[str, Column] = {c.key: c for c in (*JOURNAL_INPUTS, _REPORTED, _EXEC)}
PRICE_RULE = ("needs entry_price, exit_price and quantity to compute the P&L, or a "
              "realized_pnl_usd figure")


def normalise_tags(text: pd.Series) -> pd.Series:
    """Tags as ``a, b`` text: split on commas or semicolons, trimmed, lower case, unique."""
    parts = text.astype(str).str.lower().str.replace(";", ",", regex=False).str.split(",")
    return parts.map(lambda ts: ", ".join(dict.fromkeys(t.strip() for t in ts if t.strip())))


def empty_journal(n: int = 0) -> pd.DataFrame:
    """A typed journal frame of ``n`` rows: defaults where the schema has them, else blank."""
    data: dict[str, pd.Series] = {}
    for key in FRAME_KEYS:
        col = _COLS[key]
        if key in TIME_KEYS:
            data[key] = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
        elif key in FLOAT_KEYS:
            fill = np.nan if col.default is None else float(col.default)
            data[key] = pd.Series(np.full(n, fill), dtype=float)
        else:
            data[key] = pd.Series([col.default or ""] * n, dtype=object)
    return pd.DataFrame(data)


@dataclass(frozen=True, eq=False)
class Parsed:
    """Rows read from one source, split into good rows and issues.

    Attributes:
        frame: The good rows, typed (index = the row numbers the user sees).
        issues: Every problem found, each naming sheet, row and column.
        total: Number of non-blank rows read.
        source: What was read (file name, sheet), for messages.
    """

    frame: pd.DataFrame
    issues: tuple[CellIssue, ...] = ()
    total: int = 0
    source: str = ""
    bad_rows: tuple[int, ...] = field(default=())

    @property
    def good(self) -> int:
        """Number of good rows."""
        return len(self.frame)


def _numbers(raw: pd.Series, col: Column) -> tuple[np.ndarray, dict[object, str]]:
    """Vectorised number parsing; the slow path only words the odd cells."""
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return raw.to_numpy(dtype=float, na_value=np.nan), {}   # ±inf: see _value_errors
    text = raw.astype(object).where(raw.notna(), "").astype(str).str.strip()
    arr = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(dtype=float,
                                                                               copy=True)
    errors: dict[object, str] = {i: f"expected a finite number, got {text[i]!r}"
                                 for i in raw.index[np.isinf(arr)]}   # "inf", "1e400"
    for pos in np.flatnonzero(np.isnan(arr) & (text != "").to_numpy()):
        try:
            arr[pos] = parse_number(raw.iat[pos], col)
        except ValueError as exc:
            errors[raw.index[pos]] = str(exc)
    return arr, errors


def _float_column(raw: pd.Series, col: Column) -> tuple[np.ndarray, dict[object, str]]:
    arr, errors = _numbers(raw, col)
    if col.default is not None:
        arr = np.where(np.isnan(arr), float(col.default), arr)
    for p, why in _value_errors(arr, col).items():
        errors.setdefault(raw.index[p], why)
    return arr, errors


def _texts(raw: pd.Series) -> pd.Series:
    if raw.isna().any():
        raw = raw.astype(object).where(raw.notna(), "")
    text = raw.astype(str).str.strip()
    return text.where(~text.isin(["nan", "NaN", "None", "none"]), "").astype(object)


def _text_column(raw: pd.Series, col: Column) -> tuple[pd.Series, dict[object, str]]:
    text = _texts(raw)
    errors: dict[object, str] = {}
    if col.key == "side":
        low = text.str.lower()
        bad = ~low.isin(list(SIDES)) & (low != "")
        errors = {i: f"unknown side {text[i]!r}; expected long or short" for i in low.index[bad]}
        text = low.where(low != "", col.default)
    elif col.key == "bucket":
        low = text.str.lower()
        known = {b.lower(): b for b in DEFAULT_BUCKETS}
        text = text.where(~low.isin(list(known)), low.map(known)).replace("", col.default)
    elif col.key == "symbol":
        text = text.str.upper()
    elif col.key == "exit_kind":
        low = text.str.lower()
        bad = ~low.isin(list(EXIT_KINDS)) & (low != "")
        errors = {i: f"unknown exit_kind {text[i]!r}; expected {', '.join(EXIT_KINDS)}"
                  for i in low.index[bad]}
        text = low.where(low != "", col.default)
    elif col.key == "tags":
        text = normalise_tags(text)
    if col.required:
        errors.update({i: f"{col.header} is required" for i in text.index[text == ""]})
    return text.astype(object), errors


def _time_column(raw: pd.Series, col: Column, tz: str | None, fmt: str | None,
                 dayfirst: bool) -> tuple[pd.Series, dict[object, str]]:
    times, why = parse_times(raw, tz, fmt=fmt, dayfirst=dayfirst)
    errors = {i: str(m) for i, m in why.dropna().items()}
    errors.update(_range_errors(times, col.header))
    return times, errors


def _range_errors(times: pd.Series, header: str) -> dict[object, str]:
    """A time outside the supported range (:func:`planner.journal.columns.time_range`)."""
    outside = times.index[outside_range(times)]
    if not len(outside):
        return {}
    span = range_text()
    return {i: f"{header} {stamp_text(times[i])} is outside the supported range ({span})"
            for i in outside}


def _typed(raw: pd.DataFrame, tz: str | None, fmt: str | None,
           dayfirst: bool) -> tuple[pd.DataFrame, dict[str, dict[object, str]]]:
    base = empty_journal(len(raw)).set_index(raw.index)
    errors: dict[str, dict[object, str]] = {}
    for key in FRAME_KEYS:
        if key not in raw:
            continue
        col = _COLS[key]
        if key in TIME_KEYS:
            base[key], errors[key] = _time_column(raw[key], col, tz, fmt, dayfirst)
        elif key in FLOAT_KEYS:
            base[key], errors[key] = _float_column(raw[key], col)
        else:
            base[key], errors[key] = _text_column(raw[key], col)
    return base, errors


def _row_rules(frame: pd.DataFrame, errors: dict[str, dict[object, str]]) -> None:
    """Rules across columns: a computable P&L, a required close time, open before close."""
    priced = frame[["entry_price", "exit_price", "quantity"]].notna().all(axis=1)
    no_pnl = ~priced & frame[REPORTED_PNL].isna()
    rule = errors.setdefault("exit_price", {})
    for i in frame.index[no_pnl]:
        rule.setdefault(i, PRICE_RULE)
    closed = errors.setdefault("closed_at", {})
    for i in frame.index[frame["closed_at"].isna()]:
        closed.setdefault(i, "closed_at is required")
    late = frame["opened_at"] > frame["closed_at"]
    opened = errors.setdefault("opened_at", {})
    for i in frame.index[late.fillna(False).astype(bool)]:
        opened.setdefault(i, "opened_at is after closed_at")


def parse_journal(raw: pd.DataFrame, *, sheet: str, tz: str | None = None,
                  headers: Mapping[str, str] | None = None, fmt: str | None = None,
                  dayfirst: bool = False, source: str = "") -> Parsed:
    """Validate raw journal cells; return the good rows typed and every issue.

    Args:
        raw: Columns keyed by journal key (plus ``reported_pnl_usd``, ``execution_id``); the
            index holds the row number the user sees (spreadsheet or CSV line).
        sheet: Sheet or file name for messages.
        tz: IANA timezone for times without an offset; ``None`` refuses such times.
        headers: Header text per key as found in the file (for messages).
        fmt: ``strftime`` pattern of the times, or ``None`` for ISO-8601.
        dayfirst: Read ambiguous dates day first (only without ``fmt``).
        source: What was read, for messages.

    Returns:
        The :class:`Parsed` rows.
    """
    headers = dict(headers or {})
    frame, errors = _typed(raw, tz, fmt, dayfirst)
    if "symbol" not in raw:
        errors["symbol"] = {i: "symbol is required" for i in raw.index}
    _row_rules(frame, errors)
    issues = sorted(
        (CellIssue(sheet, int(i), headers.get(key, _COLS[key].header), msg)  # type: ignore[call-overload]
         for key, found in errors.items() for i, msg in found.items()),
        key=lambda c: (c.row or 0, c.column or ""))
    bad = sorted({c.row for c in issues if c.row is not None})
    good = frame.drop(index=[b for b in bad if b in frame.index])
    return Parsed(good, tuple(issues), len(raw), source or sheet, tuple(bad))


def frame_issues(frame: pd.DataFrame, sheet: str = "journal") -> list[CellIssue]:
    """What makes a *typed* journal frame unfit to store (the store's last guard).

    The same rules as :func:`parse_journal` for the values themselves: every number finite and
    within its column's bounds, every time within the supported range, a close time on every
    row. Rows are named by position (1 = the first row of ``frame``).
    """
    issues: list[CellIssue] = []
    for key in FRAME_KEYS:
        if key not in frame or key in TEXT_KEYS:
            continue
        col = _COLS[key]
        found: dict[object, str]
        if key in TIME_KEYS:
            found = _range_errors(frame[key].reset_index(drop=True), col.header)
            if col.required:
                missing = np.flatnonzero(frame[key].isna().to_numpy())
                found.update({int(p): f"{col.header} is required" for p in missing})
        else:
            arr = frame[key].to_numpy(dtype=float, na_value=np.nan)
            found = {p: m for p, m in _value_errors(arr, col).items()}
        issues += [CellIssue(sheet, int(p) + 1, col.header, m)  # type: ignore[call-overload]
                   for p, m in found.items()]
    return sorted(issues, key=lambda c: (c.row or 0, c.column or ""))


def _value_errors(arr: np.ndarray, col: Column) -> dict[int, str]:
    """Position -> why, for numbers that are infinite or outside ``col``'s bounds."""
    errors = {int(p): f"expected a finite number, got {arr[p]:g}"
              for p in np.flatnonzero(np.isinf(arr))}
    for p in np.flatnonzero(bounds_errors(arr, col)):
        errors.setdefault(int(p), f"{col.header} must be {col.bounds_text()}, got {arr[p]:g}")
    return errors
