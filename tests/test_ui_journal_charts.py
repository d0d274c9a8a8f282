"""Journal charts: the artists show the review's numbers, and update in place."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from planner.journal.filters import JournalFilter
from planner.journal.review import review
from tests.journal_helpers import trades
from ui.charts.journal import CHARTS, BucketPnlChart, CalendarChart, EquityChart, RHistogramChart


def _fig():
    fig = Figure(figsize=(5, 3), dpi=80)
    FigureCanvasAgg(fig)
    return fig


@pytest.fixture
def rv():
    f = trades([100, -50, 0, 200, -100, 30], risk=50,
               buckets=["directional"] * 3 + ["hedging"] * 3, start="2024-03-04")  # a Monday
    return review(f, capital=1000)


def test_equity_curve_ends_at_capital_plus_pnl_and_shades_the_drawdown(rv):
    chart = EquityChart(_fig())
    chart.update(rv)
    x, y = chart.line.get_data()
    assert list(y) == [1000, 1100, 1050, 1050, 1250, 1150, 1180]
    assert list(chart.peak.get_data()[1]) == [1000, 1100, 1100, 1100, 1250, 1250, 1250]
    assert "max drawdown 100 USD" in chart.ax.get_xlabel()
    assert chart.shade.get_paths()                      # the shaded area exists


def test_r_histogram_counts_every_trade_with_r(rv):
    chart = RHistogramChart(_fig())
    chart.update(rv)
    heights = [b.get_height() for b in chart.bars]
    assert sum(heights) == 6
    assert chart.mean.get_xdata()[0] == pytest.approx(np.mean([2, -1, 0, 4, -2, 0.6]))


def test_bucket_chart_shows_each_bucket_with_its_verdict(rv):
    chart = BucketPnlChart(_fig())
    chart.update(rv)
    shown = [b for b in chart.bars if b.get_visible()]
    assert sorted(b.get_width() for b in shown) == [50, 130]
    labels = [t.get_text() for t in chart.ax.get_yticklabels()]
    assert labels == ["directional\nnoise", "hedging\nnoise"]


def test_calendar_places_each_day_under_its_weekday(rv):
    chart = CalendarChart(_fig())
    chart.update(rv)
    grid = np.asarray(chart.image.get_array())
    assert grid.shape == (7, 1)
    assert list(grid[:6, 0]) == [100, -50, 0, 200, -100, 30] and np.isnan(grid[6, 0])


def test_charts_update_to_an_empty_filter_without_error(rv):
    empty = review(rv.trades, JournalFilter(symbols=("NONE",)), capital=1000)
    for draw in CHARTS.values():
        fig = _fig()
        chart = draw(fig, rv)
        chart.update(empty)
        fig.canvas.draw()
        assert chart.note.get_visible()


def test_calendar_days_follow_the_timezone():
    f = trades([10, 20], start="2024-03-04 23:30", freq="h")   # Monday 23:30 and Tue 00:30 UTC
    chart = CalendarChart(_fig(), tz="Asia/Tokyo")
    chart.update(review(f))
    grid = np.asarray(chart.image.get_array())
    assert grid[1, 0] == 30 and pd.isna(grid[0, 0])              # both Tuesday in Tokyo
