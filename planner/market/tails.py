"""Empirical tails (SPEC §9): touch probabilities read off the symbol's own history.

For a horizon of ``T`` days (``m = T × candles_per_day`` candles), every start ``i`` of the
history with a full trailing window behind it and ``m`` candles ahead is one historical window.
Its adverse excursion down is ``−ln(min(low[i:i+m]) / open[i])`` and up
``ln(max(high[i:i+m]) / open[i])``; each is divided by the trailing daily σ at ``i``
(close-to-close over the previous ``trailing_days``). A barrier at ``b = ln(barrier / E)`` with
the row's daily σ ``σ_s`` is touched with probability = the share of windows whose excursion on
that side, in trailing σ, reached ``|b| / σ_s``. Windows overlap (one per candle); the history
is *enough* when it holds at least :data:`MIN_WINDOWS` non-overlapping windows' worth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.market.candles import Candles

MIN_WINDOWS = 30
TRAILING_DAYS = 30


@dataclass(frozen=True, eq=False)
class EmpiricalTails:
    """Excursions of one series, ready to answer touch probabilities for any horizon.

    Attributes:
        candles: The whole stored history of the series.
        trailing_days: Days of the trailing σ each window is measured in.
    """

    candles: Candles
    trailing_days: float = TRAILING_DAYS
    _cache: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def _m(self, horizon_days: float) -> int:
        return max(int(round(horizon_days * self.candles.per_day)), 1)

    def windows(self, horizon_days: float) -> float:
        """How many non-overlapping windows of the horizon the history holds."""
        down, _ = self.excursions(horizon_days)
        return len(down) / self._m(horizon_days)

    def enough(self, horizon_days: float) -> bool:
        """True when the history holds at least :data:`MIN_WINDOWS` windows of the horizon."""
        return self.windows(horizon_days) >= MIN_WINDOWS

    def excursions(self, horizon_days: float) -> tuple[np.ndarray, np.ndarray]:
        """Sorted adverse excursions down and up, in units of the trailing daily σ."""
        m = self._m(horizon_days)
        if m not in self._cache:
            self._cache[m] = _excursions(self.candles, m, self.trailing_days)
        return self._cache[m]

    def touch_probability(self, b: np.ndarray, sigma_pct: np.ndarray,
                          horizon_days: float) -> np.ndarray:
        """Probability per row of touching a barrier within the horizon (vectorised).

        Args:
            b: ``ln(barrier / entry)`` per row (< 0 below, > 0 above; NaN: no barrier -> 0).
            sigma_pct: The row's daily σ, %.
            horizon_days: ``T`` in days.

        Returns:
            Shares in [0, 1]; NaN for every row when the history has no window.
        """
        b = np.asarray(b, dtype=float)
        sigma = np.asarray(sigma_pct, dtype=float) / 100.0
        down, up = self.excursions(horizon_days)
        if len(down) == 0:
            return np.full(b.shape, math.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            thr = np.abs(b) / sigma
        hit_down = 1.0 - np.searchsorted(down, thr, "left") / len(down)
        hit_up = 1.0 - np.searchsorted(up, thr, "left") / len(up)
        out = np.where(b < 0, hit_down, hit_up)
        out = np.where(b == 0, 1.0, out)
        return np.where(np.isnan(b), 0.0, out)


def _excursions(c: Candles, m: int, trailing_days: float) -> tuple[np.ndarray, np.ndarray]:
    trail = max(int(round(trailing_days * c.per_day)), 2)
    n = len(c)
    if n < trail + m + 1:
        return np.empty(0), np.empty(0)
    ret = pd.Series(np.r_[np.nan, np.diff(np.log(c.close))])
    sigma = ret.rolling(trail - 1).std(ddof=1).to_numpy() * math.sqrt(c.per_day)
    low = pd.Series(c.low).rolling(m).min().to_numpy()[m - 1:]
    high = pd.Series(c.high).rolling(m).max().to_numpy()[m - 1:]
    starts = np.arange(trail, n - m + 1)
    sig = sigma[starts - 1]              # σ of the returns up to the close before the start
    ok = np.isfinite(sig) & (sig > 0)
    starts, sig = starts[ok], sig[ok]
    down = -np.log(low[starts] / c.open[starts]) / sig
    up = np.log(high[starts] / c.open[starts]) / sig
    return np.sort(np.maximum(down, 0.0)), np.sort(np.maximum(up, 0.0))
