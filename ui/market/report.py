"""The report's stress section: the plan replayed through the 3 worst 72-hour windows.

Added to ``main.py report`` when the market file holds candles for the plan's symbols (or BTC);
without market data the report is as before. One page: the totals per window, then the rows ×
windows table (outcome and P&L, losses in red).
"""

from __future__ import annotations

import os
from typing import Any

WINDOWS = 3
HOURS = 72.0
MAX_ROWS = 40


def stress_pages(market: str | os.PathLike[str], plan: Any, results: Any,
                 one_per_file: bool) -> list[Any]:
    """The stress page, or none when there is no usable market data."""
    from planner.market.store import MarketError
    from planner.market.stress import find_worst, load_history, stress
    from planner.market.views import stress_table, totals_lines

    try:
        history = load_history(market, plan.trades["symbol"])
        done = stress(results, history, find_worst(history, WINDOWS, HOURS))
    except (MarketError, ValueError):
        return []
    return [_page(totals_lines(done), stress_table(done), one_per_file)]


def _page(lines: list[str], table: Any, one_per_file: bool) -> Any:
    from matplotlib.figure import Figure

    from ui.charts.pages import A4, CHART, Page
    from ui.charts.style import GAIN, INK, LOSS

    fig = Figure(figsize=CHART if one_per_file else A4)
    fig.text(0.04, 0.96, f"Stress: the plan through the {WINDOWS} worst {HOURS:g}-hour windows",
             fontsize=12, weight="bold", color=INK, va="top")
    y = 0.92
    for line in lines:
        fig.text(0.04, y, line, fontsize=6.5, color=INK, va="top", wrap=True)
        y -= 0.035
    cols = [0.04] + [0.30 + 0.22 * i for i in range(len(table.headers))]
    y -= 0.01
    for x, h in zip(cols, ("row", *table.headers), strict=True):
        fig.text(x, y, h, fontsize=6.5, weight="bold", color=INK, va="top")
    tone = {-1: LOSS, 1: GAIN, 0: INK}
    for r, label in enumerate(table.rows[:MAX_ROWS]):
        y -= 0.018
        fig.text(cols[0], y, label, fontsize=6, color=INK, va="top")
        for c, x in enumerate(cols[1:]):
            fig.text(x, y, table.text[r][c], fontsize=6, color=tone[table.tone[r][c]],
                     va="top")
    return Page("stress", fig)
