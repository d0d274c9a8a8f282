"""Funding over the horizon: the rate is per 8 hours on every venue (SPEC §4, issue 12)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from planner import compute, sample_plan
from tests.conftest import ROOT


def test_an_hourly_venue_charges_the_8h_rate_three_times_a_day_not_24():
    """Sample row 2: Hyperliquid (hourly funding) SOL short, 0.012 %/8h, 24 h horizon."""
    rows = compute(sample_plan()).rows
    r = rows.iloc[2]
    assert (r["venue"], r["side"], r["funding_pct"]) == ("Hyperliquid", "short", 0.012)
    # by hand: a short receives N × 0.012 % × 24/8 when the rate is positive
    assert r["funding_usd"] == pytest.approx(r["notional_usd"] * 0.00012 * 3, rel=1e-12)
    assert r["funding_usd"] == pytest.approx(1.60, abs=0.005)


def test_the_cli_json_shows_n_times_rate_times_three_on_every_venue():
    out = subprocess.run([sys.executable, "main.py", "compute", "resources/sample_plan.xlsx",
                          "--json"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    trades = json.loads(out)["trades"]
    assert {t["venue"] for t in trades} >= {"Binance", "Bybit", "dYdX", "Hyperliquid"}
    for t in trades:
        s = 1 if t["side"] == "long" else -1
        want = -s * t["notional_usd"] * t["funding_pct"] / 100 * 3
        assert t["funding_usd"] == pytest.approx(want, rel=1e-12, abs=1e-12), t["symbol"]


def test_a_longer_horizon_scales_funding_not_the_venue_interval():
    plan = sample_plan()
    longer = plan.with_changes(settings=plan.settings.with_changes(horizon_hours=72.0))
    a, b = compute(plan).rows, compute(longer).rows
    ratio = (b["funding_usd"] / b["notional_usd"]) / (a["funding_usd"] / a["notional_usd"])
    assert ratio.dropna().round(12).eq(3.0).all()
