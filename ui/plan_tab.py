"""The Plan tab: filter bar, the planning grid and the selected-trade panel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from ui.document import PlanDocument
from ui.grid.actions import GridActions
from ui.grid.column_menu import ColumnVisibility
from ui.grid.columns import GRID_COLUMNS, INDEX
from ui.grid.delegate import GridPainter, choice_values
from ui.grid.filterbar import FilterBar
from ui.grid.model import PlanTableModel
from ui.grid.order import Filters
from ui.grid.view import PlanGridView
from ui.panel.trade_panel import TradePanel
from ui.prefs import Prefs


class PlanTab(QWidget):
    """Grid + panel for one document.

    Attributes:
        model: The grid's table model.
        view: The grid.
        grid_actions: The grid's editing commands.
        columns: Column show / hide.
        panel: The selected-trade panel.
        filter_bar: The row filters.
    """

    def __init__(self, document: PlanDocument, prefs: Prefs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self.model = PlanTableModel(document, self)
        self.view = PlanGridView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(GridPainter(self.model, lambda k: choice_values(
            k, document.plan), self.view))
        self.grid_actions = GridActions(self.view, self.model, document, self)
        self.columns = ColumnVisibility(self.view, prefs, self)
        self.filter_bar = FilterBar(self)
        self.panel = TradePanel(self)
        self._layout()
        self.filter_bar.filters_changed.connect(self.set_filters)
        self.view.selectionModel().currentChanged.connect(self._show_current)
        document.changed.connect(self._on_changed)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.layoutChanged, self.model.modelReset):
            signal.connect(self._count)
        header = self.view.horizontalHeader()
        header.moveSection(header.visualIndex(INDEX["notes"]), header.count() - 1)
        self._on_changed()
        self.fit_columns()

    def _layout(self) -> None:
        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(split)
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.filter_bar)
        box.addWidget(self.view, 1)
        split.addWidget(left)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setSizes([1280, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.splitter = split

    def fit_columns(self) -> None:
        """Size each column to its header and contents, within sensible bounds."""
        header = self.view.horizontalHeader()
        for c, g in enumerate(GRID_COLUMNS):
            if not self.view.isColumnHidden(c):
                self.view.resizeColumnToContents(c)
                cap = 240 if g.col.key == "notes" else 104 if g.col.fmt == "text" else 84
                header.resizeSection(c, min(max(header.sectionSize(c), 40), cap))

    def set_filters(self, filters: Filters) -> None:
        """Filter the grid (the filter bar follows)."""
        if filters != self.filter_bar.filters():
            self.filter_bar.blockSignals(True)
            self.filter_bar.set_filters(filters)
            self.filter_bar.blockSignals(False)
        self.model.set_filters(filters)

    def set_bucket_filter(self, bucket: str) -> None:
        """Show only one bucket ("" = all buckets)."""
        self.set_filters(self.model.filters.with_changes(bucket=bucket))

    def selected_plan_rows(self) -> list[int]:
        """Plan row indices of the selection, after sort and filter mapping."""
        return self.grid_actions.selected_plan_rows()

    def select_plan_row(self, plan_row: int) -> None:
        """Make a plan row current (when it is shown)."""
        row = self.model.view_row(plan_row)
        if row >= 0:
            index = self.model.index(row, INDEX["symbol"])
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    # -- follow the document ---------------------------------------------------------------
    def _on_changed(self) -> None:
        plan = self._doc.plan
        buckets = sorted({str(b) for b in plan.trades["bucket"] if b}, key=str.lower)
        self.filter_bar.set_choices(buckets, list(plan.venues))
        self._show_current(self.view.currentIndex())
        self._count()

    def _count(self, *_: Any) -> None:
        self.filter_bar.show_count(self.model.rowCount(), len(self._doc.plan.trades))

    def _show_current(self, index: QModelIndex, *_: Any) -> None:
        if not index.isValid() or index.row() >= self.model.rowCount():
            self.panel.set_values(None)
            return
        plan_row = self.model.plan_row(index.row())
        rows = self._doc.results.rows
        if plan_row >= len(rows) or self.model.is_incomplete(plan_row):
            self.panel.set_values(None)
            return
        self.panel.set_values(rows.iloc[plan_row].to_dict())
