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


class ChunkCodes:
    """Integer codes for a text column (the bucket), factorised chunk by chunk, thread-safe.

    Each chunk factorises its own slice (:meth:`add`); :meth:`finish` maps the chunks' local
    codes to one numbering. Blank or missing values get the name ``""``.
    """

    def __init__(self) -> None:
        self._parts: list[tuple[slice, np.ndarray, list[Any]]] = []

    def add(self, rows: slice, values: np.ndarray) -> None:
        """Factorise ``values``, the column at ``rows``."""
        codes, uniques = pd.factorize(values)
        self._parts.append((rows, codes, list(uniques)))  # list.append is atomic

    def finish(self, n: int) -> tuple[np.ndarray, list[str]]:
        """``(codes, names)`` for all ``n`` rows: ``names[codes[i]]`` is row i's value."""
        codes, names = np.zeros(n, dtype=np.intp), {}  # type: ignore[var-annotated]
        for rows, local, uniques in self._parts:
            lookup = [names.setdefault(str(u), len(names)) for u in uniques]
            lookup.append(names.setdefault("", len(names)))  # local code −1: missing
            codes[rows] = np.asarray(lookup, dtype=np.intp)[local]
        return codes, list(names)


LIQ_KEYS = tuple(f"liquidated_{n}" for n in SCENARIO_NAMES)


def _complete_columns(rows: pd.DataFrame, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The columns ``keys`` of the complete rows, as arrays (views when every row is complete)."""
    ok = complete(rows)
    every = bool(ok.all())
    return {k: rows[k].to_numpy() if every else rows[k].to_numpy()[ok] for k in keys}


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


def bucket_table(rows: pd.DataFrame, settings: Settings,
                 codes: tuple[np.ndarray, list[str]] | None = None) -> pd.DataFrame:
    """One row per bucket (columns :data:`BUCKET_KEYS`).

    Count, notional, margin, risk, heat, margin use, scenario P&L, liquidations and the
    recovery % of the summed loss.

    Args:
        rows: The result rows.
        settings: Plan settings (capital).
        codes: The bucket column already factorised for every row, as ``(codes, names)``
            (see :class:`ChunkCodes`); ``None`` = factorise ``rows["bucket"]`` here.
    """
    ok = complete(rows)
    if codes is None:
        found = ChunkCodes()
        found.add(slice(None), rows["bucket"].to_numpy(dtype=object))
        codes = found.finish(len(rows))
    row_codes = codes[0] if ok.all() else codes[0][ok]
    cols = _complete_columns(rows, (*SUM_KEYS, *LIQ_KEYS))
    k = len(codes[1])
    data: dict[str, Any] = {"count": np.bincount(row_codes, minlength=k)}
    for key in SUM_KEYS:
        data[key] = np.bincount(row_codes, weights=np.asarray(cols[key], dtype=float),
                                minlength=k)
    for n in SCENARIO_NAMES:
        flags = np.asarray(cols[f"liquidated_{n}"], dtype=float)
        data[f"liquidations_{n}"] = np.bincount(row_codes, weights=flags, minlength=k).astype(int)
    t = pd.DataFrame(data, index=pd.Index(codes[1], dtype=object, name="bucket"))
    t = _derive(t[t["count"] > 0].copy(), settings.capital_usd)
    t = t.reindex(bucket_order(list(t.index))).reset_index()
    return t[list(BUCKET_KEYS)]


def plan_totals(rows: pd.DataFrame, settings: Settings) -> dict[str, Any]:
    """Plan totals: the bucket columns over all rows, plus heat cap, alerts and the worst tail.

    Returns:
        A flat dict of plain Python numbers (JSON-ready; NaN where undefined).
    """
    c = settings.capital_usd
    rows = _complete_columns(rows, (*SUM_KEYS, *LIQ_KEYS, "risk_pct", "alert_count"))
    count = len(rows["risk_pct"])
    tot: dict[str, Any] = {"count": count}
    for k in SUM_KEYS:
        tot[k] = float(np.nansum(rows[k]))
    for n in SCENARIO_NAMES:
        tot[f"liquidations_{n}"] = int(np.count_nonzero(rows[f"liquidated_{n}"]))
        tot[f"recovery_{n}_pct"] = float(_recovery(tot[f"pnl_{n}_usd"], c))
    tot["heat_pct"] = float(np.nansum(rows["risk_pct"])) if count else 0.0
    tot["margin_use_pct"] = tot["margin_usd"] / c * 100.0
    tot["heat_cap_pct"] = settings.heat_cap_pct
    tot["heat_over_cap"] = bool(tot["heat_pct"] > settings.heat_cap_pct)
    tot["capital_usd"] = c
    tot["rows_with_alerts"] = int(np.count_nonzero(rows["alert_count"])) if count else 0
    tot["alerts"] = int(np.sum(rows["alert_count"])) if count else 0
    tot["worst_tail_pnl_usd"] = float(np.fmin.reduce(rows["pnl_tail_usd"])) if count else 0.0
    return tot
