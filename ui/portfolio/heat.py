"""The heat gauge: the plan's heat (Σ risk %) as a bar against its cap, painted with QPainter."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from planner.charts import heat_level

COLORS = ("#54a24b", "#e0a800", "#c0392b")   # below 80 % of the cap, near it, above it
WORDS = ("within the cap", "near the cap", "above the cap")


class HeatGauge(QWidget):
    """A horizontal bar: heat filled, a tick at the cap, the numbers written on it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heat = 0.0
        self.cap = 6.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(160)

    def sizeHint(self) -> QSize:
        """Wide and one text line tall."""
        return QSize(280, self.fontMetrics().height() + 10)

    def set_heat(self, heat_pct: float, cap_pct: float) -> None:
        """Show ``heat_pct`` against ``cap_pct`` (both % of capital)."""
        if (heat_pct, cap_pct) == (self.heat, self.cap):
            return
        self.heat, self.cap = heat_pct, cap_pct
        self.setToolTip(f"Heat: Σ risk % of every row = {heat_pct:.2f} % of capital, "
                        f"{self.text_level()} of {cap_pct:g} %.")
        self.update()

    def text_level(self) -> str:
        """``within the cap``, ``near the cap`` or ``above the cap``."""
        return WORDS[heat_level(self.heat, self.cap)]

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Bar, cap tick and text."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(0.5, 2.5, -0.5, -2.5)
        full = max(self.cap * 1.25, self.heat, 1e-9)
        p.setPen(QPen(QColor("#bbbbbb")))
        p.setBrush(QColor("#f2f2f2"))
        p.drawRoundedRect(r, 3, 3)
        fill = QRectF(r.left(), r.top(), r.width() * min(self.heat / full, 1.0), r.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(COLORS[heat_level(self.heat, self.cap)]))
        p.drawRoundedRect(fill, 3, 3)
        x = r.left() + r.width() * self.cap / full
        p.setPen(QPen(QColor("#c0392b"), 2, Qt.PenStyle.DashLine))
        p.drawLine(int(x), int(r.top()) - 2, int(x), int(r.bottom()) + 2)
        p.setPen(QColor("#111111"))
        p.drawText(r.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter,
                   f"Heat {self.heat:.2f} % of capital · cap {self.cap:g} % · "
                   f"{self.text_level()}")
        p.end()
