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


def test_student_t_touch_probability_matches_the_formula_worked_by_hand():
    """SPEC §9: p = min(1, 2·F_ν(−|b|/(σ√T)·√(ν/(ν−2)))); by hand for a 10 % drop at σ 5 %/day,
    one day, ν = 3: |b| = 0.10536, z = −0.10536/0.05·√3 = −3.6497, F_3(z) = 0.017749."""
    from scipy.stats import t as student

    from planner import touch_probability

    z = -abs(math.log(0.9)) / 0.05 * math.sqrt(3.0)
    assert z == pytest.approx(-3.6497, abs=1e-4)
    want = 2 * student.cdf(z, 3)
    assert want == pytest.approx(0.035497, abs=1e-6)
    got = touch_probability(100.0, 90.0, 0.05, 1.0, tails="student-t", dof=3)
    assert got == pytest.approx(want, rel=1e-12)
    assert touch_probability(100.0, 90.0, 0.05, 1.0) == pytest.approx(0.036989, abs=1e-6)


def test_fat_tails_price_a_far_liquidation_far_above_the_gaussian():
    """Sample row 0: BTC 5x, liquidation ~19.7 % away at σ 3 %/day: 3e-13 under the normal law,
    a few in ten thousand under Student-t (BTC fell further intraday in 2020 and 2021)."""
    from planner import compute, sample_plan

    plan = sample_plan()
    t_rows = compute(plan).rows
    normal = compute(plan.with_changes(settings=plan.settings.with_changes(
        tail_model="normal"))).rows
    assert normal["p_liq_normal"].iat[0] < 1e-10
    assert t_rows["p_liq_normal"].iat[0] > 1e-4
    assert (t_rows["p_liq_tail"] >= 0).all() and (t_rows["p_liq_tail"] <= 1).all()


def test_tail_settings_are_checked():
    from planner import PlanError, sample_plan
    from planner.parse import settings_edit

    plan = sample_plan()
    assert settings_edit(plan, "tail_model", "Normal").settings.tail_model == "normal"
    for key, bad in (("tail_model", "cauchy"), ("tail_dof", 2), ("tail_dof", 3.5),
                     ("tail_dof", 31)):
        with pytest.raises(PlanError):
            settings_edit(plan, key, bad)


@pytest.mark.parametrize("dof", [3, 4, 5, 8, 13, 30, 3.5])
def test_the_fast_student_t_tail_equals_scipy_to_1e_10(dof):
    """The closed form for whole ν (and stdtr where it would lose digits) equals scipy's t CDF."""
    from scipy.special import stdtr

    from planner.engine.probability import t_two_sided_tail

    x = np.concatenate([np.linspace(0, 40, 4001), [1e6, np.inf]])
    want = 2 * stdtr(dof, -x)
    got = t_two_sided_tail(x, dof)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=0)
    assert got[0] == 1.0 and got[-1] == 0.0
