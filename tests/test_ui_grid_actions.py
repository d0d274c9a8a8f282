"""Grid commands: paste (good and bad cells), fill down, clear, row operations, undo / redo."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel

from ui.document import PlanDocument
from ui.grid.clipboard import to_tsv
from ui.grid.columns import INDEX
from ui.grid.order import Filters
from ui.grid.roles import Role
from ui.plan_tab import PlanTab
from ui.prefs import Prefs


@pytest.fixture
def tab(qtbot, sample):
    doc = PlanDocument(sample, name="Sample plan")
    t = PlanTab(doc, Prefs())
    doc.setParent(t)
    qtbot.addWidget(t)
    return t


def trades(tab):
    return tab.model._doc.plan.trades


def undo(tab):
    tab.model._doc.undo_stack.undo()


def redo(tab):
    tab.model._doc.undo_stack.redo()


def select(tab, top, left_key, bottom=None, right_key=None):
    model, view = tab.model, tab.view
    a = model.index(top, INDEX[left_key])
    b = model.index(top if bottom is None else bottom, INDEX[right_key or left_key])
    view.setCurrentIndex(a)
    view.selectionModel().select(QItemSelection(a, b),
                                 QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_paste_a_block_from_a_spreadsheet_is_one_undo_step(tab):
    select(tab, 2, "entry_price")
    assert tab.grid_actions.paste_text("151\t4\r\n3,210.5\t6\r\n")
    t = trades(tab)
    assert (t["entry_price"].iat[2], t["leverage"].iat[2]) == (151, 4)
    assert (t["entry_price"].iat[3], t["leverage"].iat[3]) == (3210.5, 6)
    assert tab.model._doc.undo_stack.count() == 1
    undo(tab)
    assert (trades(tab)["entry_price"].iat[2], trades(tab)["entry_price"].iat[3]) == (150, 65100)
    redo(tab)
    assert trades(tab)["leverage"].iat[3] == 6


def test_paste_with_bad_cells_applies_none_and_names_them(qtbot, tab):
    select(tab, 0, "entry_price")
    before = trades(tab).copy()
    with qtbot.waitSignal(tab.grid_actions.message) as blocker:
        assert not tab.grid_actions.paste_text("66000\t3\nabc\t2\n70000\t-1\n")
    msg = blocker.args[0]
    assert "row 2" in msg and "Entry" in msg and "row 3" in msg and "Leverage" in msg
    assert trades(tab).equals(before)
    assert tab.model._doc.undo_stack.count() == 0


def test_paste_skips_hidden_and_computed_columns(tab):
    tab.columns.set_visible(["leverage"], False)
    select(tab, 0, "entry_price")
    tab.grid_actions.paste_text("64000\t4.5\n")
    assert trades(tab)["entry_price"].iat[0] == 64000
    assert trades(tab)["volatility_pct"].iat[0] == 4.5  # leverage hidden: next visible column
    select(tab, 0, "risk_usd")
    tab.grid_actions.paste_text("1\t2\n")  # computed columns: skipped
    assert trades(tab)["volatility_pct"].iat[0] == 4.5


def test_paste_with_a_header_row_maps_columns_by_name(tab):
    select(tab, 1, "symbol")
    tab.grid_actions.paste_text("Leverage\tSymbol\n7\tETH-PERP\n")
    assert (trades(tab)["leverage"].iat[1], trades(tab)["symbol"].iat[1]) == (7, "ETH-PERP")


def test_one_value_pasted_over_a_selection_fills_it(tab):
    select(tab, 0, "risk_pct", 3)
    tab.grid_actions.paste_text("0.3\n")
    assert list(trades(tab)["risk_pct"].iloc[:4]) == [0.3] * 4


def test_paste_past_the_last_row_adds_rows_and_undo_removes_them(tab):
    n = len(trades(tab))
    select(tab, n - 1, "symbol")
    tab.grid_actions.paste_text("A\nB\nC\n")
    assert len(trades(tab)) == n + 2 and tab.model.rowCount() == n + 2
    assert list(trades(tab)["symbol"].iloc[-3:]) == ["A", "B", "C"]
    undo(tab)
    assert len(trades(tab)) == n and tab.model.rowCount() == n


def test_copy_gives_exact_inputs_and_shown_outputs(tab):
    select(tab, 0, "entry_price", 1, "leverage")
    assert tab.grid_actions.copy_text() == to_tsv([["65000", "5"], ["3200", "10"]])
    select(tab, 0, "notional_usd")
    assert tab.grid_actions.copy_text().strip() == tab.model.index(
        0, INDEX["notional_usd"]).data()


def test_fill_down_from_the_top_row_of_the_selection(tab):
    select(tab, 0, "leverage", 4, "volatility_pct")
    tab.grid_actions.fill_down()
    t = trades(tab)
    assert list(t["leverage"].iloc[:5]) == [5] * 5 and list(t["volatility_pct"].iloc[:5]) == [3] * 5
    assert tab.model._doc.undo_stack.count() == 1
    undo(tab)
    assert trades(tab)["leverage"].iat[1] == 10


def test_clear_then_undo(tab):
    select(tab, 0, "stop_pct", 2, "target_pct")
    tab.grid_actions.clear()
    assert trades(tab)["target_pct"].iloc[:3].isna().all()
    undo(tab)
    assert trades(tab)["target_pct"].iat[0] == 12


def test_insert_duplicate_delete_rows_and_undo_each(tab):
    n = len(trades(tab))
    select(tab, 3, "symbol")
    tab.grid_actions.insert_rows()
    assert len(trades(tab)) == n + 1 and trades(tab)["symbol"].iat[3] == ""
    assert tab.model.index(3, INDEX["notional_usd"]).data() == ""
    select(tab, 0, "symbol", 1)
    tab.grid_actions.duplicate_rows()
    assert list(trades(tab)["symbol"].iloc[:4]) == ["BTCUSDT", "BTCUSDT", "ETHUSDT", "ETHUSDT"]
    select(tab, 0, "symbol", 2)
    tab.grid_actions.delete_rows()
    assert len(trades(tab)) == n
    for expected in (n + 3, n + 1, n):
        undo(tab)
        assert len(trades(tab)) == expected and tab.model.rowCount() == expected
    for expected in (n + 1, n + 3, n):
        redo(tab)
        assert len(trades(tab)) == expected


def test_row_operations_follow_a_sorted_and_filtered_view(tab):
    tab.set_filters(Filters(bucket="hedging"))
    tab.model.sort(INDEX["entry_price"])
    select(tab, 0, "symbol")
    assert tab.model.index(0, INDEX["symbol"]).data() == "LINK"  # cheapest hedge
    tab.grid_actions.delete_rows()
    assert "LINK" not in set(trades(tab)["symbol"])
    assert all(tab.model.index(r, INDEX["bucket"]).data() == "hedging"
               for r in range(tab.model.rowCount()))


def test_undo_redo_after_live_recompute_restores_outputs(tab):
    doc = tab.model._doc
    before = doc.results.rows["notional_usd"].to_numpy().copy()
    tab.model.setData(tab.model.index(0, INDEX["volatility_pct"]), "6")
    assert doc.results.rows["notional_usd"].iat[0] < before[0]
    undo(tab)
    assert math.isclose(doc.results.rows["notional_usd"].iat[0], before[0])
    shown = tab.model.index(0, INDEX["notional_usd"]).data(Role.RAW)
    assert math.isclose(shown, before[0])
