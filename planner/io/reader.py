"""Read a plan workbook (.xlsx) into a :class:`~planner.model.Plan`.

Sheets: ``Plan`` (required; one header row, one trade a row), ``Settings``, ``Scenarios`` and
``Venues`` (optional; defaults and the shipped venue profiles otherwise). Output columns in the
file are ignored (the engine recomputes them); columns unknown to the schema are kept in
``Plan.extra``. Every bad cell raises :class:`~planner.errors.PlanError` naming sheet, row and
column; nothing is changed on failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import CellIssue, FileRefused, PlanError
from planner.model import Plan, Settings
from planner.schema import BY_KEY, HEADER_LOOKUP, normalise_header
from planner.tables import scenarios_from_rows, settings_from_rows, venues_from_rows
from planner.validate import type_trades
from planner.venues import merge_venues, shipped_venues

PLAN_SHEET = "Plan"


def _open(path: Path) -> Any:
    from openpyxl import load_workbook

    if not path.exists():
        raise FileRefused(CellIssue(path.name, None, None, "file not found"))
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for non-workbooks
        why = f"not a readable .xlsx workbook ({exc.__class__.__name__})"
        raise FileRefused(CellIssue(path.name, None, None, why)) from None


def _rows(ws: Any) -> Iterator[tuple[int, list[Any]]]:
    """Yield ``(sheet_row, values)`` for non-blank rows."""
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        vals = list(row)
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in vals):
            yield i, vals


def _sheet(wb: Any, name: str) -> Any | None:
    for ws in wb.worksheets:
        if ws.title.strip().lower() == name.lower():
            return ws
    return None


def _header_rows(ws: Any, sheet: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    rows = list(_rows(ws))
    if not rows:
        return [], []
    header = [str(h).strip() if h is not None else "" for h in rows[0][1]]
    body = [(r, {h.lower(): v for h, v in zip(header, vals, strict=False) if h})
            for r, vals in rows[1:]]
    return header, body


def read_plan_sheet(ws: Any) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame]:
    """Read the Plan sheet: raw input cells by key, the header seen per key, extra columns.

    Returns:
        ``(raw, headers, extra)``; ``raw`` and ``extra`` are indexed by spreadsheet row.
    """
    rows = list(_rows(ws))
    if not rows:
        raise PlanError(CellIssue(PLAN_SHEET, 1, None, "the sheet is empty: no header row"))
    header_row, header = rows[0]
    keys: dict[int, str] = {}
    extra_cols: dict[int, str] = {}
    headers: dict[str, str] = {}
    for j, h in enumerate(header):
        if h is None or not str(h).strip():
            continue
        key = HEADER_LOOKUP.get(normalise_header(h))
        if key is None:
            extra_cols[j] = str(h).strip()
        elif key in headers:
            raise PlanError(CellIssue(PLAN_SHEET, header_row, str(h), "column appears twice"))
        elif BY_KEY[key].is_input:
            keys[j], headers[key] = key, str(h).strip()
        else:
            headers[key] = str(h).strip()  # an output column: ignored, recomputed
    body = rows[1:]
    index = pd.Index([r for r, _ in body], name="sheet_row")

    def cells(j: int) -> list[Any]:
        return [vals[j] if j < len(vals) else None for _, vals in body]

    raw = pd.DataFrame({k: cells(j) for j, k in keys.items()}, index=index)
    extra = pd.DataFrame({name: cells(j) for j, name in extra_cols.items()}, index=index)
    return raw, headers, extra


def load_plan(path: str | Path) -> Plan:
    """Load and validate a plan workbook.

    Args:
        path: The ``.xlsx`` file.

    Returns:
        The plan: typed trades, settings, scenarios, venue profiles (shipped ones merged with
        the workbook's, the workbook winning), extra columns.

    Raises:
        PlanError: The file is not a plan or holds bad cells; the message names where.
    """
    path = Path(path)
    wb = _open(path)
    try:
        return _read(wb)
    finally:
        wb.close()


def _read(wb: Any) -> Plan:
    ws = _sheet(wb, PLAN_SHEET)
    if ws is None:
        raise PlanError(CellIssue(PLAN_SHEET, None, None, "the workbook has no 'Plan' sheet"))
    venues = shipped_venues()
    vs = _sheet(wb, "Venues")
    if vs is not None:
        venues = merge_venues(venues.values(), venues_from_rows(_header_rows(vs, "Venues")[1]))
    settings = Settings()
    ss = _sheet(wb, "Settings")
    if ss is not None:
        pairs = [(r, v[0], v[1] if len(v) > 1 else None) for r, v in _rows(ss)
                 if str(v[0]).strip().lower() != "key"]
        settings = settings_from_rows(pairs, venues)
    elif settings.default_venue not in venues:
        raise PlanError(CellIssue("Settings", None, "default_venue",
                                  f"unknown venue profile {settings.default_venue!r}"))
    sc = _sheet(wb, "Scenarios")
    scenarios = scenarios_from_rows(_header_rows(sc, "Scenarios")[1]) if sc is not None else None
    raw, headers, extra = read_plan_sheet(ws)
    trades = type_trades(raw, venues, sheet=PLAN_SHEET, headers=headers)
    trades.attrs["sheet_rows"] = list(raw.index)
    plan = Plan(trades=trades, settings=settings, venues=venues,
                extra=extra.reset_index(drop=True) if len(extra.columns) else None)
    return plan.with_changes(scenarios=scenarios) if scenarios else plan
