"""The Journal tab: filters, the §7 statistics, per-bucket attribution, plan vs outcome, charts.

The tab asks the domain for everything it shows (``planner.journal.review``) and keeps no
logic of its own: a filter change or a journal change recomputes the review and hands it to
thin models and to the charts. Import and export go through the domain too; a file with bad
rows is shown for review before anything is stored. Problems (a damaged, read-only or locked
journal) show in a banner at the top, never as a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.errors import FileRefused, PlanError
from planner.journal.columns import BUCKET_COLUMNS, VIEW_COLUMNS
from planner.journal.filters import JournalFilter
from planner.journal.store import JournalError
from ui.journal.charts_panel import JournalCharts
from ui.journal.filter_bar import FilterBar
from ui.journal.models import FrameModel, SummaryModel, TradesModel
from ui.journal.session import JournalSession

if TYPE_CHECKING:
    import pandas as pd

    from planner.journal.montecarlo import MonteCarloSettings
    from planner.journal.review import Review
    from planner.model import Scenario

BANNER_STYLE = "background: #fff3c4; color: #5c4400; padding: 4px;"
Context = Callable[[], tuple[float, Sequence["Scenario"]]]
#: The open plan's computed rows and sheet rows (for linking imported trades), or ``None``.
PlanRows = Callable[[], Any]


def _table(model: Any, parent: QWidget, sortable: bool = True) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # domain order
    view.setSortingEnabled(sortable)
    for i, col in enumerate(getattr(model, "columns", ())):
        if col.fmt == "datetime":
            view.setColumnWidth(i, 130)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def _titled(title: str, widget: QWidget, parent: QWidget) -> QWidget:
    page = QWidget(parent)
    box = QVBoxLayout(page)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(QLabel(f"<b>{title}</b>", page))
    box.addWidget(widget)
    return page


class JournalTab(QWidget):
    """Review of the closed trades in ``session``.

    Args:
        session: The open journal.
        context: Returns the plan's capital (USD) and scenarios (for the bands).
        plan_rows: Returns the open plan's ``(computed rows, sheet rows)``: imported trades are
            linked to them, and the Monte Carlo takes the plan's risk per trade.
    """

    def __init__(self, session: JournalSession, context: Context,
                 parent: QWidget | None = None, plan_rows: PlanRows | None = None) -> None:
        super().__init__(parent)
        self.session, self._context, self.plan_rows = session, context, plan_rows
        self.trades_frame: pd.DataFrame | None = None
        self.review: Review | None = None
        self._stale = True
        self.banner = QLabel("", self, wordWrap=True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.filter_bar = FilterBar(self)
        self._plan_capital, self._scenarios = context()
        self.filter_bar.capital.setValue(self._plan_capital)
        self.summary_model = SummaryModel(self)
        self.bucket_model = FrameModel(BUCKET_COLUMNS, self)
        self.trades_model = TradesModel(VIEW_COLUMNS, self)
        self.trades_model.tags_edited.connect(self.set_tags)
        self.bands = QLabel("", self)
        self.charts = JournalCharts(self)
        self._layout()
        self.filter_bar.changed.connect(lambda _f: self.recompute())
        self.filter_bar.capital_changed.connect(lambda _c: self.recompute())
        session.changed.connect(self.mark_stale)
        session.failed.connect(self.show_problem)

    def _layout(self) -> None:
        top = QHBoxLayout()
        self.path_label = QLabel(f"Journal: {self.session.path}", self)
        self.status = QLabel("", self)
        self.import_button = QPushButton("Import…", self)
        self.export_button = QPushButton("Export…", self)
        self.import_button.clicked.connect(self._ask_import)
        self.export_button.clicked.connect(self._ask_export)
        for w in (self.path_label, self.status, self.import_button, self.export_button):
            top.addWidget(w)
        top.insertStretch(1, 1)
        upper = QSplitter(Qt.Orientation.Horizontal, self)
        upper.addWidget(_table(self.summary_model, self, sortable=False))
        upper.addWidget(_titled("Buckets: what earns its keep (95 % interval on mean R)",
                                _table(self.bucket_model, self), self))
        upper.setSizes([300, 1200])
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(_titled("Plan vs outcome: realized move in planned σ and its scenario "
                                "band", _table(self.trades_model, self), self))
        lower.addWidget(self.charts)
        lower.setSizes([800, 700])
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setSizes([300, 600])
        box = QVBoxLayout(self)
        box.addWidget(self.banner)
        box.addLayout(top)
        box.addWidget(self.filter_bar)
        box.addWidget(self.bands)
        box.addWidget(split, 1)

    # -- refreshing ------------------------------------------------------------------------
    def plan_changed(self) -> None:
        """Follow the plan: its capital (unless the user typed another) and its scenarios."""
        capital, scenarios = self._context()
        if capital != self._plan_capital:
            if self.filter_bar.capital.value() == self._plan_capital:
                self.filter_bar.capital.setValue(capital)
            self._plan_capital = capital
        if tuple(scenarios) != tuple(self._scenarios):
            self._scenarios = scenarios
            self.recompute()

    def mark_stale(self) -> None:
        """The journal changed: reload now if the tab is visible, else when it is shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Build the charts and load the journal the first time the tab is shown."""
        super().showEvent(event)
        problems = self.charts.build()
        if problems:
            self.show_problem("\n".join(problems))
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Reload every trade from the journal, then recompute."""
        self._stale = False
        try:
            self.trades_frame = self.session.trades()
        except JournalError as exc:
            self.show_problem(str(exc))
            return
        self._show_notice()
        self.filter_bar.set_choices(self.trades_frame)
        self.recompute()

    def _show_notice(self) -> None:
        notice = "\n".join(t for t in (self.session.notice, self._range_notice()) if t)
        self.banner.setVisible(bool(notice))
        self.banner.setText(notice)
        self.import_button.setEnabled(not self.session.read_only)

    def _range_notice(self) -> str:
        """Say so when stored trades (an older version's) have a close time out of range."""
        from planner.journal.times import outside_range, range_text

        if self.trades_frame is None:
            return ""
        n = int(outside_range(self.trades_frame["closed_at"]).sum())
        return "" if not n else (
            f"{n} stored trade(s) closed outside the supported range ({range_text()}): "
            "counted in the statistics, left out of the calendar. Remove their batch "
            "(journal batches, journal remove-batch) to correct them.")

    def show_problem(self, text: str) -> None:
        """Show a problem in the banner (a damaged, read-only or locked journal, a bad file)."""
        self.banner.setText(text)
        self.banner.show()

    def current_filter(self) -> JournalFilter:
        """The filter the bar describes."""
        return self.filter_bar.current()

    def recompute(self) -> None:
        """Review the trades under the current filter and show it everywhere."""
        from planner.journal.review import review
        from planner.journal.stats import band_counts

        if self.trades_frame is None:
            return
        rv = review(self.trades_frame, self.current_filter(), self.filter_bar.capital.value(),
                    self._scenarios)
        self.charts.set_monte_carlo(self.monte_carlo_settings())
        self.review = rv
        self.summary_model.set_summary(rv.summary)
        self.bucket_model.set_frame(rv.buckets)
        self.trades_model.set_frame(rv.trades)
        counts = band_counts(rv.trades)
        self.bands.setText("Realized moves by scenario band: " + " · ".join(
            f"{k} {v}" for k, v in counts.items()))
        problems = self.charts.show_review(rv)
        if problems:
            self.show_problem("\n".join(problems))

    def monte_carlo_settings(self) -> MonteCarloSettings:
        """Monte Carlo settings: the open plan's risk per trade (median Risk %), else 1 %."""
        from planner.journal.montecarlo import MonteCarloSettings, plan_risk_pct

        risk = None
        rows = self.plan_rows() if self.plan_rows is not None else None
        if rows is not None:
            risk = plan_risk_pct(rows[0])
        return MonteCarloSettings(risk_pct=risk or 1.0)

    def set_tags(self, trade_id: int, tags: str) -> None:
        """Store a trade's tags typed in the table (a refused write shows in the banner)."""
        try:
            self.session.set_tags(trade_id, tags)
        except JournalError as exc:
            self.show_problem(str(exc))

    # -- import / export -------------------------------------------------------------------
    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import closed trades", "",
                                              "Trades (*.csv *.txt *.xlsx);;All files (*)")
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path, *, interactive: bool = True) -> int:
        """Import a journal CSV / workbook, or an export through the column mapper.

        Returns:
            Trades added (0 when the user cancelled or the file was refused).
        """
        from ui.journal.importing import import_path

        try:
            added, skipped = import_path(self, self.session, Path(path), interactive,
                                         plan_rows=self.plan_rows)
        except (PlanError, JournalError) as exc:
            self.show_problem(str(exc))
            return 0
        self.banner.setVisible(bool(self.session.notice))
        self.banner.setText(self.session.notice)
        self.status.setText(f"{Path(path).name}: {added} added, {skipped} already in the "
                            "journal")
        return added

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the filtered trades", "journal.csv",
                                              "CSV (*.csv);;Workbook (*.xlsx)")
        if path:
            self.export_file(path)

    def export_file(self, path: str | Path) -> int:
        """Write the trades the filter keeps to CSV or a workbook; return how many."""
        from ui.journal.importing import export_path

        if self.review is None:
            self.refresh()
        if self.review is None:
            return 0
        try:
            export_path(self.review.trades, Path(path))
        except (OSError, PlanError, FileRefused) as exc:
            self.show_problem(f"{path}: not written ({exc})")
            return 0
        self.status.setText(f"{Path(path).name}: {len(self.review.trades)} trade(s) written")
        return len(self.review.trades)
