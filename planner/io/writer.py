"""Write a plan workbook (.xlsx), atomically.

Sheets: ``Plan`` (inputs as values, every output a live formula carrying its computed value),
``Settings``, ``Scenarios`` and ``Venues`` (inputs, with defined names the formulas use),
``Buckets`` (live sums and plan totals), ``Cross`` (values, marked as such) and ``Journal`` when
the plan carries a journal. Text a user typed is always written as text, never as a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.core import Results
from planner.errors import PlanError
from planner.io.journal import journal_sheet
from planner.io.names import plan_name
from planner.io.package import Formats, new_workbook, write_package
from planner.io.plansheet import PlanLayout, plan_sheet
from planner.io.sheets import (
    buckets_sheet,
    cross_sheet,
    scenarios_sheet,
    settings_sheet,
    venues_sheet,
)
from planner.model import Plan
from planner.schema import OUTPUTS


def save_plan(plan: Plan, path: str | Path, results: Results | None = None) -> None:
    """Save ``plan`` to ``path`` as a workbook with live formulas, atomically.

    Args:
        plan: The plan.
        path: Target ``.xlsx`` file; replaced only once the new file is complete.
        results: ``compute(plan)`` when the caller has it (saves computing twice). A plan the
            engine cannot compute (an unknown venue) is still saved: its formulas carry no
            values and the Buckets and Cross sheets are empty.

    Raises:
        PlanError: A text is longer than Excel allows in a cell, or an extra column has no
            usable header.
        OSError: The file cannot be written (the previous file is left intact).
    """
    if results is None:
        results = _results_or_blank(plan)
    wb, buf = new_workbook()
    wb.set_properties({"title": "Trade plan", "comments": "Written by the trade planner. "
                       "Computed columns are live formulas; the Cross sheet holds values."})
    formats = Formats(wb)
    sheets = [
        plan_sheet(wb, formats, plan, results.rows),
        settings_sheet(wb, formats, plan),
        scenarios_sheet(wb, formats, plan),
        venues_sheet(wb, formats, plan),
        buckets_sheet(wb, formats, results),
        cross_sheet(wb, formats, results),
    ]
    if plan.journal is not None:
        sheets.append(journal_sheet(wb, formats, plan.journal))
    layout = PlanLayout.of(plan)
    for key in layout.index:
        wb.define_name(plan_name(key), "=" + layout.rows_range(key))
    write_package(path, wb, buf, sheets, formats)


def _results_or_blank(plan: Plan) -> Results:
    from planner.engine.core import compute

    try:
        return compute(plan)
    except PlanError:
        return blank_results(plan)


def blank_results(plan: Plan) -> Results:
    """Results with no numbers: outputs NaN/False, no buckets, totals or cross rows."""
    from planner.engine.cross import CROSS_KEYS
    from planner.engine.portfolio import BUCKET_KEYS

    n = len(plan.trades)
    outputs: dict[str, Any] = {c.key: np.zeros(n, bool) if c.dtype == "bool" else
                               np.full(n, np.nan) for c in OUTPUTS}
    rows = pd.concat([plan.trades.reset_index(drop=True),
                      pd.DataFrame(outputs, index=pd.RangeIndex(n))], axis=1)
    return Results(rows=rows, buckets=pd.DataFrame(columns=list(BUCKET_KEYS)), totals={},
                   cross=pd.DataFrame(columns=list(CROSS_KEYS)), settings=plan.settings)
