"""First-passage (touch) probability: closed form, Monte Carlo, invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import touch_probability


def test_known_value_barrier_below():
    # b = ln 0.9, σ = 5 %, T = 1 day, μ = 0 (hand-computed with the §5 formula)
    b, sig = math.log(0.9), 0.05
    nu = -sig**2 / 2
    phi = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))  # noqa: E731
    want = phi((b - nu) / sig) + math.exp(2 * nu * b / sig**2) * phi((b + nu) / sig)
    assert touch_probability(100, 90, sig, 1) == pytest.approx(want, rel=1e-12)


def test_monte_carlo_agrees():
    rng = np.random.default_rng(7)
    paths, steps, sig, days = 4000, 2000, 0.04, 1.0
    dt = days / steps
    z = rng.standard_normal((paths, steps))
    logp = np.cumsum(-0.5 * sig**2 * dt + sig * math.sqrt(dt) * z, axis=1)
    hit = (logp.min(axis=1) <= math.log(0.95)).mean()
    # discrete monitoring under-counts slightly; the closed form is the continuous limit
    assert touch_probability(1.0, 0.95, sig, days) == pytest.approx(hit, abs=0.03)


def test_barrier_at_spot_is_certain_and_missing_barrier_is_zero():
    assert touch_probability(100, 100, 0.03, 1) == 1.0
    assert touch_probability(100, float("nan"), 0.03, 1) == 0.0
    assert touch_probability(100, 0.0, 0.03, 1) == 0.0


def test_drift_towards_the_barrier_raises_the_probability():
    assert touch_probability(100, 110, 0.03, 2, drift=0.02) > touch_probability(100, 110, 0.03, 2)


@given(st.floats(0.5, 1.5).filter(lambda r: abs(r - 1) > 1e-6), st.floats(0.001, 0.3),
       st.floats(0.001, 0.3), st.floats(0.01, 30))
def test_probability_in_unit_interval_and_increasing_with_volatility(ratio, v1, v2, days):
    lo, hi = sorted((v1, v2))
    p_lo = touch_probability(100.0, 100.0 * ratio, lo, days)
    p_hi = touch_probability(100.0, 100.0 * ratio, hi, days)
    assert 0.0 <= p_lo <= 1.0 and 0.0 <= p_hi <= 1.0
    assert p_hi >= p_lo - 1e-12
