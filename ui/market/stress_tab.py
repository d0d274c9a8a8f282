"""The Stress tab: replay the plan through past windows (worst found, or typed dates).

Controls on top (K worst windows of H hours, or a typed FROM–TO), the rows × windows table in the
middle (outcome and P&L coloured like the scenario columns), the per-window totals below it and
the chart of the selected cell's row path through its window. The replay runs when asked, on the
plan as it is then; the market file is read-only here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.market.replay import ReplayResult, replay_frame
from planner.market.store import MarketError
from planner.market.stress import History, find_worst, load_history, stress
from planner.market.views import row_path, stress_table, totals_lines
from planner.market.windows import parse_window
from ui.market.models import StressModel

#: What the tab shows before a first replay.
HINT = ("Replays every complete row of the plan through real price history, returned to its "
        "entry (a plan priced today goes through 2020's crash): find the worst windows of the "
        "history, or type a window's dates. The candles come from the market file: import "
        "Binance kline files with Plan → Market data… first.")


class StressTab(QWidget):
    """Replay of the current plan; ``document`` gives ``plan`` and ``results``."""

    def __init__(self, document: Any, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.path = document, path
        self.history: History | None = None
        self.results: list[ReplayResult] = []
        self.model = StressModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.selectionModel().currentChanged.connect(self._cell_changed)
        self.totals = QLabel(HINT, self)
        self.totals.setWordWrap(True)
        self.chart: Any = None
        self.split = QSplitter(self)
        self.split.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.addLayout(self._controls())
        layout.addWidget(self.split, 1)
        layout.addWidget(self.totals)

    def _controls(self) -> QHBoxLayout:
        self.worst_k = QSpinBox(self)
        self.worst_k.setRange(1, 20)
        self.worst_k.setValue(3)
        self.hours = QDoubleSpinBox(self)
        self.hours.setRange(1, 24 * 365)
        self.hours.setValue(72)
        self.start, self.end = QLineEdit(self), QLineEdit(self)
        self.start.setPlaceholderText("from 2020-03-12")
        self.end.setPlaceholderText("to 2020-03-14")
        worst, typed = QPushButton("Find &worst", self), QPushButton("&Replay window", self)
        worst.clicked.connect(self.run_worst)
        typed.clicked.connect(self.run_typed)
        row = QHBoxLayout()
        for w in (QLabel("Worst", self), self.worst_k, QLabel("windows of", self), self.hours,
                  QLabel("hours", self), worst, QLabel("  or", self), self.start, self.end,
                  typed):
            row.addWidget(w)
        row.addStretch(1)
        return row

    def _load(self) -> History:
        plan = self.document.plan
        self.history = load_history(self.path, plan.trades["symbol"])
        return self.history

    def run_worst(self) -> str:
        """Replay through the K worst windows of the reference series; return the summary."""
        try:
            history = self._load()
            windows = find_worst(history, self.worst_k.value(), self.hours.value())
        except (MarketError, ValueError) as exc:
            return self._say(str(exc))
        return self._run(windows)

    def run_typed(self) -> str:
        """Replay through the typed window; return the summary."""
        try:
            windows = [parse_window(self.start.text(), self.end.text())]
            self._load()
        except (MarketError, ValueError) as exc:
            return self._say(str(exc))
        return self._run(windows)

    def _run(self, windows: list[Any]) -> str:
        assert self.history is not None
        self.results = stress(self.document.results, self.history, windows)
        self.model.set_table(stress_table(self.results))
        self.view.resizeColumnsToContents()
        return self._say("\n".join(totals_lines(self.results)))

    def _say(self, text: str) -> str:
        self.totals.setText(text)
        return text

    def _cell_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.show_path(current.row(), current.column())

    def show_path(self, row: int, column: int) -> Any:
        """Chart the path of plan row ``row`` (0-based) through window ``column``."""
        if self.history is None or column >= len(self.results):
            return None
        rows = replay_frame(self.document.results)
        path = row_path(rows, self.history, self.results[column], row)
        if self.chart is None:
            from ui.charts.stress_path import StressPathChart
            from ui.charts.widget import ChartWidget

            self.chart = ChartWidget(StressPathChart, "stress-path", self)
            self.split.addWidget(self.chart)
            self.split.setSizes([1, 1])
        self.chart.show_series(path)
        return path
