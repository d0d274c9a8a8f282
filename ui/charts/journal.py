"""Journal charts on a matplotlib ``Figure`` (never pyplot): the Journal tab and the report.

Five charts (equity, R histogram, P&L by bucket, daily calendar, Monte Carlo fan), each a
small class that creates its artists once and changes them in place on :meth:`update`
(``set_data``, ``set_height``, image ``set_data``), so the tab only calls ``draw_idle``; and
five plain functions (:func:`draw_equity`, :func:`draw_r_histogram`, :func:`draw_bucket_pnl`,
:func:`draw_calendar`, :func:`draw_monte_carlo`) that draw a review on a given figure in one
call, for the headless report. The series come from ``planner.journal`` (a ``Review`` and
``planner.journal.series``).
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from planner.journal.series import CalendarGrid, calendar_grid, r_histogram
from ui.charts.style import UsdTicks, usd_short

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from planner.journal.montecarlo import MonteCarloSettings
    from planner.journal.review import Review

GAIN, LOSS, INK, MUTED, GRID = "#1a7f37", "#b2182b", "#222222", "#6b6b6b", "#e6e6e6"
EQUITY, DRAWDOWN = "#2a4d7a", "#f4b6b6"
FONT = 8.0
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _axes(fig: Figure, margins: tuple[float, float, float, float]) -> Axes:
    """The chart's one axes, kept at fixed margins (points) whatever the figure's size."""
    ax = fig.add_subplot(111)
    fit(fig, margins)
    fig.canvas.mpl_connect("resize_event", lambda _e: fit(fig, margins))
    return ax


def fit(fig: Figure, margins: tuple[float, float, float, float]) -> None:
    """Place the axes with ``(left, right, top, bottom)`` margins in points.

    No layout engine, so nothing can warn about a tiny or hidden canvas.
    """
    w, h = (max(v, 1.0) for v in fig.get_size_inches() * 72.0)
    left, right, top, bottom = margins
    fig.subplots_adjust(left=min(left / w, 0.45), right=max(1 - right / w, 0.55),
                        bottom=min(bottom / h, 0.45), top=max(1 - top / h, 0.55))


def _style(ax: Axes, title: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=FONT, colors=INK, length=3)
    ax.set_title(title, fontsize=FONT + 1.5, loc="left", color=INK, fontweight="bold")
    ax.set_axisbelow(True)


def _empty_note(ax: Axes) -> Any:
    return ax.text(0.5, 0.5, "no trades", transform=ax.transAxes, ha="center", va="center",
                   color=MUTED, fontsize=FONT + 1, visible=False)


class EquityChart:
    """Equity curve in close order, with the drawdown from the running peak shaded."""

    margins = (48.0, 14.0, 26.0, 34.0)

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.ax = _axes(fig, self.margins)
        _style(self.ax, "Equity curve")
        self.ax.yaxis.set_major_formatter(UsdTicks())
        self.ax.grid(True, axis="y", color=GRID, linewidth=0.8)
        (self.line,) = self.ax.plot([], [], color=EQUITY, linewidth=1.2, label="equity")
        self.shade = self.ax.fill_between([0.0], [0.0], [0.0], color=DRAWDOWN, linewidth=0,
                                          label="drawdown")
        (self.peak,) = self.ax.plot([], [], color=MUTED, linewidth=0.6, linestyle=":")
        self.ax.legend(loc="lower left", fontsize=FONT, frameon=True, framealpha=0.8,
                       edgecolor="none")
        self.note = _empty_note(self.ax)

    def update(self, rv: Review) -> None:
        """Show the review's equity curve (x: trade number, so bursts do not crowd)."""
        curve = rv.curve
        x = np.arange(len(curve) + 1, dtype=float)
        eq = np.concatenate(([rv.capital], curve["equity_usd"].to_numpy()))
        peak = np.concatenate(([rv.capital], curve["peak_usd"].to_numpy()))
        self.line.set_data(x, eq)
        self.peak.set_data(x, peak)
        self.shade.set_data(x, eq, peak)
        self.note.set_visible(len(curve) == 0)
        self.ax.set_xlim(0, max(len(curve), 1))
        lo, hi = float(eq.min()), float(peak.max())
        pad = max(hi - lo, abs(hi) * 0.02, 1.0) * 0.1
        self.ax.set_ylim(lo - pad, hi + pad)
        self.ax.set_xlabel(f"trades in close order (max drawdown "
                           f"{rv.summary['max_drawdown_usd']:,.0f} USD, "
                           f"{rv.summary['max_drawdown_pct']:.2f} %)", fontsize=FONT)


