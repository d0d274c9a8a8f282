"""The Settings tab: plan settings, the scenario table and the venue profiles with tiers.

Every change is validated by the sheet rules, undoable and recomputes the plan at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner import parse
from planner.edits import Edit
from planner.errors import PlanError
from planner.model import FORMULAS, TAIL_MODELS, VOL_ESTIMATORS
from planner.tables import VENUE_HEADER
from ui.document import PlanDocument
from ui.formats import edit_text
from ui.grid.actions import issue_summary
from ui.settings.models import ScenariosModel, SettingsModel, VenuesModel
from ui.settings.sheet_model import SheetModel

_SETTING_CHOICES: dict[str, list[str]] = {
    "tail_model": list(TAIL_MODELS),
    "vol_estimator": list(VOL_ESTIMATORS),
    "funding_from_history": ["no", "yes"],
}

_Index = QModelIndex | QPersistentModelIndex
AskText = Callable[[str, str], str | None]


def _ask_text(parent: QWidget) -> AskText:
    def ask(title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(parent, title, label)
        return text if ok else None
    return ask


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down for cells with a fixed set of values (venue names, formula, yes/no)."""

    def __init__(self, choices: Callable[[_Index], list[str] | None], parent: Any) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _Index) -> QWidget:
        """A combo box where the cell has choices, the default editor otherwise."""
        choices = self._choices(index)
        if choices is None:
            edit = QLineEdit(parent)
            edit.setFrame(False)
            return edit
        combo = QComboBox(parent)
        combo.addItems(choices)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        """Select the current value; plain text for other editors."""
        text = edit_text(index.data(Qt.ItemDataRole.EditRole))
        if isinstance(editor, QComboBox):
            editor.setCurrentText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        """Hand the text to the model (which validates)."""
        if isinstance(editor, QComboBox):
            text = editor.currentText()
        elif isinstance(editor, QLineEdit):
            text = editor.text()
        else:
            return
        model.setData(index, text, Qt.ItemDataRole.EditRole)


#: Width of the settings' meaning column, px (the full meaning is its tooltip).
SETTING_LABEL_PX = 300
#: Rows measured (besides the visible ones) to size a settings column to its contents.
RESIZE_ROWS = 50


