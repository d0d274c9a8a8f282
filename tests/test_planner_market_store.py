"""The market-data store: import batches, merging, gaps, all-or-nothing, deleting."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from market_helpers import HOUR_US, T0_US, candles, kline_text, write_funding, write_kline

from planner.journal.importer import ImportRefused
from planner.market.importer import read_file, store_files
from planner.market.location import market_path
from planner.market.store import MarketError, MarketStore, find_gaps


@pytest.fixture
def store(tmp_path):
    with MarketStore(tmp_path / "m" / "market.sqlite3") as s:
        yield s


def test_reimport_adds_nothing_twice_and_overlaps_merge(tmp_path, store):
    frame = candles(72)
    a = write_kline(tmp_path, frame.iloc[:48], name="BTCUSDT-1h-2024-01")
    b = write_kline(tmp_path, frame.iloc[24:], name="BTCUSDT-1h-2024-02")
    first = store_files(store, [read_file(a)])
    assert (first[0].added, first[0].skipped) == (48, 0)
    again = store_files(store, [read_file(a), read_file(b)])
    assert [(r.added, r.skipped) for r in again] == [(0, 48), (24, 24)]
    got = store.candles("BTCUSDT", "1h")
    assert len(got) == 72 and np.all(np.diff(got.time) == HOUR_US)
    np.testing.assert_allclose(got.close, frame["close"], rtol=1e-15)


def test_large_overlapping_files_merge_across_statement_chunks(tmp_path, store):
    # Thousands of rows: the store writes a thousand per statement, so the overlap (and the
    # other series already stored) falls inside and across those statements.
    frame = candles(2_600)
    store_files(store, [read_file(write_kline(tmp_path, frame.iloc[:1_700],
                                              name="BTCUSDT-1h-2024-01")),
                        read_file(write_kline(tmp_path, frame.iloc[:1_001],
                                              name="ETHUSDT-1h-2024-01"))])
    again = store_files(store, [read_file(write_kline(tmp_path, frame.iloc[900:],
                                                      name="BTCUSDT-1h-2024-02"))])
    assert (again[0].added, again[0].skipped) == (900, 800)
    got = store.candles("BTCUSDT", "1h")
    assert len(got) == 2_600 and np.all(np.diff(got.time) == HOUR_US)
    np.testing.assert_allclose(got.high, frame["high"], rtol=1e-15)
    assert len(store.candles("ETHUSDT", "1h")) == 1_001


def test_gaps_are_reported_from_and_to(tmp_path, store):
    frame = candles(30).drop(index=[5, 6, 7, 20])
    store_files(store, [read_file(write_kline(tmp_path, frame))])
    assert store.gaps("BTCUSDT", "1h") == [(T0_US + 5 * HOUR_US, T0_US + 7 * HOUR_US),
                                           (T0_US + 20 * HOUR_US, T0_US + 20 * HOUR_US)]
    listed = store.series()
    assert listed.loc[0, ["kind", "symbol", "interval", "rows", "gaps"]].tolist() == [
        "candles", "BTCUSDT", "1h", 26, 2]
    assert find_gaps(np.array([0, 10, 20]), 10) == []


def test_bad_rows_store_nothing_until_the_good_ones_are_accepted(tmp_path, store):
    good = write_kline(tmp_path, candles(10), name="ETHUSDT-1h-2024-01")
    lines = kline_text(candles(10, seed=2)).splitlines()
    lines[3] = lines[3].replace(",", ",oops", 1)
    bad = tmp_path / "BTCUSDT-1h-2024-01.csv"
    bad.write_text("\n".join(lines) + "\n")
    files = [read_file(good), read_file(bad)]
    with pytest.raises(ImportRefused) as err:
        store_files(store, files)
    assert "1 bad row(s) of 10; nothing was imported" in str(err.value)
    assert 'row 4, column "open": not a number' in str(err.value)
    assert store.series().empty
    done = store_files(store, files, accept_good=True)
    assert [r.added for r in done] == [10, 9]


def test_a_failing_import_leaves_earlier_files_unstored(tmp_path, store, monkeypatch):
    files = [read_file(write_kline(tmp_path, candles(10), name=f"X{i}-1h-2024-01"))
             for i in range(3)]
    calls = []

    def boom(done: int, total: int) -> None:
        calls.append(done)
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.add_many(files, boom)
    assert calls == [1, 2] and store.series().empty


def test_funding_is_stored_once_and_deleted_apart_from_candles(tmp_path, store):
    t = [1_704_067_200_000 + i * 28_800_000 for i in range(3)]
    fund = read_file(write_funding(tmp_path, t, [0.0001, 0.0002, -0.0001]))
    kl = read_file(write_kline(tmp_path, candles(5)))
    store_files(store, [fund, kl])
    store_files(store, [fund])
    assert store.funding("BTCUSDT")["rate"].tolist() == [0.0001, 0.0002, -0.0001]
    assert store.delete("BTCUSDT") == 3
    assert store.funding("BTCUSDT").empty and len(store.candles("BTCUSDT", "1h")) == 5
    assert store.delete("BTCUSDT", "1h") == 5 and store.series().empty


def test_window_reads_and_symbol_lists(tmp_path, store):
    store_files(store, [read_file(write_kline(tmp_path, candles(24)))])
    part = store.candles("BTCUSDT", "1h", T0_US + 2 * HOUR_US, T0_US + 5 * HOUR_US)
    assert part.time.tolist() == [T0_US + k * HOUR_US for k in (2, 3, 4)]
    assert store.symbols() == ["BTCUSDT"] and store.intervals("BTCUSDT") == ["1h"]


def test_not_a_market_file_is_left_untouched(tmp_path):
    other = tmp_path / "journal.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE trades (x)")
    con.commit()
    con.close()
    before = other.read_bytes()
    with pytest.raises(MarketError, match="not a market-data file"):
        MarketStore(other)
    text = tmp_path / "notes.sqlite3"
    text.write_text("hello, this is not a database at all" * 50)
    with pytest.raises(MarketError, match="not a market-data database"):
        MarketStore(text)
    assert other.read_bytes() == before


def test_read_only_store_refuses_writes(tmp_path):
    path = tmp_path / "market.sqlite3"
    with MarketStore(path) as s:
        store_files(s, [read_file(write_kline(tmp_path, candles(3)))])
    with MarketStore(path, read_only=True) as ro:
        assert len(ro.candles("BTCUSDT", "1h")) == 3
        with pytest.raises(MarketError, match="read-only"):
            ro.delete("BTCUSDT", "1h")
    with pytest.raises(MarketError, match="no market data file"):
        MarketStore(tmp_path / "none.sqlite3", read_only=True)


def test_locked_file_writes_nothing(tmp_path):
    path = tmp_path / "market.sqlite3"
    MarketStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with MarketStore(path, timeout=0.1) as s, pytest.raises(MarketError, match="locked"):
            store_files(s, [read_file(write_kline(tmp_path, candles(3)))])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with MarketStore(path) as s:
        assert s.series().empty


def test_location_rules(tmp_path, monkeypatch):
    monkeypatch.delenv("TRADE_PLANNER_MARKET", raising=False)
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(tmp_path / "j" / "journal.sqlite3"))
    assert market_path() == tmp_path / "j" / "market.sqlite3"
    assert market_path(journal=tmp_path / "k" / "x.db") == tmp_path / "k" / "market.sqlite3"
    monkeypatch.setenv("TRADE_PLANNER_MARKET", str(tmp_path / "env.sqlite3"))
    assert market_path() == tmp_path / "env.sqlite3"
    assert market_path(tmp_path / "given.sqlite3") == tmp_path / "given.sqlite3"


def test_open_times_are_stored_as_exact_integers(tmp_path):
    path = tmp_path / "market.sqlite3"
    frame = candles(1003, step_us=60_000_000)                # more than one staging chunk
    with MarketStore(path) as s:
        store_files(s, [read_file(write_kline(tmp_path, frame, name="BTCUSDT-1m-2024-01",
                                              micros=True, step_us=60_000_000))])
    con = sqlite3.connect(path)
    try:
        kinds = con.execute("SELECT DISTINCT typeof(open_time) FROM candles").fetchall()
        times = [r[0] for r in con.execute("SELECT open_time FROM candles ORDER BY open_time")]
    finally:
        con.close()
    assert kinds == [("integer",)] and times == frame["open_time"].tolist()
