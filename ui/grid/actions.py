"""Grid commands: copy, cut, paste, clear, fill down, insert / duplicate / delete rows.

Each command turns the selection into one :mod:`planner.edits` edit (built and validated by
:mod:`planner.parse`) and hands it to the document — one undo step however many cells. Refusals
come back as a message on :attr:`GridActions.message`, never as a dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from planner import parse
from planner.edits import Edit
from planner.errors import PlanError
from ui.document import PlanDocument
from ui.formats import edit_text
from ui.grid.clipboard import from_tsv, header_keys, to_tsv
from ui.grid.columns import GRID_COLUMNS, INDEX, KEYS
from ui.grid.model import PlanTableModel
from ui.grid.roles import Role
from ui.grid.view import PlanGridView

_SHORTCUTS: dict[str, QKeySequence.StandardKey | str] = {
    "copy": QKeySequence.StandardKey.Copy, "cut": QKeySequence.StandardKey.Cut,
    "paste": QKeySequence.StandardKey.Paste, "clear": "Delete", "fill_down": "Ctrl+D",
    "insert_rows": "Ctrl+I", "duplicate_rows": "Ctrl+Shift+D", "delete_rows": "Ctrl+-",
}
_TEXTS = {
    "copy": "&Copy", "cut": "Cu&t", "paste": "&Paste", "clear": "C&lear cells",
    "fill_down": "Fill &down", "insert_rows": "&Insert row above",
    "duplicate_rows": "D&uplicate rows", "delete_rows": "De&lete rows",
}


def issue_summary(exc: PlanError, limit: int = 4) -> str:
    """A one-line summary of a refusal that names the bad places."""
    shown = "; ".join(str(i) for i in exc.issues[:limit])
    more = len(exc.issues) - limit
    return shown + (f"; … and {more} more" if more > 0 else "")


class GridActions(QObject):
    """The grid's editing commands as ``QAction`` objects bound to a view.

    Signals:
        message(str): What happened or why it was refused (for the status bar).
    """

    message = Signal(str)

    def __init__(self, view: PlanGridView, model: PlanTableModel, document: PlanDocument,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view, self._model, self._doc = view, model, document
        self.actions: dict[str, QAction] = {}
        for name, text in _TEXTS.items():
            act = QAction(text, self)
            seq = _SHORTCUTS[name]
            act.setShortcut(QKeySequence(seq) if isinstance(seq, str) else QKeySequence(seq))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(getattr(self, name))
            view.addAction(act)
            self.actions[name] = act

    # -- helpers ---------------------------------------------------------------------------
    def _apply(self, edit: Edit | None, text: str, done: str = "") -> bool:
        if edit is None:
            return False
        try:
            self._doc.apply(edit, text)
        except PlanError as exc:
            self.message.emit(f"{text} refused — {issue_summary(exc)}")
            return False
        if done:
            self.message.emit(done)
        return True

    def _build(self, make: Callable[[], Edit | None], text: str) -> Edit | None:
        try:
            return make()
        except PlanError as exc:
            self.message.emit(f"{text} refused — {issue_summary(exc)}")
            return None

    def selected_plan_rows(self) -> list[int]:
        """Plan rows of the selected view rows, ascending."""
        return sorted(self._model.plan_row(r) for r in self._view.selected_view_rows())

    # -- clipboard -------------------------------------------------------------------------
    def copy_text(self) -> str:
        """The selection's bounding rectangle as tab-separated text.

        Input cells are copied as their raw value (exact, so pasting back loses nothing);
        computed cells as shown.
        """
        cells = self._view.selected_cells()
        rows = sorted({r for r, _ in cells})
        cols = [c for c in self._view.selected_columns() if any(cc == c for _, cc in cells)]
        out = []
        for r in rows:
            line = []
            for c in cols:
                index = self._model.index(r, c)
                raw = GRID_COLUMNS[c].editable
                line.append(edit_text(index.data(Role.RAW)) if raw else index.data() or "")
            out.append(line)
        return to_tsv(out)

    def copy(self) -> None:
        """Copy the selection to the clipboard."""
        QGuiApplication.clipboard().setText(self.copy_text())

    def cut(self) -> None:
        """Copy, then clear the selected input cells."""
        self.copy()
        self.clear()

    def paste(self) -> None:
        """Paste the clipboard's tab-separated text at the current cell."""
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Paste tab-separated text: all cells or none (bad cells are named).

        A block is pasted from the current cell right and down over the visible columns; a
        first row of column headers maps the block by header instead; one value pasted over
        a selection fills every selected cell; rows past the end are added. Computed columns
        are skipped.
        """
        block = from_tsv(text)
        if not block or not block[0]:
            self.message.emit("Nothing to paste: the clipboard holds no text")
            return False
        cells = self._paste_cells(block)
        if not cells:
            self.message.emit("Nothing to paste into: computed columns are read-only")
            return False
        edit = self._build(lambda: parse.paste_cells(self._doc.plan, cells), "Paste")
        n = len(cells)
        return self._apply(edit, f"Paste {n} cell{'s' * (n != 1)}", f"Pasted {n} cells")

    def _paste_cells(self, block: list[list[str]]) -> list[parse.Cell]:
        cur = self._view.currentIndex()
        start_row = cur.row() if cur.isValid() else 0
        keys = header_keys(block[0])
        if keys is not None:
            block = block[1:]
            cols = [INDEX[k] for k in keys]
            start_row = self._model.rowCount() if not cur.isValid() else start_row
        elif len(block) == 1 and len(block[0]) == 1 and len(self._view.selected_cells()) > 1:
            return [(self._model.plan_row(r), KEYS[c], block[0][0])
                    for r, c in self._view.selected_cells() if GRID_COLUMNS[c].editable]
        else:
            cols = self._view.visible_columns_from(cur.column() if cur.isValid() else 0)
        n_view, n_plan = self._model.rowCount(), len(self._doc.plan.trades)
        cells = []
        for i, line in enumerate(block):
            vr = start_row + i
            row = self._model.plan_row(vr) if vr < n_view else n_plan + vr - n_view
            cells += [(row, KEYS[c], v) for c, v in zip(cols, line, strict=False)
                      if GRID_COLUMNS[c].editable]
        return cells

    # -- cells -----------------------------------------------------------------------------
    def clear(self) -> None:
        """Blank the selected input cells (optional ones go back to their default)."""
        cells = [(self._model.plan_row(r), KEYS[c]) for r, c in self._view.selected_cells()]
        edit, kept = parse.clear_cells(self._doc.plan, cells)
        note = f" ({', '.join(kept)} required, kept)" if kept else ""
        if edit is None:
            self.message.emit(f"Nothing cleared{note}")
            return
        self._apply(edit, f"Clear {len(edit.rows)} cells", f"Cleared {len(edit.rows)} "
                    f"cells{note}")

    def fill_down(self) -> None:
        """Copy the top selected row's values into the selected rows below (Ctrl+D).

        With a single row selected, the row above is copied into it.
        """
        rows = self._view.selected_view_rows()
        keys = [KEYS[c] for c in self._view.selected_columns()]
        if len(rows) == 1 and rows[0] > 0:
            rows = [rows[0] - 1, rows[0]]
        if len(rows) < 2:
            self.message.emit("Fill down needs a row above or several selected rows")
            return
        plan_rows = [self._model.plan_row(r) for r in rows]
        edit = parse.fill_down(self._doc.plan, plan_rows[0], plan_rows[1:], keys)
        if edit is None:
            self.message.emit("Nothing to fill: computed columns are read-only")
            return
        self._apply(edit, f"Fill down {len(edit.rows)} cells")

    # -- rows ------------------------------------------------------------------------------
    def insert_rows(self) -> None:
        """Insert as many blank rows as are selected, above the first selected row."""
        rows = self.selected_plan_rows()
        at = rows[0] if rows else len(self._doc.plan.trades)
        count = max(len(rows), 1)
        if self._apply(parse.blank_rows(self._doc.plan, at, count),
                       f"Insert {count} row{'s' * (count != 1)}"):
            self._select_plan_row(at)

    def duplicate_rows(self) -> None:
        """Insert a copy of each selected row below it."""
        rows = self.selected_plan_rows()
        if not rows:
            return
        self._apply(parse.duplicate_rows(self._doc.plan, rows),
                    f"Duplicate {len(rows)} row{'s' * (len(rows) != 1)}")

    def delete_rows(self) -> None:
        """Delete the selected rows (undoable)."""
        rows = self.selected_plan_rows()
        if not rows:
            return
        n = len(rows)
        self._apply(parse.delete_rows(rows), f"Delete {n} row{'s' * (n != 1)}",
                    f"Deleted {n} row{'s' * (n != 1)} (Ctrl+Z to undo)")

    def _select_plan_row(self, plan_row: int) -> None:
        view_row = self._model.view_row(plan_row)
        if view_row >= 0:
            self._view.setCurrentIndex(self._model.index(view_row, INDEX["symbol"]))
