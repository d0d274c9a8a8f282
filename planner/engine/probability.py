"""First-passage (touch) probabilities under geometric Brownian motion. Vectorised.

With daily volatility σ, drift μ per day, log-drift ``ν = μ − σ²/2``, horizon T days and
``b = ln(barrier / spot)``, the probability that the price touches the barrier within T is
(reflection principle for drifted Brownian motion):

* barrier below (b < 0): ``Φ((b − νT)/(σ√T)) + exp(2νb/σ²)·Φ((b + νT)/(σ√T))``
* barrier above (b > 0): ``Φ((νT − b)/(σ√T)) + exp(2νb/σ²)·Φ((−b − νT)/(σ√T))``

The second term is evaluated in log space so it never overflows.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


def _special() -> Any:
    """``scipy.special``, imported on first use.

    The default law (Student-t, ν = 3) never needs it, and importing it cost a quarter of a
    second of the app's start-up.
    """
    import scipy.special

    return scipy.special


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
        special = _special()
        p = special.ndtr(x1) + np.exp(2.0 * nu * b / sig**2 + special.log_ndtr(x2))
    degenerate = ~(vol > 0)
    p = np.where(degenerate, 0.0, p)
    p = np.where(ok & (b == 0), 1.0, p)
    return np.clip(np.where(ok, p, 0.0), 0.0, 1.0)


#: Below this two-sided tail the closed form loses digits to cancellation; a series in
#: ``t = √ν/x`` (ν = 3) or stdtr (other ν) takes over.
_CLOSED_FORM_FLOOR = 1e-4
#: Terms of the far-tail series for ν = 3; where it is used ``t < 0.07``, so the first term
#: left out is below 1e-18 of the result.
_FAR_TERMS = 9


def _t3_far_tail(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``2·F₃(−x)`` for large ``x``, without cancellation.

    With ``t = √3/x``: ``atan t − t/(1 + t²) = Σₖ≥₁ (−1)^(k+1)·2k/(2k+1)·t^(2k+1)``, so the
    closed form of :func:`t_two_sided_tail` becomes a series whose terms all carry ``t³``.
    """
    t = np.sqrt(3.0) / x
    t2 = t * t
    coef = [(-1) ** (k + 1) * (2 * k) / (2 * k + 1) for k in range(1, _FAR_TERMS + 1)]
    total = np.full_like(t, coef[-1])
    for a in reversed(coef[:-1]):  # Horner in t², smallest terms first
        total *= t2
        total += a
    return (2.0 / np.pi) * total * t2 * t


