"""The journal database: SQLite, embedded. The only module of the project that uses sqlite3.

* WAL mode, foreign keys on, a busy timeout; one transaction per user action
  (``BEGIN IMMEDIATE`` … ``COMMIT``), so an action is stored whole or not at all.
* A schema version (``PRAGMA user_version``) with step-by-step migrations
  (``migrations.py``); the file is copied to ``<name>.v<N>.bak`` before the first step.
* ``PRAGMA quick_check`` on open. A damaged file, or one written by a newer version, is opened
  read-only with a notice saying why, so what can be read can still be reviewed and exported;
  nothing is ever deleted, rebuilt or overwritten in place. A locked file (another program
  writing) gives a clear :class:`JournalLocked` and writes nothing.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from planner.journal import migrations
from planner.journal.frame import FRAME_KEYS, TIME_KEYS, empty_journal, frame_issues
from planner.journal.keys import base_keys, content_keys
from planner.journal.times import from_micros, to_micros

_STORED = tuple(k for k in FRAME_KEYS if k != "execution_id")
_SALVAGE_CHUNK = 256
MAX_TAGS_CHARS = 1000
_INSERT = (f"INSERT INTO trades (content_key, batch_id, {', '.join(_STORED)}) "
           f"VALUES ({', '.join('?' * (len(_STORED) + 2))}) "
           "ON CONFLICT (content_key) DO NOTHING")


class JournalError(Exception):
    """The journal file cannot be used as asked; the message says why and what to do."""


class JournalReadOnly(JournalError):
    """A write was refused because the journal is open read-only (damaged or newer file)."""


class JournalLocked(JournalError):
    """Another program holds the journal file; nothing was written."""


class JournalRefused(JournalError):
    """Rows offered to the store break the journal's rules; nothing was written.

    A number that is not finite or is out of its bounds, a time out of range: the importers
    refuse these first; this is the store's own last guard.
    """


@dataclass(frozen=True)
class AddResult:
    """What one add did.

    Attributes:
        batch_id: The batch the new rows belong to (``None`` when nothing was added).
        added: Rows stored.
        skipped: Rows already in the journal (same content key), not stored again.
        keys: Content key of every row offered, in order.
    """

    batch_id: int | None
    added: int
    skipped: int
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Batch:
    """Rows to add as one batch (see :meth:`JournalStore.add`).

    Attributes:
        frame: A typed journal frame.
        source: ``close``, ``csv``, ``workbook`` or ``mapped``.
        file_name: File the rows came from, if any.
        mapping: Name of the column mapping used, if any.
        keys: Content keys to use, or ``None`` for the rows' content keys.
    """

    frame: pd.DataFrame
    source: str
    file_name: str = ""
    mapping: str = ""
    keys: Sequence[str] | None = None


def _now_us() -> int:
    return time.time_ns() // 1000


def _uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?{mode}"


class JournalStore:
    """An open journal file.

    Args:
        path: The SQLite file (created with its folder when missing, unless ``read_only``).
        read_only: Open without ever writing.
        timeout: Seconds to wait for another program's write lock before giving up.

    Attributes:
        path: The file.
        read_only: True when writes are refused.
        notice: Why the file is read-only or what happened on open (a migration), or "".
    """

    def __init__(self, path: str | Path, *, read_only: bool = False,
                 timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.notice = ""
        self._timeout = timeout
        self._conn = self._open()

    # -- opening ---------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        if self.read_only:
            if not self.path.exists():
                raise JournalError(f"{self.path}: no journal file here")
            return self._open_read_only("opened read-only as asked")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"{self.path}: cannot open the journal ({exc})") from None
        try:
            return self._prepare(conn)
        except _Damaged as exc:
            conn.close()
            return self._open_read_only(str(exc))
        except BaseException:
            conn.close()
            raise

    def _prepare(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        version = self._check(conn)
        if version > migrations.CURRENT:
            raise _Damaged(f"written by a newer version of the planner (schema {version}, this "
                           f"version knows {migrations.CURRENT})")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
        self._wal(conn)
        if version == 0:
            self._create(conn)
        elif version < migrations.CURRENT:
            self._migrate(conn, version)
        return conn

    def _check(self, conn: sqlite3.Connection) -> int:
        """Run quick_check; return the schema version. Raises _Damaged or JournalError."""
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc):
                raise JournalError(f"{self.path}: not a journal database (it was left "
                                   "untouched); choose another file with --journal") from None
            if "locked" in str(exc):
                raise self._locked() from None
            raise _Damaged(f"damaged ({exc})") from None
        if [r[0] for r in rows] != ["ok"]:
            lines = [ln for r in rows for ln in str(r[0]).splitlines() if "***" not in ln]
            raise _Damaged(f"damaged (integrity check: {'; '.join(lines[:2])[:200]})")
        if version == 0 and tables:
            raise JournalError(f"{self.path}: an SQLite file that is not a trade journal (it "
                               "was left untouched); choose another file with --journal")
        return version

    def _wal(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise self._locked() from None
            raise

    def _open_read_only(self, why: str) -> sqlite3.Connection:
        self.read_only = True
        self.notice = f"{self.path}: {why}; opened read-only — stored trades are kept as they are"
        for mode in ("mode=ro", "immutable=1"):
            try:
                conn = sqlite3.connect(_uri(self.path, mode), uri=True, timeout=self._timeout,
                                       isolation_level=None)
                conn.execute("SELECT count(*) FROM trades").fetchone()
                return conn
            except sqlite3.Error:
                continue
        raise JournalError(f"{self.path}: {why}, and no trades could be read from it. The file "
                           "was left untouched; restore it from a backup (*.bak) or choose "
                           "another file with --journal")

    def _create(self, conn: sqlite3.Connection) -> None:
        with self._transaction(conn):
            for stmt in migrations.SCHEMA_CURRENT.split(";"):
                if stmt.strip():
                    conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {migrations.CURRENT}")

    def _migrate(self, conn: sqlite3.Connection, version: int) -> None:
        backup = self._backup(conn, version)
        while version < migrations.CURRENT:
            with self._transaction(conn):
                migrations.STEPS[version](conn, _now_us())
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
        self.notice = (f"{self.path}: upgraded the journal to schema {version}; the previous "
                       f"file was kept as {backup.name}")

    def _backup(self, conn: sqlite3.Connection, version: int) -> Path:
        target = self.path.with_name(f"{self.path.name}.v{version}.bak")
        if target.exists():
            target = self.path.with_name(f"{self.path.name}.v{version}.{_now_us()}.bak")
        dst = sqlite3.connect(target)
        try:
            conn.backup(dst)
        finally:
            dst.close()
        return target

    # -- transactions ----------------------------------------------------------------------
    def _locked(self) -> JournalLocked:
        return JournalLocked(f"{self.path}: the journal is locked by another program; nothing "
                             "was written. Close the other program and try again.")

    @contextlib.contextmanager
    def _transaction(self, conn: sqlite3.Connection | None = None
                     ) -> Iterator[sqlite3.Connection]:
        conn = conn or self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise (self._locked() if "locked" in str(exc) else
                   JournalError(f"{self.path}: {exc}")) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise JournalError(f"{self.path}: nothing was written ({exc})") from None
            raise

    def _write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        if self.read_only:
            raise JournalReadOnly(self.notice or f"{self.path}: the journal is read-only")
        return self._transaction()

    # -- reading ---------------------------------------------------------------------------
    def trades(self) -> pd.DataFrame:
        """Every stored trade, typed, in close order.

        Columns: ``FRAME_KEYS`` plus ``id``, ``content_key`` and ``batch_id``. On a damaged
        file, the rows that can still be read (unreadable pages skipped), and :attr:`notice`
        says so.
        """
        cols = migrations.TRADE_COLUMNS
        sql = f"SELECT {', '.join(cols)} FROM trades"
        try:
            rows = self._read(sql + " ORDER BY closed_at, id")
        except JournalError:
            if not self.read_only:
                raise
            rows = self._salvage(sql)
        if not rows:
            out = empty_journal(0)
            return out.assign(id=pd.Series(dtype="int64"), content_key=pd.Series(dtype=object),
                              batch_id=pd.Series(dtype="int64"))
        raw = pd.DataFrame.from_records(rows, columns=list(cols))
        return _typed(raw.sort_values(["closed_at", "id"], kind="stable"))

    def _salvage(self, sql: str) -> list[Any]:
        """Read what a damaged table still gives, by id ranges, skipping unreadable pages."""
        rows: list[Any] = []
        lost = False
        top = self._max_id()
        for lo in range(0, top + 1, _SALVAGE_CHUNK):
            part = self._try(f"{sql} WHERE id BETWEEN ? AND ?", (lo, lo + _SALVAGE_CHUNK - 1))
            if part is None:
                singles = [self._try(f"{sql} WHERE id = ?", (i,))
                           for i in range(lo, lo + _SALVAGE_CHUNK)]
                lost = True
                part = [row for r in singles if r for row in r]
            rows += part
        if lost:
            self.notice += "; some trades could not be read"
        return rows

    def _max_id(self) -> int:
        got = self._try("SELECT max(id) FROM trades", ())
        return int(got[0][0] or 0) if got else 10 * _SALVAGE_CHUNK

    def _try(self, sql: str, args: Sequence[Any]) -> list[Any] | None:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError:
            return None

    def count(self) -> int:
        """Number of stored trades."""
        return int(self._read("SELECT count(*) FROM trades")[0][0])

    def batches(self) -> pd.DataFrame:
        """Batches (imports, closes) with their trade counts, newest first."""
        rows = self._read("SELECT b.id, b.created_at, b.source, b.file_name, b.mapping, "
                          "count(t.id) FROM batches b LEFT JOIN trades t ON t.batch_id = b.id "
                          "GROUP BY b.id ORDER BY b.id DESC")
        frame = pd.DataFrame.from_records(rows, columns=["id", "created_at", "source",
                                                         "file_name", "mapping", "trades"])
        frame["created_at"] = from_micros(frame["created_at"]).set_axis(frame.index)
        return frame

    def mappings(self) -> dict[str, str]:
        """Saved column mappings: name -> JSON spec."""
        return {n: s for n, s in self._read("SELECT name, spec FROM mappings ORDER BY name")}

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            if "locked" in str(exc):
                raise self._locked() from None
            raise JournalError(f"{self.path}: cannot read the journal ({exc})") from None

    # -- writing ---------------------------------------------------------------------------
    def add(self, frame: pd.DataFrame, *, source: str, file_name: str = "", mapping: str = "",
            keys: Sequence[str] | None = None) -> AddResult:
        """Store journal rows in one transaction; rows whose content key is stored are skipped.

        Args:
            frame: A typed journal frame (``FRAME_KEYS``).
            source: ``close``, ``csv``, ``workbook`` or ``mapped`` (kept with the batch).
            file_name: File the rows came from, if any.
            mapping: Name of the column mapping used, if any.
            keys: Content keys to use (e.g. to redo an undone close); default
                :func:`~planner.journal.keys.content_keys`.

        Returns:
            What was stored. Nothing is stored if anything fails.
        """
        return self.add_many([Batch(frame, source, file_name, mapping, keys)])[0]

    def add_many(self, batches: Sequence[Batch]) -> list[AddResult]:
        """Store several batches (e.g. the files of one import command) in one transaction."""
        write = self._write()                 # a read-only journal is refused first
        self._guard(batches)
        prepared = [(b, list(b.keys) if b.keys is not None else list(content_keys(b.frame)),
                     _records(b.frame)) for b in batches]
        with write as conn:
            return [self._insert(conn, b, keys, rows) for b, keys, rows in prepared]

    def _guard(self, batches: Sequence[Batch]) -> None:
        """The last guard: refuse rows the importers should have refused (names row, column)."""
        issues = [i for b in batches for i in frame_issues(b.frame, b.file_name or b.source)]
        if issues:
            shown = "\n".join(str(i) for i in issues[:5])
            more = f"\n… and {len(issues) - 5} more" if len(issues) > 5 else ""
            raise JournalRefused(f"{self.path}: nothing was stored; rows break the journal's "
                                 f"rules:\n{shown}{more}")

    @staticmethod
    def _insert(conn: sqlite3.Connection, b: Batch, keys: list[str],
                rows: list[tuple[Any, ...]]) -> AddResult:
        before = conn.total_changes
        batch = conn.execute("INSERT INTO batches (created_at, source, file_name, mapping) "
                             "VALUES (?, ?, ?, ?)", (_now_us(), b.source, b.file_name, b.mapping)
                             ).lastrowid
        conn.executemany(_INSERT, [(k, batch, *r) for k, r in zip(keys, rows, strict=True)])
        added = conn.total_changes - before - 1
        if added == 0:
            conn.execute("DELETE FROM batches WHERE id = ?", (batch,))
        return AddResult(batch if added else None, added, len(rows) - added, tuple(keys))

    def add_new(self, frame: pd.DataFrame, *, source: str = "close") -> AddResult:
        """Store rows that are new executions even when identical ones are stored (a close).

        Each row's key takes the next free counter after the identical rows already stored.
        """
        keys: list[str] = []
        for base in base_keys(frame):
            taken = [k for (k,) in self._read(
                "SELECT content_key FROM trades WHERE content_key >= ? AND content_key < ?",
                (base + "#", base + "$"))] + [k for k in keys if k.startswith(base + "#")]
            n = max((int(k.rsplit("#", 1)[1]) for k in taken), default=-1) + 1
            keys.append(f"{base}#{n}")
        return self.add(frame, source=source, keys=keys)

    def remove_batch(self, batch_id: int) -> int:
        """Delete a batch and its trades (undo of an import or a close); return trades deleted."""
        with self._write() as conn:
            n = conn.execute("DELETE FROM trades WHERE batch_id = ?", (batch_id,)).rowcount
            conn.execute("DELETE FROM batches WHERE id = ?", (batch_id,))
        return int(n)

    def remove_keys(self, keys: Sequence[str]) -> int:
        """Delete the trades with these content keys (and batches left empty); return count."""
        with self._write() as conn:
            n = sum(conn.execute("DELETE FROM trades WHERE content_key = ?", (k,)).rowcount
                    for k in keys)
            conn.execute("DELETE FROM batches WHERE id NOT IN (SELECT batch_id FROM trades)")
        return int(n)

    def set_tags(self, ids: Sequence[int], tags: str) -> int:
        """Set the tags of the trades with these ids (normalised); return how many changed.

        Raises:
            JournalError: An id is not in the journal (nothing is changed), or the journal is
                read-only or locked.
        """
        from planner.journal.frame import normalise_tags

        text = str(normalise_tags(pd.Series([tags])).iloc[0])
        if len(text) > MAX_TAGS_CHARS:
            raise JournalRefused(f"tags longer than {MAX_TAGS_CHARS} characters; nothing was "
                                 "changed")
        with self._write() as conn:
            n = sum(conn.execute("UPDATE trades SET tags = ? WHERE id = ?", (text, int(i)))
                    .rowcount for i in ids)
            if n != len(set(ids)):
                raise JournalError(f"{self.path}: no trade with id "
                                   f"{', '.join(str(i) for i in ids)}; nothing was changed")
        return int(n)

    def save_mapping(self, name: str, spec: str) -> None:
        """Save (or replace) a named column mapping (``spec`` is JSON text)."""
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO mappings (name, spec, saved_at) "
                         "VALUES (?, ?, ?)", (name, spec, _now_us()))

    def delete_mapping(self, name: str) -> bool:
        """Delete a saved mapping; return True when it existed."""
        with self._write() as conn:
            return conn.execute("DELETE FROM mappings WHERE name = ?", (name,)).rowcount > 0

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def __enter__(self) -> JournalStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Damaged(Exception):
    """The file can only be opened read-only (damaged or from a newer version)."""


def _records(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows of a typed journal frame as SQLite parameters (times as µs, NaN as NULL)."""
    cols: list[np.ndarray] = []
    for key in _STORED:
        if key in TIME_KEYS:
            cols.append(to_micros(frame[key]))
        else:
            arr = frame[key].to_numpy(dtype=object)
            if frame[key].dtype.kind == "f":
                arr[pd.isna(frame[key]).to_numpy()] = None
            cols.append(arr)
    return list(zip(*cols, strict=True)) if cols and len(frame) else []


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    out = empty_journal(len(raw))
    for key in _STORED:
        if key in TIME_KEYS:
            out[key] = from_micros(raw[key]).set_axis(out.index)
        elif out[key].dtype.kind == "f":
            out[key] = raw[key].to_numpy(dtype=float, na_value=np.nan)
        else:
            out[key] = raw[key].fillna("").astype(object).to_numpy()
    out["id"] = raw["id"].to_numpy(dtype="int64")
    out["content_key"] = raw["content_key"].astype(object).to_numpy()
    out["batch_id"] = raw["batch_id"].to_numpy(dtype="int64")
    return out
