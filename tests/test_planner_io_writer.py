"""The exported workbook: live formulas with values, named settings, text that stays text."""

from __future__ import annotations

import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner import PlanError, compute, load_plan, save_plan
from planner.io.formulas import plan_formulas
from planner.io.plansheet import PlanLayout
from planner.schema import BY_KEY, INPUTS, OUTPUT_KEYS, OUTPUTS
from tests.conftest import make_plan

INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "@SUM(A1:A9)", "+1", "-x",
              "=1+1", "\tTAB", "=cmd|' /C calc'!A0"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from planner import sample_plan

    path = tmp_path_factory.mktemp("export") / "sample.xlsx"
    plan = sample_plan()
    save_plan(plan, path)
    return plan, compute(plan), path


def _header_index(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def test_the_export_has_every_sheet_and_no_journal_sheet_without_journal(exported):
    _, _, path = exported
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Plan", "Settings", "Scenarios", "Venues", "History", "Tails",
                             "Buckets", "Cross"]


def test_every_output_cell_is_a_formula_that_carries_the_engines_value(exported):
    plan, res, path = exported
    formulas = load_workbook(path)["Plan"]
    values = load_workbook(path, data_only=True)["Plan"]
    col = _header_index(formulas)
    for c in OUTPUTS:
        j = col[c.header]
        for i in range(len(plan.trades)):
            f = formulas.cell(i + 2, j).value
            assert isinstance(f, str) and f.startswith("="), (c.key, i, f)
            got, want = values.cell(i + 2, j).value, res.rows[c.key].iat[i]
            if (isinstance(want, float) and math.isnan(want)) or want == "":
                assert got in (None, ""), (c.key, i, got)
            else:
                assert got == want, (c.key, i, got, want)


def test_inputs_are_values_and_formulas_refer_to_the_rows_inputs_and_named_settings(exported):
    _, _, path = exported
    ws = load_workbook(path)["Plan"]
    col = _header_index(ws)
    for c in INPUTS:
        v = ws.cell(2, col[c.header]).value
        assert not (isinstance(v, str) and v.startswith("=")), c.key
    risk = ws.cell(5, col["Risk $"]).value
    assert risk == f"=Capital*{ws.cell(1, col['Risk %']).column_letter}5/100"
    assert "StressedSigmaMove" in ws.cell(2, col["Safe leverage"]).value
    assert "NORM.S.DIST" in ws.cell(2, col["P(liq) tail"]).value


def test_defined_names_point_at_the_settings_scenarios_and_venue_tables(exported):
    plan, _, path = exported
    wb = load_workbook(path)
    names = wb.defined_names
    assert names["Capital"].attr_text == "Settings!$B$2"
    assert names["HorizonHours"].attr_text == "Settings!$B$3"
    assert wb["Settings"]["B2"].value == plan.settings.capital_usd
    assert names["StressedSigmaMove"].attr_text == "Scenarios!$B$3"
    assert wb["Scenarios"]["B3"].value == plan.scenario("stressed").sigma_move
    assert names["VenueName"].attr_text.startswith("Venues!$A$2:$A$")
    assert "TailGap" in names and "TotalHeatPct" in names and "PlanNotionalUsd" in names


def test_the_formulas_cover_every_output_column_of_the_schema():
    layout = PlanLayout.of(make_plan([{"symbol": "X", "entry_price": 1, "volatility_pct": 1}]))
    formulas = plan_formulas(layout.letters)
    assert list(formulas) == list(OUTPUT_KEYS)
    assert all("{r}" in f or "Heat" in f for f in formulas.values())


