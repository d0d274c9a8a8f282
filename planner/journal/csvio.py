"""The journal's own CSV format, and reading any CSV as a table of text.

Journal CSV: a header row of journal keys (``columns.py``; matched case- and space-insensitively,
any order), one closed trade a row, ISO-8601 times. ``realized_pnl_usd`` is derived; a file that
carries it (as exchange P&L exports do) has it used when the price fields are missing.
``r_multiple`` is always derived and ignored on read. Text cells that could run as spreadsheet
formulas are written with a leading ``'`` (OWASP) and read back without it.

Two columns with the same header are never resolved silently: :func:`read_table` labels every
repeat with its column letter (``price [F]``), a journal CSV whose headers name one journal
column twice is refused naming both columns, and so is a mapping that names a repeated header.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from planner.atomic import atomic_write_text
from planner.csvout import DANGEROUS
from planner.errors import CellIssue, FileRefused
from planner.io.refs import column_letters
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


def column_letter(i: int) -> str:
    """Spreadsheet letter of the 0-based column ``i`` (0 -> A, 26 -> AA; beyond XFD: ``#i``)."""
    try:
        return column_letters(i)
    except ValueError:
        return f"#{i + 1}"


def _labels(parsed: list[str], sample: str, sep: str) -> list[str]:
    """Column labels: the header text (stripped); a repeated header gets ``[letter]``.

    pandas would call a repeat ``price.1`` (which nothing matches, so the first column would
    silently win); the header row as written comes from the sniffed sample.
    """
    try:
        raw = next(csv.reader(io.StringIO(sample), delimiter=sep, skipinitialspace=True))
    except (StopIteration, csv.Error):
        raw = []
    if len(raw) != len(parsed):
        raw = parsed
    labels, seen = [], set()
    for i, (r, p) in enumerate(zip(raw, parsed, strict=True)):
        label = str(r).strip() or str(p).strip()
        labels.append(label if label not in seen else f"{label} [{column_letter(i)}]")
        seen.add(label)
    return labels


def header_text(label: str) -> str:
    """The header a :func:`read_table` label stands for (without a repeat's ``[letter]``)."""
    return _REPEAT.sub("", label)


_REPEAT = re.compile(r" \[[A-Z]{1,3}\]$")


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
            sample = fh.read(65536)
        sep = _delimiter(sample)
        frame = pd.read_csv(path, sep=sep, encoding="utf-8-sig", skipinitialspace=True,
                            dtype=str if text else None, keep_default_na=False,
                            na_values=[] if text else [""])
    except UnicodeDecodeError:
        raise _refuse(path, "not UTF-8 text (save the file as CSV UTF-8)") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise _refuse(path, f"not a readable CSV table ({str(exc).strip() or 'empty'})") from None
    frame.columns = _labels([str(c) for c in frame.columns], sample, sep)
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
    """Map a table's headers to journal keys; refuse a table that is not a journal.

    Raises:
        FileRefused: Two columns name the same journal column (both are named), or there is
            no ``closed_at`` or ``symbol`` column.
    """
    _refuse_repeats(frame, path)
    keys: dict[str, str] = {}
    headers: dict[str, str] = {}
    for h in frame.columns:
        key = _LOOKUP.get(normalise_header(h))
        if key is None or key in _IGNORED:
            continue
        key = REPORTED_PNL if key == "realized_pnl_usd" else key
        keys[h], headers[key] = key, h
    missing = [k for k in ("closed_at", "symbol") if k not in keys.values()]
    if missing:
        raise _refuse(path, f"not a journal file: no {' or '.join(missing)} column (for an "
                            "exchange or broker export, use a column mapping)")
    return frame[list(keys)].rename(columns=keys), headers


def _refuse_repeats(frame: pd.DataFrame, path: Path) -> None:
    """Refuse headers that name one journal column twice (``symbol`` and ``Symbol ``)."""
    where: dict[str, list[int]] = {}
    for i, h in enumerate(frame.columns):
        key = _LOOKUP.get(normalise_header(header_text(h)))
        if key is not None and key not in _IGNORED:
            where.setdefault(key, []).append(i)
    issues = [CellIssue(path.name, 1, None, "columns " + " and ".join(
        f"{column_letter(i)} ({header_text(frame.columns[i])!r})" for i in at)
        + f" both give the journal column {key!r}: remove or rename one")
        for key, at in where.items() if len(at) > 1]
    if issues:
        raise FileRefused(issues)


def repeated_headers(columns: list[str], wanted: list[str]) -> list[str]:
    """Problems for ``wanted`` headers that more than one column of ``columns`` carries."""
    out = []
    for h in dict.fromkeys(wanted):
        at = [i for i, c in enumerate(columns) if c == h or (header_text(c) == h != c)]
        if len(at) > 1:
            out.append(f"columns {' and '.join(column_letter(i) for i in at)} are "
                       f"{'both' if len(at) == 2 else 'all'} headed {h!r}: rename one in the "
                       f"file, or map one by its label {columns[at[1]]!r}")
    return out


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
