"""Thin table models of the Journal tab, driven by the journal column schemas.

:class:`FrameModel` shows a frame through a tuple of schema ``Column`` objects (the trade table
uses ``VIEW_COLUMNS``, the bucket table ``BUCKET_COLUMNS``). ``set_frame`` keeps one numpy
array per column; ``data()`` reads one element and formats it on demand (memoised), so it is
O(1) per cell whatever the number of trades. Sorting permutes the arrays (``layoutChanged``).
:class:`SummaryModel` shows the §7 statistics as a two-column table. Read-only models:
``setData`` is never accepted.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from planner.journal.columns import SUMMARY_COLUMNS
from planner.schema import Column
from ui.formats import NUMERIC, formatter
from ui.grid.roles import ALIGNMENT as ALIGN
from ui.grid.roles import BACKGROUND, DISPLAY, EDIT, FOREGROUND, TOOLTIP

Index = QModelIndex | QPersistentModelIndex
#: The cell's stored value (``float``, ``str``, ``numpy.datetime64``; NaN for blank).
RAW_ROLE = int(Qt.ItemDataRole.UserRole.value) + 1
_SIGNED = frozenset({"r_multiple", "expectancy_r", "mean_r_low", "mean_r_high"})
LOSS = QBrush(QColor("#a31515"))
#: Backgrounds that make the outcome readable at a glance.
MARKS: dict[str, QBrush] = {
    "tail": QBrush(QColor("#fde2c4")), "beyond tail": QBrush(QColor("#f8c4c4")),
    "edge": QBrush(QColor("#d7f0dc")), "negative edge": QBrush(QColor("#f8c4c4")),
    "noise": QBrush(QColor("#f1f1f1")),
}
MAX_CACHED = 200_000   # formatted cells kept (a few screens of a 100,000-trade journal)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def _text(value: Any, col: Column) -> str:
    """One cell as shown: schema format; times as ``YYYY-MM-DD HH:MM`` UTC."""
    if col.fmt == "datetime":
        return "" if pd.isna(value) else str(np.datetime_as_string(value, unit="m")).replace(
            "T", " ")
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if col.fmt == "ratio" and isinstance(value, float) and abs(value) < 0.005:
        value = 0.0       # never "-0"
    return formatter(col.fmt)(value)


def _column_array(frame: pd.DataFrame, col: Column) -> np.ndarray:
    values = frame[col.key] if col.key in frame else pd.Series([None] * len(frame))
    if col.fmt == "datetime":
        return values.dt.tz_convert(None).to_numpy(dtype="datetime64[us]")
    if col.dtype == "float" or values.dtype.kind in "fi":
        return values.to_numpy(dtype=float)
    return values.to_numpy(dtype=object)


class FrameModel(QAbstractTableModel):
    """A read-only table of a frame, one schema ``Column`` per table column."""

    def __init__(self, columns: tuple[Column, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self._arrays: list[np.ndarray] = [np.empty(0) for _ in columns]
        self._rows = 0
        self._cache: dict[tuple[int, int], str] = {}

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Show a new frame (a new filter or a new journal: a model reset)."""
        self.beginResetModel()
        self._arrays = [_column_array(frame, c) for c in self.columns]
        self._rows = len(frame)
        self._cache.clear()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (0 under a valid parent: a flat table)."""
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Columns of the schema."""
        return 0 if parent.isValid() else len(self.columns)

    def raw(self, row: int, column: int) -> Any:
        """The stored value of a cell."""
        v = self._arrays[column][row]
        return v.item() if isinstance(v, np.generic) else v

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        """Text, raw value, alignment, colour or mark of one cell."""
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        col = self.columns[c]
        if role == DISPLAY:
            key = (r, c)
            if key not in self._cache:
                if len(self._cache) > MAX_CACHED:
                    self._cache.clear()
                self._cache[key] = _text(self._arrays[c][r], col)
            return self._cache[key]
        if role in (EDIT, RAW_ROLE):
            return self.raw(r, c)
        if role == ALIGN:
            return int((_RIGHT if col.fmt in NUMERIC else _LEFT).value)
        if role == FOREGROUND and (col.unit == "USD" or col.key in _SIGNED):
            v = self._arrays[c][r]
            return LOSS if v < 0 else None
        if role == BACKGROUND and col.key in ("band", "verdict"):
            return MARKS.get(str(self._arrays[c][r]))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Header text, and the column's meaning as the tooltip; rows are numbered."""
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == DISPLAY else None
        if not 0 <= section < len(self.columns):
            return None
        col = self.columns[section]
        if role == DISPLAY:
            return col.header
        return col.tooltip if role == TOOLTIP else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (blanks last), keeping selections on their rows."""
        if not 0 <= column < len(self.columns) or self._rows == 0:
            return
        perm = _order(self._arrays[column], order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        where = np.empty(self._rows, dtype=np.int64)
        where[perm] = np.arange(self._rows)
        self._arrays = [a[perm] for a in self._arrays]
        self._cache.clear()
        self.changePersistentIndexList(
            old, [self.index(int(where[i.row()]), i.column()) for i in old])
        self.layoutChanged.emit()


def _order(values: np.ndarray, descending: bool) -> np.ndarray:
    """Stable order of ``values``; NaN / NaT / blanks last either way."""
    if values.dtype.kind in "fM":
        blank = np.isnan(values) if values.dtype.kind == "f" else np.isnat(values)
        key = values
    else:
        text = np.array([str(v).lower() for v in values], dtype=object)
        blank = text == ""
        key = text
    idx = np.flatnonzero(~blank)
    ranked = idx[np.argsort(key[idx], kind="stable")]
    if descending:
        ranked = ranked[::-1]
    return np.concatenate([ranked, np.flatnonzero(blank)])


class TradesModel(FrameModel):
    """The trade table: like :class:`FrameModel`, with the ``tags`` column editable.

    An edit never changes the table itself: it emits ``tags_edited(id, text)`` and the tab
    stores the tags (one transaction) and reloads.
    """

    tags_edited = Signal(int, str)

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Show a frame; the trades' ids ride along (hidden) through every sort."""
        super().set_frame(frame)
        ids = frame["id"].to_numpy(dtype=float) if "id" in frame else np.full(len(frame), np.nan)
        self._arrays.append(ids)

    def trade_id(self, row: int) -> int | None:
        """The stored id of the trade shown in ``row`` (``None`` when not stored)."""
        v = self._arrays[len(self.columns)][row] if len(self._arrays) > len(self.columns) \
            else math.nan
        return None if math.isnan(v) else int(v)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """The tags cell of a stored trade is editable."""
        base = super().flags(index)
        if index.isValid() and self.columns[index.column()].key == "tags" \
                and self.trade_id(index.row()) is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        """Ask for new tags on a trade (``tags_edited``); False for anything else."""
        if role != EDIT or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        trade = self.trade_id(index.row())
        if trade is None or not isinstance(value, str) or len(value) > 1000:
            return False
        self.tags_edited.emit(trade, value)
        return True


