"""Reading workbooks a trader made by hand, and what the reader tells about them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hostile.make_hostile import MAIN, minimal_xlsx, sheet_xml
from openpyxl import Workbook

from planner import PlanError, load_plan, save_plan
from planner.io import load_plan_with_warnings
from planner.io.sheetread import _SheetReader
from tests.conftest import make_plan


def workbook(path, header, *rows, title=None, fill=None):
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    if title:
        ws.append([title])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    if fill:
        fill(wb, ws)
    wb.save(path)
    return path


def test_headers_match_in_any_case_spacing_order_and_with_units_in_brackets(tmp_path):
    path = workbook(tmp_path / "hand.xlsx",
                    ["  vol%(DAILY) ", "ENTRY [USDT]", "symbol", "Side", "Leverage  [x]"],
                    [3.0, 65_000, "BTCUSDT", "SHORT", 4])
    plan = load_plan(path)
    row = plan.trades.iloc[0]
    assert (row["symbol"], row["side"], row["entry_price"], row["volatility_pct"],
            row["leverage"]) == ("BTCUSDT", "short", 65_000.0, 3.0, 4.0)
    assert row["risk_pct"] == 1.0 and row["bucket"] == "directional"


def test_extra_columns_are_kept_and_written_back(tmp_path):
    path = workbook(tmp_path / "extra.xlsx", ["Symbol", "Desk", "Entry", "Vol % (daily)", "Score"],
                    ["BTC", "A", 100, 3, 7], ["ETH", None, 50, 4, "high"])
    plan = load_plan(path)
    assert list(plan.extra.columns) == ["Desk", "Score"]
    assert plan.extra.to_dict("list") == {"Desk": ["A", None], "Score": [7.0, "high"]}
    again = tmp_path / "again.xlsx"
    save_plan(plan, again)
    assert load_plan(again) == plan


def test_blank_rows_are_skipped_and_errors_name_the_sheet_row(tmp_path):
    path = workbook(tmp_path / "blank.xlsx", ["Symbol", "Entry", "Vol % (daily)"],
                    ["BTC", 100, 3], [None, None, None], ["", "  ", None], ["ETH", 50, 4],
                    ["SOL", -1, 4])
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert [(i.sheet, i.row, i.column) for i in err.value.issues] == [("Plan", 6, "Entry")]


def test_numbers_stored_as_text_and_percent_cells_are_understood(tmp_path):
    def percent(wb, ws):
        ws["E2"].number_format = "0.00%"
        ws["F2"].number_format = "0%"
        ws["G2"].number_format = "0%"

    path = workbook(tmp_path / "pct.xlsx",
                    ["Symbol", "Entry", "Vol % (daily)", "Risk %", "Stop %", "Funding % / 8h",
                     "Leverage"],
                    ["BTC", "1,234.5", "3%", "2", 0.07, 0.0001, 5], fill=percent)
    row = load_plan(path).trades.iloc[0]
    assert row["entry_price"] == 1234.5
    assert row["volatility_pct"] == 3.0
    assert row["risk_pct"] == 2.0
    assert row["stop_pct"] == 7.0
    assert row["funding_pct"] == 0.01
    assert row["leverage"] == 5.0


def test_a_percent_cell_in_a_column_that_is_not_in_percent_keeps_its_value(tmp_path):
    def percent(wb, ws):
        ws["D2"].number_format = "0%"

    path = workbook(tmp_path / "lev.xlsx", ["Symbol", "Entry", "Vol % (daily)", "Leverage"],
                    ["BTC", 100, 3, 5], fill=percent)
    assert load_plan(path).trades["leverage"].iat[0] == 5.0


def test_output_columns_in_the_file_are_ignored_and_recomputed(tmp_path):
    path = workbook(tmp_path / "outputs.xlsx",
                    ["Symbol", "Entry", "Vol % (daily)", "Notional $", "Liq. price"],
                    ["BTC", 100, 3, "garbage", "#N/A"])
    plan = load_plan(path)
    assert plan.extra is None and len(plan.trades) == 1


def test_formula_inputs_take_their_saved_value_or_warn_when_there_is_none(tmp_path):
    good = tmp_path / "cached.xlsx"
    save_plan(make_plan([{"symbol": "BTC", "entry_price": 100.0, "volatility_pct": 3.0}]), good)
    assert load_plan_with_warnings(good)[1] == []

    def formulas(wb, ws):
        ws["D2"] = "=1+1"
        ws["E2"] = '=UPPER("x")'

    path = workbook(tmp_path / "uncached.xlsx", ["Symbol", "Entry", "Vol % (daily)", "Leverage",
                                                 "Notes"], ["BTC", 100, 3, None, None],
                    fill=formulas)
    plan, warnings = load_plan_with_warnings(path)
    assert plan.trades["leverage"].iat[0] == 5.0
    assert [(w.row, w.column) for w in warnings] == [(2, "Leverage"), (2, "Notes")]
    assert "no saved value" in warnings[0].message


def test_a_title_above_the_header_is_skipped_with_a_warning(tmp_path):
    path = workbook(tmp_path / "title.xlsx", ["Symbol", "Entry", "Vol % (daily)"], ["BTC", 1, 3],
                    title="My plan for May")
    plan, warnings = load_plan_with_warnings(path)
    assert plan.trades["symbol"].tolist() == ["BTC"]
    assert plan.sheet_rows == (4,)
    assert any("above the header" in w.message for w in warnings)


def test_a_column_twice_and_a_missing_required_column_are_named(tmp_path):
    path = workbook(tmp_path / "twice.xlsx", ["Symbol", "Entry", "entry", "Vol % (daily)"],
                    ["BTC", 1, 2, 3])
    with pytest.raises(PlanError, match='column "entry": column appears twice'):
        load_plan(path)
    path = workbook(tmp_path / "missing.xlsx", ["Symbol", "Vol % (daily)"], ["BTC", 3])
    with pytest.raises(PlanError, match='column "Entry": required column is missing'):
        load_plan(path)


def test_every_bad_cell_is_listed_with_sheet_row_and_column(tmp_path):
    path = workbook(tmp_path / "bad.xlsx", ["Symbol", "Entry", "Vol % (daily)", "Side"],
                    ["BTC", "abc", 3, "up"], ["ETH", dt.datetime(2024, 1, 2), 0, "long"])
    with pytest.raises(PlanError) as err:
        load_plan(path)
    where = sorted((i.row, i.column) for i in err.value.issues)
    assert where == [(2, "Entry"), (2, "Side"), (3, "Entry"), (3, "Vol % (daily)")]


def test_settings_scenarios_and_venues_sheets_made_by_hand(tmp_path):
    def sheets(wb, ws):
        s = wb.create_sheet("settings")
        s.append(["key", "value"])
        s.append(["capital_usd", 50_000])
        s.append(["heat_cap_pct", 0.05])
        s["B3"].number_format = "0%"
        s.append(["default_venue", "binance"])
        v = wb.create_sheet("Venues")
        v.append(["Name", "Formula", "taker fee pct", "max_notional_usd", "max_leverage",
                  "mmr_pct"])
        v.append(["Mine", "bybit", 0.04, 10_000, 20, 1])
        v.append(["Mine", None, None, None, 10, 2])

    path = workbook(tmp_path / "settings.xlsx", ["Symbol", "Entry", "Vol % (daily)", "Venue"],
                    ["BTC", 100, 3, "mine"], fill=sheets)
    plan = load_plan(path)
    assert plan.settings.capital_usd == 50_000 and plan.settings.heat_cap_pct == 5.0
    assert plan.settings.default_venue == "Binance"
    mine = plan.venues["Mine"]
    assert (mine.formula, mine.taker_fee_pct, len(mine.tiers)) == ("bybit", 0.04, 2)
    assert plan.trades["venue"].iat[0] == "Mine"


def test_a_pandas_workbook_with_shared_strings_reads(tmp_path):
    path = tmp_path / "pandas.xlsx"
    pd.DataFrame({"Symbol": ["BTC", "ETH"], "Entry": [100.5, 20.0],
                  "Vol % (daily)": [3, 4]}).to_excel(path, sheet_name="Plan", index=False)
    assert load_plan(path).trades["entry_price"].tolist() == [100.5, 20.0]


def test_cells_without_references_rich_text_and_escapes_are_decoded(tmp_path):
    rows = ('<row><c t="inlineStr"><is><t>Symbol</t></is></c><c t="inlineStr"><is><t>Entry</t>'
            '</is></c><c t="inlineStr"><is><t>Vol % (daily)</t></is></c><c t="inlineStr"><is>'
            "<t>Notes</t></is></c></row>"
            '<row><c t="inlineStr"><is><r><t>BT</t></r><r><t>C</t></r></is></c><c><v>100</v></c>'
            '<c><v>3</v></c><c t="inlineStr"><is><t>a_x000D_b_x005F_x0041_ &amp; &lt;c&gt;</t>'
            "</is></c></row>")
    path = minimal_xlsx(tmp_path / "raw.xlsx", sheet_xml(rows))
    row = load_plan(path).trades.iloc[0]
    assert (row["symbol"], row["entry_price"], row["notes"]) == ("BTC", 100.0,
                                                                 "a\rb_x0041_ & <c>")


def test_the_strict_namespace_and_cdata_are_read(tmp_path):
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Symbol</t></is></c><c r="B1" '
            't="inlineStr"><is><t>Entry</t></is></c><c r="C1" t="inlineStr"><is><t>Vol % (daily)'
            '</t></is></c><c r="D1" t="inlineStr"><is><t>Notional $</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[<c r="D2"><v>1</v></c>]]></t>'
            '</is></c><c r="B2"><v>100</v></c><c r="C2"><v>3</v></c><c r="D2"><v>9</v></c></row>')
    path = minimal_xlsx(tmp_path / "strict.xlsx", sheet_xml(rows).replace(MAIN.encode(),
                                                                          strict.encode()))
    assert load_plan(path).trades["symbol"].iat[0] == '<c r="D2"><v>1</v></c>'


def test_the_column_filter_never_changes_what_is_read(tmp_path, sample, monkeypatch):
    path = tmp_path / "sample.xlsx"
    save_plan(sample, path)
    filtered = load_plan(path)
    monkeypatch.setattr(_SheetReader, "_drop", lambda self, row, drop: setattr(
        self.out, "header_row", row) or self.out.dropped.update(drop))
    assert load_plan(path) == filtered == sample


def test_a_workbook_without_a_plan_sheet_names_the_sheets_it_has(tmp_path):
    wb = Workbook()
    wb.active.title = "Trades"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(PlanError, match="no 'Plan' sheet.*'Trades'"):
        load_plan(tmp_path / "other.xlsx")


def test_a_loaded_plan_carries_no_per_row_objects_in_pandas_attrs(tmp_path):
    """pandas deep-copies ``attrs`` on every column access: a per-row list there made every
    computation on a plan opened from a file several times slower (issue 11)."""
    from planner import compute
    from planner.edits import DeleteRows, SetCells, apply

    path = workbook(tmp_path / "rows.xlsx", ["Symbol", "Entry", "Vol % (daily)"],
                    *[["BTC", 100 + i, 3] for i in range(50)], title="My plan")
    plan = load_plan(path)
    assert plan.trades.attrs == {}
    assert plan.sheet_rows == tuple(range(4, 54))
    results = compute(plan)
    assert all(not f.attrs for f in (results.rows, results.buckets, results.cross))
    edited, _ = apply(plan, SetCells((0,), ("entry_price",), (101.0,)))
    assert edited.trades.attrs == {} and edited.sheet_rows == plan.sheet_rows
    shorter, _ = apply(plan, DeleteRows((0,)))
    assert shorter.sheet_rows is None  # rows renumber once the sheet's rows moved


def _venues_workbook(tmp_path, venue_rows, venue="Mine"):
    def sheets(wb, ws):
        v = wb.create_sheet("Venues")
        v.append(["name", "formula", "max_notional_usd", "max_leverage", "mmr_pct"])
        for r in venue_rows:
            v.append(r)

    return workbook(tmp_path / "venues.xlsx", ["Symbol", "Entry", "Vol % (daily)", "Venue"],
                    ["BTC", 100, 3, venue], fill=sheets)


def test_two_venues_that_differ_only_in_case_are_refused_naming_the_row(tmp_path):
    path = _venues_workbook(tmp_path, [["V", "binance", None, 20, 1],
                                       ["v", "binance", None, 50, 0.5]], venue="v")
    with pytest.raises(PlanError) as err:
        load_plan(path)
    issue = err.value.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("Venues", 3, "name")
    assert "only in case" in issue.message and "'V' (row 2)" in issue.message


def test_two_tiers_with_the_same_bound_are_refused(tmp_path):
    path = _venues_workbook(tmp_path, [["Mine", "binance", 10_000, 20, 1],
                                       ["Mine", None, 10_000, 10, 2],
                                       ["Mine", None, None, 5, 5]])
    with pytest.raises(PlanError) as err:
        load_plan(path)
    issue = err.value.issues[0]
    assert (issue.row, issue.column) == (3, "max_notional_usd")
    assert "same bound (10,000 USD, rows 2 and 3)" in issue.message
    path = _venues_workbook(tmp_path, [["Mine", "binance", None, 20, 1],
                                       ["Mine", None, None, 10, 2]])
    with pytest.raises(PlanError, match="same bound \\(unbounded"):
        load_plan(path)


def test_a_sheet_venue_replaces_the_shipped_one_of_the_same_name_in_another_case(tmp_path):
    path = _venues_workbook(tmp_path, [["binance", "binance", None, 7, 3]], venue="Binance")
    plan = load_plan(path)
    names = [n.lower() for n in plan.venues]
    assert names.count("binance") == 1
    assert plan.venues["binance"].tiers[0].max_leverage == 7
    assert plan.trades["venue"].iat[0] == "binance"      # the row uses the sheet's tiers
