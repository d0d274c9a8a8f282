"""Hostile and broken files: each gives one clear message and changes nothing.

The files are built at test time by ``tests/hostile/make_hostile.py`` (nothing is downloaded or
committed).
"""

from __future__ import annotations

import pytest
from hostile.make_hostile import BUILDERS, build_all

from planner import PlanError, load_plan, sample_plan
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


@pytest.mark.parametrize("name", sorted(REFUSED_WHOLE)[:6] + ["merged header"])
def test_the_headless_commands_refuse_without_a_traceback(hostile, name, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    code = run(["export", str(hostile[name]), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    assert EXPECTED[name][0] in err
    assert not out.exists()
