"""The main window: status bar, public API for extensions, tabs, panel, portfolio filter."""

from __future__ import annotations

import sys
import types

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel
from PySide6.QtWidgets import QLabel, QMenu

from planner.edits import SetCells
from ui import extensions
from ui.document import PlanDocument
from ui.grid.columns import INDEX
from ui.mainwindow import MainWindow
from ui.prefs import Prefs


@pytest.fixture
def make_window(qtbot, sample):
    def make():
        w = MainWindow(PlanDocument(sample, name="Sample plan"), Prefs())
        w.files.ask_save = lambda name: "discard"
        qtbot.addWidget(w)
        return w
    return make


@pytest.fixture
def window(make_window):
    return make_window()


def status(window, name):
    return window.status.labels[name].text()


def test_status_bar_shows_capital_heat_margin_tail_and_alerts(window):
    assert status(window, "capital") == "Capital 100,000 $"
    assert status(window, "heat") == "Heat 5.75% / cap 6.00%"
    assert status(window, "margin").startswith("Margin in use ")
    assert status(window, "tail").startswith("Worst tail P&L -")
    assert status(window, "alerts") == "5 alerts"


def test_status_bar_follows_edits_and_flags_heat_over_cap(window):
    model = window.plan_tab.model
    model.setData(model.index(0, INDEX["risk_pct"]), "3")
    assert status(window, "heat") == "Heat 6.75% / cap 6.00%"
    assert "bold" in window.status.labels["heat"].styleSheet()
    assert status(window, "alerts") == "17 alerts"  # every row carries the heat alert now


def test_document_api_applies_undoable_edits_and_signals(qtbot, window):
    doc = window.document
    with qtbot.waitSignal(doc.changed):
        doc.apply(SetCells((1,), ("leverage",), (3.0,)), "Set leverage")
    assert doc.plan.trades["leverage"].iat[1] == 3
    assert doc.results.rows["leverage"].iat[1] == 3
    assert doc.undo_stack.undoText() == "Set leverage"


def test_selected_source_rows_map_through_sort_and_filter(window):
    tab = window.plan_tab
    tab.model.sort(INDEX["entry_price"])
    model, view = tab.model, tab.view
    sel = QItemSelection(model.index(0, 0), model.index(1, 0))
    view.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    symbols = {window.document.plan.trades["symbol"].iat[r]
               for r in window.selected_source_rows()}
    assert symbols == {"DOGEUSDT", "XRPUSDT"}


def test_add_tab_and_plan_menu(window):
    n = window.tabs.count()
    assert window.add_tab(QLabel("journal"), "Journal") == n
    assert window.tabs.tabText(n) == "Journal"
    assert isinstance(window.plan_menu, QMenu)
    texts = [a.text().replace("&", "") for a in window.plan_menu.actions()]
    assert "Insert row above" in texts and "Delete rows" in texts
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Plan", "Help"]


def test_extensions_are_installed_and_a_broken_one_is_skipped(monkeypatch, make_window,
                                                              capsys):
    good = types.ModuleType("fake_ext_good")
    good.install = lambda w: w.add_tab(QLabel("x"), "Extra")
    monkeypatch.setitem(sys.modules, "fake_ext_good", good)
    monkeypatch.setattr(extensions, "EXTENSIONS", ["no_such_module_xyz", "fake_ext_good"])
    w = make_window()
    assert w.tabs.tabText(w.tabs.count() - 1) == "Extra"
    assert "no_such_module_xyz" in capsys.readouterr().err


def test_panel_follows_the_current_row(window):
    tab = window.plan_tab
    tab.view.setCurrentIndex(tab.model.index(7, 0))
    assert "DOGEUSDT" in tab.panel.title.text()
    names = {lv.name for lv in tab.panel.ladder.levels()}
    assert {"Entry", "Stop", "Liquidation", "Bankruptcy", "Tail"} <= names
    assert tab.panel.scenarios.value(1, 2) == window.document.results.rows["pnl_tail_usd"].iat[7]


