"""The grid's table model: Qt contract, live recompute, alerts, refused input, sort, filter."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt

from planner import compute
from planner.edits import SetCells
from planner.parse import blank_rows, delete_rows, duplicate_rows
from ui.document import PlanDocument
from ui.grid.columns import INDEX
from ui.grid.model import PlanTableModel
from ui.grid.order import Filters
from ui.grid.roles import ALERT_BG, OUTPUT_BG, Role


@pytest.fixture
def doc(qapp, sample):
    return PlanDocument(sample, name="Sample plan")


@pytest.fixture
def model(doc):
    return PlanTableModel(doc)


def cell(model, row, key, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, INDEX[key]), role)


def test_model_passes_the_qt_model_tester(qtmodeltester, model):
    qtmodeltester.check(model, force_py=True)


def test_model_tester_survives_edits_row_operations_sort_and_filter(qtmodeltester, doc, model):
    qtmodeltester.check(model, force_py=True)
    model.setData(model.index(0, INDEX["entry_price"]), "70,000")
    doc.apply(duplicate_rows(doc.plan, [1, 3]), "dup")
    doc.apply(delete_rows([0, 5]), "del")
    model.sort(INDEX["notional_usd"], Qt.SortOrder.DescendingOrder)
    doc.apply(blank_rows(doc.plan, 2, 2), "insert")
    model.set_filters(Filters(side="short"))
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    model.set_filters(Filters())
    assert model.rowCount() == len(doc.plan.trades)


def test_display_is_formatted_and_edit_role_is_raw(model):
    assert cell(model, 0, "entry_price") == "65,000.00"
    assert cell(model, 0, "entry_price", Qt.ItemDataRole.EditRole) == 65000.0
    assert cell(model, 0, "symbol") == "BTCUSDT"
    assert cell(model, 0, "notional_usd").replace(",", "").isdigit()


def test_inputs_are_editable_and_outputs_are_read_only_and_shaded(model):
    inp, out = model.index(0, INDEX["leverage"]), model.index(0, INDEX["margin_usd"])
    assert model.flags(inp) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(out) & Qt.ItemFlag.ItemIsEditable
    assert model.data(out, Qt.ItemDataRole.BackgroundRole) == OUTPUT_BG


def test_editing_entry_recomputes_dependent_outputs_at_once(qtbot, doc, model):
    before = cell(model, 0, "liquidation_price", Role.RAW)
    with qtbot.waitSignal(model.dataChanged) as blocker:
        assert model.setData(model.index(0, INDEX["entry_price"]), "70000")
    after = cell(model, 0, "liquidation_price", Role.RAW)
    assert after != before
    assert math.isclose(after, compute(doc.plan).rows["liquidation_price"].iat[0])
    top_left = blocker.args[0]
    assert top_left.row() == 0


def test_data_changed_covers_only_the_edited_row(qtbot, doc, model):
    seen = []
    model.dataChanged.connect(lambda a, b, roles=(): seen.append((a.row(), b.row(),
                                                                   a.column(), b.column())))
    model.setData(model.index(3, INDEX["volatility_pct"]), "3.5")
    assert seen and all(top == bottom == 3 for top, bottom, _, _ in seen)
    changed_cols = {c for _, _, a, b in seen for c in range(a, b + 1)}
    assert INDEX["volatility_pct"] in changed_cols and INDEX["trim_price"] in changed_cols
    assert INDEX["symbol"] not in changed_cols


def test_heat_alert_repaints_every_row(qtbot, doc, model):
    seen = []
    model.dataChanged.connect(lambda a, b, roles=(): seen.append((a.row(), b.row())))
    model.setData(model.index(0, INDEX["risk_pct"]), "5")   # heat 9.75 % > cap 6 %
    assert (0, model.rowCount() - 1) in seen
    assert cell(model, 4, "risk_pct", Qt.ItemDataRole.BackgroundRole) == ALERT_BG
    assert "heat" in cell(model, 4, "risk_pct", Qt.ItemDataRole.ToolTipRole)


def test_alert_colours_the_cell_concerned_with_the_reason(model):
    doge = next(r for r in range(model.rowCount()) if cell(model, r, "symbol") == "DOGEUSDT")
    assert cell(model, doge, "stop_pct", Qt.ItemDataRole.BackgroundRole) == ALERT_BG
    assert "liquidation" in cell(model, doge, "stop_pct", Qt.ItemDataRole.ToolTipRole)
    assert cell(model, 0, "stop_pct", Qt.ItemDataRole.BackgroundRole) is None


@pytest.mark.parametrize("text", ["abc", "-5", "0", ""])
def test_bad_entry_is_refused_and_explained(qtbot, doc, model, text):
    with qtbot.waitSignal(model.edit_refused) as blocker:
        assert not model.setData(model.index(0, INDEX["entry_price"]), text)
    assert doc.plan.trades["entry_price"].iat[0] == 65000
    assert "row 1" in blocker.args[0] and "Entry" in blocker.args[0]
    assert "Refused" in cell(model, 0, "entry_price", Qt.ItemDataRole.ToolTipRole)
    assert not doc.undo_stack.count()


@pytest.mark.parametrize(("key", "text", "value"), [
    ("risk_pct", "2", 2.0), ("risk_pct", "2%", 2.0), ("extra_margin_usd", "1,234.5", 1234.5)])
def test_numbers_accept_spreadsheet_spellings(doc, model, key, text, value):
    assert model.setData(model.index(0, INDEX[key]), text)
    assert doc.plan.trades[key].iat[0] == value


def test_sort_by_a_column_and_edit_through_the_sorted_view(doc, model):
    model.sort(INDEX["entry_price"], Qt.SortOrder.AscendingOrder)
    prices = [cell(model, r, "entry_price", Role.RAW) for r in range(model.rowCount())]
    assert prices == sorted(prices)
    top = model.plan_row(0)
    model.setData(model.index(0, INDEX["leverage"]), "4")
    assert doc.plan.trades["leverage"].iat[top] == 4


def test_filter_by_bucket_side_venue_and_alerts(doc, model):
    model.set_filters(Filters(bucket="hedging"))
    assert {cell(model, r, "bucket") for r in range(model.rowCount())} == {"hedging"}
    model.set_filters(Filters(side="short", venue="Binance"))
    assert {(cell(model, r, "side"), cell(model, r, "venue"))
            for r in range(model.rowCount())} == {("short", "Binance")}
    model.set_filters(Filters(alerts_only=True))
    assert all(cell(model, r, "alert_count", Role.RAW) > 0 for r in range(model.rowCount()))
    assert 0 < model.rowCount() < len(doc.plan.trades)


def test_blank_row_shows_required_cells_and_no_outputs(doc, model):
    doc.apply(blank_rows(doc.plan, 0), "Insert row")
    assert cell(model, 0, "notional_usd") == ""
    assert "required" in cell(model, 0, "entry_price", Qt.ItemDataRole.ToolTipRole)
    assert cell(model, 0, "leverage") == "5x"


def test_set_cells_through_document_updates_model(doc, model):
    doc.apply(SetCells((2,), ("side",), ("long",)), "side")
    assert cell(model, 2, "side") == "long"
