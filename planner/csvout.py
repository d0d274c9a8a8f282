"""CSV output with formula-injection escaping (OWASP).

Text cells that begin with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
apostrophe so no spreadsheet runs them.
"""

from __future__ import annotations

import io

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


def frame_to_csv(frame: pd.DataFrame, path: str) -> None:
    """Write ``frame`` as UTF-8 CSV atomically, escaping text cells."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(escape_cell)
    buf = io.StringIO()
    out.to_csv(buf, index=False)
    atomic_write_text(path, buf.getvalue())
