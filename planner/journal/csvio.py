"""The journal's own CSV format, and reading any CSV as a table of text.

Journal CSV: a header row of journal keys (``columns.py``; matched case- and space-insensitively,
any order), one closed trade a row, ISO-8601 times. ``realized_pnl_usd`` is derived; a file that
carries it (as exchange P&L exports do) has it used when the price fields are missing.
``r_multiple`` is always derived and ignored on read. Text cells that could run as spreadsheet
formulas are written with a leading ``'`` (OWASP) and read back without it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from planner.atomic import atomic_write_text
from planner.csvout import DANGEROUS
from planner.errors import CellIssue, FileRefused
from planner.journal.columns import JOURNAL_COLUMNS
from planner.journal.frame import REPORTED_PNL, TEXT_KEYS, TIME_KEYS, Parsed, parse_journal
from planner.journal.times import iso_utc
from planner.schema import normalise_header

MAX_BYTES = 512 * 1024 * 1024
_LOOKUP = {normalise_header(c.key): c.key for c in JOURNAL_COLUMNS}
_IGNORED = {"r_multiple"}


def _refuse(path: Path, why: str) -> FileRefused:
    return FileRefused(CellIssue(path.name, None, None, why))


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(path: str | Path, *, text: bool = True) -> pd.DataFrame:
    """Read a CSV file (delimiter sniffed, UTF-8 with or without BOM) as a frame.

    Args:
        path: The file.
        text: Keep every cell as text ("" for blank); else let pandas type numeric columns.

    Returns:
        The table; the index is the row number the user sees (header = row 1).

    Raises:
        FileRefused: Missing, too large, not text, or not a table.
    """
    path = Path(path)
    if not path.is_file():
        raise _refuse(path, "file not found")
    if path.stat().st_size > MAX_BYTES:
        raise _refuse(path, f"larger than {MAX_BYTES // 2**20} MB")
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            sep = _delimiter(fh.read(65536))
        frame = pd.read_csv(path, sep=sep, encoding="utf-8-sig", skipinitialspace=True,
                            dtype=str if text else None, keep_default_na=False,
                            na_values=[] if text else [""])
    except UnicodeDecodeError:
        raise _refuse(path, "not UTF-8 text (save the file as CSV UTF-8)") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise _refuse(path, f"not a readable CSV table ({str(exc).strip() or 'empty'})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.set_axis(pd.RangeIndex(2, len(frame) + 2))


def unescape(text: pd.Series) -> pd.Series:
    """Undo the formula-injection escape on a text column (vectorised)."""
    s = text.astype(object).where(text.notna(), "").astype(str)
    quoted = s.str.startswith("'")
    if not quoted.any():
        return s.astype(object)
    q = s[quoted]
    escaped = q[q.str[1:2].isin(list(DANGEROUS))]
    return s.where(~s.index.isin(escaped.index), s.str[1:]).astype(object)


def _escape(text: pd.Series) -> pd.Series:
    s = text.astype(str)
    risky = s.str[:1].isin(list(DANGEROUS))
    return s.where(~risky, "'" + s).astype(object)


def journal_columns(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """Map a table's headers to journal keys; refuse a table that is not a journal."""
    keys: dict[str, str] = {}
    headers: dict[str, str] = {}
    for h in frame.columns:
        key = _LOOKUP.get(normalise_header(h))
        if key is None or key in _IGNORED:
            continue
        if key in keys.values():
            raise _refuse(path, f"column {h!r} appears twice")
        key = REPORTED_PNL if key == "realized_pnl_usd" else key
        keys[h], headers[key] = key, h
    missing = [k for k in ("closed_at", "symbol") if k not in keys.values()]
    if missing:
        raise _refuse(path, f"not a journal file: no {' or '.join(missing)} column (for an "
                            "exchange or broker export, use a column mapping)")
    return frame[list(keys)].rename(columns=keys), headers


def read_journal_csv(path: str | Path, tz: str | None = None) -> Parsed:
    """Read a journal CSV; good rows typed, bad rows as issues (nothing is stored here).

    Args:
        path: The CSV file.
        tz: IANA timezone for times without an offset (``None``: such times are errors).

    Raises:
        FileRefused: The file is missing, unreadable, or not a journal CSV.
    """
    path = Path(path)
    table = read_table(path, text=False)
    raw, headers = journal_columns(table, path)
    for key in TEXT_KEYS:
        if key in raw:
            raw[key] = unescape(raw[key])
    return parse_journal(raw, sheet=path.name, tz=tz, headers=headers, source=str(path))


def journal_table(derived: pd.DataFrame) -> pd.DataFrame:
    """The journal's own columns (``JOURNAL_COLUMNS``) of a derived frame, ready to write.

    Times become ISO-8601 text with an offset; text stays text; numbers stay numbers (NaN
    where missing).
    """
    out = {}
    for c in JOURNAL_COLUMNS:
        values = derived[c.key]
        if c.key in TIME_KEYS:
            out[c.key] = iso_utc(values)
        elif values.dtype.kind == "f":
            out[c.key] = values.to_numpy(dtype=float)
        else:
            out[c.key] = values.astype(str).to_numpy(dtype=object)
    return pd.DataFrame(out)


def write_journal_csv(derived: pd.DataFrame, path: str | Path) -> None:
    """Write a derived journal frame as journal CSV (UTF-8, atomically, text escaped)."""
    table = journal_table(derived)
    for c in JOURNAL_COLUMNS:
        if c.dtype in ("text", "choice"):
            table[c.key] = _escape(table[c.key])
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\r\n")   # CRLF: a CR in a cell is quoted
    atomic_write_text(path, buf.getvalue())
