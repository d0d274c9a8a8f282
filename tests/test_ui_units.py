"""Pure helpers of the UI: number display, clipboard text, sort and filter order."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui.formats import edit_text, formatter
from ui.grid.clipboard import from_tsv, header_keys, to_tsv
from ui.grid.columns import HIDDEN_BY_DEFAULT, KEYS, header_lines
from ui.grid.diff import changed_rectangles
from ui.grid.order import Filters, Sort, runs, view_order


@pytest.mark.parametrize(("fmt", "value", "text"), [
    ("price", 65000, "65,000.00"), ("price", 0.16, "0.16"), ("price", 52208.835341, "52,208.84"),
    ("price", 0.865979, "0.865979"), ("usd", -6436.6, "-6,437"), ("usd2", 1234.5, "1,234.50"),
    ("pct", 3, "3.00"), ("pct", 0.012, "0.012"), ("pct", 39.2519, "39.25"),
    ("frac", 0.0123, "1.23%"), ("prob", 0.037, "3.70%"), ("prob", 1e-6, "<0.01%"),
    ("lev", 5, "5x"), ("lev", 7.14, "7.1x"), ("ratio", 2.0, "2"), ("bool", True, "yes"),
    ("bool", False, ""), ("price", math.nan, ""), ("qty", 0.0307692, "0.0307692"),
])
def test_formats(fmt, value, text):
    assert formatter(fmt)(value) == text


def test_edit_text_is_exact_and_plain():
    assert edit_text(65000.0) == "65000"
    assert edit_text(0.1 + 0.2) == "0.3"
    assert edit_text(None) == "" and edit_text(np.float64("nan")) == ""


def test_tsv_round_trip_with_quotes_tabs_and_newlines():
    rows = [["a", "b\tc", 'say "hi"'], ["line\nbreak", "", "x"]]
    assert from_tsv(to_tsv(rows)) == rows
    assert from_tsv("1\t2\r\n3\t4\r\n") == [["1", "2"], ["3", "4"]]
    assert from_tsv("1\t2\n3\n") == [["1", "2"], ["3", ""]]


def test_header_row_detection():
    assert header_keys(["Entry", "leverage", " Vol % (daily) "]) == [
        "entry_price", "leverage", "volatility_pct"]
    assert header_keys(["Entry", "65000"]) is None


def test_default_hidden_columns_exist_and_headers_wrap():
    assert set(KEYS) >= HIDDEN_BY_DEFAULT
    assert header_lines("P&L stressed $") == "P&L\nstressed $"
    assert header_lines("Entry") == "Entry"


def test_view_order_sorts_with_blanks_last_and_filters():
    cols = {"stop_pct": np.array([3.0, np.nan, 1.0, 2.0]),
            "bucket": np.array(["a", "b", "a", "a"], dtype=object),
            "side": np.array(["long"] * 4, dtype=object),
            "venue": np.array(["", "X", "X", ""], dtype=object),
            "alert_count": np.array([0.0, 1.0, 0.0, 2.0])}
    assert list(view_order(cols, 4, Sort("stop_pct"), Filters(), "G")) == [2, 3, 0, 1]
    assert list(view_order(cols, 4, Sort("stop_pct", True), Filters(), "G")) == [0, 3, 2, 1]
    assert list(view_order(cols, 4, Sort(), Filters(venue="g"), "G")) == [0, 3]
    assert list(view_order(cols, 4, Sort(), Filters(bucket="A", alerts_only=True), "G")) == [3]
    assert runs(np.array([1, 2, 3, 7, 9, 10])) == [(1, 3), (7, 7), (9, 10)]


def test_changed_rectangles_merge_neighbouring_columns():
    old = [np.array([1.0, 2.0, 3.0]) for _ in KEYS]
    new = [a.copy() for a in old]
    new[5][1] = 9.0
    new[6][2] = np.nan
    new[9][0] = 4.0
    flags = np.zeros(3, dtype=bool)
    rects = list(changed_rectangles(old, new, None, None, np.array([2, 1, 0]), frozenset(),
                                    flags, flags))
    assert rects == [(0, 1, 5, 6), (2, 2, 9, 9)]
