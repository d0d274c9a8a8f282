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

from planner.engine.blocks import OutputBlocks
from planner.engine.inputs import RowArrays
from planner.engine.rows import Sized
from planner.engine.scenarios import ScenarioCalc
from planner.model import SCENARIO_NAMES, Settings

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

    @classmethod
    def over(cls, blocks: OutputBlocks, entry: F64) -> CrossArrays:
        """Arrays for a whole plan, filled chunk by chunk with :meth:`fill`.

        What the row outputs already hold (notional, quantity, maintenance amount, the
        scenarios' P&L and liquidation flags) is a view of ``blocks``; the rest is allocated.
        """
        k, n = len(SCENARIO_NAMES), len(entry)
        return cls(SCENARIO_NAMES, s=np.empty(n), entry=entry,
                   notional=blocks.column("notional_usd"), quantity=blocks.column("quantity"),
                   mmr=np.empty(n), cum=blocks.column("maintenance_amount_usd"),
                   move=np.empty((k, n)), pnl=blocks.family("pnl_{}_usd"),
                   liquidated=blocks.family("liquidated_{}"), uncapped=np.empty((k, n)),
                   favourable=np.empty((k, n)))

    def fill(self, rows: slice | NDArray[np.intp], part: CrossArrays) -> None:
        """Store the rows of ``part`` (same scenarios, in order) at positions ``rows``."""
        for f in fields(self):
            if f.name != "names":
                getattr(self, f.name)[..., rows] = getattr(part, f.name)

    def fill_own(self, rows: slice, calcs: list[ScenarioCalc], a: RowArrays, z: Sized) -> None:
        """Store what :meth:`over` allocated, for the rows of one engine pass.

        The scenarios come in the order of ``names``; the views fill themselves as the outputs
        are written.
        """
        self.s[rows] = a.s
        self.mmr[rows] = z.tiers.mmr
        for k, c in enumerate(calcs):
            self.move[k, rows] = c.costs.move
            self.uncapped[k, rows] = c.uncapped
            self.favourable[k, rows] = c.favourable

    def take(self, rows: NDArray[np.intp]) -> CrossArrays:
        """The arrays of ``rows`` only (copies)."""
        return CrossArrays(names=self.names, **{f.name: getattr(self, f.name)[..., rows]
                                                 for f in fields(self) if f.name != "names"})

    def patched(self, rows: NDArray[np.intp], part: CrossArrays) -> CrossArrays:
        """A copy with ``rows`` replaced by the rows of ``part`` (same order)."""
        copy = CrossArrays(names=self.names, **{f.name: getattr(self, f.name).copy()
                                                 for f in fields(self) if f.name != "names"})
        copy.fill(rows, part)
        return copy


#: The partial sums :func:`cross_sums` returns, per scenario and direction.
SUMS = ("isolated", "cross", "maintenance", "isolated_liquidated", "open", "green")
DIRECTIONS = ("down", "up")


def _dot(a: F64, b: F64) -> float:
    """Σ a·b without BLAS (whose own threads would fight the engine's chunk threads)."""
    return float(np.einsum("i,i->", a, b))


def cross_sums(x: CrossArrays, rows: slice = slice(None)) -> NDArray[np.float64]:
    """Partial sums of the comparison over ``rows``, shape ``(scenarios, 2, len(SUMS))``.

    Sums of chunks add up to the sums of the whole plan, so the engine computes them chunk by
    chunk while the arrays are still in cache. Per scenario and direction (down, up): the
    isolated P&L, the cross (uncapped) P&L, the maintenance at the shocked prices (NaN rows
    count 0), the isolated liquidations, the open rows and the rows green under cross.
    """
    is_open = x.notional[rows] > 0
    every = bool(is_open.all())
    long_ = is_open & (x.s[rows] > 0)
    sides = (long_, is_open & ~long_)  # (long & open, short & open)
    weights = (long_.astype(float), sides[1].astype(float))

    def clean(values: F64) -> F64:
        """Values of the open rows, 0 elsewhere, so a dot product with a side mask is a sum."""
        return values if every else np.where(is_open, values, 0.0)

    qm = x.quantity[rows] * x.mmr[rows]
    entry, cum = x.entry[rows], x.cum[rows]
    out = np.zeros((len(x.names), 2, len(SUMS)))
    for k in range(len(x.names)):
        pnl, unc, fav = (clean(a[k, rows]) for a in (x.pnl, x.uncapped, x.favourable))
        liq, shift = x.liquidated[k, rows], entry * x.move[k, rows]
        for d, (adverse, other) in enumerate((sides, sides[::-1])):
            w_adverse, w_other = weights if d == 0 else weights[::-1]
            shock = np.maximum(entry - shift, 0.0) if d == 0 else entry + shift
            maint = clean(np.fmax(qm * shock - cum, 0.0))  # fmax: a NaN row counts 0
            gain = _dot(w_other, fav)
            out[k, d] = (
                _dot(w_adverse, pnl) + gain,
                _dot(w_adverse, unc) + gain,
                maint.sum(),
                np.count_nonzero(adverse & liq),
                np.count_nonzero(is_open),
                np.count_nonzero(adverse & (unc > 0)) + np.count_nonzero(other & (fav > 0)),
            )
    return out


def _one(total: NDArray[np.float64], name: str, direction: str,
         capital: float) -> dict[str, object]:
    iso_sum, cross_sum, maint_sum, iso_liq, n_open, green = (float(v) for v in total)
    wiped = capital + cross_sum < maint_sum
    cross_pnl = -capital if wiped else cross_sum
    row = {
        "scenario": name, "direction": direction,
        "isolated_pnl_usd": iso_sum,
        "isolated_liquidated": int(iso_liq),
        "isolated_capital_left_usd": capital + iso_sum,
        "cross_pnl_usd": cross_pnl,
        "cross_liquidated": int(n_open) if wiped else 0,
        "cross_account_liquidated": bool(wiped),
        "cross_green_force_closed": int(green) if wiped else 0,
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


def cross_table(sums: NDArray[np.float64], names: tuple[str, ...],
                settings: Settings) -> pd.DataFrame:
    """The isolated-vs-cross table: one row per scenario and direction (columns CROSS_KEYS).

    Args:
        sums: :func:`cross_sums` over every row (or the sum of it over chunks).
        names: Scenario names, in the order of ``sums``.
        settings: Plan settings (capital).
    """
    rows = [_one(sums[k, d], name, direction, settings.capital_usd)
            for k, name in enumerate(names) for d, direction in enumerate(DIRECTIONS)]
    return pd.DataFrame({key: [r[key] for r in rows] for key in CROSS_KEYS})
