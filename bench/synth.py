"""Synthetic plans of any size for benchmarks (built vectorised, typed, never saved)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner import Plan, shipped_venues  # noqa: E402
from planner.model import DEFAULT_BUCKETS  # noqa: E402
from planner.schema import INPUTS  # noqa: E402

#: Symbols naming a shipped venue instrument (several spellings), with a typical price each.
INSTRUMENT_SYMBOLS = {"BTCUSDT": 60_000.0, "BTC-PERP": 60_000.0, "ETH": 3_000.0,
                      "ETH/USDC:USDC": 3_000.0, "SOLUSDT": 150.0, "SOL-USDT-SWAP": 150.0,
                      "DOGEUSDT": 0.15, "doge": 0.15}
#: Share of the rows whose symbol names an instrument (lot and tick rounding, own tiers).
INSTRUMENT_SHARE = 0.25


def _symbols_and_entries(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A quarter of the rows on an instrument (near its typical price), the rest on others."""
    names = np.array(list(INSTRUMENT_SYMBOLS), dtype=object)
    prices = np.array(list(INSTRUMENT_SYMBOLS.values()))
    pick = rng.integers(0, len(names), n)
    on_instrument = rng.random(n) < INSTRUMENT_SHARE
    other = np.array([f"SYM{i}" for i in range(64)], dtype=object)[rng.integers(0, 64, n)]
    entry = np.exp(rng.uniform(np.log(0.1), np.log(70_000), n))
    return (np.where(on_instrument, names[pick], other),
            np.where(on_instrument, prices[pick] * rng.lognormal(0.0, 0.2, n), entry))


def synthetic_trades(n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` plausible trades across buckets, sides and the shipped venues (typed frame).

    A quarter of the rows name a shipped instrument (BTC, ETH, SOL, DOGE, in several
    spellings), so their quantities and prices are rounded to its lot and tick.
    """
    rng = np.random.default_rng(seed)
    venues = np.array(list(shipped_venues()), dtype=object)
    symbol, entry = _symbols_and_entries(rng, n)
    cols = {
        "symbol": symbol,
        "bucket": np.array(DEFAULT_BUCKETS, dtype=object)[rng.integers(0, 3, n)],
        "side": np.array(["long", "short"], dtype=object)[rng.integers(0, 2, n)],
        "venue": venues[rng.integers(0, len(venues), n)],
        "entry_price": entry,
        "leverage": rng.integers(1, 20, n).astype(float),
        "volatility_pct": rng.uniform(1, 8, n),
        "risk_pct": rng.uniform(0.01, 0.1, n),
        "stop_pct": np.where(rng.random(n) < 0.5, np.nan, rng.uniform(1, 10, n)),
        "target_pct": np.where(rng.random(n) < 0.5, np.nan, rng.uniform(2, 20, n)),
        "funding_pct": rng.normal(0.01, 0.02, n),
        "index_price": np.where(rng.random(n) < 0.7, np.nan, entry * rng.normal(1, 0.005, n)),
        "slippage_bps": rng.uniform(0, 20, n),
        "gas_usd": np.where(rng.random(n) < 0.8, 0.0, rng.uniform(0, 2, n)),
        "extra_margin_usd": np.zeros(n),
        "sizing": np.array(["risk", "margin"], dtype=object)[(rng.random(n) < 0.1).astype(int)],
        "fee_mode": np.array(["taker", "maker"], dtype=object)[(rng.random(n) < 0.2).astype(int)],
        "oracle_delay_s": np.where(rng.random(n) < 0.8, 0.0, rng.uniform(0, 5, n)),
        "notes": np.full(n, "", dtype=object),
    }
    frame = pd.DataFrame({c.key: pd.Series(cols[c.key], dtype=object if c.dtype != "float"
                                           else float) for c in INPUTS})
    return frame


def synthetic_plan(n: int, seed: int = 1) -> Plan:
    """A plan of ``n`` synthetic trades with default settings and the shipped venues."""
    return Plan(trades=synthetic_trades(n, seed), venues=shipped_venues())


def loaded_plan(n: int, seed: int = 1) -> Plan:
    """The synthetic plan of ``n`` rows saved as a workbook and opened again, as users get it.

    Benchmarks time plans on this path: the app and the CLI always open plans from a workbook,
    and a plan built in memory can hide a cost of that path (a per-row list in pandas ``attrs``
    once made a loaded plan compute seven times slower than the synthetic one).
    """
    import tempfile

    from planner.io import load_plan, save_plan

    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        path = Path(tmp) / f"plan-{n}.xlsx"
        save_plan(synthetic_plan(n, seed), path)
        return load_plan(path)
