"""Thin Qt models over :class:`planner.charts.Table` (the bucket and isolated-vs-cross tables).

``data()`` reads cached strings and brushes: O(1) per cell. A new table of the same shape emits
``dataChanged`` over the rectangle that changed; a different shape resets the model.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from planner.charts import Table, TableColumn

Index = QModelIndex | QPersistentModelIndex
_TONE = {-1: QBrush(QColor("#b2182b")), 1: QBrush(QColor("#1a7f37"))}
_BAD_ROW = QBrush(QColor("#fde4e4"))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class Role(IntEnum):
    """Custom data roles."""

    RAW = Qt.ItemDataRole.UserRole + 1   #: the raw value (number, text, bool)
    ROW_KEY = Qt.ItemDataRole.UserRole + 2   #: bucket name ("" = plan total) or scenario/direction


def _changed(old: Table, new: Table) -> tuple[int, int, int, int] | None:
    """The smallest rectangle (r0, c0, r1, c1) where text or tone differ, or None."""
    cells = [(r, c) for r, (a, b) in enumerate(zip(old.text, new.text, strict=True))
             for c in range(len(a)) if a[c] != b[c] or old.tone[r][c] != new.tone[r][c]]
    rows = [r for r, (a, b) in enumerate(zip(old.row_tone, new.row_tone, strict=True)) if a != b]
    if not cells and not rows and old.row_notes == new.row_notes:
        return None
    rs = [r for r, _ in cells] + rows
    cs = [c for _, c in cells] + ([0, len(new.columns) - 1] if rows else [])
    if not rs:
        return 0, 0, len(new.text) - 1, len(new.columns) - 1
    return min(rs), min(cs), max(rs), max(cs)


class TableModel(QAbstractTableModel):
    """Read-only model of a :class:`planner.charts.Table`; the row with key "" is bold."""

    def __init__(self, columns: tuple[TableColumn, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._table = Table(columns, (), (), (), (), (), ())
        self._align = [_LEFT if c.fmt == "text" else _RIGHT for c in columns]
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def table(self) -> Table:
        """The table shown."""
        return self._table

    def set_table(self, table: Table) -> None:
        """Show ``table``: ``dataChanged`` over what changed, or a reset if the shape differs."""
        old = self._table
        same = old.columns == table.columns and old.row_keys == table.row_keys
        if not same:
            self.beginResetModel()
            self._table = table
            self._align = [_LEFT if c.fmt == "text" else _RIGHT for c in table.columns]
            self.endResetModel()
            return
        self._table = table
        rect = _changed(old, table)
        if rect is not None:
            r0, c0, r1, c1 = rect
            self.dataChanged.emit(self.index(r0, c0), self.index(r1, c1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of table rows."""
        return 0 if parent.isValid() else len(self._table.text)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of table columns."""
        return 0 if parent.isValid() else len(self._table.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cached text, alignment, tone colour, bold total, tooltips, raw value."""
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        t = self._table
        if role == Qt.ItemDataRole.DisplayRole:
            return t.text[r][c]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align[c]
        if role == Qt.ItemDataRole.ForegroundRole:
            return _TONE.get(t.tone[r][c])
        if role == Qt.ItemDataRole.BackgroundRole:
            return _BAD_ROW if t.row_tone[r] < 0 else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if t.row_keys[r] == "" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return t.row_notes[r]
        if role == Role.RAW:
            return t.values[r][c]
        if role == Role.ROW_KEY:
            return t.row_keys[r]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column headers and their tooltips; no row headers."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._table.columns):
            return None
        col = self._table.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip
        return None

    def row_key(self, row: int) -> str:
        """The key of ``row`` (bucket name, "" for the plan total)."""
        return self._table.row_keys[row]

    def row_of(self, key: str) -> int:
        """The row whose key is ``key``, or −1."""
        keys = self._table.row_keys
        return keys.index(key) if key in keys else -1
