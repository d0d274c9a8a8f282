"""Closing planned rows: the journal entry and the plan edit as one undo step.

The journal rows are stored first (one transaction); then a ``QUndoStack`` macro holds a
:class:`JournalEntryCommand` and the plan's ``DeleteRows`` edit, so one undo puts the rows back
in the plan *and* removes the journal entries, and redo does both again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from planner import edits
from planner.errors import PlanError
from planner.journal.close import Fill, closed_trades

if TYPE_CHECKING:
    import pandas as pd

    from planner.journal.store import AddResult
    from ui.document import PlanDocument
    from ui.journal.session import JournalSession


class JournalEntryCommand(QUndoCommand):
    """Undo removes the closed trades from the journal; redo stores them again.

    The first ``redo`` (run by ``push``) does nothing: the rows were stored before the push.
    """

    def __init__(self, session: JournalSession, frame: pd.DataFrame, keys: tuple[str, ...],
                 text: str) -> None:
        super().__init__(text)
        self._session, self._frame, self._keys = session, frame, keys
        self._stored = True

    def redo(self) -> None:
        """Store the trades again (not on the first call)."""
        if not self._stored:
            self._run(lambda: self._session.restore(self._frame, self._keys), "store")
            self._stored = True

    def undo(self) -> None:
        """Remove the trades from the journal."""
        self._run(lambda: self._session.remove(self._keys), "remove")
        self._stored = False

    def _run(self, step: Callable[[], object], what: str) -> None:
        try:
            step()
        except Exception as exc:  # an exception must not cross back into Qt
            self._session.failed.emit(f"Journal: could not {what} the closed trade(s): {exc}")


def close_rows(document: PlanDocument, session: JournalSession, rows: list[int],
               fills: list[Fill]) -> AddResult:
    """Close plan rows ``rows`` with ``fills``: journal them and remove them from the plan.

    Raises:
        PlanError: A fill is invalid or the rows are not in the plan (nothing changed).
        JournalError: The journal is read-only or locked (nothing changed).
    """
    plan = document.plan
    frame = closed_trades(plan, document.results, rows, fills)
    delete = edits.DeleteRows(tuple(sorted(rows)))
    try:
        edits.apply(plan, delete)
    except ValueError as exc:
        raise PlanError(str(exc)) from None
    result = session.add_closed(frame)
    symbols = ", ".join(dict.fromkeys(frame["symbol"]))
    text = f"Close trade{'s' if len(rows) > 1 else ''} {symbols}"
    stack = document.undo_stack
    stack.beginMacro(text)
    try:
        stack.push(JournalEntryCommand(session, frame, result.keys, text))
        document.apply(delete, text)
    except PlanError:
        stack.endMacro()
        stack.undo()            # takes the journal entries out again
        raise
    stack.endMacro()
    return result
