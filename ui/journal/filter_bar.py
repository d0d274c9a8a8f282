"""The Journal tab's filter bar: close-date range, bucket, symbol, venue, side, tag, capital.

It only builds a :class:`~planner.journal.filters.JournalFilter` (the domain filters and
computes) and emits it; the choices offered are the values present in the journal.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from planner.journal.filters import FILTER_EARLIEST, FILTER_LATEST, JournalFilter, parse_bound

ALL = "All"


def _combo(parent: QWidget, tip: str) -> QComboBox:
    box = QComboBox(parent)
    box.addItem(ALL)
    box.setToolTip(tip)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


class FilterBar(QWidget):
    """Filter controls; ``changed`` carries the new filter, ``capital_changed`` the capital."""

    changed = Signal(object)
    capital_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.use_from, self.start = self._date("From", "Closed on or after (UTC)", box)
        self.use_to, self.end = self._date("To", "Closed on or before (UTC)", box)
        self.combos = {k: _combo(self, f"Only this {k}") for k in ("bucket", "symbol", "venue")}
        self.combos["side"] = _combo(self, "Only longs or only shorts")
        self.combos["side"].addItems(["long", "short"])
        self.combos["tag"] = _combo(self, "Only trades with this tag")
        for key, combo in self.combos.items():
            box.addWidget(QLabel(key.capitalize(), self))
            box.addWidget(combo)
            combo.currentIndexChanged.connect(self._emit)
        box.addWidget(QLabel("Capital $", self))
        self.capital = QDoubleSpinBox(self, decimals=0, minimum=1.0, maximum=1e12,
                                      singleStep=1000.0)
        self.capital.setGroupSeparatorShown(True)
        self.capital.setToolTip("Starting capital of the equity curve and drawdown %")
        self.capital.valueChanged.connect(self.capital_changed)
        box.addWidget(self.capital)
        box.addStretch(1)

    def _date(self, label: str, tip: str, box: QHBoxLayout) -> tuple[QCheckBox, QDateEdit]:
        use = QCheckBox(label, self)
        use.setToolTip(tip)
        edit = QDateEdit(QDate.currentDate(), self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        lo, hi = FILTER_EARLIEST, FILTER_LATEST          # the dates parse_bound takes
        edit.setDateRange(QDate(lo.year, lo.month, lo.day), QDate(hi.year, hi.month, hi.day))
        edit.setEnabled(False)
        use.toggled.connect(edit.setEnabled)
        use.toggled.connect(self._emit)
        edit.dateChanged.connect(self._emit)
        box.addWidget(use)
        box.addWidget(edit)
        return use, edit

    def set_choices(self, trades: pd.DataFrame) -> None:
        """Offer the buckets, symbols and venues present (keeping the current choice)."""
        for key in ("bucket", "symbol", "venue"):
            values = sorted(v for v in trades[key].dropna().astype(str).unique() if v)
            self._fill(self.combos[key], values)
        tags = trades["tags"].astype(str).str.split(",").explode().str.strip() \
            if "tags" in trades else []
        self._fill(self.combos["tag"], sorted({t for t in tags if t}))

    def _fill(self, combo: QComboBox, values: Iterable[str]) -> None:
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems([ALL, *values])
        combo.setCurrentIndex(max(combo.findText(current), 0))
        combo.blockSignals(False)

    def current(self) -> JournalFilter:
        """The filter the controls describe."""
        def pick(key: str) -> tuple[str, ...]:
            text = self.combos[key].currentText()
            return () if text in ("", ALL) else (text,)

        start = parse_bound(self.start.date().toString("yyyy-MM-dd")) \
            if self.use_from.isChecked() else None
        end = parse_bound(self.end.date().toString("yyyy-MM-dd"), end=True) \
            if self.use_to.isChecked() else None
        return JournalFilter(start=start, end=end, buckets=pick("bucket"),
                             symbols=pick("symbol"), venues=pick("venue"), sides=pick("side"),
                             tags=pick("tag"))

    def _emit(self, *_: object) -> None:
        self.changed.emit(self.current())
