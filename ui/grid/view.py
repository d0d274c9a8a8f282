"""``PlanGridView``: a ``QTableView`` with spreadsheet keys (Enter moves down, type to edit)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QItemSelectionRange, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QWidget

_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked
             | QAbstractItemView.EditTrigger.EditKeyPressed
             | QAbstractItemView.EditTrigger.AnyKeyPressed)


class PlanGridView(QTableView):
    """The planning grid.

    Keys: arrows, Tab / Shift+Tab and Enter / Shift+Enter move like a spreadsheet; typing
    starts editing (replacing the cell), F2 edits in place, Escape cancels. The clipboard,
    Delete, fill-down and row commands are actions added by :class:`ui.grid.actions.GridActions`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(_TRIGGERS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(True)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(
            lambda section, _order: header.setSortIndicatorShown(section >= 0))
        header.setDefaultSectionSize(84)
        header.setMinimumSectionSize(36)
        self.verticalHeader().setDefaultSectionSize(22)
        self.verticalHeader().setMinimumSectionSize(18)

    def setModel(self, model: Any) -> None:
        """Attach the model and turn header-click sorting on (starting in plan order)."""
        super().setModel(model)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicatorShown(False)  # no arrow space until sorted

    # -- spreadsheet navigation ------------------------------------------------------------
    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """After Enter commits an edit, move one row down, as a spreadsheet does."""
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self.move_current(1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter / Shift+Enter move down / up when not editing."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.state() != QAbstractItemView.State.EditingState:
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.move_current(-1 if shift else 1)
            return
        super().keyPressEvent(event)

    def move_current(self, rows: int) -> None:
        """Move the current cell ``rows`` down (negative: up), staying inside the grid."""
        model, cur = self.model(), self.currentIndex()
        if model is None or not cur.isValid():
            return
        row = min(max(cur.row() + rows, 0), model.rowCount() - 1)
        target = model.index(row, cur.column())
        self.selectionModel().setCurrentIndex(
            target, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    # -- selection helpers -----------------------------------------------------------------
    def selected_view_rows(self) -> list[int]:
        """View rows touched by the selection (or the current row), ascending."""
        rows: set[int] = set()
        for rng in _ranges(self):
            rows.update(range(rng.top(), rng.bottom() + 1))
        if not rows and self.currentIndex().isValid():
            rows.add(self.currentIndex().row())
        return sorted(rows)

    def selected_columns(self) -> list[int]:
        """Visible columns touched by the selection (or the current column), in visual order."""
        cols: set[int] = set()
        for rng in _ranges(self):
            cols.update(range(rng.left(), rng.right() + 1))
        if not cols and self.currentIndex().isValid():
            cols.add(self.currentIndex().column())
        visible = [c for c in cols if not self.isColumnHidden(c)]
        return sorted(visible, key=self.horizontalHeader().visualIndex)

    def selected_cells(self) -> list[tuple[int, int]]:
        """``(view_row, column)`` of every selected visible cell (or the current cell)."""
        cells = []
        for rng in _ranges(self):
            for c in range(rng.left(), rng.right() + 1):
                if not self.isColumnHidden(c):
                    cells += [(r, c) for r in range(rng.top(), rng.bottom() + 1)]
        if not cells and self.currentIndex().isValid():
            cells.append((self.currentIndex().row(), self.currentIndex().column()))
        return cells

    def visible_columns_from(self, column: int) -> list[int]:
        """Visible logical columns in visual order, starting at ``column``."""
        header = self.horizontalHeader()
        start = header.visualIndex(column)
        logical = [header.logicalIndex(v) for v in range(start, header.count())]
        return [c for c in logical if not self.isColumnHidden(c)]


def _ranges(view: QTableView) -> list[QItemSelectionRange]:
    """The selection's ranges as a plain list."""
    selection = view.selectionModel().selection()
    return [selection.at(i) for i in range(selection.size())]