class RHistogramChart:
    """R multiples of the trades with a planned risk, on fixed half-R bins."""

    margins = (44.0, 14.0, 26.0, 34.0)

    def __init__(self, fig: Figure) -> None:
        from planner.journal.series import R_EDGES

        self.fig = fig
        self.ax = _axes(fig, self.margins)
        _style(self.ax, "R multiples")
        self.ax.grid(True, axis="y", color=GRID, linewidth=0.8)
        width = np.diff(R_EDGES)
        self.bars = [self._bar(x, w) for x, w in zip(R_EDGES[:-1], width, strict=True)]
        self.mean = self.ax.axvline(0.0, color=INK, linewidth=1.0, linestyle="--")
        self.ax.axvline(0.0, color=MUTED, linewidth=0.6)
        self.ax.set_xlim(R_EDGES[0], R_EDGES[-1])
        self.ax.set_xlabel("R (≤ −5 and ≥ 10 in the end bins)", fontsize=FONT)
        self.note = _empty_note(self.ax)

    def _bar(self, x: float, w: float) -> Rectangle:
        rect = Rectangle((x, 0.0), w * 0.9, 0.0, color=GAIN if x >= 0 else LOSS)
        self.ax.add_patch(rect)
        return rect

    def update(self, rv: Review) -> None:
        """Show the review's R-multiple distribution and its mean."""
        h = r_histogram(rv.trades["r_multiple"].to_numpy(dtype=float))
        for bar, n in zip(self.bars, h.counts, strict=True):
            bar.set_height(float(n))
        self.ax.set_ylim(0, max(int(h.counts.max()) if h.n else 0, 1) * 1.1)
        self.mean.set_xdata([h.mean if h.n else 0.0] * 2)
        self.mean.set_visible(h.n > 0)
        self.note.set_visible(h.n == 0)
        self.ax.set_title(f"R multiples ({h.n} trades, mean {h.mean:.2f} R)" if h.n
                          else "R multiples", fontsize=FONT + 1.5, loc="left",
                          fontweight="bold")


class BucketPnlChart:
    """P&L per bucket as horizontal bars, with the bucket's edge-or-noise verdict."""

    margins = (110.0, 18.0, 26.0, 24.0)

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.ax = _axes(fig, self.margins)
        _style(self.ax, "P&L by bucket")
        self.ax.xaxis.set_major_formatter(UsdTicks())
        self.ax.grid(True, axis="x", color=GRID, linewidth=0.8)
        self.ax.axvline(0.0, color=MUTED, linewidth=0.8)
        self.bars: list[Rectangle] = []
        self.note = _empty_note(self.ax)

    def _ensure(self, n: int) -> None:
        while len(self.bars) < n:
            rect = Rectangle((0.0, 0.0), 0.0, 0.6)
            self.ax.add_patch(rect)
            self.bars.append(rect)

    def update(self, rv: Review) -> None:
        """Show each bucket's P&L (largest at the top) and verdict."""
        b = rv.buckets.iloc[::-1]
        self._ensure(len(b))
        pnl = b["pnl_usd"].to_numpy(dtype=float)
        for i, bar in enumerate(self.bars):
            bar.set_visible(i < len(b))
            if i < len(b):
                bar.set_xy((min(pnl[i], 0.0), i - 0.3))
                bar.set_width(abs(pnl[i]))
                bar.set_color(GAIN if pnl[i] >= 0 else LOSS)
        span = max(float(np.abs(pnl).max()) if len(pnl) else 0.0, 1.0) * 1.1
        self.ax.set_xlim(-span if (pnl < 0).any() else -span * 0.05,
                         span if (pnl > 0).any() else span * 0.05)
        self.ax.set_ylim(-0.6, max(len(b), 1) - 0.4)
        self.ax.set_yticks(range(len(b)), [f"{name}\n{verdict}" for name, verdict in
                                           zip(b["bucket"], b["verdict"], strict=True)],
                           fontsize=FONT)
        self.note.set_visible(len(b) == 0)


