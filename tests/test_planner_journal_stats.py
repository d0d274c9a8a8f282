"""Journal statistics (SPEC §7) against hand-computed tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.journal.derive import derive
from planner.journal.review import review, stats_document
from planner.journal.stats import bucket_table, daily_pnl, equity_curve, summary
from tests.journal_helpers import trades


def test_win_rate_counts_break_even_trades_but_not_as_wins():
    # P&L +100, -50, 0, +200, -100 with 1R = 50 USD: R = 2, -1, 0, 4, -2.
    s = summary(derive(trades([100, -50, 0, 200, -100], risk=50)), capital=1000)
    assert (s["count"], s["wins"], s["losses"], s["breakeven"]) == (5, 2, 2, 1)
    assert s["win_rate"] == pytest.approx(0.4)
    assert s["avg_win_usd"] == pytest.approx(150)
    assert s["avg_loss_usd"] == pytest.approx(-75)
    assert s["payoff"] == pytest.approx(2.0)
    assert s["expectancy_usd"] == pytest.approx(30)       # 150 / 5
    assert s["expectancy_r"] == pytest.approx(0.6)        # (2 - 1 + 0 + 4 - 2) / 5
    assert s["profit_factor"] == pytest.approx(2.0)       # 300 / |-150|
    assert s["total_pnl_usd"] == pytest.approx(150)


def test_profit_factor_is_infinite_without_losses_and_json_says_so():
    rv = review(derive(trades([10, 0, 5], risk=10)), capital=1000)
    assert rv.summary["profit_factor"] == math.inf
    doc = stats_document(rv)
    assert doc["profit_factor"] is None and doc["profit_factor_infinite"] is True
    assert doc["payoff"] is None          # no loss to compare the average win with
    assert doc["max_drawdown_usd"] == 0


def test_absolute_and_relative_drawdown_come_from_different_episodes():
    # From 100: -50 (to 50: a 50 USD = 50 % fall), +950 (to 1000), -300 (to 700: 300 USD = 30 %).
    s = summary(derive(trades([-50, 950, -300])), capital=100)
    assert s["max_drawdown_usd"] == pytest.approx(300)
    assert s["max_drawdown_pct"] == pytest.approx(50)


def test_equity_curve_follows_close_order_not_file_order():
    f = trades([10, -20, 5])
    curve = equity_curve(derive(f.iloc[[2, 0, 1]]), capital=100)
    assert curve["equity_usd"].tolist() == [110, 90, 95]
    assert curve["drawdown_usd"].tolist() == [0, 20, 15]


def test_expectancy_in_r_ignores_trades_without_a_planned_risk():
    f = trades([100, -50, 30], risk=[50, 50, np.nan])
    s = summary(derive(f), capital=1000)
    assert s["expectancy_r"] == pytest.approx(0.5)        # (2 - 1) / 2
    assert s["r_count"] == 2
    assert s["expectancy_usd"] == pytest.approx(80 / 3)


def test_bucket_attribution_separates_edge_from_noise():
    # directional R: 1, 1.2, 0.8, 1.1, 0.9 -> mean 1, sd 0.158, t(4) = 2.776: [0.804, 1.196].
    # hedging R: 1, 2, 3 -> mean 2, sd 1, t(2) = 4.303: [-0.484, 4.484] contains 0.
    # market-making R: -1, -1.1, -0.9 -> mean -1, sd 0.1, t(2): [-1.248, -0.752].
    r = [1, 1.2, 0.8, 1.1, 0.9, 1, 2, 3, -1, -1.1, -0.9]
    b = ["directional"] * 5 + ["hedging"] * 3 + ["market-making"] * 3
    table = bucket_table(derive(trades(np.array(r) * 10, risk=10, buckets=b))).set_index("bucket")
    d, h, m = (table.loc[k] for k in ("directional", "hedging", "market-making"))
    assert (d["verdict"], h["verdict"], m["verdict"]) == ("edge", "noise", "negative edge")
    assert d["mean_r_low"] == pytest.approx(1 - 2.776445 * 0.1581139 / 5 ** 0.5, abs=1e-4)
    assert h["mean_r_low"] == pytest.approx(2 - 4.302653 / 3 ** 0.5, abs=1e-4)
    assert m["mean_r_high"] == pytest.approx(-1 + 4.302653 * 0.1 / 3 ** 0.5, abs=1e-4)
    assert d["pnl_usd"] == pytest.approx(50) and h["pnl_usd"] == pytest.approx(60)
    assert h["share_pct"] == pytest.approx(60 / 80 * 100)
    assert m["win_rate"] == 0 and d["win_rate"] == 1
    assert list(table.index) == ["hedging", "directional", "market-making"]  # by P&L


def test_a_bucket_with_one_trade_is_too_few_to_judge():
    table = bucket_table(derive(trades([100], risk=50)))
    assert table["verdict"].tolist() == ["too few trades"]


def test_empty_filter_gives_empty_statistics_not_an_error():
    from planner.journal.filters import JournalFilter

    rv = review(trades([10, -5]), JournalFilter(buckets=("nothing-here",)), capital=1000)
    doc = stats_document(rv)
    assert doc["count"] == 0 and doc["buckets"] == [] and doc["tail_events"] == []
    assert doc["win_rate"] is None and doc["expectancy_usd"] is None
    assert doc["profit_factor"] is None and doc["profit_factor_infinite"] is False
    assert doc["max_drawdown_usd"] == 0


def test_daily_pnl_sums_trades_by_close_day_in_the_timezone_asked():
    f = trades([10, 20, -5], start="2024-03-01 22:30", freq="h")  # 22:30, 23:30, 00:30 UTC
    assert daily_pnl(derive(f)).tolist() == [30, -5]
    assert daily_pnl(derive(f), tz="Asia/Tokyo").tolist() == [25]  # all on 2 March in Tokyo


def test_capital_must_be_positive():
    with pytest.raises(ValueError, match="capital"):
        review(trades([1]), capital=0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6).map(lambda cents: cents / 100), min_size=1,
                max_size=60),
       st.floats(1.0, 1e6))
def test_curve_and_drawdown_invariants(pnls, capital):
    # P&L in whole cents: a loss of 1e-13 USD, rebuilt from prices, carries a relative error
    # no trader would see but a profit-factor comparison would.
    s = summary(derive(trades(pnls)), capital)
    curve = equity_curve(derive(trades(pnls)), capital)
    assert curve["equity_usd"].iloc[-1] == pytest.approx(capital + sum(pnls), abs=1e-6)
    assert s["max_drawdown_usd"] >= 0 and s["max_drawdown_pct"] >= 0
    assert s["wins"] + s["losses"] + s["breakeven"] == s["count"]
    if s["losses"] and s["wins"]:
        gross_win = sum(p for p in pnls if p > 0)
        assert s["profit_factor"] == pytest.approx(gross_win / -sum(p for p in pnls if p < 0))
