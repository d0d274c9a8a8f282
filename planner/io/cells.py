"""Turn cells as read into the values the planner's validation expects.

* A number shown as a percentage (``2%`` stored as 0.02) means 2 in a percent column
  (unit ``%``) and stays 0.02 elsewhere, exactly as the text ``"2%"`` does
  (:func:`planner.validate.parse_number`);
* an error value (``#N/A``) in a cell the planner reads is refused with a message naming it;
* everything else passes unchanged for :mod:`planner.validate` and :mod:`planner.tables`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from planner.errors import CellIssue
from planner.io.ooxml import ExcelError, PercentValue


class CellProblem(ValueError):
    """A cell that cannot be used as it is (the message says why)."""


def from_percent(x: float) -> float:
    """``0.07`` shown as ``7%`` -> ``7.0`` (rounded to the 15 digits a spreadsheet shows)."""
    return float(f"{x * 100.0:.15g}")


def clean(value: Any, percent_unit: bool) -> Any:
    """One input cell as validation expects it.

    Args:
        value: The cell as read (see :mod:`planner.io.sheetread`).
        percent_unit: True when the column holds percent units.

    Raises:
        CellProblem: The cell holds an error value.
    """
    if isinstance(value, PercentValue):
        return from_percent(value) if percent_unit else float(value)
    if isinstance(value, ExcelError):
        raise CellProblem(f"the cell holds the error value {value} (a formula that failed, or "
                          "a value pasted from one): type the value instead")
    return value


def number(value: Any, percent_unit: bool) -> Any:
    """Like :func:`clean`, refusing dates and times too (for a number-only cell)."""
    value = clean(value, percent_unit)
    if isinstance(value, (dt.date, dt.time)):
        raise CellProblem(f"expected a number, got a date ({value:%Y-%m-%d}); a number "
                          "formatted as a date? Format the cell as a number"
                          if isinstance(value, dt.date) else "expected a number, got a time")
    return value


def verbatim(value: Any) -> Any:
    """A cell of an extra column, kept as the user wrote it (errors as their text)."""
    if isinstance(value, PercentValue):
        return float(value)
    if isinstance(value, ExcelError):
        return str(value)
    return value


def is_blank(value: Any) -> bool:
    """True for a missing cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def uncached_warnings(sheet: str, cells: Iterable[tuple[int, int]],
                      headers: dict[int, str]) -> list[CellIssue]:
    """Warnings for formula cells with no saved value in the columns the planner reads."""
    return [CellIssue(sheet, row, headers[col], "formula with no saved value (the file was "
                      "never calculated by a spreadsheet program): read as blank")
            for row, col in cells if col in headers]
