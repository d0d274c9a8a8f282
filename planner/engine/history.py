"""What the plan's price and funding history changes in the rows (SPEC §11).

σ: a typed σ always wins. A blank one takes the σ of the plan's history snapshot
(:attr:`planner.model.Plan.history`) for the row's base coin; with none the row stays a draft.
Everything downstream sees the resolved σ as if it had been typed, so sizing, bands,
probabilities, drafts and totals follow it; the row's own Vol cell stays blank.

Funding (setting ``funding_from_history``): the stressed scenario pays the 95th percentile of
the coin's funding rate (a short the 5th: it pays when the rate is negative) and the tail
scenario the 99th (1st) — or the planned rate when that costs more; rows whose coin has no
funding history keep ``funding_mult``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.engine.inputs import HIST_FUNDING
from planner.model import Plan, SymbolFacts, base_symbol

TYPED = "typed"
#: Scenario -> the percentiles a long and a short pay in it (SymbolFacts fields).
STRESS_PERCENTILES = {"stressed": ("funding_p95_pct", "funding_p05_pct"),
                      "tail": ("funding_p99_pct", "funding_p01_pct")}


@dataclass(frozen=True)
class Resolved:
    """The trades as the engine computes them.

    Attributes:
        trades: The plan's own frame when nothing is filled, else a copy whose
            ``volatility_pct`` holds the history σ (%) of blank cells.
        source: Per row ``typed``, the history's source label, or ``""`` (no σ: a draft).
        extra: Extra input columns for :func:`planner.engine.inputs.row_arrays`: per stress
            scenario the funding rate from history, signed % per 8 h (NaN: none).
    """

    trades: pd.DataFrame
    source: NDArray[np.object_]
    extra: dict[str, NDArray[np.float64]] = field(default_factory=dict)


def resolved(plan: Plan) -> Resolved:
    """Fill blank σ from the plan's history and pick the history funding (module docstring)."""
    typed = plan.trades["volatility_pct"].to_numpy(dtype=float, na_value=np.nan)
    blank = np.isnan(typed)
    source = np.where(blank, "", TYPED).astype(object)
    if not plan.history:
        return Resolved(plan.trades, source)
    codes, facts = _facts_per_symbol(plan)
    extra = _funding(plan, codes, facts) if plan.settings.funding_from_history else {}
    if not blank.any():
        return Resolved(plan.trades, source, extra)
    sigma = _field(facts, "sigma_pct")[codes]
    fill = blank & (sigma > 0)
    if not fill.any():
        return Resolved(plan.trades, source, extra)
    labels = np.array([f.source if f else "" for f in facts] + [""], dtype=object)
    source[fill] = labels[codes][fill]
    return Resolved(plan.trades.assign(volatility_pct=np.where(fill, sigma, typed)), source,
                    extra)


def _facts_per_symbol(plan: Plan) -> tuple[NDArray[np.intp], list[SymbolFacts | None]]:
    """Per row the code of its symbol, and per code the facts of its base coin (or ``None``).

    Code −1 (a blank symbol) reads the last entry of the per-code arrays built from the list.
    """
    by_base = {f.symbol: f for f in plan.history}
    symbols = pd.Series(plan.trades["symbol"].to_numpy(dtype=object), dtype=object).fillna("")
    codes, uniques = pd.factorize(symbols)
    return codes, [by_base.get(base_symbol(u)) for u in uniques]


def _field(facts: list[SymbolFacts | None], name: str) -> NDArray[np.float64]:
    """One numeric field per code, NaN where none, plus a trailing NaN for code −1."""
    return np.array([getattr(f, name) if f else np.nan for f in facts] + [np.nan], dtype=float)


def _funding(plan: Plan, codes: NDArray[np.intp],
             facts: list[SymbolFacts | None]) -> dict[str, NDArray[np.float64]]:
    long = plan.trades["side"].to_numpy(dtype=object) != "short"
    out = {}
    for name, (up, down) in STRESS_PERCENTILES.items():
        out[HIST_FUNDING + name] = np.where(long, _field(facts, up)[codes],
                                            _field(facts, down)[codes])
    return out
