"""The Journal sheet helpers the journal store uses: write, read back, hand-made sheets."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from planner.errors import FileRefused
from planner.io import load_journal, save_journal
from planner.journal.frame import parse_journal


def typed(rows: list[dict]) -> pd.DataFrame:
    raw = pd.DataFrame(rows, index=range(2, len(rows) + 2), dtype=object)
    return parse_journal(raw, sheet="Journal", tz="UTC").frame.reset_index(drop=True)


TRADES = [
    {"opened_at": "2024-04-30T08:00:00Z", "closed_at": "2024-05-01T10:00:00.125Z",
     "symbol": "BTCUSDT", "side": "long", "entry_price": 60_000, "exit_price": 61_000,
     "quantity": 0.1, "fees_usd": 5, "funding_usd": -1.5, "planned_risk_usd": 200,
     "execution_id": "fill-1", "notes": "=1+1"},
    {"closed_at": "2024-05-03T09:00:00+02:00", "symbol": "SOL", "side": "short",
     "reported_pnl_usd": -12.5, "planned_risk_usd": 25},
]


def test_a_journal_workbook_round_trips_with_live_pnl(tmp_path):
    frame = typed(TRADES)
    path = tmp_path / "journal.xlsx"
    save_journal(frame, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Journal"]
    ws = wb["Journal"]
    head = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, head["realized_pnl_usd"]).value.startswith("=IF(")
    assert ws.cell(2, head["closed_at"]).is_date
    values = load_workbook(path, data_only=True)["Journal"]
    assert values.cell(2, head["realized_pnl_usd"]).value == pytest.approx(100 - 5 - 1.5)
    assert values.cell(3, head["realized_pnl_usd"]).value == -12.5
    assert values.cell(3, head["r_multiple"]).value == pytest.approx(-0.5)
    parsed = load_journal(path)
    assert parsed.issues == ()
    assert parsed.frame.reset_index(drop=True).equals(frame)


def test_a_hand_made_journal_sheet_with_exchange_pnl_and_mixed_times(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "journal"
    ws.append(["Symbol", "closed_at", "Side", "realized_pnl_usd", "entry_price"])
    ws.append(["btcusdt", dt.datetime(2024, 5, 1, 12, 30), "long", 42.0, None])
    ws.append(["ETH", "2024-05-02T08:00:00+02:00", "short", -3.0, None])
    wb.save(tmp_path / "hand.xlsx")
    parsed = load_journal(tmp_path / "hand.xlsx")
    assert parsed.issues == ()
    f = parsed.frame
    assert f["symbol"].tolist() == ["BTCUSDT", "ETH"]
    assert f["reported_pnl_usd"].tolist() == [42.0, -3.0]
    assert f["closed_at"].tolist() == [pd.Timestamp("2024-05-01 12:30", tz="UTC"),
                                       pd.Timestamp("2024-05-02 06:00", tz="UTC")]


def test_a_workbook_without_a_journal_sheet_is_refused_clearly(tmp_path, sample):
    from planner import save_plan

    save_plan(sample, tmp_path / "plan.xlsx")
    with pytest.raises(FileRefused, match="no 'Journal' sheet"):
        load_journal(tmp_path / "plan.xlsx")
    (tmp_path / "text.xlsx").write_text("closed_at,symbol\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="not a readable .xlsx workbook"):
        load_journal(tmp_path / "text.xlsx")


def test_a_journal_sheet_of_something_else_does_not_stop_the_plan(tmp_path):
    from planner.io import load_plan_with_warnings

    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Symbol", "Entry", "Vol % (daily)"])
    ws.append(["BTC", 100, 3])
    notes = wb.create_sheet("Journal")
    notes.append(["Dear diary"])
    wb.save(tmp_path / "diary.xlsx")
    plan, warnings = load_plan_with_warnings(tmp_path / "diary.xlsx")
    assert plan.journal is None and len(plan.trades) == 1
    assert any(w.sheet == "Journal" and "not read as a journal" in w.message for w in warnings)
