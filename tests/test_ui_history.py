"""Blank Vol cells in the app take σ from the market file (SPEC §11): shown, marked, refreshed."""

from __future__ import annotations

import math

import pytest
from market_helpers import candles, write_kline
from PySide6.QtCore import Qt

from planner.edits import SetCells
from planner.market.estimators import all_estimates
from planner.market.history import load_candles
from planner.market.importer import read_file, store_files
from planner.market.store import MarketStore
from planner.parse import settings_edit
from tests.conftest import make_plan
from ui.document import PlanDocument
from ui.grid.columns import INDEX
from ui.grid.model import PlanTableModel
from ui.grid.roles import HISTORY_BG, MISSING_BG, Role
from ui.market.dialog import MarketDialog

NAN = math.nan
TIP = Qt.ItemDataRole.ToolTipRole
BG = Qt.ItemDataRole.BackgroundRole


def _plan():
    return make_plan([
        {"symbol": "BTCUSDT", "side": "long", "entry_price": 60_000.0, "leverage": 5.0,
         "volatility_pct": NAN, "risk_pct": 1.0},
        {"symbol": "ETHUSDT", "side": "short", "entry_price": 3_000.0, "leverage": 5.0,
         "volatility_pct": 3.0, "risk_pct": 1.0},
        {"symbol": "SOLUSDT", "side": "short", "entry_price": 150.0, "leverage": 5.0,
         "volatility_pct": NAN, "risk_pct": 1.0}])


def _store(tmp_path, *names):
    path = tmp_path / "market.sqlite3"
    files = [read_file(write_kline(tmp_path, candles(24 * 40, seed=i + 3), name=f"{n}-1h-2024-01"))
             for i, n in enumerate(names)]
    with MarketStore(path) as s:
        store_files(s, files)
    return path


@pytest.fixture
def doc(qapp, tmp_path):
    d = PlanDocument(_plan(), name="history")
    d.set_market(_store(tmp_path, "BTCUSDT"))
    return d


def cell(model, row, key, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, INDEX[key]), role)


def _sigma(path, symbol, estimator="yang-zhang", days=30):
    c = load_candles(path, symbol)
    assert c is not None
    return all_estimates(c, days)[estimator]


def test_a_blank_vol_cell_shows_the_history_sigma_marked_and_explained(doc):
    model = PlanTableModel(doc)
    want = _sigma(doc.market, "BTC")
    assert cell(model, 0, "volatility_pct", Role.RAW) is None             # still blank
    assert cell(model, 0, "vol_used_pct", Role.RAW) == pytest.approx(want)
    assert cell(model, 0, "volatility_pct") == cell(model, 0, "vol_used_pct")
    assert cell(model, 0, "volatility_pct", BG) == HISTORY_BG
    assert "BTCUSDT 1h 30d yang-zhang" in cell(model, 0, "volatility_pct", TIP)
    assert cell(model, 0, "notional_usd") != ""
    assert cell(model, 1, "volatility_pct", BG) != HISTORY_BG             # typed σ
    assert model.paint_data(0, INDEX["volatility_pct"])[1] == HISTORY_BG


def test_a_blank_vol_cell_without_history_is_a_draft_that_says_what_to_do(doc):
    model = PlanTableModel(doc)
    assert cell(model, 2, "volatility_pct", BG) == MISSING_BG
    assert "no price history for SOL" in cell(model, 2, "volatility_pct", TIP)
    assert cell(model, 2, "notional_usd") == "" and model.is_incomplete(2)


def test_typing_a_symbol_with_history_fills_the_row(qtbot, doc):
    model = PlanTableModel(doc)
    seen = []
    model.dataChanged.connect(lambda a, b, roles=(): seen.append((a.column(), b.column())))
    assert model.setData(model.index(2, INDEX["symbol"]), "btc-perp")
    assert cell(model, 2, "vol_source", Role.RAW) == "BTCUSDT 1h 30d yang-zhang"
    assert cell(model, 2, "volatility_pct", BG) == HISTORY_BG
    assert any(a <= INDEX["volatility_pct"] <= b for a, b in seen)
    doc.undo_stack.undo()
    assert cell(model, 2, "volatility_pct", BG) == MISSING_BG


