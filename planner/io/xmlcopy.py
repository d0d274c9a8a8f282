"""Copy a worksheet part from the user's workbook into a new package, element by element.

The part is parsed as a stream (flat memory whatever its size) and written back with the
prefixes it declared, so markup-compatibility attributes (``mc:Ignorable="x14ac …"``) keep
naming declared prefixes. What ties the sheet to its old package is rewritten on the way:

* style indices (cells, rows, columns) and conditional-format ``dxfId`` go through a
  :class:`planner.io.keepstyles.StyleMap` into the new ``styles.xml``;
* shared-string cells become inline strings (rich text kept: ``<si>`` and ``<is>`` have the
  same content model);
* formulas holding ``[`` (another workbook or a table, neither carried over) become their
  last computed value, and so do the cells of a shared formula whose first cell did;
* cell metadata (``cm`` / ``vm``: dynamic-array and rich-value flags) is dropped;
* anything pointing at another part of the old package through a relationship (drawings,
  images, tables, controls, printer settings, internal parts of hyperlinks) is left out,
  except external hyperlinks, which get new relationship ids;
* the sheet is selected only when it is the workbook's active sheet.

Strict OOXML namespaces are written as their transitional equivalents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, XMLPullParser

from planner.io.ooxml import rich_text

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
STRICT = {"http://purl.oclc.org/ooxml/spreadsheetml/main": MAIN,
          "http://purl.oclc.org/ooxml/officeDocument/relationships": REL}
#: Worksheet children that come after ``legacyDrawing`` (CT_Worksheet order).
AFTER_LEGACY = frozenset({"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                          "webPublishItems", "tableParts", "extLst"})
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;",
                       "\r": "&#13;", "\t": "&#9;"})


def split(name: str) -> tuple[str, str]:
    """``"{uri}local"`` -> ``(uri, local)`` with strict URIs mapped to transitional ones."""
    if name.startswith("{"):
        uri, _, local = name[1:].partition("}")
        return STRICT.get(uri, uri), local
    return "", name


def local(name: str) -> str:
    """Tag or attribute name without its namespace."""
    return name.rpartition("}")[2]


class Names:
    """Namespace URI -> prefix of one output document, and which ones a fragment used."""

    def __init__(self, default: str | None = None) -> None:
        self.prefix: dict[str, str] = {XML_NS: "xml"}
        self.declared: set[str] = {XML_NS}
        self.used: set[str] = set()
        self._attr: dict[str, str] = {}
        if default is not None:
            self.prefix[default] = ""

    def bind(self, prefix: str, uri: str) -> None:
        """Keep the prefix a document declared for ``uri`` (renamed only on a clash)."""
        uri = STRICT.get(uri, uri)
        if uri in self.prefix:
            return
        taken = set(self.prefix.values()) | set(self._attr.values())
        name, n = prefix, 0
        while name in taken:
            n += 1
            name = f"{prefix or 'ns'}{n}"
        self.prefix[uri] = name

    def tag(self, name: str) -> str:
        """Qualified name of an element."""
        uri, loc = split(name)
        if not uri:
            return loc
        if uri not in self.prefix:
            self.bind("ns", uri)
        self.used.add(uri)
        p = self.prefix[uri]
        return f"{p}:{loc}" if p else loc

    def attr(self, name: str) -> str:
        """Qualified name of an attribute (a namespaced attribute always gets a prefix)."""
        uri, loc = split(name)
        if not uri:
            return loc
        p = self.prefix.get(uri)
        if not p:
            p = self._attr.get(uri)
            if p is None:
                taken = set(self.prefix.values()) | set(self._attr.values())
                p = next(f"a{n}" for n in range(len(taken) + 1) if f"a{n}" not in taken)
                self._attr[uri] = p
        self.used.add(uri)
        return f"{p}:{loc}"

    def declarations(self, uris: Iterable[str]) -> str:
        """``xmlns`` attributes binding ``uris`` (the xml namespace needs none)."""
        out = []
        for uri in sorted(set(uris) - {XML_NS}):
            for p in {self.prefix.get(uri), self._attr.get(uri)} - {None}:
                out.append(f' xmlns{":" + p if p else ""}="{uri.translate(_ATTR)}"')
        return "".join(out)


def _attrs(el: Element, names: Names) -> str:
    return "".join(f' {names.attr(k)}="{v.translate(_ATTR)}"' for k, v in el.attrib.items())


def _write(el: Element, names: Names, out: list[str]) -> None:
    tag = names.tag(el.tag)
    out.append(f"<{tag}{_attrs(el, names)}")
    if not len(el) and not el.text:
        out.append("/>")
    else:
        out.append(">")
        if el.text:
            out.append(el.text.translate(_TEXT))
        for child in el:
            _write(child, names, out)
            if child.tail:
                out.append(child.tail.translate(_TEXT))
        out.append(f"</{tag}>")


def fragment(el: Element, names: Names) -> str:
    """``el`` as XML, declaring on its start tag the namespaces not declared at the root."""
    names.used = set()
    out: list[str] = []
    _write(el, names, out)
    text = "".join(out)
    extra = names.declarations(names.used - names.declared)
    if not extra:
        return text
    cut = 1 + len(names.tag(el.tag))
    return text[:cut] + extra + text[cut:]


def has_relationship(el: Element) -> bool:
    """True when ``el`` or an element inside it points at another part (an ``r:`` attribute)."""
    return any(split(k)[0] == REL for e in el.iter() for k in e.attrib)


def outside_quotes(formula: str) -> str:
    """The formula text with string literals removed."""
    return "".join(formula.split('"')[::2])


@dataclass
class SheetEdits:
    """How one copied sheet is tied to its new package.

    Attributes:
        xf: Old cell style index -> new one (``None``: the default style).
        dxf: Old differential (conditional-format) style index -> new one, or ``None``.
        string: Shared-string index -> its ``<si>`` element (``None`` when out of range).
        links: Relationship id of an external hyperlink -> its id in the new package.
        selected: True when this sheet is the workbook's active sheet.
        legacy_drawing: Relationship id of the notes drawing the new package gives the sheet.
    """

    xf: Callable[[str], str | None]
    dxf: Callable[[str], str | None]
    string: Callable[[int], Element | None]
    links: dict[str, str] = field(default_factory=dict)
    selected: bool = False
    legacy_drawing: str | None = None


class SheetCopy:
    """Stream one worksheet part through :class:`SheetEdits` into ``write``."""

    def __init__(self, edits: SheetEdits, write: Callable[[str], Any]) -> None:
        self.edits, self.write = edits, write
        self.names = Names()
        self._stack: list[Element] = []
        self._dropped_shared: set[str] = set()
        self._legacy_done = edits.legacy_drawing is None

    def run(self, chunks: Iterable[bytes]) -> None:
        """Parse ``chunks`` (the part's bytes) and write the edited sheet."""
        parser: XMLPullParser[Any] = XMLPullParser(events=("start-ns", "start", "end"))
        for chunk in chunks:
            parser.feed(chunk)
            self._events(parser)
        parser.close()
        self._events(parser)

    def _events(self, parser: XMLPullParser[Any]) -> None:
        events: list[Any] = list(parser.read_events())
        for event, obj in events:
            if event == "start-ns":
                self.names.bind(*obj)
            elif event == "start":
                self._start(obj)
            else:
                self._end(obj)

    def _start(self, el: Element) -> None:
        depth = len(self._stack)
        self._stack.append(el)
        if depth == 0:
            self.names.declared = set(self.names.prefix)
            self.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f"<{self.names.tag(el.tag)}"
                       f"{self.names.declarations(self.names.prefix)}"
                       f"{_attrs(el, self.names)}>")
        elif depth == 1 and local(el.tag) == "sheetData":
            self.write(f"<{self.names.tag(el.tag)}{_attrs(el, self.names)}>")

    def _end(self, el: Element) -> None:
        self._stack.pop()
        depth = len(self._stack)
        if depth == 0:
            self._legacy()
            self.write(f"</{self.names.tag(el.tag)}>")
        elif depth == 1:
            if local(el.tag) == "sheetData":
                self.write(f"</{self.names.tag(el.tag)}>")
            else:
                self._top(el)
            self._stack[0].remove(el)
        elif depth == 2 and local(self._stack[1].tag) == "sheetData":
            self._row(el)
            self.write(fragment(el, self.names))
            self._stack[1].remove(el)

    def _legacy(self) -> None:
        if not self._legacy_done:
            self._legacy_done = True
            el = Element(f"{{{MAIN}}}legacyDrawing", {f"{{{REL}}}id": self.edits.legacy_drawing
                                                      or ""})
            self.write(fragment(el, self.names))

    # -- the children of <worksheet> ------------------------------------------------------
    def _top(self, el: Element) -> None:
        name = local(el.tag)
        if name in AFTER_LEGACY:
            self._legacy()
        kept = _TOP.get(name, SheetCopy._plain)(self, el)
        if kept:
            self.write(fragment(el, self.names))

    def _plain(self, el: Element) -> bool:
        return not has_relationship(el)

    def _views(self, el: Element) -> bool:
        for view in el:
            if local(view.tag) == "sheetView":
                view.attrib.pop("tabSelected", None)
                if self.edits.selected:
                    view.set("tabSelected", "1")
        return self._plain(el)

    def _cols(self, el: Element) -> bool:
        for col in el:
            _restyle(col, "style", self.edits.xf)
        return True

    def _conditional(self, el: Element) -> bool:
        for rule in el.iter():
            _restyle(rule, "dxfId", self.edits.dxf)
        return self._plain(el)

    def _links(self, el: Element) -> bool:
        for link in list(el):
            rid = next((k for k in link.attrib if split(k)[0] == REL), None)
            if rid is None:
                continue
            new = self.edits.links.get(link.attrib[rid])
            if new is None:
                el.remove(link)
            else:
                link.set(rid, new)
        return len(el) > 0

    def _page_setup(self, el: Element) -> bool:
        for k in [k for k in el.attrib if split(k)[0] == REL]:
            del el.attrib[k]
        return True

    def _extensions(self, el: Element) -> bool:
        for ext in [e for e in el if has_relationship(e)]:
            el.remove(ext)
        return len(el) > 0

    # -- rows and cells -------------------------------------------------------------------
    def _row(self, row: Element) -> None:
        if _restyle(row, "s", self.edits.xf) is None:
            row.attrib.pop("customFormat", None)
        for cell in row:
            self._cell(cell)

    def _cell(self, c: Element) -> None:
        c.attrib.pop("cm", None)
        c.attrib.pop("vm", None)
        _restyle(c, "s", self.edits.xf)
        f = next((e for e in c if local(e.tag) == "f"), None)
        if f is not None and self._drop_formula(f):
            c.remove(f)
            f = None
        if c.get("t") == "s":
            self._inline(c, f is not None)

    def _drop_formula(self, f: Element) -> bool:
        si = f.get("si")
        if f.get("t") == "shared" and si is not None:
            if si in self._dropped_shared:
                return True
            if "[" in outside_quotes(f.text or ""):
                self._dropped_shared.add(si)
                return True
            return False
        return "[" in outside_quotes(f.text or "")

    def _inline(self, c: Element, formula: bool) -> None:
        v = next((e for e in c if local(e.tag) == "v"), None)
        try:
            si = self.edits.string(int((v.text or "").strip())) if v is not None else None
        except ValueError:
            si = None
        at = len(c)
        if v is not None:
            at = list(c).index(v)
            c.remove(v)
        if formula:  # a formula's text result is a plain cached string
            c.set("t", "str")
            value = Element(f"{{{MAIN}}}v")
            value.text = rich_text(si) if si is not None else ""
        else:
            c.set("t", "inlineStr")
            value = Element(f"{{{MAIN}}}is")
            value.extend(list(si) if si is not None else [])
        c.insert(at, value)


def _restyle(el: Element, attr: str, mapping: Callable[[str], str | None]) -> str | None:
    """Map ``el``'s style attribute through ``mapping``; drop it when that gives ``None``."""
    old = el.get(attr)
    if old is None:
        return None
    new = mapping(old)
    if new is None:
        del el.attrib[attr]
    else:
        el.set(attr, new)
    return new


_TOP: dict[str, Callable[[SheetCopy, Element], bool]] = {
    "sheetViews": SheetCopy._views, "cols": SheetCopy._cols,
    "conditionalFormatting": SheetCopy._conditional, "hyperlinks": SheetCopy._links,
    "pageSetup": SheetCopy._page_setup, "extLst": SheetCopy._extensions,
}
