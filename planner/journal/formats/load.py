"""Open an exchange export: unzip, skip a preamble, find the layout, read the UTC offset.

* A ``.zip`` holding one CSV is read as that CSV (Binance zips its exports).
* UTF-8 with or without a BOM; anything else is refused naming the file.
* A preamble line before the header (OKX: ``UID:…,Time Zone:UTC+8``) is skipped and its time
  zone kept; the line numbers of every row stay those of the file.
* The layout is detected from the header (the preset whose signature headers are all present;
  the most specific wins), unless ``--format NAME`` forces one.
* The UTC offset of naive times: the preamble's, else the file name's (``…(UTC+8).csv``) for
  layouts that put it there, else UTC (or ``--timezone``) where the preset says times are UTC.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.errors import CellIssue, FileRefused
from planner.journal.csvio import MAX_BYTES
from planner.journal.formats.catalog import BY_NAME, PRESETS
from planner.journal.formats.preset import Preset

_OFFSET = re.compile(r"UTC\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class Loaded:
    """An export, read as text.

    Attributes:
        table: Every cell as text; index = the line number in the file.
        preset: The layout.
        offset: UTC offset of naive times (``+08:00``), or "" when the file does not say.
        name: File name for messages (``member`` of a zip: ``file.zip:member.csv``).
        headers: Lower-case header -> header as written.
    """

    table: pd.DataFrame
    preset: Preset
    offset: str
    name: str
    headers: dict[str, str]


def _refuse(name: str, why: str, row: int | None = None) -> FileRefused:
    return FileRefused(CellIssue(name, row, None, why))


def _text(path: Path) -> tuple[str, str]:
    """The file's text and its name for messages (a zip's one CSV member)."""
    if not path.is_file():
        raise _refuse(path.name, "file not found")
    if path.stat().st_size > MAX_BYTES:
        raise _refuse(path.name, f"larger than {MAX_BYTES // 2**20} MB")
    name, data = path.name, None
    if zipfile.is_zipfile(path):
        name, data = _member(path)
    try:
        raw = data if data is not None else path.read_bytes()
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError:
        raise _refuse(name, "not UTF-8 text (save the file as CSV UTF-8)") from None


def _member(path: Path) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(path) as zf:
            csvs = [i for i in zf.infolist() if i.filename.lower().endswith(".csv")]
            if len(csvs) != 1:
                raise _refuse(path.name, f"a zip export must hold exactly one .csv file "
                                         f"(found {len(csvs)})")
            if csvs[0].file_size > MAX_BYTES:
                raise _refuse(path.name, f"{csvs[0].filename}: larger than "
                                         f"{MAX_BYTES // 2**20} MB unpacked")
            return f"{path.name}:{csvs[0].filename}", zf.read(csvs[0])
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise _refuse(path.name, f"not a readable zip file ({exc})") from None


def offset_text(text: str) -> str:
    """``+08:00`` from a text naming ``UTC+8`` (or ``UTC-05:30``); "" when none."""
    m = _OFFSET.search(text)
    if not m:
        return ""
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes >= 60:
        return ""
    return f"{m.group(1)}{hours:02d}:{minutes:02d}"


def _header_cells(line: str) -> dict[str, str]:
    import csv

    try:
        cells = next(csv.reader([line]))
    except (StopIteration, csv.Error):
        return {}
    return {c.strip().lower(): c.strip() for c in cells if c.strip()}


def detect(headers: dict[str, str]) -> Preset | None:
    """The preset whose signature the headers carry (most signature headers wins)."""
    hits = [p for p in PRESETS if p.matches(headers)]
    return max(hits, key=lambda p: len(p.signature)) if hits else None


def _choose(lines: list[str], name: str, forced: str | None) -> tuple[int, Preset]:
    """Header line index and preset: line 0, or line 1 after a preamble."""
    if forced is not None and forced not in BY_NAME:
        raise _refuse(name, f"unknown format {forced!r} (known: {', '.join(BY_NAME)})")
    for at in range(min(2, len(lines))):
        headers = _header_cells(lines[at])
        preset = BY_NAME[forced] if forced else detect(headers)
        if preset is not None and preset.matches(headers):
            return at, preset
    if forced:
        want = ", ".join(BY_NAME[forced].signature)
        raise _refuse(name, f"not a {forced} file: its header lacks some of {want}", 1)
    raise _refuse(name, "no known export layout in the header (see 'journal formats'; name "
                        "one with --format, or map the columns with --map)", 1)


def sniff(path: str | Path) -> Preset | None:
    """The layout of ``path`` from its first lines only (``None``: not a known export).

    Never raises: a file that cannot be read is simply not recognised here (reading it for
    real says why).
    """
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            text, _ = _text(path)
        else:
            with open(path, "rb") as fh:
                text = fh.read(65536).decode("utf-8-sig", errors="replace")
        lines = text.splitlines()[:2]
        return _choose(lines, path.name, None)[1] if lines else None
    except (FileRefused, OSError):
        return None


def load_export(path: str | Path, forced: str | None = None) -> Loaded:
    """Read an export file as text with its layout.

    Raises:
        FileRefused: Missing, too large, not UTF-8, not a table, or no known layout.
    """
    path = Path(path)
    text, name = _text(path)
    lines = text.splitlines()
    if not lines or not text.strip():
        raise _refuse(name, "the file is empty")
    at, preset = _choose(lines, name, forced)
    offset = offset_text(lines[0]) if at else ""
    if not offset and preset.time_zone_in_name:
        offset = offset_text(path.name)
    table = _table(text, at, name)
    return Loaded(table, preset, offset, name, _header_cells(lines[at]))


def _table(text: str, skip: int, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.StringIO(text), skiprows=skip, dtype=str, keep_default_na=False,
                            skipinitialspace=True, skip_blank_lines=False, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise _refuse(name, f"not a readable CSV table ({str(exc).strip() or 'empty'})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    repeats = sorted({c.rsplit(".", 1)[0] for c in frame.columns
                      if re.search(r"\.\d+$", c) and c.rsplit(".", 1)[0] in frame.columns})
    if repeats:
        raise _refuse(name, f"the header repeats {', '.join(map(repr, repeats))}: remove one", 1)
    frame = frame.set_axis(pd.RangeIndex(skip + 2, skip + 2 + len(frame)))
    blank = (frame == "").all(axis=1)          # skipinitialspace: "  " reads as ""
    return frame[~blank.to_numpy()]
