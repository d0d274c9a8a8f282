"""The Journal tab's charts: five matplotlib canvases, built on first show, updated in place.

matplotlib is imported here only when the panel is built (the Journal tab builds it when the
tab is first shown), so start-up stays fast. Each chart keeps its artists and redraws with
``draw_idle``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from planner.journal.montecarlo import MonteCarloSettings
    from planner.journal.review import Review

TITLES = (("equity", "Equity"), ("r_histogram", "R multiples"),
          ("bucket_pnl", "P&&L by bucket"), ("calendar", "Daily P&&L"),
          ("monte_carlo", "Monte Carlo"))


class JournalCharts(QTabWidget):
    """Equity curve, R histogram, P&L by bucket, the daily calendar and the Monte Carlo fan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.charts: dict[str, Any] = {}
        self.canvases: dict[str, Any] = {}
        self._pending: Review | None = None
        self.mc_settings: MonteCarloSettings | None = None
        for key, title in TITLES:
            page = QWidget(self)
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self.addTab(page, title)
            self.canvases[key] = page
        self._built = False
        self.currentChanged.connect(self._draw_current)

    def build(self) -> list[str]:
        """Create the figures and canvases (imports matplotlib); return what failed to draw."""
        if self._built:
            return []
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        from ui.charts import journal as charts
        from ui.charts.widget import Toolbar  # the toolbar with plain pixmap icons

        kinds = {"equity": charts.EquityChart, "r_histogram": charts.RHistogramChart,
                 "bucket_pnl": charts.BucketPnlChart, "calendar": charts.CalendarChart,
                 "monte_carlo": charts.MonteCarloChart}
        for key, page in list(self.canvases.items()):
            fig = Figure(figsize=(5, 3), dpi=96)
            canvas = FigureCanvasQTAgg(fig)
            page.layout().addWidget(Toolbar(canvas, page))
            page.layout().addWidget(canvas)
            self.charts[key] = kinds[key](fig)
            self.canvases[key] = canvas
        if self.mc_settings is not None:
            self.charts["monte_carlo"].settings = self.mc_settings
        self._built = True
        return [] if self._pending is None else self.show_review(self._pending)

    def set_monte_carlo(self, settings: MonteCarloSettings) -> None:
        """Use these Monte Carlo settings from now on (redrawn with the next review)."""
        self.mc_settings = settings
        if self._built:
            self.charts["monte_carlo"].settings = settings

    def show_review(self, rv: Review) -> list[str]:
        """Show a review on every chart (kept for later when not built yet).

        Returns:
            What a chart could not draw (an exception must not cross back into Qt).
        """
        self._pending = rv
        if not self._built:
            return []
        problems = []
        for key, chart in self.charts.items():
            try:
                chart.update(rv)
            except Exception as exc:  # shown in the tab's banner; must not reach Qt
                problems.append(f"Journal: the {key.replace('_', ' ')} chart could not be "
                                f"drawn ({type(exc).__name__}: {exc})")
        self._draw_current()
        return problems

    def _draw_current(self, *_: object) -> None:
        """Redraw the chart on show; hidden ones are drawn when their tab is picked."""
        if self._built:
            key = TITLES[max(self.currentIndex(), 0)][0]
            self.canvases[key].draw_idle()
