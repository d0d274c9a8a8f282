"""The price levels of one trade and where their labels go on the ladder (no Qt).

Levels come from a results row: entry, target, trim, stop, review, liquidation, bankruptcy and
the three scenario prices. :func:`spread_labels` moves labels apart so close levels stay
readable while each tick stays at its true price.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planner.model import SCENARIO_NAMES


@dataclass(frozen=True)
class Level:
    """One price on the ladder.

    Attributes:
        name: Label text, e.g. ``Stop``.
        price: Price, quote currency.
        kind: Colour key (``entry``, ``trim``, ``stop``, ``review``, ``liquidation``,
            ``bankruptcy``, ``scenario``, ``target``).
    """

    name: str
    price: float
    kind: str


def _num(values: Mapping[str, Any], key: str) -> float:
    v = values.get(key)
    try:
        x = float(v) if v is not None else math.nan
    except (TypeError, ValueError):
        return math.nan
    return x if math.isfinite(x) and x > 0 else math.nan


def trade_levels(values: Mapping[str, Any]) -> list[Level]:
    """The levels of one trade that have a price, highest first."""
    entry = _num(values, "entry_price")
    side = 1.0 if values.get("side", "long") != "short" else -1.0
    target = values.get("target_pct")
    out = [Level("Entry", entry, "entry")]
    if isinstance(target, (int, float)) and math.isfinite(target) and target > 0:
        out.append(Level("Target", entry * (1 + side * target / 100.0), "target"))
    for key, name, kind in (("trim_price", "Trim", "trim"), ("stop_price", "Stop", "stop"),
                            ("review_price", "Review", "review"),
                            ("liquidation_price", "Liquidation", "liquidation"),
                            ("bankruptcy_price", "Bankruptcy", "bankruptcy")):
        out.append(Level(name, _num(values, key), kind))
    for n in SCENARIO_NAMES:
        out.append(Level(n.capitalize(), _num(values, f"price_{n}"), "scenario"))
    return sorted((lv for lv in out if not math.isnan(lv.price)), key=lambda lv: -lv.price)


def price_range(levels: Sequence[Level], pad: float = 0.06) -> tuple[float, float]:
    """Low and high of the axis: every level, with a margin of ``pad`` of the span."""
    prices = [lv.price for lv in levels]
    lo, hi = min(prices), max(prices)
    span = hi - lo or abs(hi) * 0.02 or 1.0
    return lo - span * pad, hi + span * pad


def spread_labels(ys: Sequence[float], gap: float, top: float, bottom: float) -> list[float]:
    """Label positions close to ``ys`` (ascending) but at least ``gap`` apart, within bounds.

    Labels are pushed down from the top, then back up from the bottom if they overflow.
    """
    out = list(ys)
    for i in range(len(out)):
        out[i] = max(out[i], top if i == 0 else out[i - 1] + gap)
    for i in range(len(out) - 1, -1, -1):
        limit = bottom if i == len(out) - 1 else out[i + 1] - gap
        out[i] = min(out[i], limit)
    return out


def distance_pct(price: float, entry: float) -> float:
    """Signed distance of ``price`` from ``entry``, % of entry."""
    return (price / entry - 1.0) * 100.0 if entry else math.nan
