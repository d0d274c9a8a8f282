"""Which plan rows the grid shows, and in what order: sort and filter with numpy (no Qt).

The grid model keeps the plan's own row order for edits and shows rows through an ``order``
array (view row → plan row). Sorting is a stable ``argsort`` of one column; filters keep the
rows of one bucket, side or venue, or only rows with alerts. Blanks sort last either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

Order = NDArray[np.intp]


@dataclass(frozen=True)
class Filters:
    """Row filters; an empty string means "any".

    Attributes:
        bucket: Keep only this bucket.
        side: Keep only ``long`` or ``short``.
        venue: Keep only this venue profile (blank venues count as the default venue).
        alerts_only: Keep only rows with at least one alert.
    """

    bucket: str = ""
    side: str = ""
    venue: str = ""
    alerts_only: bool = False

    def with_changes(self, **changes: object) -> Filters:
        """A copy with some filters replaced."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        """True when any filter is set."""
        return bool(self.bucket or self.side or self.venue or self.alerts_only)


@dataclass(frozen=True)
class Sort:
    """The sort: a column key (``""`` = plan order) and a direction."""

    key: str = ""
    descending: bool = False


def _text_rank(values: NDArray[np.object_]) -> NDArray[np.float64]:
    """Case-insensitive rank of text values; blanks become NaN (sorted last)."""
    text = np.array(["" if v is None else str(v).lower() for v in values], dtype=object)
    uniq, inv = np.unique(text.astype(str), return_inverse=True)
    rank = inv.astype(float)
    if len(uniq) and uniq[0] == "":
        rank[inv == 0] = np.nan
    return rank


def sort_keys(values: np.ndarray) -> NDArray[np.float64]:
    """Numbers to sort ``values`` by (text by rank, booleans as 0/1, NaN for blanks)."""
    if values.dtype.kind in "fiub":
        return values.astype(float)
    return _text_rank(values)


def view_order(columns: Mapping[str, np.ndarray], n: int, sort: Sort, filters: Filters,
               default_venue: str) -> Order:
    """The plan rows to show, in display order.

    Args:
        columns: Arrays by schema key (inputs and outputs) for the ``n`` plan rows.
        n: Number of plan rows.
        sort: Column and direction.
        filters: Row filters.
        default_venue: The venue blank Venue cells mean.

    Returns:
        Plan row indices, view order.
    """
    rows = np.flatnonzero(keep_mask(columns, n, filters, default_venue))
    if not sort.key or sort.key not in columns:
        return rows.astype(np.intp)
    key = sort_keys(np.asarray(columns[sort.key])[rows])
    if sort.descending:
        key = -key
    return rows[np.argsort(key, kind="stable")].astype(np.intp)


def keep_mask(columns: Mapping[str, np.ndarray], n: int, filters: Filters,
              default_venue: str) -> NDArray[np.bool_]:
    """Mask of the plan rows that pass ``filters``."""
    keep = np.ones(n, dtype=bool)
    if filters.bucket:
        keep &= _equal(columns["bucket"], filters.bucket)
    if filters.side:
        keep &= _equal(columns["side"], filters.side)
    if filters.venue:
        venue = np.array([str(v or default_venue) for v in columns["venue"]], dtype=object)
        keep &= _equal(venue, filters.venue)
    if filters.alerts_only:
        keep &= np.asarray(columns["alert_count"], dtype=float) > 0
    return keep


def _equal(values: np.ndarray, wanted: str) -> NDArray[np.bool_]:
    w = wanted.lower()
    return np.array([str(v).lower() == w for v in values], dtype=bool)


def positions(order: Order, n: int) -> Order:
    """Inverse of ``order``: view row of each plan row, −1 for rows not shown."""
    pos = np.full(n, -1, dtype=np.intp)
    pos[order] = np.arange(len(order), dtype=np.intp)
    return pos


def runs(values: np.ndarray) -> list[tuple[int, int]]:
    """Split sorted integers into runs of consecutive values: ``[(first, last), …]``."""
    v = np.asarray(values, dtype=np.intp)
    if not len(v):
        return []
    breaks = np.flatnonzero(np.diff(v) != 1)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(v) - 1]))
    return [(int(v[a]), int(v[b])) for a, b in zip(starts, ends, strict=True)]
