"""A chart embedded in Qt: ``backend_qtagg`` canvas, navigation toolbar, PNG/SVG export.

Importing this module imports matplotlib's Qt backend; the Portfolio tab imports it only when
its charts are first shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backend_bases import Event
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QVBoxLayout, QWidget

from ui.charts.base import Chart
from ui.charts.export import save_figure

EXPORT_FORMATS = ("png", "svg")


class Toolbar(NavigationToolbar2QT):
    """The navigation toolbar with plain pixmap icons.

    Matplotlib's own icon engine asks Qt for ``AA_UseHighDpiPixmaps``, which PySide6 6.7+
    deprecates with a warning on every paint; the shipped PNGs (``*_large.png`` for sharp
    high-DPI icons) need no engine.
    """

    def _icon(self, name: str) -> QIcon:
        path = Path(matplotlib.get_data_path(), "images", name)
        large = path.with_name(path.name.replace(".png", "_large.png"))
        pm = QPixmap(str(large if large.exists() else path))
        pm.setDevicePixelRatio(self.devicePixelRatioF() or 1.0)
        if self.palette().color(self.backgroundRole()).value() < 128:   # dark theme
            mask = pm.createMaskFromColor(QColor("black"), Qt.MaskMode.MaskOutColor)
            pm.fill(self.palette().color(self.foregroundRole()))
            pm.setMask(mask)
        return QIcon(pm)


class ChartWidget(QWidget):
    """One chart: a canvas that is built once and redrawn with ``draw_idle``.

    Signals:
        redrawn: The canvas has finished drawing (after an update, a resize or a zoom).
    """

    redrawn = Signal()

    def __init__(self, chart_type: type[Chart], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.figure = Figure(figsize=(5.0, 4.0))
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.chart = chart_type(self.figure)
        self.toolbar = Toolbar(self.canvas, self)
        self.toolbar.setIconSize(QSize(16, 16))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(self._context_menu)
        self.canvas.mpl_connect("draw_event", self._drawn)
        self.canvas.mpl_connect("resize_event", self._resized)
        self.draw_count = 0

    def show_series(self, series: Any) -> None:
        """Update the chart's artists for ``series`` and schedule one redraw."""
        self.chart.update(series)
        self.canvas.draw_idle()

    def export(self, path: str | Path) -> Path:
        """Save the chart as PNG or SVG (by suffix), atomically."""
        return save_figure(self.figure, path)

    def _drawn(self, _event: Event) -> None:
        self.draw_count += 1
        self.redrawn.emit()

    def _resized(self, _event: Event) -> None:
        self.chart.fit()

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        actions = {menu.addAction(f"Export {fmt.upper()}…"): fmt for fmt in EXPORT_FORMATS}
        chosen = menu.exec(self.canvas.mapToGlobal(pos))
        if chosen in actions:
            self.export_dialog(actions[chosen])

    def export_dialog(self, fmt: str) -> None:
        """Ask for a file name and export the chart as ``fmt`` (png or svg)."""
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export chart as {fmt.upper()}", f"{self.name}.{fmt}",
            f"{fmt.upper()} image (*.{fmt})")
        if not path:
            return
        if not path.lower().endswith(f".{fmt}"):
            path += f".{fmt}"
        try:
            self.export(path)
        except OSError as exc:
            QMessageBox.warning(self, "Export failed", f"Cannot write {path}:\n{exc}")
