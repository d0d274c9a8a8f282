"""Saving keeps the user's own sheets: the planner rewrites only the sheets it owns."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName

from planner import PlanError, load_plan, sample_plan, save_plan
from planner.io.keep import PLANNER_SHEETS, is_planner_sheet
from tests.test_cli_compute import run


def hand_made(path):
    """A plan workbook a trader added two sheets to in a spreadsheet program."""
    save_plan(sample_plan(), path)
    wb = load_workbook(path)
    notes = wb.create_sheet("MyNotes", 0)
    notes["A1"] = "Checklist before the open"
    notes["A1"].font = Font(bold=True, color="FFC00000")
    notes["B2"] = 0.425
    notes["B2"].fill = PatternFill("solid", fgColor="FFFFFF00")
    notes["B2"].number_format = "0.00%"
    notes["C3"] = "=B2*2"
    notes["A4"] = notes["A5"] = "the same text twice"
    notes["A6"].comment = Comment("size down on CPI days", "me")
    notes["A7"] = "exchange status"
    notes["A7"].hyperlink = "https://example.org/status"
    notes.column_dimensions["A"].width = 40
    check = wb.create_sheet("Checklist")
    check["A1"], check["B1"] = "stop placed?", True
    check.sheet_state = "hidden"
    wb.defined_names["Budget"] = DefinedName("Budget", attr_text="MyNotes!$B$2")
    wb.save(path)
    return path


def assert_kept(path):
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "MyNotes" and wb.sheetnames[-1] == "Checklist"
    assert set(PLANNER_SHEETS[:6]) <= set(wb.sheetnames)
    notes = wb["MyNotes"]
    assert notes["A1"].value == "Checklist before the open" and notes["A1"].font.b
    assert notes["A1"].font.color.rgb == "FFC00000"
    assert notes["B2"].value == 0.425 and notes["B2"].number_format == "0.00%"
    assert notes["B2"].fill.fgColor.rgb == "FFFFFF00"
    assert notes["C3"].value == "=B2*2"
    assert notes["A4"].value == notes["A5"].value == "the same text twice"
    assert notes["A6"].comment.text == "size down on CPI days"
    assert notes["A7"].hyperlink.target == "https://example.org/status"
    assert notes.column_dimensions["A"].width == pytest.approx(40, abs=1)
    assert wb["Checklist"]["A1"].value == "stop placed?" and wb["Checklist"]["B1"].value is True
    assert wb["Checklist"].sheet_state == "hidden"
    assert wb.defined_names["Budget"].attr_text == "MyNotes!$B$2"


def test_saving_over_a_hand_made_workbook_keeps_the_users_sheets_as_they_were(tmp_path):
    path = hand_made(tmp_path / "plan.xlsx")
    plan = load_plan(path)
    save_plan(plan, path)
    assert_kept(path)
    assert load_plan(path) == plan


def test_saving_again_and_again_keeps_them_and_does_not_grow_the_styles(tmp_path):
    path = hand_made(tmp_path / "plan.xlsx")
    save_plan(load_plan(path), path)
    first = zipfile.ZipFile(path).read("xl/styles.xml")
    for _ in range(3):
        save_plan(load_plan(path), path)
    assert zipfile.ZipFile(path).read("xl/styles.xml") == first
    assert_kept(path)


def test_save_as_carries_the_sheets_of_the_workbook_the_plan_came_from(tmp_path):
    src = hand_made(tmp_path / "plan.xlsx")
    out = tmp_path / "copy.xlsx"
    save_plan(load_plan(src), out, keep_from=src)
    assert_kept(out)


def test_export_x_to_x_and_x_to_y_keep_the_users_sheets(tmp_path):
    path = hand_made(tmp_path / "plan.xlsx")
    for out in (path, tmp_path / "other.xlsx"):
        res = run("export", str(path), "-o", str(out))
        assert res.returncode == 0, res.stderr
        assert_kept(out)


def test_edited_planner_sheets_are_rewritten_and_the_users_sheet_is_not(tmp_path):
    path = hand_made(tmp_path / "plan.xlsx")
    plan = load_plan(path)
    trades = plan.trades.copy()
    trades.loc[trades.index[0], "entry_price"] = 50_000.0
    save_plan(plan.with_changes(trades=trades), path)
    assert load_plan(path).trades["entry_price"].iat[0] == 50_000.0
    assert_kept(path)


def test_a_sheet_named_like_a_planner_sheet_in_another_case_is_the_planners():
    assert is_planner_sheet(" plan ") and is_planner_sheet("CROSS")
    assert not is_planner_sheet("Plan notes")


def test_a_formula_into_another_workbook_keeps_its_last_value(tmp_path):
    path = tmp_path / "plan.xlsx"
    save_plan(sample_plan(), path)
    wb = load_workbook(path)
    ws = wb.create_sheet("Links")
    ws["A1"] = "=[1]Prices!A1"
    wb.save(path)
    _patch_cached_value(path, "Links", "A1", "123.5")
    save_plan(load_plan(path), path)
    cell = load_workbook(path)["Links"]["A1"]
    assert cell.value == 123.5          # the value, not a link to a file that is not carried


def _patch_cached_value(path, sheet, ref, value):
    """Give a formula cell a cached value, as the spreadsheet program that saved it would."""
    wb = load_workbook(path)
    index = wb.sheetnames.index(sheet) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    xml = members[part].decode()
    start = xml.index(f'<c r="{ref}"')
    end = xml.index("</c>", start)
    cell = xml[start:end].replace("<v />", "").replace("<v/>", "")
    members[part] = (xml[:start] + cell + f"<v>{value}</v>" + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_a_target_that_is_not_a_workbook_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("my notes, not a workbook")
    with pytest.raises(PlanError, match="nothing was written"):
        save_plan(sample_plan(), path)
    assert path.read_text() == "my notes, not a workbook"


def test_a_new_file_and_a_workbook_without_other_sheets_keep_nothing(tmp_path):
    path = tmp_path / "plan.xlsx"
    save_plan(sample_plan(), path)
    save_plan(sample_plan(), path)
    assert load_workbook(path).sheetnames == list(PLANNER_SHEETS[:8])


def test_a_foreign_workbook_keeps_all_its_sheets_beside_the_plan(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = Workbook()
    wb.active.title = "Budget 2027"
    wb.active["A1"] = "rent"
    wb.create_sheet("Ideas")["B3"] = 7
    wb.save(path)
    save_plan(sample_plan(), path)
    out = load_workbook(path)
    assert out.sheetnames[:2] == ["Budget 2027", "Ideas"]
    assert out["Budget 2027"]["A1"].value == "rent" and out["Ideas"]["B3"].value == 7
    assert load_plan(path) == sample_plan()


def test_a_damaged_sheet_of_the_users_refuses_the_save_and_leaves_the_file(tmp_path):
    path = hand_made(tmp_path / "plan.xlsx")
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"][:-40]  # MyNotes
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    before = path.read_bytes()
    plan = load_plan(path)                 # the planner's own sheets are fine
    with pytest.raises(PlanError, match="cannot be read|not valid XML"):
        save_plan(plan, path)
    assert path.read_bytes() == before


def test_a_journal_export_into_a_workbook_keeps_the_users_sheets(tmp_path):
    from planner.io import load_journal, save_journal
    from tests.journal_helpers import trades

    path = tmp_path / "journal.xlsx"
    wb = Workbook()
    wb.active.title = "Review notes"
    wb.active["A1"] = "cut the losers faster"
    wb.save(path)
    save_journal(trades([10, -5]), path)
    out = load_workbook(path)
    assert out.sheetnames == ["Review notes", "Journal"]
    assert out["Review notes"]["A1"].value == "cut the losers faster"
    assert len(load_journal(path).frame) == 2


def _rewrite(path, part, change):
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    members[part] = change(members[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _xlsxwriter_book(path):
    """A workbook as Excel writes it: text in the shared-strings table, rich text, a formula."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Desk notes")
    bold = wb.add_format({"bold": True, "font_color": "#C00000"})
    ws.write("A1", "Checklist", bold)
    ws.write("A2", "size down on CPI days")
    ws.write("A3", "size down on CPI days")                 # one shared string, used twice
    ws.write_rich_string("A4", "plain ", bold, "bold", " tail")
    ws.write_formula("B1", '=A1&"!"', None, "Checklist!")
    wb.close()
    return path