class SummaryModel(QAbstractTableModel):
    """The §7 statistics: one row per statistic, columns *Statistic* and *Value*."""

    HEADERS = ("Statistic", "Value")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._texts = ["" for _ in SUMMARY_COLUMNS]
        self._values: list[float] = [math.nan for _ in SUMMARY_COLUMNS]

    def set_summary(self, summary: dict[str, float]) -> None:
        """Show new statistics (only the value column changes)."""
        self._values = [float(summary.get(c.key, math.nan)) for c in SUMMARY_COLUMNS]
        self._texts = [_text(v, c) for v, c in zip(self._values, SUMMARY_COLUMNS, strict=True)]
        if self._texts:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self._texts) - 1, 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per statistic."""
        return 0 if parent.isValid() else len(SUMMARY_COLUMNS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Statistic and value."""
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        """Name (with its meaning as tooltip) or formatted value."""
        if not index.isValid():
            return None
        col = SUMMARY_COLUMNS[index.row()]
        if role == DISPLAY:
            return col.header if index.column() == 0 else self._texts[index.row()]
        if role == TOOLTIP:
            return col.tooltip
        if role in (EDIT, RAW_ROLE) and index.column() == 1:
            return self._values[index.row()]
        if role == ALIGN and index.column() == 1:
            return int(_RIGHT.value)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        """Column headers."""
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal and 0 <= section < 2:
            return self.HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
