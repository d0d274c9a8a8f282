"""Buckets, plan totals and the isolated-vs-cross comparison (SPEC §6) on hand-built plans."""

from __future__ import annotations

import pytest

from planner import Settings, compute
from tests.conftest import make_plan

ROW = dict(venue="Generic", entry_price=100, volatility_pct=2, risk_pct=1, funding_pct=0,
           slippage_bps=0)


def test_bucket_table_sums_and_heat():
    plan = make_plan([
        {**ROW, "symbol": "A", "bucket": "directional"},
        {**ROW, "symbol": "B", "bucket": "directional", "risk_pct": 2},
        {**ROW, "symbol": "C", "bucket": "hedging", "side": "short"},
    ])
    res = compute(plan)
    b = res.buckets.set_index("bucket")
    assert list(res.buckets["bucket"]) == ["directional", "hedging"]
    assert b.loc["directional", "count"] == 2
    assert b.loc["directional", "risk_usd"] == pytest.approx(3_000)
    assert b.loc["directional", "heat_pct"] == pytest.approx(3)
    rows = res.rows
    assert b.loc["hedging", "pnl_tail_usd"] == pytest.approx(rows["pnl_tail_usd"].iloc[2])
    assert res.totals["pnl_tail_usd"] == pytest.approx(rows["pnl_tail_usd"].sum())
    assert res.totals["margin_use_pct"] == pytest.approx(rows["margin_usd"].sum() / 1_000)


def test_cross_liquidates_the_account_and_force_closes_green_positions():
    # Two big longs at 10x on a small wallet and a small short: a 20 % tail gap down wipes the
    # cross account, dragging the green short with it; isolated only loses the two margins.
    plan = make_plan([
        {**ROW, "symbol": "L1", "side": "long", "leverage": 10, "risk_pct": 10, "stop_pct": 2},
        {**ROW, "symbol": "L2", "side": "long", "leverage": 10, "risk_pct": 10, "stop_pct": 2},
        {**ROW, "symbol": "H", "side": "short", "leverage": 2, "risk_pct": 1, "stop_pct": 5,
         "bucket": "hedging"},
    ], settings=Settings(capital_usd=100_000, heat_cap_pct=50))
    cross = compute(plan).cross.set_index(["scenario", "direction"])
    tail = cross.loc[("tail", "down")]
    assert tail["cross_account_liquidated"]
    assert tail["cross_green_force_closed"] == 1
    assert tail["cross_capital_left_usd"] == 0
    assert tail["isolated_liquidated"] == 2
    assert tail["isolated_capital_left_usd"] > 0
    assert "force-closed" in tail["verdict"]


def test_hedged_book_where_cross_saves_capital():
    # Hyperliquid-like high maintenance rate: a move that lands inside the maintenance buffer
    # liquidates the isolated long (losing its whole margin) while cross only books the move.
    plan = make_plan([
        {**ROW, "symbol": "L", "side": "long", "leverage": 10, "risk_pct": 1, "stop_pct": 9,
         "venue": "Hyperliquid", "volatility_pct": 1.6},
        {**ROW, "symbol": "H", "side": "short", "leverage": 2, "risk_pct": 1, "stop_pct": 9,
         "venue": "Hyperliquid", "volatility_pct": 1.6, "bucket": "hedging"},
    ])
    res = compute(plan)
    row = res.cross.set_index(["scenario", "direction"]).loc[("normal", "down")]
    liq = res.rows["liq_distance_pct"].iloc[0]
    assert 0 < liq < 9  # the stop lies beyond liquidation
    stressed = res.cross.set_index(["scenario", "direction"]).loc[("stressed", "down")]
    assert stressed["isolated_liquidated"] == 1
    assert not stressed["cross_account_liquidated"]
    assert stressed["cross_capital_left_usd"] > stressed["isolated_capital_left_usd"]
    assert "keep" in stressed["verdict"]
    assert row["cross_capital_left_usd"] == pytest.approx(row["isolated_capital_left_usd"])
