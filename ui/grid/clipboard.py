"""Tab-separated text as Excel and LibreOffice put it on the clipboard (no Qt).

Cells are separated by tabs and rows by newlines; a cell holding a tab, a newline or a double
quote is wrapped in double quotes with inner quotes doubled (what both programs write and read).
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.schema import HEADER_LOOKUP, normalise_header


def _quote(cell: str) -> str:
    if any(ch in cell for ch in '\t\n\r"'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def to_tsv(rows: Sequence[Sequence[str]]) -> str:
    """Rows of cell texts as clipboard text (a trailing newline, as spreadsheets write)."""
    return "".join("\t".join(_quote(c) for c in row) + "\n" for row in rows)


def from_tsv(text: str) -> list[list[str]]:
    """Parse clipboard text into rows of cell texts.

    Handles CR LF line ends, quoted cells with tabs, newlines and doubled quotes, and the
    trailing newline spreadsheets add. Short rows are padded with blanks to a rectangle.
    """
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    i, n = 0, len(text)
    quoted = False
    while i < n:
        ch = text[i]
        if quoted:
            if ch == '"' and i + 1 < n and text[i + 1] == '"':
                cell.append('"')
                i += 1
            elif ch == '"':
                quoted = False
            else:
                cell.append(ch)
        elif ch == '"' and not cell:
            quoted = True
        elif ch == "\t":
            row.append("".join(cell))
            cell = []
        elif ch in "\r\n":
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
        else:
            cell.append(ch)
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def header_keys(row: Sequence[str]) -> list[str] | None:
    """Schema keys of a pasted header row, or ``None`` when the row is not all headers."""
    keys = [HEADER_LOOKUP.get(normalise_header(c)) for c in row]
    if not row or any(k is None for k in keys):
        return None
    return [k for k in keys if k is not None]
