"""Price and funding history in the plan (SPEC §11): blank σ from history, vol_source, the
History sheet, funding_from_history, and the market file on the headless path."""

from __future__ import annotations

import math

import numpy as np
import pytest
from market_helpers import candles, write_funding, write_kline
from openpyxl import load_workbook

from planner import PlanError, compute, load_plan, save_plan
from planner.cli import run
from planner.edits import SetCells
from planner.edits import apply as apply_edit
from planner.engine import update
from planner.market.estimators import all_estimates
from planner.market.history import load_candles, plan_history, with_history
from planner.market.importer import read_file, store_files
from planner.market.store import MarketStore
from planner.model import SymbolFacts
from planner.parse import settings_edit
from planner.tables import HISTORY_HEADER
from tests.conftest import make_plan
from tests.engine_helpers import assert_same

NAN = math.nan
BTC = SymbolFacts("BTC", "BTCUSDT", 2.5, "BTCUSDT 1h 30d yang-zhang", 0.05, 0.12, -0.03, -0.08)
ETH_FUNDING_ONLY = SymbolFacts("ETH", "ETHUSDT", NAN, "", 0.02, 0.04, -0.01, -0.02)


def rows(**over):
    """Three trades: BTC with σ blank, ETH typed, SOL blank (no history for SOL)."""
    base = [{"symbol": "BTCUSDT", "side": "long", "entry_price": 60_000.0, "leverage": 5.0,
             "volatility_pct": NAN, "risk_pct": 1.0, "funding_pct": 0.01},
            {"symbol": "ETH-PERP", "side": "short", "entry_price": 3_000.0, "leverage": 5.0,
             "volatility_pct": 3.0, "risk_pct": 1.0, "funding_pct": 0.01},
            {"symbol": "sol", "side": "short", "entry_price": 150.0, "leverage": 5.0,
             "volatility_pct": NAN, "risk_pct": 1.0, "funding_pct": 0.01}]
    for i, changes in over.items():
        base[int(i[1:])].update(changes)
    return base


def test_blank_sigma_takes_the_history_sigma_and_says_where_it_came_from():
    plan = make_plan(rows(), history=(BTC,))
    r = compute(plan).rows
    assert list(r["coin"]) == ["BTC", "ETH", "SOL"]
    assert r["vol_used_pct"].iat[0] == 2.5 and r["vol_source"].iat[0] == BTC.source
    assert r["vol_used_pct"].iat[1] == 3.0 and r["vol_source"].iat[1] == "typed"
    assert math.isnan(plan.trades["volatility_pct"].iat[0])        # the cell stays blank
    typed = compute(make_plan(rows(r0={"volatility_pct": 2.5}))).rows
    for key in ("notional_usd", "liquidation_price", "stop_price", "pnl_tail_usd", "p_liq_tail"):
        assert r[key].iat[0] == pytest.approx(typed[key].iat[0], rel=1e-12), key


def test_a_typed_sigma_wins_and_a_blank_without_history_stays_a_draft():
    plan = make_plan(rows(r0={"volatility_pct": 4.0}), history=(BTC,))
    res = compute(plan)
    assert res.rows["vol_used_pct"].iat[0] == 4.0 and res.rows["vol_source"].iat[0] == "typed"
    sol = res.rows.iloc[2]
    assert math.isnan(sol["vol_used_pct"]) and sol["vol_source"] == ""
    assert math.isnan(sol["notional_usd"]) and math.isnan(sol["pnl_tail_usd"])
    assert res.totals["count"] == 2                                # the draft is out of totals
    assert res.totals["notional_usd"] == pytest.approx(res.rows["notional_usd"].iloc[:2].sum())


def test_a_funding_only_coin_leaves_its_blank_sigma_a_draft():
    plan = make_plan(rows(r1={"volatility_pct": NAN}), history=(ETH_FUNDING_ONLY,))
    r = compute(plan).rows
    assert math.isnan(r["vol_used_pct"].iat[1]) and r["vol_source"].iat[1] == ""


def test_update_after_an_edit_equals_a_full_compute_with_history():
    plan = make_plan(rows(r1={"volatility_pct": NAN}),
                     history=(BTC, SymbolFacts("ETH", "ETHUSDT", 3.3, "ETHUSDT 1h 30d parkinson")))
    before = compute(plan)
    for key, value in (("volatility_pct", NAN), ("volatility_pct", 1.7), ("symbol", "BTC"),
                       ("symbol", "DOGE")):
        edited, _ = apply_edit(plan, SetCells((1,), (key,), (value,)))
        assert_same(update(edited, before, [1]), compute(edited))


