"""The engine gives the same numbers however the rows are cut into chunks and threads."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from bench.synth import synthetic_plan
from planner import compute
from planner.engine import blocks, chunks, update
from planner.errors import PlanError
from tests.engine_helpers import assert_same


@pytest.fixture
def mixed_plan():
    """300 rows over every shipped venue, both sides and sizings, with some draft rows."""
    plan = synthetic_plan(300, seed=7)
    trades = plan.trades.copy()
    trades.loc[[5, 77, 150], "entry_price"] = np.nan  # drafts: no numbers, no alerts
    trades.loc[[6, 200], "volatility_pct"] = np.nan
    trades.loc[[8, 9], "bucket"] = "carry"  # a user's own bucket
    trades.loc[10, "venue"] = ""  # blank = the default venue
    return plan.with_changes(trades=trades)


def _run(plan, monkeypatch, rows_per_chunk, threads):
    monkeypatch.setattr(chunks, "CHUNK_ROWS", rows_per_chunk)
    monkeypatch.setenv("TRADE_PLANNER_THREADS", str(threads))
    return compute(plan)


def test_chunked_threaded_compute_equals_one_pass(mixed_plan, monkeypatch):
    one = _run(mixed_plan, monkeypatch, 10_000, 1)
    many = _run(mixed_plan, monkeypatch, 7, 3)
    assert_same(many, one)
    assert set(one.buckets["bucket"]) == {"market-making", "directional", "hedging", "carry"}
    assert one.totals["count"] == 300 - 5


def test_an_unknown_venue_in_a_late_chunk_names_its_sheet_row(mixed_plan, monkeypatch):
    trades = mixed_plan.trades.copy()
    trades.loc[250, "venue"] = "NoSuchExchange"
    with pytest.raises(PlanError) as err:
        _run(mixed_plan.with_changes(trades=trades), monkeypatch, 16, 2)
    (issue,) = err.value.issues
    assert (issue.sheet, issue.row) == ("Plan", 252)
    assert "NoSuchExchange" in issue.message


def test_frame_without_the_block_api_is_the_same(mixed_plan, monkeypatch):
    fast = compute(mixed_plan)
    monkeypatch.setattr(blocks, "_from_blocks", None)  # pandas < 3: plain constructor
    assert_same(compute(mixed_plan), fast)


def test_update_after_a_scenario_change_recomputes_every_row(mixed_plan):
    before = compute(mixed_plan)
    tail = dataclasses.replace(mixed_plan.scenario("tail"), sigma_move=9.0)
    plan = mixed_plan.with_changes(scenarios=tuple(
        tail if s.name == "tail" else s for s in mixed_plan.scenarios))
    after = update(plan, before, [3])
    assert_same(after, compute(plan))
    assert not np.allclose(after.rows["pnl_tail_usd"].fillna(0),
                           before.rows["pnl_tail_usd"].fillna(0))


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("3", 3), ("0", None), ("x", None),
                                               ("", None)])
def test_thread_count_comes_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("TRADE_PLANNER_THREADS", raw)
    n = chunks.thread_count()
    assert n == expected if expected else 1 <= n <= chunks.MAX_THREADS


def test_an_empty_plan_computes(mixed_plan):
    empty = compute(mixed_plan.with_changes(trades=mixed_plan.trades.iloc[:0]))
    assert len(empty.rows) == 0 and empty.totals["count"] == 0
    assert list(empty.buckets["count"]) == []


def test_a_forked_child_computes_with_its_own_threads(mixed_plan, monkeypatch):
    """A process forked after a threaded compute (multiprocessing's default on Linux) must
    not wait forever for the parent's pool threads."""
    import multiprocessing

    parent = _run(mixed_plan, monkeypatch, 16, 2)  # the pool now exists in this process
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        rows = pool.apply_async(_child_compute, (mixed_plan,)).get(timeout=60)
    pd.testing.assert_frame_equal(rows, parent.rows, check_exact=False, rtol=1e-12)


def _child_compute(plan):
    return compute(plan).rows


def test_update_after_a_venue_tier_change_recomputes_every_row(mixed_plan):
    before = compute(mixed_plan)
    binance = mixed_plan.venues["Binance"]
    first = dataclasses.replace(binance.tiers[0], mmr_pct=binance.tiers[0].mmr_pct * 2)
    venues = dict(mixed_plan.venues)
    venues["Binance"] = dataclasses.replace(binance, tiers=(first, *binance.tiers[1:]))
    plan = mixed_plan.with_changes(venues=venues)
    after = update(plan, before, [3])
    assert_same(after, compute(plan))
    assert not after.rows["liquidation_price"].equals(before.rows["liquidation_price"])


def test_a_notional_exactly_on_a_tier_bound_takes_that_tier():
    """Tier bounds are inclusive (SPEC §2); above the largest bound, the largest tier."""
    from planner import shipped_venues
    from planner.engine.inputs import tier_arrays

    venues = list(shipped_venues().values())
    code = [v.name for v in venues].index("Binance")
    tiers = venues[code].tiers
    bounds = [t.max_notional_usd for t in tiers[:-1]]
    notional = np.array([bounds[0], np.nextafter(bounds[0], np.inf), bounds[2], 1e15, np.nan])
    got = tier_arrays(np.full(len(notional), code), notional, venues)
    want = [tiers[0], tiers[1], tiers[2], tiers[-1], tiers[-1]]
    assert list(got.max_leverage) == [t.max_leverage for t in want]
    assert list(got.overflow) == [False, False, False, tiers[-1].max_notional_usd < 1e15, False]


def test_row_slices_are_even_cover_every_row_and_ignore_the_thread_count(monkeypatch):
    """Threads finish together (even chunks); sums add up in one order on every machine."""
    want = chunks.row_slices(100_000, 65_536)
    assert [(s.start, s.stop) for s in want] == [(0, 50_000), (50_000, 100_000)]
    for threads in ("1", "2", "4"):
        monkeypatch.setenv("TRADE_PLANNER_THREADS", threads)
        assert chunks.row_slices(100_000, 65_536) == want
    for n in (0, 1, 65_536, 65_537, 1_000_003):
        got = chunks.row_slices(n, 65_536)
        sizes = [s.stop - s.start for s in got]
        assert got[0].start == 0 and got[-1].stop == n
        assert all(a.stop == b.start for a, b in zip(got, got[1:], strict=False))
        assert max(sizes) <= max(n, 1) and max(sizes) - min(sizes) <= 1
        assert max(sizes) <= 65_536


@pytest.mark.parametrize("distinct", [10, 30_000])
def test_each_rows_market_is_its_venues_instrument_for_its_symbol(distinct):
    """Few or very many distinct symbols (the dense pair table or its fallback) agree with the
    model's own lookup, blanks and unknown venues included."""
    from planner import shipped_venues
    from planner.engine.markets import markets_of

    venues = list(shipped_venues().values())
    markets = markets_of(venues)
    rng = np.random.default_rng(5)
    n = 40_000
    names = np.array(["BTCUSDT", "eth-perp", "SOL/USDC:USDC", "doge", "", None, "PEPE"]
                     + [f"X{i}" for i in range(distinct)], dtype=object)
    symbol = names[rng.integers(0, len(names), n)]
    venue = rng.integers(-1, len(venues), n).astype(np.intp)
    got = markets.codes(venue, symbol)
    for i in range(0, n, 97):
        if venue[i] < 0:
            assert got[i] == -1
            continue
        v = venues[venue[i]]
        inst = v.instrument(symbol[i])
        assert markets.venue_names[venue[i]] == v.name
        assert markets.profiles[got[i]].name == v.name
        assert markets.symbols[got[i]] == (inst.symbol if inst else "")


def test_market_tables_follow_the_profiles_not_their_identity():
    """Equal profiles that are other objects share the tables; an edited profile gets its own."""
    from planner import shipped_venues
    from planner.engine.markets import markets_of

    first = list(shipped_venues().values())
    copies = [dataclasses.replace(v) for v in first]  # equal, other objects
    assert all(a == b and a is not b for a, b in zip(first, copies, strict=True))
    assert markets_of(copies) is markets_of(first)
    assert markets_of(copies) is markets_of(copies)
    edited = [dataclasses.replace(first[0], lot_step=first[0].lot_step + 1.0), *first[1:]]
    other = markets_of(edited)
    assert other is not markets_of(first)
    assert other.lot[0] == first[0].lot_step + 1.0
    # a venue set freshly built with the same ids as an old one can never be served stale:
    # the cache holds its profiles, so their ids are not reused while it remembers them
    for _ in range(20):
        fresh = [dataclasses.replace(v, taker_fee_pct=v.taker_fee_pct + 0.01) for v in first]
        assert markets_of(fresh).profiles[0].taker_fee_pct == fresh[0].taker_fee_pct
