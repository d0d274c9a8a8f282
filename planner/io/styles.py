"""Look and behaviour of the exported sheets: formats, widths, notes, drop-downs, alerts.

Everything here is schema-driven (:mod:`planner.schema`): number formats, header notes with
units, validation bounds and choice lists, and which input cell each alert colours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from planner.io.names import VENUE_LIST
from planner.io.package import Formats
from planner.model import DEFAULT_BUCKETS
from planner.schema import ALERTS, Column

#: Rows below the last trade that still get drop-downs and validation (for rows added by hand).
SPARE_ROWS = 200
HEADER_FILL = {"input": "#FFF2CC", "output": "#DDEBF7", "extra": "#E2EFDA", "plain": "#EDEDED"}
OUTPUT_FILL = "#F3F7FB"
VALUES_FILL = "#F2F2F2"


def header_format(formats: Formats, kind: str) -> Any:
    """Bold, wrapped header of a column of ``kind`` (input, output, extra, plain)."""
    return formats.get(bold=True, text_wrap=True, valign="top", bottom=1,
                       bg_color=HEADER_FILL[kind])


def body_format(formats: Formats, col: Column) -> Any:
    """Cell format of a schema column: its number format; computed columns lightly shaded."""
    if col.is_input:
        return formats.get(num_format=col.excel_format)
    return formats.get(num_format=col.excel_format, bg_color=OUTPUT_FILL)


def values_format(formats: Formats, num_format: str = "General") -> Any:
    """Grey italic cells: values written at export that do not recalculate."""
    return formats.get(num_format=num_format, italic=True, bg_color=VALUES_FILL)


def date_format(formats: Formats) -> Any:
    """Date and time cells."""
    return formats.get(num_format="yyyy-mm-dd hh:mm:ss")


def note_for(col: Column) -> str:
    """Header note: meaning, unit and whether the column is typed or computed."""
    lines = [col.tooltip]
    if col.unit:
        lines.append(f"Unit: {col.unit}.")
    if col.is_input:
        rule = col.bounds_text()
        lines.append(f"Input{f': {rule}' if rule else ''}.")
    else:
        lines.append("Computed by a live formula; edit the inputs, not this cell.")
    return "\n".join(lines)


def widths(ws: Any, headers: Sequence[str], formats: Sequence[Any] | None = None,
           wide: Iterable[int] = ()) -> None:
    """Column widths from the header lengths (wide columns for free text)."""
    wide = set(wide)
    for c, h in enumerate(headers):
        width = 40 if c in wide else min(max(len(str(h)) + 3, 10), 28)
        ws.set_column(c, c, width, formats[c] if formats else None)


def table_frame(ws: Any, headers: Sequence[str], last_row: int,
                formats: Sequence[Any] | None = None, wide: Iterable[int] = ()) -> None:
    """Frozen header row, widths and an auto-filter over ``last_row`` (0-based) rows."""
    widths(ws, headers, formats, wide)
    ws.freeze_panes(1, 0)
    if headers:
        ws.autofilter(0, 0, max(last_row, 1), len(headers) - 1)


def validate_column(ws: Any, col: Column, c: int, last: int, buckets: Sequence[str]) -> None:
    """Drop-down or bounds validation for one input column (rows 2 .. ``last`` + 1)."""
    opts = _validation(col, buckets)
    if opts is not None:
        ws.data_validation(1, c, last, c, opts)


def _validation(col: Column, buckets: Sequence[str]) -> dict[str, Any] | None:
    if col.key == "venue":
        return {"validate": "list", "source": f"={VENUE_LIST}", "error_type": "warning",
                "error_message": "Not a venue profile of the Venues sheet."}
    if col.key == "bucket":
        names = list(dict.fromkeys([*DEFAULT_BUCKETS, *buckets]))
        names = [b for b in names if "," not in b and '"' not in b]
        if len(",".join(names)) > 250:
            names = list(DEFAULT_BUCKETS)
        return {"validate": "list", "source": names, "error_type": "information",
                "error_message": "A new bucket name: fine if you meant it."}
    if col.dtype == "choice":
        return {"validate": "list", "source": list(col.choices), "error_type": "stop",
                "error_message": f"{col.header}: one of {', '.join(col.choices)}."}
    if col.dtype != "float" or (col.minimum is None and col.maximum is None):
        return None
    return {"validate": "decimal", **_criteria(col), "error_type": "stop",
            "error_title": col.header, "error_message": f"{col.header} must be "
                                                        f"{col.bounds_text()}."}


def _criteria(col: Column) -> dict[str, Any]:
    lo, hi = col.minimum, col.maximum
    if lo is not None and hi is not None:
        return {"criteria": "between", "minimum": lo, "maximum": hi}
    if lo is not None:
        return {"criteria": ">" if col.min_open else ">=", "value": lo}
    return {"criteria": "<" if col.max_open else "<=", "value": hi}


def alert_formats(ws: Any, wb: Any, letters: dict[str, str], index: dict[str, int],
                  n: int, flag_keys: Sequence[str]) -> None:
    """Colour each alert's input cell when the alert is on, and every TRUE alert flag."""
    if n == 0:
        return
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    for alert, (target, _) in ALERTS.items():
        c = index[target]
        ws.conditional_format(1, c, n, c, {"type": "formula", "format": red,
                                           "criteria": f"=${letters[alert]}2=TRUE"})
    for key in flag_keys:
        c = index[key]
        ws.conditional_format(1, c, n, c, {"type": "cell", "criteria": "==", "value": "TRUE",
                                           "format": red})
