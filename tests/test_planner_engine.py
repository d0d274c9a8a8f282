"""The engine against hand-computed rows (SPEC §4–5) and its invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import Settings, check_plan, compute
from planner.schema import INPUT_KEYS, OUTPUT_KEYS
from tests.conftest import make_plan

BTC = dict(symbol="BTCUSDT", bucket="directional", side="long", venue="Generic",
           entry_price=50_000, leverage=5, volatility_pct=3, risk_pct=2, funding_pct=0.01,
           slippage_bps=5)


def one(**kw):
    r = compute(make_plan([{**BTC, **kw}])).rows.iloc[0]
    return r


def test_size_by_risk_hand_computed():
    r = one()
    stop, fee, slip, funding = 0.06, 0.0005, 0.0005, 0.0001 * 3  # 24 h = 3 funding periods
    loss = stop + 2 * fee + 2 * slip + funding
    n = 2_000 / loss
    assert r["risk_usd"] == 2_000
    assert r["stop_pct_used"] == pytest.approx(6.0)
    assert r["loss_frac"] == pytest.approx(loss)
    assert r["notional_usd"] == pytest.approx(n)
    assert r["quantity"] == pytest.approx(n / 50_000)
    assert r["margin_usd"] == pytest.approx(n / 5)
    q, m = n / 50_000, n / 5
    assert r["liquidation_price"] == pytest.approx((q * 50_000 - m) / (q * (1 - 0.005)))
    assert r["bankruptcy_price"] == pytest.approx(50_000 - m / q)
    assert r["stop_price"] == pytest.approx(47_000)
    assert r["trim_price"] == pytest.approx(48_500)
    assert r["review_price"] == pytest.approx(45_500)
    assert r["funding_usd"] == pytest.approx(-n * funding)
    assert r["costs_usd"] == pytest.approx(n * 0.002)
    assert not r["stop_beyond_liq"]


def test_loss_at_the_stop_equals_the_budget():
    r = one(gas_usd=3.0)
    # loss if stopped: N·(stop + fees + slippage) + funding + gas for two transactions
    n = r["notional_usd"]
    at_stop = n * (0.06 + 0.001 + 0.001) + n * r["funding_frac"] + 2 * 3.0
    assert at_stop == pytest.approx(2_000)


def test_margin_sizing_posts_the_budget_as_collateral():
    r = one(sizing="margin", leverage=10)
    assert r["margin_usd"] == pytest.approx(2_000)
    assert r["notional_usd"] == pytest.approx(20_000)


def test_scenarios_hand_computed_normal_and_tail():
    r = one()
    n, m = r["notional_usd"], r["margin_usd"]
    # normal: move 1σ = 3 % < stop 6 %: exit at the move
    want = -n * (0.03 + 0.001 + 0.001) - n * 3 * 0.0001
    assert r["pnl_normal_usd"] == pytest.approx(want)
    assert not r["liquidated_normal"]
    # tail: move max(5σ, 20 %) = 20 % ≥ liq distance (~19.6 %) and gap → liquidated, capped
    assert r["liquidated_tail"]
    assert r["pnl_tail_usd"] == pytest.approx(-(m + n * 0.0005))
    loss = -r["pnl_tail_usd"]
    assert r["recovery_tail_pct"] == pytest.approx(loss / (100_000 - loss) * 100)
    assert r["price_tail"] == pytest.approx(40_000)


def test_stop_beyond_liquidation_is_flagged_and_liquidates():
    r = one(leverage=20, stop_pct=8)
    assert r["stop_beyond_liq"]
    assert r["alert_count"] >= 1
    assert r["liquidated_stressed"]  # 10 % move reaches liq (~4.6 %) before the 8 % stop


def test_touch_probabilities_use_the_scenario_volatility():
    r = one()
    assert 0 < r["p_liq_normal"] < r["p_liq_stressed"] < r["p_liq_tail"] <= 1
    assert r["p_liq_normal"] < r["p_stop_normal"]


def test_funding_and_basis_alerts():
    r = one(funding_pct=0.05, index_price=49_000)
    assert r["alert_funding"]
    assert r["basis_pct"] == pytest.approx(1 / 49 * 100)
    assert r["alert_basis"]
    assert not one()["alert_funding"]


def test_heat_above_cap_flags_every_row():
    plan = make_plan([BTC, {**BTC, "risk_pct": 5}])
    res = compute(plan)
    assert res.totals["heat_pct"] == pytest.approx(7)
    assert res.totals["heat_over_cap"]
    assert res.rows["alert_heat"].all()


def test_oracle_delay_adds_slip_to_the_loss():
    r = one(oracle_delay_s=86_400 / 100)
    assert r["delay_frac"] == pytest.approx(0.03 * 0.1)
    assert r["notional_usd"] < one()["notional_usd"]


def test_short_funding_received_is_not_a_cost_in_sizing():
    r = one(side="short")
    assert r["funding_frac"] == pytest.approx(-0.0003)
    assert r["loss_frac"] == pytest.approx(0.06 + 0.002)
    assert r["funding_usd"] > 0


def test_safe_leverage_alert_when_a_stressed_move_liquidates():
    r = one(leverage=20)
    assert r["safe_leverage"] < 20
    assert r["alert_leverage_safe"]


def test_tier_is_chosen_by_notional_and_leverage_above_tier_is_reported():
    big = {**BTC, "venue": "Binance", "risk_pct": 100, "stop_pct": 1, "leverage": 60}
    plan = make_plan([big], settings=Settings(capital_usd=200_000))
    r = compute(plan).rows.iloc[0]
    assert 12e6 < r["notional_usd"] <= 70e6  # BTC's tier 5 (≤ 70 M): 25x, 2 %, cum 132,000
    assert r["instrument"] == "BTC"
    assert r["tier_max_leverage"] == 25
    assert r["mmr_pct"] == pytest.approx(2.0)
    assert r["maintenance_amount_usd"] == pytest.approx(132_000)
    assert r["alert_leverage_tier"]
    issues = check_plan(plan)
    assert len(issues) == 1
    assert issues[0].sheet == "Plan" and issues[0].row == 2 and issues[0].column == "Leverage"
    assert "25x maximum of Binance BTC's tier" in issues[0].message


def test_every_output_key_is_present_and_nothing_is_infinite(sample):
    res = compute(sample)
    assert list(res.rows.columns) == [*INPUT_KEYS, *OUTPUT_KEYS]
    num = res.outputs.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(num).any()


def test_no_liquidation_price_means_zero_probability():
    r = one(leverage=1, extra_margin_usd=100_000)
    assert math.isnan(r["liquidation_price"])
    assert r["p_liq_tail"] == 0 and not r["liquidated_tail"]


rows = st.fixed_dictionaries({
    "side": st.sampled_from(["long", "short"]),
    "venue": st.sampled_from(["Generic", "Binance", "Bybit", "dYdX", "Hyperliquid"]),
    "entry_price": st.floats(0.01, 1e5),
    "leverage": st.floats(1, 20),
    "volatility_pct": st.floats(0.2, 15),
    "risk_pct": st.floats(0.05, 3),
    "funding_pct": st.floats(-0.1, 0.1),
    "slippage_bps": st.floats(0, 50),
    "gas_usd": st.floats(0, 5),
    "sizing": st.sampled_from(["risk", "margin"]),
})


def plan_from(rs, **kw):
    return make_plan([{"symbol": f"S{i}", **r} for i, r in enumerate(rs)], **kw)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=6), st.floats(1e3, 1e7), st.floats(1.5, 4))
def test_size_scales_linearly_with_capital(rs, capital, k):
    a = compute(plan_from(rs, settings=Settings(capital_usd=capital))).rows
    b = compute(plan_from(rs, settings=Settings(capital_usd=capital * k))).rows
    gasless = (a["gas_usd"] == 0).to_numpy()
    np.testing.assert_allclose(b["notional_usd"][gasless], a["notional_usd"][gasless] * k,
                               rtol=1e-9)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=6))
def test_long_short_mirror(rs):
    flat = [{**r, "funding_pct": 0.0} for r in rs]
    longs = compute(plan_from([{**r, "side": "long"} for r in flat])).rows
    shorts = compute(plan_from([{**r, "side": "short"} for r in flat])).rows
    np.testing.assert_allclose(longs["notional_usd"], shorts["notional_usd"], rtol=1e-12)
    e = longs["entry_price"]
    np.testing.assert_allclose(longs["stop_price"] - e, e - shorts["stop_price"], rtol=1e-9)
    # liquidation distances differ by (1 − mmr) vs (1 + mmr); P&L mirrors where neither is hit
    free = ~(longs["liquidated_normal"] | shorts["liquidated_normal"]).to_numpy(dtype=bool)
    np.testing.assert_allclose(longs["pnl_normal_usd"][free], shorts["pnl_normal_usd"][free],
                               rtol=1e-9)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=6))
def test_liquidated_scenario_never_loses_more_than_margin_fee_and_gas(rs):
    plan = plan_from(rs)
    res = compute(plan).rows
    for sc in plan.scenarios:
        liq = res[f"liquidated_{sc.name}"].to_numpy(dtype=bool)
        fee = np.array([plan.venues[v].taker_fee_pct / 100 for v in res["venue"]])
        cap = res["margin_usd"] + res["notional_usd"] * fee + res["gas_usd"] * sc.gas_mult
        assert (-res[f"pnl_{sc.name}_usd"][liq] <= cap[liq] * (1 + 1e-9)).all()
        p = res[[f"p_liq_{sc.name}", f"p_stop_{sc.name}"]].to_numpy()
        assert ((p >= 0) & (p <= 1)).all()


def test_empty_plan_computes():
    from planner import Plan, empty_trades, shipped_venues

    res = compute(Plan(trades=empty_trades(0), venues=shipped_venues()))
    assert len(res.rows) == 0 and res.totals["count"] == 0
    assert len(res.cross) == 6


def test_frame_in_frame_out_keeps_row_order(sample):
    res = compute(sample)
    pd.testing.assert_series_equal(res.rows["symbol"], sample.trades["symbol"])


def test_draft_rows_raise_no_alerts_and_stay_out_of_totals():
    plan = make_plan([BTC])
    trades = pd.concat([plan.trades, plan.trades.iloc[:1]], ignore_index=True)
    trades.loc[1, ["entry_price", "volatility_pct"]] = np.nan  # a row still being filled in
    trades.loc[1, "risk_pct"] = 5.0
    res = compute(plan.with_changes(trades=trades))
    draft = res.rows.iloc[1]
    assert draft["alert_count"] == 0 and not draft["alert_leverage_tier"]
    assert res.totals["count"] == 1 and res.totals["heat_pct"] == pytest.approx(2)
    assert not res.rows["alert_heat"].any()
    assert res.buckets["count"].sum() == 1
