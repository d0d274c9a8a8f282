"""Editing through the real grid with the keyboard, as a spreadsheet user would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from ui.document import PlanDocument
from ui.grid.columns import INDEX
from ui.mainwindow import MainWindow
from ui.prefs import Prefs


@pytest.fixture
def window(qtbot, sample):
    w = MainWindow(PlanDocument(sample, name="Sample plan"), Prefs())
    w.files.ask_save = lambda name: "discard"
    w.files.show_error = lambda title, text: None
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.plan_tab.view.setFocus()
    return w


def go(window, row, key):
    view = window.plan_tab.view
    view.setCurrentIndex(view.model().index(row, INDEX[key]))
    view.setFocus()


def value(window, row, key):
    return window.document.plan.trades[key].iat[row]


def type_text(qtbot, view, text):
    """Keys go where a user's keys go: the first starts editing, the rest reach the editor."""
    qtbot.keyClick(view, text[0])
    qtbot.keyClicks(view.focusWidget(), text[1:])


def editor(view):
    return view.focusWidget() if view.state() == view.State.EditingState else None


def test_typing_replaces_the_cell_and_enter_commits_and_moves_down(qtbot, window):
    view = window.plan_tab.view
    go(window, 0, "entry_price")
    type_text(qtbot, view, "70000")
    assert isinstance(editor(view), QLineEdit) and editor(view).text() == "70000"
    old_liq = window.document.results.rows["liquidation_price"].iat[0]
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: value(window, 0, "entry_price") == 70000)
    assert window.document.results.rows["liquidation_price"].iat[0] != old_liq
    qtbot.waitUntil(lambda: view.currentIndex().row() == 1)
    assert view.currentIndex().column() == INDEX["entry_price"]


def test_f2_edits_in_place_and_escape_cancels(qtbot, window):
    view = window.plan_tab.view
    go(window, 1, "leverage")
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert editor(view).text() == "10"
    qtbot.keyClicks(editor(view), "0")
    qtbot.keyClick(editor(view), Qt.Key.Key_Escape)
    assert value(window, 1, "leverage") == 10
    assert window.document.undo_stack.count() == 0


def test_tab_commits_and_moves_right(qtbot, window):
    view = window.plan_tab.view
    go(window, 2, "volatility_pct")
    type_text(qtbot, view, "6")
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: value(window, 2, "volatility_pct") == 6)
    assert view.currentIndex().column() == INDEX["risk_pct"]


def test_arrow_keys_and_enter_navigate_without_editing(qtbot, window):
    view = window.plan_tab.view
    go(window, 0, "symbol")
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (1, INDEX["bucket"])
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.currentIndex().row() == 2
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.currentIndex().row() == 1


def test_refused_value_keeps_the_old_one_and_says_why(qtbot, window):
    view = window.plan_tab.view
    go(window, 0, "volatility_pct")
    type_text(qtbot, view, "-3")
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Vol" in window.statusBar().currentMessage())
    assert value(window, 0, "volatility_pct") == 3
    assert "row 1" in window.statusBar().currentMessage()
    tip = view.model().index(0, INDEX["volatility_pct"]).data(Qt.ItemDataRole.ToolTipRole)
    assert "Refused" in tip


def test_side_opens_a_drop_down(qtbot, window):
    view = window.plan_tab.view
    go(window, 0, "side")
    qtbot.keyClick(view, Qt.Key.Key_F2)
    combo = editor(view)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["long", "short"]
    combo.setCurrentText("short")
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: value(window, 0, "side") == "short")


def test_delete_key_clears_optional_inputs_and_keeps_required(qtbot, window):
    view = window.plan_tab.view
    go(window, 1, "symbol")
    view.selectionModel().select(
        view.model().index(1, INDEX["stop_pct"]),
        view.selectionModel().SelectionFlag.Select)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert value(window, 1, "symbol") == "ETHUSDT"
    assert value(window, 1, "stop_pct") != value(window, 1, "stop_pct")  # NaN: cleared
    assert "required" in window.statusBar().currentMessage()


def test_copy_paste_and_fill_down_shortcuts_and_undo(qtbot, window):
    view = window.plan_tab.view
    go(window, 0, "leverage")
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "5\n"
    go(window, 3, "leverage")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert value(window, 3, "leverage") == 5
    go(window, 4, "leverage")
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert value(window, 4, "leverage") == 5
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert value(window, 4, "leverage") == 4
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert value(window, 3, "leverage") == 3


def test_header_click_sorts_and_third_click_restores_plan_order(qtbot, window):
    view = window.plan_tab.view
    header = view.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(INDEX["entry_price"]) + 5, 5)
    for _ in range(2):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    model = view.model()
    prices = [model.index(r, INDEX["entry_price"]).data(Qt.ItemDataRole.EditRole)
              for r in range(model.rowCount())]
    assert prices in (sorted(prices), sorted(prices, reverse=True))
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    assert [model.plan_row(r) for r in range(model.rowCount())] == list(range(12))
