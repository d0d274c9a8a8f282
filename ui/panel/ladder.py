"""``PriceLadder``: the selected trade's price levels drawn to scale with ``QPainter``.

A vertical price axis; the band between entry and stop is the planned risk, beyond the stop
up to liquidation the danger zone, beyond liquidation the margin is gone; the other side of
entry is the profit side. Each level has a tick at its true price and a label (name, price and
distance from entry) spread apart so that close levels stay readable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.formats import fmt_price
from ui.grid.roles import LADDER
from ui.panel.levels import Level, distance_pct, price_range, spread_labels, trade_levels

_MARGIN = 10.0
_BAR_X = 96.0
_BAR_W = 18.0


class PriceLadder(QWidget):
    """Draws one trade's price ladder; ``set_values`` with a results row (or ``None``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._levels: list[Level] = []
        self._side = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 240)

    def sizeHint(self) -> QSize:
        """Room for a dozen labelled levels."""
        return QSize(320, 380)

    def levels(self) -> list[Level]:
        """The levels being drawn, highest price first."""
        return list(self._levels)

    def set_values(self, values: Mapping[str, Any] | None) -> None:
        """Show the trade in ``values`` (a results row as a mapping); ``None`` clears."""
        self._levels = trade_levels(values) if values else []
        self._side = -1.0 if values and values.get("side") == "short" else 1.0
        self.update()

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Zones, ticks and labels."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if not self._levels:
            painter.setPen(QColor("#666"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Select a complete row to see its price ladder")
            return
        lo, hi = price_range(self._levels)
        top, bottom = _MARGIN + 6, self.height() - _MARGIN - 6

        def y_of(price: float) -> float:
            return bottom - (price - lo) / (hi - lo) * (bottom - top)

        self._draw_zones(painter, y_of, top, bottom)
        self._draw_levels(painter, y_of, top, bottom)
        painter.end()

    def _price(self, kind: str) -> float:
        return next((lv.price for lv in self._levels if lv.kind == kind), math.nan)

    def _draw_zones(self, p: QPainter, y_of: Any, top: float, bottom: float) -> None:
        entry, stop, liq = self._price("entry"), self._price("stop"), self._price("liquidation")
        far_adverse = bottom if self._side > 0 else top
        far_profit = top if self._side > 0 else bottom
        zones = [(y_of(entry), far_profit, "profit_zone")]
        if not math.isnan(stop):
            zones.append((y_of(entry), y_of(stop), "risk_zone"))
            end = y_of(liq) if not math.isnan(liq) else far_adverse
            zones.append((y_of(stop), end, "liq_zone"))
        if not math.isnan(liq):
            zones.append((y_of(liq), far_adverse, "liquidation"))
        for y0, y1, kind in zones:
            color = QColor(LADDER[kind])
            if kind == "liquidation":
                color.setAlpha(70)
            rect = QRectF(_BAR_X, min(y0, y1), _BAR_W, abs(y1 - y0))
            p.fillRect(rect, color)
        p.setPen(QPen(QColor("#888"), 1))
        p.drawRect(QRectF(_BAR_X, top, _BAR_W, bottom - top))

    def _draw_levels(self, p: QPainter, y_of: Any, top: float, bottom: float) -> None:
        font = QFont(self.font())
        p.setFont(font)
        metrics = p.fontMetrics()
        gap = metrics.height() + 1
        ys = [y_of(lv.price) for lv in self._levels]
        label_ys = spread_labels(ys, gap, top + gap / 2, bottom - gap / 2)
        entry = self._price("entry")
        for lv, y, ly in zip(self._levels, ys, label_ys, strict=True):
            color = LADDER["scenario" if lv.kind == "target" else lv.kind]
            color = QColor("#2f855a") if lv.kind == "target" else color
            width = 2 if lv.kind in ("entry", "stop", "liquidation") else 1
            p.setPen(QPen(color, width))
            p.drawLine(QPointF(_BAR_X - 6, y), QPointF(_BAR_X + _BAR_W + 6, y))
            p.setPen(QPen(color, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(_BAR_X + _BAR_W + 6, y), QPointF(_BAR_X + _BAR_W + 14, ly))
            self._label(p, lv, ly, entry, color)

    def _label(self, p: QPainter, lv: Level, y: float, entry: float, color: QColor) -> None:
        metrics = p.fontMetrics()
        base = y + metrics.ascent() / 2 - 1
        p.setPen(color)
        name_rect = QRectF(0, y - metrics.height() / 2, _BAR_X - 10, metrics.height())
        p.drawText(name_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   lv.name)
        x = _BAR_X + _BAR_W + 17
        price = fmt_price(lv.price)
        p.setPen(QColor("#111"))
        p.drawText(QPointF(x, base), price)
        if lv.kind != "entry" and entry:
            p.setPen(QColor("#666"))
            p.drawText(QPointF(x + metrics.horizontalAdvance(price) + 8, base),
                       f"{distance_pct(lv.price, entry):+.2f}%")
