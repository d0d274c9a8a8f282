"""Show and hide grid columns, by group or one by one (View → Columns, header right-click)."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from planner.schema import COLUMNS, GROUPS
from ui.grid.columns import HIDDEN_BY_DEFAULT, INDEX, group_columns
from ui.prefs import Prefs

PREF_KEY = "grid/hidden_columns"


class ColumnVisibility(QObject):
    """Which columns the grid shows; remembered in the preferences."""

    def __init__(self, view: QTableView, prefs: Prefs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view, self._prefs = view, prefs
        hidden = set(prefs.get_list(PREF_KEY, sorted(HIDDEN_BY_DEFAULT)))
        self.apply_hidden({k for k in hidden if k in INDEX}, remember=False)
        header = view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)

    def hidden(self) -> set[str]:
        """Keys of the hidden columns."""
        return {c.key for i, c in enumerate(COLUMNS) if self._view.isColumnHidden(i)}

    def apply_hidden(self, hidden: set[str], remember: bool = True) -> None:
        """Hide exactly the columns in ``hidden`` (and remember it for the next start)."""
        for i, c in enumerate(COLUMNS):
            self._view.setColumnHidden(i, c.key in hidden)
        if remember:
            self._prefs.set(PREF_KEY, sorted(hidden))

    def set_visible(self, keys: list[str], visible: bool) -> None:
        """Show or hide some columns."""
        hidden = self.hidden()
        hidden = hidden - set(keys) if visible else hidden | set(keys)
        self.apply_hidden(hidden)

    def set_group_visible(self, group: str, visible: bool) -> None:
        """Show or hide a whole column group."""
        self.set_visible([COLUMNS[i].key for i in group_columns(group)], visible)

    def reset(self) -> None:
        """Back to the default set of visible columns."""
        self.apply_hidden(set(HIDDEN_BY_DEFAULT))

    def populate(self, menu: QMenu) -> None:
        """Fill ``menu`` with a submenu per group: show all, hide all, and each column."""
        menu.clear()
        for group in GROUPS:
            sub = menu.addMenu(group.capitalize())
            sub.addAction("Show all", partial(self.set_group_visible, group, True))
            sub.addAction("Hide all", partial(self.set_group_visible, group, False))
            sub.addSeparator()
            for i in group_columns(group):
                act = sub.addAction(COLUMNS[i].header)
                act.setCheckable(True)
                act.setChecked(not self._view.isColumnHidden(i))
                act.toggled.connect(partial(self._toggle, COLUMNS[i].key))
        menu.addSeparator()
        menu.addAction("Default columns", self.reset)

    def _toggle(self, key: str, visible: bool) -> None:
        self.set_visible([key], visible)

    def _header_menu(self, pos: QPoint) -> None:
        header: QHeaderView = self._view.horizontalHeader()
        menu = QMenu(self._view)
        section = header.logicalIndexAt(pos)
        if section >= 0:
            key = COLUMNS[section].key
            menu.addAction(f"Hide “{COLUMNS[section].header}”",
                           lambda: self.set_visible([key], False))
            menu.addSeparator()
        self.populate(menu.addMenu("Columns"))
        menu.exec(header.mapToGlobal(pos))
