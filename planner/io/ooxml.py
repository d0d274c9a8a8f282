"""The parts of an xlsx package the reader needs: sheets, shared strings, number formats.

No third-party spreadsheet library is involved: the package is opened by
:mod:`planner.io.safety` and every part is checked before it is parsed. Cell values are decoded
by :mod:`planner.io.sheetread`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import XMLPullParser

from planner.io.safety import (
    PROLOG_BYTES,
    check_prolog,
    member_chunks,
    open_workbook_zip,
    parse_small_xml,
    refuse,
)

REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
STRICT_REL_NS = "{http://purl.oclc.org/ooxml/officeDocument/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

#: Built-in number formats that show a date or time, and those that show a percentage.
BUILTIN_DATES = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57})
BUILTIN_PERCENT = frozenset({9, 10})
_STRIP = re.compile(r'"[^"]*"|\\.|\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]', re.I)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class ExcelError:
    """An error value held by a cell (``#N/A``, ``#DIV/0!``, …)."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:
        return self.code

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExcelError) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)


class PercentValue(float):
    """A number shown with a percent format (``2%`` is stored as 0.02)."""


def unescape(text: str) -> str:
    """Decode Excel's ``_xHHHH_`` escapes (control characters, literal ``_x…_``)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def local(tag: str) -> str:
    """Tag name without its namespace."""
    return tag.rpartition("}")[2]


def format_kind(code: str) -> str:
    """Classify a number format code: ``"date"``, ``"percent"`` or ``""``."""
    if code.strip().lower() in ("general", "@", ""):
        return ""
    bare = _STRIP.sub("", code)
    if "%" in bare:
        return "percent"
    return "date" if re.search(r"[dmyhs]", bare, re.I) else ""


@dataclass
class Styles:
    """Which cell styles (``s`` attribute) show dates and which show percentages."""

    dates: frozenset[int] = frozenset()
    percents: frozenset[int] = frozenset()


@dataclass
class Book:
    """An open, checked xlsx package.

    Attributes:
        path: The file.
        zf: The zip package.
        sheets: Sheet name -> part name of each worksheet, in workbook order.
        others: Names of sheets that are not worksheets (chart sheets, dialogs).
        date1904: True when serial dates count from 1904.
    """

    path: Path
    zf: zipfile.ZipFile
    sheets: dict[str, str] = field(default_factory=dict)
    others: set[str] = field(default_factory=set)
    date1904: bool = False
    _parts: dict[str, str] = field(default_factory=dict)
    _styles: Styles | None = None
    _strings: list[str] | None = None

    def close(self) -> None:
        """Close the package."""
        self.zf.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def find(self, name: str) -> str | None:
        """The sheet called ``name`` (case- and space-insensitive), or ``None``."""
        want = name.strip().lower()
        for title in self.sheets:
            if title.strip().lower() == want:
                return title
        return None

    @property
    def styles(self) -> Styles:
        """Date and percent styles (parsed on first use)."""
        if self._styles is None:
            part = self._parts.get("styles")
            self._styles = read_styles(self, part) if part else Styles()
        return self._styles

    @property
    def strings(self) -> list[str]:
        """The shared strings table (parsed on first use)."""
        if self._strings is None:
            part = self._parts.get("sharedStrings")
            self._strings = read_shared_strings(self, part) if part else []
        return self._strings

    def serial_to_datetime(self, serial: float) -> dt.datetime:
        """An Excel serial date (days) as a naive datetime, to the millisecond."""
        if self.date1904:
            base = dt.datetime(1904, 1, 1)
        else:
            base = dt.datetime(1899, 12, 31 if serial < 60 else 30)
        try:
            return base + dt.timedelta(milliseconds=round(serial * 86_400_000))
        except OverflowError:
            raise refuse(self.path, f"a date cell holds an impossible serial {serial:g}") from None


def open_book(path: str | Path) -> Book:
    """Open and check ``path``, and read its workbook part (sheet names, date system).

    Raises:
        FileRefused: See :func:`planner.io.safety.open_workbook_zip`, or the package has no
            workbook part.
    """
    path = Path(path)
    zf = open_workbook_zip(path)
    try:
        book = Book(path, zf)
        _read_workbook(book)
    except BaseException:
        zf.close()
        raise
    return book


def _rels(book: Book, part: str) -> dict[str, tuple[str, str]]:
    """Relationships of ``part``: id -> (type suffix, target part name)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in book.zf.namelist():
        return {}
    out = {}
    for rel in parse_small_xml(book.zf, rels_name, book.path).iter():
        if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], name)
    return out


