"""Report pages: the Portfolio tab's tables and charts on fixed-size figures.

:func:`pdf_pages` lays them out as A4 landscape pages; :func:`chart_files` gives one figure per
chart or table, for PNG / SVG output. Both use the chart classes the tab uses, drawn once.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from planner import Results
from planner.charts import (
    allocation,
    bucket_pnl,
    bucket_view,
    cross_pnl,
    cross_view,
    key_figures,
    price_ladder,
    totals_line,
)
from ui.charts.allocation import AllocationChart
from ui.charts.base import Chart, Rect
from ui.charts.bucket_pnl import BucketPnlChart
from ui.charts.cross_pnl import CrossPnlChart
from ui.charts.ladder import LadderChart
from ui.charts.style import INK, MUTED
from ui.charts.tables import draw_table, fitted

A4 = (11.69, 8.27)
MARGIN = 0.5                     # page margin, inches
CHART = (8.0, 5.0)               # one chart per file, inches
LADDER = (4.6, 6.2)
LADDERS_PER_PAGE = 3


@dataclass(frozen=True)
class Page:
    """One figure of the report.

    Attributes:
        slug: Short name for the file of this figure (``buckets``, ``ladder-row2-BTCUSDT`` …).
        figure: The drawn figure.
    """

    slug: str
    figure: Figure


def _inner(fig: Figure, top_in: float = 0.0, bottom_in: float = 0.0) -> Rect:
    """The page inside its margins, less ``top_in`` / ``bottom_in`` inches."""
    w, h = fig.get_size_inches()
    return (MARGIN / w, (MARGIN + bottom_in) / h, 1 - 2 * MARGIN / w,
            1 - (2 * MARGIN + top_in + bottom_in) / h)


def _heading(fig: Figure, title: str, lines: list[str]) -> float:
    """Title and wrapped lines at the top of the page; returns the height used, inches."""
    w, h = fig.get_size_inches()
    fig.text(MARGIN / w, 1 - MARGIN / h, title, fontsize=14, fontweight="bold", color=INK,
             va="top")
    y, width = MARGIN + 0.36, int((w - 2 * MARGIN) * 72 / 4.7)
    for line in lines:
        text = textwrap.fill(line, width)
        fig.text(MARGIN / w, 1 - y / h, text, fontsize=8.5, color=MUTED if y < 0.9 else INK,
                 va="top", linespacing=1.3)
        y += 0.17 * (text.count("\n") + 1) + 0.04
    return y - MARGIN + 0.1


def _table_block(fig: Figure, top_in: float, which: str, results: Results) -> float:
    """A table under ``top_in`` inches of heading; returns the inches used below it."""
    table = bucket_view(results) if which == "buckets" else cross_view(results)
    cols = [i for i, c in enumerate(table.columns) if c.key != "verdict"]
    rect = _inner(fig, top_in)
    return draw_table(fig, rect, table, cols) / 72.0 + 0.15


def _chart(fig: Figure, chart_type: type[Chart], series: Any, rect: Rect) -> Chart:
    chart = chart_type(fig, rect)
    chart.fit()
    chart.update(series)
    chart.fit()
    for art in chart.animated:   # a page is drawn once: no blitting, every artist in the pass
        art.set_animated(False)
    return chart


def buckets_page(name: str, results: Results, size: tuple[float, float] = A4,
                 with_chart: bool = True) -> Figure:
    """Title, key figures, the bucket table and (optionally) margin and risk by bucket."""
    fig = Figure(figsize=size)
    top = _heading(fig, f"Trade plan report · {name}", [totals_line(results),
                                                         *key_figures(results)])
    top += _table_block(fig, top, "buckets", results)
    if with_chart:
        _chart(fig, AllocationChart, allocation(results), _inner(fig, top + 0.1))
    return fig


def cross_page(results: Results, size: tuple[float, float] = A4) -> Figure:
    """The isolated-vs-cross table and one verdict per scenario and direction."""
    fig = Figure(figsize=size)
    top = _heading(fig, "Isolated vs cross margin", [
        "Every row moves with the market by its own scenario move (down: prices fall; up: they "
        "rise). Isolated: each row loses at most its own margin. Cross: one wallet backs every "
        "row and is liquidated, green positions included, when it falls below maintenance."])
    top += _table_block(fig, top, "cross", results)
    verdicts = [f"{r.scenario}, market {r.direction}: {r.verdict}"
                for r in results.cross.itertuples()]
    _heading_lines(fig, top + 0.1, verdicts)
    return fig


def _heading_lines(fig: Figure, top_in: float, lines: list[str]) -> None:
    w, h = fig.get_size_inches()
    y, width = MARGIN + top_in, int((w - 2 * MARGIN) * 72 / 4.7)
    for line in lines:
        text = textwrap.fill(line, width, subsequent_indent="    ")
        fig.text(MARGIN / w, 1 - y / h, text, fontsize=8.5, color=INK, va="top",
                 linespacing=1.3)
        y += 0.17 * (text.count("\n") + 1) + 0.06


def chart_page(charts: list[tuple[type[Chart], Any]], size: tuple[float, float] = A4) -> Figure:
    """Charts side by side, each in an equal share of the page."""
    fig = Figure(figsize=size)
    x0, y0, w, h = _inner(fig)
    share = w / max(len(charts), 1)
    for i, (chart_type, series) in enumerate(charts):
        _chart(fig, chart_type, series, (x0 + i * share, y0, share, h))
    return fig


def ladder_rows_page(results: Results, rows: list[tuple[int, int]],
                     size: tuple[float, float] = A4) -> Figure:
    """Up to :data:`LADDERS_PER_PAGE` price ladders side by side (index, sheet row)."""
    return chart_page([(LadderChart, price_ladder(results, i, n)) for i, n in rows], size)


def pdf_pages(name: str, results: Results, ladders: list[tuple[int, int]],
              journal: list[Page] | None = None) -> list[Page]:
    """Every page of the PDF report, in reading order."""
    pages = [Page("buckets", buckets_page(name, results)),
             Page("cross-table", cross_page(results)),
             Page("charts", chart_page([(BucketPnlChart, bucket_pnl(results)),
                                        (CrossPnlChart, cross_pnl(results))]))]
    for k in range(0, len(ladders), LADDERS_PER_PAGE):
        pages.append(Page(f"ladders-{k // LADDERS_PER_PAGE + 1}",
                          ladder_rows_page(results, ladders[k:k + LADDERS_PER_PAGE])))
    return pages + list(journal or [])


def _table_size(which: str, results: Results) -> tuple[float, float]:
    table = bucket_view(results) if which == "buckets" else cross_view(results)
    cols = [i for i, c in enumerate(table.columns) if c.key != "verdict"]
    _size, height = fitted(table, cols, (A4[0] - 2 * MARGIN) * 72.0)
    lines = 6 if which == "buckets" else 5 + 2 * len(results.cross)
    return A4[0], 2 * MARGIN + 0.6 + lines * 0.21 + height / 72.0


def chart_files(name: str, results: Results, ladders: list[tuple[int, int]],
                journal: list[Page] | None = None) -> list[Page]:
    """One figure per table and per chart (PNG / SVG output)."""
    def one(chart_type: type[Chart], series: Any) -> Figure:
        return chart_page([(chart_type, series)], CHART)

    pages = [Page("buckets", buckets_page(name, results, _table_size("buckets", results),
                                          with_chart=False)),
             Page("cross-table", cross_page(results, _table_size("cross", results))),
             Page("scenario-pnl-by-bucket", one(BucketPnlChart, bucket_pnl(results))),
             Page("isolated-vs-cross", one(CrossPnlChart, cross_pnl(results))),
             Page("margin-and-risk-by-bucket", one(AllocationChart, allocation(results)))]
    for i, n in ladders:
        symbol = "".join(ch if ch.isalnum() else "-" for ch in str(results.rows["symbol"].iat[i]))
        pages.append(Page(f"ladder-row{n}-{symbol}", ladder_rows_page(results, [(i, n)], LADDER)))
    return pages + list(journal or [])