class CalendarChart:
    """Daily P&L as a calendar heat map (weeks across, weekdays down; green gain, red loss)."""

    margins = (40.0, 60.0, 26.0, 24.0)

    def __init__(self, fig: Figure, tz: str = "UTC") -> None:
        self.fig, self.tz = fig, tz
        self.ax = _axes(fig, self.margins)
        _style(self.ax, "Daily P&L")
        self.image = self.ax.imshow(np.full((7, 1), np.nan), aspect="auto", cmap="RdYlGn",
                                    norm=TwoSlopeNorm(0.0, -1.0, 1.0), interpolation="nearest")
        self.ax.set_yticks(range(7), WEEKDAYS)
        cax = self.ax.inset_axes((1.02, 0.0, 0.025, 1.0))
        self.colorbar = fig.colorbar(self.image, cax=cax, format=FuncFormatter(usd_short))
        self.colorbar.ax.tick_params(labelsize=FONT - 1)
        self.note = _empty_note(self.ax)
        self.range_note = self.ax.text(1.0, 1.02, "", transform=self.ax.transAxes, ha="right",
                                       va="bottom", color=LOSS, fontsize=FONT - 0.5,
                                       visible=False)

    def update(self, rv: Review) -> None:
        """Show the last year (at most) of daily P&L up to the review's last close."""
        grid = calendar_grid(rv.trades, self.tz)
        values = grid.values if grid.weeks else np.full((7, 1), np.nan)
        self.image.set_data(values)
        self.image.set_extent((-0.5, values.shape[1] - 0.5, 6.5, -0.5))
        span = float(np.nanmax(np.abs(values))) if grid.weeks else 1.0
        self.image.set_norm(TwoSlopeNorm(0.0, -max(span, 1.0), max(span, 1.0)))
        self.ax.set_xlim(-0.5, values.shape[1] - 0.5)
        self._month_ticks(grid)
        self.note.set_visible(grid.weeks == 0)
        self.range_note.set_text(skipped_text(grid.skipped))
        self.range_note.set_visible(grid.skipped > 0)

    def _month_ticks(self, grid: CalendarGrid) -> None:
        """Tick the first week of each month (``Jan 2024``, ``Feb`` …; year on January)."""
        ticks: list[int] = []
        labels: list[str] = []
        last = None
        for i, start in enumerate(grid.week_starts):
            day = start + _dt.timedelta(days=6)
            if (day.year, day.month) != last:
                last = (day.year, day.month)
                ticks.append(i)
                labels.append(day.strftime("%b %Y" if not ticks[:-1] or day.month == 1
                                           else "%b"))
        self.ax.set_xticks(ticks, labels, fontsize=FONT - 0.5)


def skipped_text(n: int) -> str:
    """The note for ``n`` trades the calendar leaves out (close time out of range)."""
    from planner.journal.columns import time_range

    lo, hi = time_range()
    return (f"{n} trade{'s' if n != 1 else ''} not shown: closed outside "
            f"{lo:%Y-%m-%d} – {hi:%Y-%m-%d}")


