"""Importing the journal's own CSV: validation, escaping, idempotent re-import, fills kept apart."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import FileRefused
from planner.journal.csvio import read_journal_csv, write_journal_csv
from planner.journal.derive import derive
from planner.journal.importer import ImportRefused, read_source, store_parsed
from planner.journal.keys import content_keys
from planner.journal.store import JournalStore
from tests.journal_helpers import trades

HEADER = ("opened_at,closed_at,symbol,bucket,side,venue,entry_price,exit_price,quantity,leverage,"
          "fees_usd,funding_usd,planned_risk_usd,planned_stop_price,planned_vol_pct,notes")
GOOD = [
    "2024-01-01T00:00:00Z,2024-01-02T00:00:00Z,BTCUSDT,directional,long,Binance,40000,42000,"
    "0.1,5,4,0,200,38000,3,breakout",
    ",2024-01-03T08:00:00+08:00,ETHUSDT,hedging,short,Bybit,2000,2100,1,3,1,-0.5,50,2100,4,hedge",
]


def _csv(tmp_path, lines, name="j.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_a_journal_csv_is_read_with_times_in_utc_and_pnl_derived(tmp_path):
    parsed = read_journal_csv(_csv(tmp_path, GOOD))
    assert parsed.issues == () and parsed.good == 2
    d = derive(parsed.frame)
    assert d["realized_pnl_usd"].tolist() == pytest.approx([196.0, -101.5])
    assert d["r_multiple"].tolist() == pytest.approx([0.98, -2.03])
    assert str(d["closed_at"].iloc[1]) == "2024-01-03 00:00:00+00:00"     # +08:00 -> UTC


def test_bad_rows_are_named_and_nothing_is_imported_until_the_good_ones_are_accepted(tmp_path):
    bad = [",2024-01-04T00:00:00Z,SOL,directional,sideways,,100,90,1,3,0,0,50,,4,",
           ",2024-01-05 10:00,SOL,directional,long,,100,90,lots,3,0,0,50,,4,"]
    parsed = read_journal_csv(_csv(tmp_path, GOOD + bad))
    assert parsed.bad_rows == (4, 5) and parsed.good == 2
    where = {(i.row, i.column): i.message for i in parsed.issues}
    assert "unknown side 'sideways'" in where[(4, "side")]
    assert "no timezone" in where[(5, "closed_at")]
    assert "expected a number" in where[(5, "quantity")]
    with JournalStore(tmp_path / "j.sqlite3") as store:
        with pytest.raises(ImportRefused, match=r"2 bad row\(s\) of 4; nothing was imported"):
            store_parsed(store, parsed)
        assert store.count() == 0
        assert store_parsed(store, parsed, accept_good=True).added == 2


def test_naive_times_are_read_in_the_timezone_the_user_names(tmp_path):
    line = ",2024-07-01 10:00,SOL,directional,long,,100,90,1,3,0,0,50,,4,"
    parsed = read_journal_csv(_csv(tmp_path, [line]), tz="Europe/Berlin")
    assert str(parsed.frame["closed_at"].iloc[0]) == "2024-07-01 08:00:00+00:00"   # CEST


def test_a_file_that_carries_only_realized_pnl_uses_that_figure(tmp_path):
    path = tmp_path / "pnl.csv"
    path.write_text("closed_at,symbol,side,realized_pnl_usd,fees_usd\n"
                    "2024-01-02T00:00:00Z,BTCUSDT,long,-37.5,1\n", encoding="utf-8")
    d = derive(read_journal_csv(path).frame)
    assert d["realized_pnl_usd"].tolist() == [-37.5]


def test_a_row_without_prices_or_pnl_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("closed_at,symbol,side,exit_price\n2024-01-02T00:00:00Z,BTC,long,5\n")
    assert "realized_pnl_usd" in read_journal_csv(path).issues[0].message


def test_an_exchange_export_is_pointed_at_the_column_mapper(tmp_path):
    path = tmp_path / "binance.csv"
    path.write_text("Date(UTC),Pair,Side,Price\n2024-01-02 00:00:00,BTCUSDT,BUY,1\n")
    with pytest.raises(FileRefused, match="use a column mapping"):
        read_journal_csv(path)


@pytest.mark.parametrize(("content", "why"), [
    (b"\xff\xfe\x00bad", "not UTF-8"), (b"", "not a readable CSV")])
def test_unreadable_files_are_refused_with_the_reason(tmp_path, content, why):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FileRefused, match=why):
        read_source(path)


def test_reimporting_the_same_file_adds_nothing_twice(tmp_path):
    path = _csv(tmp_path, GOOD)
    with JournalStore(tmp_path / "j.sqlite3") as store:
        assert store_parsed(store, read_source(path)).added == 2
        again = store_parsed(store, read_source(path))
        assert (again.added, again.skipped, store.count()) == (0, 2, 2)


def test_genuine_same_size_fills_are_not_merged_and_stay_idempotent(tmp_path):
    same = ",2024-02-01T12:00:00Z,BTCUSDT,directional,long,Binance,100,101,1,5,0,0,,,,"
    path = _csv(tmp_path, [same, same, same])
    with JournalStore(tmp_path / "j.sqlite3") as store:
        assert store_parsed(store, read_source(path)).added == 3
        assert store_parsed(store, read_source(path)).added == 0
        # A later export that overlaps (the same three fills and one more) adds only the new one.
        more = _csv(tmp_path, [same, same, same, same], name="later.csv")
        assert store_parsed(store, read_source(more)).added == 1
        assert store.count() == 4


def test_the_bucket_is_not_part_of_the_key_so_relabelled_rows_are_not_duplicated(tmp_path):
    with JournalStore(tmp_path / "j.sqlite3") as store:
        store_parsed(store, read_source(_csv(tmp_path, GOOD)))
        relabelled = [g.replace("directional", "market-making") for g in GOOD]
        assert store_parsed(store, read_source(_csv(tmp_path, relabelled, "b.csv"))).added == 0


def test_export_then_import_round_trips_text_safely_and_adds_nothing(tmp_path):
    f = trades([12.5, -3.25], risk=10, notes=["=HYPERLINK(\"x\")", "plain, with comma"],
               venue=["@venue", "Bybit"], planned_vol_pct=[3.0, 4.0])
    with JournalStore(tmp_path / "j.sqlite3") as store:
        store.add(f, source="csv")
        out = tmp_path / "export.csv"
        write_journal_csv(derive(store.trades()), out)
        text = out.read_text(encoding="utf-8")
        assert "'=HYPERLINK" in text and "'@venue" in text      # no spreadsheet runs them
        back = read_journal_csv(out)
        assert back.issues == ()
        assert back.frame["notes"].tolist() == f["notes"].tolist()
        assert back.frame["venue"].tolist() == ["@venue", "Bybit"]
        assert store_parsed(store, back).added == 0


def test_a_semicolon_separated_file_with_a_bom_is_read(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_bytes(("\ufeff" + HEADER.replace(",", ";") + "\n" + GOOD[0].replace(",", ";")
                      + "\n").encode("utf-8"))
    assert read_journal_csv(path).good == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([1.0, 2.0, 3.0]), min_size=1, max_size=12), st.randoms())
def test_content_keys_do_not_depend_on_row_order(pnls, rnd):
    f = trades(pnls)
    f["closed_at"] = f["closed_at"].iloc[0]   # same close time: many identical rows
    order = list(range(len(f)))
    rnd.shuffle(order)
    assert set(content_keys(f)) == set(content_keys(f.iloc[order]))
    assert content_keys(f).is_unique


def test_content_keys_ignore_annotation_but_not_execution_fields():
    f = trades([1.0, 1.0])
    relabelled = f.assign(bucket="hedging", notes="later note", planned_risk_usd=5.0)
    assert content_keys(f).tolist() == content_keys(relabelled).tolist()
    moved = f.assign(exit_price=f["exit_price"] + 0.5)
    assert set(content_keys(f)).isdisjoint(content_keys(moved))
    assert pd.Series(content_keys(f)).str.endswith(("#0", "#1")).all()


def test_line_breaks_and_quotes_in_notes_survive_a_round_trip(tmp_path):
    notes = ["a\rb", "line1\nline2", 'x,"y"', "\rstarts with CR"]
    f = trades([1, 2, 3, 4], notes=notes)
    out = tmp_path / "notes.csv"
    write_journal_csv(derive(f), out)
    back = read_journal_csv(out)
    # text cells are trimmed on read: the leading CR (written escaped) goes
    assert back.issues == () and back.frame["notes"].tolist() == notes[:3] + ["starts with CR"]
