# ruff: noqa: E501  (XML test data reads best on one line)
"""Build the hostile and broken workbooks the reader must refuse, into a folder.

Nothing here is downloaded or committed: every file is generated when a test (or
``bench/bench_io.py``) asks for it. Usage: ``python tests/hostile/make_hostile.py OUT_DIR``.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="{CT}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{SHEET_CT}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_CT}.worksheet+xml"/></Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
"""


def sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    """A worksheet part holding ``rows`` (``<row>`` elements)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}">{dim}'
            f"<sheetData>{rows}</sheetData></worksheet>").encode()


def minimal_xlsx(path: Path, sheet: bytes, extra: dict[str, bytes] | None = None,
                 workbook: bytes | None = None) -> Path:
    """A small but valid xlsx package with one ``Plan`` sheet."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook or WORKBOOK.encode())
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def _sample(path: Path) -> Path:
    from planner import sample_plan, save_plan

    save_plan(sample_plan(), path)
    return path


def _rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None],
             add: dict[str, bytes] | None = None) -> Path:
    """Copy a package part by part; ``change`` returns new bytes (or None to drop a part)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding ``streams``.

    Streams are padded to 4,096 bytes so none needs the mini stream. Enough for a real OLE
    reader (``olefile``) to list the streams.
    """
    sec = 512
    datas = [d.ljust(max(4096, -(-len(d) // sec) * sec), b"\0") for d in streams.values()]
    n_dir = -(-(len(streams) + 1) // 4)
    first_data = 1 + n_dir
    fat = [0xFFFFFFFD] + [i + 2 if i < n_dir else 0xFFFFFFFE for i in range(1, n_dir + 1)]
    starts, nxt = [], first_data
    for d in datas:
        count = len(d) // sec
        starts.append(nxt)
        fat += [nxt + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
        nxt += count
    fat[n_dir] = 0xFFFFFFFE
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0,
        0xFFFFFFFE, 0) + struct.pack("<I", 0) + b"\xff" * 4 * 108)
    entries = [_dir_entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1 if streams else 0xFFFFFFFF)]
    for i, (name, start, data) in enumerate(zip(streams, starts, datas, strict=True)):
        right = i + 2 if i + 1 < len(streams) else 0xFFFFFFFF
        entries.append(_dir_entry(name, 2, start, len(data), right=right))
    directory = b"".join(entries).ljust(n_dir * sec, b"\0")
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(sec, b"\xff")
    return header + fat_bytes + directory + b"".join(datas)


def _dir_entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF,
               right: int = 0xFFFFFFFF) -> bytes:
    raw = (name + "\0").encode("utf-16-le")
    return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, 0xFFFFFFFF, right,
                                               child) + b"\0" * 36 +
            struct.pack("<III", start, size, 0))


def encrypted(folder: Path) -> Path:
    """A password-protected workbook, encrypted the way Excel does (agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = _sample(folder / "plain-for-encryption.xlsx")
    out = folder / "encrypted.xlsx"
    with open(plain, "rb") as src, open(out, "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    return out


def legacy_xls(folder: Path) -> Path:
    """An OLE file with a ``Workbook`` stream: what an Excel 97-2003 .xls looks like."""
    out = folder / "legacy.xls"
    out.write_bytes(cfb({"Workbook": b"\x09\x08\x10\x00" + b"\0" * 2000}))
    return out


def macro_enabled(folder: Path) -> Path:
    """Our sample workbook with a VBA project added and the macro-enabled content type."""
    src = _sample(folder / "plain-for-macro.xlsx")

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml."
                                b"sheet.main+xml",
                                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
                b"</Types>", b'<Override PartName="/xl/vbaProject.bin" ContentType='
                             b'"application/vnd.ms-office.vbaProject"/></Types>')
        return data
    return _rewrite(src, folder / "macro.xlsm", change,
                    {"xl/vbaProject.bin": cfb({"VBA": b"Attribute VB_Name = \"Module1\""})})


def _patch_sizes(path: Path, member: str, size: int) -> Path:
    """Rewrite the declared uncompressed size of ``member`` (local and central headers)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            fixed = 30 if sig == b"PK\x03\x04" else 46
            name_len = struct.unpack_from("<H", data, pos + fixed - (4 if fixed == 30 else 18))[0]
            if bytes(data[pos + fixed: pos + fixed + name_len]) == name:
                struct.pack_into("<I", data, pos + offset, size)
            pos += 4
    path.write_bytes(bytes(data))
    return path


