"""``ScenarioTableModel``: the selected trade's outcome in each scenario (read-only).

One column per scenario (normal, stressed, tail) and one row per per-scenario output of the
schema (price, P&L, liquidated, recovery, touch probabilities), in schema order, with the
scenario name taken out of the row header.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from planner.model import SCENARIO_NAMES
from planner.schema import OUTPUTS, Column
from ui.formats import NUMERIC, formatter
from ui.grid import roles as R

_Index = QModelIndex | QPersistentModelIndex
_FIRST = SCENARIO_NAMES[0]


def _metrics() -> list[tuple[str, Column]]:
    """``(header without the scenario name, column of the first scenario)`` pairs."""
    out = []
    for c in OUTPUTS:
        if f"_{_FIRST}" in c.key and c.group in ("scenarios", "probabilities"):
            out.append((" ".join(w for w in c.header.split() if w != _FIRST), c))
    return out


METRICS = _metrics()


def _key(col: Column, scenario: str) -> str:
    return col.key.replace(f"_{_FIRST}", f"_{scenario}")


class ScenarioTableModel(QAbstractTableModel):
    """Scenario outcomes of one trade: metrics down, scenarios across."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._values: Mapping[str, Any] = {}

    def set_values(self, values: Mapping[str, Any] | None) -> None:
        """Show the trade in ``values`` (a results row); the shape never changes."""
        self._values = dict(values or {})
        self.dataChanged.emit(self.index(0, 0),
                              self.index(self.rowCount() - 1, self.columnCount() - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """One row per per-scenario output."""
        return 0 if parent.isValid() else len(METRICS)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Normal, stressed, tail."""
        return 0 if parent.isValid() else len(SCENARIO_NAMES)

    def value(self, row: int, column: int) -> Any:
        """The raw value of a cell (``None`` when there is no trade)."""
        return self._values.get(_key(METRICS[row][1], SCENARIO_NAMES[column]))

    def data(self, index: _Index, role: int = R.DISPLAY) -> Any:
        """Formatted values, losses in red, liquidations flagged."""
        if not index.isValid():
            return None
        col = METRICS[index.row()][1]
        v = self.value(index.row(), index.column())
        if role == R.DISPLAY:
            return formatter(col.fmt)(v) if v is not None else ""
        if role == int(R.Role.RAW):
            return v
        if role == R.ALIGNMENT:
            return (Qt.AlignmentFlag.AlignRight if col.fmt in NUMERIC
                    else Qt.AlignmentFlag.AlignCenter) | Qt.AlignmentFlag.AlignVCenter
        if role == R.FOREGROUND and isinstance(v, float) and not math.isnan(v) and v < 0:
            return R.LOSS_FG
        if role == R.BACKGROUND and col.fmt == "bool" and bool(v):
            return R.ALERT_BG
        if role == R.TOOLTIP:
            return col.tooltip.replace(_FIRST, SCENARIO_NAMES[index.column()])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = R.DISPLAY) -> Any:
        """Scenario names across; output names (tooltip = meaning) down the side."""
        if orientation == Qt.Orientation.Horizontal:
            ok = 0 <= section < len(SCENARIO_NAMES)
            return SCENARIO_NAMES[section].capitalize() if ok and role == R.DISPLAY else None
        if not 0 <= section < len(METRICS):
            return None
        if role == R.DISPLAY:
            return METRICS[section][0]
        if role == R.TOOLTIP:
            return METRICS[section][1].tooltip
        return None
