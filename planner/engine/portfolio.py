"""Bucket and plan aggregates (SPEC §6, first part)."""

from __future__ import annotations

from dataclasses import dataclass
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
#: What :class:`Partial` sums per bucket (``count`` = rows) and over the plan.
AGG_KEYS = ("count", *SUM_KEYS, *LIQ_KEYS)
TOTAL_KEYS = (*AGG_KEYS, "risk_pct", "alert_count", "rows_with_alerts")


@dataclass(frozen=True)
class Partial:
    """Bucket and plan sums over some rows; partials of disjoint rows merge exactly.

    The engine builds one per chunk while the chunk is in cache, then merges them.

    Attributes:
        names: Bucket names, in order of first appearance.
        by_bucket: Shape ``(len(names), len(AGG_KEYS))``: count and sums per bucket (a NaN
            value makes its bucket's sum NaN).
        totals: Shape ``(len(TOTAL_KEYS),)``: the plan sums (NaN values skipped).
        worst_tail: Lowest tail P&L, USD (NaN if none).
    """

    names: tuple[str, ...]
    by_bucket: np.ndarray
    totals: np.ndarray
    worst_tail: float

    @classmethod
    def of(cls, columns: Any) -> Partial:
        """Aggregate the complete rows of ``columns`` (a frame or a mapping of arrays)."""
        ok = complete(columns)
        every = bool(ok.all())

        def col(key: str) -> np.ndarray:
            values = np.asarray(columns[key])
            return values if every else values[ok]

        codes, names = pd.factorize(col("bucket").astype(object))
        names = [str(u) for u in names]
        if (codes < 0).any():  # missing bucket: the blank one
            codes = np.where(codes < 0, len(names), codes)
            names.append("")
        k = len(names)
        by_bucket = np.empty((k, len(AGG_KEYS)))
        by_bucket[:, 0] = np.bincount(codes, minlength=k)
        totals = np.empty(len(TOTAL_KEYS))
        totals[0] = len(codes)
        for j, key in enumerate(AGG_KEYS[1:], start=1):
            values = np.asarray(col(key), dtype=float)
            by_bucket[:, j] = np.bincount(codes, weights=values, minlength=k)
            # the plan skips NaN values (buckets do not): re-add only if a bucket has one
            sums = by_bucket[:, j]
            totals[j] = np.nansum(values) if np.isnan(sums).any() else sums.sum()
        alerts = np.asarray(col("alert_count"), dtype=float)
        totals[len(AGG_KEYS):] = (np.nansum(np.asarray(col("risk_pct"), dtype=float)),
                                  alerts.sum(), np.count_nonzero(alerts))
        worst = float(np.fmin.reduce(col("pnl_tail_usd"))) if len(codes) else float("nan")
        return cls(tuple(names), by_bucket, totals, worst)

    def replaced(self, old: Partial, new: Partial, worst_tail: float) -> Partial | None:
        """These sums with the rows of ``old`` taken out and those of ``new`` put in.

        What :func:`planner.engine.update` uses after an edit of a few rows, instead of
        summing every row again. ``None`` when a sum involved is NaN (NaN cannot be taken
        out again): then the caller sums every row.

        Args:
            old: The partial of the edited rows before the edit.
            new: The partial of the same rows after it.
            worst_tail: The lowest tail P&L over every row after the edit, USD.
        """
        if any(np.isnan(p.by_bucket).any() for p in (self, old, new)):
            return None
        merged = Partial.merge([self, new])
        index = {n: i for i, n in enumerate(merged.names)}
        by_bucket = merged.by_bucket.copy()
        by_bucket[[index[n] for n in old.names]] -= old.by_bucket
        keep = by_bucket[:, 0] > 0.5  # a bucket whose last row left it is gone
        totals = self.totals - old.totals + new.totals
        return Partial(tuple(n for n, k in zip(merged.names, keep, strict=True) if k),
                       by_bucket[keep], totals, worst_tail)

    @staticmethod
    def merge(parts: list[Partial]) -> Partial:
        """One partial for the rows of all ``parts``."""
        names: dict[str, int] = {}
        for p in parts:
            for name in p.names:
                names.setdefault(name, len(names))
        by_bucket = np.zeros((len(names), len(AGG_KEYS)))
        for p in parts:
            by_bucket[[names[n] for n in p.names]] += p.by_bucket
        totals = np.sum([p.totals for p in parts], axis=0) if parts else np.zeros(len(TOTAL_KEYS))
        worst = float(np.fmin.reduce([p.worst_tail for p in parts])) if parts else float("nan")
        return Partial(tuple(names), by_bucket, totals, worst)


