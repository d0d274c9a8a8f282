"""Closing a planned trade: the journal row that keeps everything it was planned with.

The row carries the plan's symbol, bucket, side, venue (the plan's default venue when the row
names none), leverage, σ at plan time (``volatility_pct``), the planned stop price and the
planned risk ``risk_usd`` (= 1R), and what happened (exit price and time, fees, funding
received; the actual entry and quantity default to the planned ones). The row is validated like
any imported row, so a bad fill is refused with the field named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from planner.engine.core import Results
from planner.errors import CellIssue, PlanError
from planner.journal.frame import parse_journal
from planner.model import Plan

SHEET = "Close trade"
_NUMBERS = ("exit_price", "fees_usd", "funding_usd", "entry_price", "quantity")


@dataclass(frozen=True)
class Fill:
    """What happened to a planned trade.

    Attributes:
        exit_price: Average exit price, quote currency (> 0).
        closed_at: When it was closed (timezone-aware; stored as UTC).
        fees_usd: Fees paid over the trade, USD (positive = cost).
        funding_usd: Funding over the trade, USD, signed as received (negative = paid).
        entry_price: Actual average entry, or ``None`` for the planned entry.
        quantity: Quantity closed, or ``None`` for the planned quantity.
        opened_at: When it was opened (timezone-aware), or ``None``.
        notes: Notes; "" keeps the plan row's notes.
    """

    exit_price: float
    closed_at: pd.Timestamp
    fees_usd: float = 0.0
    funding_usd: float = 0.0
    entry_price: float | None = None
    quantity: float | None = None
    opened_at: pd.Timestamp | None = None
    notes: str = ""


def planned_fields(plan: Plan, results: Results, row: int) -> dict[str, object]:
    """What the plan row ``row`` (0-based) was planned with, as journal fields."""
    r = results.rows.iloc[row]
    return {
        "symbol": r["symbol"], "bucket": r["bucket"], "side": r["side"],
        "venue": r["venue"] or plan.settings.default_venue,
        "entry_price": float(r["entry_price"]), "quantity": float(r["quantity"]),
        "leverage": float(r["leverage"]), "planned_vol_pct": float(r["volatility_pct"]),
        "planned_stop_price": float(r["stop_price"]), "planned_risk_usd": float(r["risk_usd"]),
        "notes": r["notes"],
    }


def closed_trades(plan: Plan, results: Results, rows: list[int],
                  fills: list[Fill]) -> pd.DataFrame:
    """Journal rows for closing plan rows ``rows`` with ``fills`` (same length).

    Returns:
        A typed journal frame, one row per closed trade.

    Raises:
        PlanError: A fill is invalid (each issue names the trade's symbol and the field).
    """
    outside = [r for r in rows if not 0 <= r < len(results.rows)]
    if outside:
        raise PlanError(f"row {outside[0] + 1} is not in the plan")
    bad = [i for row, fill in zip(rows, fills, strict=True) for i in _fill_issues(row, fill)]
    if bad:
        raise PlanError(bad)
    records = []
    for row, fill in zip(rows, fills, strict=True):
        rec = planned_fields(plan, results, row)
        rec.update(exit_price=fill.exit_price, closed_at=fill.closed_at,
                   opened_at=fill.opened_at, fees_usd=fill.fees_usd,
                   funding_usd=fill.funding_usd)
        if fill.entry_price is not None:
            rec["entry_price"] = fill.entry_price
        if fill.quantity is not None:
            rec["quantity"] = fill.quantity
        if fill.notes:
            rec["notes"] = fill.notes
        records.append(rec)
    raw = pd.DataFrame.from_records(records, index=[r + 2 for r in rows])
    parsed = parse_journal(raw, sheet=SHEET)
    if parsed.issues:
        raise PlanError(list(parsed.issues))
    return parsed.frame.reset_index(drop=True)


def _fill_issues(row: int, fill: Fill) -> list[CellIssue]:
    """Numbers of a fill that are not finite (NaN would silently become a default)."""
    out = []
    for name in _NUMBERS:
        value = getattr(fill, name)
        if value is None and name in ("entry_price", "quantity"):
            continue          # the planned one
        try:
            ok = math.isfinite(float(value))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            out.append(CellIssue(SHEET, row + 2, name, f"{name} must be a finite number, got "
                                                       f"{value!r}"))
    return out
