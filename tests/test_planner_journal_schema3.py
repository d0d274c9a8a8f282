"""Journal schema 3: exit_kind and tags, migrated from schema 2 with a backup; kept on the way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from planner.journal import migrations
from planner.journal.csvio import read_journal_csv, write_journal_csv
from planner.journal.derive import derive
from planner.journal.store import JournalError, JournalStore
from tests.test_planner_journal_store import _v1_file


def _v2_file(path: Path) -> None:
    _v1_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    migrations.STEPS[1](conn, 0)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("COMMIT")
    conn.close()


def test_a_schema_2_journal_is_backed_up_and_gains_exit_kind_and_tags(tmp_path: Path) -> None:
    path = tmp_path / "j" / "journal.sqlite3"
    _v2_file(path)
    with JournalStore(path) as store:
        assert ".v2.bak" in store.notice
        back = store.trades()
        assert back["exit_kind"].tolist() == ["close", "close"]
        assert back["tags"].tolist() == ["", ""]
        assert back["symbol"].tolist() == ["BTCUSDT", "ETHUSDT"]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.CURRENT == 3
    conn.close()
    bak = sqlite3.connect(path.parent / "journal.sqlite3.v2.bak")
    assert bak.execute("PRAGMA user_version").fetchone()[0] == 2
    bak.close()


def test_exit_kind_and_tags_round_trip_through_csv_and_store(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("closed_at,symbol,side,entry_price,exit_price,quantity,exit_kind,tags\n"
                   "2026-01-02T00:00:00Z,BTCUSDT,long,100,90,1,Liquidation,\"News; Breakout\"\n"
                   "2026-01-03T00:00:00Z,BTCUSDT,long,100,95,1,,\n", encoding="utf-8")
    parsed = read_journal_csv(src)
    assert not parsed.issues
    assert parsed.frame["exit_kind"].tolist() == ["liquidation", "close"]
    assert parsed.frame["tags"].tolist() == ["news, breakout", ""]
    with JournalStore(tmp_path / "j.sqlite3") as store:
        store.add(parsed.frame, source="csv")
        stored = store.trades()
    out = tmp_path / "out.csv"
    write_journal_csv(derive(stored), out)
    again = read_journal_csv(out).frame
    assert again["exit_kind"].tolist() == ["liquidation", "close"]
    assert again["tags"].tolist() == ["news, breakout", ""]


def test_unknown_exit_kind_is_a_bad_row_and_the_database_refuses_it_too(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("closed_at,symbol,side,entry_price,exit_price,quantity,exit_kind\n"
                   "2026-01-02T00:00:00Z,BTCUSDT,long,100,90,1,rugpull\n", encoding="utf-8")
    parsed = read_journal_csv(src)
    assert parsed.bad_rows == (2,) and "unknown exit_kind 'rugpull'" in str(parsed.issues[0])
    assert parsed.frame.empty
    with JournalStore(tmp_path / "j.sqlite3") as store:
        bad = read_journal_csv(_ok(tmp_path)).frame.assign(exit_kind="rugpull")
        with pytest.raises(JournalError, match="nothing was written"):
            store.add(bad, source="csv")
        assert store.count() == 0


def _ok(tmp: Path) -> Path:
    p = tmp / "ok.csv"
    p.write_text("closed_at,symbol,side,entry_price,exit_price,quantity\n"
                 "2026-01-02T00:00:00Z,BTCUSDT,long,100,90,1\n", encoding="utf-8")
    return p
