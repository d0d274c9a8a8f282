"""Isolated margin: liquidation and bankruptcy prices, safe leverage. Vectorised.

Formula families (SPEC §2), with ``s = +1`` long / ``−1`` short, ``Q`` quantity, ``E`` entry,
``M`` isolated margin posted, ``mmr`` and ``cum`` from the tier:

* ``binance`` (also dYdX with cum = 0, Hyperliquid with mmr = 1 / (2 × max leverage)):
  long ``(Q·E − M − cum) / (Q·(1 − mmr))``, short ``(Q·E + M + cum) / (Q·(1 + mmr))``;
* ``bybit`` (classic, maintenance margin at the entry notional):
  ``E − s·(M − (Q·E·mmr − cum)) / Q``;
* ``okx`` (also Gate; liquidation charges the taker fee ``t`` on top of maintenance, SPEC §10):
  ``(E − s·M/Q) / (1 − s·(mmr + t))``. It solves OKX's isolated margin ratio
  ``(M + s·Q·(P − E)) / (Q·P·(mmr + t)) = 1`` for the mark price ``P``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]

#: A liquidation price below this fraction of the entry is no liquidation price (SPEC §10): at
#: about 1x a long's formula gives a tiny residue (5e-12) that is float noise, not a price, and
#: that a spreadsheet program recomputes as ≤ 0.
MIN_LIQ_FRACTION = 1e-9


def has_liquidation(raw: ArrayLike, entry: ArrayLike) -> NDArray[np.bool_]:
    """True where a raw liquidation price is a price: finite and above ``1e-9 × entry``."""
    raw_, e = np.asarray(raw, dtype=float), np.asarray(entry, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(raw_) & (raw_ > MIN_LIQ_FRACTION * e)


def side_sign(side: ArrayLike) -> NDArray[np.int8] | Any:
    """Map ``"long"``/``"short"`` (scalars or arrays) to +1 / −1.

    Raises:
        ValueError: A value is neither long nor short.
    """
    arr = np.asarray(side, dtype=object)
    low = np.char.lower(arr.astype(str))
    if not np.isin(low, ("long", "short")).all():
        bad = sorted(set(low[~np.isin(low, ("long", "short"))].tolist()))
        raise ValueError(f"side must be 'long' or 'short', got {bad}")
    out = np.where(low == "long", 1, -1).astype(np.int8)
    return out if out.ndim else int(out)


def liquidation_raw(
    s: ArrayLike, entry: ArrayLike, quantity: ArrayLike, margin: ArrayLike,
    mmr: ArrayLike, cum: ArrayLike, family: ArrayLike, taker: ArrayLike = 0.0,
) -> F64:
    """Liquidation price by formula family before validity checks (fractions, not %).

    Args:
        s: +1 long, −1 short.
        entry: Entry price E.
        quantity: Quantity Q (> 0).
        margin: Isolated margin M, quote currency.
        mmr: Maintenance margin rate, fraction.
        cum: Maintenance amount, quote currency (not used by ``okx``).
        family: Family code per row, the index in :data:`planner.model.FORMULAS`
            (0 binance, 1 bybit, 2 okx).
        taker: Taker fee, fraction (used by ``okx`` only).

    Returns:
        Raw liquidation prices (may be ≤ 0 or NaN where Q = 0).
    """
    s_, e, q, m, r, c, t = (np.asarray(x, dtype=float)
                            for x in (s, entry, quantity, margin, mmr, cum, taker))
    code = np.asarray(family)
    with np.errstate(divide="ignore", invalid="ignore"):
        fam_binance = (q * e - s_ * (m + c)) / (q * (1.0 - s_ * r))
        fam_bybit = e - s_ * (m - (q * e * r - c)) / q
        fam_okx = (e - s_ * m / q) / (1.0 - s_ * (r + t))
    return np.select([code == 1, code == 2], [fam_bybit, fam_okx], fam_binance)


def liquidation_price(
    side: Any, entry: Any, quantity: Any, margin: Any, mmr: Any,
    maintenance_amount: Any = 0.0, formula: str = "binance", taker_fee: Any = 0.0,
) -> Any:
    """Liquidation price of an isolated position (public API; scalars or arrays).

    Args:
        side: ``"long"`` or ``"short"`` (or an array of them).
        entry: Entry price, quote currency.
        quantity: Position quantity (base units), > 0.
        margin: Isolated margin posted, quote currency.
        mmr: Maintenance margin rate as a fraction (0.004 = 0.4 %).
        maintenance_amount: Tier maintenance amount (Binance cum / Bybit deduction), quote;
            not used by ``okx``.
        formula: ``"binance"``, ``"bybit"`` or ``"okx"``.
        taker_fee: Taker fee as a fraction (0.0005 = 0.05 %), charged on top of the
            maintenance rate by the ``okx`` family; ignored by the others.

    Returns:
        The liquidation price (float or array); ``nan`` where the position has none
        (a long whose formula gives a price ≤ 1e-9 × entry).

    Example:
        >>> round(liquidation_price("long", 50_000, 0.02, 500, 0.004), 2)
        25100.4
    """
    from planner.model import FORMULAS

    if formula not in FORMULAS:
        raise ValueError(f"formula must be one of {', '.join(map(repr, FORMULAS))}, "
                         f"got {formula!r}")
    s = side_sign(side)
    lp = liquidation_raw(s, entry, quantity, margin, mmr, maintenance_amount,
                         FORMULAS.index(formula), taker_fee)
    lp = np.where(has_liquidation(lp, entry), lp, np.nan)
    return float(lp) if lp.ndim == 0 else lp


def bankruptcy_price(s: ArrayLike, entry: ArrayLike, quantity: ArrayLike, margin: ArrayLike) -> F64:
    """Bankruptcy price ``E − s·M/Q``: where the isolated margin is gone; NaN when ≤ 0."""
    s_, e, q, m = (np.asarray(x, dtype=float) for x in (s, entry, quantity, margin))
    with np.errstate(divide="ignore", invalid="ignore"):
        bp = e - s_ * m / q
    return np.where((bp > 0) & np.isfinite(bp), bp, np.nan)


def safe_leverage(s: ArrayLike, move: ArrayLike, mmr: ArrayLike) -> F64:
    """Highest leverage whose liquidation lies beyond an adverse move ``move`` (fraction).

    Long ``1 / (1 − (1 − d)(1 − mmr))``, short ``1 / ((1 + d)(1 + mmr) − 1)``; extra margin and
    maintenance amount ignored.
    """
    s_, d, r = (np.asarray(x, dtype=float) for x in (s, move, mmr))
    d_long = np.minimum(d, 1.0)
    with np.errstate(divide="ignore"):
        long_ = 1.0 / (1.0 - (1.0 - d_long) * (1.0 - r))
        short = 1.0 / ((1.0 + d) * (1.0 + r) - 1.0)
    return np.where(s_ > 0, long_, short)
