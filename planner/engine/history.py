"""What the plan's price and funding history changes in the rows (SPEC §11).

σ: a typed σ always wins. A blank one takes the σ of the plan's history snapshot
(:attr:`planner.model.Plan.history`) for the row's base coin; with none the row stays a draft.
Everything downstream sees the resolved σ as if it had been typed, so sizing, bands,
probabilities, drafts and totals follow it; the row's own Vol cell stays blank.

Funding (setting ``funding_from_history``): the stressed scenario pays the 95th percentile of
the coin's funding rate (a short the 5th: it pays when the rate is negative) and the tail
scenario the 99th (1st) — or the planned rate when that costs more; rows whose coin has no
funding history keep ``funding_mult``.

Tails (setting ``tail_model = empirical``, SPEC §9): a row whose coin carries an empirical tail
table takes its touch probabilities from it; the others use Student-t. ``tail_used`` says which
per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.engine.inputs import HIST_FUNDING, TAIL_CODE
from planner.model import Plan, SymbolFacts, base_symbol

#: Empirical tail tables, (down, up) sorted excursions in trailing σ, by table index.
Tables = tuple[tuple[NDArray[np.float64], NDArray[np.float64]], ...]
TYPED = "typed"
#: ``tail_used`` prefixes (tail_model = empirical): a table of the coin's history, or none.
EMPIRICAL = "empirical: "
FALLBACK = "student-t: too little history for "
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
            scenario the funding rate from history, signed % per 8 h (NaN: none), and
            ``tail_code``, the row's index in ``tails`` (NaN: none).
        tail_used: Per row the law of its touch probabilities (``tail_used`` column).
        tails: The empirical tail tables (``tail_model = empirical``).
    """

    trades: pd.DataFrame
    source: NDArray[np.object_]
    tail_used: NDArray[np.object_]
    extra: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    tails: Tables = ()


def resolved(plan: Plan) -> Resolved:
    """Fill blank σ from the plan's history and pick the history funding (module docstring)."""
    typed = plan.trades["volatility_pct"].to_numpy(dtype=float, na_value=np.nan)
    blank = np.isnan(typed)
    # Labels by indexing a two- or one-element array: np.where on text and np.full with an
    # object fill build every row's string one by one (≈ 8 ms each at 100,000 rows).
    source = np.array(["", TYPED], dtype=object)[(~blank).view(np.int8)]
    model = plan.settings.tail_model
    used = np.array([model], dtype=object)[np.zeros(len(typed), dtype=np.intp)]
    if not plan.history and model != "empirical":
        return Resolved(plan.trades, source, used)
    codes, facts, coins = _facts_per_symbol(plan)
    extra = _funding(plan, codes, facts) if plan.settings.funding_from_history else {}
    tails: Tables = ()
    if model == "empirical":
        tail_code, used, tails = _tail_tables(codes, facts, coins)
        extra[TAIL_CODE] = tail_code
    trades = plan.trades
    sigma = _field(facts, "sigma_pct")[codes]
    fill = blank & (sigma > 0)
    if fill.any():
        labels = np.array([f.source if f else "" for f in facts] + [""], dtype=object)
        source[fill] = labels[codes][fill]
        trades = trades.assign(volatility_pct=np.where(fill, sigma, typed))
    return Resolved(trades, source, used, extra, tails)


def _tail_tables(codes: NDArray[np.intp], facts: list[SymbolFacts | None],
                 coins: list[str]) -> tuple[NDArray[np.float64], NDArray[np.object_], Tables]:
    """Per row the index of its coin's tail table (NaN: none) and its ``tail_used`` label."""
    unique = list(dict.fromkeys(f for f in facts if f is not None and f.has_tails))
    index = {f.symbol: i for i, f in enumerate(unique)}
    per_code = np.array([index.get(f.symbol, np.nan) if f else np.nan for f in facts]
                        + [np.nan], dtype=float)
    labels = [EMPIRICAL + f.tail_source if f is not None and f.has_tails else FALLBACK + c
              for f, c in zip(facts, coins, strict=True)]
    used = np.array(labels + [FALLBACK], dtype=object)[codes]
    tables = tuple((np.asarray(f.tail_down, dtype=float), np.asarray(f.tail_up, dtype=float))
                   for f in unique)
    return per_code[codes], used, tables


def _facts_per_symbol(plan: Plan
                      ) -> tuple[NDArray[np.intp], list[SymbolFacts | None], list[str]]:
    """Per row the code of its symbol; per code its base coin and that coin's facts.

    Facts are ``None`` for a coin the history lacks. Code −1 (a blank symbol) reads the last
    entry of the per-code arrays built from the lists.
    """
    by_base = {f.symbol: f for f in plan.history}
    symbols = pd.Series(plan.trades["symbol"].to_numpy(dtype=object), dtype=object).fillna("")
    codes, uniques = pd.factorize(symbols)
    coins = [base_symbol(u) for u in uniques]
    return codes, [by_base.get(c) for c in coins], coins


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
