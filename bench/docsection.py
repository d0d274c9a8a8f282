"""Rewrite one benchmark's section of ``docs/performance.md`` between its markers."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOC = ROOT / "docs" / "performance.md"


def write_section(name: str, heading: str, table: str) -> None:
    """Replace the block between ``<!-- name:start -->`` and ``<!-- name:end -->``.

    Args:
        name: Marker name (``engine``, ``io``, ``ui``, ``portfolio``, ``journal``).
        heading: Markdown written before the block when the section does not exist yet.
        table: The new block content.
    """
    from planner.atomic import atomic_write_text

    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    block = f"{start}\n{table}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + f"\n\n{heading.rstrip()}\n\n{block}\n"
    atomic_write_text(DOC, text)
