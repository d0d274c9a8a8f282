"""Normal / stressed / tail scenarios per row (SPEC §5). Vectorised.

For each scenario: the adverse move, P&L with slippage, funding spike and gas (capped at the
isolated margin when liquidated), the liquidation flag, touch probabilities of the liquidation
price and of the stop within the horizon, and the recovery needed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.engine.inputs import RowArrays, VenueArrays
from planner.engine.probability import Barrier, Horizon
from planner.engine.rows import Sized, scenario_move
from planner.model import Scenario, Settings

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class ScenarioCosts:
    """What one scenario costs a row beyond the price move.

    Attributes:
        move: Adverse move, fraction.
        slip: Slippage per fill, fraction (× slippage_mult).
        gas: Gas for entry and exit, USD (× gas_mult).
        funding: Funding cost over the horizon, USD (a spike always worsens it).
        exit_costs: Fees, slippage and oracle-delay slip on entry and exit, fraction of N.
    """

    move: F64
    slip: F64
    gas: F64
    funding: F64
    exit_costs: F64


def scenario_costs(sc: Scenario, a: RowArrays, v: VenueArrays, z: Sized) -> ScenarioCosts:
    """Costs of scenario ``sc`` for every row."""
    slip = a.slip * sc.slippage_mult
    funding = z.funding_usd + (sc.funding_mult - 1.0) * z.spike_usd
    q = a.hist_funding.get(sc.name)
    if q is not None:  # funding_from_history: the stress pays the history's percentile
        paid = z.notional * z.periods * np.maximum(a.s * a.f, a.s * q)
        funding = np.where(np.isnan(q), funding, paid)
    exit_costs = z.fees + 2 * slip + z.delay * sc.vol_mult
    return ScenarioCosts(scenario_move(sc, a.sigma), slip, 2 * a.gas * sc.gas_mult, funding,
                         exit_costs)


def adverse_pnl(sc: Scenario, a: RowArrays, v: VenueArrays, z: Sized,
                c: ScenarioCosts) -> tuple[F64, NDArray[np.bool_], F64]:
    """P&L of an adverse move under isolated margin.

    Returns:
        ``(pnl_usd, liquidated, uncapped_pnl_usd)``: the isolated P&L (capped at the margin when
        liquidated), the liquidation flag, and the P&L the same move gives with no per-row cap
        (what cross margin books).
    """
    liquidated = (c.move >= z.dist) & (sc.gap | (z.stop >= z.dist))
    exit_move = c.move if sc.gap else np.fmin(c.move, z.stop)  # the stop caps the loss
    uncapped = -z.notional * (exit_move + c.exit_costs) - c.funding - c.gas
    capped = -(z.margin + z.notional * v.fee + a.gas * sc.gas_mult)
    return np.where(liquidated, capped, uncapped), liquidated, uncapped


def favourable_pnl(sc: Scenario, z: Sized, a: RowArrays, c: ScenarioCosts) -> F64:
    """P&L when the same move goes the row's way (a take-profit caps it unless the move gaps)."""
    # fmin: no target (NaN) = no cap; + 0·move keeps a NaN move NaN
    gain = c.move if sc.gap else np.fmin(c.move, a.target) + 0.0 * c.move
    return z.notional * (gain - c.exit_costs) - c.funding - c.gas


@dataclass(frozen=True)
class ScenarioCalc:
    """One scenario evaluated for every row, shared by the row outputs and the cross view.

    Attributes:
        scenario: The scenario.
        costs: Its costs per row.
        pnl: Isolated P&L of the adverse move, USD (capped at the margin when liquidated).
        liquidated: True where the adverse move liquidates the isolated row.
        uncapped: P&L of the adverse move with no per-row cap (cross margin), USD.
        favourable: P&L when the move goes the row's way, USD.
    """

    scenario: Scenario
    costs: ScenarioCosts
    pnl: F64
    liquidated: NDArray[np.bool_]
    uncapped: F64
    favourable: F64


def evaluate(scenarios: tuple[Scenario, ...], a: RowArrays, v: VenueArrays,
             z: Sized) -> list[ScenarioCalc]:
    """Evaluate every scenario once for every row."""
    out = []
    for sc in scenarios:
        c = scenario_costs(sc, a, v, z)
        pnl, liquidated, uncapped = adverse_pnl(sc, a, v, z, c)
        out.append(ScenarioCalc(sc, c, pnl, liquidated, uncapped, favourable_pnl(sc, z, a, c)))
    return out


def recovery_pct(pnl: F64, capital: float) -> tuple[F64, NDArray[np.bool_]]:
    """Gain the rest of capital needs to recover a loss, %: ``loss / (C − loss) × 100``.

    Returns:
        ``(recovery_pct, ruin)``: NaN recovery where the loss reaches the whole capital, flagged.
    """
    loss = np.maximum(-pnl, 0.0)
    ruin = loss >= capital
    with np.errstate(divide="ignore", invalid="ignore"):
        rec = np.where(ruin, np.nan, loss / (capital - loss) * 100.0)
    return rec, ruin


def scenario_outputs(
    calcs: list[ScenarioCalc], a: RowArrays, z: Sized, settings: Settings, stop_price: F64,
) -> dict[str, F64 | NDArray[np.bool_]]:
    """All per-row scenario outputs, keyed as in the schema, plus ``alert_ruin``."""
    out: dict[str, F64 | NDArray[np.bool_]] = {}
    days = settings.horizon_hours / 24.0
    ruin_any = np.zeros(len(a.entry), dtype=bool)
    to_liq, to_stop = Barrier(a.entry, z.liq), Barrier(a.entry, stop_price)
    for calc in calcs:
        rec, ruin = recovery_pct(calc.pnl, settings.capital_usd)
        ruin_any |= ruin
        horizon = Horizon(a.sigma * calc.scenario.vol_mult, days)
        n = calc.scenario.name
        out[f"price_{n}"] = np.maximum(a.entry * (1 - a.s * calc.costs.move), 0.0)
        out[f"pnl_{n}_usd"] = calc.pnl
        out[f"liquidated_{n}"] = calc.liquidated
        out[f"recovery_{n}_pct"] = rec
        if settings.tail_model == "normal":
            p_liq, p_stop = to_liq.touch_within(horizon), to_stop.touch_within(horizon)
        else:  # student-t, and empirical's fallback
            p_liq = to_liq.touch_t(horizon, settings.tail_dof)
            p_stop = to_stop.touch_t(horizon, settings.tail_dof)
        if a.tail_code is not None and a.tails:  # tail_model = empirical (SPEC §9)
            sigma = a.sigma * calc.scenario.vol_mult
            to_liq.touch_empirical(p_liq, sigma, a.tail_code, a.tails)
            to_stop.touch_empirical(p_stop, sigma, a.tail_code, a.tails)
        # Liquidated at entry (SPEC §10): both are certain, whatever the stop.
        np.copyto(p_liq, 1.0, where=z.at_entry)  # fresh arrays: set in place
        np.copyto(p_stop, 1.0, where=z.at_entry)
        out[f"p_liq_{n}"], out[f"p_stop_{n}"] = p_liq, p_stop
    out["alert_ruin"] = ruin_any
    return out
