"""The Portfolio tab: tables and their models, bucket filter, heat gauge, lazy charts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from planner import compute
from planner.charts import BUCKET_COLUMNS, CROSS_COLUMNS, bucket_view, cross_view
from planner.edits import SetCells, apply
from tests.conftest import ROOT
from tests.test_planner_charts import wipe_plan
from ui.portfolio import PortfolioTab
from ui.portfolio.heat import HeatGauge
from ui.portfolio.models import Role, TableModel


def edited(plan, row, key, value):
    return apply(plan, SetCells((row,), (key,), (value,)))[0]


@pytest.fixture
def tab(qtbot):
    w = PortfolioTab()
    qtbot.addWidget(w)
    return w


def col(key, columns=BUCKET_COLUMNS):
    return [c.key for c in columns].index(key)


def text(model, row, key):
    return model.index(row, col(key, model.table.columns)).data()


def test_bucket_and_cross_models_pass_the_qt_model_tester(qtmodeltester, sample):
    res = compute(sample)
    buckets, cross = TableModel(BUCKET_COLUMNS), TableModel(CROSS_COLUMNS)
    buckets.set_table(bucket_view(res))
    cross.set_table(cross_view(res))
    qtmodeltester.check(buckets, force_py=True)
    qtmodeltester.check(cross, force_py=True)
    buckets.set_table(bucket_view(compute(wipe_plan())))   # different shape: a reset
    qtmodeltester.check(buckets, force_py=True)


def test_the_tab_shows_buckets_totals_and_the_cross_comparison(tab, sample):
    res = compute(sample)
    tab.set_results(sample, res)
    b = tab.buckets
    assert [b.row_key(r) for r in range(b.rowCount())] == [
        "market-making", "directional", "hedging", ""]
    assert text(b, 3, "bucket") == "Plan total"
    assert text(b, 3, "risk_usd") == "5,750"
    assert b.index(3, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert b.index(1, col("pnl_tail_usd")).data(Role.RAW) == pytest.approx(
        res.buckets["pnl_tail_usd"].iloc[1])
    assert b.headerData(col("heat_pct"), Qt.Orientation.Horizontal) == "Heat %"
    c = tab.cross
    assert c.rowCount() == 6
    assert text(c, 4, "verdict").startswith("Cross margin would lose 3,306 USD")
    assert "12 trades" in tab.summary.text()
    assert (tab.heat.heat, tab.heat.cap) == (pytest.approx(5.75), 6.0)
    assert tab.heat.text_level() == "near the cap"


def test_a_liquidated_cross_account_is_shaded_red(tab):
    plan = wipe_plan()
    tab.set_results(plan, compute(plan))
    c = tab.cross
    shaded = [r for r in range(6) if c.index(r, 0).data(Qt.ItemDataRole.BackgroundRole)]
    assert [c.row_key(r) for r in shaded] == ["tail/down"]
    assert "force-closed" in c.index(shaded[0], 0).data(Qt.ItemDataRole.ToolTipRole)


def test_a_cell_edit_signals_only_the_changed_cells(qtbot, tab, sample):
    tab.set_results(sample, compute(sample))
    plan = edited(sample, 1, "risk_pct", 1.5)   # ETHUSDT, directional
    resets = []
    tab.buckets.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(tab.buckets.dataChanged) as sig:
        tab.set_results(plan, compute(plan))
    top, bottom = sig.args[0], sig.args[1]
    assert resets == []
    assert top.row() <= 1 <= bottom.row() and bottom.row() <= 3   # directional … plan total
    assert top.column() >= 1                                       # the names did not change
    assert text(tab.buckets, 1, "risk_usd") == "4,750"


def test_selecting_a_bucket_filters_and_the_total_row_clears(qtbot, tab, sample):
    tab.set_results(sample, compute(sample))
    with qtbot.waitSignal(tab.bucket_selected) as sig:
        tab.bucket_view.selectRow(2)
    assert sig.args == ["hedging"] and tab.selected_bucket() == "hedging"
    with qtbot.waitSignal(tab.bucket_selected) as sig:
        tab.bucket_view.selectRow(3)
    assert sig.args == [""]
    with qtbot.waitSignal(tab.bucket_selected) as sig:
        tab.bucket_view.selectRow(0)
    assert sig.args == ["market-making"]
    with qtbot.waitSignal(tab.bucket_selected) as sig:
        tab.bucket_view.selectionModel().clearSelection()
    assert sig.args == [""]


def test_the_selected_bucket_survives_a_recompute_and_is_dropped_when_it_goes(qtbot, tab,
                                                                              sample):
    tab.set_results(sample, compute(sample))
    tab.bucket_view.selectRow(2)
    plan = edited(sample, 0, "risk_pct", 1.0)
    with qtbot.assertNotEmitted(tab.bucket_selected):
        tab.set_results(plan, compute(plan))
    rows = tab.bucket_view.selectionModel().selectedRows()
    assert [r.row() for r in rows] == [2]
    # every hedging row moves to a new bucket: the filter is dropped
    hedges = [i for i, b in enumerate(sample.trades["bucket"]) if b == "hedging"]
    plan = apply(sample, SetCells(tuple(hedges), ("bucket",) * 3, ("tail hedges",) * 3))[0]
    with qtbot.waitSignal(tab.bucket_selected) as sig:
        tab.set_results(plan, compute(plan))
    assert sig.args == [""]
    assert [tab.buckets.row_key(r) for r in range(4)] == [
        "market-making", "directional", "tail hedges", ""]   # user buckets after standard ones


def test_selection_flags_are_plain_rows(tab, sample):
    tab.set_results(sample, compute(sample))
    sel = tab.bucket_view.selectionModel()
    sel.select(tab.buckets.index(1, 3), QItemSelectionModel.SelectionFlag.ClearAndSelect
               | QItemSelectionModel.SelectionFlag.Rows)
    assert tab.selected_bucket() == "directional"


@pytest.mark.parametrize(("heat", "level"), [(2.0, "within the cap"), (5.5, "near the cap"),
                                              (7.0, "above the cap")])
def test_heat_gauge_words_and_paint(qtbot, heat, level):
    g = HeatGauge()
    qtbot.addWidget(g)
    g.set_heat(heat, 6.0)
    assert g.text_level() == level and level in g.toolTip()
    g.resize(300, 24)
    assert not g.grab().isNull()


def test_no_matplotlib_until_the_tab_is_shown():
    code = (
        "import sys, planner\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from ui.portfolio import PortfolioTab\n"
        "tab = PortfolioTab(); plan = planner.sample_plan()\n"
        "tab.set_results(plan, planner.compute(plan)); tab.set_selected_row(3)\n"
        "print('matplotlib' in sys.modules)\n"
        "tab.show(); app.processEvents()\n"
        "print('matplotlib' in sys.modules, tab.charts is not None)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={**__import__("os").environ,
                                          "QT_QPA_PLATFORM": "offscreen"}).stdout.split("\n")
    assert out[:2] == ["False", "True True"]
