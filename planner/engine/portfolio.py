"""Bucket and plan aggregates (SPEC §6, first part)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from planner.model import DEFAULT_BUCKETS, SCENARIO_NAMES, Settings

SUM_KEYS = ("notional_usd", "margin_usd", "risk_usd",
            *(f"pnl_{n}_usd" for n in SCENARIO_NAMES))
BUCKET_KEYS = (
    "bucket", "count", "notional_usd", "margin_usd", "risk_usd", "heat_pct", "margin_use_pct",
    *(f"pnl_{n}_usd" for n in SCENARIO_NAMES),
    *(f"liquidations_{n}" for n in SCENARIO_NAMES),
    *(f"recovery_{n}_pct" for n in SCENARIO_NAMES),
)


def complete(columns: Any) -> np.ndarray:
    """Rows that have what the numbers need (entry > 0 and σ > 0); the others are drafts.

    Drafts (a row just inserted, a paste still being filled) get no alerts and stay out of
    heat, bucket and plan totals until they are complete.
    """
    entry = np.asarray(columns["entry_price"], dtype=float)
    vol = np.asarray(columns["volatility_pct"], dtype=float)
    with np.errstate(invalid="ignore"):
        return (entry > 0) & (vol > 0)


LIQ_KEYS = tuple(f"liquidated_{n}" for n in SCENARIO_NAMES)


def _complete_columns(rows: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Only the columns ``keys`` of the complete rows (no copy of the whole result frame)."""
    sub = rows[list(keys)]
    ok = complete(rows)
    return sub if ok.all() else sub[ok]


def bucket_order(names: list[str]) -> list[str]:
    """The three standard buckets first (in their order), then the user's, alphabetically."""
    std = [b for b in DEFAULT_BUCKETS if b in names]
    return std + sorted(set(names) - set(std), key=str.lower)


def _recovery(pnl_sum: Any, capital: float) -> Any:
    loss = np.maximum(-np.asarray(pnl_sum, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(loss >= capital, np.nan, loss / (capital - loss) * 100.0)


def _derive(t: pd.DataFrame, capital: float) -> pd.DataFrame:
    t["heat_pct"] = t["risk_usd"] / capital * 100.0
    t["margin_use_pct"] = t["margin_usd"] / capital * 100.0
    for n in SCENARIO_NAMES:
        t[f"recovery_{n}_pct"] = _recovery(t[f"pnl_{n}_usd"], capital)
    return t


def bucket_table(rows: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One row per bucket (columns :data:`BUCKET_KEYS`).

    Count, notional, margin, risk, heat, margin use, scenario P&L, liquidations and the
    recovery % of the summed loss.
    """
    rows = _complete_columns(rows, ("bucket", *SUM_KEYS, *LIQ_KEYS))
    codes, names = pd.factorize(rows["bucket"].to_numpy(dtype=object))
    k = len(names)
    data: dict[str, Any] = {"count": np.bincount(codes, minlength=k)}
    for key in SUM_KEYS:
        data[key] = np.bincount(codes, weights=rows[key].to_numpy(dtype=float), minlength=k)
    for n in SCENARIO_NAMES:
        flags = rows[f"liquidated_{n}"].to_numpy(dtype=float)
        data[f"liquidations_{n}"] = np.bincount(codes, weights=flags, minlength=k).astype(int)
    t = _derive(pd.DataFrame(data, index=pd.Index(list(names), dtype=object, name="bucket")),
                settings.capital_usd)
    t = t.reindex(bucket_order(list(t.index))).reset_index()
    return t[list(BUCKET_KEYS)]


def plan_totals(rows: pd.DataFrame, settings: Settings) -> dict[str, Any]:
    """Plan totals: the bucket columns over all rows, plus heat cap, alerts and the worst tail.

    Returns:
        A flat dict of plain Python numbers (JSON-ready; NaN where undefined).
    """
    c = settings.capital_usd
    rows = _complete_columns(rows, (*SUM_KEYS, *LIQ_KEYS, "risk_pct", "alert_count"))
    tot: dict[str, Any] = {"count": len(rows)}
    for k in SUM_KEYS:
        tot[k] = float(rows[k].sum())
    for n in SCENARIO_NAMES:
        tot[f"liquidations_{n}"] = int(rows[f"liquidated_{n}"].sum())
        tot[f"recovery_{n}_pct"] = float(_recovery(tot[f"pnl_{n}_usd"], c))
    tot["heat_pct"] = float(rows["risk_pct"].sum()) if len(rows) else 0.0
    tot["margin_use_pct"] = tot["margin_usd"] / c * 100.0
    tot["heat_cap_pct"] = settings.heat_cap_pct
    tot["heat_over_cap"] = bool(tot["heat_pct"] > settings.heat_cap_pct)
    tot["capital_usd"] = c
    tot["rows_with_alerts"] = int((rows["alert_count"] > 0).sum()) if len(rows) else 0
    tot["alerts"] = int(rows["alert_count"].sum()) if len(rows) else 0
    tot["worst_tail_pnl_usd"] = float(rows["pnl_tail_usd"].min()) if len(rows) else 0.0
    return tot
