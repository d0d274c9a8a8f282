"""Benchmark ``planner.compute`` against a plain-numpy baseline.

The baseline computes only notional, margin and liquidation price (one formula family, one tier)
for the same rows, so the ratio means something on a noisy machine. Each size runs in a fresh
subprocess so peak memory (max RSS) is per size.

Usage: ``python bench/bench_engine.py [--sizes 1000 100000 1000000] [--repeat 5] [--write]``
(``--write`` updates the engine table in ``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import json
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
    """Notional, margin and liquidation price only, in plain numpy."""
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


def one_size(n: int, repeat: int) -> dict[str, float]:
    from bench.synth import synthetic_plan
    from planner import compute

    plan = synthetic_plan(n)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    compute(plan)
    engine, base = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        compute(plan)
        engine.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        baseline(plan.trades)
        base.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": n, "engine_ms": statistics.median(engine) * 1e3,
            "baseline_ms": statistics.median(base) * 1e3, "peak_mb": peak,
            "plan_mb": rss0}


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
    lines = [f"Machine: {platform.processor() or platform.machine()}, "
             f"Python {platform.python_version()}; median of repeated runs.", "",
             "| rows | compute (ms) | numpy baseline (ms) | ratio | peak RSS (MB) |",
             "|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {int(r['rows']):,} | {r['engine_ms']:.1f} | {r['baseline_ms']:.1f} | "
                     f"{r['engine_ms'] / r['baseline_ms']:.1f}× | {r['peak_mb']:.0f} |")
    return "\n".join(lines)


def write_section(table: str) -> None:
    """Replace the engine section of docs/performance.md."""
    from bench.docsection import write_section as write

    write("engine", "## Engine (`compute`)\n\n`python bench/bench_engine.py --write`", table)


if __name__ == "__main__":
    sys.exit(main())