def test_shared_strings_of_the_users_sheet_are_carried_as_text(tmp_path):
    path = _xlsxwriter_book(tmp_path / "plan.xlsx")
    assert b"sharedStrings" in zipfile.ZipFile(path).read("[Content_Types].xml")
    save_plan(sample_plan(), path)
    save_plan(load_plan(path), path)                        # and again, from our own file
    notes = load_workbook(path)["Desk notes"]
    assert notes["A1"].value == "Checklist" and notes["A1"].font.b
    assert notes["A2"].value == notes["A3"].value == "size down on CPI days"
    assert notes["A4"].value == "plain bold tail"
    assert notes["B1"].value == '=A1&"!"'
    assert load_workbook(path, data_only=True)["Desk notes"]["B1"].value == "Checklist!"


def test_a_shared_string_index_out_of_range_keeps_the_cell_empty_instead_of_failing(tmp_path):
    path = _xlsxwriter_book(tmp_path / "plan.xlsx")
    _rewrite(path, "xl/worksheets/sheet1.xml",
             lambda xml: xml.replace('t="s"><v>0</v>', 't="s"><v>99999</v>', 1))
    save_plan(sample_plan(), path)
    notes = load_workbook(path)["Desk notes"]
    assert notes["A1"].value in (None, "")                  # nothing to show
    assert notes["A2"].value == "size down on CPI days"     # the rest is kept


def test_saving_through_a_symlink_keeps_the_targets_sheets_and_the_link(tmp_path):
    real = hand_made(tmp_path / "real.xlsx")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    save_plan(load_plan(link), link)
    assert link.is_symlink()
    assert_kept(real)


def test_a_users_sheet_with_a_drawing_is_kept_without_the_drawing(tmp_path):
    from openpyxl.chart import BarChart, Reference

    path = tmp_path / "plan.xlsx"
    save_plan(sample_plan(), path)
    wb = load_workbook(path)
    ws = wb.create_sheet("Chart data")
    for i in range(1, 5):
        ws.append([i, i * i])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4))
    ws.add_chart(chart, "D2")
    wb.save(path)
    save_plan(load_plan(path), path)
    out = load_workbook(path)
    assert [c.value for c in out["Chart data"]["B"]] == [1, 4, 9, 16]    # the data stays
    assert not out["Chart data"]._charts                                  # the chart does not
    assert load_plan(path) == sample_plan()
