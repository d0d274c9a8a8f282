"""Read a plan workbook (.xlsx) into a :class:`~planner.model.Plan`.

Sheets: ``Plan`` (required: a header row, one trade a row), ``Settings``, ``Scenarios``, ``Venues``
(optional: defaults and the shipped venue profiles otherwise), ``History`` and ``Tails``
(optional: the price and funding facts per coin, the empirical tail tables) and ``Journal``
(optional). Sheet names and headers are matched case- and
space-insensitively; columns may come in any order; a unit in brackets after a header is ignored;
rows above the header (a title) and blank rows are skipped. Output columns in the file are ignored
(the engine recomputes them); columns unknown to the schema are kept in ``Plan.extra`` and written
back on export. A formula cell in an input column gives its saved value (a warning when it has
none).

Before anything is parsed the file goes through :mod:`planner.io.safety`. Every bad cell raises
:class:`~planner.errors.PlanError` naming sheet, row and column (all bad cells at once, up to a
limit); nothing is changed anywhere on failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import CellIssue, PlanError
from planner.io.cells import CellProblem, clean, is_blank, number, uncached_warnings, verbatim
from planner.io.ooxml import Book, open_book
from planner.io.safety import unreadable_as_refused
from planner.io.sheetread import SheetData, column_letters, read_sheet
from planner.model import Plan, Settings, SymbolFacts
from planner.schema import BY_KEY, HEADER_LOOKUP, normalise_header
from planner.tables import (
    TEXT_SETTINGS,
    history_from_rows,
    scenarios_from_rows,
    settings_from_rows,
    venues_from_rows,
)
from planner.tail_tables import with_tail_columns
from planner.validate import type_trades
from planner.venues import merge_venues, shipped_venues

PLAN_SHEET = "Plan"
HEADER_SEARCH_ROWS = 20


def load_plan(path: str | Path) -> Plan:
    """Load and validate a plan workbook.

    Args:
        path: The ``.xlsx`` file.

    Returns:
        The plan: typed trades, settings, scenarios, venue profiles (shipped ones merged with
        the workbook's, the workbook winning), extra columns and journal rows.

    Raises:
        FileRefused: The file is not a workbook, or is encrypted, macro-enabled or hostile.
        PlanError: The workbook holds bad cells; the message names sheet, row and column.
    """
    return load_plan_with_warnings(path)[0]


def load_plan_with_warnings(path: str | Path) -> tuple[Plan, list[CellIssue]]:
    """Like :func:`load_plan`, also returning warnings that did not stop the reading.

    Warnings name cells the planner read but had doubts about: a formula with no saved value
    (read as blank), values in a column without a header (ignored), rows above the header.
    """
    with unreadable_as_refused(path), open_book(Path(path)) as book:
        return _read(book)


def _read(book: Book) -> tuple[Plan, list[CellIssue]]:
    title = book.find(PLAN_SHEET)
    if title is None:
        found = ", ".join(repr(s) for s in book.sheets) or "none"
        raise PlanError(CellIssue(PLAN_SHEET, None, None, "the workbook has no 'Plan' sheet "
                                                          f"(its sheets: {found})"))
    venues = _venues(book)
    settings = _settings(book, venues)
    scenarios = _scenarios(book)
    sheet = read_plan_sheet(book, title, venues)
    warnings = sheet.warnings
    plan = Plan(trades=sheet.trades, settings=settings, venues=venues, extra=sheet.extra,
                journal=_journal(book, warnings), sheet_rows=sheet.rows,
                history=_tails(book, _history(book)))
    return (plan.with_changes(scenarios=scenarios) if scenarios else plan), warnings


def _rows(book: Book, name: str) -> SheetData | None:
    title = book.find(name)
    if title is None:
        return None
    data = read_sheet(book, title)
    _refuse_merges(data)
    return data


def _refuse_merges(data: SheetData, header_row: int = 1) -> None:
    if not data.merged:
        return
    ref = data.merged[0]
    top = int("".join(ch for ch in ref.split(":")[0] if ch.isdigit()) or 0)
    what = "merged header cells" if top <= max(header_row, 1) else "merged cells"
    raise PlanError(CellIssue(data.title, top or None, None, f"{what} {ref}: unmerge them "
                              "(Format › Merge cells › Unmerge) so that every column has its "
                              "own header and every cell its own value"))


def _keyed(data: SheetData) -> tuple[list[tuple[int, dict[str, Any]]], list[CellIssue]]:
    """Header-keyed rows of a small table (Scenarios, Venues); percent cells by ``_pct``."""
    if not data.rows:
        return [], []
    (_, head), *body = data.rows
    names = {c: str(v).strip().lower().replace(" ", "_") for c, v in head.items()}
    out, issues = [], []
    for row, cells in body:
        keyed = {}
        for c, v in cells.items():
            if c not in names:
                continue
            try:
                keyed[names[c]] = clean(v, names[c].endswith("_pct"))
            except CellProblem as exc:
                issues.append(CellIssue(data.title, row, names[c], str(exc)))
        out.append((row, keyed))
    return out, issues


def _checked(parse: Callable[[], Any], issues: list[CellIssue]) -> Any:
    try:
        value = parse()
    except PlanError as exc:
        raise PlanError(issues + exc.issues) from None
    if issues:
        raise PlanError(issues)
    return value


def _venues(book: Book) -> dict[str, Any]:
    venues = shipped_venues()
    data = _rows(book, "Venues")
    if data is None:
        return venues
    rows, issues = _keyed(data)
    return merge_venues(venues.values(), _checked(lambda: venues_from_rows(rows, data.title),
                                                  issues))


def _scenarios(book: Book) -> Any:
    data = _rows(book, "Scenarios")
    if data is None:
        return None
    rows, issues = _keyed(data)
    return _checked(lambda: scenarios_from_rows(rows, data.title), issues)


def _history(book: Book) -> tuple[SymbolFacts, ...]:
    data = _rows(book, "History")
    if data is None:
        return ()
    rows, issues = _keyed(data)
    return tuple(_checked(lambda: history_from_rows(rows, data.title), issues))


def _tails(book: Book, facts: tuple[SymbolFacts, ...]) -> tuple[SymbolFacts, ...]:
    """The History facts with the Tails sheet's tables attached (SPEC §9)."""
    data = _rows(book, "Tails")
    if data is None or not data.rows:
        return facts
    (top, head), *body = data.rows
    if top != 1:
        raise PlanError(CellIssue(data.title, top, None, "row 1 must hold the headers "
                                  "('BTC down', 'BTC up', …)"))
    headed = {c for c, v in head.items() if str(v).strip()}
    for row, cells in body:
        stray = sorted(c for c, v in cells.items() if c not in headed and v not in (None, ""))
        if stray:
            raise PlanError(CellIssue(data.title, row, column_letters(stray[0]),
                                      "a value in a column without a header"))
    columns = [(column_letters(c), str(head[c]).strip(), [(r, cells.get(c)) for r, cells in body])
               for c in sorted(headed)]
    return with_tail_columns(facts, columns, data.title)


def _settings(book: Book, venues: dict[str, Any]) -> Settings:
    data = _rows(book, "Settings")
    if data is None:
        if Settings().default_venue not in venues:
            raise PlanError(CellIssue("Settings", None, "default_venue",
                                      f"unknown venue profile {Settings().default_venue!r}"))
        return Settings()
    pairs, issues = [], []
    for row, cells in data.rows:
        key, value = cells.get(0), cells.get(1)
        if is_blank(key):
            if not is_blank(value):
                issues.append(CellIssue(data.title, row, "key", "a value without a key"))
            continue
        if str(key).strip().lower() == "key":
            continue
        try:
            pairs.append((row, key, number(value, str(key).strip().endswith("_pct"))
                          if str(key).strip() not in TEXT_SETTINGS else clean(value, False)))
        except CellProblem as exc:
            issues.append(CellIssue(data.title, row, "value", str(exc)))
    return _checked(lambda: settings_from_rows(pairs, venues, data.title), issues)


class _PlanHeader:
    """Finds the header row of the Plan sheet and says which columns to drop (outputs)."""

    def __init__(self) -> None:
        self.seen = 0
        self.inputs: dict[int, str] = {}
        self.extras: dict[int, str] = {}
        self.text: dict[int, str] = {}

    def __call__(self, row: int, cells: dict[int, Any]) -> set[int] | None:
        self.seen += 1
        keys = {c: HEADER_LOOKUP.get(normalise_header(v)) for c, v in cells.items()
                if isinstance(v, str)}
        if not any(keys.values()) and self.seen < HEADER_SEARCH_ROWS:
            return None
        drop = set()
        for c, v in cells.items():
            key, text = keys.get(c), str(v).strip()
            self.text[c] = text
            if key is None:
                self.extras[c] = text
            elif BY_KEY[key].is_input:
                self.inputs[c] = key
            else:
                drop.add(c)
        return drop


def _duplicates(title: str, row: int, head: _PlanHeader) -> list[CellIssue]:
    seen: dict[str, int] = {}
    issues = []
    for c in sorted(head.text):
        norm = head.inputs.get(c) or normalise_header(head.text[c])
        if norm in seen:
            issues.append(CellIssue(title, row, head.text[c],
                                    f"column appears twice (also column "
                                    f"{column_letters(seen[norm])})"))
        seen[norm] = c
    return issues


@dataclass(frozen=True)
class PlanSheet:
    """What the Plan sheet holds.

    Attributes:
        trades: The typed trades (schema input columns).
        extra: Columns the schema does not know, verbatim, or ``None``.
        rows: The spreadsheet row number of each trade.
        warnings: Cells read with doubts.
    """

    trades: pd.DataFrame
    extra: pd.DataFrame | None
    rows: tuple[int, ...]
    warnings: list[CellIssue]


def read_plan_sheet(book: Book, title: str, venues: dict[str, Any]) -> PlanSheet:
    """Read the Plan sheet: typed trades, extra columns (or ``None``), row numbers, warnings.

    Raises:
        PlanError: Bad cells (all of them, up to a limit), duplicate or merged headers.
    """
    head = _PlanHeader()
    data = read_sheet(book, title, head)
    _refuse_merges(data, data.header_row)
    issues = _duplicates(title, data.header_row, head)
    known = {*head.inputs, *head.extras}
    body = [(r, cells) for r, cells in data.rows if r > data.header_row and
            any(not is_blank(cells[c]) for c in known.intersection(cells))]
    trades = _trades(title, head, body, venues, issues)
    extra = pd.DataFrame({h: pd.Series([verbatim(cells.get(c)) for _, cells in body],
                                       dtype=object) for c, h in head.extras.items()})
    return PlanSheet(trades, extra if head.extras else None, tuple(r for r, _ in body),
                     _plan_warnings(title, data, head, body))


def _trades(title: str, head: _PlanHeader, body: list[tuple[int, dict[int, Any]]],
            venues: dict[str, Any], issues: list[CellIssue]) -> pd.DataFrame:
    """Type and validate the input columns; raise every problem at once (one per cell)."""
    index = pd.Index([r for r, _ in body], name="sheet_row")
    raw = {key: _input_column(title, key, head.text[c], [(r, cells.get(c)) for r, cells in body],
                              issues) for c, key in head.inputs.items()}
    frame = pd.DataFrame({k: pd.Series(v, index=index, dtype=None if isinstance(
        v, np.ndarray) else object) for k, v in raw.items()}, index=index)
    try:
        trades = type_trades(frame, venues, sheet=title,
                             headers={key: head.text[c] for c, key in head.inputs.items()})
    except PlanError as exc:
        issues += exc.issues
    if issues:
        first = {(i.row, i.column): i for i in reversed(issues)}
        raise PlanError(sorted(first.values(), key=lambda i: (i.row or 0, i.column or "")))
    return trades


def _input_column(title: str, key: str, header: str, cells: list[tuple[int, Any]],
                  issues: list[CellIssue]) -> Any:
    col = BY_KEY[key]
    percent = col.unit.startswith("%")
    if col.dtype == "float" and all(type(v) is float or v is None for _, v in cells):
        return np.array([np.nan if v is None else v for _, v in cells], dtype=float)
    convert = number if col.dtype == "float" else clean
    out = []
    for row, v in cells:
        try:
            out.append(convert(v, percent))
        except CellProblem as exc:
            issues.append(CellIssue(title, row, header, str(exc)))
            out.append(None)
    return out


def _plan_warnings(title: str, data: SheetData, head: _PlanHeader,
                   body: list[tuple[int, dict[int, Any]]]) -> list[CellIssue]:
    known = {**head.inputs, **head.extras}
    warnings = uncached_warnings(title, data.uncached, head.text)
    stray = sorted({c for _, cells in body for c in cells if c not in known
                    and c not in data.dropped})
    warnings += [CellIssue(title, None, column_letters(c), "values in a column without a "
                           "header: ignored (give the column a header to keep it)")
                 for c in stray]
    above = [r for r, _ in data.rows if r < data.header_row]
    if above:
        warnings.append(CellIssue(title, above[0], None, f"{len(above)} row(s) above the header "
                                  f"row {data.header_row} ignored"))
    return warnings


def _journal(book: Book, warnings: list[CellIssue]) -> pd.DataFrame | None:
    from planner.io.journal import JOURNAL_SHEET, read_journal_raw
    from planner.journal.frame import parse_journal

    title = book.find(JOURNAL_SHEET)
    if title is None:
        return None
    raw, headers, warns = read_journal_raw(book)
    warnings += warns
    if not headers:
        warnings.append(CellIssue(title, None, None, "no journal header (closed_at, symbol, …) "
                                  "found: the sheet is not read as a journal"))
        return None
    parsed = parse_journal(raw, sheet=title, tz="UTC", headers=headers)
    if parsed.issues:
        raise PlanError(list(parsed.issues))
    return parsed.frame.reset_index(drop=True)
