"""The ``Journal`` sheet: closed trades as values, realized P&L and R as live formulas.

Columns: the journal schema (:data:`planner.journal.columns.JOURNAL_COLUMNS`, headers = keys),
then ``reported_pnl_usd`` (a P&L the source stated itself, used when a price is missing) and
``execution_id``. Times are Excel date-times in UTC (to the millisecond). ``realized_pnl_usd`` is
``IF(a price is missing, reported_pnl_usd, s·(exit − entry)·Q − fees + funding)`` and
``r_multiple`` is ``realized / planned_risk_usd``; both also carry their computed values.

For the journal store (``planner.journal``): :func:`journal_sheet` adds the sheet to a workbook
being written, :func:`save_journal` writes a workbook holding only the journal, and
:func:`read_journal_raw` / :func:`load_journal` read the sheet back (raw cells, or typed rows via
:func:`planner.journal.frame.parse_journal`), with every safety check of :mod:`planner.io`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import CellIssue
from planner.io.cells import uncached_warnings
from planner.io.ooxml import Book, ExcelError, open_book
from planner.io.package import Formats, SheetSpec, new_workbook, write_package
from planner.io.sheetdata import Block, Col
from planner.io.sheetread import column_letters, read_sheet
from planner.io.styles import body_format, date_format, header_format, note_for, table_frame
from planner.journal.columns import JOURNAL_COLUMNS, JOURNAL_INPUTS
from planner.schema import Column, normalise_header

JOURNAL_SHEET = "Journal"
REPORTED, EXECUTION = "reported_pnl_usd", "execution_id"
EXTRA_HEADERS = (REPORTED, EXECUTION)
HEADERS = tuple(c.header for c in JOURNAL_COLUMNS) + EXTRA_HEADERS
_KEYS = {normalise_header(h): h for h in HEADERS}


def _letters() -> dict[str, str]:
    return {h: column_letters(i) for i, h in enumerate(HEADERS)}


def journal_formulas() -> dict[str, str]:
    """Formulas of the two derived columns (``{r}`` = row number)."""
    c = {k: f"{v}{{r}}" for k, v in _letters().items()}
    priced = f'OR({c["entry_price"]}="",{c["exit_price"]}="",{c["quantity"]}="")'
    s = f'IF({c["side"]}="short",-1,1)'
    pnl = (f"{s}*({c['exit_price']}-{c['entry_price']})*{c['quantity']}-{c['fees_usd']}"
           f"+{c['funding_usd']}")
    reported = c[REPORTED]
    realized = c["realized_pnl_usd"]
    return {
        "realized_pnl_usd": f'IF({priced},IF({reported}="","",{reported}),{pnl})',
        "r_multiple": f'IF(OR({realized}="",{c["planned_risk_usd"]}=""),"",'
                      f'{realized}/{c["planned_risk_usd"]})',
    }


def derived_values(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Realized P&L and R of every trade (the formulas' cached values)."""
    from planner.journal.derive import realized_pnl

    full = frame if REPORTED in frame else frame.assign(**{REPORTED: np.nan})
    pnl = realized_pnl(full)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = pnl / full["planned_risk_usd"].to_numpy(dtype=float)
    return pnl, r


def _column(formats: Formats, c: Column, i: int, frame: pd.DataFrame) -> Col:
    values = frame[c.key].to_numpy(dtype=object) if c.key in frame else \
        np.full(len(frame), None, dtype=object)
    if c.dtype == "datetime":
        return Col(i, values, "date", date_format(formats))
    kind = "number" if c.dtype == "float" else "text"
    return Col(i, values, kind, body_format(formats, c))


def journal_sheet(wb: Any, formats: Formats, frame: pd.DataFrame) -> SheetSpec:
    """Add the Journal sheet for a typed journal frame (derived columns are recomputed)."""
    ws = wb.add_worksheet(JOURNAL_SHEET)
    n = len(frame)
    frame = frame.reset_index(drop=True)
    cols = [_column(formats, c, i, frame) for i, c in enumerate(JOURNAL_INPUTS)]
    pnl, r = derived_values(frame)
    formulas = journal_formulas()
    for j, (key, values) in enumerate((("realized_pnl_usd", pnl), ("r_multiple", r))):
        col = JOURNAL_COLUMNS[len(JOURNAL_INPUTS) + j]
        cols.append(Col(len(JOURNAL_INPUTS) + j, values, "number", body_format(formats, col),
                        formula=formulas[key]))
    base = len(JOURNAL_COLUMNS)
    cols.append(Col(base, frame[REPORTED].to_numpy(dtype=float) if REPORTED in frame else
                    np.full(n, np.nan), "number", formats.get(num_format="#,##0.00")))
    cols.append(Col(base + 1, frame[EXECUTION].to_numpy(dtype=object) if EXECUTION in frame
                    else np.full(n, None, dtype=object), "text", formats.get(num_format="@")))
    kinds = ["input" if c.is_input else "output" for c in JOURNAL_COLUMNS] + ["extra"] * 2
    head = Block(1, 1, [Col(i, [h], "text", header_format(formats, k))
                        for i, (h, k) in enumerate(zip(HEADERS, kinds, strict=True))])
    for i, c in enumerate(JOURNAL_COLUMNS):
        note = note_for(c) + (" Times are UTC." if c.dtype == "datetime" else "")
        ws.write_comment(0, i, note, {"x_scale": 2.0, "y_scale": 1.4})
    table_frame(ws, HEADERS, n, wide=[HEADERS.index("notes")])
    return SheetSpec(JOURNAL_SHEET, ws, [head, Block(2, n, cols)])


