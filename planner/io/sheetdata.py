"""Sheet bodies written straight as SpreadsheetML: values, text and live formulas.

Cells are produced column by column (one list comprehension per column) and joined into rows,
which is several times faster than a call per cell. Conventions:

* numbers are written with ``repr`` (the shortest text that reads back as the same double, so a
  round trip is exact); NaN and infinities leave the cell blank;
* text is always an inline string (``t="inlineStr"``), never a formula: what a user typed cannot
  execute. Control characters and a literal ``_xHHHH_`` are escaped the way Excel does;
* a formula column is written as *shared formulas*: the first cell of each run of formula rows
  carries the formula text and the run's range, the others refer to it. Every formula cell also
  carries its value as computed by the engine (``<v>``), or an empty string where the engine gives
  none (no liquidation price, no target), so readers that do not calculate see the numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.errors import CellIssue, PlanError
from planner.io.refs import column_letters
from planner.schema import MAX_TEXT

EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "ms")
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_text(text: str) -> str:
    """XML-escape ``text`` for element content, Excel-escaping control characters."""
    if not _SPECIAL.search(text):
        return text
    return _SPECIAL.sub(lambda m: _ENTITIES.get(m.group(), f"_x{ord(m.group()):04X}_"), text)


def text_element(text: str) -> str:
    """The ``<t>`` element of an inline string (whitespace at the ends preserved)."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<t{space}>{escape_text(text)}</t>"


@dataclass
class Col:
    """One column of a block of cells.

    Attributes:
        index: Column index (0 = A).
        values: One value per block row (the cached value for a formula column).
        kind: ``number``, ``text``, ``bool``, ``date`` or ``auto`` (decided per value).
        fmt: XlsxWriter format of the cells, or ``None``.
        formula: Formula for the block's rows, ``{r}`` standing for the row number.
        formula_rows: Which rows get the formula (others get the value only); ``None`` = all.
        date_fmt: Format for dates met in an ``auto`` column.
    """

    index: int
    values: Any
    kind: str = "auto"
    fmt: Any = None
    formula: str | None = None
    formula_rows: Any = None
    date_fmt: Any = None


@dataclass
class Block:
    """A rectangle of rows starting at ``top`` (1-based), ``n`` rows high."""

    top: int
    n: int
    columns: list[Col]


XfIndex = Callable[[Any], "int | None"]


class _Ctx:
    """Per-sheet state while rendering: style lookup and the next shared-formula index."""

    def __init__(self, xf: XfIndex, sheet: str) -> None:
        self.xf, self.sheet, self.si = xf, sheet, 0
        self.row: int | None = None
        self.column: str | None = None

    def style(self, fmt: Any) -> str:
        idx = self.xf(fmt) if fmt is not None else None
        return f' s="{idx}"' if idx else ""


def serials(values: Any) -> list[float]:
    """Datetimes (naive = UTC, or tz-aware) as Excel serial days; NaN where missing."""
    import pandas as pd

    ts = pd.to_datetime(pd.Series(values, dtype=object), utc=True, errors="coerce")
    ms = ts.dt.tz_localize(None).to_numpy(dtype="datetime64[ms]")
    days = (ms - EXCEL_EPOCH).astype("timedelta64[ms]").astype(float) / 86_400_000.0
    days[np.isnat(ms)] = np.nan
    return days.tolist()


def _num(x: float) -> str:
    return repr(x) if x - x == 0 else ""


def _value_parts(kind: str, values: Any, ctx: _Ctx, col: Col) -> list[tuple[str, str, str]]:
    """Per row: (type attribute, inner XML, style) of a plain value cell; inner "" = blank."""
    s = ctx.style(col.fmt)
    if kind == "number":
        vals = np.asarray(values, dtype=float).tolist()
        return [("", f"<v>{x!r}</v>", s) if x - x == 0 else ("", "", s) for x in vals]
    if kind == "date":
        return [("", f"<v>{x!r}</v>", s) if x - x == 0 else ("", "", s) for x in serials(values)]
    if kind == "bool":
        return [(' t="b"', "<v>1</v>" if v else "<v>0</v>", s) if _has(v) else ("", "", s)
                for v in _list(values)]
    if kind == "text":
        return [(' t="inlineStr"', f"<is>{text_element(_checked(v, ctx))}</is>", s)
                if isinstance(v, str) and v else ("", "", s) for v in _list(values)]
    return [_auto(v, ctx, col, s) for v in _list(values)]


