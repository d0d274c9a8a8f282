"""One plan row's price path through a replay window: entry, stop, liquidation, the end."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from planner.market.views import RowPath
from ui.charts.base import Chart, Rect
from ui.charts.style import GAIN, INK, LOSS, MUTED


class StressPathChart(Chart):
    """The row's closes with its low–high band, level lines and a marker where it ended."""

    blit = False

    def __init__(self, fig: Figure, rect: Rect = (0.0, 0.0, 1.0, 1.0)) -> None:
        super().__init__(fig, rect)
        self.ax = ax = self.add_axes()[0]
        self.line, = ax.plot([], [], color=INK, lw=1.0, label="price")
        self.band = ax.fill_between([], [], [], color=MUTED, alpha=0.2, lw=0)
        self.levels = {name: ax.axhline(np.nan, color=c, lw=1.0, ls=ls, label=name)
                       for name, c, ls in (("entry", INK, ":"), ("stop", LOSS, "--"),
                                           ("liquidation", LOSS, "-"))}
        self.end = ax.axvline(np.nan, color=GAIN, lw=1.0, label="end")
        self._legend()
        self.title.set_text("Row path through the window")
        self.subtitle.set_text("select a cell of the table")
        self.fit()

    def update(self, series: Any) -> None:
        """Draw ``series`` (a :class:`~planner.market.views.RowPath`, or None to clear)."""
        path: RowPath | None = series
        if path is None or not len(path.time):
            self.line.set_data([], [])
            return
        hours = (path.time - path.time[0]) / 3.6e9
        self.line.set_data(hours, path.close)
        self.band.remove()
        self.band = self.ax.fill_between(hours, path.low, path.high, color=MUTED, alpha=0.2,
                                         lw=0)
        for name, value in (("entry", path.entry), ("stop", path.stop),
                            ("liquidation", path.liquidation)):
            self.levels[name].set_ydata([value, value] if math.isfinite(value) else
                                        [np.nan, np.nan])
        end = (path.end_us - path.time[0]) / 3.6e9 if math.isfinite(path.end_us) else np.nan
        self.end.set_xdata([end, end])
        self.end.set_color(LOSS if path.outcome in ("stop", "liquidation") else GAIN)
        finite = [v for v in (path.entry, path.stop, path.liquidation) if math.isfinite(v)]
        lo = min(float(np.min(path.low)), *finite)
        hi = max(float(np.max(path.high)), *finite)
        self.ax.set_xlim(0, max(hours[-1], 1e-9))
        self.ax.set_ylim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
        self.ax.set_xlabel("hours into the window")
        self.subtitle.set_text(path.label)
        self._legend()  # the end line's colour follows the outcome

    def _legend(self) -> None:
        """Which red line is the stop and which the liquidation, said on the chart."""
        self.ax.legend(loc="best", fontsize="small", frameon=False)