def zip_bomb_declared(folder: Path) -> Path:
    """A sheet part that declares 4 GB uncompressed."""
    path = minimal_xlsx(folder / "bomb-declared.xlsx", sheet_xml(""))
    return _patch_sizes(path, "xl/worksheets/sheet1.xml", 0xFFFFFFF0)


def zip_bomb_ratio(folder: Path) -> Path:
    """A sheet part of 64 MB that compresses to about 64 KB (ratio ~1000:1)."""
    path = folder / "bomb-ratio.xlsx"
    minimal_xlsx(path, sheet_xml(""))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("xl/sharedStrings.xml", "w") as fh:
        block = b" " * 2**20
        for _ in range(64):
            fh.write(block)
    return path


def zip_bomb_lying(folder: Path) -> Path:
    """A sheet part whose data is longer than its declared size (the size lies)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 2000))
    path = minimal_xlsx(folder / "bomb-lying.xlsx", sheet_xml(rows))
    return _patch_sizes(path, "xl/worksheets/sheet1.xml", 200)


def many_members(folder: Path) -> Path:
    """A valid package padded with 5,000 extra parts."""
    return minimal_xlsx(folder / "many-members.xlsx", sheet_xml(""),
                        {f"xl/media/pad{i}.bin": b"" for i in range(5_000)})


def billion_laughs(folder: Path) -> Path:
    """The classic entity-expansion bomb as the workbook part."""
    body = LAUGHS + f'<workbook xmlns="{MAIN}"><sheets><sheet name="&lol9;"/></sheets></workbook>'
    return minimal_xlsx(folder / "billion-laughs.xlsx", sheet_xml(""), workbook=body.encode())


def laughs_in_sheet(folder: Path) -> Path:
    """The entity-expansion bomb inside the (large, streamed) sheet part."""
    body = (LAUGHS + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" '
            't="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    return minimal_xlsx(folder / "laughs-in-sheet.xlsx", body.encode())


def external_entity(folder: Path) -> Path:
    """An external entity (XXE) pointing at a local file, in the shared strings."""
    sst = ('<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           f'<sst xmlns="{MAIN}"><si><t>&xxe;</t></si></sst>')
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return minimal_xlsx(folder / "xxe.xlsx", sheet_xml(rows), {"xl/sharedStrings.xml":
                                                               sst.encode()})


def _million_rows(dimension: bool) -> bytes:
    head = '<row r="1"><c r="A1" t="inlineStr"><is><t>Symbol</t></is></c></row>'
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>X</t></is></c></row>'
                   for i in range(2, 1_000_002))
    return sheet_xml(head + rows, "A1:A1000001" if dimension else None)


def million_rows(folder: Path) -> Path:
    """A Plan sheet of 1,000,001 rows whose dimension says so."""
    return minimal_xlsx(folder / "million-rows.xlsx", _million_rows(True))


def million_rows_hidden(folder: Path) -> Path:
    """The same rows without a dimension element (the reader must count)."""
    return minimal_xlsx(folder / "million-rows-no-dimension.xlsx", _million_rows(False))


def _openpyxl_plan(path: Path, fill: Callable[[object], None]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Symbol", "Entry", "Vol % (daily)", "Leverage"])
    ws.append(["BTCUSDT", 65_000, 3.0, 5])
    fill(ws)
    wb.save(path)
    return path


def merged_header(folder: Path) -> Path:
    """Merged header cells (A1:B1)."""
    return _openpyxl_plan(folder / "merged-header.xlsx", lambda ws: ws.merge_cells("A1:B1"))


def date_in_number(folder: Path) -> Path:
    """A date in the Entry column (row 3)."""
    def fill(ws: object) -> None:
        ws.append(["ETHUSDT", dt.datetime(2024, 5, 1), 4.0, 5])  # type: ignore[attr-defined]
    return _openpyxl_plan(folder / "date-in-number.xlsx", fill)


def error_in_number(folder: Path) -> Path:
    """The error value #N/A in the Entry column (row 3)."""
    def fill(ws: object) -> None:
        ws.append(["ETHUSDT", "#N/A", 4.0, 5])  # type: ignore[attr-defined]
    return _openpyxl_plan(folder / "error-in-number.xlsx", fill)


