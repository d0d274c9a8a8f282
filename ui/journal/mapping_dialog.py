"""The column-mapping dialog: read any exchange or broker export into the journal.

The user picks which column of the export is the time, symbol, side, price, quantity, fee,
realized P&L… (a first guess comes from the headers), names the timezone of its times, and
checks: the dialog shows how many rows are good and which are bad and why. Nothing is stored
until "Import N good rows"; a mapping given a name is saved in the journal for next time. The
reading itself is the domain's (:class:`~planner.journal.mapping.ColumnMapping`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from zoneinfo import available_timezones

import pandas as pd
from PySide6.QtCore import QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.errors import PlanError
from planner.journal.frame import Parsed
from planner.journal.mapping import TARGETS, ColumnMapping, guess_mapping
from planner.journal.store import JournalError
from planner.schema import Column
from ui.journal.import_dialog import IssueList, import_label, summary_text
from ui.journal.models import FrameModel
from ui.journal.session import JournalSession

PREVIEW_ROWS = 50
NEW = "(new mapping)"
FLAGS = (("dayfirst", "Day first (03/04 = 3 April)"),
         ("closing_side", "Side is the closing order's side (SELL closes a long)"),
         ("fees_negative", "Fees are negative numbers"),
         ("funding_paid_positive", "Funding is written as paid"),
         ("skip_zero_pnl", "Skip opening fills (zero P&L, no prices)"),
         ("pnl_before_costs", "Realized P&L is before fees and funding"))


def _zones() -> list[str]:
    local = bytes(QTimeZone.systemTimeZoneId().data()).decode()
    return list(dict.fromkeys(["UTC", *([local] if local else []), *sorted(available_timezones())]))


class ColumnMappingDialog(QDialog):
    """Map an export's columns; accept = import the good rows (see :attr:`parsed`)."""

    def __init__(self, path: str | Path, table: pd.DataFrame, session: JournalSession,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path, self.table, self.session = Path(path), table, session
        self.parsed: Parsed | None = None
        self.setWindowTitle(f"Import {self.path.name} — column mapping")
        headers = list(table.columns)
        box = QVBoxLayout(self)
        box.addLayout(self._saved_row())
        box.addWidget(self._preview(headers))
        box.addWidget(self._fields(headers))
        box.addWidget(self._options())
        self.summary = QLabel("Map the columns, then Check.", self, wordWrap=True)
        self.issues = IssueList(self)
        self.issues.setMaximumHeight(140)
        box.addWidget(self.summary)
        box.addWidget(self.issues)
        box.addWidget(self._buttons())
        self.set_mapping(guess_mapping(headers))
        self.resize(900, 760)

    # -- layout ----------------------------------------------------------------------------
    def _saved_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.saved = QComboBox(self)
        self.saved.addItem(NEW)
        self._specs = self.session.mappings()
        self.saved.addItems(list(self._specs))
        self.saved.currentTextChanged.connect(self._load_saved)
        self.name = QLineEdit(self, placeholderText="name to save this mapping under")
        for w in (QLabel("Saved mapping", self), self.saved, QLabel("Save as", self), self.name):
            row.addWidget(w)
        return row

    def _preview(self, headers: list[str]) -> QTableView:
        model = FrameModel(tuple(Column(h, h, "input", "text", "preview") for h in headers),
                           self)
        model.set_frame(self.table.head(PREVIEW_ROWS))
        view = QTableView(self)
        view.setModel(model)
        view.setMaximumHeight(170)
        self.preview_model = model
        return view

    def _fields(self, headers: list[str]) -> QGroupBox:
        group = QGroupBox("Which column is…", self)
        grid = QGridLayout(group)
        self.fields: dict[str, QComboBox] = {}
        for i, (key, label) in enumerate(TARGETS.items()):
            combo = QComboBox(group)
            combo.addItems(["", *headers])
            combo.currentIndexChanged.connect(self._stale)
            grid.addWidget(QLabel(label, group), i // 3, (i % 3) * 2)
            grid.addWidget(combo, i // 3, (i % 3) * 2 + 1)
            self.fields[key] = combo
        return group

    def _options(self) -> QGroupBox:
        group = QGroupBox("How the file reads", self)
        form = QFormLayout(group)
        self.timezone = QComboBox(group, editable=True)
        self.timezone.addItems(_zones())
        self.timezone.setToolTip("Timezone of times written without an offset")
        self.time_format = QLineEdit(group, placeholderText="ISO-8601 or a common layout; "
                                                            "or e.g. %d.%m.%Y %H:%M")
        self.bucket = QLineEdit("directional", group)
        self.venue = QLineEdit(group)
        rows: tuple[tuple[str, QWidget], ...] = (
            ("Timezone", self.timezone), ("Time format", self.time_format),
            ("Bucket (when not mapped)", self.bucket), ("Venue (when not mapped)", self.venue))
        for label, widget in rows:
            form.addRow(label, widget)
        self.flags = {k: QCheckBox(text, group) for k, text in FLAGS}
        for box in self.flags.values():
            form.addRow(box)
            box.toggled.connect(self._stale)
        for edit in (self.time_format, self.bucket, self.venue):
            edit.textChanged.connect(self._stale)
        self.timezone.currentTextChanged.connect(self._stale)
        return group

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.check_button = QPushButton("Check", self)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button = buttons.addButton(import_label(None),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.check_button.clicked.connect(self.check)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

    # -- mapping <-> controls --------------------------------------------------------------
    def mapping(self) -> ColumnMapping:
        """The mapping the controls describe."""
        return ColumnMapping(
            name=self.name.text().strip(),
            columns={k: c.currentText() for k, c in self.fields.items() if c.currentText()},
            timezone=self.timezone.currentText().strip() or "UTC",
            time_format=self.time_format.text().strip(), bucket=self.bucket.text().strip()
            or "directional", venue=self.venue.text().strip(),
            **{k: w.isChecked() for k, w in self.flags.items()})

    def set_mapping(self, m: ColumnMapping) -> None:
        """Show ``m`` in the controls (columns the file lacks stay unmapped)."""
        for key, combo in self.fields.items():
            combo.setCurrentIndex(max(combo.findText(m.columns.get(key, "")), 0))
        self.timezone.setCurrentText(m.timezone)
        self.time_format.setText(m.time_format)
        self.bucket.setText(m.bucket)
        self.venue.setText(m.venue)
        for key, w in self.flags.items():
            w.setChecked(bool(getattr(m, key)))
        if m.name:
            self.name.setText(m.name)
        self._stale()

    def _load_saved(self, name: str) -> None:
        if name in self._specs:
            self.set_mapping(replace(ColumnMapping.from_json(self._specs[name]), name=name))

    # -- checking and importing ------------------------------------------------------------
    def _stale(self, *_: object) -> None:
        self.parsed = None
        self.import_button.setEnabled(False)
        self.import_button.setText(import_label(None))

    def check(self) -> Parsed | None:
        """Read the file through the mapping; show good and bad rows; enable the import."""
        self._stale()
        try:
            self.parsed = self.mapping().apply(self.table, sheet=self.path.name)
        except PlanError as exc:
            self.summary.setText("The mapping does not fit the file yet:")
            self.issues.setPlainText("\n".join(i.message for i in exc.issues))
            return None
        self.summary.setText(summary_text(self.parsed))
        self.issues.show_parsed(self.parsed)
        self.import_button.setText(import_label(self.parsed))
        self.import_button.setEnabled(self.parsed.good > 0)
        return self.parsed

    def accept(self) -> None:
        """Save the mapping under its name (if any) and close; the caller imports."""
        if self.parsed is None:
            return
        m = self.mapping()
        if m.name:
            try:
                self.session.save_mapping(m.name, m.to_json())
            except JournalError as exc:
                self.summary.setText(f"The mapping could not be saved: {exc}")
                return
        super().accept()
