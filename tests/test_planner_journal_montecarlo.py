"""Monte Carlo of the next trades from the journal's R-multiples (block bootstrap, seeded)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.cli import run
from planner.journal.montecarlo import MonteCarloSettings, monte_carlo, simulate

CAPITAL = 100_000.0


def test_same_seed_same_figures_other_seed_other_paths() -> None:
    r = np.array([1.5, -1, -1, 2, -1, 0.5, -1, 3])
    a = simulate(r, CAPITAL, MonteCarloSettings(seed=3))
    b = simulate(r, CAPITAL, MonteCarloSettings(seed=3))
    c = simulate(r, CAPITAL, MonteCarloSettings(seed=4))
    assert a is not None and b is not None and c is not None
    assert a["final_equity_usd"] == b["final_equity_usd"]
    assert a["final_equity_usd"] != c["final_equity_usd"]


def test_constant_losses_compound_exactly_and_ruin_below_the_floor() -> None:
    losses = np.full(5, -1.0)
    res = simulate(losses, CAPITAL, MonteCarloSettings(trades=100, risk_pct=1.0))
    assert res is not None
    assert res["final_equity_usd"]["median"] == pytest.approx(CAPITAL * 0.99 ** 100)
    assert res["probability_of_ruin"] == 1.0           # 0.99^69 < 50 %
    safe = simulate(losses, CAPITAL, MonteCarloSettings(trades=60, risk_pct=1.0))
    assert safe is not None and safe["probability_of_ruin"] == 0.0    # 0.99^60 = 54.7 %
    assert safe["max_drawdown_pct"]["median"] == pytest.approx((1 - 0.99 ** 60) * 100)


def test_blocks_keep_losing_streaks_so_drawdowns_are_deeper() -> None:
    streaky = np.array([-1.0] * 10 + [1.0] * 10)
    s = MonteCarloSettings(trades=40, paths=4000, risk_pct=2.0)
    iid = simulate(streaky, CAPITAL, MonteCarloSettings(**{**s.__dict__, "block": 1}))
    blocks = simulate(streaky, CAPITAL, MonteCarloSettings(**{**s.__dict__, "block": 10}))
    assert iid is not None and blocks is not None
    assert blocks["max_drawdown_pct"]["median"] > iid["max_drawdown_pct"]["median"] + 3


def test_fan_is_ordered_and_starts_at_capital() -> None:
    res = simulate(np.array([2.0, -1.0, 0.5, -1.0]), CAPITAL, MonteCarloSettings(trades=30))
    assert res is not None
    fan = res["fan"]
    assert len(fan) == 31 and (fan.iloc[0] == CAPITAL).all()
    assert (np.diff(fan.to_numpy(), axis=1) >= 0).all()


def test_per_bucket_and_too_few_trades() -> None:
    trades = pd.DataFrame({"bucket": ["a", "a", "a", "b"], "r_multiple": [1.0, -1.0, 2.0, 1.0]})
    mc = monte_carlo(trades, CAPITAL, MonteCarloSettings())
    assert mc["overall"]["trades_sampled"] == 4
    assert mc["buckets"]["a"]["trades_sampled"] == 3 and mc["buckets"]["b"] is None


@pytest.mark.parametrize("bad", [{"trades": 0}, {"paths": 5}, {"block": 0},
                                 {"risk_pct": float("nan")}, {"risk_pct": 0},
                                 {"floor_pct": 100}])
def test_absurd_settings_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        monte_carlo(pd.DataFrame({"bucket": [], "r_multiple": []}), CAPITAL,
                    MonteCarloSettings(**bad))  # type: ignore[arg-type]


def test_stats_json_carries_monte_carlo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TRADE_PLANNER_JOURNAL", str(tmp_path / "j.sqlite3"))
    rows = [f"2026-01-{d:02d}T00:00:00Z,BTCUSDT,long,100,{p},1,5" for d, p in
            ((2, 110), (3, 95), (4, 104), (5, 96))]
    src = tmp_path / "j.csv"
    src.write_text("closed_at,symbol,side,entry_price,exit_price,quantity,planned_risk_usd\n"
                   + "\n".join(rows) + "\n", encoding="utf-8")
    assert run(["journal", "import", str(src)]) == 0
    capsys.readouterr()
    assert run(["journal", "stats", "--json", "--mc-trades", "50", "--risk-pct", "2"]) == 0
    mc = json.loads(capsys.readouterr().out)["monte_carlo"]
    assert mc["settings"]["trades"] == 50 and mc["settings"]["risk_pct"] == 2
    ov = mc["overall"]
    assert ov["trades_sampled"] == 4 and len(ov["fan"]["p50"]) == 51
    assert ov["final_equity_usd"]["p5"] <= ov["final_equity_usd"]["median"] <= \
        ov["final_equity_usd"]["p95"]
    assert 0 <= ov["probability_of_ruin"] <= 1
    assert run(["journal", "stats", "--mc-paths", "3"]) == 2
