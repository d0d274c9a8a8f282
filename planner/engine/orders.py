"""Orders the venue accepts: quantities on the lot step, prices on the tick (SPEC §10).

Both roundings count increments ``y = x / step`` and floor ``y + 1e-9 + |y|·1e-12``: a value
that is a whole number of increments up to float noise (``0.3 / 0.1 = 2.9999999999999996``)
stays on that number, at any magnitude (a price of 70,000 on a tick of 0.0001 is 7e8
increments, where the noise is larger than 1e-9). The workbook's live formulas do the same
(``INT(y+1E-9+ABS(y)*1E-12)*step``), which also keeps LibreOffice's own snapping of nearly
whole numbers from deciding a different increment. An increment of 0 leaves the value as it
is.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

#: Float noise tolerated when counting increments: absolute, in increments, and relative.
STEP_TOLERANCE = 1e-9
STEP_RELATIVE = 1e-12


def _floor(y: F64) -> F64:
    return np.floor(y + STEP_TOLERANCE + np.abs(y) * STEP_RELATIVE)


def floor_to_step(x: F64, step: F64) -> F64:
    """``x`` rounded down to a whole number of ``step`` (where ``step > 0``), else ``x``.

    Args:
        x: Values ≥ 0 (quantities, base units).
        step: Increment per row (lot step); 0 = no rounding.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        rounded = _floor(x / step) * step
    return np.where(step > 0, rounded, x)


def round_away(price: F64, tick: F64, s: F64) -> F64:
    """Adverse-side prices rounded to the tick away from the position.

    A long's stop, bands and liquidation lie below its entry and round down; a short's lie
    above and round up (``ceil(y) = −floor(−y)``).

    Args:
        price: Prices, quote currency.
        tick: Price increment per row (0 = no rounding).
        s: +1 long, −1 short.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        rounded = s * _floor(s * price / tick) * tick
    return np.where(tick > 0, rounded, price)


__all__ = ["STEP_RELATIVE", "STEP_TOLERANCE", "floor_to_step", "round_away"]
