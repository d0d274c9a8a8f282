"""Thin Qt models of the market dialog's series list and the Stress tab's rows × windows table.

Both read precomputed strings and tones (``planner.market.views``); ``data()`` is O(1) per cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from planner.market.views import StressTable

Index = QModelIndex | QPersistentModelIndex
_TONE = {-1: QBrush(QColor("#b2182b")), 1: QBrush(QColor("#1a7f37"))}
SERIES_HEADERS = ("Kind", "Symbol", "Interval", "Rows", "From (UTC)", "To (UTC)", "Gaps")


def _stamp(us: Any) -> str:
    return str(np.datetime64(int(us), "us").astype("datetime64[m]")).replace("T", " ")


class SeriesModel(QAbstractTableModel):
    """What the market file holds: one row per candle series or funding history."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []
        self._tips: list[str] = []

    def set_series(self, frame: pd.DataFrame, gaps: dict[tuple[str, str], list[Any]]) -> None:
        """Show ``MarketStore.series()`` and the gaps per (symbol, interval)."""
        self.beginResetModel()
        self._rows, self._tips = [], []
        for k, s, i, n, a, b in zip(frame["kind"], frame["symbol"], frame["interval"],
                                    frame["rows"], frame["first"], frame["last"], strict=True):
            holes = gaps.get((s, i), [])
            self._rows.append((k, s, i or "-", f"{int(n):,}", _stamp(a), _stamp(b),
                               str(len(holes))))
            self._tips.append("\n".join(f"missing {_stamp(x)} → {_stamp(y)}"
                                        for x, y in holes[:20]) or "no gaps")
        self.endResetModel()

    def key(self, row: int) -> tuple[str, str, str]:
        """``(kind, symbol, interval)`` of a row ("" interval for funding)."""
        k, s, i = self._rows[row][:3]
        return k, s, "" if i == "-" else i

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Rows (none under a parent)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Columns (none under a parent)."""
        return 0 if parent.isValid() else len(SERIES_HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text and, on the gaps column, the list of holes as a tooltip."""
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return SERIES_HEADERS[section]
        return None


class StressModel(QAbstractTableModel):
    """Rows × windows: outcome and P&L, red for a loss or liquidation, green for a gain."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._t = StressTable((), (), (), (), ())

    def set_table(self, table: StressTable) -> None:
        """Show a new table (a new replay)."""
        self.beginResetModel()
        self._t = table
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Plan rows."""
        return 0 if parent.isValid() else len(self._t.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Windows."""
        return 0 if parent.isValid() else len(self._t.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cached text, tone colour and tooltip."""
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._t.text[r][c]
        if role == Qt.ItemDataRole.ForegroundRole:
            return _TONE.get(self._t.tone[r][c])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._t.tips[r][c]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Window labels across, row labels down."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._t.headers[section]
        return self._t.rows[section]
