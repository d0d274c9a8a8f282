"""Hostile and broken files: each gives one clear message and changes nothing.

The files are built at test time by ``tests/hostile/make_hostile.py`` (nothing is downloaded or
committed).
"""

from __future__ import annotations

import math
import time
import zipfile

import numpy as np
import pytest
from hostile.make_hostile import BUILDERS, MAIN, build_all, minimal_xlsx, sheet_xml, wide_header
from io_helpers import finishes_within, openpyxl_book, patch_part

from planner import PlanError, compute, load_plan, sample_plan, save_plan
from planner.cli import run
from planner.errors import FileRefused

#: What the one message must say (and, for cell problems, where).
EXPECTED: dict[str, tuple[str, tuple[int | None, str | None] | None]] = {
    "not a workbook": ("not a readable .xlsx workbook: the file is text", None),
    "empty file": ("the file is empty", None),
    "truncated": ("the workbook is damaged", None),
    "corrupted data": ("the workbook is damaged", None),
    "word document": ("not an Excel workbook", None),
    "encrypted": ("password-protected", None),
    "legacy xls": ("Excel 97-2003 (.xls)", None),
    "macro-enabled": ("contains macros", None),
    "zip bomb (declared size)": ("declares 4.0 GB uncompressed", None),
    "zip bomb (ratio)": ("refused as a zip bomb", None),
    "zip bomb (size lies)": ("the workbook is damaged", None),
    "many members": ("5,005 parts", None),
    "billion laughs (workbook)": ("declares a DTD", None),
    "billion laughs (sheet)": ("declares a DTD", None),
    "external entity": ("declares a DTD", None),
    "1,000,000 rows": ("reaches row 1,000,001", None),
    "1,000,000 rows, no dimension": ("more than 250,000 rows", None),
    "merged header": ("merged header cells A1:B1", (1, None)),
    "date in a number cell": ("expected a number, got a date", (3, "Entry")),
    "#N/A in a number cell": ("holds the error value #N/A", (3, "Entry")),
    "$ in a cell reference": ("sheet 'Plan' holds a cell with the bad reference '$D$2'", None),
    "100,000 columns": ("sheet 'Plan' is too wide: a row holds more than 16,384 cells", None),
}
REFUSED_WHOLE = {name for name, (_, where) in EXPECTED.items() if where is None}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return build_all(tmp_path_factory.mktemp("hostile"))


def test_every_hostile_file_has_an_expectation():
    assert set(EXPECTED) == set(BUILDERS)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_hostile_file_gives_one_clear_message(hostile, name):
    path = hostile[name]
    before = path.read_bytes()
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(PlanError) as err:
        load_plan(path)
    fragment, where = EXPECTED[name]
    assert len(err.value.issues) == 1, str(err.value)
    issue = err.value.issues[0]
    assert fragment in issue.message, issue.message
    if where is None:
        assert isinstance(err.value, FileRefused) and issue.sheet == path.name
    else:
        assert (issue.sheet, issue.row, issue.column) == ("Plan", *where)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == siblings


def test_a_refused_file_leaves_the_open_plan_alone(hostile):
    plan = sample_plan()
    snapshot = plan.trades.copy(), plan.settings, dict(plan.venues)
    for path in hostile.values():
        with pytest.raises(PlanError):
            load_plan(path)
    assert plan.trades.equals(snapshot[0]) and plan.settings == snapshot[1]
    assert plan.venues == snapshot[2]


