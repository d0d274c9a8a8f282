"""Chart series of a journal review (the Journal tab and the headless report draw them).

Computed here, drawn in ``ui.charts.journal``: the R-multiple histogram on fixed bins, the
calendar of daily P&L as a weekday × week grid, and P&L per bucket. The equity curve is
``Review.curve`` (``planner.journal.stats.equity_curve``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.journal.stats import daily_pnl
from planner.journal.times import outside_range

#: R-multiple histogram bins: half-R wide from −5 R to +10 R; values outside land in the end
#: bins (shown as "≤ −5" and "≥ 10").
R_EDGES = np.arange(-5.0, 10.0 + 0.25, 0.5)


@dataclass(frozen=True, eq=False)
class Histogram:
    """Counts per bin.

    Attributes:
        edges: Bin edges (``len(counts) + 1``).
        counts: Trades per bin (values beyond the ends are counted in the end bins).
        mean: Mean of the values (NaN when none).
        n: Number of values.
    """

    edges: np.ndarray
    counts: np.ndarray
    mean: float
    n: int


def r_histogram(r: np.ndarray, edges: np.ndarray = R_EDGES) -> Histogram:
    """Histogram of R multiples on fixed ``edges`` (NaN values left out)."""
    r = r[~np.isnan(r)]
    clipped = np.clip(r, edges[0], edges[-1] - 1e-9)
    counts, _ = np.histogram(clipped, bins=edges)
    return Histogram(edges, counts, float(r.mean()) if r.size else float("nan"), int(r.size))


@dataclass(frozen=True, eq=False)
class CalendarGrid:
    """Daily P&L laid out like a wall calendar: rows Monday…Sunday, one column per week.

    Attributes:
        values: P&L per day, USD, shape (7, weeks); NaN for days without a close.
        week_starts: The Monday of each column.
        first_day: First day shown; last_day: last day shown.
        skipped: Trades left out because their close time is outside the supported range
            (:func:`planner.journal.columns.time_range`; stored by an older version) or missing.
    """

    values: np.ndarray
    week_starts: tuple[_dt.date, ...]
    first_day: _dt.date | None
    last_day: _dt.date | None
    skipped: int = 0

    @property
    def weeks(self) -> int:
        """Number of week columns."""
        return self.values.shape[1]


def calendar_grid(trades: pd.DataFrame, tz: str = "UTC", max_weeks: int = 53) -> CalendarGrid:
    """The last ``max_weeks`` weeks (up to the last close) of daily P&L, days in ``tz``.

    Trades closed outside the supported range of times (or without a close time) are left out
    and counted in ``skipped``: a calendar of the year 9999 cannot be drawn.
    """
    closed = trades["closed_at"]
    out = outside_range(closed) | closed.isna().to_numpy()
    skipped = int(out.sum())
    daily = daily_pnl(trades[~out] if skipped else trades, tz)
    if daily.empty:
        return CalendarGrid(np.full((7, 0), np.nan), (), None, None, skipped)
    last = daily.index[-1]
    last_monday = last - _dt.timedelta(days=last.weekday())
    first_monday = max(daily.index[0] - _dt.timedelta(days=daily.index[0].weekday()),
                       last_monday - _dt.timedelta(weeks=max_weeks - 1))
    weeks = (last_monday - first_monday).days // 7 + 1
    shown = daily[[d >= first_monday for d in daily.index]]
    offset = np.array([(d - first_monday).days for d in shown.index])
    values = np.full((7, weeks), np.nan)
    values[offset % 7, offset // 7] = shown.to_numpy()
    starts = tuple(first_monday + _dt.timedelta(weeks=i) for i in range(weeks))
    return CalendarGrid(values, starts, shown.index[0], last, skipped)
