"""Isolated vs cross margin for each scenario and market direction (SPEC §6).

Every row moves with the market by its own scenario move (down: price falls; up: rises), so
hedges gain when the directional book loses.

* Isolated: adverse rows book their §5 P&L (loss capped at the row's margin when liquidated);
  favourable rows book the gain; capital left = C + Σ P&L.
* Cross: one wallet of capital C; P&L is the uncapped sum; the account is liquidated when
  ``C + Σ pnl < Σ maintenance at the shocked prices``, and then every open position, green ones
  included, is force-closed and the wallet is lost (capital left 0).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.engine.inputs import RowArrays
from planner.engine.rows import Sized
from planner.engine.scenarios import ScenarioCalc
from planner.model import Settings

F64 = NDArray[np.float64]

CROSS_KEYS = (
    "scenario", "direction",
    "isolated_pnl_usd", "isolated_liquidated", "isolated_capital_left_usd",
    "cross_pnl_usd", "cross_liquidated", "cross_account_liquidated",
    "cross_green_force_closed", "cross_capital_left_usd", "cross_maintenance_usd",
    "difference_usd", "verdict",
)


@dataclass(frozen=True)
class CrossArrays:
    """Per-row arrays the comparison needs, kept with the results for incremental updates.

    Attributes:
        names: Scenario names, in order.
        s: +1 long / −1 short, per row.
        entry: Entry price, per row.
        notional: N, USD, per row.
        quantity: Q, per row.
        mmr: Tier maintenance margin rate, fraction, per row.
        cum: Tier maintenance amount, USD, per row.
        move: Scenario move, fraction, shape (scenarios, rows).
        pnl: Isolated adverse P&L, USD, shape (scenarios, rows).
        liquidated: Isolated liquidation flags, shape (scenarios, rows).
        uncapped: Uncapped adverse P&L, USD, shape (scenarios, rows).
        favourable: P&L when the move goes the row's way, USD, shape (scenarios, rows).
    """

    names: tuple[str, ...]
    s: F64
    entry: F64
    notional: F64
    quantity: F64
    mmr: F64
    cum: F64
    move: F64
    pnl: F64
    liquidated: NDArray[np.bool_]
    uncapped: F64
    favourable: F64

    @classmethod
    def build(cls, calcs: list[ScenarioCalc], a: RowArrays, z: Sized) -> CrossArrays:
        """Collect the arrays from one engine pass."""
        def stack(attr: str) -> F64:
            return np.array([getattr(c, attr) for c in calcs]).reshape(len(calcs), -1)

        return cls(tuple(c.scenario.name for c in calcs), a.s, a.entry, z.notional,
                   z.quantity, z.tiers.mmr, z.tiers.cum,
                   np.array([c.costs.move for c in calcs]).reshape(len(calcs), -1),
                   stack("pnl"), stack("liquidated").astype(bool), stack("uncapped"),
                   stack("favourable"))

    def patched(self, rows: NDArray[np.intp], part: CrossArrays) -> CrossArrays:
        """A copy with ``rows`` replaced by the rows of ``part`` (same order)."""
        out = {}
        for f in fields(self):
            if f.name == "names":
                continue
            arr = getattr(self, f.name).copy()
            arr[..., rows] = getattr(part, f.name)
            out[f.name] = arr
        return CrossArrays(names=self.names, **out)


def _one(x: CrossArrays, k: int, direction: str, capital: float) -> dict[str, object]:
    adverse = x.s > 0 if direction == "down" else x.s < 0
    open_ = x.notional > 0
    iso = np.where(adverse & open_, x.pnl[k], np.where(open_, x.favourable[k], 0.0))
    cross = np.where(adverse & open_, x.uncapped[k], np.where(open_, x.favourable[k], 0.0))
    shock = np.maximum(x.entry * (1 + (-1 if direction == "down" else 1) * x.move[k]), 0.0)
    maint = np.where(open_, np.maximum(x.quantity * shock * x.mmr - x.cum, 0.0), 0.0)
    cross_sum, maint_sum = float(cross.sum()), float(np.nansum(maint))
    wiped = capital + cross_sum < maint_sum
    iso_sum = float(iso.sum())
    cross_pnl = -capital if wiped else cross_sum
    row = {
        "scenario": x.names[k], "direction": direction,
        "isolated_pnl_usd": iso_sum,
        "isolated_liquidated": int((adverse & x.liquidated[k] & open_).sum()),
        "isolated_capital_left_usd": capital + iso_sum,
        "cross_pnl_usd": cross_pnl,
        "cross_liquidated": int(open_.sum()) if wiped else 0,
        "cross_account_liquidated": bool(wiped),
        "cross_green_force_closed": int((cross > 0).sum()) if wiped else 0,
        "cross_capital_left_usd": capital + cross_pnl,
        "cross_maintenance_usd": maint_sum,
        "difference_usd": cross_pnl - iso_sum,
    }
    row["verdict"] = verdict(row, capital)
    return row


def _share(usd: float, capital: float) -> str:
    pct = usd / capital * 100.0
    return f"{usd:,.0f} USD ({pct:.2f} % of capital)" if pct < 1 else \
        f"{usd:,.0f} USD ({pct:.1f} % of capital)"


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def verdict(row: dict[str, object], capital: float) -> str:
    """One plain-language line comparing cross with isolated for one scenario and direction.

    Says which mode keeps more capital, by how much (USD and % of capital), and why: the cross
    account is liquidated (its green positions force-closed with it), isolated margin stops the
    liquidated rows at their own collateral, or the cross wallet carries those rows and the other
    rows' gains cover them.
    """
    diff = float(row["difference_usd"])  # type: ignore[arg-type]
    amount = _share(abs(diff), capital)
    liq = int(row["isolated_liquidated"])  # type: ignore[call-overload]
    if row["cross_account_liquidated"]:
        green = int(row["cross_green_force_closed"])  # type: ignore[call-overload]
        if not green:
            return (f"Cross margin would lose {amount} more: the losses exceed the wallet and "
                    "the account is liquidated.")
        closed = "1 green position is" if green == 1 else f"{green} green positions are"
        return (f"Cross margin would lose {amount} more: the gains of the green positions do "
                f"not cover the losing ones, the account is liquidated and {closed} "
                "force-closed with it.")
    if abs(diff) < 0.005 * capital / 100.0:
        return ("Same outcome under cross and isolated margin"
                + (": no row reaches its liquidation." if not liq else "."))
    if diff < 0:
        capped = {0: "each losing row", 1: "the liquidated row"}.get(
            liq, f"each of the {liq} liquidated rows")
        return (f"Cross margin would lose {amount} more: isolated margin caps {capped} at its "
                "own collateral.")
    return (f"Cross margin would keep {amount} more: the wallet carries the {_rows(liq)} that "
            "isolated margin liquidates, and the other rows' gains cover them.")


def cross_table(x: CrossArrays, settings: Settings) -> pd.DataFrame:
    """The isolated-vs-cross table: one row per scenario and direction (columns CROSS_KEYS)."""
    rows = [_one(x, k, d, settings.capital_usd)
            for k in range(len(x.names)) for d in ("down", "up")]
    return pd.DataFrame(rows, columns=list(CROSS_KEYS))
