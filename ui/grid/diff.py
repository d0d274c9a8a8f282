"""Find what changed between two versions of the grid's arrays (numpy, no Qt).

The model emits ``dataChanged`` over the rectangles this returns: runs of neighbouring columns
that changed, each spanning the first to the last view row that changed in it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ui.grid.columns import KEYS


def survivors(kind: str, rows: Sequence[int], old_n: int,
              new_n: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Old and new plan indices of the rows an edit kept (``None, None`` = same rows)."""
    if kind == "delete":
        keep = np.ones(old_n, dtype=bool)
        keep[np.asarray(rows, dtype=np.intp)] = False
        return np.flatnonzero(keep), np.arange(new_n)
    if kind == "insert":
        inserted = np.zeros(new_n, dtype=bool)
        inserted[np.asarray(rows, dtype=np.intp)] = True
        return np.arange(old_n), np.flatnonzero(~inserted)
    return None, None


def differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise "changed" mask; NaN equals NaN."""
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        return (a != b) & ~(np.isnan(a) & np.isnan(b))
    return np.asarray(a != b, dtype=bool)


def changed_rows(old: np.ndarray, new: np.ndarray, old_idx: np.ndarray | None,
                 new_idx: np.ndarray | None) -> np.ndarray:
    """New plan indices of the surviving rows whose value changed."""
    if old_idx is None or new_idx is None:
        return np.flatnonzero(differs(old, new))
    return new_idx[differs(old[old_idx], new[new_idx])]


def changed_rectangles(
    old_cols: Sequence[np.ndarray], new_cols: Sequence[np.ndarray],
    old_idx: np.ndarray | None, new_idx: np.ndarray | None, pos: np.ndarray,
    skip: frozenset[str], old_flags: np.ndarray, new_flags: np.ndarray,
) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(top, bottom, first_col, last_col)`` view rectangles that changed.

    Args:
        old_cols: Arrays before the edit, one per grid column.
        new_cols: Arrays after the edit.
        old_idx: Old plan indices of surviving rows (``None`` = every row survived in place).
        new_idx: Their new plan indices.
        pos: View row of each new plan row (−1 = filtered out).
        skip: Column keys known to be unchanged.
        old_flags: Per-row flag (incomplete) before; a row whose flag flips changes whole.
        new_flags: The same flag after.
    """
    whole = changed_rows(old_flags, new_flags, old_idx, new_idx)
    spans: list[tuple[int, int] | None] = []
    for key, old, new in zip(KEYS, old_cols, new_cols, strict=True):
        rows = whole if key in skip else np.union1d(whole, changed_rows(old, new, old_idx,
                                                                         new_idx))
        view = pos[rows] if len(rows) else rows
        view = view[view >= 0]
        spans.append((int(view.min()), int(view.max())) if len(view) else None)
    yield from _merge(spans)


def _merge(spans: list[tuple[int, int] | None]) -> Iterator[tuple[int, int, int, int]]:
    """Merge neighbouring changed columns into rectangles."""
    start = None
    top = bottom = 0
    for c, span in enumerate([*spans, None]):
        if span is None:
            if start is not None:
                yield top, bottom, start, c - 1
                start = None
            continue
        if start is None:
            start, top, bottom = c, span[0], span[1]
        else:
            top, bottom = min(top, span[0]), max(bottom, span[1])
