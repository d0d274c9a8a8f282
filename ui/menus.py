"""Menu bar and toolbar of the main window (File, Edit, View, Plan, Help)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QStyle, QToolBar

from ui.grid.order import Filters

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow

SHORTCUTS_HELP = """\
<table cellspacing=4>
<tr><td><b>Arrows, Tab, Enter</b></td><td>move (Shift reverses); Enter after typing moves
down</td></tr>
<tr><td><b>Type</b></td><td>replace the cell; <b>F2</b> edit in place; <b>Esc</b> cancel</td></tr>
<tr><td><b>Delete</b></td><td>clear the selected inputs (optional ones go back to default)</td></tr>
<tr><td><b>Ctrl+C / Ctrl+X / Ctrl+V</b></td><td>copy, cut, paste tab-separated cells
(to and from Excel or LibreOffice)</td></tr>
<tr><td><b>Ctrl+D</b></td><td>fill down</td></tr>
<tr><td><b>Ctrl+I</b> / <b>Ctrl+Shift+D</b> / <b>Ctrl+-</b></td><td>insert, duplicate, delete
rows</td></tr>
<tr><td><b>Ctrl+Z / Ctrl+Shift+Z</b></td><td>undo / redo (a paste or a fill is one step)</td></tr>
<tr><td><b>Click a header</b></td><td>sort (third click: back to plan order)</td></tr>
<tr><td><b>Ctrl+N / O / S / Shift+S</b></td><td>new, open, save, save as</td></tr>
</table>"""


def _icon(window: MainWindow, name: str) -> QIcon:
    return window.style().standardIcon(getattr(QStyle.StandardPixmap, name))


def build_menus(window: MainWindow) -> QMenu:
    """Create the menus and toolbar; return the Plan menu."""
    bar = window.menuBar()
    files, grid = window.files.actions, window.plan_tab.grid_actions.actions
    file_menu = bar.addMenu("&File")
    for name in ("new", "open"):
        file_menu.addAction(files[name])
    file_menu.addMenu(window.files.recent_menu)
    for name in ("save", "save_as"):
        file_menu.addAction(files[name])
    file_menu.addSeparator()
    file_menu.addAction("&Quit", QKeySequence.StandardKey.Quit, window.close)
    undo = window.document.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = window.document.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    undo.setIconText("Undo")  # the toolbar keeps a short label; the menu names the step
    redo.setIconText("Redo")
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([undo, redo])
    edit_menu.addSeparator()
    edit_menu.addActions([grid[k] for k in ("cut", "copy", "paste", "clear", "fill_down")])
    _view_menu(window, bar.addMenu("&View"))
    plan_menu = bar.addMenu("&Plan")
    plan_menu.addActions([grid[k] for k in ("insert_rows", "duplicate_rows", "delete_rows")])
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(files["sample"])
    help_menu.addAction("&Keyboard shortcuts", lambda: QMessageBox.information(
        window, "Keyboard shortcuts", SHORTCUTS_HELP))
    help_menu.addAction("&About", lambda: QMessageBox.about(
        window, "About", "<b>Trade planner</b><br>Isolated-margin trade planning for leveraged "
        "perpetual futures. Venue tier tables change: check them against your venue."))
    _toolbar(window, undo, redo)
    return plan_menu


def _view_menu(window: MainWindow, menu: QMenu) -> None:
    tab = window.plan_tab
    columns = menu.addMenu("&Columns")
    columns.aboutToShow.connect(lambda: tab.columns.populate(columns))
    menu.addAction("&Fit column widths", tab.fit_columns)
    menu.addSeparator()
    menu.addAction("Clear &filters", lambda: tab.set_filters(Filters()))
    alerts = menu.addAction("Rows with &alerts only")
    alerts.setCheckable(True)
    alerts.toggled.connect(tab.filter_bar.alerts.setChecked)  # the filter bar is the source
    tab.filter_bar.alerts.toggled.connect(alerts.setChecked)
    menu.addAction("&Plan order (no sort)", lambda: tab.view.horizontalHeader().setSortIndicator(
        -1, Qt.SortOrder.AscendingOrder))
    menu.addSeparator()
    panel = menu.addAction("Selected-trade &panel")
    panel.setCheckable(True)
    panel.setChecked(True)
    panel.toggled.connect(tab.panel.setVisible)


def _toolbar(window: MainWindow, undo: QAction, redo: QAction) -> None:
    tb = QToolBar("Main", window)
    tb.setObjectName("main_toolbar")
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    files, grid = window.files.actions, window.plan_tab.grid_actions.actions
    for act, icon in ((files["new"], "SP_FileIcon"), (files["open"], "SP_DialogOpenButton"),
                      (files["save"], "SP_DialogSaveButton"), (undo, "SP_ArrowBack"),
                      (redo, "SP_ArrowForward")):
        act.setIcon(_icon(window, icon))
    tb.addActions([files["new"], files["open"], files["save"]])
    tb.addSeparator()
    tb.addActions([undo, redo])
    tb.addSeparator()
    tb.addActions([grid[k] for k in ("insert_rows", "duplicate_rows", "delete_rows",
                                     "fill_down")])
    window.addToolBar(tb)
