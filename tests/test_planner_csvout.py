"""CSV exports escape formula-like text the OWASP way and keep numbers as numbers."""

from __future__ import annotations

import csv

import pandas as pd

from planner.csvout import escape_cell, frame_to_csv, unescape_cell

DANGEROUS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-x", "\tx", "\rx"]


def test_every_dangerous_text_cell_and_header_gets_an_apostrophe(tmp_path):
    frame = pd.DataFrame({"notes": DANGEROUS + ["plain"], "=cmd": range(7),
                          "pnl": [-5.0, 1, 2, 3, 4, 5, 6]})
    frame["notes"] = frame["notes"].astype("str")  # pandas' string dtype too
    path = tmp_path / "rows.csv"
    frame_to_csv(frame, path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["notes", "'=cmd", "pnl"]
    assert [r[0] for r in rows[1:]] == ["'" + s for s in DANGEROUS] + ["plain"]
    assert rows[1][2] == "-5.0"


def test_unescape_restores_exactly_what_was_escaped():
    for s in DANGEROUS + ["'quoted", "plain", "", "'"]:
        assert unescape_cell(escape_cell(s)) == s
    assert escape_cell(-3) == -3 and escape_cell(None) is None
