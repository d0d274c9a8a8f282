"""``python main.py compute`` on the sample plan and on broken workbooks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner import save_plan
from planner.schema import OUTPUT_KEYS
from tests.conftest import ROOT

SAMPLE = ROOT / "resources" / "sample_plan.xlsx"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_compute_json_on_the_sample_plan():
    out = run("compute", str(SAMPLE), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) == {"settings", "scenarios", "trades", "buckets", "totals", "cross"}
    assert len(doc["trades"]) == 12
    assert set(OUTPUT_KEYS) <= set(doc["trades"][0])
    btc = doc["trades"][0]
    assert btc["symbol"] == "BTCUSDT" and btc["leverage"] == 5 and btc["risk_pct"] == 2
    assert btc["risk_usd"] == 2000
    assert any(t["stop_beyond_liq"] for t in doc["trades"])
    assert {b["bucket"] for b in doc["buckets"]} == {"market-making", "directional", "hedging"}
    assert len(doc["cross"]) == 6 and all(c["verdict"] for c in doc["cross"])


def test_compute_csv_writes_the_row_table(tmp_path):
    out_csv = tmp_path / "rows.csv"
    res = run("compute", str(SAMPLE), "--csv", str(out_csv))
    assert res.returncode == 0, res.stderr
    import pandas as pd

    frame = pd.read_csv(out_csv)
    assert len(frame) == 12 and "liquidation_price" in frame.columns


def test_help_lists_every_command():
    out = run("--help")
    assert out.returncode == 0
    from planner.cli import COMMANDS

    for name in COMMANDS:
        assert name in out.stdout


def _workbook(path: Path, header: list, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


HEADER = ["Symbol", "Side", "Venue", "Entry", "Leverage", "Vol % (daily)", "Risk %"]
GOOD = ["BTCUSDT", "long", "Binance", 60000, 5, 3, 1]


@pytest.mark.parametrize(("cells", "where", "what"), [
    ({3: "sixty"}, 'row 3, column "Entry"', "expected a number"),
    ({3: -5}, 'row 3, column "Entry"', "must be ≥ 1e-12"),
    ({4: 200}, 'row 3, column "Leverage"', "above the 150x maximum"),
    ({2: "Kraken"}, 'row 3, column "Venue"', "unknown venue profile 'Kraken'"),
    ({1: "sideways"}, 'row 3, column "Side"', "unknown side 'sideways'"),
])
def test_bad_cell_names_sheet_row_and_column_and_writes_nothing(tmp_path, cells, where, what):
    bad = list(GOOD)
    for j, v in cells.items():
        bad[j] = v
    path = _workbook(tmp_path / "bad.xlsx", HEADER, [GOOD, bad])
    out_csv = tmp_path / "out.csv"
    res = run("compute", str(path), "--csv", str(out_csv))
    assert res.returncode != 0
    assert f"Plan, {where}" in res.stderr and what in res.stderr
    assert not out_csv.exists()
    assert "Traceback" not in res.stderr


def test_missing_required_column(tmp_path):
    path = _workbook(tmp_path / "bad.xlsx", HEADER[:3] + HEADER[4:], [GOOD[:3] + GOOD[4:]])
    res = run("compute", str(path))
    assert res.returncode != 0
    assert 'column "Entry": required column is missing' in res.stderr


def test_not_a_workbook(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("symbol,entry\nBTC,1\n")
    res = run("compute", str(path))
    assert res.returncode != 0 and "not a readable .xlsx workbook" in res.stderr


def test_plan_sheet_only_uses_defaults(tmp_path):
    path = _workbook(tmp_path / "p.xlsx", HEADER, [GOOD])
    res = run("compute", str(path), "--json")
    doc = json.loads(res.stdout)
    assert doc["settings"]["capital_usd"] == 100_000
    assert [s["name"] for s in doc["scenarios"]] == ["normal", "stressed", "tail"]


def test_saved_sample_matches_the_code_sample(sample, tmp_path):
    from planner import load_plan

    assert load_plan(SAMPLE) == sample
    save_plan(sample, tmp_path / "again.xlsx")
    assert load_plan(tmp_path / "again.xlsx") == sample


def test_sample_json_orders_are_whole_lots_within_the_budget_with_their_instrument():
    import math

    from planner import load_plan

    data = json.loads(run("compute", str(SAMPLE), "--json").stdout)
    venues = load_plan(SAMPLE).venues
    rounded = 0
    for r in data["trades"]:
        venue = venues[r["venue"]]
        inst = venue.instrument(r["symbol"])
        assert r["instrument"] == (inst.symbol if inst else "")
        step = inst.lot_step if inst else venue.lot_step
        if step:
            lots = r["quantity"] / step
            assert abs(lots - round(lots)) < 1e-6, (r["symbol"], r["quantity"], step)
            rounded += 1
        assert r["risk_used_usd"] <= r["risk_usd"] * (1 + 1e-12), r["symbol"]
        assert math.isclose(r["notional_usd"], r["quantity"] * r["entry_price"], rel_tol=1e-12)
    assert rounded >= 8       # BTC, ETH, SOL and DOGE rows on the shipped venues
