"""Opening market-data files: a ``.csv``, or the one ``.csv`` inside a ``.zip``.

Binance's public-data archives hold exactly one CSV each; a zip with several members (or none,
or a member that is not a ``.csv``) is refused rather than guessed at. Sizes are checked before
anything is read, inside the zip too (a small zip can unpack to gigabytes).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from planner.errors import CellIssue, FileRefused

MAX_BYTES = 512 * 1024 * 1024


def refuse(path: Path | str, why: str, line: int | None = None) -> FileRefused:
    """A :class:`FileRefused` naming the file (and the line, if any)."""
    return FileRefused(CellIssue(Path(path).name, line, None, why))


def read_bytes(path: str | Path) -> bytes:
    """The CSV bytes of ``path`` (a ``.csv`` or a ``.zip`` holding one ``.csv``).

    Raises:
        FileRefused: Missing, too large, a bad zip, or a zip that is not one CSV.
    """
    path = Path(path)
    if not path.is_file():
        raise refuse(path, "file not found")
    if path.stat().st_size > MAX_BYTES:
        raise refuse(path, f"larger than {MAX_BYTES // 2**20} MB")
    if path.suffix.lower() != ".zip":
        return path.read_bytes()
    try:
        with zipfile.ZipFile(path) as zf:
            return _member(path, zf)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise refuse(path, f"not a readable zip archive ({exc})") from None


def _member(path: Path, zf: zipfile.ZipFile) -> bytes:
    members = [m for m in zf.infolist() if not m.is_dir()]
    if len(members) != 1:
        names = ", ".join(m.filename for m in members[:5]) or "nothing"
        raise refuse(path, f"the zip must hold exactly one CSV file; it holds {len(members)} "
                           f"({names})")
    member = members[0]
    if not member.filename.lower().endswith(".csv"):
        raise refuse(path, f"the zip's file {member.filename!r} is not a .csv")
    if member.file_size > MAX_BYTES:
        raise refuse(path, f"{member.filename} unpacks to more than {MAX_BYTES // 2**20} MB")
    with zf.open(member) as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise refuse(path, f"{member.filename} unpacks to more than {MAX_BYTES // 2**20} MB")
    return data


def text_head(path: Path, data: bytes) -> str:
    """The first line of ``data`` as text (BOM removed).

    Raises:
        FileRefused: Empty, or not UTF-8 text.
    """
    head = data[:4096].split(b"\n", 1)[0]
    try:
        text = head.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise refuse(path, "not UTF-8 text (is it really a CSV?)") from None
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise refuse(path, "empty file: no rows")
    return text
