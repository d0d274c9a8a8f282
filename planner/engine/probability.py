"""First-passage (touch) probabilities under geometric Brownian motion. Vectorised.

With daily volatility σ, drift μ per day, log-drift ``ν = μ − σ²/2``, horizon T days and
``b = ln(barrier / spot)``, the probability that the price touches the barrier within T is
(reflection principle for drifted Brownian motion):

* barrier below (b < 0): ``Φ((b − νT)/(σ√T)) + exp(2νb/σ²)·Φ((b + νT)/(σ√T))``
* barrier above (b > 0): ``Φ((νT − b)/(σ√T)) + exp(2νb/σ²)·Φ((−b − νT)/(σ√T))``

The second term is evaluated in log space so it never overflows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import log_ndtr, ndtr


def first_passage(
    spot: ArrayLike, barrier: ArrayLike, sigma: ArrayLike, days: ArrayLike, drift: ArrayLike = 0.0
) -> NDArray[np.float64]:
    """Touch probability for arrays; 0 where the barrier is missing (NaN) or ≤ 0.

    Args:
        spot: Current price (> 0).
        barrier: Barrier price; NaN means "no barrier".
        sigma: Daily volatility, fraction (0.03 = 3 %).
        days: Horizon, days.
        drift: Expected return μ per day, fraction.

    Returns:
        Probabilities in [0, 1].
    """
    sp, bar, sig, t, mu = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                               for x in (spot, barrier, sigma, days, drift)))
    ok = (bar > 0) & (sp > 0) & np.isfinite(bar)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.log(np.where(ok, bar, 1.0) / np.where(sp > 0, sp, 1.0))
        nu = mu - 0.5 * sig**2
        vol = sig * np.sqrt(t)
        below = b < 0
        x1 = np.where(below, (b - nu * t) / vol, (nu * t - b) / vol)
        x2 = np.where(below, (b + nu * t) / vol, (-b - nu * t) / vol)
        p = ndtr(x1) + np.exp(2.0 * nu * b / sig**2 + log_ndtr(x2))
    degenerate = ~(vol > 0)
    p = np.where(degenerate, 0.0, p)
    p = np.where(ok & (b == 0), 1.0, p)
    return np.clip(np.where(ok, p, 0.0), 0.0, 1.0)


class Barrier:
    """A barrier per row, with its log-distance computed once for several volatilities.

    With zero drift, ``exp(2νb/σ²) = exp(−b) = spot / barrier``, so the touch probability is
    ``Φ(x1) + (spot/barrier)·Φ(x2)``: two normal CDFs, no exponential.
    """

    def __init__(self, spot: ArrayLike, barrier: ArrayLike) -> None:
        sp = np.asarray(spot, dtype=float)
        bar = np.asarray(barrier, dtype=float)
        self.ok = (bar > 0) & (sp > 0) & np.isfinite(bar)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.ratio = np.where(self.ok, sp / np.where(self.ok, bar, 1.0), 1.0)
        self.b = -np.log(self.ratio)
        self.sign = np.where(self.b < 0, 1.0, -1.0)  # +1: barrier below spot

    def touch(self, sigma: ArrayLike, days: float) -> NDArray[np.float64]:
        """Zero-drift touch probability within ``days`` for daily volatility ``sigma``."""
        vol = np.asarray(sigma, dtype=float) * np.sqrt(days)
        half = 0.5 * vol**2
        with np.errstate(divide="ignore", invalid="ignore"):
            x1 = self.sign * (self.b + half) / vol
            x2 = self.sign * (self.b - half) / vol
            p = ndtr(x1) + self.ratio * ndtr(x2)
        p = np.where(vol > 0, p, 0.0)
        p = np.where(self.b == 0, 1.0, p)
        return np.clip(np.where(self.ok, p, 0.0), 0.0, 1.0)


def touch_probability(
    spot: Any, barrier: Any, daily_vol: Any, days: Any, drift: Any = 0.0
) -> Any:
    """Probability that the price touches ``barrier`` within ``days`` (public API).

    Args:
        spot: Current price, > 0.
        barrier: The level (below spot for a long's liquidation, above for a short's).
        daily_vol: σ of daily returns as a fraction (0.03 = 3 %).
        days: Horizon in days (24 h = 1).
        drift: Expected return μ per day, fraction; 0 = no edge.

    Returns:
        A float (scalars in) or an array in [0, 1].

    Example:
        >>> round(touch_probability(100.0, 90.0, 0.05, 1.0), 4)
        0.037
    """
    p = first_passage(spot, barrier, daily_vol, days, drift)
    return float(p) if p.ndim == 0 else p
