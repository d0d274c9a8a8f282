"""What the Stress tab and the report show, computed here (no Qt).

A rows × windows table with its tones, the totals lines, and the path of one row through one
window for the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.market.paths import assign
from planner.market.replay import ReplayResult
from planner.market.stress import History

_SHORT = {"stop": "stop", "liquidation": "LIQ", "end": "end", "no data": "no data"}


@dataclass(frozen=True, eq=False)
class StressTable:
    """Rows × windows: text, tone (−1 loss, +1 gain, 0) and tooltip per cell.

    Attributes:
        headers: One per window (its label).
        rows: One label per plan row (``row 2 BTCUSDT long``).
        text: ``text[r][c]``: ``stop −1,998`` (outcome and P&L, USD).
        tone: ``tone[r][c]``: −1 liquidated or a loss, +1 a gain, 0 no data.
        tips: Per cell: when, the path used, funding, whether a gap jumped the stop.
    """

    headers: tuple[str, ...]
    rows: tuple[str, ...]
    text: tuple[tuple[str, ...], ...]
    tone: tuple[tuple[int, ...], ...]
    tips: tuple[tuple[str, ...], ...]


def _stamp(us: float) -> str:
    if not math.isfinite(us):
        return "-"
    return str(np.datetime64(int(us), "us").astype("datetime64[m]")).replace("T", " ")


def _cell(r: pd.Series) -> tuple[str, int, str]:
    pnl = r["pnl_usd"]
    if not math.isfinite(pnl):
        return "no data", 0, "no candles for this symbol or BTC in the window"
    text = f"{_SHORT[r['outcome']]} {pnl:,.0f}" + (" gap" if r["gap"] else "")
    tone = -1 if r["outcome"] == "liquidation" or pnl < 0 else (1 if pnl > 0 else 0)
    tip = (f"{r['outcome']} at {_stamp(r['at'])} UTC; path {r['path']}; funding "
           f"{r['funding_usd']:,.2f} USD ({r['funding_source']})"
           + ("; a gap jumped the stop" if r["gap"] else ""))
    return text, tone, tip


def stress_table(results: Sequence[ReplayResult]) -> StressTable:
    """The table of every row through every window (rows in plan order)."""
    if not results:
        return StressTable((), (), (), (), ())
    first = results[0].rows
    labels = tuple(f"row {r} {s} {d}" for r, s, d in
                   zip(first["row"], first["symbol"], first["side"], strict=True))
    cells = [[_cell(row) for _, row in res.rows.iterrows()] for res in results]
    n = len(labels)
    return StressTable(tuple(r.window.label for r in results), labels,
                       tuple(tuple(col[i][0] for col in cells) for i in range(n)),
                       tuple(tuple(col[i][1] for col in cells) for i in range(n)),
                       tuple(tuple(col[i][2] for col in cells) for i in range(n)))


def totals_lines(results: Sequence[ReplayResult]) -> list[str]:
    """One line per window: plan totals, per-bucket P&L and the cross-margin verdict."""
    out = []
    for r in results:
        t, c = r.totals, r.cross
        buckets = ", ".join(f"{b} {p:,.0f}" for b, p in zip(r.buckets["bucket"],
                                                            r.buckets["pnl_usd"], strict=True))
        cross = "survived" if c.get("survived") else f"liquidated at {_stamp(c['at'])}"
        out.append(f"{r.window.label}: {t['stops']} stopped, {t['liquidations']} liquidated, "
                   f"{t['ends']} open at the end; P&L {t['pnl_usd']:,.0f} USD ({buckets}); "
                   f"cross margin {cross}")
    return out


@dataclass(frozen=True, eq=False)
class RowPath:
    """One row's price path through a window, for the chart.

    Attributes:
        label: ``row 2 BTCUSDT long — stop``.
        time: Candle open times, µs.
        close: The row's price path (closes, ``E·(P_t/P_0)^k``).
        low, high: Its adverse-extreme envelopes.
        entry, stop, liquidation: Levels (liquidation NaN when none).
        end_us: When the row ended (stop, liquidation or the window's end).
        outcome: ``stop``, ``liquidation``, ``end`` or ``no data``.
    """

    label: str
    time: np.ndarray
    close: np.ndarray
    low: np.ndarray
    high: np.ndarray
    entry: float
    stop: float
    liquidation: float
    end_us: float
    outcome: str


def row_path(rows: pd.DataFrame, history: History, result: ReplayResult,
             position: int) -> RowPath | None:
    """The path of the row at ``position`` (0-based) in ``result``'s window, or ``None``."""
    a = assign(rows, history.candles, result.window)
    g = int(a.group[position])
    if g < 0:
        return None
    p, k = a.paths[g], float(a.k[position])
    row = rows.iloc[position]
    out = result.rows.iloc[position]
    e = float(row["entry_price"])
    return RowPath(f"row {out['row']} {out['symbol']} {out['side']} — {out['outcome']}",
                   p.time, e * p.close ** k, e * p.low ** k, e * p.high ** k, e,
                   float(row["stop_price"]), float(row.get("liquidation_price", math.nan)),
                   float(out["at"]), str(out["outcome"]))
