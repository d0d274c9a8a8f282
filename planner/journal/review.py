"""A review of the journal over a filter: what the Journal tab and ``journal stats`` show.

:func:`review` derives, filters and summarises in one pass; :func:`stats_document` is the JSON
document of ``journal stats --json`` (the same figures as the tab). In JSON, undefined ratios
are ``null``; an infinite profit factor (wins and no loss) is ``null`` with
``"profit_factor_infinite": true``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.journal.derive import derive
from planner.journal.filters import JournalFilter
from planner.journal.stats import (
    band_counts,
    bucket_table,
    equity_curve,
    in_close_order,
    summary,
)
from planner.journal.times import iso_utc
from planner.model import DEFAULT_SCENARIOS, Scenario, Settings

DEFAULT_CAPITAL = Settings().capital_usd
#: Per-trade fields of the plan-vs-outcome view (JSON ``trades`` / ``tail_events``).
OUTCOME_KEYS = ("id", "closed_at", "symbol", "bucket", "side", "venue", "realized_pnl_usd",
                "r_multiple", "planned_vol_pct", "move_pct", "move_sigma", "band", "stop_hit",
                "exit_kind", "tags")


@dataclass(frozen=True, eq=False)
class Review:
    """Statistics of the trades a filter keeps.

    Attributes:
        trades: The kept trades in close order, with the derived columns.
        summary: The §7 statistics (``stats.SUMMARY_KEYS``; NaN where undefined).
        buckets: Per-bucket attribution (``stats.BUCKET_KEYS``).
        bands: Trades per scenario band.
        curve: Equity curve (``stats.equity_curve``).
        capital: Starting capital of the curve, USD.
        filter: The filter applied.
    """

    trades: pd.DataFrame
    summary: dict[str, float]
    buckets: pd.DataFrame
    bands: dict[str, int]
    curve: pd.DataFrame
    capital: float
    filter: JournalFilter = field(default_factory=JournalFilter)


def review(frame: pd.DataFrame, flt: JournalFilter | None = None,
           capital: float = DEFAULT_CAPITAL,
           scenarios: Sequence[Scenario] = DEFAULT_SCENARIOS) -> Review:
    """Derive, filter and summarise journal trades.

    Args:
        frame: Typed journal frame (as the store returns it).
        flt: Which trades to keep (default: all).
        capital: Starting capital for the equity curve and drawdowns, USD (> 0).
        scenarios: Scenarios that define the bands (the plan's, or the defaults).

    Raises:
        ValueError: ``capital`` is not a positive number.
    """
    if not (capital > 0 and math.isfinite(capital)):
        raise ValueError(f"capital must be a positive number of USD, got {capital!r}")
    flt = flt or JournalFilter()
    kept = in_close_order(derive(flt.apply(frame), scenarios))
    curve = equity_curve(kept, capital)
    return Review(kept, summary(kept, capital, curve), bucket_table(kept), band_counts(kept),
                  curve, capital, flt)


def _clean(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def outcome_records(trades: pd.DataFrame) -> list[dict[str, Any]]:
    """The plan-vs-outcome rows as JSON-ready dicts (:data:`OUTCOME_KEYS`)."""
    cols = {k: (iso_utc(trades[k]) if k == "closed_at" else trades[k]).to_numpy(dtype=object)
            for k in OUTCOME_KEYS if k in trades}
    return [{k: _clean(a[i]) for k, a in cols.items()} for i in range(len(trades))]


def stats_document(rv: Review, *, with_trades: bool = False) -> dict[str, Any]:
    """The ``journal stats --json`` document."""
    s = {k: _clean(v) for k, v in rv.summary.items()}
    s["profit_factor_infinite"] = rv.summary["profit_factor"] == math.inf
    buckets = [{k: _clean(v) for k, v in rec.items()}
               for rec in rv.buckets.to_dict(orient="records")]
    tail = rv.trades[rv.trades["band"].isin(["tail", "beyond tail"])]
    from planner.journal.stats import tag_table

    tags = [{k: _clean(v) for k, v in rec.items()}
            for rec in tag_table(rv.trades).to_dict(orient="records")]
    doc = {**s, "capital_usd": rv.capital,
           "final_equity_usd": rv.capital + (rv.summary["total_pnl_usd"] or 0.0),
           "filter": rv.filter.describe(), "buckets": buckets, "tags": tags, "bands": rv.bands,
           "tail_events": outcome_records(tail)}
    if with_trades:
        doc["trades"] = outcome_records(rv.trades)
    return doc
