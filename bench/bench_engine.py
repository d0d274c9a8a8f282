"""Benchmark ``planner.compute`` against a plain-numpy baseline.

Two baselines compute only notional, margin and liquidation price for the same rows, so the
ratio means something on a noisy machine: the *exact* one (:func:`baseline_exact`) gives the
engine's own three numbers (venue fees, tiers, both formula families; a test checks it), the
*proxy* (:func:`baseline`) is a few simplified lines (one tier, one formula family). The engine is
timed with its default thread count and with one thread (``TRADE_PLANNER_THREADS=1``),
interleaved with the baselines. Each size runs in a fresh subprocess so peak memory (max RSS)
is per size.

The plan is opened from a workbook, as the app and the CLI open it (``bench.synth.loaded_plan``:
the synthetic plan saved and read back); the synthetic plan built in memory is timed beside it.
Sizes above the reader's 250,000-row limit cannot be opened from a workbook and use the
synthetic plan only.

Usage: ``python bench/bench_engine.py [--sizes 1000 100000 1000000] [--repeat 5] [--write]``
(``--write`` updates the engine table in ``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def baseline(trades) -> None:  # type: ignore[no-untyped-def]
    """The proxy baseline: notional, margin and liquidation price in a few numpy lines.

    Simplified on purpose (as first written for issue 2): notional from σ alone, one formula
    family, one tier. It does not give the engine's numbers; see :func:`baseline_exact`.
    """
    import numpy as np

    e = trades["entry_price"].to_numpy(float)
    lev = trades["leverage"].to_numpy(float)
    sig = trades["volatility_pct"].to_numpy(float) / 100
    s = np.where(trades["side"].to_numpy(object) == "long", 1.0, -1.0)
    risk = 100_000 * trades["risk_pct"].to_numpy(float) / 100
    n = risk / (2 * sig + 0.002)
    q, m = n / e, n / lev
    mmr = 0.005
    lp = (q * e - s * m) / (q * (1 - s * mmr))
    return lp


def _markets_exact(plan, venue, symbol):  # type: ignore[no-untyped-def]
    """Each row's market (its venue's instrument for the row's symbol, else the venue's own
    table), resolved once per distinct (venue, symbol) pair with the model's lookup.

    Returns:
        ``(codes, venues, markets)``: per-row market index, and per market (each venue's
        table or instrument once) its venue profile and its :class:`planner.model.Instrument`
        (the venue's default table has a blank symbol).
    """
    import numpy as np
    import pandas as pd

    v_code, v_names = pd.factorize(venue)
    s_code, s_names = pd.factorize(symbol)
    pair_code, pairs = pd.factorize(v_code * len(s_names) + s_code)
    index: dict[tuple[str, str], int] = {}  # market by (venue, instrument symbol)
    venues, markets, of_pair = [], [], []
    for p in pairs:
        v = plan.venues[v_names[p // len(s_names)]]
        mk = v.instrument(s_names[p % len(s_names)]) or v.default_instrument()
        if (v.name, mk.symbol) not in index:
            index[(v.name, mk.symbol)] = len(markets)
            venues.append(v)
            markets.append(mk)
        of_pair.append(index[(v.name, mk.symbol)])
    codes = np.array(of_pair, dtype=np.intp)[pair_code]
    return np.asarray(codes), venues, markets


def baseline_exact(plan):  # type: ignore[no-untyped-def]
    """Notional, margin and liquidation price exactly as the spec defines them, nothing else.

    Plain numpy, no engine code (SPEC §2, §4 and §10): each row's market (its instrument or
    the venue's default table); sizing by risk or margin with the row's stop, venue fees
    (taker, or a maker entry), slippage, oracle delay and funding; the quantity rounded down to
    the lot step; the market's tier by notional; the three formula families; the liquidation
    price rounded to the tick away from the position; liquidated at entry.
    ``tests/test_bench_baseline.py`` checks it gives the engine's three columns.
    Written for speed (branch-free side and tier choice), so that it is a demanding reference.

    The synthetic plans fill every input these numbers need, so no blank defaults apply.

    Returns:
        ``(notional, margin, liquidation_price)`` arrays.
    """
    import numpy as np

    from planner.model import FORMULAS

    t, st = plan.trades, plan.settings
    e = t["entry_price"].to_numpy(float)
    lev = t["leverage"].to_numpy(float)
    sig = t["volatility_pct"].to_numpy(float) / 100
    s = 1.0 - 2.0 * (t["side"].to_numpy(object) == "short")
    codes, venues, markets = _markets_exact(plan, t["venue"].to_numpy(object),
                                            t["symbol"].to_numpy(object))
    fee = np.array([v.taker_fee_pct / 100 for v in venues])[codes]
    maker = np.array([v.maker_fee_pct / 100 for v in venues])[codes]
    fees = fee + np.where(t["fee_mode"].to_numpy(object) == "maker", maker, fee)
    stop = t["stop_pct"].to_numpy(float) / 100
    stop = np.where(np.isnan(stop), st.stop_sigma * sig, stop)
    funding = s * t["funding_pct"].to_numpy(float) / 100 * st.horizon_hours / 8
    delay = sig * np.sqrt(t["oracle_delay_s"].to_numpy(float) / 86_400)
    loss = stop + fees + 2 * t["slippage_bps"].to_numpy(float) / 10_000 + delay \
        + np.maximum(funding, 0)
    risk = st.capital_usd * t["risk_pct"].to_numpy(float) / 100
    by_risk = np.maximum(risk - 2 * t["gas_usd"].to_numpy(float), 0) / loss
    n = np.where(t["sizing"].to_numpy(object) == "margin", risk * lev, by_risk)
    # the quantity rounded down to the lot step (float noise tolerated, SPEC §10)
    lot = np.array([x.lot_step for x in markets])[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        y = n / e / lot
        q = np.where(lot > 0, np.floor(y + 1e-9 + np.abs(y) * 1e-12) * lot, n / e)
    n = np.where(lot > 0, q * e, n)
    m = n / lev + t["extra_margin_usd"].to_numpy(float)
    flat = [x for mk in markets for x in mk.tiers]  # every market's tiers in one table
    tier = np.cumsum([0] + [len(mk.tiers) for mk in markets])[codes]  # its first tier
    for code, mk in enumerate(markets):  # + the number of the market's bounds below N
        if len(mk.tiers) > 1:
            rows = codes == code
            bounds = np.array([x.max_notional_usd for x in mk.tiers[:-1]])
            tier[rows] += np.searchsorted(bounds, n[rows], side="left")
    mmr = np.array([x.mmr_pct / 100 for x in flat])[tier]
    cum = np.array([x.maintenance_amount_usd for x in flat])[tier]
    family = np.array([FORMULAS.index(v.formula) for v in venues])[codes]  # 1 bybit, 2 okx
    with np.errstate(divide="ignore", invalid="ignore"):
        lp = np.select([family == 1, family == 2], [e - s * (m - (q * e * mmr - cum)) / q,
                                                    (e - s * m / q) / (1 - s * (mmr + fee))],
                       (q * e - s * (m + cum)) / (q * (1 - s * mmr)))
        tick = np.array([x.tick_size for x in markets])[codes]
        y = s * lp / tick  # away from the position: a long's down, a short's up
        shown = np.where(tick > 0, s * np.floor(y + 1e-9 + np.abs(y) * 1e-12) * tick, lp)
        lp = np.where((q > 0) & (lp > 1e-9 * e) & (shown > 0), shown, np.nan)
        at_entry = (q > 0) & (n * mmr - cum >= m)
    return n, m, np.where(at_entry, e, lp)  # liquidated at entry: the entry


#: The largest plan the workbook reader opens (its row limit, planner.io.safety).
MAX_LOADED = 250_000


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def one_size(n: int, repeat: int) -> dict[str, float]:
    """Median times at ``n`` rows: engine (default threads, then one), baseline; peak RSS."""
    from bench.synth import loaded_plan, synthetic_plan
    from planner import compute
    from planner.engine.chunks import thread_count

    synthetic = synthetic_plan(n)
    loaded = n <= MAX_LOADED
    plan = loaded_plan(n) if loaded else synthetic
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    compute(plan)
    compute(synthetic)
    threads = thread_count()
    engine, single, base, exact, synth = [], [], [], [], []
    for _ in range(repeat):  # interleaved, so load changes hit all of them alike
        os.environ.pop("TRADE_PLANNER_THREADS", None)
        engine.append(_timed(lambda: compute(plan)))
        synth.append(_timed(lambda: compute(synthetic)))
        base.append(_timed(lambda: baseline(plan.trades)))
        exact.append(_timed(lambda: baseline_exact(plan)))
        os.environ["TRADE_PLANNER_THREADS"] = "1"
        single.append(_timed(lambda: compute(plan)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": n, "engine_ms": _ms(engine), "single_ms": _ms(single), "threads": threads,
            "synthetic_ms": _ms(synth), "loaded": float(loaded),
            "baseline_ms": _ms(base), "exact_ms": _ms(exact), "peak_mb": peak, "plan_mb": rss0}


def _ms(times: list[float]) -> float:
    return statistics.median(times) * 1e3


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    p.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = p.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.repeat)))
        return 0
    results = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, "-m", "bench.bench_engine", "--one", str(n),
                              "--repeat", str(args.repeat)], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
        results.append(json.loads(out))
    table = render(results)
    print(table)
    if args.write:
        write_section(table)
    return 0


def render(results: list[dict[str, float]]) -> str:
    threads = int(results[0]["threads"]) if results else 1
    lines = [f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
             f"Python {platform.python_version()}; median of repeated runs. `compute` uses "
             f"{threads} threads by default; the baselines use one. Plans opened from a "
             "workbook (the synthetic plan saved and read back), except where marked "
             "*synthetic* (above the reader's 250,000-row limit).", "",
             f"| rows | plan | compute, {threads} threads (ms) | same plan built in memory (ms) "
             "| loaded ÷ in memory | compute, 1 thread (ms) "
             "| exact baseline (ms) | ratio | ratio, 1 thread | proxy baseline (ms) "
             "| ratio to proxy | peak RSS (MB) |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        x, p, e = r["exact_ms"], r["baseline_ms"], r["engine_ms"]
        kind = "loaded" if r.get("loaded") else "*synthetic*"
        lines.append(f"| {int(r['rows']):,} | {kind} | {e:.1f} | {r['synthetic_ms']:.1f} | "
                     f"{e / r['synthetic_ms']:.2f}× | {r['single_ms']:.1f} | "
                     f"{x:.1f} | {e / x:.1f}× | {r['single_ms'] / x:.1f}× | "
                     f"{p:.1f} | {e / p:.1f}× | {r['peak_mb']:.0f} |")
    return "\n".join(lines)


def write_section(table: str) -> None:
    """Replace the engine section of docs/performance.md."""
    from bench.docsection import write_section as write

    write("engine", "## Engine (`compute`)\n\n`python bench/bench_engine.py --write`", table)


if __name__ == "__main__":
    sys.exit(main())
