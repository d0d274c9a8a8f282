"""Write a plan workbook (.xlsx), atomically.

Sheets: ``Plan`` (inputs as values, every output a live formula carrying its computed value),
``Settings``, ``Scenarios``, ``Venues``, ``History`` and ``Tails`` (inputs, with defined names
the formulas use), ``Buckets`` (live sums and plan totals), ``Cross`` (values, marked as such)
and ``Journal`` when the plan carries a journal. Text a user typed is always written as text,
never as a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.core import Results
from planner.errors import PlanError
from planner.io.history_sheets import history_sheet, tails_sheet
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


def save_plan(plan: Plan, path: str | Path, results: Results | None = None,
              keep_from: str | Path | None = None) -> None:
    """Save ``plan`` to ``path`` as a workbook with live formulas, atomically.

    The planner rewrites only its own sheets (:data:`planner.io.keep.PLANNER_SHEETS`); every
    other worksheet of ``keep_from`` (default: ``path`` itself, when it exists) is carried into
    the new file as it was (:mod:`planner.io.keep`).

    Args:
        plan: The plan.
        path: Target ``.xlsx`` file; replaced only once the new file is complete.
        results: ``compute(plan)`` when the caller has it (saves computing twice). A plan the
            engine cannot compute (an unknown venue) is still saved: its formulas carry no
            values and the Buckets and Cross sheets are empty.
        keep_from: The workbook whose other sheets to keep (the one the plan was opened from,
            for "save as"); ``None`` keeps those of ``path``.

    Raises:
        PlanError: A text is longer than Excel allows in a cell, an extra column has no
            usable header, or the sheets to keep cannot be read (nothing is written).
        OSError: The file cannot be written (the previous file is left intact).
    """
    from planner.io.keep import read_kept_sheets

    kept = read_kept_sheets(keep_from if keep_from is not None else path)
    if results is None:
        results = _results_or_blank(plan)
    wb, buf = new_workbook()
    wb.set_properties({"title": "Trade plan", "comments": "Written by the trade planner. "
                       "Computed columns are live formulas; the Cross sheet holds values."})
    formats = Formats(wb)
    makers = [
        ("Plan", lambda: plan_sheet(wb, formats, plan, results.rows)),
        ("Settings", lambda: settings_sheet(wb, formats, plan)),
        ("Scenarios", lambda: scenarios_sheet(wb, formats, plan)),
        ("Venues", lambda: venues_sheet(wb, formats, plan)),
        ("History", lambda: history_sheet(wb, formats, plan)),
        ("Tails", lambda: tails_sheet(wb, formats, plan)),
        ("Buckets", lambda: buckets_sheet(wb, formats, results)),
        ("Cross", lambda: cross_sheet(wb, formats, results)),
    ]
    if plan.journal is not None:
        journal = plan.journal
        makers.append(("Journal", lambda: journal_sheet(wb, formats, journal)))
    kept.place(wb, None)
    sheets = []
    for name, make in makers:
        sheets.append(make())
        kept.place(wb, name)
    kept.place_rest(wb)
    kept.finish(wb, sheets[0].ws)
    layout = PlanLayout.of(plan)
    for key in layout.index:
        wb.define_name(plan_name(key), "=" + layout.rows_range(key))
    write_package(path, wb, buf, sheets, formats, kept)


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
