"""The Portfolio tab inside the main window: lazy matplotlib, bucket filter, ladder follows."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import ROOT

pytest.importorskip("ui.mainwindow")


def test_importing_and_showing_the_window_does_not_import_matplotlib():
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from ui.mainwindow import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "print('matplotlib' in sys.modules)\n"
        "w.tabs.setCurrentWidget(w.portfolio); app.processEvents()\n"
        "print('matplotlib' in sys.modules)\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env=env, timeout=120).stdout.split()
    assert out == ["False", "True"]


@pytest.fixture
def window(qtbot):
    from ui.mainwindow import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def portfolio(window, qtbot):
    window.tabs.setCurrentWidget(window.portfolio)
    tab = window.portfolio.widget
    qtbot.waitUntil(lambda: tab.charts is not None and tab.charts.ladder.draw_count > 0)
    return tab


def test_the_ladder_follows_the_trade_selected_in_the_grid(qtbot, window):
    window.plan_tab.select_plan_row(3)
    tab = portfolio(window, qtbot)
    ladder = tab.charts.ladder.chart
    assert ladder.subtitle.get_text().startswith("BTC-USD short 3x")
    window.tabs.setCurrentWidget(window.plan_tab)
    window.plan_tab.select_plan_row(7)
    window.tabs.setCurrentWidget(window.portfolio)
    qtbot.waitUntil(lambda: ladder.subtitle.get_text().startswith("DOGEUSDT long 20x"))


def test_selecting_a_bucket_filters_the_grid(qtbot, window):
    tab = portfolio(window, qtbot)
    tab.bucket_view.selectRow(2)                    # hedging
    assert window.plan_tab.model.rowCount() == 3
    tab.bucket_view.selectRow(3)                    # plan total: every trade again
    assert window.plan_tab.model.rowCount() == 12


def test_an_edit_in_the_grid_reaches_the_portfolio_tables(qtbot, window):
    from planner.edits import SetCells

    tab = portfolio(window, qtbot)
    window.document.apply(SetCells((0,), ("risk_pct",), (1.0,)), "risk")
    QApplication.processEvents()
    qtbot.waitUntil(lambda: tab.buckets.index(1, 4).data() == "3,000")   # directional risk $
    window.document.undo_stack.undo()   # back to the saved state: closing asks nothing
    qtbot.waitUntil(lambda: tab.buckets.index(1, 4).data() == "4,000")
