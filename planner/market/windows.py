"""Replay windows: typed dates, or the K worst windows of a length found by drawdown."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.market.candles import Candles
from planner.market.names import US_PER_DAY


@dataclass(frozen=True)
class Window:
    """A stretch of history to replay a plan through.

    Attributes:
        start_us: First moment, µs since the epoch (UTC), inclusive.
        end_us: Last moment, exclusive.
        move_pct: The reference series' worst move in the window (drawdown < 0, rally > 0), %,
            when the window was found by :func:`worst_windows`; NaN when typed.
    """

    start_us: int
    end_us: int
    move_pct: float = float("nan")

    @property
    def label(self) -> str:
        """``2024-03-01 00:00 → 2024-03-08 00:00``."""
        return f"{_stamp(self.start_us)} → {_stamp(self.end_us)}"


def _stamp(us: int) -> str:
    return str(np.datetime64(int(us), "us").astype("datetime64[m]")).replace("T", " ")


def parse_window(start: str, end: str) -> Window:
    """A typed window (ISO dates or date-times; naive ones are UTC).

    Raises:
        ValueError: Not a date, or the end is not after the start.
    """
    try:
        a, b = (pd.Timestamp(v) for v in (start, end))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a date: {exc}") from None
    a, b = (t.tz_localize("UTC") if t.tzinfo is None else t for t in (a, b))
    if not b > a:
        raise ValueError(f"the window ends ({end}) before it starts ({start})")
    return Window(int(a.value // 1000), int(b.value // 1000))


def worst_windows(c: Candles, length_hours: float, k: int,
                  direction: str = "down") -> list[Window]:
    """The ``k`` worst non-overlapping windows of ``length_hours`` in ``c``, worst first.

    A window's move is the reference's worst low (``down``: drawdown) or high (``up``: rally)
    inside it relative to its first open. Windows are picked greedily, worst first, skipping
    any that overlaps one already picked.

    Raises:
        ValueError: ``k`` < 1, a length shorter than one candle, or a history too short.
    """
    m = int(round(length_hours / 24.0 * c.per_day))
    if k < 1 or m < 1:
        raise ValueError("ask for at least one window of at least one candle")
    if len(c) < m:
        raise ValueError(f"{c.symbol} {c.interval}: {len(c)} candles, fewer than one window "
                         f"of {length_hours:g} h")
    move = _moves(c, m, direction)
    order = np.argsort(move if direction == "down" else -move, kind="stable")
    blocked = np.zeros(len(move), dtype=bool)
    step = int(round(US_PER_DAY / c.per_day))
    out: list[Window] = []
    for i in order:
        if blocked[i]:
            continue
        out.append(Window(int(c.time[i]), int(c.time[i + m - 1]) + step,
                          float(move[i] * 100.0)))
        blocked[max(0, i - m + 1): i + m] = True
        if len(out) == k:
            break
    return out


def _moves(c: Candles, m: int, direction: str) -> np.ndarray:
    if direction == "down":
        low = pd.Series(c.low).rolling(m).min().to_numpy()[m - 1:]
        return low / c.open[: len(low)] - 1.0
    if direction == "up":
        high = pd.Series(c.high).rolling(m).max().to_numpy()[m - 1:]
        return high / c.open[: len(high)] - 1.0
    raise ValueError(f"direction is down or up, not {direction!r}")
