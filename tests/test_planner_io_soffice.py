"""Independent check: LibreOffice recalculates our exported workbooks to the engine's numbers.

Every workbook is exported, then converted by LibreOffice headless (one ``soffice`` call for all
files) with a private profile whose settings force recalculation of every formula on load; the
recalculated values are read back with openpyxl and every formula cell of the export is compared
with the engine (relative 1e-9; blanks must match). One workbook is written with deliberately
stale cached values (inputs edited after computing) so the check fails unless LibreOffice really
recalculated.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner import Plan, Scenario, Tier, VenueProfile, compute, load_plan, save_plan
from planner.io.journal import derived_values
from planner.journal.frame import parse_journal
from planner.model import DEFAULT_SCENARIOS, Instrument
from planner.schema import BY_KEY, HEADER_LOOKUP, normalise_header
from planner.tables import venue_rows
from tests.conftest import make_plan
from tests.test_planner_io_keep import hand_made

pytestmark = pytest.mark.soffice
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")
RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def custom_venues() -> dict[str, VenueProfile]:
    """Edited and invented profiles: bybit family with cum, the okx family, bounded tiers,
    wildcard names, instruments with their own tiers, ticks, lot steps and minimum orders."""
    btc = Instrument("BTC", (Tier(100_000.0, 100.0, 0.4, 0.0), Tier(float("inf"), 20.0, 2.0,
                                                                   1_600.0)),
                     tick_size=0.5, lot_step=0.001, min_notional_usd=100.0)
    sol = Instrument("SOL", (Tier(float("inf"), 20.0, 2.5, 0.0),), tick_size=0.01,
                     lot_step=0.1, min_notional_usd=5.0)
    return {
        "My*Venue?": VenueProfile("My*Venue?", "bybit", 0.06, 0.01, 4.0, (
            Tier(20_000.0, 50.0, 0.5, 0.0), Tier(200_000.0, 25.0, 1.0, 100.0),
            Tier(float("inf"), 10.0, 2.5, 3_100.0)), "2024-06-01", "edited by hand",
            instruments=(btc, sol)),
        "Tiny": VenueProfile("Tiny", "binance", 0.04, 0.02, 8.0, (
            Tier(1_000.0, 20.0, 1.0, 0.0), Tier(5_000.0, 10.0, 2.0, 10.0)), "", "",
            tick_size=0.0001, lot_step=1.0, min_notional_usd=20.0, instruments=(
                Instrument("ETH", (Tier(2_000.0, 25.0, 0.8, 0.0), Tier(9_000.0, 5.0, 4.0, 64.0)),
                           tick_size=0.01, lot_step=0.01, min_notional_usd=50.0),)),
        "OKX-like": VenueProfile("OKX-like", "okx", 0.05, 0.02, 8.0, (
            Tier(500_000.0, 100.0, 0.4, 0.0), Tier(float("inf"), 50.0, 1.0, 0.0)), "", "",
            instruments=(Instrument("DOGE", (Tier(float("inf"), 50.0, 1.0, 0.0),),
                                    tick_size=0.00001, lot_step=10.0),
                         replace(btc, lot_step=0.0001, tick_size=0.1))),
        "Typo": VenueProfile("Typo", "binance", 0.05, 0.02, 8.0, (
            Tier(float("inf"), 20.0, 25.0, 0.0),), "", "mmr typed as 25 instead of 0.25"),
    }


def generated_plan(seed: int, n: int = 40) -> Plan:
    """A plan exercising every branch: venues, sides, sizing, blanks, overflow, ruin, no LP."""
    rng = np.random.default_rng(seed)
    base = make_plan([{"symbol": "X", "entry_price": 1.0, "volatility_pct": 1.0}])
    venues = {**base.venues, **custom_venues()}
    names = np.array(["", *venues], dtype=object)

    def pick(options, size=n):
        return np.array(options, dtype=object)[rng.integers(0, len(options), size)]

    def maybe(values, p):
        return np.where(rng.random(n) < p, np.nan, values)

    entry = np.round(np.exp(rng.uniform(np.log(0.05), np.log(70_000), n)), 4)
    rows = pd.DataFrame({
        "symbol": pick(["BTCUSDT", "ETH", "=HYPERLINK(\"x\")", "@SUM(A1)", "sol-perp",
                        "DOGE-USDT-SWAP", "btc/usdc:usdc", "1000PEPEUSDT", "USDT",
                        "solfdusd"]),
        "bucket": pick(["directional", "hedging", "market-making", "Alpha", "alpha"]),
        "side": pick(["long", "short"]), "venue": names[rng.integers(0, len(names), n)],
        "entry_price": entry, "leverage": rng.integers(1, 60, n).astype(float),
        "volatility_pct": np.round(rng.uniform(0.5, 12, n), 3),
        "risk_pct": np.round(rng.uniform(0.05, 3, n), 3),
        "stop_pct": maybe(np.round(rng.uniform(0.5, 15, n), 2), 0.5),
        "target_pct": maybe(np.round(rng.uniform(1, 30, n), 2), 0.5),
        "funding_pct": np.round(rng.normal(0.01, 0.04, n), 4),
        "index_price": maybe(np.round(entry * rng.normal(1, 0.02, n), 4), 0.6),
        "slippage_bps": np.round(rng.uniform(0, 30, n), 1),
        "gas_usd": np.where(rng.random(n) < 0.7, 0.0, np.round(rng.uniform(0, 5, n), 2)),
        "extra_margin_usd": np.where(rng.random(n) < 0.7, 0.0, np.round(rng.uniform(0, 500, n))),
        "sizing": pick(["risk", "risk", "risk", "margin"]),
        "fee_mode": pick(["taker", "maker", ""]),
        "oracle_delay_s": np.where(rng.random(n) < 0.6, 0.0, np.round(rng.uniform(0, 8, n), 1)),
        "notes": pick(["", "+1", "-x", "plain note", "line\nbreak"]),
    }, index=range(2, n + 2))
    edge = {"leverage": 1.0, "side": "long", "extra_margin_usd": 2_000.0, "venue": "Generic"}
    rows.loc[2, list(edge)] = list(edge.values())          # long at 1x: no liquidation price
    rows.loc[3, ["gas_usd", "risk_pct", "sizing"]] = [10_000.0, 0.1, "risk"]  # notional 0
    rows.loc[4, ["volatility_pct", "stop_pct", "side"]] = [80.0, np.nan, "long"]  # stop < 0
    rows.loc[5, ["risk_pct", "sizing", "leverage"]] = [60.0, "margin", 20.0]  # ruin
    rows.loc[6, ["venue", "risk_pct", "sizing", "leverage"]] = ["Tiny", 5.0, "margin", 10.0]
    # a long at ~1x whose formula leaves a residue of ~5e-12 × entry: no liquidation price
    rows.loc[7, ["venue", "side", "leverage", "extra_margin_usd"]] = ["Generic", "long",
                                                                      1 + 5e-12, 0.0]
    # mmr 25 % at 5x (margin 20 % of N): liquidated at entry, long and short
    typo = ["venue", "side", "leverage", "sizing", "extra_margin_usd"]
    rows.loc[8, typo] = ["Typo", "long", 5.0, "risk", 0.0]
    rows.loc[9, typo] = ["Typo", "short", 5.0, "margin", 0.0]
    # instruments (SPEC §10): own tiers, tick, lot step and minimum order, by symbol
    market = ["venue", "symbol", "side", "fee_mode", "sizing"]
    rows.loc[10, market] = ["My*Venue?", "btc/usdc:usdc", "long", "maker", "risk"]
    rows.loc[11, market] = ["OKX-like", "BTC-USDT-SWAP", "short", "maker", "risk"]
    rows.loc[12, market] = ["Tiny", "ethusdt", "short", "taker", "margin"]
    rows.loc[13, market] = ["My*Venue?", "SOL", "short", "taker", "risk"]
    rows.loc[14, market] = ["Tiny", "DOGE", "long", "taker", "risk"]  # Tiny's default table
    from planner import type_trades

    trades = type_trades(rows, venues)
    extra = pd.DataFrame({"Desk": pick(["A", "B", None]), "Score": rng.integers(0, 9, n) * 1.0},
                         dtype=object)
    scenarios = tuple(s if s.name != "stressed" else Scenario("stressed", 2.0, 8.0, 1.5, 4.0, 2.0,
                                                              3.0, True)
                      for s in DEFAULT_SCENARIOS)
    settings = base.settings.with_changes(capital_usd=250_000.0, horizon_hours=36.0,
                                          stop_sigma=1.5, review_sigma=2.5, heat_cap_pct=3.0,
                                          funding_alert_pct=0.02, default_venue="Bybit")
    return Plan(trades=trades, settings=settings, scenarios=scenarios, venues=venues,
                extra=extra, journal=journal_rows())


def history_plan(seed: int) -> Plan:
    """A generated plan whose BTC, ETH and SOL rows leave σ blank for the History sheet, with
    funding percentiles in the stresses, empirical tail tables (BTC, SOL; ETH falls back to
    Student-t), a funding-only coin and a wildcard coin whose table must match nothing."""
    from planner.model import SymbolFacts, base_symbol

    plan = generated_plan(seed)
    rng = np.random.default_rng(seed)

    def table(n):
        # 12 significant digits, as snapshots keep (LibreOffice saves 15 of a double's 17)
        return tuple(float(f"{v:.12g}") for v in np.sort(np.abs(rng.standard_t(3, n))))

    facts = (SymbolFacts("BTC", "BTCUSDT", 2.75, "BTCUSDT 1h 30d yang-zhang", 0.03, 0.11, -0.02,
                         -0.07, "BTCUSDT 1h, 90 windows of 36 h", table(700), table(450)),
             SymbolFacts("ETH", "ETHUSDT", 3.4, "ETHUSDT 1m 7d parkinson", 0.5, 0.9, 0.001,
                         -0.4),
             SymbolFacts("SOL", "SOLUSDT", 5.125, "SOLUSDT 1h 30d ewma",
                         tail_source="SOLUSDT 1h, 40 windows of 36 h", tail_down=table(60),
                         tail_up=table(1000)),
             SymbolFacts("DOGE", "DOGEUSDT", math.nan, "", 0.02, 0.05, -0.01, -0.03),
             SymbolFacts("B*", "", 40.0, "a wildcard typed by hand",
                         tail_source="by hand", tail_down=(0.0, 0.0), tail_up=(0.0,)))
    trades = plan.trades.copy()
    coins = trades["symbol"].map(base_symbol)
    blank = coins.isin(["BTC", "ETH", "SOL"]).to_numpy() & (np.arange(len(trades)) % 3 != 0)
    trades.loc[blank, "volatility_pct"] = np.nan
    settings = plan.settings.with_changes(funding_from_history=True, vol_estimator="parkinson",
                                          tail_model="empirical")
    return plan.with_changes(trades=trades, history=facts, settings=settings)


def journal_rows() -> pd.DataFrame:
    raw = pd.DataFrame({
        "closed_at": ["2024-05-01T10:00:00Z", "2024-05-02T11:30:00.250Z", "2024-05-03T09:00Z"],
        "symbol": ["BTCUSDT", "ETHUSDT", "SOL"], "side": ["long", "short", "long"],
        "entry_price": [60_000, 3_000, None], "exit_price": [61_000, 3_100, None],
        "quantity": [0.1, 1.0, None], "fees_usd": [5, 2, 1], "planned_risk_usd": [200, 50, None],
        "reported_pnl_usd": [None, None, -12.5]}, index=[2, 3, 4])
    return parse_journal(raw, sheet="Journal", tz="UTC").frame.reset_index(drop=True)


def recalculate(files: list[Path], out: Path, profile: Path) -> dict[Path, Path]:
    """Convert ``files`` with LibreOffice (forced recalculation); source -> converted copy."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC, encoding="utf-8")
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(out), *map(str, files)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    converted = {f: out / f.name for f in files}
    missing = [str(f) for f, c in converted.items() if not c.exists()]
    assert not missing, f"soffice did not convert {missing}: {done.stdout} {done.stderr}"
    return converted


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed, so the independent recalculation "
                    "check cannot run; install it with scripts/install-system-deps.sh")
    from planner import sample_plan

    folder = tmp_path_factory.mktemp("soffice")
    empty = sample_plan()
    g1, g2 = generated_plan(1), generated_plan(2)
    plans = {"sample": sample_plan(),  # Student-t tails, ν = 3 (the default)
             "generated-1": g1.with_changes(settings=g1.settings.with_changes(tail_dof=5.0)),
             "generated-2": g2.with_changes(settings=g2.settings.with_changes(
                 tail_model="normal")),
             "empty": empty.with_changes(trades=empty.trades.iloc[:0])}
    stale = generated_plan(3)
    edited = stale.with_changes(settings=stale.settings.with_changes(capital_usd=90_000.0))
    trades = edited.trades.copy()
    trades.loc[0, "entry_price"] *= 1.1
    edited = edited.with_changes(trades=trades)
    plans["edited"] = edited
    plans["history"] = history_plan(4)
    exported = {}
    for name, plan in plans.items():
        path = folder / f"{name}.xlsx"
        save_plan(plan, path, compute(stale) if name == "edited" else None)
        exported[name] = path
    kept = hand_made(folder / "kept.xlsx")       # the user's own sheets beside the plan's
    save_plan(load_plan(kept), kept)
    plans["kept"], exported["kept"] = load_plan(kept), kept
    converted = recalculate(list(exported.values()), folder / "out", folder / "profile")
    return {name: (plans[name], exported[name], converted[exported[name]]) for name in plans}