def test_changing_the_estimator_refreshes_and_undo_restores(doc):
    model = PlanTableModel(doc)
    ewma = _sigma(doc.market, "BTC", "ewma", 7)
    doc.apply(settings_edit(doc.plan, "vol_estimator", "ewma"), "estimator")
    doc.apply(settings_edit(doc.plan, "vol_window_days", "7"), "window")
    assert cell(model, 0, "vol_used_pct", Role.RAW) == pytest.approx(ewma)
    assert "BTCUSDT 1h 7d ewma" in cell(model, 0, "volatility_pct", TIP)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert cell(model, 0, "vol_used_pct", Role.RAW) == pytest.approx(_sigma(doc.market, "BTC"))


def test_a_typed_sigma_wins_and_clearing_it_goes_back_to_history(doc):
    model = PlanTableModel(doc)
    assert model.setData(model.index(0, INDEX["volatility_pct"]), "4.5")
    assert cell(model, 0, "vol_source", Role.RAW) == "typed"
    assert cell(model, 0, "volatility_pct", BG) != HISTORY_BG
    doc.apply(SetCells((0,), ("volatility_pct",), (NAN,)), "clear")
    assert cell(model, 0, "vol_source", Role.RAW) == "BTCUSDT 1h 30d yang-zhang"


def test_an_import_in_the_market_dialog_fills_the_open_plan(qtbot, doc, tmp_path):
    model = PlanTableModel(doc)
    dialog = MarketDialog(doc.market)
    qtbot.addWidget(dialog)
    dialog.stored.connect(doc.refresh_history)
    seen = []
    model.dataChanged.connect(lambda a, b, roles=(): seen.append((a.column(), b.column())))
    frame = candles(24 * 40, seed=9, price=150.0)
    dialog.import_files([str(write_kline(tmp_path, frame, name="SOLUSDT-1h-2024-01"))])
    assert cell(model, 2, "vol_source", Role.RAW) == "SOLUSDT 1h 30d yang-zhang"
    assert cell(model, 2, "volatility_pct", BG) == HISTORY_BG
    assert any(a <= INDEX["volatility_pct"] <= b for a, b in seen)
    assert not doc.is_modified                                     # a refresh, not an edit
    dialog.view.selectRow(0)
    dialog.delete()
    # the snapshot keeps facts for coins the file no longer has (a plan opened on a machine
    # without the file computes as it did): deleting a series does not blank the plan
    assert [f.symbol for f in doc.plan.history] == ["BTC", "SOL"]
    assert dialog.model.rowCount() == 1


def test_a_broken_market_file_keeps_the_plan_and_says_so(qapp, tmp_path, capsys):
    bad = tmp_path / "market.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    d = PlanDocument(_plan(), name="x")
    d.set_market(bad)
    assert d.plan.history == () and "market file" in capsys.readouterr().err


def test_choosing_empirical_tails_reads_the_tables_and_a_horizon_change_rereads(qapp, tmp_path):
    path = tmp_path / "long.sqlite3"
    with MarketStore(path) as s:
        store_files(s, [read_file(write_kline(tmp_path, candles(24 * 100, seed=4)))])
    d = PlanDocument(_plan(), name="tails")
    d.set_market(path)
    assert not d.plan.history[0].has_tails                     # student-t: no table kept
    d.apply(settings_edit(d.plan, "tail_model", "empirical"), "tails")
    facts = d.plan.history[0]
    assert facts.has_tails and facts.tail_source.endswith("of 24 h")
    assert d.results.rows["tail_used"].iat[0] == "empirical: " + facts.tail_source
    d.apply(settings_edit(d.plan, "horizon_hours", "48"), "horizon")
    assert d.plan.history[0].tail_source.endswith("of 48 h")
    d.undo_stack.undo()
    d.undo_stack.undo()
    assert not d.plan.history[0].has_tails
    assert d.results.rows["tail_used"].iat[0] == "student-t"
