"""Cell editors: drop-downs for choices, a line edit for numbers and text.

Number cells accept what spreadsheets accept (``2``, ``2%``, ``1,234.5``); the model parses and
validates, so an editor never judges a value itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from planner.model import DEFAULT_BUCKETS
from planner.schema import BY_KEY
from ui.formats import edit_text
from ui.grid.roles import Role

_Index = QModelIndex | QPersistentModelIndex
_PAD = 3
_SELECTED = QStyle.StateFlag.State_Selected.value
_FOCUS = QStyle.StateFlag.State_HasFocus.value


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


class GridPainter(CellDelegate):
    """The grid's delegate: the editors above, and a lean ``paint``.

    Painting asks the model for a cell's text, colours and alignment in one call and draws
    them directly (background, elided text, selection, a frame round the current cell), instead
    of the style's generic item drawing that queries each role separately — about twice as fast
    on a full screen of cells (see ``bench/bench_ui.py``).

    Args:
        model: The grid model (``paint_data(view_row, column)``).
        choices: See :class:`CellDelegate`.
        parent: The view (its font and palette are used).
    """

    def __init__(self, model: Any, choices: Any, parent: QWidget) -> None:
        super().__init__(choices, parent)
        self._model = model
        self._view = parent
        self._metrics = QFontMetrics(parent.font())
        self._text_color = parent.palette().text().color()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Draw one cell."""
        text, bg, fg, align = self._model.paint_data(index.row(), index.column())
        rect = option.rect
        state = option.state.value
        if state & _SELECTED:
            palette = option.palette
            painter.fillRect(rect, palette.highlight())
            painter.setPen(palette.highlightedText().color())
        else:
            if bg is not None:
                painter.fillRect(rect, bg)
            painter.setPen(fg.color() if fg is not None else self._text_color)
        if text:
            inner = rect.adjusted(_PAD, 0, -_PAD, 0)
            width = inner.width()
            if self._metrics.horizontalAdvance(text) > width:
                text = self._too_wide(text, align, width)
            painter.drawText(inner, align, text)
        if state & _FOCUS:
            painter.setPen(QPen(option.palette.highlight().color().darker(140), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))

    def _too_wide(self, text: str, align: Any, width: int) -> str:
        """Elide text with "…"; show ``###`` for a number that does not fit.

        A truncated number would be misread; spreadsheets show ``###`` too.
        """
        if align & Qt.AlignmentFlag.AlignRight:
            return "#" * max(1, width // max(self._metrics.horizontalAdvance("#"), 1))
        return self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """Room for the text as :meth:`paint` draws it (padding included)."""
        text = self._model.paint_data(index.row(), index.column())[0]
        return QSize(self._metrics.horizontalAdvance(text) + 2 * _PAD + 2,
                     self._metrics.height() + 4)

    def refresh_style(self) -> None:
        """Re-read the view's font and palette (after the user changes them)."""
        self._metrics = QFontMetrics(self._view.font())
        self._text_color = self._view.palette().text().color()
