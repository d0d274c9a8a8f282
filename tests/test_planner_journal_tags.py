"""Tags on trades: imported from a ``tags`` column, set later, filtered on, statistics by tag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import run
from planner.journal.csvio import read_journal_csv
from planner.journal.filters import JournalFilter
from planner.journal.review import review, stats_document
from planner.journal.store import JournalError, JournalRefused, JournalStore

CSV = ("closed_at,symbol,side,entry_price,exit_price,quantity,planned_risk_usd,tags\n"
       "2026-01-02T00:00:00Z,BTCUSDT,long,100,110,1,5,\"Breakout, News\"\n"
       "2026-01-03T00:00:00Z,BTCUSDT,long,100,95,1,5,breakout\n"
       "2026-01-04T00:00:00Z,ETHUSDT,short,100,90,1,5,newsflow\n"
       "2026-01-05T00:00:00Z,ETHUSDT,short,100,104,1,5,\n")


def _store(tmp: Path) -> JournalStore:
    src = tmp / "t.csv"
    src.write_text(CSV, encoding="utf-8")
    store = JournalStore(tmp / "j.sqlite3")
    store.add(read_journal_csv(src).frame, source="csv")
    return store


def test_filter_by_tag_matches_whole_tags_only(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        frame = store.trades()
    kept = JournalFilter(tags=("News",)).apply(frame)
    assert kept["closed_at"].dt.day.tolist() == [2]            # not "newsflow"
    both = JournalFilter(tags=("news", "newsflow")).apply(frame)
    assert len(both) == 2


def test_stats_by_tag_count_a_trade_under_each_of_its_tags(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        doc = stats_document(review(store.trades()))
    by = {t["tag"]: t for t in doc["tags"]}
    assert set(by) == {"breakout", "news", "newsflow"}
    assert by["breakout"]["count"] == 2 and by["breakout"]["pnl_usd"] == pytest.approx(5)
    assert by["news"]["expectancy_r"] == pytest.approx(2)


def test_set_tags_keeps_the_content_key_and_refuses_unknown_ids(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        before = store.trades()
        ids = before["id"].tolist()
        assert store.set_tags([ids[3]], " Fade ;  late,fade ") == 1
        after = store.trades()
        assert after["tags"].iloc[3] == "fade, late"
        assert after["content_key"].tolist() == before["content_key"].tolist()
        with pytest.raises(JournalError, match="nothing was changed"):
            store.set_tags([ids[0], 999], "x")
        assert store.trades()["tags"].iloc[0] == "breakout, news"
        with pytest.raises(JournalRefused):
            store.set_tags([ids[0]], "x" * 2000)


def test_cli_tag_then_filter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(tmp_path / "j.sqlite3"))
    src = tmp_path / "t.csv"
    src.write_text(CSV, encoding="utf-8")
    assert run(["journal", "import", str(src)]) == 0
    assert run(["journal", "tag", "4", "--tags", "revenge"]) == 0
    capsys.readouterr()
    assert run(["journal", "stats", "--json", "--tag", "revenge"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["count"] == 1 and doc["filter"]["tags"] == ["revenge"]
    assert run(["journal", "tag", "99", "--tags", "x"]) == 2
