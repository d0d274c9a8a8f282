"""The user's own sheets, kept when the planner saves a workbook.

The planner owns the sheets listed in :data:`PLANNER_SHEETS` (matched like the reader matches
them: case- and space-insensitively) and rewrites them on every save. Every other worksheet of
the workbook the plan came from is carried into the new file as it was: the sheet part is
copied element by element (:mod:`planner.io.xmlcopy`) with the styles it uses
(:mod:`planner.io.keepstyles`), in its place relative to the planner's sheets (after the
planner sheet it followed, or first), with its visibility, its notes (comments) and its external
hyperlinks; workbook-level defined names that do not clash with the planner's come along.

Not carried: chart sheets, and whatever a worksheet reaches through another part of the package
(images, charts, shapes, tables, pivot tables, slicers, form controls, threaded-comment threads),
print areas and titles, hidden defined names, the workbook theme; formulas that refer to another
workbook or to a table keep their last value instead. See README "Workbooks" and
docs/reliability.md.
"""

from __future__ import annotations

import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, XMLPullParser

from planner.errors import CellIssue, PlanError
from planner.io.keepstyles import SourceStyles, StyleMap, read_styles
from planner.io.ooxml import rich_text, unescape
from planner.io.refs import column_index, row_number
from planner.io.safety import (
    PROLOG_BYTES,
    check_prolog,
    member_chunks,
    open_workbook_zip,
    parse_small_xml,
    refuse,
    unreadable_as_refused,
)
from planner.io.xmlcopy import REL, SheetCopy, SheetEdits, local, outside_quotes, split

#: Sheets the planner writes on every save; any other sheet is the user's and is kept.
PLANNER_SHEETS = ("Plan", "Settings", "Scenarios", "Venues", "History", "Tails", "Buckets",
                  "Cross", "Journal")
_OWNED = frozenset(s.lower() for s in PLANNER_SHEETS)
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_LEGACY = re.compile(r'<legacyDrawing r:id="([^"]+)"')
_SHARED = re.compile(rb"""\st\s*=\s*["']s["']""")
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def is_planner_sheet(name: str) -> bool:
    """True for a sheet the planner owns (rewritten on save)."""
    return name.strip().lower() in _OWNED


@dataclass
class KeptSheet:
    """One sheet of the user's, read from the old workbook.

    Attributes:
        name: Sheet name.
        state: ``visible``, ``hidden`` or ``veryHidden``.
        after: The planner sheet (lower case) it followed, ``None`` when it came first.
        data: The worksheet part's bytes.
        links: Relationship id -> URL of each external hyperlink.
        notes: ``(cell, author, text)`` of each note (comment).
        ws: The XlsxWriter worksheet standing in for it in the new workbook.
    """

    name: str
    state: str
    after: str | None
    data: bytes
    links: dict[str, str] = field(default_factory=dict)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    ws: Any = None


