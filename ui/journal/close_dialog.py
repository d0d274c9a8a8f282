"""The "Close trade…" dialog: what happened to one planned trade.

The dialog shows what the trade was planned with and asks for the exit (price, time), fees and
funding, with the actual entry and quantity prefilled from the plan. Times are entered in the
computer's timezone, which the dialog names, and stored in UTC. A live preview shows the P&L,
the R multiple and the scenario band the move fell in; a bad value is named under the form and
the dialog stays open. The domain validates (``planner.journal.close``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from planner.errors import PlanError
from planner.journal.close import Fill, closed_trades, planned_fields
from planner.journal.derive import derive
from ui.formats import fmt_price, fmt_qty, fmt_usd2

if TYPE_CHECKING:
    from planner import Plan, Results

ERROR_STYLE = "color: #a31515;"


def _utc(edit: QDateTimeEdit) -> pd.Timestamp:
    return pd.Timestamp(edit.dateTime().toMSecsSinceEpoch(), unit="ms", tz="UTC")


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return float("nan")


class CloseTradeDialog(QDialog):
    """Ask how plan row ``row`` was closed; :meth:`fill` returns the answer."""

    def __init__(self, plan: Plan, results: Results, row: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan, self.results, self.row = plan, results, row
        p = planned_fields(plan, results, row)
        self.setWindowTitle(f"Close trade — {p['symbol']} {p['side']}")
        zone = bytes(QTimeZone.systemTimeZoneId().data()).decode() or "local time"
        form = QFormLayout()
        self.exit_price = self._line(form, "Exit price", "", "Average exit price, quote currency")
        self.closed_at = self._time(form, f"Closed at ({zone})")
        self.use_opened, self.opened_at = self._opened(form)
        self.fees = self._line(form, "Fees $", "0", "Fees paid over the trade, USD")
        self.funding = self._line(form, "Funding $ (+ received)", "0",
                                  "Funding over the trade, USD: positive received, negative paid")
        self.entry = self._line(form, "Entry price", f"{p['entry_price']:.10g}",
                                "Actual average entry (planned entry by default)")
        self.quantity = self._line(form, "Quantity", f"{p['quantity']:.10g}",
                                   "Quantity closed (planned quantity by default)")
        self.notes = self._line(form, "Notes", str(p["notes"]), "Notes kept with the trade")
        self.planned = QLabel(self._planned_text(p), self)
        self.preview = QLabel("", self)
        self.error = QLabel("", self, wordWrap=True)
        self.error.setStyleSheet(ERROR_STYLE)
        box = QVBoxLayout(self)
        box.addWidget(self.planned)
        box.addLayout(form)
        for w in (self.preview, self.error, self._buttons()):
            box.addWidget(w)
        self._preview()

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Close trade")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

    def _opened(self, form: QFormLayout) -> tuple[QCheckBox, QDateTimeEdit]:
        use = QCheckBox("Opened at", self)
        edit = QDateTimeEdit(QDateTime.currentDateTime(), self, calendarPopup=True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        edit.setEnabled(False)
        use.toggled.connect(edit.setEnabled)
        form.addRow(use, edit)
        return use, edit

    def _line(self, form: QFormLayout, label: str, text: str, tip: str) -> QLineEdit:
        edit = QLineEdit(text, self)
        edit.setToolTip(tip)
        edit.textChanged.connect(self._preview)
        form.addRow(label, edit)
        return edit

    def _time(self, form: QFormLayout, label: str) -> QDateTimeEdit:
        edit = QDateTimeEdit(QDateTime.currentDateTime(), self, calendarPopup=True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        edit.dateTimeChanged.connect(self._preview)
        form.addRow(label, edit)
        return edit

    @staticmethod
    def _planned_text(p: dict[str, Any]) -> str:
        return (f"Planned: {p['bucket']}, {p['venue']}, {p['leverage']:g}x, entry "
                f"{fmt_price(p['entry_price'])}, quantity {fmt_qty(p['quantity'])}, stop "
                f"{fmt_price(p['planned_stop_price'])}, σ {p['planned_vol_pct']:g} %, 1R = "
                f"{fmt_usd2(p['planned_risk_usd'])} USD")

    def fill(self) -> Fill:
        """The answer as a :class:`~planner.journal.close.Fill` (not validated)."""
        def num(edit: QLineEdit, default: float = 0.0) -> float:
            x = _number(edit.text())
            return default if x is None else x

        return Fill(
            exit_price=num(self.exit_price, float("nan")), closed_at=_utc(self.closed_at),
            fees_usd=num(self.fees), funding_usd=num(self.funding),
            entry_price=_number(self.entry.text()), quantity=_number(self.quantity.text()),
            opened_at=_utc(self.opened_at) if self.use_opened.isChecked() else None,
            notes=self.notes.text().strip())

    def _check(self) -> str:
        """Validate through the domain; return "" when fine, else the reasons."""
        try:
            frame = closed_trades(self.plan, self.results, [self.row], [self.fill()])
        except PlanError as exc:
            return "\n".join(i.message if i.column is None else f"{i.column}: {i.message}"
                             for i in exc.issues)
        t = derive(frame, self.plan.scenarios).iloc[0]
        self.preview.setText(f"P&L {fmt_usd2(t['realized_pnl_usd'])} USD = "
                             f"{t['r_multiple']:.2f} R; move {t['move_sigma']:.2f} σ "
                             f"({t['band'] or 'no σ'} band)")
        return ""

    def _preview(self, *_: object) -> None:
        if not self.exit_price.text().strip():
            self.preview.setText("Enter the exit price.")
            self.error.setText("")
            return
        why = self._check()
        self.error.setText(why)
        if why:
            self.preview.setText("")

    def accept(self) -> None:
        """Close the dialog only when the answer is valid."""
        why = self._check() if self.exit_price.text().strip() else "exit_price: required"
        self.error.setText(why)
        if not why:
            super().accept()
