"""Builders for market-data tests: candles and Binance-style files, generated in code."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from planner.market.binance import FUNDING_HEADER, KLINE_HEADER

T0_US = 1_704_067_200_000_000          # 2024-01-01 00:00 UTC
HOUR_US = 3_600_000_000


def candles(n: int, *, step_us: int = HOUR_US, start_us: int = T0_US, seed: int = 1,
            sigma: float = 0.01, price: float = 100.0) -> pd.DataFrame:
    """``n`` random-walk candles (log-normal closes, open = previous close, wicks around)."""
    rng = np.random.default_rng(seed)
    close = price * np.exp(np.cumsum(rng.normal(0.0, sigma, n)))
    open_ = np.concatenate([[price], close[:-1]])
    wick = np.abs(rng.normal(0.0, sigma / 2, (2, n)))
    high = np.maximum(open_, close) * np.exp(wick[0])
    low = np.minimum(open_, close) * np.exp(-wick[1])
    return pd.DataFrame({"open_time": start_us + step_us * np.arange(n, dtype=np.int64),
                         "open": open_, "high": high, "low": low, "close": close,
                         "volume": rng.uniform(1, 10, n)})


def kline_text(frame: pd.DataFrame, *, header: bool = False, micros: bool = False,
               step_us: int = HOUR_US) -> str:
    """Binance kline CSV text of ``frame`` (times in ms, or µs when ``micros``)."""
    div = 1 if micros else 1000
    t = frame["open_time"].to_numpy() // div
    close_t = (frame["open_time"].to_numpy() + step_us - 1) // div
    lines = [",".join(KLINE_HEADER)] if header else []
    for i in range(len(frame)):
        o, h, lo, c, v = (repr(float(frame[k].iat[i])) for k in
                          ("open", "high", "low", "close", "volume"))
        lines.append(f"{t[i]},{o},{h},{lo},{c},{v},{close_t[i]},0,10,0,0,0")
    return "\n".join(lines) + "\n"


def write_kline(folder: Path, frame: pd.DataFrame, *, name: str = "BTCUSDT-1h-2024-01",
                zipped: bool = True, **kw: object) -> Path:
    """Write ``frame`` as a Binance kline file (``.zip`` holding the ``.csv``, or the csv)."""
    text = kline_text(frame, **kw)  # type: ignore[arg-type]
    if not zipped:
        path = folder / f"{name}.csv"
        path.write_text(text)
        return path
    path = folder / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}.csv", text)
    return path


def write_funding(folder: Path, times_ms: list[int], rates: list[float], hours: int = 8, *,
                  name: str = "BTCUSDT-fundingRate-2024-01") -> Path:
    """A Binance funding-rate file (``.csv``)."""
    lines = [",".join(FUNDING_HEADER)] + [f"{t},{hours},{r}" for t, r in
                                          zip(times_ms, rates, strict=True)]
    path = folder / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path