@dataclass
class KeptSheets:
    """Everything of the old workbook that is carried into the new one (empty: nothing)."""

    sheets: list[KeptSheet] = field(default_factory=list)
    styles: SourceStyles = field(default_factory=SourceStyles)
    strings: list[Element] = field(default_factory=list)
    names: list[tuple[str, str | None, str]] = field(default_factory=list)
    active: str | None = None

    # -- building the new workbook --------------------------------------------------------
    def place(self, wb: Any, after: str | None) -> None:
        """Add the stand-ins of the sheets that followed planner sheet ``after`` (or came first)."""
        want = None if after is None else after.strip().lower()
        for sheet in self.sheets:
            if sheet.ws is None and sheet.after == want:
                sheet.ws = _stand_in(wb, sheet)

    def place_rest(self, wb: Any) -> None:
        """Add the stand-ins of sheets whose planner sheet is not written this time."""
        for sheet in self.sheets:
            if sheet.ws is None:
                sheet.ws = _stand_in(wb, sheet)

    def finish(self, wb: Any, plan_ws: Any) -> None:
        """Hide what was hidden, choose the active sheet, add the user's defined names."""
        if not self.sheets:
            return
        for sheet in self.sheets:
            if sheet.state == "hidden":
                sheet.ws.hide()
            elif sheet.state == "veryHidden":
                sheet.ws.very_hidden()
        active = next((s.ws for s in self.sheets if s.name == self.active
                       and s.state == "visible"), None)
        if active is not None:
            active.activate()
        elif wb.worksheets()[0] is not plan_ws:
            plan_ws.activate()
        taken = {n[0].lower() for n in wb.defined_names if n[1] == -1}
        for name, scope, formula in self.names:
            if scope is None and name.lower() in taken:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # XlsxWriter warns on (and skips) a bad name
                wb.define_name(f"{scope}!{name}" if scope else name, "=" + formula)

    # -- writing the package --------------------------------------------------------------
    def part_names(self, number: dict[int, int]) -> set[str]:
        """Parts of the frame package :meth:`write_parts` writes instead."""
        if not self.sheets:
            return set()
        out = {"xl/styles.xml"}
        for sheet in self.sheets:
            n = number[id(sheet.ws)]
            out |= {f"xl/worksheets/sheet{n}.xml", f"xl/worksheets/_rels/sheet{n}.xml.rels"}
        return out

    def write_parts(self, src: zipfile.ZipFile, out: zipfile.ZipFile,
                    number: dict[int, int]) -> None:
        """Write the kept sheets, their relationships and the merged styles into ``out``."""
        if not self.sheets:
            return
        frame_styles = src.read("xl/styles.xml").decode("utf-8")
        styles = StyleMap(frame_styles, self.styles)
        for sheet in self.sheets:
            self._write_sheet(src, out, number[id(sheet.ws)], sheet, styles)
        out.writestr("xl/styles.xml", styles.patch(frame_styles))

    def _write_sheet(self, src: zipfile.ZipFile, out: zipfile.ZipFile, n: int,
                     sheet: KeptSheet, styles: StyleMap) -> None:
        part = f"xl/worksheets/sheet{n}.xml"
        rels_part = f"xl/worksheets/_rels/sheet{n}.xml.rels"
        legacy = _LEGACY.search(src.read(part).decode("utf-8"))
        links = {old: f"rIdKept{i}" for i, old in enumerate(sheet.links, start=1)}
        edits = SheetEdits(xf=styles.xf, dxf=styles.dxf, string=self._string, links=links,
                           selected=bool(sheet.ws.selected),
                           legacy_drawing=legacy.group(1) if legacy else None)
        with out.open(part, "w") as fh:
            buffer = _Buffer(fh)
            try:
                SheetCopy(edits, buffer.write).run(_chunks(sheet.data))
            except SyntaxError as exc:  # ParseError: the old sheet part is damaged
                raise PlanError(CellIssue(sheet.name, None, None, "this sheet of yours cannot "
                                          f"be read (not valid XML: {exc}), so saving would "
                                          "lose it; nothing was written (repair it in your "
                                          "spreadsheet program, or save under another "
                                          "name)")) from None
            buffer.flush()
        frame_rels = src.read(rels_part).decode("utf-8") if rels_part in src.namelist() \
            else None
        rels = _with_links(frame_rels, {links[k]: url for k, url in sheet.links.items()})
        if rels is not None:
            out.writestr(rels_part, rels)

    def _string(self, i: int) -> Element | None:
        return self.strings[i] if 0 <= i < len(self.strings) else None


class _Buffer:
    """Collect small text pieces and write them to a binary file in large chunks."""

    def __init__(self, fh: Any, size: int = 1 << 20) -> None:
        self.fh, self.size, self.n = fh, size, 0
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.n += len(text)
        if self.n >= self.size:
            self.flush()

    def flush(self) -> None:
        self.fh.write("".join(self.parts).encode("utf-8"))
        self.parts.clear()
        self.n = 0


def _chunks(data: bytes, size: int = 1 << 20) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


def _stand_in(wb: Any, sheet: KeptSheet) -> Any:
    """An empty XlsxWriter worksheet named like the kept sheet, carrying its notes."""
    from xlsxwriter.exceptions import XlsxWriterException

    try:
        ws = wb.add_worksheet(sheet.name)
    except XlsxWriterException as exc:
        raise PlanError(CellIssue(sheet.name, None, None, f"this sheet of yours cannot be kept "
                                  f"in the saved workbook ({exc}); nothing was written")) from None
    for cell, author, text in sheet.notes:
        m = _CELL.fullmatch(cell)
        if m is None:
            continue
        try:
            col, row = column_index(m.group(1)), row_number(m.group(2))
        except ValueError:
            continue          # a note on a cell that cannot exist: nothing to attach it to
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ws.write_comment(row - 1, col, text, {"author": author})
    return ws


def _with_links(frame_rels: str | None, links: dict[str, str]) -> str | None:
    """The sheet's relationships part: XlsxWriter's (notes) plus the external hyperlinks."""
    if not links:
        return frame_rels
    from xml.sax.saxutils import quoteattr

    base = frame_rels or ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                          f'<Relationships xmlns="{PKG_RELS}"></Relationships>')
    base = base.replace("<Relationships xmlns=\"" + PKG_RELS + "\"/>",
                        f'<Relationships xmlns="{PKG_RELS}"></Relationships>')
    extra = "".join(f'<Relationship Id="{rid}" Type="{REL}/hyperlink" Target={quoteattr(url)} '
                    'TargetMode="External"/>' for rid, url in links.items())
    at = base.rindex("</Relationships>")
    return base[:at] + extra + base[at:]


# -- reading the old workbook -------------------------------------------------------------
def read_kept_sheets(path: str | Path) -> KeptSheets:
    """The sheets of ``path`` the planner does not own, ready to be carried into a new save.

    A missing file keeps nothing.

    Raises:
        PlanError: ``path`` exists but cannot be read: saving over it would lose the user's
            sheets, so nothing is written.
    """
    p = Path(path)
    if not p.exists():
        return KeptSheets()
    try:
        with unreadable_as_refused(p):
            zf = open_workbook_zip(p)
            with zf:
                return _scan(zf, p)
    except PlanError as exc:
        why = "; ".join(i.message for i in exc.issues)
        raise PlanError(CellIssue(p.name, None, None, "the sheets of this workbook that the "
                                  f"planner does not own cannot be read ({why}), so saving "
                                  "would lose them; nothing was written (save under another "
                                  "name)")) from None