def dollar_reference(folder: Path) -> Path:
    """A cell reference with ``$`` in its column (``<c r="$D$2">``): once a reader hang."""
    plain = _openpyxl_plan(folder / "dollar-plain.xlsx", lambda ws: None)
    return _rewrite(plain, folder / "dollar-reference.xlsx", lambda name, data: data.replace(
        b'r="D2"', b'r="$D$2"') if name == "xl/worksheets/sheet1.xml" else data)


def letters(index: int) -> str:
    """Column letters of a 0-based index, for any index (also beyond Excel's XFD)."""
    out, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def wide_header(columns: int, dimension: bool = False) -> bytes:
    """A Plan sheet whose header row has ``columns`` cells (Symbol, Entry, Vol, then x1, x2 …)."""
    heads = ["Symbol", "Entry", "Vol % (daily)"] + [f"x{i}" for i in range(1, columns - 2)]
    head = "".join(f'<c r="{letters(i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                   for i, h in enumerate(heads))
    body = ('<c r="A2" t="inlineStr"><is><t>BTCUSDT</t></is></c><c r="B2"><v>65000</v></c>'
            '<c r="C2"><v>3</v></c>')
    return sheet_xml(f'<row r="1">{head}</row><row r="2">{body}</row>',
                     f"A1:{letters(columns - 1)}2" if dimension else None)


def wide_sheet(folder: Path) -> Path:
    """100,000 header columns, far beyond Excel's 16,384 (XFD), and no dimension to say so."""
    return minimal_xlsx(folder / "wide.xlsx", wide_header(100_000))


def not_a_workbook(folder: Path) -> Path:
    """A CSV saved with an .xlsx name."""
    out = folder / "not-a-workbook.xlsx"
    out.write_text("symbol,entry\nBTCUSDT,65000\n", encoding="utf-8")
    return out


def truncated(folder: Path) -> Path:
    """Our sample workbook cut in half (a download that stopped)."""
    data = _sample(folder / "whole.xlsx").read_bytes()
    out = folder / "truncated.xlsx"
    out.write_bytes(data[: len(data) // 2])
    return out


def corrupted(folder: Path) -> Path:
    """Our sample workbook with bytes flipped inside the compressed sheet data."""
    data = bytearray(_sample(folder / "whole-for-corruption.xlsx").read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 200, start + info.compress_size - 200, 97):
        data[i] ^= 0x5A
    out = folder / "corrupted.xlsx"
    out.write_bytes(bytes(data))
    return out


def empty_file(folder: Path) -> Path:
    """Zero bytes."""
    out = folder / "empty.xlsx"
    out.write_bytes(b"")
    return out


def word_document(folder: Path) -> Path:
    """An OOXML package that is not a spreadsheet (a Word document)."""
    ct = CONTENT_TYPES.replace(f"{SHEET_CT}.sheet.main+xml",
                               "application/vnd.openxmlformats-officedocument."
                               "wordprocessingml.document.main+xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("word/document.xml", "<document/>")
    out = folder / "document.xlsx"
    out.write_bytes(buf.getvalue())
    return out


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "not a workbook": not_a_workbook,
    "empty file": empty_file,
    "truncated": truncated,
    "corrupted data": corrupted,
    "word document": word_document,
    "encrypted": encrypted,
    "legacy xls": legacy_xls,
    "macro-enabled": macro_enabled,
    "zip bomb (declared size)": zip_bomb_declared,
    "zip bomb (ratio)": zip_bomb_ratio,
    "zip bomb (size lies)": zip_bomb_lying,
    "many members": many_members,
    "billion laughs (workbook)": billion_laughs,
    "billion laughs (sheet)": laughs_in_sheet,
    "external entity": external_entity,
    "1,000,000 rows": million_rows,
    "1,000,000 rows, no dimension": million_rows_hidden,
    "merged header": merged_header,
    "date in a number cell": date_in_number,
    "#N/A in a number cell": error_in_number,
    "$ in a cell reference": dollar_reference,
    "100,000 columns": wide_sheet,
}


def build_all(folder: Path) -> dict[str, Path]:
    """Build every hostile file into ``folder``; name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: build(folder) for name, build in BUILDERS.items()}


if __name__ == "__main__":
    for label, made in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else ".")).items():
        print(f"{label}: {made}")
