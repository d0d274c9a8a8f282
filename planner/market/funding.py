"""Funding history as numbers a plan can use: mean, 95th and 99th percentile per 8 h (SPEC §11).

Each payment's rate is a fraction per its own interval; it is normalised to 8 hours
(``rate × 8 / interval_hours``, the unit the plan's Funding % / 8h column uses) and shown in %.
Percentiles are of the signed rate (positive = longs pay), linear interpolation (numpy's
default); ``p05``/``p01`` are the tails that shorts pay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FundingStats:
    """Funding over a window, % per 8 h.

    Attributes:
        symbol: The stored series.
        mean: Mean rate.
        p95, p99: 95th and 99th percentiles (what longs pay in stress).
        p05, p01: 5th and 1st percentiles (what shorts pay in stress).
        count: Payments in the window.
    """

    symbol: str
    mean: float
    p95: float
    p99: float
    p05: float
    p01: float
    count: int

    def as_json(self) -> dict[str, object]:
        """``{"symbol", "mean", "p95", "p99", "p05", "p01", "count"}`` (NaN as ``None``)."""
        out: dict[str, object] = {}
        for k, v in self.__dict__.items():
            out[k] = None if isinstance(v, float) and math.isnan(v) else v
        return out


def per_8h_pct(rate: np.ndarray, interval_hours: np.ndarray) -> np.ndarray:
    """Rates (fractions per interval) as % per 8 hours."""
    return np.asarray(rate, dtype=float) * 8.0 / np.asarray(interval_hours, dtype=float) * 100.0


def funding_stats(symbol: str, rate: np.ndarray, interval_hours: np.ndarray) -> FundingStats:
    """Mean and percentiles of funding payments, % per 8 h (NaN when there are none)."""
    x = per_8h_pct(rate, interval_hours)
    if len(x) == 0:
        nan = math.nan
        return FundingStats(symbol, nan, nan, nan, nan, nan, 0)
    p95, p99, p05, p01 = (float(v) for v in np.percentile(x, [95, 99, 5, 1]))
    return FundingStats(symbol, float(np.mean(x)), p95, p99, p05, p01, len(x))
