"""The Market data dialog and the Stress tab (pytest-qt, offscreen; models via qtmodeltester)."""

from __future__ import annotations

import numpy as np
import pytest
from market_helpers import candles, kline_text, write_kline
from PySide6.QtCore import Qt

from planner import sample_plan
from planner.market.store import MarketStore
from ui.market.dialog import MarketDialog
from ui.market.models import SeriesModel, StressModel


@pytest.fixture
def market_path(tmp_path, monkeypatch):
    path = tmp_path / "market.sqlite3"
    monkeypatch.setenv("TRADE_PLANNER_MARKET", str(path))
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(tmp_path / "journal.sqlite3"))
    return path


@pytest.fixture
def window(qtbot, market_path):
    from ui.document import PlanDocument
    from ui.mainwindow import MainWindow
    from ui.prefs import Prefs

    win = MainWindow(PlanDocument(sample_plan(), name="sample"), prefs=Prefs(None))
    if not hasattr(win, "stress_tab"):
        from ui.market import install

        install(win)
    win.files.ask_save = lambda name: "discard"
    qtbot.addWidget(win)
    return win


def _crash(tmp_path):
    frame = candles(24 * 30, seed=41, sigma=0.004, price=60000.0)
    frame.loc[24 * 20:, ["open", "high", "low", "close"]] *= 0.7
    return write_kline(tmp_path, frame)


def test_dialog_imports_lists_with_gaps_and_deletes(qtbot, tmp_path, market_path, qtmodeltester):
    dialog = MarketDialog(market_path)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0
    frame = candles(48).drop(index=[10, 11])
    text = dialog.import_files([str(write_kline(tmp_path, frame))])
    assert "46 added, 0 already stored" in text
    m = dialog.model
    qtmodeltester.check(m)
    row = [m.data(m.index(0, c)) for c in range(m.columnCount())]
    assert row[:4] == ["candles", "BTCUSDT", "1h", "46"] and row[-1] == "1"
    assert row[4] == "2024-01-01 00:00" and row[5] == "2024-01-02 23:00"
    assert "missing 2024-01-01 10:00 → 2024-01-01 11:00" in m.data(
        m.index(0, 6), Qt.ItemDataRole.ToolTipRole)
    dialog.view.selectRow(0)
    assert dialog.delete() == 46 and m.rowCount() == 0


def test_dialog_bad_rows_store_nothing_unless_accepted(qtbot, tmp_path, market_path):
    dialog = MarketDialog(market_path)
    qtbot.addWidget(dialog)
    lines = kline_text(candles(4)).splitlines()
    lines[1] = "x" + lines[1]
    bad = tmp_path / "ETHUSDT-1h-2024-01.csv"
    bad.write_text("\n".join(lines) + "\n")
    asked: list[str] = []
    text = dialog.import_files([str(bad)], ask=lambda t: asked.append(t) or False)
    assert text.startswith("Nothing imported: 1 bad row(s)") and "row 2" in asked[0]
    assert dialog.model.rowCount() == 0
    assert "3 added" in dialog.import_files([str(bad)], ask=lambda t: True)
    assert dialog.model.rowCount() == 1
    assert dialog.import_files([str(tmp_path / "gone.zip")]).startswith("Nothing imported")


def test_stress_tab_worst_windows_table_and_chart(window, tmp_path, market_path, qtmodeltester):
    with MarketStore(market_path) as store:
        from planner.market.importer import read_file, store_files

        store_files(store, [read_file(_crash(tmp_path))])
    tab = window.stress_tab
    assert "Stress" in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    tab.worst_k.setValue(2)
    tab.hours.setValue(48)
    summary = tab.run_worst()
    assert summary.count("cross margin") == 2
    m: StressModel = tab.model
    qtmodeltester.check(m)
    assert (m.rowCount(), m.columnCount()) == (len(sample_plan().trades), 2)
    assert m.headerData(0, Qt.Orientation.Vertical) == "row 2 BTCUSDT long"
    first = m.data(m.index(0, 0))
    assert first.startswith("LIQ -") and first.endswith("gap")   # a 30 % one-candle gap
    assert m.data(
        m.index(0, 0), Qt.ItemDataRole.ForegroundRole).color().name() == "#b2182b"
    path = tab.show_path(0, 0)
    assert path is not None and path.outcome == "liquidation"
    assert path.entry == pytest.approx(65000.0) and np.isfinite(path.close).all()
    assert tab.chart.chart.subtitle.get_text().startswith("row 2 BTCUSDT long")
    legend = tab.chart.chart.ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "price", "entry", "stop", "liquidation", "end"]
    assert legend.get_lines()[-1].get_color() == tab.chart.chart.end.get_color()  # LOSS: liq.


def test_stress_tab_typed_window_and_plain_errors(window, tmp_path, market_path):
    tab = window.stress_tab
    assert "Plan → Market data…" in tab.totals.text()   # before any replay: what to do
    tab.start.setText("2024-01-03")
    tab.end.setText("2024-01-04")
    assert "no market data file" in tab.run_typed()
    with MarketStore(market_path) as store:
        from planner.market.importer import read_file, store_files

        store_files(store, [read_file(_crash(tmp_path))])
    assert "cross margin" in tab.run_typed()
    assert tab.model.columnCount() == 1
    tab.end.setText("2024-01-01")
    assert "before it starts" in tab.run_typed()


def test_series_model_passes_the_model_tester(qtmodeltester):
    qtmodeltester.check(SeriesModel())


def test_market_data_action_sits_in_the_plan_menu(window):
    assert window.market_action in window.plan_menu.actions()


def test_report_gets_a_stress_page_only_with_market_data(tmp_path, market_path):
    from planner.cli import run
    from planner.market.importer import read_file, store_files
    from tests.conftest import ROOT

    plan = str(ROOT / "resources" / "sample_plan.xlsx")
    assert run(["report", plan, "-o", str(tmp_path / "a.png")]) == 0
    assert not (tmp_path / "a-stress.png").exists()
    with MarketStore(market_path) as store:
        store_files(store, [read_file(_crash(tmp_path))])
    assert run(["report", plan, "-o", str(tmp_path / "b.png")]) == 0
    assert (tmp_path / "b-stress.png").stat().st_size > 10_000
