"""Chart series and display tables (planner.charts) on hand-built plans and the sample plan."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import Settings, compute
from planner import charts as C
from planner.engine.cross import CROSS_KEYS
from planner.engine.portfolio import BUCKET_KEYS
from tests.conftest import make_plan

ROW = dict(venue="Generic", entry_price=100, volatility_pct=2, risk_pct=1, funding_pct=0,
           slippage_bps=0)


def wipe_plan():
    """Two big longs on a small wallet and a small short hedge: a tail gap down wipes cross."""
    return make_plan([
        {**ROW, "symbol": "L1", "side": "long", "leverage": 10, "risk_pct": 10, "stop_pct": 2},
        {**ROW, "symbol": "L2", "side": "long", "leverage": 10, "risk_pct": 10, "stop_pct": 2},
        {**ROW, "symbol": "H", "side": "short", "leverage": 2, "risk_pct": 1, "stop_pct": 5,
         "bucket": "hedging"},
    ], settings=Settings(capital_usd=100_000, heat_cap_pct=50))


def hedged_plan():
    """A Hyperliquid long whose stop lies beyond liquidation, hedged by a short: cross saves."""
    hl = {**ROW, "venue": "Hyperliquid", "volatility_pct": 1.6, "stop_pct": 9, "risk_pct": 1}
    return make_plan([
        {**hl, "symbol": "L", "side": "long", "leverage": 10},
        {**hl, "symbol": "H", "side": "short", "leverage": 2, "bucket": "hedging"},
    ])


def cell(table, key, column):
    return table.text[table.row_keys.index(key)][[c.key for c in table.columns].index(column)]


def tone(table, key, column):
    return table.tone[table.row_keys.index(key)][[c.key for c in table.columns].index(column)]


# -- tables ---------------------------------------------------------------------------------------

def test_bucket_table_lists_each_bucket_then_the_plan_total():
    res = compute(wipe_plan())
    t = C.bucket_view(res)
    assert [c.key for c in t.columns] == list(BUCKET_KEYS)
    assert t.row_keys == ("directional", "hedging", "")
    assert cell(t, "", "bucket") == C.TOTAL_LABEL
    assert cell(t, "directional", "count") == "2"
    assert cell(t, "directional", "risk_usd") == "20,000"
    assert cell(t, "", "heat_pct") == "21.00"          # 10 + 10 + 1 % of capital
    assert cell(t, "", "liquidations_tail") == "2"     # both longs go in the tail gap
    assert tone(t, "", "liquidations_tail") == -1
    assert tone(t, "directional", "pnl_tail_usd") == -1
    assert tone(t, "hedging", "liquidations_tail") == 0


def test_bucket_table_flags_heat_above_the_cap():
    res = compute(wipe_plan().with_changes(settings=Settings(heat_cap_pct=6)))
    assert tone(C.bucket_view(res), "", "heat_pct") == -1


def test_cross_table_shows_a_hedged_book_where_cross_saves_capital():
    res = compute(hedged_plan())
    t = C.cross_view(res)
    assert [c.key for c in t.columns] == [k for k in CROSS_KEYS if k not in C.CROSS_HIDDEN]
    key = "stressed/down"
    assert cell(t, key, "isolated_liquidated") == "1"
    assert cell(t, key, "cross_liquidated") == "0"
    assert tone(t, key, "difference_usd") == 1 and tone(t, key, "cross_capital_left_usd") == 1
    row = res.cross.set_index(["scenario", "direction"]).loc[("stressed", "down")]
    assert cell(t, key, "cross_capital_left_usd") == f"{row['cross_capital_left_usd']:,.0f}"
    assert cell(t, key, "verdict").startswith("Cross margin would keep")
    assert t.row_tone[t.row_keys.index(key)] == 0


def test_cross_table_flags_the_account_that_drags_a_green_position_down():
    t = C.cross_view(compute(wipe_plan()))
    key = "tail/down"
    assert t.row_tone == tuple(-1 if k == key else 0 for k in t.row_keys)
    assert cell(t, key, "cross_capital_left_usd") == "0"
    assert cell(t, key, "cross_green_force_closed") == "1"
    assert cell(t, key, "cross_liquidated") == "3"
    assert cell(t, key, "isolated_liquidated") == "2"
    assert "1 green position is force-closed" in cell(t, key, "verdict")
    assert "maintenance margin" in t.row_notes[t.row_keys.index(key)]


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (-1234.4, "usd", "-1,234"), (-0.3, "usd", "0"), (5.754, "pct", "5.75"), (3, "int", "3"),
    (True, "bool", "yes"), (float("nan"), "usd", ""), (None, "text", ""), ("tail", "text", "tail"),
])
def test_format_value(value, fmt, text):
    assert C.format_value(value, fmt) == text


@pytest.mark.parametrize(("price", "text"), [
    (65_000, "65,000"), (3_200, "3,200.0"), (0.1526104, "0.15261"), (14, "14.000"),
    (float("nan"), ""),
])
def test_price_text_keeps_five_significant_digits(price, text):
    assert C.price_text(price) == text


def test_totals_line_names_heat_and_cap(sample):
    line = C.totals_line(compute(sample))
    assert line.startswith("12 trades") and "heat 5.75 % of the 6 % cap" in line


def test_key_figures_name_the_worst_cross_case():
    lines = C.key_figures(compute(wipe_plan()))
    assert lines[1].startswith("Heat 21.00 % of capital, within the 50 % cap")
    assert "tail -99,655" in lines[2]
    assert lines[-1].startswith("Worst case for cross margin (tail move, market down): Cross "
                                "margin would lose 8,188 USD")


@pytest.mark.parametrize(("heat", "level"), [(1, 0), (4.8, 1), (6, 1), (6.01, 2)])
def test_heat_level(heat, level):
    assert C.heat_level(heat, 6.0) == level


# -- bar series -----------------------------------------------------------------------------------

def test_bucket_pnl_is_the_bucket_table_plus_the_plan_total(sample):
    res = compute(sample)
    s = C.bucket_pnl(res)
    assert s.groups == (*res.buckets["bucket"], C.TOTAL_LABEL)
    assert s.scenarios == ("normal", "stressed", "tail")
    np.testing.assert_allclose(s.pnl_usd[:-1, 2], res.buckets["pnl_tail_usd"])
    assert s.pnl_usd[-1, 1] == pytest.approx(res.totals["pnl_stressed_usd"])
    assert s.liquidations[-1].tolist() == [res.totals[f"liquidations_{n}"] for n in s.scenarios]
    assert s.risk_usd[-1] == pytest.approx(5_750)
    assert s.heat_cap_usd == pytest.approx(6_000)
    assert not s.show_capital   # the sample's worst loss is far from the capital


def test_capital_line_appears_when_a_loss_comes_near_the_capital():
    res = compute(wipe_plan())
    assert C.bucket_pnl(res).show_capital
    x = C.cross_pnl(res)
    assert x.show_capital
    i = [(s, d) for s, d in zip(x.scenarios, x.directions, strict=True)].index(("tail", "down"))
    assert x.account_liquidated.tolist() == [k == i for k in range(6)]
    assert x.cross_pnl_usd[i] == -100_000 and x.green_force_closed[i] == 1
    np.testing.assert_allclose(x.difference_usd, x.cross_pnl_usd - x.isolated_pnl_usd)


def test_allocation_adds_up_to_the_plan_totals(sample):
    res = compute(sample)
    a = C.allocation(res)
    assert a.buckets == tuple(res.buckets["bucket"])
    assert a.margin_pct.sum() == pytest.approx(res.totals["margin_use_pct"])
    assert a.heat_pct.sum() == pytest.approx(res.totals["heat_pct"])
    assert a.heat_cap_pct == 6.0


# -- price ladder ---------------------------------------------------------------------------------

def prices(ladder):
    return {lv.key: lv.price for lv in ladder.levels}


def zones(ladder):
    return {z.key: (z.lo, z.hi) for z in ladder.zones}


def assert_zones_tile_the_range(ladder):
    spans = sorted((z.lo, z.hi) for z in ladder.zones if z.hi > z.lo)
    assert spans[0][0] == pytest.approx(ladder.ylim[0])
    assert spans[-1][1] == pytest.approx(ladder.ylim[1])
    for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False):
        assert lo == pytest.approx(hi)


def test_long_ladder_runs_from_target_down_to_bankruptcy(sample):
    res = compute(sample)
    lad = C.price_ladder(res, 0, row_number=2)   # BTCUSDT long 5x, 2 % risk, target 12 %
    p = prices(lad)
    order = ["target", "entry", "trim", "stop", "review", "liquidation", "bankruptcy"]
    assert [p[k] for k in order] == sorted((p[k] for k in order), reverse=True)
    assert p["entry"] == 65_000 and p["target"] == pytest.approx(72_800)
    assert p["liquidation"] == pytest.approx(res.rows["liquidation_price"].iloc[0])
    assert p["scenario_tail"] == pytest.approx(52_000)
    z = zones(lad)
    assert z["trim"] == pytest.approx((p["stop"], p["trim"]))
    assert z["liquidation"][1] == pytest.approx(p["liquidation"])
    assert_zones_tile_the_range(lad)
    assert lad.title == "BTCUSDT long 5x · Binance · directional · row 2"
    assert "fills first" in lad.subtitle
    assert any(lv.key == "scenario_tail" and lv.label.endswith("liq.") for lv in lad.levels)


def test_short_ladder_is_mirrored_and_has_no_target(sample):
    lad = C.price_ladder(compute(sample), 3)     # BTC-USD short hedge, no target
    p = prices(lad)
    assert lad.side == -1
    assert math.isnan(p["target"])
    assert next(lv for lv in lad.levels if lv.key == "target").label == ""
    assert p["entry"] < p["trim"] < p["stop"] < p["liquidation"] < p["bankruptcy"]
    z = zones(lad)
    assert z["profit"][1] == pytest.approx(p["entry"]) and z["liquidation"][0] == pytest.approx(
        p["liquidation"])
    assert_zones_tile_the_range(lad)


def test_a_stop_beyond_liquidation_sits_in_the_liquidated_zone(sample):
    res = compute(sample)
    i = int(np.flatnonzero(res.rows["stop_beyond_liq"])[0])
    lad = C.price_ladder(res, i)
    lo, hi = zones(lad)["liquidation"]
    assert lo <= prices(lad)["stop"] <= hi
    assert zones(lad)["beyond_stop"][0] == zones(lad)["beyond_stop"][1]   # empty
    assert "never fill" in lad.subtitle


def test_a_long_without_liquidation_price_has_no_liquidated_zone():
    res = compute(make_plan([{**ROW, "symbol": "X", "leverage": 1, "sizing": "margin"}]))
    lad = C.price_ladder(res, 0)
    assert math.isnan(prices(lad)["liquidation"])
    lo, hi = zones(lad)["liquidation"]
    assert lo == hi
    assert lad.subtitle.startswith("no liquidation price")


def test_no_ladder_for_a_row_that_does_not_exist_or_is_still_blank(sample):
    res = compute(sample)
    assert C.price_ladder(res, 12) is None and C.price_ladder(res, -1) is None
    from planner.edits import apply
    from planner.parse import blank_rows

    plan = apply(sample, blank_rows(sample, 12, 1))[0]   # a new, empty row in the grid
    assert C.price_ladder(compute(plan), 12) is None


@given(st.lists(st.floats(0, 100), max_size=12), st.floats(0.5, 5))
def test_spread_labels_keeps_labels_apart_and_in_order(ys, gap):
    out = C.spread_labels(ys, gap, 0.0, 100.0)
    order = np.argsort(np.asarray(ys), kind="stable")
    placed = out[order]
    assert np.all(np.diff(placed) >= gap - 1e-9)
    assert np.all(placed >= -1e-9) and np.all(placed <= 100 + 1e-9)


def test_spread_labels_leaves_distant_labels_alone():
    np.testing.assert_allclose(C.spread_labels([10, 50, 90], 5, 0, 100), [10, 50, 90])
    out = C.spread_labels([50, 50], 4, 0, 100)
    assert sorted(out) == pytest.approx([48, 52])   # a pair centred on where both belong
