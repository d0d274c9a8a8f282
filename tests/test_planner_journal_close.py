"""Closing a planned trade keeps what it was planned with; derived plan-vs-outcome columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner import compute, sample_plan
from planner.errors import PlanError
from planner.journal.close import Fill, closed_trades
from planner.journal.derive import bands, derive
from planner.model import DEFAULT_SCENARIOS

CLOSED = pd.Timestamp("2024-05-02 10:00", tz="UTC")


def test_a_closed_plan_row_keeps_its_plan_and_gets_its_outcome():
    plan = sample_plan()
    res = compute(plan)
    row = res.rows.iloc[0]                       # BTCUSDT long, 5x, σ 3 %, 2 % of capital
    exit_price = row["entry_price"] * 1.03
    frame = closed_trades(plan, res, [0], [Fill(exit_price, CLOSED, fees_usd=10.0,
                                                funding_usd=-2.0)])
    t = derive(frame).iloc[0]
    assert (t["symbol"], t["bucket"], t["side"], t["venue"]) == (
        "BTCUSDT", "directional", "long", "Binance")
    assert t["leverage"] == 5 and t["planned_vol_pct"] == 3
    assert t["planned_risk_usd"] == pytest.approx(row["risk_usd"]) == pytest.approx(2000)
    assert t["planned_stop_price"] == pytest.approx(row["stop_price"])
    assert t["quantity"] == pytest.approx(row["quantity"])
    pnl = (exit_price - row["entry_price"]) * row["quantity"] - 10 - 2
    assert t["realized_pnl_usd"] == pytest.approx(pnl)
    assert t["r_multiple"] == pytest.approx(pnl / 2000)
    assert t["move_sigma"] == pytest.approx(1.0)     # a 3 % move with σ = 3 %
    assert t["band"] == "normal"
    assert t["closed_at"] == CLOSED


def test_a_row_without_venue_is_journalled_under_the_default_venue():
    plan = sample_plan()
    trades = plan.trades.assign(venue="")
    plan = plan.with_changes(trades=trades)
    frame = closed_trades(plan, compute(plan), [1], [Fill(3300.0, CLOSED)])
    assert frame["venue"].iloc[0] == plan.settings.default_venue


def test_a_bad_fill_is_refused_naming_the_field():
    plan = sample_plan()
    with pytest.raises(PlanError, match=r'Close trade, row 2, column "exit_price": .*> 0'):
        closed_trades(plan, compute(plan), [0], [Fill(-1.0, CLOSED)])
    with pytest.raises(PlanError, match="opened_at is after closed_at"):
        closed_trades(plan, compute(plan), [0],
                      [Fill(1.0, CLOSED, opened_at=CLOSED + pd.Timedelta(hours=1))])


@pytest.mark.parametrize(("move_sigma", "vol", "band"), [
    (0.5, 0.03, "normal"),        # inside 1σ
    (2.0, 0.03, "stressed"),      # stressed move = max(2.5σ, 10 %) = 10 % = 3.33σ
    (3.0, 0.03, "stressed"),
    (3.5, 0.03, "tail"),          # tail move = max(5σ, 20 %) = 6.67σ
    (7.0, 0.03, "beyond tail"),
    (2.6, 0.10, "tail"),          # with σ = 10 % the floors no longer bind: 2.5σ
    (np.nan, 0.03, ""),
])
def test_bands_use_the_scenario_moves_with_their_floors(move_sigma, vol, band):
    assert bands(np.array([move_sigma]), np.array([vol]), DEFAULT_SCENARIOS)[0] == band


def test_stop_hit_is_judged_on_the_side_of_the_trade():
    from tests.journal_helpers import trades

    f = trades([-10, -10, 5], side=["long", "short", "long"],
               planned_stop_price=[85.0, 109.0, 95.0])
    f.loc[1, "exit_price"] = 110.0               # short from 100 out at 110: loss 10
    # long out at 90 above its 85 stop; short out at 110 above its 109 stop; a winning long.
    assert derive(f)["stop_hit"].tolist() == [False, True, False]