def bucket_order(names: list[str]) -> list[str]:
    """The three standard buckets first (in their order), then the user's, alphabetically."""
    std = [b for b in DEFAULT_BUCKETS if b in names]
    return std + sorted(set(names) - set(std), key=str.lower)


def _recovery(pnl_sum: Any, capital: float) -> Any:
    loss = np.maximum(-np.asarray(pnl_sum, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(loss >= capital, np.nan, loss / (capital - loss) * 100.0)


def bucket_table(source: pd.DataFrame | Partial, settings: Settings) -> pd.DataFrame:
    """One row per bucket (columns :data:`BUCKET_KEYS`).

    Count, notional, margin, risk, heat, margin use, scenario P&L, liquidations and the
    recovery % of the summed loss.

    Args:
        source: The result rows, or their :class:`Partial` (what the engine passes).
        settings: Plan settings (capital).
    """
    p = source if isinstance(source, Partial) else Partial.of(source)
    names = list(p.names)
    order = [names.index(n) for n in bucket_order(names)]
    sums = {k: p.by_bucket[order, j] for j, k in enumerate(AGG_KEYS)}
    capital = settings.capital_usd
    cols: dict[str, Any] = {"bucket": np.array([names[i] for i in order], dtype=object),
                            "count": sums["count"].astype(int)}
    cols.update({k: sums[k] for k in SUM_KEYS})
    cols["heat_pct"] = sums["risk_usd"] / capital * 100.0
    cols["margin_use_pct"] = sums["margin_usd"] / capital * 100.0
    for n in SCENARIO_NAMES:
        cols[f"liquidations_{n}"] = sums[f"liquidated_{n}"].astype(int)
        cols[f"recovery_{n}_pct"] = _recovery(sums[f"pnl_{n}_usd"], capital)
    return pd.DataFrame({k: cols[k] for k in BUCKET_KEYS})


def plan_totals(source: pd.DataFrame | Partial, settings: Settings) -> dict[str, Any]:
    """Plan totals: the bucket columns over all rows, plus heat cap, alerts and the worst tail.

    Args:
        source: The result rows, or their :class:`Partial` (what the engine passes).
        settings: Plan settings (capital, heat cap).

    Returns:
        A flat dict of plain Python numbers (JSON-ready; NaN where undefined).
    """
    p = source if isinstance(source, Partial) else Partial.of(source)
    c = settings.capital_usd
    sums = dict(zip(TOTAL_KEYS, p.totals.tolist(), strict=True))
    count = int(sums["count"])
    tot: dict[str, Any] = {"count": count}
    for k in SUM_KEYS:
        tot[k] = sums[k]
    for n in SCENARIO_NAMES:
        tot[f"liquidations_{n}"] = int(sums[f"liquidated_{n}"])
        tot[f"recovery_{n}_pct"] = float(_recovery(tot[f"pnl_{n}_usd"], c))
    tot["heat_pct"] = sums["risk_pct"] if count else 0.0
    tot["margin_use_pct"] = tot["margin_usd"] / c * 100.0
    tot["heat_cap_pct"] = settings.heat_cap_pct
    tot["heat_over_cap"] = bool(tot["heat_pct"] > settings.heat_cap_pct)
    tot["capital_usd"] = c
    tot["rows_with_alerts"] = int(sums["rows_with_alerts"]) if count else 0
    tot["alerts"] = int(sums["alert_count"]) if count else 0
    tot["worst_tail_pnl_usd"] = p.worst_tail if count else 0.0
    return tot
