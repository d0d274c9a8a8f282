"""The History and Tails sheets: the plan's price-history snapshot (SPEC §9, §11).

History holds one row per base coin (σ, its source, funding percentiles, the tail table's
label), each column a defined name the Plan formulas look coins up in; Tails holds the
empirical tail tables, a column per coin and side.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from planner.io.names import TAILS_DATA, TAILS_HEAD, history_name
from planner.io.package import Formats, SheetSpec
from planner.io.sheetdata import Block, Col
from planner.io.sheetread import column_letters
from planner.io.sheets import table_block
from planner.io.styles import SPARE_ROWS, header_format, table_frame
from planner.model import Plan
from planner.tables import HISTORY_HEADER, history_rows
from planner.tail_tables import tail_columns


def history_sheet(wb: Any, formats: Formats, plan: Plan) -> SheetSpec:
    """The plan's history snapshot: one row per base coin, each column a defined name.

    The Plan formulas look a row's base coin up in ``HistorySymbol`` for the σ of a blank Vol
    cell (``HistorySigmaPct``, ``HistorySource``) and, with ``funding_from_history``, the
    funding percentiles (``HistoryFundingP95Pct`` …).
    """
    ws = wb.add_worksheet("History")
    rows = history_rows(plan.history)
    kinds = ["number" if k.endswith("_pct") else "text" for k in HISTORY_HEADER]
    spec = SheetSpec("History", ws, table_block(formats, HISTORY_HEADER, rows, kinds))
    last = max(len(rows), 1) + 1 + SPARE_ROWS
    for j, key in enumerate(HISTORY_HEADER):
        letter = column_letters(j)
        wb.define_name(history_name(key), f"=History!${letter}$2:${letter}${last}")
    ws.write_comment(0, 0, "What your price and funding history says per coin, as of the last "
                     "time the planner read its market file (Plan › Market data). symbol: the "
                     "base coin (BTC). A Plan row with a blank Vol % takes sigma_pct (daily σ, "
                     "%) and says so in Vol source; with funding_from_history = yes the "
                     "stressed and tail scenarios pay the 95th / 99th percentile funding "
                     "(% per 8 h; shorts the 5th / 1st).", {"x_scale": 2.6, "y_scale": 1.6})
    table_frame(ws, HISTORY_HEADER, len(rows), wide=[HISTORY_HEADER.index("source")])
    return spec


def tails_sheet(wb: Any, formats: Formats, plan: Plan) -> SheetSpec:
    """The empirical tail tables (SPEC §9): a column per coin and side, under its header.

    ``TailsHead`` is the header row and ``TailsData`` the tables; the Plan formulas of
    ``tail_model = empirical`` find a coin's column by its header (``BTC down``). A plan
    without tables still gets the sheet (and both names), so the formulas always resolve.
    """
    ws = wb.add_worksheet("Tails")
    columns = tail_columns(plan.history)
    head = Block(1, 1, [Col(j, [h], "text", header_format(formats, "plain"))
                        for j, (h, _) in enumerate(columns)])
    depth = max((len(v) for _, v in columns), default=1)
    body = Block(2, depth, [Col(j, np.array(list(v) + [None] * (depth - len(v)),
                                            dtype=object), "number")
                            for j, (_, v) in enumerate(columns)])
    last = column_letters(max(len(columns), 1) - 1)
    wb.define_name(TAILS_HEAD, f"=Tails!$A$1:${last}$1")
    wb.define_name(TAILS_DATA, f"=Tails!$A$2:${last}${depth + 1}")
    ws.write_comment(0, 0, "Empirical tails (tail_model = empirical): for each coin of the "
                     "History sheet with enough price history, the adverse excursions down "
                     "and up of every historical window of the plan's horizon, in units of "
                     "the window's trailing daily σ, sorted. P(touch) of a barrier is the share "
                     "of the column at or above |ln(barrier/entry)| / σ. Refreshed from the "
                     "market file.", {"x_scale": 2.6, "y_scale": 1.6})
    ws.freeze_panes(1, 0)
    return SheetSpec("Tails", ws, [head, body])
