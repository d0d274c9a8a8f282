"""Shipped venue profiles (``resources/venues/*.json``) and tier helpers.

Tier tables change over time; every shipped profile carries the date its numbers were taken from
and the planner never claims they are current. Users edit tiers in the grid or the workbook.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from planner.model import FORMULAS, GENERIC_VENUE, Tier, VenueProfile

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


def profile_from_dict(d: dict[str, Any]) -> VenueProfile:
    """Build a :class:`VenueProfile` from a JSON mapping, checking its formula family.

    Raises:
        ValueError: An unknown formula family, or two tiers with the same bound (SPEC §10).
    """
    formula = str(d.get("formula", "binance")).lower()
    if formula not in FORMULAS:
        raise ValueError(f"venue {d.get('name')!r}: unknown formula {formula!r}")
    tiers = tuple(sorted((tier_from_dict(t) for t in d["tiers"]),
                         key=lambda t: t.max_notional_usd))
    bounds = [t.max_notional_usd for t in tiers]
    if len(set(bounds)) != len(bounds):
        raise ValueError(f"venue {d.get('name')!r}: two tiers share a bound "
                         f"({sorted(b for b in bounds if bounds.count(b) > 1)[0]:,.0f} USD)")
    return VenueProfile(
        name=str(d["name"]),
        formula=formula,
        taker_fee_pct=float(d.get("taker_fee_pct", 0.05)),
        maker_fee_pct=float(d.get("maker_fee_pct", 0.02)),
        funding_interval_hours=float(d.get("funding_interval_hours", 8.0)),
        tiers=tiers,
        as_of=str(d.get("as_of", "")),
        source=str(d.get("source", "")),
    )


def profile_to_dict(v: VenueProfile) -> dict[str, Any]:
    """Return a JSON-ready mapping of a profile (inverse of :func:`profile_from_dict`)."""
    return {
        "name": v.name,
        "formula": v.formula,
        "taker_fee_pct": v.taker_fee_pct,
        "maker_fee_pct": v.maker_fee_pct,
        "funding_interval_hours": v.funding_interval_hours,
        "as_of": v.as_of,
        "source": v.source,
        "tiers": [
            {
                "max_notional_usd": None if math.isinf(t.max_notional_usd) else t.max_notional_usd,
                "max_leverage": t.max_leverage,
                "mmr_pct": t.mmr_pct,
                "maintenance_amount_usd": t.maintenance_amount_usd,
            }
            for t in v.tiers
        ],
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
