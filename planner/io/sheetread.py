"""Stream one worksheet part into plain rows of Python values.

Values: ``float`` (a :class:`~planner.io.ooxml.PercentValue` when the cell shows a percentage),
``str``, ``bool``, ``datetime`` (cells with a date format), :class:`~planner.io.ooxml.ExcelError`;
blank cells are left out. A formula cell gives its saved (cached) value; one with no saved value
is reported in ``uncached``.

The part is decompressed and parsed in chunks, so memory stays flat whatever its size; a sheet
whose declared used range or actual row count exceeds :data:`MAX_ROWS`, or whose used range or
any row reaches beyond Excel's last column XFD (:data:`~planner.io.refs.MAX_COLUMNS`), is refused
as soon as that is known: from the ``<dimension>`` or from the raw text, before the row is parsed.
A cell reference that is not a column A-XFD and a row number (``$A$2``, ``A1B``) or a row number
beyond Excel's last row is refused as damage, naming the sheet and the reference. A text cell
longer than Excel's cell limit (:data:`~planner.schema.MAX_TEXT`, which could never be saved) is
refused by :class:`~planner.errors.PlanError` naming sheet, row and column header.

Once the caller has chosen the columns it needs (after the header row), cells of the other
columns are dropped from each later chunk by one regular expression before the XML parser sees
them: the parse then costs time only for the columns that are read. The filter only removes
complete ``<c r="…">…</c>`` elements of the dropped columns, so the result is the same as without
it (it is switched off if a chunk holds a CDATA section).
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import XMLPullParser

from planner.errors import CellIssue, PlanError
from planner.io.ooxml import Book, ExcelError, PercentValue, rich_text, unescape
from planner.io.refs import MAX_COLUMNS, MAX_ROW_NUMBER, column_index, column_letters, row_number
from planner.io.safety import CHUNK, PROLOG_BYTES, check_prolog, member_chunks, refuse
from planner.schema import MAX_TEXT

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "SheetData", "alternatives", "column_index",
           "column_letters", "read_sheet"]

MAX_ROWS = 250_000
#: At most this many over-long text cells are named in one error.
MAX_LONG_TEXTS = 20
FIRST = 64 * 2**10
_DIGITS = "0123456789"
#: A sheet part larger than this many bytes per row its dimension declares is counted first.
BYTES_PER_ROW = 64 * 2**10
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]*[0-9]*(?::[A-Z]*([0-9]{1,12}))?"')
#: A used range as a ``<dimension>`` states it (longer parts than this are not read at all).
_RANGE = re.compile(r"([A-Z]{0,12})(\d{0,12})(?::([A-Z]{0,12})(\d{1,12}))?")
NAMESPACES = ("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
              "{http://purl.oclc.org/ooxml/spreadsheetml/main}", "")

#: ``choose(row_number, cells)`` -> columns to drop from here on, or ``None`` (not the header).
Chooser = Callable[[int, dict[int, Any]], "set[int] | None"]


@dataclass
class SheetData:
    """What was read from one sheet.

    Attributes:
        title: Sheet name.
        rows: ``(row_number, {column_index: value})`` for every row holding a value.
        header_row: Row number the chooser picked as header (0 when it picked none).
        dropped: Columns left out after the header.
        merged: Merged ranges, e.g. ``"A1:B1"``.
        uncached: ``(row, column)`` of formula cells with no saved value.
        formulas: ``(row, column)`` of every formula cell read (dropped columns excepted).
    """

    title: str
    rows: list[tuple[int, dict[int, Any]]] = field(default_factory=list)
    header_row: int = 0
    dropped: set[int] = field(default_factory=set)
    merged: list[str] = field(default_factory=list)
    uncached: list[tuple[int, int]] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)


def alternatives(letters: list[str]) -> str:
    """A compact regular expression matching exactly these column letters.

    Codes sharing all but their last letter become one character class (``A[A-P]``), which the
    regular-expression engine tests far faster than a long alternation.
    """
    groups: dict[str, list[str]] = {}
    for code in letters:
        groups.setdefault(code[:-1], []).append(code[-1])
    return "|".join(f"{prefix}[{''.join(sorted(last))}]"
                    for prefix, last in sorted(groups.items(), key=lambda g: -len(g[0])))


def read_sheet(book: Book, title: str, choose: Chooser | None = None) -> SheetData:
    """Read the worksheet ``title`` of ``book``.

    Args:
        book: The open workbook.
        title: Exact sheet name (see :meth:`Book.find`).
        choose: Picks the header row and the columns to drop; ``None`` keeps everything.

    Raises:
        FileRefused: The sheet is too large, or its XML is damaged or hostile.
    """
    enabled = gc.isenabled()
    gc.disable()  # parsing builds millions of acyclic objects: collections only cost time
    try:
        return _SheetReader(book, title, choose).run()
    finally:
        if enabled:
            gc.enable()


class _SheetReader:
    def __init__(self, book: Book, title: str, choose: Chooser | None) -> None:
        self.book, self.choose = book, choose
        self.out = SheetData(title)
        self.styles = book.styles
        self.special_styles = {str(i) for i in self.styles.dates | self.styles.percents}
        self.last_row = 0
        self.count = 0
        self.raw_rows = 0
        self.row_cells = 0  # raw cells of the row still open at the end of the last chunk
        self.long: list[tuple[int, int, int]] = []  # (row, column, length) of over-long texts
        self.letters: dict[str, int] = {}
        self.skip: re.Pattern[bytes] | None = None
        self.tags: dict[str, Callable[[Any], None]] = {}
        for ns in NAMESPACES:
            self.tags.update({ns + "row": self._row, ns + "dimension": self._dimension,
                              ns + "mergeCell": self._merge})
        self.C = ""

    def run(self) -> SheetData:
        part = self.book.sheets[self.out.title]
        parser: XMLPullParser[Any] = XMLPullParser(events=("end",))
        first, tail, cdata = True, b"", False
        try:
            for chunk in _growing(member_chunks(self.book.zf, part, self.book.path, FIRST)):
                if first:
                    check_prolog(chunk[:PROLOG_BYTES], part, self.book.path)
                    self._precount(part, chunk)
                    first = False
                cdata = cdata or b"CDATA[" in tail + chunk
                tail = chunk[-16:]
                self._count_rows(chunk)
                if self.skip is not None and not cdata:
                    chunk = self.skip.sub(b"", chunk)
                parser.feed(chunk)
                self._events(parser)
            parser.close()
            self._events(parser)
        except SyntaxError as exc:  # ParseError
            raise refuse(self.book.path, f"the workbook is damaged: sheet {self.out.title!r} "
                                         f"is not valid XML ({exc})") from None
        self._refuse_long_texts()
        return self.out

    def _events(self, parser: XMLPullParser[Any]) -> None:
        tags = self.tags
        events: Any = parser.read_events()
        for _, el in events:
            handler = tags.get(el.tag)
            if handler is not None:
                handler(el)

    def _namespace(self, tag: str) -> None:
        ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
        self.C, self.V, self.F, self.IS = ns + "c", ns + "v", ns + "f", ns + "is"

    def _precount(self, part: str, head: bytes) -> None:
        """Count the rows of the raw text first when the declared used range cannot be trusted.

        A sheet with no ``<dimension>``, or with far more bytes than its dimension's rows can
        hold, is counted at C speed before any parsing, so a sheet of a million rows is refused
        in a fraction of a second whatever it declares.
        """
        m = _DIMENSION.search(head)
        last = int(m.group(1)) if m and m.group(1) else 0
        size = self.book.zf.getinfo(part).file_size
        if last and size <= last * BYTES_PER_ROW:
            return
        count, tail = 0, b""
        for chunk in member_chunks(self.book.zf, part, self.book.path):
            window = tail + chunk
            count += window.count(b"<row ") + window.count(b"<row>")
            count -= tail.count(b"<row ") + tail.count(b"<row>")
            tail = chunk[-8:]
            if count > MAX_ROWS + 1:
                raise refuse(self.book.path, self._too_many(f"it has more than {MAX_ROWS:,} "
                                                            "rows"))

    def _count_rows(self, chunk: bytes) -> None:
        """Refuse before parsing once the raw text holds too many rows (fast, C speed)."""
        starts = chunk.count(b"<row ") + chunk.count(b"<row>")
        self.raw_rows += starts
        if self.raw_rows > MAX_ROWS + 1:
            raise refuse(self.book.path, self._too_many(f"it has more than {MAX_ROWS:,} rows"))
        self._count_cells(chunk, starts)

    def _count_cells(self, chunk: bytes, starts: int) -> None:
        """Refuse a row longer than a chunk once its raw text holds more cells than XFD allows.

        Rows that end within a chunk are checked cell by cell once parsed; this catches the row
        of 100,000 cells before the parser builds it.
        """
        if starts:
            first = min(i for i in (chunk.find(b"<row "), chunk.find(b"<row>")) if i >= 0)
            self._check_row_cells(self.row_cells + _raw_cells(chunk, 0, first))
            self.row_cells = _raw_cells(chunk, max(chunk.rfind(b"<row "),
                                                   chunk.rfind(b"<row>")), len(chunk))
        else:
            self.row_cells += _raw_cells(chunk, 0, len(chunk))
        self._check_row_cells(self.row_cells)

    def _check_row_cells(self, n: int) -> None:
        if n > MAX_COLUMNS:
            raise refuse(self.book.path, self._too_wide(f"a row holds more than {MAX_COLUMNS:,} "
                                                        "cells"))

    def _dimension(self, el: Any) -> None:
        ref = el.get("ref", "").upper()
        m = _RANGE.fullmatch(ref)
        if not m:
            return  # only a hint: the rows and cells themselves are checked as they come
        first = int(m.group(2) or 1)
        last = int(m.group(4) or first)
        if last - first + 1 > MAX_ROWS + 1:
            raise refuse(self.book.path, self._too_many(f"its used range {ref} reaches row "
                                                        f"{last:,}"))
        letters = m.group(3) or m.group(1)
        try:
            if letters:
                column_index(letters)
        except ValueError:
            raise refuse(self.book.path, self._too_wide(f"its used range {ref} reaches column "
                                                        f"{letters}")) from None

    def _too_many(self, what: str) -> str:
        return (f"sheet {self.out.title!r} is too large: {what}; the planner reads at most "
                f"{MAX_ROWS:,} rows a sheet (delete the unused rows and save again)")

    def _too_wide(self, what: str) -> str:
        return (f"sheet {self.out.title!r} is too wide: {what}; the planner reads at most "
                f"{MAX_COLUMNS:,} columns a sheet, A to XFD like Excel (delete the unused columns "
                "and save again)")

    def _bad_ref(self, ref: str) -> Exception:
        letters = ref.rstrip(_DIGITS)
        if letters.isascii() and letters.isalpha():
            return refuse(self.book.path, self._too_wide(f"cell {ref[:40]} lies beyond column "
                                                         "XFD"))
        return refuse(self.book.path, f"the workbook is damaged: sheet {self.out.title!r} "
                                      f"holds a cell with the bad reference {ref[:40]!r} (a "
                                      "reference is a column A to XFD and a row number, like B2)")

    def _row_number(self, r: str) -> int:
        try:
            return row_number(r)
        except ValueError:
            raise refuse(self.book.path, f"the workbook is damaged: sheet {self.out.title!r} "
                                         f"holds a row numbered {r[:40]!r} (rows run from 1 to "
                                         f"{MAX_ROW_NUMBER:,})") from None

    def _merge(self, el: Any) -> None:
        self.out.merged.append(el.get("ref", ""))

    def _row(self, el: Any) -> None:
        self.count += 1
        if self.count > MAX_ROWS + 1:
            raise refuse(self.book.path, self._too_many(f"it has more than {MAX_ROWS:,} rows"))
        if not self.C:
            self._namespace(el.tag)
        r = el.get("r")
        row = self._row_number(r) if r else self.last_row + 1
        self.last_row = row
        cells = self._cells(el, row)
        el.clear()
        if not cells:
            return
        self.out.rows.append((row, cells))
        if self.choose is not None and not self.out.header_row:
            drop = self.choose(row, cells)
            if drop is not None:
                self._drop(row, drop)

    def _drop(self, row: int, drop: set[int]) -> None:
        self.out.header_row, self.out.dropped = row, set(drop)
        if drop:
            letters = alternatives([column_letters(c) for c in drop]).encode()
            self.skip = re.compile(rb'<c r="(?:' + letters + rb')[0-9]+"[^>]*?'
                                   rb"(?:/>|>.*?</c>)", re.S)

    def _cells(self, el: Any, row: int) -> dict[int, Any]:
        cells: dict[int, Any] = {}
        drop, tag, v_tag, lookup = self.out.dropped, self.C, self.V, self.letters
        special = self.special_styles
        col = -1
        for c in el:
            if c.tag != tag:
                continue
            ref = c.get("r")
            if ref:
                col = lookup.get(ref.rstrip(_DIGITS), -1)
                if col < 0:
                    col = self._col(ref)
            else:
                col += 1
                if col >= MAX_COLUMNS:
                    self._check_row_cells(col + 1)
            if col in drop:
                continue
            if len(c) == 1 and c[0].tag == v_tag and c.get("t") is None:
                text = c[0].text  # the common case: a plain number
                style = c.get("s")
                if not text:
                    value = None
                elif style in special:
                    value = self._number(text, style)
                else:
                    try:
                        value = float(text)
                    except ValueError:
                        value = self._number(text, None)
            else:
                value = self._value(c, row, col)
                if type(value) is str and len(value) > MAX_TEXT:
                    self.long.append((row, col, len(value)))
            if value is not None and value != "":
                cells[col] = value
        return cells

    def _col(self, ref: str) -> int:
        letters = ref.rstrip(_DIGITS)
        col = self.letters.get(letters)
        if col is None:
            try:
                col = self.letters[letters] = column_index(letters)
            except ValueError:
                raise self._bad_ref(ref) from None
        return col

    def _refuse_long_texts(self) -> None:
        """Refuse text cells longer than Excel's cell limit, naming row and column header.

        The header is the header row's cell (the first row when no header row was chosen), or
        the column letter; cells above a chosen header row (a title) are ignored, as they are
        not read.
        """
        out = self.out
        head_row = out.header_row or (out.rows[0][0] if out.rows else 0)
        header = next((cells for r, cells in out.rows if r == head_row), {})
        issues = []
        for row, col, n in self.long:
            if row < out.header_row:
                continue
            name = header.get(col)
            label = (name.strip() if isinstance(name, str) and name.strip() and row != head_row
                     and len(name) <= MAX_TEXT else column_letters(col))
            issues.append(CellIssue(out.title, row, label, f"a text of {n:,} characters is "
                                    f"longer than Excel's cell limit of {MAX_TEXT:,} characters "
                                    "(the plan could not be saved): shorten it"))
        if issues:
            raise PlanError(issues)

    def _value(self, c: Any, row: int, col: int) -> Any:
        t = c.get("t")
        v_el, formula, inline = None, False, None
        for ch in c:
            if ch.tag == self.V:
                v_el = ch
            elif ch.tag == self.F:
                formula = True
            elif ch.tag == self.IS:
                inline = ch
        v = None if v_el is None else (v_el.text or "")
        if formula:
            self.out.formulas.add((row, col))
            if (v_el is None and t != "inlineStr") or (not v and t in (None, "n", "b", "e")):
                self.out.uncached.append((row, col))
                return None
        if t is None or t == "n":
            return self._number(v, c.get("s")) if v else None
        return self._typed(t, v, inline)

    def _number(self, v: str, style: str | None) -> Any:
        try:
            x = float(v)
        except ValueError:
            raise refuse(self.book.path, f"the workbook is damaged: sheet {self.out.title!r} "
                                         f"holds the number {v[:40]!r}") from None
        if style is not None and style.isdigit():
            s = int(style)
            if s in self.styles.dates:
                return self.book.serial_to_datetime(x)
            if s in self.styles.percents:
                return PercentValue(x)
        return x

    def _typed(self, t: str, v: str | None, inline: Any) -> Any:
        if t == "s":
            strings = self.book.strings
            try:
                return strings[int(v or "")]
            except (ValueError, IndexError):
                raise refuse(self.book.path, "the workbook is damaged: a cell points to a "
                                             "shared string that does not exist") from None
        if t == "inlineStr":
            return unescape(rich_text(inline)) if inline is not None else unescape(v or "")
        if t == "str":
            return unescape(v or "")
        if t == "b":
            return v.strip() in ("1", "true") if v else None
        if t == "e":
            return ExcelError(v or "#N/A")
        if t == "d":
            return _iso(v)
        return v


def _raw_cells(chunk: bytes, start: int, end: int) -> int:
    """Cell elements (``<c …>``, ``<c>``, ``<c/>``) in ``chunk[start:end]``, counted at C speed."""
    return (chunk.count(b"<c ", start, end) + chunk.count(b"<c>", start, end)
            + chunk.count(b"<c/>", start, end))


def _growing(chunks: Any) -> Any:
    """Re-chunk: the first piece small (the header row comes early), the rest large."""
    it = iter(chunks)
    first = next(it, b"")
    yield first
    buf: list[bytes] = []
    size = 0
    for chunk in it:
        buf.append(chunk)
        size += len(chunk)
        if size >= CHUNK:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)


def _iso(v: str | None) -> Any:
    if not v:
        return None
    try:
        return dt.datetime.fromisoformat(v)
    except ValueError:
        return v