def same(got, want) -> bool:
    """LibreOffice's value equals the engine's (relative 1e-9; blanks match blanks)."""
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got in (None, "")
    if isinstance(want, str):
        return (got or "") == want
    if isinstance(want, (bool, np.bool_)):
        return got is not None and bool(got) == bool(want) and not isinstance(got, str)
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return False
    return math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-12)


def expected_cells(plan: Plan, exported: Path) -> dict[tuple[str, str], object]:
    """The engine's value of every formula cell of the export, by (sheet, cell)."""
    res = compute(plan)
    wb = load_workbook(exported)
    out: dict[tuple[str, str], object] = {}
    ws = wb["Plan"]
    for cell in ws[1]:
        key = HEADER_LOOKUP.get(normalise_header(cell.value))
        if key and not BY_KEY[key].is_input:
            for i, v in enumerate(res.rows[key]):
                out[("Plan", f"{cell.column_letter}{i + 2}")] = v
    ws = wb["Buckets"]
    for cell in ws[1]:
        for i, v in enumerate(res.buckets[cell.value]):
            out[("Buckets", f"{cell.column_letter}{i + 2}")] = v
    for row in ws.iter_rows(min_row=len(res.buckets) + 4):
        if row[0].value in res.totals:
            out[("Buckets", f"B{row[0].row}")] = res.totals[row[0].value]
    ws = wb["Venues"]
    head = {c.value: c.column_letter for c in ws[1]}
    for i, row in enumerate(venue_rows(list(plan.venues.values()))):
        out[("Venues", f"{head['lookup key']}{i + 2}")] = f"{row[0]}|{row[1]}"
    if plan.journal is not None:
        pnl, r = derived_values(plan.journal)
        ws = wb["Journal"]
        head = {c.value: c.column_letter for c in ws[1]}
        for i in range(len(plan.journal)):
            out[("Journal", f"{head['realized_pnl_usd']}{i + 2}")] = pnl[i]
            out[("Journal", f"{head['r_multiple']}{i + 2}")] = r[i]
    return out


