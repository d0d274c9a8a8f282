"""Hostile input on the journal paths (issue #11): times out of range, non-finite and absurd
numbers, repeated headers, bad filter dates. Each is refused naming row and column on every way
in (journal CSV, mapped export, workbook Journal sheet, closing a trade, the store itself), and
a trade already stored out of range (by an older version) cannot break the review."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from planner import compute, sample_plan
from planner.cli import run
from planner.errors import FileRefused, PlanError
from planner.journal.close import Fill, closed_trades
from planner.journal.columns import (
    JOURNAL_INPUTS,
    MAX_PRICE,
    MAX_QUANTITY,
    MAX_USD,
    MAX_VOL_PCT,
)
from planner.journal.csvio import read_journal_csv
from planner.journal.derive import derive, realized_pnl
from planner.journal.importer import read_source
from planner.journal.mapping import ColumnMapping, read_mapped
from planner.journal.review import review, stats_document
from planner.journal.series import calendar_grid
from planner.journal.store import JournalRefused, JournalStore
from planner.journal.times import from_micros, parse_times
from planner.jsonout import dumps
from tests.journal_helpers import trades

HEADER = "closed_at,symbol,side,entry_price,exit_price,quantity,fees_usd,planned_vol_pct"
GOOD = "2024-01-02T00:00:00Z,BTCUSDT,long,100,110,1,0,3"
CLOSED = pd.Timestamp("2024-05-02 10:00", tz="UTC")
YEAR_9999_US = 253402214400000000            # 9999-12-31T00:00Z in µs since the epoch


def _csv(tmp_path, *lines, header=HEADER, name="j.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _where(parsed):
    return {(i.row, i.column): i.message for i in parsed.issues}


def _stored_9999(path):
    """A journal holding three trades, one of them closed in 9999 as an older version could
    have stored it (written directly with sqlite3, past every check)."""
    with JournalStore(path) as store:
        store.add(trades([10, -5, 3], risk=5), source="csv")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE trades SET closed_at = ? WHERE id = 3", (YEAR_9999_US,))
    return path


# -- 1. times out of range -----------------------------------------------------------------

def _soon(days):
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("closed", ["9999-12-31T00:00:00Z", "2008-12-31T23:59:59Z",
                                    "1970-01-01T00:00:00Z", "future"])
def test_a_close_time_out_of_range_is_refused_naming_row_and_column(tmp_path, closed):
    closed = _soon(2) if closed == "future" else closed
    parsed = read_journal_csv(_csv(tmp_path, GOOD, f"{closed},BTCUSDT,long,100,110,1,0,3"))
    assert parsed.good == 1 and parsed.bad_rows == (3,)
    assert "outside the supported range (2009-01-01 to" in _where(parsed)[(3, "closed_at")]


def test_the_supported_range_is_2009_to_one_day_from_now(tmp_path):
    lines = ["2009-01-01T00:00:00Z,BTCUSDT,long,100,110,1,0,3",
             f"{_soon(0.9)},BTCUSDT,long,100,110,1,0,3"]
    assert read_journal_csv(_csv(tmp_path, *lines)).issues == ()


def test_an_open_time_out_of_range_and_absurd_epochs_are_refused(tmp_path):
    header = "opened_at," + HEADER
    parsed = read_journal_csv(_csv(tmp_path, "1900-01-01T00:00:00Z," + GOOD,
                                   "1e300," + GOOD, "-1e20," + GOOD, "1e17," + GOOD,
                                   header=header))
    where = _where(parsed)
    assert "outside the supported range" in where[(2, "opened_at")]
    assert "not a date-time" in where[(3, "opened_at")]          # beyond datetime64: no crash
    assert "not a date-time" in where[(4, "opened_at")]
    assert (5, "opened_at") in where                 # text, not an epoch: not a date-time
    epochs = read_journal_csv(_csv(tmp_path, "1e17," + GOOD, "1.7e9," + GOOD, header=header,
                                   name="epochs.csv"))
    assert "outside the supported range" in _where(epochs)[(2, "opened_at")]   # year 5138
    assert epochs.bad_rows == (2,)


def test_huge_epoch_numbers_parse_as_bad_times_instead_of_raising():
    times, why = parse_times(pd.Series([1e300, -1e20, math.inf, 1.7e9], index=[2, 3, 4, 5]),
                             "UTC")
    assert why[[2, 3, 4]].notna().all() and pd.isna(why[5])
    assert times[5] == pd.Timestamp("2023-11-14 22:13:20", tz="UTC")


def test_a_mapped_export_with_a_time_out_of_range_is_refused(tmp_path):
    path = tmp_path / "fills.csv"
    path.write_text("Time,Sym,PnL\n2024-03-01 09:00,BTC,5\n9999-01-01 00:00,BTC,5\n")
    mapping = ColumnMapping(columns={"closed_at": "Time", "symbol": "Sym",
                                     "reported_pnl_usd": "PnL"})
    parsed = read_mapped(path, mapping)
    assert parsed.bad_rows == (3,) and "outside the supported range" in _where(parsed)[(3, "Time")]


def _sheet(tmp_path, header, *rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Journal"
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "j.xlsx")
    return read_source(tmp_path / "j.xlsx")


def test_a_workbook_journal_sheet_with_a_time_out_of_range_is_refused(tmp_path):
    parsed = _sheet(tmp_path, ["closed_at", "symbol", "realized_pnl_usd"],
                    [dt.datetime(2024, 5, 1), "BTC", 5.0], [dt.datetime(9999, 12, 31), "BTC", 5.0],
                    [dt.datetime(1999, 1, 1), "ETH", 1.0])
    assert parsed.bad_rows == (3, 4)
    assert "outside the supported range" in _where(parsed)[(3, "closed_at")]


def test_closing_a_trade_in_the_year_9999_is_refused_naming_the_field():
    plan = sample_plan()
    far = pd.Timestamp("9999-12-31 00:00", tz="UTC")
    with pytest.raises(PlanError, match=r'Close trade, row 2, column "closed_at": .*outside'):
        closed_trades(plan, compute(plan), [0], [Fill(100.0, far)])
    with pytest.raises(PlanError, match=r'column "opened_at": .*outside the supported range'):
        closed_trades(plan, compute(plan), [0],
                      [Fill(100.0, CLOSED, opened_at=pd.Timestamp("2001-01-01", tz="UTC"))])


def test_the_store_refuses_rows_out_of_range_as_a_last_guard(tmp_path):
    with JournalStore(tmp_path / "j.sqlite3") as store:
        f = trades([1, 2])
        f.loc[1, "closed_at"] = pd.Timestamp("9999-01-01", tz="UTC")
        with pytest.raises(JournalRefused, match=r'row 2, column "closed_at": .*outside'):
            store.add(f, source="csv")
        assert store.count() == 0


def test_a_trade_stored_in_9999_by_an_older_version_does_not_break_the_review(tmp_path):
    with JournalStore(_stored_9999(tmp_path / "j.sqlite3")) as store:
        stored = store.trades()
    rv = review(stored)
    assert rv.summary["count"] == 3                      # still counted in the statistics
    grid = calendar_grid(rv.trades)
    assert grid.skipped == 1 and np.nansum(grid.values) == 10 - 5     # the calendar skips it
    dumps(stats_document(rv, with_trades=True))


@pytest.mark.parametrize("stored", [-100_000_000_000_000_000, 2**63 - 1, -(2**63) + 1, 1e30,
                                    "garbage"])
def test_any_stored_close_time_reads_back_without_an_error(tmp_path, stored):
    path = _stored_9999(tmp_path / "j.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE trades SET closed_at = ? WHERE id = 3", (stored,))
    with JournalStore(path) as store:
        rv = review(store.trades())
    assert calendar_grid(rv.trades).skipped == 1


def test_from_micros_turns_what_is_not_a_time_into_nat():
    out = from_micros([0, None, "x", 1.5, 1e30, 2**62])
    assert out.isna().tolist() == [False, True, True, True, True, False]


# -- 2. filter dates -------------------------------------------------------------------------

def test_stats_with_dates_out_of_range_says_so_instead_of_a_pandas_error(tmp_path, monkeypatch,
                                                                          capsys):
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(tmp_path / "j.sqlite3"))
    assert run(["journal", "stats", "--from", "9999-12-31", "--to", "0001-01-01"]) == 2
    err = capsys.readouterr().err
    assert "--from '9999-12-31': outside the supported range of dates (1970-01-01 to " \
           "2999-12-31)" in err
    assert "Cannot cast" not in err and "Traceback" not in err
    for args in (["--to", "0001-01-01"], ["--from", "2024-01-01T00:00:00+14:00", "--to",
                                          "10000-01-01"]):
        assert run(["journal", "stats", *args]) == 2
        err = capsys.readouterr().err
        assert "error: --" in err and ("outside the supported range" in err
                                       or "not a date" in err)


def test_stats_with_from_after_to_has_its_own_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(tmp_path / "j.sqlite3"))
    assert run(["journal", "stats", "--from", "2024-05-02", "--to", "2024-05-01"]) == 2
    assert "--from 2024-05-02 is after --to 2024-05-01" in capsys.readouterr().err
    assert run(["journal", "stats", "--from", "2024-05-01", "--to", "2024-05-01"]) == 0  # a day


# -- 3. non-finite numbers -------------------------------------------------------------------

@pytest.mark.parametrize("text", ["inf", "Infinity", "-inf", "1e400", "nan", "NaN"])
def test_non_finite_text_is_refused_in_a_text_column(tmp_path, text):
    # "1,000" sends the fees column down the text path, "x" the entry column
    parsed = read_journal_csv(_csv(tmp_path, GOOD.replace(",0,3", ',"1,000",3'),
                                   GOOD.replace("100,110", "x,110"),
                                   GOOD.replace(",0,3", f",{text},3").replace("100,", f"{text},")))
    where = _where(parsed)
    assert parsed.bad_rows == (3, 4)
    assert "finite number" in where[(4, "fees_usd")]
    assert "finite number" in where[(4, "entry_price")]


@pytest.mark.parametrize("text", ["inf", "-Infinity"])
def test_non_finite_numbers_are_refused_in_a_numeric_column(tmp_path, text):
    parsed = read_journal_csv(_csv(tmp_path, GOOD, GOOD.replace(",0,3", f",{text},3")))
    assert parsed.bad_rows == (3,) and "finite number" in _where(parsed)[(3, "fees_usd")]


def test_non_finite_numbers_are_refused_in_a_mapped_export(tmp_path):
    path = tmp_path / "fills.csv"
    path.write_text('Time,Sym,PnL,Fee\n2024-03-01 09:00,BTC,5,"1,000"\n2024-03-01 10:00,BTC,'
                    "Infinity,inf\n")
    mapping = ColumnMapping(columns={"closed_at": "Time", "symbol": "Sym",
                                     "reported_pnl_usd": "PnL", "fees_usd": "Fee"})
    where = _where(read_mapped(path, mapping))
    assert "finite number" in where[(3, "Fee")] and "finite number" in where[(3, "PnL")]


def test_non_finite_numbers_are_refused_in_a_workbook_journal_sheet(tmp_path):
    parsed = _sheet(tmp_path, ["closed_at", "symbol", "realized_pnl_usd", "fees_usd"],
                    [dt.datetime(2024, 5, 1), "BTC", 5.0, "1,000"],
                    [dt.datetime(2024, 5, 2), "BTC", "inf", "-Infinity"])
    where = _where(parsed)
    assert parsed.bad_rows == (3,)
    assert "finite number" in where[(3, "fees_usd")]
    assert "finite number" in where[(3, "realized_pnl_usd")]


@pytest.mark.parametrize("field", ["exit_price", "fees_usd", "funding_usd", "entry_price",
                                   "quantity"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_closing_with_a_non_finite_number_is_refused_naming_the_field(field, value):
    plan = sample_plan()
    fill = Fill(**{"exit_price": 100.0, "closed_at": CLOSED, field: value})
    with pytest.raises(PlanError, match=rf'Close trade, row 2, column "{field}": .*finite'):
        closed_trades(plan, compute(plan), [0], [fill])


@pytest.mark.parametrize("key", ["fees_usd", "entry_price", "reported_pnl_usd"])
def test_the_store_refuses_non_finite_numbers_as_a_last_guard(tmp_path, key):
    f = trades([1, 2])
    f.loc[1, key] = math.inf
    with JournalStore(tmp_path / "j.sqlite3") as store:
        with pytest.raises(JournalRefused, match=r'row 2, column "\w+": expected a finite'):
            store.add(f, source="csv")
        assert store.count() == 0


def test_a_row_with_an_inf_fee_is_left_out_so_stats_keep_working(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(tmp_path / "j.sqlite3"))
    path = _csv(tmp_path, GOOD.replace(",0,3", ',"1,000",3'),
                GOOD.replace("2024-01-02", "2024-01-03").replace(",0,3", ",inf,3"))
    assert run(["journal", "import", str(path), "--accept-good"]) == 0
    assert run(["journal", "stats", "--json"]) == 0
    assert '"count": 1' in capsys.readouterr().out


# -- 4. absurd but finite numbers ------------------------------------------------------------

@pytest.mark.parametrize("column, value", [
    ("entry_price", "1e308"), ("exit_price", "1e13"), ("quantity", "1e308"),
    ("fees_usd", "1e308"), ("fees_usd", "-1e13"), ("planned_vol_pct", "5000")])
def test_absurd_numbers_are_refused_naming_row_and_column(tmp_path, column, value):
    cells = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    cells[column] = value
    parsed = read_journal_csv(_csv(tmp_path, GOOD, ",".join(cells.values())))
    assert parsed.bad_rows == (3,)
    assert f"{column} must be" in _where(parsed)[(3, column)]


def test_absurd_numbers_are_refused_in_mapped_exports_workbooks_closes_and_the_store(tmp_path):
    path = tmp_path / "fills.csv"
    path.write_text("Time,Sym,PnL\n2024-03-01 09:00,BTC,1e308\n")
    mapping = ColumnMapping(columns={"closed_at": "Time", "symbol": "Sym",
                                     "reported_pnl_usd": "PnL"})
    assert "must be ≥" in _where(read_mapped(path, mapping))[(2, "PnL")]
    parsed = _sheet(tmp_path, ["closed_at", "symbol", "entry_price", "exit_price", "quantity"],
                    [dt.datetime(2024, 5, 1), "BTC", 1e308, 1.0, 1e308])
    assert {(2, "entry_price"), (2, "quantity")} <= set(_where(parsed))
    plan = sample_plan()
    with pytest.raises(PlanError, match=r'column "exit_price": exit_price must be > 0 and'):
        closed_trades(plan, compute(plan), [0], [Fill(1e308, CLOSED)])
    f = trades([1])
    f["quantity"] = 1e308
    with JournalStore(tmp_path / "j.sqlite3") as store, pytest.raises(JournalRefused,
                                                                      match="quantity must be"):
        store.add(f, source="csv")


def test_the_bounds_live_in_the_column_schema():
    bounds = {c.key: (c.minimum, c.maximum) for c in JOURNAL_INPUTS if c.dtype == "float"}
    assert bounds["entry_price"] == bounds["exit_price"] == (0.0, MAX_PRICE)
    assert bounds["quantity"] == (0.0, MAX_QUANTITY)
    assert bounds["fees_usd"] == bounds["funding_usd"] == (-MAX_USD, MAX_USD)
    assert bounds["planned_risk_usd"] == (0.0, MAX_USD)
    assert bounds["planned_vol_pct"] == (0.0, MAX_VOL_PCT)


bounded = st.floats(1e-9, MAX_PRICE)


@settings(max_examples=200, deadline=None)
@given(entry=bounded, exit_=bounded, qty=st.floats(1e-9, MAX_QUANTITY),
       fees=st.floats(-MAX_USD, MAX_USD), funding=st.floats(-MAX_USD, MAX_USD),
       short=st.booleans())
def test_realized_pnl_stays_finite_within_the_bounds(entry, exit_, qty, fees, funding, short):
    f = trades([0.0], side=["short" if short else "long"])
    f["entry_price"], f["exit_price"], f["quantity"] = entry, exit_, qty
    f["fees_usd"], f["funding_usd"] = fees, funding
    assert np.isfinite(realized_pnl(f)).all()
    assert np.isfinite(derive(f)["realized_pnl_usd"]).all()


# -- 5. repeated headers ---------------------------------------------------------------------

@pytest.mark.parametrize("header, shown", [
    (HEADER + ",symbol", "columns B ('symbol') and I ('symbol')"),
    (HEADER + ", Symbol ", "columns B ('symbol') and I ('Symbol')"),
    (HEADER + ",ENTRY_PRICE", "columns D ('entry_price') and I ('ENTRY_PRICE')"),
])
def test_two_columns_with_the_same_header_are_refused_naming_both(tmp_path, header, shown):
    path = _csv(tmp_path, GOOD + ",ETHUSDT", header=header)
    with pytest.raises(FileRefused, match="both give the journal column") as err:
        read_journal_csv(path)
    assert shown in str(err.value) and "row 1" in str(err.value)


def test_a_mapping_that_names_a_repeated_header_is_refused_and_the_repeat_can_be_mapped(
        tmp_path):
    path = tmp_path / "fills.csv"
    path.write_text("Time,Sym,Side,Price,Qty,PnL,Price\n2024-03-01 09:00,BTC,long,100,1,5,200\n")
    mapping = ColumnMapping(columns={"closed_at": "Time", "symbol": "Sym", "side": "Side",
                                     "exit_price": "Price", "quantity": "Qty",
                                     "reported_pnl_usd": "PnL"})
    with pytest.raises(FileRefused,
                       match=r"columns D and G are both headed 'Price'.*'Price \[G\]'"):
        read_mapped(path, mapping)
    second = ColumnMapping(columns={**mapping.columns, "exit_price": "Price [G]"})
    assert read_mapped(path, second).frame["exit_price"].tolist() == [200.0]
