"""The undo command: holds only the edit that takes the plan the other way (Orange3 style)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from planner.edits import Edit
    from ui.document import PlanDocument


class EditCommand(QUndoCommand):
    """One undo step.

    The first ``redo`` (run by ``QUndoStack.push``) installs the plan the document already
    computed; from then on the command keeps a single edit — the inverse of what was last
    applied — and swaps it on every undo and redo.
    """

    def __init__(self, document: PlanDocument, text: str,
                 prepared: tuple[Any, Any, Edit, Edit]) -> None:
        super().__init__(text)
        self._doc = document
        self._prepared: tuple[Any, Any, Edit, Edit] | None = prepared
        self._edit: Edit | None = None

    def redo(self) -> None:
        """Apply the edit (the first time: install the precomputed plan)."""
        if self._prepared is not None:
            plan, results, edit, inverse = self._prepared
            self._prepared = None
            self._doc.install(plan, results, edit)
            self._edit = inverse
            return
        self._swap("redo")

    def undo(self) -> None:
        """Apply the inverse edit."""
        self._swap("undo")

    def _swap(self, what: str) -> None:
        from ui.document import log_error

        assert self._edit is not None
        try:
            self._edit = self._doc.swap(self._edit)
        except Exception as exc:  # an exception must not cross back into Qt
            log_error(f"{what} {self.text()!r}", exc)
