"""Instruments (SPEC §10): per-symbol tiers and orders the venue accepts.

Each row finds its venue's instrument by its symbol; its quantity is rounded down to the lot
step, its order prices to the tick away from the position; an order below the minimum notional
raises an alert. Expected values are worked out here by hand from the spec's formulas.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from planner import compute
from planner.engine.orders import floor_to_step, round_away
from planner.model import Instrument, Tier, VenueProfile, base_symbol
from planner.venues import profile_from_dict, profile_to_dict, shipped_venues
from tests.conftest import make_plan


@pytest.mark.parametrize(("symbol", "base"), [
    ("BTCUSDT", "BTC"), ("btcusdt", "BTC"), ("BTC-PERP", "BTC"), ("BTC/USDC:USDC", "BTC"),
    ("BTC-USDT-SWAP", "BTC"), ("SOL", "SOL"), (" sol-usd ", "SOL"), ("ETHUSD", "ETH"),
    ("ETHBUSD", "ETH"), ("1000PEPEUSDT", "1000PEPE"), ("USDT", "USDT"), ("USDCUSDT", "USDC"),
    ("BTC_USDT", "BTC"), ("", ""), ("BTCFDUSD", "BTC"), ("ETH-USDT-SWAP", "ETH"),
])
def test_a_symbol_names_its_base_coin(symbol, base):
    assert base_symbol(symbol) == base


def row(**kw):
    return {"symbol": "SOLUSDT", "venue": "Hyperliquid", "side": "long", "entry_price": 150.0,
            "leverage": 10.0, "volatility_pct": 5.0, "risk_pct": 1.0, "stop_pct": 4.0,
            "funding_pct": 0.0, "slippage_bps": 0.0, **kw}


def test_sol_on_hyperliquid_uses_its_own_tier_not_btcs():
    hl = shipped_venues()["Hyperliquid"]
    sol = hl.instrument("SOL")
    assert sol is not None and sol.tiers[0].max_leverage == 20 and hl.tiers[0].max_leverage == 40
    res = compute(make_plan([row(leverage=30.0), row(leverage=10.0)])).rows
    assert list(res["instrument"]) == ["SOL", "SOL"]
    assert res["alert_leverage_tier"].tolist() == [True, False]   # 30x > SOL's 20x
    r = res.iloc[1]
    q, m, e = r["quantity"], r["margin_usd"], 150.0
    mmr = sol.tiers[0].mmr_pct / 100                                # 1 / (2 × 20) = 2.5 %
    assert mmr == pytest.approx(0.025)
    raw = (q * e - m) / (q * (1 - mmr))                             # binance family, cum 0
    assert r["liquidation_price"] == pytest.approx(math.floor(raw / sol.tick_size + 1e-9)
                                                   * sol.tick_size, rel=1e-12)
    assert r["mmr_pct"] == pytest.approx(2.5)


def test_quantity_is_a_whole_number_of_lots_and_never_risks_more_than_the_budget():
    plan = make_plan([row(), row(symbol="BTCUSDT", venue="Binance", entry_price=91_234.5,
                              side="short"),
                      row(symbol="DOGE-USDT-SWAP", venue="OKX", entry_price=0.1734),
                      row(symbol="ETH-USD", venue="dYdX", entry_price=3_321.7, risk_pct=0.37)])
    res = compute(plan).rows
    for _, r in res.iterrows():
        inst = plan.venues[r["venue"]].instrument(r["symbol"])
        lots = r["quantity"] / inst.lot_step
        assert lots == pytest.approx(round(lots), abs=1e-6) and round(lots) > 0
        assert r["notional_usd"] == pytest.approx(r["quantity"] * r["entry_price"], rel=1e-12)
        assert r["risk_used_usd"] <= r["risk_usd"] + 1e-9
        # one more lot would overspend: the rounding is down, not to the nearest
        assert (r["quantity"] + inst.lot_step) * r["entry_price"] * r["loss_frac"] > r["risk_usd"]


def test_an_order_below_the_minimum_notional_raises_the_alert():
    # Binance BTC: minimum order 100 USD; a 0.01 % budget at a 4 % stop sizes about 25 USD
    plan = make_plan([row(symbol="BTCUSDT", venue="Binance", entry_price=90_000.0,
                          risk_pct=0.001),
                      row(symbol="BTCUSDT", venue="Binance", entry_price=90_000.0,
                          risk_pct=0.5)])
    res = compute(plan).rows
    assert plan.venues["Binance"].instrument("BTC").min_notional_usd == 100
    assert res["alert_below_min_order"].tolist() == [True, False]
    assert res["notional_usd"].iat[0] < 100 and res["alert_count"].iat[0] >= 1


def test_a_budget_below_one_lot_gives_a_zero_order_with_the_alert_and_no_liquidation():
    plan = make_plan([row(symbol="BTCUSDT", venue="Hyperliquid", entry_price=90_000.0,
                          risk_pct=1e-5)])                       # 0.01 USD of risk
    r = compute(plan).rows.iloc[0]
    assert r["quantity"] == 0 and r["notional_usd"] == 0
    assert r["alert_below_min_order"] and math.isnan(r["liquidation_price"])


@pytest.mark.parametrize("side", ["long", "short"])
def test_order_prices_sit_on_the_tick_away_from_the_position(side):
    # BTC on Binance: tick 0.1; the stop 4 % from 91,234.56 is 87,585.1776 (long)
    res = compute(make_plan([row(symbol="BTCUSDT", venue="Binance", side=side,
                                 entry_price=91_234.56)])).rows.iloc[0]
    s = 1 if side == "long" else -1
    exact = 91_234.56 * (1 - s * 0.04)
    want = math.floor(exact * 10) / 10 if s > 0 else math.ceil(exact * 10) / 10
    assert res["stop_price"] == pytest.approx(want, abs=1e-9)
    for key in ("stop_price", "trim_price", "review_price", "liquidation_price"):
        ticks = res[key] / 0.1
        assert ticks == pytest.approx(round(ticks), abs=1e-6), key
        assert s * (res["entry_price"] - res[key]) > 0, key          # on the adverse side


def test_rounding_tolerates_float_noise_and_leaves_untick_prices_alone():
    assert floor_to_step(np.array([0.3]), np.array([0.1]))[0] == pytest.approx(0.3)
    assert floor_to_step(np.array([0.29]), np.array([0.1]))[0] == pytest.approx(0.2)
    assert floor_to_step(np.array([0.29]), np.array([0.0]))[0] == 0.29
    assert round_away(np.array([101.25]), np.array([0.5]), np.array([1.0]))[0] == 101.0
    assert round_away(np.array([101.25]), np.array([0.5]), np.array([-1.0]))[0] == 101.5
    assert round_away(np.array([7e4 + 3e-4]), np.array([1e-4]), np.array([1.0]))[0] == \
        pytest.approx(70_000.0003)


def test_a_symbol_without_an_instrument_uses_the_venues_default_table():
    res = compute(make_plan([row(symbol="XRPUSDT", venue="Binance", entry_price=0.52)])).rows
    binance = shipped_venues()["Binance"]
    assert res["instrument"].iat[0] == ""
    assert res["tier_max_leverage"].iat[0] == binance.tiers[0].max_leverage
    assert res["quantity"].iat[0] == res["notional_usd"].iat[0] / 0.52   # no lot step


def test_shipped_venues_have_btc_eth_sol_doge_each_with_a_date_and_a_source():
    for name, v in shipped_venues().items():
        if name == "Generic":
            continue
        assert {i.symbol for i in v.instruments} >= {"BTC", "ETH", "SOL", "DOGE"}, name
        for i in v.instruments:
            assert len(i.as_of) == 10 and i.as_of[4] == "-" and i.source, (name, i.symbol)
            assert i.lot_step > 0 and i.tick_size > 0, (name, i.symbol)
            assert "://" not in i.source and "www." not in i.source.lower()   # no links


def test_the_okx_profile_uses_the_okx_family_8h_funding_and_folds_the_face_value_in():
    okx = shipped_venues()["OKX"]
    assert okx.formula == "okx" and okx.funding_interval_hours == 8
    # BTC-USDT-SWAP: face value 0.01 BTC, lot size 0.01 contract
    assert okx.instrument("BTC-USDT-SWAP").lot_step == pytest.approx(0.0001)


def test_instruments_survive_a_json_round_trip_and_bad_ones_are_refused():
    v = shipped_venues()["Hyperliquid"]
    assert profile_from_dict(json.loads(json.dumps(profile_to_dict(v)))) == v
    d = profile_to_dict(v)
    d["instruments"].append({**d["instruments"][0], "symbol": "solusdt"})   # SOL twice
    d["instruments"][0]["symbol"] = "SOL"
    with pytest.raises(ValueError, match="two instruments"):
        profile_from_dict(d)
    bad = profile_to_dict(v)
    bad["instruments"][0]["lot_step"] = -1
    with pytest.raises(ValueError, match="lot_step"):
        profile_from_dict(bad)
    same = profile_to_dict(v)
    same["instruments"][0]["tiers"] = [same["tiers"][0], same["tiers"][0]]
    with pytest.raises(ValueError, match="share a bound"):
        profile_from_dict(same)


def test_an_instrument_without_its_own_tiers_takes_the_venues_default():
    d = {"name": "X", "tiers": [{"max_notional_usd": None, "max_leverage": 10, "mmr_pct": 1}],
         "instruments": [{"symbol": "abc", "lot_step": 1}]}
    v = profile_from_dict(d)
    assert v.instrument("ABCUSDT") == Instrument("ABC", v.tiers, lot_step=1.0,
                                                 funding_interval_hours=8.0)


def test_update_after_a_symbol_edit_moves_the_row_to_its_instrument():
    from planner.engine.core import update

    plan = make_plan([row(symbol="XRPUSDT"), row(symbol="ETHUSDT")])
    before = compute(plan)
    trades = plan.trades.copy()
    trades.loc[0, "symbol"] = "SOL-PERP"
    edited = plan.with_changes(trades=trades)
    got = update(edited, before, [0]).rows
    want = compute(edited).rows
    assert got["instrument"].tolist() == want["instrument"].tolist() == ["SOL", "ETH"]
    assert got["liquidation_price"].tolist() == pytest.approx(want["liquidation_price"].tolist())


def test_venue_profile_markets_list_the_default_first():
    v = VenueProfile("V", tiers=(Tier(math.inf, 10, 1),), lot_step=0.5,
                     instruments=(Instrument("A", (Tier(math.inf, 5, 2),)),))
    assert [m.symbol for m in v.markets()] == ["", "A"] and v.markets()[0].lot_step == 0.5
