"""The four charts of the Portfolio tab, in a grid that follows the space it gets.

Importing this module imports matplotlib (through :mod:`ui.charts.widget`): the tab imports it
only when it is first shown.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget

from planner import Results
from planner.charts import allocation, bucket_pnl, cross_pnl, price_ladder
from ui.charts.allocation import AllocationChart
from ui.charts.bucket_pnl import BucketPnlChart
from ui.charts.cross_pnl import CrossPnlChart
from ui.charts.ladder import LadderChart
from ui.charts.widget import ChartWidget

WIDE = 2.4   # width / height above which the four charts go in one row


class ChartsPanel(QWidget):
    """Scenario P&L by bucket, isolated vs cross, allocation and the selected trade's ladder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pnl = ChartWidget(BucketPnlChart, "scenario-pnl-by-bucket", self)
        self.cross = ChartWidget(CrossPnlChart, "isolated-vs-cross", self)
        self.allocation = ChartWidget(AllocationChart, "margin-and-risk-by-bucket", self)
        self.ladder = ChartWidget(LadderChart, "price-ladder", self)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._columns = 0
        self._ladder_shown = "<nothing yet>"
        self._arrange(2)

    def charts(self) -> list[ChartWidget]:
        """The four chart widgets, in reading order."""
        return [self.pnl, self.cross, self.allocation, self.ladder]

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        for i, w in enumerate(self.charts()):
            self._grid.addWidget(w, i // columns, i % columns)
        for c in range(4):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)
        for r in range(4):
            self._grid.setRowStretch(r, 1 if r < 4 // columns else 0)
        self._columns = columns

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Four in a row when the panel is wide and low, else two by two."""
        size = event.size()
        self._arrange(4 if size.width() > WIDE * max(size.height(), 1) else 2)
        super().resizeEvent(event)

    def show_results(self, results: Results, row: int | None) -> None:
        """Update every chart for ``results`` (artists in place, one ``draw_idle`` each)."""
        self.pnl.show_series(bucket_pnl(results))
        self.cross.show_series(cross_pnl(results))
        self.allocation.show_series(allocation(results))
        self.show_ladder(results, row)

    def show_ladder(self, results: Results, row: int | None) -> None:
        """Update the price ladder for row position ``row`` (None: the empty state).

        Skipped when the ladder would not change (an edit of another row).
        """
        ladder = None if row is None else price_ladder(results, row)
        if repr(ladder) != self._ladder_shown:
            self._ladder_shown = repr(ladder)
            self.ladder.show_series(ladder)