class MonteCarloChart:
    """Fan of simulated equity over the next N trades (block bootstrap of the journal's R)."""

    margins = (48.0, 14.0, 26.0, 34.0)

    def __init__(self, fig: Figure, settings: MonteCarloSettings | None = None) -> None:
        from planner.journal.montecarlo import MonteCarloSettings

        self.fig = fig
        self.settings = settings or MonteCarloSettings()
        self.ax = _axes(fig, self.margins)
        _style(self.ax, "Monte Carlo: equity over the next trades")
        self.ax.yaxis.set_major_formatter(UsdTicks())
        self.ax.grid(True, axis="y", color=GRID, linewidth=0.8)
        self.outer = self.ax.fill_between([0.0], [0.0], [0.0], color="#c9d7ea", linewidth=0,
                                          label="5–95 %")
        self.inner = self.ax.fill_between([0.0], [0.0], [0.0], color="#8fb0d6", linewidth=0,
                                          label="25–75 %")
        (self.median,) = self.ax.plot([], [], color=EQUITY, linewidth=1.4, label="median")
        (self.floor,) = self.ax.plot([], [], color=LOSS, linewidth=0.9, linestyle="--",
                                     label="ruin floor")
        self.ax.legend(loc="upper left", fontsize=FONT, frameon=True, framealpha=0.8,
                       edgecolor="none")
        self.note = _empty_note(self.ax)
        self.note.set_text("fewer than 2 trades with a planned risk (R)")
        self.result: dict[str, Any] | None = None

    def update(self, rv: Review) -> None:
        """Simulate from the review's trades and show the fan (empty note when too few R)."""
        from planner.journal.montecarlo import simulate

        s = self.settings
        res = simulate(rv.trades["r_multiple"].to_numpy(dtype=float), rv.capital, s)
        self.result = res
        self.note.set_visible(res is None)
        x = np.arange(s.trades + 1, dtype=float)
        floor = rv.capital * s.floor_pct / 100.0
        self.floor.set_data([0, s.trades], [floor, floor])
        if res is None:
            for artist in (self.outer, self.inner):
                artist.set_data([0.0], [0.0], [0.0])
            self.median.set_data([], [])
            self.ax.set_xlabel("", fontsize=FONT)
            return
        fan = res["fan"]
        self.outer.set_data(x, fan["p5"].to_numpy(), fan["p95"].to_numpy())
        self.inner.set_data(x, fan["p25"].to_numpy(), fan["p75"].to_numpy())
        self.median.set_data(x, fan["p50"].to_numpy())
        self.ax.set_xlim(0, s.trades)
        lo, hi = min(float(fan["p5"].min()), floor), float(fan["p95"].max())
        pad = max(hi - lo, 1.0) * 0.08
        self.ax.set_ylim(lo - pad, hi + pad)
        dd = res["max_drawdown_pct"]
        self.ax.set_xlabel(f"next {s.trades} trades at {s.risk_pct:g} % risk · max drawdown "
                           f"median {dd['median']:.1f} % (p95 {dd['p95']:.1f} %) · ruin "
                           f"{res['probability_of_ruin']:.1%} · {res['trades_sampled']} R "
                           f"resampled in blocks of {s.block}", fontsize=FONT)


def draw_monte_carlo(fig: Figure, rv: Review,
                     settings: MonteCarloSettings | None = None) -> MonteCarloChart:
    """Draw the Monte Carlo fan of ``rv`` on ``fig``."""
    chart = MonteCarloChart(fig, settings)
    chart.update(rv)
    return chart


def draw_equity(fig: Figure, rv: Review) -> EquityChart:
    """Draw the equity curve of ``rv`` on ``fig``."""
    chart = EquityChart(fig)
    chart.update(rv)
    return chart


def draw_r_histogram(fig: Figure, rv: Review) -> RHistogramChart:
    """Draw the R-multiple histogram of ``rv`` on ``fig``."""
    chart = RHistogramChart(fig)
    chart.update(rv)
    return chart


def draw_bucket_pnl(fig: Figure, rv: Review) -> BucketPnlChart:
    """Draw P&L by bucket of ``rv`` on ``fig``."""
    chart = BucketPnlChart(fig)
    chart.update(rv)
    return chart


def draw_calendar(fig: Figure, rv: Review, tz: str = "UTC") -> CalendarChart:
    """Draw the daily-P&L calendar of ``rv`` on ``fig`` (days in ``tz``)."""
    chart = CalendarChart(fig, tz)
    chart.update(rv)
    return chart


CHARTS = {"equity": draw_equity, "r_histogram": draw_r_histogram,
          "bucket_pnl": draw_bucket_pnl, "calendar": draw_calendar,
          "monte_carlo": draw_monte_carlo}