def _table(model: SheetModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                         | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
    header = view.horizontalHeader()
    # Widths from the first rows only: the venue table has a row per tier of every instrument
    # (hundreds), and measuring them all on every layout change cost most of start-up.
    header.setResizeContentsPrecision(RESIZE_ROWS)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.verticalHeader().setDefaultSectionSize(22)
    return view


def _fixed_width(view: QTableView, column: int, px: int) -> QHeaderView:
    """Give ``column`` of ``view`` a width the user can drag, instead of its contents'."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(column, px)
    return header


class SettingsTab(QWidget):
    """Settings, scenarios and venues of the open plan.

    Signals:
        message(str): A refusal or a note for the status bar.
    """

    message = Signal(str)

    def __init__(self, document: PlanDocument, parent: QWidget | None = None,
                 ask_text: AskText | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self.ask_text = ask_text or _ask_text(self)
        self.settings = SettingsModel(document, self)
        self.scenarios = ScenariosModel(document, self)
        self.venues = VenuesModel(document, self)
        self.views = {name: _table(m, self) for name, m in
                      (("settings", self.settings), ("scenarios", self.scenarios),
                       ("venues", self.venues))}
        for m in (self.settings, self.scenarios, self.venues):
            m.message.connect(self.message)
        for view in self.views.values():
            view.setItemDelegate(ChoiceDelegate(self._choices, view))
        # The longest meanings (tail model, σ estimator) would push Value off the screen:
        # a fixed share for the meaning, its full text in the tooltip.
        _fixed_width(self.views["settings"], 0, SETTING_LABEL_PX)
        source = VENUE_HEADER.index("source")
        venues = _fixed_width(self.views["venues"], source, 280)
        venues.moveSection(venues.visualIndex(source), len(VENUE_HEADER) - 1)
        self._layout()

    def _layout(self) -> None:
        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(split)
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._group("Plan settings", self.views["settings"]), 3)
        row.addWidget(self._group("Scenarios (adverse moves)", self.views["scenarios"]), 4)
        split.addWidget(top)
        split.addWidget(self._group("Venue profiles, instruments and margin tiers (one row per "
                                    "tier; blank instrument = the venue's default table; "
                                    "check them against your venue — tiers change)",
                                    self.views["venues"], self._venue_buttons()))
        split.setSizes([300, 600])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    def _group(self, title: str, view: QWidget, extra: QWidget | None = None) -> QGroupBox:
        box = QGroupBox(title, self)
        lay = QVBoxLayout(box)
        lay.addWidget(view)
        if extra is not None:
            lay.addWidget(extra)
        return box

    def _venue_buttons(self) -> QWidget:
        bar = QWidget(self)
        lay = QHBoxLayout(bar)
        lay.setContentsMargins(0, 0, 0, 0)
        for text, slot in (("Add venue…", self.add_venue), ("Delete venue", self.delete_venue),
                           ("Add instrument…", self.add_instrument),
                           ("Delete instrument", self.delete_instrument),
                           ("Add tier", self.add_tier), ("Delete tier", self.delete_tier)):
            button = QPushButton(text, bar)
            button.clicked.connect(slot)
            lay.addWidget(button)
        lay.addStretch(1)
        return bar

    def _choices(self, index: _Index) -> list[str] | None:
        model = index.model()
        if model is self.settings and self.settings.key(index.row()) == "default_venue":
            return list(self._doc.plan.venues)
        if model is self.settings:
            return _SETTING_CHOICES.get(self.settings.key(index.row()))
        if model is self.scenarios and self.scenarios.headers[index.column()] == "gap":
            return ["yes", "no"]
        if model is self.venues and self.venues.headers[index.column()] == "formula":
            return list(FORMULAS)
        return None

    # -- venue commands --------------------------------------------------------------------
    def _apply(self, make: Callable[[], Edit], text: str) -> bool:
        try:
            self._doc.apply(make(), text)
        except PlanError as exc:
            self.message.emit(f"{text} refused — {issue_summary(exc)}")
            return False
        return True

    def _current_tier_row(self) -> int:
        index = self.views["venues"].currentIndex()
        return index.row() if index.isValid() else -1

    def add_venue(self) -> bool:
        """Ask for a name and add a profile (a copy of Generic)."""
        name = self.ask_text("Add venue", "Name of the new venue profile:")
        if not name:
            return False
        return self._apply(lambda: parse.add_venue(self._doc.plan, name), f"Add venue {name}")

    def delete_venue(self) -> bool:
        """Delete the current row's profile (refused while rows use it)."""
        row = self._current_tier_row()
        if row < 0:
            return False
        name = self.venues.venue_name(row)
        return self._apply(lambda: parse.delete_venue(self._doc.plan, name),
                           f"Delete venue {name}")

    def add_instrument(self) -> bool:
        """Ask for a symbol and give the current row's venue an instrument.

        The instrument starts as a copy of the venue's default tiers and order rules.
        """
        row = self._current_tier_row()
        if row < 0:
            self.message.emit("Add instrument: select a row of the venue first")
            return False
        name = self.venues.venue_name(row)
        symbol = self.ask_text("Add instrument", f"Symbol of the new {name} instrument "
                               "(e.g. SOL; BTCUSDT is read as BTC):")
        if not symbol:
            return False
        return self._apply(lambda: parse.add_instrument(self._doc.plan, name, symbol),
                           f"Add instrument {symbol} to {name}")

    def delete_instrument(self) -> bool:
        """Delete the current row's instrument (its symbol then uses the venue's default)."""
        row = self._current_tier_row()
        return row >= 0 and self._apply(lambda: parse.delete_instrument(self._doc.plan, row),
                                        "Delete instrument")

    def add_tier(self) -> bool:
        """Duplicate the current tier row."""
        row = self._current_tier_row()
        return row >= 0 and self._apply(lambda: parse.add_tier(self._doc.plan, row), "Add tier")

    def delete_tier(self) -> bool:
        """Delete the current tier row."""
        row = self._current_tier_row()
        return row >= 0 and self._apply(lambda: parse.delete_tier(self._doc.plan, row),
                                        "Delete tier")