def test_user_text_is_stored_as_text_and_never_as_a_formula(tmp_path):
    rows = [{"symbol": s, "entry_price": 100, "volatility_pct": 3, "notes": s,
             "bucket": s.strip()} for s in INJECTIONS]
    plan = make_plan(rows)
    path = tmp_path / "inject.xlsx"
    save_plan(plan, path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    for s in ("HYPERLINK", "SUM(A1", "cmd|"):
        assert f"<f>{s}" not in sheet and f'si="0">{s}' not in sheet
    assert '<t>=HYPERLINK("http://evil.example","click")</t>' in sheet
    ws = load_workbook(path)["Plan"]
    symbols = [ws.cell(r, 1).value for r in range(2, len(rows) + 2)]
    assert [ws.cell(r, 1).data_type for r in range(2, len(rows) + 2)] == ["s"] * len(rows)
    assert symbols == [s.strip() for s in INJECTIONS]
    back = load_plan(path)
    assert list(back.trades["notes"]) == list(plan.trades["notes"])
    assert back == plan


def test_numbers_survive_exactly_and_pandas_sees_the_computed_values(tmp_path, exported):
    plan = make_plan([{"symbol": "X", "entry_price": 0.1 + 0.2, "volatility_pct": 1 / 3,
                       "risk_pct": 2 / 7}])
    path = tmp_path / "exact.xlsx"
    save_plan(plan, path)
    assert load_plan(path).trades["entry_price"].iat[0] == 0.1 + 0.2
    _, res, sample_path = exported
    seen = pd.read_excel(sample_path, sheet_name="Plan", engine="openpyxl")
    np.testing.assert_allclose(seen["Notional $"], res.rows["notional_usd"], rtol=0)


def test_the_plan_sheet_has_frozen_headers_filters_dropdowns_alerts_and_notes(exported):
    _, _, path = exported
    ws = load_workbook(path)["Plan"]
    col = _header_index(ws)
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref.startswith("A1:")
    lists = {next(iter(dv.sqref.ranges)).min_col: dv.formula1
             for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists[col["Side"]] == '"long,short"'
    assert lists[col["Venue"]] == "VenueList"
    assert "directional" in lists[col["Bucket"]]
    rules = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules if r.formula]
    liq_letter = ws.cell(1, col["Stop beyond liq."]).column_letter
    assert f"${liq_letter}2=TRUE" in rules
    assert "Unit: %" in ws.cell(1, col["Risk %"]).comment.text
    assert "live formula" in ws.cell(1, col["Notional $"]).comment.text
    assert ws.cell(2, col["Entry"]).number_format == BY_KEY["entry_price"].excel_format


def test_buckets_are_live_sums_and_cross_is_marked_as_values(exported):
    _, res, path = exported
    wb = load_workbook(path)
    buckets = wb["Buckets"]
    assert buckets["C2"].value.startswith("=SUMPRODUCT(EXACT(PlanBucket,$A2)")
    values = load_workbook(path, data_only=True)["Buckets"]
    assert values["C2"].value == res.buckets["notional_usd"].iat[0]
    cross = wb["Cross"]
    assert "values, not formulas" in cross["A1"].value
    assert [c.value for c in cross[3]][:2] == ["scenario", "direction"]
    assert not any(isinstance(c.value, str) and c.value.startswith("=")
                   for row in cross.iter_rows(min_row=4) for c in row)


def test_a_journal_sheet_is_written_with_live_pnl_and_r(tmp_path, sample):
    from planner.journal.frame import parse_journal

    raw = pd.DataFrame({"closed_at": ["2024-05-01T10:00:00Z", "2024-05-02T11:30:00.250Z"],
                        "symbol": ["BTCUSDT", "ETHUSDT"], "side": ["long", "short"],
                        "entry_price": [60_000, 3_000], "exit_price": [61_000, 3_100],
                        "quantity": [0.1, 1.0], "fees_usd": [5, 2], "planned_risk_usd": [200, 50],
                        "notes": ["=HYPERLINK(\"x\")", ""]}, index=[2, 3])
    journal = parse_journal(raw, sheet="Journal", tz="UTC").frame.reset_index(drop=True)
    path = tmp_path / "j.xlsx"
    save_plan(sample.with_changes(journal=journal), path)
    ws = load_workbook(path)["Journal"]
    head = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, head["realized_pnl_usd"]).value.startswith("=IF(")
    values = load_workbook(path, data_only=True)["Journal"]
    assert values.cell(2, head["realized_pnl_usd"]).value == pytest.approx(95.0)
    assert values.cell(3, head["r_multiple"]).value == pytest.approx(-102 / 50)
    assert values.cell(2, head["notes"]).data_type == "s"
    back = load_plan(path)
    assert back.journal is not None and back == sample.with_changes(journal=journal)


def test_text_longer_than_a_cell_allows_is_refused_and_the_old_file_is_kept(tmp_path, sample):
    path = tmp_path / "keep.xlsx"
    save_plan(sample, path)
    before = path.read_bytes()
    long = sample.trades.copy()
    long.loc[0, "notes"] = "x" * 40_000
    with pytest.raises(PlanError, match="32,767") as err:
        save_plan(sample.with_changes(trades=long), path)
    from planner.io.refs import column_letters
    from planner.schema import INPUT_KEYS

    notes = column_letters(INPUT_KEYS.index("notes"))          # the Notes column's letter
    assert (err.value.issues[0].row, err.value.issues[0].column) == (2, notes)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.xlsx"]


def test_a_plan_the_engine_cannot_compute_is_still_saved(tmp_path, sample):
    trades = sample.trades.copy()
    trades.loc[0, "venue"] = "Nowhere"
    plan = sample.with_changes(trades=trades)
    path = tmp_path / "unknown-venue.xlsx"
    save_plan(plan, path)
    raw = load_workbook(path)["Plan"]
    assert raw.cell(2, 4).value == "Nowhere"