def formula_cells(path: Path) -> list[tuple[str, str]]:
    wb = load_workbook(path)
    return [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"]


@pytest.mark.parametrize("name", ["sample", "generated-1", "generated-2", "edited", "empty",
                                  "history"])
def test_libreoffice_recalculates_every_formula_cell_to_the_engines_value(workbooks, name):
    plan, exported, converted = workbooks[name]
    expected = expected_cells(plan, exported)
    cells = formula_cells(exported)
    assert len(cells) >= 50 * len(plan.trades) + 15
    assert set(cells) <= set(expected), set(cells) - set(expected)
    got = load_workbook(converted, data_only=True)
    wrong = [(s, c, got[s][c].value, expected[(s, c)]) for s, c in cells
             if not same(got[s][c].value, expected[(s, c)])]
    assert wrong == []


@pytest.mark.parametrize("name", ["sample", "generated-1", "generated-2", "edited", "empty",
                                  "kept", "history"])
def test_no_cell_holds_an_error_value_after_recalculation(workbooks, name):
    _, _, converted = workbooks[name]
    wb = load_workbook(converted, data_only=True)
    errors = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets
              for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and (c.value in ERRORS or c.value.startswith("Err:"))]
    assert errors == []


def test_the_stale_workbook_really_was_recalculated(workbooks):
    plan, exported, converted = workbooks["edited"]
    stale = load_workbook(exported, data_only=True)["Plan"]
    fresh = load_workbook(converted, data_only=True)["Plan"]
    col = {c.value: c.column for c in stale[1]}["Risk $"]
    assert stale.cell(2, col).value == pytest.approx(250_000 * plan.trades["risk_pct"].iat[0] / 100)
    assert fresh.cell(2, col).value == pytest.approx(90_000 * plan.trades["risk_pct"].iat[0] / 100)


