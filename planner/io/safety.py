"""Checks that run before any byte of a workbook is parsed.

A file handed to :func:`open_workbook_zip` is refused with one :class:`~planner.errors.FileRefused`
(one message naming the file and what is wrong) when it is not an ``.xlsx`` package, is
encrypted (password-protected), is an old ``.xls`` or other OLE file, carries macros, or looks
like a zip bomb (too many parts, huge declared sizes, extreme compression ratios). Parts are then
read through :func:`member_chunks`, which never returns more than the part's declared size, and
every XML part is checked by :func:`check_prolog` before an XML parser sees it: a part that
declares a DTD is refused, so no entity can be defined and no entity expansion ("billion laughs")
or external entity can happen. Small parts are additionally parsed with ``defusedxml``.

Limits are module constants (bytes unless stated).
"""

from __future__ import annotations

import contextlib
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from planner.errors import CellIssue, FileRefused, PlanError

MAX_FILE_BYTES = 256 * 2**20
MAX_MEMBERS = 1_000
MAX_MEMBER_BYTES = 512 * 2**20
MAX_TOTAL_BYTES = 1024 * 2**20
MAX_RATIO = 250
RATIO_CHECK_FROM = 8 * 2**20
MAX_SMALL_PART = 32 * 2**20
PROLOG_BYTES = 64 * 2**10
CHUNK = 4 * 2**20

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
MACRO_TYPES = ("macroEnabled", "vbaProject", "ms-office.activeX")
SAVE_AS = "open it in Excel or LibreOffice and save a copy as an Excel Workbook (.xlsx)"


@contextlib.contextmanager
def unreadable_as_refused(path: Path | str) -> Iterator[None]:
    """Turn any unexpected failure while reading ``path`` into one :class:`FileRefused`.

    The checks above name every problem they know; this is the net under them, so a damaged
    file never shows the user a traceback (the original exception stays chained for debugging).
    """
    try:
        yield
    except PlanError:
        raise
    except Exception as exc:
        raise refuse(path, f"the workbook is damaged or unreadable ({exc.__class__.__name__}: "
                           f"{exc})") from exc


def refuse(path: Path | str, message: str) -> FileRefused:
    """Build the one error a refused file gives (sheet = the file's name)."""
    return FileRefused(CellIssue(Path(path).name, None, None, message))


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB" if n < 2**30 else f"{n / 2**30:,.1f} GB"


