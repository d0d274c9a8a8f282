"""Write a small, generated sample of market data to import (nothing is downloaded).

Four months (2024-01 to 2024-04) of hourly BTCUSDT and ETHUSDT candles — a random walk with a
crash of about 30 % over two days in March, a one-hour gap down inside it — as Binance-style
monthly zips, and BTCUSDT funding every 8 hours with a spike during the crash.

Usage: ``python resources/make_sample_market.py FOLDER`` then
``python main.py market import FOLDER/*.zip`` (or *Plan → Market data… → Import files…*).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

T0_MS = 1_704_067_200_000          # 2024-01-01 00:00 UTC
HOUR_MS = 3_600_000
HOURS = 24 * (31 + 29 + 31 + 30)
CRASH = 24 * (31 + 29 + 11)         # 2024-03-12 00:00


def candles(price: float, sigma: float, beta: float, seed: int) -> pd.DataFrame:
    """Hourly candles: log returns with ``sigma`` per hour, the crash scaled by ``beta``."""
    rng = np.random.default_rng(seed)
    steps = rng.standard_t(4, HOURS) * sigma / np.sqrt(2.0)
    steps[CRASH:CRASH + 48] -= beta * 0.006
    steps[CRASH + 30] -= beta * 0.05
    close = price * np.exp(np.cumsum(steps))
    open_ = np.r_[price, close[:-1]]
    open_[CRASH + 30] = close[CRASH + 30] * 1.002          # the gap: opens far below the close
    wick = np.abs(rng.normal(0.0, sigma / 2, (2, HOURS)))
    return pd.DataFrame({"open_time": T0_MS + HOUR_MS * np.arange(HOURS),
                         "open": open_, "high": np.maximum(open_, close) * np.exp(wick[0]),
                         "low": np.minimum(open_, close) * np.exp(-wick[1]), "close": close,
                         "volume": rng.uniform(100, 1000, HOURS)})


def write_zip(path: Path, frame: pd.DataFrame, header: bool = False) -> None:
    """One Binance-style zip holding ``frame`` as ``<stem>.csv``."""
    buf = io.StringIO()
    frame.to_csv(buf, header=header, index=False, float_format="%.6f")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(path.with_suffix(".csv").name, buf.getvalue())


def klines(folder: Path, symbol: str, frame: pd.DataFrame) -> None:
    """Monthly kline zips (Binance's 12 columns, no header row, times in ms)."""
    full = frame.assign(close_time=frame["open_time"] + HOUR_MS - 1, quote_volume=0.0,
                        count=100, taker_buy_volume=0.0, taker_buy_quote_volume=0.0, ignore=0)
    month = pd.to_datetime(full["open_time"], unit="ms").dt.month
    for m, part in full.groupby(month):
        write_zip(folder / f"{symbol}-1h-2024-{int(m):02d}.zip", part)


def funding(folder: Path) -> None:
    """BTCUSDT funding every 8 hours; the rate spikes (negative) through the crash."""
    t = T0_MS + 8 * HOUR_MS * np.arange(HOURS // 8)
    rate = np.full(len(t), 0.0001)
    crash = (t >= T0_MS + CRASH * HOUR_MS) & (t < T0_MS + (CRASH + 72) * HOUR_MS)
    rate[crash] = -0.0015
    frame = pd.DataFrame({"calc_time": t, "funding_interval_hours": 8,
                          "last_funding_rate": rate})
    write_zip(folder / "BTCUSDT-fundingRate-2024-01.zip", frame, header=True)


def main(argv: list[str]) -> int:
    """Write the sample into the folder ``argv[0]``; return the exit code."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    klines(folder, "BTCUSDT", candles(42_000.0, 0.006, 1.0, seed=1))
    klines(folder, "ETHUSDT", candles(2_300.0, 0.008, 1.3, seed=2))
    funding(folder)
    print(f"wrote the sample market data to {folder}; import it with: python main.py market "
          f"import {folder}/*.zip")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
