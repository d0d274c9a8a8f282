"""``python main.py journal …``: import, stats --json, export, mappings, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from planner.cli import run
from tests.conftest import ROOT

HEADER = ("opened_at,closed_at,symbol,bucket,side,venue,entry_price,exit_price,quantity,leverage,"
          "fees_usd,funding_usd,planned_risk_usd,planned_stop_price,planned_vol_pct,notes")
ROWS = [
    ",2024-01-02T00:00:00Z,BTCUSDT,directional,long,Binance,100,110,1,5,0,0,5,95,3,",
    ",2024-01-03T00:00:00Z,BTCUSDT,directional,long,Binance,100,95,1,5,0,0,5,95,3,",
    ",2024-01-04T00:00:00Z,ETHUSDT,hedging,short,Bybit,100,70,1,3,0,0,10,104,2,crash",
]


@pytest.fixture
def journal(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(path))
    return path


def _csv(tmp_path, rows, name="j.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def _stats(capsys, *args):
    capsys.readouterr()
    assert run(["journal", "stats", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_then_stats_json_with_the_contract_keys(tmp_path, journal, capsys):
    assert run(["journal", "import", _csv(tmp_path, ROWS)]) == 0
    assert "3 added" in capsys.readouterr().out
    doc = _stats(capsys, "--capital", "1000")
    for key in ("count", "wins", "losses", "win_rate", "avg_win_usd", "avg_loss_usd", "payoff",
                "expectancy_usd", "expectancy_r", "profit_factor", "max_drawdown_usd",
                "max_drawdown_pct", "buckets"):
        assert key in doc
    assert (doc["count"], doc["wins"], doc["losses"]) == (3, 2, 1)
    assert doc["expectancy_usd"] == pytest.approx((10 - 5 + 30) / 3)
    assert doc["expectancy_r"] == pytest.approx((2 - 1 + 3) / 3)
    assert doc["max_drawdown_usd"] == pytest.approx(5)
    assert doc["max_drawdown_pct"] == pytest.approx(5 / 1010 * 100)
    hedging = next(b for b in doc["buckets"] if b["bucket"] == "hedging")
    assert hedging["pnl_usd"] == 30 and hedging["verdict"] == "too few trades"
    # the short fell 30 % with σ = 2 %: beyond the tail scenario (max(5σ, 20 %))
    assert [t["symbol"] for t in doc["tail_events"]] == ["ETHUSDT"]
    assert doc["tail_events"][0]["band"] == "beyond tail"


def test_stats_filters_and_an_empty_filter(tmp_path, journal, capsys):
    run(["journal", "import", _csv(tmp_path, ROWS)])
    assert _stats(capsys, "--bucket", "directional", "--to", "2024-01-02")["count"] == 1
    empty = _stats(capsys, "--symbol", "DOGE")
    assert empty["count"] == 0 and empty["buckets"] == [] and empty["win_rate"] is None


def test_bad_rows_stop_the_import_until_accepted(tmp_path, journal, capsys):
    bad = ROWS + [",2024-01-05T00:00:00Z,,directional,long,,100,90,1,5,0,0,5,,3,"]
    path = _csv(tmp_path, bad)
    assert run(["journal", "import", path]) == 2
    err = capsys.readouterr().err
    assert 'row 5, column "symbol": symbol is required' in err and "nothing was imported" in err
    assert _stats(capsys)["count"] == 0
    assert run(["journal", "import", path, "--accept-good"]) == 0
    assert _stats(capsys)["count"] == 3


def test_export_csv_and_reimport_adds_nothing(tmp_path, journal, capsys):
    run(["journal", "import", _csv(tmp_path, ROWS)])
    out = tmp_path / "out.csv"
    assert run(["journal", "export", str(out), "--bucket", "directional"]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 3 and lines[0].endswith("realized_pnl_usd,r_multiple")
    capsys.readouterr()
    assert run(["journal", "import", str(out)]) == 0
    assert "0 added, 2 already in the journal" in capsys.readouterr().out


def test_a_mapping_is_given_saved_and_reused(tmp_path, journal, capsys):
    export = tmp_path / "fills.csv"
    export.write_text("Time,Pair,Side,PnL\n2024-02-01 10:00,BTCUSDT,SELL,12.5\n")
    args = ["journal", "import", str(export), "--map", "time=Time", "--map", "symbol=Pair",
            "--map", "side=Side", "--map", "pnl=PnL", "--closing-side", "--timezone",
            "Asia/Singapore", "--save-mapping", "fills"]
    assert run(args) == 0
    assert run(["journal", "mappings"]) == 0
    assert "fills:" in capsys.readouterr().out
    assert run(["journal", "import", str(export), "--mapping", "fills"]) == 0
    assert "0 added, 1 already" in capsys.readouterr().out
    doc = _stats(capsys, "--trades")
    assert doc["trades"][0]["side"] == "long"
    assert doc["trades"][0]["closed_at"] == "2024-02-01T02:00:00+00:00"


def test_journal_option_beats_the_environment(tmp_path, journal, capsys):
    other = tmp_path / "other.sqlite3"
    assert run(["journal", "--journal", str(other), "import", _csv(tmp_path, ROWS[:1])]) == 0
    assert run(["journal", "import", "--journal", str(other), _csv(tmp_path, ROWS[1:2])]) == 0
    assert other.exists() and not journal.exists()
    assert _stats(capsys, "--journal", str(other))["count"] == 2


def test_a_damaged_journal_is_reported_and_kept(tmp_path, journal, capsys):
    journal.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 1000)
    before = journal.read_bytes()
    assert run(["journal", "import", _csv(tmp_path, ROWS)]) == 2
    err = capsys.readouterr().err
    assert str(journal) in err and "left untouched" in err and "Traceback" not in err
    assert journal.read_bytes() == before


def test_remove_batch_undoes_an_import(tmp_path, journal, capsys):
    run(["journal", "import", _csv(tmp_path, ROWS)])
    assert run(["journal", "batches"]) == 0
    assert "csv" in capsys.readouterr().out
    assert run(["journal", "remove-batch", "1"]) == 0
    assert _stats(capsys)["count"] == 0


def test_main_py_uses_the_data_folder_by_default(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d")}
    out = subprocess.run([sys.executable, "main.py", "journal", "stats", "--json"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["count"] == 0
    assert (tmp_path / "d" / "trade-planner" / "journal.sqlite3").exists()


def test_export_to_a_workbook_journal_sheet_with_live_formulas_and_back(tmp_path, journal,
                                                                         capsys):
    from openpyxl import load_workbook

    run(["journal", "import", _csv(tmp_path, ROWS)])
    out = tmp_path / "journal.xlsx"
    assert run(["journal", "export", str(out)]) == 0
    ws = load_workbook(out)["Journal"]
    header = [c.value for c in ws[1]]
    pnl = ws.cell(2, header.index("realized_pnl_usd") + 1).value
    r = ws.cell(2, header.index("r_multiple") + 1).value
    assert str(pnl).startswith("=") and str(r).startswith("=")
    values = load_workbook(out, data_only=True)["Journal"]
    assert values.cell(2, header.index("realized_pnl_usd") + 1).value == 10
    capsys.readouterr()
    assert run(["journal", "import", str(out)]) == 0
    assert "0 added, 3 already in the journal" in capsys.readouterr().out


def test_export_into_a_copy_of_a_plan(tmp_path, journal):
    from planner import load_plan

    run(["journal", "import", _csv(tmp_path, ROWS)])
    out = tmp_path / "plan_with_journal.xlsx"
    sample = ROOT / "resources" / "sample_plan.xlsx"
    assert run(["journal", "export", str(out), "--plan", str(sample), "--bucket",
                "hedging"]) == 0
    plan = load_plan(out)
    assert len(plan.trades) == len(load_plan(sample).trades)
    assert plan.journal is not None and plan.journal["symbol"].tolist() == ["ETHUSDT"]


def test_several_files_import_in_one_transaction(tmp_path, journal, capsys):
    a, b = _csv(tmp_path, ROWS[:2], "a.csv"), _csv(tmp_path, ROWS[2:], "b.csv")
    assert run(["journal", "import", a, b]) == 0
    out = capsys.readouterr().out
    assert "a.csv: 2 row(s) read, 2 added" in out and "b.csv: 1 row(s) read, 1 added" in out
    assert _stats(capsys)["count"] == 3


def test_stats_can_take_capital_and_bands_from_a_plan(tmp_path, journal, capsys):
    from planner import load_plan, save_plan

    run(["journal", "import", _csv(tmp_path, ROWS)])
    plan = load_plan(ROOT / "resources" / "sample_plan.xlsx")
    wide = tuple(s.__class__(**{**s.to_dict(), "sigma_move": s.sigma_move * 10,
                                "min_move_pct": 50.0}) for s in plan.scenarios)
    path = tmp_path / "plan.xlsx"
    save_plan(plan.with_changes(scenarios=wide,
                                settings=plan.settings.with_changes(capital_usd=1234.0)), path)
    doc = _stats(capsys, "--plan", str(path))
    assert doc["capital_usd"] == 1234 and doc["tail_events"] == []   # 30 % is normal there
    assert doc["bands"]["normal"] == 3
