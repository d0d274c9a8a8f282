"""Building validated edits from typed text: cells, pastes, rows, settings, scenarios, venues."""

from __future__ import annotations

import math

import pytest

from planner import compute, sample_plan
from planner.edits import Batch, InsertRows, SetCells, SetSettings, SetVenues, apply
from planner.errors import PlanError
from planner.parse import (
    add_tier,
    add_venue,
    blank_rows,
    clear_cells,
    delete_tier,
    delete_venue,
    duplicate_rows,
    fill_down,
    missing_cells,
    paste_cells,
    scenario_edit,
    settings_edit,
    typed_cells,
    venue_cell_edit,
    venue_table,
)

PLAN = sample_plan()


@pytest.mark.parametrize(("key", "raw", "value"), [
    ("entry_price", "1,234.5", 1234.5), ("risk_pct", "2%", 2.0), ("leverage", 3, 3.0),
    ("stop_pct", "", math.nan), ("leverage", "", 5.0), ("side", "SHORT", "short"),
    ("bucket", "Hedging", "hedging"), ("bucket", "carry", "carry"), ("venue", "bybit", "Bybit"),
    ("venue", "", ""), ("symbol", " ETH ", "ETH"), ("funding_pct", "-0.02", -0.02),
])
def test_typed_cells_parse_like_a_spreadsheet(key, raw, value):
    edit = typed_cells(PLAN, [(0, key, raw)])
    got = edit.values[0]
    assert (math.isnan(got) and math.isnan(value)) if isinstance(value, float) and \
        math.isnan(value) else got == value


@pytest.mark.parametrize(("key", "raw", "words"), [
    ("entry_price", "abc", "expected a number"), ("entry_price", "-1", "must be ≥ 1e-12"),
    ("entry_price", "", "required"), ("side", "up", "unknown side"),
    ("venue", "Kraken", "unknown venue"), ("risk_pct", "150", "≤ 100"),
    ("notional_usd", "5", "computed column"),
])
def test_bad_cells_name_row_column_and_reason(key, raw, words):
    with pytest.raises(PlanError) as err:
        typed_cells(PLAN, [(4, key, raw)])
    issue = err.value.issues[0]
    assert issue.row == 5 and words in issue.message


def test_paste_with_bad_cells_lists_every_bad_cell_and_builds_nothing():
    cells = [(0, "entry_price", "66000"), (1, "entry_price", "x"), (2, "side", "sideways"),
             (3, "leverage", "4")]
    with pytest.raises(PlanError) as err:
        paste_cells(PLAN, cells)
    assert {(i.row, i.column) for i in err.value.issues} == {(2, "Entry"), (3, "Side")}


def test_paste_past_the_end_adds_rows_in_the_same_edit():
    n = len(PLAN.trades)
    edit = paste_cells(PLAN, [(n, "symbol", "NEW"), (n + 1, "symbol", "NEWER"),
                              (n + 1, "entry_price", "10")])
    assert isinstance(edit, Batch) and isinstance(edit.edits[0], InsertRows)
    new, _ = apply(PLAN, edit)
    assert list(new.trades["symbol"].iloc[-2:]) == ["NEW", "NEWER"]
    assert len(missing_cells(new)) == 3  # entry and vol of NEW, vol of NEWER (no history)


def test_clear_keeps_required_cells_and_restores_defaults():
    edit, kept = clear_cells(PLAN, [(0, "symbol"), (0, "leverage"), (0, "stop_pct"),
                                    (0, "notional_usd")])
    assert kept == ["Symbol"]
    new, _ = apply(PLAN, edit)
    assert new.trades["leverage"].iat[0] == 5 and math.isnan(new.trades["stop_pct"].iat[1 - 1])
    assert new.trades["symbol"].iat[0] == "BTCUSDT"


def test_fill_down_copies_the_source_row_into_targets():
    edit = fill_down(PLAN, 0, [1, 2], ["leverage", "risk_pct", "margin_usd"])
    new, _ = apply(PLAN, edit)
    assert list(new.trades["leverage"].iloc[:3]) == [5, 5, 5]
    assert set(edit.keys) == {"leverage", "risk_pct"}


def test_row_builders_insert_blank_and_duplicate_rows():
    new, _ = apply(PLAN, blank_rows(PLAN, 2, 2))
    assert len(new.trades) == len(PLAN.trades) + 2
    assert [i.row for i in missing_cells(new)] == [3, 3, 4, 4]  # symbol, entry (not Vol)
    dup, _ = apply(PLAN, duplicate_rows(PLAN, [0, 3]))
    assert list(dup.trades["symbol"].iloc[:6]) == ["BTCUSDT", "BTCUSDT", "ETHUSDT", "SOL",
                                                   "BTC-USD", "BTC-USD"]


def test_settings_edit_checks_bounds_and_band_order():
    edit = settings_edit(PLAN, "capital_usd", "250,000")
    assert isinstance(edit, SetSettings) and edit.settings.capital_usd == 250_000
    assert settings_edit(PLAN, "heat_cap_pct", "8%").settings.heat_cap_pct == 8
    with pytest.raises(PlanError, match="must be ≥ 1, got 0"):
        settings_edit(PLAN, "capital_usd", "0")
    with pytest.raises(PlanError, match="ordered"):
        settings_edit(PLAN, "trim_sigma", "5")
    with pytest.raises(PlanError, match="unknown venue"):
        settings_edit(PLAN, "default_venue", "Nowhere")


