"""The Portfolio tab: plan totals and heat, the bucket table, isolated vs cross, four charts.

The tables and the heat gauge update on every :meth:`PortfolioTab.set_results`; the charts are
built the first time the tab is shown (so matplotlib is not imported before) and then redrawn in
place, only while the tab is visible — a hidden tab just remembers that it is out of date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.charts import BUCKET_COLUMNS, CROSS_COLUMNS, bucket_view, cross_view, totals_line
from ui.portfolio.heat import HeatGauge
from ui.portfolio.models import TableModel

if TYPE_CHECKING:
    from planner import Results
    from ui.portfolio.charts_panel import ChartsPanel


def _table_view(model: TableModel, parent: QWidget, lines: int = 1) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    rows = view.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(lines * view.fontMetrics().lineSpacing() + 6)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setAlternatingRowColors(True)
    view.setWordWrap(lines > 1)
    return view


def _content_height(view: QTableView) -> int:
    """Height that shows every row of ``view`` (plus a scroll bar when columns overflow)."""
    h = view.horizontalHeader().height() + view.verticalHeader().length() + 2 * view.frameWidth()
    if view.horizontalScrollBar().maximum() > 0:   # the columns overflow: room for the bar
        h += view.horizontalScrollBar().sizeHint().height()
    return h


def _scrolling(widget: QWidget, parent: QWidget) -> QScrollArea:
    area = QScrollArea(parent)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def _caption(text: str, parent: QWidget) -> QLabel:
    label = QLabel(f"<b>{text}</b>", parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class PortfolioTab(QWidget):
    """Buckets, plan totals, isolated vs cross and the charts of the current plan.

    Signals:
        bucket_selected(str): The user picked a bucket in the table; "" = all buckets.
    """

    bucket_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._results: Results | None = None
        self._row: int | None = None
        self._bucket = ""
        self._charts: ChartsPanel | None = None
        self._charts_stale = False
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.heat = HeatGauge(self)
        self.buckets = TableModel(BUCKET_COLUMNS, self)
        self.bucket_view = _table_view(self.buckets, self)
        self.cross = TableModel(CROSS_COLUMNS, self)
        self.cross_view = _table_view(self.cross, self, lines=2)
        self.cross_view.horizontalHeader().setStretchLastSection(True)
        for view in (self.bucket_view, self.cross_view):
            view.horizontalScrollBar().rangeChanged.connect(self._fit_tables)
        self.bucket_view.selectionModel().selectionChanged.connect(self._bucket_clicked)
        self._layout()

    def _layout(self) -> None:
        self._tables = tables = QWidget(self)
        self._tables_box = box = QVBoxLayout(tables)
        box.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.summary, 3)
        head.addWidget(self.heat, 2)
        box.addLayout(head)
        for w in (_caption("Buckets — select one to filter the grid", tables), self.bucket_view,
                  _caption("Isolated vs cross margin — every price moves down or up by its "
                           "row's scenario move", tables), self.cross_view):
            box.addWidget(w)
        box.addStretch(1)
        self._charts_host = QWidget(self)
        self._charts_box = QVBoxLayout(self._charts_host)
        self._charts_box.setContentsMargins(0, 0, 0, 0)
        self._charts_host.setMinimumHeight(260)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self._tables_area = _scrolling(tables, self)
        self._want = 0
        self.splitter.addWidget(self._tables_area)
        self.splitter.addWidget(self._charts_host)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.splitter)

    def _fit_tables(self, *_args: int) -> None:
        """Size both tables to their rows; the charts get the rest of the height.

        The tables' pane may be dragged smaller (it scrolls), never taller than its content.
        """
        for view in (self.bucket_view, self.cross_view):
            view.setFixedHeight(_content_height(view))
        self._tables_box.activate()
        want = self._tables.sizeHint().height() + 2
        self._tables_area.setMaximumHeight(want)
        if want != self._want:   # content grew or shrank: give the tables what they need
            self._want = want
            self.splitter.setSizes([want, max(self.height() - want, 260)])

    # -- the contract used by the main window -------------------------------------------------

    def set_results(self, plan: Any, results: Results) -> None:
        """Show a newly computed plan (called by the main window after every recompute)."""
        self._results = results
        t = results.totals
        self.summary.setText(totals_line(results))
        self.heat.set_heat(float(t["heat_pct"]), float(t["heat_cap_pct"]))
        self.buckets.set_table(bucket_view(results))
        self._restore_bucket()
        self.cross.set_table(cross_view(results))
        self._fit_tables()
        self._charts_stale = True
        self._refresh_charts()

    def set_selected_row(self, index: int | None) -> None:
        """Show the price ladder of the trade at row position ``index`` of ``results.rows``.

        Args:
            index: 0-based position in the plan's trades (not a filtered or sorted view row);
                None or a negative number shows the first trade.
        """
        self._row = index if index is not None and index >= 0 else None
        if self._charts is not None and self._results is not None and self.isVisible():
            self._charts.show_ladder(self._results, self._ladder_row())
        else:
            self._charts_stale = True

    def selected_bucket(self) -> str:
        """The bucket the grid is filtered by ("" = all)."""
        return self._bucket

    @property
    def charts(self) -> ChartsPanel | None:
        """The charts panel, or None before the tab was first shown."""
        return self._charts

    # -- internals ----------------------------------------------------------------------------

    def _ladder_row(self) -> int | None:
        n = 0 if self._results is None else len(self._results.rows)
        if self._row is not None and self._row < n:
            return self._row
        return 0 if n else None

    def showEvent(self, event: QShowEvent) -> None:
        """Build the charts the first time the tab is shown, then bring them up to date."""
        super().showEvent(event)
        if self._charts is None:
            from ui.portfolio.charts_panel import ChartsPanel

            self._charts = ChartsPanel(self._charts_host)
            self._charts_box.addWidget(self._charts)
            self._charts_stale = True
        self._refresh_charts()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-fit the tables (word wrap and scroll bars depend on the width)."""
        super().resizeEvent(event)
        if self._results is not None:
            self._fit_tables()

    def _refresh_charts(self) -> None:
        if self._charts is None or self._results is None or not self._charts_stale:
            return
        if not self.isVisible():
            return
        self._charts.show_results(self._results, self._ladder_row())
        self._charts_stale = False

    def _bucket_clicked(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        rows = self.bucket_view.selectionModel().selectedRows()
        bucket = self.buckets.row_key(rows[0].row()) if rows else ""
        if bucket != self._bucket:
            self._bucket = bucket
            self.bucket_selected.emit(bucket)

    def _restore_bucket(self) -> None:
        """Keep the selected bucket selected across recomputes; drop it if it is gone."""
        row = self.buckets.row_of(self._bucket) if self._bucket else -1
        sel = self.bucket_view.selectionModel()
        current = sel.selectedRows()
        if row >= 0 and (not current or current[0].row() != row):
            self.bucket_view.selectRow(row)
        elif row < 0 and self._bucket:   # the bucket is gone: show every trade again
            self._bucket = ""
            sel.clearSelection()
            self.bucket_selected.emit("")
