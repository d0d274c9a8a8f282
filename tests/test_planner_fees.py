"""Fee mode (SPEC §10): a maker entry pays the maker fee, the exit (stop) always pays taker."""

from __future__ import annotations

import pandas as pd
import pytest

from planner import Plan, Tier, VenueProfile, compute, shipped_venues, type_trades

# A symbol Binance lists no instrument for: its default table, no lot rounding (fees alone).
ROW = {"symbol": "XYZ", "side": "long", "venue": "Binance", "entry_price": 50_000.0,
       "leverage": 5.0, "volatility_pct": 3.0, "risk_pct": 1.0, "stop_pct": 2.0,
       "slippage_bps": 0.0, "funding_pct": 0.0}


def rows_of(*modes, venues=None):
    venues = venues or shipped_venues()
    raw = pd.DataFrame([{**ROW, "fee_mode": m} for m in modes], index=range(2, len(modes) + 2))
    return compute(Plan(trades=type_trades(raw, venues), venues=venues)).rows


def test_a_maker_entry_pays_maker_in_and_taker_out_and_is_sized_for_it():
    binance = shipped_venues()["Binance"]
    taker, maker = binance.taker_fee_pct / 100, binance.maker_fee_pct / 100
    r = rows_of("taker", "maker", "")
    assert r["fee_mode"].tolist() == ["taker", "maker", "taker"]      # blank = taker
    assert r["loss_frac"].iat[0] == pytest.approx(0.02 + 2 * taker, rel=1e-12)
    assert r["loss_frac"].iat[1] == pytest.approx(0.02 + taker + maker, rel=1e-12)
    # 1R = 1,000 USD either way: the cheaper maker entry buys a larger position
    assert r["notional_usd"].iat[1] == pytest.approx(1_000 / (0.02 + taker + maker))
    assert r["notional_usd"].iat[1] > r["notional_usd"].iat[0]
    n = r["notional_usd"].iat[1]
    assert r["costs_usd"].iat[1] == pytest.approx(n * (taker + maker), rel=1e-12)


def test_a_maker_rebate_lowers_the_costs_below_one_taker_fee():
    rebate = VenueProfile("Rebate", "binance", 0.05, -0.01, 8.0,
                          (Tier(float("inf"), 100.0, 0.5, 0.0),), "", "")
    venues = {**shipped_venues(), "Rebate": rebate}
    raw = pd.DataFrame([{**ROW, "venue": "Rebate", "fee_mode": "maker"}], index=[2])
    r = compute(Plan(trades=type_trades(raw, venues), venues=venues)).rows.iloc[0]
    assert r["loss_frac"] == pytest.approx(0.02 + 0.0005 - 0.0001, rel=1e-12)


def test_an_unknown_fee_mode_is_refused_naming_the_cell():
    from planner import PlanError

    raw = pd.DataFrame([{**ROW, "fee_mode": "post-only"}], index=[2])
    with pytest.raises(PlanError) as err:
        type_trades(raw, shipped_venues())
    issue = err.value.issues[0]
    assert (issue.row, issue.column) == (2, "Fee mode") and "post-only" in issue.message
