"""Scenario P&L by bucket: grouped bars (normal / stressed / tail), plan total last.

Reference lines: each group's planned risk (Σ 1R, the loss the stops are sized for), the heat
cap as a loss budget, and the capital when a loss comes near it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from planner.charts import BucketPnl
from ui.charts.base import Chart, Rect, sticky
from ui.charts.style import (
    CAP,
    GRID,
    INK,
    LOSS,
    SCENARIO_COLORS,
    SMALL,
    add_rect,
    style_axes,
    usd_short,
)

WIDTH = 0.26
TOTAL_GAP = 0.5   # extra space before the plan-total group


def tick_label(name: str) -> str:
    """Break a long hyphenated bucket name over two lines after its first hyphen."""
    return name.replace("-", "-\n", 1) if len(name) > 9 else name


def group_x(n: int) -> np.ndarray:
    """Centre of each group; the last (plan total) is set apart."""
    x = np.arange(n, dtype=float)
    if n:
        x[-1] += TOTAL_GAP
    return x


class BucketPnlChart(Chart):
    """Grouped bars of :class:`planner.charts.BucketPnl`, updated in place."""

    margins = (44.0, 10.0, 40.0, 44.0)

    def __init__(self, fig: Figure, rect: Rect = (0.0, 0.0, 1.0, 1.0)) -> None:
        super().__init__(fig, rect)
        self.ax = ax = self.add_axes()[0]
        style_axes(ax)
        ax.axhline(0.0, color=INK, linewidth=0.8)
        self.cap_line = ax.axhline(0.0, color=CAP, linestyle="--", linewidth=1.0)
        self.capital_line = ax.axhline(0.0, color=INK, linestyle=":", linewidth=1.0)
        self.capital_text = ax.text(0.01, 0.0, "", transform=ax.get_yaxis_transform(),
                                    ha="left", va="top", fontsize=SMALL, color=INK)
        self.risk = LineCollection([], colors=INK, linewidths=1.6)
        ax.add_collection(self.risk)
        self.separator = ax.axvline(0.0, color=GRID, linewidth=1.0)
        self.animate(self.cap_line, self.capital_line, self.capital_text, self.risk)
        self.bars: list[list[Rectangle]] = []
        self.liq_texts: list[list[Text]] = []
        self._shape: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._legend_cols = 0
        self._cap: float | None = None
        self._ylim: tuple[float, float] | None = None
        self.set_titles("Scenario P&L by bucket", "adverse move on every row, USD")
        self.fit()

    def fit(self) -> None:
        """Re-place the axes; one legend row when the figure is wide, two when narrow."""
        cols = 5 if self.size_pt()[0] > 420 else 3
        wrapped = any("\n" in tick_label(g) for g in self._shape[0])
        self.margins = (44.0, 10.0, 40.0, 40.0 + 10.0 * wrapped + (12.0 if cols < 5 else 0.0))
        if cols != self._legend_cols and self._shape[1]:
            self._legend(self._shape[1], cols)
        super().fit()

    def _legend(self, scenarios: tuple[str, ...], cols: int) -> None:
        handles: list[Artist] = [Patch(color=SCENARIO_COLORS.get(s, LOSS), label=s)
                                 for s in scenarios]
        handles += [Line2D([], [], color=INK, linewidth=1.6, label="planned risk (Σ 1R)"),
                    Line2D([], [], color=CAP, linestyle="--", label="heat cap")]
        self.set_legend(handles, cols)
        self._legend_cols = cols
        self._cap_label()

    def _build(self, groups: tuple[str, ...], scenarios: tuple[str, ...]) -> None:
        self.forget(*[a for row in self.bars + self.liq_texts for a in row])
        x = group_x(len(groups))
        offsets = (np.arange(len(scenarios)) - (len(scenarios) - 1) / 2) * WIDTH
        self.bars = [[add_rect(self.ax, xi + off - WIDTH / 2, 0.0, WIDTH, 0.0,
                               color=SCENARIO_COLORS.get(s, LOSS))
                      for xi in x] for off, s in zip(offsets, scenarios, strict=True)]
        self.liq_texts = [[self.ax.text(xi + off, 0.0, "", ha="center", va="top",
                                        fontsize=SMALL - 0.5, color=LOSS) for xi in x]
                          for off in offsets]
        self.animate(*[a for row in self.bars + self.liq_texts for a in row])
        self.ax.set_xticks(x, [tick_label(g) for g in groups])
        self.ax.set_xlim(-0.6, (x[-1] if len(x) else 0.0) + 0.6)
        self.separator.set_xdata([x[-1] - 0.5 - TOTAL_GAP / 2] * 2 if len(x) else [0.0, 0.0])
        self._shape = (groups, scenarios)
        self._legend_cols = 0
        self.fit()

    def update(self, series: BucketPnl) -> None:
        """Show new P&L figures; rebuild the bars only when the buckets change."""
        if (series.groups, series.scenarios) != self._shape:
            self._build(series.groups, series.scenarios)
        for j, row in enumerate(self.bars):
            for i, rect in enumerate(row):
                v, n = float(series.pnl_usd[i, j]), int(series.liquidations[i, j])
                rect.set_height(v)
                self.liq_texts[j][i].set_position((rect.get_x() + WIDTH / 2, min(v, 0.0)))
                self.liq_texts[j][i].set_text(f"{n} liq" if n else "")
        x = group_x(len(series.groups))
        self.risk.set_segments([np.array([[xi - 0.45, -r], [xi + 0.45, -r]])
                                for xi, r in zip(x, series.risk_usd, strict=True)])
        self._lines(series)
        self._limits(series)

    def _lines(self, s: BucketPnl) -> None:
        self.cap_line.set_ydata([-s.heat_cap_usd] * 2)
        self._cap = s.heat_cap_usd
        self._cap_label()
        for art in (self.capital_line, self.capital_text):
            art.set_visible(s.show_capital)
        self.capital_line.set_ydata([-s.capital_usd] * 2)
        self.capital_text.set_position((0.01, -s.capital_usd))
        self.capital_text.set_text(f"whole capital {usd_short(-s.capital_usd)}")

    def _cap_label(self) -> None:
        if self.legend is not None and self._cap is not None:
            self.legend.get_texts()[-1].set_text(f"heat cap {usd_short(-self._cap)}")

    def _limits(self, s: BucketPnl) -> None:
        lows = [s.pnl_usd.min(initial=0.0), -s.risk_usd.max(initial=0.0), -s.heat_cap_usd]
        lows += [-s.capital_usd] if s.show_capital else []
        hi = max(float(s.pnl_usd.max(initial=0.0)), 0.0)
        self.ax.set_ylim(sticky(self._ylim, min(lows), hi))
        self._ylim = self.ax.get_ylim()
