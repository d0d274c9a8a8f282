"""The journal database layout, by version, and the steps between versions.

The version lives in SQLite's ``PRAGMA user_version``. A new file is created at
:data:`CURRENT`; an older file is backed up and then migrated one step at a time, each step in
the same transaction as the version bump (see ``store.py``). This module holds SQL only — it
never imports sqlite3; the store hands it a connection.

Times are INTEGER microseconds since the Unix epoch, UTC.

History:
    1. The first layout: a ``trades`` table whose ``source`` column said where a row came from.
    2. Import batches (``batches``: one row per user action that added trades, so an import or a
       close can be undone as a whole), ``reported_pnl_usd`` for sources that state the P&L
       without prices, and ``mappings`` (saved column mappings for exchange exports).
    3. ``exit_kind`` (how a trade ended: ``close``, ``stop``, ``liquidation``, or ``funding`` for
       a funding payment outside any trade; existing rows become ``close``) and ``tags``
       (comma-separated, "" for existing rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CURRENT = 3

_TRADE_FIELDS = """
    opened_at INTEGER,
    closed_at INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    bucket TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('long', 'short')),
    venue TEXT NOT NULL DEFAULT '',
    entry_price REAL,
    exit_price REAL,
    quantity REAL,
    leverage REAL,
    fees_usd REAL NOT NULL DEFAULT 0,
    funding_usd REAL NOT NULL DEFAULT 0,
    planned_risk_usd REAL,
    planned_stop_price REAL,
    planned_vol_pct REAL,
    notes TEXT NOT NULL DEFAULT ''"""
_V3_FIELDS = {
    "exit_kind": "TEXT NOT NULL DEFAULT 'close' "
                 "CHECK (exit_kind IN ('close', 'stop', 'liquidation', 'funding'))",
    "tags": "TEXT NOT NULL DEFAULT ''",
}
_V3_SQL = ",\n    ".join(f"{k} {v}" for k, v in _V3_FIELDS.items())

#: Version 1, kept so migrations can be tested against a real old file.
SCHEMA_V1 = f"""
CREATE TABLE trades (
    id INTEGER PRIMARY KEY,
    content_key TEXT NOT NULL UNIQUE,{_TRADE_FIELDS},
    source TEXT NOT NULL DEFAULT ''
);
"""

_BATCHES = """
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT NOT NULL DEFAULT '',
    mapping TEXT NOT NULL DEFAULT ''
);
CREATE TABLE mappings (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    saved_at INTEGER NOT NULL
);
"""

SCHEMA_CURRENT = _BATCHES + f"""
CREATE TABLE trades (
    id INTEGER PRIMARY KEY,
    content_key TEXT NOT NULL UNIQUE,
    batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE RESTRICT,{_TRADE_FIELDS},
    reported_pnl_usd REAL,
    {_V3_SQL}
);
CREATE INDEX trades_closed_at ON trades(closed_at);
CREATE INDEX trades_batch ON trades(batch_id);
"""

#: Columns of ``trades`` the store reads and writes, in order (current version).
TRADE_COLUMNS = ("id", "content_key", "batch_id", "opened_at", "closed_at", "symbol", "bucket",
                 "side", "venue", "entry_price", "exit_price", "quantity", "leverage",
                 "fees_usd", "funding_usd", "planned_risk_usd", "planned_stop_price",
                 "planned_vol_pct", "notes", "reported_pnl_usd", "exit_kind", "tags")


def _v1_to_v2(conn: Any, now_us: int) -> None:
    """Give every v1 row a batch (one per former ``source``) and add the new tables."""
    for stmt in _BATCHES.split(";"):
        if stmt.strip():
            conn.execute(stmt)
    conn.execute("INSERT INTO batches (created_at, source, file_name) "
                 "SELECT DISTINCT ?, 'migrated', source FROM trades", (now_us,))
    conn.execute(f"""CREATE TABLE trades_v2 (
        id INTEGER PRIMARY KEY,
        content_key TEXT NOT NULL UNIQUE,
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE RESTRICT,{_TRADE_FIELDS},
        reported_pnl_usd REAL)""")
    cols = ", ".join(c for c in TRADE_COLUMNS[:TRADE_COLUMNS.index("reported_pnl_usd")]
                     if c != "batch_id")
    conn.execute(f"INSERT INTO trades_v2 ({cols}, batch_id) SELECT {cols}, "
                 "(SELECT b.id FROM batches b WHERE b.file_name = t.source) FROM trades t")
    conn.execute("DROP TABLE trades")
    conn.execute("ALTER TABLE trades_v2 RENAME TO trades")
    conn.execute("CREATE INDEX trades_closed_at ON trades(closed_at)")
    conn.execute("CREATE INDEX trades_batch ON trades(batch_id)")


def _v2_to_v3(conn: Any, now_us: int) -> None:
    """Add ``exit_kind`` (existing trades: ``close``) and ``tags`` (existing trades: "")."""
    for name, spec in _V3_FIELDS.items():
        conn.execute(f"ALTER TABLE trades ADD COLUMN {name} {spec}")


#: ``from_version -> step(conn, now_us)`` bringing the file to ``from_version + 1``.
STEPS: dict[int, Callable[[Any, int], None]] = {1: _v1_to_v2, 2: _v2_to_v3}