def _relationships(zf: zipfile.ZipFile, part: str,
                   path: Path) -> dict[str, tuple[str, str, bool]]:
    """Relationships of ``part``: id -> (type suffix, target part or URL, external)."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    if name not in zf.namelist():
        return {}
    out = {}
    for rel in parse_small_xml(zf, name, path).iter():
        if local(rel.tag) != "Relationship":
            continue
        target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
        if not external:
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], target, external)
    return out


def _scan(zf: zipfile.ZipFile, path: Path) -> KeptSheets:
    book = next((t for k, t, _ in _relationships(zf, "", path).values()
                 if k == "officeDocument"), None)
    if book is None or book not in zf.namelist():
        raise refuse(path, "the package has no workbook part")
    rels = _relationships(zf, book, path)
    root = parse_small_xml(zf, book, path)
    entries = [(el.get("name", ""), el.get("state", "visible"),
                next((v for k, v in el.attrib.items() if split(k)[0] == REL), ""))
               for el in root.iter() if local(el.tag) == "sheet"]
    out = KeptSheets()
    after: str | None = None
    for name, state, rid in entries:
        kind, part, _ = rels.get(rid, ("", "", False))
        if is_planner_sheet(name):
            after = name.strip().lower()
        elif kind == "worksheet" and part in zf.namelist():
            out.sheets.append(_read_sheet(zf, path, part, name, state, after))
    if not out.sheets:
        return out
    parts = {k: t for k, t, _ in rels.values()}
    out.styles = read_styles(zf, parts.get("styles"), path)
    if any(_SHARED.search(s.data) for s in out.sheets) and "sharedStrings" in parts:
        out.strings = _shared_strings(zf, parts["sharedStrings"], path)
    out.names = _names(root, [e[0] for e in entries], {s.name for s in out.sheets})
    view = next((el for el in root.iter() if local(el.tag) == "workbookView"), None)
    tab = view.get("activeTab", "0") if view is not None else "0"
    out.active = entries[int(tab)][0] if tab.isdigit() and int(tab) < len(entries) else None
    return out


def _read_sheet(zf: zipfile.ZipFile, path: Path, part: str, name: str, state: str,
                after: str | None) -> KeptSheet:
    data = b"".join(member_chunks(zf, part, path))
    check_prolog(data[:PROLOG_BYTES], part, path)
    sheet = KeptSheet(name, state if state in ("hidden", "veryHidden") else "visible", after,
                      data)
    for rid, (kind, target, external) in _relationships(zf, part, path).items():
        if kind == "hyperlink" and external:
            sheet.links[rid] = target
        elif kind == "comments" and not external and target in zf.namelist():
            sheet.notes = _notes(zf, target, path)
    return sheet


def _notes(zf: zipfile.ZipFile, part: str, path: Path) -> list[tuple[str, str, str]]:
    root = parse_small_xml(zf, part, path)
    authors = [a.text or "" for a in root.iter() if local(a.tag) == "author"]
    out = []
    for c in root.iter():
        if local(c.tag) != "comment":
            continue
        text = next((t for t in c if local(t.tag) == "text"), None)
        i = int(c.get("authorId", "0")) if c.get("authorId", "0").isdigit() else 0
        out.append((c.get("ref", ""), authors[i] if i < len(authors) else "",
                    unescape(rich_text(text)) if text is not None else ""))
    return out


def _shared_strings(zf: zipfile.ZipFile, part: str, path: Path) -> list[Element]:
    parser: XMLPullParser[Any] = XMLPullParser(events=("end",))
    out: list[Element] = []
    first = True
    try:
        for chunk in member_chunks(zf, part, path):
            if first:
                check_prolog(chunk[:PROLOG_BYTES], part, path)
                first = False
            parser.feed(chunk)
            found: list[Any] = list(parser.read_events())
            out += [el for _, el in found if local(el.tag) == "si"]
        parser.close()
    except SyntaxError as exc:
        raise refuse(path, f"part {part} is not valid XML ({exc})") from None
    return out


def _names(root: Element, sheets: list[str], kept: set[str]) -> list[tuple[str, str | None, str]]:
    """The user's defined names worth carrying: ``(name, kept sheet or None, formula)``."""
    out = []
    for dn in root.iter():
        if local(dn.tag) != "definedName":
            continue
        name, formula, scope = dn.get("name", ""), (dn.text or "").strip(), dn.get("localSheetId")
        if (not name or not formula or name.lower().startswith("_xl")
                or dn.get("hidden", "0") in ("1", "true") or "[" in outside_quotes(formula)):
            continue
        sheet = None
        if scope is not None:
            sheet = sheets[int(scope)] if scope.isdigit() and int(scope) < len(sheets) else ""
            if sheet not in kept:
                continue
        out.append((name, sheet, formula))
    return out
