"""The filter bar above the grid: bucket, side, venue, alerts only; and the row count."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from planner.model import DEFAULT_BUCKETS, SIDES
from ui.grid.order import Filters

ALL = "All"


class FilterBar(QWidget):
    """Drop-downs that filter the grid's rows.

    Signals:
        filters_changed(Filters): The user changed a filter.
    """

    filters_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._combos: dict[str, QComboBox] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for field, label in (("bucket", "Bucket"), ("side", "Side"), ("venue", "Venue")):
            combo = QComboBox(self)
            combo.setObjectName(f"filter_{field}")
            combo.setMinimumContentsLength(12)
            combo.currentTextChanged.connect(self._emit)
            layout.addWidget(QLabel(f"{label}:", self))
            layout.addWidget(combo)
            self._combos[field] = combo
        self.alerts = QCheckBox("Rows with alerts only", self)
        self.alerts.toggled.connect(self._emit)
        layout.addWidget(self.alerts)
        layout.addStretch(1)
        self.count = QLabel(self)
        layout.addWidget(self.count)
        self._quiet = False
        self.set_choices([], [])

    def set_choices(self, buckets: list[str], venues: list[str]) -> None:
        """Offer the plan's buckets and venues (the current choice is kept when possible)."""
        self._quiet = True
        wanted = {"bucket": [*DEFAULT_BUCKETS, *[b for b in buckets if b not in DEFAULT_BUCKETS]],
                  "side": list(SIDES), "venue": venues}
        for field, values in wanted.items():
            combo = self._combos[field]
            current = combo.currentText()
            if [combo.itemText(i) for i in range(1, combo.count())] != values:
                combo.clear()
                combo.addItems([ALL, *values])
                combo.setCurrentText(current if current in values else ALL)
        self._quiet = False

    def filters(self) -> Filters:
        """The filters the bar shows."""
        def value(field: str) -> str:
            text = self._combos[field].currentText()
            return "" if text == ALL else text
        return Filters(value("bucket"), value("side"), value("venue"), self.alerts.isChecked())

    def set_filters(self, filters: Filters) -> None:
        """Show ``filters`` (and emit ``filters_changed``)."""
        self._quiet = True
        for field in ("bucket", "side", "venue"):
            self._combos[field].setCurrentText(getattr(filters, field) or ALL)
        self.alerts.setChecked(filters.alerts_only)
        self._quiet = False
        self._emit()

    def show_count(self, shown: int, total: int) -> None:
        """Show how many rows pass the filters."""
        self.count.setText(f"{shown} of {total} rows" if shown != total else f"{total} rows")

    def _emit(self, *_: object) -> None:
        if not self._quiet:
            self.filters_changed.emit(self.filters())
