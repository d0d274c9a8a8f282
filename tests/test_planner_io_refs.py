"""Cell-reference helpers refuse anything outside Excel's A-XFD columns and 1-1,048,576 rows.

A negative column index once made ``column_letters`` loop forever (``<c r="$A$2">`` gave
``column_index("$A$") == -28``); every helper now raises instead.
"""

from __future__ import annotations

import pytest
from io_helpers import finishes_within

from planner.io import sheetdata, sheetread
from planner.io.refs import MAX_COLUMNS, MAX_ROW_NUMBER, column_index, column_letters, row_number


@pytest.mark.parametrize(("letters", "index"), [
    ("A", 0), ("Z", 25), ("AA", 26), ("AB", 27), ("AZ", 51), ("BA", 52), ("ZZ", 701),
    ("AAA", 702), ("XFD", MAX_COLUMNS - 1), ("a", 0), ("xfd", MAX_COLUMNS - 1),
])
def test_column_index_and_letters_agree_on_known_columns(letters, index):
    assert column_index(letters) == index
    assert column_letters(index) == letters.upper()


def test_every_column_from_a_to_xfd_round_trips():
    assert [column_index(column_letters(i)) for i in range(MAX_COLUMNS)] == list(range(MAX_COLUMNS))


@pytest.mark.parametrize("letters", [
    "", "$A$", "$A", "A$", "$", "A1", "1", "A-", " A", "A ", "XFE", "XFZ", "ZZZ", "AAAA",
    "EQXD", "A" * 10_000, "Ä", "Ａ", "ǅ", "\x00",
])
def test_column_index_refuses_what_is_not_a_column(letters):
    with pytest.raises(ValueError):
        column_index(letters)


@pytest.mark.parametrize("index", [-1, -28, -(10**12), MAX_COLUMNS, MAX_COLUMNS + 1, 10**100])
def test_column_letters_refuses_indices_outside_a_to_xfd(index):
    outcome = finishes_within(5, column_letters, index)  # a negative index used to loop forever
    assert isinstance(outcome, ValueError) and "outside A to XFD" in str(outcome)


@pytest.mark.parametrize("index", [1.5, 2.0, "A", None])
def test_column_letters_refuses_what_is_not_an_integer(index):
    with pytest.raises(TypeError):
        column_letters(index)


@pytest.mark.parametrize(("text", "row"), [("1", 1), ("2", 2), ("0007", 7),
                                            (str(MAX_ROW_NUMBER), MAX_ROW_NUMBER)])
def test_row_number_reads_rows_one_to_the_last(text, row):
    assert row_number(text) == row


@pytest.mark.parametrize("text", [
    "", "0", "000", str(MAX_ROW_NUMBER + 1), "99999999999", "9" * 5_000, "-1", "+1", "1.0",
    "1e3", " 1", "$1", "²", "١٢", "A1",
])
def test_row_number_refuses_what_is_not_a_row(text):
    with pytest.raises(ValueError):
        row_number(text)


def test_the_reader_and_writer_use_the_guarded_helpers():
    assert sheetread.column_letters is column_letters and sheetread.column_index is column_index
    assert sheetdata.column_letters is column_letters
