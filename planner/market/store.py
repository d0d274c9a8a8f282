"""The market-data database: SQLite, embedded.

The only module of ``planner.market`` that uses sqlite3 (as ``planner/journal/store.py`` is
for the journal).

* One row per candle keyed by ``(symbol, interval, open_time)`` and one per funding payment keyed
  by ``(symbol, time)``: re-importing a file adds nothing twice and overlapping files merge
  (a candle already stored is kept as it is).
* WAL mode and a busy timeout; one transaction per import (``BEGIN IMMEDIATE`` … ``COMMIT``),
  so the files of one import are stored whole or not at all.
* A schema version (``PRAGMA user_version``) and ``PRAGMA quick_check`` on open: a file that is
  not this database, damaged, or from a newer version is refused and left untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.market.binance import Loaded
from planner.market.candles import Candles
from planner.market.checks import PRICE_MAX, RATE_MAX
from planner.market.names import interval_us

VERSION = 1
_SCHEMA = """
CREATE TABLE candles (symbol TEXT NOT NULL, interval TEXT NOT NULL, open_time INTEGER NOT NULL,
  open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL, close REAL NOT NULL,
  volume REAL NOT NULL, PRIMARY KEY (symbol, interval, open_time)) WITHOUT ROWID;
CREATE TABLE funding (symbol TEXT NOT NULL, time INTEGER NOT NULL, rate REAL NOT NULL,
  interval_hours REAL NOT NULL, PRIMARY KEY (symbol, time)) WITHOUT ROWID;
CREATE TABLE imports (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL,
  file_name TEXT NOT NULL, kind TEXT NOT NULL, symbol TEXT NOT NULL, interval TEXT NOT NULL,
  added INTEGER NOT NULL, skipped INTEGER NOT NULL)
"""
PAGE_BYTES = 32768      # new files: a year of 1-minute candles is ~30 MB, stored as it arrives
_CHUNK_ROWS = 1000


def _candle_sql(rows: int) -> str:
    """The ``INSERT`` of ``rows`` candles of one series.

    Parameters: ``?1`` the symbol, ``?2`` the interval, then six values per row (SQLite numbers
    a bare ``?`` after the largest index so far).
    """
    values = ", ".join(["(?1, ?2, ?, ?, ?, ?, ?, ?)"] * rows)
    return (f"INSERT INTO candles VALUES {values} "
            "ON CONFLICT (symbol, interval, open_time) DO NOTHING")


_CANDLE_CHUNK = _candle_sql(_CHUNK_ROWS)
_FUNDING_SQL = "INSERT INTO funding VALUES (?, ?, ?, ?) ON CONFLICT (symbol, time) DO NOTHING"


class MarketError(Exception):
    """The market file cannot be used as asked; the message says why and what to do."""


class MarketLocked(MarketError):
    """Another program holds the market file; nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    """What one file's import stored.

    Attributes:
        file_name: The file.
        kind: ``candles`` or ``funding``.
        symbol: The series.
        interval: Candle interval ("" for funding).
        added: Rows stored.
        skipped: Rows already stored (same key), not stored again.
    """

    file_name: str
    kind: str
    symbol: str
    interval: str
    added: int
    skipped: int


