"""Autosave and crash recovery for the main window (Qt side of ``planner.recovery``).

While the plan has unsaved changes, a snapshot is written a few seconds after the last edit
(debounced), never over the user's file. Saving or closing cleanly discards it; after a crash
the next start lists the orphaned snapshots and asks, through an injectable seam, whether to
restore each one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from planner.model import Plan
    from planner.recovery import SnapshotInfo, SnapshotSlot

DEFAULT_DELAY_MS = 3_000


class Autosave(QObject):
    """Debounced snapshots of one document.

    Args:
        plan: Returns the current plan.
        source: Returns the path of the user's file ("" or ``None`` for a new plan).
        modified: Returns True while there are unsaved changes.
        delay_ms: Quiet time after the last edit before a snapshot is taken.
        parent: Qt parent.
    """

    snapshot_written = Signal()
    snapshot_failed = Signal(str)

    def __init__(self, plan: Callable[[], Plan], source: Callable[[], object],
                 modified: Callable[[], bool], delay_ms: int = DEFAULT_DELAY_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plan, self._source, self._modified = plan, source, modified
        self._slot: SnapshotSlot | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.write_now)

    def note_change(self) -> None:
        """Call after every edit: (re)starts the quiet-time timer."""
        self._timer.start()

    def write_now(self) -> None:
        """Write a snapshot now if there are unsaved changes."""
        if not self._modified():
            return
        from planner.recovery import SnapshotSlot

        try:
            if self._slot is None:
                self._slot = SnapshotSlot()
            self._slot.write(self._plan(), str(self._source() or ""))
        except OSError as exc:
            self.snapshot_failed.emit(f"Autosave failed: {exc.strerror or exc}")
            return
        self.snapshot_written.emit()

    def saved(self) -> None:
        """The user saved (or discarded the changes): drop the snapshot."""
        self._timer.stop()
        if self._slot is not None:
            self._slot.discard()

    def close(self) -> None:
        """Clean shutdown: drop the snapshot and release the slot."""
        self._timer.stop()
        if self._slot is not None:
            self._slot.close()
            self._slot = None


Decision = str  # "restore", "discard" or "keep" (ask again next time)


def offer_recovery(ask: Callable[[SnapshotInfo], Decision]) -> tuple[SnapshotInfo, Plan] | None:
    """Ask about orphaned snapshots, newest first, until the user restores one.

    Declined snapshots are deleted; those not asked about (after a restore) or kept stay for the
    next start. A restored snapshot is kept too: the caller opens the plan as modified, lets its
    own :class:`Autosave` write a fresh snapshot (``write_now``) and only then calls
    ``planner.recovery.discard(info)``, so a second crash loses nothing. A snapshot that cannot
    be read is reported on stderr and kept for a later try.

    Args:
        ask: The seam: shows the snapshot (``info.describe()``) and returns the decision.

    Returns:
        The snapshot restored and its plan, or ``None``.
    """
    from planner.errors import PlanError
    from planner.recovery import discard, pending, restore

    for info in pending():
        decision = ask(info)
        if decision == "restore":
            try:
                return info, restore(info)
            except PlanError as exc:
                print(f"Recovery snapshot unreadable, kept: {exc}", file=sys.stderr)
        elif decision == "discard":
            discard(info)
    return None


def recover_into(window: Any, ask: Callable[[SnapshotInfo], Decision]) -> bool:
    """Offer recovery and open the restored plan in ``window`` (as unsaved changes).

    Returns:
        True when a plan was restored.
    """
    from planner.recovery import discard

    found = offer_recovery(ask)
    if found is None:
        return False
    info, plan = found
    window.document.load(plan, path=info.source or None, name="Recovered plan", modified=True)
    window.autosave.write_now()
    discard(info)
    window.show_message(f"Restored {info.describe()}. Save it to keep it.")
    return True


def ask_with_dialog(parent: Any) -> Callable[[SnapshotInfo], Decision]:
    """The real seam: a message box with Restore / Discard / Later."""
    from PySide6.QtWidgets import QMessageBox

    def ask(info: SnapshotInfo) -> Decision:
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved changes?",
                          "The planner did not close cleanly last time. A snapshot of your "
                          f"unsaved plan was kept:\n\n{info.describe()}", parent=parent)
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "discard" if clicked is discard else "keep"
    return ask
