"""Custom item roles and the grid's colours (one place for both)."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor


class Role(IntEnum):
    """Item data roles beyond Qt's own.

    Attributes:
        KEY: The column's schema key (``str``).
        RAW: The cell's raw value for inputs and outputs (``float``, ``str``, ``bool``,
            ``None`` for blank).
        PLAN_ROW: The plan row index behind a view row (``int``).
        ALERTS: Reasons of the alerts active on the cell (``list[str]``).
    """

    KEY = Qt.ItemDataRole.UserRole + 1
    RAW = Qt.ItemDataRole.UserRole + 2
    PLAN_ROW = Qt.ItemDataRole.UserRole + 3
    ALERTS = Qt.ItemDataRole.UserRole + 4


#: Qt's roles as plain ints: comparing ints is much faster than comparing enum members, and
#: ``data()`` runs for every role of every visible cell on each paint.
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
EDIT = int(Qt.ItemDataRole.EditRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
STATUS_TIP = int(Qt.ItemDataRole.StatusTipRole.value)
FONT = int(Qt.ItemDataRole.FontRole.value)

#: Background of computed (read-only) cells.
OUTPUT_BG = QBrush(QColor("#eef2f7"))
#: Background and text of a cell an alert concerns.
ALERT_BG = QBrush(QColor("#fbd5d3"))
ALERT_FG = QBrush(QColor("#8a1111"))
#: Background of a required input left blank (a row still being filled in).
MISSING_BG = QBrush(QColor("#fff3c4"))
#: Background and text of a blank Vol cell filled from price history (SPEC §11).
HISTORY_BG = QBrush(QColor("#e3effd"))
HISTORY_FG = QBrush(QColor("#3b5b85"))
#: Text of a loss (negative USD amounts).
LOSS_FG = QBrush(QColor("#a31515"))
#: Header text of computed columns.
OUTPUT_HEADER_FG = QBrush(QColor("#2a4d7a"))

#: Price-ladder colours by zone.
LADDER = {
    "entry": QColor("#1f2937"),
    "trim": QColor("#b7791f"),
    "stop": QColor("#c05621"),
    "review": QColor("#6b46c1"),
    "liquidation": QColor("#c53030"),
    "bankruptcy": QColor("#742a2a"),
    "scenario": QColor("#2b6cb0"),
    "profit_zone": QColor("#e6f4ea"),
    "risk_zone": QColor("#fdf1e3"),
    "liq_zone": QColor("#fbe0de"),
}