def test_panel_updates_live_after_an_edit(window):
    tab = window.plan_tab
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    before = {lv.name: lv.price for lv in tab.panel.ladder.levels()}
    tab.model.setData(tab.model.index(0, INDEX["entry_price"]), "60000")
    after = {lv.name: lv.price for lv in tab.panel.ladder.levels()}
    assert after["Entry"] == 60000 and after["Liquidation"] < before["Liquidation"]


def test_portfolio_tab_is_built_when_shown_and_filters_the_grid(qtbot, window):
    assert window.portfolio.widget is None
    window.tabs.setCurrentWidget(window.portfolio)
    tab = window.portfolio.widget
    assert tab is not None
    tab.bucket_selected.emit("hedging")
    model = window.plan_tab.model
    assert model.rowCount() == 3
    assert window.plan_tab.filter_bar.filters().bucket == "hedging"
    tab.bucket_selected.emit("")
    assert model.rowCount() == 12


def test_settings_tab_edit_recomputes_the_grid_and_undoes(window):
    settings = window.settings_tab.settings
    row = next(r for r in range(settings.rowCount()) if settings.key(r) == "capital_usd")
    assert settings.setData(settings.index(row, 1), "200000")
    risk = window.plan_tab.model.index(0, INDEX["risk_usd"]).data()
    assert risk == "4,000"
    assert status(window, "capital") == "Capital 200,000 $"
    window.document.undo_stack.undo()
    assert window.plan_tab.model.index(0, INDEX["risk_usd"]).data() == "2,000"


def test_column_groups_show_hide_and_are_remembered(qtbot, sample):
    from planner.schema import COLUMNS
    from ui.grid.column_menu import ColumnVisibility

    prefs = Prefs()
    w = MainWindow(PlanDocument(sample, name="s"), prefs)
    qtbot.addWidget(w)
    view, columns = w.plan_tab.view, w.plan_tab.columns
    probs = [i for i, c in enumerate(COLUMNS) if c.group == "probabilities"]
    columns.set_group_visible("probabilities", True)
    assert not any(view.isColumnHidden(i) for i in probs)
    columns.set_group_visible("inputs", False)
    assert view.isColumnHidden(INDEX["entry_price"])
    again = ColumnVisibility(view, prefs)
    assert again.hidden() == columns.hidden()
    columns.reset()
    assert not view.isColumnHidden(INDEX["entry_price"])
    assert view.isColumnHidden(INDEX["gas_usd"])


def test_first_start_shows_size_margin_and_liquidation_without_scrolling(qtbot, sample):
    """At 1600 × 900 the columns a trader acts on are on screen; provenance columns wait in
    View → Columns."""
    w = MainWindow(PlanDocument(sample, name="s"), Prefs())
    qtbot.addWidget(w)
    w.resize(1600, 900)
    w.show()
    qtbot.waitExposed(w)
    view = w.plan_tab.view
    for key in ("notional_usd", "margin_usd", "liquidation_price"):
        i = INDEX[key]
        assert not view.isColumnHidden(i), key
        assert view.columnViewportPosition(i) >= 0 and (
            view.columnViewportPosition(i) + view.columnWidth(i) <= view.viewport().width()), key
    for key in ("coin", "vol_used_pct", "vol_source", "tail_used"):
        assert view.isColumnHidden(INDEX[key]), key


def test_filter_bar_drives_the_grid(window):
    bar, model = window.plan_tab.filter_bar, window.plan_tab.model
    bar.findChild(type(bar._combos["side"]), "filter_side").setCurrentText("short")
    assert model.rowCount() == 5
    assert bar.count.text() == "5 of 12 rows"
    bar.alerts.setChecked(True)
    rows = window.document.results.rows
    expected = int(((rows["side"] == "short") & (rows["alert_count"] > 0)).sum())
    assert model.rowCount() == expected == 1   # AVAX: basis alert
    bar.set_filters(type(model.filters)())
    assert model.rowCount() == 12


def test_view_menu_alert_filter_and_clear(window):
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    actions = {a.text().replace("&", ""): a for a in view_menu.actions()}
    actions["Rows with alerts only"].trigger()
    model = window.plan_tab.model
    assert window.plan_tab.filter_bar.alerts.isChecked()
    assert 0 < model.rowCount() < 12
    actions["Clear filters"].trigger()
    assert model.rowCount() == 12 and not actions["Rows with alerts only"].isChecked()
