"""The Settings, Scenarios, Venues, Buckets and Cross sheets, with their defined names.

Settings, Scenarios and Venues hold inputs: every value has a defined name (or a named range)
that the Plan formulas use, so editing a setting in the spreadsheet recomputes the plan. Buckets
holds live formulas over the Plan rows; Cross holds values, marked as such, because the
isolated-vs-cross comparison needs per-row quantities the sheet does not carry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from planner.engine.core import Results
from planner.engine.portfolio import SUM_KEYS
from planner.io.names import (
    TOTAL_HEAT,
    VENUE_LIST,
    plan_name,
    scenario_name,
    setting_name,
    venue_name,
)
from planner.io.package import Formats, SheetSpec
from planner.io.sheetdata import Block, Col
from planner.io.sheetread import column_letters
from planner.io.styles import SPARE_ROWS, header_format, table_frame, values_format
from planner.model import FORMULAS, SCENARIO_NAMES, TAIL_MODELS, Plan
from planner.tables import (
    SCENARIO_HEADER,
    VENUE_HEADER,
    scenario_rows,
    settings_rows,
    venue_rows,
)

GAP_TRUE = ('"yes"', '"y"', '"true"', '"1"', "TRUE", "1")


def table_block(formats: Formats, header: Sequence[str], rows: Sequence[Sequence[Any]],
           kinds: Sequence[str], top: int = 1) -> list[Block]:
    """A header row and one column of cells per header, from row tuples."""
    head = Block(top, 1, [Col(c, [h], "text", header_format(formats, "plain"))
                          for c, h in enumerate(header) if h])
    cols = [Col(c, np.array([r[c] for r in rows], dtype=object), kind)
            for c, kind in enumerate(kinds)]
    return [head, Block(top + 1, len(rows), cols)]


def settings_sheet(wb: Any, formats: Formats, plan: Plan) -> SheetSpec:
    """Key / value / unit / meaning rows; each value is a defined name (``Capital`` …)."""
    ws = wb.add_worksheet("Settings")
    rows = settings_rows(plan.settings)
    header = ("key", "value", "unit", "meaning")
    spec = SheetSpec("Settings", ws, table_block(formats, header, rows, ("text", "auto", "text",
                                                                    "text")))
    for i, (key, *_rest) in enumerate(rows, start=2):
        wb.define_name(setting_name(key), f"=Settings!$B${i}")
        if key == "default_venue":
            ws.data_validation(i - 1, 1, i - 1, 1, {"validate": "list",
                                                    "source": f"={VENUE_LIST}"})
        elif key == "tail_model":
            ws.data_validation(i - 1, 1, i - 1, 1, {"validate": "list",
                                                    "source": list(TAIL_MODELS)})
        elif key == "tail_dof":
            ws.data_validation(i - 1, 1, i - 1, 1, {"validate": "integer", "criteria": "between",
                                                    "minimum": 3, "maximum": 30})
    ws.write_comment(0, 1, "Each value is a named cell (Capital, HorizonHours, StopSigma, …) "
                     "that the Plan formulas use: edit it here and the plan recalculates.",
                     {"x_scale": 2.0})
    table_frame(ws, header, len(rows), wide=[3])
    return spec


def scenarios_sheet(wb: Any, formats: Formats, plan: Plan) -> SheetSpec:
    """One row per scenario; every parameter is a defined name (``StressedSigmaMove`` …)."""
    ws = wb.add_worksheet("Scenarios")
    rows = scenario_rows(plan.scenarios)
    kinds = ["text", *["number"] * (len(SCENARIO_HEADER) - 2), "text"]
    spec = SheetSpec("Scenarios", ws, table_block(formats, SCENARIO_HEADER, rows, kinds))
    gap_col = SCENARIO_HEADER.index("gap")
    for i, sc in enumerate(plan.scenarios, start=2):
        for j, field in enumerate(SCENARIO_HEADER[1:], start=1):
            ref = f"Scenarios!${column_letters(j)}${i}"
            if field == "gap":
                ref = "OR(" + ",".join(f"{ref}={t}" for t in GAP_TRUE) + ")"
            wb.define_name(scenario_name(sc.name, field), f"={ref}")
    ws.data_validation(1, gap_col, len(rows), gap_col,
                       {"validate": "list", "source": ["yes", "no"]})
    ws.write_comment(0, 0, "Each parameter is a named cell (NormalSigmaMove, StressedGasMult, "
                     "TailGap, …) that the Plan formulas use. gap: yes or no.", {"x_scale": 2.0})
    table_frame(ws, SCENARIO_HEADER, len(rows))
    return spec


def venues_sheet(wb: Any, formats: Formats, plan: Plan) -> SheetSpec:
    """One row per tier (each venue's tiers together, ascending), plus the venue list."""
    ws = wb.add_worksheet("Venues")
    venues = list(plan.venues.values())
    rows = venue_rows(venues)
    kinds = ["number" if k not in ("name", "instrument", "formula", "as_of", "source")
             else "text" for k in VENUE_HEADER]
    blocks = table_block(formats, VENUE_HEADER, rows, kinds)
    list_col, key_col = len(VENUE_HEADER) + 1, len(VENUE_HEADER) + 2
    plain = header_format(formats, "plain")
    blocks[0].columns += [Col(list_col, ["venue list"], "text", plain),
                          Col(key_col, ["lookup key"], "text", plain)]
    names = [v.name for v in venues] + [None] * (len(rows) - len(venues))
    blocks[1].columns.append(Col(list_col, np.array(names, dtype=object), "text"))
    blocks[1].columns.append(_key_column(key_col, rows))
    last = len(rows) + 1 + SPARE_ROWS
    for j, key in enumerate(VENUE_HEADER):
        letter = column_letters(j)
        wb.define_name(venue_name(key), f"=Venues!${letter}$2:${letter}${last}")
    key_letter = column_letters(key_col)
    wb.define_name(venue_name("key"), f"=Venues!${key_letter}$2:${key_letter}${last}")
    wb.define_name(VENUE_LIST, f"=Venues!${column_letters(list_col)}$2:"
                               f"${column_letters(list_col)}${max(len(venues), 1) + 1}")
    ws.write_comment(0, 0, "One row per tier. Keep each table's tiers on consecutive rows, in "
                     "ascending max_notional_usd (blank = unbounded): the Plan formulas look "
                     "tiers up that way. instrument: blank = the venue's default table, else a "
                     "symbol (SOL) with its own tiers, tick, lot step and minimum order. Venue "
                     "fields are read from a venue's first row, instrument fields from the "
                     "first row of its table. A row you add needs the lookup key formula "
                     "(copy it from the row above).", {"x_scale": 2.6, "y_scale": 1.8})
    ws.write_comment(0, VENUE_HEADER.index("max_notional_usd"),
                     "Inclusive upper bound of the tier's position notional, USD; blank = no "
                     "upper bound.", {"x_scale": 2.0})
    formula_col = VENUE_HEADER.index("formula")
    ws.data_validation(1, formula_col, last - 1, formula_col,
                       {"validate": "list", "source": list(FORMULAS)})
    table_frame(ws, VENUE_HEADER, len(rows), wide=[VENUE_HEADER.index("source")])
    return SheetSpec("Venues", ws, blocks)


def _key_column(index: int, rows: Sequence[Sequence[Any]]) -> Col:
    """The live ``name|instrument`` key of each tier row, which the Plan formulas match."""
    name, inst = (column_letters(VENUE_HEADER.index(k)) for k in ("name", "instrument"))
    keys = np.array([f"{r[0]}|{r[1]}" for r in rows], dtype=object)
    return Col(index, keys, "text", formula=f'{name}{{r}}&"|"&{inst}{{r}}')


def _bucket_formulas(keys: Sequence[str]) -> dict[str, str]:
    """Formulas of the per-bucket table (``{r}`` = row; the bucket name is in column A)."""
    col = {k: column_letters(i) for i, k in enumerate(keys)}
    match = "EXACT(PlanBucket,$A{r})"
    out = {"count": f"SUMPRODUCT(--{match})"}
    for k in SUM_KEYS:
        out[k] = f"SUMPRODUCT({match}*{plan_name(k)})"
    out["heat_pct"] = f"{col['risk_usd']}{{r}}/Capital*100"
    out["margin_use_pct"] = f"{col['margin_usd']}{{r}}/Capital*100"
    for n in SCENARIO_NAMES:
        out[f"liquidations_{n}"] = f"SUMPRODUCT({match}*{plan_name(f'liquidated_{n}')})"
        out[f"recovery_{n}_pct"] = _recovery(f"{col[f'pnl_{n}_usd']}{{r}}")
    return out


def _recovery(pnl: str) -> str:
    loss = f"MAX(-{pnl},0)"
    return f'IF({loss}>=Capital,"",{loss}/(Capital-{loss})*100)'


def _total_formulas(keys: Sequence[str], top: int) -> dict[str, str]:
    """Formulas of the plan-totals block (values in column B from row ``top``)."""
    cell = {k: f"$B${top + i}" for i, k in enumerate(keys)}
    out = {"count": f"COUNTA({plan_name('symbol')})", "heat_pct": f"SUM({plan_name('risk_pct')})",
           "heat_cap_pct": "HeatCapPct", "capital_usd": "Capital",
           "rows_with_alerts": f'COUNTIF({plan_name("alert_count")},">0")',
           "alerts": f"SUM({plan_name('alert_count')})",
           "worst_tail_pnl_usd": f"MIN({plan_name('pnl_tail_usd')})"}
    out.update({k: f"SUM({plan_name(k)})" for k in SUM_KEYS})
    for n in SCENARIO_NAMES:
        out[f"liquidations_{n}"] = f"SUMPRODUCT(--{plan_name(f'liquidated_{n}')})"
        out[f"recovery_{n}_pct"] = _recovery(cell.get(f"pnl_{n}_usd", "0"))
    if "heat_pct" in cell:
        out["heat_over_cap"] = f"{cell['heat_pct']}>HeatCapPct"
    if "margin_usd" in cell:
        out["margin_use_pct"] = f"{cell['margin_usd']}/Capital*100"
    return out


def buckets_sheet(wb: Any, formats: Formats, results: Results) -> SheetSpec:
    """Per-bucket sums over the Plan rows (live), then the plan totals (live)."""
    ws = wb.add_worksheet("Buckets")
    frame = results.buckets
    keys = list(frame.columns)
    formulas = _bucket_formulas(keys)
    plain = header_format(formats, "plain")
    cols = [Col(i, frame[k].to_numpy(dtype=object), "auto", None if k in formulas else
                values_format(formats), formula=formulas.get(k)) for i, k in enumerate(keys)]
    blocks = [Block(1, 1, [Col(i, [k], "text", plain) for i, k in enumerate(keys)]),
              Block(2, len(frame), cols)]
    top = len(frame) + 4
    blocks.append(Block(top - 1, 1, [Col(0, ["plan total"], "text", plain),
                                     Col(1, ["value"], "text", plain)]))
    blocks += _totals_blocks(results.totals, top, formats)
    if "heat_pct" in results.totals:
        row = top + list(results.totals).index("heat_pct")
        wb.define_name(TOTAL_HEAT, f"=Buckets!$B${row}")
    table_frame(ws, keys, len(frame))
    return SheetSpec("Buckets", ws, blocks)


def _totals_blocks(totals: dict[str, Any], top: int, formats: Formats) -> list[Block]:
    """One row per plan total: its key, and a live formula (or a marked value) in column B."""
    formulas = _total_formulas(list(totals), top)
    out = []
    for i, (key, value) in enumerate(totals.items()):
        f = formulas.get(key)
        out.append(Block(top + i, 1, [
            Col(0, [key], "text"),
            Col(1, np.array([value], dtype=object), "auto",
                None if f else values_format(formats), formula=f)]))
    return out


def cross_sheet(wb: Any, formats: Formats, results: Results) -> SheetSpec:
    """Isolated vs cross margin per scenario and direction: values, marked as such."""
    ws = wb.add_worksheet("Cross")
    frame = results.cross
    keys = list(frame.columns)
    note = ("Isolated vs cross margin, computed by the planner when this file was saved. "
            "These are values, not formulas: they do not recalculate when you edit the plan "
            "here; open the file in the planner (or export again) to refresh them.")
    grey = values_format(formats)
    blocks = [Block(1, 1, [Col(0, [note], "text", formats.get(italic=True, bold=True))]),
              Block(3, 1, [Col(i, [k], "text", header_format(formats, "plain"))
                           for i, k in enumerate(keys)]),
              Block(4, len(frame), [Col(i, frame[k].to_numpy(dtype=object), "auto", grey)
                                    for i, k in enumerate(keys)])]
    table_frame(ws, keys, 0, wide=[keys.index("verdict")] if "verdict" in keys else ())
    ws.autofilter(2, 0, 2 + len(frame), len(keys) - 1)
    ws.freeze_panes(3, 0)
    return SheetSpec("Cross", ws, blocks)
