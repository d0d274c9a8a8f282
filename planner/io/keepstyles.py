"""Carry the cell styles of the user's own sheets into the styles of a new workbook.

The new package's ``styles.xml`` is the one XlsxWriter wrote for the planner's sheets. A copied
sheet refers to the old workbook's style records by index; :class:`StyleMap` appends the records
it actually uses — the cell format (``xf``) with its font, fill, border and number format, and
the differential formats of conditional formatting — after the planner's own, and hands out the
new indices. Only what the copied sheets use is carried, so saving again and again does not
grow the file. A cell format loses its link to a named cell style (it is attached to "Normal");
its own font, fill, border, alignment, protection and number format are kept.
"""

from __future__ import annotations

import copy
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, fromstring

from planner.io.safety import parse_small_xml
from planner.io.xmlcopy import MAIN, Names, fragment, local, split

#: Sections of ``styleSheet`` in schema order; the ones written to are listed by key.
ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
         "dxfs", "tableStyles", "colors", "extLst")
FIRST_CUSTOM_FORMAT = 164
_SECTIONS = {"fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf",
             "dxfs": "dxf"}


@dataclass
class SourceStyles:
    """The style records of the user's workbook, by index."""

    formats: dict[int, str] = field(default_factory=dict)
    records: dict[str, list[Element]] = field(default_factory=dict)


def read_styles(zf: zipfile.ZipFile, part: str | None, path: Path) -> SourceStyles:
    """The number formats, fonts, fills, borders, cell formats and dxfs of a styles part."""
    if part is None or part not in zf.namelist():
        return SourceStyles()
    root = parse_small_xml(zf, part, path)
    out = SourceStyles(records={k: [] for k in _SECTIONS})
    for section in root:
        name = local(section.tag)
        if name == "numFmts":
            for fmt in section:
                try:
                    out.formats[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif name in _SECTIONS:
            out.records[name] = [_main_only(e) for e in section
                                 if local(e.tag) == _SECTIONS[name]]
    return out


def _main_only(el: Element) -> Element:
    """A copy of ``el`` without elements or attributes of other namespaces (extensions)."""
    out = Element(f"{{{MAIN}}}{local(el.tag)}",
                  {k: v for k, v in el.attrib.items() if split(k)[0] in ("", MAIN)})
    out.text, out.tail = el.text, None
    out.extend(_main_only(child) for child in el if split(child.tag)[0] == MAIN)
    return out


class StyleMap:
    """New indices for the style records copied sheets use, and the patched ``styles.xml``."""

    def __init__(self, frame_xml: str, source: SourceStyles) -> None:
        root = fromstring(frame_xml)  # XlsxWriter's own output: trusted
        self._source = source
        self._base = {k: 0 for k in _SECTIONS}
        self._codes: dict[str, int] = {}
        for section in root:
            name = local(section.tag)
            if name in self._base:
                self._base[name] = len(section)
            elif name == "numFmts":
                self._codes = {f.get("formatCode", ""): int(f.get("numFmtId", "0"))
                               for f in section}
        self._next_format = max([FIRST_CUSTOM_FORMAT - 1, *self._codes.values()]) + 1
        self._new: dict[str, list[Element]] = {k: [] for k in (*_SECTIONS, "numFmts")}
        self._memo: dict[tuple[str, int], int] = {}

    def xf(self, old: str) -> str | None:
        """New index of the old cell format ``old`` (``None`` when it does not exist)."""
        i = self._index("cellXfs", old)
        return None if i is None else str(i)

    def dxf(self, old: str) -> str | None:
        """New index of the old differential format ``old`` (``None`` when it does not exist)."""
        i = self._index("dxfs", old)
        return None if i is None else str(i)

    def _index(self, kind: str, old: str | int) -> int | None:
        try:
            i = int(old)
        except ValueError:
            return None
        records = self._source.records.get(kind, [])
        if not 0 <= i < len(records):
            return None
        key = (kind, i)
        if key not in self._memo:
            record = copy.deepcopy(records[i])
            if kind == "cellXfs":
                self._link(record)
            self._memo[key] = self._base[kind] + len(self._new[kind])
            self._new[kind].append(record)
        return self._memo[key]

    def _link(self, xf: Element) -> None:
        for attr, kind in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            new = self._index(kind, xf.get(attr, "0"))
            xf.set(attr, str(new if new is not None else 0))
        xf.set("numFmtId", str(self._format(xf.get("numFmtId", "0"))))
        xf.set("xfId", "0")

    def _format(self, old: str) -> int:
        try:
            i = int(old)
        except ValueError:
            return 0
        code = self._source.formats.get(i)
        if code is None:
            return i if i < FIRST_CUSTOM_FORMAT else 0
        if code not in self._codes:
            self._codes[code] = self._next_format
            self._new["numFmts"].append(Element(f"{{{MAIN}}}numFmt", {
                "numFmtId": str(self._next_format), "formatCode": code}))
            self._next_format += 1
        return self._codes[code]

    def patch(self, frame_xml: str) -> str:
        """``frame_xml`` (XlsxWriter's styles) with every record handed out appended."""
        names = Names(default=MAIN)
        names.declared = {MAIN}
        for section in ("numFmts", *_SECTIONS):
            items = [fragment(e, names) for e in self._new[section]]
            frame_xml = _append(frame_xml, section, items)
        return frame_xml


def _append(xml: str, section: str, items: list[str]) -> str:
    """Append ``items`` to ``<section>`` of a styles part, fixing its ``count``."""
    if not items:
        return xml
    m = re.search(rf"<{section}(?:\s[^>]*?)?(/?)>", xml)
    if m is None:
        at = _insertion_point(xml, section)
        return xml[:at] + f'<{section} count="{len(items)}">' + "".join(items) + \
            f"</{section}>" + xml[at:]
    open_tag = m.group(0)
    if m.group(1):
        new = f'<{section} count="{len(items)}">' + "".join(items) + f"</{section}>"
        return xml[:m.start()] + new + xml[m.end():]
    end = xml.index(f"</{section}>", m.end())
    count = len(re.findall(rf"<{_SECTIONS.get(section, 'numFmt')}[\s/>]",
                           xml[m.end():end])) + len(items)
    head = re.sub(r'\scount="\d+"', "", open_tag[:-1]) + f' count="{count}">'
    return xml[:m.start()] + head + xml[m.end():end] + "".join(items) + xml[end:]


def _insertion_point(xml: str, section: str) -> int:
    for later in ORDER[ORDER.index(section) + 1:]:
        m = re.search(rf"<{later}[\s/>]", xml)
        if m is not None:
            return m.start()
    return xml.rindex("</styleSheet>")
