"""Monte Carlo of the next N trades from the journal's own R-multiples (block bootstrap).

The journal's R-multiples (trades with a planned risk, in close order) are resampled in blocks of
consecutive trades — a circular block bootstrap — so losing streaks survive the resampling.
Each simulated trade risks ``risk_pct`` % of the equity at that point (fixed fractional, the
plan's risk per trade): ``equity ← equity × (1 + R × risk_pct / 100)``, floored at 0.

Per path: the final equity and the maximum drawdown (% of the running peak); over the paths:
their median, 5th and 95th percentiles, the probability of ruin (the equity falling below the
floor, ``floor_pct`` % of the starting capital, at any point), and a fan of equity percentiles
per trade. Seeded: the same journal and settings give the same figures. Vectorised over paths
and trades (no Python loop over either).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

FAN_PERCENTILES = (5, 25, 50, 75, 95)
MIN_TRADES = 2


@dataclass(frozen=True)
class MonteCarloSettings:
    """How to simulate.

    Attributes:
        trades: Trades simulated ahead (N, ≥ 1).
        paths: Simulated paths (≥ 100).
        block: Block length of the bootstrap, trades (≥ 1).
        risk_pct: Risk per trade, % of equity (> 0, ≤ 100).
        floor_pct: Ruin floor, % of the starting capital (0–100).
        seed: Random seed.
    """

    trades: int = 100
    paths: int = 2000
    block: int = 5
    risk_pct: float = 1.0
    floor_pct: float = 50.0
    seed: int = 7

    def problems(self) -> list[str]:
        """What makes the settings unusable, in plain words."""
        out = []
        if not 1 <= self.trades <= 100_000:
            out.append(f"Monte Carlo trades must be 1–100,000, got {self.trades}")
        if not 100 <= self.paths <= 100_000 or self.paths * self.trades > 50_000_000:
            out.append(f"Monte Carlo paths must be 100–100,000 (paths × trades ≤ 50 million), "
                       f"got {self.paths}")
        if not 1 <= self.block <= 1000:
            out.append(f"Monte Carlo block must be 1–1000 trades, got {self.block}")
        if not (0 < self.risk_pct <= 100 and math.isfinite(self.risk_pct)):
            out.append(f"risk per trade must be in (0, 100] %, got {self.risk_pct}")
        if not 0 <= self.floor_pct < 100:
            out.append(f"ruin floor must be in [0, 100) % of capital, got {self.floor_pct}")
        return out


def block_indices(n: int, trades: int, paths: int, block: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Indices ``(paths, trades)`` into a series of ``n``: circular blocks of ``block``."""
    blocks = -(-trades // block)
    starts = rng.integers(0, n, size=(paths, blocks))
    idx = (starts[:, :, None] + np.arange(block)) % n
    return idx.reshape(paths, blocks * block)[:, :trades]


def equity_paths(r: np.ndarray, capital: float, s: MonteCarloSettings) -> np.ndarray:
    """Equity after each simulated trade, shape ``(paths, trades + 1)`` (column 0 = capital)."""
    rng = np.random.default_rng(s.seed)
    draws = r[block_indices(len(r), s.trades, s.paths, s.block, rng)]
    growth = np.maximum(1.0 + draws * s.risk_pct / 100.0, 0.0)
    equity = capital * np.cumprod(growth, axis=1)
    return np.hstack([np.full((s.paths, 1), capital), equity])


def _summary(equity: np.ndarray, capital: float, floor_pct: float) -> dict[str, Any]:
    peak = np.maximum.accumulate(equity, axis=1)
    dd = np.max((peak - equity) / peak, axis=1) * 100.0
    final = equity[:, -1]
    q = (5, 50, 95)
    fe, md = np.percentile(final, q), np.percentile(dd, q)
    ruin = float(np.mean(equity.min(axis=1) < capital * floor_pct / 100.0))
    return {"final_equity_usd": {"p5": fe[0], "median": fe[1], "p95": fe[2]},
            "max_drawdown_pct": {"p5": md[0], "median": md[1], "p95": md[2]},
            "probability_of_ruin": ruin}


def fan(equity: np.ndarray) -> pd.DataFrame:
    """Equity percentiles (:data:`FAN_PERCENTILES`) after each trade, one row per trade."""
    q = np.percentile(equity, FAN_PERCENTILES, axis=0).T
    return pd.DataFrame(q, columns=[f"p{p}" for p in FAN_PERCENTILES])


def simulate(r: np.ndarray, capital: float, s: MonteCarloSettings) -> dict[str, Any] | None:
    """The Monte Carlo of one series of R-multiples, or ``None`` with fewer than 2 trades."""
    r = np.asarray(r, dtype=float)
    r = r[np.isfinite(r)]
    if len(r) < MIN_TRADES:
        return None
    equity = equity_paths(r, capital, s)
    return {"trades_sampled": len(r), **_summary(equity, capital, s.floor_pct),
            "fan": fan(equity)}


def monte_carlo(trades: pd.DataFrame, capital: float, s: MonteCarloSettings
                ) -> dict[str, Any]:
    """Overall and per-bucket Monte Carlo of a derived journal frame (close order).

    Raises:
        ValueError: The settings are unusable (the message says which).
    """
    problems = s.problems()
    if problems:
        raise ValueError("; ".join(problems))
    r = trades["r_multiple"].to_numpy(dtype=float)
    buckets = {str(b): simulate(r[(trades["bucket"] == b).to_numpy()], capital, s)
               for b in sorted(trades["bucket"].astype(str).unique())}
    return {"settings": {"trades": s.trades, "paths": s.paths, "block": s.block,
                         "risk_pct": s.risk_pct, "floor_pct": s.floor_pct, "seed": s.seed,
                         "capital_usd": capital},
            "overall": simulate(r, capital, s), "buckets": buckets}


def plan_risk_pct(plan_trades: pd.DataFrame) -> float | None:
    """The plan's risk per trade: the median ``risk_pct`` of its rows (``None`` when none)."""
    risk = plan_trades["risk_pct"].to_numpy(dtype=float) if "risk_pct" in plan_trades else \
        np.array([])
    risk = risk[np.isfinite(risk) & (risk > 0)]
    return float(np.median(risk)) if risk.size else None


def mc_document(mc: dict[str, Any]) -> dict[str, Any]:
    """The Monte Carlo as JSON-ready data (the fan as percentile lists; NaN-free)."""
    def one(res: dict[str, Any] | None) -> dict[str, Any] | None:
        if res is None:
            return None
        out = {k: v for k, v in res.items() if k != "fan"}
        out["fan"] = {c: [float(x) for x in res["fan"][c]] for c in res["fan"].columns}
        return _plain(out)
    return {"settings": mc["settings"], "overall": one(mc["overall"]),
            "buckets": {b: one(v) for b, v in mc["buckets"].items()}}


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, (np.floating, float)):
        return float(v) if math.isfinite(float(v)) else None
    if isinstance(v, np.integer):
        return int(v)
    return v
