"""A series of candles as plain arrays (what the estimators and the replay read)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.market.names import candles_per_day


@dataclass(frozen=True, eq=False)
class Candles:
    """Candles of one symbol and interval, in time order.

    Attributes:
        symbol: The stored series' symbol.
        interval: Candle interval (``1h``…).
        time: Open times, int64 µs since the epoch (UTC).
        open, high, low, close: Prices (float64).
        volume: Base-asset volume (float64).
    """

    symbol: str
    interval: str
    time: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return len(self.time)

    @property
    def per_day(self) -> float:
        """Candles per day of this interval."""
        return candles_per_day(self.interval)

    def window(self, start_us: int | None = None, end_us: int | None = None) -> Candles:
        """The candles opening in ``[start_us, end_us)`` (either end open when ``None``)."""
        lo = 0 if start_us is None else int(np.searchsorted(self.time, start_us, "left"))
        hi = len(self) if end_us is None else int(np.searchsorted(self.time, end_us, "left"))
        return self.take(slice(lo, hi))

    def last(self, n: int) -> Candles:
        """The last ``n`` candles (all when fewer)."""
        return self.take(slice(max(len(self) - n, 0), len(self)))

    def take(self, rows: slice | np.ndarray) -> Candles:
        """A subset of the candles (a slice or an index array)."""
        return Candles(self.symbol, self.interval, self.time[rows], self.open[rows],
                       self.high[rows], self.low[rows], self.close[rows], self.volume[rows])

    @classmethod
    def from_frame(cls, symbol: str, interval: str, frame: pd.DataFrame) -> Candles:
        """From a frame with ``open_time`` (µs) and ``open``…``volume`` columns."""
        cols = [frame[k].to_numpy(dtype=float) for k in ("open", "high", "low", "close",
                                                         "volume")]
        return cls(symbol, interval, frame["open_time"].to_numpy(dtype=np.int64), *cols)