@pytest.mark.parametrize("name", ["sample", "generated-1", "empty", "kept", "history"])
def test_a_workbook_saved_by_libreoffice_reads_back_to_the_same_plan(workbooks, name):
    plan, _, converted = workbooks[name]
    assert load_plan(converted) == plan


def test_libreoffice_opens_the_users_kept_sheets_and_recalculates_both(workbooks):
    plan, exported, converted = workbooks["kept"]
    got = load_workbook(converted, data_only=True)
    assert got.sheetnames[0] == "MyNotes" and "Checklist" in got.sheetnames
    assert got["MyNotes"]["C3"].value == pytest.approx(0.85)        # =B2*2, recalculated
    assert got["MyNotes"]["A4"].value == "the same text twice"
    expected = expected_cells(plan, exported)
    cells = [c for c in formula_cells(exported) if c[0] not in ("MyNotes", "Checklist")]
    assert len(cells) >= 50 * len(plan.trades)
    wrong = [(s, c, got[s][c].value, expected[(s, c)]) for s, c in cells
             if not same(got[s][c].value, expected[(s, c)])]
    assert wrong == []


def test_the_history_plan_really_leaves_sigma_blank_and_fills_it(workbooks):
    plan, _, converted = workbooks["history"]
    blank = plan.trades["volatility_pct"].isna()
    assert blank.sum() >= 5
    got = load_workbook(converted, data_only=True)["Plan"]
    col = {c.value: c.column for c in got[1]}
    sources = {got.cell(r + 2, col["Vol source"]).value for r in np.flatnonzero(blank)}
    assert sources <= {"BTCUSDT 1h 30d yang-zhang", "ETHUSDT 1m 7d parkinson",
                       "SOLUSDT 1h 30d ewma"} and len(sources) >= 2


def test_libreoffice_takes_the_empirical_odds_from_the_tails_sheet(workbooks):
    plan, _, converted = workbooks["history"]
    got = load_workbook(converted, data_only=True)["Plan"]
    col = {c.value: c.column for c in got[1]}
    laws = [got.cell(r + 2, col["Tail law"]).value for r in range(len(plan.trades))]
    assert any(str(v).startswith("empirical: BTCUSDT") for v in laws)
    assert any(str(v).startswith("empirical: SOLUSDT") for v in laws)
    assert "student-t: too little history for ETH" in laws
