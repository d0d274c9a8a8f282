"""The journal the app has open: the store (opened on first use) and a signal on every change.

The Journal tab and the "Close trade…" action share one session. Every write is one
transaction of the store; a read-only or locked journal raises
:class:`~planner.journal.store.JournalError` with a message for the user, and nothing changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    import pandas as pd

    from planner.journal.frame import Parsed
    from planner.journal.store import AddResult, JournalStore


class JournalSession(QObject):
    """One journal file, opened lazily.

    Signals:
        changed: Trades were added or removed (by anyone using this session).
        failed(str): A background step (an undo or redo) could not write; the text says why.
    """

    changed = Signal()
    failed = Signal(str)

    def __init__(self, path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self._store: JournalStore | None = None

    def store(self) -> JournalStore:
        """The open store (opened now if needed).

        Raises:
            JournalError: The file cannot be opened at all.
        """
        if self._store is None:
            from planner.journal.store import JournalStore

            self._store = JournalStore(self.path)
        return self._store

    @property
    def notice(self) -> str:
        """Why the journal is read-only, or what happened on open ("" when nothing)."""
        return self._store.notice if self._store is not None else ""

    @property
    def read_only(self) -> bool:
        """True when the open journal refuses writes."""
        return self._store is not None and self._store.read_only

    def trades(self) -> pd.DataFrame:
        """Every stored trade (typed journal frame, close order)."""
        return self.store().trades()

    def add_closed(self, frame: pd.DataFrame) -> AddResult:
        """Store closed plan trades as new executions (one transaction)."""
        result = self.store().add_new(frame, source="close")
        self.changed.emit()
        return result

    def restore(self, frame: pd.DataFrame, keys: tuple[str, ...]) -> None:
        """Store rows again under their former keys (redo of a close)."""
        self.store().add(frame, source="close", keys=keys)
        self.changed.emit()

    def remove(self, keys: tuple[str, ...]) -> int:
        """Remove the trades with these content keys (undo of a close)."""
        n = self.store().remove_keys(keys)
        self.changed.emit()
        return n

    def import_parsed(self, parsed: Parsed, source: str, mapping_name: str = "") -> AddResult:
        """Store the good rows of a reviewed import (the user accepted them)."""
        from planner.journal.importer import store_parsed

        result = store_parsed(self.store(), parsed, accept_good=True, source=source,
                              mapping_name=mapping_name)
        self.changed.emit()
        return result

    def set_tags(self, trade_id: int, tags: str) -> None:
        """Set one stored trade's tags (one transaction)."""
        self.store().set_tags([trade_id], tags)
        self.changed.emit()

    def import_many(self, items: list[tuple[Parsed, str, str]]) -> list[AddResult]:
        """Store several reviewed files in one transaction (the user accepted them)."""
        from planner.journal.importer import store_all

        results = store_all(self.store(), items, accept_good=True)
        self.changed.emit()
        return results

    def save_mapping(self, name: str, spec: str) -> None:
        """Save a named column mapping in the journal file."""
        self.store().save_mapping(name, spec)

    def mappings(self) -> dict[str, str]:
        """Saved column mappings (name -> JSON)."""
        return self.store().mappings()

    def close(self) -> None:
        """Close the file (a later use opens it again)."""
        if self._store is not None:
            self._store.close()
            self._store = None
