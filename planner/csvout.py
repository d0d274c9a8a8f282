"""CSV output with formula-injection escaping (OWASP "CSV injection").

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe, so no spreadsheet program opening the CSV runs it as a formula (a note
``=HYPERLINK("http://…")`` is shown as text). Numbers are never touched (``-5`` stays a number).
Column headers are escaped the same way, since extra columns carry the user's own headers. Our
own reader undoes the escape (:func:`unescape_cell`), so a round trip is lossless. Lines end in
CRLF (RFC 4180), so a cell holding a line break or a carriage return is always quoted.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from planner.atomic import atomic_write_text

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Escape one text cell; numbers and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def unescape_cell(value: object) -> object:
    """Undo :func:`escape_cell` on a cell read back from our own CSV."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in DANGEROUS:
        return value[1:]
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and header escaped (numbers untouched)."""
    out = frame.copy()
    for c in out.columns:
        if not _numeric(out[c]):
            out[c] = out[c].astype(object).map(escape_cell)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def _numeric(col: pd.Series) -> bool:
    dtype: Any = col.dtype
    return bool(pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
                or pd.api.types.is_datetime64_any_dtype(dtype))


def frame_to_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as UTF-8 CSV atomically, escaping text cells and headers."""
    buf = io.StringIO()
    escape_frame(frame).to_csv(buf, index=False, lineterminator="\r\n")  # RFC 4180
    atomic_write_text(path, buf.getvalue())
