"""Write a plan workbook (.xlsx) with XlsxWriter, atomically.

Inputs are written as values; user text is always written as a string (never a formula).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from planner.atomic import atomic_path
from planner.model import Plan
from planner.schema import INPUTS
from planner.tables import (
    SCENARIO_HEADER,
    VENUE_HEADER,
    scenario_rows,
    settings_rows,
    venue_rows,
)


def _cell(ws: Any, r: int, c: int, v: Any) -> None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return
    if isinstance(v, str):
        if v:
            ws.write_string(r, c, v)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    else:
        ws.write_number(r, c, float(v))


def _table(ws: Any, header: Any, rows: Any) -> None:
    for c, h in enumerate(header):
        ws.write_string(0, c, str(h))
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            _cell(ws, r, c, v)


def save_plan(plan: Plan, path: str | Path) -> None:
    """Save ``plan`` to ``path`` (sheets Plan, Settings, Scenarios, Venues), atomically."""
    import xlsxwriter

    with atomic_path(path, suffix=".xlsx") as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                            "strings_to_numbers": False,
                                            "strings_to_urls": False})
        extra = plan.extra if plan.extra is not None else None
        header = [c.header for c in INPUTS] + (list(extra.columns) if extra is not None else [])
        rows = plan.trades[[c.key for c in INPUTS]].to_numpy(dtype=object).tolist()
        if extra is not None:
            rows = [r + list(e) for r, e in zip(rows, extra.to_numpy(dtype=object).tolist(),
                                                strict=True)]
        _table(wb.add_worksheet("Plan"), header, rows)
        _table(wb.add_worksheet("Settings"), ("key", "value", "unit", "meaning"),
               settings_rows(plan.settings))
        _table(wb.add_worksheet("Scenarios"), SCENARIO_HEADER, scenario_rows(plan.scenarios))
        _table(wb.add_worksheet("Venues"), VENUE_HEADER, venue_rows(list(plan.venues.values())))
        wb.close()
