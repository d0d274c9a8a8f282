"""Cell editors: drop-downs for choices, a line edit for numbers and text.

Number cells accept what spreadsheets accept (``2``, ``2%``, ``1,234.5``); the model parses and
validates, so an editor never judges a value itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from planner.model import DEFAULT_BUCKETS
from planner.schema import BY_KEY
from ui.formats import edit_text
from ui.grid.roles import Role

_Index = QModelIndex | QPersistentModelIndex


class CellDelegate(QStyledItemDelegate):
    """Editors for the planning grid.

    Args:
        choices: Returns the values offered for a choice column key (venue names, buckets in
            use …); called each time an editor opens.
        parent: Qt parent.
    """

    def __init__(self, choices: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _Index) -> QWidget:
        """A combo box for choice columns, a line edit otherwise."""
        key = index.data(Role.KEY)
        col = BY_KEY.get(key)
        if col is not None and col.dtype == "choice":
            combo = QComboBox(parent)
            combo.setEditable(key == "bucket")
            combo.addItems(self._choices(key))
            combo.setFrame(False)
            return combo
        edit = QLineEdit(parent)
        edit.setFrame(False)
        if col is not None and col.unit:
            edit.setPlaceholderText(col.unit)
        return edit

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        """Show the raw value: plain digits for numbers, the current choice for drop-downs."""
        value = edit_text(index.data(Qt.ItemDataRole.EditRole))
        if isinstance(editor, QComboBox):
            i = editor.findText(value, Qt.MatchFlag.MatchFixedString)
            if i >= 0:
                editor.setCurrentIndex(i)
            else:
                editor.setEditText(value)
        elif isinstance(editor, QLineEdit):
            editor.setText(value)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        """Hand the text to the model, which parses, validates and applies it (or refuses)."""
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


def choice_values(key: str, plan: Any) -> list[str]:
    """Values a drop-down offers for ``key`` on ``plan``.

    Venue offers a blank first (the plan's default venue); Bucket offers the standard buckets
    then the ones in use.
    """
    if key == "venue":
        return ["", *plan.venues]
    if key == "bucket":
        used = [b for b in dict.fromkeys(plan.trades["bucket"]) if b and b not in DEFAULT_BUCKETS]
        return [*DEFAULT_BUCKETS, *sorted(used, key=str.lower)]
    return list(BY_KEY[key].choices)
