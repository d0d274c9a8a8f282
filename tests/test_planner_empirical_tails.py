"""tail_model = empirical (SPEC §9): touch odds from the coin's own history, in the engine, the
snapshot, the workbook's Tails sheet and the headless path."""

from __future__ import annotations

import math

import numpy as np
import pytest
from market_helpers import candles, write_kline
from openpyxl import load_workbook

from planner import PlanError, compute, load_plan, save_plan
from planner.edits import SetCells
from planner.edits import apply as apply_edit
from planner.engine import update
from planner.engine.probability import touch_probability
from planner.market.history import load_candles, plan_history, quantile_table
from planner.market.importer import read_file, store_files
from planner.market.store import MarketStore
from planner.market.tails import EmpiricalTails
from planner.model import TAIL_TABLE_SIZE, SymbolFacts
from planner.parse import settings_edit
from tests.conftest import make_plan
from tests.engine_helpers import assert_same

NAN = math.nan
RNG = np.random.default_rng(7)
DOWN = tuple(np.sort(np.abs(RNG.standard_t(3, 400))).tolist())
UP = tuple(np.sort(np.abs(RNG.standard_t(4, 250))).tolist())
BTC = SymbolFacts("BTC", "BTCUSDT", 2.5, "BTCUSDT 1h 30d yang-zhang",
                  tail_source="BTCUSDT 1h, 80 windows of 24 h", tail_down=DOWN, tail_up=UP)


def plan(model="empirical", **settings):
    p = make_plan([
        {"symbol": "BTCUSDT", "side": "long", "entry_price": 60_000.0, "leverage": 8.0,
         "volatility_pct": NAN, "risk_pct": 1.0, "stop_pct": 3.0},
        {"symbol": "BTC-PERP", "side": "short", "entry_price": 60_000.0, "leverage": 10.0,
         "volatility_pct": 3.0, "risk_pct": 1.0},
        {"symbol": "ETHUSDT", "side": "short", "entry_price": 3_000.0, "leverage": 10.0,
         "volatility_pct": 4.0, "risk_pct": 1.0}], history=(BTC,))
    return p.with_changes(settings=p.settings.with_changes(tail_model=model, **settings))


def share_at_or_above(table, x):
    return sum(v >= x for v in table) / len(table)


@pytest.mark.parametrize("scenario", ["normal", "stressed", "tail"])
def test_a_coin_with_a_table_takes_the_share_of_windows_that_reached_the_barrier(scenario):
    p = plan()
    r = compute(p).rows
    vol_mult = p.scenario(scenario).vol_mult
    for row, table in ((0, DOWN), (1, UP)):                  # long: down; short: up
        e, lp = r["entry_price"].iat[row], r["liquidation_price"].iat[row]
        sigma = r["vol_used_pct"].iat[row] / 100 * vol_mult
        want = share_at_or_above(table, abs(math.log(lp / e)) / sigma)
        assert r[f"p_liq_{scenario}"].iat[row] == pytest.approx(want, abs=1e-12)
    stop = r["stop_price"].iat[0]
    sigma0 = r["vol_used_pct"].iat[0] / 100 * vol_mult
    assert r[f"p_stop_{scenario}"].iat[0] == pytest.approx(
        share_at_or_above(DOWN, abs(math.log(stop / 60_000.0)) / sigma0), abs=1e-12)
    assert r["tail_used"].iat[0] == "empirical: BTCUSDT 1h, 80 windows of 24 h"


def test_a_coin_without_a_table_falls_back_to_student_t_and_says_so():
    r = compute(plan()).rows
    t = compute(plan("student-t")).rows
    assert r["tail_used"].iat[2] == "student-t: too little history for ETH"
    for key in ("p_liq_tail", "p_stop_normal", "p_liq_normal"):
        assert r[key].iat[2] == t[key].iat[2]
    assert list(t["tail_used"]) == ["student-t"] * 3
    assert list(compute(plan("normal")).rows["tail_used"]) == ["normal"] * 3
    e, lp, sigma = 3_000.0, r["liquidation_price"].iat[2], 0.04
    assert r["p_liq_normal"].iat[2] == pytest.approx(
        touch_probability(e, lp, sigma, 1.0, tails="student-t", dof=3))


def test_the_empirical_law_really_differs_from_student_t():
    emp, t = compute(plan()).rows, compute(plan("student-t")).rows
    assert not np.allclose(emp["p_liq_tail"].iloc[:2], t["p_liq_tail"].iloc[:2])


def test_update_equals_compute_under_empirical():
    p = plan()
    before = compute(p)
    for key, value in (("symbol", "ETH"), ("volatility_pct", 5.0), ("symbol", "btc")):
        edited, _ = apply_edit(p, SetCells((2,), (key,), (value,)))
        assert_same(update(edited, before, [2]), compute(edited))


def test_settings_accept_empirical():
    p = plan("student-t")
    assert settings_edit(p, "tail_model", "Empirical").settings.tail_model == "empirical"
    with pytest.raises(PlanError, match="student-t, normal or empirical"):
        settings_edit(p, "tail_model", "cauchy")


# -- the snapshot from a market file ------------------------------------------------------------
def _market(tmp_path, hours):
    path = tmp_path / "market.sqlite3"
    with MarketStore(path) as s:
        store_files(s, [read_file(write_kline(tmp_path, candles(hours, seed=13, sigma=0.006,
                                                                price=60_000.0)))])
    return path