def _whole_dof_series(nu: int, s2: NDArray[np.float64]) -> NDArray[np.float64] | float:
    """The finite series of A&S 26.7.3–26.7.4 in ``s2 = sin²φ`` (1 when it has no terms)."""
    series: NDArray[np.float64] | float = 1.0
    power: NDArray[np.float64] | float = 1.0
    coef = 1.0
    for k in range(1, (nu - 1) // 2 if nu % 2 else nu // 2):
        coef *= (2 * k) / (2 * k + 1) if nu % 2 else (2 * k - 1) / (2 * k)
        power = power * s2
        series = series + coef * power
    return series


def t_two_sided_tail(x: NDArray[np.float64], dof: float) -> NDArray[np.float64]:
    """``2·F_ν(−x)`` for ``x ≥ 0``: the Student-t probability of ``|T| ≥ x``.

    For a whole ν this is the closed form of Abramowitz & Stegun 26.7.3–26.7.4 with
    ``φ = atan(√ν / x)``, written without trigonometry beyond that one arctangent
    (``sin²φ = ν/(x² + ν)``, ``sinφ·cosφ = √ν·x/(x² + ν)``, ``cosφ = x/√(x² + ν)``): several
    times faster than ``scipy.special.stdtr``, which is used for any other ν. Where the tail is
    below 1e-4 the closed form would lose digits to cancellation: there ν = 3 (the default)
    uses a series (:func:`_t3_far_tail`) and other ν use stdtr.
    """
    if dof != round(dof) or dof < 1:
        return np.asarray(2.0 * _special().stdtr(dof, -x))
    nu = int(dof)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = 1.0 / (x * x + nu)
        series = _whole_dof_series(nu, nu * r)
        if nu % 2:
            p = np.arctan(np.sqrt(nu) / x)
            if nu > 1:
                p -= np.sqrt(nu) * x * r * series
            p *= 2.0 / np.pi
        else:
            p = 1.0 - x * np.sqrt(r) * series
    np.copyto(p, 1.0, where=x == 0)  # exact at the barrier
    np.copyto(p, 0.0, where=np.isinf(x))  # x·r is ∞·0 there
    low = ~(p > _CLOSED_FORM_FLOOR) & np.isfinite(x)
    if low.any():
        p[low] = _t3_far_tail(x[low]) if nu == 3 else 2.0 * _special().stdtr(dof, -x[low])
    return p


class Horizon:
    """Per-row volatility over a horizon, shared by every barrier of one scenario.

    Attributes:
        inv_vol: ``1 / (σ√T)`` (inf where σ√T is 0).
        half_var: ``σ²T / 2``.
        valid: True where σ√T > 0 (NaN σ is not valid: no probability).
        invalid: ``~valid``, kept for the barriers that share this horizon.
    """

    def __init__(self, sigma: ArrayLike, days: float) -> None:
        self.vol = np.asarray(sigma, dtype=float) * np.sqrt(days)
        with np.errstate(divide="ignore"):
            self.inv_vol = 1.0 / self.vol
        self.valid = self.vol > 0
        self.invalid = ~self.valid

    @cached_property
    def half_var(self) -> NDArray[np.float64]:
        """``σ²T / 2`` (the Gaussian law only; computed when first asked for)."""
        return 0.5 * self.vol * self.vol


class Barrier:
    """A barrier per row, with its log-distance computed once for several volatilities.

    With zero drift, ``exp(2νb/σ²) = exp(−b) = spot / barrier``, so the touch probability is
    ``Φ(x1) + (spot/barrier)·Φ(x2)`` with ``x1,2 = (−|b| ± s·σ²T/2) / (σ√T)`` (``s = +1`` for
    a barrier below spot): two normal CDFs, no exponential, no per-row branch.
    """

    def __init__(self, spot: ArrayLike, barrier: ArrayLike) -> None:
        sp = np.asarray(spot, dtype=float)
        bar = np.asarray(barrier, dtype=float)
        self.ok = (bar > 0) & (sp > 0) & np.isfinite(bar)
        self.missing = None if self.ok.all() else ~self.ok
        with np.errstate(divide="ignore", invalid="ignore"):
            self.ratio = sp / bar if self.ok.all() else np.where(
                self.ok, sp / np.where(self.ok, bar, 1.0), 1.0)
        b = -np.log(self.ratio)
        # −|b|; −inf where there is no barrier, so that both CDFs (and the probability) are 0
        self.near = -np.abs(b) if self.ok.all() else np.where(self.ok, -np.abs(b), -np.inf)
        self.sign = 1.0 - 2.0 * (b >= 0)  # +1: barrier below spot
        self.at_spot = self.ok & (b == 0)

    def touch(self, sigma: ArrayLike, days: float) -> NDArray[np.float64]:
        """Zero-drift touch probability within ``days`` for daily volatility ``sigma``."""
        return self.touch_within(Horizon(sigma, days))

    def touch_within(self, h: Horizon) -> NDArray[np.float64]:
        """Zero-drift touch probability over the horizon ``h`` (see :class:`Horizon`)."""
        shift = self.sign * h.half_var
        with np.errstate(invalid="ignore"):
            ndtr = _special().ndtr
            p = ndtr((self.near + shift) * h.inv_vol)
            far = ndtr((self.near - shift) * h.inv_vol)
        far *= self.ratio
        p += far
        np.copyto(p, 0.0, where=h.invalid)
        np.copyto(p, 1.0, where=self.at_spot)
        return np.clip(p, 0.0, 1.0, out=p)

    def touch_t(self, h: Horizon, dof: float) -> NDArray[np.float64]:
        """Fat-tailed touch probability (SPEC §9): ``min(1, 2·F_ν(−|b|/(σ√T)·√(ν/(ν−2))))``.

        The log-return over the horizon follows a Student-t law with ``dof`` degrees of freedom
        scaled to the variance σ²T; touches by the reflection principle, drift ignored.
        """
        with np.errstate(invalid="ignore"):
            z = -self.near * h.inv_vol * np.sqrt(dof / (dof - 2.0))
        p = t_two_sided_tail(np.asarray(z, dtype=float), dof)
        np.copyto(p, 0.0, where=h.invalid)
        if self.missing is not None:
            np.copyto(p, 0.0, where=self.missing)
        np.copyto(p, 1.0, where=self.at_spot)
        return np.clip(p, 0.0, 1.0, out=p)


    def touch_empirical(self, p: NDArray[np.float64], sigma: NDArray[np.float64],
                        code: NDArray[np.float64],
                        tables: Sequence[tuple[NDArray[np.float64], NDArray[np.float64]]]
                        ) -> NDArray[np.float64]:
        """Empirical touch probability (SPEC §9) where a row has a tail table; ``p`` elsewhere.

        The share of the table's historical windows whose excursion on the barrier's side, in
        trailing daily σ, reached ``|b| / σ`` (σ: the row's daily σ in this scenario).

        Args:
            p: The fallback probabilities (Student-t), modified in place and returned.
            sigma: Daily σ per row in the scenario, fraction.
            code: Per row the index of its table in ``tables`` (NaN: none).
            tables: ``(down, up)`` sorted excursions per table.
        """
        use = np.isfinite(code) & self.ok & (sigma > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            thr = -self.near / sigma
        below = self.sign > 0
        for k, (down, up) in enumerate(tables):
            for side, table in ((below, down), (~below, up)):
                rows = np.flatnonzero(use & (code == k) & side)
                if len(rows):
                    hit = np.searchsorted(table, thr[rows], "left")
                    p[rows] = 1.0 - hit / len(table)
        return p


def touch_t(spot: Any, barrier: Any, daily_vol: Any, days: Any, dof: float = 3.0) -> Any:
    """Student-t touch probability for arrays (see :meth:`Barrier.touch_t`)."""
    if not float(dof) > 2.0:
        raise ValueError(f"dof must be > 2 (a finite variance), got {dof!r}")
    days_ = float(np.asarray(days, dtype=float))
    return Barrier(spot, barrier).touch_t(Horizon(daily_vol, days_), float(dof))


def touch_probability(
    spot: Any, barrier: Any, daily_vol: Any, days: Any, drift: Any = 0.0,
    tails: str = "normal", dof: float = 3.0,
) -> Any:
    """Probability that the price touches ``barrier`` within ``days`` (public API).

    Args:
        spot: Current price, > 0.
        barrier: The level (below spot for a long's liquidation, above for a short's).
        daily_vol: σ of daily returns as a fraction (0.03 = 3 %).
        days: Horizon in days (24 h = 1).
        drift: Expected return μ per day, fraction; 0 = no edge (the Gaussian law only).
        tails: ``"normal"`` (geometric Brownian motion, the default) or ``"student-t"``
            (fat tails, SPEC §9; drift ignored).
        dof: Degrees of freedom ν of the Student-t law (> 2).

    Returns:
        A float (scalars in) or an array in [0, 1].

    Example:
        >>> round(touch_probability(100.0, 90.0, 0.05, 1.0), 4)
        0.037
    """
    if tails not in ("normal", "student-t"):
        raise ValueError(f"tails must be 'normal' or 'student-t', got {tails!r}")
    if tails == "student-t":
        sp, bar, vol = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                             for x in (spot, barrier, daily_vol)))
        p = touch_t(sp.ravel(), bar.ravel(), vol.ravel(), days, dof).reshape(sp.shape)
        return float(p) if p.ndim == 0 else p
    p = first_passage(spot, barrier, daily_vol, days, drift)
    return float(p) if p.ndim == 0 else p
