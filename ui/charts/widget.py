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
from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QVBoxLayout, QWidget

from ui.charts.base import Chart
from ui.charts.export import save_figure

EXPORT_FORMATS = ("png", "svg")
#: On screen, text is drawn without hinting: half the cost of a label in Agg, no visible
#: difference at these sizes. Exports and the report keep matplotlib's defaults.
SCREEN_TEXT: dict[Any, Any] = {"text.hinting": "no_hinting"}


class Canvas(FigureCanvasQTAgg):
    """The Qt Agg canvas, drawing with :data:`SCREEN_TEXT`."""

    def draw(self) -> None:
        """Render the figure (animated artists are added by the chart widget)."""
        with matplotlib.rc_context(SCREEN_TEXT):
            super().draw()


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
    """One chart: a canvas that is built once, then redrawn in place.

    An update that changes the axes, titles or legend (the chart's ``static_key``) schedules a
    full ``draw_idle``. An update that only moves the chart's animated artists (bars, value
    labels, reference lines) is shown on the next idle turn by restoring the background cached
    at the last full draw, drawing just those artists and blitting: Agg renders text glyph by
    glyph, so redrawing every tick label and legend entry would cost far more than the bars.

    Signals:
        redrawn: The canvas shows the latest update (after a full draw or a blit).
    """

    redrawn = Signal()

    def __init__(self, chart_type: type[Chart], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.figure = Figure(figsize=(5.0, 4.0))
        self.canvas = Canvas(self.figure)
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
        self.blit_count = 0
        self._background: Any = None
        self._static: tuple[Any, ...] | None = None
        self._blit_pending = False
        self._draw_requested = False

    def show_series(self, series: Any) -> None:
        """Update the chart's artists for ``series`` and schedule one redraw."""
        self.chart.update(series)
        if self.chart.blit and self._background is not None \
                and self.chart.static_key() == self._static:
            if not self._blit_pending:
                self._blit_pending = True
                QTimer.singleShot(0, self._blit)
        else:
            self._background = None
            self._draw_requested = True
            self.canvas.draw_idle()

    @property
    def pending(self) -> bool:
        """True while an update has not reached the screen yet."""
        return self._blit_pending or self._draw_requested

    @property
    def current(self) -> bool:
        """True when the screen shows the chart as it is (drawn at this size, nothing queued)."""
        return not self.pending and self._background is not None \
            and self.chart.static_key() == self._static

    @property
    def shown_count(self) -> int:
        """How many times the canvas has shown an update (full draws and blits)."""
        return self.draw_count + self.blit_count

    def export(self, path: str | Path) -> Path:
        """Save the chart as PNG or SVG (by suffix), atomically."""
        try:
            with self.chart.still():
                return save_figure(self.figure, path)
        finally:
            self._background = None
            self.canvas.draw_idle()   # saving drew at another resolution

    def _drawn(self, _event: Event) -> None:
        """After a full draw (animated artists left out): cache it, then add them on top."""
        if self.canvas.is_saving():
            return
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._static = self.chart.static_key()
        self._draw_animated()
        self._draw_requested = False
        self.draw_count += 1
        self.redrawn.emit()

    def _draw_animated(self) -> None:
        for art in self.chart.animated:
            if art.get_visible():
                self.figure.draw_artist(art)

    def _blit(self) -> None:
        self._blit_pending = False
        if self._background is None or self.chart.static_key() != self._static:
            self._draw_requested = True
            self.canvas.draw_idle()   # something else changed the axes meanwhile
            return
        self.canvas.restore_region(self._background)
        with matplotlib.rc_context(SCREEN_TEXT):
            self._draw_animated()
        self.canvas.blit(self.figure.bbox)
        self.blit_count += 1
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
