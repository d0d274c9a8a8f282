"""The replay's per-row numbers as arrays, and the first-touch search over a path."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.market.paths import Path


@dataclass(frozen=True, eq=False)
class RowArrays:
    """The per-row numbers of the replay as arrays (prices, USD; rates as fractions)."""

    s: np.ndarray
    E: np.ndarray
    Q: np.ndarray
    N: np.ndarray
    M: np.ndarray
    stop: np.ndarray
    lp: np.ndarray
    slip: np.ndarray
    fee_e: np.ndarray
    fee_x: np.ndarray
    gas: np.ndarray
    f: np.ndarray
    mmr: np.ndarray
    cum: np.ndarray

    @classmethod
    def of(cls, rows: pd.DataFrame) -> RowArrays:
        """From :func:`planner.market.replay.replay_frame` rows (missing columns: 0)."""
        def col(key: str, default: float = 0.0) -> np.ndarray:
            if key not in rows:
                return np.full(len(rows), default)
            return rows[key].to_numpy(dtype=float, na_value=np.nan)
        lp = col("liquidation_price", math.nan)
        return cls(np.where(rows["side"].eq("short"), -1.0, 1.0), col("entry_price"),
                   col("quantity"), col("notional_usd"), col("margin_usd"), col("stop_price"),
                   np.where(lp > 0, lp, np.nan), col("slippage_bps") / 1e4,
                   col("fee_entry_pct") / 100, col("fee_exit_pct") / 100, col("gas_usd"),
                   col("funding_pct") / 100, col("mmr_pct") / 100,
                   col("maintenance_amount_usd"))


def first_touch(path: Path, level_ratio: np.ndarray, k: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Index of the first candle whose adverse extreme reaches ``level_ratio`` (len: never).

    Longs read the running minimum of the lows, shorts the running maximum of the highs; a
    path raised to ``k > 0`` keeps its order, so one ``searchsorted`` per row suffices.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        x = level_ratio ** (1.0 / k)
    low = np.searchsorted(-np.minimum.accumulate(path.low), -x, "left")
    high = np.searchsorted(np.maximum.accumulate(path.high), x, "left")
    out = np.where(s > 0, low, high)
    return np.where(np.isfinite(x), out, len(path))


def take(r: RowArrays, sel: np.ndarray) -> RowArrays:
    """The rows ``sel`` of ``r``."""
    return RowArrays(*(getattr(r, k)[sel] for k in RowArrays.__dataclass_fields__))
