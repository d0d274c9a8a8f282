"""Per-row sizing, margin, liquidation, bands, costs and basis (SPEC §4). Vectorised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.engine.inputs import RowArrays, TierArrays, VenueArrays, tier_arrays
from planner.engine.margin import (
    bankruptcy_price,
    has_liquidation,
    liquidation_raw,
    safe_leverage,
)
from planner.engine.markets import TierTable
from planner.engine.orders import floor_to_step, round_away
from planner.model import Scenario, Settings, VenueProfile

F64 = NDArray[np.float64]

#: Funding rates are quoted per 8 hours on every venue (the unit traders compare them in).
FUNDING_QUOTE_HOURS = 8.0


@dataclass(frozen=True)
class Sized:
    """Intermediate per-row quantities shared by the scenario and cross computations.

    Attributes:
        stop: Stop distance used, fraction.
        funding: Funding over the horizon, fraction of notional (positive = pays).
        delay: Oracle-delay slip, fraction.
        periods: The horizon in 8-hour units (``horizon_hours / 8``): funding is quoted per
            8 h, and a venue that settles every ``k`` hours charges ``f × k/8`` each time, so
            the venue's interval does not change the total (SPEC §4).
        notional: N, USD.
        quantity: Q, base units.
        margin: M, USD.
        liq: Liquidation price (NaN = none).
        dist: Liquidation distance, fraction (inf = none).
        tiers: The tier chosen per row.
        loss: Loss at the stop per unit of notional, fraction (stop, fees, slippage, delay and
            funding paid).
        risk_usd: The risk budget, USD.
        funding_usd: Funding paid over the horizon at the planned rate, USD (negative = earned).
        spike_usd: Funding over the horizon at the absolute rate, USD (what a scenario's funding
            multiplier scales on top of the planned funding).
        at_entry: Liquidated at entry (SPEC §10): the tier's maintenance margin at the entry
            notional, ``N·mmr − cum``, is at least the margin posted.
        fees: Entry plus exit fee, fraction of N (:func:`round_trip_fee`).
    """

    stop: F64
    funding: F64
    delay: F64
    periods: F64
    notional: F64
    quantity: F64
    margin: F64
    liq: F64
    dist: F64
    tiers: TierArrays
    loss: F64
    risk_usd: F64
    funding_usd: F64
    spike_usd: F64
    at_entry: NDArray[np.bool_]
    fees: F64


def scenario_move(sc: Scenario, sigma: F64) -> F64:
    """Adverse move of a scenario per row, fraction: ``max(sigma_move·σ, min_move_pct/100)``."""
    return np.maximum(sc.sigma_move * sigma, sc.min_move_pct / 100.0)


def size_rows(
    a: RowArrays, v: VenueArrays, settings: Settings,
    venues: Sequence[VenueProfile] | TierTable,
) -> Sized:
    """Size every row by risk (or margin) and place its liquidation price.

    Args:
        a: The rows' inputs.
        v: The rows' venue and market parameters.
        settings: Plan settings.
        venues: One profile per market (indexed by ``a.market_code``), or their tier table.
    """
    stop = np.where(np.isnan(a.stop), settings.stop_sigma * a.sigma, a.stop)
    periods = np.full(len(a.entry), settings.horizon_hours / FUNDING_QUOTE_HOURS)
    funding = a.s * a.f * periods
    delay = a.sigma * np.sqrt(a.delay_s / 86_400.0)
    fees = round_trip_fee(a, v)
    loss = stop + fees + 2 * a.slip + delay + np.maximum(funding, 0.0)
    risk_usd = settings.capital_usd * a.risk_pct / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        by_risk = np.maximum(risk_usd - 2 * a.gas, 0.0) / loss
        budget = np.where(a.by_margin, risk_usd * a.leverage, by_risk)
        # An order the venue accepts: the quantity rounded DOWN to the lot step (never more
        # risk than the budget); the notional follows the rounded quantity.
        quantity = floor_to_step(budget / a.entry, v.lot)
    notional = np.where(v.lot > 0, quantity * a.entry, budget)
    margin = notional / a.leverage + a.extra
    tiers = tier_arrays(a.market_code, notional, venues)
    raw = liquidation_raw(a.s, a.entry, quantity, margin, tiers.mmr, tiers.cum, v.family, v.fee)
    with np.errstate(invalid="ignore"):
        at_entry = (quantity > 0) & (notional * tiers.mmr - tiers.cum >= margin)
        shown = round_away(raw, v.tick, a.s)
        has = (quantity > 0) & has_liquidation(raw, a.entry) & (shown > 0)
    # Liquidated at entry: the formulas would put a long's price above its entry; it is the entry.
    liq = np.where(at_entry, a.entry, np.where(has, shown, np.nan))
    with np.errstate(invalid="ignore"):
        dist = np.where(at_entry, 0.0, np.where(
            has, np.maximum(a.s * (a.entry - liq) / a.entry, 0.0), np.inf))
    return Sized(stop, funding, delay, periods, notional, quantity, margin, liq, dist, tiers,
                 loss, risk_usd, notional * funding, notional * periods * np.abs(a.f), at_entry,
                 fees)


def round_trip_fee(a: RowArrays, v: VenueArrays) -> F64:
    """Entry plus exit fee, fraction of N (SPEC §10).

    The exit (a stop) always pays taker; the entry pays maker where ``fee_mode`` is ``maker``
    (a resting limit order), else taker.
    """
    return v.fee + np.where(a.maker_entry, v.maker, v.fee)


def _nan_if_inf(x: F64) -> F64:
    return np.where(np.isfinite(x), x, np.nan)


def row_outputs(
    a: RowArrays, v: VenueArrays, z: Sized, settings: Settings, stressed: Scenario
) -> dict[str, NDArray[Any]]:
    """The row-local outputs of SPEC §4 (everything but the plan-level heat alert)."""
    e, s, sig = a.entry, a.s, a.sigma
    d_stress = scenario_move(stressed, sig)
    safe = safe_leverage(s, d_stress, z.tiers.mmr)
    with np.errstate(divide="ignore", invalid="ignore"):
        basis = (e - a.index) / a.index * 100.0
        reward = a.target / z.stop
    stop_beyond = np.isfinite(z.dist) & (z.stop >= z.dist)
    return {
        "risk_usd": z.risk_usd,
        "risk_used_usd": z.notional * z.loss + 2 * a.gas,
        "instrument": v.instrument,
        "stop_pct_used": z.stop * 100.0,
        "loss_frac": z.loss,
        "notional_usd": z.notional,
        "quantity": z.quantity,
        "margin_usd": z.margin,
        "safe_leverage": safe,
        "tier_max_leverage": z.tiers.max_leverage,
        "mmr_pct": z.tiers.mmr * 100.0,
        "maintenance_amount_usd": z.tiers.cum,
        "maintenance_usd": z.notional * z.tiers.mmr - z.tiers.cum,
        "liquidation_price": z.liq,
        "bankruptcy_price": bankruptcy_price(s, e, z.quantity, z.margin),
        "liq_distance_pct": _nan_if_inf(z.dist * 100.0),
        "liq_distance_sigma": _nan_if_inf(z.dist / sig),
        "stop_beyond_liq": stop_beyond,
        "stop_price": round_away(e * (1 - s * z.stop), v.tick, s),
        "trim_price": round_away(e * (1 - s * settings.trim_sigma * sig), v.tick, s),
        "review_price": round_away(e * (1 - s * settings.review_sigma * sig), v.tick, s),
        "funding_frac": z.funding,
        "delay_frac": z.delay,
        "funding_usd": -z.funding_usd,
        "costs_usd": z.notional * (z.fees + 2 * a.slip) + 2 * a.gas,
        "basis_pct": basis,
        "reward_risk": reward,
        "alert_funding": np.abs(a.funding_pct) >= settings.funding_alert_pct,
        "alert_basis": np.fmax(np.abs(basis), 0.0) >= settings.basis_alert_pct,  # NaN: 0
        "alert_leverage_tier": (a.leverage > z.tiers.max_leverage * (1 + 1e-12))
        | z.tiers.overflow,
        "alert_leverage_safe": a.leverage > safe * (1 + 1e-12),
        "alert_liquidated_at_entry": z.at_entry,
        "alert_below_min_order": ~(z.quantity > 0) | (z.notional < v.min_notional),
    }


__all__ = ["Sized", "row_outputs", "scenario_move", "size_rows"]