def _sniff(path: Path) -> None:
    """Refuse by the first bytes: missing, empty, OLE (encrypted or .xls), not a zip."""
    if not path.exists():
        raise refuse(path, "file not found")
    if path.is_dir():
        raise refuse(path, "this is a folder, not a workbook")
    size = path.stat().st_size
    if size == 0:
        raise refuse(path, "the file is empty (0 bytes): not a workbook")
    if size > MAX_FILE_BYTES:
        raise refuse(path, f"the file is {_mb(size)}; the planner reads workbooks up to "
                           f"{_mb(MAX_FILE_BYTES)}")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == CFB_MAGIC:
        raise refuse(path, _ole_message(path))
    if head[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        kind = "text (a CSV?)" if _looks_like_text(path) else "not a zip package"
        raise refuse(path, f"not a readable .xlsx workbook: the file is {kind}")


def _looks_like_text(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def _ole_message(path: Path) -> str:
    """Tell an encrypted (password-protected) OOXML file from an old .xls / other OLE file."""
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            window = tail + chunk
            if any(m in window for m in ENCRYPTION_MARKERS):
                return ("the workbook is password-protected (encrypted); remove the password in "
                        "Excel or LibreOffice and save it as .xlsx, then open it again")
            tail = window[-64:]
    return f"this is an old Excel 97-2003 (.xls) or other OLE file, not .xlsx; {SAVE_AS}"


def open_workbook_zip(path: str | Path) -> zipfile.ZipFile:
    """Open ``path`` as an xlsx package after every pre-parse check.

    Returns:
        The open zip file (the caller closes it).

    Raises:
        FileRefused: Not an xlsx package, encrypted, macro-enabled, or a zip bomb.
    """
    path = Path(path)
    _sniff(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(path, f"the workbook is damaged: not a readable zip package ({exc})") from None
    try:
        check_members(zf, path)
    except BaseException:
        zf.close()
        raise
    return zf


def check_members(zf: zipfile.ZipFile, path: Path) -> None:
    """Refuse zip bombs, encrypted parts, macros and packages that are not spreadsheets."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise refuse(path, f"the package holds {len(infos):,} parts (a workbook has a few dozen; "
                           f"limit {MAX_MEMBERS:,}): refused as a possible zip bomb")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise refuse(path, "the package lists the same part twice: refused as damaged or hostile")
    total = 0
    for info in infos:
        _check_member(info, path)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise refuse(path, f"the parts declare {_mb(total)} uncompressed in all (limit "
                           f"{_mb(MAX_TOTAL_BYTES)}): refused as a possible zip bomb")
    _check_kind(zf, names, path)


def _check_member(info: zipfile.ZipInfo, path: Path) -> None:
    name = info.filename
    if info.flag_bits & 0x1:
        raise refuse(path, f"part {name} is encrypted: the workbook is password-protected")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise refuse(path, f"part {name} uses an unsupported compression method")
    if info.file_size > MAX_MEMBER_BYTES:
        raise refuse(path, f"part {name} declares {_mb(info.file_size)} uncompressed (limit "
                           f"{_mb(MAX_MEMBER_BYTES)}): refused as a possible zip bomb")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_CHECK_FROM and ratio > MAX_RATIO:
        raise refuse(path, f"part {name} expands {ratio:,.0f}:1 to {_mb(info.file_size)}: "
                           "refused as a zip bomb")


def _check_kind(zf: zipfile.ZipFile, names: list[str], path: Path) -> None:
    lowered = [n.lower() for n in names]
    if "mimetype" in lowered and "content.xml" in lowered:
        raise refuse(path, f"this is an OpenDocument spreadsheet (.ods), not .xlsx; {SAVE_AS}")
    if "[content_types].xml" not in lowered:
        raise refuse(path, "not a readable .xlsx workbook: the zip package has no "
                           "[Content_Types].xml")
    types = read_small(zf, names[lowered.index("[content_types].xml")], path).decode(
        "utf-8", "replace")
    if any(n.endswith("vbaproject.bin") for n in lowered) or any(m in types for m in MACRO_TYPES):
        raise refuse(path, "the workbook contains macros (a VBA project, .xlsm); the planner "
                           "does not open macro-enabled files: save a copy as .xlsx without "
                           "macros")
    if "sheet.binary" in types:
        raise refuse(path, f"this is a binary workbook (.xlsb), not .xlsx; {SAVE_AS}")
    if "spreadsheetml.sheet.main" not in types and "spreadsheetml.template.main" not in types:
        raise refuse(path, "not an Excel workbook: the package holds no spreadsheet "
                           "(a Word or PowerPoint file?)")


def member_chunks(zf: zipfile.ZipFile, name: str, path: Path,
                  size: int = CHUNK) -> Iterator[bytes]:
    """Yield the decompressed part ``name`` in chunks, never beyond its declared size.

    Raises:
        FileRefused: The part is missing or its data is damaged (CRC or size mismatch).
    """
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(size):
                yield chunk
    except KeyError:
        raise refuse(path, f"the workbook is damaged: part {name} is missing") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise refuse(path, f"the workbook is damaged: part {name} cannot be read ({exc})") from None


def read_small(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """Read a small part whole (content types, relationships, workbook, styles)."""
    try:
        size = zf.getinfo(name).file_size
    except KeyError:
        raise refuse(path, f"the workbook is damaged: part {name} is missing") from None
    if size > MAX_SMALL_PART:
        raise refuse(path, f"part {name} is {_mb(size)}; such a part is normally a few KB "
                           "(refused as hostile)")
    return b"".join(member_chunks(zf, name, path))


_PI = re.compile(r"<\?.*?\?>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def check_prolog(head: bytes, name: str, path: Path) -> None:
    """Refuse an XML part whose prolog declares a DTD (entities) before any parser runs.

    A DTD can only appear before the root element, so scanning the prolog is enough: without a
    DTD no entity can be declared, hence no entity expansion and no external entity.

    Args:
        head: The first bytes of the part (at least :data:`PROLOG_BYTES` when it is longer).
        name: Part name, for the message.
        path: The workbook, for the message.
    """
    text = _decode_head(head)
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if text.startswith("<?", pos):
            m = _PI.match(text, pos)
        elif text.startswith("<!--", pos):
            m = _COMMENT.match(text, pos)
        else:
            break
        if m is None:
            break
        pos = m.end()
    if text.startswith("<!", pos):
        raise refuse(path, f"part {name} declares a DTD (<!DOCTYPE …>), which workbooks never "
                           "do: refused as hostile XML (entity expansion / external entities)")
    if not text.startswith("<", pos) and len(head) >= PROLOG_BYTES:
        raise refuse(path, f"part {name} does not start with XML: the workbook is damaged")


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) - len(head) % 2].decode("utf-16", "replace")
    return head.decode("utf-8", "replace")


def parse_small_xml(zf: zipfile.ZipFile, name: str, path: Path) -> Any:
    """Parse a small XML part with defusedxml (DTDs, entities and externals forbidden)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    data = read_small(zf, name, path)
    check_prolog(data[:PROLOG_BYTES], name, path)
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise refuse(path, f"part {name} holds forbidden XML (DTD or entities)") from None
    except Exception as exc:  # ParseError and friends
        raise refuse(path, f"the workbook is damaged: part {name} is not valid XML "
                           f"({exc})") from None
