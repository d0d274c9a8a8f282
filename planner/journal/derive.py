"""Derived journal columns (SPEC §7), vectorised over a typed journal frame.

* ``realized_pnl_usd = s·(exit − entry)·Q − fees + funding`` (funding signed as received); when a
  price field is missing, the P&L the source reported (``reported_pnl_usd``);
* ``r_multiple = realized_pnl_usd / planned_risk_usd`` (blank without a planned risk);
* ``move_pct = |exit/entry − 1| × 100`` and ``move_sigma = move / σ`` (σ = planned daily vol);
* ``band``: the smallest scenario whose planned move covers the realized move — ``normal``,
  ``stressed``, ``tail`` — or ``beyond tail``; blank when the move or σ is unknown. A scenario's
  move is ``max(sigma_move·σ, min_move_pct/100)``, as in the plan (SPEC §5);
* ``stop_hit``: the exit is at or beyond the planned stop price.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from planner.model import DEFAULT_SCENARIOS, Scenario

BANDS = ("normal", "stressed", "tail", "beyond tail")
_TOLERANCE = 1e-9  # a move equal to a scenario's move (up to rounding) is inside it
DERIVED_KEYS = ("realized_pnl_usd", "r_multiple", "move_pct", "move_sigma", "band", "stop_hit")


def side_sign(side: pd.Series) -> np.ndarray:
    """``+1`` for long, ``-1`` for short."""
    return np.where(side.to_numpy() == "short", -1.0, 1.0)


def realized_pnl(frame: pd.DataFrame) -> np.ndarray:
    """Realized P&L per trade, USD: from prices when all are given, else the reported figure."""
    s = side_sign(frame["side"])
    entry, exit_, qty = (frame[k].to_numpy(dtype=float)
                         for k in ("entry_price", "exit_price", "quantity"))
    fees = np.nan_to_num(frame["fees_usd"].to_numpy(dtype=float))
    funding = np.nan_to_num(frame["funding_usd"].to_numpy(dtype=float))
    priced = s * (exit_ - entry) * qty - fees + funding
    return np.where(np.isnan(priced), frame["reported_pnl_usd"].to_numpy(dtype=float), priced)


def _thresholds(vol: np.ndarray, scenarios: Sequence[Scenario]) -> np.ndarray:
    """Each scenario's planned move in σ units, per trade: shape (trades, scenarios)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        cols = [np.maximum(sc.sigma_move, (sc.min_move_pct / 100.0) / vol) for sc in scenarios]
    return np.column_stack(cols) if cols else np.empty((len(vol), 0))


def bands(move_sigma: np.ndarray, vol: np.ndarray,
          scenarios: Sequence[Scenario] = DEFAULT_SCENARIOS) -> np.ndarray:
    """Name of the band each realized move falls in ("" when unknown)."""
    limits = _thresholds(vol, scenarios)
    code = (move_sigma[:, None] > limits * (1 + _TOLERANCE)).sum(axis=1)
    names = np.array(BANDS[: len(scenarios)] + ("beyond tail",), dtype=object)
    out = names[np.minimum(code, len(names) - 1)]
    out[np.isnan(move_sigma)] = ""
    return out


def _stop_hit(frame: pd.DataFrame) -> np.ndarray:
    stop = frame["planned_stop_price"].to_numpy(dtype=float)
    exit_ = frame["exit_price"].to_numpy(dtype=float)
    short = frame["side"].to_numpy() == "short"
    with np.errstate(invalid="ignore"):
        return np.where(short, exit_ >= stop, exit_ <= stop) & ~np.isnan(stop) & ~np.isnan(exit_)


def derive(frame: pd.DataFrame,
           scenarios: Sequence[Scenario] = DEFAULT_SCENARIOS) -> pd.DataFrame:
    """Return ``frame`` with the derived columns :data:`DERIVED_KEYS` added (a copy)."""
    out = frame.copy()
    pnl = realized_pnl(frame)
    risk = frame["planned_risk_usd"].to_numpy(dtype=float)
    entry = frame["entry_price"].to_numpy(dtype=float)
    vol = frame["planned_vol_pct"].to_numpy(dtype=float) / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        move = np.abs(frame["exit_price"].to_numpy(dtype=float) / entry - 1.0)
        move_sigma = move / vol
    out["realized_pnl_usd"] = pnl
    out["r_multiple"] = pnl / risk
    out["move_pct"] = move * 100.0
    out["move_sigma"] = move_sigma
    out["band"] = bands(move_sigma, vol, scenarios)
    out["stop_hit"] = _stop_hit(frame)
    return out