def _list(values: Any) -> list[Any]:
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _has(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _checked(text: str, ctx: _Ctx) -> str:
    if len(text) > MAX_TEXT:
        raise PlanError(CellIssue(ctx.sheet, ctx.row, ctx.column, f"a text of {len(text):,} "
                                  f"characters exceeds Excel's cell limit of {MAX_TEXT:,}: "
                                  "shorten it"))
    return text


def _locate_long_text(col: Col, rows: list[int], ctx: _Ctx) -> None:
    """Point the context at the first over-long text of ``col`` (for the error message)."""
    ctx.row, ctx.column = None, column_letters(col.index)
    if col.kind in ("text", "auto"):
        for r, v in zip(rows, _list(col.values), strict=True):
            if isinstance(v, str) and len(v) > MAX_TEXT:
                ctx.row = r
                return


def _auto(v: Any, ctx: _Ctx, col: Col, s: str) -> tuple[str, str, str]:
    if isinstance(v, (bool, np.bool_)):
        return ' t="b"', "<v>1</v>" if v else "<v>0</v>", s
    if isinstance(v, (int, float, np.integer, np.floating)):
        return "", (f"<v>{_num(float(v))}</v>" if _num(float(v)) else ""), s
    if isinstance(v, (dt.datetime, dt.date, np.datetime64)):
        x = serials([v])[0]
        return "", (f"<v>{x!r}</v>" if x - x == 0 else ""), ctx.style(col.date_fmt or col.fmt)
    if v is None or (isinstance(v, str) and not v):
        return "", "", s
    return ' t="inlineStr"', f"<is>{text_element(_checked(str(v), ctx))}</is>", s


def _cached_parts(kind: str, values: Any, ctx: _Ctx) -> list[tuple[str, str]]:
    """Per row: (type attribute, ``<v>``) of a formula's cached value ("" string = blank)."""
    blank = (' t="str"', "<v></v>")
    if kind in ("number", "date"):
        vals = serials(values) if kind == "date" else np.asarray(values, dtype=float).tolist()
        return [("", f"<v>{x!r}</v>") if x - x == 0 else blank for x in vals]
    return [_cached_one(v, ctx) if _has(v) else blank for v in _list(values)]


def _cached_one(v: Any, ctx: _Ctx) -> tuple[str, str]:
    if isinstance(v, (bool, np.bool_)):
        return ' t="b"', "<v>1</v>" if v else "<v>0</v>"
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        return ("", f"<v>{x!r}</v>") if x - x == 0 else (' t="str"', "<v></v>")
    return ' t="str"', f"<v>{escape_text(_checked(str(v), ctx))}</v>"


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges of consecutive True values."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def _formula_cells(col: Col, rows: list[int], ctx: _Ctx) -> list[str]:
    letter = column_letters(col.index)
    n = len(rows)
    mask = np.ones(n, bool) if col.formula_rows is None else np.asarray(col.formula_rows, bool)
    cells = [""] * n
    if not mask.all():  # rows that hold a plain value instead of the formula
        plain = _value_parts(col.kind, col.values, ctx, col)
        cells = [f'<c r="{letter}{r}"{s}{t}>{inner}</c>' if inner else ""
                 for r, (t, inner, s) in zip(rows, plain, strict=True)]
    cached = _cached_parts(col.kind, col.values, ctx)
    s = ctx.style(col.fmt)
    template = escape_text(col.formula or "")
    for a, b in _runs(mask):
        head = template.replace("{r}", str(rows[a]))
        if b - a == 1:
            fs = [f"<f>{head}</f>"]
        else:
            si = ctx.si
            ctx.si += 1
            ref = f"{letter}{rows[a]}:{letter}{rows[b - 1]}"
            fs = [f'<f t="shared" ref="{ref}" si="{si}">{head}</f>'] + \
                [f'<f t="shared" si="{si}"/>'] * (b - a - 1)
        cells[a:b] = [f'<c r="{letter}{r}"{s}{t}>{f}{v}</c>' for r, f, (t, v)
                      in zip(rows[a:b], fs, cached[a:b], strict=True)]
    return cells


def _column_cells(col: Col, rows: list[int], ctx: _Ctx) -> list[str]:
    _locate_long_text(col, rows, ctx)
    if col.formula:
        return _formula_cells(col, rows, ctx)
    letter = column_letters(col.index)
    return [f'<c r="{letter}{r}"{s}{t}>{inner}</c>' if inner else ""
            for r, (t, inner, s) in zip(rows, _value_parts(col.kind, col.values, ctx, col),
                                        strict=True)]


def render_rows(blocks: Sequence[Block], xf: XfIndex, sheet: str,
                chunk_rows: int = 2_000) -> Iterator[str]:
    """Yield the ``<row>`` elements of ``blocks`` (in row order) as text chunks."""
    ctx = _Ctx(xf, sheet)
    for block in sorted(blocks, key=lambda b: b.top):
        for start in range(0, block.n, chunk_rows):
            yield _render_slice(block, start, min(block.n, start + chunk_rows), ctx)


def _render_slice(block: Block, a: int, b: int, ctx: _Ctx) -> str:
    rows = list(range(block.top + a, block.top + b))
    cols = [_column_cells(_slice(c, a, b), rows, ctx)
            for c in sorted(block.columns, key=lambda c: c.index)]
    out = []
    for r, cells in zip(rows, zip(*cols, strict=True) if cols else [() for _ in rows],
                        strict=True):
        body = "".join(cells)
        if body:
            out.append(f'<row r="{r}">{body}</row>')
    return "".join(out)


def _slice(col: Col, a: int, b: int) -> Col:
    mask = None if col.formula_rows is None else np.asarray(col.formula_rows, bool)[a:b]
    return Col(col.index, col.values[a:b], col.kind, col.fmt, col.formula, mask, col.date_fmt)


def dimension(blocks: Sequence[Block]) -> str:
    """The used range of ``blocks``, e.g. ``A1:BP10001``."""
    used = [b for b in blocks if b.n and b.columns]
    if not used:
        return "A1"
    last_row = max(b.top + b.n - 1 for b in used)
    last_col = max(c.index for b in used for c in b.columns)
    first_row = min(b.top for b in used)
    return f"A{first_row}:{column_letters(last_col)}{last_row}"