def test_the_snapshot_carries_the_table_for_the_plans_horizon(tmp_path):
    market = _market(tmp_path, 24 * 120)
    facts = plan_history(plan(), market)[0]
    c = load_candles(market, "BTC")
    assert c is not None
    down, up = EmpiricalTails(c).excursions(1.0)
    assert facts.tail_down == quantile_table(down) and facts.tail_up == quantile_table(up)
    assert len(facts.tail_down) == min(len(down), TAIL_TABLE_SIZE)
    assert facts.tail_source.startswith("BTCUSDT 1h, ") and facts.tail_source.endswith("of 24 h")
    longer = plan(horizon_hours=48.0)
    assert plan_history(longer, market)[0].tail_source.endswith("of 48 h")
    assert not plan_history(plan("student-t"), market)[0].has_tails   # only when asked for


def test_the_engine_matches_the_full_history_to_the_table_resolution(tmp_path):
    market = _market(tmp_path, 24 * 120)
    p = plan()
    p = p.with_changes(history=plan_history(p, market))
    r = compute(p).rows
    c = load_candles(market, "BTC")
    assert c is not None
    e, lp, sigma = 60_000.0, r["liquidation_price"].iat[0], r["vol_used_pct"].iat[0]
    full = EmpiricalTails(c).touch_probability(np.array([math.log(lp / e)]),
                                               np.array([sigma]), 1.0)[0]
    assert abs(r["p_liq_normal"].iat[0] - full) <= 1 / TAIL_TABLE_SIZE + 1e-12


def test_too_little_history_gives_no_table_and_the_row_falls_back(tmp_path):
    market = _market(tmp_path, 24 * 45)                          # 30-day trail + 15 windows
    p = plan()
    facts = plan_history(p.with_changes(history=()), market)[0]
    assert not facts.has_tails and facts.tail_source == ""
    r = compute(p.with_changes(history=(facts,))).rows
    assert r["tail_used"].iat[0] == "student-t: too little history for BTC"


def test_quantile_table_keeps_small_samples_and_thins_large_ones():
    assert quantile_table(np.array([0.5, 1.0, 2.0])) == (0.5, 1.0, 2.0)
    big = np.sort(RNG.random(10_000))
    t = quantile_table(big)
    assert len(t) == TAIL_TABLE_SIZE and list(t) == sorted(t)
    for x in (0.1, 0.5, 0.99):
        assert abs(share_at_or_above(t, x) - (big >= x).mean()) <= 1 / TAIL_TABLE_SIZE


# -- the Tails sheet -------------------------------------------------------------------------
def test_tables_survive_a_save_and_load_and_compute_the_same(tmp_path):
    path = tmp_path / "plan.xlsx"
    p = plan()
    save_plan(p, path)
    back = load_plan(path)
    assert back == p and back.history[0].tail_up == UP
    ws = load_workbook(path)["Tails"]
    assert [c.value for c in ws[1]] == ["BTC down", "BTC up"]
    assert_same(compute(back), compute(p))


def test_a_plan_without_tables_still_writes_an_empty_tails_sheet(tmp_path):
    path = tmp_path / "plan.xlsx"
    save_plan(plan("student-t").with_changes(history=()), path)
    assert "Tails" in load_workbook(path).sheetnames
    assert load_plan(path).history == ()


def _edited(tmp_path, change):
    path = tmp_path / "plan.xlsx"
    save_plan(plan(), path)
    wb = load_workbook(path)
    change(wb["Tails"])
    wb.save(path)
    return path


def _set(cell, value):
    def change(ws):
        ws[cell] = value
    return change


@pytest.mark.parametrize("change,row,column,words", [
    (_set("A1", "BTC sideways"), 1, "A", "must be a coin and a side"),
    (_set("C1", "SOL down"), 1, "C", "no row in the History sheet"),
    (_set("A5", 99.0), 6, "BTC down", "below the value above it"),
    (_set("A3", -1.0), 3, "BTC down", "from 0 to 1000"),
    (_set("A3", "lots"), 3, "BTC down", "from 0 to 1000"),
    (_set("A3", None), 4, "BTC down", "after the blank cell of row 3"),
    (_set("B1", "BTC down"), 1, "B", "listed twice"),
    (_set("D4", 1.0), 4, "D", "without a header"),
    (_set("A1002", 1e3), 1002, "BTC down", "after the blank cell of row 402"),
    (lambda ws: [ws.cell(r, 1, 1000.0) for r in range(402, 1003)], None, "BTC down",
     "at most 1,000"),
])
def test_a_bad_tails_sheet_is_refused_naming_the_place(tmp_path, change, row, column, words):
    path = _edited(tmp_path, change)
    before = path.read_bytes()
    with pytest.raises(PlanError) as err:
        load_plan(path)
    issue = err.value.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("Tails", row, column), str(err.value)
    assert words in issue.message
    assert path.read_bytes() == before


def test_a_table_with_one_side_only_is_refused(tmp_path):
    def drop_up(ws):
        for r in range(1, ws.max_row + 1):
            ws.cell(r, 2).value = None
    with pytest.raises(PlanError, match="no 'BTC up' column"):
        load_plan(_edited(tmp_path, drop_up))