class MarketStore:
    """An open market-data file.

    Args:
        path: The SQLite file (created with its folder when missing, unless ``read_only``).
        read_only: Open without ever writing (the file must exist).
        timeout: Seconds to wait for another program's write lock.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False,
                 timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._conn = self._open(timeout)

    def _open(self, timeout: float) -> sqlite3.Connection:
        if self.read_only and not self.path.exists():
            raise MarketError(f"{self.path}: no market data file here (import files first)")
        try:
            if not self.read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            target = f"file:{self.path.resolve()}?mode=ro" if self.read_only else str(self.path)
            conn = sqlite3.connect(target, uri=self.read_only, timeout=timeout,
                                   isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise MarketError(f"{self.path}: cannot open the market file ({exc})") from None
        try:
            self._prepare(conn, timeout)
        except BaseException:
            conn.close()
            raise
        return conn

    def _prepare(self, conn: sqlite3.Connection, timeout: float) -> None:
        try:
            ok = conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            raise self._refused(exc) from None
        if not ok:
            raise MarketError(f"{self.path}: the market file is damaged (integrity check); it "
                              "was left untouched: delete it and import the files again")
        if version > VERSION or (version == 0 and tables):
            raise MarketError(f"{self.path}: not a market-data file of this version (it was "
                              "left untouched); choose another file with --market")
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if version == 0 and not self.read_only:
            conn.execute(f"PRAGMA page_size = {PAGE_BYTES}")    # only takes on an empty file
            with self._transaction(conn):
                for stmt in _SCHEMA.split(";"):
                    conn.execute(stmt)
                conn.execute(f"PRAGMA user_version = {VERSION}")
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("PRAGMA journal_mode = WAL")

    def _refused(self, exc: Exception) -> MarketError:
        if "locked" in str(exc):
            return self._locked()
        return MarketError(f"{self.path}: not a market-data database ({exc}); it was left "
                           "untouched: choose another file with --market")

    def _locked(self) -> MarketLocked:
        return MarketLocked(f"{self.path}: the market file is locked by another program; "
                            "nothing was written. Close the other program and try again.")

    @contextlib.contextmanager
    def _transaction(self, conn: sqlite3.Connection | None = None
                     ) -> Iterator[sqlite3.Connection]:
        conn = conn or self._conn
        if self.read_only:
            raise MarketError(f"{self.path}: opened read-only; nothing was written")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._refused(exc) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise MarketError(f"{self.path}: nothing was written ({exc})") from None
            raise

    def _read(self, sql: str, args: Sequence[object] = ()) -> list[tuple[object, ...]]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise (self._locked() if "locked" in str(exc) else
                   MarketError(f"{self.path}: cannot read the market file ({exc})")) from None

    # -- writing ---------------------------------------------------------------------------
    def add_many(self, files: Sequence[Loaded],
                 progress: Callable[[int, int], None] | None = None) -> list[ImportResult]:
        """Store the good rows of several files in one transaction (all or nothing).

        Args:
            files: Files read by :mod:`planner.market.binance` or :mod:`planner.market.mapped`.
            progress: Called with ``(files done, files)`` after each file is written.

        Raises:
            MarketError: Read-only, locked, or a row breaks the store's rules; nothing stored.
        """
        for f in files:
            _guard(f)
        out = []
        with self._transaction() as conn:
            for i, f in enumerate(files):
                out.append(self._insert(conn, f))
                if progress is not None:
                    progress(i + 1, len(files))
        return out

    @staticmethod
    def _insert(conn: sqlite3.Connection, f: Loaded) -> ImportResult:
        frame = f.parsed.frame
        before = conn.total_changes
        if f.kind == "candles":
            _insert_candles(conn, f.symbol, f.interval, frame)
        else:
            cols = [frame[k].to_numpy().tolist() for k in ("time", "rate", "interval_hours")]
            conn.executemany(_FUNDING_SQL, zip([f.symbol] * len(frame), *cols, strict=True))
        added = conn.total_changes - before
        name = Path(f.path).name or f.parsed.source
        conn.execute("INSERT INTO imports (created_at, file_name, kind, symbol, interval, added, "
                     "skipped) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (time.time_ns() // 1000, name, f.kind, f.symbol, f.interval, added,
                      len(frame) - added))
        return ImportResult(name, f.kind, f.symbol, f.interval, added, len(frame) - added)

    def delete(self, symbol: str, interval: str = "") -> int:
        """Delete a candle series (``interval`` given) or a funding history (``interval`` "").

        Returns:
            Rows deleted.
        """
        with self._transaction() as conn:
            if interval:
                return int(conn.execute("DELETE FROM candles WHERE symbol = ? AND interval = ?",
                                        (symbol, interval)).rowcount)
            return int(conn.execute("DELETE FROM funding WHERE symbol = ?", (symbol,)).rowcount)

    # -- reading ---------------------------------------------------------------------------
    def series(self) -> pd.DataFrame:
        """What is stored: one row per candle series and per funding history.

        Columns: ``kind``, ``symbol``, ``interval`` ("" for funding), ``rows``, ``first`` and
        ``last`` (µs), ``gaps`` (number of holes in a candle series; 0 for funding).
        """
        rows = self._read("SELECT 'candles', symbol, interval, count(*), min(open_time), "
                          "max(open_time) FROM candles GROUP BY symbol, interval")
        rows += self._read("SELECT 'funding', symbol, '', count(*), min(time), max(time) "
                           "FROM funding GROUP BY symbol")
        frame = pd.DataFrame(rows, columns=["kind", "symbol", "interval", "rows", "first",
                                            "last"])
        frame["gaps"] = [len(self.gaps(s, i)) if k == "candles" else 0
                         for k, s, i in zip(frame["kind"], frame["symbol"], frame["interval"],
                                            strict=True)]
        return frame.sort_values(["kind", "symbol", "interval"], ignore_index=True)

    @staticmethod
    def empty_series() -> pd.DataFrame:
        """The frame :meth:`series` returns for an empty file."""
        return pd.DataFrame(columns=["kind", "symbol", "interval", "rows", "first", "last",
                                     "gaps"])

    def symbols(self, interval: str | None = None) -> list[str]:
        """Symbols with candles (of ``interval``, when given)."""
        sql = "SELECT DISTINCT symbol FROM candles" + (" WHERE interval = ?" if interval else "")
        return sorted(str(r[0]) for r in self._read(sql, (interval,) if interval else ()))

    def intervals(self, symbol: str) -> list[str]:
        """Intervals stored for ``symbol``, shortest first."""
        got = [str(r[0]) for r in self._read("SELECT DISTINCT interval FROM candles WHERE "
                                              "symbol = ?", (symbol,))]
        return sorted(got, key=interval_us)

    def gaps(self, symbol: str, interval: str) -> list[tuple[int, int]]:
        """Holes in a candle series: ``(first missing, last missing)`` open times, µs."""
        times = np.array([r[0] for r in self._read(
            "SELECT open_time FROM candles WHERE symbol = ? AND interval = ? ORDER BY open_time",
            (symbol, interval))], dtype=np.int64)
        return find_gaps(times, interval_us(interval))

    def candles(self, symbol: str, interval: str, start_us: int | None = None,
                end_us: int | None = None) -> Candles:
        """The candles of a series opening in ``[start_us, end_us)``, in time order."""
        sql, args = _range("SELECT open_time, open, high, low, close, volume FROM candles "
                           "WHERE symbol = ? AND interval = ?", "open_time",
                           [symbol, interval], start_us, end_us)
        arr = np.array(self._read(sql + " ORDER BY open_time", args), dtype=float)
        arr = arr.reshape(-1, 6)
        return Candles(symbol, interval, arr[:, 0].astype(np.int64), *(
            np.ascontiguousarray(arr[:, k]) for k in range(1, 6)))

    def funding(self, symbol: str, start_us: int | None = None,
                end_us: int | None = None) -> pd.DataFrame:
        """Funding payments of ``symbol`` in time order.

        Columns: ``time`` (µs), ``rate`` (fraction per interval), ``interval_hours``.
        """
        sql, args = _range("SELECT time, rate, interval_hours FROM funding WHERE symbol = ?",
                           "time", [symbol], start_us, end_us)
        return pd.DataFrame(self._read(sql + " ORDER BY time", args),
                            columns=["time", "rate", "interval_hours"]).astype(
            {"time": "int64", "rate": float, "interval_hours": float})

    def funding_symbols(self) -> list[str]:
        """Symbols with funding history."""
        return sorted(str(r[0]) for r in self._read("SELECT DISTINCT symbol FROM funding"))

    def imports(self) -> pd.DataFrame:
        """The import log, newest first."""
        return pd.DataFrame(self._read("SELECT id, created_at, file_name, kind, symbol, "
                                       "interval, added, skipped FROM imports ORDER BY id DESC"),
                            columns=["id", "created_at", "file_name", "kind", "symbol",
                                     "interval", "added", "skipped"])

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def __enter__(self) -> MarketStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _insert_candles(conn: sqlite3.Connection, symbol: str, interval: str,
                    frame: pd.DataFrame) -> None:
    """Candles straight into the keyed table, a thousand rows per statement.

    Many rows per statement with the series bound once cost about half of staging them in a
    temporary table first (measured; see docs/performance.md). Open times travel as float64
    (exact below 2⁵³ µs, year 2255); the column's INTEGER affinity stores them as integers.
    """
    flat = frame[["open_time", "open", "high", "low", "close", "volume"]].to_numpy(
        dtype=float).ravel().tolist()
    step = _CHUNK_ROWS * 6
    full = (len(flat) // step) * step
    for a in range(0, full, step):
        conn.execute(_CANDLE_CHUNK, [symbol, interval, *flat[a:a + step]])
    if rest := (len(flat) - full) // 6:
        conn.execute(_candle_sql(rest), [symbol, interval, *flat[full:]])


def _range(sql: str, col: str, args: list[object], start: int | None,
           end: int | None) -> tuple[str, list[object]]:
    if start is not None:
        sql, args = f"{sql} AND {col} >= ?", [*args, int(start)]
    if end is not None:
        sql, args = f"{sql} AND {col} < ?", [*args, int(end)]
    return sql, args


def find_gaps(times: np.ndarray, step_us: int) -> list[tuple[int, int]]:
    """Holes in sorted open times: ``(first missing, last missing)`` per hole, µs."""
    if len(times) < 2:
        return []
    diff = np.diff(times)
    at = np.flatnonzero(diff > step_us)
    return [(int(times[i] + step_us), int(times[i + 1] - step_us)) for i in at]


def _guard(f: Loaded) -> None:
    """The store's last guard against rows the readers should have refused."""
    frame = f.parsed.frame
    if f.kind == "candles":
        p = frame[["open", "high", "low", "close"]].to_numpy(dtype=float)
        ok = np.isfinite(p).all() and (p > 0).all() and (p <= PRICE_MAX).all() and bool(
            (frame["high"] >= frame["low"]).all())
    elif f.kind == "funding":
        ok = bool(np.isfinite(frame["rate"]).all() and (frame["rate"].abs() <= RATE_MAX).all())
    else:
        ok = False
    if not ok:
        raise MarketError(f"{f.parsed.source}: rows break the market file's rules; nothing was "
                          "stored")
