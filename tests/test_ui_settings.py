"""The Settings tab: every table passes the model tester; edits are validated and undoable."""

from __future__ import annotations

import pytest

from planner.tables import VENUE_HEADER
from ui.document import PlanDocument
from ui.grid.roles import ALERT_BG
from ui.settings import SettingsTab


@pytest.fixture
def tab(qtbot, sample):
    doc = PlanDocument(sample, name="Sample plan")
    t = SettingsTab(doc, ask_text=lambda title, label: "Kraken" if "venue" in title else "AVAX")
    doc.setParent(t)
    qtbot.addWidget(t)
    return t


def doc(tab):
    return tab._doc


@pytest.mark.parametrize("name", ["settings", "scenarios", "venues"])
def test_models_pass_the_qt_model_tester(qtmodeltester, tab, name):
    model = getattr(tab, name)
    qtmodeltester.check(model, force_py=True)
    tab.add_venue()          # rows added at the end
    doc(tab).undo_stack.undo()
    qtmodeltester.check(model, force_py=True)


def setting_row(tab, key):
    m = tab.settings
    return next(r for r in range(m.rowCount()) if m.key(r) == key)


def test_heat_cap_change_recomputes_alerts_and_undoes(tab):
    m = tab.settings
    assert not doc(tab).results.totals["heat_over_cap"]
    assert m.setData(m.index(setting_row(tab, "heat_cap_pct"), 1), "5%")
    assert doc(tab).plan.settings.heat_cap_pct == 5
    assert doc(tab).results.totals["heat_over_cap"]
    doc(tab).undo_stack.undo()
    assert doc(tab).plan.settings.heat_cap_pct == 6


def test_bad_setting_is_refused_with_the_reason(qtbot, tab):
    m = tab.settings
    index = m.index(setting_row(tab, "stop_sigma"), 1)
    with qtbot.waitSignal(tab.message) as blocker:
        assert not m.setData(index, "0.5")  # below the trim band
    assert "ordered" in blocker.args[0]
    assert m.data(index, 8) == ALERT_BG  # BackgroundRole
    assert doc(tab).plan.settings.stop_sigma == 2


def test_scenario_edit_moves_the_stressed_price(tab):
    m = tab.scenarios
    assert doc(tab).results.rows["price_stressed"].iat[0] == 58_500  # max(2.5 σ, 10 %)
    assert m.setData(m.index(1, m.headers.index("sigma_move")), "4")
    assert doc(tab).results.rows["price_stressed"].iat[0] == pytest.approx(57_200)  # 4 σ


def test_venue_tier_edit_moves_liquidation_prices(tab):
    m = tab.venues
    row = next(r for r in range(m.rowCount()) if m.venue_name(r) == "Generic")
    before = doc(tab).results.rows["liquidation_price"].iat[11]
    assert m.setData(m.index(row, VENUE_HEADER.index("mmr_pct")), "2")
    assert doc(tab).results.rows["liquidation_price"].iat[11] > before  # XRP long on Generic


def test_venue_commands(tab):
    assert tab.add_venue()
    assert "Kraken" in doc(tab).plan.venues
    tab.views["venues"].setCurrentIndex(tab.venues.index(tab.venues.rowCount() - 1, 0))
    assert tab.add_tier()
    assert len(doc(tab).plan.venues["Kraken"].tiers) == 2
    assert tab.delete_tier()
    assert tab.delete_venue()
    assert "Kraken" not in doc(tab).plan.venues
    binance = next(r for r in range(tab.venues.rowCount()) if tab.venues.venue_name(r)
                   == "Binance")
    tab.views["venues"].setCurrentIndex(tab.venues.index(binance, 0))
    assert not tab.delete_venue()  # rows use it


def venue_row(tab, name, instrument=""):
    from planner.parse import venue_table

    return next(i for i, r in enumerate(venue_table(doc(tab).plan))
                if r["name"] == name and r["instrument"] == instrument)


def test_an_instrument_is_added_edited_and_deleted_and_moves_only_its_rows(tab):
    from planner.parse import typed_cells

    doc(tab).apply(typed_cells(doc(tab).plan, [(10, "symbol", "AVAXUSDT"),
                                               (10, "venue", "Hyperliquid")]), "AVAX row")
    rows = doc(tab).results.rows
    assert rows["instrument"].iat[10] == ""           # Hyperliquid lists no AVAX: default table
    before = rows["liquidation_price"].to_numpy().copy()
    tab.views["venues"].setCurrentIndex(tab.venues.index(venue_row(tab, "Hyperliquid"), 0))
    assert tab.add_instrument()
    assert doc(tab).plan.venues["Hyperliquid"].instrument("AVAX-PERP") is not None
    assert doc(tab).results.rows["instrument"].iat[10] == "AVAX"
    m = tab.venues
    assert m.setData(m.index(venue_row(tab, "Hyperliquid", "AVAX"), VENUE_HEADER.index("mmr_pct")),
                     "5")
    after = doc(tab).results.rows["liquidation_price"].to_numpy()
    assert after[10] > before[10]                      # the AVAX long: its own, higher mmr
    others = [i for i in range(len(after)) if i != 10]
    assert list(after[others]) == pytest.approx(list(before[others]), nan_ok=True)
    assert m.setData(m.index(venue_row(tab, "Hyperliquid", "AVAX"), VENUE_HEADER.index("lot_step")),
                     "1")
    assert doc(tab).results.rows["quantity"].iat[10] == round(doc(tab).results.rows["quantity"]
                                                               .iat[10])
    tab.views["venues"].setCurrentIndex(m.index(venue_row(tab, "Hyperliquid", "AVAX"), 0))
    assert tab.delete_instrument()
    assert doc(tab).results.rows["instrument"].iat[10] == ""
    doc(tab).undo_stack.undo()                          # the deletion is one undo step
    assert doc(tab).results.rows["instrument"].iat[10] == "AVAX"


def test_default_tiers_cannot_be_deleted_as_an_instrument_nor_renamed(tab):
    m = tab.venues
    row = venue_row(tab, "Binance")
    tab.views["venues"].setCurrentIndex(m.index(row, 0))
    assert not tab.delete_instrument()
    assert not m.setData(m.index(row, VENUE_HEADER.index("instrument")), "XRP")
    sol = venue_row(tab, "Binance", "SOL")
    assert not m.setData(m.index(sol, VENUE_HEADER.index("instrument")), "ETH")  # exists
    assert m.setData(m.index(sol, VENUE_HEADER.index("instrument")), "SOLUSDT")  # same: SOL


def test_setting_values_are_in_view_and_long_meanings_in_the_tooltip(qtbot, tab):
    """The longest meanings (tail model, σ estimator) do not push Value off the screen."""
    from PySide6.QtCore import Qt

    tab.resize(1600, 900)
    tab.show()
    qtbot.waitExposed(tab)
    view = tab.views["settings"]
    value_right = view.columnViewportPosition(1) + view.columnWidth(1)
    assert 0 < value_right <= view.viewport().width()
    row = setting_row(tab, "tail_model")
    meaning = tab.settings.index(row, 0)
    full = tab.settings.data(meaning, Qt.ItemDataRole.DisplayRole)
    assert len(full) > 80 and view.fontMetrics().horizontalAdvance(full) > view.columnWidth(0)
    assert tab.settings.data(meaning, Qt.ItemDataRole.ToolTipRole) == full
    assert tab.settings.data(tab.settings.index(row, 1), Qt.ItemDataRole.ToolTipRole) is None
