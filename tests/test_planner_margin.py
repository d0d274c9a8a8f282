"""Published venue examples (SPEC §2) and liquidation-price invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import liquidation_price
from planner.engine.margin import bankruptcy_price, safe_leverage
from planner.venues import derive_maintenance_amounts, shipped_venues

# (source, side, entry, quantity, margin, mmr, cum, formula, published)
PUBLISHED = [
    ("Binance FAQ", "long", 50_000, 0.02, 500, 0.004, 0, "binance", 25_100.40),
    ("Bybit legacy long 50x", "long", 10_000, 1, 10_000 / 50, 0.005, 0, "bybit", 9_850),
    ("Bybit legacy short 40x", "short", 8_000, 1, 8_000 / 40, 0.005, 0, "bybit", 8_160),
    ("Bybit classic long 50x (IM 400, MM 100)", "long", 20_000, 1, 400, 0.005, 0, "bybit", 19_700),
    ("dYdX v4 isolated short", "short", 3_000, 3, 1_000, 0.05, 0, "binance", 3_174.60),
]


@pytest.mark.parametrize(("source", "side", "e", "q", "m", "mmr", "cum", "formula", "want"),
                         PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_published_liquidation_prices(source, side, e, q, m, mmr, cum, formula, want):
    got = liquidation_price(side, e, q, m, mmr, cum, formula=formula)
    assert got == pytest.approx(want, abs=0.005), source


def test_bybit_legacy_closed_forms_agree_with_classic_formula():
    # E·(1 − 1/L + mmr) for longs and E·(1 + 1/L − mmr) for shorts
    for lev in (2, 10, 25, 50, 100):
        long_ = liquidation_price("long", 10_000, 1, 10_000 / lev, 0.005, formula="bybit")
        short = liquidation_price("short", 8_000, 1, 8_000 / lev, 0.005, formula="bybit")
        assert long_ == pytest.approx(10_000 * (1 - 1 / lev + 0.005))
        assert short == pytest.approx(8_000 * (1 + 1 / lev - 0.005))


def test_binance_maintenance_amount_published_example():
    # 0.4 % to 50,000 (cum 0); 0.5 % to 250,000 (cum 50); 1 % from 250,000.
    cums = derive_maintenance_amounts([50_000, 250_000, 1_000_000], [0.4, 0.5, 1.0])
    assert cums == pytest.approx([0, 50, 1_300])


def test_bybit_bankruptcy_published_example():
    assert bankruptcy_price(1, 10_000, 1, 10_000 / 50) == pytest.approx(9_800)


def test_long_with_formula_below_zero_has_no_liquidation_price():
    # 1x long with extra margin: equity never falls to maintenance
    assert math.isnan(liquidation_price("long", 100, 1, 150, 0.005))


def test_arrays_in_arrays_out():
    lp = liquidation_price(np.array(["long", "short"]), [100, 100], [1, 1], [20, 20], 0.01)
    assert lp.shape == (2,)
    assert lp[0] < 100 < lp[1]


def test_bad_side_and_formula_are_refused():
    with pytest.raises(ValueError, match="side"):
        liquidation_price("sideways", 100, 1, 10, 0.01)
    with pytest.raises(ValueError, match="formula must be one of .binance., .bybit., .okx."):
        liquidation_price("long", 100, 1, 10, 0.01, formula="gate")


@pytest.mark.parametrize("venue", list(shipped_venues()))
def test_shipped_profiles_are_dated_and_have_consistent_cum(venue):
    v = shipped_venues()[venue]
    assert v.source
    if venue != "Generic":
        assert v.as_of, "every venue profile carries the date of its numbers"
    bounds = [t.max_notional_usd for t in v.tiers]
    assert bounds == sorted(bounds)
    derived = derive_maintenance_amounts(bounds, [t.mmr_pct for t in v.tiers],
                                         v.tiers[0].maintenance_amount_usd)
    if venue in ("Binance", "Bybit"):
        assert [t.maintenance_amount_usd for t in v.tiers] == pytest.approx(derived)


def test_hyperliquid_mmr_is_half_the_initial_margin_at_max_leverage():
    for t in shipped_venues()["Hyperliquid"].tiers:
        assert t.mmr_pct == pytest.approx(100 / (2 * t.max_leverage))
    assert shipped_venues()["Hyperliquid"].tiers[0].maintenance_amount_usd == 0


sides = st.sampled_from(["long", "short"])
prices = st.floats(0.01, 1e6)
levs = st.floats(1.0, 100.0)
mmrs = st.floats(0.001, 0.2)


@given(sides, prices, levs, mmrs, st.sampled_from(["binance", "bybit"]))
def test_liquidation_is_on_the_loss_side(side, e, lev, mmr, formula):
    q = 1000 / e
    lp = liquidation_price(side, e, q, 1000 / lev, mmr, formula=formula)
    if math.isnan(lp):
        assert side == "long"
    elif 1 / lev > mmr:  # margin above maintenance: liquidation lies beyond entry
        assert (lp < e) if side == "long" else (lp > e)


@given(sides, prices, levs, levs, mmrs)
def test_higher_leverage_brings_liquidation_closer(side, e, l1, l2, mmr):
    lo, hi = sorted((l1, l2))
    q = 1000 / e
    a = liquidation_price(side, e, q, 1000 / lo, mmr)
    b = liquidation_price(side, e, q, 1000 / hi, mmr)
    sign = 1 if side == "long" else -1  # signed distance on the loss side
    dist_a = math.inf if math.isnan(a) else sign * (e - a)
    dist_b = math.inf if math.isnan(b) else sign * (e - b)
    assert dist_b <= dist_a + 1e-9 * abs(dist_a)


@given(st.floats(0.0, 0.9), mmrs)
def test_safe_leverage_puts_liquidation_exactly_at_the_move(d, mmr):
    for s in (1, -1):
        lev = float(safe_leverage(s, d, mmr))
        lp = liquidation_price("long" if s > 0 else "short", 100.0, 1.0, 100.0 / lev, mmr)
        if not math.isnan(lp):
            assert abs(lp - 100.0) / 100.0 == pytest.approx(d, abs=1e-9)


def test_a_liquidation_price_below_a_billionth_of_the_entry_is_none(plan_of):
    """A long at ~1x: its formula leaves a float residue (≈ 5e-12 × entry) that LibreOffice's
    live formula shows as blank; the engine shows none too (issue 11, SPEC §10)."""
    from planner import compute

    residue = liquidation_price("long", 50_000.0, 1.0, 50_000.0 / (1 + 5e-12), 0.0)
    assert math.isnan(residue)
    assert liquidation_price("long", 50_000.0, 1.0, 50_000.0 * (1 - 2e-9), 0.0) > 0
    rows = compute(plan_of([{"symbol": "BTC", "entry_price": 50_000.0, "volatility_pct": 3.0,
                             "leverage": 1 + 5e-12, "venue": "Generic"}])).rows
    assert math.isnan(rows["liquidation_price"].iat[0])
    assert rows["p_liq_tail"].iat[0] == 0.0 and not rows["liquidated_tail"].iat[0]


def test_hyperliquid_tiers_above_the_first_carry_the_documented_deduction():
    """SPEC §10: above 150M notional BTC on Hyperliquid deducts 150M × (2.5 − 1.25) % =
    1,875,000 USD, so maintenance margin is continuous at the tier bound."""
    hl = shipped_venues()["Hyperliquid"]
    first, second = hl.tiers[0], hl.tiers[1]
    assert second.maintenance_amount_usd == 1_875_000
    bound = first.max_notional_usd
    assert bound * first.mmr_pct / 100 == pytest.approx(
        bound * second.mmr_pct / 100 - second.maintenance_amount_usd)
    assert derive_maintenance_amounts([t.max_notional_usd for t in hl.tiers],
                                      [t.mmr_pct for t in hl.tiers]) == [0.0, 1_875_000.0]


def test_every_shipped_profile_is_dated_and_sourced():
    for v in shipped_venues().values():
        if v.name != "Generic":
            assert v.as_of[:2] == "20" and len(v.as_of) == 10, v.name
            assert v.source, v.name
    assert shipped_venues()["Binance"].as_of == "2026-03-05"  # the table's own date


@pytest.mark.parametrize("tails", ["student-t", "normal"])
@pytest.mark.parametrize("side", ["long", "short"])
def test_a_row_whose_maintenance_reaches_its_margin_is_liquidated_at_entry(side, tails):
    # A typed mmr of 25 (meant 0.25 %) at 5x: maintenance 25 % of N, margin 20 % of N.
    import pandas as pd

    from planner import Plan, Tier, VenueProfile, compute, shipped_venues, type_trades
    from planner.schema import ALERTS

    typo = VenueProfile("Typo", "binance", 0.05, 0.02, 8.0,
                        (Tier(float("inf"), 20.0, 25.0, 0.0),), "", "")
    rows = pd.DataFrame([{"symbol": "BTC", "side": side, "venue": v, "entry_price": 50_000.0,
                          "leverage": 5.0, "volatility_pct": 3.0, "risk_pct": 1.0}
                         for v in ("Typo", "Binance")], index=[2, 3])
    venues = {**shipped_venues(), "Typo": typo}
    plan = Plan(trades=type_trades(rows, venues), venues=venues)
    plan = plan.with_changes(settings=plan.settings.with_changes(tail_model=tails))
    rows = compute(plan).rows
    bad, good = rows.iloc[0], rows.iloc[1]
    assert bad["maintenance_usd"] >= bad["margin_usd"]
    assert bad["liquidation_price"] == 50_000.0            # the entry, never beyond it
    assert bad["alert_liquidated_at_entry"] and not good["alert_liquidated_at_entry"]
    assert bad["liq_distance_pct"] == 0.0 and bad["stop_beyond_liq"]
    for n in ("normal", "stressed", "tail"):
        assert bad[f"liquidated_{n}"]
        assert bad[f"p_liq_{n}"] == 1.0 and bad[f"p_stop_{n}"] == 1.0
        assert bad[f"pnl_{n}_usd"] == pytest.approx(-(bad["margin_usd"]
                                                      + bad["notional_usd"] * 0.0005))
    assert bad["alert_count"] == sum(bool(bad[k]) for k in ALERTS)     # it is counted
    s = 1 if side == "long" else -1
    assert s * (good["entry_price"] - good["liquidation_price"]) > 0


@pytest.mark.parametrize(("side", "want"), [
    # By hand: E = 50,000, Q = 0.1 (N = 5,000), M = 1,000 (5x), mmr 0.4 %, taker 0.05 %.
    ("long", (50_000 - 1_000 / 0.1) / (1 - (0.004 + 0.0005))),     # 40,000 / 0.9955
    ("short", (50_000 + 1_000 / 0.1) / (1 + (0.004 + 0.0005))),    # 60,000 / 1.0045
])
def test_okx_family_worked_example_by_hand(side, want):
    lp = liquidation_price(side, 50_000, 0.1, 1_000, 0.004, formula="okx", taker_fee=0.0005)
    assert lp == pytest.approx(want, rel=1e-12)
    assert round(lp, 2) == (40_180.81 if side == "long" else 59_731.21)
    # OKX's isolated margin ratio (margin + P&L) / (Q·P·(mmr + fee)) is exactly 100 % there.
    s = 1 if side == "long" else -1
    ratio = (1_000 + s * 0.1 * (lp - 50_000)) / (0.1 * lp * (0.004 + 0.0005))
    assert ratio == pytest.approx(1.0, rel=1e-12)


def test_the_okx_fee_moves_the_price_closer_and_other_families_ignore_it():
    no_fee = liquidation_price("long", 50_000, 0.1, 1_000, 0.004, formula="okx")
    fee = liquidation_price("long", 50_000, 0.1, 1_000, 0.004, formula="okx", taker_fee=0.0005)
    assert fee > no_fee                                   # a long is liquidated sooner
    for family in ("binance", "bybit"):
        assert liquidation_price("long", 50_000, 0.1, 1_000, 0.004, formula=family,
                                 taker_fee=0.0005) == liquidation_price(
            "long", 50_000, 0.1, 1_000, 0.004, formula=family)


def test_a_plan_on_an_okx_family_venue_uses_the_formula_with_the_venues_taker_fee():
    import pandas as pd

    from planner import Plan, Tier, VenueProfile, compute, shipped_venues, type_trades

    okx = VenueProfile("OKX-like", "okx", 0.05, 0.02, 8.0, (Tier(float("inf"), 100.0, 0.4, 0.0),),
                       "", "")
    venues = {**shipped_venues(), okx.name: okx}
    rows = pd.DataFrame([{"symbol": "BTC", "side": "short", "venue": "OKX-like",
                          "entry_price": 50_000.0, "leverage": 10.0, "volatility_pct": 3.0,
                          "risk_pct": 1.0}], index=[2])
    r = compute(Plan(trades=type_trades(rows, venues), venues=venues)).rows.iloc[0]
    want = liquidation_price("short", 50_000, r["quantity"], r["margin_usd"], 0.004,
                             formula="okx", taker_fee=0.0005)
    assert r["liquidation_price"] == pytest.approx(want, rel=1e-12)


def test_a_venue_file_with_two_tiers_of_the_same_bound_is_refused():
    from planner.venues import profile_from_dict

    tier = {"max_notional_usd": 50_000, "max_leverage": 20, "mmr_pct": 1}
    with pytest.raises(ValueError, match="two tiers share a bound \\(50,000 USD\\)"):
        profile_from_dict({"name": "X", "tiers": [tier, {**tier, "max_leverage": 10}]})


def test_a_plan_built_in_code_with_venues_differing_only_in_case_is_refused():
    from dataclasses import replace

    import pandas as pd

    from planner import PlanError, type_trades

    venues = shipped_venues()
    venues = {**venues, "binance": replace(venues["Binance"], name="binance")}
    raw = pd.DataFrame([{"symbol": "BTC", "venue": "Binance", "entry_price": 1.0,
                         "volatility_pct": 1.0}], index=[2])
    with pytest.raises(PlanError, match="'Binance' and 'binance' differ only in case"):
        type_trades(raw, venues)
