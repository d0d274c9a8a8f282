"""The journal store: WAL, transactions, idempotent adds, migrations, damaged and locked files."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from planner.journal import migrations
from planner.journal.store import JournalError, JournalLocked, JournalReadOnly, JournalStore
from tests.journal_helpers import trades


@pytest.fixture
def path(tmp_path):
    return tmp_path / "sub" / "journal.sqlite3"


def test_a_new_journal_is_created_in_wal_mode_with_the_current_schema(path):
    with JournalStore(path) as store:
        assert store.count() == 0 and not store.read_only
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.CURRENT
    conn.close()


def test_trades_come_back_as_they_went_in(path):
    f = trades([10, -5], risk=5, notes=["a", "b"], venue=["Binance", ""])
    with JournalStore(path) as store:
        res = store.add(f, source="csv", file_name="x.csv")
        back = store.trades()
    assert res.added == 2 and res.skipped == 0 and res.batch_id is not None
    for key in ("closed_at", "symbol", "entry_price", "exit_price", "planned_risk_usd", "notes",
                "venue"):
        assert back[key].tolist() == f[key].tolist(), key
    assert back["opened_at"].isna().all()


def test_adding_the_same_rows_again_adds_nothing(path):
    f = trades([10, -5, 7])
    with JournalStore(path) as store:
        store.add(f, source="csv")
        again = store.add(f, source="csv")
        assert (again.added, again.skipped, again.batch_id) == (0, 3, None)
        assert store.count() == 3
        assert len(store.batches()) == 1   # no empty batch left behind


def test_a_failing_add_stores_nothing(path):
    good = trades([10, 20])
    bad = trades([30])
    bad["side"] = "sideways"           # violates the table's CHECK constraint
    with JournalStore(path) as store:
        store.add(good, source="csv")
        with pytest.raises(JournalError, match="nothing was written"):
            store.add(pd.concat([trades([40, 50], start="2025-01-01"), bad]), source="csv")
        assert store.count() == 2 and len(store.batches()) == 1


def test_foreign_keys_are_enforced(path):
    with JournalStore(path) as store:
        store.add(trades([1]), source="csv")
        conn = store._conn
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO trades (content_key, batch_id, closed_at, symbol, bucket, "
                         "side) VALUES ('k', 999, 0, 'X', 'directional', 'long')")


def test_remove_batch_undoes_an_import_as_a_whole(path):
    with JournalStore(path) as store:
        first = store.add(trades([1, 2]), source="csv")
        second = store.add(trades([3], start="2025-01-01"), source="close")
        assert store.remove_batch(first.batch_id) == 2
        assert store.trades()["exit_price"].tolist() == [103]
        assert store.batches()["id"].tolist() == [second.batch_id]


def test_add_new_keeps_genuinely_identical_closes_apart(path):
    one = trades([5])
    with JournalStore(path) as store:
        a = store.add_new(one)
        b = store.add_new(one)
        assert a.keys[0] != b.keys[0] and store.count() == 2
        assert store.remove_keys(list(b.keys)) == 1 and store.count() == 1


def test_mappings_are_saved_by_name(path):
    with JournalStore(path) as store:
        store.save_mapping("binance", '{"columns": {}}')
        store.save_mapping("binance", '{"columns": {"symbol": "Pair"}}')
    with JournalStore(path) as store:
        assert store.mappings() == {"binance": '{"columns": {"symbol": "Pair"}}'}
        assert store.delete_mapping("binance") and store.mappings() == {}


def _v1_file(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(migrations.SCHEMA_V1)
    rows = [("k1#0", 1_704_067_200_000_000, "BTCUSDT", "directional", "long", 100.0, 110.0, 1.0,
             "old.csv"),
            ("k2#0", 1_704_153_600_000_000, "ETHUSDT", "hedging", "short", 50.0, 45.0, 2.0,
             "close")]
    conn.executemany("INSERT INTO trades (content_key, closed_at, symbol, bucket, side, "
                     "entry_price, exit_price, quantity, source) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_an_older_journal_is_backed_up_then_migrated_keeping_every_trade(path):
    _v1_file(path)
    with JournalStore(path) as store:
        assert "upgraded" in store.notice and ".v1.bak" in store.notice
        back = store.trades()
        assert back["symbol"].tolist() == ["BTCUSDT", "ETHUSDT"]
        assert back["content_key"].tolist() == ["k1#0", "k2#0"]
        assert sorted(store.batches()["file_name"]) == ["close", "old.csv"]
        store.add(trades([1], start="2025-01-01"), source="csv")   # and it is writable
    conn = sqlite3.connect(path.parent / "journal.sqlite3.v1.bak")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM trades").fetchone()[0] == 2
    conn.close()


def test_a_file_from_a_newer_version_opens_read_only(path):
    with JournalStore(path) as store:
        store.add(trades([1]), source="csv")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.CURRENT + 1}")
    conn.commit()
    conn.close()
    with JournalStore(path) as store:
        assert store.read_only and "newer version" in store.notice
        assert store.count() == 1
        with pytest.raises(JournalReadOnly):
            store.add(trades([2], start="2025-01-01"), source="csv")


def _damage(path):
    with JournalStore(path) as store:
        store.add(trades(list(range(3000)), freq="min"), source="csv")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek(4096 * 10 + 100)
        fh.write(b"\xff" * 2000)


def test_a_damaged_file_opens_read_only_with_a_clear_notice_and_is_not_touched(path):
    _damage(path)
    before = path.read_bytes()
    with JournalStore(path) as store:
        assert store.read_only
        assert "damaged" in store.notice and "read-only" in store.notice
        kept = store.trades()                  # what can still be read is there to export
        assert 2900 < len(kept) < 3000 and "some trades could not be read" in store.notice
        assert kept["closed_at"].is_monotonic_increasing
        with pytest.raises(JournalReadOnly, match="damaged"):
            store.add(trades([1], start="2030-01-01"), source="csv")
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(JournalError, match="not a journal database"):
        JournalStore(path)
    assert path.read_bytes().startswith(b"these are my notes")


def test_another_sqlite_file_is_not_taken_over(path):
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(JournalError, match="not a trade journal"):
        JournalStore(path)


def test_a_locked_journal_gives_a_clear_error_and_writes_nothing(path):
    with JournalStore(path, timeout=0.05) as store:
        store.add(trades([1]), source="csv")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(JournalLocked, match="locked by another program"):
                store.add(trades([2], start="2025-01-01"), source="csv")
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.count() == 1


def test_read_only_on_request_never_creates_a_file(path):
    with pytest.raises(JournalError, match="no journal file"):
        JournalStore(path, read_only=True)
    assert not path.exists()


def test_several_batches_are_one_transaction(path):
    from planner.journal.store import Batch

    bad = trades([30], start="2025-01-01")
    bad["side"] = "sideways"
    with JournalStore(path) as store:
        with pytest.raises(JournalError):
            store.add_many([Batch(trades([1, 2]), "csv", "a.csv"), Batch(bad, "csv", "b.csv")])
        assert store.count() == 0 and store.batches().empty
        done = store.add_many([Batch(trades([1, 2]), "csv", "a.csv"),
                               Batch(trades([3], start="2025-01-01"), "csv", "b.csv")])
        assert [r.added for r in done] == [2, 1]
        assert sorted(store.batches()["file_name"]) == ["a.csv", "b.csv"]
