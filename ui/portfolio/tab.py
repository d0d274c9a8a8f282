"""Minimal Portfolio tab: the bucket table (the full tab is built in its own issue)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget


class PortfolioTab(QWidget):
    """Shows the bucket table of the current results."""

    bucket_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = QStandardItemModel(self)
        self._view = QTableView(self)
        self._view.setModel(self._model)
        layout = QVBoxLayout(self)
        layout.addWidget(self._view)

    def set_results(self, plan: Any, results: Any) -> None:
        """Show the bucket table of ``results``."""
        frame = results.buckets
        self._model.clear()
        self._model.setHorizontalHeaderLabels([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            self._model.appendRow([QStandardItem(str(v)) for v in row])
