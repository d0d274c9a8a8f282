"""The Venues sheet's instruments: read, written, refused with sheet, row and column."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from planner import PlanError, compute, load_plan, save_plan
from tests.test_planner_io_reader import workbook

HEAD = ["name", "instrument", "formula", "lot_step", "tick_size", "min_notional_usd",
        "max_notional_usd", "max_leverage", "mmr_pct"]


def venues_workbook(tmp_path, rows, head=HEAD, symbol="SOLUSDT"):
    def sheets(wb, ws):
        v = wb.create_sheet("Venues")
        v.append(head)
        for r in rows:
            v.append(r)

    return workbook(tmp_path / "venues.xlsx", ["Symbol", "Entry", "Vol % (daily)", "Venue"],
                    [symbol, 150, 5, "Mine"], fill=sheets)


def test_a_hand_made_instrument_is_read_and_used_by_its_symbol(tmp_path):
    path = venues_workbook(tmp_path, [
        ["Mine", None, "binance", None, None, None, None, 50, 1],
        ["Mine", "sol", None, 0.1, 0.01, 5, 100_000, 20, 2.5],
        ["Mine", "SOL", None, None, None, None, None, 10, 5]])
    plan = load_plan(path)
    sol = plan.venues["Mine"].instrument("SOL-PERP")
    assert sol is not None and [t.max_leverage for t in sol.tiers] == [20, 10]
    assert (sol.lot_step, sol.tick_size, sol.min_notional_usd) == (0.1, 0.01, 5)
    r = compute(plan).rows.iloc[0]
    assert r["instrument"] == "SOL" and r["mmr_pct"] == 2.5
    assert abs(r["quantity"] / 0.1 - round(r["quantity"] / 0.1)) < 1e-9


def test_instrument_tables_round_trip_through_the_workbook(tmp_path):
    path = venues_workbook(tmp_path, [
        ["Mine", None, "okx", 0.5, None, None, None, 50, 1],
        ["Mine", "SOL", None, 0.1, 0.01, 5, 100_000, 20, 2.5],
        ["Mine", "SOL", None, None, None, None, None, 10, 5]])
    plan = load_plan(path)
    out = tmp_path / "out.xlsx"
    save_plan(plan, out)
    assert load_plan(out) == plan
    ws = load_workbook(out)["Venues"]
    head = [c.value for c in ws[1]]
    assert "instrument" in head and "lookup key" in head


def test_an_old_venues_sheet_without_instruments_reads_as_before(tmp_path):
    path = venues_workbook(tmp_path, [["Mine", "binance", None, 20, 1]],
                           head=["name", "formula", "max_notional_usd", "max_leverage", "mmr_pct"])
    plan = load_plan(path)
    assert plan.venues["Mine"].instruments == () and plan.venues["Mine"].lot_step == 0
    assert compute(plan).rows["instrument"].iat[0] == ""


@pytest.mark.parametrize(("rows", "where", "what"), [
    ([["Mine", "SOL", "binance", None, None, None, None, 20, 1]], (2, "instrument"),
     "no default tiers"),
    ([["Mine", None, "binance", None, None, None, None, 20, 1],
      ["Mine", "SOL", None, None, None, None, 1_000, 20, 1],
      ["Mine", "solusdt", None, None, None, None, 1_000, 10, 2]], (4, "max_notional_usd"),
     "same bound"),
    ([["Mine", None, "binance", None, None, None, None, 20, 1],
      ["Mine", "SOL", None, "one", None, None, None, 20, 1]], (3, "lot_step"),
     "expected a number"),
    ([["Mine", None, "binance", None, None, None, None, 20, 1],
      ["Mine", "SOL", None, -0.1, None, None, None, 20, 1]], (3, "lot_step"), "must be ≥ 0"),
    ([["Mine", None, "binance", None, 1e300, None, None, 20, 1]], (2, "tick_size"),
     "must be ≤ 1e12"),
])
def test_bad_instrument_rows_are_refused_naming_sheet_row_and_column(tmp_path, rows, where,
                                                                      what):
    path = venues_workbook(tmp_path, rows)
    with pytest.raises(PlanError) as err:
        load_plan(path)
    issue = err.value.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("Venues", *where)
    assert what in issue.message
