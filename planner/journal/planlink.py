"""Linking imported trades to the plan rows they were planned as (vectorised).

A trade is linked to the plan row with the same symbol and side. Symbols are compared by their
base coin, so a plan's ``BTCUSDT`` matches ``BTC`` (Hyperliquid), ``BTC-USD`` (dYdX) and
``BTC-USDT-SWAP`` (OKX). A linked trade takes the row's bucket, planned risk (1R), planned stop
price and σ, and its leverage when the export gives none. A trade with several candidate rows
takes none: the caller lists the candidates (headless) or asks (the app). Funding entries are
never linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from planner.journal.frame import Parsed
from planner.model import base_symbol as model_base

TAKEN = {"bucket": "bucket", "planned_risk_usd": "risk_usd",
         "planned_stop_price": "stop_price", "planned_vol_pct": "volatility_pct"}


def base_symbol(symbols: pd.Series) -> pd.Series:
    """The base coin of each symbol (``BTC-USDT-SWAP`` -> ``BTC``), by the plan's own rule.

    :func:`planner.model.base_symbol` (the rule that finds a row's instrument), applied once
    per distinct symbol.
    """
    codes, uniques = pd.factorize(symbols.astype(str), use_na_sentinel=False)
    bases = np.array([model_base(u) for u in uniques], dtype=object)
    return pd.Series(bases[codes] if len(codes) else [], index=symbols.index, dtype=object)


def candidates(plan_rows: pd.DataFrame, sheet_rows: Sequence[int] | None = None
               ) -> pd.DataFrame:
    """The plan's computed rows as link candidates (``plan_row`` = the sheet row)."""
    rows = sheet_rows if sheet_rows is not None else range(2, len(plan_rows) + 2)
    out = pd.DataFrame({"key": base_symbol(plan_rows["symbol"]).to_numpy(),
                        "side": plan_rows["side"].astype(str).str.lower().to_numpy(),
                        "plan_row": np.asarray(list(rows), dtype=int)})
    for key, src in {**TAKEN, "leverage": "leverage"}.items():
        out[key] = plan_rows[src].to_numpy()
    return out


def link(trades: pd.DataFrame, cands: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, list[int]]]:
    """Fill the planned fields of ``trades`` from their one matching plan row.

    Returns:
        ``(trades, ambiguous)``: the linked trades (a copy) and, for each trade with several
        candidates, its position -> the candidate plan rows.
    """
    key = pd.DataFrame({"key": base_symbol(trades["symbol"]).to_numpy(),
                        "side": trades["side"].to_numpy(), "pos": np.arange(len(trades))})
    key = key[trades["exit_kind"].to_numpy() != "funding"]
    m = key.merge(cands, on=["key", "side"], how="inner")
    count = m.groupby("pos")["plan_row"].transform("size")
    one, many = m[count == 1], m[count > 1]
    out = trades.copy()
    pos = one["pos"].to_numpy(dtype=int)
    for field, _ in TAKEN.items():
        col = out[field].to_numpy(dtype=object if field == "bucket" else float, copy=True)
        col[pos] = one[field].to_numpy()
        out[field] = col
    lev = out["leverage"].to_numpy(dtype=float, copy=True)
    lev[pos] = np.where(np.isnan(lev[pos]), one["leverage"].to_numpy(dtype=float), lev[pos])
    out["leverage"] = lev
    ambiguous = {int(p): sorted(g.tolist()) for p, g in many.groupby("pos")["plan_row"]}
    return out, ambiguous


def take_row(trades: pd.DataFrame, at: int, cands: pd.DataFrame,
             plan_row: int) -> pd.DataFrame:
    """Link the trade at position ``at`` to the candidate of sheet row ``plan_row`` (a copy)."""
    row = cands[cands["plan_row"] == plan_row].iloc[0]
    out = trades.copy()
    for field in TAKEN:
        col = out[field].to_numpy(dtype=object if field == "bucket" else float, copy=True)
        col[at] = row[field]
        out[field] = col
    if np.isnan(out["leverage"].iloc[at]):
        lev = out["leverage"].to_numpy(dtype=float, copy=True)
        lev[at] = float(row["leverage"])
        out["leverage"] = lev
    return out


def link_parsed(parsed: Sequence[Parsed], plan_rows: object) -> tuple[list[Parsed], list[str]]:
    """Link the good trades of each file; notes list the trades left unlinked by ambiguity.

    Args:
        parsed: Files read.
        plan_rows: ``(computed rows, sheet rows)`` of the plan, as :func:`plan_link_rows` gives.
    """
    rows: pd.DataFrame = plan_rows[0]  # type: ignore[index]
    sheet_rows: Sequence[int] | None = plan_rows[1]  # type: ignore[index]
    cands = candidates(rows, sheet_rows)
    out, notes = [], []
    for p in parsed:
        linked, ambiguous = link(p.frame, cands)
        out.append(replace(p, frame=linked))
        for at, plan_row_list in ambiguous.items():
            t = linked.iloc[at]
            notes.append(f"{p.source} line {linked.index[at]}: {t['symbol']} {t['side']} "
                         f"matches plan rows {', '.join(map(str, plan_row_list))}: not linked "
                         "(link it by hand, or keep one such row in the plan)")
    return out, notes


def plan_link_rows(plan_path: str) -> tuple[pd.DataFrame, Sequence[int] | None]:
    """A plan workbook's computed rows and sheet rows, for :func:`link_parsed`.

    Raises:
        PlanError: The plan cannot be read.
    """
    from planner import load_plan
    from planner.engine import compute

    plan = load_plan(plan_path)
    return compute(plan).rows, plan.sheet_rows