@pytest.mark.parametrize("name", sorted(REFUSED_WHOLE)[:8] + ["merged header"])
def test_the_headless_commands_refuse_without_a_traceback(hostile, name, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    code = run(["export", str(hostile[name]), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    assert EXPECTED[name][0] in err
    assert not out.exists()


# --- issue #11: odd cell references, too many columns, absurd numbers, over-long texts -------

PLAN_PART = "xl/worksheets/sheet1.xml"
HEADER = ["Symbol", "Entry", "Vol % (daily)", "Leverage", "Notes", "Desk"]
GOOD = ["BTCUSDT", 65_000, 3.0, 5, "note", "desk 1"]


def _plan_book(path, rows=(GOOD,), header=HEADER, settings=None):
    sheets = {"Plan": [list(header), *map(list, rows)]}
    if settings is not None:
        sheets["Settings"] = [["key", "value"], *map(list, settings)]
    return openpyxl_book(path, sheets)


def _patched(tmp_path, old: bytes, new: bytes, part=PLAN_PART, **book):
    src = _plan_book(tmp_path / "plain.xlsx", **book)
    assert old in zipfile.ZipFile(src).read(part)
    return patch_part(src, tmp_path / "patched.xlsx", part, lambda d: d.replace(old, new))


def _refusal(path, seconds=10):
    outcome = finishes_within(seconds, load_plan, path)
    assert isinstance(outcome, PlanError), outcome
    assert len(outcome.issues) == 1, str(outcome)
    return outcome.issues[0]


@pytest.mark.parametrize(("ref", "shown"), [
    ("$D$2", "'$D$2'"), ("$A$1", "'$A$1'"), ("D$2", "'D$2'"), ("$B2", "'$B2'"), ("2", "'2'"),
    ("A1B2", "'A1B2'"), ("-D2", "'-D2'"), ("Ｄ2", "'Ｄ2'"), ("", None),
])
def test_a_bad_cell_reference_is_refused_quickly_naming_sheet_and_reference(tmp_path, ref, shown):
    """``<c r="$D$2">`` used to hang every command that read the file (column index -28)."""
    path = _patched(tmp_path, b'r="D2"', f'r="{ref}"'.encode())
    if shown is None:  # an empty reference is no reference: the cell takes the next column
        plan = finishes_within(10, load_plan, path)
        assert list(plan.trades["leverage"]) == [5.0]
        return
    issue = _refusal(path)
    assert issue.sheet == path.name
    assert f"sheet 'Plan' holds a cell with the bad reference {shown}" in issue.message


def test_a_bad_reference_in_another_sheet_names_that_sheet(tmp_path):
    path = _patched(tmp_path, b'r="B2"', b'r="$B$2"', part="xl/worksheets/sheet2.xml",
                    settings=[["capital_usd", 50_000]])
    assert "sheet 'Settings' holds a cell with the bad reference '$B$2'" in _refusal(path).message


@pytest.mark.parametrize(("ref", "what"), [("XFE2", "cell XFE2 lies beyond column XFD"),
                                           ("AAAA2", "cell AAAA2 lies beyond column XFD")])
def test_a_cell_beyond_xfd_is_refused_as_too_wide(tmp_path, ref, what):
    issue = _refusal(_patched(tmp_path, b'r="D2"', f'r="{ref}"'.encode()))
    assert f"sheet 'Plan' is too wide: {what}" in issue.message and "16,384" in issue.message


def test_cells_without_references_cannot_run_past_xfd(tmp_path):
    path = _patched(tmp_path, b'<c r="D2"', b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c><c')
    issue = _refusal(path)
    assert "too wide: a row holds more than 16,384 cells" in issue.message


def test_a_row_number_outside_excel_is_refused(tmp_path):
    issue = _refusal(_patched(tmp_path, b'<row r="2"', b'<row r="1048577"'))
    assert "sheet 'Plan' holds a row numbered '1048577'" in issue.message


@pytest.mark.parametrize("dimension", [False, True])
def test_100000_header_columns_are_refused_before_the_rows_are_read(tmp_path, dimension):
    """It used to take 12 s to read the 100,000 columns (and keep them as extra columns)."""
    path = minimal_xlsx(tmp_path / "wide.xlsx", wide_header(100_000, dimension))
    start = time.perf_counter()
    issue = _refusal(path, seconds=30)
    assert time.perf_counter() - start < 2.0
    expected = ("its used range A1:EQXD2 reaches column EQXD" if dimension else
                "a row holds more than 16,384 cells")
    assert f"sheet 'Plan' is too wide: {expected}" in issue.message
    assert "at most 16,384 columns" in issue.message and issue.sheet == path.name


def test_a_sheet_reaching_exactly_column_xfd_is_read(tmp_path):
    path = _patched(tmp_path, b'</row><row r="2"', b'<c r="XFD1" t="inlineStr"><is><t>Last</t>'
                                                   b'</is></c></row><row r="2"')
    plan = load_plan(path)
    assert list(plan.extra.columns) == ["Desk", "Last"] and len(plan.trades) == 1


LONG = 40_000


@pytest.mark.parametrize(("column", "cell"), [("Symbol", "A2"), ("Notes", "E2"), ("Desk", "F2")])
def test_a_text_longer_than_excel_allows_is_refused_on_load(tmp_path, column, cell):
    """Such a text used to load, then the save refused it naming only a column letter."""
    src = _plan_book(tmp_path / "plain.xlsx", rows=[GOOD, ["ETHUSDT", 3_000, 4.0, 5, "", ""]])
    value = dict(zip(HEADER, GOOD, strict=True))[column].encode()
    path = patch_part(src, tmp_path / "long.xlsx", PLAN_PART, lambda d: d.replace(
        b'r="' + cell.encode() + b'" t="inlineStr"><is><t>' + value,
        b'r="' + cell.encode() + b'" t="inlineStr"><is><t>' + b"x" * LONG))
    with pytest.raises(PlanError) as err:
        load_plan(path)
    (issue,) = err.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("Plan", 2, column)
    assert "40,000 characters" in issue.message and "32,767" in issue.message


def test_a_shared_string_longer_than_excel_allows_is_refused(tmp_path):
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>Symbol</t></si>'
           f'<si><t>Entry</t></si><si><t>{"n" * LONG}</t></si></sst>').encode()
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>10</v></c></row>')
    path = minimal_xlsx(tmp_path / "sst.xlsx", sheet_xml(rows), {"xl/sharedStrings.xml": sst})
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert [(i.sheet, i.row, i.column) for i in err.value.issues] == [("Plan", 2, "Symbol")]


def test_text_at_excels_limit_loads_and_saves(tmp_path):
    src = _plan_book(tmp_path / "plain.xlsx")
    path = patch_part(src, tmp_path / "limit.xlsx", PLAN_PART,
                      lambda d: d.replace(b"<t>note</t>", b"<t>" + b"n" * 32_767 + b"</t>"))
    plan = load_plan(path)
    assert len(plan.trades["notes"].iat[0]) == 32_767
    save_plan(plan, tmp_path / "again.xlsx")
    assert load_plan(tmp_path / "again.xlsx").trades["notes"].iat[0] == plan.trades["notes"].iat[0]


#: One absurd but finite value per numeric input: each used to load, and several put -inf into
#: the totals and a "Same outcome" cross verdict.
ABSURD = [("Gas $", 1e308), ("Gas $", 2e6), ("Entry", 1e-308), ("Entry", 1e13),
          ("Extra margin $", 1e300), ("Slippage bps", 1e300), ("Index", 1e-300), ("Index", 1e300),
          ("Target %", 1e300), ("Vol % (daily)", 1e-300), ("Risk %", 1e-300), ("Stop %", 1e-300),
          ("Funding % / 8h", -1e300), ("Oracle delay s", 1e300), ("Leverage", 1e300)]


@pytest.mark.parametrize(("header", "value"), ABSURD)
def test_absurd_numbers_in_the_plan_are_refused_naming_sheet_row_and_column(tmp_path, header,
                                                                             value):
    head = [h for h in HEADER if h != header] + [header]
    good = dict(zip(HEADER, GOOD, strict=True))
    bad = {**good, "Symbol": "ETHUSDT", header: value}
    path = _plan_book(tmp_path / "absurd.xlsx", header=head,
                      rows=[[good.get(h) for h in head], [bad.get(h) for h in head]])
    with pytest.raises(PlanError) as err:
        load_plan(path)
    (issue,) = err.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("Plan", 3, header)
    assert "must be" in issue.message


#: Every numeric input at the edge of its bounds, in two rows (one low, one high).
EDGES = {
    "Entry": (1e-12, 1e12), "Index": (1e12, 1e-12), "Leverage": (1, 1000),
    "Vol % (daily)": (1e-6, 1000), "Risk %": (100, 1e-6), "Stop %": (1e-6, 99.9999),
    "Target %": (1e4, 1e-300), "Funding % / 8h": (-100, 100), "Slippage bps": (0, 1e4),
    "Gas $": (1e6, 0), "Extra margin $": (1e12, 0), "Oracle delay s": (86_400, 0),
}


@pytest.mark.parametrize("sizing", ["risk", "margin"])
def test_values_at_the_bounds_load_and_compute_finite_numbers(tmp_path, sizing):
    head = ["Symbol", "Side", "Sizing", *EDGES]
    rows = [["LOW", "long", sizing, *(lo for lo, _ in EDGES.values())],
            ["HIGH", "short", sizing, *(hi for _, hi in EDGES.values())]]
    settings = [["capital_usd", 1e12], ["stop_sigma", 0.01], ["trim_sigma", 0.01],
                ["review_sigma", 100], ["basis_alert_pct", 1e4], ["funding_alert_pct", 100]]
    plan = load_plan(_plan_book(tmp_path / "edges.xlsx", header=head, rows=rows,
                                settings=settings))
    results = compute(plan)
    numbers = [v for v in results.totals.values() if isinstance(v, float)]
    assert not any(math.isinf(v) for v in numbers)
    assert all(math.isfinite(results.totals[f"pnl_{n}_usd"]) for n in ("normal", "stressed",
                                                                        "tail"))
    for frame in (results.rows, results.buckets, results.cross):
        floats = frame.select_dtypes("number").to_numpy(dtype=float)
        assert not np.isinf(floats).any()
    assert np.isfinite(results.cross["difference_usd"].to_numpy(dtype=float)).all()


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("capital_usd", 1e300, "must be ≤ 1e12"), ("capital_usd", 1e-300, "must be ≥ 1"),
    ("stop_sigma", 1e300, "must be ≤ 100"), ("trim_sigma", 1e-300, "must be ≥ 0.01"),
    ("funding_alert_pct", 1e300, "must be ≤ 100"), ("basis_alert_pct", 1e300, "≤ 10,000"),
    ("horizon_hours", 1e300, "must be ≤ 8,760"), ("heat_cap_pct", 1e300, "must be ≤ 100"),
])
def test_absurd_settings_are_refused_naming_sheet_row_and_column(tmp_path, key, value, fragment):
    path = _plan_book(tmp_path / "settings.xlsx", settings=[["default_venue", "Generic"],
                                                            [key, value]])
    with pytest.raises(PlanError) as err:
        load_plan(path)
    (issue,) = err.value.issues
    assert (issue.sheet, issue.row, issue.column) == ("Settings", 3, "value")
    assert fragment in issue.message