def _funding_delta(plan, row, scenario):
    """P&L with funding_from_history minus without, for one row and scenario."""
    on = plan.with_changes(settings=plan.settings.with_changes(funding_from_history=True))
    return (compute(on).rows[f"pnl_{scenario}_usd"].iat[row]
            - compute(plan).rows[f"pnl_{scenario}_usd"].iat[row])


@pytest.mark.parametrize("scenario,long_q,short_q", [("stressed", 0.05, -0.03),
                                                     ("tail", 0.12, -0.08)])
def test_funding_from_history_pays_the_percentile_a_long_or_short_pays(scenario, long_q,
                                                                         short_q):
    calm = {"volatility_pct": 1.0, "leverage": 2.0}                # no liquidation in the tail
    plan = make_plan(rows(r0=calm, r1={"symbol": "BTC-PERP", **calm}, r2=calm), history=(BTC,))
    assert not compute(plan).rows[f"liquidated_{scenario}"].any()
    res = compute(plan).rows
    sc = {s.name: s for s in plan.scenarios}[scenario]
    periods = plan.settings.horizon_hours / 8
    for row, q in ((0, long_q), (1, short_q)):
        n, f, s = res["notional_usd"].iat[row], 0.0001, 1.0 if row == 0 else -1.0
        default = n * periods * (s * f + (sc.funding_mult - 1) * abs(f))
        paid = n * periods * max(s * f, s * q / 100)
        assert _funding_delta(plan, row, scenario) == pytest.approx(default - paid, rel=1e-9)
    assert _funding_delta(plan, 2, scenario) == 0.0               # SOL: no funding history
    assert _funding_delta(plan, 0, "normal") == 0.0                # normal keeps today's rate


def test_funding_from_history_never_pays_less_than_the_planned_rate():
    plan = make_plan(rows(r0={"funding_pct": 0.5}), history=(BTC,))   # 0.5 % > p95 0.05 %
    res = compute(plan).rows
    n, periods = res["notional_usd"].iat[0], plan.settings.horizon_hours / 8
    sc = {s.name: s for s in plan.scenarios}["stressed"]
    default = n * periods * 0.005 * sc.funding_mult
    assert _funding_delta(plan, 0, "stressed") == pytest.approx(default - n * periods * 0.005)


def test_settings_read_estimator_aliases_and_refuse_unknown_ones():
    plan = make_plan(rows())
    assert settings_edit(plan, "vol_estimator", "Garman_Klass").settings.vol_estimator \
        == "garman-klass"
    assert settings_edit(plan, "funding_from_history", "yes").settings.funding_from_history
    with pytest.raises(PlanError, match="vol_estimator must be one of"):
        settings_edit(plan, "vol_estimator", "gut feeling")
    with pytest.raises(PlanError, match="expected yes or no"):
        settings_edit(plan, "funding_from_history", "maybe")
    with pytest.raises(PlanError):
        settings_edit(plan, "vol_window_days", "0")


# -- the History sheet ----------------------------------------------------------------------
def test_the_history_snapshot_survives_a_save_and_load(tmp_path):
    plan = make_plan(rows(), history=(BTC, ETH_FUNDING_ONLY)).with_changes(
        settings=make_plan(rows()).settings.with_changes(
            vol_estimator="parkinson", vol_window_days=14.0, funding_from_history=True))
    path = tmp_path / "plan.xlsx"
    save_plan(plan, path)
    back = load_plan(path)
    assert back.history == plan.history and back.settings == plan.settings
    head = [c.value for c in load_workbook(path)["History"][1]]
    assert tuple(head[:len(HISTORY_HEADER)]) == HISTORY_HEADER
    assert_same(compute(back), compute(plan))          # same numbers without the market file


def _with_history_rows(tmp_path, *extra):
    path = tmp_path / "plan.xlsx"
    save_plan(make_plan(rows(), history=(BTC,)), path)
    wb = load_workbook(path)
    ws = wb["History"]
    for values in extra:
        ws.append(list(values))
    wb.save(path)
    return path


@pytest.mark.parametrize("bad,column,words", [
    (("BTCUSDT", "BTCUSDT", 3.0), "symbol", "listed twice"),
    (("SOL", "SOLUSDT", 0.0), "sigma_pct", ""),
    (("SOL", "SOLUSDT", -2.0), "sigma_pct", ""),
    (("SOL", "SOLUSDT", 2.0, "x", 500.0), "funding_p95_pct", ""),
    (("SOL", "SOLUSDT", 2.0, "x" * 201), "source", "at most 200"),
    (("SOL", "SOLUSDT", "two"), "sigma_pct", ""),
    (("", "SOLUSDT", 2.0), "symbol", "needs a symbol"),
])
def test_a_bad_history_row_is_refused_naming_sheet_row_and_column(tmp_path, bad, column, words):
    path = _with_history_rows(tmp_path, bad)
    before = path.read_bytes()
    with pytest.raises(PlanError) as err:
        load_plan(path)
    issue = err.value.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("History", 3, column)
    assert words in issue.message
    assert path.read_bytes() == before


