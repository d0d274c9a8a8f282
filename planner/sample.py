"""The bundled sample plan: a dozen trades across the three buckets.

It holds the classic example (a directional BTC perpetual at 5x isolated risking 2 % of
capital), short hedges, market-making rows, a row whose stop lies beyond its liquidation price,
a funding alert and a basis alert. ``resources/sample_plan.xlsx`` is written from it by
``python resources/make_sample.py``.
"""

from __future__ import annotations

import pandas as pd

from planner.model import Plan
from planner.validate import type_trades
from planner.venues import shipped_venues

_HEAD = ("symbol", "bucket", "side", "venue", "entry_price", "leverage", "volatility_pct",
         "risk_pct", "stop_pct", "target_pct", "funding_pct", "index_price", "slippage_bps",
         "gas_usd", "oracle_delay_s", "notes")
_N = None
_ROWS = (
    ("BTCUSDT", "directional", "long", "Binance", 65000, 5, 3.0, 2.0, _N, 12, 0.01, 64950, 5, 0,
     0, "Classic: 2 % of capital, 5x isolated, stop at 2σ"),
    ("ETHUSDT", "directional", "long", "Bybit", 3200, 10, 4.0, 0.75, 5, 12, 0.01, _N, 5, 0, 0,
     "Breakout continuation"),
    ("SOL", "directional", "short", "Hyperliquid", 150, 3, 5.5, 0.5, _N, 15, 0.012, _N, 8, 0, 1,
     "Fade the pump; on-chain venue"),
    ("BTC-USD", "hedging", "short", "dYdX", 65100, 3, 3.0, 0.5, 7, _N, 0.01, _N, 5, 0, 2,
     "Tail hedge for the BTC long"),
    ("ETHUSDT", "hedging", "short", "Binance", 3205, 4, 4.0, 0.25, 9, _N, 0.01, _N, 5, 0, 0,
     "Beta hedge"),
    ("BTCUSDT", "market-making", "long", "Binance", 64990, 2, 3.0, 0.25, 1.0, 0.8, 0.01, _N, 1,
     0, 0, "Inventory bid"),
    ("ETHUSDT", "market-making", "short", "Bybit", 3201, 2, 4.0, 0.25, 1.2, 1.0, 0.01, _N, 1, 0,
     0, "Inventory offer"),
    ("DOGEUSDT", "directional", "long", "Binance", 0.16, 20, 7.0, 0.25, 8, 20, 0.01, _N, 10, 0,
     0, "Stop beyond liquidation at 20x: the alert shows"),
    ("ARB-USD", "directional", "long", "dYdX", 1.05, 5, 6.0, 0.25, _N, 18, 0.06, _N, 10, 0, 3,
     "Funding at 0.06 %/8h: alert"),
    ("AVAXUSDT", "directional", "short", "Binance", 35, 5, 6.0, 0.25, _N, _N, 0.01, 35.6, 8, 0,
     0, "Perp below index: basis alert"),
    ("LINK", "hedging", "long", "Hyperliquid", 14, 3, 5.0, 0.25, _N, _N, -0.005, _N, 8, 0, 1,
     "Short-squeeze hedge"),
    ("XRPUSDT", "market-making", "long", "Generic", 0.52, 3, 4.0, 0.25, 1.5, 1.5, 0.01, _N, 3,
     0, 0, "Quote both sides"),
)


def sample_plan() -> Plan:
    """Return the bundled sample plan (default settings and scenarios, shipped venues)."""
    raw = pd.DataFrame(list(_ROWS), columns=list(_HEAD), index=range(2, len(_ROWS) + 2))
    venues = shipped_venues()
    return Plan(trades=type_trades(raw, venues), venues=venues)