def _read_workbook(book: Book) -> None:
    part = next((n for t, n in _rels(book, "").values() if t == "officeDocument"), None)
    if part is None or part not in book.zf.namelist():
        raise refuse(book.path, "not a readable .xlsx workbook: the package has no workbook part")
    rels = _rels(book, part)
    for kind, name in rels.values():
        if kind in ("styles", "sharedStrings"):
            book._parts[kind] = name
    root = parse_small_xml(book.zf, part, book.path)
    for el in root.iter():
        tag = local(el.tag)
        if tag == "workbookPr":
            book.date1904 = el.get("date1904", "0").lower() in ("1", "true")
        elif tag == "sheet":
            _add_sheet(book, el, rels)


def _add_sheet(book: Book, el: Any, rels: dict[str, tuple[str, str]]) -> None:
    title = el.get("name", "")
    rid = el.get(REL_NS + "id") or el.get(STRICT_REL_NS + "id") or ""
    kind, name = rels.get(rid, ("", ""))
    if kind == "worksheet" and name in book.zf.namelist():
        book.sheets[title] = name
    else:
        book.others.add(title)


def read_styles(book: Book, part: str) -> Styles:
    """Find the cell styles whose number format shows a date or a percentage."""
    root = parse_small_xml(book.zf, part, book.path)
    codes: dict[int, str] = {}
    xfs: list[int] = []
    for el in root.iter():
        tag = local(el.tag)
        if tag == "numFmt":
            codes[_int(el.get("numFmtId"))] = el.get("formatCode", "")
        elif tag == "cellXfs":
            xfs = [_int(x.get("numFmtId")) for x in el if local(x.tag) == "xf"]
    dates: set[int] = set()
    percents: set[int] = set()
    for i, fmt_id in enumerate(xfs):
        kind = format_kind(codes[fmt_id]) if fmt_id in codes else (
            "date" if fmt_id in BUILTIN_DATES else "percent" if fmt_id in BUILTIN_PERCENT else "")
        (dates if kind == "date" else percents if kind == "percent" else set()).add(i)
    return Styles(frozenset(dates), frozenset(percents))


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


def stream_xml(book: Book, part: str) -> Any:
    """Yield ``("end", element)`` pairs of a (possibly large) XML part, prolog-checked first."""
    parser: XMLPullParser[Any] = XMLPullParser(events=("end",))
    first = True
    try:
        for chunk in member_chunks(book.zf, part, book.path):
            if first:
                check_prolog(chunk[:PROLOG_BYTES], part, book.path)
                first = False
            parser.feed(chunk)
            yield from parser.read_events()
        parser.close()
        yield from parser.read_events()
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        raise refuse(book.path, f"the workbook is damaged: part {part} is not valid XML "
                                f"({exc})") from None


def read_shared_strings(book: Book, part: str) -> list[str]:
    """The shared strings table: rich-text runs joined, phonetic runs left out."""
    out: list[str] = []
    for _, el in stream_xml(book, part):
        if local(el.tag) == "si":
            out.append(unescape(rich_text(el)))
            el.clear()
    return out


def rich_text(el: Any) -> str:
    """Text of an ``<si>`` or ``<is>`` element: its ``<t>`` and its runs' ``<t>``."""
    parts = []
    for child in el:
        tag = local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts += [t.text or "" for t in child if local(t.tag) == "t"]
    return "".join(parts)
