"""Crash-recovery snapshots of open plans (autosave), Qt-free.

Each open document owns a :class:`SnapshotSlot`: a workbook ``<id>.xlsx``, its metadata
``<id>.json`` and a lock file ``<id>.lock`` in the recovery folder. The slot holds an exclusive
``flock`` on the lock file for as long as the process lives, so several windows or processes never
clobber each other's snapshots, and a snapshot whose lock is free belongs to a process that died:
that is what the next start offers to restore. Snapshots never touch the user's own file.

Folder: ``$TRADE_PLANNER_DATA_DIR/recovery`` when that variable is set, else the user data folder
from platformdirs.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path

from planner.atomic import atomic_write_text
from planner.model import Plan


def data_dir() -> Path:
    """The planner's user data folder (created on demand)."""
    env = os.environ.get("TRADE_PLANNER_DATA_DIR")
    if env:
        path = Path(env)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("trade-planner", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def recovery_dir() -> Path:
    """Folder of the recovery snapshots (created on demand)."""
    path = data_dir() / "recovery"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class SnapshotInfo:
    """A snapshot left behind by a process that did not close cleanly.

    Attributes:
        slot_id: Identifier of the slot (file stem).
        workbook: Path of the snapshot workbook.
        source: The file the user was editing ("" for an unsaved new plan).
        taken_at: When the snapshot was written, seconds since the epoch.
        rows: Number of trades in the snapshot.
    """

    slot_id: str
    workbook: Path
    source: str
    taken_at: float
    rows: int

    def describe(self) -> str:
        """One line for the restore prompt: what it holds and when it was taken."""
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.taken_at))
        name = Path(self.source).name if self.source else "an unsaved plan"
        return f"{name}: {self.rows} trade(s), snapshot taken {when}"


class SnapshotSlot:
    """The snapshot slot of one open document; holds its lock until :meth:`close`.

    The lock is a raw file descriptor, closed by :meth:`close` or, at the latest, when the slot
    object goes away (a ``weakref.finalize``): never a Python file object left for the garbage
    collector, whose late ``ResourceWarning`` once failed an unrelated test.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or recovery_dir()
        self.slot_id = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        fd = os.open(self._path(".lock"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC,
                     0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise
        self._release = weakref.finalize(self, os.close, fd)

    def _path(self, suffix: str) -> Path:
        return self.folder / f"{self.slot_id}{suffix}"

    def write(self, plan: Plan, source: str | Path | None) -> None:
        """Write a snapshot of ``plan`` (atomically; the previous snapshot stays until done)."""
        from planner.io import save_plan

        save_plan(plan, self._path(".xlsx"))
        meta = {"source": str(source or ""), "taken_at": time.time(), "rows": len(plan.trades)}
        atomic_write_text(self._path(".json"), json.dumps(meta))

    def discard(self) -> None:
        """Remove the snapshot (the user saved or declined); the slot stays usable."""
        for suffix in (".json", ".xlsx"):
            with contextlib.suppress(FileNotFoundError):
                self._path(suffix).unlink()

    def close(self) -> None:
        """Discard the snapshot and release the lock (clean shutdown)."""
        self.discard()
        if self._release.alive:
            with contextlib.suppress(FileNotFoundError):
                self._path(".lock").unlink()
            self._release()  # closes the descriptor, once

    @property
    def closed(self) -> bool:
        """True once the lock is released."""
        return not self._release.alive


def _orphaned(lock: Path) -> bool:
    """True when no live process holds ``lock``."""
    try:
        fh = open(lock, "rb")  # noqa: SIM115
    except FileNotFoundError:
        return True
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return True


def pending(folder: Path | None = None) -> list[SnapshotInfo]:
    """Snapshots left by processes that died, newest first (unreadable metadata is skipped)."""
    folder = folder or recovery_dir()
    found = []
    for meta_path in folder.glob("*.json"):
        stem = meta_path.stem
        book = folder / f"{stem}.xlsx"
        if not book.exists() or not _orphaned(folder / f"{stem}.lock"):
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            found.append(SnapshotInfo(stem, book, str(meta.get("source", "")),
                                      float(meta["taken_at"]), int(meta.get("rows", 0))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda s: s.taken_at, reverse=True)


def discard(info: SnapshotInfo) -> None:
    """Delete an orphaned snapshot (declined, or restored and saved)."""
    for suffix in (".json", ".xlsx", ".lock"):
        with contextlib.suppress(FileNotFoundError):
            (info.workbook.parent / f"{info.slot_id}{suffix}").unlink()


def restore(info: SnapshotInfo) -> Plan:
    """Load the plan held by a snapshot (raises PlanError when it cannot be read)."""
    from planner.io import load_plan

    return load_plan(info.workbook)