def test_a_wildcard_coin_in_history_matches_only_itself(tmp_path):
    path = _with_history_rows(tmp_path, ("B*", "", 40.0))
    plan = load_plan(path)
    assert [f.symbol for f in plan.history] == ["B*", "BTC"]
    assert compute(plan).rows["vol_used_pct"].iat[0] == 2.5


# -- the market file --------------------------------------------------------------------------
@pytest.fixture
def market(tmp_path):
    path = tmp_path / "market.sqlite3"
    t = [1_704_067_200_000 + i * 28_800_000 for i in range(90)]
    with MarketStore(path) as s:
        store_files(s, [read_file(write_kline(tmp_path, candles(24 * 60, seed=5, price=60_000.0))),
                        read_file(write_funding(tmp_path, t, [0.0001] * 85 + [0.002] * 5))])
    return path


def test_the_market_file_refreshes_its_coins_and_keeps_the_workbooks_others(market):
    sol = SymbolFacts("SOL", "SOLUSDT", 5.5, "SOLUSDT 1h 30d yang-zhang")
    stale = SymbolFacts("BTC", "BTCUSDT", 9.9, "old machine")
    plan = make_plan(rows(), history=(stale, sol))
    facts = {f.symbol: f for f in plan_history(plan, market)}
    c = load_candles(market, "BTC")
    assert c is not None
    assert facts["BTC"].sigma_pct == pytest.approx(all_estimates(c, 30)["yang-zhang"])
    assert facts["BTC"].source == "BTCUSDT 1h 30d yang-zhang"
    assert facts["BTC"].funding_p99_pct == pytest.approx(0.2)
    assert facts["SOL"] == sol                                    # the file has no SOL
    other = plan.with_changes(settings=plan.settings.with_changes(vol_estimator="parkinson",
                                                                  vol_window_days=7.0))
    assert with_history(other, market).history[0].source == "BTCUSDT 1h 7d parkinson"


def test_no_market_file_leaves_the_plan_as_it_is(tmp_path):
    plan = make_plan(rows(), history=(BTC,))
    assert with_history(plan, tmp_path / "none.sqlite3") is plan


def _compute_json(capsys, *argv):
    import json

    capsys.readouterr()
    code = run(["compute", *argv, "--json"])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else out.err)


def test_compute_takes_blank_sigma_from_the_market_file(tmp_path, market, capsys):
    path = tmp_path / "plan.xlsx"
    save_plan(make_plan(rows()), path)
    code, doc = _compute_json(capsys, str(path), "--market", str(market))
    assert code == 0
    trades = doc["trades"]
    assert trades[0]["vol_source"] == "BTCUSDT 1h 30d yang-zhang"
    assert trades[0]["vol_used_pct"] > 0 and trades[0]["notional_usd"] > 0
    assert trades[2]["vol_source"] == "" and doc["totals"]["count"] == 2
    code, doc = _compute_json(capsys, str(path))                   # no file: a draft
    assert code == 0 and doc["totals"]["count"] == 1
    code, err = _compute_json(capsys, str(path), "--market", str(tmp_path / "none.sqlite3"))
    assert code == 2 and "no market file" in err


def test_export_writes_the_snapshot_so_the_workbook_computes_without_the_file(tmp_path, market,
                                                                            capsys):
    src, out = tmp_path / "plan.xlsx", tmp_path / "out.xlsx"
    save_plan(make_plan(rows(r2={"volatility_pct": 4.0})), src)
    assert run(["export", str(src), "-o", str(out), "--market", str(market)]) == 0
    back = load_plan(out)
    assert [f.symbol for f in back.history] == ["BTC"]
    assert np.isfinite(compute(back).rows["notional_usd"].iat[0])


def test_a_blank_sigma_without_history_is_named_before_a_save_or_export(tmp_path, capsys):
    from planner.parse import missing_cells

    plan = make_plan(rows(), history=(BTC,))
    issues = missing_cells(plan)
    assert [(i.row, i.column) for i in issues] == [(3, "Vol % (daily)")]      # SOL, not BTC
    assert "no price history for SOL" in issues[0].message
    src, out = tmp_path / "plan.xlsx", tmp_path / "out.xlsx"
    save_plan(plan, src)
    capsys.readouterr()
    assert run(["export", str(src), "-o", str(out)]) == 2
    assert "no price history for SOL" in capsys.readouterr().err and not out.exists()