def test_scenario_edit_changes_one_field_and_recomputes():
    edit = scenario_edit(PLAN, "stressed", "sigma_move", "3")
    new, _ = apply(PLAN, edit)
    assert new.scenario("stressed").sigma_move == 3
    assert (compute(new).rows["pnl_stressed_usd"] <= compute(PLAN).rows["pnl_stressed_usd"]
            + 1e-9).all()
    with pytest.raises(PlanError) as err:
        scenario_edit(PLAN, "tail", "gap", "maybe")
    assert err.value.issues[0].sheet == "Scenarios"


def test_venue_rename_follows_into_rows_and_default_venue():
    row = next(i for i, r in enumerate(venue_table(PLAN)) if r["name"] == "Binance")
    edit = venue_cell_edit(PLAN, row, "name", "Binance USDM")
    new, _ = apply(PLAN, edit)
    assert "Binance USDM" in new.venues and "Binance" not in new.venues
    assert (new.trades["venue"] == "Binance USDM").sum() == (PLAN.trades["venue"] ==
                                                              "Binance").sum()
    compute(new)  # every row still names a known venue


def test_venue_tier_and_profile_edits():
    rows = venue_table(PLAN)
    first_bybit = next(i for i, r in enumerate(rows) if r["name"] == "Bybit")
    new, _ = apply(PLAN, venue_cell_edit(PLAN, first_bybit + 1, "taker_fee_pct", "0.06"))
    assert new.venues["Bybit"].taker_fee_pct == 0.06
    new, _ = apply(PLAN, venue_cell_edit(PLAN, first_bybit, "mmr_pct", "0.6"))
    assert new.venues["Bybit"].tiers[0].mmr_pct == 0.6
    with pytest.raises(PlanError):
        venue_cell_edit(PLAN, first_bybit, "max_leverage", "0.5")


def test_deleting_a_venue_in_use_is_refused_naming_the_rows():
    with pytest.raises(PlanError) as err:
        delete_venue(PLAN, "Binance")
    assert any(i.sheet == "Plan" and i.column == "Venue" for i in err.value.issues)


def test_add_and_delete_venues_and_tiers():
    new, _ = apply(PLAN, add_venue(PLAN, "Kraken"))
    assert new.venues["Kraken"].tiers[0].max_leverage == 100
    with pytest.raises(PlanError, match="exists"):
        add_venue(new, "kraken")
    gone, _ = apply(new, delete_venue(new, "Kraken"))
    assert "Kraken" not in gone.venues
    generic = next(i for i, r in enumerate(venue_table(PLAN)) if r["name"] == "Generic")
    with pytest.raises(PlanError, match="at least one tier"):
        delete_tier(PLAN, generic)
    two, _ = apply(PLAN, add_tier(PLAN, generic))
    assert len(two.venues["Generic"].tiers) == 2
    bounds = [t.max_notional_usd for t in two.venues["Generic"].tiers]
    assert bounds == [1e6, float("inf")]                  # split: each tier its own bound
    three, _ = apply(two, add_tier(two, generic))         # split the first: halfway up
    assert [t.max_notional_usd for t in three.venues["Generic"].tiers] == [1e6, 2e6,
                                                                           float("inf")]
    back, _ = apply(two, delete_tier(two, generic))
    assert len(back.venues["Generic"].tiers) == 1
    assert isinstance(add_tier(PLAN, generic), SetVenues)


def test_typed_cells_values_are_plain_python():
    edit = typed_cells(PLAN, [(0, "leverage", "4"), (1, "side", "long")])
    assert isinstance(edit, SetCells)
    assert [type(v) for v in edit.values] == [float, str]


def test_instruments_are_added_split_and_deleted_per_table():
    from planner.parse import add_instrument, delete_instrument

    new, _ = apply(PLAN, add_instrument(PLAN, "Generic", "avaxusdt"))
    avax = new.venues["Generic"].instrument("AVAX")
    assert avax is not None and avax.tiers == new.venues["Generic"].tiers
    with pytest.raises(PlanError, match="already has an instrument 'AVAX'"):
        add_instrument(new, "Generic", "AVAX-PERP")
    with pytest.raises(PlanError, match="no venue"):
        add_instrument(new, "Nowhere", "AVAX")
    row = next(i for i, r in enumerate(venue_table(new)) if r["instrument"] == "AVAX")
    split, _ = apply(new, add_tier(new, row))              # the instrument's table, not Generic's
    assert len(split.venues["Generic"].instrument("AVAX").tiers) == 2
    assert len(split.venues["Generic"].tiers) == 1
    with pytest.raises(PlanError, match="Generic AVAX needs at least one tier"):
        delete_tier(new, row)
    gone, _ = apply(new, delete_instrument(new, row))
    assert gone.venues["Generic"].instruments == ()
    generic = next(i for i, r in enumerate(venue_table(PLAN)) if r["name"] == "Generic")
    with pytest.raises(PlanError, match="default tiers"):
        delete_instrument(PLAN, generic)


def test_a_table_field_changes_every_tier_of_that_instrument_only():
    from planner.parse import venue_cell_edit

    sol = [i for i, r in enumerate(venue_table(PLAN)) if r["name"] == "Binance"
           and r["instrument"] == "SOL"]
    new, _ = apply(PLAN, venue_cell_edit(PLAN, sol[-1], "lot_step", "0.5"))
    assert new.venues["Binance"].instrument("SOL").lot_step == 0.5
    assert new.venues["Binance"].instrument("ETH") == PLAN.venues["Binance"].instrument("ETH")
    with pytest.raises(PlanError, match="lot_step"):
        venue_cell_edit(PLAN, sol[0], "lot_step", "-1")
