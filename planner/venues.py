"""Shipped venue profiles (``resources/venues/*.json``) and tier helpers.

Tier tables change over time; every shipped profile carries the date its numbers were taken from
and the planner never claims they are current. Users edit tiers in the grid or the workbook.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from planner.model import FORMULAS, GENERIC_VENUE, Instrument, Tier, VenueProfile, base_symbol

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
VENUE_DIR = RESOURCES / "venues"


def derive_maintenance_amounts(
    max_notionals: Sequence[float], mmr_pcts: Sequence[float], first: float = 0.0
) -> list[float]:
    """Derive each tier's maintenance amount ("cum") from the tier table.

    Binance and Bybit make maintenance margin continuous across tiers:
    ``cum_n = cum_(n-1) + floor_n × (mmr_n − mmr_(n-1))`` where ``floor_n`` is the previous
    tier's upper bound.

    Args:
        max_notionals: Upper bound of each tier, USD, ascending.
        mmr_pcts: Maintenance margin rate of each tier, %.
        first: Maintenance amount of the first tier, USD.

    Returns:
        The maintenance amount of each tier, USD.
    """
    out = [float(first)]
    for i in range(1, len(mmr_pcts)):
        out.append(out[-1] + max_notionals[i - 1] * (mmr_pcts[i] - mmr_pcts[i - 1]) / 100.0)
    return out


def tier_from_dict(d: dict[str, Any]) -> Tier:
    """Build a :class:`Tier` from a JSON mapping (``max_notional_usd: null`` = unbounded)."""
    mx = d.get("max_notional_usd")
    return Tier(
        max_notional_usd=math.inf if mx is None else float(mx),
        max_leverage=float(d["max_leverage"]),
        mmr_pct=float(d["mmr_pct"]),
        maintenance_amount_usd=float(d.get("maintenance_amount_usd") or 0.0),
    )


def _tiers_from(items: Iterable[dict[str, Any]], where: str) -> tuple[Tier, ...]:
    """Sorted tiers from JSON mappings; two tiers with the same bound are refused (SPEC §10)."""
    tiers = tuple(sorted((tier_from_dict(t) for t in items), key=lambda t: t.max_notional_usd))
    bounds = [t.max_notional_usd for t in tiers]
    if not tiers:
        raise ValueError(f"{where}: no tiers")
    if len(set(bounds)) != len(bounds):
        raise ValueError(f"{where}: two tiers share a bound "
                         f"({sorted(b for b in bounds if bounds.count(b) > 1)[0]:,.0f} USD)")
    return tiers


def _step(d: dict[str, Any], key: str) -> float:
    x = float(d.get(key) or 0.0)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{key} must be a finite number ≥ 0, got {d.get(key)!r}")
    return x


def instrument_from_dict(d: dict[str, Any], venue: VenueProfile) -> Instrument:
    """Build an :class:`Instrument`; without ``tiers`` it takes the venue's default table.

    Raises:
        ValueError: A blank symbol, bad tiers, or a negative tick, lot step or minimum.
    """
    symbol = base_symbol(d.get("symbol"))
    where = f"venue {venue.name!r}, instrument {symbol!r}"
    if not symbol:
        raise ValueError(f"venue {venue.name!r}: an instrument needs a symbol")
    tiers = _tiers_from(d["tiers"], where) if d.get("tiers") else venue.tiers
    return Instrument(symbol=symbol, tiers=tiers, tick_size=_step(d, "tick_size"),
                      lot_step=_step(d, "lot_step"),
                      min_notional_usd=_step(d, "min_notional_usd"),
                      funding_interval_hours=float(d.get("funding_interval_hours")
                                                   or venue.funding_interval_hours),
                      as_of=str(d.get("as_of", "")), source=str(d.get("source", "")))


def profile_from_dict(d: dict[str, Any]) -> VenueProfile:
    """Build a :class:`VenueProfile` from a JSON mapping, checking its formula family.

    Raises:
        ValueError: An unknown formula family, two tiers with the same bound (SPEC §10), or
            two instruments for one symbol.
    """
    formula = str(d.get("formula", "binance")).lower()
    if formula not in FORMULAS:
        raise ValueError(f"venue {d.get('name')!r}: unknown formula {formula!r}")
    venue = VenueProfile(
        name=str(d["name"]),
        formula=formula,
        taker_fee_pct=float(d.get("taker_fee_pct", 0.05)),
        maker_fee_pct=float(d.get("maker_fee_pct", 0.02)),
        funding_interval_hours=float(d.get("funding_interval_hours", 8.0)),
        tiers=_tiers_from(d["tiers"], f"venue {d.get('name')!r}"),
        as_of=str(d.get("as_of", "")),
        source=str(d.get("source", "")),
        tick_size=_step(d, "tick_size"),
        lot_step=_step(d, "lot_step"),
        min_notional_usd=_step(d, "min_notional_usd"),
    )
    instruments = tuple(instrument_from_dict(i, venue) for i in d.get("instruments") or ())
    symbols = [i.symbol for i in instruments]
    if len(set(symbols)) != len(symbols):
        twin = next(x for x in symbols if symbols.count(x) > 1)
        raise ValueError(f"venue {venue.name!r}: two instruments for {twin!r}")
    return replace(venue, instruments=instruments)


def _tiers_to(tiers: Iterable[Tier]) -> list[dict[str, Any]]:
    return [{"max_notional_usd": None if math.isinf(t.max_notional_usd) else t.max_notional_usd,
             "max_leverage": t.max_leverage, "mmr_pct": t.mmr_pct,
             "maintenance_amount_usd": t.maintenance_amount_usd} for t in tiers]


def profile_to_dict(v: VenueProfile) -> dict[str, Any]:
    """Return a JSON-ready mapping of a profile (inverse of :func:`profile_from_dict`)."""
    return {
        "name": v.name,
        "formula": v.formula,
        "taker_fee_pct": v.taker_fee_pct,
        "maker_fee_pct": v.maker_fee_pct,
        "funding_interval_hours": v.funding_interval_hours,
        "tick_size": v.tick_size,
        "lot_step": v.lot_step,
        "min_notional_usd": v.min_notional_usd,
        "as_of": v.as_of,
        "source": v.source,
        "tiers": _tiers_to(v.tiers),
        "instruments": [
            {"symbol": i.symbol, "tick_size": i.tick_size, "lot_step": i.lot_step,
             "min_notional_usd": i.min_notional_usd,
             "funding_interval_hours": i.funding_interval_hours, "as_of": i.as_of,
             "source": i.source, "tiers": _tiers_to(i.tiers)}
            for i in v.instruments],
    }


@cache
def _shipped() -> tuple[VenueProfile, ...]:
    profiles = [profile_from_dict(json.loads(p.read_text(encoding="utf-8")))
                for p in sorted(VENUE_DIR.glob("*.json"))]
    return tuple(profiles) or (GENERIC_VENUE,)


def shipped_venues() -> dict[str, VenueProfile]:
    """Return the profiles shipped in ``resources/venues``, Generic first, by name."""
    profiles = sorted(_shipped(), key=lambda v: (v.name != "Generic", v.name.lower()))
    return {v.name: v for v in profiles}


def merge_venues(*groups: Iterable[VenueProfile]) -> dict[str, VenueProfile]:
    """Merge profile groups by name, case-insensitively; later groups win.

    A plan's ``binance`` replaces the shipped ``Binance`` (names are unique whatever their
    case, SPEC §10), taking its spelling.
    """
    out: dict[str, VenueProfile] = {}
    for g in groups:
        for v in g:
            for old in [k for k in out if k.lower() == v.name.lower()]:
                del out[old]
            out[v.name] = v
    return out
