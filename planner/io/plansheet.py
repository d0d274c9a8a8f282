"""The Plan sheet: inputs as values, extra columns verbatim, outputs as live formulas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.errors import CellIssue, PlanError
from planner.io.formulas import needs_venue_escape, plan_formulas
from planner.io.package import Formats, SheetSpec
from planner.io.sheetdata import Block, Col
from planner.io.sheetread import column_letters
from planner.io.styles import (
    SPARE_ROWS,
    alert_formats,
    body_format,
    date_format,
    header_format,
    note_for,
    table_frame,
    validate_column,
)
from planner.model import Plan
from planner.schema import (
    ALERTS,
    BY_KEY,
    HEADER_LOOKUP,
    INPUTS,
    OUTPUT_KEYS,
    OUTPUTS,
    normalise_header,
)

PLAN_SHEET = "Plan"


@dataclass(frozen=True)
class PlanLayout:
    """Where each column of the Plan sheet goes: inputs, then extra columns, then outputs.

    Attributes:
        n: Number of trades (rows 2 .. n + 1).
        index: Column index of every schema key.
        extras: Headers of the extra (non-schema) columns, in order.
    """

    n: int
    index: dict[str, int]
    extras: tuple[str, ...]

    @classmethod
    def of(cls, plan: Plan) -> PlanLayout:
        """The layout for ``plan``.

        Raises:
            PlanError: An extra column's header would read back as a planner column.
        """
        extras = tuple(str(c) for c in plan.extra.columns) if plan.extra is not None else ()
        for h in extras:
            if normalise_header(h) in HEADER_LOOKUP or not h.strip():
                raise PlanError(CellIssue(PLAN_SHEET, 1, h, "an extra column needs a header "
                                          "of its own, not blank nor a planner column's"))
        index = {c.key: i for i, c in enumerate(INPUTS)}
        index.update({c.key: len(INPUTS) + len(extras) + i for i, c in enumerate(OUTPUTS)})
        return cls(len(plan.trades), index, extras)

    @property
    def letters(self) -> dict[str, str]:
        """Column letter of every schema key."""
        return {k: column_letters(i) for k, i in self.index.items()}

    @property
    def headers(self) -> list[str]:
        """All headers in sheet order."""
        out = [""] * (len(self.index) + len(self.extras))
        for key, i in self.index.items():
            out[i] = BY_KEY[key].header
        for j, h in enumerate(self.extras):
            out[len(INPUTS) + j] = h
        return out

    def rows_range(self, key: str) -> str:
        """Absolute reference to the trade cells of column ``key`` (at least one row)."""
        letter = self.letters[key]
        return f"{PLAN_SHEET}!${letter}$2:${letter}${max(self.n + 1, 2)}"


def plan_sheet(wb: Any, formats: Formats, plan: Plan, rows: pd.DataFrame) -> SheetSpec:
    """Build the Plan sheet (``rows`` = the engine's per-row results for ``plan``)."""
    layout = PlanLayout.of(plan)
    ws = wb.add_worksheet(PLAN_SHEET)
    spec = SheetSpec(PLAN_SHEET, ws, [_header(layout, formats),
                                      _body(plan, rows, layout, formats)])
    _decorate(ws, wb, formats, layout, plan)
    return spec


def _header(layout: PlanLayout, formats: Formats) -> Block:
    cols = []
    for key, i in layout.index.items():
        kind = "input" if BY_KEY[key].is_input else "output"
        cols.append(Col(i, [BY_KEY[key].header], "text", header_format(formats, kind)))
    for j, h in enumerate(layout.extras):
        cols.append(Col(len(INPUTS) + j, [h], "text", header_format(formats, "extra")))
    return Block(1, 1, cols)


def _body(plan: Plan, rows: pd.DataFrame, layout: PlanLayout, formats: Formats) -> Block:
    cols = [Col(layout.index[c.key], plan.trades[c.key].to_numpy(),
                "number" if c.dtype == "float" else "text", body_format(formats, c))
            for c in INPUTS]
    if plan.extra is not None:
        for j in range(len(layout.extras)):
            cols.append(Col(len(INPUTS) + j, plan.extra.iloc[:, j].to_numpy(dtype=object),
                            "auto", None, date_fmt=date_format(formats)))
    wild = plan.trades["symbol"].astype(str).str.contains(r"[~*?]", regex=True).any()
    formulas = plan_formulas(layout.letters, bool(wild) or needs_venue_escape(
        plan.venues.values(), [f.symbol for f in plan.history]))
    for c in OUTPUTS:
        values = rows[c.key].to_numpy()
        kind = c.dtype if c.dtype in ("bool", "text") else "number"
        cols.append(Col(layout.index[c.key], values, kind, body_format(formats, c),
                        formula=formulas[c.key]))
    return Block(2, layout.n, cols)


def _decorate(ws: Any, wb: Any, formats: Formats, layout: PlanLayout, plan: Plan) -> None:
    headers = layout.headers
    fmts: list[Any] = [None] * len(headers)
    for key, i in layout.index.items():
        fmts[i] = body_format(formats, BY_KEY[key])
    table_frame(ws, headers, layout.n, fmts, wide=[layout.index["notes"]])
    ws.freeze_panes(1, 1)
    for key, i in layout.index.items():
        ws.write_comment(0, i, note_for(BY_KEY[key]), {"x_scale": 2.2, "y_scale": 1.6})
    buckets = sorted(set(plan.trades["bucket"].astype(str)) - {""})
    for c in INPUTS:
        validate_column(ws, c, layout.index[c.key], layout.n + SPARE_ROWS, buckets)
    flags = [k for k in OUTPUT_KEYS if k in ALERTS or k.startswith("liquidated_")]
    alert_formats(ws, wb, layout.letters, layout.index, layout.n, flags)
