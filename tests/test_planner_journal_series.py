"""Chart series: the R histogram's fixed bins and the daily-P&L calendar grid."""

from __future__ import annotations

import datetime as dt

import numpy as np

from planner.journal.derive import derive
from planner.journal.series import R_EDGES, calendar_grid, r_histogram
from tests.journal_helpers import trades


def test_r_histogram_puts_outliers_in_the_end_bins_and_skips_missing_r():
    h = r_histogram(np.array([-12.0, -1.0, 0.2, 0.3, 25.0, np.nan]))
    assert h.n == 5 and h.counts.sum() == 5
    assert h.counts[0] == 1 and h.counts[-1] == 1          # −12 R and 25 R
    assert h.counts[np.searchsorted(R_EDGES, 0.0)] == 2     # 0.2 and 0.3 in [0, 0.5)


def test_calendar_shows_at_most_the_last_year_ending_at_the_last_close():
    f = derive(trades(np.ones(800), start="2022-01-03"))   # daily from a Monday, 800 days
    grid = calendar_grid(f, max_weeks=53)
    assert grid.weeks == 53
    assert grid.last_day == dt.date(2022, 1, 3) + dt.timedelta(days=799)
    assert grid.week_starts[-1].weekday() == 0
    assert np.nansum(grid.values) == (grid.last_day - grid.first_day).days + 1


def test_an_empty_review_has_an_empty_calendar():
    grid = calendar_grid(derive(trades([])))
    assert grid.weeks == 0 and grid.first_day is None