def save_journal(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a workbook holding the Journal sheet, atomically.

    The user's own sheets of an existing ``path`` are kept (:mod:`planner.io.keep`).
    """
    from planner.io.keep import read_kept_sheets

    kept = read_kept_sheets(path)
    wb, buf = new_workbook()
    formats = Formats(wb)
    kept.place(wb, None)
    spec = journal_sheet(wb, formats, frame)
    kept.place(wb, JOURNAL_SHEET)
    kept.place_rest(wb)
    kept.finish(wb, spec.ws)
    write_package(path, wb, buf, [spec], formats, kept)


def _choose(headers: dict[int, str]) -> Any:
    def choose(row: int, cells: dict[int, Any]) -> set[int] | None:
        found = {c: _KEYS[normalise_header(v)] for c, v in cells.items()
                 if isinstance(v, str) and normalise_header(v) in _KEYS}
        if not found:
            return None
        headers.update(found)
        return {c for c, h in found.items() if h == "r_multiple"}
    return choose


def read_journal_raw(book: Book) -> tuple[pd.DataFrame, dict[str, str], list[CellIssue]]:
    """Raw cells of the Journal sheet, keyed by journal key (index = sheet row).

    ``realized_pnl_usd`` cells that hold values rather than formulas (a hand-made or exchange
    sheet) become ``reported_pnl_usd`` unless that column is given.

    Returns:
        ``(raw, headers, warnings)``; an empty frame when the workbook has no Journal sheet.
    """
    title = book.find(JOURNAL_SHEET)
    if title is None:
        return pd.DataFrame(), {}, []
    headers: dict[int, str] = {}
    data = read_sheet(book, title, _choose(headers))
    body = [(r, cells) for r, cells in data.rows if r > data.header_row]
    index = pd.Index([r for r, _ in body], name="sheet_row")
    frame = pd.DataFrame({h: _column_values([cells.get(c) for _, cells in body], index)
                          for c, h in headers.items()}, index=index)
    realized = next((c for c, h in headers.items() if h == "realized_pnl_usd"), None)
    if realized is not None:
        given = [None if (r, realized) in data.formulas else v
                 for (r, _), v in zip(body, frame["realized_pnl_usd"], strict=True)]
        if REPORTED not in frame:
            frame[REPORTED] = pd.Series(given, index=index, dtype=object)
        frame = frame.drop(columns=["realized_pnl_usd"])
    frame = frame.drop(columns=[c for c in ("r_multiple",) if c in frame])
    warnings = uncached_warnings(title, data.uncached, headers)
    names = {k: k for k in frame.columns}
    if realized is not None and REPORTED not in headers.values():
        names[REPORTED] = "realized_pnl_usd"      # issues name the column the sheet has
    return frame, names, warnings


def _column_values(values: list[Any], index: pd.Index) -> pd.Series:
    """One column of raw cells: numbers as floats when all are, else Python objects."""
    if all(type(v) is float or v is None for v in values):
        return pd.Series(np.array([np.nan if v is None else v for v in values], dtype=float),
                         index=index)
    if any(isinstance(v, (ExcelError, float)) for v in values):
        values = [_plain(v) for v in values]
    return pd.Series(values, index=index, dtype=object)


def _plain(v: Any) -> Any:
    if isinstance(v, ExcelError):
        return str(v)
    return float(v) if isinstance(v, float) else v


def load_journal(path: str | Path, tz: str = "UTC") -> Any:
    """Read the Journal sheet of ``path`` into typed rows and issues.

    Args:
        path: A workbook (ours or hand-made) with a ``Journal`` sheet.
        tz: Timezone of naive times (workbook times are naive; ours are UTC).

    Returns:
        A :class:`planner.journal.frame.Parsed` (good rows typed, every issue named).

    Raises:
        FileRefused: The file is refused (see :mod:`planner.io.safety`) or has no Journal sheet.
    """
    from planner.io.safety import refuse, unreadable_as_refused
    from planner.journal.frame import parse_journal

    with unreadable_as_refused(path), open_book(path) as book:
        if book.find(JOURNAL_SHEET) is None:
            raise refuse(path, "the workbook has no 'Journal' sheet")
        raw, headers, _ = read_journal_raw(book)
    return parse_journal(raw, sheet=JOURNAL_SHEET, tz=tz, headers=headers, source=str(path))
