"""``journal import FILE`` on exchange exports (no --map), ``journal formats``, ``--plan``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import run
from planner.io import save_plan
from planner.sample import sample_plan
from tests.formats_helpers import csv_text
from tests.test_planner_journal_formats import BINANCE, _binance_rows, _hyperliquid, _ledger


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "journal.sqlite3"
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(path))
    return path


def _binance(tmp_path: Path) -> Path:
    path = tmp_path / "Export Trade History(UTC+8).csv"
    path.write_text(csv_text(BINANCE, _binance_rows(600)), encoding="utf-8")
    return path


def test_formats_lists_every_preset_by_the_venue_export_name(capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    assert run(["journal", "formats"]) == 0
    out = capsys.readouterr().out
    for words in ("binance-trades", "Trade History", "Position history", "Closed P&L",
                  "Derivatives trade history", "Funding history", "fills (indexer CSV)"):
        assert words in out


def test_import_export_without_map_then_stats_count_liquidations(
        tmp_path: Path, journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["journal", "import", str(_binance(tmp_path)), str(_ledger(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "(binance-trades)" in out and "3 added" in out and "COMMISSION 1" in out
    assert "transactions.csv: 2 funding payment(s) or liquidation mark(s) attached" in out
    assert run(["journal", "import", str(_binance(tmp_path))]) == 0
    assert "0 added, 3 already" in capsys.readouterr().out
    assert run(["journal", "stats", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["count"] == 3 and doc["liquidations"] == 1


def test_ambiguous_dates_exit_2_naming_dayfirst_and_store_nothing(
        tmp_path: Path, journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _hyperliquid(tmp_path, "%d/%m/%Y - %H:%M:%S")
    text = paths[0].read_text().replace("17/03/2026", "01/03/2026")
    paths[0].write_text(text)
    assert run(["journal", "import", str(paths[0])]) == 2
    assert "--dayfirst" in capsys.readouterr().err
    assert run(["journal", "import", "--dayfirst", *map(str, paths)]) == 0
    assert "added" in capsys.readouterr().out


def test_plan_link_takes_the_one_matching_row_and_lists_the_ambiguous(
        tmp_path: Path, journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.xlsx"
    save_plan(sample_plan(), plan)
    assert run(["journal", "import", "--plan", str(plan), str(_binance(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "matches plan rows 2, 7: not linked" in out        # two BTCUSDT long rows
    assert run(["journal", "stats", "--json", "--trades"]) == 0
    trades = json.loads(capsys.readouterr().out)["trades"]
    short = next(t for t in trades if t["side"] == "short")
    assert short["bucket"] == "hedging" and short["r_multiple"] is not None   # BTC-USD short
    assert all(t["r_multiple"] is None for t in trades if t["side"] == "long")


def test_bad_face_value_and_unknown_format_exit_2(tmp_path: Path, journal: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = str(_binance(tmp_path))
    assert run(["journal", "import", "--face-value", "X=-1", path]) == 2
    assert "--face-value" in capsys.readouterr().err
    assert run(["journal", "import", "--format", "nope", path]) == 2
    assert "unknown format 'nope'" in capsys.readouterr().err
