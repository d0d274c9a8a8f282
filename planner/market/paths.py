"""Price paths for the replay: a series' window as ratios to its first open.

A row replays its own symbol's candles when they cover the window, else the reference's (BTC)
with each log return scaled by ``k = σ_row / σ_ref`` (σ_ref: close-to-close over the window), so
the row's path is ``E·(P_t/P_0)^k`` (``k = 1`` for its own candles): a plan priced today replays
through any past window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.market.candles import Candles
from planner.market.estimators import close_to_close
from planner.market.names import US_PER_DAY, match_series
from planner.market.windows import Window

REFERENCE = "BTC"


@dataclass(frozen=True, eq=False)
class Path:
    """One series over a window, as ratios to the window's first open.

    Attributes:
        series: The stored series.
        time: Candle open times, µs.
        open, high, low, close: Ratios ``P/P_0``.
        sigma_pct: Close-to-close daily σ over the window, % (the scaling reference).
    """

    series: str
    time: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    sigma_pct: float

    def __len__(self) -> int:
        return len(self.time)

    @classmethod
    def of(cls, c: Candles) -> Path:
        """The path of window candles ``c`` (not empty)."""
        p0 = float(c.open[0])
        return cls(c.symbol, c.time, c.open / p0, c.high / p0, c.low / p0, c.close / p0,
                   close_to_close(c))


def covers(c: Candles, window: Window) -> bool:
    """True when ``c`` (already cut to the window) starts within one candle of its start."""
    return len(c) > 1 and int(c.time[0]) - window.start_us < US_PER_DAY / c.per_day


@dataclass(frozen=True, eq=False)
class Assignment:
    """Which path each row follows.

    Attributes:
        paths: The paths used.
        group: Per row, the index into ``paths`` (−1: no path, the row cannot be replayed).
        k: Per row, the exponent applied to the path's ratios (1 for the row's own candles).
        label: Per row, ``BTCUSDT`` (own candles), ``BTCUSDT ×1.42`` (scaled) or "".
        own: Per row, True when it follows its own symbol's candles.
    """

    paths: list[Path]
    group: np.ndarray
    k: np.ndarray
    label: np.ndarray
    own: np.ndarray


def assign(rows: pd.DataFrame, candles: Mapping[str, Candles], window: Window) -> Assignment:
    """Choose each row's path (own candles, else the reference scaled by σ), vectorised per symbol.

    Args:
        rows: Rows with ``symbol`` and ``volatility_pct``.
        candles: Stored series name -> its candles (any span; cut to the window here).
        window: The window.
    """
    cut = {name: c.window(window.start_us, window.end_us) for name, c in candles.items()}
    usable = {name: c for name, c in cut.items() if covers(c, window)}
    paths: list[Path] = []
    index: dict[str, int] = {}
    for name in sorted(usable):
        index[name] = len(paths)
        paths.append(Path.of(usable[name]))
    ref = match_series(REFERENCE, usable)
    n = len(rows)
    group, k = np.full(n, -1), np.ones(n)
    label = np.full(n, "", dtype=object)
    own_rows = np.zeros(n, dtype=bool)
    sigma = rows["volatility_pct"].to_numpy(dtype=float)
    for sym, where in rows.groupby("symbol", sort=False).indices.items():
        own = match_series(str(sym), usable)
        if own is not None:
            group[where], label[where], own_rows[where] = index[own], own, True
        elif ref is not None and paths[index[ref]].sigma_pct > 0:
            scale = sigma[where] / paths[index[ref]].sigma_pct
            ok = where[np.isfinite(scale) & (scale > 0)]
            group[ok], k[ok] = index[ref], scale[np.isfinite(scale) & (scale > 0)]
            label[ok] = [f"{ref} ×{v:.2f}" for v in k[ok]]
    return Assignment(paths, group, k, label, own_rows)
