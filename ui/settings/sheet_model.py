"""``SheetModel``: a small editable table over part of the plan (settings, scenarios, venues).

A subclass says what the rows are (``build_rows``), which columns are editable and how an edit
is built (``make_edit``, raising :class:`~planner.PlanError` when refused). Every accepted edit
goes through the document, so it is undoable and recomputes the plan. After any document change
the rows are rebuilt and only what differs is signalled (rows added or removed at the end, then
``dataChanged`` over the cells that changed).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from planner.edits import Edit
from planner.errors import PlanError
from ui.document import PlanDocument
from ui.formats import edit_text
from ui.grid import roles as R
from ui.grid.actions import issue_summary

_Index = QModelIndex | QPersistentModelIndex


class SheetModel(QAbstractTableModel):
    """Base class of the Settings-tab tables.

    Signals:
        message(str): An edit was refused (the text names where and why).
    """

    message = Signal(str)
    headers: tuple[str, ...] = ()
    editable: frozenset[int] = frozenset()

    def __init__(self, document: PlanDocument, parent: Any = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._rows: list[list[Any]] = self.build_rows()
        self._refused: dict[tuple[int, int], str] = {}
        document.changed.connect(self.refresh)

    # -- for subclasses --------------------------------------------------------------------
    def build_rows(self) -> list[list[Any]]:
        """The table's raw values, one list per row."""
        raise NotImplementedError

    def make_edit(self, row: int, column: int, value: Any) -> Edit:
        """The edit that sets one cell (raises ``PlanError`` when refused)."""
        raise NotImplementedError

    def display(self, row: int, column: int, value: Any) -> str:
        """How a value is shown (plain by default)."""
        return edit_text(value)

    def tooltip(self, row: int, column: int) -> str | None:
        """Tooltip of a cell (none by default)."""
        return None

    # -- Qt API ----------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Rows of the table."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Columns of the table."""
        return 0 if parent.isValid() else len(self.headers)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Editable where the subclass says so."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() in self.editable else base

    def value(self, row: int, column: int) -> Any:
        """Raw value of a cell."""
        return self._rows[row][column]

    def data(self, index: _Index, role: int = R.DISPLAY) -> Any:
        """Display text, raw edit value, shading of read-only cells, refusal tooltips."""
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == R.DISPLAY:
            return self.display(r, c, self._rows[r][c])
        if role in (R.EDIT, int(R.Role.RAW)):
            return self._rows[r][c]
        if role == R.BACKGROUND:
            if (r, c) in self._refused:
                return R.ALERT_BG
            return None if c in self.editable else R.OUTPUT_BG
        if role == R.TOOLTIP:
            refused = self._refused.get((r, c))
            return f"Refused: {refused}" if refused else self.tooltip(r, c)
        if role == R.ALIGNMENT:
            v = self._rows[r][c]
            number = isinstance(v, (int, float)) and not isinstance(v, bool)
            return (Qt.AlignmentFlag.AlignRight if number else Qt.AlignmentFlag.AlignLeft) \
                | Qt.AlignmentFlag.AlignVCenter
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = R.DISPLAY) -> Any:
        """Column names across; row numbers down."""
        if role != R.DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return str(section + 1)

    def setData(self, index: _Index, value: Any, role: int = R.EDIT) -> bool:
        """Apply an edit through the document; False (and a message) when refused."""
        if role != R.EDIT or not index.isValid() or index.column() not in self.editable:
            return False
        r, c = index.row(), index.column()
        if edit_text(value) == edit_text(self._rows[r][c]):
            return True
        try:
            self._doc.apply(self.make_edit(r, c, value), f"Change {self.headers[c]}")
        except PlanError as exc:
            self._refused[(r, c)] = issue_summary(exc)
            self.dataChanged.emit(index, index)
            self.message.emit(f"Refused — {issue_summary(exc)}")
            return False
        return True

    # -- follow the document ---------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild the rows from the plan and signal what changed."""
        new = self.build_rows()
        old_n, new_n = len(self._rows), len(new)
        self._refused = {}
        if new_n < old_n:
            self.beginRemoveRows(QModelIndex(), new_n, old_n - 1)
            self._rows = self._rows[:new_n]
            self.endRemoveRows()
        if new_n > old_n:
            self.beginInsertRows(QModelIndex(), old_n, new_n - 1)
            self._rows = self._rows + new[old_n:]
            self.endInsertRows()
        changed = [r for r in range(min(old_n, new_n)) if self._rows[r] != new[r]]
        self._rows = new
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0),
                                  self.index(max(changed), self.columnCount() - 1))
