"""One trade's price ladder, to scale: levels and the coloured zones between them.

Levels: entry, target, the trim / stop / review bands, liquidation, bankruptcy and the scenario
prices. A label-spreading helper keeps their labels apart.

A *zone* is a band of prices with one meaning for the trader: the profit side, noise (hold),
the trim band, beyond the stop (the stop should have filled) and liquidated. Zones are computed
as adverse distances from entry, so a stop that lies beyond the liquidation price simply falls
inside the liquidated zone — which is what the alert says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.charts.tables import price_text
from planner.engine.core import Results
from planner.model import SCENARIO_NAMES

F64 = NDArray[np.float64]


#: Price-ladder levels, top of the table first for a long (fixed order; missing ones are NaN).
LEVEL_KEYS = ("target", "entry", "trim", "stop", "review", "liquidation", "bankruptcy",
              *(f"scenario_{n}" for n in SCENARIO_NAMES))
#: Price-ladder zones, from the favourable side to the liquidation side.
ZONE_KEYS = ("profit", "noise", "trim", "beyond_stop", "liquidation")


@dataclass(frozen=True)
class Level:
    """One horizontal level of a price ladder.

    Attributes:
        key: One of :data:`LEVEL_KEYS`.
        label: Text, e.g. ``Stop −6.0 % · 61,100``.
        price: Price in quote currency (NaN when the trade has no such level).
    """

    key: str
    label: str
    price: float


@dataclass(frozen=True)
class Zone:
    """A coloured band of a price ladder between two prices (``lo == hi`` when empty).

    Attributes:
        key: One of :data:`ZONE_KEYS`.
        label: Short description.
        lo: Lower price.
        hi: Upper price.
    """

    key: str
    label: str
    lo: float
    hi: float


@dataclass(frozen=True)
class Ladder:
    """One trade's price ladder, to scale.

    Attributes:
        title: Symbol, side, leverage, venue.
        subtitle: How far the liquidation is and whether the stop fills first.
        side: +1 long, −1 short.
        entry: Entry price.
        levels: One :class:`Level` per :data:`LEVEL_KEYS` entry, in that order.
        zones: One :class:`Zone` per :data:`ZONE_KEYS` entry, in that order.
        ylim: Price range to show ``(low, high)``.
    """

    title: str
    subtitle: str
    side: int
    entry: float
    levels: tuple[Level, ...]
    zones: tuple[Zone, ...]
    ylim: tuple[float, float]


def _move_text(price: float, entry: float) -> str:
    pct = (price / entry - 1.0) * 100.0
    return f"{pct:+.2f} %".replace("-", "−") if abs(pct) < 1 else \
        f"{pct:+.1f} %".replace("-", "−")


def _level_prices(r: dict[str, Any]) -> dict[str, float]:
    e, s = float(r["entry_price"]), 1.0 if r["side"] == "long" else -1.0
    tgt = float(r["target_pct"]) if r["target_pct"] is not None else math.nan
    p = {"target": e * (1 + s * tgt / 100.0), "entry": e}
    for k in ("trim", "stop", "review", "liquidation", "bankruptcy"):
        p[k] = float(r[f"{k}_price"])
    p.update({f"scenario_{n}": float(r[f"price_{n}"]) for n in SCENARIO_NAMES})
    return p


def _level_label(key: str, price: float, r: dict[str, Any], trim_pct: float) -> str:
    move = _move_text(price, float(r["entry_price"]))
    if key == "entry":
        return f"Entry · {price_text(price)}"
    if key.startswith("scenario_"):
        n = key.removeprefix("scenario_")
        liq = " · liq." if r[f"liquidated_{n}"] else ""
        return f"{n.capitalize()} {move} · {price_text(price)}{liq}"
    name = {"trim": f"Trim {trim_pct:g} %"}.get(key, key.capitalize())
    return f"{name} {move} · {price_text(price)}"


def _ladder_subtitle(r: dict[str, Any]) -> str:
    dist = float(r["liq_distance_pct"])
    if math.isnan(dist):
        return "no liquidation price: the margin covers a fall to zero"
    head = f"liq. {dist:.1f} % away ({float(r['liq_distance_sigma']):.1f} σ)"
    if r["stop_beyond_liq"]:
        return head + " · stop beyond it: it can never fill"
    return head + f" · stop {float(r['stop_pct_used']):.1f} % away fills first"


def _ylim(prices: dict[str, float], side: float) -> tuple[float, float]:
    e = prices["entry"]
    fav = e + side * abs(e - prices["trim"])  # keep some room on the favourable side
    vals = np.array([v for v in [*prices.values(), fav] if math.isfinite(v)])
    lo, hi = float(vals.min()), float(vals.max())
    pad = 0.06 * (hi - lo) if hi > lo else 0.05 * e
    return max(lo - pad, 0.0) if lo >= 0 else lo - pad, hi + pad


def _zones(p: dict[str, float], side: float, ylim: tuple[float, float],
           trim_pct: float) -> tuple[Zone, ...]:
    e = p["entry"]

    def dist(price: float) -> float:
        return side * (e - price) / e if math.isfinite(price) else math.inf

    edge_adv = dist(ylim[0] if side > 0 else ylim[1])
    edge_fav = dist(ylim[1] if side > 0 else ylim[0])
    t, st, lq = dist(p["trim"]), dist(p["stop"]), min(dist(p["liquidation"]), edge_adv)
    spans = {"profit": (edge_fav, 0.0), "noise": (0.0, min(t, st, lq)),
             "trim": (min(t, st, lq), min(st, lq)), "beyond_stop": (min(st, lq), lq),
             "liquidation": (lq, edge_adv)}
    labels = {"profit": "profit side", "noise": "noise: hold", "trim": f"trim {trim_pct:g} %",
              "beyond_stop": "beyond the stop", "liquidation": "liquidated"}
    out = []
    for k in ZONE_KEYS:
        a, b = spans[k]
        pa, pb = e * (1 - side * a), e * (1 - side * max(a, b))
        out.append(Zone(k, labels[k], min(pa, pb), max(pa, pb)))
    return tuple(out)


def price_ladder(results: Results, index: int, row_number: int | None = None) -> Ladder | None:
    """The price ladder of row ``index`` (position in ``results.rows``).

    Returns None when there is no such row, or the row is still incomplete (no entry price or
    no size yet), so there is nothing to draw.

    Args:
        results: Computed plan.
        index: Row position, 0-based.
        row_number: Row number to show in the title (the grid's or the sheet's), optional.
    """
    if not 0 <= index < len(results.rows):
        return None
    r = results.rows.iloc[index].to_dict()
    if not _positive(r["entry_price"]) or not _positive(r["notional_usd"]):
        return None
    r["target_pct"] = None if _isnan(r["target_pct"]) else r["target_pct"]
    side = 1.0 if r["side"] == "long" else -1.0
    trim = results.settings.trim_fraction_pct
    prices = _level_prices(r)
    ylim = _ylim(prices, side)
    levels = tuple(Level(k, _level_label(k, prices[k], r, trim) if math.isfinite(prices[k])
                         else "", prices[k]) for k in LEVEL_KEYS)
    venue = r["venue"] or results.settings.default_venue
    where = f" · row {row_number}" if row_number is not None else ""
    title = f"{r['symbol']} {r['side']} {float(r['leverage']):g}x · {venue} · {r['bucket']}{where}"
    return Ladder(title, _ladder_subtitle(r), int(side), prices["entry"], levels,
                  _zones(prices, side, ylim, trim), ylim)


def _positive(v: object) -> bool:
    return isinstance(v, Real) and math.isfinite(float(v)) and float(v) > 0


def _isnan(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def spread_labels(y: F64 | list[float], gap: float, lo: float, hi: float) -> F64:
    """Label positions as close to ``y`` as possible, at least ``gap`` apart, inside [lo, hi].

    Overlapping labels are grouped and each group is centred on its members' mean; groups that
    spill past ``hi`` or ``lo`` are pushed back inside when there is room. Returns positions in
    the order of ``y``.
    """
    y = np.asarray(y, dtype=float)
    order = np.argsort(y, kind="stable")
    blocks: list[list[float]] = []
    for v in y[order]:
        blocks.append([float(v)])
        while len(blocks) > 1 and _start(blocks[-2], gap) + len(blocks[-2]) * gap > \
                _start(blocks[-1], gap):
            last = blocks.pop()
            blocks[-1] += last
    pos = np.concatenate([_start(b, gap) + gap * np.arange(len(b)) for b in blocks]) \
        if blocks else np.zeros(0)
    for i in range(len(pos) - 1, -1, -1):   # push down from the top
        pos[i] = min(pos[i], hi - gap * (len(pos) - 1 - i))
    for i in range(len(pos)):               # and up from the bottom
        pos[i] = max(pos[i], lo + gap * i)
    out = np.empty_like(pos)
    out[order] = pos
    return out


def _start(block: list[float], gap: float) -> float:
    return float(np.mean(block)) - (len(block) - 1) * gap / 2.0
