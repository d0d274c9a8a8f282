"""``TradePanel``: the selected row's summary line, price ladder and scenario table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.formats import fmt_lev, fmt_usd
from ui.panel.ladder import PriceLadder
from ui.panel.scenario_model import ScenarioTableModel


def summary(values: Mapping[str, Any]) -> str:
    """One line about the trade: symbol, side, venue, leverage, size, margin, risk."""
    venue = values.get("venue") or "default venue"
    return (f"<b>{values.get('symbol') or '(no symbol)'}</b> · {values.get('side')} · "
            f"{venue} · {fmt_lev(values.get('leverage'))}<br>"
            f"Notional {fmt_usd(values.get('notional_usd'))} $ · margin "
            f"{fmt_usd(values.get('margin_usd'))} $ · risk {fmt_usd(values.get('risk_usd'))} $")


class TradePanel(QWidget):
    """The panel beside the grid; ``set_values`` with a results row or ``None``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.ladder = PriceLadder(self)
        self.scenarios = ScenarioTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.scenarios)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setFixedHeight(24 + 21 * self.scenarios.rowCount())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.ladder, 1)
        layout.addWidget(self.table)
        self.set_values(None)

    def set_values(self, values: Mapping[str, Any] | None) -> None:
        """Show one trade (``None``: nothing selected or the row is incomplete)."""
        self.title.setText(summary(values) if values else "<i>No trade selected</i>")
        self.ladder.set_values(values)
        self.scenarios.set_values(values)
